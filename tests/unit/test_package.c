/* test_package.c — packages (RELIABILITY §D) at the C level: the manifest validator, the path
 * rules, and the .tpkg reader against hostile archives built here with libarchive and signed
 * with libsodium, so every check is reached with a valid signature and only the one thing
 * wrong. Also: every single-byte change of a real package is refused, packing is
 * deterministic, an unpacked copy is re-verified, and allocation failures are clean.
 * Temp directories live under /tmp and are removed afterwards. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "io/package.h"

/* ---------------------------------------------------------------- helpers */

static unsigned char PK[PKG_KEY_BYTES], SK[PKG_SECRET_BYTES];
static unsigned char OTHER_PK[PKG_KEY_BYTES], OTHER_SK[PKG_SECRET_BYTES];

static int setup_keys(void **state)
{
    (void)state;
    unsigned char seed[32];
    if (sodium_init() < 0) return -1;
    memset(seed, 1, sizeof seed);
    crypto_sign_seed_keypair(PK, SK, seed);
    memset(seed, 2, sizeof seed);
    crypto_sign_seed_keypair(OTHER_PK, OTHER_SK, seed);
    return 0;
}

static void remove_tree(const char *path)
{
    TyError err;
    package_remove_tree(path, &err);
}

static char *make_tmpdir(void)
{
    char *d = strdup("/tmp/tuiyan-package-XXXXXX");
    assert_non_null(mkdtemp(d));
    return d;
}

static void write_file(const char *dir, const char *rel, const char *data, size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    for (char *p = strchr(path + strlen(dir) + 1, '/'); p; p = strchr(p + 1, '/')) {
        *p = '\0';
        mkdir(path, 0755);
        *p = '/';
    }
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

static const char SOURCE_MANIFEST[] =
    "{\"format\": 1, \"name\": \"wuwei_county\", \"version\": \"1.2.0\",\n"
    " \"publisher\": \"武威市科学技术局\", \"description\": \"县区科技指标推演\",\n"
    " \"min_tuiyan\": \"0.1.0\", \"expires\": \"2099-12-31\",\n"
    " \"scenarios\": {\"progress\": \"scenarios/progress.lua\"},\n"
    " \"modules\": {\"wuwei.rules\": \"lib/rules.lua\"},\n"
    " \"data\": [\"data/县区.csv\"]}\n";

/* An author's directory with a small valid package. */
static char *make_source(void)
{
    char *d = make_tmpdir();
    write_file(d, PKG_MANIFEST_NAME, SOURCE_MANIFEST, strlen(SOURCE_MANIFEST));
    write_file(d, "scenarios/progress.lua", "return 1\n", 9);
    write_file(d, "lib/rules.lua", "return {}\n", 10);
    write_file(d, "data/县区.csv", "id,name\na,b\n", 12);
    return d;
}

static unsigned char *pack_source(const char *dir, size_t *len)
{
    unsigned char *buf = NULL;
    TyPackage p;
    TyError err;
    ty_error_clear(&err);
    TyStatus st = package_pack(dir, SK, NULL, &buf, len, &p, &err);
    if (st != TY_OK) fail_msg("pack failed: %s", err.msg);
    package_free(&p);
    return buf;
}

static TyStatus read_pkg(const unsigned char *buf, size_t len, const TyPkgLimits *lim,
                         const char *dest, TyPackage *p, TyError *err)
{
    const unsigned char (*keys)[PKG_KEY_BYTES] = (const unsigned char (*)[PKG_KEY_BYTES])PK;
    TyPkgTrust trust = { keys, 1 };
    TyPkgReadOptions ro = { .limits = lim, .trust = &trust, .dest_dir = dest };
    ty_error_clear(err);
    return package_read("t.tpkg", buf, len, &ro, p, err);
}

/* Reads buf, expecting failure with TY_EPACKAGE and `want` in the message. */
static void expect_refused(const unsigned char *buf, size_t len, const TyPkgLimits *lim,
                           const char *want)
{
    TyPackage p;
    TyError err;
    TyStatus st = read_pkg(buf, len, lim, NULL, &p, &err);
    if (st == TY_OK) { package_free(&p); fail_msg("accepted; expected \"%s\"", want); }
    if (st != TY_EPACKAGE || !strstr(err.msg, want))
        fail_msg("status %d \"%s\"; expected \"%s\"", (int)st, err.msg, want);
    assert_null(p.manifest.files);
}

/* ---- crafting archives: entries written with libarchive, gzip'd the way pack does */

typedef struct Entry {
    const char *path;
    const char *data;
    size_t len;
    int type;              /* AE_IFREG (0 means regular too), AE_IFLNK, ... */
    const char *link;      /* symlink target or hard-link name */
    int64_t declared;      /* > 0: the header claims this size */
} Entry;

typedef struct Buf { unsigned char *p; size_t len, cap; } Buf;

static la_ssize_t buf_write(struct archive *a, void *ud, const void *d, size_t n)
{
    (void)a;
    Buf *b = ud;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n) cap *= 2;
        b->p = realloc(b->p, cap);
        b->cap = cap;
    }
    memcpy(b->p + b->len, d, n);
    b->len += n;
    return (la_ssize_t)n;
}

static int noop(struct archive *a, void *ud) { (void)a; (void)ud; return ARCHIVE_OK; }

static unsigned char *make_archive(const Entry *e, size_t n, int pax, size_t *len)
{
    Buf b = { 0 };
    struct archive *w = archive_write_new();
    if (pax) archive_write_set_format_pax(w);
    else archive_write_set_format_ustar(w);
    archive_write_add_filter_gzip(w);
    archive_write_set_filter_option(w, "gzip", "timestamp", NULL);
    archive_write_set_bytes_per_block(w, 512);
    archive_write_set_bytes_in_last_block(w, 1);
    assert_int_equal(archive_write_open(w, &b, noop, buf_write, noop), ARCHIVE_OK);
    for (size_t i = 0; i < n; i++) {
        struct archive_entry *ae = archive_entry_new();
        archive_entry_set_pathname(ae, e[i].path);
        int type = e[i].type ? e[i].type : (int)AE_IFREG;
        archive_entry_set_filetype(ae, (unsigned)type);
        archive_entry_set_perm(ae, 0644);
        if (type == AE_IFLNK) archive_entry_set_symlink(ae, e[i].link);
        if (e[i].link && type == AE_IFREG) archive_entry_set_hardlink(ae, e[i].link);
        if (type == AE_IFCHR) archive_entry_set_rdev(ae, 0x0103);
        archive_entry_set_size(ae, e[i].declared > 0 ? e[i].declared : (int64_t)e[i].len);
        if (pax && i == 2) archive_entry_set_uname(ae, "\xe4\xb8\xad");   /* needs a pax header */
        assert_true(archive_write_header(w, ae) >= ARCHIVE_WARN);   /* WARN: a name it cannot convert */
        if (e[i].len) archive_write_data(w, e[i].data, e[i].len);
        archive_entry_free(ae);
    }
    archive_write_close(w);
    archive_write_free(w);
    *len = b.len;
    return b.p;
}

static char *sign_line(const char *manifest, const unsigned char *sk, const unsigned char *pk)
{
    unsigned char sig[PKG_SIG_BYTES];
    char kh[65], sh[129];
    crypto_sign_detached(sig, NULL, (const unsigned char *)manifest, strlen(manifest), sk);
    sodium_bin2hex(kh, sizeof kh, pk, PKG_KEY_BYTES);
    sodium_bin2hex(sh, sizeof sh, sig, sizeof sig);
    char *line = malloc(256);
    snprintf(line, 256, "tuiyan-ed25519-signature %s %s\n", kh, sh);
    return line;
}

static void sha_hex(const char *data, size_t len, char out[65])
{
    unsigned char h[32];
    crypto_hash_sha256(h, (const unsigned char *)data, len);
    sodium_bin2hex(out, 65, h, sizeof h);
}

/* A packed manifest for one scenario "s.lua" with `content` and extra JSON before "files". */
static char *manifest_for(const char *content, const char *data_json, const char *files_extra)
{
    char h[65];
    sha_hex(content, strlen(content), h);
    char *m = malloc(8192);
    snprintf(m, 8192,
             "{\"format\": 1, \"name\": \"p\", \"version\": \"1.0.0\", \"publisher\": \"pub\", "
             "\"description\": \"\", \"min_tuiyan\": \"0.1.0\", \"expires\": \"2099-01-01\", "
             "\"scenarios\": {\"main\": \"s.lua\"}, \"data\": [%s], "
             "\"files\": [%s{\"path\": \"s.lua\", \"size\": %zu, \"sha256\": \"%s\"}]}\n",
             data_json, files_extra, strlen(content), h);
    return m;
}

/* Manifest + signature + the given files, signed by the trusted key. */
static unsigned char *signed_archive(const char *manifest, const Entry *files, size_t n, int pax,
                                     size_t *len)
{
    char *sig = sign_line(manifest, SK, PK);
    Entry all[16];
    assert_true(n + 2 <= 16);
    all[0] = (Entry){ PKG_MANIFEST_NAME, manifest, strlen(manifest), 0, NULL, 0 };
    all[1] = (Entry){ PKG_SIGNATURE_NAME, sig, strlen(sig), 0, NULL, 0 };
    for (size_t i = 0; i < n; i++) all[i + 2] = files[i];
    unsigned char *buf = make_archive(all, n + 2, pax, len);
    free(sig);
    return buf;
}

static TyStatus parse_packed(const char *text, TyManifest *m, TyError *err)
{
    ty_error_clear(err);
    return manifest_parse("m.json", text, strlen(text), 0, NULL, TY_EPACKAGE, m, err);
}

static TyStatus parse_source(const char *text, TyManifest *m, TyError *err)
{
    ty_error_clear(err);
    return manifest_parse("m.json", text, strlen(text), 1, NULL, TY_EDATA, m, err);
}

static void expect_source_refused(const char *text, const char *want)
{
    TyManifest m;
    TyError err;
    TyStatus st = parse_source(text, &m, &err);
    if (st == TY_OK) { manifest_free(&m); fail_msg("accepted: %s", text); }
    if (st != TY_EDATA || !strstr(err.msg, want))
        fail_msg("\"%s\" for %s; expected \"%s\"", err.msg, text, want);
    assert_string_equal(err.file, "m.json");
}

/* A source manifest with one field replaced: key "KEY" gets the raw JSON value. */
static char *source_with(const char *key, const char *value)
{
    static const char *const keys[] = {"format", "name", "version", "publisher", "description",
                                       "min_tuiyan", "expires", "scenarios"};
    static const char *const vals[] = {"1", "\"p\"", "\"1.0.0\"", "\"pub\"", "\"\"", "\"0.1.0\"",
                                       "\"2099-01-01\"", "{\"main\": \"s.lua\"}"};
    char *out = malloc(4096);
    size_t o = 0;
    o += (size_t)snprintf(out + o, 4096 - o, "{");
    int found = 0;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *v = vals[i];
        if (strcmp(keys[i], key) == 0) { v = value; found = 1; }
        if (!v) continue;
        o += (size_t)snprintf(out + o, 4096 - o, "%s\"%s\": %s", o > 1 ? ", " : "", keys[i], v);
    }
    if (!found && value) o += (size_t)snprintf(out + o, 4096 - o, ", \"%s\": %s", key, value);
    snprintf(out + o, 4096 - o, "}");
    return out;
}

/* ---------------------------------------------------------------- the manifest */

static void manifest_should_accept_a_source_manifest(void **state)
{
    (void)state;
    TyManifest m;
    TyError err;
    assert_int_equal(parse_source(SOURCE_MANIFEST, &m, &err), TY_OK);
    assert_string_equal(m.name, "wuwei_county");
    assert_int_equal(m.version[0], 1);
    assert_int_equal(m.version[1], 2);
    assert_int_equal(m.expires[0], 2099);
    assert_int_equal(m.nfiles, 3);
    assert_string_equal(m.files[0].path, "data/县区.csv");      /* sorted bytewise */
    assert_int_equal(m.files[0].role, PKG_ROLE_DATA);
    assert_string_equal(m.files[1].name, "wuwei.rules");
    assert_int_equal(m.files[2].role, PKG_ROLE_SCENARIO);
    assert_int_equal(m.has_hashes, 0);
    manifest_free(&m);
}

static void manifest_should_accept_a_packed_manifest(void **state)
{
    (void)state;
    char *text = manifest_for("return 1\n", "", "");
    TyManifest m;
    TyError err;
    assert_int_equal(parse_packed(text, &m, &err), TY_OK);
    assert_int_equal(m.nfiles, 1);
    assert_int_equal(m.files[0].size, 9);
    assert_int_equal(m.total_bytes, 9);
    assert_int_equal(m.has_hashes, 1);
    manifest_free(&m);
    free(text);
}

static void manifest_should_refuse_each_bad_field(void **state)
{
    (void)state;
    static const struct { const char *key, *value, *want; } cases[] = {
        {"colour", "\"red\"", "unknown key \"colour\""},
        {"format", "2", "\"format\": expected 1"},
        {"format", NULL, "missing \"format\""},
        {"name", "\"Wuwei\"", "is not a package name"},
        {"name", "\"1abc\"", "is not a package name"},
        {"name", "\"a b\"", "is not a package name"},
        {"name", "7", "\"name\": expected a string"},
        {"version", "\"1.2\"", "expected MAJOR.MINOR.PATCH"},
        {"version", "\"01.2.3\"", "expected MAJOR.MINOR.PATCH"},
        {"version", "\"1.2.3.4\"", "expected MAJOR.MINOR.PATCH"},
        {"version", "\"1.2.-3\"", "expected MAJOR.MINOR.PATCH"},
        {"version", "\"1.2.3 \"", "expected MAJOR.MINOR.PATCH"},
        {"version", "\"1234567890.0.0\"", "expected MAJOR.MINOR.PATCH"},
        {"version", "[1, 2, 3]", "\"version\": expected a string"},
        {"min_tuiyan", "\"x\"", "\"min_tuiyan\": expected MAJOR.MINOR.PATCH"},
        {"expires", "\"2025-02-30\"", "\"expires\": expected a date"},
        {"expires", "\"2025-13-01\"", "\"expires\": expected a date"},
        {"expires", "\"25-01-01\"", "\"expires\": expected a date"},
        {"expires", "\"1999-12-31\"", "\"expires\": expected a date"},
        {"publisher", "\"\"", "\"publisher\": expected 1 to 200 bytes"},
        {"publisher", "\"a\\u001b[31mred\"", "\"publisher\": expected 1 to 200 bytes"},
        {"publisher", "\"a\\u202eb\"", "\"publisher\": expected 1 to 200 bytes"},
        {"description", "\"a\\tb\"", "\"description\": expected at most"},
        {"scenarios", "{}", "at least one scenario"},
        {"scenarios", "[\"s.lua\"]", "\"scenarios\": expected an object"},
        {"scenarios", "{\"a b\": \"s.lua\"}", "bad scenario name"},
        {"scenarios", "{\"main\": \"s.txt\"}", "is not a .lua file"},
        {"scenarios", "{\"main\": \"s.luac\"}", "compiled Lua (.luac) is not allowed"},
        {"scenarios", "{\"main\": 1}", "expected a path"},
        {"modules", "{\"tuiyan.x\": \"m.lua\"}", "bad module name"},
        {"modules", "{\"_x\": \"m.lua\"}", "bad module name"},
        {"modules", "{\"a..b\": \"m.lua\"}", "bad module name"},
        {"data", "[\"d.lua\"]", "a .lua file is code"},
        {"data", "[\"s.lua\"]", "a .lua file is code"},
        {"data", "[\"x.csv\", \"x.csv\"]", "is listed twice"},
        {"data", "\"x.csv\"", "\"data\": expected an array"},
        {"files", "[]", "\"files\" is written by tuiyan pack"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *text = source_with(cases[i].key, cases[i].value);
        expect_source_refused(text, cases[i].want);
        free(text);
    }
}

static void manifest_should_refuse_invalid_json_with_a_place(void **state)
{
    (void)state;
    TyManifest m;
    TyError err;
    assert_int_equal(parse_source("{\"format\": 1, \"format\": 1}", &m, &err), TY_EDATA);
    assert_non_null(strstr(err.msg, "duplicate key"));
    assert_int_equal(err.line, 1);
    assert_true(err.col > 0);
    assert_int_equal(parse_source("{\"format\": 1,", &m, &err), TY_EDATA);
    assert_int_equal(parse_source("[]", &m, &err), TY_EDATA);
    assert_non_null(strstr(err.msg, "expected a JSON object"));
    /* The code asked for is the code given, for JSON errors too. */
    assert_int_equal(parse_packed("{", &m, &err), TY_EPACKAGE);
}

static void path_check_should_refuse_unsafe_paths(void **state)
{
    (void)state;
    char longname[300], deep[200], longcomp[150];
    memset(longname, 'a', 250);
    longname[250] = '\0';
    memset(longcomp, 'b', 120);
    longcomp[120] = '\0';
    deep[0] = '\0';
    for (int i = 0; i < 17; i++) strcat(deep, "d/");
    strcat(deep, "f");
    static const struct { const char *path, *want; } cases[] = {
        {"../x", "contains \"..\""}, {"a/../x", "contains \"..\""}, {"./x", "contains \".\""},
        {"/etc/x", "absolute path"}, {"a//b", "empty component"}, {"a/", "empty component"},
        {"a\\b", "contains '\\'"}, {"c:x", "contains ':'"}, {"a*b", "contains '*'"},
        {"con", "device name"}, {"data/NUL.csv", "device name"}, {"lpt1.txt", "device name"},
        {"a.", "ends with a dot"}, {"a ", "space"}, {" a", "space"},
        {"a\x01" "b", "control character"}, {"a\x7f", "control character"},
        {"a\xc2\x85", "control character"}, {"a\xe2\x80\xae" "b", "control character"},
        {"a\xff", "not valid UTF-8"}, {"a\xc0\xaf", "not valid UTF-8"},
        {"", "empty path"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        TyError err;
        ty_error_clear(&err);
        if (package_path_check(cases[i].path, strlen(cases[i].path), "t", &err) != TY_EPACKAGE ||
            !strstr(err.msg, cases[i].want))
            fail_msg("path %zu: \"%s\"; expected \"%s\"", i, err.msg, cases[i].want);
    }
    TyError err;
    assert_int_equal(package_path_check(longname, strlen(longname), "t", &err), TY_EPACKAGE);
    assert_non_null(strstr(err.msg, "too long"));
    assert_int_equal(package_path_check(longcomp, strlen(longcomp), "t", &err), TY_EPACKAGE);
    assert_non_null(strstr(err.msg, "longer than 100"));
    assert_int_equal(package_path_check(deep, strlen(deep), "t", &err), TY_EPACKAGE);
    assert_non_null(strstr(err.msg, "deeper"));
    assert_int_equal(package_path_check("a\0b", 3, "t", &err), TY_EPACKAGE);
    /* Messages quote hostile names escaped. */
    assert_int_equal(package_path_check("\x1b[2J", 4, "t", &err), TY_EPACKAGE);
    assert_non_null(strstr(err.msg, "\\x1b[2J"));
}

static void path_check_should_accept_ordinary_and_chinese_names(void **state)
{
    (void)state;
    static const char *const ok[] = {"a", "data/县区 2023.csv", "scenarios/wuwei-1_2.lua",
                                     ".hidden", "a/b/c/d.json", "console.lua", "com10"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        TyError err;
        if (package_path_check(ok[i], strlen(ok[i]), "t", &err) != TY_OK)
            fail_msg("%s refused: %s", ok[i], err.msg);
    }
}

static void manifest_should_refuse_unsafe_and_colliding_paths(void **state)
{
    (void)state;
    static const struct { const char *data, *want; } cases[] = {
        {"[\"../x.csv\"]", "contains \"..\""},
        {"[\"/etc/passwd\"]", "absolute path"},
        {"[\"d\", \"d/x.csv\"]", "needs a directory where the package has a file"},
        {"[\"D\", \"d/x.csv\"]", "needs a directory where the package has a file"},
        {"[\"S.LUA/x.csv\"]", "needs a directory where the package has a file"},
        {"[\"tuiyan-package.json\"]", "are reserved"},
        {"[\"TUIYAN-PACKAGE.SIG\"]", "are reserved"},
        {"[\"tuiyan-package.json/x\"]", "are reserved"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *text = source_with("data", cases[i].data);
        expect_source_refused(text, cases[i].want);
        free(text);
    }
}

/* Names one file on macOS (NFD, case-insensitive) or Windows (case-insensitive) would be one
 * file: equal after NFC and Unicode case folding. */
static void manifest_should_refuse_paths_equal_after_normalisation_and_case_folding(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "[\"data/A.csv\", \"data/a.csv\"]",                              /* ASCII case */
        "[\"Data/a.csv\", \"data/b.csv\", \"DATA/a.csv\"]",
        "[\"data/caf\xc3\xa9.csv\", \"data/cafe\xcc\x81.csv\"]",        /* NFC é, NFD e + U+0301 */
        "[\"data/\xc3\x84.csv\", \"data/\xc3\xa4.csv\"]",                /* Ä, ä */
        "[\"data/A\xcc\x88.csv\", \"data/\xc3\xa4.csv\"]",               /* NFD Ä, ä */
        "[\"data/stra\xc3\x9f" "e.csv\", \"data/STRASSE.csv\"]",         /* ß folds to ss */
        "[\"data/\xce\xa3.csv\", \"data/\xcf\x82.csv\"]",                /* Σ, final ς */
        "[\"\xc3\x89tudes/a.csv\", \"e\xcc\x81tudes/b.csv\", \"\xc3\xa9TUDES/a.csv\"]",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *text = source_with("data", cases[i]);
        TyManifest m;
        TyError err;
        TyStatus st = parse_source(text, &m, &err);
        if (st == TY_OK) { manifest_free(&m); fail_msg("accepted: %s", text); }
        /* refused as a package (exit 4), not as bad data, even in an author's source manifest */
        if (st != TY_EPACKAGE || !strstr(err.msg, "when case is ignored and Unicode is normalised"))
            fail_msg("%d \"%s\" for %s", (int)st, err.msg, text);
        free(text);
    }
    /* a directory in one form, a file in the other */
    char *text = source_with("data", "[\"caf\xc3\xa9\", \"cafe\xcc\x81/x.csv\"]");
    expect_source_refused(text, "needs a directory where the package has a file");
    free(text);
}

static void manifest_should_accept_names_that_differ_after_folding(void **state)
{
    (void)state;
    char *text = source_with("data", "[\"data/caf\xc3\xa9.csv\", \"data/cafe.csv\", \"data/\xe5\x8e\xbf.csv\", "
                                     "\"data/\xe5\x8c\xba.csv\", \"data/\xc3\xa4.csv\", \"data/a.csv\"]");
    TyManifest m;
    TyError err;
    ty_error_clear(&err);
    if (parse_source(text, &m, &err) != TY_OK) fail_msg("refused: %s", err.msg);
    assert_int_equal(m.nfiles, 7);
    manifest_free(&m);
    free(text);
}

static void manifest_should_refuse_files_that_disagree_with_the_roles(void **state)
{
    (void)state;
    char h[65];
    sha_hex("x", 1, h);
    char extra[600];
    static const struct { const char *data, *files, *want; } cases[] = {
        {"\"d.csv\"", "", "\"d.csv\" is listed in data but has no entry"},
        {"", "{\"path\": \"a.csv\", \"size\": 1, \"sha256\": \"%s\"}, ", "is not a scenario, module or data"},
        {"\"z.csv\"", "", "\"z.csv\" is listed in data but has no entry"},
        {"\"a.csv\"", "{\"path\": \"a.csv\", \"size\": -1, \"sha256\": \"%s\"}, ", "whole number of bytes"},
        {"\"a.csv\"", "{\"path\": \"a.csv\", \"size\": 1.5, \"sha256\": \"%s\"}, ", "whole number of bytes"},
        {"\"a.csv\"", "{\"path\": \"a.csv\", \"size\": 1e15, \"sha256\": \"%s\"}, ", "the limit for one file"},
        {"\"a.csv\"", "{\"path\": \"a.csv\", \"size\": 1, \"sha256\": \"%.63s\"}, ", "64 lower-case hex"},
        {"\"a.csv\"", "{\"path\": \"a.csv\", \"size\": 1, \"sha256\": \"%s\", \"mode\": 1}, ", "unknown key \"mode\""},
        {"\"a.csv\"", "{\"path\": \"a.csv\", \"size\": 1, \"sha256\": \"%s\"}, {\"path\": \"a.csv\", \"size\": 1, \"sha256\": \"%s\"}, ",
         "out of order or listed twice"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(extra, sizeof extra, cases[i].files, h, h);
        char *text = manifest_for("return 1\n", cases[i].data, extra);
        TyManifest m;
        TyError err;
        TyStatus st = parse_packed(text, &m, &err);
        if (st == TY_OK) { manifest_free(&m); fail_msg("case %zu accepted", i); }
        if (st != TY_EPACKAGE || !strstr(err.msg, cases[i].want))
            fail_msg("case %zu: \"%s\"; expected \"%s\"", i, err.msg, cases[i].want);
        free(text);
    }
    /* Uppercase hex is not canonical. */
    char *text = manifest_for("return 1\n", "", "");
    char *p = strstr(text, "\"sha256\": \"") + 11;
    for (int i = 0; i < 64; i++) if (p[i] >= 'a' && p[i] <= 'f') { p[i] = (char)(p[i] - 32); break; }
    TyManifest m;
    TyError err;
    assert_int_equal(parse_packed(text, &m, &err), TY_EPACKAGE);
    free(text);
}

static void manifest_should_apply_the_limits(void **state)
{
    (void)state;
    TyPkgLimits lim;
    package_limits_default(&lim);
    lim.max_files = 2;
    TyManifest m;
    TyError err;
    char *text = source_with("data", "[\"a.csv\", \"b.csv\"]");
    assert_int_equal(manifest_parse("m", text, strlen(text), 1, &lim, TY_EPACKAGE, &m, &err),
                     TY_EPACKAGE);
    assert_non_null(strstr(err.msg, "too many files (3; the limit is 2)"));
    free(text);
    package_limits_default(&lim);
    lim.max_total_bytes = 8;
    text = manifest_for("return 1\n", "", "");
    assert_int_equal(manifest_parse("m", text, strlen(text), 0, &lim, TY_EPACKAGE, &m, &err),
                     TY_EPACKAGE);
    assert_non_null(strstr(err.msg, "add up to more than 8 bytes"));
    free(text);
}

static void manifest_should_fail_cleanly_on_every_allocation_failure(void **state)
{
    (void)state;
    for (long n = 0;; n++) {
        TyManifest m;
        TyError err;
        ty_alloc_fail_after(n);
        TyStatus st = parse_source(SOURCE_MANIFEST, &m, &err);
        ty_alloc_fail_after(-1);
        if (st == TY_OK) { manifest_free(&m); break; }
        if (st != TY_ENOMEM) fail_msg("allocation %ld: status %d \"%s\"", n, (int)st, err.msg);
        assert_null(m.files);
        assert_true(n < 10000);
    }
}

static void version_should_compare_numerically(void **state)
{
    (void)state;
    int a[3], b[3];
    assert_int_equal(package_version_parse("1.10.0", 6, a), 0);
    assert_int_equal(package_version_parse("1.9.99", 6, b), 0);
    assert_true(package_version_cmp(a, b) > 0);
    assert_true(package_version_cmp(b, a) < 0);
    assert_int_equal(package_version_cmp(a, a), 0);
    assert_int_equal(package_version_parse("999999999.0.0", 13, a), 0);
    assert_int_equal(package_version_parse("1.0", 3, a), -1);
    assert_int_equal(package_version_parse("1.0.0", 4, a), -1);     /* "1.0." */
}

/* ---------------------------------------------------------------- the archive */

static void package_should_round_trip_pack_read_and_unpack(void **state)
{
    (void)state;
    char *src = make_source();
    size_t len;
    unsigned char *buf = pack_source(src, &len);
    char *dest = make_tmpdir();
    TyPackage p;
    TyError err;
    if (read_pkg(buf, len, NULL, dest, &p, &err) != TY_OK) fail_msg("%s", err.msg);
    assert_string_equal(p.manifest.name, "wuwei_county");
    assert_int_equal(p.manifest.nfiles, 3);
    assert_int_equal(p.manifest.total_bytes, 31);
    assert_memory_equal(p.key, PK, PKG_KEY_BYTES);
    assert_int_equal(p.key_index, 0);
    unsigned char h[32];
    crypto_hash_sha256(h, (const unsigned char *)p.manifest_text, p.manifest_len);
    assert_memory_equal(h, p.manifest_sha256, 32);
    package_free(&p);

    /* What was unpacked verifies again, with the Lua sources kept. */
    const unsigned char (*keys)[PKG_KEY_BYTES] = (const unsigned char (*)[PKG_KEY_BYTES])PK;
    TyPkgTrust trust = { keys, 1 };
    TyPkgReadOptions ro = { .trust = &trust, .keep_lua = 1 };
    if (package_verify_dir(dest, &ro, &p, &err) != TY_OK) fail_msg("%s", err.msg);
    assert_int_equal(p.manifest.files[2].text_len, 9);
    assert_memory_equal(p.manifest.files[2].text, "return 1\n", 9);
    assert_null(p.manifest.files[0].text);          /* data is not kept */
    package_free(&p);

    char path[600];
    snprintf(path, sizeof path, "%s/data/县区.csv", dest);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 12);
    free(buf);
    remove_tree(dest);
    remove_tree(src);
    free(dest);
    free(src);
}

static void package_should_pack_deterministically(void **state)
{
    (void)state;
    char *src = make_source();
    size_t a_len, b_len;
    unsigned char *a = pack_source(src, &a_len);
    sleep(1);                                        /* a timestamp would differ now */
    unsigned char *b = pack_source(src, &b_len);
    assert_int_equal(a_len, b_len);
    assert_memory_equal(a, b, a_len);
    static const unsigned char gz[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
    assert_memory_equal(a, gz, 10);
    free(a);
    free(b);
    remove_tree(src);
    free(src);
}

/* The tar stream inside a .tpkg, inflated by libarchive (no checks), or NULL. */
static unsigned char *inflate_raw(const unsigned char *buf, size_t len, size_t *out)
{
    struct archive *a = archive_read_new();
    archive_read_support_filter_gzip(a);
    archive_read_support_format_raw(a);
    struct archive_entry *e;
    unsigned char *data = malloc(1 << 20);
    *out = 0;
    if (archive_read_open_memory(a, buf, len) == ARCHIVE_OK &&
        archive_read_next_header(a, &e) == ARCHIVE_OK) {
        la_ssize_t r;
        while ((r = archive_read_data(a, data + *out, (1 << 20) - *out)) > 0) *out += (size_t)r;
        if (r < 0) { free(data); data = NULL; }
    } else {
        free(data);
        data = NULL;
    }
    archive_read_free(a);
    return data;
}

/* Every byte of a real package, changed three ways, and every truncation. The signature covers
 * the manifest, the manifest every file, and the gzip CRC the whole tar stream, so a change is
 * refused unless it cannot change a single byte unpacked: deflate has a few such bits (the
 * unused bits of the last byte, a match distance into a run of zeros). Those, and only those,
 * may pass, and the test checks that each decodes to the identical tar. */
static void package_should_refuse_every_single_byte_change(void **state)
{
    (void)state;
    char *src = make_source();
    size_t len, tar_len;
    unsigned char *buf = pack_source(src, &len);
    unsigned char *tar = inflate_raw(buf, len, &tar_len);
    assert_non_null(tar);
    static const unsigned char masks[] = {0xFF, 0x01, 0x80};
    size_t refused = 0, harmless = 0;
    for (size_t i = 0; i < len; i++) {
        for (size_t k = 0; k < sizeof masks; k++) {
            buf[i] ^= masks[k];
            TyPackage p;
            TyError err;
            TyStatus st = read_pkg(buf, len, NULL, NULL, &p, &err);
            if (st == TY_OK) {
                package_free(&p);
                size_t n;
                unsigned char *same = inflate_raw(buf, len, &n);
                if (!same || n != tar_len || memcmp(same, tar, n) != 0)
                    fail_msg("byte %zu ^ 0x%02x changed the content and was accepted", i, masks[k]);
                free(same);
                harmless++;
            } else if (st != TY_EPACKAGE) {
                fail_msg("byte %zu: status %d \"%s\"", i, (int)st, err.msg);
            } else {
                refused++;
            }
            buf[i] ^= masks[k];
        }
    }
    assert_true(harmless * 100 < refused);          /* a handful of bits in thousands */
    for (size_t n = 0; n < len; n++) {
        TyPackage p;
        TyError err;
        assert_int_equal(read_pkg(buf, n, NULL, NULL, &p, &err), TY_EPACKAGE);
    }
    unsigned char *longer = malloc(len + 4);
    memcpy(longer, buf, len);
    memcpy(longer + len, "junk", 4);
    expect_refused(longer, len + 4, NULL, "gzip checksum");
    free(longer);
    free(tar);
    free(buf);
    remove_tree(src);
    free(src);
}

static void package_should_refuse_untrusted_and_malformed_signatures(void **state)
{
    (void)state;
    char *m = manifest_for("return 1\n", "", "");
    Entry s = { "s.lua", "return 1\n", 9, 0, NULL, 0 };
    char *other = sign_line(m, OTHER_SK, OTHER_PK);
    Entry e[3] = { { PKG_MANIFEST_NAME, m, strlen(m), 0, NULL, 0 },
                   { PKG_SIGNATURE_NAME, other, strlen(other), 0, NULL, 0 }, s };
    size_t len;
    unsigned char *buf = make_archive(e, 3, 0, &len);
    expect_refused(buf, len, NULL, "which is not trusted");
    free(buf);

    /* No trusted key at all. */
    buf = signed_archive(m, &s, 1, 0, &len);
    TyPkgReadOptions ro = { 0 };
    TyPackage p;
    TyError err;
    assert_int_equal(package_read("t", buf, len, &ro, &p, &err), TY_EPACKAGE);
    assert_non_null(strstr(err.msg, "no key is trusted yet"));
    free(buf);

    /* The trusted key's name on another key's signature. */
    char *sig = sign_line(m, OTHER_SK, OTHER_PK);
    char kh[65];
    sodium_bin2hex(kh, sizeof kh, PK, PKG_KEY_BYTES);
    memcpy(sig + strlen("tuiyan-ed25519-signature "), kh, 64);
    e[1] = (Entry){ PKG_SIGNATURE_NAME, sig, strlen(sig), 0, NULL, 0 };
    buf = make_archive(e, 3, 0, &len);
    expect_refused(buf, len, NULL, "does not match the manifest");
    free(buf);

    static const char *const bad[] = {
        "", "tuiyan-ed25519-signature\n", "ed25519 00\n",
        "tuiyan-ed25519-signature 00 00\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        e[1] = (Entry){ PKG_SIGNATURE_NAME, bad[i], strlen(bad[i]), 0, NULL, 0 };
        buf = make_archive(e, 3, 0, &len);
        expect_refused(buf, len, NULL, "malformed signature");
        free(buf);
    }
    /* Upper-case hex, a missing newline, a trailing space: all malformed. */
    char *good = sign_line(m, SK, PK);
    char variant[300];
    snprintf(variant, sizeof variant, "%s", good);
    variant[strlen(variant) - 1] = '\0';
    e[1] = (Entry){ PKG_SIGNATURE_NAME, variant, strlen(variant), 0, NULL, 0 };
    buf = make_archive(e, 3, 0, &len);
    expect_refused(buf, len, NULL, "malformed signature");
    free(buf);
    snprintf(variant, sizeof variant, "%s", good);
    for (char *q = variant + 25; *q; q++) if (*q >= 'a' && *q <= 'f') { *q = (char)(*q - 32); break; }
    e[1] = (Entry){ PKG_SIGNATURE_NAME, variant, strlen(variant), 0, NULL, 0 };
    buf = make_archive(e, 3, 0, &len);
    expect_refused(buf, len, NULL, "malformed signature");
    free(buf);

    /* A manifest changed after signing. */
    char *changed = strdup(m);
    changed[strlen(changed) - 2] = ' ';                /* "}\n" -> " \n": still valid JSON? no matter */
    e[0] = (Entry){ PKG_MANIFEST_NAME, changed, strlen(changed), 0, NULL, 0 };
    e[1] = (Entry){ PKG_SIGNATURE_NAME, good, strlen(good), 0, NULL, 0 };
    buf = make_archive(e, 3, 0, &len);
    expect_refused(buf, len, NULL, "does not match the manifest");
    free(buf);
    free(changed);
    free(good);
    free(sig);
    free(other);
    free(m);
}

static void package_should_refuse_a_malformed_signed_manifest(void **state)
{
    (void)state;
    static const char *const manifests[] = {
        "{\"format\": 1", "not json", "{\"format\": 1, \"format\": 1}", "[]",
        "{\"format\": 1, \"name\": \"p\"}",
    };
    Entry s = { "s.lua", "return 1\n", 9, 0, NULL, 0 };
    for (size_t i = 0; i < sizeof manifests / sizeof manifests[0]; i++) {
        size_t len;
        unsigned char *buf = signed_archive(manifests[i], &s, 1, 0, &len);
        TyPackage p;
        TyError err;
        assert_int_equal(read_pkg(buf, len, NULL, NULL, &p, &err), TY_EPACKAGE);
        assert_string_equal(err.file, "t.tpkg: tuiyan-package.json");
        assert_true(strlen(err.msg) > 10);
        free(buf);
    }
}

static void package_should_refuse_missing_extra_and_changed_files(void **state)
{
    (void)state;
    char *m = manifest_for("return 1\n", "", "");
    size_t len;
    unsigned char *buf = signed_archive(m, NULL, 0, 0, &len);
    expect_refused(buf, len, NULL, "\"s.lua\" is in the manifest but missing from the archive");
    free(buf);

    Entry two[2] = { { "s.lua", "return 1\n", 9, 0, NULL, 0 }, { "x.csv", "1", 1, 0, NULL, 0 } };
    buf = signed_archive(m, two, 2, 0, &len);
    expect_refused(buf, len, NULL, "\"x.csv\" is in the archive but not in the manifest");
    free(buf);

    Entry dup[2] = { { "s.lua", "return 1\n", 9, 0, NULL, 0 }, { "s.lua", "return 1\n", 9, 0, NULL, 0 } };
    buf = signed_archive(m, dup, 2, 0, &len);
    expect_refused(buf, len, NULL, "appears twice in the archive");
    free(buf);

    Entry changed = { "s.lua", "return 2\n", 9, 0, NULL, 0 };
    buf = signed_archive(m, &changed, 1, 0, &len);
    expect_refused(buf, len, NULL, "\"s.lua\" does not match the manifest (sha256");
    free(buf);

    Entry longer = { "s.lua", "return 10\n", 10, 0, NULL, 0 };
    buf = signed_archive(m, &longer, 1, 0, &len);
    expect_refused(buf, len, NULL, "\"s.lua\" is 10 bytes in the archive; the manifest says 9");
    free(buf);
    free(m);

    /* The metadata entries come first, in order. */
    char *m2 = manifest_for("return 1\n", "", "");
    char *sig = sign_line(m2, SK, PK);
    Entry swapped[3] = { { PKG_SIGNATURE_NAME, sig, strlen(sig), 0, NULL, 0 },
                         { PKG_MANIFEST_NAME, m2, strlen(m2), 0, NULL, 0 },
                         { "s.lua", "return 1\n", 9, 0, NULL, 0 } };
    buf = make_archive(swapped, 3, 0, &len);
    expect_refused(buf, len, NULL, "expected tuiyan-package.json as entry 1");
    free(buf);
    buf = make_archive(swapped + 1, 1, 0, &len);
    expect_refused(buf, len, NULL, "has no signature");
    free(buf);
    buf = make_archive(NULL, 0, 0, &len);
    expect_refused(buf, len, NULL, "the archive is empty");
    free(buf);
    free(sig);
    free(m2);
}

static void package_should_refuse_links_devices_and_unsafe_entries(void **state)
{
    (void)state;
    char *m = manifest_for("return 1\n", "", "");
    static const struct { Entry e; const char *want; } cases[] = {
        { { "link", "", 0, AE_IFLNK, "/etc/passwd", 0 }, "\"link\" is a symbolic link" },
        { { "s.lua", "", 0, AE_IFLNK, "/etc/passwd", 0 }, "\"s.lua\" is a symbolic link" },
        { { "hard", "", 0, AE_IFREG, "s.lua", 0 }, "\"hard\" is a hard link" },
        { { "dev", "", 0, AE_IFCHR, NULL, 0 }, "\"dev\" is a character device" },
        { { "blk", "", 0, AE_IFBLK, NULL, 0 }, "\"blk\" is a block device" },
        { { "fifo", "", 0, AE_IFIFO, NULL, 0 }, "\"fifo\" is a FIFO" },
        { { "dir", "", 0, AE_IFDIR, NULL, 0 }, "is a directory entry" },
        { { "../x", "x", 1, 0, NULL, 0 }, "path \"../x\" contains \"..\"" },
        { { "/etc/x", "x", 1, 0, NULL, 0 }, "absolute path \"/etc/x\"" },
        { { "a\xff", "x", 1, 0, NULL, 0 }, "is not valid UTF-8" },
        { { "S.lua", "x", 1, 0, NULL, 0 }, "\"S.lua\" is in the archive but not in the manifest" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Entry files[2] = { { "s.lua", "return 1\n", 9, 0, NULL, 0 }, cases[i].e };
        size_t len;
        /* Before the real file when its name sorts first, else after: either way refused. */
        unsigned char *buf = signed_archive(m, files + (i < 2 ? 1 : 0), i < 2 ? 1 : 2, 0, &len);
        expect_refused(buf, len, NULL, cases[i].want);
        free(buf);
    }
    /* pax extensions are not ustar. */
    Entry s = { "s.lua", "return 1\n", 9, 0, NULL, 0 };
    size_t len;
    unsigned char *buf = signed_archive(m, &s, 1, 1, &len);
    expect_refused(buf, len, NULL, "packages are plain ustar");
    free(buf);
    free(m);
}

static void package_should_refuse_compiled_or_binary_lua(void **state)
{
    (void)state;
    static const struct { const char *content; size_t len; const char *want; } cases[] = {
        { "\x1bLuaT\0\x19\x93", 8, "is a compiled Lua chunk" },
        { "return 1\0", 9, "contains a NUL byte" },
        { "return '\xff'", 10, "is not UTF-8 text" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char h[65], m[1024];
        sha_hex(cases[i].content, cases[i].len, h);
        snprintf(m, sizeof m,
                 "{\"format\": 1, \"name\": \"p\", \"version\": \"1.0.0\", \"publisher\": \"p\", "
                 "\"description\": \"\", \"min_tuiyan\": \"0.1.0\", \"expires\": \"2099-01-01\", "
                 "\"scenarios\": {\"main\": \"s.lua\"}, \"files\": [{\"path\": \"s.lua\", "
                 "\"size\": %zu, \"sha256\": \"%s\"}]}", cases[i].len, h);
        Entry s = { "s.lua", cases[i].content, cases[i].len, 0, NULL, 0 };
        size_t len;
        unsigned char *buf = signed_archive(m, &s, 1, 0, &len);
        expect_refused(buf, len, NULL, cases[i].want);
        free(buf);
    }
    /* pack refuses it too, as bad input (exit 3). */
    char *src = make_source();
    write_file(src, "lib/rules.lua", "\x1bLua", 4);
    unsigned char *out = NULL;
    size_t len;
    TyPackage p;
    TyError err;
    assert_int_equal(package_pack(src, SK, NULL, &out, &len, &p, &err), TY_EDATA);
    assert_non_null(strstr(err.msg, "compiled Lua chunk"));
    remove_tree(src);
    free(src);
}

static void package_should_stop_archive_bombs_before_unpacking(void **state)
{
    (void)state;
    TyPkgLimits lim;
    package_limits_default(&lim);
    lim.max_total_bytes = 64 << 10;
    lim.max_files = 4;
    /* Actual size: 8 MiB of zeros (8 KiB compressed); stops at the inflate cap. */
    size_t big = (size_t)8 << 20;
    char *zeros = calloc(big, 1);
    char h[65], m[1024];
    sha_hex(zeros, big, h);
    snprintf(m, sizeof m,
             "{\"format\": 1, \"name\": \"p\", \"version\": \"1.0.0\", \"publisher\": \"p\", "
             "\"description\": \"\", \"min_tuiyan\": \"0.1.0\", \"expires\": \"2099-01-01\", "
             "\"scenarios\": {\"main\": \"s.lua\"}, \"files\": [{\"path\": \"s.lua\", "
             "\"size\": %zu, \"sha256\": \"%s\"}]}", big, h);
    Entry s = { "s.lua", zeros, big, 0, NULL, 0 };
    size_t len;
    unsigned char *buf = signed_archive(m, &s, 1, 0, &len);
    assert_true(len < 64 << 10);
    expect_refused(buf, len, &lim, "an archive bomb?");
    free(buf);
    /* With the default limits the manifest itself is refused: the file is over its limit. */
    lim.max_total_bytes = 16 << 20;
    lim.max_file_bytes = 1 << 20;
    expect_refused(buf = signed_archive(m, &s, 1, 0, &len), len, &lim,
                   "the limit for one file is 1048576");
    free(buf);
    free(zeros);

    /* Declared size: a header claiming more than the manifest, checked before reading. */
    char *mm = manifest_for("return 1\n", "", "");
    Entry liar = { "s.lua", "return 1\n", 9, 0, NULL, 4096 };
    buf = signed_archive(mm, &liar, 1, 0, &len);
    expect_refused(buf, len, NULL, "\"s.lua\" is 4096 bytes in the archive; the manifest says 9");
    free(buf);
    free(mm);

    /* Entry count: more entries than the limit. */
    package_limits_default(&lim);
    lim.max_files = 1;
    mm = manifest_for("return 1\n", "", "");
    Entry three[3] = { { "s.lua", "return 1\n", 9, 0, NULL, 0 }, { "t", "", 0, 0, NULL, 0 },
                       { "u", "", 0, 0, NULL, 0 } };
    buf = signed_archive(mm, three, 3, 0, &len);
    expect_refused(buf, len, &lim, "more than 3 entries");
    free(buf);
    free(mm);
}

static void package_should_refuse_a_foreign_gzip_header(void **state)
{
    (void)state;
    static const unsigned char not_gzip[] = "PK\x03\x04 not a tpkg at all, just bytes";
    expect_refused(not_gzip, sizeof not_gzip, NULL, "not gzip data");
    char *src = make_source();
    size_t len;
    unsigned char *buf = pack_source(src, &len);
    buf[9] = 0xFF;                                   /* OS byte: "unknown" */
    expect_refused(buf, len, NULL, "gzip header is not the one tuiyan pack writes");
    free(buf);
    remove_tree(src);
    free(src);
}

static void verify_dir_should_find_every_change_to_an_installed_package(void **state)
{
    (void)state;
    char *src = make_source();
    size_t len;
    unsigned char *buf = pack_source(src, &len);
    const unsigned char (*keys)[PKG_KEY_BYTES] = (const unsigned char (*)[PKG_KEY_BYTES])PK;
    TyPkgTrust trust = { keys, 1 };
    TyPkgReadOptions ro = { .trust = &trust };
    static const struct { const char *action, *want; } cases[] = {
        {"change", "\"lib/rules.lua\" does not match the manifest"},
        {"grow", "\"lib/rules.lua\": larger than the manifest says"},
        {"remove", "\"lib/rules.lua\": missing"},
        {"extra", "unexpected file \"lib/extra.lua\""},
        {"extra-dir", "unexpected directory \"empty\""},
        {"symlink", "\"lib/rules.lua\": a symbolic link"},
        {"dir-symlink", "\"lib/rules.lua\": not a plain directory"},
        {"manifest", "the signature of key"},
        {"signature", "malformed signature"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *dest = make_tmpdir();
        TyPackage p;
        TyError err;
        assert_int_equal(read_pkg(buf, len, NULL, dest, &p, &err), TY_OK);
        package_free(&p);
        char path[600], other[600];
        snprintf(path, sizeof path, "%s/lib/rules.lua", dest);
        const char *a = cases[i].action;
        if (strcmp(a, "change") == 0) write_file(dest, "lib/rules.lua", "return {1}", 10);
        else if (strcmp(a, "grow") == 0) write_file(dest, "lib/rules.lua", "return {}\n\n", 11);
        else if (strcmp(a, "remove") == 0) unlink(path);
        else if (strcmp(a, "extra") == 0) write_file(dest, "lib/extra.lua", "x", 1);
        else if (strcmp(a, "extra-dir") == 0) { snprintf(other, sizeof other, "%s/empty", dest);
                                                mkdir(other, 0755); }
        else if (strcmp(a, "symlink") == 0) { unlink(path); assert_int_equal(symlink("/etc/passwd", path), 0); }
        else if (strcmp(a, "dir-symlink") == 0) {
            snprintf(other, sizeof other, "%s/lib", dest);
            remove_tree(other);
            snprintf(path, sizeof path, "%s/scenarios", dest);
            assert_int_equal(symlink(path, other), 0);
        }
        else if (strcmp(a, "manifest") == 0) {
            snprintf(path, sizeof path, "%s/%s", dest, PKG_MANIFEST_NAME);
            FILE *f = fopen(path, "ab");
            fputc(' ', f);
            fclose(f);
        }
        else if (strcmp(a, "signature") == 0) write_file(dest, PKG_SIGNATURE_NAME, "x\n", 2);
        TyStatus st = package_verify_dir(dest, &ro, &p, &err);
        if (st == TY_OK) { package_free(&p); fail_msg("%s: accepted", a); }
        if (st != TY_EPACKAGE || !strstr(err.msg, cases[i].want))
            fail_msg("%s: \"%s\"; expected \"%s\"", a, err.msg, cases[i].want);
        remove_tree(dest);
        free(dest);
    }
    free(buf);
    remove_tree(src);
    free(src);
}

static void pack_should_refuse_a_bad_source_directory(void **state)
{
    (void)state;
    static const char *const actions[] = {"unlisted", "missing", "symlink", "files", "badkey"};
    static const char *const wants[] = {
        "not listed in tuiyan-package.json", "listed in tuiyan-package.json but not there",
        "a symbolic link", "\"files\" is written by tuiyan pack", "the secret key is damaged",
    };
    for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++) {
        char *src = make_source();
        char path[600];
        unsigned char sk[PKG_SECRET_BYTES];
        memcpy(sk, SK, sizeof sk);
        if (i == 0) write_file(src, "notes.txt", "x", 1);
        if (i == 1) { snprintf(path, sizeof path, "%s/lib/rules.lua", src); unlink(path); }
        if (i == 2) { snprintf(path, sizeof path, "%s/data/x", src); symlink("/etc/passwd", path); }
        if (i == 3) {
            static const char m[] = "{\"format\": 1, \"name\": \"p\", \"version\": \"1.0.0\", "
                "\"publisher\": \"p\", \"description\": \"\", \"min_tuiyan\": \"0.1.0\", "
                "\"expires\": \"2099-01-01\", \"scenarios\": {\"main\": \"scenarios/progress.lua\"}, "
                "\"modules\": {\"wuwei.rules\": \"lib/rules.lua\"}, \"data\": [\"data/县区.csv\"], "
                "\"files\": []}";
            write_file(src, PKG_MANIFEST_NAME, m, strlen(m));
        }
        if (i == 4) sk[63] ^= 1;
        unsigned char *out = NULL;
        size_t len;
        TyPackage p;
        TyError err;
        ty_error_clear(&err);
        TyStatus st = package_pack(src, sk, NULL, &out, &len, &p, &err);
        if (st == TY_OK) { free(out); package_free(&p); fail_msg("%s: packed", actions[i]); }
        if (!strstr(err.msg, wants[i])) fail_msg("%s: \"%s\"", actions[i], err.msg);
        assert_int_equal(st, i == 4 ? TY_EUSAGE : TY_EDATA);
        remove_tree(src);
        free(src);
    }
}

static void package_read_should_fail_cleanly_on_every_allocation_failure(void **state)
{
    (void)state;
    char *src = make_source();
    size_t len;
    unsigned char *buf = pack_source(src, &len);
    for (long n = 0;; n++) {
        TyPackage p;
        TyError err;
        ty_alloc_fail_after(n);
        TyStatus st = read_pkg(buf, len, NULL, NULL, &p, &err);
        ty_alloc_fail_after(-1);
        if (st == TY_OK) { package_free(&p); break; }
        if (st != TY_ENOMEM) fail_msg("allocation %ld: status %d \"%s\"", n, (int)st, err.msg);
        assert_true(n < 10000);
    }
    free(buf);
    remove_tree(src);
    free(src);
}

static void fs_should_swap_directories_and_remove_without_following_links(void **state)
{
    (void)state;
    char *root = make_tmpdir();
    char a[600], b[600], keep[600], link[700];
    snprintf(a, sizeof a, "%.500s/a", root);
    snprintf(b, sizeof b, "%.500s/b", root);
    snprintf(keep, sizeof keep, "%.500s/keep", root);
    write_file(root, "a/new", "n", 1);
    write_file(root, "b/old", "o", 1);
    write_file(root, "keep/precious", "p", 1);
    int exchanged = 0;
    TyError err;
    assert_int_equal(package_move_dir(a, b, &exchanged, &err), TY_OK);
    assert_true(exchanged);
    snprintf(link, sizeof link, "%s/new", b);
    assert_int_equal(access(link, F_OK), 0);
    snprintf(link, sizeof link, "%s/old", a);
    assert_int_equal(access(link, F_OK), 0);
    /* A link inside a tree being removed is removed, not followed. */
    snprintf(link, sizeof link, "%s/escape", a);
    assert_int_equal(symlink(keep, link), 0);
    assert_int_equal(package_remove_tree(a, &err), TY_OK);
    assert_int_equal(access(a, F_OK), -1);
    snprintf(link, sizeof link, "%s/precious", keep);
    assert_int_equal(access(link, F_OK), 0);
    /* The lock is exclusive. */
    int fd = package_lock(root, &err);
    assert_true(fd >= 0);
    assert_int_equal(package_lock(root, &err), -1);
    assert_non_null(strstr(err.msg, "another tuiyan"));
    close(fd);
    char **names;
    size_t n;
    assert_int_equal(package_list_dir(root, &names, &n, &err), TY_OK);
    assert_int_equal(n, 3);                          /* .lock, b, keep (sorted) */
    assert_string_equal(names[0], ".lock");
    assert_string_equal(names[2], "keep");
    package_names_free(names, n);
    remove_tree(root);
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(manifest_should_accept_a_source_manifest),
        cmocka_unit_test(manifest_should_accept_a_packed_manifest),
        cmocka_unit_test(manifest_should_refuse_each_bad_field),
        cmocka_unit_test(manifest_should_refuse_invalid_json_with_a_place),
        cmocka_unit_test(path_check_should_refuse_unsafe_paths),
        cmocka_unit_test(path_check_should_accept_ordinary_and_chinese_names),
        cmocka_unit_test(manifest_should_refuse_unsafe_and_colliding_paths),
        cmocka_unit_test(manifest_should_refuse_paths_equal_after_normalisation_and_case_folding),
        cmocka_unit_test(manifest_should_accept_names_that_differ_after_folding),
        cmocka_unit_test(manifest_should_refuse_files_that_disagree_with_the_roles),
        cmocka_unit_test(manifest_should_apply_the_limits),
        cmocka_unit_test(manifest_should_fail_cleanly_on_every_allocation_failure),
        cmocka_unit_test(version_should_compare_numerically),
        cmocka_unit_test(package_should_round_trip_pack_read_and_unpack),
        cmocka_unit_test(package_should_pack_deterministically),
        cmocka_unit_test(package_should_refuse_every_single_byte_change),
        cmocka_unit_test(package_should_refuse_untrusted_and_malformed_signatures),
        cmocka_unit_test(package_should_refuse_a_malformed_signed_manifest),
        cmocka_unit_test(package_should_refuse_missing_extra_and_changed_files),
        cmocka_unit_test(package_should_refuse_links_devices_and_unsafe_entries),
        cmocka_unit_test(package_should_refuse_compiled_or_binary_lua),
        cmocka_unit_test(package_should_stop_archive_bombs_before_unpacking),
        cmocka_unit_test(package_should_refuse_a_foreign_gzip_header),
        cmocka_unit_test(verify_dir_should_find_every_change_to_an_installed_package),
        cmocka_unit_test(pack_should_refuse_a_bad_source_directory),
        cmocka_unit_test(package_read_should_fail_cleanly_on_every_allocation_failure),
        cmocka_unit_test(fs_should_swap_directories_and_remove_without_following_links),
    };
    return cmocka_run_group_tests(tests, setup_keys, NULL);
}
