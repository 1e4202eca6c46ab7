/* register_table.c — the rules of a register file's table, shared by its CSV and xlsx forms: the
 * header (canonical names, Chinese aliases, units in brackets), then each cell by its column's
 * kind, the 统一社会信用代码 check, and no firm-year twice. Rows come one at a time (the CSV
 * reader streams them; a workbook's table is walked) and go straight into the columns: the
 * register is columnar from the start and no table of cells is kept. */
#include "register_file.h"
#include "core/alloc.h"
#include "number.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The Chinese headers of a bureau's register, and what they are. */
static const struct { const char *alias, *name; } aliases[] = {
    {"统一社会信用代码", "credit_code"}, {"信用代码", "credit_code"}, {"企业名称", "name"},
    {"县区", "county"}, {"所属县区", "county"}, {"申报年度", "year"}, {"注册日期", "registered"},
    {"成立日期", "registered"}, {"申报日期", "applied"}, {"职工总数", "staff"},
    {"科技人员数", "st_staff"}, {"销售收入_1", "revenue_1"}, {"销售收入_2", "revenue_2"},
    {"销售收入_3", "revenue_3"}, {"研发费用_1", "rd_1"}, {"研发费用_2", "rd_2"}, {"研发费用_3", "rd_3"},
    {"境内研发费用", "rd_domestic"}, {"高新技术产品收入", "hitech_revenue"}, {"资产总额", "assets"},
    {"核心知识产权", "ip_core"}, {"发明专利", "ip_invention"}, {"实用新型", "ip_utility"},
    {"外观设计", "ip_design"}, {"软件著作权", "ip_software"}, {"创新能力得分", "score"},
    {"科技型中小企业得分", "tsme_score"}, {"高企证书", "hte_certified"}, {"高企证书年份", "hte_year"},
    {"发证年度", "hte_year"},
    {"国家级科技奖励", "award"}, {"省部级研发机构", "rd_institution"}, {"主导制定标准", "standard_led"},
};

static void trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t')) (*s)++, (*n)--;
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t')) (*n)--;
}

int register_header(const char *h, char *name, size_t namesize, char *unit, size_t unitsize)
{
    const char *s = h;
    size_t n = strlen(h), base = n;
    unit[0] = '\0';
    trim(&s, &n);
    /* a unit in ( ) or full-width （ ） at the end */
    static const struct { const char *open, *close; } br[] = {{"(", ")"}, {"\xEF\xBC\x88", "\xEF\xBC\x89"}};
    for (size_t k = 0; k < 2; k++) {
        size_t cl = strlen(br[k].close);
        if (n < cl || memcmp(s + n - cl, br[k].close, cl) != 0) continue;
        const char *open = NULL;
        for (const char *p = s; p + strlen(br[k].open) <= s + n - cl; p++)
            if (memcmp(p, br[k].open, strlen(br[k].open)) == 0) open = p;
        if (!open) return 0;
        const char *u = open + strlen(br[k].open);
        size_t ul = (size_t)(s + n - cl - u);
        trim(&u, &ul);
        if (ul == 0 || ul >= unitsize) return 0;
        memcpy(unit, u, ul);
        unit[ul] = '\0';
        base = (size_t)(open - s);
        break;
    }
    if (base > n) base = n;
    trim(&s, &base);
    if (base == 0 || base >= namesize) return 0;
    memcpy(name, s, base);
    name[base] = '\0';
    for (size_t k = 0; k < sizeof aliases / sizeof aliases[0]; k++)
        if (strcmp(name, aliases[k].alias) == 0) {
            snprintf(name, namesize, "%s", aliases[k].name);
            break;
        }
    return 1;
}

typedef enum { TXT_CODE = 100, TXT_NAME, TXT_COUNTY } TextColumn;

typedef struct Col {
    int kind;          /* TyRegKind, or a TextColumn */
    size_t index;      /* the register column (numeric kinds) */
    double divisor;    /* 元 -> 万元: 10000 (a division, correctly rounded: 50000100 元 is 5000.01) */
} Col;

struct TyRegReader {
    TyRegister *r;
    char *name;          /* the file, in messages */
    Col *cols;
    char **header;       /* each column's header as written, in messages */
    size_t ncols;
    int have_header;
    size_t rows, hint;   /* rows read; rows expected (room is made for them at once) */
    size_t bytes;        /* the text's length, or SIZE_MAX: a bound of the rows with the columns */
    size_t code_col;     /* the credit_code column, 1-based */
    long year;           /* the year column's index in r */
};

static TyStatus at_cell(TyError *err, const char *name, const TyCsvCell *c, const char *fmt,
                        const char *column, const char *why)
{
    return ty_error_at(err, TY_EDATA, name, c->line, c->col, fmt, column, why);
}

/* Units a column may declare: amounts 万元 (the default) or 元; the natural unit of a count or a
 * score may be written (人, 项, 个, 件; 分) and changes nothing. */
static int unit_ok(int kind, const char *unit, double *divisor)
{
    *divisor = 1;
    if (!unit[0]) return 1;
    if (kind == REG_AMOUNT || kind == REG_NUMBER) {
        if (strcmp(unit, "万元") == 0) return 1;
        if (strcmp(unit, "元") == 0) {
            *divisor = 10000;
            return 1;
        }
        return 0;
    }
    if (kind == REG_COUNT)
        return !strcmp(unit, "人") || !strcmp(unit, "项") || !strcmp(unit, "个") || !strcmp(unit, "件");
    if (kind == REG_SCORE) return !strcmp(unit, "分");
    return 0;
}

static TyStatus read_header(TyRegReader *rr, const TyCsvCell *cells, size_t ncols, TyError *err)
{
    TyRegister *r = rr->r;
    Col *cols = rr->cols;
    const char *file = rr->name;
    int seen[3] = {0, 0, 0};
    for (size_t c = 0; c < ncols; c++) {
        const TyCsvCell *h = &cells[c];
        char name[64], unit[32];
        if (!register_header(h->text, name, sizeof name, unit, sizeof unit))
            return ty_error_at(err, TY_EDATA, file, h->line, h->col, "column name \"%.80s\": expected "
                               "a name, optionally with its unit in brackets: rd_1(元)", h->text);
        int kind = -1;
        if (!strcmp(name, "credit_code")) kind = TXT_CODE;
        else if (!strcmp(name, "name")) kind = TXT_NAME;
        else if (!strcmp(name, "county")) kind = TXT_COUNTY;
        else kind = register_kind_of(name);
        if (kind < 0)
            return ty_error_at(err, TY_EDATA, file, h->line, h->col, "unknown column \"%.80s\"; expected "
                               "credit_code, name, county, year, registered, applied, staff, st_staff, "
                               "revenue_1..3, rd_1..3, rd_domestic, hitech_revenue, assets, ip_core, "
                               "ip_invention, ip_utility, ip_design, ip_software, score, tsme_score, "
                               "hte_certified, hte_year, award, rd_institution, standard_led, or x_… (a number of "
                               "your own) — or their Chinese names (统一社会信用代码, 企业名称, 研发费用_1…)",
                               h->text);
        for (size_t o = 0; o < c; o++) {
            char other[64], ou[32];
            register_header(cells[o].text, other, sizeof other, ou, sizeof ou);
            if (!strcmp(other, name))
                return ty_error_at(err, TY_EDATA, file, h->line, h->col, "column \"%.80s\" is %s, and so is "
                                   "column %zu (\"%.80s\")", h->text, name, o + 1, cells[o].text);
        }
        if (kind == TXT_CODE) rr->code_col = c + 1;
        cols[c].kind = kind;
        cols[c].divisor = 1;
        if (kind >= TXT_CODE) {
            if (unit[0])
                return ty_error_at(err, TY_EDATA, file, h->line, h->col, "column \"%.80s\": %s is text "
                                   "and has no unit", h->text, name);
            seen[kind - TXT_CODE] = 1;
            continue;
        }
        if (!unit_ok(kind, unit, &cols[c].divisor))
            return ty_error_at(err, TY_EDATA, file, h->line, h->col, "column \"%.80s\": unit \"%s\" is "
                               "not one %s is written in (%s)", h->text, unit, name,
                               kind == REG_AMOUNT || kind == REG_NUMBER ? "an amount: 万元, the default, or 元"
                               : kind == REG_COUNT ? "a count: 人, 项, 个 or 件, or none"
                               : kind == REG_SCORE ? "a score: 分 or none" : "none: it takes no unit");
        if (kind == REG_NUMBER && cols[c].divisor != 1) kind = cols[c].kind = REG_AMOUNT;
        if (register_add_column(r, name, (TyRegKind)kind, h->col, &cols[c].index, err) != TY_OK) return err->code;
    }
    static const char *required[] = {"credit_code", "name"};
    for (int k = 0; k < 2; k++)
        if (!seen[k])
            return ty_error_at(err, TY_EDATA, file, cells[0].line, 0,
                               "missing required column \"%s\"", required[k]);
    if (register_column(r, "year") < 0)
        return ty_error_at(err, TY_EDATA, file, cells[0].line, 0,
                           "missing required column \"year\" (the application year)");
    return TY_OK;
}

static int is_word(const char *s, size_t n, const char *const *words)
{
    for (; *words; words++)
        if (strlen(*words) == n && strncasecmp(s, *words, n) == 0) return 1;
    return 0;
}

/* The cells of a large register are almost all plain decimals (832.15): read here, without
 * number_parse's general path (Chinese numerals, full-width digits, grouping, the locale's
 * point, strtod), which was most of a million-row read. At most 15 digits, so the digits are an
 * exact integer below 2^53 and 10^k is exact: one division is correctly rounded, the value
 * strtod gives (Clinger's fast path). Anything else (sign, exponent, grouping, more digits)
 * goes the general way. */
static int plain_decimal(const char *s, size_t n, double *v)
{
    static const double pow10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
                                   1e12, 1e13, 1e14, 1e15};
    uint64_t m = 0;
    size_t i = 0, digits = 0, frac = 0;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++) m = m * 10 + (uint64_t)(s[i] - '0');
    if (digits == 0) return 0;
    if (i < n && s[i] == '.') {
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, frac++) m = m * 10 + (uint64_t)(s[i] - '0');
        if (frac == 0) return 0;
    }
    if (i != n || digits + frac > 15) return 0;
    *v = (double)m / pow10[frac];
    return 1;
}

/* One numeric cell by its column's kind into *v (NaN for empty). */
static TyStatus read_value(const char *file, const TyCsvCell *cell, const char *column, const Col *col,
                           double *v, TyError *err)
{
    const char *s = cell->text;
    size_t n = cell->len;
    trim(&s, &n);
    *v = NAN;
    if (n == 0) return TY_OK;
    char why[200];
    switch ((TyRegKind)col->kind) {
    case REG_YEAR: {
        int y = 0, ok = n == 4;
        for (size_t i = 0; ok && i < 4; i++) {
            ok = s[i] >= '0' && s[i] <= '9';
            y = y * 10 + (s[i] - '0');
        }
        if (!ok || y < 1900 || y > 2200)
            return at_cell(err, file, cell, "%s: expected a year such as 2024, found \"%s\"", column, cell->text);
        *v = y;
        return TY_OK;
    }
    case REG_DATE: {
        long days;
        if (!register_parse_date(s, n, &days))
            return at_cell(err, file, cell, "%s: expected a date YYYY-MM-DD, found \"%s\"", column, cell->text);
        *v = (double)days;
        return TY_OK;
    }
    case REG_FLAG: {
        static const char *const yes[] = {"是", "有", "yes", "y", "true", "1", NULL};
        static const char *const no[] = {"否", "无", "no", "n", "false", "0", NULL};
        if (is_word(s, n, yes)) *v = 1;
        else if (is_word(s, n, no)) *v = 0;
        else return at_cell(err, file, cell, "%s: expected 是/否 (yes/no, 1/0), found \"%s\"", column, cell->text);
        return TY_OK;
    }
    default:
        break;
    }
    double x;
    if (!plain_decimal(s, n, &x)) {
        TyNumResult nr;
        unsigned flags = col->kind == REG_AMOUNT ? NUM_ALLOW_GROUPING : 0;
        switch (number_parse(cell->text, cell->len, flags, &nr)) {
        case NUM_MISSING: return TY_OK;
        case NUM_INVALID: return at_cell(err, file, cell, "%s: %s", column, nr.why);
        case NUM_VALUE: break;
        }
        x = nr.value;
    }
    if (col->kind == REG_COUNT && (x < 0 || x != floor(x))) {
        snprintf(why, sizeof why, "a count is a whole number >= 0, found \"%s\"", cell->text);
        return at_cell(err, file, cell, "%s: %s", column, why);
    }
    if (col->kind == REG_AMOUNT && x < 0) {
        snprintf(why, sizeof why, "an amount is >= 0, found \"%s\"", cell->text);
        return at_cell(err, file, cell, "%s: %s", column, why);
    }
    if (col->kind == REG_SCORE && !(x >= 0 && x <= 100)) {
        snprintf(why, sizeof why, "a score is 0 to 100, found \"%s\"", cell->text);
        return at_cell(err, file, cell, "%s: %s", column, why);
    }
    *v = col->divisor == 1 ? x : x / col->divisor;
    return TY_OK;
}

/* (code, year) -> row, open addressing over a power-of-two table. */
typedef struct Seen { size_t *slot; size_t mask; } Seen;

static uint64_t hash_key(const char *code, double year)
{
    uint64_t h = 1469598103934665603u;   /* FNV-1a */
    for (int i = 0; i < 18; i++) h = (h ^ (unsigned char)code[i]) * 1099511628211u;
    long y = isnan(year) ? -1 : (long)year;
    return (h ^ (uint64_t)y) * 1099511628211u;
}

static TyStatus check_duplicates(TyRegReader *rr, TyError *err)
{
    TyRegister *r = rr->r;
    size_t cap = 16;
    while (cap < r->n * 2) cap *= 2;
    size_t *slot = ty_malloc(cap * sizeof *slot);
    if (!slot) return ty_error_set(err, TY_ENOMEM, "not enough memory reading %s", rr->name);
    for (size_t k = 0; k < cap; k++) slot[k] = (size_t)-1;
    const double *year = r->cols[rr->year].v;
    TyStatus st = TY_OK;
    for (size_t i = 0; i < r->n && st == TY_OK; i++) {
        size_t k = (size_t)hash_key(r->code[i], year[i]) & (cap - 1);
        while (slot[k] != (size_t)-1) {
            size_t j = slot[k];
            if (memcmp(r->code[j], r->code[i], 18) == 0 && (year[j] == year[i] || (isnan(year[j]) && isnan(year[i])))) {
                st = ty_error_at(err, TY_EDATA, rr->name, r->line[i], (int)rr->code_col, "firm %s (%s) appears twice for "
                                 "%.0f: also on line %d; one row per firm and application year",
                                 r->code[i], register_firm(r, i), year[i], r->line[j]);
                break;
            }
            k = (k + 1) & (cap - 1);
        }
        slot[k] = i;
    }
    ty_free(slot);
    return st;
}

/* ip_core, when the file does not give it, is the sum of the IP kinds it gives. */
static TyStatus derive_ip_core(TyRegister *r, TyError *err)
{
    static const char *kinds[] = {"ip_invention", "ip_utility", "ip_design", "ip_software"};
    long have[4];
    int any = 0;
    for (int k = 0; k < 4; k++) any |= (have[k] = register_column(r, kinds[k])) >= 0;
    if (!any || register_column(r, "ip_core") >= 0) return TY_OK;
    size_t idx;
    if (register_add_column(r, "ip_core", REG_COUNT, 0, &idx, err) != TY_OK) return err->code;
    double *v = r->cols[idx].v;
    for (size_t i = 0; i < r->n; i++) {
        double s = 0;
        for (int k = 0; k < 4; k++) if (have[k] >= 0) s += r->cols[have[k]].v[i];
        v[i] = s;
    }
    return TY_OK;
}

TyRegReader *register_reader_new(TyRegister *r, const char *name, size_t rows_hint, size_t bytes)
{
    TyRegReader *rr = ty_calloc(1, sizeof *rr);
    if (!rr) return NULL;
    rr->r = r;
    rr->hint = rows_hint;
    rr->bytes = bytes;
    rr->name = ty_strdup(name ? name : "");
    if (!rr->name) {
        ty_free(rr);
        return NULL;
    }
    return rr;
}

void register_reader_free(TyRegReader *rr)
{
    if (!rr) return;
    for (size_t c = 0; rr->header && c < rr->ncols; c++) ty_free(rr->header[c]);
    ty_free(rr->header);
    ty_free(rr->cols);
    ty_free(rr->name);
    ty_free(rr);
}

static TyStatus start(TyRegReader *rr, const TyCsvCell *cells, size_t ncols, TyError *err)
{
    rr->cols = ty_calloc(ncols, sizeof *rr->cols);
    rr->header = ty_calloc(ncols, sizeof *rr->header);
    if (!rr->cols || !rr->header) return ty_error_set(err, TY_ENOMEM, "not enough memory reading %s", rr->name);
    rr->ncols = ncols;
    for (size_t c = 0; c < ncols; c++)
        if (!(rr->header[c] = ty_strdup(cells[c].text)))
            return ty_error_set(err, TY_ENOMEM, "not enough memory reading %s", rr->name);
    rr->have_header = 1;
    TyStatus st = read_header(rr, cells, ncols, err);
    if (st != TY_OK) return st;
    rr->year = register_column(rr->r, "year");
    for (size_t c = 0; c < ncols; c++)
        if (rr->cols[c].kind == TXT_COUNTY) rr->r->has_county = 1;
    /* Room for the rows expected, filled with NaN; what is not used is given back at the end. A
     * row takes at least a byte a column (its commas and line end), so a file of blank lines or
     * quoted line ends cannot make room for more rows than it can hold. */
    size_t most = rr->bytes / ncols;
    return register_resize(rr->r, rr->hint < most ? rr->hint : most, err);
}

TyStatus register_reader_row(TyRegReader *rr, const TyCsvCell *cells, size_t ncols, TyError *err)
{
    if (!rr->have_header) return start(rr, cells, ncols, err);
    TyRegister *r = rr->r;
    if (ncols != rr->ncols)   /* the CSV reader and the workbook's table see to it */
        return ty_error_at(err, TY_EINTERNAL, rr->name, cells[0].line, 0, "a row of %zu cells under %zu columns",
                           ncols, rr->ncols);
    if (rr->rows == r->n) {
        size_t room = r->n < 1024 ? 1024 : r->n * 2;
        if (register_resize(r, room, err) != TY_OK) return err->code;
    }
    size_t i = rr->rows++;
    const char *file = rr->name;
    TyStatus st = TY_OK;
    r->line[i] = cells[0].line;
    int has_county = 0;
    for (size_t c = 0; st == TY_OK && c < ncols; c++) {
        const TyCsvCell *cell = &cells[c];
        const char *column = rr->header[c];
        const char *s = cell->text;
        size_t n = cell->len;
        char why[200];
        switch (rr->cols[c].kind) {
        case TXT_CODE:
            trim(&s, &n);
            if (!register_credit_code_valid(s, n, why, sizeof why))
                st = at_cell(err, file, cell, "%s: %s", column, why);
            else
                memcpy(r->code[i], s, 18), r->code[i][18] = '\0';
            break;
        case TXT_NAME:
            trim(&s, &n);
            if (n == 0) st = at_cell(err, file, cell, "%s: %s", column, "empty firm name");
            else st = register_store_text(r, s, n, &r->firm_at[i], err);
            break;
        case TXT_COUNTY:
            trim(&s, &n);
            st = register_store_text(r, s, n, &r->county_at[i], err);
            has_county = 1;
            break;
        default:
            st = read_value(file, cell, column, &rr->cols[c], &r->cols[rr->cols[c].index].v[i], err);
            break;
        }
    }
    if (st == TY_OK && !has_county) st = register_store_text(r, "", 0, &r->county_at[i], err);
    if (st == TY_OK && isnan(r->cols[rr->year].v[i])) {
        const TyCsvCell *cell = &cells[r->cols[rr->year].file_col - 1];
        st = at_cell(err, file, cell, "%s: %s", "year", "empty: each row is one firm in one application year");
    }
    return st;
}

TyStatus register_reader_finish(TyRegReader *rr, TyError *err)
{
    if (!rr->have_header)
        return ty_error_at(err, TY_EDATA, rr->name, 1, 0, "empty file; expected a header row credit_code,name,year,...");
    TyStatus st = register_resize(rr->r, rr->rows, err);
    if (st == TY_OK) st = check_duplicates(rr, err);
    if (st == TY_OK) st = derive_ip_core(rr->r, err);
    return st;
}

TyStatus register_read_table(TyRegister *r, const TyCsvTable *t, TyError *err)
{
    if (t->nrows == 0 || t->ncols == 0)
        return ty_error_at(err, TY_EDATA, t->name, 1, 0, "empty file; expected a header row credit_code,name,year,...");
    TyRegReader *rr = register_reader_new(r, t->name, t->nrows - 1, SIZE_MAX);
    TyStatus st = rr ? TY_OK : ty_error_set(err, TY_ENOMEM, "not enough memory reading %s", t->name);
    for (size_t row = 0; st == TY_OK && row < t->nrows; row++)
        st = register_reader_row(rr, &t->cells[row * t->ncols], t->ncols, err);
    if (st == TY_OK) st = register_reader_finish(rr, err);
    register_reader_free(rr);
    return st;
}
