/* test_model.c — the model builder and compiler: names, cycles, units, delays, folding, and
 * the exact text of every compile error an analyst can meet. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/eval.h"
#include "core/model.h"

/* ---- small builders: each asserts success, so a test reads like the model it builds ---- */

static TyError model_test_err;

static void ok(TyStatus st)
{
    if (st != TY_OK) fail_msg("unexpected error %d: %s", st, model_test_err.msg);
}

static int num(TyModelBuilder *b, double v)
{
    int n;
    ok(model_node_const(b, v, &n, &model_test_err));
    return n;
}

static int ref(TyModelBuilder *b, const char *name)
{
    int n;
    ok(model_node_ref(b, name, &n, &model_test_err));
    return n;
}

static int call(TyModelBuilder *b, TyOp op, int nargs, ...)
{
    int args[8], n;
    va_list ap;
    va_start(ap, nargs);
    for (int i = 0; i < nargs; i++) args[i] = va_arg(ap, int);
    va_end(ap);
    ok(model_node_call(b, op, args, (size_t)nargs, &n, &model_test_err));
    return n;
}

static int param(TyModelBuilder *b, const char *name, const char *unit, const char *loc,
                 double v)
{
    int e;
    TyValue d = model_value_scalar(v);
    ok(model_add_param(b, name, unit, loc, &d, &e, &model_test_err));
    return e;
}

static int aux(TyModelBuilder *b, const char *name, const char *unit, const char *loc, int expr)
{
    int e;
    ok(model_add_aux(b, name, unit, loc, expr, &e, &model_test_err));
    return e;
}

/* Compiles 2021-2025 expecting failure; checks the status and the formatted message. */
static void expect_compile_error(TyModelBuilder *b, TyStatus code, const char *text)
{
    TyModel *m = NULL;
    TyError err;
    ty_error_clear(&err);
    TyStatus st = model_compile(b, 2021, 2025, &m, &err);
    char buf[1200];
    ty_error_format(&err, buf, sizeof buf);
    if (st != code) fail_msg("status %d, expected %d: %s", st, code, buf);
    assert_null(m);
    assert_string_equal(buf, text);
}

static TyModel *compile_ok(TyModelBuilder *b, int first, int last)
{
    TyModel *m = NULL;
    TyError err;
    ty_error_clear(&err);
    if (model_compile(b, first, last, &m, &err) != TY_OK) {
        char buf[1200];
        fail_msg("compile failed: %s", ty_error_format(&err, buf, sizeof buf));
    }
    assert_non_null(m);
    return m;
}

/* ---- tests ---- */

static void model_should_describe_its_elements(void **state)
{
    (void)state;
    TyModelBuilder *b = model_builder_new();
    param(b, "gdp", "亿元", "m.lua:1", 500);
    aux(b, "gdp2", "亿元", "m.lua:2", call(b, TY_OP_MUL, 2, ref(b, "gdp"), num(b, 2)));
    TyModel *m = compile_ok(b, 2021, 2035);
    model_builder_free(b);
    assert_int_equal(model_element_count(m), 2);
    assert_int_equal(model_first_year(m), 2021);
    assert_int_equal(model_last_year(m), 2035);
    int e = model_element_find(m, "gdp2");
    assert_int_equal(e, 1);
    assert_int_equal(model_element_find(m, "nope"), -1);
    assert_string_equal(model_element_name(m, e), "gdp2");
    assert_int_equal(model_element_kind(m, e), TY_ELEM_AUX);
    assert_string_equal(model_element_unit(m, e), "亿元");
    assert_string_equal(model_element_loc(m, e), "m.lua:2");
    assert_string_equal(model_kind_name(TY_ELEM_STOCK), "stock");
    model_free(m);
}

static void model_should_place_errors_at_the_element_location(void **state)
{
    (void)state;
    static const struct { const char *loc; const char *file; int line, col; } cases[] = {
        { "stdlib/tuiyan/models/wuwei.lua:42:7", "stdlib/tuiyan/models/wuwei.lua", 42, 7 },
        { "m.lua:9", "m.lua", 9, 0 },
        { "policy", "policy", 0, 0 },
        { "C:\\models\\a.lua:3", "C:\\models\\a.lua", 3, 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        TyModelBuilder *b = model_builder_new();
        aux(b, "x", "1", cases[i].loc, ref(b, "nothing"));
        TyModel *m = NULL;
        TyError err;
        assert_int_equal(model_compile(b, 2021, 2022, &m, &err), TY_ESCRIPT);
        assert_string_equal(err.file, cases[i].file);
        assert_int_equal(err.line, cases[i].line);
        assert_int_equal(err.col, cases[i].col);
        assert_string_equal(err.msg, "unknown name 'nothing' in 'x'");
        model_builder_free(b);
    }
    TyModelBuilder *b = model_builder_new();
    aux(b, "x", "1", NULL, ref(b, "nothing"));
    expect_compile_error(b, TY_ESCRIPT, "unknown name 'nothing' in 'x'");
    model_builder_free(b);
}

static void model_should_find_ops_by_name(void **state)
{
    (void)state;
    assert_int_equal(model_op_find("add"), TY_OP_ADD);
    assert_int_equal(model_op_find("if_"), TY_OP_IF);
    assert_int_equal(model_op_find("growth"), TY_OP_GROWTH);
    assert_int_equal(model_op_find("ref"), -1);      /* has its own builder function */
    assert_int_equal(model_op_find("nosuch"), -1);
    assert_string_equal(model_op_name(TY_OP_CLAMP), "clamp");
    int lo, hi;
    model_op_arity(TY_OP_SUM, &lo, &hi);
    assert_int_equal(lo, 1);
    assert_int_equal(hi, -1);
}

static void model_should_report_unknown_names_with_a_suggestion(void **state)
{
    (void)state;
    TyModelBuilder *b = model_builder_new();
    param(b, "gdp", "亿元", "wuwei.lua:3", 500);
    param(b, "rd", "亿元", "wuwei.lua:4", 5);
    aux(b, "rd_intensity", "%", "wuwei.lua:42",
        call(b, TY_OP_DIV, 2, ref(b, "rd"), ref(b, "gpd")));
    expect_compile_error(b, TY_ESCRIPT,
                         "wuwei.lua:42: unknown name 'gpd' in 'rd_intensity'; did you mean 'gdp'?");
    model_builder_free(b);

    b = model_builder_new();
    param(b, "gdp", "亿元", "wuwei.lua:3", 500);
    aux(b, "x", "亿元", "wuwei.lua:5", ref(b, "population"));
    expect_compile_error(b, TY_ESCRIPT, "wuwei.lua:5: unknown name 'population' in 'x'");
    model_builder_free(b);
}

static void model_should_name_every_member_of_a_cycle(void **state)
{
    (void)state;
    TyModelBuilder *b = model_builder_new();
    param(b, "p", "1", "f.lua:1", 1);
    aux(b, "d", "1", "f.lua:2", ref(b, "p"));
    aux(b, "a", "1", "f.lua:10", call(b, TY_OP_ADD, 2, ref(b, "b"), num(b, 1)));
    aux(b, "b", "1", "f.lua:11", call(b, TY_OP_MUL, 2, ref(b, "c"), ref(b, "p")));
    aux(b, "c", "1", "f.lua:12", call(b, TY_OP_MAX, 2, ref(b, "d"), ref(b, "a")));
    expect_compile_error(b, TY_ESCRIPT,
                         "f.lua:10: circular definition without a delay: a -> b -> c -> a "
                         "(a at f.lua:10, b at f.lua:11, c at f.lua:12)");
    model_builder_free(b);

    b = model_builder_new();
    aux(b, "x", "1", "f.lua:7", call(b, TY_OP_ADD, 2, ref(b, "x"), num(b, 1)));
    expect_compile_error(b, TY_ESCRIPT,
                         "f.lua:7: circular definition without a delay: x -> x (x at f.lua:7)");
    model_builder_free(b);
}

static void model_should_let_delays_and_stocks_break_cycles(void **state)
{
    (void)state;
    TyModelBuilder *b = model_builder_new();
    int d, e, s;
    ok(model_node_delay(b, "b", 1, -1, &d, &model_test_err));
    e = aux(b, "a", "1", "f.lua:1", d);
    (void)e;
    int bb = aux(b, "b", "1", "f.lua:2", call(b, TY_OP_ADD, 2, ref(b, "a"), num(b, 1)));
    ok(model_set_history_const(b, bb, 0, &model_test_err));
    /* A stock whose flow depends on the stock: no same-year cycle. */
    ok(model_add_stock(b, "s", "家", "f.lua:3", num(b, 10), &s, &model_test_err));
    ok(model_add_flow(b, "f", "家/年", "f.lua:4",
                      call(b, TY_OP_MUL, 2, ref(b, "s"), num(b, 0.1)), NULL, &model_test_err));
    ok(model_stock_add_inflow(b, s, "f", &model_test_err));
    TyModel *m = compile_ok(b, 2021, 2025);
    model_free(m);
    model_builder_free(b);
}

static void model_should_name_both_sides_of_a_unit_mismatch(void **state)
{
    (void)state;
    TyModelBuilder *b = model_builder_new();
    param(b, "rd", "亿元", "wuwei.lua:40", 5);
    param(b, "gdp", "亿元", "wuwei.lua:41", 500);
    aux(b, "rd_intensity", "家", "stdlib/tuiyan/models/wuwei.lua:42",
        call(b, TY_OP_DIV, 2, ref(b, "rd"), ref(b, "gdp")));
    expect_compile_error(b, TY_ESCRIPT,
                         "stdlib/tuiyan/models/wuwei.lua:42: unit mismatch in 'rd_intensity': "
                         "亿元 / 亿元 is dimensionless but the element is declared 家");
    model_builder_free(b);

    b = model_builder_new();
    param(b, "gdp", "亿元", "m.lua:1", 500);
    param(b, "firms", "家", "m.lua:2", 50);
    aux(b, "x", "亿元", "m.lua:3", call(b, TY_OP_ADD, 2, ref(b, "gdp"), ref(b, "firms")));
    expect_compile_error(b, TY_ESCRIPT,
                         "m.lua:3: unit mismatch in 'x': cannot add 亿元 (gdp) and 家 (firms)");
    model_builder_free(b);

    b = model_builder_new();
    param(b, "gdp", "亿元", "m.lua:1", 500);
    param(b, "firms", "家", "m.lua:2", 50);
    aux(b, "x", "亿元", "m.lua:3",
        call(b, TY_OP_MAX, 3, ref(b, "gdp"), num(b, 0),
             call(b, TY_OP_MUL, 2, ref(b, "firms"), num(b, 2))));
    expect_compile_error(b, TY_ESCRIPT,
                         "m.lua:3: unit mismatch in 'x': cannot mix 亿元 (gdp) and 家 (firms * 2) in max");
    model_builder_free(b);

    b = model_builder_new();
    param(b, "gdp", "亿元", "m.lua:1", 500);
    aux(b, "x", "家", "m.lua:4", ref(b, "gdp"));
    expect_compile_error(b, TY_ESCRIPT,
                         "m.lua:4: unit mismatch in 'x': the expression is in 亿元 but the element is declared 家");
    model_builder_free(b);

    b = model_builder_new();
    param(b, "gdp", "亿元", "m.lua:1", 500);
    aux(b, "x", "1", "m.lua:5", call(b, TY_OP_EXP, 1, ref(b, "gdp")));
    expect_compile_error(b, TY_ESCRIPT,
                         "m.lua:5: unit mismatch in 'x': the argument of exp must be dimensionless, found 亿元 (gdp)");
    model_builder_free(b);

    b = model_builder_new();
    param(b, "gdp", "亿元", "m.lua:1", 500);
    param(b, "firms", "家", "m.lua:2", 50);
    aux(b, "x", "1", "m.lua:6", call(b, TY_OP_GT, 2, ref(b, "gdp"), ref(b, "firms")));
    expect_compile_error(b, TY_ESCRIPT,
                         "m.lua:6: unit mismatch in 'x': cannot compare 亿元 (gdp) and 家 (firms)");
    model_builder_free(b);
}

static void model_should_check_flow_units_against_the_stock(void **state)
{
    (void)state;
    TyModelBuilder *b = model_builder_new();
    int s;
    param(b, "money", "亿元/年", "m.lua:1", 1);
    param(b, "certs", "家/年", "m.lua:2", 10);
    ok(model_add_stock(b, "hte", "家", "m.lua:3", num(b, 59), &s, &model_test_err));
    ok(model_stock_add_inflow(b, s, "certs", &model_test_err));
    ok(model_stock_add_inflow(b, s, "money", &model_test_err));
    expect_compile_error(b, TY_ESCRIPT,
                         "m.lua:3: unit mismatch in stock 'hte': inflow 'money' is in 亿元/年 but "
                         "the flows of a 家 stock must be in 家/年 or 家");
    model_builder_free(b);

    b = model_builder_new();
    param(b, "certs", "家/年", "m.lua:2", 10);
    ok(model_add_stock(b, "hte", "家", "m.lua:3", num(b, 59), &s, &model_test_err));
    ok(model_stock_add_outflow(b, s, "cert", &model_test_err));
    expect_compile_error(b, TY_ESCRIPT,
                         "m.lua:3: unknown outflow 'cert' of stock 'hte'; did you mean 'certs'?");
    model_builder_free(b);

    /* A flow may be in 家 or 家/年 (the step is one year); an aux must say which. */
    b = model_builder_new();
    ok(model_add_stock(b, "hte", "家", "m.lua:3", num(b, 59), &s, &model_test_err));
    ok(model_add_flow(b, "exits", "家/年", "m.lua:4",
                      call(b, TY_OP_MUL, 2, ref(b, "hte"), num(b, 0.05)), NULL, &model_test_err));
    ok(model_stock_add_outflow(b, s, "exits", &model_test_err));
    TyModel *m = compile_ok(b, 2021, 2025);
    model_free(m);
    aux(b, "exits_aux", "家/年", "m.lua:5", call(b, TY_OP_MUL, 2, ref(b, "hte"), num(b, 0.05)));
    expect_compile_error(b, TY_ESCRIPT,
                         "m.lua:5: unit mismatch in 'exits_aux': the expression is in 家 but the "
                         "element is declared 家/年; they differ by /年: give the rate a unit per "
                         "年 (such as %/年), or make it a flow");
    model_builder_free(b);

    b = model_builder_new();
    param(b, "gdp", "亿元", "m.lua:1", 500);
    ok(model_add_stock(b, "hte", "家", "m.lua:3", ref(b, "gdp"), &s, &model_test_err));
    expect_compile_error(b, TY_ESCRIPT,
                         "m.lua:3: unit mismatch in 'hte': the initial value is in 亿元 but the "
                         "stock is declared 家");
    model_builder_free(b);
}

static void model_should_require_a_history_for_delays(void **state)
{
    (void)state;
    TyModelBuilder *b = model_builder_new();
    int d;
    int c = param(b, "certs", "家/年", "m.lua:1", 10);
    ok(model_node_delay(b, "certs", 3, -1, &d, &model_test_err));
    ok(model_add_flow(b, "exits", "家/年", "m.lua:7", d, NULL, &model_test_err));
    expect_compile_error(b, TY_ESCRIPT,
                         "m.lua:7: delay(certs, 3) in 'exits' reads 2018-2020, before the first "
                         "year 2021, but 'certs' has no history: declare one, or give delay an "
                         "initial value");
    double short_hist[] = { 9, 10 };
    ok(model_set_history(b, c, 2019, short_hist, 2, &model_test_err));
    expect_compile_error(b, TY_ESCRIPT,
                         "m.lua:7: delay(certs, 3) in 'exits' reads 2018-2020, but the history "
                         "of 'certs' covers only 2019-2020");
    double hist[] = { 12, 8, 9 };
    ok(model_set_history(b, c, 2018, hist, 3, &model_test_err));
    TyModel *m = compile_ok(b, 2021, 2025);
    model_free(m);
    model_builder_free(b);

    /* A delay with its own initial value needs no history. */
    b = model_builder_new();
    param(b, "x", "1", "m.lua:1", 10);
    ok(model_node_delay(b, "x", 1, num(b, 0), &d, &model_test_err));
    aux(b, "y", "1", "m.lua:2", d);
    m = compile_ok(b, 2021, 2025);
    model_free(m);
    model_builder_free(b);
}

static void model_should_reject_bad_declarations_at_once(void **state)
{
    (void)state;
    TyModelBuilder *b = model_builder_new();
    TyError err;
    char buf[1000];
    int n;
    param(b, "gdp", "亿元", "m.lua:1", 500);
    TyValue d = model_value_scalar(1);
    assert_int_equal(model_add_param(b, "gdp", "亿元", "m.lua:3", &d, NULL, &err), TY_ESCRIPT);
    assert_string_equal(ty_error_format(&err, buf, sizeof buf),
                        "m.lua:3: element 'gdp' is already defined at m.lua:1");
    assert_int_equal(model_add_param(b, "1x", "亿元", "m.lua:4", &d, NULL, &err), TY_ESCRIPT);
    assert_string_equal(ty_error_format(&err, buf, sizeof buf),
                        "m.lua:4: bad element name '1x': a name is a letter or _ followed by "
                        "letters, digits or _ (at most 128 bytes)");
    assert_int_equal(model_add_param(b, "x", "亿元//年", "m.lua:5", &d, NULL, &err), TY_ESCRIPT);
    assert_string_equal(ty_error_format(&err, buf, sizeof buf),
                        "m.lua:5: bad unit '亿元//年': expected a unit word after '/', the unit of 'x'");
    assert_int_equal(model_node_call(b, TY_OP_MIN, NULL, 0, &n, &err), TY_ESCRIPT);
    assert_string_equal(err.msg, "min takes at least 1 argument, got 0");
    int two[2] = { 0, 0 };
    assert_int_equal(model_node_call(b, TY_OP_IF, two, 2, &n, &err), TY_ESCRIPT);
    assert_string_equal(err.msg, "if_ takes 3 arguments, got 2");
    assert_int_equal(model_node_call(b, TY_OP_LOG, two, 2, &n, &err), TY_ESCRIPT);   /* no node 0 */
    assert_string_equal(err.msg, "log: no expression node 0");
    assert_int_equal(model_node_call(b, TY_OP_REF, NULL, 0, &n, &err), TY_ESCRIPT);
    assert_string_equal(err.msg, "model_node_call: 'ref' is not a function");
    assert_int_equal(model_node_delay(b, "gdp", 0, -1, &n, &err), TY_ESCRIPT);
    assert_string_equal(err.msg, "delay of 'gdp': years must be 1 to 200, not 0");
    assert_int_equal(model_add_aux(b, "y", "1", "m.lua:6", 99, NULL, &err), TY_ESCRIPT);
    assert_string_equal(ty_error_format(&err, buf, sizeof buf), "m.lua:6: 'y': no expression node 99");
    double xs[] = { 0, 2, 1 }, ys[] = { 0, 1, 2 };
    assert_int_equal(model_add_lookup(b, "t", "1", NULL, "m.lua:7", xs, ys, 3, NULL, &err),
                     TY_ESCRIPT);
    assert_string_equal(ty_error_format(&err, buf, sizeof buf),
                        "m.lua:7: lookup 't': x values must increase (point 3: 1 after 2)");
    double years[] = { 2025, 2021 };
    int vals[2];
    vals[0] = vals[1] = num(b, 1);
    assert_int_equal(model_node_interp(b, years, vals, 2, &n, &err), TY_ESCRIPT);
    assert_string_equal(err.msg, "interp: years must increase (2021 after 2025)");
    /* None of the failures left anything behind: the builder still compiles. */
    TyModel *m = compile_ok(b, 2021, 2025);
    assert_int_equal(model_element_count(m), 1);
    model_free(m);
    model_builder_free(b);
}

static void model_should_reject_misused_lookups_and_functions(void **state)
{
    (void)state;
    double xs[] = { 0, 10 }, ys[] = { 0, 1 };
    TyModelBuilder *b = model_builder_new();
    param(b, "gdp", "亿元", "m.lua:1", 500);
    ok(model_add_lookup(b, "t", "1", "亿元", "m.lua:2", xs, ys, 2, NULL, &model_test_err));
    aux(b, "x", "1", "m.lua:3", ref(b, "t"));
    expect_compile_error(b, TY_ESCRIPT, "m.lua:3: 't' in 'x' is a lookup table: use lookup(t, x)");
    model_builder_free(b);

    b = model_builder_new();
    param(b, "gdp", "亿元", "m.lua:1", 500);
    int n;
    ok(model_node_lookup(b, "gdp", num(b, 1), &n, &model_test_err));
    aux(b, "x", "1", "m.lua:3", n);
    expect_compile_error(b, TY_ESCRIPT, "m.lua:3: 'gdp' in 'x' is a param, not a lookup table");
    model_builder_free(b);

    b = model_builder_new();
    param(b, "firms", "家", "m.lua:1", 5);
    ok(model_add_lookup(b, "t", "1", "亿元", "m.lua:2", xs, ys, 2, NULL, &model_test_err));
    ok(model_node_lookup(b, "t", ref(b, "firms"), &n, &model_test_err));
    aux(b, "x", "1", "m.lua:3", n);
    expect_compile_error(b, TY_ESCRIPT,
                         "m.lua:3: unit mismatch in 'x': the input of lookup 't' must be in 亿元, "
                         "found 家 (firms)");
    model_builder_free(b);

    b = model_builder_new();
    ok(model_node_ext(b, "subsidi", num(b, 1), &n, &model_test_err));
    aux(b, "x", "1", "m.lua:3", n);
    expect_compile_error(b, TY_ESCRIPT, "m.lua:3: unknown function 'subsidi' in 'x'");
    model_builder_free(b);
}

static void model_should_check_default_series_cover_the_years(void **state)
{
    (void)state;
    TyModelBuilder *b = model_builder_new();
    double v[] = { 1, 2, 3, NAN, 5 };
    TyValue d = model_value_series(2021, v, 5);
    ok(model_add_param(b, "p", "1", "m.lua:1", &d, NULL, &model_test_err));
    expect_compile_error(b, TY_ESCRIPT, "m.lua:1: the default of 'p' has no value for 2024");
    model_builder_free(b);
}

static void model_should_check_powers_and_roots(void **state)
{
    (void)state;
    TyModelBuilder *b = model_builder_new();
    param(b, "len", "m", "m.lua:1", 3);
    param(b, "k", "1", "m.lua:2", 2);
    aux(b, "area", "m^2", "m.lua:3", call(b, TY_OP_POW, 2, ref(b, "len"), num(b, 2)));
    aux(b, "side", "m", "m.lua:4", call(b, TY_OP_SQRT, 1, ref(b, "area")));
    TyModel *m = compile_ok(b, 2021, 2022);
    model_free(m);
    aux(b, "bad", "m^2", "m.lua:5", call(b, TY_OP_POW, 2, ref(b, "len"), ref(b, "k")));
    expect_compile_error(b, TY_ESCRIPT,
                         "m.lua:5: unit mismatch in 'bad': pow of m (len) needs a constant integer exponent");
    model_builder_free(b);
}

static void model_should_fold_constants_and_record_conversions(void **state)
{
    (void)state;
    TyModelBuilder *b = model_builder_new();
    param(b, "p", "1", "m.lua:1", 3);
    /* c = (2 + 3) * 4 folds to a constant: no instructions at all. */
    aux(b, "c", "1", "m.lua:2", call(b, TY_OP_MUL, 2, call(b, TY_OP_ADD, 2, num(b, 2), num(b, 3)), num(b, 4)));
    TyModel *m = compile_ok(b, 2021, 2025);
    assert_int_equal(model_instruction_count(m), 0);
    model_free(m);
    /* y = p * (2 + 3): one multiplication. */
    aux(b, "y", "1", "m.lua:3", call(b, TY_OP_MUL, 2, ref(b, "p"), call(b, TY_OP_ADD, 2, num(b, 2), num(b, 3))));
    m = compile_ok(b, 2021, 2025);
    assert_int_equal(model_instruction_count(m), 1);
    model_free(m);
    model_builder_free(b);

    b = model_builder_new();
    param(b, "a", "万元", "m.lua:1", 5000);
    param(b, "bb", "亿元", "m.lua:2", 2);
    aux(b, "x", "亿元", "m.lua:3", call(b, TY_OP_ADD, 2, ref(b, "a"), ref(b, "bb")));
    m = compile_ok(b, 2021, 2025);
    assert_int_equal(model_conversion_count(m), 2);
    const TyConversion *cv = model_conversion_get(m, 0);
    assert_int_equal(cv->elem, 2);
    assert_string_equal(cv->from, "亿元");
    assert_string_equal(cv->to, "万元");
    assert_true(cv->factor == 1e4);
    cv = model_conversion_get(m, 1);
    assert_string_equal(cv->from, "万元");
    assert_string_equal(cv->to, "亿元");
    assert_true(fabs(cv->factor - 1e-4) < 1e-20);
    assert_null(model_conversion_get(m, 2));
    model_free(m);
    model_builder_free(b);
}

static void model_should_share_subexpressions_without_blowing_up(void **state)
{
    (void)state;
    /* x_{i+1} = x_i + x_i, 60 levels: a tree walk would take 2^60 steps. */
    TyModelBuilder *b = model_builder_new();
    param(b, "p", "1", "m.lua:1", 1);
    int n = ref(b, "p");
    for (int i = 0; i < 60; i++) n = call(b, TY_OP_ADD, 2, n, n);
    aux(b, "big", "1", "m.lua:2", n);
    TyModel *m = compile_ok(b, 2021, 2022);
    assert_int_equal(model_instruction_count(m), 60);
    TyRunResult res;
    TyError err;
    assert_int_equal(model_run_single(m, NULL, 0, &res, &err), TY_OK);
    assert_true(model_result_get(&res, 1, 2022) == ldexp(1.0, 60));
    model_result_free(&res);
    model_free(m);
    model_builder_free(b);
}

/* Builds a model exercising every kind of element; each step may fail with TY_ENOMEM only. */
static TyStatus build_everything(TyModelBuilder *b, TyError *err)
{
    int n1, n2, n3, e, s, d;
    TyStatus st;
    double xs[] = { 0, 1 }, ys[] = { 0, 2 }, hist[] = { 1, 2, 3 }, years[] = { 2021, 2025 };
    TyValue dv = model_value_scalar(2);
    if ((st = model_add_param(b, "p", "万元", "m.lua:1", &dv, NULL, err))) return st;
    if ((st = model_add_lever(b, "lv", "%", "m.lua:2", &dv, NULL, err))) return st;
    if ((st = model_node_ref(b, "p", &n1, err)) || (st = model_node_ref(b, "lv", &n2, err))) return st;
    int args[2] = { n1, n1 };
    if ((st = model_node_call(b, TY_OP_ADD, args, 2, &n3, err))) return st;
    if ((st = model_add_aux(b, "a", "亿元", "m.lua:3", n3, &e, err))) return st;
    if ((st = model_set_history(b, e, 2018, hist, 3, err))) return st;
    if ((st = model_node_delay(b, "a", 2, -1, &d, err))) return st;
    if ((st = model_add_flow(b, "f", "亿元/年", "m.lua:4", d, NULL, err))) return st;
    if ((st = model_node_const(b, 1, &n1, err))) return st;
    if ((st = model_add_stock(b, "s", "亿元", "m.lua:5", n1, &s, err))) return st;
    if ((st = model_stock_add_inflow(b, s, "f", err))) return st;
    if ((st = model_add_lookup(b, "t", "1", "%", "m.lua:6", xs, ys, 2, NULL, err))) return st;
    if ((st = model_node_lookup(b, "t", n2, &n3, err))) return st;
    int vals[2] = { n3, n1 };
    if ((st = model_node_interp(b, years, vals, 2, &n3, err))) return st;
    if ((st = model_node_const_unit(b, 3, "万元", &n2, err))) return st;
    int two[2] = { n3, n2 };
    if ((st = model_node_call(b, TY_OP_MUL, two, 2, &n3, err))) return st;
    if ((st = model_add_aux(b, "z", "万元", "m.lua:7", n3, NULL, err))) return st;
    return TY_OK;
}

static void model_should_fail_cleanly_on_every_allocation_failure(void **state)
{
    (void)state;
    int succeeded = 0;
    for (long n = 0; n < 5000 && !succeeded; n++) {
        TyError err;
        ty_alloc_fail_after(n);
        TyModelBuilder *b = model_builder_new();
        TyModel *m = NULL;
        TyStatus st = b ? build_everything(b, &err) : TY_ENOMEM;
        if (st == TY_OK) st = model_compile(b, 2021, 2025, &m, &err);
        ty_alloc_fail_after(-1);
        if (st == TY_OK) {
            succeeded = 1;
            assert_non_null(m);
        } else {
            assert_int_equal(st, TY_ENOMEM);
            assert_null(m);
        }
        model_free(m);
        model_builder_free(b);
    }
    assert_true(succeeded);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(model_should_describe_its_elements),
        cmocka_unit_test(model_should_place_errors_at_the_element_location),
        cmocka_unit_test(model_should_find_ops_by_name),
        cmocka_unit_test(model_should_report_unknown_names_with_a_suggestion),
        cmocka_unit_test(model_should_name_every_member_of_a_cycle),
        cmocka_unit_test(model_should_let_delays_and_stocks_break_cycles),
        cmocka_unit_test(model_should_name_both_sides_of_a_unit_mismatch),
        cmocka_unit_test(model_should_check_flow_units_against_the_stock),
        cmocka_unit_test(model_should_require_a_history_for_delays),
        cmocka_unit_test(model_should_reject_bad_declarations_at_once),
        cmocka_unit_test(model_should_reject_misused_lookups_and_functions),
        cmocka_unit_test(model_should_check_default_series_cover_the_years),
        cmocka_unit_test(model_should_check_powers_and_roots),
        cmocka_unit_test(model_should_fold_constants_and_record_conversions),
        cmocka_unit_test(model_should_share_subexpressions_without_blowing_up),
        cmocka_unit_test(model_should_fail_cleanly_on_every_allocation_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
