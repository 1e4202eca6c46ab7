/* host.h — setting up a lua_State for tuiyan and running chunks in it. */
#ifndef TY_HOST_H
#define TY_HOST_H

#include <lua.h>
#include "core/error.h"

/* Exit codes of DESIGN.md, by name. */
enum {
    EXIT_OK_ = 0,
    EXIT_SCRIPT = 1,
    EXIT_USAGE = 2,
    EXIT_DATA = 3,
    EXIT_PACKAGE = 4,
    EXIT_LIMIT = 5,
    EXIT_OUTPUT = 6,
    EXIT_INTERNAL = 70
};

#define TY_ERROR_META "tuiyan.Error"

/* Makes L a trusted state: the full Lua standard library, tuiyan's native modules and the
 * embedded stdlib registered in package.preload. Call inside a protected call. [-0, +0, m] */
void host_open_trusted(lua_State *L);

/* Registers every native module and embedded Lua module in package.preload. [-0, +0, e] */
void host_preload(lua_State *L);

/* The message handler for lua_pcall: tuiyan.Error objects with code != 1 pass unchanged (a
 * data error needs no traceback); anything else becomes a string with a traceback. [-1, +1, m] */
int host_msghandler(lua_State *L);

/* lua_pcall through host_msghandler. [-(nargs+1), +(nres|1), -] */
int host_docall(lua_State *L, int nargs, int nres);

/* Prints the error at the top of the stack to stderr, prefixed "tuiyan: ", pops it, and
 * returns the exit code it stands for. [-1, +0, -] */
int host_report(lua_State *L, int status);

/* Error objects (tuiyan.Error): a table {code, msg, file, line, col} whose __tostring
 * gives "file:line:col: msg". [-0, +1, m] */
void host_push_error(lua_State *L, const TyError *e);
/* Raises e as a tuiyan.Error. */
int host_raise(lua_State *L, const TyError *e);
/* The expected-failure channel: pushes nil and the error object, returns 2. */
int host_fail(lua_State *L, const TyError *e);
/* Creates the tuiyan.Error metatable if needed. [-0, +0, m] */
void host_error_meta(lua_State *L);

#endif
