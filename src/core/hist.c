/* hist.c — the log-linear histogram (see hist.h).
 *
 * A positive double's bit pattern, read as an unsigned integer, grows with the value; shifting
 * out all but TY_HIST_BITS bits of the mantissa leaves a 23-bit bucket key (exponent and top
 * mantissa bits). Subnormal magnitudes (below 2.2e-308) get buckets of equal absolute width,
 * so the relative bound does not hold for them; no model quantity lives there. */
#include "hist.h"

#include <math.h>
#include <string.h>

#include "alloc.h"

#define KEY_SHIFT (52 - TY_HIST_BITS)

static uint64_t bits_of(double x)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}

static double double_of(uint64_t b)
{
    double x;
    memcpy(&x, &b, sizeof x);
    return x;
}

/* The fine key of a magnitude m > 0. */
static uint32_t fine_key(double m)
{
    return (uint32_t)(bits_of(m) >> KEY_SHIFT);
}

void hist_init(TyHist *h)
{
    memset(h, 0, sizeof *h);
    h->min = INFINITY;
    h->max = -INFINITY;
}

void hist_free(TyHist *h)
{
    ty_free(h->pos.counts);
    ty_free(h->neg.counts);
    hist_init(h);
}

void hist_reset(TyHist *h) { hist_free(h); }

/* ---- stores ---- */

/* The level a store needs to hold fine keys [lo, hi] besides what it holds: the smallest, at
 * or above its own, at which the span of keys fits. It depends only on the values held (their
 * smallest and largest fine keys), never on how the array happens to be allocated, so every
 * order of arrival and merging ends at the same level. */
static unsigned level_needed(const TyHistStore *s, uint32_t lo, uint32_t hi)
{
    if (s->total || s->len) {
        if (s->fmin < lo) lo = s->fmin;
        if (s->fmax > hi) hi = s->fmax;
    }
    unsigned level = s->level;
    while ((size_t)((hi >> level) - (lo >> level)) + 1 > TY_HIST_MAX_BUCKETS) level++;
    return level;
}

/* Re-buckets s at `level` into counts for keys [a, a + len) at that level, which must cover
 * what it holds. */
static TyStatus store_rebuild(TyHistStore *s, unsigned level, uint32_t a, size_t len, TyError *err)
{
    uint32_t *c = ty_calloc(len, sizeof *c);
    if (!c) return ty_error_set(err, TY_ENOMEM, "out of memory");
    unsigned up = level - s->level;
    for (size_t i = 0; i < s->len; i++)
        if (s->counts[i]) c[(((uint32_t)(s->base + i)) >> up) - a] += s->counts[i];
    ty_free(s->counts);
    s->counts = c;
    s->base = a;
    s->len = len;
    s->level = level;
    return TY_OK;
}

/* Makes s able to count fine keys lo .. hi (and records them as held). A new array gets half
 * as much room again on the side it grew, so a range that creeps outward costs a few copies,
 * not one per block. */
static TyStatus store_ensure(TyHistStore *s, uint32_t lo, uint32_t hi, TyError *err)
{
    unsigned level = level_needed(s, lo, hi);
    uint32_t flo = (s->total || s->len) && s->fmin < lo ? s->fmin : lo;
    uint32_t fhi = (s->total || s->len) && s->fmax > hi ? s->fmax : hi;
    uint32_t a = flo >> level, b = fhi >> level;
    if (!(s->len && level == s->level && a >= s->base && b < s->base + s->len)) {
        size_t need = (size_t)(b - a) + 1;
        size_t room = need / 2 + 16;
        if (need + room > TY_HIST_MAX_BUCKETS) room = TY_HIST_MAX_BUCKETS - need;
        size_t below = room / 2, above = room - below;
        if (s->len && level == s->level) {
            /* Put the room where the range grew. */
            int down = a < s->base, up = b >= s->base + s->len;
            if (down && !up) { below = room; above = 0; }
            if (up && !down) { below = 0; above = room; }
        }
        if (below > a) { above += below - a; below = a; }
        TyStatus st = store_rebuild(s, level, a - (uint32_t)below, need + below + above, err);
        if (st) return st;
    }
    s->fmin = flo;
    s->fmax = fhi;
    return TY_OK;
}

static void store_count(TyHistStore *s, uint32_t fine)
{
    s->counts[(fine >> s->level) - s->base]++;
    s->total++;
}

/* ---- adding and merging ---- */

static void note_range(TyHist *h, double lo, double hi)
{
    if (lo < h->min) h->min = lo;
    if (hi > h->max) h->max = hi;
}

TyStatus hist_add(TyHist *h, const double *v, size_t n, TyError *err)
{
    if (n == 0) return TY_OK;
    double lo = v[0], hi = v[0];
    for (size_t i = 1; i < n; i++) {
        lo = v[i] < lo ? v[i] : lo;
        hi = v[i] > hi ? v[i] : hi;
    }
    return hist_add_range(h, v, n, lo, hi, err);
}

TyStatus hist_add_range(TyHist *h, const double *v, size_t n, double lo, double hi, TyError *err)
{
    if (n == 0) return TY_OK;
    if (lo == hi && lo != 0.0) {
        /* One value n times: one bucket. */
        TyHistStore *s = lo > 0.0 ? &h->pos : &h->neg;
        uint32_t key = fine_key(fabs(lo));
        TyStatus st = store_ensure(s, key, key, err);
        if (st) return st;
        s->counts[(key >> s->level) - s->base] += (uint32_t)n;
        s->total += n;
    } else if (lo > 0.0) {
        /* The common case, all positive: the block's extremes bound its keys. */
        TyStatus st = store_ensure(&h->pos, fine_key(lo), fine_key(hi), err);
        if (st) return st;
        TyHistStore *s = &h->pos;
        uint32_t *restrict c = s->counts;
        unsigned shift = KEY_SHIFT + s->level;
        uint32_t base = s->base;
        for (size_t i = 0; i < n; i++) c[(uint32_t)(bits_of(v[i]) >> shift) - base]++;
        s->total += n;
    } else {
        /* Mixed signs or zeros: check both stores' ranges first so a failure changes nothing. */
        double pmin = INFINITY, pmax = 0.0, nmin = INFINITY, nmax = 0.0;
        for (size_t i = 0; i < n; i++) {
            double m = fabs(v[i]);
            if (v[i] > 0.0) { pmin = m < pmin ? m : pmin; pmax = m > pmax ? m : pmax; }
            else if (v[i] < 0.0) { nmin = m < nmin ? m : nmin; nmax = m > nmax ? m : nmax; }
        }
        /* Ensure both ranges before counting: a store that grew but counted nothing yet
         * still holds exactly what it held, so a failure leaves h as it was. */
        TyStatus st = TY_OK;
        if (pmax > 0.0) st = store_ensure(&h->pos, fine_key(pmin), fine_key(pmax), err);
        if (!st && nmax > 0.0) st = store_ensure(&h->neg, fine_key(nmin), fine_key(nmax), err);
        if (st) return st;
        for (size_t i = 0; i < n; i++) {
            if (v[i] > 0.0) store_count(&h->pos, fine_key(v[i]));
            else if (v[i] < 0.0) store_count(&h->neg, fine_key(-v[i]));
            else h->zeros++;
        }
    }
    h->n += n;
    note_range(h, lo, hi);
    return TY_OK;
}

/* Makes into able to hold from's buckets (re-bucketing into only, counting nothing). */
static TyStatus store_prepare(TyHistStore *into, const TyHistStore *from, TyError *err)
{
    if (from->total == 0) return TY_OK;
    if (into->len == 0 && into->level < from->level) into->level = from->level;
    if (into->level < from->level) {
        /* into must be at least as coarse as from: go up first, then make room. */
        uint32_t a = into->base >> (from->level - into->level);
        uint32_t b = (uint32_t)(into->base + into->len - 1) >> (from->level - into->level);
        TyStatus st = store_rebuild(into, from->level, a, (size_t)(b - a) + 1, err);
        if (st) return st;
    }
    return store_ensure(into, from->fmin, from->fmax, err);
}

static void store_add_counts(TyHistStore *into, const TyHistStore *from)
{
    unsigned up = into->level - from->level;
    for (size_t i = 0; i < from->len; i++)
        if (from->counts[i])
            into->counts[(((uint32_t)(from->base + i)) >> up) - into->base] += from->counts[i];
    into->total += from->total;
}

TyStatus hist_merge(TyHist *into, const TyHist *from, TyError *err)
{
    if (from->n == 0) return TY_OK;
    TyStatus st = store_prepare(&into->pos, &from->pos, err);
    if (!st) st = store_prepare(&into->neg, &from->neg, err);
    if (st) return st;
    if (from->pos.total) store_add_counts(&into->pos, &from->pos);
    if (from->neg.total) store_add_counts(&into->neg, &from->neg);
    into->zeros += from->zeros;
    into->n += from->n;
    note_range(into, from->min, from->max);
    return TY_OK;
}

/* ---- reading quantiles ---- */

/* The midpoint of a bucket of magnitudes: halfway between its smallest and largest double. */
static double bucket_mid(const TyHistStore *s, size_t i)
{
    uint64_t key = (uint64_t)(s->base + i);
    unsigned shift = KEY_SHIFT + s->level;
    double lo = double_of(key << shift);
    double hi = double_of(((key + 1) << shift) - 1);
    return lo + (hi - lo) / 2.0;
}

/* The value of rank r (0-based, ascending): negatives from the largest magnitude down, then
 * zeros, then positives up. */
static double value_at(const TyHist *h, uint64_t r)
{
    const TyHistStore *s = &h->neg;
    if (r < s->total) {
        for (size_t i = s->len; i-- > 0;) {
            if (r < s->counts[i]) return -bucket_mid(s, i);
            r -= s->counts[i];
        }
    }
    r -= s->total;
    if (r < h->zeros) return 0.0;
    r -= h->zeros;
    s = &h->pos;
    for (size_t i = 0; i < s->len; i++) {
        if (r < s->counts[i]) return bucket_mid(s, i);
        r -= s->counts[i];
    }
    return h->max;   /* not reached when the counts add up */
}

static double clamp_to(const TyHist *h, double x)
{
    return x < h->min ? h->min : x > h->max ? h->max : x;
}

double hist_quantile(const TyHist *h, double p)
{
    if (h->n == 0) return NAN;
    if (p <= 0.0) return h->min;
    if (p >= 1.0) return h->max;
    double pos = p * (double)(h->n - 1);
    uint64_t j = (uint64_t)floor(pos);
    double g = pos - (double)j;
    double a = j == 0 ? h->min : clamp_to(h, value_at(h, j));
    if (g == 0.0) return a;
    double b = j + 1 >= h->n - 1 ? h->max : clamp_to(h, value_at(h, j + 1));
    return a + g * (b - a);
}

double hist_rel_error(const TyHist *h)
{
    unsigned level = 0;
    int any = 0;
    if (h->pos.total) { any = 1; level = h->pos.level; }
    if (h->neg.total) { any = 1; if (h->neg.level > level) level = h->neg.level; }
    if (!any) return 0.0;
    return ldexp(1.0, -(TY_HIST_BITS + 1) + (int)level);
}
