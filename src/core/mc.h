/* mc.h — Monte Carlo runs of a compiled model (DOMAIN.md §5): uncertain parameters drawn from
 * their distributions, the model evaluated for every sample, and per tracked element and year
 * the mean, standard deviation, extremes and quantiles, and how many samples meet each target.
 *
 * Samples are taken in chunks of TY_MC_CHUNK: a chunk's draws are made, the model runs over
 * them (eval.h, blocks of TY_EVAL_BLOCK, no Lua), and each tracked value is folded into
 * streaming summaries as it is delivered. Memory is the chunk's draws and the summaries, never
 * samples × elements × years:
 *   - moments: per chunk a shifted sum and sum of squares, merged into the run's mean and
 *     variance in chunk order (Chan, Golub & LeVeque's pairwise update);
 *   - targets: a count of the samples that meet each one (exact);
 *   - quantiles: exact (the values kept and selected) while tracked series × samples stays
 *     within the budget (TY_MC_EXACT_BUDGET values, 64 MB, by default); beyond it, a
 *     log-linear histogram per series (hist.h), within 2^-13 ≈ 0.012 % relative.
 *
 * Threads: with nthreads > 1, chunks are shared among threads. Every chunk is drawn and run the
 * same way whichever thread takes it, moments are merged in chunk order, and counts are
 * integers, so results are bit-identical for any number of threads. Chunks run concurrently,
 * so the model's external functions must allow that (policy schedules do).
 *
 * Interruption and progress: every thread looks at the interrupt flag (interrupt.h) before it
 * claims a chunk and after each block of samples it summarises; once it is set the run stops
 * within a block, frees what it allocated and returns TY_EINTR ("interrupted"). The thread that
 * called mc_run reports progress between chunks through opt->progress, at most every
 * TY_MC_PROGRESS_SECONDS (CLOCK_MONOTONIC), and never changes the results.
 *
 * Randomness: each uncertain parameter draws from its own stream (rng_stream_id of its name)
 * under the run's seed, sample i from counter i (rng.h); with lhs the run is a Latin
 * hypercube over all nsamples. The same seed gives the same draws to every scenario. */
#ifndef TY_MC_H
#define TY_MC_H

#include <stddef.h>
#include <stdint.h>
#include "dist.h"
#include "error.h"
#include "eval.h"
#include "model.h"

#define TY_MC_CHUNK 8192                    /* samples per chunk (a multiple of TY_EVAL_BLOCK) */
#define TY_MC_EXACT_BUDGET ((size_t)1 << 23) /* values kept for exact quantiles by default */
#define TY_MC_MAX_PROBS 64
#define TY_MC_MAX_THREADS 256
#define TY_MC_PROGRESS_SECONDS 0.2          /* least time between two progress calls */

/* Progress of a run: samples finished (in whole chunks) of total, seconds since mc_run began.
 * Called on the thread that called mc_run, between chunks, never while holding the run's lock. */
typedef void (*TyMcProgressFn)(void *ctx, size_t done, size_t total, double elapsed);

typedef struct TyMcParam {
    const char *name;       /* a param or lever of the model */
    TyDist dist;            /* initialised with dist_init */
} TyMcParam;

typedef struct TyMcTarget {
    size_t track;           /* index into tracked */
    int year;               /* one of the summarised years */
    double value;
    int down;               /* 1: met when the value is <= target (lower is better); 0: >= */
} TyMcTarget;

typedef struct TyMcOptions {
    size_t nsamples;                    /* 1 .. UINT32_MAX */
    uint64_t seed;
    int lhs;                            /* Latin hypercube */
    int nthreads;                       /* <= 1: the calling thread only */
    const TyOverride *overrides;        /* the scenario, applied before the draws */
    size_t noverrides;
    const TyMcParam *params;            /* the uncertain parameters */
    size_t nparams;
    int draws_finite;                   /* draws: every value checked finite by their maker */
    const double *draws;                /* NULL, or values to use instead of drawing:
                                         * draws[p * nsamples + i], as mc_draw makes them */
    const int *tracked;                 /* distinct elements with values */
    size_t ntracked;
    const int *years;                   /* distinct model years to summarise; NULL: all */
    size_t nyears;
    const TyMcTarget *targets;
    size_t ntargets;
    const double *probs;                /* quantiles wanted, each in [0, 1]; none: keep no values */
    size_t nprobs;
    size_t exact_budget;                /* values; 0: TY_MC_EXACT_BUDGET */
    TyMcProgressFn progress;            /* NULL: none */
    void *progress_ctx;
    size_t range_begin, range_end;      /* run samples range_begin .. range_end - 1 only (a
                                         * shard of the run; range_end 0: all of them). The
                                         * begin is a multiple of TY_MC_CHUNK, the end too or
                                         * nsamples (later ends are nsamples): a shard's chunks
                                         * are then the whole run's chunks */
    int keep_state;                     /* 1: the result carries its mergeable state */
} TyMcOptions;

/* The mergeable state of a run of a range of samples (opaque): per chunk and series the chunk's
 * moments, unmerged; the target counts; the kept values (exact quantiles) or the histograms.
 * States of ranges that tile 0 .. nsamples merge (mc_merge) into the result one run of all the
 * samples gives, bit for bit: the chunks' moments are merged in chunk order as mc_run merges
 * them, the kept values go back in sample order, histograms and counts are order-free. */
typedef struct TyMcState TyMcState;

/* One tracked element in one year. */
typedef struct TyMcSeries {
    int elem, year;
    double mean, sd;                    /* sd with n - 1 in the denominator; 0 when n = 1 */
    double min, max;                    /* NaN when no quantiles were asked for */
    double *q;                          /* nprobs quantiles, in the order asked */
} TyMcSeries;

typedef struct TyMcResult {
    size_t nsamples;
    size_t nseries;                     /* ntracked × nyears, by tracked element then year */
    TyMcSeries *series;
    size_t nprobs;
    double *qvalues;                    /* backing store of every series' q */
    size_t ntargets;
    uint64_t *met;                      /* samples meeting each target */
    int exact;                          /* quantiles are exact (1) or from histograms (0) */
    double rel_error;                   /* bound on the quantiles' relative error; 0 if exact */
    size_t chunks;                      /* chunks run (for tests and benchmarks) */
    TyMcState *state;                   /* with keep_state; freed by mc_result_free */
} TyMcResult;

/* TY_ESCRIPT for bad options (no samples, a year outside the model, an element tracked twice,
 * a target on a year not summarised, a parameter that names nothing); TY_ELIMIT for too many
 * samples; TY_EDATA when a sample gives a value that is not finite, naming the sample, its
 * uncertain parameters' values and where it appeared; TY_EINTR when the interrupt flag was set
 * (before or during the run; the flag is left set); TY_ENOMEM; or model_run's errors. */
TyStatus mc_run(const TyModel *m, const TyMcOptions *opt, TyMcResult *res, TyError *err);
void mc_result_free(TyMcResult *res);

/* A state as bytes (native byte order; decode refuses another) and back. decode checks every
 * size against the bytes it has: TY_EDATA for a truncated or inconsistent state. The buffer
 * encode makes is ty_malloc'd: the caller ty_frees it. */
TyStatus mc_state_encode(const TyMcState *st, unsigned char **buf, size_t *len, TyError *err);
TyStatus mc_state_decode(const unsigned char *buf, size_t len, TyMcState **out, TyError *err);
void mc_state_free(TyMcState *st);
/* The samples a state holds: begin .. end - 1 of nsamples. */
void mc_state_range(const TyMcState *st, size_t *begin, size_t *end, size_t *nsamples);

/* The result of the run opt describes (its range ignored: all nsamples samples) from the states
 * of runs of ranges of it, given in any order. TY_EDATA when a state belongs to another run (its
 * options' fingerprint differs), or the ranges leave a gap or overlap (naming the samples). */
TyStatus mc_merge(const TyModel *m, const TyMcOptions *opt, TyMcState *const *states, size_t nstates,
                  TyMcResult *res, TyError *err);

/* The values mc_run draws for samples offset .. offset + count - 1 of a run of nsamples:
 * out[p * stride + (i - offset)] for parameter p and sample i. */
void mc_draw(const TyMcParam *params, size_t nparams, size_t nsamples, uint64_t seed, int lhs,
             size_t offset, size_t count, double *out, size_t stride);

#endif
