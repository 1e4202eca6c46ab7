/* optim.h — bounded nonlinear least squares: minimise f(x) = Σ r_i(x)² over lo <= x <= hi by
 * Levenberg–Marquardt with a finite-difference Jacobian (calibration, issue 15).
 *
 * Why our own and not GSL: the fit must give the same bits on every machine, as every other
 * output does. This file uses only IEEE add/sub/mul/div/sqrt, compiled with -ffp-contract=off,
 * so a result is a function of the inputs alone; Debian's libgsl is built for the generic CPU
 * of each architecture (FMA contraction on arm64) and has no bounded Levenberg–Marquardt.
 *
 * Bounds by projection: each trial point is clamped into the box, and a parameter sitting on a
 * bound whose gradient points out of the box is held there for that step (an active set). The
 * Jacobian is by central differences where both sides lie in the box, one-sided at a bound.
 *
 * Uncertainty at the optimum: cov = s² (JᵀJ)⁻¹ over the parameters not on a bound, with
 * s² = f / (m - k) (k = those free parameters), the usual estimate when the residuals' scale is
 * not known in advance. A parameter on a bound gets no standard error (NaN) and is reported as
 * binding; one the residuals do not depend on (a zero or dependent column of J) is reported as
 * not identified, with no standard error either. */
#ifndef TY_OPTIM_H
#define TY_OPTIM_H

#include "core/error.h"

/* r(x): fills r[0..m-1]. Returns TY_OK, or a status with err filled (the fit stops with it).
 * A residual that is not finite makes that trial point a failed step (not an error), except at
 * the starting point. */
typedef TyStatus (*TyResidualFn)(void *ctx, const double *x, double *r, TyError *err);

typedef struct TyLsqProblem {
    int n;                  /* parameters, 1..64 */
    int m;                  /* residuals, >= 1 */
    const double *lo, *hi;  /* n bounds each; -HUGE_VAL / HUGE_VAL for none; lo <= hi */
    TyResidualFn fn;
    void *ctx;
} TyLsqProblem;

typedef struct TyLsqOptions {
    int max_iter;     /* iterations (Jacobians) at most; default 200 */
    double ftol;      /* stop when an accepted step lowers f by less than ftol × f; default 1e-12 */
    double xtol;      /* stop when the step is below xtol × (|x| + xtol), each parameter; default 1e-10 */
    double fd_step;   /* relative difference step; default 1e-6 (central), scaled by max(|x|, typical) */
} TyLsqOptions;

enum { TY_LSQ_FREE = 0, TY_LSQ_AT_LO = 1, TY_LSQ_AT_HI = 2, TY_LSQ_UNIDENTIFIED = 3 };

typedef struct TyLsqResult {
    int n, m;
    double *x;        /* n: the estimate */
    double *r;        /* m: residuals at x */
    double *jac;      /* m × n, row-major: dr_i/dx_j at x */
    double *se;       /* n: standard errors (NaN where there is none) */
    double *cov;      /* n × n covariance (NaN rows/columns where there is none) */
    int *state;       /* n: TY_LSQ_FREE, _AT_LO, _AT_HI, _UNIDENTIFIED */
    double f;         /* Σ r² at x */
    double sigma2;    /* f / dof, NaN when dof <= 0 */
    int dof;          /* m - free identified parameters */
    int iterations, evaluations;
    int converged;    /* 1 when a stopping test (not max_iter) ended the fit */
    char why[128];    /* which test ended it, in words */
} TyLsqResult;

void ty_lsq_defaults(TyLsqOptions *o);

/* Minimises from x0 (clamped into the box). On TY_OK res holds the fit (free it with
 * ty_lsq_result_free); on failure res holds nothing. Errors: TY_EUSAGE for a bad problem
 * (n, m, lo > hi), TY_EDATA for a residual that is not finite at the start, TY_EINTR on
 * Ctrl-C, TY_ENOMEM, or the status fn returned. */
TyStatus ty_lsq_solve(const TyLsqProblem *p, const TyLsqOptions *o, const double *x0,
                      TyLsqResult *res, TyError *err);

void ty_lsq_result_free(TyLsqResult *res);

/* Inverts the symmetric positive definite k × k matrix a (row-major) in place by Cholesky.
 * Returns -1 on success, else the index of the first pivot found <= tol × its diagonal entry
 * (a dependent column; a is then left partly overwritten). Exposed for the unit tests. */
int ty_spd_inverse(double *a, int k, double tol);

#endif
