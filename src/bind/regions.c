/* bind/regions.c — _tuiyan.regions: aggregation across regions, ranking and the composite index
 * (core/regions) over Lua arrays. Missing values are nil in and nil (with a reason) out. */
#include "bind/bind.h"
#include "core/regions.h"
#include "host/host.h"

#include <lauxlib.h>
#include <math.h>
#include <string.h>

#define MAX_REGIONS 10000
#define MAX_INDICATORS 1000

/* Reads a Lua array (nil = missing) of length n into a scratch userdata. [-0, +1, m] */
static double *read_array(lua_State *L, int idx, size_t n)
{
    double *v = lua_newuserdatauv(L, (n ? n : 1) * sizeof *v, 0);
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, idx, (lua_Integer)i + 1);
        v[i] = lua_isnumber(L, -1) ? lua_tonumber(L, -1) : NAN;
        lua_pop(L, 1);
    }
    return v;
}

static size_t check_len(lua_State *L, int idx, size_t max)
{
    luaL_checktype(L, idx, LUA_TTABLE);
    size_t n = lua_rawlen(L, idx);
    luaL_argcheck(L, n >= 1 && n <= max, idx, "1 to 10000 values expected");
    return n;
}

static int push_result(lua_State *L, double v, const char *why)
{
    if (isnan(v)) {
        lua_pushnil(L);
        lua_pushstring(L, why ? why : "undefined");
        return 2;
    }
    lua_pushnumber(L, v);
    return 1;
}

/* sum(values) -> number | nil, why */
static int regions_lsum(lua_State *L)
{
    size_t n = check_len(L, 1, MAX_REGIONS);
    const char *why = NULL;
    double v = regions_sum(read_array(L, 1, n), n, &why);
    return push_result(L, v, why);
}

/* ratio(numerators, denominators [, scale]) -> number | nil, why */
static int regions_lratio(lua_State *L)
{
    size_t n = check_len(L, 1, MAX_REGIONS);
    luaL_argcheck(L, lua_istable(L, 2) && lua_rawlen(L, 2) == n, 2, "as many denominators as numerators expected");
    double scale = luaL_optnumber(L, 3, 1);
    const char *why = NULL;
    double *num = read_array(L, 1, n), *den = read_array(L, 2, n);
    return push_result(L, regions_ratio(num, den, n, scale, &why), why);
}

/* weighted_mean(values, weights) -> number | nil, why */
static int regions_lmean(lua_State *L)
{
    size_t n = check_len(L, 1, MAX_REGIONS);
    luaL_argcheck(L, lua_istable(L, 2) && lua_rawlen(L, 2) == n, 2, "as many weights as values expected");
    const char *why = NULL;
    double *v = read_array(L, 1, n), *w = read_array(L, 2, n);
    return push_result(L, regions_weighted_mean(v, w, n, &why), why);
}

/* rank(values [, direction]) -> { rank, ... } (0 = missing, unranked) */
static int regions_lrank(lua_State *L)
{
    size_t n = check_len(L, 1, MAX_REGIONS);
    int dir = (int)luaL_optinteger(L, 2, 1);
    luaL_argcheck(L, dir == 1 || dir == -1, 2, "direction must be 1 or -1");
    double *v = read_array(L, 1, n);
    int *r = lua_newuserdatauv(L, n * sizeof *r, 0);
    regions_rank(v, n, dir, r);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushinteger(L, r[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* composite(values_by_indicator, weights, directions, normalise [, targets]) -> { index, ... }
 * values_by_indicator: { {v_region1, v_region2, ...}, ... } one row per indicator */
static int regions_lcomposite(lua_State *L)
{
    size_t nind = check_len(L, 1, MAX_INDICATORS);
    lua_rawgeti(L, 1, 1);
    luaL_argcheck(L, lua_istable(L, -1), 1, "rows of region values expected");
    size_t nreg = lua_rawlen(L, -1);
    lua_pop(L, 1);
    luaL_argcheck(L, nreg >= 1 && nreg <= MAX_REGIONS, 1, "1 to 10000 regions expected");
    luaL_argcheck(L, lua_istable(L, 2) && lua_rawlen(L, 2) == nind, 2, "one weight per indicator expected");
    luaL_argcheck(L, lua_istable(L, 3) && lua_rawlen(L, 3) == nind, 3, "one direction per indicator expected");
    static const char *const norms[] = {"minmax", "target", NULL};
    TyNormalise norm = (TyNormalise)luaL_checkoption(L, 4, "minmax", norms);
    double *values = lua_newuserdatauv(L, nind * nreg * sizeof *values, 0);
    for (size_t k = 0; k < nind; k++) {
        lua_rawgeti(L, 1, (lua_Integer)k + 1);
        if (!lua_istable(L, -1) || lua_rawlen(L, -1) != nreg) return luaL_error(L, "composite: row %d must have %d values", (int)k + 1, (int)nreg);
        for (size_t r = 0; r < nreg; r++) {
            lua_rawgeti(L, -1, (lua_Integer)r + 1);
            values[k * nreg + r] = lua_isnumber(L, -1) ? lua_tonumber(L, -1) : NAN;
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    double *w = read_array(L, 2, nind);
    int *dir = lua_newuserdatauv(L, nind * sizeof *dir, 0);
    for (size_t k = 0; k < nind; k++) {
        lua_rawgeti(L, 3, (lua_Integer)k + 1);
        dir[k] = (int)lua_tointeger(L, -1);
        lua_pop(L, 1);
    }
    double *targets = lua_istable(L, 5) ? read_array(L, 5, nind) : NULL;
    double *idx = lua_newuserdatauv(L, nreg * sizeof *idx, 0);
    TyError err;
    ty_error_clear(&err);
    if (regions_composite(values, nind, nreg, w, dir, norm, targets, idx, &err) != TY_OK)
        return host_raise(L, &err);
    lua_createtable(L, (int)nreg, 0);
    for (size_t r = 0; r < nreg; r++) {
        if (isnan(idx[r])) continue;
        lua_pushnumber(L, idx[r]);
        lua_rawseti(L, -2, (lua_Integer)r + 1);
    }
    return 1;
}

static const luaL_Reg regions_funcs[] = {
    {"sum", regions_lsum},
    {"ratio", regions_lratio},
    {"weighted_mean", regions_lmean},
    {"rank", regions_lrank},
    {"composite", regions_lcomposite},
    {NULL, NULL}
};

int luaopen_tuiyan_regions(lua_State *L)
{
    luaL_newlib(L, regions_funcs);
    return 1;
}
