/* fuzz_registers.c — libFuzzer target for the register reader (register_read_csv, and the same
 * bytes as a workbook through register_read_xlsx) and the check over what it read: a register
 * read must keep the reader's promises (valid codes, no firm-year twice, amounts >= 0, counts
 * whole), and a check of it the evaluator's (met in {-1, 0, 1}, a shortfall >= 0 where not met,
 * ranks for exactly the firms that do not qualify, the 后备 order a permutation of them), and the
 * privacy check's search (a register's own CSV holds its first firm's code: it must be found,
 * and any row it names is a row of the register). Seeds:
 * tests/data/registers (run.sh). */
#define _GNU_SOURCE   /* memmem */
#include "core/register.h"
#include "core/register_check.h"
#include "core/register_find.h"
#include "io/register_file.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "check failed: %s\n", #cond); abort(); } } while (0)

static void check_register(const TyRegister *r)
{
    char why[256];
    for (size_t i = 0; i < r->n; i++) {
        CHECK(register_credit_code_valid(r->code[i], strlen(r->code[i]), why, sizeof why));
        CHECK(r->firm_at[i] < r->text_len && register_firm(r, i)[0] != '\0');
    }
    for (size_t c = 0; c < r->ncols; c++) {
        const TyRegColumn *col = &r->cols[c];
        for (size_t i = 0; i < r->n; i++) {
            double v = col->v[i];
            if (isnan(v)) continue;
            CHECK(isfinite(v));
            if (col->kind == REG_AMOUNT || col->kind == REG_COUNT) CHECK(v >= 0);
            if (col->kind == REG_COUNT) CHECK(v == floor(v));
            if (col->kind == REG_FLAG) CHECK(v == 0 || v == 1);
        }
    }
    long y = register_column(r, "year");
    CHECK(y >= 0);
    for (size_t i = 0; i < r->n; i++)
        for (size_t j = i + 1; j < r->n && j < i + 64; j++)
            CHECK(!(strcmp(r->code[i], r->code[j]) == 0 && r->cols[y].v[i] == r->cols[y].v[j]));
}

/* S&T staff >= 10 % (whole people) and R&D over the years in revenue bands, when the columns are there. */
static void check_criteria(const TyRegister *r)
{
    TyCriterion c[2];
    memset(c, 0, sizeof c);
    c[0].kind = CRIT_RATIO, c[0].op = CRIT_GE, c[0].threshold = 0.1, c[0].integer = 1, c[0].required = 1;
    c[0].num[0] = (int)register_column(r, "st_staff"), c[0].nnum = 1;
    c[0].den[0] = (int)register_column(r, "staff"), c[0].nden = 1;
    c[0].band_col = -1, c[0].at_col = -1, c[0].year_col = (int)register_column(r, "year");
    c[1].kind = CRIT_RATIO, c[1].op = CRIT_GE, c[1].pairwise = 1, c[1].required = 1;
    static const char *rd[] = {"rd_1", "rd_2", "rd_3"}, *rev[] = {"revenue_1", "revenue_2", "revenue_3"};
    for (int k = 0; k < 3; k++) {
        c[1].num[k] = (int)register_column(r, rd[k]);
        c[1].den[k] = (int)register_column(r, rev[k]);
    }
    c[1].nnum = c[1].nden = 3;
    c[1].band_col = (int)register_column(r, "revenue_3"), c[1].nbands = 2;
    c[1].edges[0] = 5000, c[1].edges[1] = 20000;
    c[1].band_threshold[0] = 0.05, c[1].band_threshold[1] = 0.04, c[1].band_threshold[2] = 0.03;
    c[1].at_col = -1, c[1].year_col = c[0].year_col;
    TyCheck out;
    TyError err;
    if (register_check(r, c, 2, &out, &err) != TY_OK) {
        CHECK(err.code == TY_ENOMEM);
        return;
    }
    size_t nq = 0;
    for (size_t i = 0; i < r->n; i++) {
        for (size_t k = 0; k < 2; k++) {
            int m = out.met[k][i];
            CHECK(m == -1 || m == 0 || m == 1);
            if (m == 0) CHECK(out.shortfall[k][i] >= 0 || (k == 1 && out.shortfall[k][i] > -1e-9 * fabs(out.value[k][i]) - 1e-9));
            if (m == -1) CHECK(isnan(out.shortfall[k][i]));
        }
        CHECK((out.rank[i] == 0) == (out.qualifies[i] == 1));
        nq += out.qualifies[i] == 1;
    }
    CHECK(out.norder == r->n - nq);
    char *seen = calloc(r->n ? r->n : 1, 1);
    CHECK(seen);
    for (size_t j = 0; j < out.norder; j++) {
        CHECK(out.order[j] < r->n && !seen[out.order[j]] && !out.qualifies[out.order[j]]);
        seen[out.order[j]] = 1;
        if (j > 0) CHECK(out.unmet[out.order[j - 1]] <= out.unmet[out.order[j]]
                         || r->cols[c[0].year_col].v[out.order[j - 1]] != r->cols[c[0].year_col].v[out.order[j]]);
    }
    free(seen);
    register_check_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    TyError err;
    TyRegister *r = register_read_csv("fuzz.csv", (const char *)data, size, NULL, 0, &err);
    if (r) {
        check_register(r);
        check_criteria(r);
        size_t row = 0;
        int nomem = 0;
        TyRegFound f = register_find_firm(r, (const char *)data, size, &row, &nomem);
        /* a UTF-8 file holds its codes as written (trimmed); a converted one may not */
        if (r->n && !nomem && memmem(data, size, r->code[0], 18)) CHECK(f != REG_FOUND_NONE);
        if (f != REG_FOUND_NONE) CHECK(row < r->n);
        register_free(r);
    } else {
        CHECK(err.code == TY_EDATA || err.code == TY_ENOMEM);
        CHECK(err.msg[0] != '\0');
    }
    r = register_read_xlsx("fuzz.xlsx", (const char *)data, size, &err);
    if (r) {
        check_register(r);
        register_free(r);
    } else {
        CHECK(err.code == TY_EDATA || err.code == TY_ENOMEM);
    }
    return 0;
}
