/* csv.c — the strict CSV table reader (contract in csv.h) on libcsv.
 *
 * libcsv does the CSV grammar in strict mode; this file adds what libcsv leaves out: positions
 * (libcsv reports none), UTF-8 and NUL checks, blank-line and field-count checks, the header
 * rules and the caps. Positions come from feeding libcsv in small pieces: each run of ordinary
 * bytes, then each special byte (, " CR LF) on its own. libcsv only ends a field or a row on a
 * special byte and only fails on a quote or on the first byte after a closing quote, so every
 * callback and every error happens at a byte whose line and column we know.
 *
 * The streaming reader buffers its input (capped by max_bytes) and does all the work in
 * csv_reader_finish, so any chunking gives the same table or error by construction.
 * csv_read_rows hands each row on as it ends and keeps none: a reader that stores rows its own
 * way (registers: columns) never holds the file as a table of cells. */
#include "csv.h"
#include "core/alloc.h"
#include "utf8.h"

#include <csv.h>   /* libcsv (the system header; ours is "csv.h" above) */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* CSV_STRICT: stray quotes and text after a closing quote are errors, not data.
 * CSV_STRICT_FINI: an unterminated quote at EOF is an error, not a field swallowing the file.
 * Not CSV_APPEND_NULL: cells are copied into our own NUL-terminated storage anyway.
 * Not CSV_EMPTY_IS_NULL: an empty cell is an empty string, whether it was quoted or not. */
#define TY_CSV_OPTIONS (CSV_STRICT | CSV_STRICT_FINI)

void csv_limits_default(TyCsvLimits *lim)
{
    lim->max_bytes = (size_t)64 << 20;
    lim->max_field = (size_t)64 << 10;
    lim->max_rows = 1000000 + 1;   /* a million data rows and the header (RELIABILITY §B) */
    lim->max_cols = 4096;
}

/* A place in the input: 1-based line (LF, CR and CRLF each end one) and character column. */
typedef struct Pos { int line, col; } Pos;

/* Everything one parse needs; the callbacks get it as libcsv's user pointer. */
typedef struct Parse {
    const char *name;
    const TyCsvLimits *lim;
    const unsigned char *data;
    size_t len;
    TyError *err;
    TyStatus status;        /* first error; callbacks cannot stop libcsv, so they set this */
    Pos pos;                /* position of the next byte to feed */
    int field_open;         /* a field has started and libcsv has not yet delivered it */
    Pos field_start;
    int row_open;           /* a row has started and libcsv has not yet ended it */
    int blank_line;         /* first blank line since the last row, or 0 */
    size_t row_fields;      /* fields delivered in the current row */
    size_t ncols, nrows;    /* ncols is 0 until the header row ends */
    size_t trail;           /* trailing header names that are empty (Excel's unused columns) */
    TyCsvCell *cells;       /* text pointers are set at the end: the arena moves while growing */
    size_t *offs;           /* offset of each cell's text in the arena */
    size_t ncells, cells_cap, offs_cap;
    char *text;             /* all cell texts, each NUL-terminated */
    size_t text_len, text_cap;
    TyCsvRowFn row_fn;      /* csv_read_rows: each row handed on and forgotten */
    void *row_ud;
    int header_line;        /* csv_read_rows: where the header's trailing empty names are */
} Parse;

static void pos_step(Pos *p, const unsigned char *d, size_t len, size_t i)
{
    unsigned char b = d[i];
    int newline = b == '\n' || (b == '\r' && !(i + 1 < len && d[i + 1] == '\n'));
    if (newline) {
        if (p->line < INT_MAX) p->line++;
        p->col = 1;
    } else if ((b & 0xC0) != 0x80 && p->col < INT_MAX) {
        p->col++;   /* continuation bytes belong to the character already counted */
    }
}

static void pos_advance(Parse *ps, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) pos_step(&ps->pos, ps->data, ps->len, i);
}

/* A short, whole-character excerpt of s for messages (names can be 64 KiB long). */
static void shorten(char *dst, size_t cap, const char *s, size_t len)
{
    size_t i = 0, o = 0;
    while (i < len) {
        uint32_t cp;
        int n = utf8_decode(s + i, len - i, &cp);
        if (o + (size_t)n + 4 > cap) { memcpy(dst + o, "...", 3); o += 3; break; }
        memcpy(dst + o, s + i, (size_t)n);
        o += (size_t)n;
        i += (size_t)n;
    }
    dst[o] = '\0';
}

static TyStatus set_error(Parse *ps, TyStatus code, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static TyStatus set_error(Parse *ps, TyStatus code, int line, int col, const char *fmt, ...)
{
    char msg[sizeof ps->err->msg];
    va_list ap;
    if (ps->status != TY_OK) return ps->status;   /* keep the first error */
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ps->status = code;
    return ty_error_at(ps->err, code, ps->name, line, col, "%s", msg);
}

static TyStatus no_memory(Parse *ps)
{
    return set_error(ps, TY_ENOMEM, 0, 0, "not enough memory to read this file");
}

/* Grows *buf (elements of size elem) to hold at least need elements. */
static int grow(void **buf, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return 1;
    size_t ncap = *cap ? *cap : 64;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2) { ncap = need; break; }
        ncap *= 2;
    }
    if (ncap > SIZE_MAX / elem) return 0;
    void *nb = ty_realloc(*buf, ncap * elem);
    if (!nb) return 0;
    *buf = nb;
    *cap = ncap;
    return 1;
}

static int add_cell(Parse *ps, const char *s, size_t len)
{
    if (len > SIZE_MAX - 1 - ps->text_len) return 0;
    if (!grow((void **)&ps->text, &ps->text_cap, ps->text_len + len + 1, 1)) return 0;
    if (!grow((void **)&ps->cells, &ps->cells_cap, ps->ncells + 1, sizeof *ps->cells)) return 0;
    if (!grow((void **)&ps->offs, &ps->offs_cap, ps->ncells + 1, sizeof *ps->offs)) return 0;
    if (len) memcpy(ps->text + ps->text_len, s, len);
    ps->text[ps->text_len + len] = '\0';
    TyCsvCell *c = &ps->cells[ps->ncells];
    c->text = NULL;
    c->len = len;
    c->line = ps->field_start.line;
    c->col = ps->row_fields + 1 < (size_t)INT_MAX ? (int)ps->row_fields + 1 : INT_MAX;
    ps->offs[ps->ncells] = ps->text_len;
    ps->ncells++;
    ps->text_len += len + 1;
    return 1;
}

static const TyCsvCell *row_cell(const Parse *ps, size_t k)
{
    return &ps->cells[ps->ncells - ps->row_fields + k];
}

static const char *row_text(const Parse *ps, size_t k)
{
    return ps->text + ps->offs[ps->ncells - ps->row_fields + k];
}

/* Header names must be non-empty and distinct (which names are allowed is the caller's rule).
 * Empty names at the end of the header are Excel's unused columns (",,," on every line): they
 * are dropped when every row is empty there too (drop_trailing_columns), else the first of them
 * is the error it always was. */
static void check_header(Parse *ps)
{
    char shown[80];
    ps->trail = 0;
    while (ps->trail + 1 < ps->row_fields && row_cell(ps, ps->row_fields - 1 - ps->trail)->len == 0)
        ps->trail++;
    for (size_t c = 0; c + ps->trail < ps->row_fields; c++) {
        const TyCsvCell *h = row_cell(ps, c);
        if (h->len == 0) {
            set_error(ps, TY_EDATA, h->line, h->col, "empty column name in the header (column %zu)", c + 1);
            return;
        }
        for (size_t k = 0; k < c; k++) {
            const TyCsvCell *o = row_cell(ps, k);
            if (o->len == h->len && memcmp(row_text(ps, k), row_text(ps, c), h->len) == 0) {
                shorten(shown, sizeof shown, row_text(ps, c), h->len);
                set_error(ps, TY_EDATA, h->line, h->col,
                          "duplicate column name \"%s\" (columns %zu and %zu)", shown, k + 1, c + 1);
                return;
            }
        }
    }
}

/* 1-based index k of the first field that starts with a digit right after a field ending in
 * one: what "1,234" or "12,5" left unquoted turns into. 0 if none. */
static size_t split_number_field(const Parse *ps)
{
    for (size_t k = 1; k < ps->row_fields; k++) {
        const TyCsvCell *a = row_cell(ps, k - 1), *b = row_cell(ps, k);
        const char *ta = row_text(ps, k - 1), *tb = row_text(ps, k);
        if (a->len && b->len && ta[a->len - 1] >= '0' && ta[a->len - 1] <= '9'
            && tb[0] >= '0' && tb[0] <= '9')
            return k + 1;
    }
    return 0;
}

static void report_ragged_row(Parse *ps)
{
    const TyCsvCell *first = row_cell(ps, 0);
    size_t found = ps->row_fields, want = ps->ncols;
    if (found < want) {
        set_error(ps, TY_EDATA, first->line, (int)found,
                  "expected %zu fields as in the header, found %zu (the row ends after field %zu)",
                  want, found, found);
        return;
    }
    size_t k = split_number_field(ps);
    if (k) {
        char a[40], b[40];
        shorten(a, sizeof a, row_text(ps, k - 2), row_cell(ps, k - 2)->len);
        shorten(b, sizeof b, row_text(ps, k - 1), row_cell(ps, k - 1)->len);
        set_error(ps, TY_EDATA, first->line, (int)want + 1,
                  "expected %zu fields as in the header, found %zu (field %zu is extra); "
                  "an unquoted thousands separator or decimal comma? fields %zu and %zu are "
                  "\"%s\" and \"%s\"; write the number without a comma, or quote it",
                  want, found, want + 1, k - 1, k, a, b);
        return;
    }
    set_error(ps, TY_EDATA, first->line, (int)want + 1,
              "expected %zu fields as in the header, found %zu (field %zu is extra)",
              want, found, want + 1);
}

/* libcsv callback: one field has ended. */
static void on_field(void *s, size_t len, void *ud)
{
    Parse *ps = ud;
    const TyCsvLimits *lim = ps->lim;
    ps->field_open = 0;
    if (ps->status != TY_OK) return;
    if (ps->row_fields == 0 && ps->nrows >= lim->max_rows) {
        set_error(ps, TY_EDATA, ps->field_start.line, 0, "more than %zu rows (cap max_rows)", lim->max_rows);
        return;
    }
    if (ps->row_fields >= lim->max_cols) {
        set_error(ps, TY_EDATA, ps->field_start.line, 0,
                  "more than %zu fields in a row (cap max_cols)", lim->max_cols);
        return;
    }
    if (len > lim->max_field) {
        set_error(ps, TY_EDATA, ps->field_start.line, (int)ps->row_fields + 1,
                  "field %zu is longer than %zu bytes (cap max_field)", ps->row_fields + 1, lim->max_field);
        return;
    }
    if (!add_cell(ps, s ? (const char *)s : "", len)) { no_memory(ps); return; }
    ps->row_fields++;
}

/* csv_read_rows: the row just ended goes to the caller, without the header's trailing empty
 * columns (a cell with data there is the error drop_trailing_columns gives a table), and its
 * storage is reused for the next row: memory stays one row's. */
static void hand_on_row(Parse *ps)
{
    size_t keep = ps->ncols - ps->trail;
    if (ps->nrows == 0) ps->header_line = ps->cells[0].line;
    for (size_t c = keep; ps->nrows > 0 && c < ps->ncols; c++)
        if (ps->cells[c].len != 0) {
            set_error(ps, TY_EDATA, ps->header_line, (int)keep + 1, "empty column name in the header "
                      "(column %zu), and line %d has data in that column", keep + 1, ps->cells[c].line);
            return;
        }
    for (size_t k = 0; k < keep; k++) ps->cells[k].text = ps->text + ps->offs[k];
    TyStatus st = ps->row_fn(ps->row_ud, ps->cells, keep, ps->err);
    if (st != TY_OK) ps->status = st;   /* the caller has set the error */
    ps->ncells = 0;
    ps->text_len = 0;
}

/* libcsv callback: one row has ended. */
static void on_row(int c, void *ud)
{
    Parse *ps = ud;
    ps->row_open = 0;
    if (ps->status != TY_OK) return;
    if (ps->nrows == 0) {
        ps->ncols = ps->row_fields;
        check_header(ps);
    } else if (ps->row_fields != ps->ncols) {
        report_ragged_row(ps);
    }
    if (ps->row_fn && ps->status == TY_OK) hand_on_row(ps);
    ps->nrows++;
    ps->row_fields = 0;
}

/* libcsv trims spaces and tabs around unquoted fields by default; the reader keeps them. */
static int no_spaces(unsigned char c) { return 0; }

static int is_special(unsigned char b) { return b == ',' || b == '"' || b == '\r' || b == '\n'; }
static int is_line_end(unsigned char b) { return b == '\r' || b == '\n'; }

/* A line end met outside any row: a blank line, unless it is the LF of a CRLF already counted.
 * Blank lines are only errors when something follows them (see open_field). */
static void note_line_end_outside_row(Parse *ps, size_t i)
{
    if (ps->data[i] == '\n' && i > 0 && ps->data[i - 1] == '\r') return;
    if (!ps->blank_line) ps->blank_line = ps->pos.line;
}

static TyStatus open_field(Parse *ps)
{
    if (ps->blank_line)
        return set_error(ps, TY_EDATA, ps->blank_line, 1,
                         "blank line inside the table; delete it (only blank lines at the end are allowed)");
    ps->field_open = 1;
    ps->field_start = ps->pos;
    ps->row_open = 1;
    return TY_OK;
}

/* libcsv failed at data[at]; ps->pos is that byte's position. */
static TyStatus report_parse_error(Parse *ps, struct csv_parser *p, size_t at)
{
    int err = csv_error(p);
    if (err == CSV_ENOMEM) return no_memory(ps);
    if (err != CSV_EPARSE)
        return set_error(ps, TY_EINTERNAL, ps->pos.line, ps->pos.col, "csv parser: %s", csv_strerror(err));
    if (ps->data[at] == '"')
        return set_error(ps, TY_EDATA, ps->pos.line, ps->pos.col,
                         "stray quote in an unquoted field at line %d, character %d; "
                         "quote the whole field and double the quotes inside it (\"a \"\"b\"\" c\")",
                         ps->pos.line, ps->pos.col);
    return set_error(ps, TY_EDATA, ps->pos.line, ps->pos.col,
                     "text after a closing quote at line %d, character %d; "
                     "a quoted field must end at a comma or at the end of the line",
                     ps->pos.line, ps->pos.col);
}

/* How many more bytes libcsv's field buffer (entry_pos bytes now) may take: max_field, plus 1
 * for a closing quote libcsv keeps until it sees what follows, plus 1 so that going over shows.
 * 0 means the field is over the cap. Saturating, for absurd caps. */
static size_t field_room(size_t entry_pos, size_t max_field)
{
    size_t limit = max_field < SIZE_MAX - 2 ? max_field + 2 : SIZE_MAX;
    return entry_pos < limit ? limit - entry_pos : 0;
}

/* Feeds the whole input to libcsv in pieces (see the top of the file). */
static TyStatus run_parser(Parse *ps, struct csv_parser *p)
{
    const unsigned char *d = ps->data;
    size_t len = ps->len, max_field = ps->lim->max_field, i = 0;
    while (i < len) {
        unsigned char b = d[i];
        size_t n = 1;
        if (!is_special(b)) {
            /* A run of ordinary bytes, cut so libcsv's field buffer never grows far past
             * max_field: the cap holds before libcsv allocates, not after. */
            size_t room = field_room(p->entry_pos, max_field);
            while (i + n < len && n < room && !is_special(d[i + n])) n++;
        }
        if (is_line_end(b) && !ps->row_open) note_line_end_outside_row(ps, i);
        else if (!ps->field_open && open_field(ps) != TY_OK) return ps->status;
        size_t fed = csv_parse(p, d + i, n, on_field, on_row, ps);
        if (ps->status != TY_OK) return ps->status;
        if (fed < n) {
            pos_advance(ps, i, i + fed);
            return report_parse_error(ps, p, i + fed);
        }
        if (field_room(p->entry_pos, max_field) == 0)
            return set_error(ps, TY_EDATA, ps->field_start.line, (int)ps->row_fields + 1,
                             "field %zu is longer than %zu bytes (cap max_field)",
                             ps->row_fields + 1, max_field);
        pos_advance(ps, i, i + n);
        i += n;
    }
    /* After a final comma libcsv still owes an empty field; it starts at the end of input. */
    if (ps->row_open && !ps->field_open && open_field(ps) != TY_OK) return ps->status;
    if (csv_fini(p, on_field, on_row, ps) != 0)
        return set_error(ps, TY_EDATA, ps->field_start.line, ps->field_start.col,
                         "unterminated quoted field: the quote at line %d, character %d is never closed",
                         ps->field_start.line, ps->field_start.col);
    return ps->status;
}

/* The input must be UTF-8 without NUL bytes before libcsv sees it. */
static TyStatus check_text(Parse *ps)
{
    TyUtf8Error ue;
    if (!utf8_validate((const char *)ps->data, ps->len, &ue))
        return set_error(ps, TY_EDATA, ue.line, ue.col,
                         "%s at line %d, character %d; save as CSV UTF-8", ue.hint, ue.line, ue.col);
    const unsigned char *nul = memchr(ps->data, 0, ps->len);
    if (nul) {
        pos_advance(ps, 0, (size_t)(nul - ps->data));
        return set_error(ps, TY_EDATA, ps->pos.line, ps->pos.col,
                         "nul byte at line %d, character %d; not a text file (UTF-16?); save as CSV UTF-8",
                         ps->pos.line, ps->pos.col);
    }
    return TY_OK;
}

/* The trailing columns with an empty name: dropped when empty in every row, else the error an
 * empty column name is (at the header's first empty name). Cells are moved up in place. */
static TyStatus drop_trailing_columns(Parse *ps)
{
    size_t keep = ps->ncols - ps->trail;
    for (size_t r = 1; r < ps->nrows; r++)
        for (size_t c = keep; c < ps->ncols; c++)
            if (ps->cells[r * ps->ncols + c].len != 0) {
                const TyCsvCell *h = &ps->cells[keep];
                return set_error(ps, TY_EDATA, h->line, h->col,
                                 "empty column name in the header (column %zu), and line %d has "
                                 "data in that column", keep + 1, ps->cells[r * ps->ncols + c].line);
            }
    size_t k = 0;
    for (size_t r = 0; r < ps->nrows; r++)
        for (size_t c = 0; c < keep; c++, k++) {
            ps->cells[k] = ps->cells[r * ps->ncols + c];
            ps->offs[k] = ps->offs[r * ps->ncols + c];
        }
    ps->ncells = k;
    ps->ncols = keep;
    ps->trail = 0;
    return TY_OK;
}

/* Moves the cells and their text into out. */
static TyStatus build_table(Parse *ps, TyCsvTable *out)
{
    if (ps->trail && drop_trailing_columns(ps) != TY_OK) return ps->status;
    out->name = ty_strdup(ps->name);
    if (!out->name) return no_memory(ps);
    out->nrows = ps->nrows;
    out->ncols = ps->ncols;
    if (ps->ncells == 0) return TY_OK;   /* an empty file: no rows at all */
    for (size_t k = 0; k < ps->ncells; k++) ps->cells[k].text = ps->text + ps->offs[k];
    /* The arena starts with cell 0's text: csv_table_free frees it through that pointer. */
    out->cells = ps->cells;
    ps->cells = NULL;
    ps->text = NULL;
    return TY_OK;
}

static TyStatus parse_buffer(const char *name, const char *buf, size_t len, const TyCsvLimits *lim,
                             TyCsvRowFn row_fn, void *row_ud, TyCsvTable *out, TyError *err)
{
    memset(out, 0, sizeof *out);
    if (!name) name = "";
    if (len > lim->max_bytes)
        return ty_error_at(err, TY_EDATA, name, 0, 0, "input larger than %zu bytes (cap max_bytes)",
                           lim->max_bytes);
    const unsigned char *d = (const unsigned char *)buf;
    if (len >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF) { d += 3; len -= 3; }  /* BOM */

    Parse ps;
    memset(&ps, 0, sizeof ps);
    ps.name = name;
    ps.lim = lim;
    ps.data = d;
    ps.len = len;
    ps.err = err;
    ps.row_fn = row_fn;
    ps.row_ud = row_ud;
    ps.pos.line = ps.pos.col = 1;
    TyStatus st = check_text(&ps);
    if (st == TY_OK) {
        struct csv_parser p;
        csv_init(&p, TY_CSV_OPTIONS);
        csv_set_space_func(&p, no_spaces);
        csv_set_realloc_func(&p, ty_realloc);   /* libcsv's buffer too: failures can be injected */
        csv_set_free_func(&p, ty_free);
        st = run_parser(&ps, &p);
        csv_free(&p);
    }
    if (st == TY_OK && !row_fn) st = build_table(&ps, out);
    if (st != TY_OK) {
        ty_free(out->name);
        memset(out, 0, sizeof *out);
    }
    ty_free(ps.cells);
    ty_free(ps.offs);
    ty_free(ps.text);
    return st;
}

static const TyCsvLimits *limits_or_default(const TyCsvLimits *lim, TyCsvLimits *def)
{
    if (lim) return lim;
    csv_limits_default(def);
    return def;
}

TyStatus csv_read_buffer(const char *name, const char *buf, size_t len,
                         const TyCsvLimits *lim, TyCsvTable *out, TyError *err)
{
    TyCsvLimits def;
    return parse_buffer(name, buf, len, limits_or_default(lim, &def), NULL, NULL, out, err);
}

TyStatus csv_read_rows(const char *name, const char *buf, size_t len, const TyCsvLimits *lim,
                       TyCsvRowFn fn, void *ud, TyError *err)
{
    TyCsvLimits def;
    TyCsvTable none;
    return parse_buffer(name, buf, len, limits_or_default(lim, &def), fn, ud, &none, err);
}

void csv_table_free(TyCsvTable *t)
{
    if (!t) return;
    if (t->cells) ty_free(t->cells[0].text);   /* the text arena, see build_table */
    ty_free(t->cells);
    ty_free(t->name);
    memset(t, 0, sizeof *t);
}

/* ---- streaming ---- */

struct TyCsvReader {
    char *name;
    TyCsvLimits lim;
    char *buf;
    size_t len, cap;
    TyError error;     /* the first error, repeated by later calls */
    int failed;
};

TyCsvReader *csv_reader_new(const char *name, const TyCsvLimits *lim)
{
    TyCsvReader *r = ty_calloc(1, sizeof *r);
    if (!r) return NULL;
    r->name = ty_strdup(name ? name : "");
    if (!r->name) { ty_free(r); return NULL; }
    TyCsvLimits def;
    r->lim = *limits_or_default(lim, &def);
    return r;
}

static TyStatus reader_fail(TyCsvReader *r, TyError *err)
{
    r->failed = 1;
    if (err) *err = r->error;
    return r->error.code;
}

/* Makes room for n more bytes, never beyond max_bytes (checked before allocating). */
static TyStatus reader_reserve(TyCsvReader *r, size_t n)
{
    if (n > r->lim.max_bytes - r->len) {
        ty_error_at(&r->error, TY_EDATA, r->name, 0, 0, "input larger than %zu bytes (cap max_bytes)",
                    r->lim.max_bytes);
        return TY_EDATA;
    }
    size_t need = r->len + n;
    if (need <= r->cap) return TY_OK;
    size_t ncap = r->cap ? r->cap : 4096;
    while (ncap < need) ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
    if (ncap > r->lim.max_bytes) ncap = r->lim.max_bytes;
    char *nb = ty_realloc(r->buf, ncap ? ncap : 1);
    if (!nb) {
        ty_error_at(&r->error, TY_ENOMEM, r->name, 0, 0, "not enough memory to read this file");
        return TY_ENOMEM;
    }
    r->buf = nb;
    r->cap = ncap;
    return TY_OK;
}

TyStatus csv_reader_feed(TyCsvReader *r, const char *chunk, size_t len, TyError *err)
{
    if (!r) return ty_error_set(err, TY_ENOMEM, "not enough memory for a csv reader");
    if (r->failed) return reader_fail(r, err);
    if (len == 0) return TY_OK;
    if (reader_reserve(r, len) != TY_OK) return reader_fail(r, err);
    memcpy(r->buf + r->len, chunk, len);
    r->len += len;
    return TY_OK;
}

TyStatus csv_reader_finish(TyCsvReader *r, TyCsvTable *out, TyError *err)
{
    if (!r) {
        memset(out, 0, sizeof *out);
        return ty_error_set(err, TY_ENOMEM, "not enough memory for a csv reader");
    }
    if (r->failed) {
        memset(out, 0, sizeof *out);
        return reader_fail(r, err);
    }
    return parse_buffer(r->name, r->buf ? r->buf : "", r->len, &r->lim, NULL, NULL, out, err);
}

void csv_reader_free(TyCsvReader *r)
{
    if (!r) return;
    ty_free(r->buf);
    ty_free(r->name);
    ty_free(r);
}

TyStatus csv_read_file(const char *path, const TyCsvLimits *lim, TyCsvTable *out, TyError *err)
{
    memset(out, 0, sizeof *out);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ty_error_at(err, errno == ENOENT ? TY_EUSAGE : TY_EDATA, path, 0, 0,
                           "cannot open: %s", strerror(errno));
    TyCsvReader *r = csv_reader_new(path, lim);
    TyStatus st = r ? TY_OK : ty_error_set(err, TY_ENOMEM, "not enough memory for a csv reader");
    struct stat sb;
    if (st == TY_OK && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
        /* Refuse a file that is too large before reading it, and read it into one buffer. */
        if ((uintmax_t)sb.st_size > r->lim.max_bytes)
            st = ty_error_at(err, TY_EDATA, path, 0, 0, "input larger than %zu bytes (cap max_bytes)",
                             r->lim.max_bytes);
        else if (reader_reserve(r, (size_t)sb.st_size) != TY_OK)
            st = reader_fail(r, err);
    }
    char chunk[65536];
    while (st == TY_OK) {
        ssize_t got = read(fd, chunk, sizeof chunk);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) { st = ty_error_at(err, TY_EDATA, path, 0, 0, "cannot read: %s", strerror(errno)); break; }
        if (got == 0) break;
        st = csv_reader_feed(r, chunk, (size_t)got, err);
    }
    close(fd);
    if (st == TY_OK) st = csv_reader_finish(r, out, err);
    csv_reader_free(r);
    return st;
}
