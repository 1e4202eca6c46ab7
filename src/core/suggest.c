/* suggest.c — edit distance on UTF-8 code points and the closest name of a list (suggest.h). */
#include "core/suggest.h"

#include <stdint.h>
#include <string.h>

/* Code points of s (at most max); returns the count, or max + 1 if s is longer. An invalid or
 * truncated sequence counts as one unit per byte (a stray byte must not hide a neighbour). */
static size_t decode(const char *s, uint32_t *out, size_t max)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;
    while (*p) {
        if (n == max) return max + 1;
        uint32_t c = *p;
        int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        int ok = len > 0;
        for (int k = 1; ok && k < len; k++) ok = (p[k] & 0xC0) == 0x80;
        if (!ok) {
            out[n++] = 0x80000000u | c;          /* a byte, kept apart from every code point */
            p++;
            continue;
        }
        if (len > 1) c &= 0xFFu >> (len + 1);
        for (int k = 1; k < len; k++) c = (c << 6) | (p[k] & 0x3Fu);
        out[n++] = c;
        p += len;
    }
    return n;
}

static int min3(int a, int b, int c)
{
    int m = a < b ? a : b;
    return m < c ? m : c;
}

int ty_edit_distance(const char *a, const char *b, int limit)
{
    uint32_t x[TY_SUGGEST_MAX_CPS], y[TY_SUGGEST_MAX_CPS];
    if (limit < 0) limit = 0;
    size_t la = decode(a, x, TY_SUGGEST_MAX_CPS), lb = decode(b, y, TY_SUGGEST_MAX_CPS);
    if (la > TY_SUGGEST_MAX_CPS || lb > TY_SUGGEST_MAX_CPS) return limit + 1;
    if ((la > lb ? la - lb : lb - la) > (size_t)limit) return limit + 1;
    /* three rows: i-2 (for transpositions), i-1, i */
    int rows[3][TY_SUGGEST_MAX_CPS + 1];
    int *pp = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= lb; j++) prev[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = (int)i;
        int rowmin = cur[0];
        for (size_t j = 1; j <= lb; j++) {
            int d = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] != y[j - 1]));
            if (i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1] && pp[j - 2] + 1 < d)
                d = pp[j - 2] + 1;
            cur[j] = d;
            if (d < rowmin) rowmin = d;
        }
        /* a row's minimum never decreases below the row before's minus one transposition step,
         * so once two rows in a row exceed the limit no alignment can come back under it */
        if (rowmin > limit && i > 1) {
            int prevmin = prev[0];
            for (size_t j = 1; j <= lb; j++) if (prev[j] < prevmin) prevmin = prev[j];
            if (prevmin > limit) return limit + 1;
        }
        int *t = pp;
        pp = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb] > limit ? limit + 1 : prev[lb];
}

int ty_suggest_limit(const char *word)
{
    uint32_t x[TY_SUGGEST_MAX_CPS];
    size_t n = decode(word, x, TY_SUGGEST_MAX_CPS);
    return n <= 4 ? 1 : n <= 8 ? 2 : 3;
}

long ty_closest(const char *word, const char *const *cands, size_t n)
{
    int limit = ty_suggest_limit(word);
    long best = -1;
    int bestd = limit + 1;
    for (size_t i = 0; i < n; i++) {
        if (cands[i] == NULL || strcmp(cands[i], word) == 0) continue;
        int d = ty_edit_distance(word, cands[i], limit);
        if (d > limit) continue;
        if (d < bestd || (d == bestd && strcmp(cands[i], cands[best]) < 0)) {
            bestd = d;
            best = (long)i;
        }
    }
    return best;
}
