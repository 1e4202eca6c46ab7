/* planfile_csv.c — reading a plan from CSV: the columns analysts keep in a spreadsheet.
 * id,name,unit are required; category,direction,measure,trend,aggregate,owner,note and the
 * per-indicator thresholds on_track,behind are optional; then any actual_YYYY / target_YYYY.
 * Any other column is an error, so a typo never silently drops data. */
#include "planfile.h"
#include "csv.h"
#include "core/alloc.h"
#include "number.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum ColumnKind {
    COL_ID, COL_NAME, COL_UNIT, COL_CATEGORY, COL_DIRECTION, COL_MEASURE, COL_TREND,
    COL_AGGREGATE, COL_OWNER, COL_NOTE, COL_ON_TRACK, COL_BEHIND, COL_ACTUAL, COL_TARGET
} ColumnKind;

/* The fixed columns, one source of truth for parsing and for the "expected" message. */
static const struct { const char *name; ColumnKind kind; } fixed_columns[] = {
    {"id", COL_ID}, {"name", COL_NAME}, {"unit", COL_UNIT}, {"category", COL_CATEGORY},
    {"direction", COL_DIRECTION}, {"measure", COL_MEASURE}, {"trend", COL_TREND},
    {"aggregate", COL_AGGREGATE}, {"owner", COL_OWNER}, {"note", COL_NOTE},
    {"on_track", COL_ON_TRACK}, {"behind", COL_BEHIND},
};
#define N_FIXED (sizeof fixed_columns / sizeof fixed_columns[0])

typedef struct Column { ColumnKind kind; int year; } Column;

/* "actual_2025" -> 2025 for the given prefix, or 0. */
static int year_column(const char *h, const char *prefix)
{
    size_t pl = strlen(prefix);
    if (strncmp(h, prefix, pl) != 0) return 0;
    const char *y = h + pl;
    if (strlen(y) != 4) return 0;
    int year = 0;
    for (int i = 0; i < 4; i++) {
        if (y[i] < '0' || y[i] > '9') return 0;
        year = year * 10 + (y[i] - '0');
    }
    return (year >= TY_YEAR_MIN && year <= TY_YEAR_MAX) ? year : 0;
}

static TyStatus classify_header(const TyCsvTable *t, Column *cols, TyError *err)
{
    int seen_required = 0;
    for (size_t c = 0; c < t->ncols; c++) {
        const TyCsvCell *h = csv_cell(t, 0, c);
        int found = 0;
        for (size_t k = 0; k < N_FIXED; k++) {
            if (strcmp(h->text, fixed_columns[k].name) == 0) {
                cols[c].kind = fixed_columns[k].kind;
                cols[c].year = 0;
                if (cols[c].kind <= COL_UNIT) seen_required |= 1 << cols[c].kind;
                found = 1;
                break;
            }
        }
        if (found) continue;
        int year;
        if ((year = year_column(h->text, "actual_")) != 0) {
            cols[c].kind = COL_ACTUAL;
            cols[c].year = year;
        } else if ((year = year_column(h->text, "target_")) != 0) {
            cols[c].kind = COL_TARGET;
            cols[c].year = year;
        } else {
            return ty_error_at(err, TY_EDATA, t->name, h->line, (int)c + 1,
                               "unknown column \"%s\"; expected id, name, unit, category, direction, "
                               "measure, trend, aggregate, owner, note, on_track, behind, "
                               "actual_YYYY or target_YYYY", h->text);
        }
    }
    static const char *required[] = {"id", "name", "unit"};
    for (int k = 0; k < 3; k++)
        if (!(seen_required & (1 << k)))
            return ty_error_at(err, TY_EDATA, t->name, 1, 0, "missing required column \"%s\"", required[k]);
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
    for (size_t c = 0; c < t->ncols; c++) {
        const TyCsvCell *cell = csv_cell(t, r, c);
        const char *column = csv_cell(t, 0, c)->text;
        TyStatus st = TY_OK;
        double v;
        int has;
        switch (cols[c].kind) {
        case COL_ID: case COL_NAME: case COL_UNIT:
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
                if (cols[c].kind == COL_ON_TRACK) ind->thresholds.on_track = v;
                else ind->thresholds.behind = v;
            }
            break;
        case COL_ACTUAL: case COL_TARGET:
            st = parse_number_cell(t, cell, numflags, &v, &has, err);
            if (st == TY_OK && has)
                st = series_set(cols[c].kind == COL_ACTUAL ? &ind->actual : &ind->target,
                                cols[c].year, v, err);
            break;
        }
        if (st != TY_OK) {
            if (!err->file[0]) {
                snprintf(err->file, sizeof err->file, "%s", t->name);
                err->line = cell->line;
                err->col = cell->col;
            }
            return st;
        }
    }
    if (ind->has_thresholds && !(ind->thresholds.behind < ind->thresholds.on_track))
        return ty_error_at(err, TY_EDATA, t->name, id->line, 0,
                           "indicator %s: threshold behind (%g) must be below on_track (%g)",
                           ind->id, ind->thresholds.behind, ind->thresholds.on_track);
    return TY_OK;
}

TyPlan *planfile_read_csv(const char *name, const char *buf, size_t len, TyError *err)
{
    TyCsvLimits lim;
    TyCsvTable t;
    csv_limits_default(&lim);
    if (csv_read_buffer(name, buf, len, &lim, &t, err) != TY_OK) return NULL;
    TyPlan *p = NULL;
    Column *cols = NULL;
    if (t.nrows == 0 || t.ncols == 0) {
        ty_error_at(err, TY_EDATA, name, 1, 0, "empty file; expected a header row id,name,unit,...");
        goto done;
    }
    cols = ty_calloc(t.ncols, sizeof *cols);
    p = plan_new(name);
    if (!cols || !p) {
        ty_error_set(err, TY_ENOMEM, "not enough memory reading %s", name);
        goto fail;
    }
    if (classify_header(&t, cols, err) != TY_OK) goto fail;
    for (size_t r = 1; r < t.nrows; r++)
        if (read_row(p, &t, cols, r, err) != TY_OK) goto fail;
    goto done;
fail:
    plan_free(p);
    p = NULL;
done:
    ty_free(cols);
    csv_table_free(&t);
    return p;
}
