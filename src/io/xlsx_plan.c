/* xlsx_plan.c — a plan from a sheet of an .xlsx workbook: the sheet is made into the very table
 * the CSV reader builds (row 0 the header; each cell with its place), and planfile_read_table
 * applies every plan rule to it, so a workbook and its CSV give the same plan.
 *
 * The sheet's layout: rows above the header whose first cell (column A) starts with '#' are the
 * CSV's "# title: …" lines (nothing else in such a row); empty rows above the header are skipped;
 * the header is the first other row, and the table starts in column A. Columns after the last
 * one with anything in it do not exist (Excel's unused columns). A merged header cell spread over
 * several columns is an error (give each column its own header; a header of two rows is not
 * read); a cell covered by a merge reads as the merge's value in the header row and as empty
 * in the data rows. Errors are placed as "book.xlsx:Sheet1!D7" (a row: "Sheet1!7:7"). */
#include "planfile.h"
#include "xlsx.h"
#include "core/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char empty_text[1];

/* "a.xlsx#Sheet 1" -> file "a.xlsx", sheet "Sheet 1" (both owned); no '#': the first sheet. */
static int split_name(const char *name, char **file, char **sheet)
{
    size_t n = strlen(name), at = n;
    for (const char *h = strchr(name, '#'); h; h = strchr(h + 1, '#')) {
        size_t k = (size_t)(h - name);
        if (k >= 5 && strncasecmp(name + k - 5, ".xlsx", 5) == 0) { at = k; break; }
    }
    *file = ty_malloc(at + 1);
    *sheet = ty_strdup(at < n ? name + at + 1 : "");
    if (!*file || !*sheet) {
        ty_free(*file);
        ty_free(*sheet);
        return 0;
    }
    memcpy(*file, name, at);
    (*file)[at] = '\0';
    return 1;
}

/* An error at (line = sheet row, col = sheet column) as "file:Sheet!D7". */
static void place_error(TyError *err, const char *file, const char *sheet)
{
    if (err->code == TY_ENOMEM || err->line <= 0) return;
    char place[240];
    xlsx_place(sheet, err->line, err->col, place, sizeof place);
    snprintf(err->file, sizeof err->file, "%s:%s", file, place);
    err->line = err->col = 0;
}

static const TyXlsxCell *find_cell(const TyXlsxSheet *sh, int row, int col)
{
    size_t lo = 0, hi = sh->ncells;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const TyXlsxCell *c = &sh->cells[mid];
        if (c->row < row || (c->row == row && c->col < col)) lo = mid + 1;
        else hi = mid;
    }
    return lo < sh->ncells && sh->cells[lo].row == row && sh->cells[lo].col == col ? &sh->cells[lo] : NULL;
}

static const TyXlsxMerge *merge_of(const TyXlsxSheet *sh, int row, int col)
{
    for (size_t k = 0; k < sh->nmerges; k++) {
        const TyXlsxMerge *m = &sh->merges[k];
        if (row >= m->r1 && row <= m->r2 && col >= m->c1 && col <= m->c2) return m;
    }
    return NULL;
}

/* The table from the header row down; *head from the '#' rows above it. */
static TyStatus build_table(TyPlan *p, TyPlanHead *head, const TyXlsxSheet *sh, const char *file,
                            TyCsvTable *t, TyError *err)
{
    TyXlsxLimits lim;
    xlsx_limits_default(&lim);
    memset(t, 0, sizeof *t);
    size_t i = 0;
    int header = 0;
    while (i < sh->ncells) {
        size_t j = i;
        while (j < sh->ncells && sh->cells[j].row == sh->cells[i].row) j++;
        const TyXlsxCell *c = &sh->cells[i];
        if (!(c->col == 1 && c->text[0] == '#')) {
            header = c->row;
            break;
        }
        if (j - i > 1)
            return ty_error_at(err, TY_EDATA, file, c->row, sh->cells[i + 1].col, "a row above the header "
                               "that starts with # holds only its first cell (A%d); this cell is not empty", c->row);
        TyStatus st = planfile_head_line(p, head, file, c->row, 1, c->text, c->len, err);
        if (st != TY_OK) return st;
        i = j;
    }
    if (!header)
        return ty_error_at(err, TY_EDATA, file, 0, 0, "sheet \"%s\" has no header row; expected a row "
                           "id,name,unit,... (or 指标名称, 单位…)", sh->name);
    int ncols = 0, last = sh->cells[sh->ncells - 1].row;
    for (size_t k = i; k < sh->ncells; k++)
        if (sh->cells[k].col > ncols) ncols = sh->cells[k].col;
    size_t nrows = (size_t)(last - header) + 1;
    if (nrows > (size_t)lim.max_rows)
        return ty_error_at(err, TY_EDATA, file, header + lim.max_rows, 0, "more than %d rows (cap max_rows)", lim.max_rows);
    if (nrows * (size_t)ncols > lim.max_cells)
        return ty_error_at(err, TY_EDATA, file, last, ncols, "a table of %zu rows and %d columns is more "
                           "than %zu cells (cap max_cells)", nrows, ncols, lim.max_cells);
    /* a merged header cell spread over several columns */
    for (size_t k = 0; k < sh->nmerges; k++) {
        const TyXlsxMerge *m = &sh->merges[k];
        if (m->r1 <= header && header <= m->r2 && m->c2 > m->c1 && m->c1 <= ncols) {
            const TyXlsxCell *top = find_cell(sh, m->r1, m->c1);
            char a[24], b[24];
            xlsx_cell_name(m->r1, m->c1, a, sizeof a);
            xlsx_cell_name(m->r2, m->c2, b, sizeof b);
            return ty_error_at(err, TY_EDATA, file, header, m->c1, "the header \"%.80s\" is merged over "
                               "%s:%s; give each column its own header (a header of two rows is not read)",
                               top ? top->text : "", a, b);
        }
    }
    t->cells = ty_calloc(nrows * (size_t)ncols, sizeof *t->cells);
    t->name = (char *)file;
    if (!t->cells) return ty_error_set(err, TY_ENOMEM, "not enough memory reading %s", file);
    t->nrows = nrows;
    t->ncols = (size_t)ncols;
    for (size_t r = 0; r < nrows; r++)
        for (int c = 0; c < ncols; c++) {
            TyCsvCell *cell = &t->cells[r * (size_t)ncols + (size_t)c];
            cell->text = empty_text;
            cell->len = 0;
            cell->line = header + (int)r;
            cell->col = c + 1;
        }
    for (size_t k = i; k < sh->ncells; k++) {
        const TyXlsxCell *x = &sh->cells[k];
        const TyXlsxMerge *m = merge_of(sh, x->row, x->col);
        if (m && (m->r1 != x->row || m->c1 != x->col)) continue;   /* covered: empty */
        TyCsvCell *cell = &t->cells[(size_t)(x->row - header) * (size_t)ncols + (size_t)(x->col - 1)];
        cell->text = x->text;
        cell->len = x->len;
    }
    /* the header: a covered cell reads as its merge's value; names non-empty and distinct */
    for (int c = 0; c < ncols; c++) {
        TyCsvCell *h = &t->cells[c];
        const TyXlsxMerge *m = h->len ? NULL : merge_of(sh, header, c + 1);
        const TyXlsxCell *top = m ? find_cell(sh, m->r1, m->c1) : NULL;
        if (top) {
            h->text = top->text;
            h->len = top->len;
        }
        if (h->len == 0)
            return ty_error_at(err, TY_EDATA, file, header, c + 1, "empty column name in the header "
                               "(column %d), and a row below has data in that column", c + 1);
        for (int o = 0; o < c; o++)
            if (t->cells[o].len == h->len && memcmp(t->cells[o].text, h->text, h->len) == 0) {
                char a[24];
                xlsx_cell_name(header, o + 1, a, sizeof a);
                return ty_error_at(err, TY_EDATA, file, header, c + 1,
                                   "duplicate column name \"%.80s\" (also %s)", h->text, a);
            }
    }
    return TY_OK;
}

TyPlan *planfile_read_xlsx(const char *name, const char *buf, size_t len, TyError *err)
{
    char *file = NULL, *sheet = NULL;
    if (!split_name(name, &file, &sheet)) {
        ty_error_set(err, TY_ENOMEM, "not enough memory reading %s", name);
        return NULL;
    }
    TyXlsxSheet sh;
    TyPlan *p = NULL;
    if (xlsx_read_sheet(file, buf, len, sheet, NULL, &sh, err) != TY_OK) goto done;
    p = plan_new(name);
    if (!p) {
        ty_error_set(err, TY_ENOMEM, "not enough memory reading %s", name);
        goto done_sheet;
    }
    TyPlanHead head = {0};
    TyCsvTable t;
    TyStatus st = sh.ncells == 0
        ? ty_error_at(err, TY_EDATA, file, 0, 0, "sheet \"%s\" is empty; expected a header row id,name,unit,...", sh.name)
        : build_table(p, &head, &sh, file, &t, err);
    if (st == TY_OK) {
        st = planfile_read_table(p, &head, &t, err);
        ty_free(t.cells);
    } else if (sh.ncells) {
        ty_free(t.cells);
    }
    planfile_head_free(&head);
    if (st != TY_OK) {
        place_error(err, file, sh.name);
        plan_free(p);
        p = NULL;
    }
done_sheet:
    xlsx_sheet_free(&sh);
done:
    ty_free(file);
    ty_free(sheet);
    return p;
}
