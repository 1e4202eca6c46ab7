/* register_check.c — evaluating criteria over a whole register, one criterion at a time over
 * every row (register_check.h): tight loops over column arrays, no per-firm calls, no sort from
 * the C library (glibc's qsort may ask the kernel for the memory size, which a package's seccomp
 * filter refuses): the 后备 list is ordered by a radix sort of our own. */
#include "register_check.h"
#include "alloc.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

void register_check_free(TyCheck *c)
{
    if (!c) return;
    for (size_t k = 0; k < c->ncrit; k++) {
        if (c->value && !(c->value_borrowed && c->value_borrowed[k])) ty_free(c->value[k]);
        if (c->threshold) ty_free(c->threshold[k]);
        if (c->shortfall) ty_free(c->shortfall[k]);
        if (c->met) ty_free(c->met[k]);
    }
    ty_free(c->value);
    ty_free(c->value_borrowed);
    ty_free(c->threshold_const);
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
    size_t one = n ? n : 1;
    int borrow = c->kind == CRIT_VALUE && c->nnum == 1 && c->num[0] >= 0;
    out->value_borrowed[k] = (unsigned char)borrow;
    out->value[k] = borrow ? r->cols[c->num[0]].v : ty_malloc(one * sizeof(double));
    out->threshold[k] = c->nbands ? ty_malloc(one * sizeof(double)) : NULL;
    out->threshold_const[k] = c->threshold;
    out->shortfall[k] = ty_malloc(one * sizeof(double));
    out->met[k] = ty_malloc(one);
    if (!out->value[k] || (c->nbands && !out->threshold[k]) || !out->shortfall[k] || !out->met[k])
        return ty_error_set(err, TY_ENOMEM, "not enough memory checking %zu firm-years", n);
    double *v = out->value[k], *thr = out->threshold[k], *sf = out->shortfall[k];
    const double tc = c->threshold;
    signed char *met = out->met[k];
    if (c->kind == CRIT_RATIO && c->pairwise) {
        sum_pairwise(r, c, num, den);
    } else {
        if (!borrow) sum_columns(r, c->num, c->nnum, c->kind == CRIT_VALUE ? v : num);
        if (c->kind == CRIT_RATIO && c->skip_empty) sum_present(r, c->den, c->nden, den);
        else if (c->kind == CRIT_RATIO) sum_columns(r, c->den, c->nden, den);
    }
    switch (c->kind) {
    case CRIT_VALUE:   /* summed into v itself; num is the same for the shortfall */
        num = v;
        break;
    case CRIT_RATIO:
        for (size_t i = 0; i < n; i++) v[i] = den[i] > 0 ? num[i] / den[i] : NAN;
        break;
    case CRIT_DAYS: {
        const double *at = c->at_col >= 0 ? r->cols[c->at_col].v : NULL;
        const double *year = c->year_col >= 0 ? r->cols[c->year_col].v : NULL;
        if (!at && !year) return ty_error_set(err, TY_ESCRIPT, "a days criterion needs a date or the year to measure to");
        double last_year = NAN, last_day = NAN;   /* 31 December of the year before */
        for (size_t i = 0; i < n; i++) {
            double to = at ? at[i] : NAN;
            if (isnan(to) && year && !isnan(year[i])) {
                if (year[i] != last_year) {
                    last_year = year[i];
                    last_day = (double)register_days_from_civil((int)last_year, 12, 31);
                }
                to = last_day;
            }
            v[i] = to - num[i];
        }
        break;
    }
    }
    if (thr) thresholds(r, c, thr);
    /* met in a loop per comparison, so the compiler can vectorise it: 1 met, 0 not, -1 unknown */
#define MET_LOOP(OP)                                                                        \
    if (thr)                                                                               \
        for (size_t i = 0; i < n; i++) {                                                   \
            int known = !isnan(v[i]) && !isnan(thr[i]);                                      \
            met[i] = (signed char)(known ? (v[i] OP thr[i]) : -1);                           \
        }                                                                                  \
    else                                                                                   \
        for (size_t i = 0; i < n; i++)                                                     \
            met[i] = (signed char)(!isnan(v[i]) ? (v[i] OP tc) : -1);
    switch (c->op) {
    case CRIT_GE: MET_LOOP(>=) break;
    case CRIT_GT: MET_LOOP(>) break;
    case CRIT_LE: MET_LOOP(<=) break;
    case CRIT_LT: MET_LOOP(<) break;
    }
#undef MET_LOOP
    for (int a = 0; a < c->nany; a++) {
        if (c->any_of[a] < 0) continue;
        const double *flag = r->cols[c->any_of[a]].v;
        for (size_t i = 0; i < n; i++) if (flag[i] == 1) met[i] = 1;
    }
    for (size_t i = 0; i < n; i++)
        sf[i] = met[i] == 1 ? 0 : met[i] < 0 ? NAN
              : shortfall_of(c, v[i], thr ? thr[i] : tc, num[i], den ? den[i] : NAN);
    return TY_OK;
}

/* The 后备 order is (year, unmet, gap, row) ascending: a stable LSD radix sort of packed keys,
 * gap first (a non-negative double's bits order as the double does), then year and unmet; rows
 * start in file order, and stability keeps it among equal keys. A byte that is the same in every
 * key costs no pass. */
typedef struct SortRec { uint64_t gap; uint32_t year_unmet; uint32_t row; } SortRec;

static void radix_pass(SortRec *from, SortRec *to, size_t m, int which, int shift, int *moved)
{
    size_t count[256] = {0};
    for (size_t j = 0; j < m; j++) {
        uint64_t key = which ? from[j].year_unmet : from[j].gap;
        count[(key >> shift) & 0xFF]++;
    }
    for (int b = 0; b < 256; b++)
        if (count[b] == m) {   /* every key has this byte: already in order */
            *moved = 0;
            return;
        }
    size_t at = 0;
    for (int b = 0; b < 256; b++) {
        size_t c = count[b];
        count[b] = at;
        at += c;
    }
    for (size_t j = 0; j < m; j++) {
        uint64_t key = which ? from[j].year_unmet : from[j].gap;
        to[count[(key >> shift) & 0xFF]++] = from[j];
    }
    *moved = 1;
}

static TyStatus rank_candidates(const TyRegister *r, TyCheck *out, TyError *err)
{
    size_t n = r->n, m = 0;
    for (size_t i = 0; i < n; i++) m += !out->qualifies[i];
    if (n > UINT32_MAX) return ty_error_set(err, TY_ELIMIT, "a register of more than 4 Gi rows");
    out->order = ty_malloc((m ? m : 1) * sizeof *out->order);
    SortRec *a = ty_malloc((m ? m : 1) * sizeof *a), *b = ty_malloc((m ? m : 1) * sizeof *b);
    if (!out->order || !a || !b) {
        ty_free(a);
        ty_free(b);
        return ty_error_set(err, TY_ENOMEM, "not enough memory ranking %zu firms", m);
    }
    long yc = register_column(r, "year");
    const double *year = yc >= 0 ? r->cols[yc].v : NULL;
    for (size_t i = 0, j = 0; i < n; i++) {
        if (out->qualifies[i]) continue;
        double y = year && year[i] >= 0 && year[i] < 65536 ? year[i] : 0;
        unsigned u = out->unmet[i] < 65535 ? (unsigned)out->unmet[i] : 65535;
        double g = out->gap[i] + 0.0;   /* -0 would order before +0 by its bits */
        memcpy(&a[j].gap, &g, sizeof g);
        a[j].year_unmet = (uint32_t)y << 16 | u;
        a[j].row = (uint32_t)i;
        j++;
    }
    for (int which = 0; which < 2; which++)
        for (int shift = 0; shift < (which ? 32 : 64); shift += 8) {
            int moved;
            radix_pass(a, b, m, which, shift, &moved);
            if (moved) {
                SortRec *t = a;
                a = b;
                b = t;
            }
        }
    out->norder = m;
    size_t start = 0;   /* where the current year begins in the order */
    for (size_t j = 0; j < m; j++) {
        size_t i = a[j].row;
        out->order[j] = i;
        if (j > 0 && a[j].year_unmet >> 16 != a[j - 1].year_unmet >> 16) start = j;
        if (j > start && a[j].year_unmet == a[j - 1].year_unmet && a[j].gap == a[j - 1].gap)
            out->rank[i] = out->rank[out->order[j - 1]];   /* "1224": equal keys share a rank */
        else
            out->rank[i] = (long)(j - start) + 1;
    }
    ty_free(a);
    ty_free(b);
    return TY_OK;
}

TyStatus register_check(const TyRegister *r, const TyCriterion *crit, size_t ncrit, TyCheck *out,
                        TyError *err)
{
    size_t n = r->n;
    memset(out, 0, sizeof *out);
    out->n = n;
    out->ncrit = ncrit;
    size_t one = n ? n : 1;
    int ok = (out->value = ty_calloc(ncrit, sizeof *out->value)) != NULL
             && (out->threshold = ty_calloc(ncrit, sizeof *out->threshold)) != NULL
             && (out->shortfall = ty_calloc(ncrit, sizeof *out->shortfall)) != NULL
             && (out->met = ty_calloc(ncrit, sizeof *out->met)) != NULL
             && (out->value_borrowed = ty_calloc(ncrit, 1)) != NULL
             && (out->threshold_const = ty_calloc(ncrit, sizeof(double))) != NULL;
    out->qualifies = ty_malloc(one);
    out->unmet = ty_calloc(one, sizeof *out->unmet);
    out->gap = ty_calloc(one, sizeof *out->gap);
    out->rank = ty_calloc(one, sizeof *out->rank);
    double *num = ty_malloc(one * sizeof *num), *den = ty_malloc(one * sizeof *den);
    TyStatus st = TY_OK;
    if (!ok || !out->qualifies
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
        const signed char *met = out->met[k];
        const double *v = out->value[k];
        int required = crit[k].required;
        for (size_t i = 0; i < n; i++) {
            if (met[i] == 1 || (met[i] == -1 && !required)) continue;
            out->qualifies[i] = 0;
            out->unmet[i]++;
            double g = 1;
            double thr = register_check_threshold(out, k, i);
            if (met[i] == 0 && thr != 0) {
                /* a ratio: the share of the threshold missing; else the shortfall (a whole
                 * number where counted: score 70 against "more than 70" lacks 1 point) */
                g = crit[k].kind == CRIT_RATIO ? fabs(thr - v[i]) / fabs(thr)
                                               : fabs(out->shortfall[k][i]) / fabs(thr);
                if (g > 1) g = 1;
            }
            out->gap[i] += g;
        }
    }
    st = rank_candidates(r, out, err);
    if (st != TY_OK) register_check_free(out);
    return st;
}
