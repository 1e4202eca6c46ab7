/* plan.h — a plan: indicators with their attributes (DOMAIN §1), actuals and targets by year. */
#ifndef TY_PLAN_H
#define TY_PLAN_H

#include <stddef.h>
#include "error.h"
#include "series.h"

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
    TySeries actual;
    TySeries target;
    /* Per target year, optional: NULL until the first note is set, then TY_YEAR_MAX - TY_YEAR_MIN + 1
     * entries indexed by year - TY_YEAR_MIN (not by target.first_year, which moves when targets
     * are added before the first one). Use indicator_target_note / indicator_set_target_note. */
    char **target_notes;
} TyIndicator;

typedef struct TyPlan {
    char *name;
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

/* Enum names <-> values; parse returns 0 on success, -1 on an unknown name. */
const char *direction_name(TyDirection d);
const char *measure_name(TyMeasure m);
const char *trend_name(TyTrend t);
const char *aggregate_name(TyAggregate a);
int direction_parse(const char *s, TyDirection *out);
int measure_parse(const char *s, TyMeasure *out);
int trend_parse(const char *s, TyTrend *out);
int aggregate_parse(const char *s, TyAggregate *out);

/* Deep copy of a whole plan. */
TyPlan *plan_clone(const TyPlan *p, TyError *err);

/* The greatest year with any actual in the plan, 0 if none (the default as-of year). */
int plan_latest_actual_year(const TyPlan *p);

#endif
