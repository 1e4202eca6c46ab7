/* plan.c — a plan's indicators: adding, finding, owned strings, targets and notes, enum names,
 * deep copies. Every allocation failure is a TY_ENOMEM that leaves the plan as it was. */
#include "plan.h"
#include "alloc.h"
#include "plan_index.h"

#include <math.h>
#include <string.h>

#define ID_MAX_LEN 64
#define NOTE_SLOTS (TY_YEAR_MAX - TY_YEAR_MIN + 1)

void thresholds_default(TyThresholds *t)
{
    t->on_track = 0.95;
    t->behind = 0.10;
}

TyPlan *plan_new(const char *name)
{
    TyPlan *p = ty_calloc(1, sizeof *p);
    if (!p) return NULL;
    if (name && !(p->name = ty_strdup(name))) {
        ty_free(p);
        return NULL;
    }
    thresholds_default(&p->thresholds);
    return p;
}

static void notes_free(char ***notes)
{
    if (!*notes) return;
    for (int i = 0; i < NOTE_SLOTS; i++) ty_free((*notes)[i]);
    ty_free(*notes);
    *notes = NULL;
}

static void indicator_free(TyIndicator *ind)
{
    char **strings[] = {&ind->id, &ind->name, &ind->unit, &ind->category, &ind->owner, &ind->note,
                        &ind->flow_of};
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++) {
        ty_free(*strings[i]);
        *strings[i] = NULL;
    }
    series_free(&ind->actual);
    for (size_t i = 0; i < ind->ntargets; i++) ty_free(ind->targets[i].text);
    ty_free(ind->targets);
    ind->targets = NULL;
    ind->ntargets = ind->targets_cap = 0;
    notes_free(&ind->target_notes);
    notes_free(&ind->actual_notes);
}

void plan_free(TyPlan *p)
{
    if (!p) return;
    for (size_t i = 0; i < p->n; i++) indicator_free(&p->ind[i]);
    ty_free(p->ind);
    plan_index_free(p);
    ty_free(p->name);
    ty_free(p->title);
    ty_free(p);
}

/* An indicator with every attribute at its default and nothing owned. */
static void indicator_init(TyIndicator *ind)
{
    memset(ind, 0, sizeof *ind);
    ind->direction = TY_UP;
    ind->measure = TY_LEVEL;
    ind->trend = TY_TREND_CAGR;
    ind->aggregate = TY_AGG_SUM;
    thresholds_default(&ind->thresholds);   /* not in force until has_thresholds is set */
    series_init(&ind->actual);
}

static int id_start_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int id_char(char c)
{
    return id_start_char(c) || (c >= '0' && c <= '9');
}

/* Ids are ASCII identifiers so they work as Lua names, CSV cells and JSON keys alike. */
static TyStatus check_id(const char *id, TyError *err)
{
    if (!id || !id[0]) return ty_error_set(err, TY_EDATA, "empty indicator id");
    size_t len = strlen(id);
    if (len > ID_MAX_LEN)
        return ty_error_set(err, TY_EDATA, "indicator id \"%.*s...\" is longer than %d characters",
                            ID_MAX_LEN, id, ID_MAX_LEN);
    int ok = id_start_char(id[0]);
    for (size_t i = 1; ok && i < len; i++) ok = id_char(id[i]);
    if (!ok)
        return ty_error_set(err, TY_EDATA, "invalid indicator id \"%s\": expected a letter or _ "
                            "followed by letters, digits or _", id);
    return TY_OK;
}

static TyStatus reserve_indicator(TyPlan *p, TyError *err)
{
    if (p->n < p->cap) return TY_OK;
    size_t cap = p->cap ? p->cap * 2 : 16;
    TyIndicator *ind = ty_realloc(p->ind, cap * sizeof *ind);
    if (!ind) return ty_error_set(err, TY_ENOMEM, "not enough memory for %zu indicators", cap);
    p->ind = ind;
    p->cap = cap;
    return TY_OK;
}

TyStatus plan_add(TyPlan *p, const char *id, const char *name, const char *unit,
                  size_t *idx, TyError *err)
{
    TyStatus st = check_id(id, err);
    if (st != TY_OK) return st;
    if (plan_find(p, id) >= 0) return ty_error_set(err, TY_EDATA, "duplicate indicator id \"%s\"", id);
    if (!name || !name[0]) return ty_error_set(err, TY_EDATA, "indicator %s: empty name", id);
    if (!unit || !unit[0]) return ty_error_set(err, TY_EDATA, "indicator %s: empty unit", id);
    if ((st = reserve_indicator(p, err)) != TY_OK) return st;
    if ((st = plan_index_reserve(p, err)) != TY_OK) return st;   /* so the put below cannot fail */
    TyIndicator ind;
    indicator_init(&ind);
    ind.id = ty_strdup(id);
    ind.name = ty_strdup(name);
    ind.unit = ty_strdup(unit);
    if (!ind.id || !ind.name || !ind.unit) {
        indicator_free(&ind);
        return ty_error_set(err, TY_ENOMEM, "not enough memory to add indicator %s", id);
    }
    p->ind[p->n] = ind;
    plan_index_put(p, p->n);
    if (idx) *idx = p->n;
    p->n++;
    return TY_OK;
}

long plan_find(const TyPlan *p, const char *id)
{
    return plan_index_find(p, id);   /* a hash lookup: plan_add calls this for every row */
}

TyStatus plan_set_string(char **field, const char *value, TyError *err)
{
    char *copy = NULL;
    if (value && !(copy = ty_strdup(value)))
        return ty_error_set(err, TY_ENOMEM, "not enough memory for a string of %zu bytes", strlen(value));
    ty_free(*field);
    *field = copy;
    return TY_OK;
}

/* Sets the note of `year` in a lazily allocated per-year table. */
static TyStatus set_note(char ***notes, const char *id, int year, const char *note, TyError *err)
{
    if (year < TY_YEAR_MIN || year > TY_YEAR_MAX)
        return ty_error_set(err, TY_EDATA, "year %d is outside %d..%d", year, TY_YEAR_MIN, TY_YEAR_MAX);
    if (!*notes) {
        if (!note) return TY_OK;   /* nothing to clear */
        *notes = ty_calloc(NOTE_SLOTS, sizeof **notes);
        if (!*notes) return ty_error_set(err, TY_ENOMEM, "not enough memory for the notes of %s", id);
    }
    return plan_set_string(&(*notes)[year - TY_YEAR_MIN], note, err);
}

static const char *get_note(char **notes, int year)
{
    if (!notes || year < TY_YEAR_MIN || year > TY_YEAR_MAX) return NULL;
    return notes[year - TY_YEAR_MIN];
}

TyStatus indicator_set_target_note(TyIndicator *ind, int year, const char *note, TyError *err)
{
    return set_note(&ind->target_notes, ind->id, year, note, err);
}

const char *indicator_target_note(const TyIndicator *ind, int year)
{
    return get_note(ind->target_notes, year);
}

TyStatus indicator_set_actual_note(TyIndicator *ind, int year, const char *note, TyError *err)
{
    return set_note(&ind->actual_notes, ind->id, year, note, err);
}

const char *indicator_actual_note(const TyIndicator *ind, int year)
{
    return get_note(ind->actual_notes, year);
}

/* Position of `year` in the sorted targets: its index if present (*found = 1), else where it
 * would go. */
static size_t target_slot(const TyIndicator *ind, int year, int *found)
{
    size_t i = 0;
    while (i < ind->ntargets && ind->targets[i].year < year) i++;
    *found = i < ind->ntargets && ind->targets[i].year == year;
    return i;
}

TyStatus indicator_set_target(TyIndicator *ind, int year, const TyTargetSpec *spec, const char *text,
                              TyError *err)
{
    if (year < TY_YEAR_MIN || year > TY_YEAR_MAX)
        return ty_error_set(err, TY_EDATA, "year %d is outside %d..%d", year, TY_YEAR_MIN, TY_YEAR_MAX);
    char *copy = NULL;
    if (text && !(copy = ty_strdup(text)))
        return ty_error_set(err, TY_ENOMEM, "not enough memory for a target of %s", ind->id);
    int found;
    size_t i = target_slot(ind, year, &found);
    if (found) {
        ty_free(ind->targets[i].text);
    } else {
        if (ind->ntargets == ind->targets_cap) {
            size_t cap = ind->targets_cap ? ind->targets_cap * 2 : 4;
            TyTarget *t = ty_realloc(ind->targets, cap * sizeof *t);
            if (!t) {
                ty_free(copy);
                return ty_error_set(err, TY_ENOMEM, "not enough memory for the targets of %s", ind->id);
            }
            ind->targets = t;
            ind->targets_cap = cap;
        }
        memmove(&ind->targets[i + 1], &ind->targets[i], (ind->ntargets - i) * sizeof ind->targets[0]);
        ind->ntargets++;
    }
    ind->targets[i].year = year;
    ind->targets[i].spec = *spec;
    ind->targets[i].text = copy;
    return TY_OK;
}

TyStatus indicator_set_target_level(TyIndicator *ind, int year, double v, TyError *err)
{
    if (!isfinite(v)) return ty_error_set(err, TY_EDATA, "target %d of %s is not a finite number", year, ind->id);
    TyTargetSpec spec;
    memset(&spec, 0, sizeof spec);
    spec.shape = TY_SHAPE_LEVEL;
    spec.op = TY_OP_DEFAULT;
    spec.a = v;
    spec.b = NAN;
    return indicator_set_target(ind, year, &spec, NULL, err);
}

void indicator_unset_target(TyIndicator *ind, int year)
{
    int found;
    size_t i = target_slot(ind, year, &found);
    if (!found) return;
    ty_free(ind->targets[i].text);
    memmove(&ind->targets[i], &ind->targets[i + 1], (ind->ntargets - i - 1) * sizeof ind->targets[0]);
    ind->ntargets--;
}

const TyTarget *indicator_target(const TyIndicator *ind, int year)
{
    int found;
    size_t i = target_slot(ind, year, &found);
    return found ? &ind->targets[i] : NULL;
}

int indicator_is_milestone(const TyIndicator *ind)
{
    for (size_t i = 0; i < ind->ntargets; i++)
        if (ind->targets[i].spec.shape == TY_SHAPE_MILESTONE) return 1;
    return 0;
}

int indicator_declared_base_year(const TyPlan *p, const TyIndicator *ind)
{
    return ind->base_year ? ind->base_year : p ? p->base_year : 0;
}

/* Enum names: one table per enum serves both directions. */
typedef struct EnumName { const char *name; int value; } EnumName;

static const EnumName direction_names[] = { {"up", TY_UP}, {"down", TY_DOWN} };
static const EnumName measure_names[] = { {"level", TY_LEVEL}, {"flow", TY_FLOW} };
static const EnumName trend_names[] = {
    {"cagr", TY_TREND_CAGR}, {"linear", TY_TREND_LINEAR}, {"wls", TY_TREND_WLS} };
static const EnumName aggregate_names[] = {
    {"sum", TY_AGG_SUM}, {"ratio", TY_AGG_RATIO}, {"mean", TY_AGG_MEAN}, {"none", TY_AGG_NONE} };

#define COUNT(a) (sizeof (a) / sizeof (a)[0])

/* "?" for a value outside the enum, so a corrupted value still prints. */
static const char *enum_name(const EnumName *t, size_t n, int value)
{
    for (size_t i = 0; i < n; i++)
        if (t[i].value == value) return t[i].name;
    return "?";
}

/* Exact, case-sensitive match: the file formats spell these in lower case only. */
static int enum_parse(const EnumName *t, size_t n, const char *s, int *value)
{
    if (!s) return -1;
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].name, s) == 0) {
            *value = t[i].value;
            return 0;
        }
    return -1;
}

const char *direction_name(TyDirection d) { return enum_name(direction_names, COUNT(direction_names), d); }
const char *measure_name(TyMeasure m) { return enum_name(measure_names, COUNT(measure_names), m); }
const char *trend_name(TyTrend t) { return enum_name(trend_names, COUNT(trend_names), t); }
const char *aggregate_name(TyAggregate a) { return enum_name(aggregate_names, COUNT(aggregate_names), a); }

int direction_parse(const char *s, TyDirection *out)
{
    int v;
    if (enum_parse(direction_names, COUNT(direction_names), s, &v)) return -1;
    *out = (TyDirection)v;
    return 0;
}

int measure_parse(const char *s, TyMeasure *out)
{
    int v;
    if (enum_parse(measure_names, COUNT(measure_names), s, &v)) return -1;
    *out = (TyMeasure)v;
    return 0;
}

int trend_parse(const char *s, TyTrend *out)
{
    int v;
    if (enum_parse(trend_names, COUNT(trend_names), s, &v)) return -1;
    *out = (TyTrend)v;
    return 0;
}

int aggregate_parse(const char *s, TyAggregate *out)
{
    int v;
    if (enum_parse(aggregate_names, COUNT(aggregate_names), s, &v)) return -1;
    *out = (TyAggregate)v;
    return 0;
}

/* Copies an optional owned string; 0 on allocation failure. */
static int copy_string(char **dst, const char *src)
{
    *dst = src ? ty_strdup(src) : NULL;
    return !src || *dst;
}

static int copy_notes(char ***dst, char **src)
{
    if (!src) return 1;
    if (!(*dst = ty_calloc(NOTE_SLOTS, sizeof **dst))) return 0;
    for (int i = 0; i < NOTE_SLOTS; i++)
        if (!copy_string(&(*dst)[i], src[i])) return 0;
    return 1;
}

static int copy_targets(TyIndicator *dst, const TyIndicator *src)
{
    if (src->ntargets == 0) return 1;
    if (!(dst->targets = ty_calloc(src->ntargets, sizeof *dst->targets))) return 0;
    dst->targets_cap = src->ntargets;
    for (size_t i = 0; i < src->ntargets; i++) {
        dst->targets[i] = src->targets[i];
        dst->targets[i].text = NULL;
        dst->ntargets = i + 1;   /* counted first so indicator_free releases a partial copy */
        if (!copy_string(&dst->targets[i].text, src->targets[i].text)) return 0;
    }
    return 1;
}

/* dst is initialised by the caller; on failure it holds a partial copy for indicator_free. */
static TyStatus indicator_copy(TyIndicator *dst, const TyIndicator *src, TyError *err)
{
    dst->direction = src->direction;
    dst->measure = src->measure;
    dst->trend = src->trend;
    dst->aggregate = src->aggregate;
    dst->has_thresholds = src->has_thresholds;
    dst->thresholds = src->thresholds;
    dst->base_year = src->base_year;
    int ok = copy_string(&dst->id, src->id) && copy_string(&dst->name, src->name)
          && copy_string(&dst->unit, src->unit) && copy_string(&dst->category, src->category)
          && copy_string(&dst->owner, src->owner) && copy_string(&dst->note, src->note)
          && copy_string(&dst->flow_of, src->flow_of)
          && copy_notes(&dst->target_notes, src->target_notes)
          && copy_notes(&dst->actual_notes, src->actual_notes) && copy_targets(dst, src);
    if (!ok) return ty_error_set(err, TY_ENOMEM, "not enough memory to copy indicator %s", src->id);
    return series_copy(&dst->actual, &src->actual, err);
}

TyPlan *plan_clone(const TyPlan *p, TyError *err)
{
    TyPlan *c = plan_new(p->name);
    if (!c) {
        ty_error_set(err, TY_ENOMEM, "not enough memory to copy a plan");
        return NULL;
    }
    c->thresholds = p->thresholds;
    c->base_year = p->base_year;
    if (p->title && !(c->title = ty_strdup(p->title))) {
        ty_error_set(err, TY_ENOMEM, "not enough memory to copy a plan");
        plan_free(c);
        return NULL;
    }
    if (p->n > 0) {
        c->ind = ty_calloc(p->n, sizeof *c->ind);
        if (!c->ind) {
            ty_error_set(err, TY_ENOMEM, "not enough memory to copy a plan of %zu indicators", p->n);
            plan_free(c);
            return NULL;
        }
        c->cap = p->n;
    }
    for (size_t i = 0; i < p->n; i++) {
        indicator_init(&c->ind[i]);
        c->n = i + 1;   /* counted before copying so plan_free releases a partial copy */
        if (indicator_copy(&c->ind[i], &p->ind[i], err) != TY_OK) {
            plan_free(c);
            return NULL;
        }
    }
    if (plan_index_rebuild(c, err) != TY_OK) {   /* the copy's own index, over its own ids */
        plan_free(c);
        return NULL;
    }
    return c;
}

int plan_latest_actual_year(const TyPlan *p)
{
    int latest = 0;
    for (size_t i = 0; i < p->n; i++) {
        int y = series_last_year(&p->ind[i].actual);
        if (y > latest) latest = y;
    }
    return latest;
}
