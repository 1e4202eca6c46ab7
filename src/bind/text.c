/* bind/text.c — _tuiyan.text: display width for aligning Chinese text, numbers written so they
 * read back equal, and the strict number parser for values typed by analysts. */
#include "bind/bind.h"
#include "core/suggest.h"
#include "host/host.h"
#include "io/number.h"
#include "io/utf8.h"

#include <lauxlib.h>
#include <math.h>

/* width(s) -> integer: terminal columns (CJK = 2). Invalid UTF-8 raises. */
static int text_width(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    TyUtf8Error ue;
    luaL_argcheck(L, utf8_validate(s, len, &ue), 1, "not valid UTF-8");
    lua_pushinteger(L, (lua_Integer)utf8_width(s, len));
    return 1;
}

/* number(x) -> string: shortest text that reads back to x; "null" never: NaN raises. */
static int text_number(lua_State *L)
{
    double x = luaL_checknumber(L, 1);
    luaL_argcheck(L, isfinite(x), 1, "finite number expected");
    char buf[40];
    lua_pushstring(L, number_format(x, buf, sizeof buf));
    return 1;
}

/* rounded(x, d) -> string | nil: a float x at d decimals (d < 0: the "other" units' rule) as
 * tuiyan.format writes it in CSV (number_format_rounded); nil for an integer or anything it does
 * not take (the caller then formats it in Lua). */
static int text_rounded(lua_State *L)
{
    char buf[40];
    if (lua_type(L, 1) != LUA_TNUMBER || lua_isinteger(L, 1)
        || !number_format_rounded(lua_tonumber(L, 1), (int)luaL_checkinteger(L, 2), buf, sizeof buf)) {
        lua_pushnil(L);
        return 1;
    }
    lua_pushstring(L, buf);
    return 1;
}

/* parse_number(s [, opts]) -> number | nil (missing) | false, why, col
 * opts: { grouping = bool, percent = bool } */
static int text_parse_number(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    unsigned flags = 0;
    if (!lua_isnoneornil(L, 2)) {
        luaL_checktype(L, 2, LUA_TTABLE);
        if (lua_getfield(L, 2, "grouping") != LUA_TNIL && lua_toboolean(L, -1)) flags |= NUM_ALLOW_GROUPING;
        if (lua_getfield(L, 2, "percent") != LUA_TNIL && lua_toboolean(L, -1)) flags |= NUM_ALLOW_PERCENT;
        lua_pop(L, 2);
    }
    TyNumResult r;
    switch (number_parse(s, len, flags, &r)) {
    case NUM_VALUE: lua_pushnumber(L, r.value); return 1;
    case NUM_MISSING: lua_pushnil(L); return 1;
    default:
        lua_pushboolean(L, 0);
        lua_pushstring(L, r.why);
        lua_pushinteger(L, r.col);
        return 3;
    }
}

/* distance(a, b [, limit]) -> integer: edit distance in code points (core/suggest.h); above
 * limit (default 8) it is limit + 1. */
static int text_distance(lua_State *L)
{
    const char *a = luaL_checkstring(L, 1), *b = luaL_checkstring(L, 2);
    lua_Integer limit = luaL_optinteger(L, 3, 8);
    luaL_argcheck(L, limit >= 0 && limit <= TY_SUGGEST_MAX_CPS, 3, "0..128 expected");
    lua_pushinteger(L, ty_edit_distance(a, b, (int)limit));
    return 1;
}

/* closest(word, { name, ... }) -> the name a misspelt word most likely meant, or nil (none
 * close enough; the word itself is never suggested). Non-string entries are skipped. */
static int text_closest(lua_State *L)
{
    const char *word = luaL_checkstring(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_Integer n = luaL_len(L, 2);
    luaL_argcheck(L, n >= 0 && n <= 1000000, 2, "list too long");
    if (n == 0) return 0;
    const char **cands = lua_newuserdatauv(L, (size_t)n * sizeof *cands, 0);
    for (lua_Integer i = 1; i <= n; i++) {
        int t = lua_rawgeti(L, 2, i);
        cands[i - 1] = t == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
        lua_pop(L, 1);   /* the string stays alive: the table holds it */
    }
    long best = ty_closest(word, cands, (size_t)n);
    if (best < 0) return 0;
    lua_rawgeti(L, 2, (lua_Integer)best + 1);
    return 1;
}

static const luaL_Reg text_funcs[] = {
    {"distance", text_distance},
    {"closest", text_closest},
    {"width", text_width},
    {"number", text_number},
    {"rounded", text_rounded},
    {"parse_number", text_parse_number},
    {NULL, NULL}
};

int luaopen_tuiyan_text(lua_State *L)
{
    luaL_newlib(L, text_funcs);
    return 1;
}
