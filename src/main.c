/* main.c — tuiyan's entry point: set up a state, run the CLI glue (lua/cli.lua) in protected
 * mode, turn the outcome into one of the exit codes of DESIGN.md. main only sets up and calls
 * pmain, so every error, even running out of memory, is caught and reported. A run that Ctrl-C
 * interrupted (host/interrupt.h) ends "tuiyan: interrupted", exit 130, whatever error its
 * unwinding left. */
#include "core/eval_kernels.h"
#include "host/host.h"
#include "host/interrupt.h"

#include <lauxlib.h>
#include <lualib.h>
#include <signal.h>
#include <stdio.h>

static int pmain(lua_State *L)
{
    int argc = (int)lua_tointeger(L, 1);
    char **argv = (char **)lua_touserdata(L, 2);
    host_open_trusted(L);
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    lua_pushcfunction(L, luaopen_host_interrupt);
    lua_setfield(L, -2, "_host.interrupt");
    lua_pop(L, 1);
    lua_getglobal(L, "require");
    lua_pushliteral(L, "_host.cli");
    int status = host_docall(L, 1, 1);             /* [cli] */
    if (status == LUA_OK) {
        lua_getfield(L, -1, "main");                /* [cli, main] */
        lua_createtable(L, argc, 0);
        for (int i = 1; i < argc; i++) {
            lua_pushstring(L, argv[i]);
            lua_rawseti(L, -2, i);
        }
        status = host_docall(L, 1, 1);              /* [cli, code] */
    }
    if (host_interrupt_pending()) {
        host_interrupt_disarm(L);
        lua_pushinteger(L, EXIT_INTERRUPTED);       /* main says so */
        return 1;
    }
    if (status != LUA_OK) {
        lua_pushinteger(L, host_report(L, status));
        return 1;
    }
    int isnum = 0;
    lua_Integer code = lua_tointegerx(L, -1, &isnum);
    lua_pushinteger(L, isnum ? code : 0);
    return 1;
}

int main(int argc, char **argv)
{
    /* A file larger than `ulimit -f` must be a failed write (exit 6, with a message, nothing
     * published), not death by SIGXFSZ. */
    signal(SIGXFSZ, SIG_IGN);
    /* TUIYAN_SIMD (core/eval_kernels.h): a bad value is a usage error here, not a script error
     * at the first model run. */
    const EvalKernels *kernels;
    TyError kerr;
    if (eval_kernels_get(&kernels, &kerr) != TY_OK) {
        fprintf(stderr, "tuiyan: %s\n", kerr.msg);
        return EXIT_USAGE;
    }
    lua_State *L = luaL_newstate();
    if (L == NULL) {
        fprintf(stderr, "tuiyan: cannot create a Lua state: not enough memory\n");
        return EXIT_INTERNAL;
    }
    lua_pushcfunction(L, pmain);
    lua_pushinteger(L, argc);
    lua_pushlightuserdata(L, argv);
    int status = lua_pcall(L, 2, 1, 0);
    int code;
    host_interrupt_disarm(L);
    if (host_interrupt_pending()) {
        fflush(stdout);
        fprintf(stderr, "tuiyan: interrupted\n");
        code = EXIT_INTERRUPTED;
    } else if (status != LUA_OK) {
        const char *msg = lua_tostring(L, -1);
        fprintf(stderr, "tuiyan: internal error: %s\n", msg ? msg : "(no message)");
        code = status == LUA_ERRMEM ? EXIT_LIMIT : EXIT_INTERNAL;
    } else {
        code = (int)lua_tointeger(L, -1);
    }
    lua_close(L);
    fflush(stdout);
    if (ferror(stdout)) {
        fprintf(stderr, "tuiyan: cannot write to standard output\n");
        if (code == 0) code = EXIT_OUTPUT;
    }
    return code;
}
