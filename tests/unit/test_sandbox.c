/* test_sandbox.c — the process side of the sandbox (src/host/sandbox.c): the reply comes back,
 * the wall-clock and reply caps kill, a crash is reported as a signal, inherited descriptors are
 * closed, limits are set, the child reads its directories at fds 4 and 5 and (with Landlock)
 * nothing else, says whether Landlock was active, gives up root, and dies of SIGSYS at a call
 * off the allow-list (each hostile call is tried in tests/unit/test_seccomp.c). sandbox.c and
 * its two helpers are included so their statics need no export (they have no Lua in them). */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "host/sandbox.c"
#include "host/sandbox_landlock.c"
#include "host/sandbox_seccomp.c"

#include <sys/socket.h>
#include <sys/stat.h>

static TySandboxLimits small_limits(void)
{
    TySandboxLimits lim = {.cpu_seconds = 5, .wall_seconds = 5, .memory_bytes = 64u << 20,
                           .instructions = 1000000, .reply_bytes = 4096};
    return lim;
}

static void write_str(int fd, const char *s)
{
    while (*s) {
        ssize_t n = write(fd, s, strlen(s));
        if (n <= 0) return;
        s += n;
    }
}

/* ---------------------------------------------------------------- children */

static int child_says_hello(void *ud, int fd, const TySandboxLimits *lim)
{
    (void)ud; (void)lim;
    write_str(fd, "hello");
    return 7;
}

static int child_sleeps(void *ud, int fd, const TySandboxLimits *lim)
{
    (void)ud; (void)fd; (void)lim;
    for (volatile unsigned long n = 0;; n++) continue;     /* pause() is not on the allow-list */
    return 0;
}

static int child_floods(void *ud, int fd, const TySandboxLimits *lim)
{
    (void)ud; (void)lim;
    char buf[1024];
    memset(buf, 'x', sizeof buf);
    for (;;) if (write(fd, buf, sizeof buf) < 0) return 1;
}

static int child_crashes(void *ud, int fd, const TySandboxLimits *lim)
{
    (void)ud; (void)fd; (void)lim;
    __builtin_trap();       /* SIGILL; raise() would need tgkill, a NULL store trips UBSan */
    return 0;
}

/* Writes one letter per check: 'y' when the check holds (close is on the allow-list). */
static int child_checks_its_descriptors(void *ud, int fd, const TySandboxLimits *lim)
{
    int inherited = *(int *)ud;
    (void)lim;
    char out[4] = {0};
    errno = 0;
    out[0] = close(inherited) < 0 && errno == EBADF ? 'y' : 'n';     /* not inherited */
    errno = 0;
    out[1] = close(SANDBOX_DATA_FD) < 0 && errno == EBADF ? 'y' : 'n';  /* no data dir given */
    out[2] = close(SANDBOX_ROOT_FD) == 0 ? 'y' : 'n';                   /* the root dir is there */
    write_str(fd, out);
    return 0;
}

/* Reads `existing` beneath fd 4, then tries a file by absolute path outside: with Landlock that
 * is EACCES; without it, reading works (only nobody's permissions apply). */
static int child_reads(void *ud, int fd, const TySandboxLimits *lim)
{
    const char *outside = ud;
    (void)lim;
    char out[4] = {0}, buf[8];
    int in = openat(SANDBOX_ROOT_FD, "existing", O_RDONLY | O_CLOEXEC);
    out[0] = in >= 0 && read(in, buf, sizeof buf) == 5 ? 'y' : 'n';
    errno = 0;
    int o = open(outside, O_RDONLY | O_CLOEXEC);
    out[1] = o < 0 && errno == EACCES ? 'L' : o >= 0 ? 'r' : 'n';
    write_str(fd, out);
    return 0;
}

static int child_makes_a_socket(void *ud, int fd, const TySandboxLimits *lim)
{
    (void)ud; (void)lim;
    write_str(fd, "before");
    return socket(AF_INET, SOCK_STREAM, 0) >= 0 ? 0 : 1;
}

/* ---------------------------------------------------------------- tests */

static void sandbox_should_return_the_childs_reply_and_status(void **state)
{
    (void)state;
    TySandboxLimits lim = small_limits();
    TySandboxOutcome out;
    TyError err;
    assert_int_equal(sandbox_spawn(&lim, NULL, child_says_hello, NULL, &out, &err), TY_OK);
    assert_int_equal(out.end, SANDBOX_EXITED);
    assert_int_equal(out.status, 7);
    assert_int_equal(out.reply_len, 5);
    assert_memory_equal(out.reply, "hello", 5);
    sandbox_outcome_free(&out);
}

static void sandbox_should_kill_a_child_at_the_wall_clock_limit(void **state)
{
    (void)state;
    TySandboxLimits lim = small_limits();
    lim.wall_seconds = 0.3;
    TySandboxOutcome out;
    TyError err;
    assert_int_equal(sandbox_spawn(&lim, NULL, child_sleeps, NULL, &out, &err), TY_OK);
    assert_int_equal(out.end, SANDBOX_WALL);
    assert_true(out.wall_seconds >= 0.3 && out.wall_seconds < 3);
    sandbox_outcome_free(&out);
}

static void sandbox_should_kill_a_child_whose_reply_is_too_long(void **state)
{
    (void)state;
    TySandboxLimits lim = small_limits();
    TySandboxOutcome out;
    TyError err;
    assert_int_equal(sandbox_spawn(&lim, NULL, child_floods, NULL, &out, &err), TY_OK);
    assert_int_equal(out.end, SANDBOX_REPLY_CAP);
    assert_int_equal(out.reply_len, lim.reply_bytes);
    sandbox_outcome_free(&out);
}

static void sandbox_should_report_a_crash_as_its_signal(void **state)
{
    (void)state;
    TySandboxLimits lim = small_limits();
    TySandboxOutcome out;
    TyError err;
    assert_int_equal(sandbox_spawn(&lim, NULL, child_crashes, NULL, &out, &err), TY_OK);
    assert_int_equal(out.end, SANDBOX_SIGNALED);
    assert_int_equal(out.signal, SIGILL);
    sandbox_outcome_free(&out);
}

static void sandbox_should_close_inherited_descriptors(void **state)
{
    (void)state;
    int inherited = dup2(open("/dev/null", O_RDONLY), 20);   /* no O_CLOEXEC: a careless parent */
    assert_int_equal(inherited, 20);
    char dir[] = "/tmp/tuiyan-sandbox-XXXXXX";
    assert_non_null(mkdtemp(dir));
    TySandboxLimits lim = small_limits();
    TySandboxDirs dirs = {dir, NULL};
    TySandboxOutcome out;
    TyError err;
    assert_int_equal(sandbox_spawn(&lim, &dirs, child_checks_its_descriptors, &inherited, &out, &err), TY_OK);
    close(inherited);
    rmdir(dir);
    assert_int_equal(out.end, SANDBOX_EXITED);
    assert_int_equal(out.reply_len, 3);
    assert_memory_equal(out.reply, "yyy", 3);
    sandbox_outcome_free(&out);
}

/* child_limits in a process of our own, where getrlimit may still be called. */
static void sandbox_should_set_its_limits(void **state)
{
    (void)state;
    TySandboxLimits lim = small_limits();
    int p[2];
    assert_int_equal(pipe(p), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int nodirs[2] = {-1, -1};
        if (child_limits(&lim, p[1], nodirs, getppid()) != 0) _exit(SANDBOX_SETUP_FAILED);
        struct rlimit rl;
        int ok = getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur == 0 &&
                 getrlimit(RLIMIT_CPU, &rl) == 0 && rl.rlim_cur == (rlim_t)lim.cpu_seconds &&
                 getrlimit(RLIMIT_CORE, &rl) == 0 && rl.rlim_cur == 0 &&
                 getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur == 32;
        _exit(ok ? 0 : 1);
    }
    close(p[0]);
    close(p[1]);
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

/* As root: nobody, no groups, no way back; with keep_read, CAP_DAC_READ_SEARCH alone. */
static void sandbox_should_give_up_root(void **state)
{
    (void)state;
    if (geteuid() != 0) {
        assert_int_equal(drop_root(getppid(), 0), 0);     /* nothing to give up */
        print_message("note: not root; only the no-op path was tested\n");
        return;
    }
    for (int keep = 0; keep <= 1; keep++) {
        fflush(NULL);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || drop_root(getppid(), keep) != 0) _exit(10);
            uid_t r, e, s;
            gid_t gr, ge, gs;
            if (getresuid(&r, &e, &s) != 0 || r != NOBODY || e != NOBODY || s != NOBODY) _exit(11);
            if (getresgid(&gr, &ge, &gs) != 0 || gr != NOBODY || ge != NOBODY || gs != NOBODY) _exit(12);
            if (getgroups(0, NULL) != 0) _exit(13);
            if (setuid(0) == 0 || setresuid(0, 0, 0) == 0) _exit(14);
            struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
            struct __user_cap_data_struct data[2];
            if (syscall(SYS_capget, &hdr, data) != 0) _exit(15);
            uint32_t want = keep ? 1u << CAP_DAC_READ_SEARCH : 0;
            if (data[0].effective != want || data[0].permitted != want || data[1].permitted != 0 ||
                data[0].inheritable != 0)
                _exit(16);
            if (prctl(PR_GET_PDEATHSIG, &r) != 0 || (int)r != SIGKILL) _exit(17);
            _exit(0);
        }
        int st = 0;
        assert_int_equal(waitpid(pid, &st, 0), pid);
        assert_true(WIFEXITED(st));
        if (WEXITSTATUS(st) != 0) fail_msg("keep_read=%d: check %d failed", keep, WEXITSTATUS(st));
    }
}

/* The package directory (0700, root's when run as root) is read at fd 4 after the child became
 * nobody; a file elsewhere is refused when Landlock is active, and the outcome says whether it was. */
static void sandbox_should_read_only_its_directories_and_say_if_landlock_was_on(void **state)
{
    (void)state;
    char dir[] = "/tmp/tuiyan-sandbox-XXXXXX", other[] = "/tmp/tuiyan-other-XXXXXX", path[64], outside[64];
    assert_non_null(mkdtemp(dir));
    assert_non_null(mkdtemp(other));
    snprintf(path, sizeof path, "%s/existing", dir);
    snprintf(outside, sizeof outside, "%s/secret", other);
    for (int i = 0; i < 2; i++) {
        int fd = open(i ? outside : path, O_WRONLY | O_CREAT, 0644);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, "hello", 5), 5);
        close(fd);
    }
    chmod(other, 0755);          /* open to nobody: only Landlock can refuse it */
    TySandboxLimits lim = small_limits();
    TySandboxDirs dirs = {dir, NULL};
    TySandboxOutcome out;
    TyError err;
    assert_int_equal(sandbox_spawn(&lim, &dirs, child_reads, outside, &out, &err), TY_OK);
    unlink(path);
    unlink(outside);
    rmdir(dir);
    rmdir(other);
    assert_int_equal(out.end, SANDBOX_EXITED);
    assert_int_equal(out.reply_len, 2);
    int abi = sandbox_landlock_abi();
    assert_int_equal(out.landlock, abi > 0);
    assert_memory_equal(out.reply, abi > 0 ? "yL" : "yr", 2);
    if (abi == 0) print_message("note: this kernel has no Landlock\n");
    sandbox_outcome_free(&out);
}

static void sandbox_should_kill_a_child_at_a_call_off_the_allow_list(void **state)
{
    (void)state;
    TySandboxLimits lim = small_limits();
    TySandboxOutcome out;
    TyError err;
    assert_int_equal(sandbox_spawn(&lim, NULL, child_makes_a_socket, NULL, &out, &err), TY_OK);
    assert_int_equal(out.end, SANDBOX_SIGNALED);
    assert_int_equal(out.signal, SIGSYS);
    assert_int_equal(out.reply_len, 6);                    /* it ran up to the socket */
    sandbox_outcome_free(&out);
}

static void sandbox_should_refuse_a_directory_it_cannot_open(void **state)
{
    (void)state;
    TySandboxLimits lim = small_limits();
    TySandboxDirs dirs = {"/nonexistent/tuiyan", NULL};
    TySandboxOutcome out;
    TyError err;
    ty_error_clear(&err);
    assert_int_equal(sandbox_spawn(&lim, &dirs, child_says_hello, NULL, &out, &err), TY_EINTERNAL);
    assert_non_null(strstr(err.msg, "cannot open directory /nonexistent/tuiyan"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test(f)
        T(sandbox_should_return_the_childs_reply_and_status),
        T(sandbox_should_kill_a_child_at_the_wall_clock_limit),
        T(sandbox_should_kill_a_child_whose_reply_is_too_long),
        T(sandbox_should_report_a_crash_as_its_signal),
        T(sandbox_should_close_inherited_descriptors),
        T(sandbox_should_set_its_limits),
        T(sandbox_should_give_up_root),
        T(sandbox_should_read_only_its_directories_and_say_if_landlock_was_on),
        T(sandbox_should_kill_a_child_at_a_call_off_the_allow_list),
        T(sandbox_should_refuse_a_directory_it_cannot_open),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
