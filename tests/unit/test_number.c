/* test_number.c — number_parse: the documented policy for numbers in data files, exact values,
 * exact reasons and columns (RELIABILITY.md §B, numbers rows). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <math.h>
#include <string.h>

#include "io/number.h"

static TyNumResult parse(const char *s, unsigned flags)
{
    TyNumResult r;
    number_parse(s, strlen(s), flags, &r);
    return r;
}

static void assert_value(const char *s, unsigned flags, double want)
{
    TyNumResult r = parse(s, flags);
    if (r.kind != NUM_VALUE) print_error("\"%s\": %s\n", s, r.why);
    assert_int_equal(r.kind, NUM_VALUE);
    assert_true(r.value == want);
}

static void assert_invalid(const char *s, unsigned flags, int col, const char *why)
{
    TyNumResult r = parse(s, flags);
    if (r.kind != NUM_INVALID) print_error("\"%s\" was accepted\n", s);
    assert_int_equal(r.kind, NUM_INVALID);
    assert_string_equal(r.why, why);
    assert_int_equal(r.col, col);
}

static void number_should_read_plain_decimal_numbers(void **state)
{
    assert_value("12", 0, 12);
    assert_value("-5", 0, -5);
    assert_value("+3", 0, 3);
    assert_value("12.5", 0, 12.5);
    assert_value(".5", 0, 0.5);
    assert_value("5.", 0, 5);
    assert_value("1e3", 0, 1000);
    assert_value("1E-3", 0, 0.001);
    assert_value("2.5e+2", 0, 250);
    assert_value("007", 0, 7);
}

static void number_should_ignore_surrounding_spaces_and_tabs(void **state)
{
    assert_value("  12\t", 0, 12);
    assert_value("\t-0.25 ", 0, -0.25);
}

static void number_should_read_full_width_digits_point_and_minus(void **state)
{
    assert_value("\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x8E\xEF\xBC\x95", 0, 12.5);   /* １２．５ */
    assert_value("\xEF\xBC\x8D\xEF\xBC\x95", 0, -5);                             /* －５ */
    assert_value("\xE2\x88\x92" "5", 0, -5);                                       /* −5, U+2212 */
    assert_value("\xE2\x88\x92" "1.5e3", 0, -1500);
}

static void number_should_give_missing_for_missing_tokens_never_zero(void **state)
{
    static const char *tokens[] = {
        "", "   ", "-", "--", "\xE2\x80\x94", "\xE2\x80\x94\xE2\x80\x94", "\xE2\x80\x93", "N/A", "n/a",
        "NA", "\xE6\x97\xA0", "/", "...", " \xE2\x80\x94 ", "\tN/A\t",
    };
    for (size_t k = 0; k < sizeof tokens / sizeof tokens[0]; k++) {
        TyNumResult r;
        r.value = 99;
        assert_int_equal(number_parse(tokens[k], strlen(tokens[k]), 0, &r), NUM_MISSING);
        assert_int_equal(r.kind, NUM_MISSING);
        assert_true(r.value == 0 || r.value == 99);   /* no number was produced */
    }
    /* Near misses are errors, not missing. */
    assert_invalid("na", 0, 1, "expected a number, found \"na\"");
    assert_invalid("---", 0, 2, "expected a number, found \"---\"");
}

static void number_should_reject_thousands_separator_without_grouping(void **state)
{
    assert_invalid("1,234", 0, 2,
                   "\"1,234\" has a thousands separator; declare grouping for this column or write 1234");
    assert_invalid("1,234,567.5", 0, 2,
                   "\"1,234,567.5\" has a thousands separator; declare grouping for this column or write 1234567.5");
}

static void number_should_read_thousands_separator_with_grouping(void **state)
{
    assert_value("1,234", NUM_ALLOW_GROUPING, 1234);
    assert_value("1,234,567.5", NUM_ALLOW_GROUPING, 1234567.5);
    assert_value("-12,345", NUM_ALLOW_GROUPING, -12345);
    assert_value("1234", NUM_ALLOW_GROUPING, 1234);
    assert_invalid("12,34", NUM_ALLOW_GROUPING, 3, "\"12,34\" is ambiguous (decimal comma?)");
    assert_invalid("1234,567", NUM_ALLOW_GROUPING, 5, "\"1234,567\" is ambiguous (decimal comma?)");
    assert_invalid("1,2345", NUM_ALLOW_GROUPING, 2, "\"1,2345\" is ambiguous (decimal comma?)");
    assert_invalid(",123", NUM_ALLOW_GROUPING, 1, "expected a number, found \",123\"");
}

static void number_should_reject_decimal_comma_as_ambiguous(void **state)
{
    assert_invalid("12,5", 0, 3, "\"12,5\" is ambiguous (decimal comma?)");
    assert_invalid("12,5", NUM_ALLOW_GROUPING, 3, "\"12,5\" is ambiguous (decimal comma?)");
}

static void number_should_read_percent_only_in_a_percent_column(void **state)
{
    assert_invalid("12%", 0, 3, "\"12%\" has a percent sign; write 12 in a % column");
    assert_value("12%", NUM_ALLOW_PERCENT, 12);
    assert_value("12.5", NUM_ALLOW_PERCENT, 12.5);
    assert_invalid("%", NUM_ALLOW_PERCENT, 1, "expected a number, found \"%\"");
    assert_invalid("12%%", NUM_ALLOW_PERCENT, 3, "expected a number, found \"12%%\"");
    assert_invalid("%12", NUM_ALLOW_PERCENT, 1, "expected a number, found \"%12\"");
    assert_invalid("1,234%", NUM_ALLOW_GROUPING, 6, "\"1,234%\" has a percent sign; write 1,234 in a % column");
    assert_value("1,234.5%", NUM_ALLOW_GROUPING | NUM_ALLOW_PERCENT, 1234.5);
    /* the full-width sign of Chinese documents, as the full-width digits */
    assert_value("12.5\xef\xbc\x85", NUM_ALLOW_PERCENT, 12.5);
    assert_value("\xef\xbc\x8b\xef\xbc\x91\xef\xbc\x92\xef\xbc\x85", NUM_ALLOW_PERCENT, 12);
    assert_invalid("12\xef\xbc\x85", 0, 3, "\"12\xef\xbc\x85\" has a percent sign; write 12 in a % column");
}

static void number_should_reject_hex_inf_and_nan(void **state)
{
    assert_invalid("0x10", 0, 2, "expected a number, found \"0x10\"");
    assert_invalid("0X1p3", 0, 2, "expected a number, found \"0X1p3\"");
    assert_invalid("inf", 0, 1, "expected a number, found \"inf\"");
    assert_invalid("-Infinity", 0, 2, "expected a number, found \"-Infinity\"");
    assert_invalid("nan", 0, 1, "expected a number, found \"nan\"");
    assert_invalid("NaN", 0, 1, "expected a number, found \"NaN\"");
}

static void number_should_reject_overflow_and_accept_underflow(void **state)
{
    assert_invalid("1e999", 0, 1, "\"1e999\" is out of range");
    assert_invalid(" -1e309", 0, 2, "\"-1e309\" is out of range");
    assert_value("1e-999", 0, 0);
    assert_value("4.9e-324", 0, 4.9e-324);   /* denormal */
    assert_value("1.7976931348623157e308", 0, 1.7976931348623157e308);
}

static void number_should_reject_chinese_numerals(void **state)
{
    assert_invalid("\xE4\xB8\x80\xE7\x99\xBE\xE4\xBA\x8C\xE5\x8D\x81", 0, 1,
                   "\"\xE4\xB8\x80\xE7\x99\xBE\xE4\xBA\x8C\xE5\x8D\x81\" is not a number (write digits)");
    assert_invalid("12\xE4\xB8\x87", 0, 3, "\"12\xE4\xB8\x87\" is not a number (write digits)");   /* 12万 */
}

static void number_should_reject_lone_point_two_signs_and_inner_spaces(void **state)
{
    assert_invalid(".", 0, 1, "expected a number, found \".\"");
    assert_invalid("+", 0, 1, "expected a number, found \"+\"");
    assert_invalid("--5", 0, 2, "expected a number, found \"--5\"");
    assert_invalid("+-5", 0, 2, "expected a number, found \"+-5\"");
    assert_invalid("1 234", 0, 2, "\"1 234\" has a space inside the number");
    assert_invalid("  1 2", 0, 4, "\"1 2\" has a space inside the number");   /* columns count the blanks */
    assert_invalid("1e", 0, 2, "expected a number, found \"1e\"");
    assert_invalid("1e+", 0, 2, "expected a number, found \"1e+\"");
    assert_invalid("1.2.3", 0, 4, "expected a number, found \"1.2.3\"");
    assert_invalid("12\xE3\x80\x80", 0, 3, "expected a number, found \"12\xE3\x80\x80\"");  /* ideographic space */
}

static void number_should_count_columns_in_characters(void **state)
{
    /* ５ is three bytes but one column: the x is character 3. */
    assert_invalid("\xEF\xBC\x95\xEF\xBC\x95x", 0, 3, "expected a number, found \"\xEF\xBC\x95\xEF\xBC\x95x\"");
}

static void number_should_reject_more_than_64_characters(void **state)
{
    char s[80];
    memset(s, '1', 64);
    s[64] = '\0';
    TyNumResult r = parse(s, 0);
    assert_int_equal(r.kind, NUM_VALUE);
    assert_true(r.value == 1.1111111111111111e63);
    s[64] = '1';
    s[65] = '\0';
    r = parse(s, 0);
    assert_int_equal(r.kind, NUM_INVALID);
    assert_int_equal(r.col, 65);
    assert_non_null(strstr(r.why, "number too long (more than 64 characters)"));
    assert_true(strlen(r.why) < 120);   /* the excerpt is shortened */
}

static void number_should_round_correctly(void **state)
{
    assert_value("0.1", 0, 0.1);
    assert_value("9007199254740993", 0, 9007199254740992.0);   /* ties to even */
    assert_value("2.2250738585072011e-308", 0, 2.2250738585072011e-308);
    assert_value("0.30000000000000004", 0, 0.30000000000000004);
}

static void number_should_not_read_past_len(void **state)
{
    TyNumResult r;
    assert_int_equal(number_parse("12x", 2, 0, &r), NUM_VALUE);
    assert_true(r.value == 12);
    assert_int_equal(number_parse("1e5", 2, 0, &r), NUM_INVALID);
    assert_int_equal(number_parse("\xEF\xBC\x91", 2, 0, &r), NUM_INVALID);   /* a cut ５ */
    assert_int_equal(r.col, 1);
}

static void number_should_show_invalid_bytes_as_question_marks(void **state)
{
    assert_invalid("\xFF" "1", 0, 1, "expected a number, found \"?1\"");
    assert_invalid("1\n2", 0, 2, "expected a number, found \"1?2\"");
}

static void number_should_not_depend_on_lc_numeric(void **state)
{
    static const char *comma_locales[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "ru_RU.UTF-8"};
    const char *got = NULL;
    for (size_t k = 0; k < sizeof comma_locales / sizeof comma_locales[0] && !got; k++)
        got = setlocale(LC_NUMERIC, comma_locales[k]);
    /* Not a skip: without the locale this test would prove nothing and still pass
     * (tools/deps.sh test and .ci/run generate de_DE.UTF-8). */
    if (!got) fail_msg("no decimal-comma locale (de_DE.UTF-8) installed; run tools/deps.sh test as root");
    char buf[40];
    snprintf(buf, sizeof buf, "%.1f", 0.5);
    assert_string_equal(buf, "0,5");   /* the comma really is in force */
    assert_value("12.5", 0, 12.5);
    assert_value("1,234.5", NUM_ALLOW_GROUPING, 1234.5);
    assert_invalid("12,5", 0, 3, "\"12,5\" is ambiguous (decimal comma?)");
    /* and numbers are written with '.', shortest form that reads back */
    assert_string_equal(number_format(55.35, buf, sizeof buf), "55.35");
    assert_string_equal(number_format(0.1 + 0.2, buf, sizeof buf), "0.30000000000000004");
    setlocale(LC_NUMERIC, "C");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(number_should_read_plain_decimal_numbers),
        cmocka_unit_test(number_should_ignore_surrounding_spaces_and_tabs),
        cmocka_unit_test(number_should_read_full_width_digits_point_and_minus),
        cmocka_unit_test(number_should_give_missing_for_missing_tokens_never_zero),
        cmocka_unit_test(number_should_reject_thousands_separator_without_grouping),
        cmocka_unit_test(number_should_read_thousands_separator_with_grouping),
        cmocka_unit_test(number_should_reject_decimal_comma_as_ambiguous),
        cmocka_unit_test(number_should_read_percent_only_in_a_percent_column),
        cmocka_unit_test(number_should_reject_hex_inf_and_nan),
        cmocka_unit_test(number_should_reject_overflow_and_accept_underflow),
        cmocka_unit_test(number_should_reject_chinese_numerals),
        cmocka_unit_test(number_should_reject_lone_point_two_signs_and_inner_spaces),
        cmocka_unit_test(number_should_count_columns_in_characters),
        cmocka_unit_test(number_should_reject_more_than_64_characters),
        cmocka_unit_test(number_should_round_correctly),
        cmocka_unit_test(number_should_not_read_past_len),
        cmocka_unit_test(number_should_show_invalid_bytes_as_question_marks),
        cmocka_unit_test(number_should_not_depend_on_lc_numeric),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
