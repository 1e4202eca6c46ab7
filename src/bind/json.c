/* bind/json.c — _tuiyan.json: Lua values <-> JSON through src/io/json (strict reading,
 * deterministic writing). Object keys are written in the order a metatable's __jsonorder
 * lists them, then the rest sorted bytewise, so output never depends on pairs() order.
 * json.null stands for null; a table whose metatable has __jsonarray is an array even when
 * empty. Decoded objects remember their key order; decoded arrays are marked as arrays. */
#include "bind/bind.h"
#include "host/host.h"
#include "io/json.h"
#include "io/utf8.h"

#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define JSON_MAX_DEPTH 100
#define JSON_NULL_KEY "tuiyan.json.null"

static void push_null(lua_State *L)
{
    lua_pushlightuserdata(L, NULL);
}

static int is_null(lua_State *L, int idx)
{
    return lua_islightuserdata(L, idx) && lua_touserdata(L, idx) == NULL;
}

/* Every item is attached to its parent as soon as it is made, and the root lives in a userdata
 * with __gc, so an error raised halfway through leaks nothing. */
static void encode_into(lua_State *L, int idx, int depth, cJSON *parent, const char *key);

/* Does the table at idx have metafield `field` set to a true value? */
static int has_metaflag(lua_State *L, int idx, const char *field)
{
    int yes = 0;
    if (luaL_getmetafield(L, idx, field) != LUA_TNIL) {
        yes = lua_toboolean(L, -1);
        lua_pop(L, 1);
    }
    return yes;
}

/* Array: marked, or keys exactly 1..n with n >= 1. */
static int table_is_array(lua_State *L, int idx, lua_Integer *n)
{
    *n = (lua_Integer)lua_rawlen(L, idx);
    if (has_metaflag(L, idx, "__jsonarray")) return 1;
    if (*n == 0) return 0;
    lua_Integer count = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        count++;
    }
    return count == *n;
}

static int compare_keys(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Keys of the table at idx: first those in __jsonorder present in the table, then the others
 * sorted bytewise. Pushed as a Lua array. [-0, +1, e] */
static void push_ordered_keys(lua_State *L, int idx)
{
    lua_newtable(L);
    int keys = lua_gettop(L);
    lua_Integer nk = 0;
    lua_newtable(L);
    int seen = lua_gettop(L);
    if (luaL_getmetafield(L, idx, "__jsonorder") != LUA_TNIL) {
        if (lua_type(L, -1) == LUA_TTABLE) {
            lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
            for (lua_Integer i = 1; i <= n; i++) {
                lua_rawgeti(L, -1, i);                          /* [.., order, key] */
                int keep = 0;
                if (lua_type(L, -1) == LUA_TSTRING) {
                    lua_pushvalue(L, -1);
                    keep = lua_rawget(L, idx) != LUA_TNIL;
                    lua_pop(L, 1);
                    lua_pushvalue(L, -1);
                    keep = keep && lua_rawget(L, seen) == LUA_TNIL;
                    lua_pop(L, 1);
                }
                if (keep) {
                    lua_pushvalue(L, -1);
                    lua_rawseti(L, keys, ++nk);
                    lua_pushboolean(L, 1);
                    lua_rawset(L, seen);                        /* pops the key */
                } else {
                    lua_pop(L, 1);
                }
            }
        }
        lua_pop(L, 1);
    }
    lua_Integer nrest = 0;
    lua_newtable(L);                                            /* [keys, seen, rest] */
    int rest = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "cannot encode a table with a %s key as JSON", luaL_typename(L, -1));
        lua_pushvalue(L, -1);
        int dup = lua_rawget(L, seen) != LUA_TNIL;
        lua_pop(L, 1);
        if (!dup) {
            lua_pushvalue(L, -1);
            lua_rawseti(L, rest, ++nrest);
        }
    }
    if (nrest > 0) {
        const char **sorted = lua_newuserdatauv(L, (size_t)nrest * sizeof *sorted, 0);
        for (lua_Integer i = 1; i <= nrest; i++) {
            lua_rawgeti(L, rest, i);
            sorted[i - 1] = lua_tostring(L, -1);   /* anchored in `rest` */
            lua_pop(L, 1);
        }
        qsort(sorted, (size_t)nrest, sizeof *sorted, compare_keys);
        for (lua_Integer i = 0; i < nrest; i++) {
            lua_pushstring(L, sorted[i]);
            lua_rawseti(L, keys, ++nk);
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 2);                                              /* [keys] */
}

static void attach(lua_State *L, cJSON *parent, const char *key, cJSON *item)
{
    if (!item) luaL_error(L, "not enough memory");
    int ok = key ? cJSON_AddItemToObject(parent, key, item) : cJSON_AddItemToArray(parent, item);
    if (!ok) {
        cJSON_Delete(item);
        luaL_error(L, "not enough memory");
    }
}

static void encode_table(lua_State *L, int idx, int depth, cJSON *parent, const char *key)
{
    luaL_checkstack(L, 8, "JSON nesting");
    lua_Integer n;
    if (table_is_array(L, idx, &n)) {
        cJSON *arr = cJSON_CreateArray();
        attach(L, parent, key, arr);
        for (lua_Integer i = 1; i <= n; i++) {
            lua_rawgeti(L, idx, i);
            encode_into(L, lua_gettop(L), depth + 1, arr, NULL);
            lua_pop(L, 1);
        }
        return;
    }
    cJSON *obj = cJSON_CreateObject();
    attach(L, parent, key, obj);
    push_ordered_keys(L, idx);                                  /* [keys] */
    int keys = lua_gettop(L);
    lua_Integer nk = (lua_Integer)lua_rawlen(L, keys);
    for (lua_Integer i = 1; i <= nk; i++) {
        lua_rawgeti(L, keys, i);                                /* [keys, k] */
        lua_pushvalue(L, -1);
        lua_rawget(L, idx);                                     /* [keys, k, v] */
        encode_into(L, lua_gettop(L), depth + 1, obj, lua_tostring(L, -2));
        lua_pop(L, 2);
    }
    lua_pop(L, 1);
}

static void encode_into(lua_State *L, int idx, int depth, cJSON *parent, const char *key)
{
    if (depth > JSON_MAX_DEPTH)
        luaL_error(L, "cannot encode as JSON: nesting deeper than %d (a cycle?)", JSON_MAX_DEPTH);
    switch (lua_type(L, idx)) {
    case LUA_TNIL:
        attach(L, parent, key, cJSON_CreateNull());
        return;
    case LUA_TBOOLEAN:
        attach(L, parent, key, cJSON_CreateBool(lua_toboolean(L, idx)));
        return;
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) {
            lua_Integer i = lua_tointeger(L, idx);
            if (i > ((lua_Integer)1 << 53) || i < -((lua_Integer)1 << 53))
                luaL_error(L, "cannot encode integer %I exactly as JSON", i);
            attach(L, parent, key, cJSON_CreateNumber((double)i));
        } else {
            double x = lua_tonumber(L, idx);
            attach(L, parent, key, isfinite(x) ? cJSON_CreateNumber(x) : cJSON_CreateNull());
        }
        return;
    case LUA_TSTRING: {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        TyUtf8Error ue;
        if (strlen(s) != len || !utf8_validate(s, len, &ue))
            luaL_error(L, "cannot encode as JSON: string is not valid UTF-8 text");
        attach(L, parent, key, cJSON_CreateString(s));
        return;
    }
    case LUA_TTABLE:
        encode_table(L, idx, depth, parent, key);
        return;
    case LUA_TLIGHTUSERDATA:
        if (is_null(L, idx)) {
            attach(L, parent, key, cJSON_CreateNull());
            return;
        }
        break;
    default:
        break;
    }
    luaL_error(L, "cannot encode a %s value as JSON", luaL_typename(L, idx));
}

typedef struct TreeBox { cJSON *root; } TreeBox;

static int treebox_gc(lua_State *L)
{
    TreeBox *b = lua_touserdata(L, 1);
    cJSON_Delete(b->root);
    b->root = NULL;
    return 0;
}

/* encode(value [, pretty]) -> string */
static int json_encode(lua_State *L)
{
    luaL_checkany(L, 1);
    int pretty = lua_isnoneornil(L, 2) ? 1 : lua_toboolean(L, 2);
    lua_settop(L, 1);
    TreeBox *box = lua_newuserdatauv(L, sizeof *box, 0);        /* [v, box] */
    box->root = NULL;
    luaL_setmetatable(L, "tuiyan.json.tree");
    box->root = cJSON_CreateArray();
    if (!box->root) return luaL_error(L, "not enough memory");
    encode_into(L, 1, 0, box->root, NULL);
    char *text = json_print(box->root->child, pretty);
    if (!text) return luaL_error(L, "not enough memory");
    lua_pushstring(L, text);
    free(text);
    return 1;
}

static void set_meta_order(lua_State *L, int order)
{
    lua_createtable(L, 0, 1);
    lua_pushvalue(L, order);
    lua_setfield(L, -2, "__jsonorder");
    lua_setmetatable(L, -3);   /* the object sits below the order table and the metatable */
}

/* cJSON -> Lua. [-0, +1, m] */
static void decode_item(lua_State *L, const cJSON *it)
{
    luaL_checkstack(L, 6, "JSON nesting");
    if (cJSON_IsNull(it)) { push_null(L); return; }
    if (cJSON_IsBool(it)) { lua_pushboolean(L, cJSON_IsTrue(it)); return; }
    if (cJSON_IsNumber(it)) {
        double x = it->valuedouble;
        if (x == floor(x) && fabs(x) < 9007199254740992.0) lua_pushinteger(L, (lua_Integer)x);
        else lua_pushnumber(L, x);
        return;
    }
    if (cJSON_IsString(it)) { lua_pushstring(L, it->valuestring); return; }
    if (cJSON_IsArray(it)) {
        lua_newtable(L);
        lua_Integer i = 0;
        for (const cJSON *c = it->child; c; c = c->next) {
            decode_item(L, c);
            lua_rawseti(L, -2, ++i);
        }
        luaL_getmetatable(L, "tuiyan.json.array");
        lua_setmetatable(L, -2);
        return;
    }
    lua_newtable(L);                 /* [obj] */
    lua_newtable(L);                 /* [obj, order] */
    lua_Integer i = 0;
    for (const cJSON *c = it->child; c; c = c->next) {
        lua_pushstring(L, c->string);
        lua_rawseti(L, -2, ++i);
        decode_item(L, c);
        lua_setfield(L, -3, c->string);
    }
    set_meta_order(L, lua_gettop(L));
    lua_pop(L, 1);                   /* [obj] */
}

/* decode(text [, name]) -> value | nil, err */
static int json_decode(lua_State *L)
{
    size_t len;
    const char *text = luaL_checklstring(L, 1, &len);
    const char *name = luaL_optstring(L, 2, "(string)");
    TyJsonLimits lim;
    TyError err;
    json_limits_default(&lim);
    ty_error_clear(&err);
    cJSON *root = json_parse_buffer(name, text, len, &lim, &err);
    if (!root) return host_fail(L, &err);
    decode_item(L, root);
    cJSON_Delete(root);
    return 1;
}

static const luaL_Reg json_funcs[] = {
    {"encode", json_encode},
    {"decode", json_decode},
    {NULL, NULL}
};

int luaopen_tuiyan_json(lua_State *L)
{
    if (luaL_newmetatable(L, "tuiyan.json.tree")) {
        lua_pushcfunction(L, treebox_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_pop(L, 1);
    if (luaL_newmetatable(L, "tuiyan.json.array")) {
        lua_pushboolean(L, 1);
        lua_setfield(L, -2, "__jsonarray");
    }
    lua_pop(L, 1);
    luaL_newlib(L, json_funcs);
    push_null(L);
    lua_setfield(L, -2, "null");
    luaL_getmetatable(L, "tuiyan.json.array");
    lua_setfield(L, -2, "array_meta");
    return 1;
}
