/* test_register_find.c — what the sandbox's privacy check rests on: a register's credit codes and
 * firm names found in a result wherever they are (inside a JSON string, next to other code
 * characters, the first by position), and nothing found in aggregates; and the signed manifest's
 * "firm_level_outputs" (a boolean, absent = false, kept by pack only when true). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/register.h"
#include "core/register_find.h"
#include "core/alloc.h"
#include "io/package.h"
#include "io/register_file.h"

static const char CSV[] =
    "credit_code,name,county,year,staff\n"
    "91620600MA7000001L,甲乙科技有限公司,凉州区,2024,10\n"
    "91620600MA7000002P,丙,民勤县,2024,12\n"          /* a one-character name: too short to look for */
    "91620600MA7000001L,甲乙科技有限公司,凉州区,2023,9\n";

static TyRegister *reg(void)
{
    TyError err;
    TyRegister *r = register_read_csv("r.csv", CSV, strlen(CSV), NULL, 0, &err);
    if (!r) fail_msg("%s", err.msg);
    return r;
}

static TyRegFound find(const TyRegister *r, const char *text, size_t *row)
{
    int nomem;
    TyRegFound f = register_find_firm(r, text, strlen(text), row, &nomem);
    assert_false(nomem);
    return f;
}

static void find_should_see_codes_and_names_anywhere(void **state)
{
    (void)state;
    TyRegister *r = reg();
    size_t row = 99;
    assert_int_equal(find(r, "county,firms\n凉州区,2\n民勤县,1\n", &row), REG_FOUND_NONE);
    assert_int_equal(find(r, "", &row), REG_FOUND_NONE);
    assert_int_equal(find(r, "{\"x\":\"91620600MA7000002P\"}", &row), REG_FOUND_CODE);
    assert_int_equal(row, 1);
    /* glued to other code characters: still the code (a run of 20 holds it) */
    assert_int_equal(find(r, "AB91620600MA7000002P", &row), REG_FOUND_CODE);
    assert_int_equal(find(r, "91620600MA7000002PZZ", &row), REG_FOUND_CODE);
    /* 17 of its 18 characters, or a lower-case copy: not the code */
    assert_int_equal(find(r, "91620600MA7000002", &row), REG_FOUND_NONE);
    assert_int_equal(find(r, "91620600ma7000002q", &row), REG_FOUND_NONE);
    assert_int_equal(find(r, "报告：甲乙科技有限公司的研发", &row), REG_FOUND_NAME);
    assert_int_equal(row, 0);
    /* the name's first characters only, and a one-character name: nothing */
    assert_int_equal(find(r, "甲乙科技有限", &row), REG_FOUND_NONE);
    assert_int_equal(find(r, "丙丙丙", &row), REG_FOUND_NONE);
    /* the first by position wins */
    assert_int_equal(find(r, "甲乙科技有限公司 91620600MA7000002P", &row), REG_FOUND_NAME);
    assert_int_equal(find(r, "91620600MA7000002P 甲乙科技有限公司", &row), REG_FOUND_CODE);
    assert_int_equal(row, 1);
    register_free(r);
}

static void find_should_fail_cleanly_without_memory(void **state)
{
    (void)state;
    TyRegister *r = reg();
    size_t row;
    int nomem = 0;
    ty_alloc_fail_after(0);
    TyRegFound f = register_find_firm(r, "甲乙科技有限公司", strlen("甲乙科技有限公司"), &row, &nomem);
    ty_alloc_fail_after(-1);
    assert_int_equal(f, REG_FOUND_NONE);
    assert_true(nomem);
    register_free(r);
}

static TyStatus parse(const char *extra, TyManifest *m, TyError *err)
{
    char text[1024];
    snprintf(text, sizeof text, "{\"format\": 1, \"name\": \"p\", \"version\": \"1.0.0\", \"publisher\": \"市\", "
             "\"description\": \"\", \"min_tuiyan\": \"0.1.0\", \"expires\": \"2030-12-31\", "
             "\"scenarios\": {\"s\": \"s.lua\"}%s}", extra);
    return manifest_parse("m.json", text, strlen(text), 1, NULL, TY_EDATA, m, err);
}

static void manifest_should_read_firm_level_outputs(void **state)
{
    (void)state;
    TyManifest m;
    TyError err;
    assert_int_equal(parse("", &m, &err), TY_OK);
    assert_false(m.firm_level_outputs);
    manifest_free(&m);
    assert_int_equal(parse(", \"firm_level_outputs\": true", &m, &err), TY_OK);
    assert_true(m.firm_level_outputs);
    manifest_free(&m);
    assert_int_equal(parse(", \"firm_level_outputs\": false", &m, &err), TY_OK);
    assert_false(m.firm_level_outputs);
    manifest_free(&m);
    assert_int_equal(parse(", \"firm_level_outputs\": \"yes\"", &m, &err), TY_EDATA);
    assert_non_null(strstr(err.msg, "\"firm_level_outputs\": expected true or false"));
    assert_int_equal(parse(", \"firm_level\": true", &m, &err), TY_EDATA);
    assert_non_null(strstr(err.msg, "unknown key \"firm_level\""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(find_should_see_codes_and_names_anywhere),
        cmocka_unit_test(find_should_fail_cleanly_without_memory),
        cmocka_unit_test(manifest_should_read_firm_level_outputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
