/* mc_stats.c — moments merged in a fixed order, exact quantiles by selection (mc_stats.h). */
#include "mc_stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void mc_chunk_moments_reset(McChunkMoments *c)
{
    c->shift = c->s1 = c->s2 = 0.0;
    c->min = INFINITY;
    c->max = -INFINITY;
    c->n = 0;
}

/* Two lanes of a vector (GCC's vector extension: SSE2 on x86-64, plain scalar code where there
 * is no such unit): each lane is one chain of scalar IEEE additions and multiplications, so the
 * results are the same bits whatever the machine. */
typedef double McPair __attribute__((vector_size(2 * sizeof(double))));

static McPair pair_load(const double *p)
{
    McPair v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Four interleaved sums: independent chains in an order fixed by the block, so the result is
 * the same on every run and the adds overlap instead of waiting on each other. Chains 0 and 1
 * are the lanes of one vector, 2 and 3 of another: element i goes to chain i % 4 as ever. */
void mc_chunk_moments_add(McChunkMoments *c, const double *v, size_t n, double lo, double hi)
{
    if (n == 0) return;
    if (c->n == 0) c->shift = v[0];
    double k = c->shift;
    if (lo == hi) {
        /* A block that does not vary (a trend-only indicator, a fixed share): n equal terms. */
        double d = lo - k;
        c->s1 += (double)n * d;
        c->s2 += (double)n * (d * d);
        if (lo < c->min) c->min = lo;
        if (hi > c->max) c->max = hi;
        c->n += n;
        return;
    }
    McPair kk = { k, k }, a01 = { 0, 0 }, a23 = { 0, 0 }, b01 = { 0, 0 }, b23 = { 0, 0 };
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        McPair d01 = pair_load(v + i) - kk, d23 = pair_load(v + i + 2) - kk;
        a01 += d01;
        a23 += d23;
        b01 += d01 * d01;
        b23 += d23 * d23;
    }
    double a0 = a01[0], a1 = a01[1], a2 = a23[0], a3 = a23[1];
    double b0 = b01[0], b1 = b01[1], b2 = b23[0], b3 = b23[1];
    for (; i < n; i++) {
        double d = v[i] - k;
        a0 += d;
        b0 += d * d;
    }
    c->s1 += (a0 + a1) + (a2 + a3);
    c->s2 += (b0 + b1) + (b2 + b3);
    if (lo < c->min) c->min = lo;
    if (hi > c->max) c->max = hi;
    c->n += n;
}

/* Two series at once, neither a block that does not vary (lo != hi for each, NaN included):
 * for each, the very operations of mc_chunk_moments_add in the same order; done together, one
 * series' additions run while the other's wait on theirs (each chain is a sequence of
 * dependent adds, which is what bounds the time of one series alone). */
void mc_chunk_moments_add2(McChunkMoments *c, const double *v, double vlo, double vhi,
                           McChunkMoments *d, const double *u, double ulo, double uhi, size_t n)
{
    if (n == 0) return;
    if (c->n == 0) c->shift = v[0];
    if (d->n == 0) d->shift = u[0];
    double k = c->shift, h = d->shift;
    McPair kk = { k, k }, a01 = { 0, 0 }, a23 = { 0, 0 }, b01 = { 0, 0 }, b23 = { 0, 0 };
    McPair hh = { h, h }, e01 = { 0, 0 }, e23 = { 0, 0 }, f01 = { 0, 0 }, f23 = { 0, 0 };
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        McPair d01 = pair_load(v + i) - kk, d23 = pair_load(v + i + 2) - kk;
        McPair g01 = pair_load(u + i) - hh, g23 = pair_load(u + i + 2) - hh;
        a01 += d01;
        a23 += d23;
        b01 += d01 * d01;
        b23 += d23 * d23;
        e01 += g01;
        e23 += g23;
        f01 += g01 * g01;
        f23 += g23 * g23;
    }
    double a0 = a01[0], a1 = a01[1], a2 = a23[0], a3 = a23[1];
    double b0 = b01[0], b1 = b01[1], b2 = b23[0], b3 = b23[1];
    double e0 = e01[0], e1 = e01[1], e2 = e23[0], e3 = e23[1];
    double f0 = f01[0], f1 = f01[1], f2 = f23[0], f3 = f23[1];
    for (; i < n; i++) {
        double dv = v[i] - k, du = u[i] - h;
        a0 += dv;
        b0 += dv * dv;
        e0 += du;
        f0 += du * du;
    }
    c->s1 += (a0 + a1) + (a2 + a3);
    c->s2 += (b0 + b1) + (b2 + b3);
    if (vlo < c->min) c->min = vlo;
    if (vhi > c->max) c->max = vhi;
    c->n += n;
    d->s1 += (e0 + e1) + (e2 + e3);
    d->s2 += (f0 + f1) + (f2 + f3);
    if (ulo < d->min) d->min = ulo;
    if (uhi > d->max) d->max = uhi;
    d->n += n;
}

/* Four series at once, as mc_chunk_moments_add2: each series' four chains are the four lanes of
 * one vector (lane j: element i with i % 4 = j, as ever), four series' chains interleaved. Built
 * for AVX2 (a vector is one register) and the baseline (two), chosen by the CPU. */
typedef double McQuad __attribute__((vector_size(4 * sizeof(double))));

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx2", "default")))
#endif
void mc_chunk_moments_add4(McChunkMoments *const *c, const double *const *v, const double *lo,
                           const double *hi, size_t n)
{
    if (n == 0) return;
    McQuad kk[4], a[4], b[4];
    for (int s = 0; s < 4; s++) {
        if (c[s]->n == 0) c[s]->shift = v[s][0];
        double k = c[s]->shift;
        kk[s] = (McQuad){ k, k, k, k };
        a[s] = (McQuad){ 0, 0, 0, 0 };
        b[s] = (McQuad){ 0, 0, 0, 0 };
    }
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        McQuad x0, x1, x2, x3;                /* loaded by memcpy: no vector-returning call */
        memcpy(&x0, v[0] + i, sizeof x0);
        memcpy(&x1, v[1] + i, sizeof x1);
        memcpy(&x2, v[2] + i, sizeof x2);
        memcpy(&x3, v[3] + i, sizeof x3);
        McQuad d0 = x0 - kk[0], d1 = x1 - kk[1], d2 = x2 - kk[2], d3 = x3 - kk[3];
        a[0] += d0;
        a[1] += d1;
        a[2] += d2;
        a[3] += d3;
        b[0] += d0 * d0;
        b[1] += d1 * d1;
        b[2] += d2 * d2;
        b[3] += d3 * d3;
    }
    for (int s = 0; s < 4; s++) {
        double k = c[s]->shift;
        double a0 = a[s][0], a1 = a[s][1], a2 = a[s][2], a3 = a[s][3];
        double b0 = b[s][0], b1 = b[s][1], b2 = b[s][2], b3 = b[s][3];
        for (size_t t = i; t < n; t++) {
            double d = v[s][t] - k;
            a0 += d;
            b0 += d * d;
        }
        c[s]->s1 += (a0 + a1) + (a2 + a3);
        c[s]->s2 += (b0 + b1) + (b2 + b3);
        if (lo[s] < c[s]->min) c[s]->min = lo[s];
        if (hi[s] > c[s]->max) c[s]->max = hi[s];
        c[s]->n += n;
    }
}

/* Four chains each for the minimum and the maximum: a single chain waits on every compare,
 * which made this twice as slow as the sums. */
void mc_block_range(const double *v, size_t n, double *lo, double *hi)
{
    double l0 = v[0], l1 = l0, l2 = l0, l3 = l0, h0 = l0, h1 = l0, h2 = l0, h3 = l0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        l0 = v[i] < l0 ? v[i] : l0;
        l1 = v[i + 1] < l1 ? v[i + 1] : l1;
        l2 = v[i + 2] < l2 ? v[i + 2] : l2;
        l3 = v[i + 3] < l3 ? v[i + 3] : l3;
        h0 = v[i] > h0 ? v[i] : h0;
        h1 = v[i + 1] > h1 ? v[i + 1] : h1;
        h2 = v[i + 2] > h2 ? v[i + 2] : h2;
        h3 = v[i + 3] > h3 ? v[i + 3] : h3;
    }
    for (; i < n; i++) {
        l0 = v[i] < l0 ? v[i] : l0;
        h0 = v[i] > h0 ? v[i] : h0;
    }
    l0 = l0 < l1 ? l0 : l1;
    l2 = l2 < l3 ? l2 : l3;
    h0 = h0 > h1 ? h0 : h1;
    h2 = h2 > h3 ? h2 : h3;
    *lo = l0 < l2 ? l0 : l2;
    *hi = h0 > h2 ? h0 : h2;
}

void mc_moments_reset(McMoments *m)
{
    m->n = 0;
    m->mean = m->m2 = 0.0;
    m->min = INFINITY;
    m->max = -INFINITY;
}

void mc_moments_merge(McMoments *m, const McChunkMoments *c)
{
    if (c->n == 0) return;
    double nc = (double)c->n;
    double mean_c = c->shift + c->s1 / nc;
    double m2_c = c->s2 - c->s1 * c->s1 / nc;
    if (m2_c < 0.0) m2_c = 0.0;              /* rounding on a constant series */
    if (m->n == 0) {
        m->mean = mean_c;
        m->m2 = m2_c;
    } else {
        double na = (double)m->n, n = na + nc;
        double delta = mean_c - m->mean;
        m->mean += delta * (nc / n);
        m->m2 += m2_c + delta * delta * (na * nc / n);
    }
    m->n += c->n;
    if (c->min < m->min) m->min = c->min;
    if (c->max > m->max) m->max = c->max;
}

double mc_moments_sd(const McMoments *m)
{
    if (m->n < 2) return 0.0;
    return sqrt(m->m2 / (double)(m->n - 1));
}

/* ---- exact quantiles ---- */

static void swap(double *v, size_t i, size_t j)
{
    double t = v[i];
    v[i] = v[j];
    v[j] = t;
}

static double median3(double a, double b, double c)
{
    if (a < b) return b < c ? b : (a < c ? c : a);
    return a < c ? a : (b < c ? c : b);
}

/* Puts the k-th smallest of v[lo .. hi-1] at v[k], smaller ones before it, larger after.
 * Three-way partitions, so runs of equal values (a series that does not vary) take one pass. */
static void select_kth(double *v, size_t lo, size_t hi, size_t k)
{
    while (hi - lo > 1) {
        double p = median3(v[lo], v[lo + (hi - lo) / 2], v[hi - 1]);
        size_t lt = lo, i = lo, gt = hi;     /* [lo,lt) < p, [lt,i) == p, [gt,hi) > p */
        while (i < gt) {
            if (v[i] < p) swap(v, lt++, i++);
            else if (v[i] > p) swap(v, i, --gt);
            else i++;
        }
        if (k < lt) hi = lt;
        else if (k >= gt) lo = gt;
        else return;
    }
}

static double rank_pos(double p, size_t n) { return p * (double)(n - 1); }

/* The value of rank j among the distinct ranks found. */
static double order_stat(const size_t *ranks, size_t nu, const double *val, size_t j)
{
    for (size_t i = 0; i < nu; i++)
        if (ranks[i] == j) return val[i];
    return NAN;   /* not reached: every rank a quantile reads was found */
}

/* A double's bits as an unsigned key in the same order as the values (finite values; -0 and +0
 * share the key of +0, as they compare equal: x + 0.0 turns -0 into +0 and keeps every other
 * value's bits). Branch-free, so the passes over a series vectorise. */
static inline uint64_t order_key(double x)
{
    x += 0.0;
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u ^ ((uint64_t)((int64_t)u >> 63) | ((uint64_t)1 << 63));
}

enum { BUCKET_BITS = 11, NBUCKETS = 1 << BUCKET_BITS, BUCKET_MIN_N = 512, KEY_BLOCK = 256 };

/* out[i] = the bucket of v[i]: (order key - kmin) >> shift, below NBUCKETS for v in [lo, hi].
 * Pure arithmetic in blocks of a fixed length, so GCC vectorises it (built for AVX-512, AVX2
 * and the baseline, chosen by the CPU); the counting and gathering then read 2 bytes a value. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
static void bucket_indices(const double *restrict v, size_t n, uint64_t kmin, int shift,
                           uint16_t *restrict out)
{
    size_t i = 0;
    for (; i + KEY_BLOCK <= n; i += KEY_BLOCK)
        for (size_t j = 0; j < KEY_BLOCK; j++) out[i + j] = (uint16_t)((order_key(v[i + j]) - kmin) >> shift);
    for (; i < n; i++) out[i] = (uint16_t)((order_key(v[i]) - kmin) >> shift);
}

/* The order statistics v[ranks[0..nr-1]] (ascending, distinct) into val[], by one histogram of
 * the values' order keys (NBUCKETS buckets over [lo, hi], the series' known extremes): only the
 * buckets holding a wanted rank are gathered and selected in. The values found are the order
 * statistics themselves, so the result is what selection on the whole array gives, in two passes
 * over v instead of one partitioning per rank. 0 when the scratch cannot be allocated (the
 * caller selects). */
static int bucket_order_stats(const double *v, size_t n, double lo, double hi, const size_t *ranks,
                              size_t nr, double *val)
{
    uint64_t kmin = order_key(lo), kmax = order_key(hi);
    int shift = 0;
    while (((kmax - kmin) >> shift) >= NBUCKETS) shift++;
    uint16_t *bucket = malloc(n * sizeof *bucket);
    if (!bucket) return 0;
    bucket_indices(v, n, kmin, shift, bucket);
    uint32_t count[NBUCKETS];
    memset(count, 0, sizeof count);
    for (size_t i = 0; i < n; i++) count[bucket[i]]++;
    /* The bucket of each wanted rank and where the wanted buckets go in the scratch. */
    int32_t slot[NBUCKETS];              /* scratch offset of a wanted bucket, -1 otherwise */
    for (size_t b = 0; b < NBUCKETS; b++) slot[b] = -1;
    size_t bucket_of[2 * 64], first_of[2 * 64], total = 0;
    size_t b = 0, before = 0;            /* values in buckets < b */
    for (size_t r = 0; r < nr; r++) {
        while (before + count[b] <= ranks[r]) before += count[b++];
        bucket_of[r] = b;
        first_of[r] = before;
        if (slot[b] < 0) {
            slot[b] = (int32_t)total;
            total += count[b];
        }
    }
    double *scratch = malloc((total ? total : 1) * sizeof *scratch);
    if (!scratch) {
        free(bucket);
        return 0;
    }
    size_t fill[NBUCKETS];               /* next free place of each wanted bucket */
    for (size_t r = 0; r < nr; r++) fill[bucket_of[r]] = (size_t)slot[bucket_of[r]];
    /* Most values are in no wanted bucket: eight at a time are passed over on one test (slot is
     * -1, all bits set, for an unwanted bucket, so the AND of eight is negative when none is). */
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const uint16_t *k = bucket + i;
        if ((slot[k[0]] & slot[k[1]] & slot[k[2]] & slot[k[3]] & slot[k[4]] & slot[k[5]] & slot[k[6]]
             & slot[k[7]]) < 0)
            continue;
        for (size_t j = 0; j < 8; j++)
            if (slot[k[j]] >= 0) scratch[fill[k[j]]++] = v[i + j];
    }
    for (; i < n; i++)
        if (slot[bucket[i]] >= 0) scratch[fill[bucket[i]]++] = v[i];
    free(bucket);
    /* Within each wanted bucket, the ranks it holds in ascending order. */
    size_t from = SIZE_MAX, done_bucket = SIZE_MAX;
    for (size_t r = 0; r < nr; r++) {
        size_t bk = bucket_of[r], first = (size_t)slot[bk], end = first + count[bk];
        if (bk != done_bucket) {
            from = first;
            done_bucket = bk;
        }
        size_t at = first + (ranks[r] - first_of[r]);
        select_kth(scratch, from, end, at);
        val[r] = scratch[at];
        from = at + 1;
    }
    free(scratch);
    return 1;
}

void mc_exact_quantiles(double *v, size_t n, const double *probs, size_t nprobs, double *out)
{
    double lo, hi;
    mc_block_range(v, n, &lo, &hi);
    mc_exact_quantiles_in(v, n, lo, hi, probs, nprobs, out);
}

void mc_exact_quantiles_in(double *v, size_t n, double lo, double hi, const double *probs, size_t nprobs,
                           double *out)
{
    /* Every rank any quantile needs, ascending: select each on what is right of the last. */
    size_t ranks[2 * 64] = {0};
    size_t nr = 0;
    for (size_t q = 0; q < nprobs && nr + 2 <= sizeof ranks / sizeof ranks[0]; q++) {
        double pos = rank_pos(probs[q], n);
        size_t j = (size_t)floor(pos);
        ranks[nr++] = j;
        if (j + 1 < n) ranks[nr++] = j + 1;
    }
    for (size_t i = 1; i < nr; i++)
        for (size_t j = i; j > 0 && ranks[j - 1] > ranks[j]; j--) {
            size_t t = ranks[j];
            ranks[j] = ranks[j - 1];
            ranks[j - 1] = t;
        }
    size_t nu = 0;                       /* distinct ranks, ascending */
    for (size_t i = 0; i < nr; i++)
        if (nu == 0 || ranks[i] != ranks[nu - 1]) ranks[nu++] = ranks[i];
    double val[2 * 64];
    if (n < BUCKET_MIN_N || !bucket_order_stats(v, n, lo, hi, ranks, nu, val)) {
        size_t from = 0;
        for (size_t i = 0; i < nu; i++) {
            select_kth(v, from, n, ranks[i]);
            from = ranks[i] + 1;
            val[i] = v[ranks[i]];
        }
    }
    for (size_t q = 0; q < nprobs; q++) {
        double pos = rank_pos(probs[q], n);
        size_t j = (size_t)floor(pos);
        double g = pos - (double)j;
        double xj = order_stat(ranks, nu, val, j);
        out[q] = (g == 0.0 || j + 1 >= n) ? xj : xj + g * (order_stat(ranks, nu, val, j + 1) - xj);
    }
}
