/* test_mc.c — Monte Carlo runs: a probability known in closed form (x ~ normal, P(x >= t)),
 * moments and quantiles of a tracked element, bit-identical results for any number of threads,
 * the histogram beyond the exact budget, pre-drawn values, scenario overrides under the draws,
 * Latin hypercube, the failing sample named, bad options and allocation failures; the interrupt
 * flag (before a run, and during one on 1 and 3 threads: stopped within 0.5 s, nothing kept)
 * and progress calls (on the calling thread, spaced, results unchanged). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/interrupt.h"
#include "core/mc.h"

static TyError mc_err;

static void ok(TyStatus st)
{
    if (st != TY_OK) fail_msg("unexpected error %d: %s", st, mc_err.msg);
}

static int num(TyModelBuilder *b, double v)
{
    int n;
    ok(model_node_const(b, v, &n, &mc_err));
    return n;
}

static int ref(TyModelBuilder *b, const char *name)
{
    int n;
    ok(model_node_ref(b, name, &n, &mc_err));
    return n;
}

static int call2(TyModelBuilder *b, TyOp op, int x, int y)
{
    int args[2] = { x, y }, n;
    ok(model_node_call(b, op, args, 2, &n, &mc_err));
    return n;
}

static int call1(TyModelBuilder *b, TyOp op, int x)
{
    int n;
    ok(model_node_call(b, op, &x, 1, &n, &mc_err));
    return n;
}

static void param(TyModelBuilder *b, const char *name, double v)
{
    TyValue d = model_value_scalar(v);
    ok(model_add_param(b, name, NULL, "test.lua:1", &d, NULL, &mc_err));
}

static void aux(TyModelBuilder *b, const char *name, int expr)
{
    ok(model_add_aux(b, name, NULL, "test.lua:2", expr, NULL, &mc_err));
}

static TyModel *compile(TyModelBuilder *b, int first, int last)
{
    TyModel *m;
    ok(model_compile(b, first, last, &m, &mc_err));
    model_builder_free(b);
    return m;
}

static TyDist dist(TyDistKind kind, double a, double b, double c)
{
    TyDist d;
    ok(dist_init(&d, kind, a, b, c, -INFINITY, INFINITY, &mc_err));
    return d;
}

/* y = x, one year. */
static TyModel *identity_model(void)
{
    TyModelBuilder *b = model_builder_new();
    param(b, "x", 10);
    param(b, "k", 0);
    aux(b, "y", call2(b, TY_OP_ADD, ref(b, "x"), ref(b, "k")));
    return compile(b, 2025, 2025);
}

static const double PROBS[] = { 0.05, 0.25, 0.5, 0.75, 0.95 };

static void mc_should_estimate_a_normal_tail_probability(void **state)
{
    TyModel *m = identity_model();
    TyMcParam p = { "x", dist(TY_DIST_NORMAL, 10, 2, 0) };
    int y = model_element_find(m, "y");
    TyMcTarget targets[2] = { { 0, 2025, 12, 0 }, { 0, 2025, 8, 1 } };
    TyMcOptions opt = { .nsamples = 40000, .seed = 3, .params = &p, .nparams = 1, .tracked = &y,
                        .ntracked = 1, .targets = targets, .ntargets = 2, .probs = PROBS, .nprobs = 5 };
    TyMcResult r;
    ok(mc_run(m, &opt, &r, &mc_err));
    /* P(x >= 12) = P(x <= 8) = 1 - Phi(1) */
    double want = 0.15865525393145707, se = sqrt(want * (1 - want) / 40000);
    for (int t = 0; t < 2; t++) {
        double got = (double)r.met[t] / 40000;
        if (fabs(got - want) > 4 * se) fail_msg("target %d: P = %.5f, expected %.5f", t, got, want);
    }
    assert_int_equal(r.nseries, 1);
    assert_true(r.exact);
    const TyMcSeries *s = &r.series[0];
    assert_int_equal(s->year, 2025);
    assert_true(fabs(s->mean - 10) < 4 * 2 / sqrt(40000.0));
    assert_true(fabs(s->sd - 2) < 0.03);
    static const double z[] = { -1.6448536269514722, -0.6744897501960817, 0, 0.6744897501960817,
                                1.6448536269514722 };
    for (int q = 0; q < 5; q++) assert_true(fabs(s->q[q] - (10 + 2 * z[q])) < 0.06);
    assert_true(s->min < s->q[0] && s->max > s->q[4]);
    mc_result_free(&r);
    model_free(m);
}

/* A model with stocks, delays and 15 years; results compared bit for bit. */
static TyModel *pipeline_model(void)
{
    TyModelBuilder *b = model_builder_new();
    param(b, "rate", 0.1);
    param(b, "entry", 5);
    param(b, "exit", 0.02);
    int e;
    aux(b, "inflow", call2(b, TY_OP_ADD, ref(b, "entry"), call2(b, TY_OP_MUL, ref(b, "rate"), num(b, 10))));
    int init = num(b, 50);
    ok(model_add_stock(b, "stock", NULL, "test.lua:3", init, &e, &mc_err));
    aux(b, "outflow", call2(b, TY_OP_MUL, ref(b, "stock"), ref(b, "exit")));
    ok(model_stock_add_inflow(b, e, "inflow", &mc_err));
    ok(model_stock_add_outflow(b, e, "outflow", &mc_err));
    aux(b, "share", call2(b, TY_OP_DIV, ref(b, "inflow"), ref(b, "stock")));
    return compile(b, 2021, 2035);
}

static void run_pipeline(const TyModel *m, int threads, size_t budget, int lhs, const double *draws,
                         TyMcResult *r)
{
    static TyMcParam ps[3];
    ps[0] = (TyMcParam){ "rate", dist(TY_DIST_NORMAL, 0.1, 0.03, 0) };
    ps[1] = (TyMcParam){ "entry", dist(TY_DIST_TRIANGULAR, 2, 8, 5) };
    ps[2] = (TyMcParam){ "exit", dist(TY_DIST_UNIFORM, 0.0, 0.05, 0) };
    static int tracked[2];
    tracked[0] = model_element_find(m, "stock");
    tracked[1] = model_element_find(m, "share");
    static const int years[3] = { 2035, 2025, 2022 };
    static const TyMcTarget targets[2] = { { 0, 2025, 100, 0 }, { 1, 2035, 0.1, 1 } };
    TyMcOptions opt = { .nsamples = 30001, .seed = 11, .lhs = lhs, .nthreads = threads, .params = ps,
                        .nparams = 3, .draws = draws, .tracked = tracked, .ntracked = 2,
                        .years = years, .nyears = 3, .targets = targets, .ntargets = 2,
                        .probs = PROBS, .nprobs = 5, .exact_budget = budget };
    ok(mc_run(m, &opt, r, &mc_err));
}

static void expect_same(const TyMcResult *a, const TyMcResult *b)
{
    assert_int_equal(a->nseries, b->nseries);
    for (size_t s = 0; s < a->nseries; s++) {
        const TyMcSeries *x = &a->series[s], *y = &b->series[s];
        assert_int_equal(x->elem, y->elem);
        assert_int_equal(x->year, y->year);
        assert_memory_equal(&x->mean, &y->mean, sizeof x->mean);
        assert_memory_equal(&x->sd, &y->sd, sizeof x->sd);
        assert_true(x->min == y->min && x->max == y->max);
        assert_memory_equal(x->q, y->q, 5 * sizeof(double));
    }
    assert_memory_equal(a->met, b->met, a->ntargets * sizeof(uint64_t));
}

static void mc_should_give_identical_results_for_any_thread_count(void **state)
{
    TyModel *m = pipeline_model();
    for (int mode = 0; mode < 2; mode++) {           /* exact quantiles, then histograms */
        size_t budget = mode ? 1000 : 0;
        TyMcResult one;
        run_pipeline(m, 1, budget, 0, NULL, &one);
        assert_int_equal(one.exact, !mode);
        assert_int_equal(one.chunks, 4);
        assert_int_equal(one.series[0].year, 2035);   /* years in the order asked */
        for (int t = 2; t <= 7; t++) {
            TyMcResult many;
            run_pipeline(m, t, budget, 0, NULL, &many);
            expect_same(&one, &many);
            mc_result_free(&many);
        }
        mc_result_free(&one);
    }
    model_free(m);
}

/* The pipeline run of samples [b, e) with its state, encoded and decoded again. */
static TyMcState *range_state(const TyModel *m, size_t budget, int lhs, size_t b, size_t e, int threads)
{
    static TyMcParam ps[3];
    ps[0] = (TyMcParam){ "rate", dist(TY_DIST_NORMAL, 0.1, 0.03, 0) };
    ps[1] = (TyMcParam){ "entry", dist(TY_DIST_TRIANGULAR, 2, 8, 5) };
    ps[2] = (TyMcParam){ "exit", dist(TY_DIST_UNIFORM, 0.0, 0.05, 0) };
    static int tracked[2];
    tracked[0] = model_element_find(m, "stock");
    tracked[1] = model_element_find(m, "share");
    static const int years[3] = { 2035, 2025, 2022 };
    static const TyMcTarget targets[2] = { { 0, 2025, 100, 0 }, { 1, 2035, 0.1, 1 } };
    TyMcOptions opt = { .nsamples = 30001, .seed = 11, .lhs = lhs, .nthreads = threads, .params = ps,
                        .nparams = 3, .tracked = tracked, .ntracked = 2, .years = years, .nyears = 3,
                        .targets = targets, .ntargets = 2, .probs = PROBS, .nprobs = 5, .exact_budget = budget,
                        .range_begin = b, .range_end = e, .keep_state = 1 };
    TyMcResult r;
    ok(mc_run(m, &opt, &r, &mc_err));
    assert_non_null(r.state);
    unsigned char *buf;
    size_t len;
    ok(mc_state_encode(r.state, &buf, &len, &mc_err));
    mc_result_free(&r);
    TyMcState *st = NULL;
    ok(mc_state_decode(buf, len, &st, &mc_err));
    /* a truncated state is refused, never read past its end */
    TyMcState *bad = NULL;
    assert_int_equal(mc_state_decode(buf, len - 1, &bad, &mc_err), TY_EDATA);
    assert_null(bad);
    ty_free(buf);
    return st;
}

static void mc_should_merge_sample_ranges_into_the_whole_run_bit_for_bit(void **state)
{
    TyModel *m = pipeline_model();
    for (int mode = 0; mode < 3; mode++) {           /* exact, histograms, Latin hypercube */
        size_t budget = mode == 1 ? 1000 : 0;
        int lhs = mode == 2;
        TyMcResult one, merged;
        run_pipeline(m, 1, budget, lhs, NULL, &one);
        /* 30,001 samples: ranges on chunk boundaries (8,192), given out of order, on 1 and 3 threads */
        TyMcState *parts[3] = { range_state(m, budget, lhs, 16384, 40000, 1),
                                range_state(m, budget, lhs, 0, 8192, 3),
                                range_state(m, budget, lhs, 8192, 16384, 2) };
        TyMcOptions opt;
        static TyMcParam ps[3];
        ps[0] = (TyMcParam){ "rate", dist(TY_DIST_NORMAL, 0.1, 0.03, 0) };
        ps[1] = (TyMcParam){ "entry", dist(TY_DIST_TRIANGULAR, 2, 8, 5) };
        ps[2] = (TyMcParam){ "exit", dist(TY_DIST_UNIFORM, 0.0, 0.05, 0) };
        int tracked[2] = { model_element_find(m, "stock"), model_element_find(m, "share") };
        static const int years[3] = { 2035, 2025, 2022 };
        static const TyMcTarget targets[2] = { { 0, 2025, 100, 0 }, { 1, 2035, 0.1, 1 } };
        opt = (TyMcOptions){ .nsamples = 30001, .seed = 11, .lhs = lhs, .params = ps, .nparams = 3,
                             .tracked = tracked, .ntracked = 2, .years = years, .nyears = 3, .targets = targets,
                             .ntargets = 2, .probs = PROBS, .nprobs = 5, .exact_budget = budget };
        ok(mc_merge(m, &opt, parts, 3, &merged, &mc_err));
        assert_int_equal(merged.exact, one.exact);
        expect_same(&one, &merged);
        mc_result_free(&merged);
        /* a gap, an overlap, another seed: refused, naming the samples */
        assert_int_equal(mc_merge(m, &opt, parts, 2, &merged, &mc_err), TY_EDATA);
        assert_non_null(strstr(mc_err.msg, "8192..16384"));
        TyMcState *twice[4] = { parts[0], parts[1], parts[2], parts[2] };
        assert_int_equal(mc_merge(m, &opt, twice, 4, &merged, &mc_err), TY_EDATA);
        assert_non_null(strstr(mc_err.msg, "two Monte Carlo states"));
        opt.seed = 12;
        assert_int_equal(mc_merge(m, &opt, parts, 3, &merged, &mc_err), TY_EDATA);
        assert_non_null(strstr(mc_err.msg, "another run"));
        for (int i = 0; i < 3; i++) mc_state_free(parts[i]);
        mc_result_free(&one);
    }
    model_free(m);
}

static void mc_should_read_quantiles_from_histograms_within_their_bound(void **state)
{
    TyModel *m = pipeline_model();
    TyMcResult exact, hist;
    run_pipeline(m, 1, 0, 0, NULL, &exact);
    run_pipeline(m, 2, 1, 0, NULL, &hist);
    assert_true(exact.exact && !hist.exact);
    assert_true(hist.rel_error == ldexp(1, -13));
    for (size_t s = 0; s < exact.nseries; s++) {
        assert_true(exact.series[s].mean == hist.series[s].mean);
        for (int q = 0; q < 5; q++) {
            double a = exact.series[s].q[q], b = hist.series[s].q[q];
            if (fabs(a - b) > hist.rel_error * fabs(a) * 1.0001) fail_msg("series %zu q %d: %.17g vs %.17g", s, q, a, b);
        }
    }
    mc_result_free(&exact);
    mc_result_free(&hist);
    model_free(m);
}

static void mc_should_run_on_given_draws_as_on_its_own(void **state)
{
    TyModel *m = pipeline_model();
    TyMcResult own, given;
    run_pipeline(m, 1, 0, 1, NULL, &own);
    TyMcParam ps[3];
    ps[0] = (TyMcParam){ "rate", dist(TY_DIST_NORMAL, 0.1, 0.03, 0) };
    ps[1] = (TyMcParam){ "entry", dist(TY_DIST_TRIANGULAR, 2, 8, 5) };
    ps[2] = (TyMcParam){ "exit", dist(TY_DIST_UNIFORM, 0.0, 0.05, 0) };
    double *draws = malloc(3 * 30001 * sizeof *draws);
    assert_non_null(draws);
    mc_draw(ps, 3, 30001, 11, 1, 0, 30001, draws, 30001);
    run_pipeline(m, 3, 0, 1, draws, &given);
    expect_same(&own, &given);
    free(draws);
    mc_result_free(&own);
    mc_result_free(&given);
    model_free(m);
}

static void mc_should_reduce_the_error_of_the_mean_with_latin_hypercube(void **state)
{
    TyModel *m = identity_model();
    TyMcParam p = { "x", dist(TY_DIST_NORMAL, 10, 2, 0) };
    int y = model_element_find(m, "y");
    TyMcOptions opt = { .nsamples = 10000, .seed = 5, .lhs = 1, .params = &p, .nparams = 1,
                        .tracked = &y, .ntracked = 1 };
    TyMcResult r;
    ok(mc_run(m, &opt, &r, &mc_err));
    /* Stratified: the mean is off by far less than one standard error (0.02) of plain sampling. */
    assert_true(fabs(r.series[0].mean - 10) < 0.002);
    assert_true(fabs(r.series[0].sd - 2) < 0.005);
    mc_result_free(&r);
    model_free(m);
}

static void mc_should_apply_the_scenario_under_the_draws(void **state)
{
    TyModel *m = identity_model();
    TyMcParam p = { "x", dist(TY_DIST_UNIFORM, 0, 1, 0) };
    TyOverride ov[2] = { { "k", model_value_scalar(5) }, { "x", model_value_scalar(100) } };
    int y = model_element_find(m, "y");
    TyMcOptions opt = { .nsamples = 1000, .seed = 1, .overrides = ov, .noverrides = 2, .params = &p,
                        .nparams = 1, .tracked = &y, .ntracked = 1, .probs = PROBS, .nprobs = 5 };
    TyMcResult r;
    ok(mc_run(m, &opt, &r, &mc_err));
    /* k from the scenario; x drawn (the draw is applied after the scenario's x). */
    assert_true(r.series[0].min >= 5 && r.series[0].max <= 6);
    mc_result_free(&r);
    /* Without quantiles the run keeps no extremes either. */
    opt.nprobs = 0;
    ok(mc_run(m, &opt, &r, &mc_err));
    assert_true(isnan(r.series[0].min) && isnan(r.series[0].max));
    assert_true(fabs(r.series[0].mean - 5.5) < 0.05);
    mc_result_free(&r);
    model_free(m);
}

static void mc_should_name_the_first_failing_sample(void **state)
{
    TyModelBuilder *b = model_builder_new();
    param(b, "x", 1);
    aux(b, "y", call1(b, TY_OP_SQRT, ref(b, "x")));
    TyModel *m = compile(b, 2024, 2025);
    TyMcParam p = { "x", dist(TY_DIST_NORMAL, 3, 1, 0) };
    int y = model_element_find(m, "y");
    char first[2][800];
    for (int t = 1; t <= 2; t++) {
        TyMcOptions opt = { .nsamples = 20000, .seed = 2, .nthreads = t, .params = &p, .nparams = 1,
                            .tracked = &y, .ntracked = 1 };
        TyMcResult r;
        TyError err;
        assert_int_equal(mc_run(m, &opt, &r, &err), TY_EDATA);
        assert_null(r.series);
        snprintf(first[t - 1], sizeof first[0], "%s", err.msg);
        assert_non_null(strstr(err.msg, "Monte Carlo sample "));
        assert_non_null(strstr(err.msg, ": 'y' is not finite (NaN) in 2024 (with x = -"));
        assert_string_equal(err.file, "test.lua");
        assert_int_equal(err.line, 2);
    }
    assert_string_equal(first[0], first[1]);
    /* The sample named is the first with x < 0. */
    unsigned long k;
    assert_int_equal(sscanf(first[0], "Monte Carlo sample %lu", &k), 1);
    double xs[20000];
    mc_draw(&p, 1, 20000, 2, 0, 0, 20000, xs, 20000);
    unsigned long want = 0;
    while (xs[want] >= 0) want++;
    assert_int_equal(k, want + 1);
    model_free(m);
}

static void expect_bad(const TyModel *m, TyMcOptions *opt, TyStatus code, const char *text)
{
    TyMcResult r;
    TyError err;
    assert_int_equal(mc_run(m, opt, &r, &err), code);
    if (!strstr(err.msg, text)) fail_msg("message '%s' lacks '%s'", err.msg, text);
}

static void mc_should_reject_bad_options(void **state)
{
    TyModel *m = identity_model();
    TyMcParam p = { "x", dist(TY_DIST_NORMAL, 10, 2, 0) }, q = { "y", p.dist }, pp[2] = { p, p };
    int y = model_element_find(m, "y"), yy[2] = { y, y }, year = 2030, years2[2] = { 2025, 2025 };
    TyMcTarget t = { 0, 2024, 1, 0 };
    TyMcOptions o = { .nsamples = 0, .params = &p, .nparams = 1, .tracked = &y, .ntracked = 1 };
    expect_bad(m, &o, TY_ESCRIPT, "needs at least one sample");
    o.nsamples = 10;
    o.years = &year;
    o.nyears = 1;
    expect_bad(m, &o, TY_ESCRIPT, "year 2030 is outside the model's 2025..2025");
    o.years = years2;
    o.nyears = 2;
    expect_bad(m, &o, TY_ESCRIPT, "year 2025 is summarised twice");
    o.years = NULL;
    o.nyears = 0;
    o.tracked = yy;
    o.ntracked = 2;
    expect_bad(m, &o, TY_ESCRIPT, "'y' is tracked twice");
    o.tracked = &y;
    o.ntracked = 1;
    o.params = &q;
    expect_bad(m, &o, TY_ESCRIPT, "'y' is not a parameter or lever");
    o.params = pp;
    o.nparams = 2;
    expect_bad(m, &o, TY_ESCRIPT, "'x' has two distributions");
    o.params = &p;
    o.nparams = 1;
    o.targets = &t;
    o.ntargets = 1;
    expect_bad(m, &o, TY_ESCRIPT, "target 1: no tracked element 1 summarised in 2024");
    o.ntargets = 0;
    o.nsamples = (size_t)UINT32_MAX + 1;
    expect_bad(m, &o, TY_ELIMIT, "at most");
    model_free(m);
}

static void mc_should_fail_cleanly_on_every_allocation_failure(void **state)
{
    TyModel *m = pipeline_model();
    int succeeded = 0;
    for (long n = 0; n < 400 && !succeeded; n++) {
        TyMcResult r;
        ty_alloc_fail_after(n);
        TyMcParam ps[1] = { { "rate", dist(TY_DIST_NORMAL, 0.1, 0.03, 0) } };
        int tracked = model_element_find(m, "stock");
        TyMcOptions opt = { .nsamples = 300, .seed = 1, .params = ps, .nparams = 1, .tracked = &tracked,
                            .ntracked = 1, .probs = PROBS, .nprobs = 5, .exact_budget = 100 };
        TyError err;
        TyStatus st = mc_run(m, &opt, &r, &err);
        ty_alloc_fail_after(-1);
        if (st == TY_OK) {
            succeeded = 1;
            mc_result_free(&r);
        } else {
            assert_int_equal(st, TY_ENOMEM);
            assert_null(r.series);
        }
    }
    assert_true(succeeded);
    model_free(m);
}

/* ---- interruption and progress ---- */

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* The pipeline model over n samples, with a progress callback (or none). */
static TyStatus run_long(const TyModel *m, int threads, size_t n, TyMcProgressFn progress, void *ctx,
                         TyMcResult *r, TyError *err)
{
    static TyMcParam ps[3];
    ps[0] = (TyMcParam){ "rate", dist(TY_DIST_NORMAL, 0.1, 0.03, 0) };
    ps[1] = (TyMcParam){ "entry", dist(TY_DIST_TRIANGULAR, 2, 8, 5) };
    ps[2] = (TyMcParam){ "exit", dist(TY_DIST_UNIFORM, 0.0, 0.05, 0) };
    static int tracked[2];
    tracked[0] = model_element_find(m, "stock");
    tracked[1] = model_element_find(m, "share");
    static const TyMcTarget targets[1] = { { 0, 2035, 100, 0 } };
    TyMcOptions opt = { .nsamples = n, .seed = 5, .nthreads = threads, .params = ps, .nparams = 3,
                        .tracked = tracked, .ntracked = 2, .targets = targets, .ntargets = 1,
                        .probs = PROBS, .nprobs = 5, .exact_budget = 1000,
                        .progress = progress, .progress_ctx = ctx };
    return mc_run(m, &opt, r, err);
}

static void mc_should_stop_at_once_when_the_flag_is_already_set(void **state)
{
    TyModel *m = pipeline_model();
    ty_interrupt_request();
    for (int t = 1; t <= 2; t++) {
        TyMcResult r;
        TyError err;
        assert_int_equal(run_long(m, t, 100000, NULL, NULL, &r, &err), TY_EINTR);
        assert_string_equal(err.msg, "interrupted");
        assert_null(r.series);
        assert_null(r.met);
        assert_true(ty_interrupt_requested());        /* left set: the host clears it */
    }
    ty_interrupt_clear();
    model_free(m);
}

typedef struct Interrupter {
    double delay, set_at;
} Interrupter;

static void *interrupt_later(void *arg)
{
    Interrupter *in = arg;
    struct timespec d = { 0, (long)(in->delay * 1e9) };
    nanosleep(&d, NULL);
    in->set_at = now_s();
    ty_interrupt_request();
    return NULL;
}

/* A run of many seconds, interrupted after 0.3 s from another thread (as a signal handler would):
 * it returns TY_EINTR at once (asserted: within 0.5 s), keeps nothing, and the next run is the same as a fresh one. */
static void mc_should_stop_within_a_block_when_interrupted(void **state)
{
    TyModel *m = pipeline_model();
    TyMcResult before, after;
    TyError err;
    ok(run_long(m, 1, 50000, NULL, NULL, &before, &err));
    for (int t = 1; t <= 3; t += 2) {
        Interrupter in = { 0.3, 0 };
        pthread_t th;
        assert_int_equal(pthread_create(&th, NULL, interrupt_later, &in), 0);
        double t0 = now_s();
        TyMcResult r;
        TyStatus st = run_long(m, t, 400000000, NULL, NULL, &r, &err);   /* minutes, whole */
        double back = now_s();
        pthread_join(th, NULL);
        assert_int_equal(st, TY_EINTR);
        assert_string_equal(err.msg, "interrupted");
        assert_null(r.series);
        double latency = back - in.set_at;
        printf("# %d thread(s): interrupted after %.3f s, returned %.4f s after the flag\n", t,
               in.set_at - t0, latency);
        /* The core stops within a block (milliseconds); 0.5 s leaves room for a loaded machine. */
        if (latency > 0.5) fail_msg("%d thread(s): returned %.3f s after the flag (> 0.5 s)", t, latency);
        ty_interrupt_clear();
    }
    ok(run_long(m, 1, 50000, NULL, NULL, &after, &err));
    expect_same(&before, &after);
    mc_result_free(&before);
    mc_result_free(&after);
    model_free(m);
}

typedef struct ProgressLog {
    pthread_t caller;
    int calls, wrong_thread, bad;
    size_t last_done;
    double last_elapsed, min_gap;
    int interrupt_at;               /* sets the interrupt flag on this call (0: never) */
} ProgressLog;

static void log_progress(void *ctx, size_t done, size_t total, double elapsed)
{
    ProgressLog *p = ctx;
    if (!pthread_equal(pthread_self(), p->caller)) p->wrong_thread++;
    if (done < p->last_done || done > total || done % TY_MC_CHUNK != 0) p->bad++;
    if (p->calls > 0 && elapsed - p->last_elapsed < p->min_gap) p->min_gap = elapsed - p->last_elapsed;
    if (p->calls == 0 && elapsed < p->min_gap) p->min_gap = elapsed;
    p->calls++;
    p->last_done = done;
    p->last_elapsed = elapsed;
    if (p->interrupt_at && p->calls == p->interrupt_at) ty_interrupt_request();
}

static void mc_should_report_progress_from_the_calling_thread_without_changing_results(void **state)
{
    TyModel *m = pipeline_model();
    for (int t = 1; t <= 3; t += 2) {
        TyMcResult plain, watched;
        TyError err;
        double t0 = now_s();
        ok(run_long(m, t, 3000000, NULL, NULL, &plain, &err));
        double took = now_s() - t0;
        ProgressLog log = { .caller = pthread_self(), .min_gap = 1e9 };
        t0 = now_s();
        ok(run_long(m, t, 3000000, log_progress, &log, &watched, &err));
        double took_watched = now_s() - t0;
        printf("# %d thread(s): %.2f s, %.2f s with %d progress calls, closest %.3f s apart\n", t, took,
               took_watched, log.calls, log.min_gap);
        expect_same(&plain, &watched);
        assert_int_equal(log.wrong_thread, 0);
        assert_int_equal(log.bad, 0);
        if (took_watched > 0.5) assert_true(log.calls >= 1);  /* one at least every 0.2 s or so */
        if (log.calls > 0) assert_true(log.min_gap >= TY_MC_PROGRESS_SECONDS - 1e-9);
        mc_result_free(&plain);
        mc_result_free(&watched);
    }
    model_free(m);
}

/* The flag set from the progress callback (between chunks) stops the run too. */
static void mc_should_stop_when_interrupted_between_chunks(void **state)
{
    TyModel *m = pipeline_model();
    ProgressLog log = { .caller = pthread_self(), .min_gap = 1e9, .interrupt_at = 1 };
    TyMcResult r;
    TyError err;
    assert_int_equal(run_long(m, 2, 400000000, log_progress, &log, &r, &err), TY_EINTR);
    assert_int_equal(log.calls, 1);
    assert_null(r.series);
    ty_interrupt_clear();
    model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mc_should_estimate_a_normal_tail_probability),
        cmocka_unit_test(mc_should_give_identical_results_for_any_thread_count),
        cmocka_unit_test(mc_should_merge_sample_ranges_into_the_whole_run_bit_for_bit),
        cmocka_unit_test(mc_should_read_quantiles_from_histograms_within_their_bound),
        cmocka_unit_test(mc_should_run_on_given_draws_as_on_its_own),
        cmocka_unit_test(mc_should_reduce_the_error_of_the_mean_with_latin_hypercube),
        cmocka_unit_test(mc_should_apply_the_scenario_under_the_draws),
        cmocka_unit_test(mc_should_name_the_first_failing_sample),
        cmocka_unit_test(mc_should_reject_bad_options),
        cmocka_unit_test(mc_should_fail_cleanly_on_every_allocation_failure),
        cmocka_unit_test(mc_should_stop_at_once_when_the_flag_is_already_set),
        cmocka_unit_test(mc_should_stop_within_a_block_when_interrupted),
        cmocka_unit_test(mc_should_report_progress_from_the_calling_thread_without_changing_results),
        cmocka_unit_test(mc_should_stop_when_interrupted_between_chunks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
