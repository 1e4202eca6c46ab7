/* eval_micro.c — a micro-benchmark of the model evaluator (not a test): builds a model of about
 * 45 elements shaped like the standard Wuwei model (an enterprise pipeline of stocks with a
 * 3-year renewal delay; R&D finance with unit conversions and a 1-year leverage lag; output
 * indicators), runs 100,000 samples × 15 years with 8 per-sample parameters and 12 tracked
 * indicators summarised by a streaming callback, and prints the time.
 *
 *   cc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -Isrc -o build/eval_micro bench/eval_micro.c \
 *      src/core/model.c src/core/model_compile.c src/core/eval.c src/core/units.c \
 *      src/core/error.c src/core/alloc.c -lm && build/eval_micro [samples]
 *
 * The magnitudes are illustrative, not statistics. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/eval.h"
#include "core/model.h"

#define LOC "bench/eval_micro.c"

static TyModelBuilder *mb;
static TyError bench_err;

static void must(TyStatus st)
{
    if (st == TY_OK) return;
    char buf[1200];
    fprintf(stderr, "eval_micro: %s\n", ty_error_format(&bench_err, buf, sizeof buf));
    exit(1);
}

static int K(double v) { int n; must(model_node_const(mb, v, &n, &bench_err)); return n; }
static int KU(double v, const char *u) { int n; must(model_node_const_unit(mb, v, u, &n, &bench_err)); return n; }
static int R(const char *name) { int n; must(model_node_ref(mb, name, &n, &bench_err)); return n; }
static int D(const char *name, int years) { int n; must(model_node_delay(mb, name, years, -1, &n, &bench_err)); return n; }
static int YEAR(void) { int n; must(model_node_year(mb, &n, &bench_err)); return n; }

static int F(TyOp op, int nargs, ...)
{
    int args[8], n;
    va_list ap;
    va_start(ap, nargs);
    for (int i = 0; i < nargs; i++) args[i] = va_arg(ap, int);
    va_end(ap);
    must(model_node_call(mb, op, args, (size_t)nargs, &n, &bench_err));
    return n;
}

static int input(TyElemKind kind, const char *name, const char *unit, double v)
{
    int e;
    TyValue d = model_value_scalar(v);
    if (kind == TY_ELEM_LEVER) must(model_add_lever(mb, name, unit, LOC, &d, &e, &bench_err));
    else must(model_add_param(mb, name, unit, LOC, &d, &e, &bench_err));
    return e;
}

static int aux(const char *name, const char *unit, int expr)
{
    int e;
    must(model_add_aux(mb, name, unit, LOC, expr, &e, &bench_err));
    return e;
}

static int flow(const char *name, const char *unit, int expr)
{
    int e;
    must(model_add_flow(mb, name, unit, LOC, expr, &e, &bench_err));
    return e;
}

static int stock(const char *name, const char *unit, double init, const char *const *in,
                 const char *const *out)
{
    int e;
    must(model_add_stock(mb, name, unit, LOC, K(init), &e, &bench_err));
    for (; in && *in; in++) must(model_stock_add_inflow(mb, e, *in, &bench_err));
    for (; out && *out; out++) must(model_stock_add_outflow(mb, e, *out, &bench_err));
    return e;
}

static void build(void)
{
    /* Inputs. */
    input(TY_ELEM_PARAM, "gdp0", "亿元", 500);
    input(TY_ELEM_PARAM, "gdp_growth", "%", 6);
    input(TY_ELEM_PARAM, "budget_share", "%", 8);
    input(TY_ELEM_PARAM, "st_share", "%", 2);
    input(TY_ELEM_LEVER, "st_raise", "%", 0);
    input(TY_ELEM_PARAM, "leverage", "1", 1.5);
    input(TY_ELEM_PARAM, "rd_per_hte", "万元/家", 300);
    input(TY_ELEM_PARAM, "cert_base", "家/年", 25);
    input(TY_ELEM_LEVER, "extra_certs", "家/年", 0);
    input(TY_ELEM_PARAM, "renewal", "ratio", 0.8);
    input(TY_ELEM_PARAM, "promo_rate", "%", 10);
    input(TY_ELEM_PARAM, "sme_exit_rate", "%", 5);
    input(TY_ELEM_PARAM, "sme_entry", "家/年", 200);
    input(TY_ELEM_PARAM, "contract_per_rd", "1", 0.8);
    input(TY_ELEM_PARAM, "patents_per_rd", "件/亿元", 30);
    input(TY_ELEM_PARAM, "population", "万人", 180);

    /* R&D finance. */
    aux("gdp", "亿元", F(TY_OP_GROWTH, 2, R("gdp0"), R("gdp_growth")));
    aux("budget", "亿元", F(TY_OP_MUL, 2, R("gdp"), R("budget_share")));
    aux("fiscal_st", "亿元", F(TY_OP_MUL, 2, F(TY_OP_MUL, 2, R("budget"), R("st_share")),
                               F(TY_OP_ADD, 2, K(1), R("st_raise"))));
    int gov = aux("gov_rd", "亿元", F(TY_OP_MUL, 2, R("fiscal_st"), K(0.6)));
    must(model_set_history_const(mb, gov, 0.4, &bench_err));
    aux("ent_rd_base", "亿元", F(TY_OP_MUL, 2, R("gdp"), K(0.008)));
    aux("hte_rd", "亿元", F(TY_OP_MUL, 2, R("hte"), R("rd_per_hte")));
    aux("ent_rd", "亿元", F(TY_OP_SUM, 3, R("ent_rd_base"),
                            F(TY_OP_MUL, 2, R("leverage"), D("gov_rd", 1)), R("hte_rd")));
    aux("total_rd", "亿元", F(TY_OP_ADD, 2, R("gov_rd"), R("ent_rd")));
    aux("rd_intensity", "%", F(TY_OP_DIV, 2, R("total_rd"), R("gdp")));
    aux("ent_share", "%", F(TY_OP_DIV, 2, R("ent_rd"), R("total_rd")));
    aux("fiscal_share", "%", F(TY_OP_DIV, 2, R("fiscal_st"), R("budget")));

    /* Outputs. */
    aux("contract", "亿元", F(TY_OP_MUL, 2, R("total_rd"), R("contract_per_rd")));
    aux("patents", "件", F(TY_OP_MUL, 2, R("total_rd"), R("patents_per_rd")));
    aux("patents_per_pop", "件/万人", F(TY_OP_DIV, 2, R("patents"), R("population")));
    aux("newprod_share", "%", F(TY_OP_CLAMP, 3, F(TY_OP_MUL, 2, R("rd_intensity"), K(8)), K(0), K(0.6)));

    /* Enterprise pipeline. */
    const char *sme_in[] = { "sme_in", NULL }, *sme_out[] = { "sme_promo", "sme_exit", NULL };
    const char *prov_in[] = { "sme_promo", NULL }, *prov_out[] = { "prov_promo", NULL };
    const char *hte_in[] = { "certs", NULL }, *hte_out[] = { "hte_exit", "leaders_in", NULL };
    const char *lead_in[] = { "leaders_in", NULL };
    flow("sme_in", "家/年", R("sme_entry"));
    flow("sme_promo", "家/年", F(TY_OP_MUL, 2, R("sme"), R("promo_rate")));
    flow("sme_exit", "家/年", F(TY_OP_MUL, 2, R("sme"), R("sme_exit_rate")));
    stock("sme", "家", 300, sme_in, sme_out);
    stock("prov", "家", 80, prov_in, prov_out);
    flow("prov_promo", "家/年", F(TY_OP_MUL, 2, R("prov"), K(0.15)));
    int certs = flow("certs", "家/年", F(TY_OP_SUM, 3, R("cert_base"), R("extra_certs"),
                                        F(TY_OP_MUL, 2, R("prov_promo"), K(0.5))));
    double cert_hist[] = { 12, 8, 9 };
    must(model_set_history(mb, certs, 2018, cert_hist, 3, &bench_err));
    flow("hte_exit", "家/年", F(TY_OP_MUL, 2, F(TY_OP_SUB, 2, K(1), R("renewal")), D("certs", 3)));
    flow("leaders_in", "家/年", F(TY_OP_MUL, 2, R("hte"), K(0.01)));
    int hte = stock("hte", "家", 59, hte_in, hte_out);
    must(model_set_history_const(mb, hte, 55, &bench_err));
    stock("leaders", "家", 3, lead_in, NULL);
    aux("hte_growth", "%", F(TY_OP_IF, 3, F(TY_OP_GT, 2, YEAR(), K(2021)),
                             F(TY_OP_DIV, 2, F(TY_OP_SUB, 2, R("hte"), D("hte", 1)), D("hte", 1)),
                             K(0)));
    aux("cert_cost", "万元/年", F(TY_OP_MUL, 2, R("certs"), KU(20, "万元/家")));
    aux("index", "%", F(TY_OP_SUM, 3, F(TY_OP_MUL, 2, R("rd_intensity"), K(20)),
                        F(TY_OP_MUL, 2, R("ent_share"), K(0.5)), R("newprod_share")));
    double years[] = { 2021, 2025, 2035 };
    int vals[] = { K(55), K(60), K(65) };
    int ip;
    must(model_node_interp(mb, years, vals, 3, &ip, &bench_err));
    aux("progress_contrib", "%", ip);
}

typedef struct Summary {
    double sum[12][15];
} Summary;

static const char *const tracked_names[12] = {
    "gdp", "rd_intensity", "ent_share", "fiscal_share", "contract", "patents_per_pop",
    "newprod_share", "hte", "prov", "sme", "cert_cost", "index",
};
static int tracked_ids[12];

static TyStatus summarise(void *ctx, int year, int elem, const double *values, size_t offset,
                          size_t n, TyError *err)
{
    Summary *s = ctx;
    int k = 0;
    while (k < 12 && tracked_ids[k] != elem) k++;
    double acc = 0;
    for (size_t i = 0; i < n; i++) acc += values[i];
    s->sum[k][year - 2021] += acc;
    return TY_OK;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
    size_t S = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 100000;
    if (S == 0) S = 1;
    double t0 = now();
    mb = model_builder_new();
    build();
    TyModel *m = NULL;
    must(model_compile(mb, 2021, 2035, &m, &bench_err));
    model_builder_free(mb);
    double t1 = now();

    /* Per-sample parameters: deterministic pseudo-random spreads around the defaults. */
    static const char *const sampled[8] = { "gdp_growth", "budget_share", "st_share", "leverage",
                                            "renewal", "promo_rate", "sme_exit_rate", "patents_per_rd" };
    static const double centre[8] = { 6, 8, 2, 1.5, 0.8, 10, 5, 30 };
    double *values = malloc(8 * S * sizeof(double));
    if (!values) return 1;
    uint64_t x = 88172645463325252ull;
    TyOverride ov[8];
    for (int p = 0; p < 8; p++) {
        for (size_t i = 0; i < S; i++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            double u = (double)(x >> 11) / 9007199254740992.0;
            values[(size_t)p * S + i] = centre[p] * (0.8 + 0.4 * u);
        }
        ov[p].name = sampled[p];
        ov[p].value = model_value_samples(values + (size_t)p * S, S);
    }
    for (int k = 0; k < 12; k++) tracked_ids[k] = model_element_find(m, tracked_names[k]);

    Summary summary;
    memset(&summary, 0, sizeof summary);
    TyRunOptions opt;
    memset(&opt, 0, sizeof opt);
    opt.nsamples = S;
    opt.overrides = ov;
    opt.noverrides = 8;
    opt.tracked = tracked_ids;
    opt.ntracked = 12;
    opt.on_block = summarise;
    opt.ctx = &summary;
    double t2 = now();
    must(model_run(m, &opt, &bench_err));
    double t3 = now();

    TyRunResult single;
    double t4 = now();
    must(model_run_single(m, NULL, 0, &single, &bench_err));
    double t5 = now();

    size_t ne = model_element_count(m), ni = model_instruction_count(m);
    printf("model: %zu elements, %zu instructions a year, 15 years\n", ne, ni);
    printf("compile: %.3f ms\n", 1e3 * (t1 - t0));
    printf("run: %zu samples x 15 years: %.3f s (%.1f ns per sample-year, %.2f ns per "
           "instruction-sample-year)\n", S, t3 - t2, 1e9 * (t3 - t2) / ((double)S * 15),
           1e9 * (t3 - t2) / ((double)S * 15 * (double)(ni ? ni : 1)));
    printf("single deterministic run: %.3f ms\n", 1e3 * (t5 - t4));
    printf("2035 means: hte %.1f 家, rd_intensity %.3f %%, gdp %.1f 亿元 (deterministic hte %.1f)\n",
           summary.sum[7][14] / (double)S, summary.sum[1][14] / (double)S,
           summary.sum[0][14] / (double)S, model_result_get(&single, tracked_ids[7], 2035));
    model_result_free(&single);
    model_free(m);
    free(values);
    return 0;
}
