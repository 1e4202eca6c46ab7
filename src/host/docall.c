/* docall.c — running chunks: the message handler, protected calls, and turning an error into
 * a message on stderr and an exit code. */
#include "host.h"

#include <lauxlib.h>
#include <stdio.h>
#include <string.h>

/* The error's exit code if it is a tuiyan.Error, else 0. [-0, +0, -] */
static int error_code(lua_State *L, int idx)
{
    if (lua_type(L, idx) != LUA_TTABLE || !lua_getmetatable(L, idx)) return 0;
    luaL_getmetatable(L, TY_ERROR_META);
    int same = lua_rawequal(L, -1, -2);
    lua_pop(L, 2);
    if (!same) return 0;
    lua_getfield(L, idx, "code");
    int code = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
    return code;
}

int host_msghandler(lua_State *L)
{
    int code = error_code(L, 1);
    if (code != 0 && code != EXIT_SCRIPT) return 1;   /* data/usage/output: no traceback */
    const char *msg;
    if (code == EXIT_SCRIPT) {
        if (lua_getfield(L, 1, "traced") != LUA_TNIL) {   /* a traceback is already in it */
            lua_pop(L, 1);
            return 1;
        }
        lua_pop(L, 1);
        lua_getfield(L, 1, "message");
        msg = lua_tostring(L, -1);
    } else {
        msg = lua_tostring(L, 1);
    }
    if (msg == NULL) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
            return 1;   /* an object with its own text: no traceback wanted by its author */
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    luaL_traceback(L, L, msg, 1);
    return 1;
}

int host_docall(lua_State *L, int nargs, int nres)
{
    int base = lua_gettop(L) - nargs;
    lua_pushcfunction(L, host_msghandler);
    lua_insert(L, base);
    int status = lua_pcall(L, nargs, nres, base);
    lua_remove(L, base);
    return status;
}

int host_report(lua_State *L, int status)
{
    int code = EXIT_SCRIPT;
    if (status == LUA_ERRMEM) code = EXIT_LIMIT;
    int obj = error_code(L, -1);
    if (obj != 0) code = obj;
    const char *msg = luaL_tolstring(L, -1, NULL);
    fprintf(stderr, "tuiyan: %s\n", msg);
    fflush(stderr);
    lua_pop(L, 2);
    return code;
}
