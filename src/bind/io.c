/* bind/io.c — _tuiyan.io: the file operations the stdlib needs, all through src/io so every
 * write is atomic. Expected failures (missing file, unwritable directory) return nil, err
 * (a tuiyan.Error); misuse raises. */
#include "bind/bind.h"
#include "host/host.h"
#include "io/atomic.h"
#include "io/outlock.h"

#include <errno.h>
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define READ_CAP_DEFAULT ((size_t)256 << 20)

/* read_file(path [, max_bytes]) -> string | nil, err */
static int io_read_file(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    lua_Integer cap = luaL_optinteger(L, 2, (lua_Integer)READ_CAP_DEFAULT);
    luaL_argcheck(L, cap > 0, 2, "cap must be positive");
    TyError err;
    char *buf = NULL;
    size_t len = 0;
    ty_error_clear(&err);
    if (file_read_all(path, (size_t)cap, &buf, &len, &err) != TY_OK) return host_fail(L, &err);
    lua_pushlstring(L, buf, len);
    free(buf);
    return 1;
}

/* write_atomic(path, data [, secret]) -> true | nil, err */
static int io_write_atomic(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    size_t len;
    const char *data = luaL_checklstring(L, 2, &len);
    int secret = lua_toboolean(L, 3);
    TyError err;
    ty_error_clear(&err);
    if (atomic_write_file(path, data, len, secret, &err) != TY_OK) return host_fail(L, &err);
    lua_pushboolean(L, 1);
    return 1;
}

/* write_all({ {path =, data =}, ... }) -> true | nil, err : all the files or none (atomic.h). */
static int io_write_all(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_Integer n = luaL_len(L, 1);
    luaL_argcheck(L, n >= 0 && n <= 100000, 1, "too many files");
    const char **paths = lua_newuserdatauv(L, (size_t)(n ? n : 1) * sizeof *paths, 0);
    const char **bufs = lua_newuserdatauv(L, (size_t)(n ? n : 1) * sizeof *bufs, 0);
    size_t *lens = lua_newuserdatauv(L, (size_t)(n ? n : 1) * sizeof *lens, 0);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, 1, i);                       /* kept on the stack: the strings stay alive */
        luaL_argcheck(L, lua_istable(L, -1), 1, "a list of {path =, data =} expected");
        lua_getfield(L, -1, "path");
        paths[i - 1] = luaL_checkstring(L, -1);
        lua_getfield(L, -2, "data");
        bufs[i - 1] = luaL_checklstring(L, -1, &lens[i - 1]);
        luaL_checkstack(L, 3, "write_all");
    }
    TyError err;
    ty_error_clear(&err);
    if (atomic_write_all((size_t)n, paths, bufs, lens, &err) != TY_OK) return host_fail(L, &err);
    lua_pushboolean(L, 1);
    return 1;
}

/* same_file(a, b) -> boolean: both exist and are the same inode */
static int io_same_file(lua_State *L)
{
    lua_pushboolean(L, path_same_file(luaL_checkstring(L, 1), luaL_checkstring(L, 2)));
    return 1;
}

/* kind(path) -> "file" | "dir" | "other" | nil */
static int io_kind(lua_State *L)
{
    struct stat st;
    if (stat(luaL_checkstring(L, 1), &st) != 0) return 0;
    if (S_ISREG(st.st_mode)) lua_pushliteral(L, "file");
    else if (S_ISDIR(st.st_mode)) lua_pushliteral(L, "dir");
    else lua_pushliteral(L, "other");
    return 1;
}

/* realpath(path) -> the canonical absolute path (links and . resolved) | nil when it does not
 * exist. Where results may go is decided on this, never on the spelling of a path. */
static int io_realpath(lua_State *L)
{
    char *r = realpath(luaL_checkstring(L, 1), NULL);
    if (r == NULL) return 0;
    lua_pushstring(L, r);
    free(r);
    return 1;
}

/* lock_out(dir, wait) -> true | false, holder_pid : the results directory's writer lock, held
 * until the process exits (the descriptor is never closed); raises for a lock that cannot be
 * made at all (exit 6). */
static int io_lock_out(lua_State *L)
{
    const char *dir = luaL_checkstring(L, 1);
    int wait = lua_toboolean(L, 2);
    int fd;
    long holder;
    TyError err;
    switch (outlock_acquire(dir, wait, &fd, &holder, &err)) {
    case LOCK_HELD: lua_pushboolean(L, 1); return 1;
    case LOCK_BUSY: lua_pushboolean(L, 0); lua_pushinteger(L, holder); return 2;
    default: return host_raise(L, &err);
    }
}

/* sweep_temps(dir) -> n : removes dead writers' temps from dir */
static int io_sweep_temps(lua_State *L)
{
    lua_pushinteger(L, outlock_sweep_temps(luaL_checkstring(L, 1)));
    return 1;
}

/* mkdir_p(path) -> true | nil, err : creates the directory and its parents (mode 0755) */
static int io_mkdir_p(lua_State *L)
{
    size_t len;
    const char *path = luaL_checklstring(L, 1, &len);
    luaL_argcheck(L, len > 0 && len < 4096, 1, "path must be 1..4095 bytes");
    char buf[4096];
    memcpy(buf, path, len + 1);
    for (size_t i = 1; i <= len; i++) {
        if (buf[i] != '/' && buf[i] != '\0') continue;
        char saved = buf[i];
        buf[i] = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST) {
            TyError err;
            ty_error_set(&err, TY_EOUTPUT, "cannot create directory %s: %s", buf, strerror(errno));
            return host_fail(L, &err);
        }
        buf[i] = saved;
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        TyError err;
        ty_error_set(&err, TY_EOUTPUT, "cannot create directory %s: not a directory", path);
        return host_fail(L, &err);
    }
    lua_pushboolean(L, 1);
    return 1;
}

static const luaL_Reg io_funcs[] = {
    {"read_file", io_read_file},
    {"write_atomic", io_write_atomic},
    {"write_all", io_write_all},
    {"same_file", io_same_file},
    {"kind", io_kind},
    {"mkdir_p", io_mkdir_p},
    {"realpath", io_realpath},
    {"lock_out", io_lock_out},
    {"sweep_temps", io_sweep_temps},
    {NULL, NULL}
};

int luaopen_tuiyan_io(lua_State *L)
{
    luaL_newlib(L, io_funcs);
    return 1;
}
