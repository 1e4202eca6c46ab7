/* json.c — strict JSON reading (our RFC 8259 validator, then cJSON) and deterministic writing.
 *
 * Why a validator of our own: Debian's cJSON 1.7.15 accepts malformed texts, truncates strings
 * at \u0000, keeps duplicate keys and turns 1e999 into infinity. So every byte is checked here
 * first, over buf[0..len) only (no NUL terminator needed, never a read past len), and cJSON sees
 * only text we have accepted, always with an explicit length.
 *
 * The validator uses an explicit stack, not recursion, so the depth limit is the only limit on
 * nesting. Object keys are decoded into one shared buffer (so "a" and "\u0061" compare equal) and
 * checked for duplicates when their object closes, by sorting: O(n log n) for any object, with
 * no hash an attacker could flood.
 *
 * Memory goes through core/alloc.h so tests can fail every allocation in turn; what
 * json_print returns is still plain malloc memory for the caller to free().
 *
 * Error positions: line and column are 1-based, the column counts characters (UTF-8 code
 * points) and a line ends at LF, CRLF or CR; "(byte N)" is the 0-based byte offset.
 */
#include "json.h"
#include "atomic.h"
#include "number.h"
#include "core/alloc.h"

#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_DEFAULT_MAX_BYTES ((size_t)64 << 20)
#define JSON_DEFAULT_MAX_DEPTH 128
#define SHOW_MAX 40                  /* bytes of a key or token quoted in a message */

void json_limits_default(TyJsonLimits *lim)
{
    lim->max_bytes = JSON_DEFAULT_MAX_BYTES;
    lim->max_depth = JSON_DEFAULT_MAX_DEPTH;
}

/* ---------------------------------------------------------------- validator state */

typedef struct KeyEntry {
    size_t off;            /* decoded bytes at keybuf + off (turned into ptr when sorting) */
    const char *ptr;
    size_t len;
    size_t src;            /* byte offset of the key's opening quote in the input */
} KeyEntry;

typedef struct Frame {
    unsigned char kind;    /* '[' or '{' */
    size_t key_start;      /* objects: first index in keys[] */
    size_t kb_start;       /* objects: keybuf length when the object opened */
} Frame;

typedef struct Scan {
    const char *name;
    const unsigned char *p;
    size_t len;
    size_t pos;
    int max_depth;
    int depth, stack_cap;
    Frame *stack;              /* grown on demand up to max_depth */
    KeyEntry *keys;
    size_t nkeys, keycap;
    char *keybuf;
    size_t kblen, kbcap;
    size_t *offsets;           /* when recording: start of every value, in document order */
    size_t noff, offcap;
    int record;
    TyError *err;
} Scan;

/* ---------------------------------------------------------------- positions and messages */

static void line_col(const unsigned char *p, size_t len, size_t off, int *line, int *col)
{
    size_t l = 1, c = 1;
    for (size_t i = 0; i < off && i < len; i++) {
        unsigned char b = p[i];
        if (b == '\n') { l++; c = 1; }
        else if (b == '\r') {
            if (i + 1 < len && p[i + 1] == '\n') continue;   /* CRLF counts once, at the LF */
            l++; c = 1;
        } else if ((b & 0xC0) != 0x80) c++;                   /* count characters, not bytes */
    }
    *line = l > INT_MAX ? INT_MAX : (int)l;
    *col = c > INT_MAX ? INT_MAX : (int)c;
}

static TyStatus scan_fail(Scan *s, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static TyStatus scan_fail(Scan *s, size_t off, const char *fmt, ...)
{
    char msg[640];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int line, col;
    line_col(s->p, s->len, off, &line, &col);
    return ty_error_at(s->err, TY_EDATA, s->name, line, col, "%s (byte %zu)", msg, off);
}

static TyStatus scan_nomem(Scan *s)
{
    return ty_error_set(s->err, TY_ENOMEM, "out of memory while validating JSON%s%s",
                        s->name ? " in " : "", s->name ? s->name : "");
}

/* Length of the valid UTF-8 sequence at p[0..n) (no overlongs, no surrogates, at most
 * U+10FFFF), or 0 if it is not one. *cp gets the code point. */
static size_t utf8_seq(const unsigned char *p, size_t n, uint32_t *cp)
{
    unsigned char c = p[0];
    size_t need;
    uint32_t v;
    if (c < 0x80) { *cp = c; return 1; }
    if (c >= 0xC2 && c <= 0xDF) { need = 2; v = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { need = 3; v = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { need = 4; v = c & 0x07; }
    else return 0;
    if (n < need) return 0;
    for (size_t i = 1; i < need; i++) {
        if ((p[i] & 0xC0) != 0x80) return 0;
        v = (v << 6) | (p[i] & 0x3F);
    }
    if (need == 3 && (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))) return 0;
    if (need == 4 && (v < 0x10000 || v > 0x10FFFF)) return 0;
    *cp = v;
    return need;
}

/* A guess at what the bytes really are, for the message people will act on. */
static const char *encoding_hint(const Scan *s, size_t off)
{
    const unsigned char *p = s->p;
    if (s->len >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF)))
        return "; the file looks like UTF-16: save it as UTF-8";
    if (s->len >= 2 && (p[0] == 0 || p[1] == 0))
        return "; the file looks like UTF-16: save it as UTF-8";
    /* A UTF-8 lead byte with all its continuation bytes is UTF-8 gone wrong (an overlong form,
     * an encoded surrogate), as is a sequence cut off by the end of the input: no GBK guess. */
    unsigned char c = p[off];
    size_t need = c >= 0xF8 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    size_t i = 1;
    while (i < need && off + i < s->len && (p[off + i] & 0xC0) == 0x80) i++;
    if (need > 1 && (i == need || off + i == s->len)) return "";
    if (off + 1 < s->len && c >= 0x81 && c <= 0xFE && p[off + 1] >= 0x40 &&
        p[off + 1] <= 0xFE && p[off + 1] != 0x7F)
        return "; the file may be GBK: save it as UTF-8";
    return "";
}

static TyStatus fail_utf8(Scan *s, size_t off, const char *where)
{
    return scan_fail(s, off, "invalid UTF-8 (byte 0x%02X)%s%s", s->p[off], where,
                     encoding_hint(s, off));
}

/* "'x'", "end of input", "control character U+0009", "'中' (U+4E2D)" — or NULL when the byte
 * starts invalid UTF-8, which the caller reports as such. */
static const char *describe(const Scan *s, size_t off, char *buf, size_t size)
{
    if (off >= s->len) return "end of input";
    unsigned char c = s->p[off];
    if (c >= 0x20 && c < 0x7F) { snprintf(buf, size, "'%c'", c); return buf; }
    if (c < 0x80) { snprintf(buf, size, "control character U+%04X", c); return buf; }
    uint32_t cp;
    size_t n = utf8_seq(s->p + off, s->len - off, &cp);
    if (n == 0) return NULL;
    snprintf(buf, size, "'%.*s' (U+%04X)", (int)n, (const char *)s->p + off, (unsigned)cp);
    return buf;
}

/* "expected X, found Y" at off, or the UTF-8 error if that is what is there. */
static TyStatus fail_expected(Scan *s, size_t off, const char *expected)
{
    char buf[64];
    const char *found = describe(s, off, buf, sizeof buf);
    if (!found) return fail_utf8(s, off, "");
    const char *hint = off < s->len && s->p[off] == 0 ? encoding_hint(s, off) : "";
    return scan_fail(s, off, "expected %s, found %s%s", expected, found, hint);
}

static int is_word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == '+' || c == '-';
}

/* The run of number-or-word bytes at off, for quoting in a message (ASCII only). */
static int word_len(const Scan *s, size_t off)
{
    size_t n = 0;
    while (off + n < s->len && is_word_byte(s->p[off + n])) n++;
    return n > SHOW_MAX ? SHOW_MAX : (int)n;
}

/* Bytes of a (valid UTF-8) key, shortened on a character boundary and with quotes, backslashes
 * and control characters escaped so the message stays one readable line. */
static void show_key(const char *k, size_t len, char *out, size_t size)
{
    size_t o = 0, i = 0;
    while (i < len && o + 8 < size) {
        unsigned char c = (unsigned char)k[i];
        if (i >= SHOW_MAX && (c & 0xC0) != 0x80) {
            o += (size_t)snprintf(out + o, size - o, "...");
            break;
        }
        if (c == '"' || c == '\\') { out[o++] = '\\'; out[o++] = (char)c; }
        else if (c < 0x20) o += (size_t)snprintf(out + o, size - o, "\\u%04x", c);
        else out[o++] = (char)c;
        i++;
    }
    out[o] = '\0';
}

/* ---------------------------------------------------------------- key storage */

static int kb_put(Scan *s, const void *bytes, size_t n)
{
    if (s->kbcap - s->kblen < n) {
        size_t cap = s->kbcap ? s->kbcap : 256;
        while (cap - s->kblen < n) {
            if (cap > SIZE_MAX / 2) return 0;
            cap *= 2;
        }
        char *nb = ty_realloc(s->keybuf, cap);
        if (!nb) return 0;
        s->keybuf = nb;
        s->kbcap = cap;
    }
    memcpy(s->keybuf + s->kblen, bytes, n);
    s->kblen += n;
    return 1;
}

static int keys_push(Scan *s, size_t off, size_t len, size_t src)
{
    if (s->nkeys == s->keycap) {
        size_t cap = s->keycap ? s->keycap * 2 : 64;
        if (cap > SIZE_MAX / sizeof *s->keys) return 0;
        KeyEntry *nk = ty_realloc(s->keys, cap * sizeof *nk);
        if (!nk) return 0;
        s->keys = nk;
        s->keycap = cap;
    }
    s->keys[s->nkeys++] = (KeyEntry){ .off = off, .len = len, .src = src };
    return 1;
}

static int key_cmp_bytes(const KeyEntry *a, const KeyEntry *b)
{
    size_t n = a->len < b->len ? a->len : b->len;
    int c = n ? memcmp(a->ptr, b->ptr, n) : 0;
    if (c) return c;
    return (a->len > b->len) - (a->len < b->len);
}

/* By bytes, then by position, so equal keys sort in document order and the result is the
 * same whatever qsort does with ties. */
static int key_cmp(const void *va, const void *vb)
{
    const KeyEntry *a = va, *b = vb;
    int c = key_cmp_bytes(a, b);
    if (c) return c;
    return (a->src > b->src) - (a->src < b->src);
}

/* The object on top of the stack is closing: report the earliest repeated key, then drop its
 * keys from the shared storage. */
static TyStatus check_duplicates(Scan *s, const Frame *f)
{
    KeyEntry *k = s->keys + f->key_start;
    size_t n = s->nkeys - f->key_start;
    for (size_t i = 0; i < n; i++)          /* keybuf is still NULL if every key was "" */
        k[i].ptr = s->keybuf ? s->keybuf + k[i].off : "";
    if (n > 1) qsort(k, n, sizeof *k, key_cmp);
    size_t dup = SIZE_MAX, first = 0, group = 0;
    for (size_t i = 1; i < n; i++) {
        if (key_cmp_bytes(&k[i - 1], &k[i]) != 0) { group = i; continue; }
        if (dup == SIZE_MAX || k[i].src < k[dup].src) { dup = i; first = group; }
    }
    if (dup != SIZE_MAX) {
        char shown[SHOW_MAX * 6 + 16];
        int fl, fc;
        show_key(k[dup].ptr, k[dup].len, shown, sizeof shown);
        line_col(s->p, s->len, k[first].src, &fl, &fc);
        return scan_fail(s, k[dup].src,
                         "duplicate key \"%s\" in object (first at line %d, column %d)",
                         shown, fl, fc);
    }
    s->nkeys = f->key_start;
    s->kblen = f->kb_start;
    return TY_OK;
}

/* ---------------------------------------------------------------- strings */

static int is_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int hex4(const unsigned char *p, uint32_t *v)
{
    uint32_t r = 0;
    for (int i = 0; i < 4; i++) {
        unsigned char c = p[i];
        r <<= 4;
        if (c >= '0' && c <= '9') r |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f') r |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') r |= (uint32_t)(c - 'A' + 10);
        else return 0;
    }
    *v = r;
    return 1;
}

static size_t utf8_encode(uint32_t cp, unsigned char *out)
{
    if (cp < 0x80) { out[0] = (unsigned char)cp; return 1; }
    if (cp < 0x800) {
        out[0] = (unsigned char)(0xC0 | (cp >> 6));
        out[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (unsigned char)(0xE0 | (cp >> 12));
        out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (unsigned char)(0xF0 | (cp >> 18));
    out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* A \uXXXX escape (with its low half when it is a high surrogate) at s->pos, which points at
 * the backslash. Advances past it and gives the code point. */
static TyStatus scan_unicode_escape(Scan *s, uint32_t *out)
{
    size_t at = s->pos;
    uint32_t v;
    if (s->len - at < 6 || !hex4(s->p + at + 2, &v)) {
        size_t bad = at + 2;
        while (bad < s->len && bad < at + 6 && is_hex(s->p[bad])) bad++;
        char buf[64];
        const char *found = describe(s, bad, buf, sizeof buf);
        if (!found) return fail_utf8(s, bad, " in string");
        return scan_fail(s, at, "invalid \\u escape: expected four hex digits, found %s", found);
    }
    if (v == 0)
        return scan_fail(s, at, "\\u0000 (NUL) is not allowed in strings: it would cut the string "
                                "short");
    if (v >= 0xDC00 && v <= 0xDFFF)
        return scan_fail(s, at, "unpaired surrogate \\u%04X: a low surrogate must follow a high "
                                "surrogate \\uD800-\\uDBFF", (unsigned)v);
    if (v >= 0xD800 && v <= 0xDBFF) {
        uint32_t lo;
        if (s->len - at < 12 || s->p[at + 6] != '\\' || s->p[at + 7] != 'u' ||
            !hex4(s->p + at + 8, &lo) || lo < 0xDC00 || lo > 0xDFFF)
            return scan_fail(s, at, "unpaired surrogate \\u%04X: a high surrogate must be followed "
                                    "by a low surrogate \\uDC00-\\uDFFF", (unsigned)v);
        *out = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
        s->pos = at + 12;
        return TY_OK;
    }
    *out = v;
    s->pos = at + 6;
    return TY_OK;
}

/* One escape sequence at s->pos (the backslash); appends the decoded bytes when keeping. */
static TyStatus scan_escape(Scan *s, size_t start, int keep)
{
    size_t at = s->pos;
    if (at + 1 >= s->len) return scan_fail(s, start, "unterminated string");
    unsigned char e = s->p[at + 1], out[4];
    size_t n = 1;
    switch (e) {
    case '"': case '\\': case '/': out[0] = e; break;
    case 'b': out[0] = '\b'; break;
    case 'f': out[0] = '\f'; break;
    case 'n': out[0] = '\n'; break;
    case 'r': out[0] = '\r'; break;
    case 't': out[0] = '\t'; break;
    case 'u': {
        uint32_t cp = 0;
        TyStatus st = scan_unicode_escape(s, &cp);
        if (st != TY_OK) return st;
        n = utf8_encode(cp, out);
        if (keep && !kb_put(s, out, n)) return scan_nomem(s);
        return TY_OK;
    }
    default: {
        char buf[64];
        const char *found = describe(s, at + 1, buf, sizeof buf);
        if (!found) return fail_utf8(s, at + 1, " in string");
        return scan_fail(s, at, "invalid escape \\ followed by %s in string (valid: \\\" \\\\ \\/ "
                                "\\b \\f \\n \\r \\t \\uXXXX)", found);
    }
    }
    s->pos = at + 2;
    if (keep && !kb_put(s, out, n)) return scan_nomem(s);
    return TY_OK;
}

/* The two-character escape for a control character, or 0 when it needs \u00XX. */
static char short_escape(unsigned char c)
{
    switch (c) {
    case '\n': return 'n';
    case '\t': return 't';
    case '\r': return 'r';
    case '\b': return 'b';
    case '\f': return 'f';
    default: return 0;
    }
}

/* A string at s->pos (the opening quote). With keep, its decoded bytes go to keybuf. */
static TyStatus scan_string(Scan *s, int keep)
{
    size_t start = s->pos;
    const unsigned char *p = s->p;
    s->pos++;
    for (;;) {
        size_t run = s->pos;
        while (s->pos < s->len && p[s->pos] >= 0x20 && p[s->pos] < 0x80 && p[s->pos] != '"' &&
               p[s->pos] != '\\')
            s->pos++;
        if (keep && s->pos > run && !kb_put(s, p + run, s->pos - run)) return scan_nomem(s);
        if (s->pos >= s->len) return scan_fail(s, start, "unterminated string");
        unsigned char c = p[s->pos];
        if (c == '"') { s->pos++; return TY_OK; }
        if (c == '\\') {
            TyStatus st = scan_escape(s, start, keep);
            if (st != TY_OK) return st;
            continue;
        }
        if (c == 0)
            return scan_fail(s, s->pos, "NUL byte in string%s", encoding_hint(s, s->pos));
        if (c < 0x20) {
            char esc[8];
            if (short_escape(c)) snprintf(esc, sizeof esc, "\\%c", short_escape(c));
            else snprintf(esc, sizeof esc, "\\u%04x", c);
            return scan_fail(s, s->pos, "raw control character U+%04X in string: write it as %s",
                             c, esc);
        }
        uint32_t cp = 0;
        size_t n = utf8_seq(p + s->pos, s->len - s->pos, &cp);
        if (n == 0) return fail_utf8(s, s->pos, " in string");
        if (keep && !kb_put(s, p + s->pos, n)) return scan_nomem(s);
        s->pos += n;
    }
}

/* ---------------------------------------------------------------- numbers and literals */

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

static void skip_digits(Scan *s)
{
    while (s->pos < s->len && is_digit(s->p[s->pos])) s->pos++;
}

/* strtod wants a NUL-terminated copy, and it reads the decimal mark of the current locale
 * (as cJSON does, so we agree with it about what the number is). */
static int number_is_finite(const Scan *s, size_t start, size_t end, int *nomem)
{
    char small[64], *text = small;
    size_t n = end - start;
    if (n >= sizeof small) {
        text = ty_malloc(n + 1);
        if (!text) { *nomem = 1; return 0; }
    }
    memcpy(text, s->p + start, n);
    text[n] = '\0';
    const char *mark = localeconv()->decimal_point;
    if (mark && mark[0] && mark[0] != '.' && !mark[1]) {
        char *dot = memchr(text, '.', n);
        if (dot) *dot = mark[0];
    }
    double v = strtod(text, NULL);
    if (text != small) ty_free(text);
    return isfinite(v);
}

static TyStatus fail_not_number(Scan *s, size_t start)
{
    return scan_fail(s, start, "NaN and Infinity are not JSON numbers: write null");
}

static int word_is(const Scan *s, size_t off, const char *w)
{
    size_t n = strlen(w);
    if (s->len - off < n) return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s->p[off + i];
        if (c >= 'A' && c <= 'Z') c = (unsigned char)(c - 'A' + 'a');
        if (c != (unsigned char)w[i]) return 0;
    }
    return off + n == s->len || !is_word_byte(s->p[off + n]);
}

/* Strict RFC 8259 number at s->pos: -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)? */
static TyStatus scan_number(Scan *s)
{
    size_t start = s->pos;
    const unsigned char *p = s->p;
    if (p[s->pos] == '-') {
        s->pos++;
        if (word_is(s, s->pos, "infinity") || word_is(s, s->pos, "inf"))
            return fail_not_number(s, start);
        if (s->pos >= s->len || !is_digit(p[s->pos]))
            return fail_expected(s, s->pos, "a digit after '-'");
    }
    if (p[s->pos] == '0') {
        s->pos++;
        if (s->pos < s->len && is_digit(p[s->pos]))
            return scan_fail(s, start, "leading zero in number \"%.*s\"", word_len(s, start),
                             (const char *)p + start);
    } else {
        skip_digits(s);
    }
    if (s->pos < s->len && p[s->pos] == '.') {
        s->pos++;
        if (s->pos >= s->len || !is_digit(p[s->pos]))
            return fail_expected(s, s->pos, "a digit after '.' in number");
        skip_digits(s);
    }
    if (s->pos < s->len && (p[s->pos] == 'e' || p[s->pos] == 'E')) {
        s->pos++;
        if (s->pos < s->len && (p[s->pos] == '+' || p[s->pos] == '-')) s->pos++;
        if (s->pos >= s->len || !is_digit(p[s->pos]))
            return fail_expected(s, s->pos, "a digit in the exponent of the number");
        skip_digits(s);
    }
    if (s->pos < s->len && is_word_byte(p[s->pos]))     /* 0x10, 1.2.3, 1e5e5, 12abc */
        return scan_fail(s, start, "invalid number \"%.*s\"", word_len(s, start),
                         (const char *)p + start);
    int nomem = 0;
    if (!number_is_finite(s, start, s->pos, &nomem)) {
        if (nomem) return scan_nomem(s);
        return scan_fail(s, start, "number \"%.*s%s\" is out of range (too large for a double)",
                         s->pos - start > SHOW_MAX ? SHOW_MAX : (int)(s->pos - start),
                         (const char *)p + start, s->pos - start > SHOW_MAX ? "..." : "");
    }
    return TY_OK;
}

/* true, false, null — exactly, in lower case. Anything else word-like gets a targeted message. */
static TyStatus scan_word(Scan *s)
{
    static const char *const literals[] = { "true", "false", "null" };
    size_t start = s->pos;
    for (size_t i = 0; i < sizeof literals / sizeof literals[0]; i++) {
        size_t n = strlen(literals[i]);
        if (s->len - start >= n && memcmp(s->p + start, literals[i], n) == 0 &&
            (start + n == s->len || !is_word_byte(s->p[start + n]))) {
            s->pos = start + n;
            return TY_OK;
        }
    }
    if (word_is(s, start, "nan") || word_is(s, start, "infinity") || word_is(s, start, "inf"))
        return fail_not_number(s, start);
    if (word_is(s, start, "true") || word_is(s, start, "false") || word_is(s, start, "null"))
        return scan_fail(s, start, "invalid literal \"%.*s\": JSON literals are lower-case "
                                   "(true, false, null)", word_len(s, start),
                         (const char *)s->p + start);
    return scan_fail(s, start, "expected a value, found \"%.*s\"", word_len(s, start),
                     (const char *)s->p + start);
}

/* ---------------------------------------------------------------- structure */

static void skip_ws(Scan *s)
{
    while (s->pos < s->len) {
        unsigned char c = s->p[s->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
        s->pos++;
    }
}

static TyStatus push_frame(Scan *s, unsigned char kind)
{
    if (s->depth >= s->max_depth)
        return scan_fail(s, s->pos, "nesting deeper than %d levels", s->max_depth);
    if (s->depth == s->stack_cap) {
        int cap = s->stack_cap ? s->stack_cap * 2 : 16;
        if (cap > s->max_depth) cap = s->max_depth;
        Frame *ns = ty_realloc(s->stack, (size_t)cap * sizeof *ns);
        if (!ns) return scan_nomem(s);
        s->stack = ns;
        s->stack_cap = cap;
    }
    Frame *f = &s->stack[s->depth++];
    f->kind = kind;
    f->key_start = s->nkeys;
    f->kb_start = s->kblen;
    s->pos++;
    return TY_OK;
}

/* At s->pos (after whitespace) an object key, then ':'; leaves s->pos at the value. */
static TyStatus scan_key(Scan *s)
{
    if (s->pos >= s->len || s->p[s->pos] != '"') {
        if (s->pos < s->len && s->p[s->pos] == '}')
            return scan_fail(s, s->pos, "trailing comma before '}'");
        return fail_expected(s, s->pos, "'\"' to start an object key");
    }
    size_t src = s->pos, off = s->kblen;
    TyStatus st = scan_string(s, 1);
    if (st != TY_OK) return st;
    if (!keys_push(s, off, s->kblen - off, src)) return scan_nomem(s);
    skip_ws(s);
    if (s->pos >= s->len || s->p[s->pos] != ':') return fail_expected(s, s->pos, "':' after key");
    s->pos++;
    skip_ws(s);
    return TY_OK;
}

/* One value at s->pos. Opens a container (returning with *opened set) or consumes a scalar. */
static TyStatus scan_value(Scan *s, int *opened)
{
    *opened = 0;
    if (s->pos >= s->len) return fail_expected(s, s->pos, "a value");
    if (s->record) {
        if (s->noff == s->offcap) {
            size_t cap = s->offcap ? 2 * s->offcap : 64;
            size_t *grown = ty_realloc(s->offsets, cap * sizeof *grown);
            if (!grown) return scan_nomem(s);
            s->offsets = grown;
            s->offcap = cap;
        }
        s->offsets[s->noff++] = s->pos;
    }
    unsigned char c = s->p[s->pos];
    TyStatus st;
    switch (c) {
    case '{': case '[':
        if ((st = push_frame(s, c)) != TY_OK) return st;
        *opened = 1;
        return TY_OK;
    case '"':
        return scan_string(s, 0);
    case '-': case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7':
    case '8': case '9':
        return scan_number(s);
    case '+':
        return scan_fail(s, s->pos, "a number cannot start with '+'");
    case '.':
        return scan_fail(s, s->pos, "a number must have a digit before '.'");
    case '\'':
        return scan_fail(s, s->pos, "strings must be in double quotes, found '''");
    default:
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return scan_word(s);
        return fail_expected(s, s->pos, "a value");
    }
}

/* After a complete value inside a container: ',' (then the next value or key) or the closing
 * bracket. Sets *want_value when a value is to be read next. */
static TyStatus scan_after_value(Scan *s, int *want_value)
{
    Frame *f = &s->stack[s->depth - 1];
    unsigned char close = f->kind == '[' ? ']' : '}';
    *want_value = 0;
    if (s->pos < s->len && s->p[s->pos] == ',') {
        s->pos++;
        skip_ws(s);
        *want_value = 1;
        if (f->kind == '{') return scan_key(s);
        if (s->pos < s->len && s->p[s->pos] == ']')
            return scan_fail(s, s->pos, "trailing comma before ']'");
        return TY_OK;
    }
    if (s->pos < s->len && s->p[s->pos] == close) {
        if (f->kind == '{') {
            TyStatus st = check_duplicates(s, f);
            if (st != TY_OK) return st;
        }
        s->depth--;
        s->pos++;
        return TY_OK;
    }
    return fail_expected(s, s->pos, f->kind == '[' ? "',' or ']' after array element"
                                                   : "',' or '}' after object member");
}

/* Just after an opening bracket: an empty container closes at once; otherwise the first value
 * (or key) follows. */
static TyStatus scan_opened(Scan *s, int *want_value)
{
    Frame *f = &s->stack[s->depth - 1];
    skip_ws(s);
    unsigned char close = f->kind == '[' ? ']' : '}';
    if (s->pos < s->len && s->p[s->pos] == close) {
        s->depth--;      /* an empty object has no keys to check */
        s->pos++;
        *want_value = 0;
        return TY_OK;
    }
    *want_value = 1;
    return f->kind == '{' ? scan_key(s) : TY_OK;
}

static TyStatus scan_document(Scan *s)
{
    if (s->len >= 3 && s->p[0] == 0xEF && s->p[1] == 0xBB && s->p[2] == 0xBF)
        return scan_fail(s, 0, "UTF-8 byte order mark at the start: JSON text must not begin "
                               "with one (RFC 8259); save the file as UTF-8 without BOM");
    skip_ws(s);
    if (s->pos >= s->len) return scan_fail(s, s->pos, "empty input: expected a JSON value");
    int want_value = 1;
    for (;;) {
        TyStatus st;
        if (want_value) {
            int opened;
            if ((st = scan_value(s, &opened)) != TY_OK) return st;
            if (opened) {
                if ((st = scan_opened(s, &want_value)) != TY_OK) return st;
                continue;
            }
        }
        skip_ws(s);
        if (s->depth == 0) break;
        if ((st = scan_after_value(s, &want_value)) != TY_OK) return st;
    }
    if (s->pos < s->len) {
        char buf[64];
        const char *found = describe(s, s->pos, buf, sizeof buf);
        if (!found) return fail_utf8(s, s->pos, "");
        return scan_fail(s, s->pos, "unexpected %s after the JSON value%s", found,
                         s->p[s->pos] == '{' || s->p[s->pos] == '[' || s->p[s->pos] == ','
                             ? " (more than one top-level value?)" : "");
    }
    return TY_OK;
}

static int effective_depth(const TyJsonLimits *lim)
{
    int d = lim->max_depth;
    if (d < 0) d = 0;
    if (d > CJSON_NESTING_LIMIT) d = CJSON_NESTING_LIMIT;   /* cJSON would refuse more */
    return d;
}

static TyStatus validate(const char *name, const char *buf, size_t len, const TyJsonLimits *lim,
                         TyJsonPositions *pos, TyError *err)
{
    TyJsonLimits def;
    if (!lim) { json_limits_default(&def); lim = &def; }
    if (len > lim->max_bytes)
        return ty_error_at(err, TY_EDATA, name, 0, 0, "JSON text too large (%zu bytes; the limit "
                           "is %zu)", len, lim->max_bytes);
    if (!buf && len > 0) return ty_error_set(err, TY_EINTERNAL, "json_validate: NULL buffer");
    Scan s = {
        .name = name,
        .p = (const unsigned char *)(buf ? buf : ""),
        .len = len,
        .max_depth = effective_depth(lim),
        .record = pos != NULL,
        .err = err,
    };
    TyStatus st = scan_document(&s);
    ty_free(s.stack);
    ty_free(s.keys);
    ty_free(s.keybuf);
    if (pos && st == TY_OK) {
        pos->offsets = s.offsets;
        pos->n = s.noff;
    } else {
        ty_free(s.offsets);
    }
    return st;
}

TyStatus json_validate(const char *name, const char *buf, size_t len,
                       const TyJsonLimits *lim, TyError *err)
{
    return validate(name, buf, len, lim, NULL, err);
}

void json_positions_free(TyJsonPositions *pos)
{
    if (!pos) return;
    ty_free(pos->offsets);
    pos->offsets = NULL;
    pos->n = 0;
}

/* Pre-order index of `node` under `at`; *k counts the nodes visited. 1 when found. */
static int preorder_index(const cJSON *at, const cJSON *node, size_t *k)
{
    if (at == node) return 1;
    (*k)++;
    for (const cJSON *c = at->child; c; c = c->next)
        if (preorder_index(c, node, k)) return 1;
    return 0;
}

int json_node_position(const char *buf, size_t len, const TyJsonPositions *pos,
                       const cJSON *root, const cJSON *node, int *line, int *col)
{
    size_t k = 0;
    if (!pos || !pos->offsets || !root || !node || !preorder_index(root, node, &k) || k >= pos->n)
        return 0;
    line_col((const unsigned char *)buf, len, pos->offsets[k], line, col);
    return 1;
}

/* ---------------------------------------------------------------- parsing */

cJSON *json_parse_buffer(const char *name, const char *buf, size_t len,
                         const TyJsonLimits *lim, TyError *err)
{
    return json_parse_buffer_pos(name, buf, len, lim, NULL, err);
}

cJSON *json_parse_buffer_pos(const char *name, const char *buf, size_t len,
                             const TyJsonLimits *lim, TyJsonPositions *pos, TyError *err)
{
    if (pos) { pos->offsets = NULL; pos->n = 0; }
    if (validate(name, buf, len, lim, pos, err) != TY_OK) return NULL;
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
    if (!root) {
        json_positions_free(pos);
        ty_error_at(err, TY_EINTERNAL, name, 0, 0, "cJSON could not parse JSON that passed "
                    "validation (out of memory?)");
        return NULL;
    }
    /* cJSON must have read exactly the value we validated: only whitespace may follow. */
    size_t at = end ? (size_t)(end - buf) : 0;
    while (at < len && (buf[at] == ' ' || buf[at] == '\t' || buf[at] == '\n' || buf[at] == '\r'))
        at++;
    if (!end || at != len) {
        json_positions_free(pos);
        cJSON_Delete(root);
        ty_error_at(err, TY_EINTERNAL, name, 0, 0, "cJSON stopped at byte %zu of %zu in JSON "
                    "that passed validation", end ? (size_t)(end - buf) : (size_t)0, len);
        return NULL;
    }
    return root;
}

cJSON *json_parse_file(const char *path, const TyJsonLimits *lim, TyError *err)
{
    TyJsonLimits def;
    if (!lim) { json_limits_default(&def); lim = &def; }
    char *buf = NULL;
    size_t len = 0;
    if (file_read_all(path, lim->max_bytes, &buf, &len, err) != TY_OK) return NULL;
    cJSON *root = json_parse_buffer(path, buf, len, lim, err);
    ty_free(buf);
    return root;
}

/* ---------------------------------------------------------------- printing */

typedef struct Out {
    char *buf;
    size_t len, cap;
    int oom;
} Out;

static void out_put(Out *o, const char *s, size_t n)
{
    if (o->oom) return;
    if (o->cap - o->len <= n) {               /* keep one byte for the final NUL */
        size_t cap = o->cap ? o->cap : 256;
        while (cap - o->len <= n) {
            if (cap > SIZE_MAX / 2) { o->oom = 1; return; }
            cap *= 2;
        }
        char *nb = ty_realloc(o->buf, cap);
        if (!nb) { o->oom = 1; return; }
        o->buf = nb;
        o->cap = cap;
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

static void out_str(Out *o, const char *s) { out_put(o, s, strlen(s)); }

static void out_indent(Out *o, int level)
{
    static const char spaces[] = "                                ";   /* 32 */
    size_t n = (size_t)level * 2;
    while (n > 0) {
        size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
        out_put(o, spaces, k);
        n -= k;
    }
}

/* Minimal escaping: quote, backslash, control characters, and U+2028/U+2029 (legal in JSON
 * but line breaks to JavaScript). UTF-8 is copied as is; a byte that is not valid UTF-8 (a Lua
 * string can hold anything) becomes U+FFFD so the output is always valid JSON. */
static void out_string(Out *o, const char *str)
{
    const unsigned char *p = (const unsigned char *)(str ? str : "");
    size_t len = strlen((const char *)p), i = 0;
    out_put(o, "\"", 1);
    while (i < len) {
        size_t run = i;
        while (i < len && p[i] >= 0x20 && p[i] < 0x80 && p[i] != '"' && p[i] != '\\') i++;
        out_put(o, (const char *)p + run, i - run);
        if (i >= len) break;
        unsigned char c = p[i];
        char esc[8];
        if (c == '"') out_put(o, "\\\"", 2);
        else if (c == '\\') out_put(o, "\\\\", 2);
        else if (c < 0x20) {
            if (short_escape(c)) snprintf(esc, sizeof esc, "\\%c", short_escape(c));
            else snprintf(esc, sizeof esc, "\\u%04x", c);
            out_str(o, esc);
        } else {
            uint32_t cp;
            size_t n = utf8_seq(p + i, len - i, &cp);
            if (n == 0) { out_put(o, "\xEF\xBF\xBD", 3); i++; continue; }
            if (cp == 0x2028 || cp == 0x2029) {
                snprintf(esc, sizeof esc, "\\u%04x", (unsigned)cp);
                out_str(o, esc);
            } else {
                out_put(o, (const char *)p + i, n);
            }
            i += n;
            continue;
        }
        i++;
    }
    out_put(o, "\"", 1);
}

/* Integers below 2^53 exactly as integers; the rest shortest round-trip; non-finite as null. */
static void out_number(Out *o, double x)
{
    char buf[64];
    if (!isfinite(x)) out_str(o, "null");
    else if (x == 0) out_str(o, "0");
    else if (x == trunc(x) && fabs(x) < 9007199254740992.0) {
        snprintf(buf, sizeof buf, "%.0f", x);
        out_str(o, buf);
    } else {
        out_str(o, number_format(x, buf, sizeof buf));
    }
}

static void out_value(Out *o, const cJSON *item, int pretty, int level);

static void out_container(Out *o, const cJSON *item, int pretty, int level, int is_object)
{
    out_put(o, is_object ? "{" : "[", 1);
    const cJSON *c = item->child;
    if (!c) { out_put(o, is_object ? "}" : "]", 1); return; }
    for (; c; c = c->next) {
        if (pretty) { out_put(o, "\n", 1); out_indent(o, level + 1); }
        if (is_object) {
            out_string(o, c->string);
            out_str(o, pretty ? ": " : ":");
        }
        out_value(o, c, pretty, level + 1);
        if (c->next) out_put(o, ",", 1);
    }
    if (pretty) { out_put(o, "\n", 1); out_indent(o, level); }
    out_put(o, is_object ? "}" : "]", 1);
}

static void out_value(Out *o, const cJSON *item, int pretty, int level)
{
    if (cJSON_IsObject(item)) out_container(o, item, pretty, level, 1);
    else if (cJSON_IsArray(item)) out_container(o, item, pretty, level, 0);
    else if (cJSON_IsString(item)) out_string(o, item->valuestring);
    else if (cJSON_IsNumber(item)) out_number(o, item->valuedouble);
    else if (cJSON_IsTrue(item)) out_str(o, "true");
    else if (cJSON_IsFalse(item)) out_str(o, "false");
    else if (cJSON_IsRaw(item) && item->valuestring) out_str(o, item->valuestring);
    else out_str(o, "null");                 /* null, invalid, or a NULL item */
}

char *json_print(const cJSON *item, int pretty)
{
    Out o = { 0 };
    out_value(&o, item, pretty, 0);
    if (pretty) out_put(&o, "\n", 1);
    if (o.oom || !o.buf) { ty_free(o.buf); return NULL; }
    o.buf[o.len] = '\0';
    return o.buf;
}
