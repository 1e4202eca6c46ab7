/* progress.h — where an indicator stands against one target (DOMAIN §2, docs/targets.md: the
 * contract, "Resolving the threshold V" and "Statuses").
 *
 * The series a target is judged on holds only actuals at or before the as-of year: a row's own
 * actuals, or its flows (level(y) - level(y - 1)) for a flow row, a flow_of row and a window.
 * base (b, x_b): the declared base year's value (the row's base_year, else the plan's), or the
 * earliest value when none is declared or the declared year has none (base_how says which);
 * latest (t, x_t): the most recent value at or before the as-of year and not before b; target
 * (T, V) with V resolved from the target's shape every time (progress_resolve.c). d = +1 up,
 * -1 down (always -1 for a rank). Every quantity that cannot be computed is NaN with a reason
 * (a static string) in its `why`; the writers print null / "—".
 *
 * Decisions where docs/targets.md leaves room (the same as tests/progress_reference.py):
 *  - the comparison in force is the one written, else >= for up and <= for down, for every
 *    shape with a threshold; a range's floor is its less demanding number whatever the order
 *    it is written in (the smaller for up, the larger for down), the other is the stretch;
 *  - a passed target (T <= as_of) is judged on the value of T alone; its time_share (1),
 *    completion, actual_rate and schedule_gap use (T, x_T) as the latest; required_*,
 *    projected and progress are undefined; all are undefined when T is not after b;
 *  - an open target computes required_change/required_rate even with one actual (no_trend);
 *  - growth: x(T - 1) is the actual when it is in, its projection by the row's trend while the
 *    target is open, unresolved (no_data) for a passed target without it; a benchmark likewise
 *    with the other row's value of T and that row's own trend and base;
 *  - points/multiples refer to the declared base year's actual; a declared base year without an
 *    actual leaves them unresolved; targets set by the Lua helpers name their own reference
 *    year (spec.from);
 *  - a window of several years starts from nothing (x_b = 0): a level row's total is
 *    level(T) - level(F - 1); the rest of an open window is projected year by year from the
 *    row's flows (their own base and latest) by its trend;
 *  - ranks: projections max(1, floor(p + 0.5)), progress on the rounded projection; among
 *    peers (TyPeers) the rank series and the projected rank come from the values (TyRankInfo);
 *  - milestones: done in the year of a done report (1) at or before the as-of year; every
 *    quantity undefined;
 *  - trend cagr falls back to the straight line when the actual rate is undefined (a value
 *    <= 0); wls fits ln(value) by least squares with weights year - b + 1 over the values from
 *    b to t and falls back to cagr with fewer than three or a value <= 0;
 *  - a result that overflows is undefined ("result out of range"), never inf.
 */
#ifndef TY_PROGRESS_H
#define TY_PROGRESS_H

#include "plan.h"
#include "target.h"

/* The first eight keep their historical values; the three of targets as written follow. */
typedef enum TyProgressStatus {
    TY_ST_ACHIEVED = 0,
    TY_ST_ON_TRACK,
    TY_ST_BEHIND,
    TY_ST_STALLED,
    TY_ST_REGRESSING,
    TY_ST_NO_TREND,
    TY_ST_MISSED,
    TY_ST_NO_DATA,
    TY_ST_EXCEEDED,    /* a range's stretch is met */
    TY_ST_PENDING,     /* a milestone not done yet, its year still ahead */
    TY_ST_OVERDUE      /* a milestone not done by its year, with a report for that year or later */
} TyProgressStatus;

typedef struct TyQuantity {
    double v;          /* NaN when undefined */
    const char *why;   /* NULL when defined; static reason text otherwise */
} TyQuantity;

/* Where an indicator's own series starts and stands (flows for a flow row). year 0 = none. */
typedef struct TyProgressBase {
    int year;
    double value;
    int latest_year;
    double latest;
    char how[128];     /* "declared base year 2020", "earliest actual 2021 (no base year declared)", ... */
} TyProgressBase;

typedef struct TyProgress {
    int as_of;
    /* base and latest of the series this target is judged on (the flows for a window) */
    int base_year;     /* 0 when none */
    double base;       /* NaN when none */
    int latest_year;   /* 0 when none */
    double latest;
    char base_how[128];
    int target_year;
    TyTargetSpec spec;         /* as read from the cell */
    const char *text;          /* the cell as written (points into the plan); NULL when none */
    TyTargetOp op;             /* the comparison in force; TY_OP_DEFAULT only for a milestone */
    double target;             /* V: the resolved threshold (a window's N); NaN when unresolved */
    double stretch;            /* a range's stretch; NaN otherwise */
    int window_from, window_to;  /* a window of several years; 0, 0 otherwise */
    char resolved[160];        /* how V was resolved: "base 2020 actual 0.62 + 1.5", ... */
    TyQuantity time_share, completion, required_change, required_rate,
               actual_rate, projected, progress, schedule_gap; /* schedule_gap = completion - time_share */
    TyProgressStatus status;
    char status_why[256];      /* one line explaining the status, with the numbers behind it */
} TyProgress;

/* Progress of indicator ind_index of plan against its target of target_year, as of as_of, with
 * the thresholds in force (the indicator's own when it has them, else the plan's). TY_EDATA if
 * there is no such target, or the plan's links are broken (plan_check_links). */
TyStatus progress_compute(const TyPlan *plan, size_t ind_index, int target_year, int as_of,
                          TyProgress *out, TyError *err);

/* Peers for rank targets (DOMAIN §6): other regions, each a plan whose row of the same id holds
 * that region's values of the indicator (a county's plan in a region table, or a peers file). */
#define TY_PEERS_MAX 4096   /* more than China's 2,844 county-level units */
typedef struct TyPeers {
    size_t n;
    const TyPlan *const *plan;
    const char *const *name;
} TyPeers;

/* What ranking among peers adds to a rank target (progress_rank.c). When no peer has the row,
 * the row's own values are published ranks and ranked = 0. Otherwise the row's values are the
 * indicator's values and the rank series is the region's rank among the peers in each year in
 * which every peer has a value (competition ranking: 1 + the peers strictly better by the row's
 * direction; a year a peer lacks is not ranked). Each region is projected to T by the row's
 * trend from the plan's base year (else its earliest value); the projected rank is the rank of
 * the region's projection among the peers' projections. */
typedef struct TyRankInfo {
    int ranked;            /* 1: ranked among peers */
    int regions;           /* the region and its peers */
    int year, rank;        /* the latest year ranked at or before the as-of year, the rank in it;
                            * 0 when none */
    TyQuantity own_value;  /* the region's value at T: its actual once T has passed, else its
                            * projection */
    TyQuantity needed;     /* the value at T that reaches rank N: the N-th best peer's value at T
                            * (actual once T has passed, else projected); ties do not count as better */
    char note[160];        /* which peer lacks what, when something could not be ranked; "" else */
} TyRankInfo;

/* progress_compute with peers (NULL: none; at most TY_PEERS_MAX, else TY_EDATA) and the ranking detail in *rank (may be NULL). */
TyStatus progress_compute_ranked(const TyPlan *plan, size_t ind_index, int target_year, int as_of,
                                 const TyPeers *peers, TyProgress *out, TyRankInfo *rank,
                                 TyError *err);

/* The base and latest of the indicator's own series as of as_of (none for a milestone row). */
void progress_indicator_base(const TyPlan *plan, size_t ind_index, int as_of, TyProgressBase *out);

/* The threshold V of the target of `year` as of as_of, NaN when it cannot be resolved or there
 * is no such target (a milestone has none). */
double progress_threshold(const TyPlan *plan, size_t ind_index, int year, int as_of);

const char *progress_status_name(TyProgressStatus s);

#endif
