/* test_csv.c — the strict CSV reader: RELIABILITY.md §B rows for data files, with exact codes,
 * lines, columns and key message text; streaming gives the same result for every split.
 * Corpus files are read from tests/data/csv/ (tests run from the repository root). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/csv.h"
#include "io/planfile.h"
#include "core/alloc.h"

#define CORPUS "tests/data/csv/"

/* ---- helpers (static: the test links against the whole library) ---- */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s (run from the repository root)", path);
    char *buf = NULL;
    size_t cap = 0, n = 0, got;
    do {
        if (n == cap) {
            cap = cap ? cap * 2 : 4096;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    *len = n;
    return buf;
}

typedef struct Result {
    TyStatus st;
    TyCsvTable t;
    TyError err;
} Result;

static Result read_bytes(const char *s, size_t len, const TyCsvLimits *lim)
{
    Result r;
    ty_error_clear(&r.err);
    r.st = csv_read_buffer("t.csv", s, len, lim, &r.t, &r.err);
    return r;
}

static Result read_lim(const char *s, const TyCsvLimits *lim)
{
    return read_bytes(s, strlen(s), lim);
}

static Result read_str(const char *s)
{
    return read_bytes(s, strlen(s), NULL);
}

static Result read_corpus(const char *file)
{
    char path[256];
    size_t len;
    snprintf(path, sizeof path, CORPUS "%s", file);
    char *buf = slurp(path, &len);
    Result r = read_bytes(buf, len, NULL);
    free(buf);
    return r;
}

static void assert_error(Result *r, TyStatus code, int line, int col, const char *needle)
{
    if (r->st == TY_OK) fail_msg("accepted; expected an error containing \"%s\"", needle);
    if (!strstr(r->err.msg, needle)) fail_msg("message \"%s\" lacks \"%s\"", r->err.msg, needle);
    assert_int_equal(r->st, code);
    assert_int_equal(r->err.code, code);
    assert_string_equal(r->err.file, "t.csv");
    assert_int_equal(r->err.line, line);
    assert_int_equal(r->err.col, col);
    /* On error the table is left empty. */
    assert_int_equal(r->t.nrows, 0);
    assert_int_equal(r->t.ncols, 0);
    assert_null(r->t.cells);
    assert_null(r->t.name);
}

static void assert_cell(const TyCsvTable *t, size_t row, size_t col, const char *text, int line)
{
    const TyCsvCell *c = csv_cell(t, row, col);
    assert_string_equal(c->text, text);
    assert_int_equal(c->len, strlen(text));
    assert_int_equal(c->line, line);
    assert_int_equal(c->col, (int)col + 1);
}

static int tables_equal(const TyCsvTable *a, const TyCsvTable *b)
{
    if (a->nrows != b->nrows || a->ncols != b->ncols) return 0;
    for (size_t k = 0; k < a->nrows * a->ncols; k++) {
        const TyCsvCell *x = &a->cells[k], *y = &b->cells[k];
        if (x->len != y->len || memcmp(x->text, y->text, x->len + 1) != 0 || x->line != y->line
            || x->col != y->col)
            return 0;
    }
    return 1;
}

static int errors_equal(const TyError *a, const TyError *b)
{
    return a->code == b->code && a->line == b->line && a->col == b->col
        && strcmp(a->msg, b->msg) == 0 && strcmp(a->file, b->file) == 0;
}

/* Feeds s through the streaming API in up to three chunks split at i <= j. */
static Result read_streamed(const char *s, size_t len, size_t i, size_t j, const TyCsvLimits *lim)
{
    Result r;
    ty_error_clear(&r.err);
    TyCsvReader *rd = csv_reader_new("t.csv", lim);
    assert_non_null(rd);
    r.st = csv_reader_feed(rd, s, i, &r.err);
    if (r.st == TY_OK) r.st = csv_reader_feed(rd, s + i, j - i, &r.err);
    if (r.st == TY_OK) r.st = csv_reader_feed(rd, s + j, len - j, &r.err);
    if (r.st == TY_OK) r.st = csv_reader_finish(rd, &r.t, &r.err);
    else memset(&r.t, 0, sizeof r.t);
    csv_reader_free(rd);
    return r;
}

static void assert_same_result(const Result *whole, const Result *part, size_t i, size_t j)
{
    if (whole->st != part->st) fail_msg("split %zu/%zu: status %d, whole %d", i, j, part->st, whole->st);
    if (whole->st == TY_OK && !tables_equal(&whole->t, &part->t))
        fail_msg("split %zu/%zu: different table", i, j);
    if (whole->st != TY_OK && !errors_equal(&whole->err, &part->err))
        fail_msg("split %zu/%zu: \"%s\" vs \"%s\"", i, j, part->err.msg, whole->err.msg);
}

/* ---- good input ---- */

static void check_reference_table(const TyCsvTable *t)
{
    assert_int_equal(t->nrows, 3);
    assert_int_equal(t->ncols, 3);
    assert_string_equal(t->name, "t.csv");
    assert_cell(t, 0, 0, "id", 1);
    assert_cell(t, 0, 2, "value", 1);
    assert_cell(t, 1, 0, "a", 2);
    assert_cell(t, 1, 1, "\xE6\xAD\xA6\xE5\xA8\x81, \xE7\x94\x98\xE8\x82\x83", 2);   /* 武威, 甘肃 */
    assert_cell(t, 1, 2, "12.5", 2);
    assert_cell(t, 2, 1, "say \"hi\"", 3);
    assert_cell(t, 2, 2, "", 3);
}

static void csv_should_read_lf_crlf_cr_bom_and_no_final_newline_identically(void **state)
{
    static const char *files[] = {
        "good_lf.csv", "good_crlf.csv", "good_cr.csv", "good_no_final_newline.csv", "good_bom.csv",
        "good_trailing_blank_lines.csv",
    };
    Result ref = read_corpus("good_lf.csv");
    assert_int_equal(ref.st, TY_OK);
    check_reference_table(&ref.t);
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        Result r = read_corpus(files[k]);
        if (r.st != TY_OK) fail_msg("%s: %s", files[k], r.err.msg);
        if (!tables_equal(&ref.t, &r.t)) fail_msg("%s reads differently from good_lf.csv", files[k]);
        csv_table_free(&r.t);
    }
    csv_table_free(&ref.t);
}

static void csv_should_drop_bom_from_first_header(void **state)
{
    Result r = read_str("\xEF\xBB\xBFid\n1\n");
    assert_int_equal(r.st, TY_OK);
    assert_cell(&r.t, 0, 0, "id", 1);
    csv_table_free(&r.t);
}

static void csv_should_keep_spaces_as_they_are(void **state)
{
    Result r = read_str(" a ,\tb\t,\" c \"\n1, 2 ,3\n");
    assert_int_equal(r.st, TY_OK);
    assert_cell(&r.t, 0, 0, " a ", 1);
    assert_cell(&r.t, 0, 1, "\tb\t", 1);
    assert_cell(&r.t, 0, 2, " c ", 1);
    assert_cell(&r.t, 1, 1, " 2 ", 2);
    csv_table_free(&r.t);
}

static void csv_should_give_the_start_line_of_multiline_fields(void **state)
{
    Result r = read_str("id,note\r\na,\"two\r\nlines\"\r\nb,x\r\n");
    assert_int_equal(r.st, TY_OK);
    assert_int_equal(r.t.nrows, 3);
    assert_cell(&r.t, 1, 1, "two\r\nlines", 2);
    assert_cell(&r.t, 2, 0, "b", 4);   /* physical lines, as an editor shows them */
    csv_table_free(&r.t);
}

static void csv_should_read_empty_fields_and_a_final_comma(void **state)
{
    Result r = read_str("a,b,c\n,,\n1,,\"\"");
    assert_int_equal(r.st, TY_OK);
    assert_int_equal(r.t.nrows, 3);
    assert_cell(&r.t, 1, 0, "", 2);
    assert_cell(&r.t, 1, 2, "", 2);
    assert_cell(&r.t, 2, 0, "1", 3);
    assert_cell(&r.t, 2, 2, "", 3);
    csv_table_free(&r.t);
}

static void csv_should_read_empty_input_as_an_empty_table(void **state)
{
    static const char *inputs[] = {"", "\xEF\xBB\xBF", "\n", "\r\n\r\n"};
    for (size_t k = 0; k < sizeof inputs / sizeof inputs[0]; k++) {
        Result r = read_str(inputs[k]);
        assert_int_equal(r.st, TY_OK);
        assert_int_equal(r.t.nrows, 0);
        assert_int_equal(r.t.ncols, 0);
        assert_null(r.t.cells);
        assert_string_equal(r.t.name, "t.csv");
        csv_table_free(&r.t);
    }
}

static void csv_should_read_a_header_only_file(void **state)
{
    Result r = read_str("id,name");
    assert_int_equal(r.st, TY_OK);
    assert_int_equal(r.t.nrows, 1);
    assert_int_equal(r.t.ncols, 2);
    assert_cell(&r.t, 0, 1, "name", 1);
    csv_table_free(&r.t);
}

static void csv_should_read_a_file_like_its_buffer(void **state)
{
    TyCsvTable t;
    TyError err;
    assert_int_equal(csv_read_file(CORPUS "good_crlf.csv", NULL, &t, &err), TY_OK);
    assert_string_equal(t.name, CORPUS "good_crlf.csv");
    free(t.name);
    t.name = strdup("t.csv");
    check_reference_table(&t);
    csv_table_free(&t);
    assert_int_equal(csv_read_file(CORPUS "no_such_file.csv", NULL, &t, &err), TY_EUSAGE);
    assert_non_null(strstr(err.msg, "cannot open"));
    assert_null(t.cells);
    assert_int_equal(csv_read_file(CORPUS "bad_gbk.csv", NULL, &t, &err), TY_EDATA);
    assert_non_null(strstr(err.msg, "not UTF-8 (GBK?)"));
    assert_int_equal(err.line, 2);
}

/* ---- encodings ---- */

static void csv_should_reject_gbk_with_a_hint(void **state)
{
    Result r = read_corpus("bad_gbk.csv");
    assert_error(&r, TY_EDATA, 2, 3, "not UTF-8 (GBK?) at line 2, character 3; save as CSV UTF-8");
}

static void csv_should_reject_utf16_with_bom_with_a_hint(void **state)
{
    Result r = read_corpus("bad_utf16le_bom.csv");
    assert_error(&r, TY_EDATA, 1, 1, "not UTF-8 (UTF-16 little-endian?) at line 1, character 1; save as CSV UTF-8");
}

static void csv_should_reject_utf16_without_bom_at_its_first_nul(void **state)
{
    Result r = read_corpus("bad_utf16le_no_bom.csv");
    assert_error(&r, TY_EDATA, 1, 2, "nul byte at line 1, character 2");
    assert_non_null(strstr(r.err.msg, "(UTF-16?); save as CSV UTF-8"));
}

static void csv_should_reject_nul_with_line_and_column(void **state)
{
    Result r = read_corpus("bad_nul.csv");
    assert_error(&r, TY_EDATA, 2, 4, "nul byte at line 2, character 4");
}

/* ---- structure ---- */

static void csv_should_hint_an_unquoted_thousands_separator(void **state)
{
    Result r = read_corpus("bad_unquoted_thousands.csv");
    assert_error(&r, TY_EDATA, 3, 4, "expected 3 fields as in the header, found 4 (field 4 is extra)");
    assert_non_null(strstr(r.err.msg, "an unquoted thousands separator or decimal comma?"));
    assert_non_null(strstr(r.err.msg, "\"1\" and \"234\""));
    r = read_str("id,v\nx,12,5\n");
    assert_error(&r, TY_EDATA, 2, 3, "an unquoted thousands separator or decimal comma?");
}

static void csv_should_reject_a_short_row(void **state)
{
    Result r = read_corpus("bad_ragged_short.csv");
    assert_error(&r, TY_EDATA, 3, 2, "expected 3 fields as in the header, found 2");
}

static void csv_should_reject_a_long_row_without_a_number_hint(void **state)
{
    Result r = read_str("a,b\nx,y\nx,y,z,w\n");
    assert_error(&r, TY_EDATA, 3, 3, "expected 2 fields as in the header, found 4 (field 3 is extra)");
    assert_null(strstr(r.err.msg, "thousands"));
}

static void csv_should_reject_an_unterminated_quote_naming_where_it_opened(void **state)
{
    Result r = read_corpus("bad_unterminated_quote.csv");
    assert_error(&r, TY_EDATA, 3, 3, "unterminated quoted field: the quote at line 3, character 3 is never closed");
    r = read_str("a\n\"");
    assert_error(&r, TY_EDATA, 2, 1, "unterminated quoted field");
}

static void csv_should_reject_a_stray_quote_in_an_unquoted_field(void **state)
{
    Result r = read_corpus("bad_stray_quote.csv");
    assert_error(&r, TY_EDATA, 3, 4, "stray quote in an unquoted field at line 3, character 4");
    r = read_str("a,b\n\xE6\xAD\xA6\xE5\xA8\x81\"x,1\n");   /* columns count characters */
    assert_error(&r, TY_EDATA, 2, 3, "stray quote");
    r = read_str("a,b\n \"x\",1\n");                        /* a space before the quote */
    assert_error(&r, TY_EDATA, 2, 2, "stray quote");
}

static void csv_should_reject_text_after_a_closing_quote(void **state)
{
    Result r = read_corpus("bad_text_after_quote.csv");
    assert_error(&r, TY_EDATA, 2, 6, "text after a closing quote at line 2, character 6");
    r = read_str("a\n\"x\"y");
    assert_error(&r, TY_EDATA, 2, 4, "text after a closing quote");
}

static void csv_should_reject_duplicate_header_names(void **state)
{
    Result r = read_corpus("bad_duplicate_header.csv");
    assert_error(&r, TY_EDATA, 1, 3, "duplicate column name \"id\" (columns 1 and 3)");
}

static void csv_should_reject_empty_header_names(void **state)
{
    Result r = read_corpus("bad_empty_header.csv");
    assert_error(&r, TY_EDATA, 1, 2, "empty column name in the header (column 2)");
    r = read_str("a,\"\"\n1,2\n");
    assert_error(&r, TY_EDATA, 1, 2, "empty column name");
}

static void csv_should_reject_blank_lines_inside_the_table(void **state)
{
    Result r = read_corpus("bad_blank_line.csv");
    assert_error(&r, TY_EDATA, 3, 1, "blank line inside the table");
    r = read_str("\nid\n1\n");
    assert_error(&r, TY_EDATA, 1, 1, "blank line");
    r = read_str("id\r\n1\r\n\r\n2\r\n");
    assert_error(&r, TY_EDATA, 3, 1, "blank line");
    r = read_str("id\r1\r\r2\r");
    assert_error(&r, TY_EDATA, 3, 1, "blank line");
}

/* ---- caps ---- */

static void csv_should_cap_the_input_size(void **state)
{
    TyCsvLimits lim;
    csv_limits_default(&lim);
    assert_int_equal(lim.max_bytes, 64u << 20);
    lim.max_bytes = 10;
    Result r = read_lim("a,b\n1,2\n3,4", &lim);
    assert_error(&r, TY_EDATA, 0, 0, "input larger than 10 bytes (cap max_bytes)");
    r = read_lim("a,b\n1,2\n34", &lim);
    assert_int_equal(r.st, TY_EDATA);   /* at the cap is fine: the error is the ragged row */
    assert_non_null(strstr(r.err.msg, "expected 2 fields"));
    /* Streaming: the feed that crosses the cap fails, and so does everything after it. */
    TyCsvReader *rd = csv_reader_new("t.csv", &lim);
    TyError err;
    TyCsvTable t;
    assert_int_equal(csv_reader_feed(rd, "a,b\n1,2", 7, &err), TY_OK);
    assert_int_equal(csv_reader_feed(rd, "\n3,4", 4, &err), TY_EDATA);
    assert_non_null(strstr(err.msg, "cap max_bytes"));
    ty_error_clear(&err);
    assert_int_equal(csv_reader_finish(rd, &t, &err), TY_EDATA);
    assert_non_null(strstr(err.msg, "cap max_bytes"));
    assert_null(t.cells);
    csv_reader_free(rd);
}

static void csv_should_cap_the_field_size(void **state)
{
    TyCsvLimits lim;
    csv_limits_default(&lim);
    lim.max_field = 4;
    Result r = read_lim("abcd,\"ab\"\"c\"\n", &lim);   /* both exactly 4 bytes */
    assert_int_equal(r.st, TY_OK);
    assert_cell(&r.t, 0, 1, "ab\"c", 1);
    csv_table_free(&r.t);
    r = read_lim("a,b\nx,abcde\n", &lim);
    assert_error(&r, TY_EDATA, 2, 2, "field 2 is longer than 4 bytes (cap max_field)");
    r = read_lim("a,b\nx,\"ab\ncde\"\n", &lim);
    assert_error(&r, TY_EDATA, 2, 2, "field 2 is longer than 4 bytes (cap max_field)");
    /* A huge field fails at the cap, before libcsv has buffered it all. */
    size_t big = (size_t)8 << 20;
    char *s = malloc(big);
    assert_non_null(s);
    memset(s, 'x', big);
    memcpy(s, "a\n\"", 3);
    lim.max_field = 1000;
    r = read_bytes(s, big, &lim);
    assert_error(&r, TY_EDATA, 2, 1, "field 1 is longer than 1000 bytes (cap max_field)");
    free(s);
}

static void csv_should_cap_rows_and_columns(void **state)
{
    TyCsvLimits lim;
    csv_limits_default(&lim);
    lim.max_rows = 2;
    Result r = read_lim("a\n1\n", &lim);
    assert_int_equal(r.st, TY_OK);
    csv_table_free(&r.t);
    r = read_lim("a\n1\n2\n", &lim);
    assert_error(&r, TY_EDATA, 3, 0, "more than 2 rows (cap max_rows)");
    csv_limits_default(&lim);
    lim.max_cols = 3;
    r = read_lim("a,b,c\n", &lim);
    assert_int_equal(r.st, TY_OK);
    csv_table_free(&r.t);
    r = read_lim("a,b,c,d\n", &lim);
    assert_error(&r, TY_EDATA, 1, 0, "more than 3 fields in a row (cap max_cols)");
}

/* ---- streaming ---- */

static void csv_should_give_the_same_result_for_every_split(void **state)
{
    static const char *files[] = {
        "good_crlf.csv", "good_cr.csv", "good_bom.csv", "good_trailing_blank_lines.csv", "bad_gbk.csv",
        "bad_utf16le_bom.csv", "bad_nul.csv", "bad_unquoted_thousands.csv", "bad_unterminated_quote.csv",
        "bad_stray_quote.csv", "bad_text_after_quote.csv", "bad_blank_line.csv",
    };
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        char path[256];
        size_t len;
        snprintf(path, sizeof path, CORPUS "%s", files[k]);
        char *buf = slurp(path, &len);
        Result whole = read_bytes(buf, len, NULL);
        for (size_t i = 0; i <= len; i++)
            for (size_t j = i; j <= len; j++) {
                Result part = read_streamed(buf, len, i, j, NULL);
                assert_same_result(&whole, &part, i, j);
                csv_table_free(&part.t);
            }
        csv_table_free(&whole.t);
        free(buf);
    }
}

static void csv_should_read_byte_by_byte_like_whole(void **state)
{
    const char s[] = "\xEF\xBB\xBFid,\"n\"\"ame\"\r\n\xE6\xAD\xA6,\"a\r\nb\"\r\n";
    size_t len = sizeof s - 1;
    Result whole = read_bytes(s, len, NULL);
    assert_int_equal(whole.st, TY_OK);
    TyCsvReader *rd = csv_reader_new("t.csv", NULL);
    TyError err;
    TyCsvTable t;
    for (size_t i = 0; i < len; i++) assert_int_equal(csv_reader_feed(rd, s + i, 1, &err), TY_OK);
    assert_int_equal(csv_reader_finish(rd, &t, &err), TY_OK);
    assert_true(tables_equal(&whole.t, &t));
    assert_cell(&t, 0, 1, "n\"ame", 1);
    assert_cell(&t, 1, 1, "a\r\nb", 2);
    csv_reader_free(rd);
    csv_table_free(&t);
    csv_table_free(&whole.t);
}

/* Every allocation of the reader, libcsv's buffer included, failing in turn: a clean TY_ENOMEM
 * each time (and no leak, which the ASan run checks), until the read succeeds. */
static void csv_should_fail_cleanly_on_every_allocation_failure(void **state)
{
    (void)state;
    const char text[] = "id,name,unit,actual_2021,target_2025\n"
                        "rd,\"研发, 强度\",%,0.62,1.5\nhte,高企,家,59,100\n";
    long n;
    for (n = 0; n < 10000; n++) {
        TyCsvTable t;
        TyError err;
        ty_error_clear(&err);
        ty_alloc_fail_after(n);
        TyStatus st = csv_read_buffer("t.csv", text, sizeof text - 1, NULL, &t, &err);
        ty_alloc_fail_after(-1);
        if (st == TY_OK) {
            assert_int_equal(t.nrows, 3);
            assert_string_equal(csv_cell(&t, 1, 1)->text, "研发, 强度");
            csv_table_free(&t);
            break;
        }
        assert_int_equal(st, TY_ENOMEM);
        assert_non_null(strstr(err.msg, "memory"));
    }
    assert_true(n > 2 && n < 10000);
    for (n = 0; n < 10000; n++) {
        TyError err;
        ty_error_clear(&err);
        ty_alloc_fail_after(n);
        TyPlan *p = planfile_read_csv("t.csv", text, sizeof text - 1, &err);
        ty_alloc_fail_after(-1);
        if (p) {
            assert_int_equal(p->n, 2);
            plan_free(p);
            break;
        }
        assert_int_equal(err.code, TY_ENOMEM);
    }
    assert_true(n > 3 && n < 10000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(csv_should_read_lf_crlf_cr_bom_and_no_final_newline_identically),
        cmocka_unit_test(csv_should_fail_cleanly_on_every_allocation_failure),
        cmocka_unit_test(csv_should_drop_bom_from_first_header),
        cmocka_unit_test(csv_should_keep_spaces_as_they_are),
        cmocka_unit_test(csv_should_give_the_start_line_of_multiline_fields),
        cmocka_unit_test(csv_should_read_empty_fields_and_a_final_comma),
        cmocka_unit_test(csv_should_read_empty_input_as_an_empty_table),
        cmocka_unit_test(csv_should_read_a_header_only_file),
        cmocka_unit_test(csv_should_read_a_file_like_its_buffer),
        cmocka_unit_test(csv_should_reject_gbk_with_a_hint),
        cmocka_unit_test(csv_should_reject_utf16_with_bom_with_a_hint),
        cmocka_unit_test(csv_should_reject_utf16_without_bom_at_its_first_nul),
        cmocka_unit_test(csv_should_reject_nul_with_line_and_column),
        cmocka_unit_test(csv_should_hint_an_unquoted_thousands_separator),
        cmocka_unit_test(csv_should_reject_a_short_row),
        cmocka_unit_test(csv_should_reject_a_long_row_without_a_number_hint),
        cmocka_unit_test(csv_should_reject_an_unterminated_quote_naming_where_it_opened),
        cmocka_unit_test(csv_should_reject_a_stray_quote_in_an_unquoted_field),
        cmocka_unit_test(csv_should_reject_text_after_a_closing_quote),
        cmocka_unit_test(csv_should_reject_duplicate_header_names),
        cmocka_unit_test(csv_should_reject_empty_header_names),
        cmocka_unit_test(csv_should_reject_blank_lines_inside_the_table),
        cmocka_unit_test(csv_should_cap_the_input_size),
        cmocka_unit_test(csv_should_cap_the_field_size),
        cmocka_unit_test(csv_should_cap_rows_and_columns),
        cmocka_unit_test(csv_should_give_the_same_result_for_every_split),
        cmocka_unit_test(csv_should_read_byte_by_byte_like_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
