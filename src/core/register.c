/* register.c — the register's columnar storage, its known columns, the 统一社会信用代码 check
 * character and the calendar arithmetic of registration dates (register.h). */
#include "register.h"
#include "alloc.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const struct { const char *name; TyRegKind kind; const char *meaning; } known[] = {
#define X(n, k, m) {n, k, m},
    TY_REGISTER_COLUMNS(X)
#undef X
};
#define N_KNOWN (sizeof known / sizeof known[0])

size_t register_known_count(void) { return N_KNOWN; }
const char *register_known_name(size_t i) { return i < N_KNOWN ? known[i].name : NULL; }
TyRegKind register_known_kind(size_t i) { return known[i].kind; }
const char *register_known_meaning(size_t i) { return known[i].meaning; }

int register_kind_of(const char *name)
{
    for (size_t i = 0; i < N_KNOWN; i++)
        if (strcmp(name, known[i].name) == 0) return (int)known[i].kind;
    if (strncmp(name, "x_", 2) != 0 || name[2] == '\0') return -1;
    for (const char *s = name + 2; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_')) return -1;
    return strlen(name) < sizeof ((TyRegColumn *)0)->name ? REG_NUMBER : -1;
}

TyRegister *register_new(const char *name)
{
    TyRegister *r = ty_calloc(1, sizeof *r);
    if (!r) return NULL;
    r->name = ty_strdup(name ? name : "register");
    if (!r->name) {
        ty_free(r);
        return NULL;
    }
    return r;
}

void register_free(TyRegister *r)
{
    if (!r) return;
    for (size_t c = 0; c < r->ncols; c++) ty_free(r->cols[c].v);
    ty_free(r->cols);
    ty_free(r->code);
    ty_free(r->firm_at);
    ty_free(r->county_at);
    ty_free(r->line);
    ty_free(r->text);
    ty_free(r->title);
    ty_free(r->name);
    ty_free(r);
}

/* Grows *p (an array of n elements of size sz) to m elements; the new ones are left as they are. */
static int grow(void **p, size_t m, size_t sz)
{
    if (m && sz > (size_t)-1 / m) return 0;
    void *q = ty_realloc(*p, (m ? m : 1) * sz);
    if (!q) return 0;
    *p = q;
    return 1;
}

TyStatus register_resize(TyRegister *r, size_t n, TyError *err)
{
    size_t old = r->n;
    int ok = grow((void **)&r->code, n, sizeof *r->code) && grow((void **)&r->firm_at, n, sizeof *r->firm_at)
             && grow((void **)&r->county_at, n, sizeof *r->county_at) && grow((void **)&r->line, n, sizeof *r->line);
    for (size_t c = 0; ok && c < r->ncols; c++) ok = grow((void **)&r->cols[c].v, n, sizeof(double));
    if (!ok) return ty_error_set(err, TY_ENOMEM, "not enough memory for a register of %zu rows", n);
    for (size_t i = old; i < n; i++) {
        r->code[i][0] = '\0';
        r->firm_at[i] = r->county_at[i] = 0;
        r->line[i] = 0;
        for (size_t c = 0; c < r->ncols; c++) r->cols[c].v[i] = NAN;
    }
    r->n = n;
    return TY_OK;
}

TyStatus register_add_column(TyRegister *r, const char *name, TyRegKind kind, int file_col,
                             size_t *index, TyError *err)
{
    if (register_column(r, name) >= 0) return ty_error_set(err, TY_ESCRIPT, "column %s is there already", name);
    if (strlen(name) >= sizeof r->cols[0].name) return ty_error_set(err, TY_ESCRIPT, "column name too long: %s", name);
    if (r->ncols == r->cols_cap) {
        size_t cap = r->cols_cap ? r->cols_cap * 2 : 16;
        if (!grow((void **)&r->cols, cap, sizeof *r->cols))
            return ty_error_set(err, TY_ENOMEM, "not enough memory for a register column");
        r->cols_cap = cap;
    }
    double *v = ty_malloc((r->n ? r->n : 1) * sizeof *v);
    if (!v) return ty_error_set(err, TY_ENOMEM, "not enough memory for column %s", name);
    for (size_t i = 0; i < r->n; i++) v[i] = NAN;
    TyRegColumn *c = &r->cols[r->ncols];
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", name);
    c->kind = kind;
    c->file_col = file_col;
    c->v = v;
    if (index) *index = r->ncols;
    r->ncols++;
    return TY_OK;
}

long register_column(const TyRegister *r, const char *name)
{
    for (size_t c = 0; c < r->ncols; c++)
        if (strcmp(r->cols[c].name, name) == 0) return (long)c;
    return -1;
}

TyStatus register_store_text(TyRegister *r, const char *s, size_t len, size_t *at, TyError *err)
{
    if (r->text_len + len + 1 > r->text_cap) {
        size_t cap = r->text_cap ? r->text_cap : 4096;
        while (cap < r->text_len + len + 1) cap *= 2;
        if (!grow((void **)&r->text, cap, 1)) return ty_error_set(err, TY_ENOMEM, "not enough memory for register text");
        r->text_cap = cap;
    }
    memcpy(r->text + r->text_len, s, len);
    r->text[r->text_len + len] = '\0';
    *at = r->text_len;
    r->text_len += len + 1;
    return TY_OK;
}

/* ---- 统一社会信用代码 (GB 32100-2015 §4, §5) ---- */

/* The code set: 0-9 then A-Z without I, O, Z, S, V; a character's value is its position. */
static const char CODE_SET[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static int code_value(char ch)
{
    const char *p = ch ? strchr(CODE_SET, ch) : NULL;
    return p ? (int)(p - CODE_SET) : -1;
}

char register_credit_check_char(const char *first17)
{
    int sum = 0, w = 1;   /* w = 3^(i-1) mod 31 */
    for (int i = 0; i < 17; i++) {
        int v = code_value(first17[i]);
        if (v < 0) return 0;
        sum += v * w;
        w = w * 3 % 31;
    }
    int c = 31 - sum % 31;
    return CODE_SET[c == 31 ? 0 : c];
}

int register_credit_code_valid(const char *s, size_t len, char *why, size_t whysize)
{
    size_t chars = 0;
    for (size_t i = 0; i < len; i++) chars += ((unsigned char)s[i] & 0xC0) != 0x80;
    if (chars != 18 || len != 18) {
        snprintf(why, whysize, "a 统一社会信用代码 has 18 characters, found %zu in \"%.*s\"",
                 chars, (int)(len > 60 ? 60 : len), s);
        return 0;
    }
    for (size_t i = 0; i < 18; i++) {
        if (code_value(s[i]) < 0) {
            if (s[i] >= 'a' && s[i] <= 'z')
                snprintf(why, whysize, "character %zu of \"%.18s\" is the lower-case '%c'; a "
                         "统一社会信用代码 is written in capitals", i + 1, s, s[i]);
            else
                snprintf(why, whysize, "character %zu of \"%.18s\" ('%c') is not in the code's set "
                         "(0-9 and A-Z without I, O, Z, S, V)", i + 1, s, s[i]);
            return 0;
        }
    }
    char want = register_credit_check_char(s);
    if (s[17] != want) {
        snprintf(why, whysize, "\"%.18s\": its check character is '%c', the first 17 give '%c' "
                 "(GB 32100-2015); a digit mistyped?", s, s[17], want);
        return 0;
    }
    return 1;
}

/* ---- dates: days from civil (the proleptic Gregorian calendar, by era of 400 years) ---- */

long register_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void register_format_date(long z, char *buf, size_t size)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp < 10 ? mp + 3 : mp - 9;
    snprintf(buf, size, "%04ld-%02ld-%02ld", y + (m <= 2), m, d);
}

static int two_digits(const char *s) { return (s[0] - '0') * 10 + (s[1] - '0'); }

int register_parse_date(const char *s, size_t len, long *days)
{
    while (len && (*s == ' ' || *s == '\t')) s++, len--;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
    if (len != 10 || !(s[4] == '-' || s[4] == '/') || s[7] != s[4]) return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return 0;
    int y = two_digits(s) * 100 + two_digits(s + 2), m = two_digits(s + 5), d = two_digits(s + 8);
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1]) return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m == 2 && d == 29 && !leap) return 0;
    *days = register_days_from_civil(y, m, d);
    return 1;
}
