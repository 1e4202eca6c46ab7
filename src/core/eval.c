/* eval.c — runs a compiled model: for each block of samples, every year from the first to
 * the last, each instruction one loop over the block.
 *
 * Kernels always loop over the whole block (TY_EVAL_BLOCK lanes, a constant), even when the
 * last block is shorter: the compiler then vectorises every loop with no remainder handling,
 * and lanes past the live samples hold harmless leftovers that are never checked, delivered or
 * passed to external functions. All memory is allocated before the first block. The kernels are
 * in eval_kernels.inc, built for each instruction set and chosen once (eval_kernels.h). The
 * later years' program leaves out what gives the same bits anyway (eval_shortcuts.c). */
#include "eval.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "eval_kernels.h"
#include "expr_math.h"
#include "model_internal.h"

#include "eval_run.h"

static TyStatus ext_failed(Run *r, const RunInstr *in, int year)
{
    const MElem *e = &r->m->elems[in->elem];
    return model_error_at(r->err, TY_EDATA, e->loc, "function '%s' failed in '%s' in %d",
                          r->m->extfns[in->aux].name, e->name, year);
}

/* y = x years earlier: the ring while inside the run's years, else the delay's own initial
 * value or the element's history. */
static void k_delay(const Run *r, const RunInstr *in, int year)
{
    const TyModel *m = r->m;
    const MElem *t = &m->elems[in->aux];
    int src = year - (int)in->k;
    if (src >= m->first_year) {
        const double *row = ring_row(r, t->ring, (size_t)(src - m->first_year));
        if (in->nfwd) {                       /* the readers read the row itself */
            for (int i = 0; i < in->nfwd; i++) *in->fwd[i] = row;
            return;
        }
        r->k->copy(in->dst, row);
        return;
    }
    for (int i = 0; i < in->nfwd; i++) *in->fwd[i] = in->dst;
    if (in->nargs == 1) {
        r->k->copy(in->dst, in->a);
    } else if (t->hist_kind == MODEL_HIST_CONST) {
        r->k->fill(in->dst, t->hist_const);
    } else {
        r->k->fill(in->dst, t->hist[src - t->hist_first]);
    }
}

static void k_interp(const Run *r, const RunInstr *in, int year)
{
    const double *ys = r->m->reals + in->aux;
    int n = in->nargs;
    double t = (double)year;
    if (t <= ys[0]) { r->k->copy(in->dst, in->argv[0]); return; }
    if (t >= ys[n - 1]) { r->k->copy(in->dst, in->argv[n - 1]); return; }
    int k = 0;
    while (ys[k + 1] <= t) k++;
    r->k->lerp(in->dst, in->argv[k], in->argv[k + 1], (t - ys[k]) / (ys[k + 1] - ys[k]));
}

/* A delay that writes a temporary is read by the instructions after it up to the temporary's
 * next write: point those instructions' arguments at the ring's row instead of copying the row
 * (k_delay sets them each year; the same values, one copy of a block fewer). Only where every
 * reader takes its arguments as a, b, c (not interp's list) and no instruction reads the
 * temporary before the program first writes it (a value left from last year). */
static TyStatus plan_forwarding(Run *r, RunInstr *prog, size_t n)
{
    const TyModel *m = r->m;
    size_t total = 0;
    for (size_t i = 0; i < n; i++) total += (size_t)prog[i].nargs;
    r->fwd = ty_calloc(total + 1, sizeof *r->fwd);
    if (!r->fwd) return ty_error_set(r->err, TY_ENOMEM, "out of memory");
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        RunInstr *d = &prog[i];
        if (d->op != TY_OP_DELAY || d->dst < slot_ptr(r, (int)m->nelems)) continue;
        int ok = 1, written = 0;
        for (size_t q = 0; q < i && ok && !written; q++) {
            if (prog[q].elided) continue;     /* left out (eval_shortcuts.c): reads nothing */
            for (int j = 0; j < prog[q].nargs && ok; j++) ok = prog[q].argv[j] != d->dst;
            written = prog[q].dst == d->dst;
        }
        size_t start = used;
        for (size_t q = i + 1; q < n && ok; q++) {
            RunInstr *u = &prog[q];
            if (u->elided) continue;
            int reads = 0;
            for (int j = 0; j < u->nargs; j++) reads |= u->argv[j] == d->dst;
            if (reads && (u->nargs > 3 || u->op == TY_OP_INTERP)) ok = 0;
            else if (reads) {
                if (u->a == d->dst) r->fwd[used++] = &u->a;
                if (u->b == d->dst) r->fwd[used++] = &u->b;
                if (u->c == d->dst) r->fwd[used++] = &u->c;
            }
            if (u->dst == d->dst) break;
        }
        if (!ok || used == start) {
            used = start;
            continue;
        }
        d->fwd = r->fwd + start;
        d->nfwd = (int)(used - start);
    }
    return TY_OK;
}

/* ---- uniform instructions ----
 * A value that is the same in every lane (the year, constants, scalar and by-year inputs, and
 * anything computed only from those, such as year == first_year in a stock, or step(2022,
 * lever) with a scalar lever) is computed once, on lane 0, with the same scalar function the
 * kernels apply per lane, and filled: bit for bit what the kernel would have written, for a
 * store pass instead of a kernel. An if_ on a uniform condition copies the branch it takes. */

static double uniform_value(const Run *r, const RunInstr *in, int year)
{
    const double *a = in->a, *b = in->b, *c = in->c;
    switch (in->op) {
    case TY_OP_NEG: return -a[0];
    case TY_OP_ADD: return a[0] + b[0];
    case TY_OP_SUB: return a[0] - b[0];
    case TY_OP_MUL: return a[0] * b[0];
    case TY_OP_DIV: return a[0] / b[0];
    case TY_OP_POW: return expr_pow(a[0], b[0]);
    case TY_OP_LT: return expr_truth(a[0] < b[0]);
    case TY_OP_LE: return expr_truth(a[0] <= b[0]);
    case TY_OP_GT: return expr_truth(a[0] > b[0]);
    case TY_OP_GE: return expr_truth(a[0] >= b[0]);
    case TY_OP_EQ: return expr_truth(a[0] == b[0]);
    case TY_OP_NE: return expr_truth(a[0] != b[0]);
    case TY_OP_AND: return expr_truth((a[0] != 0.0) & (b[0] != 0.0));
    case TY_OP_OR: return expr_truth((a[0] != 0.0) | (b[0] != 0.0));
    case TY_OP_NOT: return expr_truth(a[0] == 0.0);
    case TY_OP_IF: return expr_if(a[0], b[0], c[0]);
    case TY_OP_MIN: return expr_min(a[0], b[0]);
    case TY_OP_MAX: return expr_max(a[0], b[0]);
    case TY_OP_CLAMP: return expr_clamp(a[0], b[0], c[0]);
    case TY_OP_ABS: return fabs(a[0]);
    case TY_OP_EXP: return expr_exp(a[0]);
    case TY_OP_LOG: return in->nargs == 2 ? expr_log_base(a[0], b[0]) : expr_log(a[0]);
    case TY_OP_SQRT: return sqrt(a[0]);
    case TY_OP_FLOOR: return floor(a[0]);
    case TY_OP_STEP: return expr_step(year, a[0], b[0]);
    case TY_OP_RAMP: return expr_ramp(year, a[0], b[0], c ? c[0] : INFINITY);
    case TY_OP_GROWTH: return expr_growth(a[0], b[0], year - r->m->first_year);
    case TY_OP_YEAR: return (double)year;
    case TY_OP_INTERP: {
        const double *ys = r->m->reals + in->aux;
        int n = in->nargs;
        double t = (double)year;
        if (t <= ys[0]) return in->argv[0][0];
        if (t >= ys[n - 1]) return in->argv[n - 1][0];
        int k = 0;
        while (ys[k + 1] <= t) k++;
        double w = (t - ys[k]) / (ys[k + 1] - ys[k]);
        return in->argv[k][0] + w * (in->argv[k + 1][0] - in->argv[k][0]);
    }
    case TY_OP_LOOKUP: {
        const MElem *t = &r->m->elems[in->aux];
        return expr_lookup(t->xs, t->ys, t->nxy, a[0]);
    }
    case EVAL_COPY: return a[0];
    case EVAL_SCALE: return a[0] * in->k;
    case EVAL_FILL: return in->k;
    }
    return NAN;   /* not reached: mark_uniform admits only the operations above */
}

/* Operations whose lanes depend only on the same lanes of their arguments. External functions
 * (whose contract is a block call) and delays (which read history) are left to their kernels. */
static int may_be_uniform(int op)
{
    return op != TY_OP_EXT && op != TY_OP_DELAY && op >= 0 && op <= EVAL_FILL;
}

/* The kernel exec may call directly for an instruction that is neither uniform nor a copy of
 * a branch: a plain operation on one or two blocks. */
static void direct_kernel(const EvalKernels *K, RunInstr *in)
{
    in->f1 = NULL;
    in->f2 = NULL;
    in->f1c = NULL;
    in->f2c = NULL;
    in->f2s = NULL;
    in->f2sc = NULL;
    if (in->scaled) {                         /* eval_plan_scales: only add, sub, mul, div */
        if (in->check == CHECK_ALL) in->f2sc = K->k2sc[in->op];
        else in->f2s = K->k2s[in->op];
        return;
    }
    if (in->uniform || in->cond_uniform || in->powlog != POW_PLAIN) return;
    if (in->check == CHECK_ALL && in->op >= 0 && in->op < EVAL_KERNEL_OPS) {
        in->f1c = in->nargs == 1 ? K->k1c[in->op] : NULL;
        in->f2c = in->nargs == 2 ? K->k2c[in->op] : NULL;
        if (in->f1c || in->f2c) return;
    }
    switch (in->op) {
    case TY_OP_NEG: in->f1 = K->neg; break;
    case TY_OP_ABS: in->f1 = K->abs; break;
    case TY_OP_EXP: in->f1 = K->exp; break;
    case TY_OP_SQRT: in->f1 = K->sqrt; break;
    case TY_OP_FLOOR: in->f1 = K->floor; break;
    case TY_OP_NOT: in->f1 = K->not_; break;
    case EVAL_COPY: in->f1 = K->copy; break;
    case TY_OP_LOG:
        if (in->nargs == 2) in->f2 = K->log_base;
        else in->f1 = K->log;
        break;
    case TY_OP_ADD: in->f2 = K->add; break;
    case TY_OP_SUB: in->f2 = K->sub; break;
    case TY_OP_MUL: in->f2 = K->mul; break;
    case TY_OP_DIV: in->f2 = K->div; break;
    case TY_OP_POW: in->f2 = K->pow; break;
    case TY_OP_LT: in->f2 = K->lt; break;
    case TY_OP_LE: in->f2 = K->le; break;
    case TY_OP_GT: in->f2 = K->gt; break;
    case TY_OP_GE: in->f2 = K->ge; break;
    case TY_OP_EQ: in->f2 = K->eq; break;
    case TY_OP_NE: in->f2 = K->ne; break;
    case TY_OP_AND: in->f2 = K->and_; break;
    case TY_OP_OR: in->f2 = K->or_; break;
    case TY_OP_MIN: in->f2 = K->min; break;
    case TY_OP_MAX: in->f2 = K->max; break;
    }
}

/* prog: the instructions to run, in order (Run.seq); skip_invariant: a later year than the
 * first of the program's years (invariants are set, and left out of prog). */
static TyStatus exec(Run *r, RunInstr *const *prog, size_t nprog, int year, size_t live,
                     int skip_invariant)
{
    const TyModel *m = r->m;
    const EvalKernels *K = r->k;
    for (size_t p = 0; p < nprog; p++) {
        const RunInstr *in = prog[p];
        double *o = in->dst;
        const double *a = in->a, *b = in->b, *c = in->c;
        if (in->f2sc) {
            r->nonfinite |= !in->f2sc(o, a, b, in->sk);
            continue;
        }
        if (in->f2s) {
            in->f2s(o, a, b, in->sk);
            goto written;
        }
        if (in->f2c) {
            r->nonfinite |= !in->f2c(o, a, b);
            continue;
        }
        if (in->f1c) {
            r->nonfinite |= !in->f1c(o, a);
            continue;
        }
        if (in->f2) {
            in->f2(o, a, b);
            goto written;
        }
        if (in->f1) {
            in->f1(o, a);
            goto written;
        }
        if (in->uniform) {
            K->fill(o, uniform_value(r, in, year));
            goto written;
        }
        if (in->cond_uniform) {
            if (a[0] != a[0]) K->fill(o, a[0]);   /* a NaN condition gives NaN (expr_if) */
            else if (in->check == CHECK_ALL) {
                r->nonfinite |= !K->k1c[EVAL_COPY](o, a[0] != 0.0 ? b : c);
                continue;
            } else K->copy(o, a[0] != 0.0 ? b : c);
            goto written;
        }
        switch (in->op) {
        case TY_OP_NEG: K->neg(o, a); break;
        case TY_OP_ADD: K->add(o, a, b); break;
        case TY_OP_SUB: K->sub(o, a, b); break;
        case TY_OP_MUL: K->mul(o, a, b); break;
        case TY_OP_DIV: K->div(o, a, b); break;
        case TY_OP_POW:
            if (in->powlog == POW_KEEP) K->pow_keep(o, a, b, in->lh, in->ll);
            else if (in->powlog == POW_GIVEN) K->pow_given(o, a, b, in->lh, in->ll);
            else K->pow(o, a, b);
            break;
        case TY_OP_LT: K->lt(o, a, b); break;
        case TY_OP_LE: K->le(o, a, b); break;
        case TY_OP_GT: K->gt(o, a, b); break;
        case TY_OP_GE: K->ge(o, a, b); break;
        case TY_OP_EQ: K->eq(o, a, b); break;
        case TY_OP_NE: K->ne(o, a, b); break;
        case TY_OP_AND: K->and_(o, a, b); break;
        case TY_OP_OR: K->or_(o, a, b); break;
        case TY_OP_NOT: K->not_(o, a); break;
        case TY_OP_IF: K->if_(o, a, b, c); break;
        case TY_OP_MIN: K->min(o, a, b); break;
        case TY_OP_MAX: K->max(o, a, b); break;
        case TY_OP_CLAMP: K->clamp(o, a, b, c); break;
        case TY_OP_ABS: K->abs(o, a); break;
        case TY_OP_EXP: K->exp(o, a); break;
        case TY_OP_LOG:
            if (in->nargs == 2) K->log_base(o, a, b);
            else K->log(o, a);
            break;
        case TY_OP_SQRT: K->sqrt(o, a); break;
        case TY_OP_FLOOR: K->floor(o, a); break;
        case TY_OP_STEP: K->step(o, a, b, year); break;
        case TY_OP_RAMP: K->ramp(o, a, b, c, year); break;
        case TY_OP_GROWTH:
            if (!in->powers) {
                K->growth(o, a, b, year - m->first_year);
                break;
            }
            if (!skip_invariant) K->growth_powers(in->powers, b, r->npowers);
            K->growth_kept(o, a, in->powers, year - m->first_year);
            break;
        case TY_OP_YEAR: K->fill(o, (double)year); break;
        case TY_OP_INTERP: k_interp(r, in, year); break;
        case TY_OP_LOOKUP: {
            const MElem *t = &m->elems[in->aux];
            K->lookup(o, a, t->xs, t->ys, t->nxy);
            break;
        }
        case TY_OP_EXT: {
            const MExtFn *f = &m->extfns[in->aux];
            if (f->fn(f->ctx, year, a, o, live) != 0) return ext_failed(r, in, year);
            break;
        }
        case TY_OP_DELAY: k_delay(r, in, year); break;
        case EVAL_COPY: K->copy(o, a); break;
        case EVAL_SCALE:
            if (in->check == CHECK_ALL) {
                r->nonfinite |= !K->scale_c(o, a, in->k);
                continue;
            }
            K->scale(o, a, in->k);
            break;
        case EVAL_FILL: K->fill(o, in->k); break;
        default:
            return ty_error_set(r->err, TY_EINTERNAL, "model evaluator: unknown instruction %d",
                                in->op);
        }
    written:
        if (in->check >= 0) {
            const double *v = o;
            r->nonfinite |= in->check == CHECK_LANE0 ? !isfinite(v[0]) : !K->finite(&v, 1);
        }
    }
    return TY_OK;
}

/* ---- setting up a run ---- */

static TyStatus resolve_program(Run *r, const EvalInstr *src, size_t n, RunInstr **out)
{
    *out = ty_calloc(n ? n : 1, sizeof(RunInstr));
    if (!*out) return ty_error_set(r->err, TY_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const EvalInstr *e = &src[i];
        RunInstr *d = &(*out)[i];
        const int *args = e->nargs > 0 ? r->m->args + e->arg0 : NULL;
        d->op = e->op;
        d->nargs = e->nargs;
        d->dst = slot_ptr(r, e->dst);
        d->wslot = e->dst;
        d->a = e->nargs > 0 ? slot_ptr(r, args[0]) : NULL;
        d->b = e->nargs > 1 ? slot_ptr(r, args[1]) : NULL;
        d->c = e->nargs > 2 ? slot_ptr(r, args[2]) : NULL;
        d->argv = r->argv + e->arg0;
        for (int j = 0; j < e->nargs; j++) r->argv[e->arg0 + (size_t)j] = slot_ptr(r, args[j]);
        d->k = e->k;
        d->aux = e->aux;
        d->elem = e->elem;
    }
    return TY_OK;
}

static TyStatus check_value(Run *r, const char *name, const TyValue *v)
{
    const TyModel *m = r->m;
    switch (v->kind) {
    case TY_VALUE_SCALAR:
        if (!isfinite(v->scalar))
            return ty_error_set(r->err, TY_EDATA, "the value set for '%s' is not finite", name);
        return TY_OK;
    case TY_VALUE_SERIES:
        for (int y = m->first_year; y <= m->last_year; y++) {
            long i = (long)y - v->first_year;
            if (!v->values || i < 0 || (size_t)i >= v->n || isnan(v->values[i]))
                return ty_error_set(r->err, TY_EDATA, "the series set for '%s' has no value for %d",
                                    name, y);
            if (!isfinite(v->values[i]))
                return ty_error_set(r->err, TY_EDATA,
                                    "the series set for '%s' is not finite in %d", name, y);
        }
        return TY_OK;
    case TY_VALUE_SAMPLES:
    case TY_VALUE_SAMPLES_BY_YEAR: {
        size_t want = r->nsamples;
        if (v->kind == TY_VALUE_SAMPLES_BY_YEAR) {
            if (want > SIZE_MAX / (size_t)m->nyears) want = 0;
            else want *= (size_t)m->nyears;
        }
        if (!v->values || v->n != want)
            return ty_error_set(r->err, TY_EDATA,
                                "'%s' is set to %zu values, but the run needs %zu (%s)", name,
                                v->n, want, v->kind == TY_VALUE_SAMPLES ? "one per sample"
                                                                        : "years × samples");
        /* checked by their maker (kept draws), or the common case, vectorised */
        if ((v->kind == TY_VALUE_SAMPLES && v->finite) || r->k->finite_n(v->values, v->n))
            return TY_OK;
        for (size_t i = 0; i < v->n; i++)
            if (!isfinite(v->values[i]))
                return ty_error_set(r->err, TY_EDATA,
                                    "the value set for '%s' is not finite (value %zu)", name,
                                    i + 1);
        return TY_OK;
    }
    }
    return ty_error_set(r->err, TY_ESCRIPT, "the value set for '%s' has an unknown kind", name);
}

static TyStatus resolve_inputs(Run *r)
{
    const TyModel *m = r->m;
    const TyRunOptions *opt = r->opt;
    for (size_t e = 0; e < m->nelems; e++) {
        const MElem *me = &m->elems[e];
        if (!is_input(me->kind) || !me->has_default) continue;
        r->has_input[e] = 1;
        if (me->dkind == TY_VALUE_SERIES)
            r->inputs[e] = model_value_series(m->first_year, me->dseries, (size_t)m->nyears);
        else
            r->inputs[e] = model_value_scalar(me->dscalar);
    }
    for (size_t i = 0; i < opt->noverrides; i++) {
        const TyOverride *ov = &opt->overrides[i];
        const char *name = ov->name ? ov->name : "";
        int e = model_names_get(&m->names, name);
        if (e < 0) {
            int best = -1, bestd = 3;
            for (size_t k = 0; k < m->nelems; k++) {
                if (!is_input(m->elems[k].kind)) continue;
                int d = model_edit_distance(name, m->elems[k].name);
                if (d < bestd) { bestd = d; best = (int)k; }
            }
            if (best >= 0)
                return ty_error_set(r->err, TY_ESCRIPT,
                                    "no parameter or lever named '%.140s'; did you mean '%s'?",
                                    name, m->elems[best].name);
            return ty_error_set(r->err, TY_ESCRIPT, "no parameter or lever named '%.140s'", name);
        }
        const MElem *me = &m->elems[e];
        if (!is_input(me->kind))
            return ty_error_set(r->err, TY_ESCRIPT,
                                "'%s' is %s, not a parameter or lever: it cannot be set",
                                name, model_kind_phrase(me->kind));
        TyStatus st = check_value(r, name, &ov->value);
        if (st) return st;
        r->inputs[e] = ov->value;
        r->has_input[e] = 1;
    }
    for (size_t e = 0; e < m->nelems; e++) {
        const MElem *me = &m->elems[e];
        if (is_input(me->kind) && !r->has_input[e])
            return model_error_at(r->err, TY_ESCRIPT, me->loc,
                                  "%s '%s' has no value: give it a default or set it for the run",
                                  model_kind_name(me->kind), me->name);
    }
    return TY_OK;
}

/* Which instructions of a program are uniform, given this run's inputs: constants and inputs
 * given as a scalar or a series are uniform; samples are not; a slot read before the program
 * writes it (a stock, a temporary of last year) counts as not uniform. */
static void mark_uniform(Run *r, const EvalInstr *src, RunInstr *prog, size_t n,
                         unsigned char *slot_uniform)
{
    const TyModel *m = r->m;
    memset(slot_uniform, 0, (size_t)m->nslots);
    for (size_t k = 0; k < m->nconsts; k++) slot_uniform[m->const_slots[k]] = 1;
    for (size_t e = 0; e < m->nelems; e++) {
        if (!is_input(m->elems[e].kind) || !r->has_input[e]) continue;
        TyValueKind kind = r->inputs[e].kind;
        slot_uniform[m->elems[e].slot] = kind == TY_VALUE_SCALAR || kind == TY_VALUE_SERIES;
    }
    for (size_t i = 0; i < n; i++) {
        const EvalInstr *e = &src[i];
        const int *args = e->nargs > 0 ? m->args + e->arg0 : NULL;
        int uni = may_be_uniform(e->op);
        for (int j = 0; j < e->nargs && uni; j++) uni = slot_uniform[args[j]];
        prog[i].uniform = uni;
        prog[i].cond_uniform = !uni && e->op == TY_OP_IF && slot_uniform[args[0]];
        slot_uniform[e->dst] = (unsigned char)uni;
    }
}

/* Operations whose lanes depend only on the same lanes of their arguments and not on the year. */
static int year_free(int op)
{
    return may_be_uniform(op) && op != TY_OP_YEAR && op != TY_OP_STEP && op != TY_OP_RAMP
        && op != TY_OP_GROWTH && op != TY_OP_INTERP;
}

/* How check_finite looks at each element after a program: every lane; lane 0 of a uniform
 * value (a fill); an invariant value only in the program's first year (after that it is the
 * same values, already checked). The fast path's plan too: the check each last writer makes
 * (an invariant one runs, and checks, only in the program's first year), and the elements no
 * instruction writes, checked every year in all lanes. */
static void plan_checks(const Run *r, RunInstr *prog, size_t n, int *last_writer,
                        unsigned char *check, const double **unwritten, size_t *nunwritten)
{
    const TyModel *m = r->m;
    for (int s = 0; s < m->nslots; s++) last_writer[s] = -1;
    for (size_t i = 0; i < n; i++) {
        prog[i].check = -1;
        if (!prog[i].elided) last_writer[prog[i].wslot] = (int)i;
    }
    *nunwritten = 0;
    for (size_t k = 0; k < m->norder; k++) {
        const MElem *e = &m->elems[m->order[k]];
        int w = e->kind == TY_ELEM_STOCK ? -1 : last_writer[e->slot];
        if (w < 0) check[k] = CHECK_ALL;
        else if (prog[w].invariant) check[k] = prog[w].uniform ? CHECK_ONCE_LANE0 : CHECK_ONCE_ALL;
        else check[k] = prog[w].uniform ? CHECK_LANE0 : CHECK_ALL;
        if (w < 0) unwritten[(*nunwritten)++] = slot_ptr(r, e->slot);
        else prog[w].check = prog[w].uniform ? CHECK_LANE0 : CHECK_ALL;
    }
}

/* ---- work done once a block ----
 * In the years after the first, an instruction gives the same values every year when its
 * arguments do: per-sample parameters, scalar inputs and constants, anything computed from
 * those alone, and uniform values that come out the same (bit for bit) in every such year,
 * found by computing them for each year here. Such an instruction runs in the second year of
 * each block only; one that wrote a temporary (a slot other instructions reuse) writes a slot
 * of its own instead, and the instructions that read it up to the temporary's next write read
 * that. A growth whose rate is invariant keeps the squarings of 1 + rate for the block.
 * Called once slots of constants and scalar inputs are filled (lane 0 of others is scratch). */
static TyStatus plan_invariants(Run *r)
{
    const TyModel *m = r->m;
    RunInstr *prog = r->rest;
    const EvalInstr *src = m->prog_rest;
    size_t n = m->nrest, ns = (size_t)m->nslots;
    TyStatus st = TY_OK;
    unsigned char *inv = ty_calloc(ns + 1, 1);
    unsigned char *same = ty_calloc(n + 1, 1);
    uint64_t *bits = ty_calloc(n + 1, sizeof *bits);
    int *writes = ty_calloc(ns + 1, sizeof *writes);
    const double **cur = ty_calloc(ns + 1, sizeof *cur);
    if (!inv || !same || !bits || !writes || !cur) {
        st = ty_error_set(r->err, TY_ENOMEM, "out of memory");
        goto done;
    }
    /* Uniform values in every later year: the same bits each year? */
    for (size_t i = 0; i < n; i++) same[i] = 1;
    for (int year = m->first_year + 1; year <= m->last_year; year++) {
        for (size_t e = 0; e < m->nelems; e++) {
            const TyValue *v = &r->inputs[e];
            if (is_input(m->elems[e].kind) && r->has_input[e] && v->kind == TY_VALUE_SERIES)
                slot_ptr(r, m->elems[e].slot)[0] = v->values[year - v->first_year];
        }
        for (size_t i = 0; i < n; i++) {
            if (!prog[i].uniform) continue;
            double v = uniform_value(r, &prog[i], year);
            uint64_t b;
            memcpy(&b, &v, sizeof b);
            prog[i].dst[0] = v;
            if (year == m->first_year + 1) bits[i] = b;
            else if (b != bits[i]) same[i] = 0;
        }
    }
    /* Which instructions are invariant, in program order. */
    for (size_t k = 0; k < m->nconsts; k++) inv[m->const_slots[k]] = 1;
    for (size_t e = 0; e < m->nelems; e++) {
        if (!is_input(m->elems[e].kind) || !r->has_input[e]) continue;
        TyValueKind kind = r->inputs[e].kind;
        inv[m->elems[e].slot] = kind == TY_VALUE_SCALAR || kind == TY_VALUE_SAMPLES;
    }
    for (size_t i = 0; i < n; i++) writes[src[i].dst]++;
    for (size_t k = 0; k < m->nstocks; k++) writes[m->elems[m->stocks[k]].slot]++;
    size_t nown = 0, ngrowth = 0;
    for (size_t i = 0; i < n; i++) {
        const EvalInstr *e = &src[i];
        const int *args = e->nargs > 0 ? m->args + e->arg0 : NULL;
        int ok;
        if (prog[i].uniform) {
            ok = m->first_year < m->last_year && same[i];
        } else {
            ok = year_free(e->op);
            for (int j = 0; j < e->nargs && ok; j++) ok = inv[args[j]];
        }
        /* An element's slot keeps its value only when nothing else writes it. */
        if (ok && e->dst < (int)m->nelems && writes[e->dst] != 1) ok = 0;
        prog[i].invariant = ok;
        inv[e->dst] = (unsigned char)ok;
        if (ok && e->dst >= (int)m->nelems) nown++;
        if (!ok && !prog[i].uniform && e->op == TY_OP_GROWTH && inv[args[1]]) {
            prog[i].powers = prog[i].dst;   /* marked; placed below */
            ngrowth++;
        }
    }
    (void)nown;
    (void)ngrowth;   /* within what run_alloc counted */
    /* Own slots for invariant temporaries; readers follow each slot's latest writer. */
    double *next = r->own;
    for (size_t s = 0; s < ns; s++) cur[s] = slot_ptr(r, (int)s);
    for (size_t i = 0; i < n; i++) {
        const EvalInstr *e = &src[i];
        const int *args = e->nargs > 0 ? m->args + e->arg0 : NULL;
        RunInstr *d = &prog[i];
        for (int j = 0; j < e->nargs; j++) r->argv[e->arg0 + (size_t)j] = cur[args[j]];
        d->a = e->nargs > 0 ? cur[args[0]] : NULL;
        d->b = e->nargs > 1 ? cur[args[1]] : NULL;
        d->c = e->nargs > 2 ? cur[args[2]] : NULL;
        if (d->powers) {
            d->powers = next;
            next += (size_t)r->npowers * STRIDE;
        }
        if (d->invariant && e->dst >= (int)m->nelems) {
            d->dst = next;
            next += STRIDE;
        }
        cur[e->dst] = d->dst;
    }
    /* A temporary that only invariant instructions read (the year in year == first_year) is
     * needed in the second year only. */
    for (size_t i = 0; i < n; i++) {
        RunInstr *d = &prog[i];
        if (d->invariant || src[i].dst < (int)m->nelems) continue;
        int needed = 0;
        for (size_t k = i + 1; k < n && !needed; k++) {
            const RunInstr *q = &prog[k];
            if (!q->invariant)
                for (int j = 0; j < src[k].nargs && !needed; j++) needed = q->argv[j] == d->dst;
            if (q->dst == d->dst) break;
        }
        if (!needed) d->invariant = 1;
    }
    r->own_next = next;
    if (eval_shortcuts_on()) eval_plan_branches(r, same, bits);
done:
    ty_free(inv);
    ty_free(same);
    ty_free(bits);
    ty_free(writes);
    ty_free(cur);
    return st;
}

static TyStatus check_options(const TyModel *m, const TyRunOptions *opt, TyError *err)
{
    if (opt->nsamples == 0) return ty_error_set(err, TY_ESCRIPT, "a run needs at least one sample");
    if (opt->noverrides > 0 && !opt->overrides)
        return ty_error_set(err, TY_ESCRIPT, "run options: overrides missing");
    if (opt->ntracked > 0 && !opt->tracked)
        return ty_error_set(err, TY_ESCRIPT, "run options: tracked elements missing");
    for (size_t k = 0; k < opt->ntracked; k++) {
        int e = opt->tracked[k];
        if (e < 0 || (size_t)e >= m->nelems)
            return ty_error_set(err, TY_ESCRIPT, "run options: no element %d to track", e);
        if (m->elems[e].kind == TY_ELEM_LOOKUP)
            return ty_error_set(err, TY_ESCRIPT,
                                "run options: '%s' is a lookup table and has no values to track",
                                m->elems[e].name);
    }
    if (opt->out && opt->ntracked > 0
        && opt->nsamples > SIZE_MAX / sizeof(double) / (size_t)m->nyears / opt->ntracked)
        return ty_error_set(err, TY_ELIMIT, "run options: the output buffer would be too large");
    return TY_OK;
}

/* 1 when no stock's flow is a stock's slot: then each stock can be updated where it is, every
 * flow still holding year t's value when read (the same additions in the same order). */
static int stocks_in_place(const TyModel *m)
{
    for (size_t s = 0; s < m->nstocks; s++) {
        const MElem *e = &m->elems[m->stocks[s]];
        for (int f = 0; f < e->nflows; f++)
            for (size_t t = 0; t < m->nstocks; t++)
                if (e->flow_slots[f] == m->elems[m->stocks[t]].slot) return 0;
    }
    return 1;
}

static void run_free(Run *r)
{
    ty_free(r->slots);
    ty_free(r->rings);
    ty_free(r->ring_off);
    ty_free(r->ring_depth);
    ty_free(r->at);
    ty_free(r->rotors);
    ty_free(r->rotor_sites);
    ty_free(r->rotating);
    ty_free(r->scratch);
    ty_free(r->first);
    ty_free(r->rest);
    ty_free(r->argv);
    ty_free(r->inputs);
    ty_free(r->has_input);
    ty_free(r->check_first);
    ty_free(r->check_rest);
    ty_free(r->unwritten[0]);
    ty_free(r->unwritten[1]);
    ty_free(r->fwd);
    ty_free(r->deliv);
    for (int w = 0; w < 3; w++) ty_free(r->seq[w]);
}

static TyStatus run_alloc(Run *r)
{
    const TyModel *m = r->m;
    size_t ring_total = 0;
    r->ring_off = ty_calloc(m->nrings ? (size_t)m->nrings : 1, sizeof(size_t));
    if (!r->ring_off) return ty_error_set(r->err, TY_ENOMEM, "out of memory");
    r->ring_depth = ty_calloc(m->nrings ? (size_t)m->nrings : 1, sizeof(int));
    r->at = ty_calloc(m->nelems + 1, sizeof(double *));
    if (!r->ring_depth || !r->at) return ty_error_set(r->err, TY_ENOMEM, "out of memory");
    for (int i = 0; i < m->nrings; i++) {
        int d = m->elems[m->ring_elems[i]].ring_depth, rows = 1;
        while (rows <= d) rows *= 2;
        r->ring_depth[i] = rows;
        r->ring_off[i] = ring_total;
        ring_total += (size_t)r->ring_depth[i] * STRIDE;
    }
    /* Room for plan_invariants: an own slot for each instruction that writes a temporary (an
     * invariant one, or a value eval_plan_merge keeps for later readers), npowers slots for
     * each growth, two for each pow (a log eval_plan_logs keeps). */
    size_t nown = 0;
    r->npowers = 1;
    while (r->npowers < 31 && (1L << r->npowers) <= (long)(m->last_year - m->first_year)) r->npowers++;
    for (size_t i = 0; i < m->nrest; i++) {
        if (m->prog_rest[i].dst >= (int)m->nelems) nown++;
        if (m->prog_rest[i].op == TY_OP_GROWTH) nown += (size_t)r->npowers;
        if (m->prog_rest[i].op == TY_OP_POW) nown += 2;   /* a kept log */
    }
    r->slots = ty_calloc(((size_t)m->nslots + nown) * STRIDE + 1, sizeof(double));
    if (r->slots) {
        r->own = r->slots + (size_t)m->nslots * STRIDE;
        r->own_end = r->own + nown * STRIDE;
    }
    r->rings = ty_calloc(ring_total + 1, sizeof(double));
    r->scratch = ty_calloc(m->nstocks * BLK + 1, sizeof(double));
    r->stocks_in_place = stocks_in_place(m);
    r->argv = ty_calloc(m->nargs + 1, sizeof(double *));
    r->inputs = ty_calloc(m->nelems + 1, sizeof(TyValue));
    r->has_input = ty_calloc(m->nelems + 1, 1);
    if (!r->slots || !r->rings || !r->scratch || !r->argv || !r->inputs || !r->has_input)
        return ty_error_set(r->err, TY_ENOMEM, "out of memory");
    TyStatus st = resolve_program(r, m->prog_first, m->nfirst, &r->first);
    if (!st) st = resolve_program(r, m->prog_rest, m->nrest, &r->rest);
    return st;
}

/* ---- the run ---- */

/* Lanes past the live samples mirror lane 0 (see fill_samples), so checking every lane of a
 * block (the kernels' finite) is exact. */
static TyStatus check_finite(Run *r, const unsigned char *check, int later, int year,
                             size_t offset, size_t live)
{
    const TyModel *m = r->m;
    /* All finite, the common case (the writers' checks and the unwritten); else find the first
     * in evaluation order. */
    int w = year != m->first_year;
    if (!r->nonfinite && r->k->finite(r->unwritten[w], r->nunwritten[w])) return TY_OK;
    for (size_t k = 0; k < m->norder; k++) {
        const MElem *e = &m->elems[m->order[k]];
        const double *v = r->at[m->order[k]];
        int how = check[k];
        if (later && (how == CHECK_ONCE_ALL || how == CHECK_ONCE_LANE0)) continue;
        if (how == CHECK_LANE0 || how == CHECK_ONCE_LANE0 ? isfinite(v[0]) : r->k->finite(&v, 1))
            continue;
        for (size_t i = 0; i < live; i++) {
            if (isfinite(v[i])) continue;
            const char *what = isnan(v[i]) ? "NaN" : v[i] > 0 ? "inf" : "-inf";
            if (r->nsamples > 1)
                return model_error_at(r->err, TY_EDATA, e->loc,
                                      "'%s' is not finite (%s) in %d, sample %zu", e->name, what,
                                      year, offset + i + 1);
            return model_error_at(r->err, TY_EDATA, e->loc, "'%s' is not finite (%s) in %d",
                                  e->name, what, year);
        }
    }
    return TY_OK;
}

static TyStatus deliver(Run *r, int year, size_t offset, size_t live)
{
    const TyModel *m = r->m;
    const TyRunOptions *opt = r->opt;
    size_t yi = (size_t)(year - m->first_year);
    for (size_t k = 0; k < opt->ntracked; k++) {
        int e = opt->tracked[k];
        const double *v = r->at[e];
        if (opt->out)
            memcpy(opt->out + (k * (size_t)m->nyears + yi) * r->nsamples + offset, v,
                   live * sizeof(double));
        if (opt->on_block) {
            TyStatus st = opt->on_block(opt->ctx, year, e, v, offset, live, r->err);
            if (st) return st;
        }
        r->deliv[k] = v;
    }
    if (opt->on_year) return opt->on_year(opt->ctx, year, r->deliv, offset, live, r->err);
    return TY_OK;
}

/* stock[t+1] = stock[t] + Σ factor * flow[t], all from year t's values. */
static void update_stocks(Run *r)
{
    const TyModel *m = r->m;
    if (r->stocks_in_place) {
        for (size_t s = 0; s < m->nstocks; s++) {
            const MElem *e = &m->elems[m->stocks[s]];
            double *o = slot_ptr(r, e->slot);
            for (int f = 0; f < e->nflows; f++)
                r->k->axpy(o, r->at[e->flow_slots[f]], e->flow_factors[f]);
        }
        return;
    }
    for (size_t s = 0; s < m->nstocks; s++) {
        const MElem *e = &m->elems[m->stocks[s]];
        double *o = r->scratch + s * BLK;
        r->k->copy(o, slot_ptr(r, e->slot));
        for (int f = 0; f < e->nflows; f++)
            r->k->axpy(o, r->at[e->flow_slots[f]], e->flow_factors[f]);
    }
    for (size_t s = 0; s < m->nstocks; s++)
        r->k->copy(slot_ptr(r, m->elems[m->stocks[s]].slot), r->scratch + s * BLK);
}

/* Per-sample values into a slot; lanes past the live samples get lane 0's value, so every
 * lane of every slot holds a value some live sample also has (no stale inf/NaN, and the
 * block-wide finite check stays exact). */
static void fill_samples(const Run *r, double *o, const double *values, size_t live)
{
    if (live == BLK) {
        r->k->copy(o, values);                /* vector moves: memcpy's rep movs is slower here */
        return;
    }
    memcpy(o, values, live * sizeof(double));
    for (size_t i = live; i < BLK; i++) o[i] = values[0];
}

static TyStatus run_block(Run *r, size_t offset, size_t live)
{
    const TyModel *m = r->m;
    for (size_t e = 0; e < m->nelems; e++) r->at[e] = slot_ptr(r, (int)e);
    for (size_t e = 0; e < m->nelems; e++) {
        if (!is_input(m->elems[e].kind) || r->inputs[e].kind != TY_VALUE_SAMPLES) continue;
        fill_samples(r, slot_ptr(r, m->elems[e].slot), r->inputs[e].values + offset, live);
    }
    for (int year = m->first_year; year <= m->last_year; year++) {
        size_t yi = (size_t)(year - m->first_year);
        for (size_t e = 0; e < m->nelems; e++) {
            if (!is_input(m->elems[e].kind)) continue;
            const TyValue *v = &r->inputs[e];
            double *o = slot_ptr(r, m->elems[e].slot);
            if (v->kind == TY_VALUE_SERIES)
                r->k->fill(o, v->values[year - v->first_year]);
            else if (v->kind == TY_VALUE_SAMPLES_BY_YEAR)
                fill_samples(r, o, v->values + yi * r->nsamples + offset, live);
        }
        int first = year == m->first_year, later = year > m->first_year + 1;
        if (!first) eval_rotate(r, yi);
        r->nonfinite = 0;
        TyStatus st = exec(r, r->seq[first ? 0 : later ? 2 : 1], r->nseq[first ? 0 : later ? 2 : 1],
                           year, live, later);
        if (!st && !r->opt->allow_nonfinite)
            st = check_finite(r, first ? r->check_first : r->check_rest, later, year, offset, live);
        if (!st) st = deliver(r, year, offset, live);
        if (st) return st;
        for (int i = 0; i < m->nrings; i++)
            if (first || !r->rotating[i]) r->k->copy(ring_row(r, i, yi), r->at[m->ring_elems[i]]);
        if (year < m->last_year) update_stocks(r);
    }
    return TY_OK;
}

TyStatus model_run(const TyModel *m, const TyRunOptions *opt, TyError *err)
{
    if (!m || !opt) return ty_error_set(err, TY_ESCRIPT, "model_run: no model or options");
    TyStatus st = check_options(m, opt, err);
    if (st) return st;
    Run r;
    memset(&r, 0, sizeof r);
    r.m = m;
    r.opt = opt;
    r.err = err;
    r.nsamples = opt->nsamples;
    if ((st = eval_kernels_get(&r.k, err))) return st;
    if ((st = run_alloc(&r)) || (st = resolve_inputs(&r))) goto done;
    {
        unsigned char *slot_uniform = ty_malloc((size_t)m->nslots + 1);
        if (!slot_uniform) { st = ty_error_set(err, TY_ENOMEM, "out of memory"); goto done; }
        mark_uniform(&r, m->prog_first, r.first, m->nfirst, slot_uniform);
        mark_uniform(&r, m->prog_rest, r.rest, m->nrest, slot_uniform);
        ty_free(slot_uniform);
    }

    /* Slots that never change during the run. */
    for (size_t k = 0; k < m->nconsts; k++) r.k->fill(slot_ptr(&r, m->const_slots[k]), m->const_values[k]);
    for (size_t e = 0; e < m->nelems; e++)
        if (is_input(m->elems[e].kind) && r.inputs[e].kind == TY_VALUE_SCALAR)
            r.k->fill(slot_ptr(&r, m->elems[e].slot), r.inputs[e].scalar);

    if ((st = plan_invariants(&r))) goto done;
    if (eval_shortcuts_on()) {
        eval_plan_merge(&r);
        eval_plan_logs(&r);
        eval_plan_scales(&r);
    }
    if ((st = plan_forwarding(&r, r.rest, m->nrest))) goto done;
    if ((st = eval_plan_rotation(&r))) goto done;
    eval_note_counts(&r);
    r.deliv = ty_calloc(opt->ntracked + 1, sizeof(double *));
    if (!r.deliv) { st = ty_error_set(err, TY_ENOMEM, "out of memory"); goto done; }
    for (int w = 0; w < 3; w++) {
        RunInstr *prog = w == 0 ? r.first : r.rest;
        size_t n = w == 0 ? m->nfirst : m->nrest;
        r.seq[w] = ty_calloc(n + 1, sizeof(RunInstr *));
        if (!r.seq[w]) { st = ty_error_set(err, TY_ENOMEM, "out of memory"); goto done; }
        for (size_t i = 0; i < n; i++)
            if (!prog[i].elided && (w < 2 || !prog[i].invariant)) r.seq[w][r.nseq[w]++] = &prog[i];
    }
    {
        int *last_writer = ty_malloc(((size_t)m->nslots + 1) * sizeof(int));
        r.check_first = ty_malloc(m->norder + 1);
        r.check_rest = ty_malloc(m->norder + 1);
        if (!last_writer || !r.check_first || !r.check_rest) {
            ty_free(last_writer);
            st = ty_error_set(err, TY_ENOMEM, "out of memory");
            goto done;
        }
        r.unwritten[0] = ty_calloc(m->norder + 1, sizeof(double *));
        r.unwritten[1] = ty_calloc(m->norder + 1, sizeof(double *));
        if (!r.unwritten[0] || !r.unwritten[1]) {
            ty_free(last_writer);
            st = ty_error_set(err, TY_ENOMEM, "out of memory");
            goto done;
        }
        plan_checks(&r, r.first, m->nfirst, last_writer, r.check_first, r.unwritten[0],
                    &r.nunwritten[0]);
        plan_checks(&r, r.rest, m->nrest, last_writer, r.check_rest, r.unwritten[1],
                    &r.nunwritten[1]);
        ty_free(last_writer);
        if (opt->allow_nonfinite) {           /* nothing to check */
            for (size_t i = 0; i < m->nfirst; i++) r.first[i].check = -1;
            for (size_t i = 0; i < m->nrest; i++) r.rest[i].check = -1;
        }
        for (size_t i = 0; i < m->nfirst; i++) direct_kernel(r.k, &r.first[i]);
        for (size_t i = 0; i < m->nrest; i++) direct_kernel(r.k, &r.rest[i]);
    }

    for (size_t off = 0; off < opt->nsamples && !st; off += BLK) {
        size_t live = opt->nsamples - off < BLK ? opt->nsamples - off : BLK;
        st = run_block(&r, off, live);
    }
done:
    run_free(&r);
    return st;
}

TyStatus model_run_single(const TyModel *m, const TyOverride *overrides, size_t noverrides,
                          TyRunResult *res, TyError *err)
{
    memset(res, 0, sizeof *res);
    size_t ne = m->nelems, nv = 0;
    size_t ny = (size_t)m->nyears;
    int *tracked = ty_calloc(ne + 1, sizeof(int));
    double *out = ty_calloc(ne * ny + 1, sizeof(double));
    double *values = ty_calloc(ne * ny + 1, sizeof(double));
    TyStatus st = TY_OK;
    if (!tracked || !out || !values) {
        st = ty_error_set(err, TY_ENOMEM, "out of memory");
        goto fail;
    }
    for (size_t e = 0; e < ne; e++)
        if (m->elems[e].kind != TY_ELEM_LOOKUP) tracked[nv++] = (int)e;
    TyRunOptions opt;
    memset(&opt, 0, sizeof opt);
    opt.nsamples = 1;
    opt.overrides = overrides;
    opt.noverrides = noverrides;
    opt.tracked = tracked;
    opt.ntracked = nv;
    opt.out = out;
    if ((st = model_run(m, &opt, err))) goto fail;
    for (size_t e = 0; e < ne * ny; e++) values[e] = NAN;
    for (size_t k = 0; k < nv; k++)
        memcpy(values + (size_t)tracked[k] * ny, out + k * ny, ny * sizeof(double));
    res->first_year = m->first_year;
    res->nyears = m->nyears;
    res->nelems = ne;
    res->values = values;
    ty_free(tracked);
    ty_free(out);
    return TY_OK;
fail:
    ty_free(tracked);
    ty_free(out);
    ty_free(values);
    return st;
}

double model_result_get(const TyRunResult *res, int elem, int year)
{
    if (!res || !res->values || elem < 0 || (size_t)elem >= res->nelems
        || year < res->first_year || year >= res->first_year + res->nyears)
        return NAN;
    return res->values[(size_t)elem * (size_t)res->nyears + (size_t)(year - res->first_year)];
}

void model_result_free(TyRunResult *res)
{
    if (!res) return;
    ty_free(res->values);
    memset(res, 0, sizeof *res);
}
