/* test_json.c — the strict JSON reader (every RELIABILITY §B JSON row, with line, column and
 * byte offset) and the deterministic writer. Run from the repo root: the files under
 * tests/data/json/ are read here and also seed the fuzzer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/alloc.h"
#include "io/atomic.h"
#include "io/json.h"

#define DATA_DIR "tests/data/json"

/* ---------------------------------------------------------------- helpers */

static TyJsonLimits limits(void)
{
    TyJsonLimits lim;
    json_limits_default(&lim);
    return lim;
}

/* Validates s (no NUL needed: copied into an exactly-sized heap block so ASan catches any read
 * past the end) and returns the status; err gets the error. */
static TyStatus validate_exact(const char *s, size_t len, TyError *err)
{
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, s, len);
    TyJsonLimits lim = limits();
    ty_error_clear(err);
    TyStatus st = json_validate("t.json", copy, len, &lim, err);
    free(copy);
    return st;
}

static TyStatus validate_str(const char *s, TyError *err)
{
    return validate_exact(s, strlen(s), err);
}

static void assert_rejected(const char *s, int line, int col, const char *needle)
{
    TyError err;
    TyStatus st = validate_str(s, &err);
    if (st != TY_EDATA || err.line != line || err.col != col || !strstr(err.msg, needle)) {
        print_error("input %s: got status %d at %d:%d \"%s\"; want 3 at %d:%d with \"%s\"\n", s,
                    st, err.line, err.col, err.msg, line, col, needle);
        fail();
    }
}

static void assert_accepted(const char *s)
{
    TyError err;
    if (validate_str(s, &err) != TY_OK) {
        print_error("input %s rejected: %s\n", s, err.msg);
        fail();
    }
}

static cJSON *parse_str(const char *s)
{
    TyJsonLimits lim = limits();
    TyError err;
    ty_error_clear(&err);
    cJSON *root = json_parse_buffer("t.json", s, strlen(s), &lim, &err);
    if (!root) print_error("parse %s: %s\n", s, err.msg);
    assert_non_null(root);
    return root;
}

/* json_print(parse(s)) must be exactly `want`. */
static void assert_prints(const char *s, int pretty, const char *want)
{
    cJSON *root = parse_str(s);
    char *out = json_print(root, pretty);
    assert_non_null(out);
    assert_string_equal(out, want);
    free(out);
    cJSON_Delete(root);
}

/* Exact structural equality, keys in order (cJSON_Compare is exponential on nested objects
 * and compares numbers with a tolerance). */
static int tree_equal(const cJSON *a, const cJSON *b)
{
    if ((a->type & 0xFF) != (b->type & 0xFF)) return 0;
    if (a->string || b->string)
        if (!a->string || !b->string || strcmp(a->string, b->string) != 0) return 0;
    if (cJSON_IsNumber(a)) return a->valuedouble == b->valuedouble;
    if (cJSON_IsString(a)) return strcmp(a->valuestring, b->valuestring) == 0;
    const cJSON *x = a->child, *y = b->child;
    for (; x && y; x = x->next, y = y->next)
        if (!tree_equal(x, y)) return 0;
    return !x && !y;
}

static char *repeat(const char *unit, int n, const char *tail_unit, int m)
{
    size_t a = strlen(unit), b = strlen(tail_unit);
    char *s = malloc(a * (size_t)n + b * (size_t)m + 1);
    assert_non_null(s);
    char *p = s;
    for (int i = 0; i < n; i++, p += a) memcpy(p, unit, a);
    for (int i = 0; i < m; i++, p += b) memcpy(p, tail_unit, b);
    *p = '\0';
    return s;
}

/* ---------------------------------------------------------------- the data files */

typedef struct BadFile {
    const char *file;
    int line, col;
    const char *needle;
} BadFile;

static const BadFile bad_files[] = {
    { "bad_bom.json", 1, 1, "byte order mark" },
    { "bad_capital_true.json", 1, 2, "invalid literal \"True\"" },
    { "bad_chinese_outside_string.json", 1, 5, "expected a value, found '中'" },
    { "bad_comment.json", 1, 9, "expected ',' or '}' after object member, found '/'" },
    { "bad_control_in_string.json", 1, 4, "raw control character U+0009 in string" },
    { "bad_depth129.json", 1, 129, "nesting deeper than 128 levels (byte 128)" },
    { "bad_dot_end.json", 1, 4, "expected a digit after '.' in number" },
    { "bad_dot_start.json", 1, 2, "digit before '.'" },
    { "bad_duplicate_escaped_key.json", 1, 10, "duplicate key \"a\" in object (first at line 1, "
                                               "column 2) (byte 9)" },
    { "bad_duplicate_key.json", 4, 3, "duplicate key \"id\" in object (first at line 2, column 3) "
                                      "(byte 30)" },
    { "bad_duplicate_nested.json", 1, 28, "duplicate key \"k\"" },
    { "bad_empty.json", 1, 1, "empty input" },
    { "bad_escape.json", 1, 4, "invalid escape \\ followed by 'x'" },
    { "bad_exponent_empty.json", 1, 4, "exponent" },
    { "bad_exponent_sign_only.json", 1, 5, "exponent" },
    { "bad_gbk.json", 1, 3, "invalid UTF-8 (byte 0xC3) in string; the file may be GBK" },
    { "bad_hex.json", 1, 2, "invalid number \"0x10\"" },
    { "bad_high_surrogate_then_bmp.json", 1, 3, "unpaired surrogate \\uD83D" },
    { "bad_infinity.json", 1, 2, "NaN and Infinity are not JSON numbers" },
    { "bad_leading_zero.json", 1, 2, "leading zero in number \"01\"" },
    { "bad_lone_high_surrogate.json", 1, 3, "unpaired surrogate \\uD83D" },
    { "bad_lone_low_surrogate.json", 1, 3, "unpaired surrogate \\uDE00" },
    { "bad_missing_colon.json", 1, 6, "expected ':' after key" },
    { "bad_nan.json", 1, 2, "NaN and Infinity are not JSON numbers" },
    { "bad_negative_leading_zero.json", 1, 2, "leading zero in number \"-01\"" },
    { "bad_nul_escape.json", 1, 12, "\\u0000 (NUL) is not allowed" },
    { "bad_number_key.json", 1, 2, "to start an object key" },
    { "bad_overflow.json", 1, 7, "number \"1e999\" is out of range" },
    { "bad_overflow_negative.json", 2, 3, "number \"-1.5e400\" is out of range" },
    { "bad_plus.json", 1, 2, "cannot start with '+'" },
    { "bad_reversed_surrogates.json", 1, 3, "unpaired surrogate \\uDE00" },
    { "bad_single_quotes.json", 1, 2, "double quotes" },
    { "bad_trailing_comma_array.json", 1, 4, "trailing comma before ']'" },
    { "bad_trailing_comma_object.json", 1, 9, "trailing comma before '}'" },
    { "bad_trailing_data.json", 1, 10, "unexpected 'x' after the JSON value" },
    { "bad_two_values.json", 2, 1, "more than one top-level value" },
    { "bad_u_nonhex.json", 1, 3, "invalid \\u escape: expected four hex digits, found 'G'" },
    { "bad_u_short.json", 1, 3, "invalid \\u escape" },
    { "bad_unclosed_array.json", 1, 6, "found end of input" },
    { "bad_unterminated_string.json", 1, 7, "unterminated string" },
    { "bad_utf16.json", 1, 1, "looks like UTF-16" },
    { "bad_utf8_encoded_surrogate.json", 1, 3, "invalid UTF-8 (byte 0xED)" },
    { "bad_utf8_in_string.json", 1, 9, "invalid UTF-8 (byte 0xC3) in string (byte 8)" },
    { "bad_utf8_outside_string.json", 1, 5, "invalid UTF-8 (byte 0xFF)" },
    { "bad_utf8_overlong.json", 1, 3, "invalid UTF-8 (byte 0xC0)" },
    { "bad_utf8_truncated.json", 1, 3, "invalid UTF-8 (byte 0xE4)" },
    { "bad_whitespace_only.json", 2, 2, "empty input" },
};

static const BadFile *find_bad(const char *name)
{
    for (size_t i = 0; i < sizeof bad_files / sizeof bad_files[0]; i++)
        if (strcmp(bad_files[i].file, name) == 0) return &bad_files[i];
    return NULL;
}

static void json_should_reject_each_bad_file_with_line_column_and_offset(void **state)
{
    int failures = 0;
    for (size_t i = 0; i < sizeof bad_files / sizeof bad_files[0]; i++) {
        const BadFile *b = &bad_files[i];
        char path[256];
        snprintf(path, sizeof path, DATA_DIR "/%s", b->file);
        TyJsonLimits lim = limits();
        TyError err;
        ty_error_clear(&err);
        cJSON *root = json_parse_file(path, &lim, &err);
        if (root || err.code != TY_EDATA || err.line != b->line || err.col != b->col ||
            !strstr(err.msg, b->needle) || !strstr(err.msg, "(byte ") ||
            strcmp(err.file, path) != 0) {
            print_error("%s: got %s code %d at %d:%d \"%s\"; want %d:%d \"%s\"\n", b->file,
                        root ? "a tree" : "NULL", err.code, err.line, err.col, err.msg, b->line,
                        b->col, b->needle);
            failures++;
        }
        cJSON_Delete(root);
    }
    assert_int_equal(failures, 0);
}

/* Every file in the directory is either ok_* (must parse) or listed above: no untested seed. */
static void json_should_accept_each_good_file_and_know_every_bad_one(void **state)
{
    DIR *d = opendir(DATA_DIR);
    assert_non_null(d);
    int failures = 0, good = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        const char *n = de->d_name;
        if (n[0] == '.') continue;
        if (strncmp(n, "ok_", 3) == 0) {
            char path[512];
            snprintf(path, sizeof path, DATA_DIR "/%s", n);
            TyJsonLimits lim = limits();
            TyError err;
            ty_error_clear(&err);
            cJSON *root = json_parse_file(path, &lim, &err);
            if (!root) { print_error("%s: %s\n", n, err.msg); failures++; continue; }
            /* What we print reads back to a tree that prints the same. */
            char *once = json_print(root, 1);
            assert_non_null(once);
            cJSON *again = json_parse_buffer("again", once, strlen(once), &lim, &err);
            if (!again) { print_error("%s reprinted: %s\n", n, err.msg); failures++; }
            char *twice = again ? json_print(again, 1) : NULL;
            if (again && (!twice || strcmp(once, twice) != 0)) {
                print_error("%s: printing is not stable\n", n);
                failures++;
            }
            free(once);
            free(twice);
            cJSON_Delete(again);
            cJSON_Delete(root);
            good++;
        } else if (!find_bad(n)) {
            print_error("%s: not in bad_files[] (add its expected position)\n", n);
            failures++;
        }
    }
    closedir(d);
    assert_int_equal(failures, 0);
    assert_true(good >= 5);
}

/* ---------------------------------------------------------------- validator details */

static void json_should_reject_number_forms_outside_rfc8259(void **state)
{
    assert_rejected("01", 1, 1, "leading zero");
    assert_rejected("-01", 1, 1, "leading zero");
    assert_rejected("00", 1, 1, "leading zero");
    assert_rejected("+1", 1, 1, "'+'");
    assert_rejected(".5", 1, 1, "before '.'");
    assert_rejected("1.", 1, 3, "after '.'");
    assert_rejected("1.e5", 1, 3, "after '.'");
    assert_rejected("1e", 1, 3, "exponent");
    assert_rejected("1E-", 1, 4, "exponent");
    assert_rejected("-", 1, 2, "a digit after '-'");
    assert_rejected("- 1", 1, 2, "a digit after '-'");
    assert_rejected("0x10", 1, 1, "invalid number \"0x10\"");
    assert_rejected("1.2.3", 1, 1, "invalid number");
    assert_rejected("12abc", 1, 1, "invalid number");
    assert_rejected("NaN", 1, 1, "NaN and Infinity");
    assert_rejected("nan", 1, 1, "NaN and Infinity");
    assert_rejected("Infinity", 1, 1, "NaN and Infinity");
    assert_rejected("-Infinity", 1, 1, "NaN and Infinity");
    assert_rejected("-inf", 1, 1, "NaN and Infinity");
    assert_rejected("1e999", 1, 1, "out of range");
    assert_rejected("[1, -1e309]", 1, 5, "out of range");
    assert_rejected("1.8e308", 1, 1, "out of range");
    assert_accepted("1.7976931348623157e308");
    assert_accepted("1e-999");      /* underflow to 0 is a finite number */
    assert_accepted("-0");
    assert_accepted("0.0e+0");
    assert_accepted("-12.5E-3");
    assert_accepted("[0,1,-0.5,10,1e5,1E5]");
}

static void json_should_accept_long_numbers_that_cjson_reads(void **state)
{
    /* 400 digits: longer than any fixed buffer, still finite. */
    char *s = repeat("1", 1, "0", 300);
    size_t n = strlen(s);
    char *t = malloc(n + 16);
    assert_non_null(t);
    snprintf(t, n + 16, "[%se-200]", s);
    cJSON *root = parse_str(t);
    assert_true(fabs(cJSON_GetArrayItem(root, 0)->valuedouble - 1e100) < 1e86);
    cJSON_Delete(root);
    snprintf(t, n + 16, "[%se+10]", s);
    assert_rejected(t, 1, 2, "out of range");
    free(t);
    free(s);
}

static void json_should_reject_bad_strings(void **state)
{
    assert_rejected("\"a\\u0000b\"", 1, 3, "\\u0000 (NUL) is not allowed");
    assert_rejected("\"\\a\"", 1, 2, "invalid escape");
    assert_rejected("\"\\x41\"", 1, 2, "invalid escape");
    assert_rejected("\"\\'\"", 1, 2, "invalid escape");
    assert_rejected("\"\\u12\"", 1, 2, "expected four hex digits, found '\"'");
    assert_rejected("\"\\u12", 1, 2, "expected four hex digits, found end of input");
    assert_rejected("\"\\uZZZZ\"", 1, 2, "found 'Z'");
    assert_rejected("\"\\uD800\"", 1, 2, "unpaired surrogate \\uD800");
    assert_rejected("\"\\uD800\\n\"", 1, 2, "unpaired surrogate");
    assert_rejected("\"\\uD800\\uD800\"", 1, 2, "unpaired surrogate");
    assert_rejected("\"\\uDFFF\\uD800\"", 1, 2, "unpaired surrogate \\uDFFF");
    assert_rejected("\"\\uD800\\uDC0", 1, 2, "unpaired surrogate");
    assert_rejected("\"a\nb\"", 1, 3, "raw control character U+000A in string: write it as \\n");
    assert_rejected("\"a\x1f\"", 1, 3, "write it as \\u001f");
    assert_rejected("\"abc", 1, 1, "unterminated string");
    assert_rejected("\"abc\\", 1, 1, "unterminated string");
    assert_rejected("\"\\", 1, 1, "unterminated string");
    assert_rejected("\"", 1, 1, "unterminated string");
    assert_rejected("'a'", 1, 1, "double quotes");
    assert_accepted("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u0001 \\u00e9 \\uFFFF \\uD83D\\uDE00\"");
    assert_accepted("\"\x7f\"");        /* DEL is not a control character in JSON */
}

static void json_should_reject_raw_nul_inside_and_outside_strings(void **state)
{
    TyError err;
    assert_int_equal(validate_exact("\"a\0b\"", 5, &err), TY_EDATA);
    assert_non_null(strstr(err.msg, "NUL byte in string"));
    assert_int_equal(validate_exact("[1]\0", 4, &err), TY_EDATA);
    assert_non_null(strstr(err.msg, "unexpected control character U+0000"));
    assert_int_equal(validate_exact("{\0\"\0a\0\"\0", 8, &err), TY_EDATA);
    assert_non_null(strstr(err.msg, "looks like UTF-16"));
}

static void json_should_decode_escapes_into_the_tree(void **state)
{
    cJSON *root = parse_str("[\"\\u00e9\\uD83D\\uDE00\\u4e2d\\/\\t\", \"中文\"]");
    assert_string_equal(cJSON_GetArrayItem(root, 0)->valuestring, "é😀中/\t");
    assert_string_equal(cJSON_GetArrayItem(root, 1)->valuestring, "中文");
    cJSON_Delete(root);
}

static void json_should_reject_invalid_utf8_everywhere(void **state)
{
    static const struct { const char *s; int col; const char *needle; } cases[] = {
        { "\"\xc3\x28\"", 2, "invalid UTF-8 (byte 0xC3)" },
        { "\"\xc0\x80\"", 2, "invalid UTF-8 (byte 0xC0)" },         /* overlong NUL */
        { "\"\xe0\x80\xaf\"", 2, "invalid UTF-8 (byte 0xE0)" },     /* overlong '/' */
        { "\"\xed\xb0\x80\"", 2, "invalid UTF-8 (byte 0xED)" },     /* encoded low surrogate */
        { "\"\xf4\x90\x80\x80\"", 2, "invalid UTF-8 (byte 0xF4)" }, /* above U+10FFFF */
        { "\"\xf5\x80\x80\x80\"", 2, "invalid UTF-8 (byte 0xF5)" },
        { "\"\x80\"", 2, "invalid UTF-8 (byte 0x80)" },             /* stray continuation */
        { "\"\xe4\xb8", 2, "invalid UTF-8 (byte 0xE4)" },           /* cut off by the end */
        { "\"é\xff\"", 3, "invalid UTF-8 (byte 0xFF)" },            /* columns count chars */
        { "[\xff]", 2, "invalid UTF-8 (byte 0xFF)" },
        { "{\"a\":1}\xfe", 8, "invalid UTF-8 (byte 0xFE)" },
        { "{\"\xb0\xa1\":1}", 3, "the file may be GBK" },            /* 啊 in GBK */
        { "\xff\xfe[\x00]\x00", 1, "looks like UTF-16" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        TyError err;
        size_t len = strlen(cases[i].s);
        if (cases[i].s[0] == '\xff') len = 6;
        TyStatus st = validate_exact(cases[i].s, len, &err);
        if (st != TY_EDATA || err.col != cases[i].col || !strstr(err.msg, cases[i].needle)) {
            print_error("case %zu: %d at %d:%d \"%s\"\n", i, st, err.line, err.col, err.msg);
            fail();
        }
    }
    assert_accepted("[\"\xc2\x80\", \"\xef\xbf\xbf\", \"\xf4\x8f\xbf\xbf\", \"\xf0\x90\x80\x80\"]");
}

static void json_should_reject_bom_with_a_hint(void **state)
{
    TyError err;
    assert_int_equal(validate_str("\xef\xbb\xbf{}", &err), TY_EDATA);
    assert_int_equal(err.line, 1);
    assert_int_equal(err.col, 1);
    assert_non_null(strstr(err.msg, "byte order mark"));
    assert_non_null(strstr(err.msg, "without BOM"));
}

static void json_should_reject_structural_errors(void **state)
{
    assert_rejected("", 1, 1, "empty input");
    assert_rejected(" \t\r\n", 2, 1, "empty input");
    assert_rejected("[1,]", 1, 4, "trailing comma before ']'");
    assert_rejected("{\"a\":1,}", 1, 8, "trailing comma before '}'");
    assert_rejected("[1 2]", 1, 4, "expected ',' or ']' after array element, found '2'");
    assert_rejected("{\"a\" 1}", 1, 6, "expected ':' after key");
    assert_rejected("{\"a\":}", 1, 6, "expected a value, found '}'");
    assert_rejected("{,}", 1, 2, "to start an object key");
    assert_rejected("[,1]", 1, 2, "expected a value, found ','");
    assert_rejected("[", 1, 2, "expected a value, found end of input");
    assert_rejected("{", 1, 2, "to start an object key, found end of input");
    assert_rejected("{\"a\":1", 1, 7, "found end of input");
    assert_rejected("]", 1, 1, "expected a value, found ']'");
    assert_rejected("[1]]", 1, 4, "unexpected ']' after the JSON value");
    assert_rejected("1 2", 1, 3, "unexpected '2' after the JSON value");
    assert_rejected("{} []", 1, 4, "more than one top-level value");
    assert_rejected("truex", 1, 1, "expected a value, found \"truex\"");
    assert_rejected("nul", 1, 1, "expected a value, found \"nul\"");
    assert_rejected("TRUE", 1, 1, "lower-case");
    assert_rejected("None", 1, 1, "expected a value, found \"None\"");
    assert_rejected("[1]/", 1, 4, "unexpected '/'");
    assert_rejected("[1,\n 2,\r\n 3,\r x]", 4, 2, "found \"x\"");
    assert_accepted(" \t\r\n{ \"a\" : [ 1 , 2 ] , \"b\" : { } } \r\n");
    assert_accepted("true");
    assert_accepted("null");
    assert_accepted("\"\"");
}

static void json_should_limit_depth(void **state)
{
    char *ok = repeat("[", 128, "]", 128);
    char *deep = repeat("[", 129, "]", 129);
    char *objs = repeat("{\"a\":", 129, "}", 129);
    char *huge = repeat("[", 200000, "", 0);       /* no closing: must not recurse or crash */
    assert_accepted(ok);
    assert_rejected(deep, 1, 129, "nesting deeper than 128 levels");
    assert_rejected(objs, 1, 1 + 5 * 128, "nesting deeper than 128 levels");
    assert_rejected(huge, 1, 129, "nesting deeper than 128 levels");

    TyJsonLimits lim = limits();
    TyError err;
    lim.max_depth = 2;
    assert_int_equal(json_validate("t", "[[1]]", 5, &lim, &err), TY_OK);
    assert_int_equal(json_validate("t", "[[[1]]]", 7, &lim, &err), TY_EDATA);
    assert_non_null(strstr(err.msg, "deeper than 2 levels"));
    lim.max_depth = 1 << 20;   /* more than cJSON can take: clamped to its nesting limit */
    char *cj = repeat("[", CJSON_NESTING_LIMIT + 1, "]", CJSON_NESTING_LIMIT + 1);
    assert_int_equal(json_validate("t", cj, strlen(cj), &lim, &err), TY_EDATA);
    free(cj);
    free(ok);
    free(deep);
    free(objs);
    free(huge);
}

static void json_should_find_duplicate_keys_by_decoded_bytes(void **state)
{
    assert_rejected("{\"a\":1,\"\\u0061\":2}", 1, 8, "duplicate key \"a\"");
    assert_rejected("{\"\\/\":1,\"/\":2}", 1, 9, "duplicate key \"/\"");
    assert_rejected("{\"\\uD83D\\uDE00\":1,\"😀\":2}", 1, 19, "duplicate key \"😀\"");
    assert_rejected("{\"\":1,\"\":2}", 1, 7, "duplicate key \"\"");
    assert_rejected("{\"a\\\"b\":1,\"a\\u0022b\":2}", 1, 11, "duplicate key \"a\\\"b\"");
    /* The earliest repetition in the document is the one reported. */
    assert_rejected("{\"b\":1,\"a\":1,\"a\":2,\"b\":2}", 1, 14, "duplicate key \"a\" in object "
                    "(first at line 1, column 8)");
    assert_rejected("{\"x\":{\"k\":1,\"k\":2}}", 1, 13, "duplicate key \"k\"");
    /* Same key in different objects, or as a value, is fine. */
    assert_accepted("{\"a\":{\"a\":{\"a\":\"a\"}},\"b\":{\"a\":1},\"c\":[{\"a\":1},{\"a\":2}]}");
    assert_accepted("{\"a\":1,\"A\":2,\"a \":3,\"\\u00e9\":4,\"e\\u0301\":5}");
    /* Keys after a closed nested object are still checked against the outer ones. */
    assert_rejected("{\"a\":{\"b\":1,\"c\":2},\"d\":3,\"a\":4}", 1, 26, "duplicate key \"a\"");
    /* Long keys are shortened in the message. */
    char *key = repeat("k", 100, "", 0);
    char doc[300];
    snprintf(doc, sizeof doc, "{\"%s\":1,\"%s\":2}", key, key);
    TyError err;
    assert_int_equal(validate_str(doc, &err), TY_EDATA);
    assert_non_null(strstr(err.msg, "kkk...\" in object"));
    free(key);
}

/* 200,000 distinct keys then one repeat: sort-based checking keeps this well under a second
 * (pairwise comparison would be 2e10 steps). */
static void json_should_check_huge_objects_in_n_log_n(void **state)
{
    const int n = 200000;
    size_t cap = (size_t)n * 20 + 64, len = 0;
    char *doc = malloc(cap);
    assert_non_null(doc);
    doc[len++] = '{';
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(doc + len, cap - len, "%s\"k%d\":%d", i ? "," : "", i, i);
    size_t open_end = len;
    len += (size_t)snprintf(doc + len, cap - len, "}");
    clock_t t0 = clock();
    TyError err;
    TyJsonLimits lim = limits();
    assert_int_equal(json_validate("big", doc, len, &lim, &err), TY_OK);
    len = open_end + (size_t)snprintf(doc + open_end, cap - open_end, ",\"k123456\":0}");
    assert_int_equal(json_validate("big", doc, len, &lim, &err), TY_EDATA);
    assert_non_null(strstr(err.msg, "duplicate key \"k123456\""));
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    assert_true(secs < 5.0);    /* generous: sanitizers slow everything down */
    free(doc);
}

/* Inputs the fuzzer found; each once crashed or tripped a sanitizer. */
static void json_should_pass_fuzzer_regressions(void **state)
{
    /* An object whose only keys are "" left the key buffer unallocated (NULL + 0 is UB). */
    assert_accepted("{\"\":2}");
    assert_rejected("{\"\":2,\"\":3}", 1, 7, "duplicate key \"\"");
}

static void json_should_never_read_past_len(void **state)
{
    /* Every proper prefix of a valid document is invalid, and reading it must stay in bounds
     * (validate_exact copies into an exactly-sized block; ASan would catch an overread). */
    const char *doc = "{\"a\": [1, -2.5e+3, true, false, null, \"x\\u00e9\\uD83D\\uDE00y\"], "
                      "\"b\": {\"c\": \"中\"}}";
    size_t n = strlen(doc);
    TyError err;
    assert_int_equal(validate_exact(doc, n, &err), TY_OK);
    for (size_t k = 0; k < n; k++) {
        TyStatus st = validate_exact(doc, k, &err);
        if (st != TY_EDATA) {
            print_error("prefix of %zu bytes: status %d\n", k, st);
            fail();
        }
    }
    /* Numbers and literals that end exactly at len. */
    assert_int_equal(validate_exact("123", 3, &err), TY_OK);
    assert_int_equal(validate_exact("1e5", 3, &err), TY_OK);
    assert_int_equal(validate_exact("true", 4, &err), TY_OK);
    assert_int_equal(validate_exact("tru", 3, &err), TY_EDATA);
    assert_int_equal(validate_exact("-", 1, &err), TY_EDATA);
    assert_int_equal(validate_exact("1.", 2, &err), TY_EDATA);
    assert_int_equal(validate_exact("NaN", 3, &err), TY_EDATA);
}

static void json_should_parse_buffer_without_nul_terminator(void **state)
{
    const char text[] = "[1,2]garbage";
    TyJsonLimits lim = limits();
    TyError err;
    char *copy = malloc(5);
    assert_non_null(copy);
    memcpy(copy, text, 5);
    cJSON *root = json_parse_buffer("t", copy, 5, &lim, &err);
    assert_non_null(root);
    assert_int_equal(cJSON_GetArraySize(root), 2);
    cJSON_Delete(root);
    free(copy);
    /* With the garbage included, it is trailing data. */
    assert_null(json_parse_buffer("t", text, strlen(text), &lim, &err));
    assert_int_equal(err.code, TY_EDATA);
}

static void json_should_refuse_oversized_input_before_reading(void **state)
{
    TyJsonLimits lim = limits();
    lim.max_bytes = 4;
    TyError err;
    assert_int_equal(json_validate("t", "[1,2]", 5, &lim, &err), TY_EDATA);
    assert_non_null(strstr(err.msg, "too large"));
    assert_int_equal(json_validate("t", "[12]", 4, &lim, &err), TY_OK);

    char dir[] = "/tmp/tuiyan-json-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/big.json", dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("[1, 2, 3]", fp);
    fclose(fp);
    lim.max_bytes = 8;
    assert_null(json_parse_file(path, &lim, &err));
    assert_int_equal(err.code, TY_EDATA);
    assert_non_null(strstr(err.msg, "too large"));
    lim.max_bytes = 9;
    cJSON *root = json_parse_file(path, &lim, &err);
    assert_non_null(root);
    cJSON_Delete(root);
    unlink(path);
    rmdir(dir);
}

static void json_should_report_missing_file_as_usage_error(void **state)
{
    TyError err;
    ty_error_clear(&err);
    assert_null(json_parse_file("tests/data/json/no-such-file.json", NULL, &err));
    assert_int_equal(err.code, TY_EUSAGE);
    assert_string_equal(err.msg, "cannot open tests/data/json/no-such-file.json: "
                                 "No such file or directory");
}

static void json_should_format_errors_as_file_line_col(void **state)
{
    TyError err;
    char buf[1024];
    assert_int_equal(validate_str("{\n  \"id\": 1,\n  \"id\": 2\n}", &err), TY_EDATA);
    assert_string_equal(ty_error_format(&err, buf, sizeof buf),
                        "t.json:3:3: duplicate key \"id\" in object (first at line 2, column 3) "
                        "(byte 15)");
    /* Columns count characters, not bytes. */
    assert_int_equal(validate_str("[\"中文\", 01]", &err), TY_EDATA);
    assert_string_equal(ty_error_format(&err, buf, sizeof buf),
                        "t.json:1:8: leading zero in number \"01\" (byte 11)");
}

/* RELIABILITY: fail the n-th allocation for n = 0, 1, 2, ... until the call succeeds; every
 * failure must be a clean TY_ENOMEM (ASan checks that nothing leaks). The document is big
 * enough to grow every internal buffer: >16 levels, >64 keys, >256 bytes of keys. */
static void json_should_fail_cleanly_on_every_allocation_failure(void **state)
{
    char doc[8192];
    size_t len = 0;
    for (int i = 0; i < 20; i++) len += (size_t)snprintf(doc + len, sizeof doc - len, "[{\"d\":");
    len += (size_t)snprintf(doc + len, sizeof doc - len, "{");
    for (int i = 0; i < 80; i++)
        len += (size_t)snprintf(doc + len, sizeof doc - len, "%s\"key-number-%d\":%d.5",
                                i ? "," : "", i, i);
    len += (size_t)snprintf(doc + len, sizeof doc - len, ",\"long\":\"%0200d\"}", 7);
    for (int i = 0; i < 20; i++) len += (size_t)snprintf(doc + len, sizeof doc - len, "}]");
    assert_true(len < sizeof doc - 1);

    TyJsonLimits lim = limits();
    long n;
    for (n = 0; n < 10000; n++) {
        TyError err;
        ty_error_clear(&err);
        ty_alloc_fail_after(n);
        TyStatus st = json_validate("t", doc, len, &lim, &err);
        ty_alloc_fail_after(-1);
        if (st == TY_OK) break;
        assert_int_equal(st, TY_ENOMEM);
        assert_non_null(strstr(err.msg, "out of memory"));
    }
    assert_true(n > 3 && n < 10000);

    cJSON *root = parse_str(doc);
    char *want = json_print(root, 1);
    assert_non_null(want);
    for (n = 0; n < 10000; n++) {
        ty_alloc_fail_after(n);
        char *out = json_print(root, 1);
        ty_alloc_fail_after(-1);
        if (out) {
            assert_string_equal(out, want);
            free(out);
            break;
        }
    }
    assert_true(n > 3 && n < 10000);
    free(want);
    cJSON_Delete(root);
}

/* ---------------------------------------------------------------- printing */

static void json_print_should_indent_two_spaces_one_element_per_line(void **state)
{
    assert_prints("{\"name\":\"x\",\"list\":[1,2,{\"k\":null}],\"o\":{},\"a\":[],\"t\":true}", 1,
                  "{\n"
                  "  \"name\": \"x\",\n"
                  "  \"list\": [\n"
                  "    1,\n"
                  "    2,\n"
                  "    {\n"
                  "      \"k\": null\n"
                  "    }\n"
                  "  ],\n"
                  "  \"o\": {},\n"
                  "  \"a\": [],\n"
                  "  \"t\": true\n"
                  "}\n");
    assert_prints("[]", 1, "[]\n");
    assert_prints("{}", 1, "{}\n");
    assert_prints("\"s\"", 1, "\"s\"\n");
}

static void json_print_should_write_compact_without_spaces(void **state)
{
    assert_prints(" { \"a\" : [ 1 , 2 , { } , [ ] ] , \"b\" : false } ", 0,
                  "{\"a\":[1,2,{},[]],\"b\":false}");
    assert_prints("[]", 0, "[]");
    assert_prints("null", 0, "null");
}

static void json_print_should_keep_insertion_order(void **state)
{
    assert_prints("{\"z\":1,\"a\":2,\"m\":3}", 0, "{\"z\":1,\"a\":2,\"m\":3}");
}

static void json_print_should_write_numbers_that_read_back_equal(void **state)
{
    assert_prints("[1e15, 123456789012345678, 9007199254740991, 9007199254740992, -3]", 0,
                  "[1000000000000000,1.2345678901234568e+17,9007199254740991,9007199254740992,-3]");
    assert_prints("[0.1, 0.30000000000000004, 1e300, 1e-7, -0, 0.0, 2.5, 1e21]", 0,
                  "[0.1,0.30000000000000004,1e+300,1e-07,0,0,2.5,1e+21]");
    cJSON *a = cJSON_CreateArray();
    assert_non_null(a);
    cJSON_AddItemToArray(a, cJSON_CreateNumber(NAN));
    cJSON_AddItemToArray(a, cJSON_CreateNumber(INFINITY));
    cJSON_AddItemToArray(a, cJSON_CreateNumber(-INFINITY));
    cJSON_AddItemToArray(a, cJSON_CreateNumber(0.1 + 0.2));
    cJSON_AddItemToArray(a, cJSON_CreateNumber(2251799813685248.5));
    cJSON_AddItemToArray(a, cJSON_CreateNumber(-1e-320));   /* subnormal */
    char *out = json_print(a, 0);
    assert_non_null(out);
    assert_string_equal(out, "[null,null,null,0.30000000000000004,2251799813685248.5,"
                             "-9.99988867182683e-321]");
    /* ... and every number reads back bit-for-bit. */
    TyError err;
    cJSON *back = json_parse_buffer("out", out, strlen(out), NULL, &err);
    assert_non_null(back);
    assert_true(cJSON_GetArrayItem(back, 3)->valuedouble == 0.1 + 0.2);
    assert_true(cJSON_GetArrayItem(back, 5)->valuedouble == -1e-320);
    cJSON_Delete(back);
    free(out);
    cJSON_Delete(a);
}

static void json_print_should_escape_minimally(void **state)
{
    cJSON *o = cJSON_CreateObject();
    assert_non_null(o);
    cJSON_AddStringToObject(o, "q\"k", "a\"b\\c/d\n\r\t\b\f\x01\x1f\x7f");
    cJSON_AddStringToObject(o, "utf8", "中文 é 😀");
    cJSON_AddStringToObject(o, "sep", "a\xe2\x80\xa8" "b\xe2\x80\xa9" "c");
    cJSON_AddStringToObject(o, "bad", "x\xff" "y\xc3");
    char *out = json_print(o, 0);
    assert_non_null(out);
    assert_string_equal(out, "{\"q\\\"k\":\"a\\\"b\\\\c/d\\n\\r\\t\\b\\f\\u0001\\u001f\x7f\","
                             "\"utf8\":\"中文 é 😀\","
                             "\"sep\":\"a\\u2028b\\u2029c\","
                             "\"bad\":\"x\xef\xbf\xbdy\xef\xbf\xbd\"}");
    /* The output is valid JSON and decodes to the same strings (the bad bytes excepted). */
    TyError err;
    cJSON *back = json_parse_buffer("out", out, strlen(out), NULL, &err);
    assert_non_null(back);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(back, "q\"k")->valuestring,
                        "a\"b\\c/d\n\r\t\b\f\x01\x1f\x7f");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(back, "sep")->valuestring,
                        "a\xe2\x80\xa8" "b\xe2\x80\xa9" "c");
    cJSON_Delete(back);
    free(out);
    cJSON_Delete(o);
}

static void json_print_should_round_trip_deep_documents(void **state)
{
    char *open = repeat("[{\"a\":", 64, "1", 1);
    char *close = repeat("}]", 64, "", 0);
    char *deep = malloc(strlen(open) + strlen(close) + 1);
    assert_non_null(deep);
    strcpy(deep, open);
    strcat(deep, close);
    free(open);
    free(close);
    cJSON *root = parse_str(deep);
    for (int pretty = 0; pretty <= 1; pretty++) {
        char *out = json_print(root, pretty);
        assert_non_null(out);
        cJSON *back = json_parse_buffer("out", out, strlen(out), NULL, NULL);
        assert_non_null(back);
        assert_true(tree_equal(root, back));
        cJSON_Delete(back);
        if (!pretty) assert_string_equal(out, deep);
        free(out);
    }
    cJSON_Delete(root);
    free(deep);
}

static void json_print_should_write_null_for_null_item(void **state)
{
    char *out = json_print(NULL, 0);
    assert_non_null(out);
    assert_string_equal(out, "null");
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(json_should_reject_each_bad_file_with_line_column_and_offset),
        cmocka_unit_test(json_should_accept_each_good_file_and_know_every_bad_one),
        cmocka_unit_test(json_should_reject_number_forms_outside_rfc8259),
        cmocka_unit_test(json_should_accept_long_numbers_that_cjson_reads),
        cmocka_unit_test(json_should_reject_bad_strings),
        cmocka_unit_test(json_should_reject_raw_nul_inside_and_outside_strings),
        cmocka_unit_test(json_should_decode_escapes_into_the_tree),
        cmocka_unit_test(json_should_reject_invalid_utf8_everywhere),
        cmocka_unit_test(json_should_reject_bom_with_a_hint),
        cmocka_unit_test(json_should_reject_structural_errors),
        cmocka_unit_test(json_should_limit_depth),
        cmocka_unit_test(json_should_find_duplicate_keys_by_decoded_bytes),
        cmocka_unit_test(json_should_check_huge_objects_in_n_log_n),
        cmocka_unit_test(json_should_pass_fuzzer_regressions),
        cmocka_unit_test(json_should_never_read_past_len),
        cmocka_unit_test(json_should_parse_buffer_without_nul_terminator),
        cmocka_unit_test(json_should_refuse_oversized_input_before_reading),
        cmocka_unit_test(json_should_report_missing_file_as_usage_error),
        cmocka_unit_test(json_should_format_errors_as_file_line_col),
        cmocka_unit_test(json_should_fail_cleanly_on_every_allocation_failure),
        cmocka_unit_test(json_print_should_indent_two_spaces_one_element_per_line),
        cmocka_unit_test(json_print_should_write_compact_without_spaces),
        cmocka_unit_test(json_print_should_keep_insertion_order),
        cmocka_unit_test(json_print_should_write_numbers_that_read_back_equal),
        cmocka_unit_test(json_print_should_escape_minimally),
        cmocka_unit_test(json_print_should_round_trip_deep_documents),
        cmocka_unit_test(json_print_should_write_null_for_null_item),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
