/* test_plan.c — unit tests of core/plan: indicators, ids, enum names, deep copies. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/plan.h"

static void plan_should_add_indicators_with_defaults(void **state)
{
    TyPlan *p = plan_new("wuwei");
    TyError err;
    size_t idx = 99;
    assert_non_null(p);
    assert_string_equal(p->name, "wuwei");
    assert_true(p->thresholds.on_track == 0.95 && p->thresholds.behind == 0.10);
    assert_int_equal(plan_add(p, "rd_intensity", "全社会研发经费支出占地区生产总值的比重", "%", &idx, &err), TY_OK);
    assert_int_equal(idx, 0);
    assert_int_equal(plan_add(p, "hte_count", "高新技术企业", "家", &idx, &err), TY_OK);
    assert_int_equal(idx, 1);
    assert_int_equal(p->n, 2);
    const TyIndicator *ind = &p->ind[1];
    assert_string_equal(ind->id, "hte_count");
    assert_string_equal(ind->name, "高新技术企业");
    assert_string_equal(ind->unit, "家");
    assert_null(ind->category);
    assert_null(ind->owner);
    assert_int_equal(ind->direction, TY_UP);
    assert_int_equal(ind->measure, TY_LEVEL);
    assert_int_equal(ind->trend, TY_TREND_CAGR);
    assert_int_equal(ind->has_thresholds, 0);
    assert_int_equal(series_count(&ind->actual), 0);
    plan_free(p);
}

static void plan_should_grow_past_its_first_capacity(void **state)
{
    TyPlan *p = plan_new("big");
    TyError err;
    char id[16];
    for (int i = 0; i < 100; i++) {
        snprintf(id, sizeof id, "ind_%d", i);
        assert_int_equal(plan_add(p, id, "名称", "1", NULL, &err), TY_OK);
    }
    assert_int_equal(p->n, 100);
    assert_int_equal(plan_find(p, "ind_0"), 0);
    assert_int_equal(plan_find(p, "ind_99"), 99);
    plan_free(p);
}

static void plan_should_refuse_a_duplicate_id(void **state)
{
    TyPlan *p = plan_new("dup");
    TyError err;
    assert_int_equal(plan_add(p, "hte_count", "高新技术企业", "家", NULL, &err), TY_OK);
    assert_int_equal(plan_add(p, "hte_count", "another", "家", NULL, &err), TY_EDATA);
    assert_int_equal(err.code, TY_EDATA);
    assert_string_equal(err.msg, "duplicate indicator id \"hte_count\"");
    assert_int_equal(p->n, 1);
    plan_free(p);
}

static void plan_should_refuse_bad_ids_names_and_units(void **state)
{
    TyPlan *p = plan_new("bad");
    TyError err;
    const char *bad[] = {"", "1abc", "rd-intensity", "rd intensity", "研发", "a.b", "x\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(plan_add(p, bad[i], "n", "u", NULL, &err), TY_EDATA);
    assert_int_equal(plan_add(p, "1abc", "n", "u", NULL, &err), TY_EDATA);
    assert_string_equal(err.msg, "invalid indicator id \"1abc\": expected a letter or _ followed by "
                                 "letters, digits or _");
    assert_int_equal(plan_add(p, NULL, "n", "u", NULL, &err), TY_EDATA);
    assert_string_equal(err.msg, "empty indicator id");

    char id[70];
    memset(id, 'a', 64);
    id[64] = '\0';
    assert_int_equal(plan_add(p, id, "n", "u", NULL, &err), TY_OK);   /* 64 is the limit */
    id[64] = 'a';
    id[65] = '\0';
    assert_int_equal(plan_add(p, id, "n", "u", NULL, &err), TY_EDATA);

    assert_int_equal(plan_add(p, "_ok_1", "", "u", NULL, &err), TY_EDATA);
    assert_string_equal(err.msg, "indicator _ok_1: empty name");
    assert_int_equal(plan_add(p, "_ok_1", "n", NULL, NULL, &err), TY_EDATA);
    assert_string_equal(err.msg, "indicator _ok_1: empty unit");
    assert_int_equal(plan_add(p, "_ok_1", "n", "u", NULL, &err), TY_OK);
    assert_int_equal(p->n, 2);
    plan_free(p);
}

static void plan_should_find_by_id(void **state)
{
    TyPlan *p = plan_new("find");
    TyError err;
    assert_int_equal(plan_add(p, "a", "A", "1", NULL, &err), TY_OK);
    assert_int_equal(plan_add(p, "b", "B", "1", NULL, &err), TY_OK);
    assert_int_equal(plan_find(p, "b"), 1);
    assert_int_equal(plan_find(p, "a"), 0);
    assert_int_equal(plan_find(p, "c"), -1);
    assert_int_equal(plan_find(p, "A"), -1);   /* ids are case-sensitive */
    plan_free(p);
}

static void plan_should_set_and_clear_owned_strings(void **state)
{
    TyPlan *p = plan_new("s");
    TyError err;
    assert_int_equal(plan_add(p, "a", "A", "1", NULL, &err), TY_OK);
    char owner[] = "市科技局";
    assert_int_equal(plan_set_string(&p->ind[0].owner, owner, &err), TY_OK);
    owner[0] = 'X';   /* the plan holds its own copy */
    assert_string_equal(p->ind[0].owner, "市科技局");
    assert_int_equal(plan_set_string(&p->ind[0].owner, NULL, &err), TY_OK);
    assert_null(p->ind[0].owner);
    plan_free(p);
}

static void plan_should_keep_target_notes_by_year(void **state)
{
    TyPlan *p = plan_new("notes");
    TyError err;
    assert_int_equal(plan_add(p, "a", "A", "1", NULL, &err), TY_OK);
    TyIndicator *ind = &p->ind[0];
    assert_null(indicator_target_note(ind, 2025));
    assert_int_equal(indicator_set_target_note(ind, 2025, NULL, &err), TY_OK);   /* clearing nothing */
    assert_int_equal(indicator_set_target_level(ind, 2025, 1.5, &err), TY_OK);
    assert_int_equal(indicator_set_target_note(ind, 2025, "行动方案", &err), TY_OK);
    /* a target added before the first one must not move the note to another year */
    assert_int_equal(indicator_set_target_level(ind, 2022, 0.85, &err), TY_OK);
    assert_string_equal(indicator_target_note(ind, 2025), "行动方案");
    assert_null(indicator_target_note(ind, 2022));
    assert_int_equal(indicator_set_target_note(ind, 2025, NULL, &err), TY_OK);
    assert_null(indicator_target_note(ind, 2025));
    assert_int_equal(indicator_set_target_note(ind, 1800, "x", &err), TY_EDATA);
    assert_null(indicator_target_note(ind, 1800));
    plan_free(p);
}

static void plan_should_round_trip_enum_names(void **state)
{
    TyDirection d;
    TyMeasure m;
    TyTrend t;
    TyAggregate a;
    const TyDirection ds[] = {TY_UP, TY_DOWN};
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(direction_parse(direction_name(ds[i]), &d), 0);
        assert_int_equal(d, ds[i]);
    }
    const TyMeasure ms[] = {TY_LEVEL, TY_FLOW};
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(measure_parse(measure_name(ms[i]), &m), 0);
        assert_int_equal(m, ms[i]);
    }
    const TyTrend ts[] = {TY_TREND_CAGR, TY_TREND_LINEAR, TY_TREND_WLS};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(trend_parse(trend_name(ts[i]), &t), 0);
        assert_int_equal(t, ts[i]);
    }
    const TyAggregate as[] = {TY_AGG_SUM, TY_AGG_RATIO, TY_AGG_MEAN, TY_AGG_NONE};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(aggregate_parse(aggregate_name(as[i]), &a), 0);
        assert_int_equal(a, as[i]);
    }
    assert_string_equal(direction_name(TY_DOWN), "down");
    assert_string_equal(measure_name(TY_FLOW), "flow");
    assert_string_equal(trend_name(TY_TREND_WLS), "wls");
    assert_string_equal(aggregate_name(TY_AGG_RATIO), "ratio");
}

static void plan_should_refuse_enum_names_not_spelled_exactly(void **state)
{
    TyDirection d = TY_UP;
    TyTrend t = TY_TREND_CAGR;
    TyMeasure m = TY_LEVEL;
    TyAggregate a = TY_AGG_SUM;
    assert_int_equal(direction_parse("Down", &d), -1);
    assert_int_equal(direction_parse("down ", &d), -1);
    assert_int_equal(direction_parse("", &d), -1);
    assert_int_equal(direction_parse(NULL, &d), -1);
    assert_int_equal(d, TY_UP);   /* untouched on failure */
    assert_int_equal(trend_parse("CAGR", &t), -1);
    assert_int_equal(trend_parse("ls", &t), -1);
    assert_int_equal(measure_parse("levels", &m), -1);
    assert_int_equal(aggregate_parse("avg", &a), -1);
    assert_int_equal(t, TY_TREND_CAGR);
}

static TyPlan *sample_plan(void)
{
    TyPlan *p = plan_new("sample");
    TyError err;
    size_t idx;
    assert_int_equal(plan_add(p, "rd_intensity", "研发投入强度", "%", &idx, &err), TY_OK);
    TyIndicator *ind = &p->ind[idx];
    ind->direction = TY_DOWN;
    ind->trend = TY_TREND_WLS;
    ind->has_thresholds = 1;
    ind->thresholds.on_track = 0.9;
    assert_int_equal(plan_set_string(&ind->category, "投入指标", &err), TY_OK);
    assert_int_equal(series_set(&ind->actual, 2020, 0.62, &err), TY_OK);
    assert_int_equal(indicator_set_target_level(ind, 2025, 1.5, &err), TY_OK);
    assert_int_equal(indicator_set_target_note(ind, 2025, "note", &err), TY_OK);
    assert_int_equal(plan_add(p, "hte_count", "高新技术企业", "家", &idx, &err), TY_OK);
    assert_int_equal(series_set(&p->ind[idx].actual, 2023, 80, &err), TY_OK);
    p->thresholds.behind = 0.2;
    return p;
}

static void plan_should_clone_independently(void **state)
{
    TyPlan *p = sample_plan();
    TyError err;
    TyPlan *c = plan_clone(p, &err);
    assert_non_null(c);
    assert_string_equal(c->name, "sample");
    assert_int_equal(c->n, 2);
    assert_true(c->thresholds.behind == 0.2);
    TyIndicator *ci = &c->ind[0];
    assert_string_equal(ci->id, "rd_intensity");
    assert_string_equal(ci->category, "投入指标");
    assert_int_equal(ci->direction, TY_DOWN);
    assert_int_equal(ci->trend, TY_TREND_WLS);
    assert_int_equal(ci->has_thresholds, 1);
    assert_true(ci->thresholds.on_track == 0.9);
    assert_string_equal(indicator_target_note(ci, 2025), "note");
    /* changing the original changes nothing in the clone */
    assert_int_equal(series_set(&p->ind[0].actual, 2020, 9.0, &err), TY_OK);
    assert_int_equal(plan_set_string(&p->ind[0].category, "x", &err), TY_OK);
    assert_int_equal(indicator_set_target_note(&p->ind[0], 2025, "changed", &err), TY_OK);
    assert_int_equal(plan_add(p, "new_one", "n", "u", NULL, &err), TY_OK);
    assert_true(series_get(&ci->actual, 2020) == 0.62);
    assert_string_equal(ci->category, "投入指标");
    assert_string_equal(indicator_target_note(ci, 2025), "note");
    assert_int_equal(c->n, 2);
    assert_int_equal(plan_find(c, "new_one"), -1);
    /* and the clone accepts new indicators of its own */
    assert_int_equal(plan_add(c, "other", "n", "u", NULL, &err), TY_OK);
    assert_int_equal(plan_find(p, "other"), -1);
    plan_free(p);
    plan_free(c);
}

/* Fail the n-th allocation for n = 0, 1, 2, ... until clone succeeds: every failure must be
 * a clean TY_ENOMEM with nothing leaked (ASan checks the leaks). */
static void plan_should_fail_cleanly_when_allocation_fails_during_clone(void **state)
{
    TyPlan *p = sample_plan();
    TyError err;
    TyPlan *c = NULL;
    long n;
    for (n = 0; n < 1000 && !c; n++) {
        ty_error_clear(&err);
        ty_alloc_fail_after(n);
        c = plan_clone(p, &err);
        ty_alloc_fail_after(-1);
        if (!c) assert_int_equal(err.code, TY_ENOMEM);
    }
    assert_non_null(c);
    assert_true(n > 5);   /* it did fail along the way */
    assert_int_equal(c->n, 2);
    plan_free(c);
    plan_free(p);
}

static void plan_should_leave_the_plan_as_it_was_when_add_fails(void **state)
{
    TyPlan *p = sample_plan();
    TyError err;
    for (long n = 0; n < 3; n++) {
        ty_alloc_fail_after(n);
        assert_int_equal(plan_add(p, "third", "n", "u", NULL, &err), TY_ENOMEM);
        ty_alloc_fail_after(-1);
        assert_int_equal(p->n, 2);
        assert_int_equal(plan_find(p, "third"), -1);
    }
    assert_int_equal(plan_add(p, "third", "n", "u", NULL, &err), TY_OK);
    assert_int_equal(p->n, 3);
    plan_free(p);
}

static void plan_should_report_the_latest_actual_year(void **state)
{
    TyPlan *p = plan_new("latest");
    TyError err;
    assert_int_equal(plan_latest_actual_year(p), 0);
    plan_free(p);
    p = sample_plan();
    assert_int_equal(plan_latest_actual_year(p), 2023);
    assert_int_equal(indicator_set_target_level(&p->ind[0], 2030, 1, &err), TY_OK);   /* targets don't count */
    assert_int_equal(plan_latest_actual_year(p), 2023);
    plan_free(p);
}

/* Targets keep their years sorted whatever order they are set in, one per year (a second set
 * replaces, with its words), and unset removes exactly that year. */
static void plan_should_keep_targets_sorted_by_year_with_their_words(void **state)
{
    TyPlan *p = plan_new("targets");
    TyError err;
    assert_int_equal(plan_add(p, "a", "A", "家", NULL, &err), TY_OK);
    TyIndicator *ind = &p->ind[0];
    TyTargetSpec window = { TY_SHAPE_WINDOW, TY_OP_GE, 300, NAN, 2023, 2025, "" };
    assert_int_equal(indicator_set_target(ind, 2025, &window, "新增300(2023-2025)", &err), TY_OK);
    assert_int_equal(indicator_set_target_level(ind, 2022, 70, &err), TY_OK);
    assert_int_equal(indicator_set_target_level(ind, 2023, 80, &err), TY_OK);
    assert_int_equal((int)ind->ntargets, 3);
    assert_int_equal(ind->targets[0].year, 2022);
    assert_int_equal(ind->targets[1].year, 2023);
    assert_int_equal(ind->targets[2].year, 2025);
    assert_string_equal(indicator_target(ind, 2025)->text, "新增300(2023-2025)");
    assert_int_equal(indicator_target(ind, 2025)->spec.from, 2023);
    assert_null(indicator_target(ind, 2022)->text);   /* a number: no words */
    assert_null(indicator_target(ind, 2024));
    assert_int_equal(indicator_set_target_level(ind, 2025, 100, &err), TY_OK);   /* replaces */
    assert_int_equal((int)ind->ntargets, 3);
    assert_int_equal(indicator_target(ind, 2025)->spec.shape, TY_SHAPE_LEVEL);
    assert_null(indicator_target(ind, 2025)->text);
    indicator_unset_target(ind, 2023);
    indicator_unset_target(ind, 2024);   /* none: nothing happens */
    assert_int_equal((int)ind->ntargets, 2);
    assert_int_equal(ind->targets[1].year, 2025);
    assert_int_equal(indicator_set_target_level(ind, 1800, 1, &err), TY_EDATA);
    assert_int_equal(indicator_set_target_level(ind, 2030, NAN, &err), TY_EDATA);
    assert_int_equal(indicator_is_milestone(ind), 0);
    TyTargetSpec done = { TY_SHAPE_MILESTONE, TY_OP_DEFAULT, NAN, NAN, 0, 0, "" };
    assert_int_equal(indicator_set_target(ind, 2024, &done, "通过验收", &err), TY_OK);
    assert_int_equal(indicator_is_milestone(ind), 1);
    plan_free(p);
}

/* A row's declared base year wins over the plan's; 0 means undeclared. */
static void plan_should_prefer_the_rows_base_year(void **state)
{
    TyPlan *p = plan_new("base");
    TyError err;
    assert_int_equal(plan_add(p, "a", "A", "1", NULL, &err), TY_OK);
    assert_int_equal(indicator_declared_base_year(p, &p->ind[0]), 0);
    p->base_year = 2020;
    assert_int_equal(indicator_declared_base_year(p, &p->ind[0]), 2020);
    p->ind[0].base_year = 2021;
    assert_int_equal(indicator_declared_base_year(p, &p->ind[0]), 2021);
    plan_free(p);
}

/* flow_of must name another row that is a level row; the flow_of row has no typed actuals; a
 * benchmark names another row. The first problem names the row and (for targets) the year. */
static void plan_should_check_the_links_between_rows(void **state)
{
    TyPlan *p = plan_new("links");
    TyError err;
    size_t bad;
    int year;
    assert_int_equal(plan_add(p, "total", "总量", "家", NULL, &err), TY_OK);
    assert_int_equal(plan_add(p, "new", "新增", "家", NULL, &err), TY_OK);
    TyIndicator *flow = &p->ind[1];
    assert_int_equal(plan_set_string(&flow->flow_of, "total", &err), TY_OK);
    flow->measure = TY_FLOW;
    assert_int_equal(plan_check_links(p, &bad, &year, &err), TY_OK);
    assert_int_equal(plan_set_string(&flow->flow_of, "nope", &err), TY_OK);
    assert_int_equal(plan_check_links(p, &bad, &year, &err), TY_EDATA);
    assert_int_equal((int)bad, 1);
    assert_int_equal(year, 0);
    assert_string_equal(err.msg, "indicator new: flow_of: no row \"nope\" in the plan");
    assert_int_equal(plan_set_string(&flow->flow_of, "new", &err), TY_OK);
    assert_int_equal(plan_check_links(p, &bad, &year, &err), TY_EDATA);
    assert_string_equal(err.msg, "indicator new: flow_of names the row itself");
    assert_int_equal(plan_set_string(&flow->flow_of, "total", &err), TY_OK);
    p->ind[0].measure = TY_FLOW;   /* the named row is no level row */
    assert_int_equal(plan_check_links(p, &bad, &year, &err), TY_EDATA);
    p->ind[0].measure = TY_LEVEL;
    assert_int_equal(series_set(&flow->actual, 2022, 3, &err), TY_OK);   /* typed: refused */
    assert_int_equal(plan_check_links(p, &bad, &year, &err), TY_EDATA);
    series_unset(&flow->actual, 2022);
    TyTargetSpec bench = { TY_SHAPE_BENCHMARK, TY_OP_GT, NAN, NAN, 0, 0, "province_avg" };
    assert_int_equal(indicator_set_target(&p->ind[0], 2025, &bench, ">province_avg", &err), TY_OK);
    assert_int_equal(plan_check_links(p, &bad, &year, &err), TY_EDATA);
    assert_int_equal((int)bad, 0);
    assert_int_equal(year, 2025);
    assert_int_equal(plan_add(p, "province_avg", "全省平均", "家", NULL, &err), TY_OK);
    assert_int_equal(plan_check_links(p, &bad, &year, &err), TY_OK);
    plan_free(p);
}

/* A clone carries the targets as written, notes of actuals, base years, flow_of and the title,
 * in its own memory. */
static void plan_should_clone_targets_as_written(void **state)
{
    TyPlan *p = sample_plan();
    TyError err;
    assert_int_equal(plan_set_string(&p->title, "武威市强科技行动", &err), TY_OK);
    p->base_year = 2020;
    TyIndicator *ind = &p->ind[1];
    ind->base_year = 2021;
    assert_int_equal(plan_set_string(&ind->flow_of, "rd_intensity", &err), TY_OK);
    TyTargetSpec strict = { TY_SHAPE_LEVEL, TY_OP_GT, 600, NAN, 0, 0, "" };
    assert_int_equal(indicator_set_target(ind, 2025, &strict, "突破600", &err), TY_OK);
    assert_int_equal(indicator_set_actual_note(ind, 2023, "统计公报", &err), TY_OK);
    TyPlan *c = plan_clone(p, &err);
    assert_non_null(c);
    plan_free(p);   /* the copy owns everything it holds */
    assert_string_equal(c->title, "武威市强科技行动");
    assert_int_equal(c->base_year, 2020);
    TyIndicator *ci = &c->ind[1];
    assert_int_equal(ci->base_year, 2021);
    assert_string_equal(ci->flow_of, "rd_intensity");
    assert_string_equal(indicator_target(ci, 2025)->text, "突破600");
    assert_int_equal(indicator_target(ci, 2025)->spec.op, TY_OP_GT);
    assert_string_equal(indicator_actual_note(ci, 2023), "统计公报");
    assert_true(indicator_target(&c->ind[0], 2025)->spec.a == 1.5);
    plan_free(c);
}

static void thresholds_should_default_to_95_and_10_percent(void **state)
{
    TyThresholds t = {0, 0};
    thresholds_default(&t);
    assert_true(t.on_track == 0.95);
    assert_true(t.behind == 0.10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plan_should_add_indicators_with_defaults),
        cmocka_unit_test(plan_should_grow_past_its_first_capacity),
        cmocka_unit_test(plan_should_refuse_a_duplicate_id),
        cmocka_unit_test(plan_should_refuse_bad_ids_names_and_units),
        cmocka_unit_test(plan_should_find_by_id),
        cmocka_unit_test(plan_should_set_and_clear_owned_strings),
        cmocka_unit_test(plan_should_keep_target_notes_by_year),
        cmocka_unit_test(plan_should_round_trip_enum_names),
        cmocka_unit_test(plan_should_refuse_enum_names_not_spelled_exactly),
        cmocka_unit_test(plan_should_clone_independently),
        cmocka_unit_test(plan_should_fail_cleanly_when_allocation_fails_during_clone),
        cmocka_unit_test(plan_should_leave_the_plan_as_it_was_when_add_fails),
        cmocka_unit_test(plan_should_report_the_latest_actual_year),
        cmocka_unit_test(plan_should_keep_targets_sorted_by_year_with_their_words),
        cmocka_unit_test(plan_should_prefer_the_rows_base_year),
        cmocka_unit_test(plan_should_check_the_links_between_rows),
        cmocka_unit_test(plan_should_clone_targets_as_written),
        cmocka_unit_test(thresholds_should_default_to_95_and_10_percent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
