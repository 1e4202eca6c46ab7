/* numfmt.c — numbers written so they read back equal: the shortest of %.15g/%.16g/%.17g
 * that round-trips. printf honours LC_NUMERIC, so any ',' decimal mark is turned back into '.'
 * (tuiyan never sets LC_NUMERIC, but a host embedding it might). */
#include "number.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fix_decimal_mark(char *buf)
{
    for (char *p = buf; *p; p++)
        if (*p == ',') *p = '.';
}

char *number_format(double x, char *buf, size_t size)
{
    if (size == 0) return buf;
    if (!isfinite(x)) { snprintf(buf, size, "null"); return buf; }
    if (x == 0) { snprintf(buf, size, "0"); return buf; }  /* also -0: no "-0" in outputs */
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, x);
        int same = strtod(buf, NULL) == x;   /* read back in the locale it was written in */
        fix_decimal_mark(buf);
        if (same) break;
    }
    return buf;
}
