/* sandbox.c — running a function in a child process that cannot hurt its parent: CPU-time,
 * address-space, file-size, descriptor and process limits; nothing inherited but the reply
 * pipe (as fd 3); killed when the parent dies; and a seccomp filter that refuses the system
 * calls a compromised child could do harm with (network, new processes, changing files, signals
 * to others, raising its limits). The parent reads the reply up to a cap and kills the child
 * when its wall-clock time is up. The parent installs no signal handler: its timer is poll()'s
 * timeout, so a hung child costs it nothing. */
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/sched.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Sanitizer runtimes reserve terabytes of address space and spawn a symbolizer: no RLIMIT_AS or
 * RLIMIT_NPROC under them (the allocator cap still holds). */
#if defined(__SANITIZE_ADDRESS__)
#define TY_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TY_SANITIZED 1
#endif
#endif

#define REPLY_FD 3
#define AS_SLACK ((size_t)512 << 20)

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Lowers a limit (never raises it above the current hard limit). 0 on success. */
static int lower_limit(int resource, rlim_t soft, rlim_t hard)
{
    struct rlimit rl;
    if (getrlimit(resource, &rl) != 0) return -1;
    if (rl.rlim_max != RLIM_INFINITY && hard > rl.rlim_max) hard = rl.rlim_max;
    if (soft > hard) soft = hard;
    rl.rlim_cur = soft;
    rl.rlim_max = hard;
    return setrlimit(resource, &rl);
}

#ifndef TY_SANITIZED
/* The process's current virtual size in bytes, or 0 if unknown. */
static size_t current_vm_bytes(void)
{
    char buf[128];
    int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return 0;
    buf[n] = '\0';
    unsigned long long pages = strtoull(buf, NULL, 10);
    long page = sysconf(_SC_PAGESIZE);
    return page > 0 ? (size_t)(pages * (unsigned long long)page) : 0;
}
#endif

/* ---- the seccomp filter: a deny-list (the allocator, stdio, threads of the Monte Carlo core
 * and sanitizer runtimes keep working); a refused call fails with EPERM, it does not kill. ---- */

#if defined(__x86_64__)
#define SECCOMP_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SECCOMP_ARCH AUDIT_ARCH_AARCH64
#endif

#ifdef SECCOMP_ARCH
static const int denied_calls[] = {
    /* network */
    SYS_socket, SYS_socketpair, SYS_connect, SYS_bind, SYS_listen, SYS_accept, SYS_accept4,
    SYS_sendto, SYS_sendmsg, SYS_sendmmsg,
    /* new programs and processes (threads are allowed: see clone below) */
    SYS_execve, SYS_execveat, SYS_ptrace, SYS_process_vm_readv, SYS_process_vm_writev,
    SYS_unshare, SYS_setns, SYS_pidfd_open, SYS_pidfd_send_signal, SYS_pidfd_getfd,
    /* changing files */
    SYS_unlinkat, SYS_renameat, SYS_renameat2, SYS_mkdirat, SYS_linkat, SYS_symlinkat,
    SYS_fchmod, SYS_fchmodat, SYS_fchown, SYS_fchownat, SYS_truncate, SYS_ftruncate, SYS_fallocate,
    SYS_mknodat, SYS_utimensat, SYS_setxattr, SYS_lsetxattr, SYS_fsetxattr, SYS_removexattr,
    SYS_lremovexattr, SYS_fremovexattr, SYS_name_to_handle_at, SYS_open_by_handle_at,
    SYS_mount, SYS_umount2, SYS_pivot_root, SYS_chroot, SYS_quotactl, SYS_acct,
    /* limits, the machine, the kernel */
    SYS_setrlimit, SYS_ioctl, SYS_bpf, SYS_perf_event_open, SYS_keyctl, SYS_add_key,
    SYS_request_key, SYS_init_module, SYS_finit_module, SYS_delete_module, SYS_kexec_load,
    SYS_reboot, SYS_swapon, SYS_swapoff, SYS_sethostname, SYS_setdomainname, SYS_settimeofday,
    SYS_clock_settime, SYS_adjtimex, SYS_userfaultfd, SYS_io_uring_setup, SYS_fanotify_init,
    SYS_personality,
    /* other processes' memory and queues */
    SYS_shmget, SYS_shmat, SYS_msgget, SYS_msgsnd, SYS_semget, SYS_semop, SYS_mq_open,
#ifdef SYS_open   /* the older calls x86_64 still has */
    SYS_unlink, SYS_rename, SYS_mkdir, SYS_rmdir, SYS_link, SYS_symlink, SYS_chmod, SYS_chown,
    SYS_lchown, SYS_mknod, SYS_utime, SYS_utimes, SYS_futimesat, SYS_fork, SYS_vfork,
#endif
};

#define ARG_LO(n) (offsetof(struct seccomp_data, args) + (n) * sizeof(uint64_t))  /* little-endian */
#define DENY (SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA))
#define TMPFILE_BIT 020000000u   /* O_TMPFILE without O_DIRECTORY (x86_64 and aarch64) */
#define OPEN_WRITES ((unsigned)(O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND) | TMPFILE_BIT)

/* Installs the filter (no_new_privs is already set). 0 on success. */
static int install_seccomp(pid_t self)
{
    struct sock_filter f[sizeof denied_calls / sizeof denied_calls[0] * 2 + 64];
    size_t n = 0;
#define OP(code, k) (f[n++] = (struct sock_filter)BPF_STMT(code, k))
#define JEQ(k, t, e) (f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, k, t, e))
    OP(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
    JEQ(SECCOMP_ARCH, 1, 0);
    OP(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);           /* another ABI: no */
    OP(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
#ifdef __x86_64__
    f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, 0, 1);  /* x32 */
    OP(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
#endif
    for (size_t i = 0; i < sizeof denied_calls / sizeof denied_calls[0]; i++) {
        JEQ((unsigned)denied_calls[i], 0, 1);
        OP(BPF_RET | BPF_K, DENY);
    }
    /* openat(dirfd, path, flags): reading only */
    JEQ(SYS_openat, 0, 4);
    OP(BPF_LD | BPF_W | BPF_ABS, ARG_LO(2));
    f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, OPEN_WRITES, 0, 1);
    OP(BPF_RET | BPF_K, DENY);
    OP(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
#ifdef SYS_open
    JEQ(SYS_open, 0, 4);                                        /* open(path, flags) */
    OP(BPF_LD | BPF_W | BPF_ABS, ARG_LO(1));
    f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, OPEN_WRITES, 0, 1);
    OP(BPF_RET | BPF_K, DENY);
    OP(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    JEQ(SYS_creat, 0, 1);
    OP(BPF_RET | BPF_K, DENY);
#endif
    /* clone: threads only; clone3 hides its flags, so glibc is told to fall back to clone */
    JEQ(SYS_clone3, 0, 1);
    OP(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA));
    JEQ(SYS_clone, 0, 4);
    OP(BPF_LD | BPF_W | BPF_ABS, ARG_LO(0));
    f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_THREAD, 1, 0);
    OP(BPF_RET | BPF_K, DENY);
    OP(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    /* prlimit64: reading limits only (new_limit == NULL) */
    JEQ(SYS_prlimit64, 0, 6);
    OP(BPF_LD | BPF_W | BPF_ABS, ARG_LO(2));
    JEQ(0, 0, 3);
    OP(BPF_LD | BPF_W | BPF_ABS, ARG_LO(2) + 4);
    JEQ(0, 0, 1);
    OP(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    OP(BPF_RET | BPF_K, DENY);
    /* kill and tgkill: this process only (abort() signals itself) */
    JEQ(SYS_kill, 1, 0);
    JEQ(SYS_tgkill, 0, 3);
    OP(BPF_LD | BPF_W | BPF_ABS, ARG_LO(0));
    JEQ((unsigned)self, 1, 0);
    OP(BPF_RET | BPF_K, DENY);
    OP(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
#undef OP
#undef JEQ
    struct sock_fprog prog = {.len = (unsigned short)n, .filter = f};
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) == 0) return 0;
    return errno == EINVAL || errno == ENOSYS ? 0 : -1;   /* a kernel without seccomp: the rest holds */
}
#endif

/* In the child: descriptors, signals and limits. 0 on success. */
static int child_setup(const TySandboxLimits *lim, int pipe_w, pid_t parent)
{
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) return -1;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return -1;
    if (pipe_w != REPLY_FD && dup2(pipe_w, REPLY_FD) != REPLY_FD) return -1;
    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (devnull < 0 || dup2(devnull, 0) != 0 || dup2(devnull, 1) != 1) return -1;
#ifndef TY_SANITIZED
    if (dup2(devnull, 2) != 2) return -1;      /* nothing of the child reaches the terminal */
#endif
    closefrom(REPLY_FD + 1);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (int sig = 1; sig < NSIG; sig++) signal(sig, SIG_DFL);   /* none of the parent's handlers */
    rlim_t cpu = (rlim_t)ceil(lim->cpu_seconds);
    if (cpu < 1) cpu = 1;
    if (lower_limit(RLIMIT_CPU, cpu, cpu + 1) != 0) return -1;
    if (lower_limit(RLIMIT_FSIZE, 0, 0) != 0) return -1;      /* no file grows */
    if (lower_limit(RLIMIT_CORE, 0, 0) != 0) return -1;
    if (lower_limit(RLIMIT_NOFILE, 32, 32) != 0) return -1;
#ifndef TY_SANITIZED
    if (lower_limit(RLIMIT_NPROC, 0, 0) != 0) return -1;      /* no fork (not enforced for root) */
    size_t vm = current_vm_bytes();
    if (vm > 0) {
        rlim_t as = (rlim_t)vm + (rlim_t)lim->memory_bytes * 2 + (rlim_t)AS_SLACK;
        if (lower_limit(RLIMIT_AS, as, as) != 0) return -1;
    }
#endif
#ifdef SECCOMP_ARCH
    if (install_seccomp(getpid()) != 0) return -1;
#endif
    return 0;
}

/* Reaps pid, killing it if the deadline passes first. Returns the wait status or -1. */
static int reap(pid_t pid, double deadline, int *killed, struct rusage *ru)
{
    int st = 0;
    for (;;) {
        pid_t w = wait4(pid, &st, *killed ? 0 : WNOHANG, ru);
        if (w == pid) return st;
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) return -1;
        if (now_seconds() >= deadline) {
            kill(pid, SIGKILL);
            *killed = 1;
            continue;
        }
        struct timespec nap = {0, 2000000};
        nanosleep(&nap, NULL);
    }
}

void sandbox_outcome_free(TySandboxOutcome *out)
{
    free(out->reply);
    out->reply = NULL;
    out->reply_len = 0;
}

TyStatus sandbox_spawn(const TySandboxLimits *lim, TySandboxChild child, void *ud,
                       TySandboxOutcome *out, TyError *err)
{
    memset(out, 0, sizeof *out);
    size_t cap = lim->reply_bytes;
    char *buf = malloc(cap < 65536 ? cap + 1 : 65536);
    size_t size = cap < 65536 ? cap + 1 : 65536, len = 0;
    if (!buf) return ty_error_set(err, TY_ENOMEM, "sandbox: out of memory");
    int fds[2];
    if (pipe(fds) != 0 || fcntl(fds[0], F_SETFD, FD_CLOEXEC) != 0 || fcntl(fds[1], F_SETFD, FD_CLOEXEC) != 0) {
        free(buf);
        return ty_error_set(err, TY_EINTERNAL, "sandbox: cannot create a pipe: %s", strerror(errno));
    }
    fflush(NULL);                      /* nothing buffered here is written twice */
    pid_t parent = getpid();
    double start = now_seconds(), deadline = start + lim->wall_seconds;
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(fds[0]);
        close(fds[1]);
        free(buf);
        return ty_error_set(err, TY_EINTERNAL, "sandbox: cannot start a child process: %s", strerror(e));
    }
    if (pid == 0) {
        close(fds[0]);
        if (child_setup(lim, fds[1], parent) != 0) _exit(SANDBOX_SETUP_FAILED);
        _exit(child(ud, REPLY_FD, lim));
    }
    close(fds[1]);
    int killed = 0, read_error = 0;
    TySandboxEnd end = SANDBOX_EXITED;
    for (;;) {
        double left = deadline - now_seconds();
        if (left <= 0) {
            kill(pid, SIGKILL);
            killed = 1;
            end = SANDBOX_WALL;
            break;
        }
        struct pollfd p = {.fd = fds[0], .events = POLLIN};
        int r = poll(&p, 1, left > 3600 ? 3600000 : (int)ceil(left * 1000));
        if (r < 0 && errno != EINTR) {
            read_error = errno;
            break;
        }
        if (r <= 0) continue;          /* timeout or EINTR: the loop checks the deadline */
        if (len == size) {
            size_t bigger = size * 2 > cap + 1 ? cap + 1 : size * 2;
            char *nb = realloc(buf, bigger);
            if (!nb) {
                read_error = ENOMEM;
                break;
            }
            buf = nb;
            size = bigger;
        }
        ssize_t n = read(fds[0], buf + len, size - len);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n < 0) {
            read_error = errno;
            break;
        }
        if (n == 0) break;             /* the child closed its end: it is exiting */
        len += (size_t)n;
        if (len > cap) {
            kill(pid, SIGKILL);
            killed = 1;
            end = SANDBOX_REPLY_CAP;
            break;
        }
    }
    close(fds[0]);
    if (read_error) {
        kill(pid, SIGKILL);
        killed = 1;
    }
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    int st = reap(pid, deadline, &killed, &ru);
    if (killed && end == SANDBOX_EXITED && !read_error) end = SANDBOX_WALL;   /* hung after replying */
    if (st < 0 || read_error) {
        free(buf);
        return ty_error_set(err, TY_EINTERNAL, "sandbox: lost the child process: %s",
                            strerror(read_error ? read_error : errno));
    }
    out->wall_seconds = now_seconds() - start;
    out->cpu_seconds = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    if (end == SANDBOX_EXITED) {
        if (WIFEXITED(st)) {
            out->status = WEXITSTATUS(st);
        } else if (WIFSIGNALED(st)) {
            end = SANDBOX_SIGNALED;
            out->signal = WTERMSIG(st);
        }
    }
    out->end = end;
    out->reply = buf;
    out->reply_len = len > cap ? cap : len;
    return TY_OK;
}
