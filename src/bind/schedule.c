/* bind/schedule.c — _tuiyan.schedule: policy schedules (core/schedule) as "tuiyan.Schedule"
 * userdata, built from a spec table, evaluated on numbers, columns and year series, and usable
 * inside a model as an external function. Errors: a bad spec raises naming the rule id. */
#include "bind/bind.h"
#include "core/model.h"
#include "core/schedule.h"
#include "host/host.h"

#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SCHEDULE_META "tuiyan.Schedule"
#define MAX_BRACKETS 64
#define MAX_YEARS 500

typedef struct ScheduleBox { TySchedule *s; } ScheduleBox;

static TySchedule *check_schedule(lua_State *L, int idx)
{
    ScheduleBox *b = luaL_checkudata(L, idx, SCHEDULE_META);
    luaL_argcheck(L, b->s != NULL, idx, "schedule is closed");
    return b->s;
}

/* For bind/register_pay.c: a rule's schedule evaluated over a register column. */
const struct TySchedule *bind_schedule(lua_State *L, int idx) { return check_schedule(L, idx); }

static ScheduleBox *push_box(lua_State *L)
{
    ScheduleBox *b = lua_newuserdatauv(L, sizeof *b, 0);
    b->s = NULL;
    luaL_setmetatable(L, SCHEDULE_META);
    return b;
}

static int raise_core(lua_State *L, TyError *err)
{
    if (err->code == TY_ENOMEM) return luaL_error(L, "not enough memory");
    return luaL_error(L, "%s", err->msg);
}

static double opt_number_field(lua_State *L, int idx, const char *k, double dflt)
{
    double v = dflt;
    if (lua_getfield(L, idx, k) != LUA_TNIL) {
        if (!lua_isnumber(L, -1)) luaL_error(L, "schedule: '%s' must be a number", k);
        v = lua_tonumber(L, -1);
    }
    lua_pop(L, 1);
    return v;
}

/* An array field of numbers into buf (at most MAX_BRACKETS); returns its length. */
static size_t number_array(lua_State *L, int idx, const char *k, double *buf)
{
    if (lua_getfield(L, idx, k) != LUA_TTABLE) luaL_error(L, "schedule: '%s' must be a list of numbers", k);
    size_t n = lua_rawlen(L, -1);
    if (n == 0 || n > MAX_BRACKETS) luaL_error(L, "schedule: '%s' needs 1..%d numbers", k, MAX_BRACKETS);
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, -1, (lua_Integer)i + 1);
        if (!lua_isnumber(L, -1)) luaL_error(L, "schedule: '%s'[%d] is not a number", k, (int)i + 1);
        buf[i] = lua_tonumber(L, -1);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return n;
}

static TyScheduleBound bound_field(lua_State *L, int idx)
{
    TyScheduleBound b = TY_SCHEDULE_AT_LEAST;
    if (lua_getfield(L, idx, "bound") != LUA_TNIL) {
        int f = schedule_bound_find(lua_tostring(L, -1));
        if (f < 0) luaL_error(L, "schedule: bound must be \"at_least\" (>=) or \"above\" (>)");
        b = (TyScheduleBound)f;
    }
    lua_pop(L, 1);
    return b;
}

static const char *const spec_keys[] = {
    "id", "shape", "thresholds", "rates", "amounts", "bound", "threshold", "rate_lo", "rate_hi",
    "rate", "min", "max", "amount", "recurring", "lag", "unit", "description", "rate_choice", NULL
};

/* new{ id =, shape = "marginal"|"step"|"rate"|"per_unit", ... } -> Schedule */
static int schedule_lnew(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        lua_pop(L, 1);
        const char *k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
        int known = 0;
        for (int i = 0; k && spec_keys[i] && !known; i++) known = strcmp(k, spec_keys[i]) == 0;
        if (!known) return luaL_error(L, "schedule: unknown field '%s'", k ? k : luaL_typename(L, -1));
    }
    lua_getfield(L, 1, "id");
    lua_getfield(L, 1, "shape");
    const char *id = lua_tostring(L, -2), *shape = lua_tostring(L, -1);
    if (!id) return luaL_error(L, "schedule: an id is required");
    int sh = schedule_shape_find(shape);
    if (sh < 0) return luaL_error(L, "schedule %s: shape must be marginal, step, rate or per_unit", id);
    ScheduleBox *box = push_box(L);
    TyError err;
    ty_error_clear(&err);
    double t[MAX_BRACKETS], r[MAX_BRACKETS];
    TyStatus st = TY_OK;
    switch ((TyScheduleShape)sh) {
    case TY_SCHEDULE_MARGINAL: {
        size_t n = number_array(L, 1, "thresholds", t);
        if (number_array(L, 1, "rates", r) != n) return luaL_error(L, "schedule %s: thresholds and rates differ in length", id);
        st = schedule_new_marginal(id, t, r, n, &box->s, &err);
        break;
    }
    case TY_SCHEDULE_STEP: {
        size_t n = number_array(L, 1, "thresholds", t);
        if (number_array(L, 1, "amounts", r) != n) return luaL_error(L, "schedule %s: thresholds and amounts differ in length", id);
        st = schedule_new_step(id, t, r, n, bound_field(L, 1), &box->s, &err);
        break;
    }
    case TY_SCHEDULE_RATE: {
        double rate = opt_number_field(L, 1, "rate", NAN);
        TyScheduleRate p = {
            .threshold = opt_number_field(L, 1, "threshold", -INFINITY),
            .bound = bound_field(L, 1),
            .rate_lo = opt_number_field(L, 1, "rate_lo", rate),
            .rate_hi = opt_number_field(L, 1, "rate_hi", rate),
            .min_amount = opt_number_field(L, 1, "min", 0),
            .max_amount = opt_number_field(L, 1, "max", INFINITY),
        };
        st = schedule_new_rate(id, &p, &box->s, &err);
        break;
    }
    default:
        st = schedule_new_per_unit(id, opt_number_field(L, 1, "amount", NAN), &box->s, &err);
        break;
    }
    if (st != TY_OK) return raise_core(L, &err);
    double rec = opt_number_field(L, 1, "recurring", 1), lag = opt_number_field(L, 1, "lag", 0);
    if (rec != floor(rec) || lag != floor(lag)) return luaL_error(L, "schedule %s: recurring and lag are whole years", id);
    if (schedule_set_recurring(box->s, (int)rec, &err) != TY_OK) return raise_core(L, &err);
    if (schedule_set_lag(box->s, (int)lag, &err) != TY_OK) return raise_core(L, &err);
    if (lua_getfield(L, 1, "rate_choice") != LUA_TNIL) {
        if (schedule_set_rate_choice(box->s, luaL_checknumber(L, -1), &err) != TY_OK) return raise_core(L, &err);
    }
    lua_pop(L, 1);
    if (lua_getfield(L, 1, "unit") != LUA_TNIL && schedule_set_unit(box->s, luaL_checkstring(L, -1), &err) != TY_OK)
        return raise_core(L, &err);
    lua_pop(L, 1);
    if (lua_getfield(L, 1, "description") != LUA_TNIL &&
        schedule_set_description(box->s, luaL_checkstring(L, -1), &err) != TY_OK)
        return raise_core(L, &err);
    lua_pop(L, 1);
    return 1;
}

static int schedule_gc(lua_State *L)
{
    ScheduleBox *b = luaL_checkudata(L, 1, SCHEDULE_META);
    schedule_free(b->s);
    b->s = NULL;
    return 0;
}

static int schedule_tostring(lua_State *L)
{
    char buf[512];
    lua_pushstring(L, schedule_format(check_schedule(L, 1), buf, sizeof buf));
    return 1;
}

/* eval(x) -> amount, for a number; eval({x1, x2, ...}) -> {a1, a2, ...} for a column. */
static int schedule_leval(lua_State *L)
{
    TySchedule *s = check_schedule(L, 1);
    if (lua_type(L, 2) == LUA_TNUMBER) {
        lua_pushnumber(L, schedule_eval_scalar(s, lua_tonumber(L, 2)));
        return 1;
    }
    luaL_checktype(L, 2, LUA_TTABLE);
    size_t n = lua_rawlen(L, 2);
    double *x = lua_newuserdatauv(L, (n ? n : 1) * sizeof *x, 0);
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, 2, (lua_Integer)i + 1);
        x[i] = lua_isnumber(L, -1) ? lua_tonumber(L, -1) : NAN;
        lua_pop(L, 1);
    }
    schedule_eval(s, x, x, n);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i])) continue;
        lua_pushnumber(L, x[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* eval_range(x) -> lo, hi: the amount at both ends of the band (equal outside the rate shape);
 * hi may be inf for a band open above ("不低于"). */
static int schedule_leval_range(lua_State *L)
{
    TySchedule *s = check_schedule(L, 1);
    double lo, hi;
    schedule_eval_range(s, luaL_checknumber(L, 2), &lo, &hi);
    lua_pushnumber(L, lo);
    lua_pushnumber(L, hi);
    return 2;
}

/* spread(first_year, {a1, a2, ...}) -> { [year] = cost }: amounts already evaluated, placed in
 * the years they are paid (recurrence and lag). A missing amount stays missing (no entry). */
static int schedule_lspread(lua_State *L)
{
    TySchedule *s = check_schedule(L, 1);
    lua_Integer first = luaL_checkinteger(L, 2);
    luaL_checktype(L, 3, LUA_TTABLE);
    size_t n = lua_rawlen(L, 3);
    luaL_argcheck(L, n <= MAX_YEARS, 3, "too many years");
    luaL_argcheck(L, first >= -100000 && first <= 100000, 2, "year out of range");
    size_t nc = schedule_cost_years(s, n);
    double *v = lua_newuserdatauv(L, (n + nc + 1) * sizeof *v, 0);
    double *cost = v + n;
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, 3, (lua_Integer)i + 1);
        v[i] = lua_isnumber(L, -1) ? lua_tonumber(L, -1) : NAN;
        lua_pop(L, 1);
    }
    TyError err;
    ty_error_clear(&err);
    if (schedule_spread(s, (int)first, v, n, cost, nc, &err) != TY_OK) return raise_core(L, &err);
    lua_createtable(L, 0, (int)nc);
    for (size_t j = 0; j < nc; j++) {
        if (isnan(cost[j])) continue;
        lua_pushnumber(L, cost[j]);
        lua_rawseti(L, -2, first + (lua_Integer)j);
    }
    return 1;
}

/* cost_by_year(first_year, {v1, v2, ...}) -> { [year] = cost } with recurrence and lag */
static int schedule_lcost_by_year(lua_State *L)
{
    TySchedule *s = check_schedule(L, 1);
    lua_Integer first = luaL_checkinteger(L, 2);
    luaL_checktype(L, 3, LUA_TTABLE);
    size_t n = lua_rawlen(L, 3);
    luaL_argcheck(L, n <= MAX_YEARS, 3, "too many years");
    size_t nc = schedule_cost_years(s, n);
    double *v = lua_newuserdatauv(L, (n + nc + 1) * sizeof *v, 0);
    double *cost = v + n;
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, 3, (lua_Integer)i + 1);
        v[i] = lua_isnumber(L, -1) ? lua_tonumber(L, -1) : NAN;
        lua_pop(L, 1);
    }
    TyError err;
    ty_error_clear(&err);
    if (schedule_cost_by_year(s, (int)first, v, n, cost, nc, &err) != TY_OK) return raise_core(L, &err);
    lua_createtable(L, 0, (int)nc);
    for (size_t j = 0; j < nc; j++) {
        if (isnan(cost[j])) continue;
        lua_pushnumber(L, cost[j]);
        lua_rawseti(L, -2, first + (lua_Integer)j);
    }
    return 1;
}

static int schedule_info(lua_State *L)
{
    TySchedule *s = check_schedule(L, 1);
    lua_createtable(L, 0, 6);
    lua_pushstring(L, schedule_id(s));
    lua_setfield(L, -2, "id");
    lua_pushstring(L, schedule_shape_name(schedule_shape(s)));
    lua_setfield(L, -2, "shape");
    lua_pushstring(L, schedule_unit(s));
    lua_setfield(L, -2, "unit");
    lua_pushstring(L, schedule_description(s));
    lua_setfield(L, -2, "description");
    lua_pushinteger(L, schedule_lag(s));
    lua_setfield(L, -2, "lag");
    lua_pushinteger(L, schedule_recurring(s));
    lua_setfield(L, -2, "recurring");
    lua_pushboolean(L, schedule_is_band(s));
    lua_setfield(L, -2, "band");
    lua_pushboolean(L, schedule_is_open(s));
    lua_setfield(L, -2, "open");
    lua_pushnumber(L, schedule_rate_choice(s));
    lua_setfield(L, -2, "rate_choice");
    return 1;
}

/* The model's external-function callback: ctx is the ScheduleBox. */
static int schedule_extfn_cb(void *ctx, int year, const double *x, double *y, size_t n)
{
    const ScheduleBox *b = ctx;
    if (!b->s) return 1;
    schedule_eval(b->s, x, y, n);
    return 0;
}

/* _extfn([in_unit]) -> callback, ctx, in_unit, out_unit : for Model:extfn */
static int schedule_extfn(lua_State *L)
{
    TySchedule *s = check_schedule(L, 1);
    const char *in_unit = luaL_optstring(L, 2, schedule_unit(s));
    lua_settop(L, 2);
    TyExtFnCallback cb = schedule_extfn_cb;
    void *raw;
    memcpy(&raw, &cb, sizeof raw);
    lua_pushlightuserdata(L, raw);
    lua_pushvalue(L, 1);
    lua_pushstring(L, in_unit);
    lua_pushstring(L, schedule_unit(s));
    return 4;
}

static const luaL_Reg schedule_methods[] = {
    {"eval", schedule_leval},
    {"eval_range", schedule_leval_range},
    {"spread", schedule_lspread},
    {"cost_by_year", schedule_lcost_by_year},
    {"info", schedule_info},
    {"_extfn", schedule_extfn},
    {NULL, NULL}
};

static const luaL_Reg schedule_funcs[] = {
    {"new", schedule_lnew},
    {NULL, NULL}
};

int luaopen_tuiyan_schedule(lua_State *L)
{
    if (luaL_newmetatable(L, SCHEDULE_META)) {
        lua_pushcfunction(L, schedule_gc);
        lua_setfield(L, -2, "__gc");
        lua_pushcfunction(L, schedule_tostring);
        lua_setfield(L, -2, "__tostring");
        luaL_newlib(L, schedule_methods);
        lua_setfield(L, -2, "__index");
    }
    lua_pop(L, 1);
    luaL_newlib(L, schedule_funcs);
    return 1;
}
