/* test_seccomp.c — the sandbox child's system-call allow-list (src/host/sandbox_seccomp.c) and
 * Landlock (src/host/sandbox_landlock.c), tried the way native code in a compromised child
 * would: each hostile call in a process of its own that installed the filter, which must die of
 * SIGSYS (the filter's default action is to kill the process). Calls the child needs still work;
 * the compiled-in list equals tests/data/sandbox_syscalls.txt; Landlock, where the kernel has it,
 * refuses reading outside the directories given. The .c files are included so the statics need
 * no export (neither has any Lua in it). */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "host/sandbox_seccomp.c"
#include "host/sandbox_landlock.c"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

static pid_t parent_pid;
static char scratch[64];            /* a directory of the test's own */

/* ---------------------------------------------------------------- harness */

typedef int (*Attempt)(void);

/* Runs attempt() in a child under the filter; returns its wait status. The child exits 0 when
 * the attempt returned (the call was let through or refused with an error), 99 when the filter
 * could not be installed. */
static int under_filter(Attempt attempt)
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (sandbox_seccomp_install() != 0) _exit(99);
        _exit(attempt() == 0 ? 0 : 1);
    }
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    return st;
}

static void expect_killed(Attempt attempt, const char *what)
{
    int st = under_filter(attempt);
    if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGSYS)
        fail_msg("%s: expected death by SIGSYS, got %s %d", what,
                 WIFSIGNALED(st) ? "signal" : "exit", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
}

static void expect_lives(Attempt attempt, const char *what)
{
    int st = under_filter(attempt);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        fail_msg("%s: expected a clean exit 0, got %s %d", what,
                 WIFSIGNALED(st) ? "signal" : "exit", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
}

static void path_in_scratch(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/%s", scratch, name);
}

/* ---------------------------------------------------------------- hostile attempts */

static int try_openat2(void)
{
    struct { uint64_t flags, mode, resolve; } how = {O_RDONLY, 0, 0};
    return (int)syscall(SYS_openat2, AT_FDCWD, "/etc/passwd", &how, sizeof how);
}
static int try_open_create(void)
{
    char p[128];
    path_in_scratch(p, sizeof p, "created");
    return open(p, O_WRONLY | O_CREAT, 0644);
}
static int try_open_rdwr(void)
{
    char p[128];
    path_in_scratch(p, sizeof p, "existing");
    return open(p, O_RDWR);
}
static int try_open_trunc(void)
{
    char p[128];
    path_in_scratch(p, sizeof p, "existing");
    return open(p, O_RDONLY | O_TRUNC);
}
static int try_open_append(void)
{
    char p[128];
    path_in_scratch(p, sizeof p, "existing");
    return open(p, O_RDONLY | O_APPEND);
}
static int try_open_tmpfile(void) { return open(scratch, O_TMPFILE | O_RDWR, 0600); }
static int try_kill_parent(void) { return kill(parent_pid, 0); }
static int try_kill_self(void) { return kill(0, 0); }
static int try_tkill(void) { return (int)syscall(SYS_tkill, parent_pid, 0); }
static int try_tgkill(void) { return (int)syscall(SYS_tgkill, parent_pid, parent_pid, 0); }
static int try_rt_sigqueueinfo(void)
{
    siginfo_t si;
    memset(&si, 0, sizeof si);
    si.si_code = SI_QUEUE;
    return (int)syscall(SYS_rt_sigqueueinfo, parent_pid, 0, &si);
}
static int try_rt_tgsigqueueinfo(void)
{
    siginfo_t si;
    memset(&si, 0, sizeof si);
    si.si_code = SI_QUEUE;
    return (int)syscall(SYS_rt_tgsigqueueinfo, parent_pid, parent_pid, 0, &si);
}
static int try_socket(void) { return socket(AF_INET, SOCK_STREAM, 0); }
static int try_socketpair(void)
{
    int sv[2];
    return socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
}
static int try_execve(void)
{
    char *const argv[] = {"true", NULL};
    return execve("/bin/true", argv, NULL);
}
static int try_fork(void) { return (int)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0); }
static int try_vfork(void) { return (int)syscall(SYS_vfork); }
static int try_fsopen(void) { return (int)syscall(SYS_fsopen, "tmpfs", 0); }
static int try_open_tree(void) { return (int)syscall(SYS_open_tree, AT_FDCWD, "/", 0); }
static int try_mount(void) { return (int)syscall(SYS_mount, "none", scratch, "tmpfs", 0, NULL); }
static int try_fchmodat2(void) { return (int)syscall(SYS_fchmodat2, AT_FDCWD, scratch, 0777, 0); }
static int try_unlink(void)
{
    char p[128];
    path_in_scratch(p, sizeof p, "existing");
    return unlink(p);
}
static int try_setresuid(void) { return setresuid(0, 0, 0); }
static int try_setrlimit(void)
{
    struct rlimit rl = {RLIM_INFINITY, RLIM_INFINITY};
    return setrlimit(RLIMIT_CPU, &rl);
}
static int try_ptrace(void) { return (int)syscall(SYS_ptrace, 16 /* PTRACE_ATTACH */, parent_pid, 0, 0); }
static int try_mmap_exec(void)
{
    void *p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? -1 : 0;
}
static int try_mprotect_exec(void)
{
    static char page[8192] __attribute__((aligned(4096)));
    return mprotect(page, 4096, PROT_READ | PROT_EXEC);
}
#ifndef TY_SECCOMP_SANITIZED
static int try_getpid(void) { return (int)syscall(SYS_getpid); }      /* harmless, but not needed */
#endif
#ifdef __x86_64__
static int try_x32(void) { return (int)syscall(SYS_getpid | 0x40000000); }
#endif

/* ---------------------------------------------------------------- what the child needs */

static int needs_reading(void)
{
    char p[128], buf[8];
    path_in_scratch(p, sizeof p, "existing");
    int fd = openat(AT_FDCWD, p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return -1;
    struct stat st;
    if (fstat(fd, &st) != 0 || read(fd, buf, sizeof buf) != 5 || close(fd) != 0) return -1;
    int dir = open(scratch, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    return dir >= 0 && close(dir) == 0 ? 0 : -1;
}
static int needs_memory(void)
{
    size_t big = (size_t)64 << 20;                   /* past malloc's mmap threshold */
    char *p = malloc(big);
    if (!p) return -1;
    memset(p, 1, big);
    char *q = realloc(p, big * 2);                   /* mremap */
    if (!q) return -1;
    free(q);
    void *anon = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return anon != MAP_FAILED && munmap(anon, 4096) == 0 ? 0 : -1;
}
static int needs_clocks_and_a_handler(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0) return -1;
    struct sigaction sa = {.sa_handler = SIG_IGN};
    return sigaction(SIGXCPU, &sa, NULL);
}
static void *thread_body(void *arg) { return arg; }
/* A thread cannot start (clone3 says EAGAIN, as RLIMIT_NPROC would): the child carries on. */
static int needs_threads_refused_gently(void)
{
    pthread_t t;
    return pthread_create(&t, NULL, thread_body, NULL) == EAGAIN ? 0 : -1;
}

/* ---------------------------------------------------------------- tests */

static void seccomp_should_kill_the_child_at_each_hostile_call(void **state)
{
    (void)state;
    static const struct { Attempt f; const char *what; } attempts[] = {
        {try_openat2, "openat2"}, {try_open_create, "open O_WRONLY|O_CREAT"},
        {try_open_rdwr, "open O_RDWR"}, {try_open_trunc, "open O_TRUNC"},
        {try_open_append, "open O_APPEND"}, {try_open_tmpfile, "open O_TMPFILE"},
        {try_kill_parent, "kill(parent)"}, {try_kill_self, "kill(own group)"},
        {try_tkill, "tkill"}, {try_tgkill, "tgkill"},
        {try_rt_sigqueueinfo, "rt_sigqueueinfo"}, {try_rt_tgsigqueueinfo, "rt_tgsigqueueinfo"},
        {try_socket, "socket"}, {try_socketpair, "socketpair"}, {try_execve, "execve"},
        {try_fork, "clone (fork)"}, {try_vfork, "vfork"}, {try_fsopen, "fsopen (mount API)"},
        {try_open_tree, "open_tree (mount API)"}, {try_mount, "mount"},
        {try_fchmodat2, "fchmodat2 (452)"}, {try_unlink, "unlink"}, {try_setresuid, "setresuid"},
        {try_setrlimit, "setrlimit"}, {try_ptrace, "ptrace"}, {try_mmap_exec, "mmap PROT_EXEC"},
        {try_mprotect_exec, "mprotect PROT_EXEC"},
#ifndef TY_SECCOMP_SANITIZED     /* sanitizer builds let their runtime call getpid */
        {try_getpid, "getpid (not on the list)"},
#endif
#ifdef __x86_64__
        {try_x32, "an x32 system call"},
#endif
    };
    for (size_t i = 0; i < sizeof attempts / sizeof attempts[0]; i++) expect_killed(attempts[i].f, attempts[i].what);
    char p[128];
    struct stat st;
    path_in_scratch(p, sizeof p, "created");
    assert_int_not_equal(stat(p, &st), 0);                      /* never made */
    path_in_scratch(p, sizeof p, "existing");
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_size, 5);                            /* neither truncated nor removed */
}

static void seccomp_should_let_the_child_do_what_it_needs(void **state)
{
    (void)state;
    expect_lives(needs_reading, "reading a file");
    expect_lives(needs_memory, "memory");
    expect_lives(needs_clocks_and_a_handler, "os.clock and the SIGXCPU handler");
    expect_lives(needs_threads_refused_gently, "a thread refused with EAGAIN");
}

/* tests/data/sandbox_syscalls.txt: "NAME RULE" lines, # comments. */
static void seccomp_list_should_equal_the_checked_in_list(void **state)
{
    (void)state;
    FILE *f = fopen("tests/data/sandbox_syscalls.txt", "r");
    if (!f) fail_msg("tests/data/sandbox_syscalls.txt: %s (run from the repository root)", strerror(errno));
    char line[256];
    size_t listed = 0;
    while (fgets(line, sizeof line, f)) {
        char name[64], rule[64];
        if (line[0] == '#' || line[0] == '\n') continue;
        if (sscanf(line, "%63s %63s", name, rule) != 2) fail_msg("bad line: %s", line);
        size_t i = 0;
        while (i < sandbox_seccomp_count && strcmp(sandbox_seccomp_list[i].name, name) != 0) i++;
        if (i == sandbox_seccomp_count) fail_msg("%s is in the checked-in list but not in the filter", name);
        if (strcmp(sandbox_seccomp_rule_name(sandbox_seccomp_list[i].rule), rule) != 0)
            fail_msg("%s: the filter says %s, the list %s", name,
                     sandbox_seccomp_rule_name(sandbox_seccomp_list[i].rule), rule);
        if (seccomp_syscall_resolve_name(name) == __NR_SCMP_ERROR) fail_msg("%s: no such system call here", name);
        listed++;
    }
    fclose(f);
    if (listed != sandbox_seccomp_count)
        fail_msg("the filter allows %zu calls, the checked-in list %zu", sandbox_seccomp_count, listed);
}

/* In a child: Landlock beneath `scratch` only; then the file inside can be read, and nothing
 * outside (a file of another directory of ours, /etc/passwd), nor anything written inside. */
static void landlock_should_confine_reading_to_the_given_directories(void **state)
{
    (void)state;
    char other[] = "/tmp/tuiyan-landlock-XXXXXX", outside[128], inside[128];
    assert_non_null(mkdtemp(other));
    snprintf(outside, sizeof outside, "%s/secret", other);
    int fd = open(outside, O_WRONLY | O_CREAT, 0644);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "s", 1), 1);
    close(fd);
    path_in_scratch(inside, sizeof inside, "existing");
    int abi = sandbox_landlock_abi();
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) _exit(90);
        int dir = open(scratch, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        int r = sandbox_landlock_confine(&dir, 1);
        if (abi == 0) _exit(r == 0 ? 0 : 91);                 /* no Landlock: nothing changed */
        if (r != 1) _exit(92);
        int in = open(inside, O_RDONLY);
        if (in < 0) _exit(93);
        if (open(outside, O_RDONLY) >= 0 || errno != EACCES) _exit(94);
        if (open("/etc/passwd", O_RDONLY) >= 0 || errno != EACCES) _exit(95);
        if (open(inside, O_WRONLY) >= 0 || errno != EACCES) _exit(96);
        if (openat(dir, "new", O_WRONLY | O_CREAT, 0644) >= 0 || errno != EACCES) _exit(97);
        _exit(0);
    }
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    unlink(outside);
    rmdir(other);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) fail_msg("Landlock (ABI %d): child exit %d", abi, WEXITSTATUS(st));
    if (abi == 0) print_message("note: this kernel has no Landlock; only the no-op path was tested\n");
}

static int setup(void **state)
{
    (void)state;
    parent_pid = getpid();
    snprintf(scratch, sizeof scratch, "/tmp/tuiyan-seccomp-XXXXXX");
    if (!mkdtemp(scratch)) return -1;
    char p[128];
    path_in_scratch(p, sizeof p, "existing");
    int fd = open(p, O_WRONLY | O_CREAT, 0644);
    if (fd < 0 || write(fd, "hello", 5) != 5) return -1;
    close(fd);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char p[128];
    path_in_scratch(p, sizeof p, "existing");
    unlink(p);
    path_in_scratch(p, sizeof p, "created");
    unlink(p);
    rmdir(scratch);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(seccomp_should_kill_the_child_at_each_hostile_call),
        cmocka_unit_test(seccomp_should_let_the_child_do_what_it_needs),
        cmocka_unit_test(seccomp_list_should_equal_the_checked_in_list),
        cmocka_unit_test(landlock_should_confine_reading_to_the_given_directories),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
