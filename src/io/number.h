/* number.h — the one strict number parser for data files.
 *
 * Policy (documented in README "Numbers in data files"):
 *  - ASCII digits, optional sign (+, -, U+2212 minus, U+FF0D full-width minus),
 *    optional fraction with '.', optional exponent e/E[+-]digits.
 *  - Full-width digits U+FF10..U+FF19 and full-width point U+FF0E are read as ASCII.
 *  - Surrounding ASCII spaces/tabs are ignored.
 *  - Missing-value tokens: "" , "-", "--", "—", "——", "–", "N/A", "n/a", "NA", "无", "/", "..."
 *    give NUM_MISSING: missing is missing, never 0.
 *  - Thousands separators ("1,234", "1,234,567.5") only with NUM_ALLOW_GROUPING, and then
 *    only in groups of exactly three digits.
 *  - A trailing '%' only with NUM_ALLOW_PERCENT (the caller's unit is %): "12%" reads as 12.
 *  - Everything else is an error with the 1-based character column of the first bad
 *    character: "0x10", "inf", "nan", hex floats, "1e999" (out of range), "12,5",
 *    Chinese numerals, a lone ".", two signs, embedded spaces.
 * Conversion is correctly rounded and independent of the locale.
 */
#ifndef TY_NUMBER_H
#define TY_NUMBER_H

#include <stddef.h>

enum {
    NUM_ALLOW_GROUPING = 1u << 0,
    NUM_ALLOW_PERCENT  = 1u << 1
};

typedef enum TyNumKind { NUM_VALUE = 0, NUM_MISSING = 1, NUM_INVALID = 2 } TyNumKind;

typedef struct TyNumResult {
    TyNumKind kind;
    double value;      /* set when kind == NUM_VALUE; always finite */
    int col;           /* NUM_INVALID: 1-based column (in characters) of the offending character */
    char why[160];     /* NUM_INVALID: "expected a number, found \"0x10\"" style reason */
} TyNumResult;

/* Parses s[0..len) (UTF-8, not NUL-terminated necessarily). Never reads past len. */
TyNumKind number_parse(const char *s, size_t len, unsigned flags, TyNumResult *out);

/* Shortest "%.{15,16,17}g" text that reads back to exactly x (x finite).
 * Writes into buf (size >= 32) and returns buf. Locale-independent ('.' always). */
char *number_format(double x, char *buf, size_t size);

/* x at d decimals ("%.<d>f"; d < 0: the rule of units without a fixed precision), read back and
 * written by number_format: tuiyan.format.display(x, unit, "csv") for a float x. Returns 1, or
 * 0 for what it does not take (non-finite x), which the caller formats the slow way. */
int number_format_rounded(double x, int d, char *buf, size_t size);

#endif
