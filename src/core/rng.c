/* rng.c — Philox4x32-10, stream ids, uniforms and keyed permutations (see rng.h). */
#include "rng.h"

#include <string.h>

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

/* ctr[1] of the counters that derive permutation keys: block counters (sample / 2) never
 * reach 2^63, so these counters never collide with a draw's. */
#define KEY_DOMAIN 0xFFFFFFFFu

void rng_philox4x32(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4])
{
    uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3];
    uint32_t k0 = key[0], k1 = key[1];
    for (int r = 0; r < 10; r++) {
        if (r > 0) { k0 += PHILOX_W0; k1 += PHILOX_W1; }
        uint64_t p0 = (uint64_t)PHILOX_M0 * c0;
        uint64_t p1 = (uint64_t)PHILOX_M1 * c2;
        uint32_t hi0 = (uint32_t)(p0 >> 32), lo0 = (uint32_t)p0;
        uint32_t hi1 = (uint32_t)(p1 >> 32), lo1 = (uint32_t)p1;
        c0 = hi1 ^ c1 ^ k0;
        c1 = lo1;
        c2 = hi0 ^ c3 ^ k1;
        c3 = lo0;
    }
    out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

uint64_t rng_stream_id(const char *name)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        h ^= *p;
        h *= 0x100000001b3ull;
    }
    return h;
}

/* (k + 0.5) / 2^52 for the top 52 bits k of x: k + 0.5 fits a double's 53-bit significand. */
static double to_unit(uint64_t x)
{
    return ((double)(x >> 12) + 0.5) * 0x1p-52;
}

/* The Philox block of counter j of a stream: samples 2j (first 64 bits) and 2j + 1. */
static void block_of(uint64_t seed, uint64_t stream, uint64_t j, uint32_t out[4])
{
    uint32_t ctr[4] = { (uint32_t)j, (uint32_t)(j >> 32), (uint32_t)stream, (uint32_t)(stream >> 32) };
    uint32_t key[2] = { (uint32_t)seed, (uint32_t)(seed >> 32) };
    rng_philox4x32(ctr, key, out);
}

double rng_uniform(uint64_t seed, uint64_t stream, uint64_t sample)
{
    uint32_t out[4];
    block_of(seed, stream, sample >> 1, out);
    const uint32_t *w = out + 2 * (sample & 1);
    return to_unit(((uint64_t)w[0] << 32) | w[1]);
}

/* RNG_BATCH blocks (counters j0, j0 + 1, ...) at once, as structure of arrays: the rounds of
 * rng_philox4x32 on every block in turn, so the compiler vectorises them (32 x 32 -> 64-bit
 * multiplies), built for AVX-512, AVX2 and the baseline and chosen by the CPU (integers only:
 * the same bits on all three). The uniforms as to_unit makes them: x >> 12 < 2^52 OR-ed into
 * the bits of 2^52 is 2^52 + (x >> 12) exactly, so subtracting 2^52 gives (double)(x >> 12). */
#define RNG_BATCH 128

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
static void uniforms_batch(uint64_t seed, uint64_t stream, uint64_t j0, double *out)
{
    uint32_t c0[RNG_BATCH], c1[RNG_BATCH], c2[RNG_BATCH], c3[RNG_BATCH];
    uint32_t k0 = (uint32_t)seed, k1 = (uint32_t)(seed >> 32);
    for (size_t i = 0; i < RNG_BATCH; i++) {
        c0[i] = (uint32_t)(j0 + i);
        c1[i] = (uint32_t)((j0 + i) >> 32);
        c2[i] = (uint32_t)stream;
        c3[i] = (uint32_t)(stream >> 32);
    }
    for (int r = 0; r < 10; r++) {
        if (r > 0) { k0 += PHILOX_W0; k1 += PHILOX_W1; }
        for (size_t i = 0; i < RNG_BATCH; i++) {
            uint64_t p0 = (uint64_t)PHILOX_M0 * c0[i];
            uint64_t p1 = (uint64_t)PHILOX_M1 * c2[i];
            uint32_t hi0 = (uint32_t)(p0 >> 32), lo0 = (uint32_t)p0;
            uint32_t hi1 = (uint32_t)(p1 >> 32), lo1 = (uint32_t)p1;
            c0[i] = hi1 ^ c1[i] ^ k0;
            c1[i] = lo1;
            c2[i] = hi0 ^ c3[i] ^ k1;
            c3[i] = lo0;
        }
    }
    for (size_t i = 0; i < RNG_BATCH; i++) {
        uint64_t x0 = ((uint64_t)c0[i] << 32) | c1[i], x1 = ((uint64_t)c2[i] << 32) | c3[i];
        double u0, u1;
        uint64_t b0 = 0x4330000000000000ULL | (x0 >> 12), b1 = 0x4330000000000000ULL | (x1 >> 12);
        memcpy(&u0, &b0, sizeof u0);
        memcpy(&u1, &b1, sizeof u1);
        out[2 * i] = ((u0 - 0x1p52) + 0.5) * 0x1p-52;
        out[2 * i + 1] = ((u1 - 0x1p52) + 0.5) * 0x1p-52;
    }
}

void rng_uniforms(uint64_t seed, uint64_t stream, uint64_t first, size_t count, double *out)
{
    size_t k = 0;
    double batch[2 * RNG_BATCH];
    if (count > 0 && (first & 1)) out[k++] = rng_uniform(seed, stream, first);
    while (k + 2 <= count) {
        size_t pairs = (count - k) / 2 < RNG_BATCH ? (count - k) / 2 : RNG_BATCH;
        uniforms_batch(seed, stream, (first + k) >> 1, batch);
        memcpy(out + k, batch, 2 * pairs * sizeof(double));
        k += 2 * pairs;
    }
    if (k < count) out[k] = rng_uniform(seed, stream, first + k);
}

/* MurmurHash3's 32-bit finaliser: a bijective mix, the Feistel round function. */
static uint32_t fmix32(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

void rng_permutation_init(TyPermutation *p, uint64_t n, uint64_t seed, uint64_t stream)
{
    p->n = n;
    unsigned bits = 2;
    while (bits < 64 && ((uint64_t)1 << bits) < n) bits += 2;
    p->half_bits = bits / 2;
    uint32_t key[2] = { (uint32_t)seed, (uint32_t)(seed >> 32) };
    for (uint32_t k = 0; k < 2; k++) {
        uint32_t ctr[4] = { k, KEY_DOMAIN, (uint32_t)stream, (uint32_t)(stream >> 32) };
        rng_philox4x32(ctr, key, p->keys + 4 * k);
    }
}

/* Six Feistel rounds on the 2 * half_bits bits of x: a bijection of [0, 2^(2 h)). */
static uint64_t feistel(const TyPermutation *p, uint64_t x)
{
    unsigned h = p->half_bits;
    uint64_t mask = h >= 32 ? 0xFFFFFFFFull : (((uint64_t)1 << h) - 1);
    uint64_t l = (x >> h) & mask, r = x & mask;
    for (int round = 0; round < 6; round++) {
        uint64_t f = fmix32((uint32_t)r ^ p->keys[round]) & mask;
        uint64_t t = l ^ f;
        l = r;
        r = t;
    }
    return (l << h) | r;
}

/* Cycle walking: apply the network until the value falls in [0, n). The domain is less than
 * 4n, so this takes fewer than four steps on average, and it ends because x's cycle passes
 * through x itself. */
uint64_t rng_permute(const TyPermutation *p, uint64_t i)
{
    uint64_t y = feistel(p, i);
    while (y >= p->n) y = feistel(p, y);
    return y;
}
