/* outlock.c — the writer lock on a results directory and the sweep of dead writers' temps
 * (outlock.h). flock, not fcntl locks: it belongs to the open file, so the kernel drops it when
 * the holder dies (kill -9 included); the holder writes its pid into the file so a refused run
 * can name it. */
#include "outlock.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

/* Dead writers' temps in the directory path (relative to the directory at), and in its subdirectories down
 * to depth more levels. A temp is ".<name>.tmp.<pid>.<n>" (atomic.c); its writer is dead when
 * no process has that pid. */
static int sweep(int at, const char *path, int depth)
{
    int fd = openat(at, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return 0;
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return 0;
    }
    int removed = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        const char *name = de->d_name;
        if (de->d_type == DT_DIR) {
            if (depth > 0 && name[0] != '.') removed += sweep(dirfd(d), name, depth - 1);
            continue;
        }
        if (name[0] != '.') continue;
        const char *tag = NULL;
        for (const char *p = strstr(name, ".tmp."); p; p = strstr(p + 1, ".tmp.")) tag = p;
        if (!tag || tag == name) continue;
        const char *digits = tag + 5;
        char *end;
        long pid = strtol(digits, &end, 10);
        if (end == digits || *end != '.' || pid <= 0 || end[1] == '\0') continue;
        const char *c = end + 1;
        while (*c && isdigit((unsigned char)*c)) c++;
        if (*c) continue;
        if (pid == (long)getpid()) continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue;   /* alive, or not ours to judge */
        if (unlinkat(dirfd(d), name, 0) == 0) removed++;
    }
    closedir(d);
    return removed;
}

TyLockResult outlock_acquire(const char *dir, int wait, int *fd, long *holder, TyError *err)
{
    *holder = 0;
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/') len--;
    size_t dirlen = len;
    while (dirlen > 0 && dir[dirlen - 1] != '/') dirlen--;
    const char *base = dir + dirlen;
    char path[4096];
    int n = snprintf(path, sizeof path, "%.*s.%.*s.lock", (int)dirlen, dir, (int)(len - dirlen), base);
    if (n <= 0 || (size_t)n >= sizeof path - 1) {
        ty_error_set(err, TY_EOUTPUT, "cannot lock %s: path too long", dir);
        return LOCK_ERROR;
    }
    int lfd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (lfd < 0) {
        ty_error_set(err, TY_EOUTPUT, "cannot lock %s: %s: %s", dir, path, strerror(errno));
        return LOCK_ERROR;
    }
    int r;
    do r = flock(lfd, LOCK_EX | (wait ? 0 : LOCK_NB));
    while (r != 0 && errno == EINTR);
    if (r != 0) {
        int e = errno;
        if (e == EWOULDBLOCK) {
            char buf[32] = {0};
            ssize_t got = pread(lfd, buf, sizeof buf - 1, 0);
            *holder = got > 0 ? strtol(buf, NULL, 10) : 0;
            close(lfd);
            return LOCK_BUSY;
        }
        close(lfd);
        ty_error_set(err, TY_EOUTPUT, "cannot lock %s: %s", dir, strerror(e));
        return LOCK_ERROR;
    }
    char pid[32];
    int k = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    /* Only informative (who holds it): a failure here does not weaken the lock. */
    if (ftruncate(lfd, 0) == 0 && pwrite(lfd, pid, (size_t)k, 0) != k) { /* nothing */ }
    *fd = lfd;
    return LOCK_HELD;
}

int outlock_sweep_temps(const char *dir)
{
    return sweep(AT_FDCWD, dir, 1);
}
