/* test_eval_plan.c — the evaluator's shortcuts in the later years' program (core/eval.c: an
 * if_ on year == first_year left out, its branch's writer writing its slot; an instruction
 * computing what an earlier one computed left out; two pows of one base sharing its log;
 * elements written straight into their delay ring's row; a unit conversion folded into the
 * operation before it) give the same bits as running every
 * instruction as compiled (eval_plan_shortcuts(0)). 60 random models built for the hazards:
 * the same quotient built in several elements and raised to several powers, delays of 1 to 3
 * years of earlier, later and the same element, if_s on year == first_year and on later years,
 * stocks fed by flows that are delayed, sums, differences, products and quotients in 亿元 into
 * elements in 万元, per-sample values with zeros, negatives and values past
 * exp's range (so pow's lanes leave its common case). Every value of every element in every
 * year, under every kernel set this CPU runs, bit for bit; the error a value that is not finite
 * gives, word for word; and each shortcut taken somewhere (or the test proves nothing). Shown
 * to fail by: plan_merge not stopping at a write of an argument (a quotient taken from before
 * its operand changed), rings left at their deepest delay's rows (a rotating writer overwrote
 * the row a delay still read), plan_logs not stopping at a write of the base, deliver reading
 * the element's slot instead of its block for the year, the if_'s branches swapped, a branch's
 * writer retargeted over a reader of the if_'s slot, a scale folded into a writer whose
 * temporary another instruction also reads, the folded scale's factor dropped, the fused
 * subtraction's factor applied to b alone, and the checking fused subtraction's table entry
 * pointed at the addition. Every param is tracked, delays read params too, and each model also
 * runs on values that do not overflow, so that some runs check every block of every year (the
 * checking kernels) and pass: their values are compared bit for bit too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/eval.h"
#include "core/eval_kernels.h"
#include "core/expr_ops.h"
#include "core/model.h"

static TyError plan_err;
static uint64_t rng_state;

static uint64_t next(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static int pick(int n) { return (int)(next() % (uint64_t)n); }
static double unit(void) { return (double)(next() >> 11) * 0x1p-53; }

static void ok(TyStatus st)
{
    if (st != TY_OK) {
        char buf[1200];
        fail_msg("unexpected error %d: %s", st, ty_error_format(&plan_err, buf, sizeof buf));
    }
}

static int ref(TyModelBuilder *b, const char *name)
{
    int n;
    ok(model_node_ref(b, name, &n, &plan_err));
    return n;
}

static int num(TyModelBuilder *b, double v)
{
    int n;
    ok(model_node_const(b, v, &n, &plan_err));
    return n;
}

static int call(TyModelBuilder *b, TyOp op, int nargs, ...)
{
    int args[4], n;
    va_list ap;
    va_start(ap, nargs);
    for (int i = 0; i < nargs; i++) args[i] = va_arg(ap, int);
    va_end(ap);
    ok(model_node_call(b, op, args, (size_t)nargs, &n, &plan_err));
    return n;
}

static int year_is(TyModelBuilder *b, TyOp cmp, double year)
{
    int y;
    ok(model_node_year(b, &y, &plan_err));
    return call(b, cmp, 2, y, num(b, year));
}

#define FIRST 2021
#define LAST 2030
#define MAXE 24
static const char *const PARAMS[] = { "x", "y", "z" };
static char names[MAXE][16];
static int nelem;

/* Any element (a delay may read a later one, or itself), or an earlier one by ref. */
static int delayed(TyModelBuilder *b, int self)
{
    int n, e = pick(nelem + 3);   /* a param too: its ring copied from where it is read */
    (void)self;
    ok(model_node_delay(b, e < nelem ? names[e] : PARAMS[e - nelem], 1 + pick(3),
                        pick(2) ? ref(b, PARAMS[pick(3)]) : num(b, 0.5), &n, &plan_err));
    return n;
}

static int leaf(TyModelBuilder *b, int self)
{
    switch (pick(self > 0 ? 4 : 3)) {
    case 0: return ref(b, PARAMS[pick(3)]);
    case 1: return num(b, 0.25 + pick(8) * 0.5);
    case 2: return delayed(b, self);
    default: return ref(b, names[pick(self)]);
    }
}

/* The same few quotients again and again: merged, and raised to several powers of one base. */
static int quotient(TyModelBuilder *b, int self)
{
    int k = pick(3);
    if (self < 2) return call(b, TY_OP_DIV, 2, ref(b, PARAMS[k]), ref(b, PARAMS[(k + 1) % 3]));
    int a = k % self, c = (k + 1) % self;
    return call(b, TY_OP_DIV, 2, ref(b, names[a]), ref(b, names[c]));
}

static int expr(TyModelBuilder *b, int self, int depth)
{
    if (depth <= 0) return leaf(b, self);
    static const TyOp bin[] = { TY_OP_ADD, TY_OP_SUB, TY_OP_MUL, TY_OP_DIV, TY_OP_MIN, TY_OP_MAX };
    switch (pick(7)) {
    case 0:
    case 1: return call(b, bin[pick(6)], 2, expr(b, self, depth - 1), expr(b, self, depth - 1));
    case 2: return call(b, TY_OP_POW, 2, quotient(b, self), ref(b, PARAMS[pick(3)]));
    case 3: return quotient(b, self);
    case 4:   /* the first year's value, then a formula: the if_ the later years leave out */
        return call(b, TY_OP_IF, 3, year_is(b, TY_OP_EQ, FIRST), leaf(b, self),
                    call(b, bin[pick(3)], 2, delayed(b, self), expr(b, self, depth - 1)));
    case 5:   /* a condition that changes: not left out */
        return call(b, TY_OP_IF, 3, year_is(b, TY_OP_GT, FIRST + 1 + pick(5)),
                    expr(b, self, depth - 1), expr(b, self, depth - 1));
    default: return leaf(b, self);
    }
}

static TyModel *random_model(void)
{
    TyModelBuilder *b = model_builder_new();
    assert_non_null(b);
    TyValue one = model_value_scalar(1.0);
    for (int p = 0; p < 3; p++) ok(model_add_param(b, PARAMS[p], "1", "plan.lua:1", &one, NULL, &plan_err));
    ok(model_add_param(b, "money", "亿元", "plan.lua:1", &one, NULL, &plan_err));
    nelem = 8 + pick(MAXE - 8);
    for (int e = 0; e < nelem; e++) snprintf(names[e], sizeof names[e], "e%d", e);
    int with_stock = pick(2);
    int stock = -1;
    for (int e = 0; e < nelem; e++) {
        int x = expr(b, e, 1 + pick(3));
        int id;
        if (with_stock && e == nelem - 1) {
            ok(model_add_flow(b, names[e], "1", "plan.lua:2", x, NULL, &plan_err));
            ok(model_add_stock(b, "s", "1", "plan.lua:3", num(b, 1.0), &stock, &plan_err));
            ok(model_stock_add_inflow(b, stock, names[e], &plan_err));
        } else {
            ok(model_add_aux(b, names[e], "1", "plan.lua:2", x, &id, &plan_err));
        }
    }
    /* money in 亿元 into elements in 万元: each a unit conversion after an operation */
    static const TyOp money_ops[] = { TY_OP_ADD, TY_OP_SUB, TY_OP_MUL, TY_OP_DIV };
    for (int k = 0; k < 3; k++) {
        char name[16];
        snprintf(name, sizeof name, "w%d", k);
        TyOp op = money_ops[pick(4)];
        int other = op == TY_OP_ADD || op == TY_OP_SUB
                        ? call(b, TY_OP_MUL, 2, ref(b, "money"), ref(b, names[pick(nelem)]))
                        : ref(b, names[pick(nelem)]);
        int id;
        ok(model_add_aux(b, name, "万元", "plan.lua:5", call(b, op, 2, ref(b, "money"), other), &id,
                         &plan_err));
    }
    /* one node read twice, once through a conversion (亿元 into 万元 to add it to w0): a scale
     * of a temporary that another instruction reads too */
    {
        int shared = call(b, TY_OP_MUL, 2, ref(b, "money"), ref(b, names[pick(nelem)]));
        int id;
        ok(model_add_aux(b, "v", "万元", "plan.lua:6",
                         call(b, TY_OP_ADD, 2, call(b, TY_OP_ADD, 2, ref(b, "w0"), shared),
                              call(b, TY_OP_MUL, 2, shared, num(b, 2.0))),
                         &id, &plan_err));
    }
    if (with_stock) {
        int n;
        ok(model_node_delay(b, "s", 1, num(b, 2.0), &n, &plan_err));
        int id;
        ok(model_add_aux(b, "reads_s", "1", "plan.lua:4", call(b, TY_OP_ADD, 2, n, ref(b, "s")), &id,
                         &plan_err));
    }
    TyModel *m = NULL;
    ok(model_compile(b, FIRST, LAST, &m, &plan_err));
    model_builder_free(b);
    return m;
}

#define NS 600   /* two whole blocks and a part */
static double xs[NS], ys[NS], zs[NS];
/* the same without the odd values: runs that check their values and pass, to the last block */
static double nxs[NS], nys[NS], nzs[NS];
static int odd_values = 1;

/* Every element's values (allow_nonfinite), or the error text of a run that checks them. */
static double *run(const TyModel *m, const int *tracked, size_t nt, int allow, char *msg, size_t cap)
{
    size_t ny = (size_t)(LAST - FIRST + 1);
    double *out = calloc(nt * ny * NS + 1, sizeof(double));
    assert_non_null(out);
    const double *x = odd_values ? xs : nxs, *y = odd_values ? ys : nys, *z = odd_values ? zs : nzs;
    TyOverride ov[4] = { { "x", model_value_samples(x, NS) }, { "y", model_value_samples(y, NS) },
                         { "z", model_value_samples(z, NS) }, { "money", model_value_samples(z, NS) } };
    TyRunOptions opt;
    memset(&opt, 0, sizeof opt);
    opt.nsamples = NS;
    opt.overrides = ov;
    opt.noverrides = 4;
    opt.tracked = tracked;
    opt.ntracked = nt;
    opt.out = out;
    opt.allow_nonfinite = allow;
    TyStatus st = model_run(m, &opt, &plan_err);
    if (allow) ok(st);
    else if (st) ty_error_format(&plan_err, msg, cap);
    else snprintf(msg, cap, "finite");
    return out;
}

static void shortcuts_should_give_the_bits_of_every_instruction_run(void **state)
{
    (void)state;
    rng_state = 0x2545f4914f6cdd1dULL;
    static const double odd[] = { 0.0, -1.0, 1.0, -2.5, 800.0, 1e-300, 3.0 };
    for (size_t i = 0; i < NS; i++) {
        xs[i] = i % 11 == 0 ? odd[pick(7)] : 0.5 + unit() * 2.0;
        ys[i] = i % 13 == 0 ? odd[pick(7)] : (unit() - 0.3) * 3.0;
        zs[i] = i % 17 == 0 ? odd[pick(7)] : 0.2 + unit() * 5.0;
    }
    for (size_t i = 0; i < NS; i++) {
        nxs[i] = 0.5 + unit() * 2.0;
        nys[i] = 0.5 + unit() * 2.0;
        nzs[i] = 0.5 + unit() * 2.0;
    }
    TyEvalPlanCounts total = { 0 };
    size_t compared = 0, errors_compared = 0, finite_runs = 0;
    static const char *const sets[] = { "scalar", "sse2", "avx2", "avx512" };
    for (int model = 0; model < 60; model++) {
        TyModel *m = random_model();
        size_t ne = model_element_count(m), nt = 0;
        int *tracked = calloc(ne + 1, sizeof(int));
        assert_non_null(tracked);
        for (size_t e = 0; e < ne; e++)
            if (model_element_kind(m, (int)e) != TY_ELEM_LOOKUP) tracked[nt++] = (int)e;
        size_t nv = nt * (size_t)(LAST - FIRST + 1) * NS;
        for (int s = 0; s < 4; s++) {
            const EvalKernels *k = eval_kernels_named(sets[s]);
            if (!k) continue;
            eval_kernels_force(k);
            char want_msg[600], got_msg[600];
            eval_plan_shortcuts(0);
            double *want = run(m, tracked, nt, 1, want_msg, sizeof want_msg);
            free(run(m, tracked, nt, 0, want_msg, sizeof want_msg));
            eval_plan_shortcuts(1);
            double *got = run(m, tracked, nt, 1, got_msg, sizeof got_msg);
            TyEvalPlanCounts c = eval_plan_counts();
            free(run(m, tracked, nt, 0, got_msg, sizeof got_msg));
            if (s == 0) {                     /* the same plan under every set */
                total.branches += c.branches;
                total.merged += c.merged;
                total.shared_logs += c.shared_logs;
                total.rotated += c.rotated;
                total.scales += c.scales;
            }
            for (size_t i = 0; i < nv; i++) {
                if (memcmp(&got[i], &want[i], sizeof got[i]) == 0) continue;
                size_t ny = (size_t)(LAST - FIRST + 1);
                fail_msg("model %d, %s: '%s' in %d, sample %zu: %a with the shortcuts, %a without",
                         model, sets[s], model_element_name(m, tracked[i / (ny * NS)]),
                         FIRST + (int)(i / NS % ny), i % NS + 1, got[i], want[i]);
            }
            assert_string_equal(got_msg, want_msg);
            errors_compared += strcmp(want_msg, "finite") != 0;
            compared++;
            free(want);
            free(got);
            /* and a run that checks its values (the checking kernels) and may pass: then every
             * value, bit for bit, too */
            odd_values = 0;
            eval_plan_shortcuts(0);
            want = run(m, tracked, nt, 0, want_msg, sizeof want_msg);
            eval_plan_shortcuts(1);
            got = run(m, tracked, nt, 0, got_msg, sizeof got_msg);
            odd_values = 1;
            assert_string_equal(got_msg, want_msg);
            if (strcmp(want_msg, "finite") == 0) {
                finite_runs++;
                assert_memory_equal(got, want, nv * sizeof *got);
            }
            free(want);
            free(got);
        }
        eval_kernels_force(NULL);
        free(tracked);
        model_free(m);
    }
    eval_plan_shortcuts(1);
    print_message("%zu runs compared (%zu with an error, %zu checked finite); left out: %zu if_s, %zu merged, %zu "
                  "scales; %zu shared logs; %zu rotating elements\n", compared, errors_compared,
                  finite_runs, total.branches, total.merged, total.scales, total.shared_logs,
                  total.rotated);
    assert_true(compared >= 60);
    assert_true(errors_compared > 0 && finite_runs > 0);
    assert_true(total.branches > 0 && total.merged > 0 && total.shared_logs > 0 && total.rotated > 0
                && total.scales > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shortcuts_should_give_the_bits_of_every_instruction_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
