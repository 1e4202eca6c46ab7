/* package_fs.c — the file-system side of installing packages: a private temp directory to
 * unpack into, an atomic swap into place, a removal that never follows a link, and a lock so
 * two installs cannot interleave. */
#define _GNU_SOURCE                      /* renameat2 */
#include "package.h"
#include "core/alloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define REMOVE_DEPTH_MAX 64

char *package_mkdtemp(const char *parent, TyError *err)
{
    size_t n = strlen(parent) + sizeof "/.tmp-XXXXXX";
    char *t = ty_malloc(n);
    if (!t) { ty_error_set(err, TY_ENOMEM, "out of memory"); return NULL; }
    snprintf(t, n, "%s/.tmp-XXXXXX", parent);
    if (!mkdtemp(t)) {
        ty_error_set(err, TY_EOUTPUT, "cannot create a directory in %s: %s", parent,
                     strerror(errno));
        ty_free(t);
        return NULL;
    }
    return t;
}

/* fsync of the directory holding path; errors other than EIO do not matter here. */
static void sync_parent(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash) snprintf(dir, sizeof dir, ".");
    else snprintf(dir, sizeof dir, "%.*s", (int)(slash == path ? 1 : slash - path), path);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    (void)fsync(fd);
    close(fd);
}

TyStatus package_move_dir(const char *from, const char *to, int *exchanged, TyError *err)
{
    *exchanged = 0;
    if (rename(from, to) == 0) { sync_parent(to); return TY_OK; }
    if (errno != EEXIST && errno != ENOTEMPTY)
        return ty_error_set(err, TY_EOUTPUT, "cannot move %s to %s: %s", from, to, strerror(errno));
    if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_EXCHANGE) == 0) {
        *exchanged = 1;
        sync_parent(to);
        return TY_OK;
    }
    if (errno != EINVAL && errno != ENOSYS)
        return ty_error_set(err, TY_EOUTPUT, "cannot move %s to %s: %s", from, to, strerror(errno));
    /* No atomic exchange on this file system: old aside, new in, old where new was. */
    size_t n = strlen(from) + 5;
    char *aside = ty_malloc(n);
    if (!aside) return ty_error_set(err, TY_ENOMEM, "out of memory");
    snprintf(aside, n, "%s.old", from);
    TyStatus st = TY_OK;
    if (rename(to, aside) != 0) {
        st = ty_error_set(err, TY_EOUTPUT, "cannot move %s aside: %s", to, strerror(errno));
    } else if (rename(from, to) != 0) {
        st = ty_error_set(err, TY_EOUTPUT, "cannot move %s to %s: %s", from, to, strerror(errno));
        (void)rename(aside, to);
    } else {
        (void)rename(aside, from);
        *exchanged = 1;
        sync_parent(to);
    }
    ty_free(aside);
    return st;
}

static int remove_at(int dirfd, const char *name, int depth)
{
    struct stat st;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return errno == ENOENT ? 0 : errno;
    if (!S_ISDIR(st.st_mode)) return unlinkat(dirfd, name, 0) == 0 || errno == ENOENT ? 0 : errno;
    if (depth >= REMOVE_DEPTH_MAX) return ELOOP;
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return errno;
    DIR *d = fdopendir(fd);
    if (!d) { int e = errno; close(fd); return e; }
    int e = 0;
    struct dirent *de;
    while (e == 0 && (de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
        e = remove_at(fd, de->d_name, depth + 1);
    }
    closedir(d);
    if (e == 0 && unlinkat(dirfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT) e = errno;
    return e;
}

TyStatus package_remove_tree(const char *path, TyError *err)
{
    int e = remove_at(AT_FDCWD, path, 0);
    if (e) return ty_error_set(err, TY_EOUTPUT, "cannot remove %s: %s", path, strerror(e));
    return TY_OK;
}

int package_lock(const char *dir, TyError *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/.lock", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        ty_error_set(err, TY_EOUTPUT, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        close(fd);
        if (e == EWOULDBLOCK)
            ty_error_set(err, TY_EOUTPUT, "another tuiyan is installing or removing packages "
                         "(%s is locked); try again when it has finished", path);
        else ty_error_set(err, TY_EOUTPUT, "cannot lock %s: %s", path, strerror(e));
        return -1;
    }
    return fd;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void package_names_free(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++) ty_free(names[i]);
    ty_free(names);
}

TyStatus package_list_dir(const char *dir, char ***names, size_t *n, TyError *err)
{
    *names = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d) {
        if (errno == ENOENT) return TY_OK;
        return ty_error_set(err, TY_EUSAGE, "cannot read %s: %s", dir, strerror(errno));
    }
    char **v = NULL;
    size_t len = 0, cap = 0;
    struct dirent *de;
    TyStatus st = TY_OK;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
        if (len == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            char **nv = ty_realloc(v, ncap * sizeof *nv);
            if (!nv) { st = ty_error_set(err, TY_ENOMEM, "out of memory"); break; }
            v = nv;
            cap = ncap;
        }
        if (!(v[len] = ty_strdup(de->d_name))) { st = ty_error_set(err, TY_ENOMEM, "out of memory"); break; }
        len++;
    }
    closedir(d);
    if (st != TY_OK) { package_names_free(v, len); return st; }
    if (len > 1) qsort(v, len, sizeof *v, cmp_names);
    *names = v;
    *n = len;
    return TY_OK;
}
