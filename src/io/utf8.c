/* utf8.c — strict UTF-8 validation that says where it failed and what the file probably is
 * (GBK from Excel on Chinese Windows, UTF-16 from "Unicode text"), and display widths so
 * Chinese text lines up in a terminal. */
#include "utf8.h"

#include <stdio.h>
#include <string.h>

/* Why a sequence is bad; DECODE_OK when it is a valid code point. */
typedef enum DecodeStatus {
    DECODE_OK, DECODE_BAD_LEAD, DECODE_STRAY_CONTINUATION, DECODE_TRUNCATED,
    DECODE_OVERLONG, DECODE_SURROGATE, DECODE_TOO_BIG
} DecodeStatus;

static int is_continuation(unsigned char b) { return (b & 0xC0) == 0x80; }

/* Decodes the sequence at s[0..len) (len >= 1) strictly; *n is its length when valid. */
static DecodeStatus decode_strict(const unsigned char *s, size_t len, uint32_t *cp, int *n)
{
    unsigned char b = s[0];
    int need;
    uint32_t c, min;
    if (b < 0x80) { *cp = b; *n = 1; return DECODE_OK; }
    if (is_continuation(b)) return DECODE_STRAY_CONTINUATION;
    if (b < 0xC0 || b > 0xF7) return DECODE_BAD_LEAD;  /* 0xF8.. never appear in UTF-8 */
    if (b < 0xE0) { need = 1; c = b & 0x1F; min = 0x80; }
    else if (b < 0xF0) { need = 2; c = b & 0x0F; min = 0x800; }
    else { need = 3; c = b & 0x07; min = 0x10000; }
    for (int k = 1; k <= need; k++) {
        if ((size_t)k >= len || !is_continuation(s[k])) return DECODE_TRUNCATED;
        c = (c << 6) | (s[k] & 0x3F);
    }
    if (c < min) return DECODE_OVERLONG;
    if (c >= 0xD800 && c <= 0xDFFF) return DECODE_SURROGATE;
    if (c > 0x10FFFF) return DECODE_TOO_BIG;
    *cp = c;
    *n = need + 1;
    return DECODE_OK;
}

/* 0 = no, 1 = little-endian, 2 = big-endian: a UTF-16 BOM, or NULs in every other byte
 * (ASCII text stored as UTF-16) in the first 64 bytes. */
static int guess_utf16(const unsigned char *s, size_t len)
{
    if (len >= 2 && s[0] == 0xFF && s[1] == 0xFE) return 1;
    if (len >= 2 && s[0] == 0xFE && s[1] == 0xFF) return 2;
    size_t n = len < 64 ? len : 64, even = 0, odd = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == 0) { if (i % 2) odd++; else even++; }
    size_t pairs = n / 2;
    if (pairs >= 2 && odd * 2 >= pairs && even == 0) return 1;
    if (pairs >= 2 && even * 2 >= pairs && odd == 0) return 2;
    return 0;
}

/* Whether the bytes from the failure on read as GBK: every non-ASCII byte in a window is a
 * lead 0x81..0xFE with a trail 0x40..0xFE (not 0x7F), and some trail could not be a UTF-8
 * continuation byte. The second test keeps damaged UTF-8 (overlongs, cut sequences, whose
 * "trails" are continuation bytes) from being called GBK. */
static int looks_like_gbk(const unsigned char *s, size_t len, size_t off)
{
    size_t end = len - off > 64 ? off + 64 : len, i = off;
    int decisive = 0;
    while (i < end) {
        unsigned char b = s[i];
        if (b < 0x80) { i++; continue; }
        if (b == 0x80 || b == 0xFF) return 0;
        if (i + 1 >= len) return 0;                      /* a lead byte cut off by the end */
        unsigned char t = s[i + 1];
        if (t < 0x40 || t == 0x7F || t == 0xFF) return 0;
        if (!is_continuation(t)) decisive = 1;
        i += 2;
    }
    return decisive;
}

static const char *decode_reason(DecodeStatus st)
{
    switch (st) {
    case DECODE_STRAY_CONTINUATION: return "unexpected continuation byte";
    case DECODE_TRUNCATED: return "truncated sequence";
    case DECODE_OVERLONG: return "overlong encoding";
    case DECODE_SURROGATE: return "UTF-16 surrogate encoded as UTF-8";
    case DECODE_TOO_BIG: return "code point above U+10FFFF";
    default: return "invalid byte";
    }
}

/* The encoding hint: a likely other encoding first (that is what the user can act on),
 * else what exactly is wrong with the bytes. */
static void fill_hint(TyUtf8Error *err, const unsigned char *s, size_t len, size_t off, DecodeStatus st)
{
    int utf16 = guess_utf16(s, len);
    if (utf16 == 1)
        snprintf(err->hint, sizeof err->hint, "not UTF-8 (UTF-16 little-endian?)");
    else if (utf16 == 2)
        snprintf(err->hint, sizeof err->hint, "not UTF-8 (UTF-16 big-endian?)");
    else if (looks_like_gbk(s, len, off))
        snprintf(err->hint, sizeof err->hint, "not UTF-8 (GBK?)");
    else
        snprintf(err->hint, sizeof err->hint, "not UTF-8 (%s, byte 0x%02X)", decode_reason(st), s[off]);
}

/* Whether none of the 8 bytes of w is non-ASCII, LF or CR: such a run only moves the column. */
static int plain_ascii8(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    uint64_t lf = w ^ (ones * '\n'), cr = w ^ (ones * '\r');
    /* a zero byte in lf or cr is an LF or CR in w (exact: w has no high bits set here) */
    return !(w & highs) && !((lf - ones) & ~lf & highs) && !((cr - ones) & ~cr & highs);
}

int utf8_validate(const char *str, size_t len, TyUtf8Error *err)
{
    const unsigned char *s = (const unsigned char *)str;
    int line = 1, col = 1;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        int n;
        /* Most of a plan or register is ASCII digits and commas: 8 bytes a step, memcpy for an
         * unaligned load. A register of a million rows is validated twice (the encoding check,
         * then the CSV reader), so this is most of what reading the text costs. */
        uint64_t w;
        if (len - i >= 8 && (memcpy(&w, s + i, 8), plain_ascii8(w))) { i += 8; col += 8; continue; }
        if (s[i] < 0x80 && s[i] != '\n' && s[i] != '\r') { i++; col++; continue; }
        DecodeStatus st = decode_strict(s + i, len - i, &cp, &n);
        if (st != DECODE_OK) {
            if (err) {
                err->offset = i;
                err->line = line;
                err->col = col;
                fill_hint(err, s, len, i, st);
            }
            return 0;
        }
        /* Lines end at LF, CR or CRLF, as the CSV reader counts them. */
        if (cp == '\n' || (cp == '\r' && !(i + 1 < len && s[i + 1] == '\n'))) { line++; col = 1; }
        else col++;
        i += (size_t)n;
    }
    return 1;
}

int utf8_decode(const char *s, size_t len, uint32_t *cp)
{
    int n;
    if (len == 0) { *cp = 0xFFFD; return 1; }
    /* Defensive: an invalid byte decodes as U+FFFD and consumes one byte, never more than len. */
    if (decode_strict((const unsigned char *)s, len, cp, &n) != DECODE_OK) { *cp = 0xFFFD; return 1; }
    return n;
}

/* Code points whose width is not 1, sorted and non-overlapping: the one source of truth for
 * utf8_cp_width. Width 0: combining marks and zero-width formatting characters; width 2:
 * East Asian Wide and Fullwidth (Unicode UAX #11) for the scripts and symbols our users meet. */
static const struct WidthRange { uint32_t lo, hi; int width; } width_ranges[] = {
    {0x0300, 0x036F, 0},    /* combining diacritical marks */
    {0x0483, 0x0489, 0},    /* combining Cyrillic */
    {0x0591, 0x05BD, 0},    /* Hebrew points */
    {0x0610, 0x061A, 0},    /* Arabic marks */
    {0x064B, 0x065F, 0},
    {0x0670, 0x0670, 0},
    {0x1100, 0x115F, 2},    /* Hangul Jamo leading consonants */
    {0x1AB0, 0x1AFF, 0},    /* combining diacritical marks extended */
    {0x1DC0, 0x1DFF, 0},    /* combining diacritical marks supplement */
    {0x200B, 0x200F, 0},    /* zero-width space, ZWNJ, ZWJ, LRM, RLM */
    {0x202A, 0x202E, 0},    /* bidi embeddings */
    {0x2060, 0x2064, 0},    /* word joiner, invisible operators */
    {0x20D0, 0x20FF, 0},    /* combining marks for symbols */
    {0x2E80, 0x2FFF, 2},    /* CJK radicals, Kangxi radicals, ideographic description */
    {0x3000, 0x3029, 2},    /* CJK symbols and punctuation (ideographic space, 。「」) */
    {0x302A, 0x302D, 0},    /* ideographic tone marks (combining) */
    {0x302E, 0x303F, 2},
    {0x3041, 0x3098, 2},    /* Hiragana */
    {0x3099, 0x309A, 0},    /* combining kana voiced sound marks */
    {0x309B, 0x30FF, 2},    /* Hiragana marks, Katakana */
    {0x3100, 0x4DBF, 2},    /* Bopomofo, Hangul compatibility Jamo, Kanbun, CJK strokes,
                               enclosed CJK, CJK compatibility, CJK extension A */
    {0x4E00, 0x9FFF, 2},    /* CJK unified ideographs */
    {0xA000, 0xA4CF, 2},    /* Yi */
    {0xA960, 0xA97F, 2},    /* Hangul Jamo extended A */
    {0xAC00, 0xD7A3, 2},    /* Hangul syllables */
    {0xF900, 0xFAFF, 2},    /* CJK compatibility ideographs */
    {0xFE00, 0xFE0F, 0},    /* variation selectors */
    {0xFE10, 0xFE19, 2},    /* vertical forms */
    {0xFE20, 0xFE2F, 0},    /* combining half marks */
    {0xFE30, 0xFE6F, 2},    /* CJK compatibility forms, small form variants */
    {0xFEFF, 0xFEFF, 0},    /* zero-width no-break space (BOM) */
    {0xFF00, 0xFF60, 2},    /* full-width forms */
    {0xFFE0, 0xFFE6, 2},    /* full-width signs */
    {0x1B000, 0x1B16F, 2},  /* Kana supplement and extensions */
    {0x1F200, 0x1F2FF, 2},  /* enclosed ideographic supplement */
    {0x1F300, 0x1F64F, 2},  /* pictographs, emoticons */
    {0x1F900, 0x1F9FF, 2},  /* supplemental symbols and pictographs */
    {0x20000, 0x2FFFD, 2},  /* CJK extensions B..F, compatibility supplement */
    {0x30000, 0x3FFFD, 2},  /* CJK extensions G.. */
    {0xE0100, 0xE01EF, 0},  /* variation selectors supplement */
};

int utf8_cp_width(uint32_t cp)
{
    size_t lo = 0, hi = sizeof width_ranges / sizeof width_ranges[0];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cp < width_ranges[mid].lo) hi = mid;
        else if (cp > width_ranges[mid].hi) lo = mid + 1;
        else return width_ranges[mid].width;
    }
    return 1;
}

size_t utf8_width(const char *s, size_t len)
{
    size_t w = 0, i = 0;
    while (i < len) {
        uint32_t cp;
        i += (size_t)utf8_decode(s + i, len - i, &cp);
        w += (size_t)utf8_cp_width(cp);
    }
    return w;
}
