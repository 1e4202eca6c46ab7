/* bind/host.c — _tuiyan.host: the version, error objects with exit codes, and the files
 * embedded in the binary. Errors: raises only for misuse. */
#include "bind/bind.h"
#include "host/embedded.h"
#include "host/host.h"

#include <lauxlib.h>
#include <string.h>

static const struct { const char *name; int code; } exit_codes[] = {
    {"ok", 0}, {"script", EXIT_SCRIPT}, {"usage", EXIT_USAGE}, {"data", EXIT_DATA},
    {"package", EXIT_PACKAGE}, {"limit", EXIT_LIMIT}, {"output", EXIT_OUTPUT},
    {"internal", EXIT_INTERNAL},
};

/* error(code, msg [, file, line, col]) -> tuiyan.Error (not raised) */
static int host_error_new(lua_State *L)
{
    TyError e;
    ty_error_clear(&e);
    e.code = (TyStatus)luaL_checkinteger(L, 1);
    const char *msg = luaL_checkstring(L, 2);
    const char *file = luaL_optstring(L, 3, NULL);
    e.line = (int)luaL_optinteger(L, 4, 0);
    e.col = (int)luaL_optinteger(L, 5, 0);
    ty_error_at(&e, e.code, file, e.line, e.col, "%s", msg);
    host_push_error(L, &e);
    return 1;
}

/* is_error(v) -> boolean */
static int host_is_error(lua_State *L)
{
    int yes = 0;
    if (lua_type(L, 1) == LUA_TTABLE && lua_getmetatable(L, 1)) {
        luaL_getmetatable(L, TY_ERROR_META);
        yes = lua_rawequal(L, -1, -2);
        lua_pop(L, 2);
    }
    lua_pushboolean(L, yes);
    return 1;
}

/* embedded(path) -> string | nil */
static int host_embedded(lua_State *L)
{
    const TyEmbedded *f = embedded_find(luaL_checkstring(L, 1));
    if (!f) return 0;
    lua_pushlstring(L, (const char *)f->data, f->len);
    return 1;
}

/* embedded_list() -> { path, ... } in build order (sorted) */
static int host_embedded_list(lua_State *L)
{
    lua_createtable(L, (int)ty_embedded_count, 0);
    for (size_t i = 0; i < ty_embedded_count; i++) {
        lua_pushstring(L, ty_embedded[i].path);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static const luaL_Reg host_funcs[] = {
    {"error", host_error_new},
    {"is_error", host_is_error},
    {"embedded", host_embedded},
    {"embedded_list", host_embedded_list},
    {NULL, NULL}
};

int luaopen_tuiyan_host(lua_State *L)
{
    luaL_newlib(L, host_funcs);
    lua_pushliteral(L, TUIYAN_VERSION);
    lua_setfield(L, -2, "version");
    lua_createtable(L, 0, (int)(sizeof exit_codes / sizeof exit_codes[0]));
    for (size_t i = 0; i < sizeof exit_codes / sizeof exit_codes[0]; i++) {
        lua_pushinteger(L, exit_codes[i].code);
        lua_setfield(L, -2, exit_codes[i].name);
    }
    lua_setfield(L, -2, "exit");
    return 1;
}
