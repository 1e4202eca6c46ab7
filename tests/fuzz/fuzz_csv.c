/* fuzz_csv.c — libFuzzer target for the CSV reader over the production entry point
 * csv_read_buffer, with default and with tiny caps. For each, the same bytes fed through the
 * streaming API in three chunks (split points chosen from the input) must give the same table
 * or the same error, and every table must keep the reader's promises. */
#include "io/csv.h"
#include "io/utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "check failed: %s\n", #cond); abort(); } } while (0)

static void check_table(const TyCsvTable *t)
{
    CHECK(t->name && strcmp(t->name, "fuzz.csv") == 0);
    CHECK((t->nrows == 0) == (t->cells == NULL));
    CHECK(t->nrows == 0 || t->ncols > 0);
    int last_line = 1;
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            const TyCsvCell *cell = csv_cell(t, r, c);
            CHECK(cell->text[cell->len] == '\0');
            CHECK(strlen(cell->text) == cell->len);               /* no embedded NUL */
            CHECK(utf8_validate(cell->text, cell->len, NULL));
            CHECK(cell->col == (int)c + 1);
            CHECK(cell->line >= last_line);
            last_line = cell->line;
        }
    }
    for (size_t c = 0; c < t->ncols; c++) CHECK(csv_cell(t, 0, c)->len > 0);   /* header names */
}

static void check_error(const TyError *e)
{
    CHECK(e->code == TY_EDATA || e->code == TY_ENOMEM);
    CHECK(e->msg[0] != '\0');
    CHECK(strcmp(e->file, "fuzz.csv") == 0);
    CHECK(e->line >= 0 && e->col >= 0);
}

static int same_table(const TyCsvTable *a, const TyCsvTable *b)
{
    if (a->nrows != b->nrows || a->ncols != b->ncols) return 0;
    for (size_t k = 0; k < a->nrows * a->ncols; k++) {
        const TyCsvCell *x = &a->cells[k], *y = &b->cells[k];
        if (x->len != y->len || memcmp(x->text, y->text, x->len) != 0 || x->line != y->line
            || x->col != y->col)
            return 0;
    }
    return 1;
}

static TyStatus read_streamed(const uint8_t *data, size_t size, size_t i, size_t j,
                              const TyCsvLimits *lim, TyCsvTable *out, TyError *err)
{
    TyCsvReader *r = csv_reader_new("fuzz.csv", lim);
    CHECK(r != NULL);
    const char *s = (const char *)data;
    TyStatus st = csv_reader_feed(r, s, i, err);
    if (st == TY_OK) st = csv_reader_feed(r, s + i, j - i, err);
    if (st == TY_OK) st = csv_reader_feed(r, s + j, size - j, err);
    if (st == TY_OK) st = csv_reader_finish(r, out, err);
    else memset(out, 0, sizeof *out);
    csv_reader_free(r);
    return st;
}

static void run(const uint8_t *data, size_t size, const TyCsvLimits *lim)
{
    TyCsvTable whole, part;
    TyError e1, e2;
    TyStatus st = csv_read_buffer("fuzz.csv", (const char *)data, size, lim, &whole, &e1);
    if (st == TY_OK) check_table(&whole);
    else { check_error(&e1); CHECK(whole.cells == NULL && whole.name == NULL); }

    /* Split points from the input's first and last bytes, so the fuzzer steers them. */
    size_t i = size ? ((size_t)data[0] * 131u + data[size - 1]) % (size + 1) : 0;
    size_t j = size ? i + ((size_t)data[size - 1] * 7u) % (size - i + 1) : 0;
    TyStatus st2 = read_streamed(data, size, i, j, lim, &part, &e2);
    CHECK(st2 == st);
    if (st == TY_OK) CHECK(same_table(&whole, &part));
    else CHECK(e1.line == e2.line && e1.col == e2.col && strcmp(e1.msg, e2.msg) == 0);
    csv_table_free(&whole);
    csv_table_free(&part);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    TyCsvLimits lim;
    csv_limits_default(&lim);
    run(data, size, &lim);
    TyCsvLimits tiny = {.max_bytes = 512, .max_field = 16, .max_rows = 8, .max_cols = 5};
    run(data, size, &tiny);
    return 0;
}
