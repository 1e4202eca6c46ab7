/* progress_internal.h — what progress.c, progress_series.c and progress_resolve.c share: a
 * year -> value view of one series as of the as-of year, the base and latest on it, the trend
 * projection, and the resolution of a target's threshold. Not part of the core's API. */
#ifndef TY_PROGRESS_INTERNAL_H
#define TY_PROGRESS_INTERNAL_H

#include "progress.h"

#define TY_NYEARS (TY_YEAR_MAX - TY_YEAR_MIN + 1)

/* Values by year over lo..hi (NaN = missing); empty when lo > hi. On the stack: no allocation,
 * so computing progress never fails for memory. */
typedef struct TyYears {
    int lo, hi;
    double x[TY_NYEARS];
} TyYears;

int years_has(const TyYears *s, int y);
double years_get(const TyYears *s, int y);   /* NaN when missing */

/* The row's own values at or before as_of: its actuals, or for a flow_of row the flows of its
 * level row. */
void years_own(const TyPlan *p, const TyIndicator *ind, int as_of, TyYears *out);
/* The row's flows: its own values for a flow row, else level(y) - level(y - 1). */
void years_flows(const TyPlan *p, const TyIndicator *ind, int as_of, TyYears *out);

/* Base and latest on a series (docs/targets.md "The base year"). b = 0 when the series is empty. */
typedef struct TyAnchor {
    int b, t;
    double xb, xt;
    int declared_ok;   /* a base year is declared and the series has its value */
    int declared;      /* the declared base year, 0 if none */
    char how[128];
} TyAnchor;
void years_anchor(const TyPlan *p, const TyIndicator *ind, const TyYears *s, TyAnchor *out);

/* (x_t / x_b)^(1 / (t - b)) - 1, NaN when t = b, a value <= 0, or it overflows. */
double years_rate(const TyYears *s, int b, int t);
/* The series projected from (b, t) to T by the trend; NaN when t = b or undefined. */
double years_project(TyTrend trend, const TyYears *s, int b, int t, int T);

/* The threshold of a target of a shape with one (not a multi-year window, not a milestone),
 * judged on series s. Returns 1 with *V, 0 when it cannot be resolved; *how says either way. */
int progress_resolve(const TyPlan *p, const TyIndicator *ind, const TyYears *s, const TyTarget *t,
                     int as_of, double *V, char *how, size_t howsize);

/* The comparison in force for a target of this row (docs/targets.md: written, else by direction). */
TyTargetOp progress_op(const TyIndicator *ind, const TyTargetSpec *spec);
/* A range's floor and stretch: the less demanding number is the floor. */
void progress_range(const TyIndicator *ind, const TyTargetSpec *spec, double *floor_, double *stretch);

/* A rank target among peers (progress_rank.c): the rank series the target is judged on and the
 * projected rank that replaces the trend of that series. */
typedef struct TyRankCtx {
    TyYears ranks;           /* the region's rank by year; missing where a peer lacks the year */
    double projected;        /* the rank of the region's projection to T; NaN when undefined */
    const char *projected_why;   /* static reason when projected is NaN */
} TyRankCtx;

/* 1 when some peer has a row of this id (the row is then ranked among the peers). */
int rank_has_peers(const TyPeers *peers, const char *id);
/* Fills the rank series, the projected rank to T and *info (ranked = 1) as of as_of. */
void rank_among_peers(const TyPlan *p, const TyIndicator *ind, const TyPeers *peers, int as_of, int T,
                      int N, TyRankCtx *ctx, TyRankInfo *info);

/* A number for messages: short, and with '.' whatever the locale says. */
const char *progress_number(double x, char *buf, size_t size);

#endif
