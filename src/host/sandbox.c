/* sandbox.c — running a function in a child process that cannot hurt its parent: CPU-time,
 * address-space, file-size, descriptor and process limits; nothing inherited but the reply
 * pipe (as fd 3) and the two directories it may read (fds 4 and 5); killed when the parent dies;
 * then Landlock confines its reading to those directories (sandbox_landlock.c), root becomes
 * nobody, and a seccomp allow-list (sandbox_seccomp.c) kills it at any system call it has no
 * need for. The parent reads the reply up to a cap and kills the child
 * when its wall-clock time is up. The parent installs no signal handler: its timer is poll()'s
 * timeout, so a hung child costs it nothing. */
#define _GNU_SOURCE                /* setresuid, setresgid, getresuid */
#include "sandbox.h"
#include "sandbox_landlock.h"
#include "sandbox_seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <linux/capability.h>
#include <stddef.h>
#include <sys/mman.h>
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

/* ---- giving up root ---- */

#define NOBODY ((uid_t)65534)      /* Debian's nobody and nogroup */

/* Leaves the calling process (uid nobody, KEEPCAPS set) with one capability, or none (cap < 0). */
static int keep_only_capability(int cap)
{
    struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
    memset(data, 0, sizeof data);
    if (cap >= 0) {
        data[cap / 32].effective = data[cap / 32].permitted = 1u << (cap % 32);
    }
    if (syscall(SYS_capset, &hdr, data) != 0) return -1;
    return prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == 0 || errno == EINVAL ? 0 : -1;
}

/* If any of our uids is root: no supplementary groups, then nogroup and nobody for real,
 * effective and saved ids, so nothing can take root back. A package store or a --data directory
 * of root's is often closed to nobody (the store's version directories are 0700), so with
 * `keep_read` the child keeps CAP_DAC_READ_SEARCH alone — only when Landlock already confines
 * its reading to those two directories, so that the capability cannot reach past them.
 * Changing uid clears the parent-death signal, so it is set again. 0 on success (or nothing to
 * do), -1 on failure. */
static int drop_root(pid_t parent, int keep_read)
{
    uid_t r, e, s;
    if (getresuid(&r, &e, &s) != 0) return -1;
    if (r != 0 && e != 0 && s != 0) return 0;
    if (setgroups(0, NULL) != 0) return -1;
    if (setresgid((gid_t)NOBODY, (gid_t)NOBODY, (gid_t)NOBODY) != 0) return -1;
    if (keep_read && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) return -1;
    if (setresuid(NOBODY, NOBODY, NOBODY) != 0) return -1;
    if (keep_only_capability(keep_read ? CAP_DAC_READ_SEARCH : -1) != 0) return -1;
    if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) != 0) return -1;
    if (getresuid(&r, &e, &s) != 0 || r != NOBODY || e != NOBODY || s != NOBODY) return -1;
    if (setresuid(0, 0, 0) == 0) return -1;                     /* root must be gone for good */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) return -1;
    return 0;
}

/* What the child tells the parent about its set-up, in a shared page it unmaps before running
 * anything it was given (so the code that runs cannot write to it). */
typedef struct SetupReport {
    int landlock;
} SetupReport;

/* In the child: descriptors, signals and limits. 0 on success. */
static int child_limits(const TySandboxLimits *lim, int pipe_w, const int dirfd[2], pid_t parent)
{
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) return -1;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return -1;
    if (pipe_w != REPLY_FD && dup2(pipe_w, REPLY_FD) != REPLY_FD) return -1;
    /* The directories go to fixed numbers above the reply; dirfd[] are above them (see spawn). */
    if (dirfd[0] >= 0 && dup2(dirfd[0], SANDBOX_ROOT_FD) != SANDBOX_ROOT_FD) return -1;
    if (dirfd[1] >= 0 && dup2(dirfd[1], SANDBOX_DATA_FD) != SANDBOX_DATA_FD) return -1;
    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (devnull < 0 || dup2(devnull, 0) != 0 || dup2(devnull, 1) != 1) return -1;
#ifndef TY_SANITIZED
    if (dup2(devnull, 2) != 2) return -1;      /* nothing of the child reaches the terminal */
#endif
    if (dirfd[0] < 0) close(SANDBOX_ROOT_FD);
    if (dirfd[1] < 0) close(SANDBOX_DATA_FD);
    closefrom(SANDBOX_DATA_FD + 1);
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
    if (lower_limit(RLIMIT_NPROC, 0, 0) != 0) return -1;      /* no fork (root is exempt until it drops) */
    size_t vm = current_vm_bytes();
    if (vm > 0) {
        rlim_t as = (rlim_t)vm + (rlim_t)lim->memory_bytes * 2 + (rlim_t)AS_SLACK;
        if (lower_limit(RLIMIT_AS, as, as) != 0) return -1;
    }
#endif
    return 0;
}

/* In the child, after child_limits: Landlock, nobody, the allow-list, in that order (Landlock
 * and setresuid are not on the list). Returns 1 or 0 (Landlock active or not), -1 on failure. */
static int child_confine(const int dirfd[2], pid_t parent)
{
    /* os.date's localtime() reads /etc/localtime once; later calls only stat it (allowed). */
    tzset();
    int dirs[2] = {dirfd[0] >= 0 ? SANDBOX_ROOT_FD : -1, dirfd[1] >= 0 ? SANDBOX_DATA_FD : -1};
    int landlock = sandbox_landlock_confine(dirs, 2);
    if (landlock < 0) return -1;
    if (drop_root(parent, landlock == 1) != 0) return -1;
    if (sandbox_seccomp_install() != 0) return -1;
    return landlock;
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

/* Opens a directory the child may read, at a descriptor number of 10 or more (so the child's
 * dup2 onto 3..5 cannot overwrite it). -1 + errno. */
static int open_dir_high(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -1;
    int high = fcntl(fd, F_DUPFD_CLOEXEC, 10);
    int e = errno;
    close(fd);
    errno = e;
    return high;
}

static void close_dirs(int dirfd[2])
{
    for (int i = 0; i < 2; i++) {
        if (dirfd[i] >= 0) close(dirfd[i]);
        dirfd[i] = -1;
    }
}

TyStatus sandbox_spawn(const TySandboxLimits *lim, const TySandboxDirs *dirs, TySandboxChild child, void *ud,
                       TySandboxOutcome *out, TyError *err)
{
    memset(out, 0, sizeof *out);
    int dirfd[2] = {-1, -1};
    const char *names[2] = {dirs ? dirs->root : NULL, dirs ? dirs->data : NULL};
    for (int i = 0; i < 2; i++) {
        if (!names[i]) continue;
        dirfd[i] = open_dir_high(names[i]);
        if (dirfd[i] < 0) {
            int e = errno;
            close_dirs(dirfd);
            return ty_error_set(err, TY_EINTERNAL, "sandbox: cannot open directory %s: %s", names[i], strerror(e));
        }
    }
    SetupReport *report = mmap(NULL, sizeof *report, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (report == MAP_FAILED) {
        close_dirs(dirfd);
        return ty_error_set(err, TY_ENOMEM, "sandbox: out of memory");
    }
    report->landlock = 0;
    size_t cap = lim->reply_bytes;
    char *buf = malloc(cap < 65536 ? cap + 1 : 65536);
    size_t size = cap < 65536 ? cap + 1 : 65536, len = 0;
    if (!buf) {
        close_dirs(dirfd);
        munmap(report, sizeof *report);
        return ty_error_set(err, TY_ENOMEM, "sandbox: out of memory");
    }
    int fds[2];
    if (pipe(fds) != 0 || fcntl(fds[0], F_SETFD, FD_CLOEXEC) != 0 || fcntl(fds[1], F_SETFD, FD_CLOEXEC) != 0) {
        free(buf);
        close_dirs(dirfd);
        munmap(report, sizeof *report);
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
        close_dirs(dirfd);
        munmap(report, sizeof *report);
        return ty_error_set(err, TY_EINTERNAL, "sandbox: cannot start a child process: %s", strerror(e));
    }
    if (pid == 0) {
        close(fds[0]);
        if (child_limits(lim, fds[1], dirfd, parent) != 0) _exit(SANDBOX_SETUP_FAILED);
        int landlock = child_confine(dirfd, parent);
        if (landlock < 0) _exit(SANDBOX_SETUP_FAILED);
        report->landlock = landlock;
        munmap(report, sizeof *report);
        _exit(child(ud, REPLY_FD, lim));
    }
    close_dirs(dirfd);
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
        munmap(report, sizeof *report);
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
    out->landlock = report->landlock;
    munmap(report, sizeof *report);
    out->reply = buf;
    out->reply_len = len > cap ? cap : len;
    return TY_OK;
}
