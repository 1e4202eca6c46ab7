/* plan.h — a plan: indicators with their attributes (DOMAIN §1), actuals and targets by year. */
#ifndef TY_PLAN_H
#define TY_PLAN_H

#include <stddef.h>
#include "error.h"
#include "series.h"
#include "target.h"

typedef enum TyDirection { TY_UP = 1, TY_DOWN = -1 } TyDirection;
typedef enum TyMeasure { TY_LEVEL = 0, TY_FLOW = 1 } TyMeasure;
/* cagr: endpoint compound rate; linear: endpoint straight line;
 * wls: time-weighted least squares on log values (UN ESCAP anticipated progress),
 * weights growing toward recent years; needs three or more actuals, else falls back to cagr. */
typedef enum TyTrend { TY_TREND_CAGR = 0, TY_TREND_LINEAR = 1, TY_TREND_WLS = 2 } TyTrend;
typedef enum TyAggregate { TY_AGG_SUM = 0, TY_AGG_RATIO = 1, TY_AGG_MEAN = 2, TY_AGG_NONE = 3 } TyAggregate;

/* Status thresholds on the progress measure P. */
typedef struct TyThresholds {
    double on_track;   /* P >= on_track -> on_track (default 0.95) */
    double behind;     /* behind <= P < on_track -> behind (default 0.10) */
} TyThresholds;

void thresholds_default(TyThresholds *t);

/* One target of an indicator, as written: its shape and numbers, and the cell's own words. The
 * threshold of a relative shape is never stored (core/progress.c resolves it from the data). */
typedef struct TyTarget {
    int year;
    TyTargetSpec spec;
    char *text;        /* the cell as written (owned); NULL for a number set from Lua */
} TyTarget;

/* Strings are owned (malloc'd) by the indicator; NULL when absent. */
typedef struct TyIndicator {
    char *id;          /* ASCII [A-Za-z_][A-Za-z0-9_]*, unique in the plan */
    char *name;        /* Chinese name */
    char *unit;
    char *category;
    char *owner;       /* 责任单位 */
    char *note;        /* source note, e.g. "base value is 2020 data (* in the source table)" */
    TyDirection direction;
    TyMeasure measure;
    TyTrend trend;
    TyAggregate aggregate;
    int has_thresholds;          /* per-indicator override of the plan thresholds */
    TyThresholds thresholds;
    int base_year;     /* declared for this row; 0 = undeclared (the plan's applies) */
    char *flow_of;     /* id of the level row whose yearly change this flow row is; NULL if none.
                        * Such a row's actuals are derived (level(y) - level(y - 1)), never typed */
    TySeries actual;   /* a milestone row stores 1 (done) / 0 (not done) */
    /* Targets ascending by year, at most one per year (indicator_set_target & co). A handful per
     * row, so a sorted array: a million-row plan must not pay for empty years. */
    TyTarget *targets;
    size_t ntargets, targets_cap;
    /* Per year, optional: NULL until the first note is set, then TY_YEAR_MAX - TY_YEAR_MIN + 1
     * entries indexed by year - TY_YEAR_MIN. Use indicator_target_note / indicator_set_target_note
     * (and the actual_ twins). */
    char **target_notes;
    char **actual_notes;
} TyIndicator;

typedef struct TyPlan {
    char *name;
    char *title;       /* from the file's header (# title: / "title"); NULL when none */
    int base_year;     /* declared for the whole plan; 0 = undeclared */
    TyThresholds thresholds;
    size_t n, cap;
    TyIndicator *ind;
    struct TyPlanIndex *index;   /* id -> position (plan_index.c); points at the ids, which
                                  * plan_add sets and nothing changes afterwards */
} TyPlan;

TyPlan *plan_new(const char *name);
void plan_free(TyPlan *p);

/* Adds an indicator with the given id/name/unit and defaults for everything else.
 * TY_EDATA for an invalid or duplicate id, or empty name/unit. Returns its index in *idx. */
TyStatus plan_add(TyPlan *p, const char *id, const char *name, const char *unit,
                  size_t *idx, TyError *err);
/* Index of the indicator with this id, or -1. */
long plan_find(const TyPlan *p, const char *id);

/* Owned-string setter: replaces *field with a copy of value (NULL clears). */
TyStatus plan_set_string(char **field, const char *value, TyError *err);

/* Target note for a year (copy), NULL clears. */
TyStatus indicator_set_target_note(TyIndicator *ind, int year, const char *note, TyError *err);
const char *indicator_target_note(const TyIndicator *ind, int year);
/* The same for the note of an actual (a source sentence, a flag). */
TyStatus indicator_set_actual_note(TyIndicator *ind, int year, const char *note, TyError *err);
const char *indicator_actual_note(const TyIndicator *ind, int year);

/* Sets (replaces) the target of `year`: the spec and the words it was written in (copied; NULL
 * for a number set from Lua). TY_EDATA for a year out of range. */
TyStatus indicator_set_target(TyIndicator *ind, int year, const TyTargetSpec *spec, const char *text,
                              TyError *err);
/* A plain level target V (a number from Lua or a JSON number): LEVEL, op not written. */
TyStatus indicator_set_target_level(TyIndicator *ind, int year, double v, TyError *err);
void indicator_unset_target(TyIndicator *ind, int year);
/* The target of `year`, or NULL. */
const TyTarget *indicator_target(const TyIndicator *ind, int year);
/* 1 when one of the row's targets is a milestone (its actuals are then done / not done). */
int indicator_is_milestone(const TyIndicator *ind);
/* The base year in force for the row: its own declaration, else the plan's, else 0. */
int indicator_declared_base_year(const TyPlan *p, const TyIndicator *ind);

/* Enum names <-> values; parse returns 0 on success, -1 on an unknown name. */
const char *direction_name(TyDirection d);
const char *measure_name(TyMeasure m);
const char *trend_name(TyTrend t);
const char *aggregate_name(TyAggregate a);
int direction_parse(const char *s, TyDirection *out);
int measure_parse(const char *s, TyMeasure *out);
int trend_parse(const char *s, TyTrend *out);
int aggregate_parse(const char *s, TyAggregate *out);

/* The links between rows are sound (plan_links.c): a flow_of row names another row that is a
 * level row (measure level, not itself a flow_of row), is itself measure=flow and has no typed
 * actuals; a benchmark target names another row of the plan. Else TY_EDATA with *bad = the
 * offending indicator and *year = the target's year (0 when the problem is flow_of). */
TyStatus plan_check_links(const TyPlan *p, size_t *bad, int *year, TyError *err);

/* Deep copy of a whole plan. */
TyPlan *plan_clone(const TyPlan *p, TyError *err);

/* The greatest year with any actual in the plan, 0 if none (the default as-of year). */
int plan_latest_actual_year(const TyPlan *p);

#endif
