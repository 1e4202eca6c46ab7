/* sandbox_landlock.h — confining a sandbox child's file access with Landlock (Linux >= 5.13),
 * when the kernel offers it: it may read beneath the directories it was given and nothing else
 * (no reading elsewhere, no writing, executing or creating anywhere; on newer kernels no TCP and
 * no signals or abstract sockets outside itself). */
#ifndef TY_SANDBOX_LANDLOCK_H
#define TY_SANDBOX_LANDLOCK_H

#include <stddef.h>

/* The Landlock ABI version the running kernel offers, 0 if none. */
int sandbox_landlock_abi(void);

/* Restricts the calling process (no_new_privs must be set) to reading beneath the n directories
 * open at dirfds (n may be 0: then it may read no file at all). 1 when Landlock now confines it,
 * 0 when the kernel has no Landlock (nothing changed), a negative errno when it failed. */
int sandbox_landlock_confine(const int *dirfds, size_t n);

#endif
