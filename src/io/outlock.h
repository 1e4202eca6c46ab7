/* outlock.h — the writer lock on a results directory (--out): one run at a time writes there,
 * so two runs never interleave their results and a manifest always describes the files beside
 * it. The lock is a flock on ".<name>.lock" beside the directory (so it covers creating it too),
 * held until the process exits, however it exits. Also removes the temps that dead writers
 * (killed runs) left behind. */
#ifndef TY_OUTLOCK_H
#define TY_OUTLOCK_H

#include "core/error.h"

typedef enum TyLockResult { LOCK_HELD, LOCK_BUSY, LOCK_ERROR = -1 } TyLockResult;

/* Takes the lock of directory dir: LOCK_HELD (*fd: keep it open), LOCK_BUSY (another process
 * holds it and !wait; *holder: its pid, 0 if unknown) or LOCK_ERROR (err set). With wait,
 * blocks until the holder is done. */
TyLockResult outlock_acquire(const char *dir, int wait, int *fd, long *holder, TyError *err);

/* Removes ".<name>.tmp.<pid>.<n>" files of writers that no longer exist from dir and its
 * subdirectories (one level: a batch's script folders). Returns how many it removed. */
int outlock_sweep_temps(const char *dir);

#endif
