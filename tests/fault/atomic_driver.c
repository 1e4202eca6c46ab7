/* atomic_driver.c — the smallest program that writes one file through src/io/atomic.c, for
 * tests/fault/atomic_strace.sh to run under strace fault injection.
 * Usage: atomic_driver PATH TEXT — writes TEXT to PATH atomically; exits 0, or the TyStatus
 * (6 for TY_EOUTPUT) with the message on stderr. */
#include <stdio.h>
#include <string.h>

#include "io/atomic.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: atomic_driver PATH TEXT\n");
        return 2;
    }
    TyError err;
    ty_error_clear(&err);
    TyStatus st = atomic_write_file(argv[1], argv[2], strlen(argv[2]), 0, &err);
    if (st != TY_OK) fprintf(stderr, "atomic_driver: %s\n", err.msg);
    return (int)st;
}
