/* bind/sandbox.c — _tuiyan.sandbox: spawn(spec) runs one package scenario in a sandbox child
 * (host/sandbox.h) and reports what became of it; lua/sandbox.lua builds the spec and turns the
 * outcome into results or a tuiyan.Error. Raises for misuse and when no child could be started. */
#include "bind/bind.h"
#include "host/host.h"
#include "host/sandbox.h"

#include <lauxlib.h>
#include <math.h>
#include <string.h>

#define OUTCOME_META "tuiyan.sandbox.Outcome"

typedef struct SpawnCtx {
    lua_State *L;
    int spec;
} SpawnCtx;

static int spawn_child(void *ud, int reply_fd, const TySandboxLimits *lim)
{
    SpawnCtx *c = ud;
    sandbox_child_main(c->L, c->spec, reply_fd, lim);
}

static double limit_field(lua_State *L, int t, const char *name, double lo, double hi)
{
    lua_getfield(L, t, name);
    int isnum = 0;
    double v = lua_tonumberx(L, -1, &isnum);
    if (!isnum || !(v >= lo && v <= hi))
        luaL_error(L, "bad argument #1 to 'spawn' (limits.%s must be a number in %g..%g)", name, lo, hi);
    lua_pop(L, 1);
    return v;
}

static int outcome_gc(lua_State *L)
{
    sandbox_outcome_free(luaL_checkudata(L, 1, OUTCOME_META));
    return 0;
}

static const char *end_name(TySandboxEnd end)
{
    switch (end) {
    case SANDBOX_EXITED: return "exited";
    case SANDBOX_SIGNALED: return "signaled";
    case SANDBOX_WALL: return "wall";
    case SANDBOX_REPLY_CAP: return "reply_cap";
    }
    return "?";
}

/* spawn(spec) -> { ["end"] = "exited"|"signaled"|"wall"|"reply_cap", status, signal,
 *                  signal_text, cpu_seconds, wall_seconds, reply, setup_failed, landlock }
 * landlock: whether Landlock confined the child's reading to spec.root and spec.data.
 * spec: { root = DIR, data = DIR|nil, limits = { cpu_seconds, wall_seconds, memory_bytes,
 *         instructions, reply_bytes }, ... } — the rest is read by lua/sandbox_child.lua. */
static int sandbox_lspawn(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    TySandboxDirs dirs = {NULL, NULL};        /* anchored in the spec, which stays at index 1 */
    lua_getfield(L, 1, "root");
    luaL_argcheck(L, lua_type(L, -1) == LUA_TSTRING, 1, "spec.root must be a directory name");
    dirs.root = lua_tostring(L, -1);
    lua_pop(L, 1);
    lua_getfield(L, 1, "data");
    luaL_argcheck(L, lua_isnil(L, -1) || lua_type(L, -1) == LUA_TSTRING, 1, "spec.data must be a directory name");
    dirs.data = lua_tostring(L, -1);
    lua_pop(L, 1);
    luaL_argcheck(L, lua_getfield(L, 1, "limits") == LUA_TTABLE, 1, "spec.limits must be a table");
    TySandboxLimits lim;
    lim.cpu_seconds = limit_field(L, 2, "cpu_seconds", 1, 86400);
    lim.wall_seconds = limit_field(L, 2, "wall_seconds", 0.01, 86400);
    lim.memory_bytes = (size_t)limit_field(L, 2, "memory_bytes", 1 << 20, 1024.0 * (1 << 30));
    lim.instructions = (long long)limit_field(L, 2, "instructions", 1, 9e18);
    lim.reply_bytes = (size_t)limit_field(L, 2, "reply_bytes", 1024, 64.0 * (1 << 30));
    lua_pop(L, 1);
    TySandboxOutcome *out = lua_newuserdatauv(L, sizeof *out, 0);   /* [spec, box] */
    memset(out, 0, sizeof *out);
    luaL_setmetatable(L, OUTCOME_META);
    SpawnCtx c = {L, 1};
    TyError err;
    ty_error_clear(&err);
    if (sandbox_spawn(&lim, &dirs, spawn_child, &c, out, &err) != TY_OK) return host_raise(L, &err);
    lua_createtable(L, 0, 9);
    lua_pushstring(L, end_name(out->end));
    lua_setfield(L, -2, "end");
    lua_pushinteger(L, out->status);
    lua_setfield(L, -2, "status");
    lua_pushboolean(L, out->end == SANDBOX_EXITED && out->status == SANDBOX_SETUP_FAILED);
    lua_setfield(L, -2, "setup_failed");
    lua_pushinteger(L, out->signal);
    lua_setfield(L, -2, "signal");
    if (out->signal) {
        const char *text = strsignal(out->signal);
        lua_pushstring(L, text ? text : "unknown signal");
        lua_setfield(L, -2, "signal_text");
    }
    lua_pushnumber(L, out->cpu_seconds);
    lua_setfield(L, -2, "cpu_seconds");
    lua_pushnumber(L, out->wall_seconds);
    lua_setfield(L, -2, "wall_seconds");
    lua_pushboolean(L, out->landlock);
    lua_setfield(L, -2, "landlock");
    lua_pushlstring(L, out->reply ? out->reply : "", out->reply_len);
    lua_setfield(L, -2, "reply");
    sandbox_outcome_free(out);
    return 1;
}

static const luaL_Reg sandbox_funcs[] = {
    {"spawn", sandbox_lspawn},
    {NULL, NULL}
};

int luaopen_tuiyan_sandbox(lua_State *L)
{
    if (luaL_newmetatable(L, OUTCOME_META)) {
        lua_pushcfunction(L, outcome_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_pop(L, 1);
    luaL_newlib(L, sandbox_funcs);
    return 1;
}
