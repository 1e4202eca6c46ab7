/* bind/plan.c — _tuiyan.plan: the Plan userdata ("tuiyan.Plan") over core/plan and
 * core/progress, and loading plan files through io/planfile; target cells as written through
 * io/target_text. Errors: loading a file returns nil, err (bad data is expected); misuse raises. */
#include "bind/bind.h"
#include "core/plan.h"
#include "core/progress.h"
#include "core/suggest.h"
#include "host/host.h"
#include "io/planfile.h"
#include "io/planfile_cells.h"
#include "io/target_text.h"

#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
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

/* Raises "no indicator 'x'": naming the id when x is an indicator's name (ids select), else the
 * id or name closest to x ("did you mean", core/suggest.c). */
static int no_indicator(lua_State *L, const TyPlan *p, const char *id)
{
    const char *plan = p->name ? p->name : "";
    for (size_t i = 0; i < p->n; i++)
        if (p->ind[i].name && strcmp(p->ind[i].name, id) == 0)
            return luaL_error(L, "no indicator '%s' in plan %s: that is the name of '%s' (an indicator is "
                              "selected by its id)", id, plan, p->ind[i].id);
    const char **names = lua_newuserdatauv(L, (2 * p->n + 1) * sizeof *names, 0);
    for (size_t i = 0; i < p->n; i++) {
        names[i] = p->ind[i].id;
        names[p->n + i] = p->ind[i].name;
    }
    long best = ty_closest(id, names, 2 * p->n);
    if (best < 0) return luaL_error(L, "no indicator '%s' in plan %s", id, plan);
    return luaL_error(L, "no indicator '%s' in plan %s; did you mean '%s'?", id, plan,
                      p->ind[(size_t)best % p->n].id);
}

static TyIndicator *check_indicator(lua_State *L, TyPlan *p, int idx)
{
    const char *id = luaL_checkstring(L, idx);
    long i = plan_find(p, id);
    if (i < 0) no_indicator(L, p, id);
    return &p->ind[i];
}

static size_t index_of(const TyPlan *p, const TyIndicator *ind)
{
    return (size_t)(ind - p->ind);
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

/* A CSV read in another encoding (GB18030, UTF-16) says so, once per read: on standard error,
 * or, where the registry holds a NOTICE_HOOK function (a package's sandbox, whose standard error
 * is /dev/null and may not grow a file), through that function into the run's log. */
#define NOTICE_HOOK "tuiyan.notice"
static void print_notice(lua_State *L, const char *name, const char *notice)
{
    if (!notice[0]) return;
    if (lua_getfield(L, LUA_REGISTRYINDEX, NOTICE_HOOK) == LUA_TFUNCTION) {
        lua_pushfstring(L, "tuiyan: %s: %s\n", name, notice);
        lua_call(L, 1, 0);
        return;
    }
    lua_pop(L, 1);
    fprintf(stderr, "tuiyan: %s: %s\n", name, notice);
    fflush(stderr);
}

/* load(path) -> Plan | nil, err ; path: .csv, .json, .xlsx or book.xlsx#Sheet */
static int plan_lload(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    PlanBox *b = push_box(L);
    TyError err;
    char notice[160];
    ty_error_clear(&err);
    b->plan = planfile_load_notice(path, notice, sizeof notice, &err);
    if (!b->plan) return host_fail(L, &err);
    print_notice(L, path, notice);
    return 1;
}

/* parse(text, name, format) -> Plan | nil, err ; format "csv", "json" or "xlsx" (text: the
 * workbook's bytes; name may end in "#Sheet") */
static int plan_lparse(lua_State *L)
{
    size_t len;
    const char *text = luaL_checklstring(L, 1, &len);
    const char *name = luaL_checkstring(L, 2);
    static const char *const formats[] = {"csv", "json", "xlsx", NULL};
    int fmt = luaL_checkoption(L, 3, "csv", formats);
    PlanBox *b = push_box(L);
    TyError err;
    char notice[160] = "";
    ty_error_clear(&err);
    b->plan = fmt == 0 ? planfile_read_csv_any(name, text, len, notice, sizeof notice, &err)
        : fmt == 1 ? planfile_read_json(name, text, len, &err)
        : planfile_read_xlsx(name, text, len, &err);
    if (!b->plan) return host_fail(L, &err);
    print_notice(L, name, notice);
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
    if (!strcmp(field, "flow_of")) return &ind->flow_of;
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
        if (str == &ind->flow_of && v) ind->measure = TY_FLOW;   /* a flow_of row is a flow */
        return;
    }
    if (!strcmp(field, "base_year")) {
        lua_Integer y = lua_isnil(L, vidx) ? 0 : luaL_checkinteger(L, vidx);
        if (y != 0 && (y < TY_YEAR_MIN || y > TY_YEAR_MAX))
            luaL_error(L, "indicator %s: base_year %d is outside %d..%d", ind->id, (int)y, TY_YEAR_MIN, TY_YEAR_MAX);
        ind->base_year = (int)y;
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

/* add{ id=, name=, unit=, [category=, direction=, measure=, trend=, aggregate=, owner=, note=,
 *       base_year=, flow_of=] } */
static int plan_ladd(lua_State *L)
{
    static const char *const optional[] = {"category", "direction", "measure", "trend",
                                           "aggregate", "owner", "note", "base_year", "flow_of", NULL};
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
 *               flow_of, base_year (declared for the row), thresholds = {on_track, behind} | nil } */
static int plan_info(lua_State *L)
{
    TyPlan *p = check_plan(L, 1);
    TyIndicator *ind = check_indicator(L, p, 2);
    lua_createtable(L, 0, 12);
    const struct { const char *k; const char *v; } fields[] = {
        {"id", ind->id}, {"name", ind->name}, {"unit", ind->unit}, {"category", ind->category},
        {"owner", ind->owner}, {"note", ind->note}, {"direction", direction_name(ind->direction)},
        {"measure", measure_name(ind->measure)}, {"trend", trend_name(ind->trend)},
        {"aggregate", aggregate_name(ind->aggregate)}, {"flow_of", ind->flow_of},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (!fields[i].v) continue;
        lua_pushstring(L, fields[i].v);
        lua_setfield(L, -2, fields[i].k);
    }
    if (ind->base_year) {
        lua_pushinteger(L, ind->base_year);
        lua_setfield(L, -2, "base_year");
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

/* actual(id, year) -> number | nil */
static int plan_actual(lua_State *L)
{
    TyPlan *p = check_plan(L, 1);
    TyIndicator *ind = check_indicator(L, p, 2);
    push_opt_number(L, series_get(&ind->actual, check_year(L, 3)));
    return 1;
}

/* target(id, year) -> the threshold the target stands for, resolved from the data as of the
 * plan's latest actual year (a relative target follows set_actual), or nil: no target, a
 * milestone, or a threshold that cannot be resolved yet. */
static int plan_target(lua_State *L)
{
    TyPlan *p = check_plan(L, 1);
    TyIndicator *ind = check_indicator(L, p, 2);
    int year = check_year(L, 3);
    push_opt_number(L, progress_threshold(p, index_of(p, ind), year, plan_latest_actual_year(p)));
    return 1;
}

/* set_actual(id, year, value | nil [, note]); a milestone row also takes true/false or its
 * words (是/否, yes/no, a date of that year). */
static int plan_set_actual(lua_State *L)
{
    TyPlan *p = check_plan(L, 1);
    TyIndicator *ind = check_indicator(L, p, 2);
    int year = check_year(L, 3);
    TyError err;
    ty_error_clear(&err);
    if (ind->flow_of && !lua_isnoneornil(L, 4))
        return luaL_error(L, "indicator %s: a flow_of row's actuals are derived from '%s', not set",
                          ind->id, ind->flow_of);
    double v;
    if (lua_isnoneornil(L, 4)) {
        series_unset(&ind->actual, year);
        v = NAN;
    } else if (lua_isboolean(L, 4)) {
        v = lua_toboolean(L, 4);
    } else if (lua_type(L, 4) == LUA_TSTRING && indicator_is_milestone(ind)) {
        size_t len;
        const char *s = lua_tolstring(L, 4, &len);
        char why[256];
        TyCellRead r = planfile_milestone_actual(s, len, year, &v, why, sizeof why);
        if (r == CELL_ERROR) return luaL_error(L, "indicator %s: actual %d: %s", ind->id, year, why);
        if (r == CELL_MISSING) {
            series_unset(&ind->actual, year);
            v = NAN;
        }
    } else {
        v = luaL_checknumber(L, 4);
        luaL_argcheck(L, isfinite(v), 4, "finite number expected");
    }
    if (!isnan(v) && series_set(&ind->actual, year, v, &err) != TY_OK) return raise_status(L, &err);
    if (!lua_isnone(L, 5)) {
        const char *note = luaL_optstring(L, 5, NULL);
        if (indicator_set_actual_note(ind, year, note, &err) != TY_OK) return raise_status(L, &err);
    }
    return 0;
}

/* set_target(id, year, value | text | nil [, note]): a number is a level; a string is a target
 * cell as written (docs/targets.md), read against the row's unit; a cell that cannot be read
 * raises with the reader's message; nil (or an empty cell) removes the target. */
static int plan_set_target(lua_State *L)
{
    TyPlan *p = check_plan(L, 1);
    TyIndicator *ind = check_indicator(L, p, 2);
    int year = check_year(L, 3);
    TyError err;
    ty_error_clear(&err);
    if (lua_type(L, 4) == LUA_TSTRING) {
        size_t len, at;
        const char *text = lua_tolstring(L, 4, &len);
        char why[512];
        TyCellRead r = planfile_target_cell(ind, year, text, len, why, sizeof why, &at, &err);
        if (r == CELL_ERROR) {
            if (err.code == TY_ENOMEM) return raise_status(L, &err);
            return luaL_error(L, "indicator %s: target %d: %s", ind->id, year, why);
        }
        if (r == CELL_MISSING) indicator_unset_target(ind, year);
    } else if (lua_isnoneornil(L, 4)) {
        indicator_unset_target(ind, year);
    } else {
        double v = luaL_checknumber(L, 4);
        luaL_argcheck(L, isfinite(v), 4, "finite number expected");
        if (indicator_set_target_level(ind, year, v, &err) != TY_OK) return raise_status(L, &err);
    }
    const char *note = luaL_optstring(L, 5, NULL);
    if (indicator_set_target_note(ind, year, note, &err) != TY_OK) return raise_status(L, &err);
    return 0;
}

/* _set_target_spec(id, year, {shape=, op=, a=, b=, from=, to=, ref=} [, note]): a target as a
 * spec, for the Lua helpers whose reference year is their own (target_points & co). */
static int plan_set_target_spec(lua_State *L)
{
    static const char *const shapes[] = {"level", "range", "window", "points", "growth", "multiple",
                                         "benchmark", "rank", "milestone", NULL};
    static const char *const ops[] = {"", ">=", ">", "<=", "<", NULL};
    TyPlan *p = check_plan(L, 1);
    TyIndicator *ind = check_indicator(L, p, 2);
    int year = check_year(L, 3);
    luaL_checktype(L, 4, LUA_TTABLE);
    TyTargetSpec spec;
    memset(&spec, 0, sizeof spec);
    lua_getfield(L, 4, "shape");
    spec.shape = (TyTargetShape)luaL_checkoption(L, -1, NULL, shapes);
    lua_getfield(L, 4, "op");
    spec.op = (TyTargetOp)luaL_checkoption(L, -1, "", ops);
    lua_getfield(L, 4, "a");
    spec.a = luaL_optnumber(L, -1, NAN);
    lua_getfield(L, 4, "b");
    spec.b = luaL_optnumber(L, -1, NAN);
    lua_getfield(L, 4, "from");
    spec.from = (int)luaL_optinteger(L, -1, 0);
    lua_getfield(L, 4, "to");
    spec.to = (int)luaL_optinteger(L, -1, 0);
    lua_getfield(L, 4, "ref");
    const char *ref = luaL_optstring(L, -1, "");
    luaL_argcheck(L, strlen(ref) < sizeof spec.ref, 4, "ref too long");
    strcpy(spec.ref, ref);
    lua_pop(L, 7);
    TyError err;
    ty_error_clear(&err);
    if (indicator_set_target(ind, year, &spec, NULL, &err) != TY_OK) return raise_status(L, &err);
    const char *note = luaL_optstring(L, 5, NULL);
    if (indicator_set_target_note(ind, year, note, &err) != TY_OK) return raise_status(L, &err);
    return 0;
}

static void set_opt_number(lua_State *L, const char *k, double v)
{
    if (isnan(v)) return;
    lua_pushnumber(L, v);
    lua_setfield(L, -2, k);
}

static void set_opt_string(lua_State *L, const char *k, const char *v)
{
    if (!v || !*v) return;
    lua_pushstring(L, v);
    lua_setfield(L, -2, k);
}

/* target_spec(id, year) -> {shape, op, a, b, from, to, ref, text} | nil: the target as read;
 * op only when written, the numbers as in core/target.h. */
static int plan_target_spec(lua_State *L)
{
    TyPlan *p = check_plan(L, 1);
    TyIndicator *ind = check_indicator(L, p, 2);
    const TyTarget *t = indicator_target(ind, check_year(L, 3));
    if (!t) return 0;
    lua_createtable(L, 0, 8);
    set_opt_string(L, "shape", target_shape_name(t->spec.shape));
    set_opt_string(L, "op", target_op_symbol(t->spec.op));
    set_opt_number(L, "a", t->spec.a);
    set_opt_number(L, "b", t->spec.b);
    if (t->spec.from) {
        lua_pushinteger(L, t->spec.from);
        lua_setfield(L, -2, "from");
    }
    if (t->spec.to) {
        lua_pushinteger(L, t->spec.to);
        lua_setfield(L, -2, "to");
    }
    set_opt_string(L, "ref", t->spec.ref);
    set_opt_string(L, "text", t->text);
    return 1;
}

/* target_text(id, year) -> the cell as written | nil */
static int plan_target_text(lua_State *L)
{
    TyPlan *p = check_plan(L, 1);
    TyIndicator *ind = check_indicator(L, p, 2);
    const TyTarget *t = indicator_target(ind, check_year(L, 3));
    if (!t || !t->text) return 0;
    lua_pushstring(L, t->text);
    return 1;
}

static int plan_target_note(lua_State *L)
{
    TyPlan *p = check_plan(L, 1);
    TyIndicator *ind = check_indicator(L, p, 2);
    const char *note = indicator_target_note(ind, check_year(L, 3));
    if (!note) return 0;
    lua_pushstring(L, note);
    return 1;
}

static int plan_actual_note(lua_State *L)
{
    TyPlan *p = check_plan(L, 1);
    TyIndicator *ind = check_indicator(L, p, 2);
    const char *note = indicator_actual_note(ind, check_year(L, 3));
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
    if (luaL_checkoption(L, 3, NULL, kinds) == 1) {
        lua_createtable(L, (int)ind->ntargets, 0);
        for (size_t i = 0; i < ind->ntargets; i++) {
            lua_pushinteger(L, ind->targets[i].year);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        return 1;
    }
    int n = series_count(&ind->actual);
    lua_createtable(L, n, 0);
    for (int i = 0; i < n; i++) {
        lua_pushinteger(L, series_nth_year(&ind->actual, i));
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

/* base_year([id]) -> the declared base year in force (the row's own, else the plan's) | nil */
static int plan_base_year(lua_State *L)
{
    TyPlan *p = check_plan(L, 1);
    int y = lua_isnoneornil(L, 2) ? p->base_year : indicator_declared_base_year(p, check_indicator(L, p, 2));
    if (!y) return 0;
    lua_pushinteger(L, y);
    return 1;
}

/* set_base_year(year | nil [, id]): for the plan, or for one row */
static int plan_set_base_year(lua_State *L)
{
    TyPlan *p = check_plan(L, 1);
    int y = lua_isnil(L, 2) ? 0 : check_year(L, 2);
    if (lua_isnoneornil(L, 3)) p->base_year = y;
    else check_indicator(L, p, 3)->base_year = y;
    return 0;
}

/* header_title() -> the title the file gives (# title: / "title") or set_title set | nil */
static int plan_header_title(lua_State *L)
{
    TyPlan *p = check_plan(L, 1);
    if (!p->title) return 0;
    lua_pushstring(L, p->title);
    return 1;
}

/* set_title(text) -> the plan, for chaining */
static int plan_set_title(lua_State *L)
{
    TyPlan *p = check_plan(L, 1);
    const char *t = luaL_checkstring(L, 2);
    TyError err;
    ty_error_clear(&err);
    if (plan_set_string(&p->title, t, &err) != TY_OK) return raise_status(L, &err);
    lua_settop(L, 1);
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
    lua_createtable(L, 0, 3);
    lua_pushinteger(L, year);
    lua_setfield(L, -2, "year");
    lua_pushnumber(L, v);
    lua_setfield(L, -2, "value");
}

/* One target's progress as a table. [-0, +1, m] */
static void push_target_progress(lua_State *L, const TyIndicator *ind, const TyProgress *pr)
{
    lua_createtable(L, 0, 24);                        /* [t] */
    lua_pushinteger(L, pr->target_year);
    lua_setfield(L, -2, "year");
    set_opt_string(L, "text", pr->text);
    set_opt_string(L, "shape", target_shape_name(pr->spec.shape));
    set_opt_string(L, "op", target_op_symbol(pr->op));
    set_opt_number(L, "value", pr->target);
    set_opt_number(L, "stretch", pr->stretch);
    if (pr->window_from) {                            /* {from, to} as a list and by name */
        lua_createtable(L, 2, 2);
        lua_pushinteger(L, pr->window_from);
        lua_rawseti(L, -2, 1);
        lua_pushinteger(L, pr->window_to);
        lua_rawseti(L, -2, 2);
        lua_pushinteger(L, pr->window_from);
        lua_setfield(L, -2, "from");
        lua_pushinteger(L, pr->window_to);
        lua_setfield(L, -2, "to");
        lua_setfield(L, -2, "window");
    }
    set_opt_string(L, "ref", pr->spec.ref);
    set_opt_string(L, "resolved", pr->resolved);
    const char *note = indicator_target_note(ind, pr->target_year);
    set_opt_string(L, "note", note);
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
    set_opt_string(L, "status_why", pr->status_why);
}

/* The ranking among peers of a rank target: rank = { regions, year, rank, own_value, needed,
 * note, why = { own_value, needed } }. [-0, +0, m] */
static void set_rank_info(lua_State *L, const TyRankInfo *r)
{
    if (!r->ranked) return;
    lua_createtable(L, 0, 8);                         /* [t, rank] */
    lua_pushinteger(L, r->regions);
    lua_setfield(L, -2, "regions");
    if (r->year) {
        lua_pushinteger(L, r->year);
        lua_setfield(L, -2, "year");
        lua_pushinteger(L, r->rank);
        lua_setfield(L, -2, "rank");
    }
    set_opt_string(L, "note", r->note);
    lua_newtable(L);                                  /* [t, rank, why] */
    set_quantity(L, "own_value", r->own_value);
    set_quantity(L, "needed", r->needed);
    lua_setfield(L, -2, "why");
    lua_setfield(L, -2, "rank");
}

/* The peers argument { {name, plan}, ... } as a TyPeers whose arrays live in a userdata at the
 * top of the stack (collected with it). [-0, +1, v] */
static void check_peers(lua_State *L, int idx, TyPeers *peers)
{
    luaL_checktype(L, idx, LUA_TTABLE);
    size_t n = (size_t)luaL_len(L, idx);
    luaL_argcheck(L, n <= TY_PEERS_MAX, idx, "too many peers");
    void *mem = lua_newuserdatauv(L, (n ? n : 1) * (sizeof(TyPlan *) + sizeof(char *)), 0);
    const TyPlan **plans = mem;
    const char **names = (const char **)(plans + (n ? n : 1));
    for (size_t i = 0; i < n; i++) {
        lua_geti(L, idx, (lua_Integer)i + 1);
        if (!lua_istable(L, -1)) luaL_error(L, "peers[%d]: {name, plan} expected", (int)i + 1);
        lua_geti(L, -1, 1);
        lua_geti(L, -2, 2);
        /* a string (not a number converted on the stack), so the peers table anchors it */
        names[i] = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
        if (!names[i]) luaL_error(L, "peers[%d]: a region name expected first", (int)i + 1);
        PlanBox *b = luaL_testudata(L, -1, PLAN_META);
        if (!b || !b->plan) luaL_error(L, "peers[%d]: an open plan expected second", (int)i + 1);
        plans[i] = b->plan;
        lua_pop(L, 3);
    }
    peers->n = n;
    peers->plan = plans;
    peers->name = names;
}

/* progress_rows(as_of [, peers]) -> { { id, base = {year, value, how} | nil, latest = {year, value}
 *     | nil, targets = { {year, text, shape, op, value, stretch, window, ref, resolved, note,
 *     <quantities>, why, status, status_why, rank}, ... } }, ... }
 * peers: { {name, plan}, ... } other regions; a rank target whose row a peer has is ranked among
 * them (rank = the ranking's detail, set_rank_info). */
static int plan_progress(lua_State *L)
{
    TyPlan *p = check_plan(L, 1);
    int as_of = check_year(L, 2);
    TyPeers peers = {0, NULL, NULL};
    int has_peers = !lua_isnoneornil(L, 3);
    if (has_peers) check_peers(L, 3, &peers);
    lua_createtable(L, (int)p->n, 0);
    for (size_t i = 0; i < p->n; i++) {
        const TyIndicator *ind = &p->ind[i];
        lua_createtable(L, 0, 6);                     /* [list, row] */
        lua_pushstring(L, ind->id);
        lua_setfield(L, -2, "id");
        TyProgressBase base;
        progress_indicator_base(p, i, as_of, &base);
        if (base.year) {
            push_point(L, base.year, base.value);
            lua_pushstring(L, base.how);
            lua_setfield(L, -2, "how");
            lua_setfield(L, -2, "base");
            push_point(L, base.latest_year, base.latest);
            lua_setfield(L, -2, "latest");
        }
        lua_createtable(L, (int)ind->ntargets, 0);    /* [list, row, targets] */
        for (size_t k = 0; k < ind->ntargets; k++) {
            TyProgress pr;
            TyError err;
            ty_error_clear(&err);
            TyRankInfo rank;
            if (progress_compute_ranked(p, i, ind->targets[k].year, as_of, has_peers ? &peers : NULL, &pr,
                                        &rank, &err) != TY_OK)
                return raise_status(L, &err);
            push_target_progress(L, ind, &pr);
            set_rank_info(L, &rank);
            lua_rawseti(L, -2, (lua_Integer)k + 1);
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
    {"actual_note", plan_actual_note},
    {"target_spec", plan_target_spec},
    {"target_text", plan_target_text},
    {"_set_target_spec", plan_set_target_spec},
    {"base_year", plan_base_year},
    {"set_base_year", plan_set_base_year},
    {"header_title", plan_header_title},
    {"set_title", plan_set_title},
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
