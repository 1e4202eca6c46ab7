/* bind/crypto.c — _tuiyan.crypto: hashing and signatures on libsodium, for manifests (SHA-256
 * of every input and output) and packages (Ed25519 detached signatures). Keys and signatures
 * travel as lower-case hex. Errors: misuse raises; a bad signature is `false`, not an error. */
#include "bind/bind.h"
#include "host/host.h"
#include "io/atomic.h"

#include <lauxlib.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define HASH_FILE_CAP ((size_t)1 << 30)

static void ensure_sodium(lua_State *L)
{
    if (sodium_init() < 0) luaL_error(L, "libsodium could not be initialised");
}

static void push_hex(lua_State *L, const unsigned char *bin, size_t len)
{
    char hex[2 * crypto_sign_SECRETKEYBYTES + 1];
    sodium_bin2hex(hex, sizeof hex, bin, len);
    lua_pushstring(L, hex);
}

/* Decodes exactly `len` bytes of hex from argument idx, or raises. */
static void check_hex(lua_State *L, int idx, unsigned char *bin, size_t len, const char *what)
{
    size_t hlen;
    const char *hex = luaL_checklstring(L, idx, &hlen);
    size_t out = 0;
    if (hlen != 2 * len || sodium_hex2bin(bin, len, hex, hlen, NULL, &out, NULL) != 0 || out != len)
        luaL_error(L, "%s: expected %d hex digits", what, (int)(2 * len));
}

/* sha256(data) -> hex */
static int crypto_sha256(lua_State *L)
{
    size_t len;
    const char *data = luaL_checklstring(L, 1, &len);
    unsigned char h[crypto_hash_sha256_BYTES];
    ensure_sodium(L);
    crypto_hash_sha256(h, (const unsigned char *)data, len);
    push_hex(L, h, sizeof h);
    return 1;
}

/* sha256_file(path) -> hex, size | nil, err */
static int crypto_sha256_file(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    char *buf = NULL;
    size_t len = 0;
    TyError err;
    ty_error_clear(&err);
    if (file_read_all(path, HASH_FILE_CAP, &buf, &len, &err) != TY_OK) return host_fail(L, &err);
    unsigned char h[crypto_hash_sha256_BYTES];
    ensure_sodium(L);
    crypto_hash_sha256(h, (const unsigned char *)buf, len);
    free(buf);
    push_hex(L, h, sizeof h);
    lua_pushinteger(L, (lua_Integer)len);
    return 2;
}

/* sign_keypair() -> public_hex, secret_hex */
static int crypto_sign_keypair_l(lua_State *L)
{
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    ensure_sodium(L);
    crypto_sign_keypair(pk, sk);
    push_hex(L, pk, sizeof pk);
    push_hex(L, sk, sizeof sk);
    sodium_memzero(sk, sizeof sk);
    return 2;
}

/* sign(message, secret_hex) -> signature_hex */
static int crypto_sign_l(lua_State *L)
{
    size_t len;
    const char *msg = luaL_checklstring(L, 1, &len);
    unsigned char sk[crypto_sign_SECRETKEYBYTES], sig[crypto_sign_BYTES];
    check_hex(L, 2, sk, sizeof sk, "secret key");
    ensure_sodium(L);
    crypto_sign_detached(sig, NULL, (const unsigned char *)msg, len, sk);
    sodium_memzero(sk, sizeof sk);
    push_hex(L, sig, sizeof sig);
    return 1;
}

/* verify(message, signature_hex, public_hex) -> boolean (malformed hex is false too) */
static int crypto_verify_l(lua_State *L)
{
    size_t len, slen, plen;
    const char *msg = luaL_checklstring(L, 1, &len);
    const char *shex = luaL_checklstring(L, 2, &slen);
    const char *phex = luaL_checklstring(L, 3, &plen);
    unsigned char sig[crypto_sign_BYTES], pk[crypto_sign_PUBLICKEYBYTES];
    size_t so = 0, po = 0;
    ensure_sodium(L);
    int ok = slen == 2 * sizeof sig && plen == 2 * sizeof pk &&
             sodium_hex2bin(sig, sizeof sig, shex, slen, NULL, &so, NULL) == 0 && so == sizeof sig &&
             sodium_hex2bin(pk, sizeof pk, phex, plen, NULL, &po, NULL) == 0 && po == sizeof pk &&
             crypto_sign_verify_detached(sig, (const unsigned char *)msg, len, pk) == 0;
    lua_pushboolean(L, ok);
    return 1;
}

/* public_of(secret_hex) -> public_hex (the public half is the last 32 bytes of the secret) */
static int crypto_public_of(lua_State *L)
{
    unsigned char sk[crypto_sign_SECRETKEYBYTES], pk[crypto_sign_PUBLICKEYBYTES];
    check_hex(L, 1, sk, sizeof sk, "secret key");
    ensure_sodium(L);
    crypto_sign_ed25519_sk_to_pk(pk, sk);
    sodium_memzero(sk, sizeof sk);
    push_hex(L, pk, sizeof pk);
    return 1;
}

static const luaL_Reg crypto_funcs[] = {
    {"sha256", crypto_sha256},
    {"sha256_file", crypto_sha256_file},
    {"sign_keypair", crypto_sign_keypair_l},
    {"sign", crypto_sign_l},
    {"verify", crypto_verify_l},
    {"public_of", crypto_public_of},
    {NULL, NULL}
};

int luaopen_tuiyan_crypto(lua_State *L)
{
    luaL_newlib(L, crypto_funcs);
    return 1;
}
