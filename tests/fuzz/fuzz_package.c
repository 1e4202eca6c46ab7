/* fuzz_package.c — libFuzzer target for the .tpkg reader (package_read), the code that sees a
 * hostile archive first. The input is a tar stream: the harness gzips it exactly as tuiyan pack
 * does (so the fuzzer is not stopped by the gzip CRC) and reads it with one trusted key. If the
 * first byte is '1', the harness first re-signs the archive: the entry after the manifest gets
 * a valid signature of the manifest, so mutations reach the manifest and file checks instead
 * of dying at the signature.
 *
 * Checks beyond "no crash": a rejection is TY_EPACKAGE (or TY_ENOMEM) with a message that is
 * valid UTF-8 without control characters; an accepted package lists files with safe paths. */
#include <archive.h>
#include <archive_entry.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/package.h"
#include "io/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) { \
    fprintf(stderr, "fuzz_package: check failed: %s (line %d)\n", #cond, __LINE__); abort(); } \
} while (0)

typedef struct Buf { unsigned char *p; size_t len, cap; } Buf;

static la_ssize_t buf_write(struct archive *a, void *ud, const void *d, size_t n)
{
    (void)a;
    Buf *b = ud;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n) cap *= 2;
        unsigned char *np = realloc(b->p, cap);
        if (!np) return -1;
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->len, d, n);
    b->len += n;
    return (la_ssize_t)n;
}

static int noop(struct archive *a, void *ud) { (void)a; (void)ud; return ARCHIVE_OK; }

static struct archive *writer(Buf *out, int gzip)
{
    struct archive *w = archive_write_new();
    if (gzip) {
        archive_write_set_format_raw(w);
        archive_write_add_filter_gzip(w);
        archive_write_set_filter_option(w, "gzip", "timestamp", NULL);
    } else {
        archive_write_set_format_ustar(w);
    }
    archive_write_set_bytes_per_block(w, 512);
    archive_write_set_bytes_in_last_block(w, 1);
    archive_write_open(w, out, noop, buf_write, noop);
    return w;
}

/* gzip of the raw bytes, with tuiyan's fixed header. */
static int gzip_raw(const uint8_t *d, size_t n, Buf *out)
{
    struct archive *w = writer(out, 1);
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_pathname(e, "raw");
    archive_entry_set_size(e, (la_int64_t)n);
    int ok = archive_write_header(w, e) == ARCHIVE_OK &&
             (n == 0 || archive_write_data(w, d, n) == (la_ssize_t)n);
    archive_entry_free(e);
    ok = archive_write_close(w) == ARCHIVE_OK && ok;
    archive_write_free(w);
    return ok;
}

/* Copies the tar, replacing the content of tuiyan-package.sig with a valid signature of the
 * preceding tuiyan-package.json. Returns 0 if the input is not a readable tar. */
static int resign(const uint8_t *d, size_t n, const unsigned char *sk, const unsigned char *pk,
                  Buf *out)
{
    struct archive *r = archive_read_new();
    archive_read_support_format_tar(r);
    if (archive_read_open_memory(r, d, n) != ARCHIVE_OK) { archive_read_free(r); return 0; }
    struct archive *w = writer(out, 0);
    struct archive_entry *e;
    unsigned char *manifest = NULL;
    size_t mlen = 0;
    int ok = 1;
    while (ok && archive_read_next_header(r, &e) == ARCHIVE_OK) {
        la_int64_t sz = archive_entry_size(e);
        if (sz < 0 || sz > (1 << 20)) { ok = 0; break; }
        unsigned char *content = malloc((size_t)sz + 1);
        la_ssize_t got = archive_read_data(r, content, (size_t)sz);
        if (got != sz) { free(content); ok = 0; break; }
        const char *name = archive_entry_pathname(e);
        char line[256];
        if (name && strcmp(name, PKG_MANIFEST_NAME) == 0) {
            free(manifest);
            manifest = content;
            mlen = (size_t)sz;
            content = NULL;
        } else if (name && strcmp(name, PKG_SIGNATURE_NAME) == 0 && manifest) {
            unsigned char sig[PKG_SIG_BYTES];
            char kh[65], sh[129];
            crypto_sign_detached(sig, NULL, manifest, mlen, sk);
            sodium_bin2hex(kh, sizeof kh, pk, PKG_KEY_BYTES);
            sodium_bin2hex(sh, sizeof sh, sig, sizeof sig);
            snprintf(line, sizeof line, "tuiyan-ed25519-signature %s %s\n", kh, sh);
            free(content);
            content = (unsigned char *)strdup(line);
            sz = (la_int64_t)strlen(line);
            archive_entry_set_size(e, sz);
        }
        if (archive_write_header(w, e) != ARCHIVE_OK ||
            (sz > 0 && archive_write_data(w, content ? content : manifest, (size_t)sz) != sz))
            ok = 0;
        free(content);
    }
    free(manifest);
    archive_read_free(r);
    ok = archive_write_close(w) == ARCHIVE_OK && ok;
    archive_write_free(w);
    return ok;
}

static int message_ok(const char *s)
{
    TyUtf8Error ue;
    if (!utf8_validate(s, strlen(s), &ue)) return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7F) return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static unsigned char pk[PKG_KEY_BYTES], sk[PKG_SECRET_BYTES];
    static int ready;
    if (!ready) {
        unsigned char seed[32];
        if (sodium_init() < 0) abort();
        memset(seed, 7, sizeof seed);
        crypto_sign_seed_keypair(pk, sk, seed);
        ready = 1;
    }
    if (size == 0) return 0;
    Buf tar = { 0 }, gz = { 0 };
    const uint8_t *t = data + 1;
    size_t tn = size - 1;
    if (data[0] == '1' && resign(t, tn, sk, pk, &tar)) { t = tar.p; tn = tar.len; }
    if (!gzip_raw(t, tn, &gz)) { free(tar.p); free(gz.p); return 0; }
    TyPkgLimits lim;
    package_limits_default(&lim);
    lim.max_total_bytes = 1 << 20;
    lim.max_files = 64;
    const unsigned char (*keys)[PKG_KEY_BYTES] = (const unsigned char (*)[PKG_KEY_BYTES])pk;
    TyPkgTrust trust = { keys, 1 };
    TyPkgReadOptions ro = { .limits = &lim, .trust = &trust, .keep_lua = 1 };
    TyPackage p;
    TyError err;
    ty_error_clear(&err);
    TyStatus st = package_read("fuzz.tpkg", gz.p, gz.len, &ro, &p, &err);
    if (st != TY_OK) {
        CHECK(st == TY_EPACKAGE || st == TY_ENOMEM);
        CHECK(message_ok(err.msg));
    } else {
        for (size_t i = 0; i < p.manifest.nfiles; i++) {
            TyError pe;
            const TyPkgFile *f = &p.manifest.files[i];
            CHECK(package_path_check(f->path, strlen(f->path), "f", &pe) == TY_OK);
            CHECK(f->role == PKG_ROLE_DATA || f->text != NULL || f->size == 0);
        }
        package_free(&p);
    }
    free(tar.p);
    free(gz.p);
    return 0;
}
