/* register_xlsx.c — a register from a sheet of an .xlsx workbook (io/xlsx.h gives its cells): the
 * sheet becomes the table the CSV reader builds, and register_read_table applies the same rules,
 * so a workbook and its CSV give the same register. Layout: rows above the header whose only
 * cell is in column A and starts with '#' are the CSV's "# title: …" lines; the header is the
 * first other row; the table starts in column A and ends at the last column with anything in it.
 * A merged cell in the table is refused (a firm's row must say each value itself). Errors are
 * placed as "book.xlsx:Sheet1!D7". */
#include "register_file.h"
#include "xlsx.h"
#include "core/alloc.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static char empty_text[1];

static TyStatus title_row(TyRegister *r, const char *file, const TyXlsxCell *c, TyError *err)
{
    const char *s = c->text + 1;
    while (*s == ' ' || *s == '\t') s++;
    if (strncmp(s, "title:", 6) != 0)
        return ty_error_at(err, TY_EDATA, file, c->row, 1, "a row above the header must be \"# title: …\"");
    if (r->title) return ty_error_at(err, TY_EDATA, file, c->row, 1, "a second # title row");
    s += 6;
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    if (n == 0) return ty_error_at(err, TY_EDATA, file, c->row, 1, "# title: the title is empty");
    r->title = ty_malloc(n + 1);
    if (!r->title) return ty_error_set(err, TY_ENOMEM, "not enough memory reading %s", file);
    memcpy(r->title, s, n);
    r->title[n] = '\0';
    return TY_OK;
}

static TyStatus build_table(TyRegister *r, const TyXlsxSheet *sh, const char *file, TyCsvTable *t, TyError *err)
{
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
            return ty_error_at(err, TY_EDATA, file, c->row, sh->cells[i + 1].col, "a row above the header that "
                               "starts with # holds only its first cell (A%d)", c->row);
        if (title_row(r, file, c, err) != TY_OK) return err->code;
        i = j;
    }
    if (!header)
        return ty_error_at(err, TY_EDATA, file, 0, 0, "sheet \"%s\" has no header row; expected "
                           "credit_code,name,year,... (or 统一社会信用代码, 企业名称, 申报年度…)", sh->name);
    int ncols = 0, last = sh->cells[sh->ncells - 1].row;
    for (size_t k = i; k < sh->ncells; k++)
        if (sh->cells[k].col > ncols) ncols = sh->cells[k].col;
    for (size_t k = 0; k < sh->nmerges; k++) {
        const TyXlsxMerge *m = &sh->merges[k];
        if (m->r2 >= header && m->c1 <= ncols) {
            char a[24], b[24];
            xlsx_cell_name(m->r1, m->c1, a, sizeof a);
            xlsx_cell_name(m->r2, m->c2, b, sizeof b);
            return ty_error_at(err, TY_EDATA, file, m->r1 < header ? header : m->r1, m->c1, "cells %s:%s are "
                               "merged; a register gives every cell its own value (unmerge them)", a, b);
        }
    }
    size_t nrows = (size_t)(last - header) + 1;
    TyXlsxLimits lim;
    xlsx_limits_default(&lim);
    if (nrows * (size_t)ncols > lim.max_cells)
        return ty_error_at(err, TY_EDATA, file, last, ncols, "a table of %zu rows and %d columns is more than "
                           "%zu cells (cap max_cells)", nrows, ncols, lim.max_cells);
    t->cells = ty_calloc(nrows * (size_t)ncols, sizeof *t->cells);
    if (!t->cells) return ty_error_set(err, TY_ENOMEM, "not enough memory reading %s", file);
    t->name = (char *)file;
    t->nrows = nrows;
    t->ncols = (size_t)ncols;
    for (size_t rr = 0; rr < nrows; rr++)
        for (int c = 0; c < ncols; c++) {
            TyCsvCell *cell = &t->cells[rr * (size_t)ncols + (size_t)c];
            cell->text = empty_text;
            cell->line = header + (int)rr;
            cell->col = c + 1;
        }
    for (size_t k = i; k < sh->ncells; k++) {
        const TyXlsxCell *x = &sh->cells[k];
        TyCsvCell *cell = &t->cells[(size_t)(x->row - header) * (size_t)ncols + (size_t)(x->col - 1)];
        cell->text = x->text;
        cell->len = x->len;
    }
    for (int c = 0; c < ncols; c++)
        if (t->cells[c].len == 0)
            return ty_error_at(err, TY_EDATA, file, header, c + 1, "empty column name in the header (column %d), "
                               "and a row below has data in that column", c + 1);
    return TY_OK;
}

TyRegister *register_read_xlsx(const char *name, const char *buf, size_t len, TyError *err)
{
    size_t n = strlen(name), at = n;
    for (const char *h = strchr(name, '#'); h; h = strchr(h + 1, '#')) {
        size_t k = (size_t)(h - name);
        if (k >= 5 && strncasecmp(name + k - 5, ".xlsx", 5) == 0) { at = k; break; }
    }
    char *file = ty_malloc(at + 1);
    char *sheet = ty_strdup(at < n ? name + at + 1 : "");
    TyRegister *r = register_new(name);
    if (!file || !sheet || !r) {
        ty_free(file);
        ty_free(sheet);
        register_free(r);
        ty_error_set(err, TY_ENOMEM, "not enough memory reading %s", name);
        return NULL;
    }
    memcpy(file, name, at);
    file[at] = '\0';
    TyXlsxSheet sh;
    TyStatus st = xlsx_read_sheet(file, buf, len, sheet, NULL, &sh, err);
    if (st == TY_OK) {
        TyCsvTable t;
        st = sh.ncells == 0
            ? ty_error_at(err, TY_EDATA, file, 0, 0, "sheet \"%s\" is empty; expected a header row "
                          "credit_code,name,year,...", sh.name)
            : build_table(r, &sh, file, &t, err);
        if (st == TY_OK) st = register_read_table(r, &t, err);
        if (sh.ncells) ty_free(t.cells);
        if (st != TY_OK && err->code != TY_ENOMEM && err->line > 0) {
            char place[240];
            xlsx_place(sh.name, err->line, err->col, place, sizeof place);
            snprintf(err->file, sizeof err->file, "%s:%s", file, place);
            err->line = err->col = 0;
        }
        xlsx_sheet_free(&sh);
    }
    ty_free(file);
    ty_free(sheet);
    if (st != TY_OK) {
        register_free(r);
        return NULL;
    }
    return r;
}
