/* atomic.c — every write to disk goes through here: a temp file beside the target, written in
 * full, fsync'd, closed, renamed over the target, and the directory fsync'd, so a reader (or a
 * crash) sees the old complete file or the new complete file, never a torn one. Also the one
 * careful whole-file reader, with its size cap checked before anything is allocated.
 *
 * Every failing call leaves the TyAtomicFile aborted (temp unlinked, strings freed), so a caller
 * that forgets atomic_abort leaks nothing and leaves no temp file behind; atomic_abort after
 * that is a no-op. Memory goes through core/alloc.h (for allocation-failure tests); the buffer
 * file_read_all returns is plain malloc memory for the caller to free().
 */
#include "atomic.h"
#include "core/alloc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TMP_ATTEMPTS 100     /* O_EXCL collisions tolerated (a stale temp of a recycled pid) */

/* Makes temp names unique within the process; the pid makes them unique between processes. */
static unsigned long tmp_counter;

static char *dup_range(const char *s, size_t n)
{
    char *d = ty_malloc(n + 1);
    if (!d) return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

static TyStatus fail_errno(TyError *err, const char *path, int e)
{
    return ty_error_set(err, TY_EOUTPUT, "cannot write %s: %s", path, strerror(e));
}

static TyStatus fail_nomem(TyError *err, const char *path)
{
    return ty_error_set(err, TY_ENOMEM, "cannot write %s: out of memory", path);
}

static void atomic_clear(TyAtomicFile *f)
{
    f->path = NULL;
    f->tmp = NULL;
    f->fd = -1;
}

/* ".<base>.tmp.<pid>.<n>" in the directory of path. */
static char *tmp_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    const char *base = path + dirlen;
    char suffix[64];
    int k = snprintf(suffix, sizeof suffix, ".tmp.%ld.%lu", (long)getpid(), ++tmp_counter);
    size_t n = dirlen + 1 + strlen(base) + (size_t)k;
    char *t = ty_malloc(n + 1);
    if (!t) return NULL;
    snprintf(t, n + 1, "%.*s.%s%s", (int)dirlen, path, base, suffix);
    return t;
}

TyStatus atomic_open(TyAtomicFile *f, const char *path, int secret, TyError *err)
{
    atomic_clear(f);
    if (!path || !*path) return fail_errno(err, path ? path : "(null)", ENOENT);
    size_t n = strlen(path);
    if (path[n - 1] == '/') return fail_errno(err, path, EISDIR);
    /* Renaming over a device, FIFO or symlink to one would replace the node itself (as root,
     * `-o /dev/stdout` would put a regular file in /dev): outputs must be regular files. */
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode)) return fail_errno(err, path, EISDIR);
        return ty_error_set(err, TY_EOUTPUT, "cannot write %s: not a regular file", path);
    }
    f->path = dup_range(path, n);
    if (!f->path) return fail_nomem(err, path);
    mode_t mode = secret ? 0600 : 0644;
    for (int attempt = 0; attempt < TMP_ATTEMPTS; attempt++) {
        f->tmp = tmp_name(path);
        if (!f->tmp) { atomic_abort(f); return fail_nomem(err, path); }
        do f->fd = open(f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
        while (f->fd < 0 && errno == EINTR);
        if (f->fd >= 0) return TY_OK;
        int e = errno;
        ty_free(f->tmp);
        f->tmp = NULL;
        if (e != EEXIST) {
            atomic_abort(f);
            return fail_errno(err, path, e);
        }
    }
    atomic_abort(f);
    return fail_errno(err, path, EEXIST);
}

/* Reports the failure, then aborts: the temp goes, the target stays as it was. */
static TyStatus fail_abort(TyAtomicFile *f, TyError *err, int e)
{
    TyStatus st = fail_errno(err, f->path ? f->path : "(closed file)", e);
    atomic_abort(f);
    return st;
}

TyStatus atomic_write(TyAtomicFile *f, const void *buf, size_t len, TyError *err)
{
    if (f->fd < 0) return fail_abort(f, err, EBADF);
    const char *p = buf;
    while (len > 0) {
        ssize_t w = write(f->fd, p, len);
        if (w < 0) {
            if (errno == EINTR) continue;
            return fail_abort(f, err, errno);
        }
        if (w == 0) return fail_abort(f, err, ENOSPC);   /* no progress: treat as full */
        p += w;
        len -= (size_t)w;
    }
    return TY_OK;
}

/* The rename is only durable once the directory entry is on disk. Some filesystems cannot
 * fsync a directory (EINVAL), and a directory we may write but not read cannot be opened:
 * the rename has happened by then, so those are not failures. A real fsync error (EIO) is
 * reported: the new file is in place but might not survive a crash. */
static int sync_dir(const char *path)
{
    /* On the stack, not the heap: after the rename an allocation failure could only be
     * reported as a failed write of a file that has in fact been replaced. */
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    if (!slash) snprintf(dir, sizeof dir, ".");
    else if (slash == path) snprintf(dir, sizeof dir, "/");
    else if ((size_t)(slash - path) < sizeof dir) snprintf(dir, sizeof dir, "%.*s",
                                                          (int)(slash - path), path);
    else return 0;                     /* longer than any path the rename could have used */
    int fd;
    do fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) return 0;
    int e = 0;
    if (fsync(fd) != 0 && errno != EINVAL) e = errno;
    close(fd);
    return e;
}

/* fsync and close the temp: its content is on disk, the target not yet replaced. */
static TyStatus atomic_prepare(TyAtomicFile *f, TyError *err)
{
    if (f->fd < 0 || !f->path || !f->tmp) return fail_abort(f, err, EBADF);
    int r;
    do r = fsync(f->fd);
    while (r != 0 && errno == EINTR);
    if (r != 0) return fail_abort(f, err, errno);
    r = close(f->fd);
    f->fd = -1;                        /* closed even on error: never close it twice */
    if (r != 0 && errno != EINTR) return fail_abort(f, err, errno);
    return TY_OK;
}

TyStatus atomic_commit(TyAtomicFile *f, TyError *err)
{
    if (f->fd >= 0) {
        TyStatus ps = atomic_prepare(f, err);
        if (ps != TY_OK) return ps;
    }
    if (!f->path || !f->tmp) return fail_abort(f, err, EBADF);
    if (rename(f->tmp, f->path) != 0) return fail_abort(f, err, errno);
    ty_free(f->tmp);
    f->tmp = NULL;                     /* renamed: nothing left to unlink */
    int e = sync_dir(f->path);
    TyStatus st = TY_OK;
    if (e) st = ty_error_set(err, TY_EOUTPUT, "cannot write %s: %s (syncing its directory)",
                             f->path, strerror(e));
    atomic_abort(f);                   /* frees the path */
    return st;
}

void atomic_abort(TyAtomicFile *f)
{
    if (!f) return;
    if (f->fd >= 0) close(f->fd);
    if (f->tmp) unlink(f->tmp);
    ty_free(f->tmp);
    ty_free(f->path);
    atomic_clear(f);
}

TyStatus atomic_write_file(const char *path, const void *buf, size_t len, int secret, TyError *err)
{
    TyAtomicFile f;
    TyStatus st = atomic_open(&f, path, secret, err);
    if (st != TY_OK) return st;
    st = atomic_write(&f, buf, len, err);
    if (st == TY_OK) st = atomic_commit(&f, err);
    atomic_abort(&f);                  /* no-op unless something above left it open */
    return st;
}

TyStatus atomic_write_all(size_t n, const char *const *paths, const char *const *bufs,
                          const size_t *lens, TyError *err)
{
    TyAtomicFile *fs = ty_calloc(n ? n : 1, sizeof *fs);
    if (!fs) return fail_nomem(err, n ? paths[0] : "(no file)");
    for (size_t i = 0; i < n; i++) fs[i].fd = -1;
    TyStatus st = TY_OK;
    /* 1. Every temp written and on disk; any failure removes them all, targets untouched. */
    for (size_t i = 0; i < n && st == TY_OK; i++) {
        st = atomic_open(&fs[i], paths[i], 0, err);
        if (st == TY_OK) st = atomic_write(&fs[i], bufs[i], lens[i], err);
        if (st == TY_OK) st = atomic_prepare(&fs[i], err);
    }
    /* 2. Only then the renames, in order (the caller puts its manifest last). */
    for (size_t i = 0; i < n && st == TY_OK; i++) st = atomic_commit(&fs[i], err);
    for (size_t i = 0; i < n; i++) atomic_abort(&fs[i]);
    ty_free(fs);
    return st;
}

int path_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (!a || !b || stat(a, &sa) != 0 || stat(b, &sb) != 0) return 0;
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* ---------------------------------------------------------------- reading */

/* Reads to end of file into *buf, growing it up to max_bytes + 2 so that a file that grew
 * since fstat is still caught by the cap (one byte over the cap is enough to know, one more
 * keeps room for the NUL). Returns 0, an errno value, or -1 for "too large". */
static int read_to_end(int fd, size_t max_bytes, char **buf, size_t *cap, size_t *len)
{
    size_t limit = max_bytes < SIZE_MAX - 2 ? max_bytes + 2 : SIZE_MAX;
    for (;;) {
        if (*len + 1 >= *cap) {
            if (*cap >= limit) return -1;
            size_t ncap = *cap > limit / 2 ? limit : *cap * 2;
            if (ncap < 4096 && limit >= 4096) ncap = 4096;
            char *nb = ty_realloc(*buf, ncap);
            if (!nb) return ENOMEM;
            *buf = nb;
            *cap = ncap;
        }
        ssize_t r = read(fd, *buf + *len, *cap - 1 - *len);
        if (r < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        if (r == 0) return 0;
        *len += (size_t)r;
        if (*len > max_bytes) return -1;
    }
}

static TyStatus too_large(TyError *err, const char *path, size_t max_bytes)
{
    return ty_error_at(err, TY_EDATA, path, 0, 0, "file is too large (the limit is %zu bytes)",
                       max_bytes);
}

TyStatus file_read_all(const char *path, size_t max_bytes, char **out, size_t *len, TyError *err)
{
    *out = NULL;
    *len = 0;
    /* O_NONBLOCK: opening a FIFO must not wait for a writer before we can refuse it. */
    int fd;
    do fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) return ty_error_set(err, TY_EUSAGE, "cannot open %s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return ty_error_set(err, TY_EDATA, "cannot read %s: %s", path, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return ty_error_at(err, TY_EDATA, path, 0, 0, "not a regular file");
    }
    if (st.st_size < 0 || (unsigned long long)st.st_size > max_bytes) {
        close(fd);
        return ty_error_at(err, TY_EDATA, path, 0, 0, "file is too large (%lld bytes; the limit "
                           "is %zu)", (long long)st.st_size, max_bytes);
    }
    size_t cap = (size_t)st.st_size + 2;   /* the file, one byte to see it grew, the NUL */
    char *buf = ty_malloc(cap);
    if (!buf) {
        close(fd);
        return ty_error_set(err, TY_ENOMEM, "cannot read %s: out of memory", path);
    }
    size_t n = 0;
    int r = read_to_end(fd, max_bytes, &buf, &cap, &n);
    close(fd);
    if (r != 0) {
        ty_free(buf);
        if (r < 0) return too_large(err, path, max_bytes);
        if (r == ENOMEM) return ty_error_set(err, TY_ENOMEM, "cannot read %s: out of memory", path);
        return ty_error_set(err, TY_EDATA, "cannot read %s: %s", path, strerror(r));
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return TY_OK;
}
