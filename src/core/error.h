/* error.h — the one error record every core and io function fills in.
 * Core code never prints or exits: it returns a TyStatus and describes the
 * failure here, with the place (file:line:col) when there is one. */
#ifndef TY_ERROR_H
#define TY_ERROR_H

#include <stddef.h>

/* Status codes double as the process exit codes of DESIGN.md where they meet. */
typedef enum TyStatus {
    TY_OK = 0,
    TY_ESCRIPT = 1,    /* misuse by a caller / script error */
    TY_EUSAGE = 2,     /* bad command line or argument */
    TY_EDATA = 3,      /* bad input data */
    TY_EPACKAGE = 4,   /* package verification failed */
    TY_ELIMIT = 5,     /* a limit was exceeded */
    TY_EOUTPUT = 6,    /* output could not be written */
    TY_ENOMEM = 69,    /* allocation failed (reported as internal) */
    TY_EINTERNAL = 70,
    TY_EINTR = 130     /* interrupted (Ctrl-C): 128 + SIGINT, the shell's code for it */
} TyStatus;

typedef struct TyError {
    TyStatus code;
    char file[256];   /* "" when the error has no file */
    int line;         /* 1-based; 0 when unknown */
    int col;          /* 1-based; 0 when unknown */
    char msg[768];    /* lower-case, names the thing: expected X, found Y */
} TyError;

void ty_error_clear(TyError *e);

/* Fills e (if not NULL) and returns code, so callers can `return ty_error_set(...)`. */
TyStatus ty_error_set(TyError *e, TyStatus code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Like ty_error_set, with a place. file may be NULL. */
TyStatus ty_error_at(TyError *e, TyStatus code, const char *file, int line, int col,
                     const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* "file:line:col: msg" (parts that are unknown are left out) into buf. */
const char *ty_error_format(const TyError *e, char *buf, size_t size);

#endif
