/* test_atomic.c — atomic writes (RELIABILITY §C) and the capped whole-file reader.
 * Everything happens in a fresh mkdtemp directory under /tmp, removed afterwards. Failures are
 * provoked in-process: a missing or unwritable directory, a target that turns into a directory
 * before the rename, RLIMIT_FSIZE for a write error part-way through. Disk-full and EIO on
 * fsync are injected with strace by tests/fault/atomic_strace.sh. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "io/atomic.h"

typedef struct Dir {
    char path[64];
} Dir;

/* ---------------------------------------------------------------- helpers */

static int setup_dir(void **state)
{
    Dir *d = calloc(1, sizeof *d);
    if (!d) return -1;
    snprintf(d->path, sizeof d->path, "/tmp/tuiyan-atomic-XXXXXX");
    if (!mkdtemp(d->path)) { free(d); return -1; }
    *state = d;
    return 0;
}

/* rm -r of the test directory (one level of subdirectories is all the tests make). */
static void remove_tree(const char *path)
{
    DIR *dir = opendir(path);
    if (dir) {
        chmod(path, 0700);
        struct dirent *de;
        while ((de = readdir(dir)) != NULL) {
            if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
            char sub[512];
            snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
            struct stat st;
            if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode)) remove_tree(sub);
            else unlink(sub);
        }
        closedir(dir);
    }
    rmdir(path);
}

static int teardown_dir(void **state)
{
    Dir *d = *state;
    remove_tree(d->path);
    free(d);
    return 0;
}

static const char *in_dir(void **state, const char *name, char *buf, size_t size)
{
    Dir *d = *state;
    snprintf(buf, size, "%s/%s", d->path, name);
    return buf;
}

static void write_plain(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
}

/* Whole file as a malloc'd string (test files are small). */
static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, fp), (size_t)n);
    s[n] = '\0';
    fclose(fp);
    return s;
}

static void assert_file_is(const char *path, const char *want)
{
    char *got = slurp(path);
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

/* Number of ".<name>.tmp.*" files left in a directory. */
static int count_temps(const char *dirpath)
{
    DIR *dir = opendir(dirpath);
    if (!dir) return 0;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(dir)) != NULL)
        if (de->d_name[0] == '.' && strstr(de->d_name, ".tmp.")) n++;
    closedir(dir);
    return n;
}

static void assert_error(const TyError *err, TyStatus code, const char *path, const char *why)
{
    char want[1024];
    snprintf(want, sizeof want, "cannot write %s: %s", path, why);
    assert_int_equal(err->code, code);
    assert_string_equal(err->msg, want);
}

/* ---------------------------------------------------------------- writing */

static void atomic_should_create_file_with_exact_content(void **state)
{
    char path[128];
    in_dir(state, "out.csv", path, sizeof path);
    TyError err;
    ty_error_clear(&err);
    const char data[] = "a,b\n1,2\n\0tail";      /* embedded NUL: length, not strlen */
    assert_int_equal(atomic_write_file(path, data, sizeof data - 1, 0, &err), TY_OK);
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    char back[64];
    size_t n = fread(back, 1, sizeof back, fp);
    fclose(fp);
    assert_int_equal(n, sizeof data - 1);
    assert_memory_equal(back, data, n);
    assert_int_equal(count_temps(((Dir *)*state)->path), 0);
}

static void atomic_should_replace_existing_file_and_leave_no_temp(void **state)
{
    char path[128];
    in_dir(state, "report.json", path, sizeof path);
    write_plain(path, "old contents that are longer than the new ones\n");
    struct stat before;
    assert_int_equal(stat(path, &before), 0);
    TyError err;
    assert_int_equal(atomic_write_file(path, "new\n", 4, 0, &err), TY_OK);
    assert_file_is(path, "new\n");
    struct stat after;
    assert_int_equal(stat(path, &after), 0);
    assert_true(after.st_ino != before.st_ino);   /* a new inode: replaced, not rewritten */
    assert_int_equal(count_temps(((Dir *)*state)->path), 0);
}

static void atomic_should_write_0644_or_0600_when_secret(void **state)
{
    char a[128], b[128];
    in_dir(state, "public.txt", a, sizeof a);
    in_dir(state, "key.txt", b, sizeof b);
    mode_t old = umask(022);
    TyError err;
    assert_int_equal(atomic_write_file(a, "x", 1, 0, &err), TY_OK);
    assert_int_equal(atomic_write_file(b, "k", 1, 1, &err), TY_OK);
    umask(old);
    struct stat st;
    assert_int_equal(stat(a, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    assert_int_equal(stat(b, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
}

static void atomic_should_write_large_buffers_completely(void **state)
{
    char path[128];
    in_dir(state, "big.bin", path, sizeof path);
    size_t n = (size_t)24 << 20;
    unsigned char *buf = malloc(n);
    assert_non_null(buf);
    for (size_t i = 0; i < n; i++) buf[i] = (unsigned char)(i * 2654435761u >> 13);
    TyError err;
    assert_int_equal(atomic_write_file(path, buf, n, 0, &err), TY_OK);
    char *back = NULL;
    size_t len = 0;
    assert_int_equal(file_read_all(path, n, &back, &len, &err), TY_OK);
    assert_int_equal(len, n);
    assert_memory_equal(back, buf, n);
    free(back);
    free(buf);
}

static void atomic_open_should_put_temp_beside_target(void **state)
{
    char path[128], prefix[160];
    in_dir(state, "plan.csv", path, sizeof path);
    snprintf(prefix, sizeof prefix, "%s/.plan.csv.tmp.%ld.", ((Dir *)*state)->path,
             (long)getpid());
    TyAtomicFile f;
    TyError err;
    assert_int_equal(atomic_open(&f, path, 0, &err), TY_OK);
    assert_non_null(f.tmp);
    assert_true(strncmp(f.tmp, prefix, strlen(prefix)) == 0);
    assert_string_equal(f.path, path);
    assert_true(f.fd >= 0);
    assert_int_equal(fcntl(f.fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
    /* Two files open at once get different temps. */
    TyAtomicFile g;
    assert_int_equal(atomic_open(&g, path, 0, &err), TY_OK);
    assert_string_not_equal(f.tmp, g.tmp);
    atomic_abort(&g);
    atomic_abort(&f);
    assert_int_equal(count_temps(((Dir *)*state)->path), 0);
}

static void atomic_open_should_work_with_a_bare_file_name(void **state)
{
    char cwd[512];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(((Dir *)*state)->path), 0);
    TyError err;
    TyStatus st = atomic_write_file("bare.txt", "b", 1, 0, &err);
    assert_int_equal(chdir(cwd), 0);
    assert_int_equal(st, TY_OK);
    char path[128];
    assert_file_is(in_dir(state, "bare.txt", path, sizeof path), "b");
}

static void atomic_abort_should_remove_temp_keep_target_and_be_idempotent(void **state)
{
    char path[128];
    in_dir(state, "keep.txt", path, sizeof path);
    write_plain(path, "original\n");
    TyAtomicFile f;
    TyError err;
    assert_int_equal(atomic_open(&f, path, 0, &err), TY_OK);
    assert_int_equal(atomic_write(&f, "partial", 7, &err), TY_OK);
    assert_int_equal(count_temps(((Dir *)*state)->path), 1);
    atomic_abort(&f);
    assert_null(f.path);
    assert_null(f.tmp);
    assert_int_equal(f.fd, -1);
    atomic_abort(&f);            /* twice is fine */
    assert_int_equal(count_temps(((Dir *)*state)->path), 0);
    assert_file_is(path, "original\n");
}

static void atomic_should_fail_in_missing_directory(void **state)
{
    char path[128];
    in_dir(state, "no-such-dir/out.csv", path, sizeof path);
    TyError err;
    ty_error_clear(&err);
    assert_int_equal(atomic_write_file(path, "x", 1, 0, &err), TY_EOUTPUT);
    assert_error(&err, TY_EOUTPUT, path, "No such file or directory");
}

/* A read-only directory stops everyone but root; as root (CI containers) a directory whose
 * "parent" is a regular file fails for everyone, so that is what is tested then. */
static void atomic_should_fail_in_unwritable_directory(void **state)
{
    char ro[128], probe[160], path[160];
    in_dir(state, "ro", ro, sizeof ro);
    assert_int_equal(mkdir(ro, 0755), 0);
    assert_int_equal(chmod(ro, 0555), 0);
    snprintf(probe, sizeof probe, "%s/probe", ro);
    int fd = open(probe, O_WRONLY | O_CREAT | O_EXCL, 0644);
    TyError err;
    ty_error_clear(&err);
    if (fd < 0) {
        snprintf(path, sizeof path, "%s/out.csv", ro);
        assert_int_equal(atomic_write_file(path, "x", 1, 0, &err), TY_EOUTPUT);
        assert_error(&err, TY_EOUTPUT, path, "Permission denied");
        assert_int_equal(count_temps(ro), 0);
    } else {
        close(fd);
        unlink(probe);
        char file[128];
        in_dir(state, "plainfile", file, sizeof file);
        write_plain(file, "i am a file\n");
        snprintf(path, sizeof path, "%s/out.csv", file);
        assert_int_equal(atomic_write_file(path, "x", 1, 0, &err), TY_EOUTPUT);
        assert_error(&err, TY_EOUTPUT, path, "Not a directory");
        assert_file_is(file, "i am a file\n");
    }
    chmod(ro, 0755);
}

static void atomic_should_refuse_directories_and_special_files(void **state)
{
    char dir[128], fifo[128], slash[160];
    TyError err;
    in_dir(state, "adir", dir, sizeof dir);
    assert_int_equal(mkdir(dir, 0755), 0);
    assert_int_equal(atomic_write_file(dir, "x", 1, 0, &err), TY_EOUTPUT);
    assert_error(&err, TY_EOUTPUT, dir, "Is a directory");
    snprintf(slash, sizeof slash, "%s/", dir);
    assert_int_equal(atomic_write_file(slash, "x", 1, 0, &err), TY_EOUTPUT);
    assert_int_equal(atomic_write_file("", "x", 1, 0, &err), TY_EOUTPUT);

    /* Renaming over a FIFO or device would replace the node itself. /dev/full is only tried
     * when not root: as root a bug here would really replace it. */
    in_dir(state, "fifo", fifo, sizeof fifo);
    assert_int_equal(mkfifo(fifo, 0644), 0);
    assert_int_equal(atomic_write_file(fifo, "x", 1, 0, &err), TY_EOUTPUT);
    assert_error(&err, TY_EOUTPUT, fifo, "not a regular file");
    struct stat st;
    assert_int_equal(lstat(fifo, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
    if (geteuid() != 0 && access("/dev/full", F_OK) == 0) {
        assert_int_equal(atomic_write_file("/dev/full", "x", 1, 0, &err), TY_EOUTPUT);
        assert_int_equal(stat("/dev/full", &st), 0);
        assert_true(S_ISCHR(st.st_mode));
    }
    assert_int_equal(count_temps(((Dir *)*state)->path), 0);
}

/* The target becomes a directory between open and commit: rename fails, temp removed. */
static void atomic_commit_should_clean_up_when_rename_fails(void **state)
{
    char path[128], inner[160];
    in_dir(state, "race", path, sizeof path);
    TyAtomicFile f;
    TyError err;
    assert_int_equal(atomic_open(&f, path, 0, &err), TY_OK);
    assert_int_equal(atomic_write(&f, "data", 4, &err), TY_OK);
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(inner, sizeof inner, "%s/x", path);
    write_plain(inner, "inside\n");             /* non-empty: rename cannot replace it */
    ty_error_clear(&err);
    TyStatus st = atomic_commit(&f, &err);
    assert_int_equal(st, TY_EOUTPUT);
    assert_non_null(strstr(err.msg, "cannot write "));
    assert_non_null(strstr(err.msg, path));
    assert_null(f.path);
    assert_null(f.tmp);
    atomic_abort(&f);                           /* harmless after a failed commit */
    assert_int_equal(count_temps(((Dir *)*state)->path), 0);
    assert_file_is(inner, "inside\n");
}

/* RLIMIT_FSIZE makes write() stop part-way (a short write, then EFBIG): the loop must notice,
 * the temp must go, the earlier output must stay. */
static void atomic_write_should_clean_up_after_a_write_error(void **state)
{
    char path[128];
    in_dir(state, "limited.csv", path, sizeof path);
    write_plain(path, "earlier output\n");
    struct rlimit old, lim;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    void (*oldsig)(int) = signal(SIGXFSZ, SIG_IGN);
    lim = old;
    lim.rlim_cur = 1000;
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);

    char *big = malloc(5000);
    assert_non_null(big);
    memset(big, 'x', 5000);
    TyAtomicFile f;
    TyError err;
    TyStatus st_open = atomic_open(&f, path, 0, &err);
    TyStatus st_write = st_open == TY_OK ? atomic_write(&f, big, 5000, &err) : st_open;
    TyError after;
    TyStatus st_commit = atomic_commit(&f, &after);   /* on an aborted file: an error, no crash */
    atomic_abort(&f);

    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, oldsig);
    free(big);
    assert_int_equal(st_open, TY_OK);
    assert_int_equal(st_write, TY_EOUTPUT);
    assert_error(&err, TY_EOUTPUT, path, "File too large");
    assert_int_equal(st_commit, TY_EOUTPUT);
    assert_int_equal(count_temps(((Dir *)*state)->path), 0);
    assert_file_is(path, "earlier output\n");
}

/* ---------------------------------------------------------------- reading */

static void file_read_all_should_read_whole_file_nul_terminated(void **state)
{
    char path[128];
    in_dir(state, "in.csv", path, sizeof path);
    write_plain(path, "a,b\n1,2\n");
    char *buf = NULL;
    size_t len = 0;
    TyError err;
    assert_int_equal(file_read_all(path, 1 << 20, &buf, &len, &err), TY_OK);
    assert_int_equal(len, 8);
    assert_string_equal(buf, "a,b\n1,2\n");
    free(buf);
}

static void file_read_all_should_read_empty_file(void **state)
{
    char path[128];
    in_dir(state, "empty", path, sizeof path);
    write_plain(path, "");
    char *buf = NULL;
    size_t len = 99;
    TyError err;
    assert_int_equal(file_read_all(path, 0, &buf, &len, &err), TY_OK);
    assert_int_equal(len, 0);
    assert_non_null(buf);
    assert_int_equal(buf[0], '\0');
    free(buf);
}

static void file_read_all_should_report_missing_file_as_usage_error(void **state)
{
    char path[128];
    in_dir(state, "missing.csv", path, sizeof path);
    char *buf = (char *)1;
    size_t len = 0;
    TyError err;
    char want[256];
    assert_int_equal(file_read_all(path, 100, &buf, &len, &err), TY_EUSAGE);
    assert_null(buf);
    snprintf(want, sizeof want, "cannot open %s: No such file or directory", path);
    assert_string_equal(err.msg, want);
}

static void file_read_all_should_refuse_directories_fifos_and_devices(void **state)
{
    char fifo[128];
    char *buf = NULL;
    size_t len = 0;
    TyError err;
    Dir *d = *state;
    assert_int_equal(file_read_all(d->path, 100, &buf, &len, &err), TY_EDATA);
    assert_string_equal(err.msg, "not a regular file");
    assert_string_equal(err.file, d->path);
    /* No writer: a blocking open would hang here. */
    in_dir(state, "pipe", fifo, sizeof fifo);
    assert_int_equal(mkfifo(fifo, 0644), 0);
    assert_int_equal(file_read_all(fifo, 100, &buf, &len, &err), TY_EDATA);
    assert_string_equal(err.msg, "not a regular file");
    assert_int_equal(file_read_all("/dev/null", 100, &buf, &len, &err), TY_EDATA);
    assert_null(buf);
}

static void file_read_all_should_refuse_files_over_the_cap(void **state)
{
    char path[128];
    in_dir(state, "ten", path, sizeof path);
    write_plain(path, "0123456789");
    char *buf = NULL;
    size_t len = 0;
    TyError err;
    assert_int_equal(file_read_all(path, 9, &buf, &len, &err), TY_EDATA);
    assert_null(buf);
    assert_non_null(strstr(err.msg, "too large (10 bytes; the limit is 9)"));
    assert_int_equal(file_read_all(path, 10, &buf, &len, &err), TY_OK);
    assert_int_equal(len, 10);
    free(buf);
}

/* Fail the n-th allocation for n = 0, 1, ... until the call succeeds: each failure is a clean
 * TY_ENOMEM, the old file stays, no temp file is left, nothing leaks. */
static void atomic_and_read_should_fail_cleanly_on_every_allocation_failure(void **state)
{
    char path[128];
    in_dir(state, "mem.csv", path, sizeof path);
    write_plain(path, "old\n");
    long n;
    for (n = 0; n < 100; n++) {
        TyError err;
        ty_error_clear(&err);
        ty_alloc_fail_after(n);
        TyStatus st = atomic_write_file(path, "new\n", 4, 0, &err);
        ty_alloc_fail_after(-1);
        if (st == TY_OK) break;
        assert_int_equal(st, TY_ENOMEM);
        assert_file_is(path, "old\n");
        assert_int_equal(count_temps(((Dir *)*state)->path), 0);
    }
    assert_true(n > 0 && n < 100);
    assert_file_is(path, "new\n");

    for (n = 0; n < 100; n++) {
        TyError err;
        char *buf = NULL;
        size_t len = 0;
        ty_alloc_fail_after(n);
        TyStatus st = file_read_all(path, 100, &buf, &len, &err);
        ty_alloc_fail_after(-1);
        if (st == TY_OK) {
            assert_string_equal(buf, "new\n");
            free(buf);
            break;
        }
        assert_int_equal(st, TY_ENOMEM);
        assert_null(buf);
    }
    assert_true(n > 0 && n < 100);
}

/* ---------------------------------------------------------------- identity */

static void path_same_file_should_compare_device_and_inode(void **state)
{
    char a[128], b[128], hard[128], soft[128], missing[128];
    in_dir(state, "a", a, sizeof a);
    in_dir(state, "b", b, sizeof b);
    in_dir(state, "hard", hard, sizeof hard);
    in_dir(state, "soft", soft, sizeof soft);
    in_dir(state, "missing", missing, sizeof missing);
    write_plain(a, "same\n");
    write_plain(b, "same\n");
    assert_int_equal(link(a, hard), 0);
    assert_int_equal(symlink(a, soft), 0);
    assert_int_equal(path_same_file(a, a), 1);
    assert_int_equal(path_same_file(a, hard), 1);
    assert_int_equal(path_same_file(soft, a), 1);
    assert_int_equal(path_same_file(a, b), 0);          /* equal content is not the same file */
    assert_int_equal(path_same_file(a, missing), 0);
    assert_int_equal(path_same_file(missing, missing), 0);
}

static void atomic_write_all_should_write_every_file_or_none(void **state)
{
    char a[128], b[128], c[128], bad[160];
    in_dir(state, "a.csv", a, sizeof a);
    in_dir(state, "b.csv", b, sizeof b);
    in_dir(state, "manifest.json", c, sizeof c);
    snprintf(bad, sizeof bad, "%s/no-such-dir/x.csv", ((Dir *)*state)->path);
    write_plain(a, "old a\n");
    write_plain(b, "old b\n");
    TyError err;
    /* the third cannot be written: the first two stay as they were, no temp is left */
    const char *paths[] = {a, b, bad};
    const char *bufs[] = {"new a\n", "new b\n", "x"};
    const size_t lens[] = {6, 6, 1};
    assert_int_not_equal(atomic_write_all(3, paths, bufs, lens, &err), TY_OK);
    assert_file_is(a, "old a\n");
    assert_file_is(b, "old b\n");
    assert_int_equal(count_temps(((Dir *)*state)->path), 0);
    /* all writable: all replaced */
    const char *paths2[] = {a, b, c};
    const char *bufs2[] = {"new a\n", "new b\n", "{}\n"};
    const size_t lens2[] = {6, 6, 3};
    assert_int_equal(atomic_write_all(3, paths2, bufs2, lens2, &err), TY_OK);
    assert_file_is(a, "new a\n");
    assert_file_is(b, "new b\n");
    assert_file_is(c, "{}\n");
    assert_int_equal(count_temps(((Dir *)*state)->path), 0);
    assert_int_equal(atomic_write_all(0, NULL, NULL, NULL, &err), TY_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup_dir, teardown_dir)
        T(atomic_should_create_file_with_exact_content),
        T(atomic_should_replace_existing_file_and_leave_no_temp),
        T(atomic_should_write_0644_or_0600_when_secret),
        T(atomic_should_write_large_buffers_completely),
        T(atomic_open_should_put_temp_beside_target),
        T(atomic_open_should_work_with_a_bare_file_name),
        T(atomic_abort_should_remove_temp_keep_target_and_be_idempotent),
        T(atomic_should_fail_in_missing_directory),
        T(atomic_should_fail_in_unwritable_directory),
        T(atomic_should_refuse_directories_and_special_files),
        T(atomic_commit_should_clean_up_when_rename_fails),
        T(atomic_write_should_clean_up_after_a_write_error),
        T(file_read_all_should_read_whole_file_nul_terminated),
        T(file_read_all_should_read_empty_file),
        T(file_read_all_should_report_missing_file_as_usage_error),
        T(file_read_all_should_refuse_directories_fifos_and_devices),
        T(file_read_all_should_refuse_files_over_the_cap),
        T(atomic_and_read_should_fail_cleanly_on_every_allocation_failure),
        T(path_same_file_should_compare_device_and_inode),
        T(atomic_write_all_should_write_every_file_or_none),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
