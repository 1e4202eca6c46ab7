/* bind/optim.c — _tuiyan.optim: the core's bounded least squares (core/optim.h) for Lua
 * (stdlib/tuiyan/calibrate.lua). The residuals come from a Lua function, called under pcall: an
 * error there (a tuiyan.Error from the model, say) stops the fit and is raised again unchanged,
 * after the core has freed what it held.
 *
 *   lsq{ x0 = {...}, lo = {...}, hi = {...}, m = M, fn = function(x) return {r1, ..., rM} end,
 *        max_iter =, ftol =, xtol =, fd_step = }
 *   -> { x, r, jac (rows), se, cov (rows), state ("free"|"lo"|"hi"|"unidentified"), f, sigma2,
 *        dof, iterations, evaluations, converged, why }   (NaN where there is no value) */
#include "bind/bind.h"
#include "core/optim.h"
#include "host/host.h"

#include <lauxlib.h>
#include <math.h>
#include <string.h>

#define MAX_N 64

typedef struct Call {
    lua_State *L;
    int fn;        /* stack index of the residual function */
    int m;
    int err_ref;   /* LUA_NOREF, or the error value the function raised */
} Call;

static TyStatus residuals(void *ctx, const double *x, double *r, TyError *err)
{
    Call *c = ctx;
    lua_State *L = c->L;
    int n = (int)lua_rawlen(L, c->fn + 1);     /* x0's length: the parameter count */
    lua_pushvalue(L, c->fn);
    lua_createtable(L, n, 0);
    for (int j = 0; j < n; j++) {
        lua_pushnumber(L, x[j]);
        lua_rawseti(L, -2, j + 1);
    }
    if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
        c->err_ref = luaL_ref(L, LUA_REGISTRYINDEX);
        return ty_error_set(err, TY_ESCRIPT, "the residual function failed");
    }
    if (!lua_istable(L, -1) || (int)lua_rawlen(L, -1) != c->m) {
        lua_pop(L, 1);
        lua_pushfstring(L, "lsq: the residual function must return a list of %d numbers", c->m);
        c->err_ref = luaL_ref(L, LUA_REGISTRYINDEX);
        return ty_error_set(err, TY_ESCRIPT, "bad residuals");
    }
    for (int i = 0; i < c->m; i++) {
        lua_rawgeti(L, -1, i + 1);
        int isnum = 0;
        double v = lua_tonumberx(L, -1, &isnum);
        r[i] = isnum ? v : NAN;
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return TY_OK;
}

static int read_vec(lua_State *L, int t, const char *key, double *out, int n, double dflt)
{
    lua_getfield(L, t, key);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        for (int j = 0; j < n; j++) out[j] = dflt;
        return 0;
    }
    luaL_argcheck(L, lua_istable(L, -1) && (int)lua_rawlen(L, -1) == n, 1, "lo, hi: lists as long as x0 expected");
    for (int j = 0; j < n; j++) {
        lua_rawgeti(L, -1, j + 1);
        if (!lua_isnumber(L, -1)) luaL_error(L, "lsq: %s[%d] is not a number", key, j + 1);
        out[j] = lua_tonumber(L, -1);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return 1;
}

static double opt_number(lua_State *L, int t, const char *key, double dflt)
{
    lua_getfield(L, t, key);
    double v = lua_isnil(L, -1) ? dflt : luaL_checknumber(L, -1);
    lua_pop(L, 1);
    return v;
}

static void set_vec(lua_State *L, const char *key, const double *v, int n)
{
    lua_createtable(L, n, 0);
    for (int j = 0; j < n; j++) {
        lua_pushnumber(L, v[j]);
        lua_rawseti(L, -2, j + 1);
    }
    lua_setfield(L, -2, key);
}

static void set_rows(lua_State *L, const char *key, const double *a, int rows, int cols)
{
    lua_createtable(L, rows, 0);
    for (int i = 0; i < rows; i++) {
        lua_createtable(L, cols, 0);
        for (int j = 0; j < cols; j++) {
            lua_pushnumber(L, a[(size_t)i * (size_t)cols + (size_t)j]);
            lua_rawseti(L, -2, j + 1);
        }
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, key);
}

static int optim_lsq(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    lua_getfield(L, 1, "fn");                  /* 2: fn */
    luaL_argcheck(L, lua_isfunction(L, 2), 1, "fn: a residual function expected");
    lua_getfield(L, 1, "x0");                  /* 3: x0 (its length is n, read by residuals()) */
    luaL_argcheck(L, lua_istable(L, 3), 1, "x0: a list of starting values expected");
    int n = (int)lua_rawlen(L, 3);
    luaL_argcheck(L, n >= 1 && n <= MAX_N, 1, "x0: 1 to 64 parameters expected");
    lua_getfield(L, 1, "m");
    int m = (int)luaL_checkinteger(L, -1);
    lua_pop(L, 1);
    luaL_argcheck(L, m >= 1, 1, "m: at least one residual expected");
    double x0[MAX_N], lo[MAX_N], hi[MAX_N];
    for (int j = 0; j < n; j++) {
        lua_rawgeti(L, 3, j + 1);
        if (!lua_isnumber(L, -1)) return luaL_error(L, "lsq: x0[%d] is not a number", j + 1);
        x0[j] = lua_tonumber(L, -1);
        lua_pop(L, 1);
    }
    read_vec(L, 1, "lo", lo, n, -HUGE_VAL);
    read_vec(L, 1, "hi", hi, n, HUGE_VAL);
    TyLsqOptions o;
    ty_lsq_defaults(&o);
    o.max_iter = (int)opt_number(L, 1, "max_iter", o.max_iter);
    o.ftol = opt_number(L, 1, "ftol", o.ftol);
    o.xtol = opt_number(L, 1, "xtol", o.xtol);
    o.fd_step = opt_number(L, 1, "fd_step", o.fd_step);
    luaL_argcheck(L, o.fd_step > 0 && o.fd_step < 0.1, 1, "fd_step must be in (0, 0.1)");

    Call c = { L, 2, m, LUA_NOREF };
    TyLsqProblem p = { n, m, lo, hi, residuals, &c };
    TyLsqResult res;
    TyError err;
    ty_error_clear(&err);
    TyStatus st = ty_lsq_solve(&p, &o, x0, &res, &err);
    if (c.err_ref != LUA_NOREF) {              /* the function's own error, unchanged */
        lua_rawgeti(L, LUA_REGISTRYINDEX, c.err_ref);
        luaL_unref(L, LUA_REGISTRYINDEX, c.err_ref);
        return lua_error(L);
    }
    if (st == TY_ENOMEM) return luaL_error(L, "not enough memory");
    if (st != TY_OK) {
        if (st == TY_EUSAGE) err.code = TY_ESCRIPT;
        return host_raise(L, &err);
    }
    lua_createtable(L, 0, 13);
    set_vec(L, "x", res.x, n);
    set_vec(L, "r", res.r, m);
    set_rows(L, "jac", res.jac, m, n);
    set_vec(L, "se", res.se, n);
    set_rows(L, "cov", res.cov, n, n);
    static const char *const states[] = { "free", "lo", "hi", "unidentified" };
    lua_createtable(L, n, 0);
    for (int j = 0; j < n; j++) {
        lua_pushstring(L, states[res.state[j]]);
        lua_rawseti(L, -2, j + 1);
    }
    lua_setfield(L, -2, "state");
    lua_pushnumber(L, res.f);
    lua_setfield(L, -2, "f");
    lua_pushnumber(L, res.sigma2);
    lua_setfield(L, -2, "sigma2");
    lua_pushinteger(L, res.dof);
    lua_setfield(L, -2, "dof");
    lua_pushinteger(L, res.iterations);
    lua_setfield(L, -2, "iterations");
    lua_pushinteger(L, res.evaluations);
    lua_setfield(L, -2, "evaluations");
    lua_pushboolean(L, res.converged);
    lua_setfield(L, -2, "converged");
    lua_pushstring(L, res.why);
    lua_setfield(L, -2, "why");
    ty_lsq_result_free(&res);
    return 1;
}

static const luaL_Reg optim_funcs[] = {
    {"lsq", optim_lsq},
    {NULL, NULL}
};

int luaopen_tuiyan_optim(lua_State *L)
{
    luaL_newlib(L, optim_funcs);
    return 1;
}
