/* sandbox_state.c — the child side of a package run: a Lua state of its own (never
 * luaL_openlibs: the libraries come from one table, and lua/sandbox_child.lua prunes them to
 * lua/sandbox_policy.lua before any package code runs), an allocator with a cap, an instruction
 * budget in a count hook, a SIGXCPU handler that only sets a flag and calls lua_sethook, and the
 * reply written to the pipe. Once a limit is hit the run is over: the hook is re-armed to raise
 * at every instruction of every coroutine, so pcall cannot swallow it, and the reply says
 * "limit exceeded" whatever the script did with the error. */
#include "sandbox.h"
#include "embedded.h"
#include "host.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lualib.h>
#include <sodium.h>

/* The libraries a sandbox child's state gets; the policy then keeps only some of their names. */
static const luaL_Reg child_libs[] = {
    {LUA_GNAME, luaopen_base},
    {LUA_STRLIBNAME, luaopen_string},
    {LUA_TABLIBNAME, luaopen_table},
    {LUA_MATHLIBNAME, luaopen_math},
    {LUA_UTF8LIBNAME, luaopen_utf8},
    {LUA_COLIBNAME, luaopen_coroutine},
    {LUA_OSLIBNAME, luaopen_os},      /* for os.time/clock/date/difftime; the rest is pruned */
    {NULL, NULL}
};

/* Which limit ended the run; the number travels in an 'L' reply and the parent words the
 * message itself (lua/sandbox.lua LIMIT_KINDS), so no text of the package's can pass for one. */
enum { ABORT_NONE, ABORT_INSTRUCTIONS, ABORT_MEMORY, ABORT_CPU, ABORT_OUTPUTS, ABORT_OUTPUT_BYTES,
       ABORT_KINDS };

#define HOOK_INTERVAL 1000
#define MEMORY_RESERVE ((size_t)8 << 20)   /* lent after the cap is hit, to unwind and reply */
#define MESSAGE_MAX 65536
#define FD_META "tuiyan.sandbox.fd"

/* One run per process, so one context: the signal handler needs to find it. */
static struct ChildCtx {
    lua_State *L;
    size_t used, cap;
    long long budget, spent;
    volatile sig_atomic_t abort;
    int root_fd, data_fd;
    int log_ref;
    lua_State *parent;         /* the parent's state, copied by fork: only read, never grown */
    int verified_idx;          /* its stack slot of spec.data_bytes, or 0 */
    char message[ABORT_KINDS][256];
} ctx;

/* ---- limits ---- */

static void *child_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    (void)ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        ctx.used -= old;
        return NULL;
    }
    if (nsize > old) {
        size_t limit = ctx.cap + (ctx.abort ? MEMORY_RESERVE : 0);
        if (ctx.used > limit || nsize - old > limit - ctx.used) {
            if (!ctx.abort) ctx.abort = ABORT_MEMORY;
            return NULL;
        }
    }
    void *p = realloc(ptr, nsize);
    if (!p) {
        if (nsize <= old) return ptr;          /* Lua counts on shrinking never failing */
        if (!ctx.abort) ctx.abort = ABORT_MEMORY;
        return NULL;
    }
    ctx.used = ctx.used - old + nsize;
    return p;
}

/* Counts instructions; once any limit is hit, raises at every instruction of this thread. */
static void child_hook(lua_State *L, lua_Debug *ar)
{
    if (!ctx.abort) {
        if (ar->event == LUA_HOOKCOUNT) ctx.spent += HOOK_INTERVAL;
        if (ctx.spent <= ctx.budget) return;
        ctx.abort = ABORT_INSTRUCTIONS;
    }
    lua_sethook(L, child_hook, LUA_MASKCOUNT, 1);
    luaL_error(L, "%s", ctx.message[ctx.abort]);
}

/* RLIMIT_CPU's soft limit: only a flag and lua_sethook (lua.c's laction). If the script is
 * stuck inside a C function the hard limit's SIGKILL follows a second later. */
static void on_sigxcpu(int sig)
{
    (void)sig;
    if (!ctx.abort) ctx.abort = ABORT_CPU;
    lua_sethook(ctx.L, child_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
}

/* ---- sys: the bootstrap's private functions (never in a package's reach) ---- */

/* limit(which): ends the run with exit 5 for the limit named "outputs" or "output_bytes"
 * (or, once a limit was hit, the one already hit); raises. */
static int sys_limit(lua_State *L)
{
    static const char *const which[] = {"outputs", "output_bytes", NULL};
    int w = luaL_checkoption(L, 1, NULL, which);
    if (!ctx.abort) ctx.abort = w == 0 ? ABORT_OUTPUTS : ABORT_OUTPUT_BYTES;
    lua_sethook(L, child_hook, LUA_MASKCOUNT, 1);
    return luaL_error(L, "%s", ctx.message[ctx.abort]);
}

/* aborted() -> boolean */
static int sys_aborted(lua_State *L)
{
    lua_pushboolean(L, ctx.abort != 0);
    return 1;
}

/* set_notice(fn): where the plan reader's notices go (registry "tuiyan.notice", read by
 * bind/plan.c): the run's log, since this process's standard error is /dev/null. */
static int sys_set_notice(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_settop(L, 1);
    lua_setfield(L, LUA_REGISTRYINDEX, "tuiyan.notice");
    return 0;
}

/* getinfo(level [, "Sl"]) -> { source, short_src, what, currentline, linedefined,
 * lastlinedefined } | nil : debug.getinfo for the stdlib's "defined at file:line", levels only. */
static int sys_getinfo(lua_State *L)
{
    lua_Integer level = luaL_checkinteger(L, 1);
    const char *what = luaL_optstring(L, 2, "Sl");
    luaL_argcheck(L, what[strspn(what, "Sl")] == '\0', 2, "only \"S\" and \"l\" are available");
    lua_Debug ar;
    if (level < 0 || level > INT_MAX || !lua_getstack(L, (int)level, &ar)) return 0;
    lua_getinfo(L, "Sl", &ar);
    lua_createtable(L, 0, 6);
    lua_pushstring(L, ar.source);
    lua_setfield(L, -2, "source");
    lua_pushstring(L, ar.short_src);
    lua_setfield(L, -2, "short_src");
    lua_pushstring(L, ar.what);
    lua_setfield(L, -2, "what");
    lua_pushinteger(L, ar.currentline);
    lua_setfield(L, -2, "currentline");
    lua_pushinteger(L, ar.linedefined);
    lua_setfield(L, -2, "linedefined");
    lua_pushinteger(L, ar.lastlinedefined);
    lua_setfield(L, -2, "lastlinedefined");
    return 1;
}

/* traceback(message, level) -> string */
static int sys_traceback(lua_State *L)
{
    const char *msg = luaL_checkstring(L, 1);
    luaL_traceback(L, L, msg, (int)luaL_optinteger(L, 2, 1));
    return 1;
}

static void close_guard(int *fd)
{
    if (*fd >= 0) close(*fd);
    *fd = -1;
}

static int fd_gc(lua_State *L)
{
    close_guard(luaL_checkudata(L, 1, FD_META));
    return 0;
}

/* Is `path` relative, without empty, "." or ".." components, NUL or backslash? */
static int path_is_safe(const char *path, size_t len)
{
    if (len == 0 || len >= PATH_MAX || strlen(path) != len || path[0] == '/') return 0;
    if (strchr(path, '\\')) return 0;
    const char *p = path;
    for (;;) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.')) return 0;
        if (!slash) return 1;
        p = slash + 1;
    }
}

/* Opens path below dirfd, one component at a time, following no symbolic link. -1 + errno. */
static int open_beneath(int dirfd, const char *path)
{
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s", path);
    int cur = dirfd;
    char *comp = buf;
    for (;;) {
        char *slash = strchr(comp, '/');
        if (slash) *slash = '\0';
        int flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY |
                    (slash ? O_DIRECTORY : O_NONBLOCK);
        int fd;
        do fd = openat(cur, comp, flags);
        while (fd < 0 && errno == EINTR);
        int e = errno;
        if (cur != dirfd) close(cur);
        if (fd < 0) {
            errno = e;
            return -1;
        }
        if (!slash) return fd;
        cur = fd;
        comp = slash + 1;
    }
}

/* The verified bytes of package file `path` in the parent's spec.data_bytes (what verify_dir
 * read and hashed), or NULL. Found by walking the table: looking a key up would create the
 * key string in the parent's state, and nothing is allocated there. */
static const char *verified_bytes(const char *path, size_t plen, size_t *len)
{
    lua_State *P = ctx.parent;
    const char *found = NULL;
    if (!ctx.verified_idx || !lua_checkstack(P, 3)) return NULL;
    lua_pushnil(P);
    while (lua_next(P, ctx.verified_idx)) {              /* [.., key, value] */
        size_t kl;
        const char *k = lua_type(P, -2) == LUA_TSTRING ? lua_tolstring(P, -2, &kl) : NULL;
        if (k && kl == plen && memcmp(k, path, plen) == 0 && lua_type(P, -1) == LUA_TSTRING) {
            found = lua_tolstring(P, -1, len);           /* stays alive in the parent's table */
            lua_pop(P, 2);
            break;
        }
        lua_pop(P, 1);
    }
    return found;
}

/* Pushes the text and its SHA-256 (hex): the hash of exactly the bytes the run gets. [-0, +2] */
static int push_read(lua_State *L, const char *data, size_t size)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    char hex[2 * crypto_hash_sha256_BYTES + 1];
    crypto_hash_sha256(h, (const unsigned char *)data, size);
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    lua_pushlstring(L, data, size);
    lua_pushstring(L, hex);
    return 2;
}

/* read(where, path) -> string, sha256 | nil, message, reason : a file of the package ("root")
 * or of the county's data directory ("data"). An installed package's files come from the bytes
 * the parent verified (spec.data_bytes), never from a second read of the store; a county's file
 * is hashed here, as read, so the manifest's hash is that of the bytes the run parsed.
 * reason: "missing", "unsafe", "large" or "unreadable". */
static int sys_read(lua_State *L)
{
    static const char *const wheres[] = {"root", "data", NULL};
    int which = luaL_checkoption(L, 1, NULL, wheres);
    size_t plen;
    const char *path = luaL_checklstring(L, 2, &plen);
    int dirfd = which == 0 ? ctx.root_fd : ctx.data_fd;
    const char *reason = "unreadable";
    if (!path_is_safe(path, plen)) {
        lua_pushnil(L);
        lua_pushfstring(L, "%s: not a plain relative path", path);
        lua_pushliteral(L, "unsafe");
        return 3;
    }
    if (which == 0 && ctx.verified_idx) {
        size_t size;
        const char *bytes = verified_bytes(path, plen, &size);
        if (!bytes) {
            lua_pushnil(L);
            lua_pushfstring(L, "%s: not among the package's verified files", path);
            lua_pushliteral(L, "missing");
            return 3;
        }
        if (size > ctx.cap) {
            lua_pushnil(L);
            lua_pushfstring(L, "%s: %I bytes, more than the memory limit allows", path, (lua_Integer)size);
            lua_pushliteral(L, "large");
            return 3;
        }
        return push_read(L, bytes, size);
    }
    if (dirfd < 0) {
        lua_pushnil(L);
        lua_pushfstring(L, "%s: no data directory was given", path);
        lua_pushliteral(L, "missing");
        return 3;
    }
    int *guard = lua_newuserdatauv(L, sizeof *guard, 0);    /* closes the file if we raise */
    *guard = -1;
    luaL_setmetatable(L, FD_META);
    *guard = open_beneath(dirfd, path);
    struct stat st;
    if (*guard < 0) {
        int e = errno;
        if (e == ENOENT || e == ENOTDIR) reason = "missing";
        if (e == ELOOP) reason = "unsafe";
        lua_pushnil(L);
        lua_pushfstring(L, "%s: %s", path, e == ELOOP ? "a symbolic link" : strerror(e));
        lua_pushstring(L, reason);
        return 3;
    }
    if (fstat(*guard, &st) != 0 || !S_ISREG(st.st_mode)) {
        close_guard(guard);
        lua_pushnil(L);
        lua_pushfstring(L, "%s: not a regular file", path);
        lua_pushliteral(L, "unsafe");
        return 3;
    }
    if ((uintmax_t)st.st_size > (uintmax_t)ctx.cap) {
        close_guard(guard);
        lua_pushnil(L);
        lua_pushfstring(L, "%s: %I bytes, more than the memory limit allows", path, (lua_Integer)st.st_size);
        lua_pushliteral(L, "large");
        return 3;
    }
    size_t size = (size_t)st.st_size, got = 0;
    char *data = lua_newuserdatauv(L, size + 1, 0);
    while (got <= size) {
        ssize_t n = read(*guard, data + got, size + 1 - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += (size_t)n;
    }
    close_guard(guard);
    if (got != size) {
        lua_pushnil(L);
        lua_pushfstring(L, "%s: changed while being read", path);
        lua_pushliteral(L, "unreadable");
        return 3;
    }
    return push_read(L, data, size);
}

static const luaL_Reg sys_funcs[] = {
    {"limit", sys_limit},
    {"aborted", sys_aborted},
    {"getinfo", sys_getinfo},
    {"traceback", sys_traceback},
    {"read", sys_read},
    {"set_notice", sys_set_notice},
    {NULL, NULL}
};

/* ---- setting up ---- */

/* Copies a plain value (strings, numbers, booleans, tables of them) from one state to another.
 * The spec comes from trusted code; the depth limit only guards against mistakes. */
static void copy_plain(lua_State *from, int idx, lua_State *to, int depth)
{
    luaL_checkstack(to, 4, "sandbox spec");
    if (!lua_checkstack(from, 4)) luaL_error(to, "sandbox spec: parent stack exhausted");
    idx = lua_absindex(from, idx);
    switch (lua_type(from, idx)) {
    case LUA_TSTRING: {
        size_t n;
        const char *s = lua_tolstring(from, idx, &n);
        lua_pushlstring(to, s, n);
        return;
    }
    case LUA_TNUMBER:
        if (lua_isinteger(from, idx)) lua_pushinteger(to, lua_tointeger(from, idx));
        else lua_pushnumber(to, lua_tonumber(from, idx));
        return;
    case LUA_TBOOLEAN:
        lua_pushboolean(to, lua_toboolean(from, idx));
        return;
    case LUA_TTABLE:
        if (depth > 8) luaL_error(to, "sandbox spec nested too deeply");
        lua_newtable(to);
        lua_pushnil(from);
        while (lua_next(from, idx)) {               /* [.., key, value] */
            copy_plain(from, -2, to, depth + 1);
            copy_plain(from, -1, to, depth + 1);
            lua_rawset(to, -3);
            lua_pop(from, 1);
        }
        return;
    default:
        lua_pushnil(to);
        return;
    }
}

/* Copies the spec at idx of `from` (copy_plain) except spec.data_bytes, which may be large: it
 * stays in the parent's state, is left on that state's stack for verified_bytes, and a file's
 * bytes are copied only when the run reads it. */
static void copy_spec(lua_State *from, int idx, lua_State *to)
{
    idx = lua_absindex(from, idx);
    if (!lua_checkstack(from, 4)) luaL_error(to, "sandbox spec: parent stack exhausted");
    ctx.parent = from;
    ctx.verified_idx = 0;
    lua_pushnil(from);
    while (lua_next(from, idx)) {
        if (lua_type(from, -2) == LUA_TSTRING && strcmp(lua_tostring(from, -2), "data_bytes") == 0) {
            if (lua_istable(from, -1)) {
                lua_remove(from, -2);                     /* [.., data_bytes]: kept there */
                ctx.verified_idx = lua_gettop(from);
                break;
            }
        }
        lua_pop(from, 1);
    }
    luaL_checkstack(to, 4, "sandbox spec");
    lua_newtable(to);
    lua_pushnil(from);
    while (lua_next(from, idx)) {                         /* [.., key, value] */
        if (!(lua_type(from, -2) == LUA_TSTRING && strcmp(lua_tostring(from, -2), "data_bytes") == 0)) {
            copy_plain(from, -2, to, 1);
            copy_plain(from, -1, to, 1);
            lua_rawset(to, -3);
        }
        lua_pop(from, 1);
    }
}

/* Loads an embedded Lua file as a text chunk. [-0, +1, e] */
static void load_embedded_chunk(lua_State *L, const char *path)
{
    const TyEmbedded *f = embedded_find(path);
    if (!f) luaL_error(L, "sandbox: %s is not embedded", path);
    lua_pushfstring(L, "@%s", path);
    if (luaL_loadbufferx(L, (const char *)f->data, f->len, lua_tostring(L, -1), "t") != LUA_OK)
        lua_error(L);
    lua_remove(L, -2);
}

/* In protected mode: builds the state and runs lua/sandbox_child.lua; returns its reply table. */
static int child_pmain(lua_State *L)
{
    lua_State *parent = lua_touserdata(L, 1);
    int spec_idx = (int)lua_tointeger(L, 2);
    lua_settop(L, 0);
    for (const luaL_Reg *lib = child_libs; lib->func; lib++) {
        luaL_requiref(L, lib->name, lib->func, 1);
        lua_pop(L, 1);
    }
    lua_pushliteral(L, "");                          /* lock the string metatable */
    lua_getmetatable(L, -1);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);
    luaL_newmetatable(L, FD_META);
    lua_pushcfunction(L, fd_gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);
    /* The native and embedded loaders, taken out of the registry: only the bootstrap sees them. */
    host_preload(L);
    lua_getfield(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);       /* [preload] */
    lua_pushnil(L);
    lua_setfield(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    load_embedded_chunk(L, "lua/sandbox_child.lua");             /* [preload, boot] */
    load_embedded_chunk(L, "lua/sandbox_policy.lua");
    lua_call(L, 0, 1);                                           /* [preload, boot, policy] */
    lua_pushvalue(L, 1);
    copy_spec(parent, spec_idx, L);                              /* [.., policy, preload, spec] */
    /* sandbox.c opened spec.root and spec.data for us, before the child gave up root */
    ctx.root_fd = SANDBOX_ROOT_FD;
    lua_pushliteral(L, "data");
    ctx.data_fd = lua_rawget(L, lua_gettop(L) - 1) == LUA_TSTRING ? SANDBOX_DATA_FD : -1;
    lua_pop(L, 1);
    luaL_newlib(L, sys_funcs);                                   /* [.., spec, sys] */
    lua_rawgeti(L, LUA_REGISTRYINDEX, ctx.log_ref);
    lua_setfield(L, -2, "log");
    lua_sethook(L, child_hook, LUA_MASKCOUNT, HOOK_INTERVAL);
    lua_call(L, 4, 1);
    return 1;
}

/* ---- the reply ---- */

typedef struct Reply {
    char *p;
    size_t len, size;
    int failed;
} Reply;

static void put(Reply *r, const void *data, size_t n)
{
    if (r->failed) return;
    if (r->size - r->len < n) {
        size_t size = r->size ? r->size : 4096;
        while (size - r->len < n) {
            if (size > SIZE_MAX / 2) {
                r->failed = 1;
                return;
            }
            size *= 2;
        }
        char *np = realloc(r->p, size);
        if (!np) {
            r->failed = 1;
            return;
        }
        r->p = np;
        r->size = size;
    }
    memcpy(r->p + r->len, data, n);
    r->len += n;
}

static void put_uint(Reply *r, uint64_t v, int bytes)
{
    unsigned char b[8];
    for (int i = 0; i < bytes; i++) b[i] = (unsigned char)(v >> (8 * (bytes - 1 - i)));
    put(r, b, (size_t)bytes);
}

static void put_str(Reply *r, const char *s, size_t n, int len_bytes)
{
    put_uint(r, n, len_bytes);
    put(r, s, n);
}

/* Field `name` of the table at idx, as a string (raw access), or "". */
static const char *raw_string(lua_State *L, int idx, const char *name, size_t *len)
{
    lua_pushstring(L, name);
    lua_rawget(L, idx);
    const char *s = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, len) : NULL;
    lua_pop(L, 1);               /* still anchored in the table */
    if (!s) {
        *len = 0;
        return "";
    }
    return s;
}

/* The log the bootstrap collected (sys.log: strings, and `dropped`, bytes left out). */
static void put_log(Reply *r, lua_State *L)
{
    lua_rawgeti(L, LUA_REGISTRYINDEX, ctx.log_ref);
    int log = lua_gettop(L);
    size_t total = 0;
    lua_Integer n = lua_istable(L, log) ? (lua_Integer)lua_rawlen(L, log) : 0;
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, log, i);
        if (lua_type(L, -1) == LUA_TSTRING) total += lua_rawlen(L, -1);
        lua_pop(L, 1);
    }
    char note[160] = "";
    lua_pushliteral(L, "dropped");
    if (lua_istable(L, log) && lua_rawget(L, log) == LUA_TNUMBER && lua_tointeger(L, -1) > 0)
        snprintf(note, sizeof note, "[log capped (limits.log_bytes): %lld more bytes dropped]\n",
                 (long long)lua_tointeger(L, -1));
    lua_pop(L, 1);
    put_uint(r, total + strlen(note), 4);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, log, i);
        if (lua_type(L, -1) == LUA_TSTRING) put(r, lua_tostring(L, -1), lua_rawlen(L, -1));
        lua_pop(L, 1);
    }
    put(r, note, strlen(note));
    lua_pop(L, 1);
}

/* The package's own error: code 1, or 3 for a data error tuiyan's loader raised (the bootstrap
 * tells them apart); anything else a package might have put in its error object is 1. */
static void put_error(Reply *r, lua_State *L, int code, const char *msg, size_t len)
{
    if (len > MESSAGE_MAX) len = MESSAGE_MAX;
    put(r, "E", 1);
    put_uint(r, (uint64_t)(code == EXIT_DATA || code == EXIT_PACKAGE ? code : EXIT_SCRIPT), 1);
    put_str(r, msg, len, 4);
    put_log(r, L);
}

/* A limit ended the run: only which one; the parent says what it was. */
static void put_limit(Reply *r, lua_State *L, int which)
{
    put(r, "L", 1);
    put_uint(r, (uint64_t)which, 1);
    if (L) put_log(r, L);
    else put_uint(r, 0, 4);
}

/* The sandbox itself failed (setting up the state, the bootstrap): tuiyan's own error. */
static void put_internal(Reply *r, lua_State *L, const char *msg)
{
    put(r, "I", 1);
    put_str(r, msg, strlen(msg), 4);
    put_log(r, L);
}

/* The bootstrap's reply table at idx: { ok = true, outputs = { {name, format, data}... } } or
 * { ok = false, code = N, message = "..." }. */
static void put_result(Reply *r, lua_State *L, int idx)
{
    size_t len;
    lua_pushliteral(L, "ok");
    int ok = lua_rawget(L, idx) == LUA_TBOOLEAN && lua_toboolean(L, -1);
    lua_pop(L, 1);
    if (!ok) {
        lua_pushliteral(L, "code");
        lua_rawget(L, idx);
        /* 3: tuiyan's loader found bad data; 4: the privacy check refused a result (both only
         * from sandbox_child.lua's own code); anything else is the package's error */
        lua_Integer c = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : 0;
        int code = c == EXIT_DATA ? EXIT_DATA : c == EXIT_PACKAGE ? EXIT_PACKAGE : EXIT_SCRIPT;
        lua_pop(L, 1);
        const char *msg = raw_string(L, idx, "message", &len);
        put_error(r, L, code, msg, len);
        return;
    }
    lua_pushliteral(L, "outputs");
    lua_rawget(L, idx);
    int outs = lua_gettop(L);
    lua_Integer n = lua_istable(L, outs) ? (lua_Integer)lua_rawlen(L, outs) : 0;
    put(r, "O", 1);
    put_uint(r, (uint64_t)n, 4);
    put_log(r, L);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, outs, i);
        int o = lua_gettop(L);
        const char *s = lua_istable(L, o) ? raw_string(L, o, "name", &len) : "";
        put_str(r, s, lua_istable(L, o) ? len : 0, 4);
        s = lua_istable(L, o) ? raw_string(L, o, "format", &len) : "";
        put_str(r, s, lua_istable(L, o) ? len : 0, 4);
        s = lua_istable(L, o) ? raw_string(L, o, "data", &len) : "";
        put_str(r, s, lua_istable(L, o) ? len : 0, 8);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

static void write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return;
        p += w;
        n -= (size_t)w;
    }
}

static int child_panic(lua_State *L)
{
    (void)L;
    _exit(EXIT_INTERNAL);
}

_Noreturn void sandbox_child_main(lua_State *parent, int spec_idx, int reply_fd,
                                  const TySandboxLimits *lim)
{
    memset(&ctx, 0, sizeof ctx);
    ctx.cap = lim->memory_bytes;
    ctx.budget = lim->instructions;
    ctx.root_fd = ctx.data_fd = -1;
    snprintf(ctx.message[ABORT_INSTRUCTIONS], sizeof ctx.message[0],
             "instruction limit of %lld exceeded (limits.instructions)", lim->instructions);
    snprintf(ctx.message[ABORT_MEMORY], sizeof ctx.message[0],
             "memory limit of %zu MB exceeded (limits.memory_mb)", lim->memory_bytes >> 20);
    snprintf(ctx.message[ABORT_CPU], sizeof ctx.message[0],
             "CPU time limit of %g s exceeded (limits.cpu_seconds)", lim->cpu_seconds);
    snprintf(ctx.message[ABORT_OUTPUTS], sizeof ctx.message[0], "too many result files (limits.outputs)");
    snprintf(ctx.message[ABORT_OUTPUT_BYTES], sizeof ctx.message[0], "results too large (limits.output_bytes)");
    Reply r = {0};
    put(&r, "TYSB1", 5);
    lua_State *L = lua_newstate(child_alloc, NULL);
    if (!L) {
        put_limit(&r, NULL, ABORT_MEMORY);
    } else {
        ctx.L = L;
        lua_atpanic(L, child_panic);
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_sigxcpu;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGXCPU, &sa, NULL);
        lua_newtable(L);
        ctx.log_ref = luaL_ref(L, LUA_REGISTRYINDEX);
        lua_pushcfunction(L, child_pmain);
        lua_pushlightuserdata(L, parent);
        lua_pushinteger(L, spec_idx);
        int status = lua_pcall(L, 2, 1, 0);
        lua_sethook(L, NULL, 0, 0);
        sigaction(SIGXCPU, &(struct sigaction){.sa_handler = SIG_DFL}, NULL);
        int aborted = ctx.abort;
        ctx.cap = SIZE_MAX / 4;        /* the run is over: replying must not fail on the cap */
        if (aborted) {
            put_limit(&r, L, aborted);
        } else if (status != LUA_OK) {
            const char *m = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
            char buf[512];
            snprintf(buf, sizeof buf, "%s", m ? m : "setting up the run failed");
            put_internal(&r, L, buf);
        } else if (lua_istable(L, -1)) {
            put_result(&r, L, lua_gettop(L));
        } else {
            put_internal(&r, L, "the run ended without a result");
        }
    }
    put(&r, "END.", 4);
    if (!r.failed) write_all(reply_fd, r.p, r.len);
    _exit(0);
}
