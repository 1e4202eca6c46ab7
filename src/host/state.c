/* state.c — building a lua_State for tuiyan: which libraries it gets (one table), and the
 * embedded stdlib registered in package.preload under chunk names that point at real files. */
#include "host.h"
#include "embedded.h"
#include "bind/bind.h"

#include <lauxlib.h>
#include <lualib.h>
#include <string.h>

/* Native modules, by the name `require` knows them. Private modules start with '_'. */
static const luaL_Reg native_modules[] = {
    {"_tuiyan.plan", luaopen_tuiyan_plan},
    {"_tuiyan.register", luaopen_tuiyan_register},
    {"_tuiyan.register_pay", luaopen_tuiyan_register_pay},
    {"_tuiyan.io", luaopen_tuiyan_io},
    {"_tuiyan.text", luaopen_tuiyan_text},
    {"_tuiyan.json", luaopen_tuiyan_json},
    {"_tuiyan.host", luaopen_tuiyan_host},
    {"_tuiyan.model", luaopen_tuiyan_model},
    {"_tuiyan.schedule", luaopen_tuiyan_schedule},
    {"_tuiyan.crypto", luaopen_tuiyan_crypto},
    {"_tuiyan.sandbox", luaopen_tuiyan_sandbox},
    {"_tuiyan.mc", luaopen_tuiyan_mc},
    {"_tuiyan.package", luaopen_tuiyan_package},
    {"_tuiyan.readline", luaopen_tuiyan_readline},
    {"_tuiyan.regions", luaopen_tuiyan_regions},
    {"_tuiyan.csv", luaopen_tuiyan_csv},
    {"_tuiyan.xlsx", luaopen_tuiyan_xlsx},
    {"_tuiyan.doctext", luaopen_tuiyan_doctext},
    {"_tuiyan.detmath", luaopen_tuiyan_detmath},
    {"_tuiyan.optim", luaopen_tuiyan_optim},
    {NULL, NULL}
};

const TyEmbedded *embedded_find(const char *path)
{
    for (size_t i = 0; i < ty_embedded_count; i++)
        if (strcmp(ty_embedded[i].path, path) == 0) return &ty_embedded[i];
    return NULL;
}

/* "stdlib/tuiyan/models/wuwei.lua" -> "tuiyan.models.wuwei"; ".../init.lua" names its folder;
 * "lua/cli.lua" -> "_host.cli". Returns 0 for files that are not modules. [-0, +1|0, m] */
static int push_module_name(lua_State *L, const char *path)
{
    const char *rel;
    luaL_Buffer b;
    size_t len = strlen(path);
    if (len < 5 || strcmp(path + len - 4, ".lua") != 0) return 0;
    luaL_buffinit(L, &b);
    if (strncmp(path, "stdlib/", 7) == 0) {
        rel = path + 7;
    } else if (strncmp(path, "lua/", 4) == 0) {
        rel = path + 4;
        luaL_addstring(&b, "_host.");
    } else {
        luaL_pushresult(&b);
        lua_pop(L, 1);
        return 0;
    }
    size_t rlen = strlen(rel) - 4;
    if (rlen >= 5 && strncmp(rel + rlen - 5, "/init", 5) == 0) rlen -= 5;
    for (size_t i = 0; i < rlen; i++)
        luaL_addchar(&b, rel[i] == '/' ? '.' : rel[i]);
    luaL_pushresult(&b);
    return 1;
}

/* package.preload loader for one embedded file (upvalue: its index). */
static int load_embedded(lua_State *L)
{
    const TyEmbedded *f = &ty_embedded[lua_tointeger(L, lua_upvalueindex(1))];
    lua_pushfstring(L, "@%s", f->path);
    const char *chunkname = lua_tostring(L, -1);
    if (luaL_loadbufferx(L, (const char *)f->data, f->len, chunkname, "t") != LUA_OK)
        return lua_error(L);
    lua_pushvalue(L, 1);                 /* module name */
    lua_pushstring(L, f->path);          /* where it came from, as require passes */
    lua_call(L, 2, 1);
    return 1;
}

void host_preload(lua_State *L)
{
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);   /* [preload] */
    for (const luaL_Reg *m = native_modules; m->name; m++) {
        lua_pushcfunction(L, m->func);
        lua_setfield(L, -2, m->name);
    }
    for (size_t i = 0; i < ty_embedded_count; i++) {
        if (!push_module_name(L, ty_embedded[i].path)) continue;   /* [preload, name] */
        lua_pushinteger(L, (lua_Integer)i);
        lua_pushcclosure(L, load_embedded, 1);
        lua_settable(L, -3);
    }
    lua_pop(L, 1);
    host_error_meta(L);
}

void host_open_trusted(lua_State *L)
{
    luaL_openlibs(L);
    host_preload(L);
}
