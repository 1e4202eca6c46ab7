/* register_check.c — evaluating criteria over a whole register, one criterion at a time over
 * every row (register_check.h): tight loops over column arrays, no per-firm calls, no sort from
 * the C library (glibc's qsort may ask the kernel for the memory size, which a package's seccomp
 * filter refuses): the 后备 list is ordered by a merge sort of our own. */
#include "register_check.h"
#include "alloc.h"

#include <math.h>
#include <string.h>

void register_check_free(TyCheck *c)
{
    if (!c) return;
    ty_free(c->value);
    ty_free(c->threshold);
    ty_free(c->shortfall);
    ty_free(c->met);
    ty_free(c->qualifies);
    ty_free(c->unmet);
    ty_free(c->gap);
    ty_free(c->rank);
    ty_free(c->order);
    memset(c, 0, sizeof *c);
}

static int compare(double v, TyCritOp op, double t)
{
    switch (op) {
    case CRIT_GE: return v >= t;
    case CRIT_GT: return v > t;
    case CRIT_LE: return v <= t;
    case CRIT_LT: return v < t;
    }
    return 0;
}

/* out[i] = Σ of the columns' values (NaN if one is empty); an absent column (-1) is empty. */
static void sum_columns(const TyRegister *r, const int *cols, int ncols, double *out)
{
    size_t n = r->n;
    if (ncols == 0 || cols[0] < 0) {
        for (size_t i = 0; i < n; i++) out[i] = NAN;
        return;
    }
    memcpy(out, r->cols[cols[0]].v, n * sizeof *out);
    for (int t = 1; t < ncols; t++) {
        if (cols[t] < 0) {
            for (size_t i = 0; i < n; i++) out[i] = NAN;
            return;
        }
        const double *c = r->cols[cols[t]].v;
        for (size_t i = 0; i < n; i++) out[i] += c[i];
    }
}

/* out[i] = Σ of the columns that have a value; NaN if none has. */
static void sum_present(const TyRegister *r, const int *cols, int ncols, double *out)
{
    for (size_t i = 0; i < r->n; i++) {
        double a = 0;
        int seen = 0;
        for (int t = 0; t < ncols; t++) {
            double x = cols[t] >= 0 ? r->cols[cols[t]].v[i] : NAN;
            if (isnan(x)) continue;
            a += x;
            seen = 1;
        }
        out[i] = seen ? a : NAN;
    }
}

/* Σnum and Σden over the years where at least one of the pair has a value; a year with only one
 * of them makes the row unknown (NaN), and so does having no year at all. */
static void sum_pairwise(const TyRegister *r, const TyCriterion *c, double *num, double *den)
{
    for (size_t i = 0; i < r->n; i++) {
        double a = 0, b = 0;
        int seen = 0;
        for (int t = 0; t < c->nnum; t++) {
            double x = c->num[t] >= 0 ? r->cols[c->num[t]].v[i] : NAN;
            double y = c->den[t] >= 0 ? r->cols[c->den[t]].v[i] : NAN;
            if (isnan(x) && isnan(y)) continue;
            a += x;
            b += y;
            seen = 1;
        }
        num[i] = seen ? a : NAN;
        den[i] = seen ? b : NAN;
    }
}

/* The threshold of each row: fixed, or chosen by the band column. */
static void thresholds(const TyRegister *r, const TyCriterion *c, double *thr)
{
    size_t n = r->n;
    if (c->nbands == 0) {
        for (size_t i = 0; i < n; i++) thr[i] = c->threshold;
        return;
    }
    const double *b = c->band_col >= 0 ? r->cols[c->band_col].v : NULL;
    for (size_t i = 0; i < n; i++) {
        double x = b ? b[i] : NAN;
        int k = 0;
        while (k < c->nbands && !(x <= c->edges[k])) k++;
        thr[i] = isnan(x) ? NAN : c->band_threshold[k];
    }
}

/* The least whole k >= 0 with (num + k) / den op t: from the rounded estimate, stepped to the
 * comparison the criterion itself makes (0.07 × 100 is 7.000000000000001 in doubles, whose
 * ceiling 8 is one person too many). */
static double whole_ratio_shortfall(double num, double den, TyCritOp op, double t)
{
    double k = ceil(t * den - num);
    if (k < 0) k = 0;
    while (k > 0 && compare((num + k - 1) / den, op, t)) k--;
    while (!compare((num + k) / den, op, t)) k++;
    return k;
}

static double shortfall_of(const TyCriterion *c, double v, double t, double num, double den)
{
    int up = c->op == CRIT_GE || c->op == CRIT_GT;
    if (c->kind == CRIT_RATIO && up) {
        if (c->integer) return whole_ratio_shortfall(num, den, c->op, t);
        return t * den - num;
    }
    if (!up) {
        if (c->integer && c->op == CRIT_LT) return v - ceil(t) + 1;
        return v - t;
    }
    if (c->integer && c->op == CRIT_GT) return floor(t) + 1 - v;
    if (c->integer) return ceil(t) - v;
    return t - v;
}

static TyStatus evaluate(const TyRegister *r, const TyCriterion *c, size_t k, TyCheck *out,
                         double *num, double *den, TyError *err)
{
    size_t n = r->n;
    double *v = out->value + k * n, *thr = out->threshold + k * n, *sf = out->shortfall + k * n;
    signed char *met = out->met + k * n;
    if (c->kind == CRIT_RATIO && c->pairwise) {
        sum_pairwise(r, c, num, den);
    } else {
        sum_columns(r, c->num, c->nnum, num);
        if (c->kind == CRIT_RATIO && c->skip_empty) sum_present(r, c->den, c->nden, den);
        else if (c->kind == CRIT_RATIO) sum_columns(r, c->den, c->nden, den);
    }
    switch (c->kind) {
    case CRIT_VALUE:
        memcpy(v, num, n * sizeof *v);
        break;
    case CRIT_RATIO:
        for (size_t i = 0; i < n; i++) v[i] = den[i] > 0 ? num[i] / den[i] : NAN;
        break;
    case CRIT_DAYS: {
        const double *at = c->at_col >= 0 ? r->cols[c->at_col].v : NULL;
        const double *year = c->year_col >= 0 ? r->cols[c->year_col].v : NULL;
        if (!at && !year) return ty_error_set(err, TY_ESCRIPT, "a days criterion needs a date or the year to measure to");
        for (size_t i = 0; i < n; i++) {
            double to = at ? at[i] : NAN;
            if (isnan(to) && year && !isnan(year[i]))
                to = (double)register_days_from_civil((int)year[i], 12, 31);
            v[i] = to - num[i];
        }
        break;
    }
    }
    thresholds(r, c, thr);
    for (size_t i = 0; i < n; i++) {
        int flagged = 0;
        for (int a = 0; a < c->nany && !flagged; a++)
            flagged = c->any_of[a] >= 0 && r->cols[c->any_of[a]].v[i] == 1;
        if (flagged || (!isnan(v[i]) && !isnan(thr[i]) && compare(v[i], c->op, thr[i]))) {
            met[i] = 1;
            sf[i] = 0;
        } else if (isnan(v[i]) || isnan(thr[i])) {
            met[i] = -1;
            sf[i] = NAN;
        } else {
            met[i] = 0;
            sf[i] = shortfall_of(c, v[i], thr[i], num[i], den[i]);
        }
    }
    return TY_OK;
}

/* The 后备 order: (year, unmet, gap, row) ascending. */
static int before(const TyCheck *c, const double *year, size_t a, size_t b)
{
    double ya = year ? year[a] : 0, yb = year ? year[b] : 0;
    if (ya != yb) return ya < yb;
    if (c->unmet[a] != c->unmet[b]) return c->unmet[a] < c->unmet[b];
    if (c->gap[a] != c->gap[b]) return c->gap[a] < c->gap[b];
    return a < b;
}

/* Bottom-up merge sort of idx[0..n) by `before`; tmp has room for n. */
static void merge_sort(const TyCheck *c, const double *year, size_t *idx, size_t *tmp, size_t n)
{
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, o = lo;
            while (i < mid && j < hi) tmp[o++] = before(c, year, idx[j], idx[i]) ? idx[j++] : idx[i++];
            while (i < mid) tmp[o++] = idx[i++];
            while (j < hi) tmp[o++] = idx[j++];
        }
        memcpy(idx, tmp, n * sizeof *idx);
    }
}

static TyStatus rank_candidates(const TyRegister *r, TyCheck *out, TyError *err)
{
    size_t n = r->n, m = 0;
    for (size_t i = 0; i < n; i++) m += !out->qualifies[i];
    out->order = ty_malloc((m ? m : 1) * sizeof *out->order);
    size_t *tmp = ty_malloc((m ? m : 1) * sizeof *tmp);
    if (!out->order || !tmp) {
        ty_free(tmp);
        return ty_error_set(err, TY_ENOMEM, "not enough memory ranking %zu firms", m);
    }
    for (size_t i = 0, j = 0; i < n; i++)
        if (!out->qualifies[i]) out->order[j++] = i;
    long yc = register_column(r, "year");
    const double *year = yc >= 0 ? r->cols[yc].v : NULL;
    merge_sort(out, year, out->order, tmp, m);
    ty_free(tmp);
    out->norder = m;
    size_t start = 0;   /* where the current year begins in the order */
    for (size_t j = 0; j < m; j++) {
        size_t i = out->order[j], p = j ? out->order[j - 1] : 0;
        if (j > 0 && year && year[p] != year[i]) start = j;
        if (j > start && out->unmet[p] == out->unmet[i] && out->gap[p] == out->gap[i])
            out->rank[i] = out->rank[p];   /* "1224": equal keys share a rank */
        else
            out->rank[i] = (long)(j - start) + 1;
    }
    return TY_OK;
}

TyStatus register_check(const TyRegister *r, const TyCriterion *crit, size_t ncrit, TyCheck *out,
                        TyError *err)
{
    size_t n = r->n, cells = n * ncrit;
    memset(out, 0, sizeof *out);
    out->n = n;
    out->ncrit = ncrit;
    size_t one = n ? n : 1, many = cells ? cells : 1;
    out->value = ty_malloc(many * sizeof(double));
    out->threshold = ty_malloc(many * sizeof(double));
    out->shortfall = ty_malloc(many * sizeof(double));
    out->met = ty_malloc(many);
    out->qualifies = ty_malloc(one);
    out->unmet = ty_calloc(one, sizeof *out->unmet);
    out->gap = ty_calloc(one, sizeof *out->gap);
    out->rank = ty_calloc(one, sizeof *out->rank);
    double *num = ty_malloc(one * sizeof *num), *den = ty_malloc(one * sizeof *den);
    TyStatus st = TY_OK;
    if (!out->value || !out->threshold || !out->shortfall || !out->met || !out->qualifies
        || !out->unmet || !out->gap || !out->rank || !num || !den)
        st = ty_error_set(err, TY_ENOMEM, "not enough memory checking %zu firm-years", n);
    for (size_t k = 0; st == TY_OK && k < ncrit; k++) st = evaluate(r, &crit[k], k, out, num, den, err);
    ty_free(num);
    ty_free(den);
    if (st != TY_OK) {
        register_check_free(out);
        return st;
    }
    for (size_t i = 0; i < n; i++) out->qualifies[i] = 1;
    for (size_t k = 0; k < ncrit; k++) {
        const signed char *met = out->met + k * n;
        const double *v = out->value + k * n, *thr = out->threshold + k * n;
        int required = crit[k].required;
        for (size_t i = 0; i < n; i++) {
            if (met[i] == 1 || (met[i] == -1 && !required)) continue;
            out->qualifies[i] = 0;
            out->unmet[i]++;
            double g = 1;
            if (met[i] == 0 && thr[i] != 0) {
                /* a ratio: the share of the threshold missing; else the shortfall (a whole
                 * number where counted: score 70 against "more than 70" lacks 1 point) */
                g = crit[k].kind == CRIT_RATIO ? fabs(thr[i] - v[i]) / fabs(thr[i])
                                               : fabs(out->shortfall[k * n + i]) / fabs(thr[i]);
                if (g > 1) g = 1;
            }
            out->gap[i] += g;
        }
    }
    st = rank_candidates(r, out, err);
    if (st != TY_OK) register_check_free(out);
    return st;
}
