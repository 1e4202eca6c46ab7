/* numfmt.c — numbers written so they read back equal: the shortest of %.15g/%.16g/%.17g
 * that round-trips. printf honours LC_NUMERIC, so any ',' decimal mark is turned back into '.'
 * (tuiyan never sets LC_NUMERIC, but a host embedding it might). */
#include "number.h"

#include <math.h>
#include <stdint.h>
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

/* number_format of the value of f, a "%.<d>f" text, written from f itself when that is sure to
 * give the same bytes: f not zero, at most 15 significant digits (DBL_DIG: its double prints
 * back as those digits at %.15g, which then reads back, so number_format stops there) and its
 * first at 1e-4 or above (%g's fixed style): f with the zeros ending its fraction dropped, and
 * the point if nothing follows it. 0 for anything else. */
static int short_fixed(const char *f, char *buf, size_t size)
{
    const char *p = f + (*f == '-');
    int point = -1, first = -1, last = -1, n = 0;   /* positions in p */
    for (; p[n]; n++) {
        if (p[n] == '.') { if (point >= 0) return 0; point = n; }
        else if (p[n] < '0' || p[n] > '9') return 0;
        else if (p[n] != '0') { if (first < 0) first = n; last = n; }
    }
    if (first < 0) return 0;                   /* zero: number_format's own case */
    int pt = point >= 0 ? point : n;
    int sig = last - first + 1 - (point > first && point < last);
    int exp10 = first < pt ? pt - first - 1 : pt - first;   /* of the first digit */
    if (sig > 15 || exp10 < -4 || exp10 >= 15) return 0;
    int keep = point >= 0 && last > point ? last + 1 : pt;  /* up to the last non-zero decimal */
    size_t len = (size_t)(p - f) + (size_t)keep;
    if (len + 1 > size) return 0;
    memcpy(buf, f, len);
    buf[len] = '\0';
    return 1;
}

/* "%.<d>f" of x (0 <= d <= 8) by integer arithmetic, as glibc's printf writes it: x = m 2^e
 * exactly, so x 10^d = m 10^d 2^e, an integer below 2^80 shifted, rounded to nearest with ties to
 * even (printf's rounding of an exact binary value). 0 when |x| is too large for 128 bits (the
 * caller uses printf). printf's own digit generation is most of a CSV cell's time. */
static int fixed_digits(double x, int d, char *out, size_t size)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    int neg = (int)(u >> 63), bexp = (int)((u >> 52) & 0x7ff);
    uint64_t m = u & ((1ULL << 52) - 1);
    int e;
    if (bexp == 0) e = -1074;
    else { m |= 1ULL << 52; e = bexp - 1075; }
    static const uint64_t pow10[] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000 };
    if (d < 0 || d > 8 || e > 40) return 0;
    unsigned __int128 q = (unsigned __int128)m * pow10[d];
    if (e >= 0) q <<= e;
    else if (-e >= 120) q = 0;                  /* below 2^-40: rounds to 0 at 8 decimals */
    else {
        int sh = -e;
        unsigned __int128 rem = q & (((unsigned __int128)1 << sh) - 1), half = (unsigned __int128)1 << (sh - 1);
        q >>= sh;
        if (rem > half || (rem == half && (q & 1))) q++;
    }
    char digits[48];
    int nd = 0;
    do { digits[nd++] = (char)('0' + (int)(q % 10)); q /= 10; } while (q);
    while (nd < d + 1) digits[nd++] = '0';
    if ((size_t)nd + 3 > size) return 0;
    char *o = out;
    if (neg) *o++ = '-';
    for (int i = nd - 1; i >= 0; i--) {
        *o++ = digits[i];
        if (i == d && d > 0) *o++ = '.';
    }
    *o = '\0';
    return 1;
}

/* The display rounding of tuiyan.format (round, then exact): "%.<d>f" of x, read back, and
 * written as number_format does; d < 0 for the "other" units' rule (2 decimals from 1 up, 3
 * significant digits below 1, at most 8), floor(log10) as Lua's math.log(a, 10). 0 (buf
 * untouched) for what this does not take: non-finite x, text strtod does not read whole. */
int number_format_rounded(double x, int d, char *buf, size_t size)
{
    if (!isfinite(x) || size < 32) return 0;
    if (d < 0) {
        double a = fabs(x);
        if (a >= 1 || a == 0) d = 2;
        else {
            double e = 2.0 - floor(log10(a));
            d = e < 8.0 ? (int)e : 8;
        }
    }
    char fixed[400];
    if (!fixed_digits(x, d, fixed, sizeof fixed)) {
        int len = snprintf(fixed, sizeof fixed, "%.*f", d, x);
        if (len < 0 || (size_t)len >= sizeof fixed) return 0;
    }
    if (short_fixed(fixed, buf, size)) return 1;
    char *end;                                 /* Lua's "-0.00" -> "0.00" is not needed: */
    double r = strtod(fixed, &end);            /* number_format writes -0 as "0" */
    if (end == fixed || *end != '\0') return 0;
    number_format(r, buf, size);
    return 1;
}
