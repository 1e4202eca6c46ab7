/* number.c — number_parse, the one strict reader of numbers in data files (policy in number.h).
 * The cell is first normalised into a small ASCII buffer (full-width digits, point and minus,
 * U+2212), the grammar is checked here, and only then does strtod convert the validated text:
 * strtod alone would accept "0x10", "inf", " 12" and hex floats. */
#include "number.h"
#include "utf8.h"

#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longer than any honest number; keeps the work buffer on the stack. */
#define NUM_MAX_CHARS 64

/* Tokens that mean "no value" (after trimming spaces); one list for parsing and docs. */
static const char *const missing_tokens[] = {
    "-", "--", "\xE2\x80\x94" /* — */, "\xE2\x80\x94\xE2\x80\x94" /* —— */,
    "\xE2\x80\x93" /* – */, "N/A", "n/a", "NA", "\xE6\x97\xA0" /* 无 */, "/", "...",
};

/* Chinese numerals: their presence earns the "write digits" message. */
static const uint32_t chinese_numerals[] = {
    0x3007 /* 〇 */, 0x4E00 /* 一 */, 0x4E03 /* 七 */, 0x4E07 /* 万 */, 0x4E09 /* 三 */,
    0x4E24 /* 两 */, 0x4E5D /* 九 */, 0x4E8C /* 二 */, 0x4E94 /* 五 */, 0x4EBF /* 亿 */,
    0x4EDF /* 仟 */, 0x4F0D /* 伍 */, 0x4F70 /* 佰 */, 0x5104 /* 億 */, 0x5146 /* 兆 */,
    0x516B /* 八 */, 0x516D /* 六 */, 0x5341 /* 十 */, 0x5343 /* 千 */, 0x53C1 /* 叁 */,
    0x56DB /* 四 */, 0x58F9 /* 壹 */, 0x634C /* 捌 */, 0x62FE /* 拾 */, 0x67D2 /* 柒 */,
    0x767E /* 百 */, 0x7396 /* 玖 */, 0x8086 /* 肆 */, 0x842C /* 萬 */, 0x8D30 /* 贰 */,
    0x9646 /* 陆 */, 0x96F6 /* 零 */,
};

/* The cell as ASCII, with each character's 1-based column in the original cell. */
typedef struct NumText {
    char c[NUM_MAX_CHARS + 1];
    int col[NUM_MAX_CHARS + 1];
    size_t n;
    int numeral_col;   /* first Chinese numeral, or 0 */
} NumText;

static int is_blank(char ch) { return ch == ' ' || ch == '\t'; }
static int is_digit(char ch) { return ch >= '0' && ch <= '9'; }

static int is_missing_token(const char *s, size_t len)
{
    if (len == 0) return 1;
    for (size_t k = 0; k < sizeof missing_tokens / sizeof missing_tokens[0]; k++)
        if (strlen(missing_tokens[k]) == len && memcmp(missing_tokens[k], s, len) == 0) return 1;
    return 0;
}

static int is_chinese_numeral(uint32_t cp)
{
    for (size_t k = 0; k < sizeof chinese_numerals / sizeof chinese_numerals[0]; k++)
        if (chinese_numerals[k] == cp) return 1;
    return 0;
}

/* The ASCII character a code point stands for in a number, or 0 if none.
 * '\x01' stands in for characters that can never be part of a number. */
static char ascii_equivalent(uint32_t cp)
{
    if (cp >= 0x21 && cp < 0x7F) return (char)cp;
    if (cp >= 0xFF10 && cp <= 0xFF19) return (char)('0' + (cp - 0xFF10));  /* full-width digits */
    if (cp == 0xFF0E) return '.';                                          /* full-width point */
    if (cp == 0x2212 || cp == 0xFF0D) return '-';                          /* minus signs */
    if (cp == 0xFF05) return '%';                                          /* full-width ％ */
    if (cp == 0xFF0B) return '+';                                          /* full-width ＋ */
    if (cp == ' ' || cp == '\t') return ' ';
    return '\x01';
}

/* A printable excerpt of the cell for messages: at most ~40 bytes, whole characters only,
 * control characters and invalid bytes shown as '?'. */
static void excerpt(char *dst, size_t cap, const char *s, size_t len)
{
    size_t o = 0, i = 0;
    while (i < len) {
        uint32_t cp;
        int n = utf8_decode(s + i, len - i, &cp);
        int invalid = (n == 1 && cp == 0xFFFD);
        if (o + (size_t)n + 4 > cap || o >= 40) {
            memcpy(dst + o, "...", 3);
            o += 3;
            break;
        }
        if (invalid || cp < 0x20 || cp == 0x7F) dst[o++] = '?';
        else { memcpy(dst + o, s + i, (size_t)n); o += (size_t)n; }
        i += (size_t)n;
    }
    dst[o] = '\0';
}

static TyNumKind fail(TyNumResult *out, int col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static TyNumKind fail(TyNumResult *out, int col, const char *fmt, ...)
{
    va_list ap;
    out->kind = NUM_INVALID;
    out->col = col;
    va_start(ap, fmt);
    vsnprintf(out->why, sizeof out->why, fmt, ap);
    va_end(ap);
    return NUM_INVALID;
}

/* Normalises s[0..len) (already trimmed, starting at column first_col) into t.
 * Returns 0, or the column of the first character beyond NUM_MAX_CHARS. */
static int normalise(const char *s, size_t len, int first_col, NumText *t)
{
    size_t i = 0;
    int col = first_col;
    t->n = 0;
    t->numeral_col = 0;
    while (i < len) {
        uint32_t cp;
        int n = utf8_decode(s + i, len - i, &cp);
        if (t->n == NUM_MAX_CHARS) return col;
        if (!t->numeral_col && is_chinese_numeral(cp)) t->numeral_col = col;
        t->c[t->n] = ascii_equivalent(cp);
        t->col[t->n] = col;
        t->n++;
        i += (size_t)n;
        col++;
    }
    t->c[t->n] = '\0';
    return 0;
}

static size_t count_digits(const char *c, size_t i, size_t n)
{
    size_t k = i;
    while (k < n && is_digit(c[k])) k++;
    return k - i;
}

/* Checks c[0..n) against  [+-] int [. digits] [(e|E) [+-] digits]  where int is plain digits,
 * or with grouping d{1,3}(,ddd)+. Returns 1, or 0 with *bad = index of the first offending
 * character (n when the text ends too early). */
static int scan_number(const char *c, size_t n, int grouping, size_t *bad)
{
    size_t i = 0;
    if (i < n && (c[i] == '+' || c[i] == '-')) i++;
    size_t mantissa_start = i;
    size_t int_digits = count_digits(c, i, n);
    i += int_digits;
    if (grouping && i < n && c[i] == ',') {
        if (int_digits > 3) { *bad = i; return 0; }
        while (i < n && c[i] == ',') {
            if (count_digits(c, i + 1, n) != 3) { *bad = i; return 0; }
            i += 4;
        }
    }
    size_t frac_digits = 0;
    if (i < n && c[i] == '.') {
        frac_digits = count_digits(c, i + 1, n);
        i += 1 + frac_digits;
    }
    if (int_digits + frac_digits == 0) { *bad = mantissa_start; return 0; }
    if (i < n && (c[i] == 'e' || c[i] == 'E')) {
        size_t e = i++;
        if (i < n && (c[i] == '+' || c[i] == '-')) i++;
        size_t exp_digits = count_digits(c, i, n);
        if (exp_digits == 0) { *bad = e; return 0; }
        i += exp_digits;
    }
    if (i != n) { *bad = i; return 0; }
    return 1;
}

/* Copies c[0..n) without the characters in drop. */
static void copy_without(char *dst, const char *c, size_t n, char drop)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++)
        if (c[i] != drop) dst[o++] = c[i];
    dst[o] = '\0';
}

/* Converts the validated text c[0..n) (grouping commas dropped). strtod honours LC_NUMERIC's
 * decimal point; tuiyan never sets it, but a host embedding the core might, so the point is
 * written the way the current locale wants it and the result never depends on the locale.
 * glibc's strtod is correctly rounded. Returns 0 if strtod did not take the whole text. */
static int convert(const char *c, size_t n, double *v)
{
    char buf[NUM_MAX_CHARS * 9 + 1];
    const char *dp = localeconv()->decimal_point;
    size_t dplen = strlen(dp), o = 0;
    if (dplen == 0 || dplen > 8) { dp = "."; dplen = 1; }
    for (size_t i = 0; i < n; i++) {
        if (c[i] == ',') continue;
        if (c[i] == '.') { memcpy(buf + o, dp, dplen); o += dplen; }
        else buf[o++] = c[i];
    }
    buf[o] = '\0';
    char *end;
    *v = strtod(buf, &end);
    return end == buf + o;
}

/* Explains why t is not a number, most specific reason first. */
static TyNumKind explain_invalid(const NumText *t, unsigned flags, const char *shown, TyNumResult *out)
{
    size_t n = t->n, bad = 0;
    const char *c = t->c;
    char plain[NUM_MAX_CHARS + 1];
    int has_percent = n > 0 && c[n - 1] == '%';
    size_t body = has_percent ? n - 1 : n;   /* the text before a trailing % */

    if (t->numeral_col)
        return fail(out, t->numeral_col, "\"%s\" is not a number (write digits)", shown);
    const char *comma = memchr(c, ',', body);
    if (comma) {
        size_t k = (size_t)(comma - c);
        int grouped = scan_number(c, body, 1, &bad);   /* would be fine with grouping */
        if (grouped && !(flags & NUM_ALLOW_GROUPING)) {
            copy_without(plain, c, body, ',');
            return fail(out, t->col[k],
                        "\"%s\" has a thousands separator; declare grouping for this column or write %s",
                        shown, plain);
        }
        if (!grouped && k > 0 && k + 1 < body && is_digit(c[k - 1]) && is_digit(c[k + 1]))
            return fail(out, t->col[k], "\"%s\" is ambiguous (decimal comma?)", shown);
    }
    if (has_percent && !(flags & NUM_ALLOW_PERCENT)
        && scan_number(c, body, (flags & NUM_ALLOW_GROUPING) != 0, &bad)) {
        memcpy(plain, c, body);
        plain[body] = '\0';
        return fail(out, t->col[n - 1], "\"%s\" has a percent sign; write %s in a %% column", shown, plain);
    }
    scan_number(c, body, (flags & NUM_ALLOW_GROUPING) != 0, &bad);
    if (bad >= n) bad = n - 1;  /* ended too early: point at the last character */
    if (c[bad] == ' ')
        return fail(out, t->col[bad], "\"%s\" has a space inside the number", shown);
    return fail(out, t->col[bad], "expected a number, found \"%s\"", shown);
}

TyNumKind number_parse(const char *s, size_t len, unsigned flags, TyNumResult *out)
{
    memset(out, 0, sizeof *out);
    size_t start = 0, end = len;
    while (start < end && is_blank(s[start])) start++;
    while (end > start && is_blank(s[end - 1])) end--;
    const char *t = s + start;
    size_t tlen = end - start;
    if (is_missing_token(t, tlen)) {
        out->kind = NUM_MISSING;
        return NUM_MISSING;
    }

    char shown[64];   /* filled only on failure: valid cells are the common case */
    NumText nt;
    /* The trimmed blanks are one column each; clamped so absurd padding cannot overflow int. */
    int first_col = start < (size_t)(INT_MAX - NUM_MAX_CHARS - 1) ? (int)start + 1
                                                                  : INT_MAX - NUM_MAX_CHARS - 1;
    int long_col = normalise(t, tlen, first_col, &nt);
    if (long_col) {
        excerpt(shown, sizeof shown, t, tlen);
        return fail(out, long_col, "number too long (more than 64 characters): \"%s\"", shown);
    }

    size_t n = nt.n, bad;
    if (n > 0 && nt.c[n - 1] == '%' && (flags & NUM_ALLOW_PERCENT)) n--;
    int grouping = (flags & NUM_ALLOW_GROUPING) != 0;
    if (!scan_number(nt.c, n, grouping, &bad)) {
        excerpt(shown, sizeof shown, t, tlen);
        return explain_invalid(&nt, flags, shown, out);
    }

    double v;
    if (!convert(nt.c, n, &v) || !isfinite(v)) {
        excerpt(shown, sizeof shown, t, tlen);
        return fail(out, first_col, "\"%s\" is out of range", shown);
    }
    out->kind = NUM_VALUE;
    out->value = v;
    return NUM_VALUE;
}
