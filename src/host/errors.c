/* errors.c — tuiyan.Error, the error object that carries an exit code and a place.
 * Bindings raise it for bad data (exit 3), bad usage (2), unwritable output (6), so a script
 * that does `assert(plan.load(path))` still exits with the code that names the failure. */
#include "host.h"

#include <lauxlib.h>
#include <stdio.h>
#include <string.h>

static int error_tostring(lua_State *L)
{
    lua_getfield(L, 1, "message");
    if (!lua_isstring(L, -1)) {
        lua_pop(L, 1);
        lua_pushliteral(L, "error");
    }
    return 1;
}

void host_error_meta(lua_State *L)
{
    if (luaL_newmetatable(L, TY_ERROR_META)) {
        lua_pushcfunction(L, error_tostring);
        lua_setfield(L, -2, "__tostring");
        lua_pushliteral(L, "tuiyan.Error");
        lua_setfield(L, -2, "__name");
    }
    lua_pop(L, 1);
}

void host_push_error(lua_State *L, const TyError *e)
{
    char buf[1200];
    host_error_meta(L);
    lua_createtable(L, 0, 6);
    lua_pushinteger(L, e->code == TY_ENOMEM ? EXIT_LIMIT : (int)e->code);
    lua_setfield(L, -2, "code");
    lua_pushstring(L, e->msg);
    lua_setfield(L, -2, "msg");
    if (e->file[0]) {
        lua_pushstring(L, e->file);
        lua_setfield(L, -2, "file");
    }
    if (e->line > 0) {
        lua_pushinteger(L, e->line);
        lua_setfield(L, -2, "line");
    }
    if (e->col > 0) {
        lua_pushinteger(L, e->col);
        lua_setfield(L, -2, "col");
    }
    lua_pushstring(L, ty_error_format(e, buf, sizeof buf));
    lua_setfield(L, -2, "message");
    luaL_setmetatable(L, TY_ERROR_META);
}

int host_raise(lua_State *L, const TyError *e)
{
    host_push_error(L, e);
    return lua_error(L);
}

int host_fail(lua_State *L, const TyError *e)
{
    lua_pushnil(L);
    host_push_error(L, e);
    return 2;
}
