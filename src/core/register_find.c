/* register_find.c — a register's credit codes and firm names looked for in a text, in one pass
 * per distinct name length (Rabin–Karp: a rolling hash of every window of the text, looked up
 * in a table of the register's identifiers), so a result of any size is checked against a
 * million firms in time linear in the result. */
#include "register_find.h"
#include "alloc.h"

#include <stdint.h>
#include <string.h>

#define BASE 1099511628211u   /* any odd 64-bit multiplier; arithmetic is mod 2^64 */

typedef struct Slot { uint64_t h; size_t row; } Slot;
typedef struct Table { Slot *slot; size_t mask; } Table;

static uint64_t hash_of(const char *s, size_t n)
{
    uint64_t h = 0;
    for (size_t i = 0; i < n; i++) h = h * BASE + (unsigned char)s[i];
    return h;
}

/* Slot index from a hash: the high bits mixed down (the low ones of a polynomial hash are weak). */
static size_t spot(uint64_t h, size_t mask) { return (size_t)((h ^ (h >> 29) ^ (h >> 47)) * 0x9E3779B97F4A7C15u >> 20) & mask; }

static int table_new(Table *t, size_t n)
{
    size_t cap = 16;
    while (cap < n * 2) cap *= 2;
    t->slot = ty_malloc(cap * sizeof *t->slot);
    if (!t->slot) return 0;
    for (size_t k = 0; k < cap; k++) t->slot[k].row = (size_t)-1;
    t->mask = cap - 1;
    return 1;
}

static void table_put(Table *t, uint64_t h, size_t row)
{
    size_t k = spot(h, t->mask);
    while (t->slot[k].row != (size_t)-1) {
        if (t->slot[k].h == h) return;   /* the same identifier on another row: the first is enough */
        k = (k + 1) & t->mask;
    }
    t->slot[k].h = h;
    t->slot[k].row = row;
}

/* The row whose identifier (get(row)) is text[0..n) with hash h, or -1. */
static size_t table_get(const Table *t, uint64_t h, const char *text, size_t n,
                        const char *(*get)(const TyRegister *, size_t), const TyRegister *r)
{
    for (size_t k = spot(h, t->mask); t->slot[k].row != (size_t)-1; k = (k + 1) & t->mask)
        if (t->slot[k].h == h) {
            const char *id = get(r, t->slot[k].row);
            if (strlen(id) == n && memcmp(id, text, n) == 0) return t->slot[k].row;
        }
    return (size_t)-1;
}

static const char *code_at(const TyRegister *r, size_t i) { return r->code[i]; }

static int code_char(unsigned char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'); }

/* Every window of n bytes of text, rolled; the first position with a match. */
static size_t scan(const Table *t, size_t n, const char *text, size_t len, int codes,
                   const char *(*get)(const TyRegister *, size_t), const TyRegister *r, size_t *row)
{
    if (len < n) return (size_t)-1;
    uint64_t top = 1;   /* BASE^(n-1) */
    for (size_t k = 1; k < n; k++) top *= BASE;
    uint64_t h = hash_of(text, n);
    size_t run = 0;     /* code characters ending at the window's end (codes only) */
    for (size_t k = 0; codes && k < n; k++) run = code_char((unsigned char)text[k]) ? run + 1 : 0;
    for (size_t i = 0;; i++) {
        if (!codes || run >= n) {
            size_t j = table_get(t, h, text + i, n, get, r);
            if (j != (size_t)-1) {
                *row = j;
                return i;
            }
        }
        if (i + n >= len) return (size_t)-1;
        h = (h - (unsigned char)text[i] * top) * BASE + (unsigned char)text[i + n];
        if (codes) run = code_char((unsigned char)text[i + n]) ? run + 1 : 0;
    }
}

TyRegFound register_find_firm(const TyRegister *r, const char *text, size_t len, size_t *row, int *nomem)
{
    *nomem = 0;
    if (r->n == 0) return REG_FOUND_NONE;
    TyRegFound found = REG_FOUND_NONE;
    size_t best = (size_t)-1;
    Table codes = {0}, names = {0};
    unsigned char *lens = ty_calloc(256, 1);   /* the name lengths present (longer ones are cut to 255) */
    if (!lens || !table_new(&codes, r->n) || !table_new(&names, r->n)) {
        *nomem = 1;
        goto done;
    }
    for (size_t i = 0; i < r->n; i++) {
        table_put(&codes, hash_of(r->code[i], 18), i);
        const char *nm = register_firm(r, i);
        size_t n = strlen(nm);
        if (n < REGISTER_FIND_MIN_NAME || n > 255) continue;   /* a name over 255 bytes: its first 255 are not a name */
        table_put(&names, hash_of(nm, n), i);
        lens[n] = 1;
    }
    size_t at, j;
    if ((at = scan(&codes, 18, text, len, 1, code_at, r, &j)) != (size_t)-1) {
        best = at, *row = j, found = REG_FOUND_CODE;
    }
    for (size_t n = REGISTER_FIND_MIN_NAME; n < 256; n++) {
        if (!lens[n]) continue;
        size_t upto = best == (size_t)-1 ? len : best + n;   /* only an earlier match matters */
        if ((at = scan(&names, n, text, upto < len ? upto : len, 0, register_firm, r, &j)) != (size_t)-1
            && at < best)
            best = at, *row = j, found = REG_FOUND_NAME;
    }
done:
    ty_free(lens);
    ty_free(codes.slot);
    ty_free(names.slot);
    return found;
}
