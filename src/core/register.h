/* register.h — an enterprise register (DOMAIN §7) in memory: one row per firm and application
 * year, stored by column. Text columns (统一社会信用代码, name, county) live in an arena; every
 * other column is an array of doubles (NaN = the cell was empty), in the column's canonical unit:
 * amounts in 万元, counts as counts, dates as days since 1970-01-01, yes/no as 1/0. Columns are
 * named, found by name (register_column), and only those the file has exist: what a rule needs
 * and the file lacks is found when the rule is compiled against the register, not guessed.
 *
 * The known columns are the list TY_REGISTER_COLUMNS below (one source of truth for the reader,
 * the help text and the docs); a file may add numeric columns of its own named x_… for rules
 * that need them (docs/registers.md). */
#ifndef TY_REGISTER_H
#define TY_REGISTER_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"

typedef enum TyRegKind {
    REG_YEAR,     /* a four-digit year */
    REG_DATE,     /* YYYY-MM-DD, stored as days since 1970-01-01 */
    REG_COUNT,    /* people, items: a whole number >= 0 */
    REG_AMOUNT,   /* money: 万元 (a column may be declared in 元: converted on reading) */
    REG_SCORE,    /* points 0..100 */
    REG_FLAG,     /* yes/no: 是/否, yes/no, 1/0, true/false */
    REG_NUMBER    /* an x_ column: any number */
} TyRegKind;

/* X(name, kind, meaning): the columns a register file may have besides credit_code, name and
 * county (text). _1, _2, _3 are the three accounting years before `year`, _3 the latest. */
#define TY_REGISTER_COLUMNS(X) \
    X("year", REG_YEAR, "application year") \
    X("registered", REG_DATE, "date of registration") \
    X("applied", REG_DATE, "date of application (default: 31 December of year)") \
    X("staff", REG_COUNT, "staff (职工总数) in the latest year") \
    X("st_staff", REG_COUNT, "S&T staff (科技人员) in the latest year") \
    X("revenue_1", REG_AMOUNT, "sales revenue, third year before year") \
    X("revenue_2", REG_AMOUNT, "sales revenue, second year before year") \
    X("revenue_3", REG_AMOUNT, "sales revenue, the latest year") \
    X("rd_1", REG_AMOUNT, "R&D expenses, third year before year") \
    X("rd_2", REG_AMOUNT, "R&D expenses, second year before year") \
    X("rd_3", REG_AMOUNT, "R&D expenses, the latest year") \
    X("rd_domestic", REG_AMOUNT, "R&D spent in China over the three years") \
    X("hitech_revenue", REG_AMOUNT, "high-tech product and service revenue, the latest year") \
    X("assets", REG_AMOUNT, "total assets, the latest year") \
    X("ip_core", REG_COUNT, "owned core IP (default: the sum of the ip_ kinds given)") \
    X("ip_invention", REG_COUNT, "invention patents (Class I IP)") \
    X("ip_utility", REG_COUNT, "utility models") \
    X("ip_design", REG_COUNT, "design patents") \
    X("ip_software", REG_COUNT, "software copyrights") \
    X("score", REG_SCORE, "innovation-ability score (高企 expert review)") \
    X("tsme_score", REG_SCORE, "科技型中小企业 evaluation score") \
    X("hte_certified", REG_FLAG, "holds a valid high-tech enterprise certificate") \
    X("hte_year", REG_YEAR, "year the high-tech certificate held was issued (re-certification due three years on)") \
    X("award", REG_FLAG, "national S&T award in the last five years, among the first three") \
    X("rd_institution", REG_FLAG, "an accredited provincial or higher R&D institution") \
    X("standard_led", REG_FLAG, "led an international, national or industry standard in five years")

typedef struct TyRegColumn {
    char name[48];    /* canonical name: "rd_1", "x_patents_pending" */
    TyRegKind kind;
    int file_col;     /* 1-based column in the file it came from; 0 if derived */
    double *v;        /* n values; NaN = empty */
} TyRegColumn;

typedef struct TyRegister {
    char *name;          /* the file, for messages */
    char *title;         /* "# title: …" or NULL */
    size_t n;            /* rows (firm-years) */
    char (*code)[19];    /* 统一社会信用代码 of each row */
    size_t *firm_at;     /* offsets into text: the firm's name */
    size_t *county_at;   /* offsets into text: the county ("" when none) */
    int *line;           /* the row's line (CSV) or sheet row (xlsx) */
    char *text;
    size_t text_len, text_cap;
    TyRegColumn *cols;
    size_t ncols, cols_cap;
    int has_county;
} TyRegister;

/* The known columns, in list order (register_known_count of them). */
size_t register_known_count(void);
const char *register_known_name(size_t i);
TyRegKind register_known_kind(size_t i);
const char *register_known_meaning(size_t i);
/* The kind of a column name: a known one, x_… (REG_NUMBER), or -1. */
int register_kind_of(const char *name);

TyRegister *register_new(const char *name);
void register_free(TyRegister *r);

/* Room for n rows: the text columns, lines and every column added (before or after). */
TyStatus register_resize(TyRegister *r, size_t n, TyError *err);
/* A new column of n NaNs. *index its position. TY_ESCRIPT if the name is there already. */
TyStatus register_add_column(TyRegister *r, const char *name, TyRegKind kind, int file_col,
                             size_t *index, TyError *err);
/* The column's index, or -1. */
long register_column(const TyRegister *r, const char *name);
/* Stores text (NUL-terminated copy) in the arena; *at its offset. */
TyStatus register_store_text(TyRegister *r, const char *s, size_t len, size_t *at, TyError *err);

static inline const char *register_firm(const TyRegister *r, size_t i) { return r->text + r->firm_at[i]; }
static inline const char *register_county(const TyRegister *r, size_t i) { return r->text + r->county_at[i]; }

/* 统一社会信用代码 (GB 32100-2015): 18 characters of 0-9 and A-Z without I, O, Z, S, V; the
 * 18th is the check character of the first 17 (weights 3^(i-1) mod 31, check = 31 - Σ mod 31,
 * 31 written as 0). Returns 1 if s[0..len) is valid; else 0 and *why says what is wrong. */
int register_credit_code_valid(const char *s, size_t len, char *why, size_t whysize);
/* The check character of 17 characters of the code set, or 0 if one is outside it. */
char register_credit_check_char(const char *first17);

/* Days since 1970-01-01 of a proleptic Gregorian date (y, m, d valid). */
long register_days_from_civil(int y, int m, int d);
/* A date YYYY-MM-DD (also YYYY/MM/DD), blanks around allowed: 1 and *days, or 0. */
int register_parse_date(const char *s, size_t len, long *days);
/* Days since 1970-01-01 as YYYY-MM-DD into buf (size >= 11). */
void register_format_date(long days, char *buf, size_t size);

#endif
