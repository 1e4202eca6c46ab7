/* atomic.h — every write to disk: temp file in the target directory, fsync, rename, fsync dir.
 * A reader sees the old complete file or the new complete file, never a torn one. On any failure
 * the temp file is removed, the target is untouched, and the error is TY_EOUTPUT naming the path
 * and the system error. */
#ifndef TY_ATOMIC_H
#define TY_ATOMIC_H

#include <stddef.h>
#include "core/error.h"

typedef struct TyAtomicFile {
    char *path;      /* final path */
    char *tmp;       /* temp path in the same directory */
    int fd;
} TyAtomicFile;

/* Opens a temp file beside path. Mode 0644 (0600 with `secret`). */
TyStatus atomic_open(TyAtomicFile *f, const char *path, int secret, TyError *err);
TyStatus atomic_write(TyAtomicFile *f, const void *buf, size_t len, TyError *err);
/* fsync, close, rename over path, fsync the directory. Frees f's strings. */
TyStatus atomic_commit(TyAtomicFile *f, TyError *err);
/* Closes and unlinks the temp file; the target is untouched. Safe to call twice. */
void atomic_abort(TyAtomicFile *f);

/* Several files as one: every temp written and fsynced first, and only if all succeeded are
 * they renamed, in order; a failure before the renames leaves every target as it was. */
TyStatus atomic_write_all(size_t n, const char *const *paths, const char *const *bufs,
                          const size_t *lens, TyError *err);

/* One-shot: the whole buffer to path atomically. */
TyStatus atomic_write_file(const char *path, const void *buf, size_t len, int secret, TyError *err);

/* 1 if both paths exist and name the same inode (device + inode), else 0. */
int path_same_file(const char *a, const char *b);

/* Reads a whole file into a malloc'd buffer (NUL-terminated, length in *len), refusing files
 * larger than max_bytes before allocating. TY_EDATA for too large, TY_EUSAGE for missing. */
TyStatus file_read_all(const char *path, size_t max_bytes, char **out, size_t *len, TyError *err);

#endif
