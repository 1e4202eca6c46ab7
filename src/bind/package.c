/* bind/package.c — _tuiyan.package: signed scenario packages over src/io/package (reading
 * and verifying a .tpkg, unpacking it, re-verifying an installed copy, packing a directory)
 * and the file operations installing needs. Keys travel as lower-case hex.
 * Errors: a package that fails verification, a missing file or an unwritable directory is
 * expected: nil, err (a tuiyan.Error with its exit code). Misuse raises. */
#include "bind/bind.h"
#include "host/host.h"
#include "io/atomic.h"
#include "io/package.h"

#include <lauxlib.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LOCK_META "tuiyan.PackageLock"

typedef struct TrustBox {
    unsigned char (*keys)[PKG_KEY_BYTES];
    size_t n;
} TrustBox;

static const char *const role_names[] = {"scenario", "module", "data"};

/* A TyPackage owned by a userdata, so a Lua error while its table is built leaks nothing. */
typedef struct PackageBox { TyPackage p; int live; } PackageBox;

static int box_gc(lua_State *L)
{
    PackageBox *b = lua_touserdata(L, 1);
    if (b->live) package_free(&b->p);
    b->live = 0;
    return 0;
}

/* [-0, +1, m] */
static PackageBox *push_box(lua_State *L)
{
    PackageBox *b = lua_newuserdatauv(L, sizeof *b, 0);
    memset(b, 0, sizeof *b);
    if (luaL_newmetatable(L, "tuiyan.PackageBox")) {
        lua_pushcfunction(L, box_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    return b;
}

/* opts.max_bytes, opts.max_file_bytes, opts.max_files over the defaults. */
static void opt_limits(lua_State *L, int idx, TyPkgLimits *lim)
{
    package_limits_default(lim);
    if (lua_isnoneornil(L, idx)) return;
    luaL_checktype(L, idx, LUA_TTABLE);
    static const char *const names[] = {"max_bytes", "max_file_bytes", "max_files"};
    for (int i = 0; i < 3; i++) {
        if (lua_getfield(L, idx, names[i]) != LUA_TNIL) {
            int isnum = 0;
            lua_Integer v = lua_tointegerx(L, -1, &isnum);
            if (!isnum || v < 1) luaL_error(L, "opts.%s must be a positive integer", names[i]);
            if (i == 0) {
                if ((uint64_t)v > PKG_LIMIT_TOTAL_CEILING)
                    luaL_error(L, "opts.max_bytes must be at most %I",
                               (lua_Integer)PKG_LIMIT_TOTAL_CEILING);
                lim->max_total_bytes = (uint64_t)v;
            } else if (i == 1) {
                if ((uint64_t)v > PKG_LIMIT_TOTAL_CEILING)
                    luaL_error(L, "opts.max_file_bytes must be at most %I",
                               (lua_Integer)PKG_LIMIT_TOTAL_CEILING);
                lim->max_file_bytes = (uint64_t)v;
            } else {
                if ((uint64_t)v > PKG_LIMIT_FILES_CEILING)
                    luaL_error(L, "opts.max_files must be at most %I",
                               (lua_Integer)PKG_LIMIT_FILES_CEILING);
                lim->max_files = (size_t)v;
            }
        }
        lua_pop(L, 1);
    }
}

static int trust_gc(lua_State *L)
{
    TrustBox *b = lua_touserdata(L, 1);
    free(b->keys);
    b->keys = NULL;
    return 0;
}

/* opts.trusted: a list of public keys in hex, decoded into a userdata left on the stack
 * (freed by __gc whatever happens next). [-0, +1, e] */
static TrustBox *opt_trust(lua_State *L, int idx)
{
    TrustBox *b = lua_newuserdatauv(L, sizeof *b, 0);
    b->keys = NULL;
    b->n = 0;
    if (luaL_newmetatable(L, "tuiyan.PackageTrust")) {
        lua_pushcfunction(L, trust_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    if (lua_isnoneornil(L, idx)) return b;
    if (lua_getfield(L, idx, "trusted") == LUA_TNIL) { lua_pop(L, 1); return b; }
    luaL_checktype(L, -1, LUA_TTABLE);
    size_t n = (size_t)lua_rawlen(L, -1);
    if (n > 10000) luaL_error(L, "opts.trusted: too many keys");
    b->keys = calloc(n ? n : 1, sizeof *b->keys);
    if (!b->keys) luaL_error(L, "not enough memory");
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, -1, (lua_Integer)i + 1);
        size_t hl;
        const char *hex = lua_tolstring(L, -1, &hl);
        size_t out = 0;
        if (!hex || hl != 2 * PKG_KEY_BYTES ||
            sodium_hex2bin(b->keys[i], PKG_KEY_BYTES, hex, hl, NULL, &out, NULL) != 0 ||
            out != PKG_KEY_BYTES)
            luaL_error(L, "opts.trusted[%d]: expected %d hex digits", (int)i + 1,
                       2 * PKG_KEY_BYTES);
        lua_pop(L, 1);
        b->n = i + 1;
    }
    lua_pop(L, 1);
    return b;
}

static void push_hex(lua_State *L, const unsigned char *bin, size_t n)
{
    char hex[2 * 64 + 1];
    sodium_bin2hex(hex, sizeof hex, bin, n);
    lua_pushstring(L, hex);
}

static void set_version(lua_State *L, const char *field, const int v[3])
{
    lua_pushfstring(L, "%d.%d.%d", v[0], v[1], v[2]);
    lua_setfield(L, -2, field);
}

/* The verified package as a table (see package_cli.lua for its use). with_sources: also
 * .sources, the verified text of every .lua file, and .data_bytes, of every data file that was
 * kept (keep_data), both by path. [-0, +1, m] */
static void push_package(lua_State *L, const TyPackage *p, int with_sources)
{
    const TyManifest *m = &p->manifest;
    lua_createtable(L, 0, 20);
    lua_pushstring(L, m->name);
    lua_setfield(L, -2, "name");
    set_version(L, "version", m->version);
    set_version(L, "min_tuiyan", m->min_tuiyan);
    lua_pushstring(L, m->publisher);
    lua_setfield(L, -2, "publisher");
    lua_pushstring(L, m->description);
    lua_setfield(L, -2, "description");
    lua_pushfstring(L, "%d-%s%d-%s%d", m->expires[0], m->expires[1] < 10 ? "0" : "",
                    m->expires[1], m->expires[2] < 10 ? "0" : "", m->expires[2]);
    lua_setfield(L, -2, "expires");
    lua_pushboolean(L, m->firm_level_outputs);
    lua_setfield(L, -2, "firm_level_outputs");
    lua_pushinteger(L, (lua_Integer)m->total_bytes);
    lua_setfield(L, -2, "total_bytes");
    push_hex(L, p->manifest_sha256, PKG_HASH_BYTES);
    lua_setfield(L, -2, "manifest_sha256");
    push_hex(L, p->key, PKG_KEY_BYTES);
    lua_setfield(L, -2, "key");
    lua_pushinteger(L, (lua_Integer)p->key_index + 1);
    lua_setfield(L, -2, "key_index");

    lua_newtable(L);                                   /* scenarios */
    lua_newtable(L);                                   /* modules */
    lua_newtable(L);                                   /* data */
    lua_createtable(L, (int)m->nfiles, 0);             /* files */
    if (with_sources) {
        lua_newtable(L);                               /* sources */
        lua_newtable(L);                               /* data_bytes */
    }
    int base = lua_gettop(L) - (with_sources ? 5 : 3);
    lua_Integer ndata = 0;
    for (size_t i = 0; i < m->nfiles; i++) {
        const TyPkgFile *f = &m->files[i];
        lua_createtable(L, 0, 4);
        lua_pushstring(L, f->path);
        lua_setfield(L, -2, "path");
        lua_pushinteger(L, (lua_Integer)f->size);
        lua_setfield(L, -2, "size");
        push_hex(L, f->sha256, PKG_HASH_BYTES);
        lua_setfield(L, -2, "sha256");
        lua_pushstring(L, role_names[f->role]);
        lua_setfield(L, -2, "role");
        if (f->name) {
            lua_pushstring(L, f->name);
            lua_setfield(L, -2, "name");
        }
        lua_rawseti(L, base + 3, (lua_Integer)i + 1);
        if (f->role == PKG_ROLE_DATA) {
            lua_pushstring(L, f->path);
            lua_rawseti(L, base + 2, ++ndata);
        } else {
            lua_pushstring(L, f->path);
            lua_setfield(L, f->role == PKG_ROLE_SCENARIO ? base : base + 1, f->name);
        }
        if (with_sources && f->text) {
            lua_pushlstring(L, f->text, f->text_len);
            lua_setfield(L, f->role == PKG_ROLE_DATA ? base + 5 : base + 4, f->path);
        }
    }
    if (with_sources) {
        lua_setfield(L, base - 1, "data_bytes");
        lua_setfield(L, base - 1, "sources");
    }
    lua_setfield(L, base - 1, "files");
    lua_setfield(L, base - 1, "data");
    lua_setfield(L, base - 1, "modules");
    lua_setfield(L, base - 1, "scenarios");
}

static int opt_bool(lua_State *L, int idx, const char *field)
{
    if (lua_isnoneornil(L, idx)) return 0;
    lua_getfield(L, idx, field);
    int v = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return v;
}

static const char *opt_string(lua_State *L, int idx, const char *field)
{
    if (lua_isnoneornil(L, idx)) return NULL;
    lua_getfield(L, idx, field);
    const char *s = lua_isnil(L, -1) ? NULL : luaL_checkstring(L, -1);
    lua_pop(L, 1);                     /* the string stays alive in opts */
    return s;
}

/* read(path [, opts]) -> info | nil, err
 * opts: trusted = {hex, ...}, dest = DIR (unpack there), keep_lua = bool, limits. */
static int package_lread(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    if (!lua_isnoneornil(L, 2)) luaL_checktype(L, 2, LUA_TTABLE);
    TyPkgLimits lim;
    opt_limits(L, 2, &lim);
    TrustBox *tb = opt_trust(L, 2);
    TyPkgTrust trust = { (const unsigned char (*)[PKG_KEY_BYTES])tb->keys, tb->n };
    TyPkgReadOptions ro = { .limits = &lim, .trust = &trust, .dest_dir = opt_string(L, 2, "dest"),
                            .keep_lua = opt_bool(L, 2, "keep_lua") };
    TyError err;
    ty_error_clear(&err);
    PackageBox *box = push_box(L);
    char *buf = NULL;
    size_t len = 0;
    uint64_t cap = package_max_archive_bytes(&lim);
    if (file_read_all(path, cap > SIZE_MAX ? SIZE_MAX : (size_t)cap, &buf, &len, &err) != TY_OK) {
        if (err.code == TY_EDATA) err.code = TY_EPACKAGE;   /* too large, not a regular file */
        return host_fail(L, &err);
    }
    TyStatus st = package_read(path, (const unsigned char *)buf, len, &ro, &box->p, &err);
    free(buf);
    if (st != TY_OK) return host_fail(L, &err);
    box->live = 1;
    push_package(L, &box->p, ro.keep_lua);
    return 1;
}

/* verify_dir(dir [, opts]) -> info | nil, err  (opts as read, without dest; keep_data = bool
 * with keep_lua keeps the data files' verified bytes too, as info.data_bytes) */
static int package_lverify_dir(lua_State *L)
{
    const char *dir = luaL_checkstring(L, 1);
    if (!lua_isnoneornil(L, 2)) luaL_checktype(L, 2, LUA_TTABLE);
    TyPkgLimits lim;
    opt_limits(L, 2, &lim);
    TrustBox *tb = opt_trust(L, 2);
    TyPkgTrust trust = { (const unsigned char (*)[PKG_KEY_BYTES])tb->keys, tb->n };
    TyPkgReadOptions ro = { .limits = &lim, .trust = &trust, .keep_lua = opt_bool(L, 2, "keep_lua"),
                            .keep_data = opt_bool(L, 2, "keep_data") };
    TyError err;
    ty_error_clear(&err);
    PackageBox *box = push_box(L);
    if (package_verify_dir(dir, &ro, &box->p, &err) != TY_OK) return host_fail(L, &err);
    box->live = 1;
    push_package(L, &box->p, ro.keep_lua);
    return 1;
}

/* pack(dir, secret_hex, out_path [, opts]) -> info | nil, err  (writes out_path atomically) */
static int package_lpack(lua_State *L)
{
    const char *dir = luaL_checkstring(L, 1);
    size_t hl;
    const char *hex = luaL_checklstring(L, 2, &hl);
    const char *out = luaL_checkstring(L, 3);
    if (!lua_isnoneornil(L, 4)) luaL_checktype(L, 4, LUA_TTABLE);
    TyPkgLimits lim;
    opt_limits(L, 4, &lim);
    unsigned char sk[PKG_SECRET_BYTES];
    size_t n = 0;
    if (hl != 2 * PKG_SECRET_BYTES || sodium_hex2bin(sk, sizeof sk, hex, hl, NULL, &n, NULL) != 0 ||
        n != sizeof sk)
        return luaL_error(L, "secret key: expected %d hex digits", 2 * PKG_SECRET_BYTES);
    TyError err;
    ty_error_clear(&err);
    unsigned char *buf = NULL;
    size_t len = 0;
    PackageBox *box = push_box(L);
    TyStatus st = package_pack(dir, sk, &lim, &buf, &len, &box->p, &err);
    sodium_memzero(sk, sizeof sk);
    if (st != TY_OK) return host_fail(L, &err);
    box->live = 1;
    st = atomic_write_file(out, buf, len, 0, &err);
    free(buf);
    if (st != TY_OK) return host_fail(L, &err);
    push_package(L, &box->p, 0);
    lua_pushinteger(L, (lua_Integer)len);
    lua_setfield(L, -2, "archive_bytes");
    return 1;
}

/* mkdtemp(parent) -> path | nil, err */
static int package_lmkdtemp(lua_State *L)
{
    TyError err;
    ty_error_clear(&err);
    char *t = package_mkdtemp(luaL_checkstring(L, 1), &err);
    if (!t) return host_fail(L, &err);
    lua_pushstring(L, t);
    free(t);
    return 1;
}

/* move_dir(from, to) -> exchanged | nil, err  (exchanged: the old `to` is now at `from`) */
static int package_lmove_dir(lua_State *L)
{
    TyError err;
    int exchanged = 0;
    ty_error_clear(&err);
    if (package_move_dir(luaL_checkstring(L, 1), luaL_checkstring(L, 2), &exchanged, &err) != TY_OK)
        return host_fail(L, &err);
    lua_pushboolean(L, exchanged);
    return 1;
}

/* remove_tree(path) -> true | nil, err */
static int package_lremove_tree(lua_State *L)
{
    TyError err;
    ty_error_clear(&err);
    if (package_remove_tree(luaL_checkstring(L, 1), &err) != TY_OK) return host_fail(L, &err);
    lua_pushboolean(L, 1);
    return 1;
}

typedef struct NamesBox { char **names; size_t n; } NamesBox;

static int names_gc(lua_State *L)
{
    NamesBox *b = lua_touserdata(L, 1);
    package_names_free(b->names, b->n);
    b->names = NULL;
    b->n = 0;
    return 0;
}

/* list_dir(dir) -> { name, ... } sorted (empty when missing) | nil, err */
static int package_llist_dir(lua_State *L)
{
    const char *dir = luaL_checkstring(L, 1);
    NamesBox *b = lua_newuserdatauv(L, sizeof *b, 0);   /* owns the names until returned */
    b->names = NULL;
    b->n = 0;
    if (luaL_newmetatable(L, "tuiyan.PackageNames")) {
        lua_pushcfunction(L, names_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    TyError err;
    ty_error_clear(&err);
    if (package_list_dir(dir, &b->names, &b->n, &err) != TY_OK) return host_fail(L, &err);
    lua_createtable(L, b->n < 1000000 ? (int)b->n : 0, 0);
    for (size_t i = 0; i < b->n; i++) {
        lua_pushstring(L, b->names[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* mode(path) -> permission bits of the file itself (a link is not followed) | nil */
static int package_lmode(lua_State *L)
{
    struct stat st;
    if (lstat(luaL_checkstring(L, 1), &st) != 0) return 0;
    lua_pushinteger(L, (lua_Integer)(st.st_mode & 07777));
    return 1;
}

static int lock_release(lua_State *L)
{
    int *fd = luaL_checkudata(L, 1, LOCK_META);
    if (*fd >= 0) close(*fd);
    *fd = -1;
    return 0;
}

/* lock(dir) -> lock | nil, err  (released by lock:release(), <close> or garbage collection) */
static int package_llock(lua_State *L)
{
    const char *dir = luaL_checkstring(L, 1);
    int *fd = lua_newuserdatauv(L, sizeof *fd, 0);
    *fd = -1;
    luaL_setmetatable(L, LOCK_META);
    TyError err;
    ty_error_clear(&err);
    *fd = package_lock(dir, &err);
    if (*fd < 0) return host_fail(L, &err);
    return 1;
}

static const luaL_Reg package_funcs[] = {
    {"read", package_lread},
    {"verify_dir", package_lverify_dir},
    {"pack", package_lpack},
    {"mkdtemp", package_lmkdtemp},
    {"move_dir", package_lmove_dir},
    {"remove_tree", package_lremove_tree},
    {"lock", package_llock},
    {"list_dir", package_llist_dir},
    {"mode", package_lmode},
    {NULL, NULL}
};

static const luaL_Reg lock_methods[] = {
    {"release", lock_release},
    {NULL, NULL}
};

int luaopen_tuiyan_package(lua_State *L)
{
    if (luaL_newmetatable(L, LOCK_META)) {
        luaL_newlib(L, lock_methods);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, lock_release);
        lua_setfield(L, -2, "__gc");
        lua_pushcfunction(L, lock_release);
        lua_setfield(L, -2, "__close");
    }
    lua_pop(L, 1);
    luaL_newlib(L, package_funcs);
    TyPkgLimits lim;
    package_limits_default(&lim);
    lua_createtable(L, 0, 3);
    lua_pushinteger(L, (lua_Integer)lim.max_total_bytes);
    lua_setfield(L, -2, "max_bytes");
    lua_pushinteger(L, (lua_Integer)lim.max_file_bytes);
    lua_setfield(L, -2, "max_file_bytes");
    lua_pushinteger(L, (lua_Integer)lim.max_files);
    lua_setfield(L, -2, "max_files");
    lua_setfield(L, -2, "limits");
    return 1;
}
