/* test_register_pay.c — a policy's rules over a register's columns (core/register_pay): a step
 * schedule on a column placed in its event year, a one-off paid once per firm at its earliest
 * year whatever the row order, conditions (verdicts, a required flag, an excluding flag), unknown
 * amounts kept out of the totals, totals by rule, county and payment year, and clean failure at
 * every allocation. Figures are worked by hand here from the Wuwei R7a and R8 texts: R8 pays 10
 * from 500 万元 of R&D ("以上": 500 included), 20 from 1000; R7a 20, lag 1. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "core/alloc.h"
#include "core/register.h"
#include "core/register_pay.h"
#include "core/schedule.h"
#include "io/register_file.h"

/* code, name, county, year, rd_3, hte_certified: the same firm A in 2024 (line 2) before 2023 (line 3) */
static const char CSV[] =
    "credit_code,name,county,year,rd_3,hte_certified\n"
    "91620600MA7000301M,A,凉州区,2024,1000,否\n"
    "91620600MA7000301M,A,凉州区,2023,499.99,否\n"
    "91620600MA7000302Q,B,古浪县,2024,500,是\n"
    "91620600MA7000303U,C,凉州区,2024,,否\n";

static TyRegister *load(void)
{
    TyError err;
    TyRegister *r = register_read_csv("pay.csv", CSV, sizeof CSV - 1, NULL, 0, &err);
    assert_non_null(r);
    assert_int_equal(r->n, 4);
    return r;
}

static TySchedule *r8(void)
{
    const double t[] = {500, 1000, 2000, 10000}, a[] = {10, 20, 50, 100};
    TySchedule *s;
    TyError err;
    assert_int_equal(schedule_new_step("R8", t, a, 4, TY_SCHEDULE_AT_LEAST, &s, &err), TY_OK);
    return s;
}

static TySchedule *r7a(void)
{
    TySchedule *s;
    TyError err;
    assert_int_equal(schedule_new_per_unit("R7a", 20, &s, &err), TY_OK);
    assert_int_equal(schedule_set_lag(s, 1, &err), TY_OK);
    return s;
}

static const double *col(const TyRegister *r, const char *name)
{
    long c = register_column(r, name);
    assert_true(c >= 0);
    return r->cols[c].v;
}

static void register_pay_should_pay_a_step_on_a_column_in_the_event_year(void **state)
{
    (void)state;
    TyRegister *r = load();
    TySchedule *s = r8();
    TyPayRule rule = {.s = s, .x = col(r, "rd_3"), .event_shift = -1};
    TyPay p;
    TyError err;
    assert_int_equal(register_pay(r, &rule, 1, &p, &err), TY_OK);
    /* 1000 -> 20; 499.99 -> 0; 500 -> 10 (以上 includes 500); empty -> unknown */
    assert_float_equal(p.amount[0][0], 20, 0);
    assert_float_equal(p.amount[0][1], 0, 0);
    assert_float_equal(p.amount[0][2], 10, 0);
    assert_true(isnan(p.amount[0][3]));
    assert_int_equal(p.unknown[0], 1);
    assert_int_equal(p.shift[0], -1);
    /* years 2023..2024 shifted by −1: 2022..2023 */
    assert_int_equal(p.year0, 2022);
    assert_int_equal(p.nyears, 2);
    assert_int_equal(p.ncounty, 2);   /* 凉州区 (row 1), 古浪县 (row 3) */
    assert_string_equal(register_county(r, p.county_row[1]), "古浪县");
    assert_float_equal(p.sum[register_pay_at(&p, 0, 0, 2023)], 20, 0);   /* A 2024's R&D of 2023 */
    assert_float_equal(p.sum[register_pay_at(&p, 0, 1, 2023)], 10, 0);
    assert_float_equal(p.sum[register_pay_at(&p, 0, 0, 2022)], 0, 0);
    assert_int_equal(p.paid[register_pay_at(&p, 0, 0, 2023)], 1);
    assert_float_equal(p.total[3], 0, 0);   /* unknown: not in the row's total */
    register_pay_free(&p);
    schedule_free(s);
    register_free(r);
}

static void register_pay_should_pay_a_one_off_once_per_firm_at_its_earliest_year(void **state)
{
    (void)state;
    TyRegister *r = load();
    TySchedule *s = r7a();
    const signed char qualifies[4] = {1, 1, 1, 0};
    TyPayRule rule = {.s = s, .cond = qualifies, .once = 1};
    TyPay p;
    TyError err;
    assert_int_equal(register_pay(r, &rule, 1, &p, &err), TY_OK);
    /* A qualifies in 2024 and 2023: paid once, for 2023 (the second row), in 2024 (lag 1) */
    assert_float_equal(p.amount[0][0], 0, 0);
    assert_float_equal(p.amount[0][1], 20, 0);
    assert_float_equal(p.amount[0][2], 20, 0);
    assert_float_equal(p.amount[0][3], 0, 0);   /* C does not qualify */
    assert_int_equal(p.shift[0], 1);
    assert_float_equal(p.sum[register_pay_at(&p, 0, 0, 2024)], 20, 0);
    assert_float_equal(p.sum[register_pay_at(&p, 0, 1, 2025)], 20, 0);
    register_pay_free(&p);
    /* B holds a certificate: excluded by unless; A's once still picks 2023 */
    rule.unless = col(r, "hte_certified");
    assert_int_equal(register_pay(r, &rule, 1, &p, &err), TY_OK);
    assert_float_equal(p.amount[0][1], 20, 0);
    assert_float_equal(p.amount[0][2], 0, 0);
    register_pay_free(&p);
    schedule_free(s);
    register_free(r);
}

static void register_pay_should_require_a_flag_and_add_rules_per_row(void **state)
{
    (void)state;
    TyRegister *r = load();
    TySchedule *a = r7a(), *b = r8();
    const signed char qualifies[4] = {1, 0, 1, 1};
    TyPayRule rules[2] = {
        {.s = a, .cond = qualifies, .once = 1},
        {.s = b, .x = col(r, "rd_3"), .flag = col(r, "hte_certified"), .event_shift = -1},
    };
    TyPay p;
    TyError err;
    assert_int_equal(register_pay(r, rules, 2, &p, &err), TY_OK);
    /* R8 only where hte_certified is yes (B): 10; A and C not; C's empty rd_3 is not asked */
    assert_float_equal(p.amount[1][0], 0, 0);
    assert_float_equal(p.amount[1][2], 10, 0);
    assert_float_equal(p.amount[1][3], 0, 0);
    assert_int_equal(p.unknown[1], 0);
    /* B: R7a 20 + R8 10 */
    assert_float_equal(p.total[2], 30, 0);
    /* years 2023..2024 with shifts −1 and +1: 2022..2025 */
    assert_int_equal(p.year0, 2022);
    assert_int_equal(p.nyears, 4);
    register_pay_free(&p);
    schedule_free(a);
    schedule_free(b);
    register_free(r);
}

/* 111 rows of one firm (years 1990..2100, a firm once a year) over 37 counties in turn (the county
 * hash grows past 8, 16 and 32 names): each row R8 10, so each county 3 rows, 30 over the years;
 * counties numbered by first appearance. */
static void register_pay_should_total_many_counties_in_turn(void **state)
{
    (void)state;
    char csv[16384];
    size_t len = (size_t)snprintf(csv, sizeof csv, "credit_code,name,county,year,rd_3\n");
    for (int i = 0; i < 111; i++)
        len += (size_t)snprintf(csv + len, sizeof csv - len, "91620600MA7000301M,F,县%02d,%d,500\n", i % 37, 1990 + i);
    TyError err;
    TyRegister *r = register_read_csv("many.csv", csv, len, NULL, 0, &err);
    assert_non_null(r);
    TySchedule *s = r8();
    TyPayRule rule = {.s = s, .x = col(r, "rd_3"), .event_shift = -1};
    TyPay p;
    assert_int_equal(register_pay(r, &rule, 1, &p, &err), TY_OK);
    assert_int_equal(p.ncounty, 37);
    for (size_t c = 0; c < 37; c++) {
        char want[16];
        snprintf(want, sizeof want, "县%02d", (int)c);
        assert_string_equal(register_county(r, p.county_row[c]), want);
        double sum = 0;
        size_t paid = 0;
        for (int y = 1989; y <= 2099; y++) {
            sum += p.sum[register_pay_at(&p, 0, c, y)];
            paid += p.paid[register_pay_at(&p, 0, c, y)];
        }
        assert_float_equal(sum, 30, 0);
        assert_int_equal(paid, 3);
        assert_float_equal(p.sum[register_pay_at(&p, 0, c, 1989 + (int)c)], 10, 0);   /* row c, year 1990 + c */
    }
    assert_int_equal(p.county_of[110], 36);
    assert_int_equal(p.county_of[37], 0);
    register_pay_free(&p);
    schedule_free(s);
    register_free(r);
}

static void register_pay_should_refuse_a_recurring_rule_and_a_missing_year(void **state)
{
    (void)state;
    TyRegister *r = load();
    TySchedule *s = r7a();
    TyError err;
    assert_int_equal(schedule_set_recurring(s, 3, &err), TY_OK);
    TyPayRule rule = {.s = s};
    TyPay p;
    assert_int_equal(register_pay(r, &rule, 1, &p, &err), TY_EDATA);
    assert_non_null(strstr(err.msg, "R7a recurs over 3 years"));
    register_free(r);
    static const char NOYEAR[] = "credit_code,name,staff\n91620600MA7000301M,A,10\n";
    r = register_read_csv("noyear.csv", NOYEAR, sizeof NOYEAR - 1, NULL, 0, &err);
    if (r) {   /* the reader may itself require a year */
        assert_int_equal(schedule_set_recurring(s, 1, &err), TY_OK);
        assert_int_equal(register_pay(r, &rule, 1, &p, &err), TY_EDATA);
        register_free(r);
    }
    schedule_free(s);
}

static void register_pay_should_fail_cleanly_at_every_allocation(void **state)
{
    (void)state;
    TyRegister *r = load();
    TySchedule *a = r7a(), *b = r8();
    const signed char qualifies[4] = {1, 1, 1, 0};
    TyPayRule rules[2] = {
        {.s = a, .cond = qualifies, .once = 1},
        {.s = b, .x = col(r, "rd_3"), .event_shift = -1},
    };
    int done = 0;
    for (long k = 0; k < 200 && !done; k++) {
        TyPay p;
        TyError err;
        ty_alloc_fail_after(k);
        TyStatus st = register_pay(r, rules, 2, &p, &err);
        ty_alloc_fail_after(-1);
        if (st == TY_OK) {
            assert_float_equal(p.total[1], 20, 0);
            register_pay_free(&p);
            done = 1;
        } else {
            assert_int_equal(st, TY_ENOMEM);
        }
    }
    assert_true(done);
    schedule_free(a);
    schedule_free(b);
    register_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(register_pay_should_pay_a_step_on_a_column_in_the_event_year),
        cmocka_unit_test(register_pay_should_pay_a_one_off_once_per_firm_at_its_earliest_year),
        cmocka_unit_test(register_pay_should_require_a_flag_and_add_rules_per_row),
        cmocka_unit_test(register_pay_should_total_many_counties_in_turn),
        cmocka_unit_test(register_pay_should_refuse_a_recurring_rule_and_a_missing_year),
        cmocka_unit_test(register_pay_should_fail_cleanly_at_every_allocation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
