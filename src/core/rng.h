/* rng.h — the random numbers of Monte Carlo runs: counter-based, so any sample's numbers can
 * be computed on their own, in any order, by any thread, with the same result.
 *
 * The generator is Philox4x32-10 (Salmon, Moraes, Dror & Shaw, "Parallel random numbers: as
 * easy as 1, 2, 3", SC11), which passes TestU01's BigCrush. A draw is a pure function of
 * (seed, stream, sample): the stream names what is being drawn (one per uncertain parameter,
 * from the parameter's name), the sample is its index in the run. So adding or reordering
 * uncertain parameters leaves every other parameter's draws as they were, two scenarios run
 * with the same seed see the same draws (paired comparisons), and the integers and uniform
 * doubles here are bit-identical on every machine: only integer arithmetic and exact
 * conversions are used.
 *
 * Latin hypercube sampling needs a random permutation of the n samples per stream; rng_permute
 * gives one without storing it (a keyed Feistel network with cycle walking), so memory stays
 * independent of n and chunks of samples can be drawn in any order. */
#ifndef TY_RNG_H
#define TY_RNG_H

#include <stdint.h>
#include <stddef.h>

/* Philox4x32-10 of one counter under one key (the published reference function). */
void rng_philox4x32(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]);

/* A stream id for a name (64-bit FNV-1a): stable across runs, machines and versions. */
uint64_t rng_stream_id(const char *name);

/* The uniform double of (seed, stream, sample), in the open interval (0, 1): (k + 0.5) / 2^52
 * for 52 random bits k, exact, never 0 or 1, so inverse CDFs stay finite. Samples 2j and 2j + 1
 * share one Philox block (counter j, each taking 64 of its 128 bits). */
double rng_uniform(uint64_t seed, uint64_t stream, uint64_t sample);
/* out[k] = rng_uniform(seed, stream, first + k) for k < count, two samples per block. */
void rng_uniforms(uint64_t seed, uint64_t stream, uint64_t first, size_t count, double *out);

/* A pseudo-random permutation of [0, n) keyed by (seed, stream): rng_permute(i) for i < n
 * takes every value in [0, n) exactly once. n >= 1. */
typedef struct TyPermutation {
    uint64_t n;
    unsigned half_bits;     /* the Feistel network works on 2 * half_bits bits >= log2(n) */
    uint32_t keys[8];       /* round keys */
} TyPermutation;

void rng_permutation_init(TyPermutation *p, uint64_t n, uint64_t seed, uint64_t stream);
uint64_t rng_permute(const TyPermutation *p, uint64_t i);

#endif
