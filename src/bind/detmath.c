/* bind/detmath.c — _tuiyan.detmath: tuiyan's own exp, log and pow (core/detmath.h) for the
 * stdlib, in place of math.exp, math.log and the ^ operator, whose glibc versions give different
 * last bits on different CPUs. A number that reaches an output goes through these. */
#include "bind/bind.h"
#include "core/detmath.h"

#include <lauxlib.h>

static int dm_exp(lua_State *L)
{
    lua_pushnumber(L, ty_exp(luaL_checknumber(L, 1)));
    return 1;
}

/* log(x [, base]): natural log, or ty_log(x) / ty_log(base) */
static int dm_log(lua_State *L)
{
    double x = luaL_checknumber(L, 1);
    if (lua_isnoneornil(L, 2)) lua_pushnumber(L, ty_log(x));
    else lua_pushnumber(L, ty_log(x) / ty_log(luaL_checknumber(L, 2)));
    return 1;
}

static int dm_pow(lua_State *L)
{
    lua_pushnumber(L, ty_pow(luaL_checknumber(L, 1), luaL_checknumber(L, 2)));
    return 1;
}

static const luaL_Reg detmath_funcs[] = {
    {"exp", dm_exp},
    {"log", dm_log},
    {"pow", dm_pow},
    {NULL, NULL}
};

int luaopen_tuiyan_detmath(lua_State *L)
{
    luaL_newlib(L, detmath_funcs);
    return 1;
}
