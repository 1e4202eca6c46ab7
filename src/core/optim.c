/* optim.c — bounded Levenberg–Marquardt least squares (optim.h). Deterministic: a fixed order of
 * operations, only + - * / sqrt, no library transcendental, no randomness. */
#include "core/optim.h"
#include "core/alloc.h"
#include "core/interrupt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define MAX_PARAMS 64
#define MU_LIMIT 1e32      /* damping beyond this: no step lowers f any more */
#define IDENT_TOL 1e-10    /* a column whose part independent of the others is below 1e-5 of it */

void ty_lsq_defaults(TyLsqOptions *o)
{
    o->max_iter = 200;
    o->ftol = 1e-12;
    o->xtol = 1e-10;
    o->fd_step = 1e-6;
}

static double clampd(double v, double lo, double hi) { return v < lo ? lo : (v > hi ? hi : v); }

static double sumsq(const double *r, int m)
{
    double s = 0.0;
    for (int i = 0; i < m; i++) {
        if (!isfinite(r[i])) return HUGE_VAL;
        s += r[i] * r[i];
    }
    return isfinite(s) ? s : HUGE_VAL;
}

/* Cholesky in place: a = L Lᵀ with L in the lower triangle. Returns -1, or the index of the
 * first pivot <= tol × the original diagonal entry. */
static int chol_factor(double *a, int k, double tol)
{
    for (int j = 0; j < k; j++) {
        double d = a[j * k + j];
        double orig = d;
        for (int q = 0; q < j; q++) d -= a[j * k + q] * a[j * k + q];
        if (!(d > tol * orig) || !(d > 0.0)) return j;
        double l = sqrt(d);
        a[j * k + j] = l;
        for (int i = j + 1; i < k; i++) {
            double s = a[i * k + j];
            for (int q = 0; q < j; q++) s -= a[i * k + q] * a[j * k + q];
            a[i * k + j] = s / l;
        }
    }
    return -1;
}

/* Solves L Lᵀ x = b (L from chol_factor) in place in b. */
static void chol_solve(const double *a, int k, double *b)
{
    for (int i = 0; i < k; i++) {
        double s = b[i];
        for (int q = 0; q < i; q++) s -= a[i * k + q] * b[q];
        b[i] = s / a[i * k + i];
    }
    for (int i = k - 1; i >= 0; i--) {
        double s = b[i];
        for (int q = i + 1; q < k; q++) s -= a[q * k + i] * b[q];
        b[i] = s / a[i * k + i];
    }
}

int ty_spd_inverse(double *a, int k, double tol)
{
    int bad = chol_factor(a, k, tol);
    if (bad >= 0) return bad;
    double *col = ty_malloc((size_t)k * (size_t)k * sizeof *col);
    if (!col) return -2;
    for (int j = 0; j < k; j++) {              /* column j of the inverse: solve with e_j */
        double *b = col + (size_t)j * (size_t)k;
        for (int i = 0; i < k; i++) b[i] = i == j ? 1.0 : 0.0;
        chol_solve(a, k, b);
    }
    for (int i = 0; i < k; i++)                /* symmetric: average the two halves' rounding away */
        for (int j = 0; j < k; j++)
            a[i * k + j] = i == j ? col[j * k + i] : 0.5 * (col[j * k + i] + col[i * k + j]);
    ty_free(col);
    return -1;
}

typedef struct Work {
    const TyLsqProblem *p;
    const TyLsqOptions *o;
    int evals;
    double *rp, *rm;      /* m each: residuals at x ± h */
    double *xt;           /* n: a trial point */
} Work;

static TyStatus eval(Work *w, const double *x, double *r, double *f, TyError *err)
{
    w->evals++;
    TyStatus st = w->p->fn(w->p->ctx, x, r, err);
    if (st != TY_OK) return st;
    *f = sumsq(r, w->p->m);
    return TY_OK;
}

/* The difference step for parameter j: relative to |x|, or to the box's width (or 1) near 0. */
static double step_for(const Work *w, int j, double xj)
{
    double lo = w->p->lo[j], hi = w->p->hi[j];
    double typical = (isfinite(lo) && isfinite(hi)) ? 1e-2 * (hi - lo) : 1.0;
    double a = fabs(xj);
    if (typical > a) a = typical;
    if (!(a > 0.0)) a = 1.0;
    volatile double t = xj + w->o->fd_step * a;   /* a step the doubles can represent exactly */
    return t - xj;
}

/* J (m × n) at x, whose residuals are r0. A side whose residuals are not finite is not used. */
static TyStatus jacobian(Work *w, const double *x, const double *r0, double *J, TyError *err)
{
    int n = w->p->n, m = w->p->m;
    for (int j = 0; j < n; j++) {
        double lo = w->p->lo[j], hi = w->p->hi[j], h = step_for(w, j, x[j]), f;
        int up = 0, down = 0;
        memcpy(w->xt, x, (size_t)n * sizeof *x);
        if (!(h > 0.0)) {                         /* no representable step: the column is held */
            for (int i = 0; i < m; i++) J[(size_t)i * (size_t)n + (size_t)j] = 0.0;
            continue;
        }
        if (x[j] + h <= hi) {
            w->xt[j] = x[j] + h;
            TyStatus st = eval(w, w->xt, w->rp, &f, err);
            if (st != TY_OK) return st;
            up = isfinite(f);
        }
        if (x[j] - h >= lo) {
            w->xt[j] = x[j] - h;
            TyStatus st = eval(w, w->xt, w->rm, &f, err);
            if (st != TY_OK) return st;
            down = isfinite(f);
        }
        for (int i = 0; i < m; i++) {
            double d;
            if (up && down) d = (w->rp[i] - w->rm[i]) / (2.0 * h);
            else if (up) d = (w->rp[i] - r0[i]) / h;
            else if (down) d = (r0[i] - w->rm[i]) / h;
            else d = 0.0;                         /* a box narrower than the step: held */
            J[(size_t)i * (size_t)n + (size_t)j] = d;
        }
    }
    return TY_OK;
}

/* A = JᵀJ (n × n), g = Jᵀr. */
static void normal_eqs(const double *J, const double *r, int m, int n, double *A, double *g)
{
    for (int a = 0; a < n; a++) {
        double s = 0.0;
        for (int i = 0; i < m; i++) s += J[(size_t)i * (size_t)n + (size_t)a] * r[i];
        g[a] = s;
        for (int b = 0; b <= a; b++) {
            double t = 0.0;
            for (int i = 0; i < m; i++)
                t += J[(size_t)i * (size_t)n + (size_t)a] * J[(size_t)i * (size_t)n + (size_t)b];
            A[a * n + b] = t;
            A[b * n + a] = t;
        }
    }
}

/* Standard errors over the free parameters: drop (as not identified) any whose column depends on
 * the others', on the correlation-scaled JᵀJ, until the rest factor. */
static TyStatus covariance(TyLsqResult *res, double *A, double *C, int *idx, TyError *err)
{
    int n = res->n;
    for (;;) {
        int k = 0;
        for (int j = 0; j < n; j++) {
            if (res->state[j] != TY_LSQ_FREE) continue;
            if (!(A[j * n + j] > 0.0)) { res->state[j] = TY_LSQ_UNIDENTIFIED; continue; }
            idx[k++] = j;
        }
        for (int a = 0; a < k; a++)
            for (int b = 0; b < k; b++)
                C[a * k + b] = A[idx[a] * n + idx[b]] / (sqrt(A[idx[a] * n + idx[a]]) * sqrt(A[idx[b] * n + idx[b]]));
        int bad = k > 0 ? ty_spd_inverse(C, k, IDENT_TOL) : -1;
        if (bad == -2) return ty_error_set(err, TY_ENOMEM, "out of memory");
        if (bad >= 0) { res->state[idx[bad]] = TY_LSQ_UNIDENTIFIED; continue; }
        res->dof = res->m - k;
        res->sigma2 = res->dof > 0 ? res->f / res->dof : NAN;
        for (int a = 0; a < k; a++)
            for (int b = 0; b < k; b++)
                res->cov[idx[a] * n + idx[b]] = res->sigma2 * C[a * k + b]
                    / (sqrt(A[idx[a] * n + idx[a]]) * sqrt(A[idx[b] * n + idx[b]]));
        for (int a = 0; a < k; a++) res->se[idx[a]] = sqrt(res->cov[idx[a] * n + idx[a]]);
        return TY_OK;
    }
}

static int alloc_result(TyLsqResult *res, int n, int m)
{
    memset(res, 0, sizeof *res);
    res->n = n;
    res->m = m;
    res->x = ty_calloc((size_t)n, sizeof *res->x);
    res->r = ty_calloc((size_t)m, sizeof *res->r);
    res->jac = ty_calloc((size_t)m * (size_t)n, sizeof *res->jac);
    res->se = ty_calloc((size_t)n, sizeof *res->se);
    res->cov = ty_calloc((size_t)n * (size_t)n, sizeof *res->cov);
    res->state = ty_calloc((size_t)n, sizeof *res->state);
    if (!res->x || !res->r || !res->jac || !res->se || !res->cov || !res->state) return 0;
    for (int j = 0; j < n; j++) res->se[j] = NAN;
    for (int j = 0; j < n * n; j++) res->cov[j] = NAN;
    return 1;
}

void ty_lsq_result_free(TyLsqResult *res)
{
    if (!res) return;
    ty_free(res->x);
    ty_free(res->r);
    ty_free(res->jac);
    ty_free(res->se);
    ty_free(res->cov);
    ty_free(res->state);
    memset(res, 0, sizeof *res);
}

TyStatus ty_lsq_solve(const TyLsqProblem *p, const TyLsqOptions *opts, const double *x0,
                      TyLsqResult *res, TyError *err)
{
    TyLsqOptions o;
    if (opts) o = *opts; else ty_lsq_defaults(&o);
    memset(res, 0, sizeof *res);
    if (!p || !p->fn || p->n < 1 || p->n > MAX_PARAMS || p->m < 1)
        return ty_error_set(err, TY_EUSAGE, "least squares: 1 to %d parameters and at least one residual expected", MAX_PARAMS);
    int n = p->n, m = p->m;
    for (int j = 0; j < n; j++) {
        if (isnan(p->lo[j]) || isnan(p->hi[j]) || p->lo[j] > p->hi[j])
            return ty_error_set(err, TY_EUSAGE, "least squares: parameter %d: lower bound %g above upper bound %g",
                                j + 1, p->lo[j], p->hi[j]);
        if (!isfinite(x0[j]))
            return ty_error_set(err, TY_EUSAGE, "least squares: parameter %d: the starting value is not finite", j + 1);
    }
    if (o.max_iter < 1) o.max_iter = 1;

    /* one block: x xn g delta (n) | r rn rp rm (m) | J (m n) | A M C (n n) | xt (n) | idx act */
    size_t nd = (size_t)n, md = (size_t)m;
    size_t total = 5 * nd + 4 * md + md * nd + 3 * nd * nd;
    double *buf = ty_calloc(total, sizeof *buf);
    int *ibuf = ty_calloc(2 * nd, sizeof *ibuf);
    if (!buf || !ibuf || !alloc_result(res, n, m)) {
        ty_free(buf);
        ty_free(ibuf);
        ty_lsq_result_free(res);
        return ty_error_set(err, TY_ENOMEM, "out of memory");
    }
    double *x = buf, *xn = x + nd, *g = xn + nd, *delta = g + nd, *xt = delta + nd;
    double *r = xt + nd, *rn = r + md, *rp = rn + md, *rm = rp + md;
    double *J = rm + md, *A = J + md * nd, *M = A + nd * nd, *C = M + nd * nd;
    int *idx = ibuf, *act = ibuf + nd;
    Work w = { p, &o, 0, rp, rm, xt };
    TyStatus st;
    double f;

    for (int j = 0; j < n; j++) x[j] = clampd(x0[j], p->lo[j], p->hi[j]);
    st = eval(&w, x, r, &f, err);
    if (st != TY_OK) goto fail;
    if (!isfinite(f)) {
        st = ty_error_set(err, TY_EDATA, "least squares: the residuals are not finite at the starting point");
        goto fail;
    }

    double mu = -1.0, nu = 2.0;
    int iter = 0, done = 0;
    snprintf(res->why, sizeof res->why, "stopped after %d iterations without meeting a convergence test", o.max_iter);
    while (!done && iter < o.max_iter) {
        if (ty_interrupt_requested()) { st = ty_error_set(err, TY_EINTR, "interrupted"); goto fail; }
        iter++;
        if (f == 0.0) { done = 1; snprintf(res->why, sizeof res->why, "exact fit (sum of squares 0)"); break; }
        st = jacobian(&w, x, r, J, err);
        if (st != TY_OK) goto fail;
        normal_eqs(J, r, m, n, A, g);
        /* Held this step: fixed boxes, and bounds the gradient pushes against. */
        int k = 0;
        double maxdiag = 0.0;
        for (int j = 0; j < n; j++) {
            act[j] = p->lo[j] == p->hi[j] || (x[j] <= p->lo[j] && g[j] > 0.0) || (x[j] >= p->hi[j] && g[j] < 0.0);
            if (!act[j]) {
                idx[k++] = j;
                if (A[j * n + j] > maxdiag) maxdiag = A[j * n + j];
            }
        }
        int gzero = 1;
        for (int a = 0; a < k; a++) if (g[idx[a]] != 0.0) gzero = 0;
        if (k == 0 || gzero || !(maxdiag > 0.0)) {
            done = 1;
            snprintf(res->why, sizeof res->why, "gradient zero in every direction the bounds allow");
            break;
        }
        if (mu < 0.0) mu = 1e-3;
        for (;;) {                                   /* damped steps until one lowers f */
            for (int a = 0; a < k; a++) {
                for (int b = 0; b < k; b++) M[a * k + b] = A[idx[a] * n + idx[b]];
                double d = A[idx[a] * n + idx[a]];
                if (d < 1e-15 * maxdiag) d = 1e-15 * maxdiag;
                M[a * k + a] += mu * d;
                delta[a] = -g[idx[a]];
            }
            if (chol_factor(M, k, 0.0) >= 0) {       /* only by rounding at tiny mu: damp more */
                mu *= nu; nu *= 2.0;
                if (mu > MU_LIMIT) break;
                continue;
            }
            chol_solve(M, k, delta);
            memcpy(xn, x, nd * sizeof *x);
            for (int a = 0; a < k; a++) {
                int j = idx[a];
                xn[j] = clampd(x[j] + delta[a], p->lo[j], p->hi[j]);
            }
            int small = 1;
            double pred = 0.0;                       /* f - |r + J s|², s = xn - x */
            for (int a = 0; a < k; a++) {
                int j = idx[a];
                double s = xn[j] - x[j];
                if (fabs(s) > o.xtol * (fabs(x[j]) + o.xtol)) small = 0;
                double As = 0.0;
                for (int b = 0; b < k; b++) As += A[j * n + idx[b]] * (xn[idx[b]] - x[idx[b]]);
                pred -= 2.0 * g[j] * s + s * As;
            }
            if (small) {
                done = 1;
                snprintf(res->why, sizeof res->why, "step below xtol %g", o.xtol);
                break;
            }
            double fn;
            st = eval(&w, xn, rn, &fn, err);
            if (st != TY_OK) goto fail;
            if (fn < f) {
                double rho = pred > 0.0 ? (f - fn) / pred : 0.0;
                double t = 2.0 * rho - 1.0, shrink = 1.0 - t * t * t;
                mu *= shrink > 1.0 / 3.0 ? shrink : 1.0 / 3.0;
                nu = 2.0;
                double drop = f - fn, fold = f;
                memcpy(x, xn, nd * sizeof *x);
                memcpy(r, rn, md * sizeof *r);
                f = fn;
                if (drop <= o.ftol * fold) {
                    done = 1;
                    snprintf(res->why, sizeof res->why, "relative reduction of the sum of squares below ftol %g", o.ftol);
                }
                break;
            }
            mu *= nu;
            nu *= 2.0;
            if (mu > MU_LIMIT) break;
        }
        if (mu > MU_LIMIT) {
            done = 1;
            snprintf(res->why, sizeof res->why, "no smaller sum of squares near the estimate (damping limit)");
        }
    }
    res->converged = done;
    res->iterations = iter;

    /* The fit at x: Jacobian, binding bounds, covariance. */
    st = jacobian(&w, x, r, J, err);
    if (st != TY_OK) goto fail;
    normal_eqs(J, r, m, n, A, g);
    for (int j = 0; j < n; j++) {
        res->x[j] = x[j];
        res->state[j] = x[j] <= p->lo[j] ? TY_LSQ_AT_LO : (x[j] >= p->hi[j] ? TY_LSQ_AT_HI : TY_LSQ_FREE);
    }
    memcpy(res->r, r, md * sizeof *r);
    memcpy(res->jac, J, md * nd * sizeof *J);
    res->f = f;
    st = covariance(res, A, C, idx, err);
    if (st != TY_OK) goto fail;
    res->evaluations = w.evals;
    ty_free(buf);
    ty_free(ibuf);
    return TY_OK;

fail:
    ty_free(buf);
    ty_free(ibuf);
    ty_lsq_result_free(res);
    return st;
}
