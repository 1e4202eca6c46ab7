/* bind/plan.c — _tuiyan.plan: the Plan userdata ("tuiyan.Plan") over core/plan and
 * core/progress, and loading plan files through io/planfile.
 * Errors: loading a file returns nil, err (bad data is expected); misuse raises. */
#include "bind/bind.h"
#include "core/plan.h"
#include "core/progress.h"
#include "host/host.h"
#include "io/planfile.h"

#include <lauxlib.h>
#include <math.h>
#include <string.h>

#define PLAN_META "tuiyan.Plan"

typedef struct PlanBox { TyPlan *plan; } PlanBox;

/* Created empty first, then filled, so __gc is safe whatever fails in between. [-0, +1, m] */
static PlanBox *push_box(lua_State *L)
{
    PlanBox *b = lua_newuserdatauv(L, sizeof *b, 0);
    b->plan = NULL;
    luaL_setmetatable(L, PLAN_META);
    return b;
}

static TyPlan *check_plan(lua_State *L, int idx)
{
    PlanBox *b = luaL_checkudata(L, idx, PLAN_META);
    luaL_argcheck(L, b->plan != NULL, idx, "plan is closed");
    return b->plan;
}

static TyIndicator *check_indicator(lua_State *L, TyPlan *p, int idx)
{
    const char *id = luaL_checkstring(L, idx);
    long i = plan_find(p, id);
    if (i < 0) luaL_error(L, "no indicator '%s' in plan %s", id, p->name ? p->name : "");
    return &p->ind[i];
}

static int check_year(lua_State *L, int idx)
{
    lua_Integer y = luaL_checkinteger(L, idx);
    luaL_argcheck(L, y >= TY_YEAR_MIN && y <= TY_YEAR_MAX, idx, "year out of range 1900..2200");
    return (int)y;
}

/* A core failure from a Lua call: misuse raises as a script error. */
static int raise_status(lua_State *L, const TyError *err)
{
    return luaL_error(L, "%s", err->msg);
}

static void push_opt_number(lua_State *L, double v)
{
    if (isnan(v)) lua_pushnil(L);
    else lua_pushnumber(L, v);
}

/* ---- module functions ---- */

/* new([name]) -> Plan */
static int plan_lnew(lua_State *L)
{
    const char *name = luaL_optstring(L, 1, "plan");
    PlanBox *b = push_box(L);
    b->plan = plan_new(name);
    if (!b->plan) return luaL_error(L, "not enough memory");
    return 1;
}

/* load(path) -> Plan | nil, err */
static int plan_lload(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    PlanBox *b = push_box(L);
    TyError err;
    ty_error_clear(&err);
    b->plan = planfile_load(path, &err);
    if (!b->plan) return host_fail(L, &err);
    return 1;
}

/* parse(text, name, format) -> Plan | nil, err ; format "csv" or "json" */
static int plan_lparse(lua_State *L)
{
    size_t len;
    const char *text = luaL_checklstring(L, 1, &len);
    const char *name = luaL_checkstring(L, 2);
    static const char *const formats[] = {"csv", "json", NULL};
    int fmt = luaL_checkoption(L, 3, "csv", formats);
    PlanBox *b = push_box(L);
    TyError err;
    ty_error_clear(&err);
    b->plan = fmt == 0 ? planfile_read_csv(name, text, len, &err) : planfile_read_json(name, text, len, &err);
    if (!b->plan) return host_fail(L, &err);
    return 1;
}

/* ---- methods ---- */

static int plan_gc(lua_State *L)
{
    PlanBox *b = luaL_checkudata(L, 1, PLAN_META);
    plan_free(b->plan);
    b->plan = NULL;
    return 0;
}

static int plan_tostring(lua_State *L)
{
    TyPlan *p = check_plan(L, 1);
    lua_pushfstring(L, "plan %s (%d indicators)", p->name ? p->name : "", (int)p->n);
    return 1;
}

static int plan_len(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)check_plan(L, 1)->n);
    return 1;
}

static int plan_name(lua_State *L)
{
    TyPlan *p = check_plan(L, 1);
    lua_pushstring(L, p->name ? p->name : "");
    return 1;
}

/* ids() -> { id, ... } in plan order */
static int plan_ids(lua_State *L)
{
    TyPlan *p = check_plan(L, 1);
    lua_createtable(L, (int)p->n, 0);
    for (size_t i = 0; i < p->n; i++) {
        lua_pushstring(L, p->ind[i].id);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static int plan_has(lua_State *L)
{
    TyPlan *p = check_plan(L, 1);
    lua_pushboolean(L, plan_find(p, luaL_checkstring(L, 2)) >= 0);
    return 1;
}

/* The string attributes an analyst may set, by name: one table for add, set and info. */
static char **string_field(TyIndicator *ind, const char *field)
{
    if (!strcmp(field, "category")) return &ind->category;
    if (!strcmp(field, "owner")) return &ind->owner;
    if (!strcmp(field, "note")) return &ind->note;
    if (!strcmp(field, "name")) return &ind->name;
    if (!strcmp(field, "unit")) return &ind->unit;
    return NULL;
}

/* Sets one attribute from the value at vidx; raises on a bad field or value. */
static void set_field(lua_State *L, TyIndicator *ind, const char *field, int vidx)
{
    TyError err;
    ty_error_clear(&err);
    char **str = string_field(ind, field);
    if (str) {
        const char *v = lua_isnil(L, vidx) ? NULL : luaL_checkstring(L, vidx);
        if ((str == &ind->name || str == &ind->unit) && (!v || !*v))
            luaL_error(L, "indicator %s: %s cannot be empty", ind->id, field);
        if (plan_set_string(str, v, &err) != TY_OK) raise_status(L, &err);
        return;
    }
    const char *v = luaL_checkstring(L, vidx);
    int bad;
    if (!strcmp(field, "direction")) bad = direction_parse(v, &ind->direction);
    else if (!strcmp(field, "measure")) bad = measure_parse(v, &ind->measure);
    else if (!strcmp(field, "trend")) bad = trend_parse(v, &ind->trend);
    else if (!strcmp(field, "aggregate")) bad = aggregate_parse(v, &ind->aggregate);
    else {
        luaL_error(L, "indicator %s: unknown field '%s'", ind->id, field);
        return;
    }
    if (bad) luaL_error(L, "indicator %s: bad %s '%s'", ind->id, field, v);
}

/* add{ id=, name=, unit=, [category=, direction=, measure=, trend=, aggregate=, owner=, note=] } */
static int plan_ladd(lua_State *L)
{
    static const char *const optional[] = {"category", "direction", "measure", "trend",
                                           "aggregate", "owner", "note", NULL};
    TyPlan *p = check_plan(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_getfield(L, 2, "id");
    lua_getfield(L, 2, "name");
    lua_getfield(L, 2, "unit");
    const char *id = lua_tostring(L, -3), *name = lua_tostring(L, -2), *unit = lua_tostring(L, -1);
    if (!id || !name || !unit) return luaL_error(L, "add: id, name and unit are required strings");
    size_t idx;
    TyError err;
    ty_error_clear(&err);
    if (plan_add(p, id, name, unit, &idx, &err) != TY_OK) return raise_status(L, &err);
    lua_pop(L, 3);
    /* every key must be known: a typo must not be silently ignored */
    lua_pushnil(L);
    while (lua_next(L, 2)) {
        lua_pop(L, 1);
        const char *k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
        int known = k && (!strcmp(k, "id") || !strcmp(k, "name") || !strcmp(k, "unit"));
        for (int i = 0; k && !known && optional[i]; i++) known = !strcmp(k, optional[i]);
        if (!known) return luaL_error(L, "add: unknown field '%s'", k ? k : luaL_typename(L, -1));
    }
    for (int i = 0; optional[i]; i++) {
        if (lua_getfield(L, 2, optional[i]) != LUA_TNIL) set_field(L, &p->ind[idx], optional[i], -1);
        lua_pop(L, 1);
    }
    lua_pushinteger(L, (lua_Integer)idx + 1);
    return 1;
}

/* set(id, field, value) */
static int plan_lset(lua_State *L)
{
    TyPlan *p = check_plan(L, 1);
    TyIndicator *ind = check_indicator(L, p, 2);
    set_field(L, ind, luaL_checkstring(L, 3), 4);
    return 0;
}

/* info(id) -> { id, name, unit, category, direction, measure, trend, aggregate, owner, note,
 *               thresholds = {on_track, behind} | nil } */
static int plan_info(lua_State *L)
{
    TyPlan *p = check_plan(L, 1);
    TyIndicator *ind = check_indicator(L, p, 2);
    lua_createtable(L, 0, 12);
    const struct { const char *k; const char *v; } fields[] = {
        {"id", ind->id}, {"name", ind->name}, {"unit", ind->unit}, {"category", ind->category},
        {"owner", ind->owner}, {"note", ind->note}, {"direction", direction_name(ind->direction)},
        {"measure", measure_name(ind->measure)}, {"trend", trend_name(ind->trend)},
        {"aggregate", aggregate_name(ind->aggregate)},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (!fields[i].v) continue;
        lua_pushstring(L, fields[i].v);
        lua_setfield(L, -2, fields[i].k);
    }
    if (ind->has_thresholds) {
        lua_createtable(L, 0, 2);
        lua_pushnumber(L, ind->thresholds.on_track);
        lua_setfield(L, -2, "on_track");
        lua_pushnumber(L, ind->thresholds.behind);
        lua_setfield(L, -2, "behind");
        lua_setfield(L, -2, "thresholds");
    }
    return 1;
}

static int get_value(lua_State *L, int is_target)
{
    TyPlan *p = check_plan(L, 1);
    TyIndicator *ind = check_indicator(L, p, 2);
    push_opt_number(L, series_get(is_target ? &ind->target : &ind->actual, check_year(L, 3)));
    return 1;
}

static int set_value(lua_State *L, int is_target)
{
    TyPlan *p = check_plan(L, 1);
    TyIndicator *ind = check_indicator(L, p, 2);
    int year = check_year(L, 3);
    TySeries *s = is_target ? &ind->target : &ind->actual;
    TyError err;
    ty_error_clear(&err);
    if (lua_isnoneornil(L, 4)) {
        series_unset(s, year);
    } else {
        double v = luaL_checknumber(L, 4);
        luaL_argcheck(L, isfinite(v), 4, "finite number expected");
        if (series_set(s, year, v, &err) != TY_OK) return raise_status(L, &err);
    }
    if (is_target) {
        const char *note = luaL_optstring(L, 5, NULL);
        if (indicator_set_target_note(ind, year, note, &err) != TY_OK) return raise_status(L, &err);
    }
    return 0;
}

static int plan_actual(lua_State *L) { return get_value(L, 0); }
static int plan_target(lua_State *L) { return get_value(L, 1); }
static int plan_set_actual(lua_State *L) { return set_value(L, 0); }
/* set_target(id, year, value | nil [, note]) */
static int plan_set_target(lua_State *L) { return set_value(L, 1); }

static int plan_target_note(lua_State *L)
{
    TyPlan *p = check_plan(L, 1);
    TyIndicator *ind = check_indicator(L, p, 2);
    const char *note = indicator_target_note(ind, check_year(L, 3));
    if (!note) return 0;
    lua_pushstring(L, note);
    return 1;
}

/* years(id, "actual" | "target") -> { year, ... } ascending */
static int plan_years(lua_State *L)
{
    TyPlan *p = check_plan(L, 1);
    TyIndicator *ind = check_indicator(L, p, 2);
    static const char *const kinds[] = {"actual", "target", NULL};
    const TySeries *s = luaL_checkoption(L, 3, NULL, kinds) == 0 ? &ind->actual : &ind->target;
    int n = series_count(s);
    lua_createtable(L, n, 0);
    for (int i = 0; i < n; i++) {
        lua_pushinteger(L, series_nth_year(s, i));
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

/* thresholds([id]) -> { on_track, behind } in force */
static int plan_thresholds(lua_State *L)
{
    TyPlan *p = check_plan(L, 1);
    const TyThresholds *th = &p->thresholds;
    if (!lua_isnoneornil(L, 2)) {
        TyIndicator *ind = check_indicator(L, p, 2);
        if (ind->has_thresholds) th = &ind->thresholds;
    }
    lua_createtable(L, 0, 2);
    lua_pushnumber(L, th->on_track);
    lua_setfield(L, -2, "on_track");
    lua_pushnumber(L, th->behind);
    lua_setfield(L, -2, "behind");
    return 1;
}

/* set_thresholds(on_track, behind [, id]) */
static int plan_set_thresholds(lua_State *L)
{
    TyPlan *p = check_plan(L, 1);
    TyThresholds th = { luaL_checknumber(L, 2), luaL_checknumber(L, 3) };
    luaL_argcheck(L, isfinite(th.on_track) && isfinite(th.behind) && th.behind < th.on_track, 3,
                  "behind must be below on_track");
    if (lua_isnoneornil(L, 4)) {
        p->thresholds = th;
    } else {
        TyIndicator *ind = check_indicator(L, p, 4);
        ind->thresholds = th;
        ind->has_thresholds = 1;
    }
    return 0;
}

static int plan_latest_year(lua_State *L)
{
    int y = plan_latest_actual_year(check_plan(L, 1));
    if (y == 0) return 0;
    lua_pushinteger(L, y);
    return 1;
}

static int plan_lclone(lua_State *L)
{
    TyPlan *p = check_plan(L, 1);
    PlanBox *b = push_box(L);
    TyError err;
    ty_error_clear(&err);
    b->plan = plan_clone(p, &err);
    if (!b->plan) return raise_status(L, &err);
    return 1;
}

/* Sets t[name] = q.v, or why[name] = q.why when undefined. [-0, +0, m]; t at -2, why at -1 */
static void set_quantity(lua_State *L, const char *name, TyQuantity q)
{
    if (q.why) {
        lua_pushstring(L, q.why);
        lua_setfield(L, -2, name);
    } else {
        lua_pushnumber(L, q.v);
        lua_setfield(L, -3, name);
    }
}

static void push_point(lua_State *L, int year, double v)
{
    lua_createtable(L, 0, 2);
    lua_pushinteger(L, year);
    lua_setfield(L, -2, "year");
    lua_pushnumber(L, v);
    lua_setfield(L, -2, "value");
}

/* One target's progress as a table. [-0, +1, m] */
static void push_target_progress(lua_State *L, const TyIndicator *ind, const TyProgress *pr)
{
    lua_createtable(L, 0, 16);                        /* [t] */
    lua_pushinteger(L, pr->target_year);
    lua_setfield(L, -2, "year");
    lua_pushnumber(L, pr->target);
    lua_setfield(L, -2, "value");
    const char *note = indicator_target_note(ind, pr->target_year);
    if (note) {
        lua_pushstring(L, note);
        lua_setfield(L, -2, "note");
    }
    lua_newtable(L);                                  /* [t, why] */
    set_quantity(L, "time_share", pr->time_share);
    set_quantity(L, "completion", pr->completion);
    set_quantity(L, "required_change", pr->required_change);
    set_quantity(L, "required_rate", pr->required_rate);
    set_quantity(L, "actual_rate", pr->actual_rate);
    set_quantity(L, "projected", pr->projected);
    set_quantity(L, "progress", pr->progress);
    set_quantity(L, "schedule_gap", pr->schedule_gap);
    lua_setfield(L, -2, "why");                       /* [t] */
    lua_pushstring(L, progress_status_name(pr->status));
    lua_setfield(L, -2, "status");
    if (pr->status_why[0]) {
        lua_pushstring(L, pr->status_why);
        lua_setfield(L, -2, "status_why");
    }
}

/* progress(as_of) -> { { id, base = {year, value} | nil, latest = ..., targets = {...} }, ... } */
static int plan_progress(lua_State *L)
{
    TyPlan *p = check_plan(L, 1);
    int as_of = check_year(L, 2);
    lua_createtable(L, (int)p->n, 0);
    for (size_t i = 0; i < p->n; i++) {
        const TyIndicator *ind = &p->ind[i];
        lua_createtable(L, 0, 6);                     /* [list, row] */
        lua_pushstring(L, ind->id);
        lua_setfield(L, -2, "id");
        int nt = series_count(&ind->target);
        lua_createtable(L, nt, 0);                    /* [list, row, targets] */
        int base_set = 0;
        for (int k = 0; k < nt; k++) {
            TyProgress pr;
            TyError err;
            ty_error_clear(&err);
            if (progress_compute(ind, series_nth_year(&ind->target, k), as_of, &p->thresholds, &pr, &err) != TY_OK)
                return raise_status(L, &err);
            if (!base_set) {
                base_set = 1;
                if (pr.base_year) {
                    push_point(L, pr.base_year, pr.base);
                    lua_setfield(L, -3, "base");
                }
                if (pr.latest_year) {
                    push_point(L, pr.latest_year, pr.latest);
                    lua_setfield(L, -3, "latest");
                }
            }
            push_target_progress(L, ind, &pr);
            lua_rawseti(L, -2, k + 1);
        }
        if (!base_set) {   /* no targets: still say where the indicator stands */
            int b = series_first_year(&ind->actual);
            int t = series_last_year_at_or_before(&ind->actual, as_of);
            if (b && b <= as_of) {
                push_point(L, b, series_get(&ind->actual, b));
                lua_setfield(L, -3, "base");
            }
            if (t) {
                push_point(L, t, series_get(&ind->actual, t));
                lua_setfield(L, -3, "latest");
            }
        }
        lua_setfield(L, -2, "targets");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static const luaL_Reg plan_methods[] = {
    {"name", plan_name},
    {"ids", plan_ids},
    {"has", plan_has},
    {"add", plan_ladd},
    {"set", plan_lset},
    {"info", plan_info},
    {"actual", plan_actual},
    {"target", plan_target},
    {"set_actual", plan_set_actual},
    {"set_target", plan_set_target},
    {"target_note", plan_target_note},
    {"years", plan_years},
    {"thresholds", plan_thresholds},
    {"set_thresholds", plan_set_thresholds},
    {"latest_year", plan_latest_year},
    {"clone", plan_lclone},
    {"progress_rows", plan_progress},
    {NULL, NULL}
};

static const luaL_Reg plan_metamethods[] = {
    {"__gc", plan_gc},
    {"__close", plan_gc},
    {"__tostring", plan_tostring},
    {"__len", plan_len},
    {NULL, NULL}
};

static const luaL_Reg plan_funcs[] = {
    {"new", plan_lnew},
    {"load", plan_lload},
    {"parse", plan_lparse},
    {NULL, NULL}
};

int luaopen_tuiyan_plan(lua_State *L)
{
    if (luaL_newmetatable(L, PLAN_META)) {
        luaL_setfuncs(L, plan_metamethods, 0);
        luaL_newlib(L, plan_methods);
        lua_setfield(L, -2, "__index");
    }
    luaL_newlib(L, plan_funcs);
    lua_getfield(L, -2, "__index");
    lua_setfield(L, -2, "methods");   /* so the stdlib can add methods written in Lua */
    lua_remove(L, -2);
    return 1;
}
