/* package_manifest.c — tuiyan-package.json: strict validation of a package's manifest, and the
 * rules for names, versions, dates and paths inside a package.
 *
 * The manifest is read with the strict JSON reader (no duplicate keys, valid UTF-8, …), then
 * every key is checked here: unknown keys are errors, every file is listed under exactly one
 * role (scenario, module, data), and the set of paths is safe to unpack on any system a county
 * may use: no two paths equal once Unicode-normalised (NFC) and case-folded (libutf8proc: "café"
 * and "cafe\u0301", "Ä" and "ä" are one name on macOS and Windows), no path both a file and a directory,
 * no path that shadows the manifest or the signature. Messages name the key and show the
 * offending value quoted and escaped, so a hostile manifest cannot write to the terminal.
 */
#include "package.h"
#include "json.h"
#include "utf8.h"
#include "core/alloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <utf8proc.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_BYTES 64
#define SCENARIO_NAME_MAX 64
#define MODULE_NAME_MAX 128
#define PUBLISHER_MAX 200
#define DESCRIPTION_MAX 4000

void package_limits_default(TyPkgLimits *lim)
{
    lim->max_total_bytes = (uint64_t)256 << 20;
    lim->max_file_bytes = (uint64_t)64 << 20;
    lim->max_files = 4096;
}

/* ---------------------------------------------------------------- small helpers */

/* Code points that must never reach a terminal from a package: C0 and C1 controls, DEL, and
 * the bidirectional marks and overrides that make text display as something it is not. */
static int unsafe_cp(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x061C || cp == 0x200E ||
           cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

void package_show(const char *s, size_t len, char *out, size_t outsize)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0, i = 0;
    if (outsize == 0) return;
    size_t keep = outsize > 8 ? outsize - 8 : 0;      /* room for one escape and "..." */
    if (keep > 60) keep = 60;
    while (i < len && o < keep) {
        unsigned char c = (unsigned char)s[i];
        size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        TyUtf8Error ue;
        uint32_t cp = 0;
        if (i + n <= len && utf8_validate(s + i, n, &ue)) utf8_decode(s + i, n, &cp);
        else n = 0;                                   /* an invalid byte: escaped alone */
        if (n > 0 && !unsafe_cp(cp) && c != '"' && c != '\\') {
            if (o + n > keep) break;
            memcpy(out + o, s + i, n);
            o += n;
            i += n;
        } else {
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
            i++;
        }
    }
    if (i < len && o + 3 < outsize) { memcpy(out + o, "...", 3); o += 3; }
    out[o] = '\0';
}

/* Text a person will read on a terminal (valid UTF-8 assumed): no unsafe code point, a
 * newline only where allowed. */
static int text_ok(const char *s, size_t len, int allow_newline)
{
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        int n = utf8_decode(s + i, len - i, &cp);
        if (unsafe_cp(cp) && !(cp == '\n' && allow_newline)) return 0;
        i += (size_t)(n > 0 ? n : 1);
    }
    return 1;
}

static char ascii_fold(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static int fold_equal(const char *a, size_t alen, const char *b)
{
    size_t blen = strlen(b);
    if (alen != blen) return 0;
    for (size_t i = 0; i < alen; i++)
        if (ascii_fold(a[i]) != ascii_fold(b[i])) return 0;
    return 1;
}

static char *dup_str(const char *s)
{
    return ty_strdup(s ? s : "");
}

int package_version_parse(const char *s, size_t len, int v[3])
{
    size_t i = 0;
    for (int k = 0; k < 3; k++) {
        if (k > 0) {
            if (i >= len || s[i] != '.') return -1;
            i++;
        }
        size_t start = i;
        long n = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9' && i - start < 9) n = n * 10 + (s[i++] - '0');
        if (i == start || (i < len && s[i] >= '0' && s[i] <= '9')) return -1;  /* none, or > 9 digits */
        if (s[start] == '0' && i - start > 1) return -1;                       /* leading zero */
        v[k] = (int)n;
    }
    return i == len ? 0 : -1;
}

int package_version_cmp(const int a[3], const int b[3])
{
    for (int k = 0; k < 3; k++)
        if (a[k] != b[k]) return a[k] < b[k] ? -1 : 1;
    return 0;
}

static int date_parse(const char *s, int ymd[3])
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-') return -1;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return -1;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    if (y < 2000 || m < 1 || m > 12 || d < 1) return -1;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[m - 1] + (m == 2 && leap)) return -1;
    ymd[0] = y;
    ymd[1] = m;
    ymd[2] = d;
    return 0;
}

static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int package_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > NAME_MAX_BYTES || !(s[0] >= 'a' && s[0] <= 'z')) return 0;
    for (size_t i = 1; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || is_digit(s[i]) || s[i] == '_' || s[i] == '-'))
            return 0;
    return 1;
}

static int scenario_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > SCENARIO_NAME_MAX || s[0] == '-') return 0;
    for (size_t i = 0; i < n; i++)
        if (!(is_alpha(s[i]) || is_digit(s[i]) || s[i] == '_' || s[i] == '-')) return 0;
    return 1;
}

/* a.b.c with Lua identifiers; never "tuiyan" or "tuiyan.*" (the stdlib) or a private "_x". */
static int module_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > MODULE_NAME_MAX || s[0] == '_') return 0;
    if (strncmp(s, "tuiyan", 6) == 0 && (s[6] == '\0' || s[6] == '.')) return 0;
    int at_start = 1;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '.') {
            if (at_start) return 0;
            at_start = 1;
        } else if (is_alpha(c) || c == '_' || (is_digit(c) && !at_start)) {
            at_start = 0;
        } else {
            return 0;
        }
    }
    return !at_start;
}

static int has_suffix(const char *s, size_t len, const char *suf)
{
    size_t n = strlen(suf);
    return len >= n && memcmp(s + len - n, suf, n) == 0;
}

/* CON, PRN, AUX, NUL, COM1-9, LPT1-9, with or without an extension, any case. */
static int windows_device(const char *c, size_t len)
{
    static const char *const names[] = {"con", "prn", "aux", "nul"};
    size_t base = 0;
    while (base < len && c[base] != '.') base++;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (fold_equal(c, base, names[i])) return 1;
    if (base == 4 && c[3] >= '1' && c[3] <= '9' &&
        (fold_equal(c, 3, "com") || fold_equal(c, 3, "lpt")))
        return 1;
    return 0;
}

TyStatus package_path_check(const char *path, size_t len, const char *what, TyError *err)
{
    char shown[80];
    package_show(path, len, shown, sizeof shown);
    if (len == 0) return ty_error_set(err, TY_EPACKAGE, "%s: empty path", what);
    if (len > PKG_PATH_MAX)
        return ty_error_set(err, TY_EPACKAGE, "%s: path \"%s\" is too long (%zu bytes; the limit "
                            "is %d)", what, shown, len, PKG_PATH_MAX);
    TyUtf8Error ue;
    if (memchr(path, '\0', len) || !utf8_validate(path, len, &ue))
        return ty_error_set(err, TY_EPACKAGE, "%s: path \"%s\" is not valid UTF-8", what, shown);
    if (path[0] == '/')
        return ty_error_set(err, TY_EPACKAGE, "%s: absolute path \"%s\"", what, shown);
    if (!text_ok(path, len, 0))
        return ty_error_set(err, TY_EPACKAGE, "%s: path \"%s\" contains a control character",
                            what, shown);
    int depth = 0;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && path[i] != '/') {
            if (strchr("\\:*?\"<>|", path[i]))
                return ty_error_set(err, TY_EPACKAGE, "%s: path \"%s\" contains '%c', which is not "
                                    "allowed in a package path", what, shown, path[i]);
            continue;
        }
        const char *c = path + start;
        size_t clen = i - start;
        if (clen == 0)
            return ty_error_set(err, TY_EPACKAGE, "%s: path \"%s\" has an empty component",
                                what, shown);
        if ((clen == 1 && c[0] == '.') || (clen == 2 && c[0] == '.' && c[1] == '.'))
            return ty_error_set(err, TY_EPACKAGE, "%s: path \"%s\" contains \"%.*s\"", what, shown,
                                (int)clen, c);
        if (clen > PKG_COMPONENT_MAX)
            return ty_error_set(err, TY_EPACKAGE, "%s: path \"%s\" has a name longer than %d bytes",
                                what, shown, PKG_COMPONENT_MAX);
        if (c[clen - 1] == '.' || c[clen - 1] == ' ' || c[0] == ' ')
            return ty_error_set(err, TY_EPACKAGE, "%s: path \"%s\" has a name that begins with a "
                                "space or ends with a dot or a space", what, shown);
        if (windows_device(c, clen))
            return ty_error_set(err, TY_EPACKAGE, "%s: path \"%s\" uses the device name \"%.*s\"",
                                what, shown, (int)clen, c);
        if (++depth > PKG_DEPTH_MAX)
            return ty_error_set(err, TY_EPACKAGE, "%s: path \"%s\" is nested deeper than %d "
                                "levels", what, shown, PKG_DEPTH_MAX);
        start = i + 1;
    }
    return TY_OK;
}

/* ---------------------------------------------------------------- the manifest */

void manifest_free(TyManifest *m)
{
    if (!m) return;
    for (size_t i = 0; i < m->nfiles; i++) {
        ty_free(m->files[i].path);
        ty_free(m->files[i].name);
        ty_free(m->files[i].text);
    }
    ty_free(m->files);
    ty_free(m->name);
    ty_free(m->publisher);
    ty_free(m->description);
    memset(m, 0, sizeof *m);
}

typedef struct Ctx {
    const char *name;
    TyStatus code;
    TyError *err;
    TyManifest *m;
    size_t cap;
} Ctx;

static TyStatus bad(Ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static TyStatus bad(Ctx *c, const char *fmt, ...)
{
    char msg[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return ty_error_at(c->err, c->code, c->name, 0, 0, "%s", msg);
}

static TyStatus nomem(Ctx *c)
{
    return ty_error_at(c->err, TY_ENOMEM, c->name, 0, 0, "out of memory");
}

/* The value of a string member: the string, or an error naming the key. */
static TyStatus want_string(Ctx *c, const cJSON *it, const char *key, const char **out)
{
    if (!cJSON_IsString(it)) return bad(c, "\"%s\": expected a string", key);
    *out = it->valuestring;
    return TY_OK;
}

static TyStatus want_version(Ctx *c, const cJSON *it, const char *key, int v[3])
{
    const char *s = NULL;
    char shown[80];
    TyStatus st = want_string(c, it, key, &s);
    if (st != TY_OK) return st;
    if (package_version_parse(s, strlen(s), v) != 0) {
        package_show(s, strlen(s), shown, sizeof shown);
        return bad(c, "\"%s\": expected MAJOR.MINOR.PATCH such as \"1.2.0\", found \"%s\"", key,
                   shown);
    }
    return TY_OK;
}

static TyStatus add_file(Ctx *c, const char *path, TyPkgRole role, const char *name)
{
    char what[160], shown[80];
    static const char *const roles[] = {"scenarios", "modules", "data"};
    if (name) {
        package_show(name, strlen(name), shown, sizeof shown);
        snprintf(what, sizeof what, "\"%s\": \"%s\"", roles[role], shown);
    } else {
        snprintf(what, sizeof what, "\"%s\"", roles[role]);
    }
    size_t len = strlen(path);
    TyError perr;
    if (package_path_check(path, len, what, &perr) != TY_OK) return bad(c, "%s", perr.msg);
    package_show(path, len, shown, sizeof shown);
    if (has_suffix(path, len, ".luac"))
        return bad(c, "%s: \"%s\": compiled Lua (.luac) is not allowed; ship the source", what,
                   shown);
    int lua = has_suffix(path, len, ".lua");
    if (role != PKG_ROLE_DATA && !lua)
        return bad(c, "%s: \"%s\" is not a .lua file", what, shown);
    if (role == PKG_ROLE_DATA && lua)
        return bad(c, "%s: \"%s\": a .lua file is code; list it under \"scenarios\" or "
                   "\"modules\"", what, shown);
    if (c->m->nfiles == c->cap) {
        size_t ncap = c->cap ? c->cap * 2 : 16;
        TyPkgFile *nf = ty_realloc(c->m->files, ncap * sizeof *nf);
        if (!nf) return nomem(c);
        c->m->files = nf;
        c->cap = ncap;
    }
    TyPkgFile *f = &c->m->files[c->m->nfiles];
    memset(f, 0, sizeof *f);
    f->role = role;
    f->path = dup_str(path);
    f->name = name ? dup_str(name) : NULL;
    if (!f->path || (name && !f->name)) {
        ty_free(f->path);
        ty_free(f->name);
        return nomem(c);
    }
    c->m->nfiles++;
    return TY_OK;
}

/* "scenarios" or "modules": an object name -> path. */
static TyStatus read_named(Ctx *c, const cJSON *obj, TyPkgRole role, const char *key)
{
    if (!cJSON_IsObject(obj)) return bad(c, "\"%s\": expected an object of name: path", key);
    for (const cJSON *it = obj->child; it; it = it->next) {
        char shown[80];
        package_show(it->string, strlen(it->string), shown, sizeof shown);
        int ok = role == PKG_ROLE_SCENARIO ? scenario_name_ok(it->string)
                                           : module_name_ok(it->string);
        if (!ok)
            return bad(c, role == PKG_ROLE_SCENARIO
                       ? "\"%s\": bad scenario name \"%s\" (letters, digits, _ and -, at most 64)"
                       : "\"%s\": bad module name \"%s\" (Lua names joined by dots; not tuiyan.* "
                         "or _*)", key, shown);
        if (!cJSON_IsString(it)) return bad(c, "\"%s\": \"%s\": expected a path", key, shown);
        TyStatus st = add_file(c, it->valuestring, role, it->string);
        if (st != TY_OK) return st;
    }
    return TY_OK;
}

static int cmp_file_path(const void *a, const void *b)
{
    return strcmp(((const TyPkgFile *)a)->path, ((const TyPkgFile *)b)->path);
}

static int cmp_str_ptr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A path as file systems that normalise or ignore case may see it: NFC, then Unicode case
 * folding (utf8proc decomposes, folds and recomposes in one pass). malloc'd, or NULL when the
 * bytes are not UTF-8 utf8proc accepts (*bad set) or memory ran out. */
static char *fold_path(const char *path, int *bad)
{
    utf8proc_uint8_t *out = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)path, 0, &out,
                                      UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE |
                                      UTF8PROC_CASEFOLD);
    *bad = n < 0 && n != UTF8PROC_ERROR_NOMEM;
    if (n < 0) return NULL;
    char *copy = dup_str((const char *)out);      /* ours to ty_free, not utf8proc's malloc */
    free(out);
    return copy;
}

/* Paths equal once normalised and case-folded, a path that is also another's directory, a path
 * that shadows the manifest or the signature: all refused, checked on folded copies. */
static TyStatus check_path_set(Ctx *c)
{
    TyManifest *m = c->m;
    if (m->nfiles == 0) return TY_OK;
    char **folded = ty_calloc(m->nfiles, sizeof *folded);
    if (!folded) return nomem(c);
    TyStatus st = TY_OK;
    size_t n = 0;
    char *prefix = NULL;
    for (; n < m->nfiles; n++) {
        int badutf = 0;
        folded[n] = fold_path(m->files[n].path, &badutf);
        if (!folded[n]) {
            char shown[80];
            package_show(m->files[n].path, strlen(m->files[n].path), shown, sizeof shown);
            st = badutf ? bad(c, "\"%s\" is not a name Unicode can normalise", shown) : nomem(c);
            goto done;
        }
    }
    qsort(folded, n, sizeof *folded, cmp_str_ptr);
    for (size_t i = 0; i < n; i++) {
        char shown[80];
        package_show(folded[i], strlen(folded[i]), shown, sizeof shown);
        if (i > 0 && strcmp(folded[i], folded[i - 1]) == 0) {
            /* a package that unpacks differently elsewhere: refused (exit 4) even at pack */
            st = ty_error_at(c->err, TY_EPACKAGE, c->name, 0, 0, "two files named \"%s\" when case "
                             "is ignored and Unicode is normalised (NFC): they would collide on "
                             "Windows and macOS", shown);
            goto done;
        }
        const char *slash = strchr(folded[i], '/');
        size_t top = slash ? (size_t)(slash - folded[i]) : strlen(folded[i]);
        if (fold_equal(folded[i], top, PKG_MANIFEST_NAME) ||
            fold_equal(folded[i], top, PKG_SIGNATURE_NAME)) {
            st = bad(c, "\"%s\": the names %s and %s are reserved", shown, PKG_MANIFEST_NAME,
                     PKG_SIGNATURE_NAME);
            goto done;
        }
        /* Each parent directory must not also be a file (folding may lengthen a path: a copy). */
        ty_free(prefix);
        prefix = dup_str(folded[i]);
        if (!prefix) { st = nomem(c); goto done; }
        for (char *p = strchr(prefix, '/'); p; p = strchr(p + 1, '/')) {
            *p = '\0';
            char *key = prefix;
            void *hit = bsearch(&key, folded, n, sizeof *folded, cmp_str_ptr);
            *p = '/';
            if (hit) {
                st = bad(c, "\"%s\" needs a directory where the package has a file", shown);
                goto done;
            }
        }
    }
done:
    ty_free(prefix);
    for (size_t i = 0; i < n; i++) ty_free(folded[i]);
    ty_free(folded);
    return st;
}

static int hex_digit(char ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    return -1;                          /* upper case is not canonical: refused */
}

static int hex_decode(const char *s, unsigned char *out, size_t n)
{
    if (strlen(s) != 2 * n) return -1;
    for (size_t i = 0; i < n; i++) {
        int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);
        if (hi < 0 || lo < 0) return -1;
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    return 0;
}

/* "files": [{"path", "size", "sha256"}, ...] sorted by path, the same paths as the roles. */
static TyStatus read_files(Ctx *c, const cJSON *arr, const TyPkgLimits *lim)
{
    TyManifest *m = c->m;
    if (!cJSON_IsArray(arr)) return bad(c, "\"files\": expected an array");
    size_t i = 0;
    const char *prev = NULL;
    for (const cJSON *it = arr->child; it; it = it->next, i++) {
        if (!cJSON_IsObject(it)) return bad(c, "\"files\"[%zu]: expected an object", i);
        const cJSON *path = NULL, *size = NULL, *hash = NULL;
        for (const cJSON *k = it->child; k; k = k->next) {
            if (strcmp(k->string, "path") == 0) path = k;
            else if (strcmp(k->string, "size") == 0) size = k;
            else if (strcmp(k->string, "sha256") == 0) hash = k;
            else {
                char shown[80];
                package_show(k->string, strlen(k->string), shown, sizeof shown);
                return bad(c, "\"files\"[%zu]: unknown key \"%s\" (path, size, sha256)", i, shown);
            }
        }
        if (!path || !cJSON_IsString(path)) return bad(c, "\"files\"[%zu]: \"path\" must be a string", i);
        char shown[80];
        package_show(path->valuestring, strlen(path->valuestring), shown, sizeof shown);
        if (prev && strcmp(prev, path->valuestring) >= 0)
            return bad(c, "\"files\"[%zu]: \"%s\" is out of order or listed twice (files are "
                       "sorted by path)", i, shown);
        prev = path->valuestring;
        if (i >= m->nfiles || strcmp(m->files[i].path, path->valuestring) != 0) {
            /* Both lists are sorted: the first difference says which side has an extra. */
            if (i < m->nfiles && strcmp(m->files[i].path, path->valuestring) < 0) {
                char miss[80];
                package_show(m->files[i].path, strlen(m->files[i].path), miss, sizeof miss);
                return bad(c, "\"files\": \"%s\" is listed in %s but has no entry", miss,
                           m->files[i].role == PKG_ROLE_SCENARIO ? "scenarios" :
                           m->files[i].role == PKG_ROLE_MODULE ? "modules" : "data");
            }
            return bad(c, "\"files\": \"%s\" is not a scenario, module or data file", shown);
        }
        double v = size && cJSON_IsNumber(size) ? size->valuedouble : -1;
        if (!(v >= 0 && v <= 9007199254740992.0 && v == (double)(uint64_t)v))
            return bad(c, "\"files\": \"%s\": \"size\" must be a whole number of bytes", shown);
        uint64_t sz = (uint64_t)v;
        if (sz > lim->max_file_bytes)
            return bad(c, "\"files\": \"%s\" is %llu bytes; the limit for one file is %llu",
                       shown, (unsigned long long)sz, (unsigned long long)lim->max_file_bytes);
        m->files[i].size = sz;
        m->total_bytes += sz;
        if (m->total_bytes > lim->max_total_bytes)
            return bad(c, "the files add up to more than %llu bytes, the limit for a package",
                       (unsigned long long)lim->max_total_bytes);
        if (!hash || !cJSON_IsString(hash) ||
            hex_decode(hash->valuestring, m->files[i].sha256, PKG_HASH_BYTES) != 0)
            return bad(c, "\"files\": \"%s\": \"sha256\" must be 64 lower-case hex digits", shown);
    }
    if (i < m->nfiles) {
        char miss[80];
        package_show(m->files[i].path, strlen(m->files[i].path), miss, sizeof miss);
        return bad(c, "\"files\": \"%s\" is listed in %s but has no entry", miss,
                   m->files[i].role == PKG_ROLE_SCENARIO ? "scenarios" :
                   m->files[i].role == PKG_ROLE_MODULE ? "modules" : "data");
    }
    m->has_hashes = 1;
    return TY_OK;
}

enum {
    K_FORMAT, K_NAME, K_VERSION, K_PUBLISHER, K_DESCRIPTION, K_MIN_TUIYAN, K_EXPIRES,
    K_SCENARIOS, K_MODULES, K_DATA, K_FIRM_LEVEL, K_FILES, K_COUNT
};
static const char *const manifest_keys[K_COUNT] = {
    "format", "name", "version", "publisher", "description", "min_tuiyan", "expires",
    "scenarios", "modules", "data", "firm_level_outputs", "files",
};

static TyStatus parse_tree(Ctx *c, const cJSON *root, int source, const TyPkgLimits *lim)
{
    TyManifest *m = c->m;
    const cJSON *v[K_COUNT] = { 0 };
    char shown[80];
    if (!cJSON_IsObject(root)) return bad(c, "expected a JSON object");
    for (const cJSON *it = root->child; it; it = it->next) {
        int k = 0;
        while (k < K_COUNT && strcmp(it->string, manifest_keys[k]) != 0) k++;
        if (k == K_COUNT) {
            package_show(it->string, strlen(it->string), shown, sizeof shown);
            return bad(c, "unknown key \"%s\" (expected format, name, version, publisher, "
                       "description, min_tuiyan, expires, scenarios, modules, data, "
                       "firm_level_outputs%s)", shown,
                       source ? "" : ", files");
        }
        v[k] = it;
    }
    for (int k = 0; k <= K_SCENARIOS; k++)
        if (!v[k]) return bad(c, "missing \"%s\"", manifest_keys[k]);

    if (!cJSON_IsNumber(v[K_FORMAT]) || v[K_FORMAT]->valuedouble != 1)
        return bad(c, "\"format\": expected 1 (the only manifest format this tuiyan reads)");

    const char *s = NULL;
    TyStatus st;
    if ((st = want_string(c, v[K_NAME], "name", &s)) != TY_OK) return st;
    if (!package_name_ok(s)) {
        package_show(s, strlen(s), shown, sizeof shown);
        return bad(c, "\"name\": \"%s\" is not a package name (a lower-case letter, then "
                   "lower-case letters, digits, _ or -; at most 64)", shown);
    }
    if (!(m->name = dup_str(s))) return nomem(c);
    if ((st = want_version(c, v[K_VERSION], "version", m->version)) != TY_OK) return st;
    if ((st = want_version(c, v[K_MIN_TUIYAN], "min_tuiyan", m->min_tuiyan)) != TY_OK) return st;

    if ((st = want_string(c, v[K_PUBLISHER], "publisher", &s)) != TY_OK) return st;
    if (*s == '\0' || strlen(s) > PUBLISHER_MAX || !text_ok(s, strlen(s), 0))
        return bad(c, "\"publisher\": expected 1 to %d bytes of text without control characters",
                   PUBLISHER_MAX);
    if (!(m->publisher = dup_str(s))) return nomem(c);
    if ((st = want_string(c, v[K_DESCRIPTION], "description", &s)) != TY_OK) return st;
    if (strlen(s) > DESCRIPTION_MAX || !text_ok(s, strlen(s), 1))
        return bad(c, "\"description\": expected at most %d bytes of text without control "
                   "characters other than newlines", DESCRIPTION_MAX);
    if (!(m->description = dup_str(s))) return nomem(c);

    if ((st = want_string(c, v[K_EXPIRES], "expires", &s)) != TY_OK) return st;
    if (date_parse(s, m->expires) != 0) {
        package_show(s, strlen(s), shown, sizeof shown);
        return bad(c, "\"expires\": expected a date YYYY-MM-DD (year 2000 or later), found \"%s\"",
                   shown);
    }

    if ((st = read_named(c, v[K_SCENARIOS], PKG_ROLE_SCENARIO, "scenarios")) != TY_OK) return st;
    if (m->nfiles == 0) return bad(c, "\"scenarios\": a package needs at least one scenario");
    if (v[K_MODULES] && (st = read_named(c, v[K_MODULES], PKG_ROLE_MODULE, "modules")) != TY_OK)
        return st;
    if (v[K_DATA]) {
        if (!cJSON_IsArray(v[K_DATA])) return bad(c, "\"data\": expected an array of paths");
        for (const cJSON *it = v[K_DATA]->child; it; it = it->next) {
            if (!cJSON_IsString(it)) return bad(c, "\"data\": expected an array of paths");
            if ((st = add_file(c, it->valuestring, PKG_ROLE_DATA, NULL)) != TY_OK) return st;
        }
    }
    if (v[K_FIRM_LEVEL]) {
        if (!cJSON_IsBool(v[K_FIRM_LEVEL]))
            return bad(c, "\"firm_level_outputs\": expected true or false (whether results may carry "
                       "firm names, credit codes or per-firm rows of a county's register)");
        m->firm_level_outputs = cJSON_IsTrue(v[K_FIRM_LEVEL]);
    }
    if (m->nfiles > lim->max_files)
        return bad(c, "too many files (%zu; the limit is %zu)", m->nfiles, lim->max_files);
    qsort(m->files, m->nfiles, sizeof *m->files, cmp_file_path);
    for (size_t i = 1; i < m->nfiles; i++)
        if (strcmp(m->files[i].path, m->files[i - 1].path) == 0) {
            package_show(m->files[i].path, strlen(m->files[i].path), shown, sizeof shown);
            return bad(c, "\"%s\" is listed twice (each file has one role: scenario, module or "
                       "data)", shown);
        }
    if ((st = check_path_set(c)) != TY_OK) return st;

    if (source) {
        if (v[K_FILES])
            return bad(c, "\"files\" is written by tuiyan pack (sizes and hashes); remove it");
        return TY_OK;
    }
    if (!v[K_FILES]) return bad(c, "missing \"files\"");
    return read_files(c, v[K_FILES], lim);
}

TyStatus manifest_parse(const char *name, const char *buf, size_t len, int source,
                        const TyPkgLimits *lim, TyStatus code, TyManifest *m, TyError *err)
{
    TyPkgLimits def;
    if (!lim) { package_limits_default(&def); lim = &def; }
    memset(m, 0, sizeof *m);
    TyJsonLimits jl;
    json_limits_default(&jl);
    jl.max_bytes = PKG_MANIFEST_MAX;
    jl.max_depth = 8;
    cJSON *root = json_parse_buffer(name, buf, len, &jl, err);
    if (!root) {
        if (err && err->code == TY_EDATA) err->code = code;
        return err ? err->code : code;
    }
    Ctx c = { .name = name, .code = code, .err = err, .m = m, .cap = 0 };
    TyError local;
    if (!err) c.err = &local;
    TyStatus st = parse_tree(&c, root, source, lim);
    cJSON_Delete(root);
    if (st != TY_OK) manifest_free(m);
    return st;
}
