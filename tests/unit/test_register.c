/* test_register.c — the register's core: the 统一社会信用代码 check character, calendar days, and
 * criteria over columns (bands, whole-number shortfalls, unknowns, the 后备 ranking), on figures
 * worked by hand here. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "core/register.h"
#include "core/register_check.h"
#include "core/alloc.h"
#include "io/register_file.h"

static void register_should_compute_the_check_character_worked_by_hand(void **state)
{
    (void)state;
    /* 91620600MA7000001: Σ value × 3^(i-1) mod 31 = 1189 (tests/lua/test_register.lua shows each
     * product); 1189 mod 31 = 11; 31 - 11 = 20 -> 'L' (0-9, then A..H, J, K, L). */
    assert_int_equal(register_credit_check_char("91620600MA7000001"), 'L');
    /* GB 32100-2015's own example code */
    assert_int_equal(register_credit_check_char("91350100M000100Y4"), '3');
    /* a sum that is a multiple of 31 gives 31 - 0 = 31, written '0' */
    assert_int_equal(register_credit_check_char("00000000000000000"), '0');
    /* 'S' is not in the set: no check character */
    assert_int_equal(register_credit_check_char("9162060SMA7000001"), 0);
    char why[256];
    assert_true(register_credit_code_valid("91620600MA7000001L", 18, why, sizeof why));
    assert_false(register_credit_code_valid("91620600MA7000001M", 18, why, sizeof why));
    assert_non_null(strstr(why, "the first 17 give 'L'"));
    assert_false(register_credit_code_valid("91620600MA7000001", 17, why, sizeof why));
    assert_false(register_credit_code_valid("91620600MS7000001L", 18, why, sizeof why));
    assert_non_null(strstr(why, "('S') is not in the code's set"));
}

static void register_should_count_calendar_days(void **state)
{
    (void)state;
    assert_int_equal(register_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(register_days_from_civil(2000, 3, 1), 11017);   /* 30 years, 7 leap days + 59 */
    assert_int_equal(register_days_from_civil(2024, 12, 31) - register_days_from_civil(2023, 12, 31), 366);
    assert_int_equal(register_days_from_civil(2024, 6, 30) - register_days_from_civil(2023, 7, 1), 365);
    long d;
    assert_true(register_parse_date("2024-02-29", 10, &d));
    assert_false(register_parse_date("2023-02-29", 10, &d));
    assert_false(register_parse_date("2024-13-01", 10, &d));
    char buf[16];
    register_format_date(register_days_from_civil(1999, 12, 31), buf, sizeof buf);
    assert_string_equal(buf, "1999-12-31");
}

/* A register of n rows with the given columns (values row by row). */
static TyRegister *small_register(size_t n, const char *const *names, size_t ncols, const double *v)
{
    TyRegister *r = register_new("t");
    TyError err;
    for (size_t c = 0; c < ncols; c++) {
        size_t idx;
        assert_int_equal(register_add_column(r, names[c], REG_NUMBER, (int)c + 1, &idx, &err), TY_OK);
    }
    assert_int_equal(register_resize(r, n, &err), TY_OK);
    for (size_t i = 0; i < n; i++)
        for (size_t c = 0; c < ncols; c++) r->cols[c].v[i] = v[i * ncols + c];
    return r;
}

static void register_check_should_pick_the_band_with_its_edge_below(void **state)
{
    (void)state;
    /* R&D / revenue against 5 % up to 5000, 4 % up to 20000, 3 % above (edges in the lower band) */
    const char *names[] = {"year", "rd", "rev"};
    double v[] = {2024, 250, 5000, 2024, 200.0004, 5000.01, 2024, 800, 20000, 2024, 600.0003, 20000.01};
    TyRegister *r = small_register(4, names, 3, v);
    TyCriterion c = {0};
    c.kind = CRIT_RATIO;
    c.op = CRIT_GE;
    c.num[0] = 1, c.nnum = 1;
    c.den[0] = 2, c.nden = 1;
    c.band_col = 2, c.nbands = 2;
    c.edges[0] = 5000, c.edges[1] = 20000;
    c.band_threshold[0] = 0.05, c.band_threshold[1] = 0.04, c.band_threshold[2] = 0.03;
    c.required = 1;
    TyCheck out;
    TyError err;
    assert_int_equal(register_check(r, &c, 1, &out, &err), TY_OK);
    assert_true(register_check_threshold(&out, 0, 0) == 0.05 && register_check_threshold(&out, 0, 1) == 0.04);
    assert_true(register_check_threshold(&out, 0, 2) == 0.04 && register_check_threshold(&out, 0, 3) == 0.03);
    for (int i = 0; i < 4; i++) assert_int_equal(out.met[0][i], 1);
    register_check_free(&out);
    register_free(r);
}

static void register_check_should_give_whole_people_and_unknowns(void **state)
{
    (void)state;
    /* S&T staff >= 10 % of staff: 11 of 110 meets; 9 of 110 lacks 2; 0 of 7 lacks 1 (0.7 rounds up); staff empty:
     * unknown. */
    const char *names[] = {"year", "st", "staff"};
    double v[] = {2024, 11, 110, 2024, 9, 110, 2024, 0, 7, 2024, 3, NAN};
    TyRegister *r = small_register(4, names, 3, v);
    TyCriterion c = {0};
    c.kind = CRIT_RATIO;
    c.op = CRIT_GE;
    c.num[0] = 1, c.nnum = 1;
    c.den[0] = 2, c.nden = 1;
    c.threshold = 0.10;
    c.integer = 1;
    c.required = 1;
    c.band_col = -1;
    TyCheck out;
    TyError err;
    assert_int_equal(register_check(r, &c, 1, &out, &err), TY_OK);
    assert_int_equal(out.met[0][0], 1);
    assert_int_equal(out.met[0][1], 0);
    assert_float_equal(out.shortfall[0][1], 2, 0);
    assert_float_equal(out.shortfall[0][2], 1, 0);
    assert_int_equal(out.met[0][3], -1);
    assert_true(isnan(out.shortfall[0][3]));
    /* 后备: row 2 (gap (0.1 - 0)/0.1 = 1), row 1 (0.1 - 9/110 = 0.018/0.1 = 0.18), row 3 (unknown, 1):
     * order 1 (0.18), then rows 2 and 3 tied at 1 in file order, sharing rank 2 */
    assert_int_equal(out.qualifies[0], 1);
    assert_int_equal(out.rank[0], 0);
    assert_int_equal(out.norder, 3);
    assert_int_equal(out.order[0], 1);
    assert_int_equal(out.order[1], 2);
    assert_int_equal(out.order[2], 3);
    assert_int_equal(out.rank[1], 1);
    assert_int_equal(out.rank[2], 2);
    assert_int_equal(out.rank[3], 2);
    register_check_free(&out);
    register_free(r);
}

static void register_check_should_not_round_a_whole_shortfall_up_past_the_threshold(void **state)
{
    (void)state;
    /* >= 7 % of 100 people: 0 lacks exactly 7 (0.07 × 100 = 7.000000000000001 in doubles; its
     * ceiling, 8, is one too many), 6 lacks 1 */
    const char *names[] = {"year", "st", "staff"};
    double v[] = {2024, 0, 100, 2024, 6, 100};
    TyRegister *r = small_register(2, names, 3, v);
    TyCriterion c = {0};
    c.kind = CRIT_RATIO, c.op = CRIT_GE, c.threshold = 0.07, c.integer = 1, c.required = 1, c.band_col = -1;
    c.num[0] = 1, c.nnum = 1, c.den[0] = 2, c.nden = 1;
    TyCheck out;
    TyError err;
    assert_int_equal(register_check(r, &c, 1, &out, &err), TY_OK);
    assert_float_equal(out.shortfall[0][0], 7, 0);
    assert_float_equal(out.shortfall[0][1], 1, 0);
    register_check_free(&out);
    register_free(r);
}

/* Every allocation failing in turn (RELIABILITY: the n-th allocation, n = 0, 1, ...): a clean
 * TY_ENOMEM and nothing leaked (the ASan build's leak checker), until the call succeeds. */
static void register_should_fail_cleanly_at_every_allocation(void **state)
{
    (void)state;
    static const char csv[] = "# title: t\ncredit_code,name,county,year,staff,st_staff,revenue_3(元)\n"
                              "91620600MA7000001L,a,x,2024,100,9,50000000\n"
                              "91620600MA7000002P,b,y,2024,100,11,\n";
    int done = 0;
    for (long n = 0; n < 200 && !done; n++) {
        TyError err;
        ty_error_clear(&err);
        ty_alloc_fail_after(n);
        TyRegister *r = register_read_csv("t.csv", csv, sizeof csv - 1, NULL, 0, &err);
        if (!r) {
            ty_alloc_fail_after(-1);
            assert_int_equal(err.code, TY_ENOMEM);
            continue;
        }
        TyCriterion c = {0};
        c.kind = CRIT_RATIO, c.op = CRIT_GE, c.threshold = 0.1, c.integer = 1, c.required = 1, c.band_col = -1;
        c.num[0] = (int)register_column(r, "st_staff"), c.nnum = 1;
        c.den[0] = (int)register_column(r, "staff"), c.nden = 1;
        TyCheck out;
        TyStatus st = register_check(r, &c, 1, &out, &err);
        ty_alloc_fail_after(-1);
        if (st == TY_OK) {
            assert_int_equal(out.met[0][0], 0);
            assert_float_equal(out.shortfall[0][0], 1, 0);
            assert_float_equal(r->cols[register_column(r, "revenue_3")].v[0], 5000, 0);
            register_check_free(&out);
            done = 1;
        } else {
            assert_int_equal(st, TY_ENOMEM);
        }
        register_free(r);
    }
    ty_alloc_fail_after(-1);
    assert_true(done);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(register_should_compute_the_check_character_worked_by_hand),
        cmocka_unit_test(register_should_count_calendar_days),
        cmocka_unit_test(register_check_should_pick_the_band_with_its_edge_below),
        cmocka_unit_test(register_check_should_give_whole_people_and_unknowns),
        cmocka_unit_test(register_check_should_not_round_a_whole_shortfall_up_past_the_threshold),
        cmocka_unit_test(register_should_fail_cleanly_at_every_allocation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
