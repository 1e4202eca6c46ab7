/* test_register_stream.c — the streaming register reader (csv_read_rows into register_reader_row)
 * against the table path it replaced (csv_read_buffer, then register_read_table): the same
 * register, or the same error at the same line and column, for every bad file in
 * tests/data/registers/bad, the good ones, and CSV faults written here (trailing empty columns,
 * ragged rows, quotes, blank lines); and plain decimals read by the fast path to the very double
 * strtod gives. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/register.h"
#include "core/alloc.h"
#include "io/atomic.h"
#include "io/csv.h"
#include "io/register_file.h"

/* The table path, as register_csv.c read before it streamed (no "# title" lines here). */
static TyRegister *read_by_table(const char *text, TyError *err)
{
    TyCsvLimits lim;
    TyCsvTable t;
    csv_limits_default(&lim);
    TyRegister *r = register_new("t.csv");
    if (csv_read_buffer("t.csv", text, strlen(text), &lim, &t, err) != TY_OK) {
        register_free(r);
        return NULL;
    }
    TyStatus st = register_read_table(r, &t, err);
    csv_table_free(&t);
    if (st != TY_OK) {
        register_free(r);
        return NULL;
    }
    return r;
}

static void same_register(const TyRegister *a, const TyRegister *b)
{
    assert_int_equal(a->n, b->n);
    assert_int_equal(a->ncols, b->ncols);
    for (size_t i = 0; i < a->n; i++) {
        assert_string_equal(a->code[i], b->code[i]);
        assert_string_equal(register_firm(a, i), register_firm(b, i));
        assert_string_equal(register_county(a, i), register_county(b, i));
        assert_int_equal(a->line[i], b->line[i]);
    }
    for (size_t c = 0; c < a->ncols; c++) {
        assert_string_equal(a->cols[c].name, b->cols[c].name);
        assert_int_equal(a->cols[c].file_col, b->cols[c].file_col);
        assert_memory_equal(a->cols[c].v, b->cols[c].v, a->n * sizeof(double));   /* NaN too, bit for bit */
    }
    assert_int_equal(a->has_county, b->has_county);
}

/* Both paths: the same register, or the same error. */
static void both_ways(const char *text)
{
    TyError e1, e2;
    ty_error_clear(&e1);
    ty_error_clear(&e2);
    TyRegister *a = register_read_csv("t.csv", text, strlen(text), NULL, 0, &e1);
    TyRegister *b = read_by_table(text, &e2);
    if (!a || !b) {
        if (a || b) fail_msg("one path read it, the other said: %s", a ? e2.msg : e1.msg);
        assert_int_equal(e1.code, e2.code);
        assert_int_equal(e1.line, e2.line);
        assert_int_equal(e1.col, e2.col);
        assert_string_equal(e1.msg, e2.msg);
    } else {
        same_register(a, b);
    }
    register_free(a);
    register_free(b);
}

/* A file's text without its "#" lines above the header (the table path here does not take them). */
static char *body_of(const char *path)
{
    char *buf = NULL;
    size_t len = 0;
    TyError err;
    if (file_read_all(path, 1 << 24, &buf, &len, &err) != TY_OK) fail_msg("cannot read %s", path);
    size_t i = 0;
    while (i < len && buf[i] == '#') {
        while (i < len && buf[i] != '\n') i++;
        i++;
    }
    char *out = ty_malloc(len - (i < len ? i : len) + 1);
    memcpy(out, buf + (i < len ? i : len), len - (i < len ? i : len));
    out[len - (i < len ? i : len)] = '\0';
    free(buf);
    return out;
}

static void stream_should_read_every_test_file_as_the_table_did(void **state)
{
    (void)state;
    static const char *files[] = {
        "bad_check_char.csv", "bad_date.csv", "bad_unit.csv", "bad_year.csv", "duplicate.csv",
        "empty_year.csv", "fractional_count.csv", "missing_name.csv", "missing_year.csv",
        "negative_amount.csv", "short_code.csv", "unit_on_count.csv", "unknown_column.csv",
    };
    char path[256];
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        snprintf(path, sizeof path, "tests/data/registers/bad/%s", files[k]);
        char *text = body_of(path);
        both_ways(text);
        ty_free(text);
    }
    static const char *good[] = {"tests/data/registers/hand_hte.csv", "tests/data/registers/hand_tsme.csv",
                                 "tests/data/registers/hand_pipeline.csv", "examples/data/registers/wuwei_SYNTHETIC.csv"};
    for (size_t k = 0; k < sizeof good / sizeof good[0]; k++) {
        char *text = body_of(good[k]);
        both_ways(text);
        ty_free(text);
    }
}

#define HEAD "credit_code,name,year,staff"
#define ROW1 "91620600MA7000001L,甲,2024,10"
#define ROW2 "91620600MA7000002P,乙,2024,12"

static void stream_should_fail_where_the_table_failed(void **state)
{
    (void)state;
    static const char *texts[] = {
        HEAD ",,\n" ROW1 ",,\n" ROW2 ",,\n",              /* Excel's empty trailing columns: dropped */
        HEAD ",,\n" ROW1 ",,\n" ROW2 ",x,\n",             /* ... unless a row has data there */
        HEAD "\n" ROW1 "\n" ROW2 ",5\n",                  /* a field too many */
        HEAD "\n" ROW1 "\n91620600MA7000002P,乙\n",        /* a field too few */
        HEAD "\n" ROW1 "\n\n" ROW2 "\n",                  /* a blank line inside */
        HEAD "\n" ROW1 "\n" ROW2 "\n\n\n",                /* blank lines at the end: fine */
        HEAD "\r\n" ROW1 "\r\n\"91620600MA7000002P\",\"乙\n丙\",2024,12\r\n",   /* a quoted line end */
        HEAD "\n" ROW1 "\n91620600MA7000002P,乙\"x,2024,12\n",   /* a stray quote */
        HEAD "\n" ROW1 "\n91620600MA7000002P,\"乙\"x,2024,12\n", /* text after a closing quote */
        HEAD "\n" ROW1 "\n91620600MA7000002P,\"乙,2024,12\n",   /* a quote never closed */
        HEAD ",staff\n" ROW1 ",1\n",                       /* a column twice */
        HEAD "\n",                                         /* a header and no rows */
        "",                                                /* nothing */
        HEAD "\n" ROW1 "\n" ROW1 "\n",                     /* a firm-year twice */
        HEAD "\n" ROW1 "\n91620600MA7000002P,乙,,12\n",    /* an empty year */
        "credit_code,name,year,x_v\n" ROW1 "\n",            /* (ragged: 4 fields, 4 columns: fine) */
    };
    for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) both_ways(texts[k]);
}

/* Plain decimals take the fast path (at most 15 digits); more digits, signs, exponents and
 * grouping go number_parse's way. Every one must be the double strtod gives. */
static void stream_should_read_plain_decimals_as_strtod_does(void **state)
{
    (void)state;
    enum { N = 20000 };
    size_t cap = (size_t)N * 80 + 64, len = 0;
    char *text = ty_malloc(cap);
    static char values[N][32];
    len += (size_t)snprintf(text + len, cap - len, "credit_code,name,year,x_v\n");
    srand(7);
    for (int i = 0; i < N; i++) {
        int digits = 1 + rand() % 18, frac = rand() % (digits + 1);
        char *v = values[i];
        int o = 0;
        if (i % 97 == 0) v[o++] = '-';
        for (int d = 0; d < digits; d++) {
            if (d == digits - frac && frac) v[o++] = '.';
            v[o++] = (char)('0' + rand() % 10);
        }
        if (i % 89 == 0) o += sprintf(v + o, "e%d", rand() % 20 - 10);
        v[o] = '\0';
        /* a code per row: the first 16 characters fixed, then the row number in two of the set */
        char code[19];
        snprintf(code, sizeof code, "91620600MA70%05d", i % 100000);
        code[17] = register_credit_check_char(code);
        code[18] = '\0';
        len += (size_t)snprintf(text + len, cap - len, "%s,f%d,2024,%s\n", code, i, v);
    }
    TyError err;
    TyRegister *r = register_read_csv("d.csv", text, len, NULL, 0, &err);
    if (!r) fail_msg("%s:%d:%d: %s", err.file, err.line, err.col, err.msg);
    const double *x = r->cols[register_column(r, "x_v")].v;
    for (int i = 0; i < N; i++) {
        double want = strtod(values[i], NULL);
        if (memcmp(&want, &x[i], sizeof want) != 0) fail_msg("%s: read %.17g, strtod %.17g", values[i], x[i], want);
    }
    register_free(r);
    ty_free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stream_should_read_every_test_file_as_the_table_did),
        cmocka_unit_test(stream_should_fail_where_the_table_failed),
        cmocka_unit_test(stream_should_read_plain_decimals_as_strtod_does),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
