/* sandbox.h — running untrusted package code. sandbox.c runs a function in a child process
 * with resource limits, a system-call allow-list (sandbox_seccomp.c), Landlock where the kernel
 * has it (sandbox_landlock.c) and, when started as root, the uid of nobody; the parent kills it
 * when its wall-clock time is up;
 * sandbox_state.c is that function for packages: a fresh Lua state built from the allow-list in
 * lua/sandbox_policy.lua, with an allocator cap and an instruction budget, whose reply travels
 * back over a pipe. The parent alone writes files. */
#ifndef TY_SANDBOX_H
#define TY_SANDBOX_H

#include <lua.h>
#include <stddef.h>
#include "core/error.h"

typedef struct TySandboxLimits {
    double cpu_seconds;        /* RLIMIT_CPU: SIGXCPU then, a second later, SIGKILL */
    double wall_seconds;       /* the parent kills the child after this long */
    size_t memory_bytes;       /* cap of the child's Lua allocator (RLIMIT_AS is a backstop) */
    long long instructions;    /* Lua VM instructions before the count hook stops the run */
    size_t reply_bytes;        /* most the parent reads from the child; more and it is killed */
} TySandboxLimits;

/* The directories a child may read beneath (either may be NULL). The parent opens them; the child
 * finds them open at SANDBOX_ROOT_FD and SANDBOX_DATA_FD (absent ones closed), opened before it
 * gave up root, so their parents need not be open to nobody. */
typedef struct TySandboxDirs {
    const char *root;          /* the package */
    const char *data;          /* the county's --data */
} TySandboxDirs;

#define SANDBOX_ROOT_FD 4
#define SANDBOX_DATA_FD 5

typedef enum TySandboxEnd {
    SANDBOX_EXITED,      /* the child exited by itself (its reply may still be incomplete) */
    SANDBOX_SIGNALED,    /* died of a signal the parent did not send (a crash, RLIMIT_CPU) */
    SANDBOX_WALL,        /* killed by the parent: wall-clock limit */
    SANDBOX_REPLY_CAP    /* killed by the parent: reply longer than reply_bytes */
} TySandboxEnd;

typedef struct TySandboxOutcome {
    TySandboxEnd end;
    int status;          /* exit status (SANDBOX_EXITED) */
    int signal;          /* terminating signal (SANDBOX_SIGNALED) */
    double cpu_seconds;  /* CPU time the child used (user + system) */
    double wall_seconds; /* wall-clock time from fork to reaping */
    char *reply;         /* everything the child wrote to the pipe (malloc'd), */
    size_t reply_len;    /* at most reply_bytes */
    int landlock;        /* 1 when Landlock confined the child's file access (0: the kernel has none) */
} TySandboxOutcome;

/* Exit status of a child that could not set up its limits (it ran nothing). */
#define SANDBOX_SETUP_FAILED 125

/* The code a child runs: writes its reply to reply_fd and returns an exit status (or _exits). */
typedef int (*TySandboxChild)(void *ud, int reply_fd, const TySandboxLimits *lim);

/* Forks; the child sets its limits, closes every other descriptor, confines itself (Landlock
 * to reading beneath dirs, which may be NULL; nobody's uid if it was root; the seccomp
 * allow-list) and runs child(ud, ...);
 * the parent collects the reply, kills the child at the wall-clock deadline or when the reply
 * grows past lim->reply_bytes, and reaps it. TY_OK with *out filled (free it with
 * sandbox_outcome_free) whatever became of the child; an error only if no child could run. */
TyStatus sandbox_spawn(const TySandboxLimits *lim, const TySandboxDirs *dirs, TySandboxChild child, void *ud,
                       TySandboxOutcome *out, TyError *err);
void sandbox_outcome_free(TySandboxOutcome *out);

/* In the child only: runs the package run described by the table at spec_idx of `parent` (the
 * parent's state, copied by fork, only read) in a state of its own and writes the reply to
 * reply_fd. Never returns. The reply (read by lua/sandbox.lua) is, big-endian:
 *   "TYSB1" then 'O' u32 n_outputs, s(log), n x { s(name) s(format) s64(data) }
 *            or 'E' u8 code, s(message), s(log)   the package's error: code 1, or 3 (tuiyan's
 *                                                 own loader found bad data)
 *            or 'L' u8 limit, s(log)              a limit (1 instructions, 2 memory, 3 CPU,
 *                                                 4 outputs, 5 output bytes): the parent words it
 *            or 'I' s(message), s(log)            the sandbox itself failed (exit 70)
 *   then "END."     where s(x) = u32 length + bytes, s64(x) = u64 length + bytes. */
_Noreturn void sandbox_child_main(lua_State *parent, int spec_idx, int reply_fd,
                                  const TySandboxLimits *lim);

#endif
