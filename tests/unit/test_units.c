/* test_units.c — the unit algebra: parsing, scales, conversions and the exact error texts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "core/units.h"

/* cmocka 1.1 compares only floats; doubles need their own check. */
#define assert_near(a, b, eps) units_test_near((a), (b), (eps), __FILE__, __LINE__)
static void units_test_near(double a, double b, double eps, const char *file, int line)
{
    if (fabs(a - b) <= eps) return;
    print_error("%.17g != %.17g (within %g)\n", a, b, eps);
    _fail(file, line);
}

static TyUnit parse_ok(const char *text)
{
    TyUnit u;
    TyError err;
    ty_error_clear(&err);
    TyStatus st = units_parse(text, &u, &err);
    if (st != TY_OK) fail_msg("units_parse('%s'): %s", text, err.msg);
    return u;
}

static void expect_parse_error(const char *text, const char *msg)
{
    TyUnit u;
    TyError err;
    ty_error_clear(&err);
    assert_int_equal(units_parse(text, &u, &err), TY_ESCRIPT);
    assert_string_equal(err.msg, msg);
}

static void units_should_parse_money_with_magnitude_prefixes(void **state)
{
    (void)state;
    TyUnit yi = parse_ok("亿元"), wan = parse_ok("万元"), yuan = parse_ok("元");
    assert_int_equal(yi.ndims, 1);
    assert_string_equal(yi.dims[0].name, "元");
    assert_int_equal(yi.dims[0].exp, 1);
    assert_true(yi.scale == 1e8);
    assert_true(wan.scale == 1e4);
    assert_true(yuan.scale == 1.0);
    assert_true(units_same_dimension(&yi, &wan));
    assert_true(parse_ok("百万元").scale == 1e6);
    assert_true(parse_ok("千亿元").scale == 1e11);
}

static void units_should_convert_wan_yuan_and_yi_yuan(void **state)
{
    (void)state;
    TyUnit yi = parse_ok("亿元"), wan = parse_ok("万元");
    /* 5 万元 is 0.0005 亿元; 2 亿元 is 20000 万元. */
    assert_near(5 * units_factor(&wan, &yi), 0.0005, 1e-18);
    assert_near(2 * units_factor(&yi, &wan), 20000.0, 1e-9);
}

static void units_should_convert_percent_and_ratio(void **state)
{
    (void)state;
    TyUnit pct = parse_ok("%"), ratio = parse_ok("ratio"), one = parse_ok("1");
    assert_true(units_is_dimensionless(&pct));
    assert_true(units_same_dimension(&pct, &ratio));
    assert_near(3.5 * units_factor(&pct, &ratio), 0.035, 1e-15);
    assert_near(0.2 * units_factor(&one, &pct), 20.0, 1e-12);
    assert_true(parse_ok("百分点").scale == 0.01);   /* not 百 × 分点 */
    assert_true(parse_ok("‰").scale == 0.001);
    assert_true(parse_ok("").ndims == 0 && parse_ok("").scale == 1.0);
}

static void units_should_keep_unknown_words_apart(void **state)
{
    (void)state;
    TyUnit jia = parse_ok("家"), jian = parse_ok("件"), renian = parse_ok("人年");
    assert_false(units_same_dimension(&jia, &jian));
    assert_int_equal(renian.ndims, 1);
    assert_string_equal(renian.dims[0].name, "人年");   /* one word, not 人·年 */
}

static void units_should_parse_rates_and_densities(void **state)
{
    (void)state;
    TyUnit flow = parse_ok("亿元/年");
    assert_int_equal(flow.ndims, 2);
    assert_string_equal(flow.dims[0].name, "元");
    assert_int_equal(flow.dims[0].exp, 1);
    assert_string_equal(flow.dims[1].name, "年");
    assert_int_equal(flow.dims[1].exp, -1);
    assert_true(flow.scale == 1e8);

    TyUnit density = parse_ok("件/万人");
    assert_true(fabs(density.scale - 1e-4) < 1e-20);
    TyUnit per_person = parse_ok("件 / 人");
    assert_true(units_same_dimension(&density, &per_person));
    assert_near(units_factor(&density, &per_person), 1e-4, 1e-20);

    TyUnit a = parse_ok("家/year"), b = parse_ok("家/年");
    assert_true(units_same_dimension(&a, &b));
    TyUnit sq = parse_ok("m^2"), sq2 = parse_ok("m²"), prod = parse_ok("m*m"), dot = parse_ok("m·m");
    assert_true(units_same_dimension(&sq, &sq2));
    assert_true(units_same_dimension(&sq, &prod));
    assert_true(units_same_dimension(&sq, &dot));
    TyUnit chain = parse_ok("元/年/人");
    assert_int_equal(chain.ndims, 3);
}

static void units_should_combine_products_and_quotients(void **state)
{
    (void)state;
    TyUnit yi = parse_ok("亿元"), pct = parse_ok("%"), out;
    TyError err;
    assert_int_equal(units_div(&yi, &yi, &out, &err), TY_OK);
    assert_true(units_is_dimensionless(&out));
    assert_true(out.scale == 1.0);
    assert_int_equal(units_mul(&yi, &pct, &out, &err), TY_OK);   /* % of 亿元 is 百万元 */
    assert_true(units_same_dimension(&out, &yi));
    assert_near(out.scale, 1e6, 1e-6);
    assert_int_equal(units_pow(&yi, 2, &out, &err), TY_OK);
    assert_int_equal(out.dims[0].exp, 2);
    TyUnit back;
    assert_int_equal(units_root(&out, 2, &back, &err), TY_OK);
    assert_true(units_same_dimension(&back, &yi));
    assert_near(back.scale, 1e8, 1e-4);
    assert_int_equal(units_root(&yi, 2, &back, &err), TY_ESCRIPT);
    assert_string_equal(err.msg, "the root of 元 has a fractional unit");
}

static void units_should_format_with_prefixes(void **state)
{
    (void)state;
    char buf[64];
    TyUnit u = parse_ok("万元");
    assert_string_equal(units_format(&u, buf, sizeof buf), "万元");
    u = parse_ok("亿元/年");
    assert_string_equal(units_format(&u, buf, sizeof buf), "亿元/年");
    assert_string_equal(units_format_dimension(&u, buf, sizeof buf), "元/年");
    u = parse_ok("件/万人");
    assert_string_equal(units_format(&u, buf, sizeof buf), "件/万人");
    u = parse_ok("%");
    assert_string_equal(units_format(&u, buf, sizeof buf), "%");
    assert_string_equal(units_format_dimension(&u, buf, sizeof buf), "dimensionless");
    u = parse_ok("1/年");
    assert_string_equal(units_format(&u, buf, sizeof buf), "1/年");
    char tiny[4];
    u = parse_ok("亿元/年");
    units_format(&u, tiny, sizeof tiny);
    assert_true(strlen(tiny) <= 3);
}

static void units_should_reject_bad_strings_with_exact_messages(void **state)
{
    (void)state;
    expect_parse_error("亿元//年", "bad unit '亿元//年': expected a unit word after '/'");
    expect_parse_error("元 年", "bad unit '元 年': expected '/', '*' or '·' between unit words");
    expect_parse_error("元^x", "bad unit '元^x': expected an integer exponent after '^'");
    expect_parse_error("元/(年*人)",
                       "bad unit '元/(年*人)': parentheses are not supported; write 元/年/人 for 元/(年·人)");
    expect_parse_error("10元", "bad unit '10元': a unit word cannot be a number (only 1)");
    expect_parse_error("/年", "bad unit '/年': expected a unit word");
    expect_parse_error("元/", "bad unit '元/': expected a unit word after '/'");
    expect_parse_error("a*b*c*d*e*f*g", "bad unit 'a*b*c*d*e*f*g': too many dimensions (at most 6)");
    expect_parse_error("abcdefghijabcdefghijabcdefghijabc",
                       "bad unit 'abcdefghijabcdefghijabcdefghijabc': a unit word is longer than 31 bytes");
    expect_parse_error("元\x01年", "bad unit '元\x01年': control character in unit");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(units_should_parse_money_with_magnitude_prefixes),
        cmocka_unit_test(units_should_convert_wan_yuan_and_yi_yuan),
        cmocka_unit_test(units_should_convert_percent_and_ratio),
        cmocka_unit_test(units_should_keep_unknown_words_apart),
        cmocka_unit_test(units_should_parse_rates_and_densities),
        cmocka_unit_test(units_should_combine_products_and_quotients),
        cmocka_unit_test(units_should_format_with_prefixes),
        cmocka_unit_test(units_should_reject_bad_strings_with_exact_messages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
