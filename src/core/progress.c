/* progress.c — where an indicator stands against one target (DOMAIN §2, docs/targets.md
 * "Statuses"): the required and actual rates, the projection by the indicator's trend, the UN
 * progress measure, the "time half gone, task half done" comparison and the status, each
 * undefined quantity with its reason. A passed target is judged on its own year's value only;
 * flows, windows, ranks and milestones each by their rule. Decisions: see progress.h. */
#include "progress_internal.h"
#include "detmath.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Reasons for undefined quantities: static, lower-case, specific. */
static const char WHY_NO_ACTUAL[] = "no actual at or before the as-of year";
static const char WHY_NO_VALUE_AT_TARGET[] = "no actual for the target year (another year never stands in)";
static const char WHY_NOT_AFTER_BASE[] = "the target year is not after the base year";
static const char WHY_SAME_YEAR[] = "base and latest are the same year (one actual)";
static const char WHY_HOLD[] = "hold target: the target asks for no progress from the base";
static const char WHY_NOT_POSITIVE[] = "rate needs positive values";
static const char WHY_PASSED[] = "target year has passed";
static const char WHY_OUT_OF_RANGE[] = "result out of range";
static const char WHY_UNRESOLVED[] = "the threshold cannot be resolved";
static const char WHY_MILESTONE[] = "a milestone has no quantities";
static const char WHY_WINDOW_RATE[] = "a window's total has no growth rate";
static const char WHY_WINDOW_FLOWS[] = "a year of the window has no flow";
static const char WHY_NO_FLOW[] = "no flow to project from";

/* What every rule needs about the target being judged. */
typedef struct Judge {
    const TyPlan *p;
    const TyIndicator *ind;
    const TyTarget *t;
    const TyThresholds *th;
    int A, T, d;
    TyTargetOp op;
    const TyRankCtx *rk;   /* a rank target among peers; NULL otherwise */
} Judge;

static TyQuantity undefined(const char *why)
{
    TyQuantity q = { NAN, why };
    return q;
}

/* Data is finite, but a rate or a projection can still overflow: that is undefined, never inf. */
static TyQuantity quantity(double v)
{
    if (!isfinite(v)) return undefined(WHY_OUT_OF_RANGE);
    TyQuantity q = { v == 0.0 ? 0.0 : v, NULL };   /* never -0 ("-0.0%") */
    return q;
}

static int defined(TyQuantity q) { return q.why == NULL; }

static void set_all_quantities(TyProgress *out, const char *why)
{
    TyQuantity *all[] = { &out->time_share, &out->completion, &out->required_change,
                          &out->required_rate, &out->actual_rate, &out->projected,
                          &out->progress, &out->schedule_gap };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) *all[i] = undefined(why);
}

static int met(double x, TyTargetOp op, double v)
{
    switch (op) {
    case TY_OP_GT: return x > v;
    case TY_OP_LE: return x <= v;
    case TY_OP_LT: return x < v;
    default: return x >= v;
    }
}

/* The endpoint rate on s from b to t, undefined with its reason. */
static TyQuantity rate_quantity(const TyYears *s, int b, int t)
{
    if (t == b) return undefined(WHY_SAME_YEAR);
    if (!(years_get(s, b) > 0 && years_get(s, t) > 0)) return undefined(WHY_NOT_POSITIVE);
    double r = years_rate(s, b, t);
    return isnan(r) ? undefined(WHY_OUT_OF_RANGE) : quantity(r);
}

/* The status and its one-line reason. */
static void set_status(TyProgress *out, TyProgressStatus st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_status(TyProgress *out, TyProgressStatus st, const char *fmt, ...)
{
    out->status = st;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->status_why, sizeof out->status_why, fmt, ap);
    va_end(ap);
}

static void set_anchor(TyProgress *out, const TyAnchor *an)
{
    out->base_year = an->b;
    out->base = an->xb;
    out->latest_year = an->t;
    out->latest = an->xt;
    _Static_assert(sizeof out->base_how == sizeof an->how, "base_how holds an anchor's how");
    memcpy(out->base_how, an->how, sizeof out->base_how);
}

/* completion - time_share: ahead (> 0) of or behind (< 0) schedule (序时进度). */
static TyQuantity schedule_gap(TyQuantity completion, TyQuantity time_share)
{
    if (!defined(completion)) return undefined(completion.why);
    if (!defined(time_share)) return undefined(time_share.why);
    return quantity(completion.v - time_share.v);
}

/* A share as a whole percentage ("68%"), through progress_number when huge. */
static const char *format_percent(double share, char *buf, size_t size)
{
    double pct = share * 100.0;
    if (fabs(pct) < 0.5) pct = 0.0;   /* never "-0%" */
    char num[24];
    if (fabs(pct) < 1e4) snprintf(num, sizeof num, "%.0f", pct);
    else progress_number(pct, num, sizeof num);
    snprintf(buf, size, "%s%%", num);
    return buf;
}

/* Status by the progress measure P and the thresholds (rule 2, last step). */
static void classify(const Judge *j, TyProgress *out, int moved_away, double V, double xb)
{
    char x[32], v[32], b[32], pct[32];
    double P = out->progress.v;
    int has = defined(out->progress);
    TyProgressStatus st = has && P >= j->th->on_track ? TY_ST_ON_TRACK
                        : has && P >= j->th->behind ? TY_ST_BEHIND
                        : moved_away ? TY_ST_REGRESSING : TY_ST_STALLED;
    progress_number(V, v, sizeof v);
    progress_number(xb, b, sizeof b);
    if (has) {
        set_status(out, st, "projected %s reaches %s of the way from %s to %s%s",
                   progress_number(out->projected.v, x, sizeof x), format_percent(P, pct, sizeof pct), b, v,
                   st == TY_ST_REGRESSING ? ", moving away from the target" : "");
    } else {
        set_status(out, st, "progress undefined (%s); latest %s in %d %s", out->progress.why,
                   progress_number(out->latest, x, sizeof x), out->latest_year,
                   st == TY_ST_REGRESSING ? "has moved away from the target" : "has not moved away from the base");
    }
}

/* Rule 1: a passed target, on the value of T alone. */
static void judge_passed(const Judge *j, const TyYears *s, const TyAnchor *an, double V, int resolved,
                         TyProgress *out)
{
    char x[32], v[32], st[32];
    int T = j->T;
    if (!years_has(s, T)) {
        set_all_quantities(out, WHY_NO_VALUE_AT_TARGET);
        set_status(out, TY_ST_NO_DATA, "no actual for %d, the target year; another year never stands in", T);
        return;
    }
    if (!resolved) {
        set_all_quantities(out, WHY_UNRESOLVED);
        set_status(out, TY_ST_NO_DATA, "the threshold cannot be resolved: %s", out->resolved);
        return;
    }
    double xT = years_get(s, T);
    set_all_quantities(out, WHY_PASSED);
    if (an->b && T > an->b) {
        int hold = j->d * (V - an->xb) <= 0;
        out->time_share = quantity(1.0);
        out->completion = hold ? undefined(WHY_HOLD) : quantity((xT - an->xb) / (V - an->xb));
        out->actual_rate = rate_quantity(s, an->b, T);
        out->schedule_gap = schedule_gap(out->completion, out->time_share);
    } else {
        out->time_share = out->completion = out->actual_rate = out->schedule_gap = undefined(WHY_NOT_AFTER_BASE);
    }
    progress_number(xT, x, sizeof x);
    progress_number(V, v, sizeof v);
    if (!isnan(out->stretch) && met(xT, j->op, out->stretch))
        set_status(out, TY_ST_EXCEEDED, "actual %s in %d meets the stretch %s (floor %s)", x, T,
                   progress_number(out->stretch, st, sizeof st), v);
    else if (met(xT, j->op, V))
        set_status(out, TY_ST_ACHIEVED, "actual %s in %d meets the target %s %s", x, T,
                   target_op_symbol(j->op), v);
    else
        set_status(out, TY_ST_MISSED, "actual %s in %d does not meet the target %s %s", x, T,
                   target_op_symbol(j->op), v);
}

/* Rules 1 and 2 for every shape with a threshold on series s (the row's values or its flows).
 * early: the latest value may already meet the target (levels, ranges, points, multiples, ranks). */
static void judge_generic(const Judge *j, const TyYears *s, int early, TyProgress *out)
{
    char x[32], v[32], pr[32];
    TyAnchor an;
    years_anchor(j->p, j->ind, s, &an);
    set_anchor(out, &an);
    double V;
    int resolved = progress_resolve(j->p, j->ind, s, j->t, j->A, &V, out->resolved, sizeof out->resolved);
    out->target = resolved ? V : NAN;
    if (j->T <= j->A) {
        judge_passed(j, s, &an, V, resolved, out);
        return;
    }
    if (an.b == 0) {
        set_all_quantities(out, WHY_NO_ACTUAL);
        set_status(out, TY_ST_NO_DATA, "no actual at or before the as-of year %d", j->A);
        return;
    }
    if (!resolved) {
        set_all_quantities(out, WHY_UNRESOLVED);
        set_status(out, TY_ST_NO_DATA, "the threshold cannot be resolved: %s", out->resolved);
        return;
    }
    int b = an.b, t = an.t, T = j->T, rank = j->t->spec.shape == TY_SHAPE_RANK;
    double xb = an.xb, xt = an.xt;
    int hold = j->d * (V - xb) <= 0;
    out->required_change = quantity((V - xt) / (double)(T - t));
    out->required_rate = xt > 0 && V > 0 ? quantity(ty_pow(V / xt, 1.0 / (double)(T - t)) - 1.0)
                                         : undefined(WHY_NOT_POSITIVE);
    if (t != b) {
        out->time_share = quantity((double)(t - b) / (double)(T - b));
        out->completion = hold ? undefined(WHY_HOLD) : quantity((xt - xb) / (V - xb));
        out->actual_rate = rate_quantity(s, b, t);
        double proj = j->rk ? j->rk->projected : years_project(j->ind->trend, s, b, t, T);
        if (rank && !isnan(proj)) proj = fmax(1.0, floor(proj + 0.5));   /* whole positions, never 0th */
        out->projected = !isnan(proj) ? quantity(proj)
                       : undefined(j->rk && j->rk->projected_why ? j->rk->projected_why : WHY_OUT_OF_RANGE);
        out->progress = !defined(out->projected) ? undefined(out->projected.why)
                      : hold ? undefined(WHY_HOLD) : quantity((proj - xb) / (V - xb));
        out->schedule_gap = schedule_gap(out->completion, out->time_share);
    } else {
        out->time_share = out->completion = out->actual_rate = out->projected = out->progress =
            out->schedule_gap = undefined(WHY_SAME_YEAR);
    }
    progress_number(xt, x, sizeof x);
    progress_number(V, v, sizeof v);
    if (early && !isnan(out->stretch) && met(xt, j->op, out->stretch)) {
        set_status(out, TY_ST_EXCEEDED, "latest %s in %d already meets the stretch %s of the target for %d",
                   x, t, progress_number(out->stretch, pr, sizeof pr), T);
    } else if (early && met(xt, j->op, V)) {
        set_status(out, TY_ST_ACHIEVED, "latest %s in %d already meets the target %s %s for %d", x, t,
                   target_op_symbol(j->op), v, T);
    } else if (t == b) {
        set_status(out, TY_ST_NO_TREND, "only one year of actuals (%d) at or before %d: no trend to project",
                   t, j->A);
    } else if (hold) {
        int ok = defined(out->projected) && met(out->projected.v, j->op, V);
        set_status(out, ok ? TY_ST_ON_TRACK : TY_ST_BEHIND,
                   "hold target (%s %s from a base of %s asks for no progress): projected %s %s it",
                   target_op_symbol(j->op), v, progress_number(xb, pr, sizeof pr),
                   defined(out->projected) ? progress_number(out->projected.v, x, sizeof x) : "(none)",
                   ok ? "meets" : "does not meet");
    } else {
        classify(j, out, j->d * (xt - xb) < 0, V, xb);
    }
}

/* The flows of F..y added up: for a level row level(y) - level(F - 1), else every flow. */
static int window_total(const Judge *j, const TyYears *L, const TyYears *fs, int F, int y, double *total)
{
    if (L) {
        if (!years_has(L, y) || !years_has(L, F - 1)) return 0;
        *total = years_get(L, y) - years_get(L, F - 1);
        return 1;
    }
    (void)j;
    double sum = 0;
    for (int k = F; k <= y; k++) {
        if (!years_has(fs, k)) return 0;
        sum += years_get(fs, k);
    }
    *total = sum;
    return 1;
}

/* Rule 3: a window of several years F..T, the total of its flows against N. */
static void judge_window(const Judge *j, TyProgress *out)
{
    char n_[32], x[32];
    int F = j->t->spec.from, T = j->T, A = j->A, years = T - F + 1;
    double N = j->t->spec.a;
    int level_row = j->ind->measure == TY_LEVEL && !j->ind->flow_of;
    TyYears L, fs;
    years_own(j->p, j->ind, A, &L);
    years_flows(j->p, j->ind, A, &fs);
    TyAnchor an;
    years_anchor(j->p, j->ind, &fs, &an);
    set_anchor(out, &an);
    out->target = N;
    progress_number(N, n_, sizeof n_);
    snprintf(out->resolved, sizeof out->resolved, "N = %s over %d-%d", n_, F, T);
    int hold = j->d * N <= 0;
    double total;
    if (T <= A) {
        if (!window_total(j, level_row ? &L : NULL, &fs, F, T, &total)) {
            set_all_quantities(out, WHY_WINDOW_FLOWS);
            set_status(out, TY_ST_NO_DATA, "the flows of %d-%d are not all known", F, T);
            return;
        }
        set_all_quantities(out, WHY_PASSED);
        out->time_share = quantity(1.0);
        out->completion = hold ? undefined(WHY_HOLD) : quantity(total / N);
        out->actual_rate = undefined(WHY_WINDOW_RATE);
        out->schedule_gap = schedule_gap(out->completion, out->time_share);
        int ok = met(total, j->op, N);
        set_status(out, ok ? TY_ST_ACHIEVED : TY_ST_MISSED, "the flows of %d-%d add up to %s, %s %s %s",
                   F, T, progress_number(total, x, sizeof x), ok ? "meeting" : "short of",
                   target_op_symbol(j->op), n_);
        return;
    }
    double so_far = 0;
    if (A >= F && !window_total(j, level_row ? &L : NULL, &fs, F, A, &so_far)) {
        set_all_quantities(out, WHY_WINDOW_FLOWS);
        set_status(out, TY_ST_NO_DATA, "a year of %d-%d has no flow", F, A);
        return;
    }
    if (an.b == 0) {
        set_all_quantities(out, WHY_NO_FLOW);
        set_status(out, TY_ST_NO_DATA, "no flow at or before %d to project the window from", A);
        return;
    }
    int past = (A < T ? A : T) - F + 1;
    if (past < 0) past = 0;
    int remaining = years - past;
    out->time_share = quantity((double)past / (double)years);
    out->completion = hold ? undefined(WHY_HOLD) : quantity(so_far / N);
    out->required_change = quantity((N - so_far) / (double)remaining);
    out->required_rate = undefined(WHY_WINDOW_RATE);
    out->actual_rate = rate_quantity(&fs, an.b, an.t);
    if (an.t != an.b) {
        double sum = so_far;
        for (int y = (F > A + 1 ? F : A + 1); y <= T; y++)
            sum += years_project(j->ind->trend, &fs, an.b, an.t, y);
        out->projected = quantity(sum);   /* NaN from a projection: out of range */
        out->progress = !defined(out->projected) ? undefined(out->projected.why)
                      : hold ? undefined(WHY_HOLD) : quantity(sum / N);
    } else {
        out->projected = out->progress = undefined(WHY_SAME_YEAR);
    }
    out->schedule_gap = schedule_gap(out->completion, out->time_share);
    if (an.t == an.b) {
        set_status(out, TY_ST_NO_TREND, "only one flow (%d) at or before %d: no trend to project", an.t, A);
    } else if (hold) {
        int ok = defined(out->projected) && met(out->projected.v, j->op, N);
        set_status(out, ok ? TY_ST_ON_TRACK : TY_ST_BEHIND, "hold window (N = %s): projected total %s %s it",
                   n_, defined(out->projected) ? progress_number(out->projected.v, x, sizeof x) : "(none)",
                   ok ? "meets" : "does not meet");
    } else {
        classify(j, out, j->d * (an.xt - an.xb) < 0, N, 0);
        char p_[32], pct[32];
        if (defined(out->progress))   /* the window's own words: a total, not a value */
            snprintf(out->status_why, sizeof out->status_why,
                     "flows so far %s plus the projected rest make %s, %s of %s over %d-%d",
                     progress_number(so_far, x, sizeof x), progress_number(out->projected.v, p_, sizeof p_),
                     format_percent(out->progress.v, pct, sizeof pct), n_, F, T);
    }
}

/* Rule 5: a milestone, done (1) or not (0) by year; the year of the first done report counts. */
static void judge_milestone(const Judge *j, TyProgress *out)
{
    TyYears s;
    years_own(j->p, j->ind, j->A, &s);
    set_all_quantities(out, WHY_MILESTONE);
    snprintf(out->resolved, sizeof out->resolved, "milestone");
    int done = 0, reported = 0, reported_late = 0;
    for (int y = s.lo; y <= s.hi; y++) {
        if (!years_has(&s, y)) continue;
        reported = y;
        if (y >= j->T) reported_late = 1;
        if (!done && years_get(&s, y) != 0) done = y;
    }
    if (done && done <= j->T)
        set_status(out, TY_ST_ACHIEVED, "done in %d, by the target year %d", done, j->T);
    else if (j->T <= j->A && reported_late)
        set_status(out, TY_ST_OVERDUE, "not done by %d (%s)", j->T,
                   done ? "done only later" : "reported not done");
    else if (j->T <= j->A)
        set_status(out, TY_ST_NO_DATA, "nothing reported for %d or later", j->T);
    else if (reported)
        set_status(out, TY_ST_PENDING, "not done yet as of %d (last report %d); due %d", j->A, reported, j->T);
    else
        set_status(out, TY_ST_NO_DATA, "nothing reported at or before %d", j->A);
}

/* Rule 4 among peers: the rank series from the values, the projected rank from every region's
 * projection; the reasons name the regions. */
static void judge_ranked(Judge *j, const TyPeers *peers, TyRankInfo *info, TyProgress *out)
{
    TyRankInfo local;
    if (!info) info = &local;
    TyRankCtx ctx;
    rank_among_peers(j->p, j->ind, peers, j->A, j->T, (int)j->t->spec.a, &ctx, info);
    j->rk = &ctx;
    judge_generic(j, &ctx.ranks, 1, out);
    /* The generic words name values; here the values are ranks. */
    static const char *const words[][2] = { {"actual ", "rank "}, {"latest ", "latest rank "},
                                             {"projected ", "projected rank "} };
    const char *rest = out->status_why, *lead = "";
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
        if (strncmp(rest, words[k][0], strlen(words[k][0])) == 0) {
            lead = words[k][1];
            rest += strlen(words[k][0]);
            break;
        }
    char why[2 * sizeof out->status_why];   /* cut to the field's size below */
    if (out->status == TY_ST_NO_DATA && info->note[0])
        snprintf(why, sizeof why, "among %d regions: %s%s (%s)", info->regions, lead, rest, info->note);
    else
        snprintf(why, sizeof why, "among %d regions: %s%s", info->regions, lead, rest);
    memcpy(out->status_why, why, sizeof out->status_why - 1);
    out->status_why[sizeof out->status_why - 1] = '\0';
}

/* The links this indicator's targets rely on: flow_of and benchmark rows must be there. */
static TyStatus check_links(const TyPlan *p, const TyIndicator *ind, const TyTarget *t, TyError *err)
{
    if (ind->flow_of) {
        long k = plan_find(p, ind->flow_of);
        if (k < 0 || &p->ind[k] == ind || p->ind[k].flow_of || p->ind[k].measure != TY_LEVEL)
            return ty_error_set(err, TY_EDATA, "indicator %s: flow_of \"%s\" must be another row, a "
                                "level row", ind->id, ind->flow_of);
    }
    if (t->spec.shape == TY_SHAPE_BENCHMARK) {
        long k = plan_find(p, t->spec.ref);
        if (k < 0 || &p->ind[k] == ind)
            return ty_error_set(err, TY_EDATA, "indicator %s: target %d: benchmark row \"%s\" must be "
                                "another row of the plan", ind->id, t->year, t->spec.ref);
    }
    return TY_OK;
}

TyStatus progress_compute(const TyPlan *plan, size_t ind_index, int target_year, int as_of,
                          TyProgress *out, TyError *err)
{
    return progress_compute_ranked(plan, ind_index, target_year, as_of, NULL, out, NULL, err);
}

TyStatus progress_compute_ranked(const TyPlan *plan, size_t ind_index, int target_year, int as_of,
                                 const TyPeers *peers, TyProgress *out, TyRankInfo *rank, TyError *err)
{
    const TyIndicator *ind = &plan->ind[ind_index];
    const TyTarget *t = indicator_target(ind, target_year);
    if (!t) return ty_error_set(err, TY_EDATA, "indicator %s has no target for %d", ind->id, target_year);
    if (check_links(plan, ind, t, err) != TY_OK) return err->code;
    if (peers && peers->n > TY_PEERS_MAX)
        return ty_error_set(err, TY_EDATA, "%zu peers: at most %d can be ranked", peers->n, TY_PEERS_MAX);
    Judge j = { plan, ind, t, ind->has_thresholds ? &ind->thresholds : &plan->thresholds,
                as_of, target_year, ind->direction == TY_DOWN ? -1 : 1, progress_op(ind, &t->spec), NULL };
    if (rank) {
        memset(rank, 0, sizeof *rank);
        rank->own_value.v = rank->needed.v = NAN;
    }
    if (t->spec.shape == TY_SHAPE_RANK) j.d = -1;   /* ranks: 1 is the best */

    memset(out, 0, sizeof *out);
    out->as_of = as_of;
    out->target_year = target_year;
    out->spec = t->spec;
    out->text = t->text;
    out->op = j.op;
    out->target = out->stretch = out->base = out->latest = NAN;
    if (t->spec.shape == TY_SHAPE_RANGE) {
        double floor_;
        progress_range(ind, &t->spec, &floor_, &out->stretch);
    }
    set_all_quantities(out, WHY_NO_ACTUAL);

    int several = t->spec.shape == TY_SHAPE_WINDOW && t->spec.from && t->spec.from < t->spec.to;
    if (t->spec.shape == TY_SHAPE_MILESTONE) {
        judge_milestone(&j, out);
    } else if (several) {
        out->window_from = t->spec.from;
        out->window_to = t->spec.to;
        judge_window(&j, out);
    } else {
        int flow_based = ind->measure == TY_FLOW || ind->flow_of || t->spec.shape == TY_SHAPE_WINDOW;
        TyTargetShape sh = t->spec.shape;
        if (sh == TY_SHAPE_RANK && rank_has_peers(peers, ind->id)) {
            judge_ranked(&j, peers, rank, out);
            return TY_OK;
        }
        TyYears s;
        if (flow_based) years_flows(plan, ind, as_of, &s);
        else years_own(plan, ind, as_of, &s);
        int early = !flow_based && (sh == TY_SHAPE_LEVEL || sh == TY_SHAPE_RANGE || sh == TY_SHAPE_POINTS
                                    || sh == TY_SHAPE_MULTIPLE || sh == TY_SHAPE_RANK);
        judge_generic(&j, &s, early, out);
    }
    return TY_OK;
}

void progress_indicator_base(const TyPlan *plan, size_t ind_index, int as_of, TyProgressBase *out)
{
    const TyIndicator *ind = &plan->ind[ind_index];
    memset(out, 0, sizeof *out);
    out->value = out->latest = NAN;
    if (indicator_is_milestone(ind)) {
        snprintf(out->how, sizeof out->how, "a milestone row has no base");
        return;
    }
    TyYears s;
    years_own(plan, ind, as_of, &s);
    TyAnchor an;
    years_anchor(plan, ind, &s, &an);
    out->year = an.b;
    out->value = an.xb;
    out->latest_year = an.t;
    out->latest = an.xt;
    snprintf(out->how, sizeof out->how, "%s", an.how);
}

double progress_threshold(const TyPlan *plan, size_t ind_index, int year, int as_of)
{
    TyProgress pr;
    TyError err;
    ty_error_clear(&err);
    if (progress_compute(plan, ind_index, year, as_of, &pr, &err) != TY_OK) return NAN;
    return pr.target;
}

const char *progress_status_name(TyProgressStatus s)
{
    static const char *const names[] = {
        [TY_ST_ACHIEVED] = "achieved", [TY_ST_ON_TRACK] = "on_track", [TY_ST_BEHIND] = "behind",
        [TY_ST_STALLED] = "stalled", [TY_ST_REGRESSING] = "regressing", [TY_ST_NO_TREND] = "no_trend",
        [TY_ST_MISSED] = "missed", [TY_ST_NO_DATA] = "no_data", [TY_ST_EXCEEDED] = "exceeded",
        [TY_ST_PENDING] = "pending", [TY_ST_OVERDUE] = "overdue",
    };
    if ((unsigned)s >= sizeof names / sizeof names[0]) return "?";
    return names[s];
}
