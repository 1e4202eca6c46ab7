/* units.c — parsing, combining and printing units (see units.h for the grammar). */
#include "units.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "detmath.h"

/* Words that carry only a scale. */
static const struct { const char *word; double scale; } dimensionless_words[] = {
    { "1", 1.0 }, { "ratio", 1.0 }, { "倍", 1.0 },
    { "%", 0.01 }, { "percent", 0.01 }, { "百分比", 0.01 }, { "百分点", 0.01 },
    { "个百分点", 0.01 }, { "‰", 0.001 },
};

/* Words for the time dimension; the dimension is always spelled 年. */
static const char *const year_words[] = { "年", "year", "yr" };
#define UNITS_YEAR "年"

/* Magnitude prefixes, longest first so 百万 wins over 百. */
static const struct { const char *prefix; double scale; } magnitude_prefixes[] = {
    { "万亿", 1e12 }, { "千亿", 1e11 }, { "百亿", 1e10 }, { "十亿", 1e9 },
    { "千万", 1e7 }, { "百万", 1e6 }, { "十万", 1e5 },
    { "亿", 1e8 }, { "万", 1e4 }, { "千", 1e3 }, { "百", 1e2 },
};

#define COUNT_OF(a) (sizeof (a) / sizeof (a)[0])

void units_one(TyUnit *u)
{
    memset(u, 0, sizeof *u);
    u->scale = 1.0;
}

int units_is_dimensionless(const TyUnit *u)
{
    return u->ndims == 0;
}

int units_same_dimension(const TyUnit *a, const TyUnit *b)
{
    if (a->ndims != b->ndims) return 0;
    for (int i = 0; i < a->ndims; i++) {
        if (a->dims[i].exp != b->dims[i].exp) return 0;
        if (strcmp(a->dims[i].name, b->dims[i].name) != 0) return 0;
    }
    return 1;
}

double units_factor(const TyUnit *from, const TyUnit *to)
{
    return from->scale / to->scale;
}

/* Multiplies u by name^exp, keeping dims sorted and dropping zero exponents.
 * Returns a static reason on failure, NULL on success. */
static const char *units_add_dim(TyUnit *u, const char *name, int exp)
{
    int i = 0;
    while (i < u->ndims && strcmp(u->dims[i].name, name) < 0) i++;
    if (i < u->ndims && strcmp(u->dims[i].name, name) == 0) {
        int e = u->dims[i].exp + exp;
        if (e > TY_UNIT_MAX_EXP || e < -TY_UNIT_MAX_EXP) return "exponent out of range";
        if (e == 0) {
            memmove(&u->dims[i], &u->dims[i + 1], (size_t)(u->ndims - i - 1) * sizeof u->dims[0]);
            u->ndims--;
        } else {
            u->dims[i].exp = e;
        }
        return NULL;
    }
    if (exp > TY_UNIT_MAX_EXP || exp < -TY_UNIT_MAX_EXP) return "exponent out of range";
    if (u->ndims == TY_UNIT_MAX_DIMS) return "too many dimensions (at most 6)";
    memmove(&u->dims[i + 1], &u->dims[i], (size_t)(u->ndims - i) * sizeof u->dims[0]);
    snprintf(u->dims[i].name, sizeof u->dims[i].name, "%s", name);
    u->dims[i].exp = exp;
    u->ndims++;
    return NULL;
}

static int starts_with(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return n <= len && memcmp(s, prefix, n) == 0;
}

/* 1 when the NUL-terminated p begins with lit (never reads past p's end). */
static int text_at(const char *p, const char *lit)
{
    return strncmp(p, lit, strlen(lit)) == 0;
}

static int word_is(const char *s, size_t len, const char *word)
{
    return strlen(word) == len && memcmp(s, word, len) == 0;
}

/* Resolves one word into a scale and a base dimension name ("" for none), without prefixes. */
static void resolve_plain_word(const char *w, size_t len, double *scale, char *dim, size_t dimsize)
{
    for (size_t i = 0; i < COUNT_OF(dimensionless_words); i++) {
        if (word_is(w, len, dimensionless_words[i].word)) {
            *scale = dimensionless_words[i].scale;
            dim[0] = '\0';
            return;
        }
    }
    for (size_t i = 0; i < COUNT_OF(year_words); i++) {
        if (word_is(w, len, year_words[i])) {
            *scale = 1.0;
            snprintf(dim, dimsize, "%s", UNITS_YEAR);
            return;
        }
    }
    *scale = 1.0;
    snprintf(dim, dimsize, "%.*s", (int)len, w);
}

/* A word with an optional magnitude prefix. Returns a static reason on failure. */
static const char *resolve_word(const char *w, size_t len, double *scale, char *dim,
                                size_t dimsize)
{
    double prefix = 1.0;
    /* A dimensionless word such as 百分点 is matched whole before prefixes are tried. */
    double s;
    resolve_plain_word(w, len, &s, dim, dimsize);
    if (dim[0] != '\0' && strcmp(dim, UNITS_YEAR) != 0) {
        for (size_t i = 0; i < COUNT_OF(magnitude_prefixes); i++) {
            if (starts_with(w, len, magnitude_prefixes[i].prefix)
                && len > strlen(magnitude_prefixes[i].prefix)) {
                size_t plen = strlen(magnitude_prefixes[i].prefix);
                prefix = magnitude_prefixes[i].scale;
                w += plen;
                len -= plen;
                resolve_plain_word(w, len, &s, dim, dimsize);
                break;
            }
        }
    }
    if (dim[0] != '\0' && len >= TY_UNIT_WORD_MAX) return "a unit word is longer than 31 bytes";
    if (w[0] >= '0' && w[0] <= '9' && !word_is(w, len, "1"))
        return "a unit word cannot be a number (only 1)";
    *scale = prefix * s;
    return NULL;
}

/* Operator at p: its length in bytes (0 if none) and whether it divides. */
static size_t operator_at(const char *p, int *divides)
{
    *divides = 0;
    if (*p == '/') { *divides = 1; return 1; }
    if (*p == '*') return 1;
    if (text_at(p, "\xc2\xb7")) return 2;   /* · */
    if (text_at(p, "\xc3\x97")) return 2;   /* × */
    return 0;
}

static int is_space(char c) { return c == ' ' || c == '\t'; }

/* Ends a word: an operator, space, exponent, parenthesis, superscript or the end. */
static int word_ends_at(const char *p)
{
    int d;
    if (*p == '\0' || is_space(*p) || *p == '^' || *p == '(' || *p == ')') return 1;
    if (operator_at(p, &d) > 0) return 1;
    if (text_at(p, "\xc2\xb2") || text_at(p, "\xc2\xb3")) return 1;
    return 0;
}

static TyStatus parse_fail(TyError *err, const char *text, const char *reason)
{
    return ty_error_set(err, TY_ESCRIPT, "bad unit '%.80s': %s", text, reason);
}

TyStatus units_parse(const char *text, TyUnit *out, TyError *err)
{
    TyUnit u;
    units_one(&u);
    if (!text) text = "";
    const char *p = text;
    while (is_space(*p)) p++;
    if (*p == '\0') { *out = u; return TY_OK; }

    int sign = 1;
    for (;;) {
        const char *start = p;
        while (!word_ends_at(p)) {
            unsigned char c = (unsigned char)*p;
            if (c < 0x20 || c == 0x7f) return parse_fail(err, text, "control character in unit");
            p++;
        }
        if (*p == '(' || *p == ')')
            return parse_fail(err, text, "parentheses are not supported; write 元/年/人 for 元/(年·人)");
        if (p == start)
            return parse_fail(err, text, sign < 0 ? "expected a unit word after '/'"
                                                  : "expected a unit word");
        size_t len = (size_t)(p - start);
        int exp = 1;
        if (*p == '^') {
            p++;
            int neg = 0;
            if (*p == '-') { neg = 1; p++; }
            if (!(*p >= '0' && *p <= '9'))
                return parse_fail(err, text, "expected an integer exponent after '^'");
            int e = 0;
            while (*p >= '0' && *p <= '9') {
                e = e * 10 + (*p - '0');
                if (e > TY_UNIT_MAX_EXP) return parse_fail(err, text, "exponent out of range");
                p++;
            }
            exp = neg ? -e : e;
            if (exp == 0) return parse_fail(err, text, "exponent 0");
        } else if (text_at(p, "\xc2\xb2")) {
            exp = 2; p += 2;
        } else if (text_at(p, "\xc2\xb3")) {
            exp = 3; p += 2;
        }
        double scale;
        char dim[TY_UNIT_WORD_MAX + 8];
        const char *why = resolve_word(start, len, &scale, dim, sizeof dim);
        if (why) return parse_fail(err, text, why);
        exp *= sign;
        u.scale *= ty_pow(scale, exp);
        if (dim[0] != '\0') {
            why = units_add_dim(&u, dim, exp);
            if (why) return parse_fail(err, text, why);
        }
        while (is_space(*p)) p++;
        if (*p == '\0') break;
        int divides;
        size_t oplen = operator_at(p, &divides);
        if (oplen == 0) {
            if (*p == '(' || *p == ')')
                return parse_fail(err, text, "parentheses are not supported; write 元/年/人 for 元/(年·人)");
            return parse_fail(err, text, "expected '/', '*' or '·' between unit words");
        }
        sign = divides ? -1 : 1;
        p += oplen;
        while (is_space(*p)) p++;
    }
    if (!isfinite(u.scale) || u.scale <= 0) return parse_fail(err, text, "scale out of range");
    *out = u;
    return TY_OK;
}

static TyStatus combine(const TyUnit *a, const TyUnit *b, int bsign, TyUnit *out, TyError *err)
{
    TyUnit u = *a;
    for (int i = 0; i < b->ndims; i++) {
        const char *why = units_add_dim(&u, b->dims[i].name, bsign * b->dims[i].exp);
        if (why) return ty_error_set(err, TY_ESCRIPT, "unit of a product or quotient: %s", why);
    }
    u.scale = bsign > 0 ? a->scale * b->scale : a->scale / b->scale;
    if (!isfinite(u.scale) || u.scale <= 0)
        return ty_error_set(err, TY_ESCRIPT, "unit of a product or quotient: scale out of range");
    *out = u;
    return TY_OK;
}

TyStatus units_mul(const TyUnit *a, const TyUnit *b, TyUnit *out, TyError *err)
{
    return combine(a, b, 1, out, err);
}

TyStatus units_div(const TyUnit *a, const TyUnit *b, TyUnit *out, TyError *err)
{
    return combine(a, b, -1, out, err);
}

TyStatus units_pow(const TyUnit *a, int p, TyUnit *out, TyError *err)
{
    TyUnit u = *a;
    for (int i = 0; i < u.ndims; i++) {
        long e = (long)u.dims[i].exp * p;
        if (e > TY_UNIT_MAX_EXP || e < -TY_UNIT_MAX_EXP)
            return ty_error_set(err, TY_ESCRIPT, "unit of a power: exponent out of range");
        u.dims[i].exp = (int)e;
    }
    if (p == 0) u.ndims = 0;
    u.scale = ty_pow(a->scale, p);
    if (!isfinite(u.scale) || u.scale <= 0)
        return ty_error_set(err, TY_ESCRIPT, "unit of a power: scale out of range");
    *out = u;
    return TY_OK;
}

TyStatus units_root(const TyUnit *a, int r, TyUnit *out, TyError *err)
{
    if (r <= 0) return ty_error_set(err, TY_ESCRIPT, "unit of a root: bad root %d", r);
    TyUnit u = *a;
    for (int i = 0; i < u.ndims; i++) {
        if (u.dims[i].exp % r != 0) {
            char buf[128];
            return ty_error_set(err, TY_ESCRIPT, "the root of %s has a fractional unit",
                                units_format_dimension(a, buf, sizeof buf));
        }
        u.dims[i].exp /= r;
    }
    u.scale = ty_pow(a->scale, 1.0 / r);
    *out = u;
    return TY_OK;
}

/* A bounded string builder: appends never overflow, the result is always terminated. */
typedef struct UnitsBuf { char *buf; size_t size, len; } UnitsBuf;

static void ub_add(UnitsBuf *b, const char *s)
{
    if (b->size == 0) return;
    size_t n = strlen(s);
    size_t room = b->size - 1 - b->len;
    if (n > room) n = room;
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = '\0';
}

static void ub_dim(UnitsBuf *b, const char *prefix, const TyUnitDim *d, int exp)
{
    ub_add(b, prefix);
    ub_add(b, d->name);
    if (exp != 1) {
        char e[16];
        snprintf(e, sizeof e, "^%d", exp);
        ub_add(b, e);
    }
}

/* The dimensions, with `prefix` written before dims[prefixed] (-1 for none). */
static void format_dims(const TyUnit *u, int prefixed, const char *prefix, UnitsBuf *b)
{
    int nnum = 0;
    for (int i = 0; i < u->ndims; i++) {
        if (u->dims[i].exp <= 0) continue;
        if (nnum++ > 0) ub_add(b, "·");
        ub_dim(b, i == prefixed ? prefix : "", &u->dims[i], u->dims[i].exp);
    }
    if (nnum == 0) ub_add(b, "1");
    for (int i = 0; i < u->ndims; i++) {
        if (u->dims[i].exp >= 0) continue;
        ub_add(b, "/");
        ub_dim(b, i == prefixed ? prefix : "", &u->dims[i], -u->dims[i].exp);
    }
}

const char *units_format_dimension(const TyUnit *u, char *buf, size_t size)
{
    UnitsBuf b = { buf, size, 0 };
    if (size) buf[0] = '\0';
    if (u->ndims == 0) ub_add(&b, "dimensionless");
    else format_dims(u, -1, "", &b);
    return buf;
}

static int same_scale(double a, double b)
{
    return fabs(a - b) <= 1e-12 * fabs(b);
}

const char *units_format(const TyUnit *u, char *buf, size_t size)
{
    UnitsBuf b = { buf, size, 0 };
    if (size) buf[0] = '\0';
    if (u->ndims == 0) {
        if (same_scale(u->scale, 1.0)) ub_add(&b, "1");
        else if (same_scale(u->scale, 0.01)) ub_add(&b, "%");
        else if (same_scale(u->scale, 0.001)) ub_add(&b, "‰");
        else {
            char s[32];
            snprintf(s, sizeof s, "%g", u->scale);
            ub_add(&b, s);
        }
        return buf;
    }
    if (same_scale(u->scale, 1.0)) {
        format_dims(u, -1, "", &b);
        return buf;
    }
    /* A prefix on the first dimension with exponent +1 (万元) or -1 (件/万人). */
    for (int i = 0; i < u->ndims; i++) {
        int e = u->dims[i].exp;
        if (e != 1 && e != -1) continue;
        double want = e > 0 ? u->scale : 1.0 / u->scale;
        for (size_t k = 0; k < COUNT_OF(magnitude_prefixes); k++) {
            if (same_scale(want, magnitude_prefixes[k].scale)) {
                format_dims(u, i, magnitude_prefixes[k].prefix, &b);
                return buf;
            }
        }
    }
    char s[32];
    snprintf(s, sizeof s, "%g ", u->scale);
    ub_add(&b, s);
    format_dims(u, -1, "", &b);
    return buf;
}
