/* planfile_csv.c — reading a plan from CSV: the columns analysts keep in a spreadsheet.
 * Lines above the header may say `# title: …`, `# base_year: 2020` and `# grouping: col, col`
 * (a '#' as the line's first byte). id,name,unit are required; category,direction,measure,trend,
 * aggregate,owner,note, the per-indicator thresholds on_track,behind, base_year and flow_of are
 * optional; then any actual_YYYY / target_YYYY (target cells as written, docs/targets.md) and
 * their notes actual_YYYY_note / target_YYYY_note. The Chinese headers of a bureau's table are
 * aliases of these (planfile_column_alias). Any other column is an error, so a typo never
 * silently drops data.
 *
 * The table rules (planfile_head_line, planfile_read_table) are shared with the xlsx reader
 * (xlsx_plan.c), which builds the same table from a sheet. */
#include "planfile.h"
#include "csv.h"
#include "core/alloc.h"
#include "number.h"
#include "planfile_cells.h"
#include "utf8.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum ColumnKind {
    COL_ID, COL_NAME, COL_UNIT, COL_CATEGORY, COL_DIRECTION, COL_MEASURE, COL_TREND,
    COL_AGGREGATE, COL_OWNER, COL_NOTE, COL_ON_TRACK, COL_BEHIND, COL_BASE_YEAR, COL_FLOW_OF,
    COL_ACTUAL, COL_TARGET, COL_ACTUAL_NOTE, COL_TARGET_NOTE
} ColumnKind;

/* The fixed columns, one source of truth for parsing and for the "expected" message. */
static const struct { const char *name; ColumnKind kind; } fixed_columns[] = {
    {"id", COL_ID}, {"name", COL_NAME}, {"unit", COL_UNIT}, {"category", COL_CATEGORY},
    {"direction", COL_DIRECTION}, {"measure", COL_MEASURE}, {"trend", COL_TREND},
    {"aggregate", COL_AGGREGATE}, {"owner", COL_OWNER}, {"note", COL_NOTE},
    {"on_track", COL_ON_TRACK}, {"behind", COL_BEHIND}, {"base_year", COL_BASE_YEAR},
    {"flow_of", COL_FLOW_OF},
};
#define N_FIXED (sizeof fixed_columns / sizeof fixed_columns[0])

typedef struct Column { ColumnKind kind; int year; int grouping; } Column;

/* "actual_2025" -> 2025 for the given prefix (and suffix: "_note"), or 0. */
static int year_column(const char *h, const char *prefix, const char *suffix)
{
    size_t pl = strlen(prefix), sl = strlen(suffix), hl = strlen(h);
    if (strncmp(h, prefix, pl) != 0 || hl != pl + 4 + sl || strcmp(h + pl + 4, suffix) != 0) return 0;
    const char *y = h + pl;
    int year = 0;
    for (int i = 0; i < 4; i++) {
        if (y[i] < '0' || y[i] > '9') return 0;
        year = year * 10 + (y[i] - '0');
    }
    return (year >= TY_YEAR_MIN && year <= TY_YEAR_MAX) ? year : 0;
}

/* Chinese headers of a bureau's table, and what they are. Years: "2021年", "2021年实际",
 * "2021实际" are actual_2021; "2025年目标", "2025目标" are target_2025. */
static const struct { const char *alias, *name; } column_aliases[] = {
    {"指标", "name"}, {"指标名称", "name"}, {"指标代码", "id"}, {"代码", "id"},
    {"单位", "unit"}, {"计量单位", "unit"}, {"类别", "category"}, {"类型", "category"},
    {"方向", "direction"}, {"责任单位", "owner"}, {"牵头单位", "owner"},
    {"备注", "note"}, {"说明", "note"},
};

const char *planfile_column_alias(const char *h, char *buf, size_t size)
{
    for (size_t k = 0; k < sizeof column_aliases / sizeof column_aliases[0]; k++)
        if (strcmp(h, column_aliases[k].alias) == 0) return column_aliases[k].name;
    static const struct { const char *suffix, *prefix; } years[] = {
        {"年", "actual_"}, {"年实际", "actual_"}, {"实际", "actual_"},
        {"年目标", "target_"}, {"目标", "target_"},
    };
    size_t n = strlen(h);
    for (size_t k = 0; n > 4 && k < sizeof years / sizeof years[0]; k++) {
        if (strcmp(h + 4, years[k].suffix) != 0) continue;
        int ok = 1;
        for (int i = 0; i < 4; i++) ok &= h[i] >= '0' && h[i] <= '9';
        if (ok && size > strlen(years[k].prefix) + 4) {
            snprintf(buf, size, "%s%.4s", years[k].prefix, h);
            return buf;
        }
    }
    return h;
}

/* "# grouping: a, b": each name is a column (as written in the header, or its canonical name)
 * whose numbers may have thousands separators ("141,000"); only actual columns hold such
 * numbers. An unknown name, or a column of another kind, is an error at the grouping line. */
static TyStatus mark_grouping(const TyCsvTable *t, const TyPlanHead *h, Column *cols, TyError *err)
{
    if (!h || !h->grouping) return TY_OK;
    const char *s = h->grouping;
    while (*s) {
        while (*s == ' ' || *s == '\t' || *s == ',') s++;
        if (!*s) break;
        const char *e = s;
        while (*e && *e != ',') e++;
        const char *stop = e;
        while (stop > s && (stop[-1] == ' ' || stop[-1] == '\t')) stop--;
        size_t n = (size_t)(stop - s);
        int found = 0;
        for (size_t c = 0; c < t->ncols && !found; c++) {
            const char *head = csv_cell(t, 0, c)->text;
            char buf[32];
            const char *canon = planfile_column_alias(head, buf, sizeof buf);
            if (!((strlen(head) == n && memcmp(head, s, n) == 0)
                  || (strlen(canon) == n && memcmp(canon, s, n) == 0)))
                continue;
            if (cols[c].kind != COL_ACTUAL)
                return ty_error_at(err, TY_EDATA, t->name, h->grouping_line, h->grouping_col,
                                   "# grouping: \"%.*s\" is not an actual_YYYY column (only "
                                   "actuals are numbers that may be written 141,000)", (int)(n > 60 ? 60 : n), s);
            cols[c].grouping = 1;
            found = 1;
        }
        if (!found)
            return ty_error_at(err, TY_EDATA, t->name, h->grouping_line, h->grouping_col,
                               "# grouping: no column \"%.*s\" in the header", (int)(n > 60 ? 60 : n), s);
        s = e;
    }
    return TY_OK;
}

static TyStatus classify_header(const TyCsvTable *t, Column *cols, TyError *err)
{
    int seen_required = 0;
    for (size_t c = 0; c < t->ncols; c++) {
        const TyCsvCell *h = csv_cell(t, 0, c);
        char buf[32];
        const char *name = planfile_column_alias(h->text, buf, sizeof buf);
        int found = 0;
        cols[c].grouping = 0;
        for (size_t k = 0; k < N_FIXED; k++) {
            if (strcmp(name, fixed_columns[k].name) == 0) {
                cols[c].kind = fixed_columns[k].kind;
                cols[c].year = 0;
                for (size_t o = 0; o < c; o++)
                    if (cols[o].kind == cols[c].kind)
                        return ty_error_at(err, TY_EDATA, t->name, h->line, h->col,
                                           "column \"%s\" is %s, and so is column %zu (\"%s\")",
                                           h->text, name, o + 1, csv_cell(t, 0, o)->text);
                if (cols[c].kind <= COL_UNIT) seen_required |= 1 << cols[c].kind;
                found = 1;
                break;
            }
        }
        if (found) continue;
        static const struct { const char *prefix, *suffix; ColumnKind kind; } yearly[] = {
            {"actual_", "", COL_ACTUAL}, {"target_", "", COL_TARGET},
            {"actual_", "_note", COL_ACTUAL_NOTE}, {"target_", "_note", COL_TARGET_NOTE},
        };
        for (size_t k = 0; k < sizeof yearly / sizeof yearly[0] && !found; k++) {
            int year = year_column(name, yearly[k].prefix, yearly[k].suffix);
            if (year) {
                for (size_t o = 0; o < c; o++)
                    if (cols[o].kind == yearly[k].kind && cols[o].year == year)
                        return ty_error_at(err, TY_EDATA, t->name, h->line, h->col,
                                           "column \"%s\" is %s, and so is column %zu (\"%s\")",
                                           h->text, name, o + 1, csv_cell(t, 0, o)->text);
                cols[c].kind = yearly[k].kind;
                cols[c].year = year;
                found = 1;
            }
        }
        if (!found)
            return ty_error_at(err, TY_EDATA, t->name, h->line, h->col,
                               "unknown column \"%s\"; expected id, name, unit, category, direction, "
                               "measure, trend, aggregate, owner, note, on_track, behind, base_year, "
                               "flow_of, actual_YYYY, target_YYYY, actual_YYYY_note or "
                               "target_YYYY_note (or 指标名称, 单位, 类别, 方向, 责任单位, 备注, "
                               "2021年, 2025年目标…)", h->text);
    }
    static const char *required[] = {"id", "name", "unit"};
    for (int k = 0; k < 3; k++)
        if (!(seen_required & (1 << k)))
            return ty_error_at(err, TY_EDATA, t->name, csv_cell(t, 0, 0)->line, 0,
                               "missing required column \"%s\"", required[k]);
    return TY_OK;
}

/* The cell in column kind `kind` of row r, or NULL if the file has no such column. */
static const TyCsvCell *row_cell(const TyCsvTable *t, const Column *cols, size_t r, ColumnKind kind)
{
    for (size_t c = 0; c < t->ncols; c++)
        if (cols[c].kind == kind) return csv_cell(t, r, c);
    return NULL;
}

static TyStatus cell_error(TyError *err, const TyCsvTable *t, const TyCsvCell *cell, const char *what)
{
    return ty_error_at(err, TY_EDATA, t->name, cell->line, cell->col, "%s", what);
}

static TyStatus parse_enum_cell(const TyCsvTable *t, const TyCsvCell *cell, const char *column,
                                int (*parse)(const char *, void *), void *out, const char *choices,
                                TyError *err)
{
    if (cell->len == 0) return TY_OK;   /* empty: the default */
    if (parse(cell->text, out) == 0) return TY_OK;
    return ty_error_at(err, TY_EDATA, t->name, cell->line, cell->col,
                       "%s: expected %s, found \"%s\"", column, choices, cell->text);
}

/* Adapters so the enum parsers fit one signature. */
static int parse_direction(const char *s, void *o) { return direction_parse(s, o); }
static int parse_measure(const char *s, void *o) { return measure_parse(s, o); }
static int parse_trend(const char *s, void *o) { return trend_parse(s, o); }
static int parse_aggregate(const char *s, void *o) { return aggregate_parse(s, o); }

/* A number cell: NUM_MISSING leaves *has = 0. */
static TyStatus parse_number_cell(const TyCsvTable *t, const TyCsvCell *cell, unsigned flags,
                                  double *value, int *has, TyError *err)
{
    TyNumResult r;
    *has = 0;
    switch (number_parse(cell->text, cell->len, flags, &r)) {
    case NUM_VALUE: *value = r.value; *has = 1; return TY_OK;
    case NUM_MISSING: return TY_OK;
    default: return cell_error(err, t, cell, r.why);
    }
}

/* A target cell as written; a cell that cannot be read names the forms accepted. */
static TyStatus read_target_cell(TyIndicator *ind, const TyCsvTable *t, const TyCsvCell *cell,
                                 const char *column, int year, TyError *err)
{
    char why[512];
    size_t offset = 0;
    ty_error_clear(err);
    if (planfile_target_cell(ind, year, cell->text, cell->len, why, sizeof why, &offset, err) != CELL_ERROR)
        return TY_OK;
    if (err->code == TY_ENOMEM) return err->code;
    return ty_error_at(err, TY_EDATA, t->name, cell->line, cell->col, "%s: %s", column, why);
}

/* An actual cell: a number, or for a milestone row done / not done; never typed in a flow_of row. */
static TyStatus read_actual_cell(TyIndicator *ind, const TyCsvTable *t, const TyCsvCell *cell,
                                 const char *column, int year, unsigned numflags, int milestone,
                                 TyError *err)
{
    double v;
    int has;
    if (milestone) {
        char why[256];
        switch (planfile_milestone_actual(cell->text, cell->len, year, &v, why, sizeof why)) {
        case CELL_MISSING: return TY_OK;
        case CELL_ERROR: return ty_error_at(err, TY_EDATA, t->name, cell->line, cell->col, "%s: %s", column, why);
        case CELL_VALUE: has = 1; break;
        }
    } else if (parse_number_cell(t, cell, numflags, &v, &has, err) != TY_OK) {
        return err->code;
    }
    if (!has) return TY_OK;
    if (ind->flow_of)
        return ty_error_at(err, TY_EDATA, t->name, cell->line, cell->col,
                           "%s: a flow_of row's actuals are derived from \"%s\" (level(y) - "
                           "level(y - 1)), not typed", column, ind->flow_of);
    return series_set(&ind->actual, year, v, err);
}

/* Every column but the actuals: they are read once the targets say whether the row is a
 * milestone (then its actuals are done / not done, not numbers). */
static TyStatus read_attribute(TyPlan *p, TyIndicator *ind, const TyCsvTable *t, const Column *col,
                               const TyCsvCell *cell, const char *column, TyError *err)
{
    double v;
    int has;
    TyStatus st = TY_OK;
    switch (col->kind) {
    case COL_ID: case COL_NAME: case COL_UNIT: case COL_ACTUAL:
        break;
    case COL_CATEGORY:
        st = plan_set_string(&ind->category, cell->len ? cell->text : NULL, err);
        break;
    case COL_OWNER:
        st = plan_set_string(&ind->owner, cell->len ? cell->text : NULL, err);
        break;
    case COL_NOTE:
        st = plan_set_string(&ind->note, cell->len ? cell->text : NULL, err);
        break;
    case COL_DIRECTION:
        st = parse_enum_cell(t, cell, column, parse_direction, &ind->direction, "up or down", err);
        break;
    case COL_MEASURE:
        st = parse_enum_cell(t, cell, column, parse_measure, &ind->measure, "level or flow", err);
        break;
    case COL_TREND:
        st = parse_enum_cell(t, cell, column, parse_trend, &ind->trend, "cagr, linear or wls", err);
        break;
    case COL_AGGREGATE:
        st = parse_enum_cell(t, cell, column, parse_aggregate, &ind->aggregate,
                             "sum, ratio, mean or none", err);
        break;
    case COL_ON_TRACK: case COL_BEHIND:
        st = parse_number_cell(t, cell, 0, &v, &has, err);
        if (st == TY_OK && has) {
            if (!ind->has_thresholds) ind->thresholds = p->thresholds;
            ind->has_thresholds = 1;
            if (col->kind == COL_ON_TRACK) ind->thresholds.on_track = v;
            else ind->thresholds.behind = v;
        }
        break;
    case COL_BASE_YEAR: {
        TyNumResult r;
        if (number_parse(cell->text, cell->len, 0, &r) == NUM_MISSING) break;
        if (!planfile_year(cell->text, cell->len, &ind->base_year))
            st = cell_error(err, t, cell, "base_year: expected a year such as 2020");
        break;
    }
    case COL_FLOW_OF:
        st = plan_set_string(&ind->flow_of, cell->len ? cell->text : NULL, err);
        break;
    case COL_TARGET:
        st = read_target_cell(ind, t, cell, column, col->year, err);
        break;
    case COL_TARGET_NOTE:
        st = indicator_set_target_note(ind, col->year, cell->len ? cell->text : NULL, err);
        break;
    case COL_ACTUAL_NOTE:
        st = indicator_set_actual_note(ind, col->year, cell->len ? cell->text : NULL, err);
        break;
    }
    return st;
}

static TyStatus read_row(TyPlan *p, const TyCsvTable *t, const Column *cols, size_t r, TyError *err)
{
    const TyCsvCell *id = row_cell(t, cols, r, COL_ID);
    const TyCsvCell *name = row_cell(t, cols, r, COL_NAME);
    const TyCsvCell *unit = row_cell(t, cols, r, COL_UNIT);
    if (id->len == 0) return cell_error(err, t, id, "empty id");
    if (name->len == 0) return cell_error(err, t, name, "empty name");
    if (unit->len == 0) return cell_error(err, t, unit, "empty unit (write 1 for a pure number)");
    size_t idx;
    if (plan_add(p, id->text, name->text, unit->text, &idx, err) != TY_OK) {
        err->line = id->line;
        err->col = id->col;
        snprintf(err->file, sizeof err->file, "%s", t->name);
        return err->code;
    }
    TyIndicator *ind = &p->ind[idx];
    unsigned numflags = strcmp(unit->text, "%") == 0 ? NUM_ALLOW_PERCENT : 0;
    for (int pass = 0; pass < 2; pass++) {
        int milestone = indicator_is_milestone(ind);
        for (size_t c = 0; c < t->ncols; c++) {
            if ((cols[c].kind == COL_ACTUAL) != (pass == 1)) continue;
            const TyCsvCell *cell = csv_cell(t, r, c);
            const char *column = csv_cell(t, 0, c)->text;
            TyStatus st = pass == 0 ? read_attribute(p, ind, t, &cols[c], cell, column, err)
                : read_actual_cell(ind, t, cell, column, cols[c].year,
                                   numflags | (cols[c].grouping ? NUM_ALLOW_GROUPING : 0), milestone, err);
            if (st != TY_OK) {
                if (!err->file[0]) {
                    snprintf(err->file, sizeof err->file, "%s", t->name);
                    err->line = cell->line;
                    err->col = cell->col;
                }
                return st;
            }
        }
    }
    if (ind->flow_of) {   /* a flow_of row is a flow: measure empty or flow */
        const TyCsvCell *m = row_cell(t, cols, r, COL_MEASURE);
        if (m && m->len && ind->measure != TY_FLOW)
            return cell_error(err, t, m, "measure: a flow_of row is a flow (measure=flow or empty)");
        ind->measure = TY_FLOW;
    }
    if (ind->has_thresholds && !(ind->thresholds.behind < ind->thresholds.on_track))
        return ty_error_at(err, TY_EDATA, t->name, id->line, 0,
                           "indicator %s: threshold behind (%g) must be below on_track (%g)",
                           ind->id, ind->thresholds.behind, ind->thresholds.on_track);
    return TY_OK;
}

/* The column of kind `kind` (and year, for a yearly one), 1-based, or 0. */
static int column_of(const TyCsvTable *t, const Column *cols, ColumnKind kind, int year)
{
    for (size_t c = 0; c < t->ncols; c++)
        if (cols[c].kind == kind && cols[c].year == year) return csv_cell(t, 0, c)->col;
    return 0;
}

/* Rows name other rows (flow_of, benchmarks): checked once all are in, at the naming cell. */
static TyStatus check_links(const TyPlan *p, const TyCsvTable *t, const Column *cols, TyError *err)
{
    size_t bad;
    int year;
    if (plan_check_links(p, &bad, &year, err) == TY_OK) return TY_OK;
    char msg[sizeof err->msg];
    snprintf(msg, sizeof msg, "%s", err->msg);
    int col = year ? column_of(t, cols, COL_TARGET, year) : column_of(t, cols, COL_FLOW_OF, 0);
    return ty_error_at(err, TY_EDATA, t->name, csv_cell(t, bad + 1, 0)->line, col, "%s", msg);
}

void planfile_head_free(TyPlanHead *h)
{
    ty_free(h->grouping);
    memset(h, 0, sizeof *h);
}

/* One "# key: value" line above the header: title, base_year or grouping. */
TyStatus planfile_head_line(TyPlan *p, TyPlanHead *h, const char *name, int line, int fixed_col,
                            const char *buf, size_t len, TyError *err)
{
#define AT(c) (fixed_col ? fixed_col : (c))
    const char *s = buf + 1, *stop = buf + len;
    while (s < stop && (*s == ' ' || *s == '\t')) s++;
    const char *key = s;
    while (s < stop && *s != ':') s++;
    const char *key_end = s;
    while (key_end > key && (key_end[-1] == ' ' || key_end[-1] == '\t')) key_end--;
    size_t klen = (size_t)(key_end - key);
    TyUtf8Error uerr;
    if (!utf8_validate(buf, len, &uerr))
        return ty_error_at(err, TY_EDATA, name, line, AT(1), "invalid UTF-8 in a header line "
                           "(save the file as CSV UTF-8)");
    if (s == stop)
        return ty_error_at(err, TY_EDATA, name, line, AT(1), "a line above the header must be "
                           "\"# title: …\", \"# base_year: YYYY\" or \"# grouping: column, …\", "
                           "found no ':'");
    s++;
    while (s < stop && (*s == ' ' || *s == '\t')) s++;
    while (stop > s && (stop[-1] == ' ' || stop[-1] == '\t')) stop--;
    size_t vlen = (size_t)(stop - s);
    if (klen == 5 && memcmp(key, "title", 5) == 0) {
        if (h->seen_title++) return ty_error_at(err, TY_EDATA, name, line, AT(1), "a second # title line");
        if (vlen == 0) return ty_error_at(err, TY_EDATA, name, line, AT(1), "# title: the title is empty");
        char *title = ty_malloc(vlen + 1);
        if (!title) return ty_error_set(err, TY_ENOMEM, "not enough memory reading %s", name);
        memcpy(title, s, vlen);
        title[vlen] = '\0';
        TyStatus st = plan_set_string(&p->title, title, err);
        ty_free(title);
        if (st != TY_OK) return st;
    } else if (klen == 9 && memcmp(key, "base_year", 9) == 0) {
        if (h->seen_base++) return ty_error_at(err, TY_EDATA, name, line, AT(1), "a second # base_year line");
        if (!planfile_year(s, vlen, &p->base_year))
            return ty_error_at(err, TY_EDATA, name, line, AT((int)(s - buf) + 1),
                               "# base_year: expected a year such as 2020, found \"%.*s\"",
                               (int)(vlen > 40 ? 40 : vlen), s);
    } else if (klen == 8 && memcmp(key, "grouping", 8) == 0) {
        if (h->grouping) return ty_error_at(err, TY_EDATA, name, line, AT(1), "a second # grouping line");
        if (vlen == 0)
            return ty_error_at(err, TY_EDATA, name, line, AT(1), "# grouping: name the columns, "
                               "e.g. # grouping: actual_2021, 2022年");
        h->grouping = ty_malloc(vlen + 1);
        if (!h->grouping) return ty_error_set(err, TY_ENOMEM, "not enough memory reading %s", name);
        memcpy(h->grouping, s, vlen);
        h->grouping[vlen] = '\0';
        h->grouping_line = line;
        h->grouping_col = AT((int)(s - buf) + 1);
    } else {
        return ty_error_at(err, TY_EDATA, name, line, AT(1), "unknown header line \"# %.*s\"; expected "
                           "# title: …, # base_year: YYYY or # grouping: column, …",
                           (int)(klen > 40 ? 40 : klen), key);
    }
    return TY_OK;
#undef AT
}

/* The "# key: value" lines above the header. *used = bytes consumed, *lines = lines consumed
 * (the CSV reader's line numbers are then shifted by that many). */
static TyStatus read_preamble(TyPlan *p, TyPlanHead *h, const char *name, const char *buf,
                              size_t len, size_t *used, int *lines, TyError *err)
{
    size_t i = 0;
    *lines = 0;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) i = 3;   /* a BOM before the first line */
    while (i < len && buf[i] == '#') {
        size_t end = i;
        while (end < len && buf[end] != '\n' && buf[end] != '\r') end++;
        int line = ++*lines;
        if (planfile_head_line(p, h, name, line, 0, buf + i, end - i, err) != TY_OK) return err->code;
        if (end < len && buf[end] == '\r') end++;   /* CR, LF or CRLF ends the line */
        if (end < len && buf[end] == '\n') end++;
        i = end;
    }
    *used = *lines ? i : 0;   /* no preamble: the CSV reader sees the BOM as before */
    return TY_OK;
}

TyStatus planfile_read_table(TyPlan *p, const TyPlanHead *h, const TyCsvTable *t, TyError *err)
{
    if (t->nrows == 0 || t->ncols == 0)
        return ty_error_at(err, TY_EDATA, t->name, 1, 0, "empty file; expected a header row id,name,unit,...");
    Column *cols = ty_calloc(t->ncols, sizeof *cols);
    if (!cols) return ty_error_set(err, TY_ENOMEM, "not enough memory reading %s", t->name);
    TyStatus st = classify_header(t, cols, err);
    if (st == TY_OK) st = mark_grouping(t, h, cols, err);
    for (size_t r = 1; st == TY_OK && r < t->nrows; r++) st = read_row(p, t, cols, r, err);
    if (st == TY_OK) st = check_links(p, t, cols, err);
    ty_free(cols);
    return st;
}

/* The converters are opened once, when the program starts: iconv_open loads glibc's gconv
 * modules (files, mmap), which a package's sandbox, entered later, does not allow; county data
 * in GBK must read there too. (iconv_t)-1 when this glibc lacks one: such text is then refused
 * as not UTF-8, as before. Plans are read on one thread. */
static iconv_t gb18030_cd = (iconv_t)-1, utf16_cd = (iconv_t)-1;

__attribute__((constructor)) static void open_converters(void)
{
    gb18030_cd = iconv_open("UTF-8", "GB18030");
    utf16_cd = iconv_open("UTF-8", "UTF-16");
}

/* planfile.h; also what `tuiyan extract` reads a plan's text with. */
int planfile_convert_text(const char *buf, size_t len, char **out, size_t *outlen, const char **enc)
{
    const unsigned char *d = (const unsigned char *)buf;
    if (len >= 2 && ((d[0] == 0xFF && d[1] == 0xFE) || (d[0] == 0xFE && d[1] == 0xFF))) *enc = "UTF-16";
    else if (utf8_validate(buf, len, &(TyUtf8Error){0})) return 0;
    else *enc = "GB18030";
    iconv_t cd = strcmp(*enc, "UTF-16") == 0 ? utf16_cd : gb18030_cd;
    if (cd == (iconv_t)-1) return 0;
    iconv(cd, NULL, NULL, NULL, NULL);   /* the initial state (a BOM read again) */
    size_t cap = len * 2 + 16;   /* GB18030 and UTF-16 never grow by more than 3/2 in UTF-8 */
    char *o = ty_malloc(cap);
    int ok = o != NULL;
    if (ok) {
        char *in = (char *)buf, *op = o;
        size_t inleft = len, outleft = cap - 1;
        ok = iconv(cd, &in, &inleft, &op, &outleft) != (size_t)-1 && inleft == 0
             && iconv(cd, NULL, NULL, &op, &outleft) != (size_t)-1;
        *outlen = (size_t)(op - o);
    }
    /* What came out must itself be text the CSV reader takes (no NUL from a UTF-16 NUL). */
    if (ok && (memchr(o, '\0', *outlen) || !utf8_validate(o, *outlen, &(TyUtf8Error){0}))) ok = 0;
    if (!ok) {
        ty_free(o);
        return 0;
    }
    *out = o;
    return 1;
}

TyPlan *planfile_read_csv_any(const char *name, const char *buf, size_t len,
                              char *notice, size_t noticesize, TyError *err)
{
    char *conv = NULL;
    size_t clen = 0;
    const char *enc = NULL;
    if (notice && noticesize) notice[0] = '\0';
    if (len <= ((size_t)64 << 20) && planfile_convert_text(buf, len, &conv, &clen, &enc)) {
        if (notice && noticesize)
            snprintf(notice, noticesize, "read as %s; save as CSV UTF-8 to silence this", enc);
        buf = conv;
        len = clen;
    }
    TyPlan *p = planfile_read_csv(name, buf, len, err);
    ty_free(conv);
    return p;
}

TyPlan *planfile_read_csv(const char *name, const char *buf, size_t len, TyError *err)
{
    TyPlan *p = plan_new(name);
    if (!p) {
        ty_error_set(err, TY_ENOMEM, "not enough memory reading %s", name);
        return NULL;
    }
    TyPlanHead head = {0};
    size_t used = 0;
    int shift = 0;
    if (read_preamble(p, &head, name, buf, len, &used, &shift, err) != TY_OK) {
        planfile_head_free(&head);
        plan_free(p);
        return NULL;
    }
    TyCsvLimits lim;
    TyCsvTable t;
    csv_limits_default(&lim);
    if (csv_read_buffer(name, buf + used, len - used, &lim, &t, err) != TY_OK) {
        if (err->line > 0) err->line += shift;
        planfile_head_free(&head);
        plan_free(p);
        return NULL;
    }
    for (size_t k = 0; shift && k < t.nrows * t.ncols; k++) t.cells[k].line += shift;
    TyStatus st;
    if (t.nrows == 0 || t.ncols == 0)
        st = ty_error_at(err, TY_EDATA, name, shift + 1, 0, "empty file; expected a header row id,name,unit,...");
    else
        st = planfile_read_table(p, &head, &t, err);
    planfile_head_free(&head);
    csv_table_free(&t);
    if (st != TY_OK) {
        plan_free(p);
        return NULL;
    }
    return p;
}
