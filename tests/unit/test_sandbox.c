/* test_sandbox.c — the process side of the sandbox (src/host/sandbox.c): the reply comes back,
 * the wall-clock and reply caps kill, a crash is reported as a signal, inherited descriptors are
 * closed, limits are set, and the seccomp filter refuses what a compromised child could do harm
 * with. sandbox.c is included so its static helpers need no export (it has no Lua in it). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "host/sandbox.c"

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
    while (pause() < 0 || 1) continue;
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
    raise(SIGSEGV);
    return 0;
}

/* Writes one letter per check: 'y' when the check holds. */
static int child_checks_its_world(void *ud, int fd, const TySandboxLimits *lim)
{
    int inherited = *(int *)ud;
    struct rlimit rl;
    char out[16] = {0};
    size_t k = 0;
    errno = 0;
    out[k++] = fcntl(inherited, F_GETFD) < 0 && errno == EBADF ? 'y' : 'n';        /* closed */
    out[k++] = getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur == 0 ? 'y' : 'n';   /* no growth */
    out[k++] = getrlimit(RLIMIT_CPU, &rl) == 0 && rl.rlim_cur == (rlim_t)lim->cpu_seconds ? 'y' : 'n';
    out[k++] = getrlimit(RLIMIT_CORE, &rl) == 0 && rl.rlim_cur == 0 ? 'y' : 'n';
    write_str(fd, out);
    return 0;
}

#ifdef SECCOMP_ARCH
static int child_tries_harm(void *ud, int fd, const TySandboxLimits *lim)
{
    const char *dir = ud;
    (void)lim;
    char path[256], out[16] = {0};
    size_t k = 0;
    snprintf(path, sizeof path, "%s/created", dir);
    errno = 0;
    out[k++] = socket(AF_INET, SOCK_STREAM, 0) < 0 && errno == EPERM ? 'y' : 'n';
    errno = 0;
    out[k++] = open(path, O_WRONLY | O_CREAT, 0644) < 0 && errno == EPERM ? 'y' : 'n';
    snprintf(path, sizeof path, "%s/existing", dir);
    errno = 0;
    out[k++] = open(path, O_RDWR) < 0 && errno == EPERM ? 'y' : 'n';
    errno = 0;
    out[k++] = unlink(path) < 0 && errno == EPERM ? 'y' : 'n';
    errno = 0;
    out[k++] = fork() < 0 && errno == EPERM ? 'y' : 'n';
    errno = 0;
    out[k++] = kill(getppid(), 0) < 0 && errno == EPERM ? 'y' : 'n';
    struct rlimit rl = {RLIM_INFINITY, RLIM_INFINITY};
    errno = 0;
    out[k++] = setrlimit(RLIMIT_CPU, &rl) < 0 && errno == EPERM ? 'y' : 'n';
    int rd = open(path, O_RDONLY);                                   /* reading still works */
    out[k++] = rd >= 0 ? 'y' : 'n';
    write_str(fd, out);
    return 0;
}
#endif

/* ---------------------------------------------------------------- tests */

static void sandbox_should_return_the_childs_reply_and_status(void **state)
{
    (void)state;
    TySandboxLimits lim = small_limits();
    TySandboxOutcome out;
    TyError err;
    assert_int_equal(sandbox_spawn(&lim, child_says_hello, NULL, &out, &err), TY_OK);
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
    assert_int_equal(sandbox_spawn(&lim, child_sleeps, NULL, &out, &err), TY_OK);
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
    assert_int_equal(sandbox_spawn(&lim, child_floods, NULL, &out, &err), TY_OK);
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
    assert_int_equal(sandbox_spawn(&lim, child_crashes, NULL, &out, &err), TY_OK);
    assert_int_equal(out.end, SANDBOX_SIGNALED);
    assert_int_equal(out.signal, SIGSEGV);
    sandbox_outcome_free(&out);
}

static void sandbox_should_close_inherited_descriptors_and_set_limits(void **state)
{
    (void)state;
    int inherited = dup2(open("/dev/null", O_RDONLY), 20);   /* no O_CLOEXEC: a careless parent */
    assert_int_equal(inherited, 20);
    TySandboxLimits lim = small_limits();
    TySandboxOutcome out;
    TyError err;
    assert_int_equal(sandbox_spawn(&lim, child_checks_its_world, &inherited, &out, &err), TY_OK);
    close(inherited);
    assert_int_equal(out.end, SANDBOX_EXITED);
    assert_int_equal(out.reply_len, 4);
    assert_memory_equal(out.reply, "yyyy", 4);
    sandbox_outcome_free(&out);
}

static void sandbox_should_refuse_network_processes_writes_and_signals(void **state)
{
    (void)state;
#ifdef SECCOMP_ARCH
    char dir[] = "/tmp/tuiyan-sandbox-XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/existing", dir);
    int fd = open(path, O_WRONLY | O_CREAT, 0644);
    assert_true(fd >= 0);
    close(fd);
    TySandboxLimits lim = small_limits();
    TySandboxOutcome out;
    TyError err;
    assert_int_equal(sandbox_spawn(&lim, child_tries_harm, dir, &out, &err), TY_OK);
    assert_int_equal(out.end, SANDBOX_EXITED);
    assert_int_equal(out.reply_len, 8);
    assert_memory_equal(out.reply, "yyyyyyyy", 8);
    sandbox_outcome_free(&out);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);              /* still there */
    snprintf(path, sizeof path, "%s/created", dir);
    assert_int_not_equal(stat(path, &st), 0);          /* never made */
    snprintf(path, sizeof path, "%s/existing", dir);
    unlink(path);
    rmdir(dir);
#else
    skip();
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test(f)
        T(sandbox_should_return_the_childs_reply_and_status),
        T(sandbox_should_kill_a_child_at_the_wall_clock_limit),
        T(sandbox_should_kill_a_child_whose_reply_is_too_long),
        T(sandbox_should_report_a_crash_as_its_signal),
        T(sandbox_should_close_inherited_descriptors_and_set_limits),
        T(sandbox_should_refuse_network_processes_writes_and_signals),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
