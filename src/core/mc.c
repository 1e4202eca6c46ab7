/* mc.c — the Monte Carlo driver (see mc.h): chunks of samples drawn, run and summarised, by one
 * thread or several, with results that do not depend on how many.
 *
 * Ordering: a thread claims the next chunk under a lock and accumulates that chunk's moments
 * in a slot of a ring; when a chunk is done, every finished chunk from the oldest unmerged one
 * on is merged into the run's moments, in chunk order. A thread waits before claiming a chunk
 * whose slot is still in use, so the ring (and memory) stays small whatever the sample count.
 * Histograms and target counts are per thread (integers: merged in any order).
 *
 * Interruption: a thread looks at the interrupt flag before it claims a chunk and after every
 * block it summarises (on_year), so the whole run stops within one block of samples; the
 * threads it started block SIGINT, so the host's handler runs on the calling thread. */
#include "mc.h"

#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "hist.h"
#include "interrupt.h"
#include "mc_stats.h"

typedef struct Shared {
    const TyModel *m;
    const TyMcOptions *opt;
    size_t nyears;              /* summarised years */
    int *year_slot;             /* per model year: its index among the summarised, or -1 */
    int *track_of;              /* per element: its index in tracked, or -1 */
    size_t nseries, nchunks;
    uint64_t *streams;          /* per parameter */
    TyPermutation *perms;       /* per parameter, with lhs */
    size_t **series_targets;    /* per series: target indices, ending with SIZE_MAX */
    int exact;
    size_t begin, end;          /* the samples this run runs (a range of the whole run's) */
    size_t first_chunk;         /* the run's chunk that is chunk 0 here */
    size_t kept_stride;         /* end - begin: a series' place in kept */
    double *kept;               /* exact: nseries × kept_stride (kept_take) */
    size_t kept_len;
    McChunkMoments *saved;      /* keep_state: every chunk's moments, nchunks × nseries */
    /* chunk ordering */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t next_claim, next_merge, ring_size;
    McChunkMoments **ring;      /* ring_size slots × nseries */
    unsigned char *ring_done;
    McMoments *total;           /* nseries */
    int stop;
    int interrupted;            /* a thread saw the interrupt flag */
    size_t done;                /* samples of finished chunks */
    double t0, last_progress;   /* CLOCK_MONOTONIC seconds: the start, the last progress call */
    size_t fail_chunk;          /* the lowest chunk that failed, or SIZE_MAX */
    TyStatus fail_status;
    TyError fail_err;
} Shared;

typedef struct Worker {
    Shared *sh;
    pthread_t thread;
    int started;
    int caller;                 /* the thread that called mc_run: it reports progress */
    double *draws;              /* nparams × TY_MC_CHUNK */
    TyOverride *ov;             /* the scenario's overrides, then one per parameter */
    McChunkMoments *moments;    /* the claimed chunk's ring slot */
    TyHist *hists;              /* per series, histogram mode */
    uint64_t *met;              /* per target */
    size_t offset;              /* first sample of the claimed chunk (in the whole run) */
    int block_constant;         /* the block being summarised holds one value */
    TyError err;
} Worker;

void mc_draw(const TyMcParam *params, size_t nparams, size_t nsamples, uint64_t seed, int lhs,
             size_t offset, size_t count, double *out, size_t stride)
{
    for (size_t p = 0; p < nparams; p++) {
        uint64_t stream = rng_stream_id(params[p].name);
        TyPermutation perm;
        if (lhs) rng_permutation_init(&perm, nsamples, seed, stream);
        dist_draw(&params[p].dist, seed, stream, lhs ? &perm : NULL, offset, count,
                  out + p * stride);
    }
}

/* ---- one block of tracked values ---- */

static void count_targets(Worker *w, size_t s, const double *restrict v, size_t n)
{
    const TyMcOptions *opt = w->sh->opt;
    for (const size_t *t = w->sh->series_targets[s]; *t != SIZE_MAX; t++) {
        const TyMcTarget *tg = &opt->targets[*t];
        double target = tg->value;
        uint64_t c = 0;
        if (w->block_constant)
            c = (tg->down ? v[0] <= target : v[0] >= target) ? n : 0;
        else if (tg->down) for (size_t i = 0; i < n; i++) c += v[i] <= target;
        else for (size_t i = 0; i < n; i++) c += v[i] >= target;
        w->met[*t] += c;
    }
}

/* Every tracked series' block of a year: extremes (only when quantiles are asked for: moments
 * alone need none), moments four series at a time (mc_chunk_moments_add4, the same bits as one
 * at a time; two or one for what is left), target counts, and the values kept or put in
 * histograms. */
static TyStatus on_year(void *ctx, int year, const double *const *values, size_t offset,
                        size_t n, TyError *err)
{
    Worker *w = ctx;
    Shared *sh = w->sh;
    if (ty_interrupt_requested()) return ty_error_set(err, TY_EINTR, "interrupted");
    int yi = sh->year_slot[year - model_first_year(sh->m)];
    if (yi < 0) return TY_OK;
    size_t nt = sh->opt->ntracked;
    for (size_t k0 = 0; k0 < nt; k0 += 4) {
        size_t kn = nt - k0 < 4 ? nt - k0 : 4;
        double lo[4] = { NAN, NAN, NAN, NAN }, hi[4] = { NAN, NAN, NAN, NAN };
        size_t s[4];
        McChunkMoments *c[4];
        int varying = 0;
        for (size_t j = 0; j < kn; j++) {
            s[j] = (k0 + j) * sh->nyears + (size_t)yi;
            c[j] = &w->moments[s[j]];
            if (sh->opt->nprobs > 0) mc_block_range(values[k0 + j], n, &lo[j], &hi[j]);
            varying += lo[j] != hi[j];
        }
        if (kn == 4 && varying == 4)
            mc_chunk_moments_add4(c, values + k0, lo, hi, n);
        else if (kn >= 2 && lo[0] != hi[0] && lo[1] != hi[1]) {
            mc_chunk_moments_add2(c[0], values[k0], lo[0], hi[0], c[1], values[k0 + 1], lo[1], hi[1], n);
            for (size_t j = 2; j < kn; j++) mc_chunk_moments_add(c[j], values[k0 + j], n, lo[j], hi[j]);
        } else
            for (size_t j = 0; j < kn; j++) mc_chunk_moments_add(c[j], values[k0 + j], n, lo[j], hi[j]);
        for (size_t j = 0; j < kn; j++) {
            const double *v = values[k0 + j];
            w->block_constant = lo[j] == hi[j];
            count_targets(w, s[j], v, n);
            if (sh->exact) {
                memcpy(sh->kept + s[j] * sh->kept_stride + (w->offset - sh->begin) + offset, v,
                       n * sizeof *v);
            } else if (w->hists) {
                TyStatus st = hist_add_range(&w->hists[s[j]], v, n, lo[j], hi[j], err);
                if (st) return st;
            }
        }
    }
    return TY_OK;
}

/* ---- one chunk ---- */

/* Chunks are numbered from the run's first (sh->first_chunk of the whole run's). */
static size_t chunk_offset(const Shared *sh, size_t chunk)
{
    return (sh->first_chunk + chunk) * TY_MC_CHUNK;
}

static size_t chunk_samples(const Shared *sh, size_t chunk)
{
    size_t offset = chunk_offset(sh, chunk);
    return sh->end - offset < TY_MC_CHUNK ? sh->end - offset : TY_MC_CHUNK;
}

static TyStatus run_chunk(Worker *w, size_t chunk)
{
    Shared *sh = w->sh;
    const TyMcOptions *opt = sh->opt;
    size_t offset = chunk_offset(sh, chunk);
    size_t n = chunk_samples(sh, chunk);
    w->offset = offset;
    for (size_t p = 0; p < opt->nparams; p++) {
        const double *vals;
        if (opt->draws) {
            vals = opt->draws + p * opt->nsamples + offset;
        } else {
            double *out = w->draws + p * TY_MC_CHUNK;
            dist_draw(&opt->params[p].dist, opt->seed, sh->streams[p],
                      opt->lhs ? &sh->perms[p] : NULL, offset, n, out);
            vals = out;
        }
        w->ov[opt->noverrides + p].name = opt->params[p].name;
        w->ov[opt->noverrides + p].value = model_value_samples(vals, n);
        w->ov[opt->noverrides + p].value.finite = opt->draws && opt->draws_finite;
    }
    for (size_t s = 0; s < sh->nseries; s++) mc_chunk_moments_reset(&w->moments[s]);
    TyRunOptions ro;
    memset(&ro, 0, sizeof ro);
    ro.nsamples = n;
    ro.overrides = w->ov;
    ro.noverrides = opt->noverrides + opt->nparams;
    ro.tracked = opt->tracked;
    ro.ntracked = opt->ntracked;
    ro.on_year = on_year;
    ro.ctx = w;
    return model_run(sh->m, &ro, &w->err);
}

/* Merges every finished chunk from the oldest unmerged one on (under the lock). */
static void merge_ready(Shared *sh)
{
    while (sh->next_merge < sh->next_claim) {
        size_t slot = sh->next_merge % sh->ring_size;
        if (!sh->ring_done[slot]) break;
        if (sh->saved)
            memcpy(sh->saved + sh->next_merge * sh->nseries, sh->ring[slot], sh->nseries * sizeof *sh->saved);
        for (size_t s = 0; s < sh->nseries; s++) mc_moments_merge(&sh->total[s], &sh->ring[slot][s]);
        sh->ring_done[slot] = 0;
        sh->next_merge++;
    }
}

static double monotonic_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Under the lock, on the calling thread: a progress call when the last is old enough, made with
 * the lock released (the callback may write to a terminal). */
static void maybe_progress(Shared *sh)
{
    const TyMcOptions *opt = sh->opt;
    if (!opt->progress) return;
    double now = monotonic_seconds();
    if (now - sh->last_progress < TY_MC_PROGRESS_SECONDS) return;
    sh->last_progress = now;
    size_t done = sh->done;
    pthread_mutex_unlock(&sh->mu);
    opt->progress(opt->progress_ctx, done, sh->end - sh->begin, now - sh->t0);
    pthread_mutex_lock(&sh->mu);
}

static void *work(void *arg)
{
    Worker *w = arg;
    Shared *sh = w->sh;
    pthread_mutex_lock(&sh->mu);
    for (;;) {
        if (ty_interrupt_requested()) {
            sh->interrupted = 1;
            sh->stop = 1;
            pthread_cond_broadcast(&sh->cv);
        }
        if (sh->stop || sh->next_claim >= sh->nchunks) break;
        if (w->caller) maybe_progress(sh);
        if (sh->next_claim >= sh->next_merge + sh->ring_size) {
            pthread_cond_wait(&sh->cv, &sh->mu);
            continue;
        }
        size_t chunk = sh->next_claim++;
        size_t slot = chunk % sh->ring_size;
        w->moments = sh->ring[slot];
        pthread_mutex_unlock(&sh->mu);

        TyStatus st = run_chunk(w, chunk);

        pthread_mutex_lock(&sh->mu);
        if (st == TY_EINTR) {
            sh->interrupted = 1;
            sh->stop = 1;
        } else if (st) {
            /* Chunks below this one were all claimed already and will finish, so the
             * lowest failing chunk is the same whatever the threads. */
            if (chunk < sh->fail_chunk) {
                sh->fail_chunk = chunk;
                sh->fail_status = st;
                sh->fail_err = w->err;
            }
            sh->stop = 1;
        } else {
            sh->ring_done[slot] = 1;
            sh->done += chunk_samples(sh, chunk);
            merge_ready(sh);
        }
        pthread_cond_broadcast(&sh->cv);
    }
    pthread_mutex_unlock(&sh->mu);
    return NULL;
}

/* ---- errors: the first sample that fails, by itself ---- */

/* Re-runs the failed chunk's samples one at a time and reports the first that fails, with its
 * parameters' values: an analyst can then reproduce it with --set. */
static TyStatus explain_failure(Shared *sh, Worker *w, TyError *err)
{
    const TyMcOptions *opt = sh->opt;
    size_t offset = chunk_offset(sh, sh->fail_chunk);
    size_t n = chunk_samples(sh, sh->fail_chunk);
    for (size_t i = 0; i < n; i++) {
        for (size_t p = 0; p < opt->nparams; p++) {
            double x;
            if (opt->draws) x = opt->draws[p * opt->nsamples + offset + i];
            else dist_draw(&opt->params[p].dist, opt->seed, sh->streams[p],
                           opt->lhs ? &sh->perms[p] : NULL, offset + i, 1, &x);
            w->ov[opt->noverrides + p].name = opt->params[p].name;
            w->ov[opt->noverrides + p].value = model_value_scalar(x);
        }
        TyRunOptions ro;
        memset(&ro, 0, sizeof ro);
        ro.nsamples = 1;
        ro.overrides = w->ov;
        ro.noverrides = opt->noverrides + opt->nparams;
        TyError e;
        ty_error_clear(&e);
        TyStatus st = model_run(sh->m, &ro, &e);
        if (st == TY_OK) continue;
        *err = e;
        char msg[sizeof err->msg];
        int len = snprintf(msg, sizeof msg, "Monte Carlo sample %zu: %.700s", offset + i + 1, e.msg);
        /* The sample's parameters, as many as fit, so it can be reproduced with --set. */
        for (size_t p = 0; p < opt->nparams && len > 0; p++) {
            char item[200];
            int k = snprintf(item, sizeof item, "%s%.60s = %.17g", p == 0 ? " (with " : ", ",
                             opt->params[p].name, w->ov[opt->noverrides + p].value.scalar);
            if ((size_t)len + (size_t)k + 6 >= sizeof msg) {
                len += snprintf(msg + len, sizeof msg - (size_t)len, ", ...");
                break;
            }
            memcpy(msg + len, item, (size_t)k + 1);
            len += k;
        }
        if (opt->nparams > 0 && len > 0 && (size_t)len + 1 < sizeof msg) {
            msg[len++] = ')';
            msg[len] = '\0';
        }
        memcpy(err->msg, msg, sizeof msg);
        err->msg[sizeof err->msg - 1] = '\0';
        return st;
    }
    *err = sh->fail_err;
    return sh->fail_status;
}

/* ---- set-up ---- */

static TyStatus check_options(const TyModel *m, const TyMcOptions *opt, TyError *err)
{
    if (opt->nsamples == 0) return ty_error_set(err, TY_ESCRIPT, "a Monte Carlo run needs at least one sample");
    if (opt->nsamples > UINT32_MAX)
        return ty_error_set(err, TY_ELIMIT, "at most %u samples in one Monte Carlo run", UINT32_MAX);
    if ((opt->nparams && !opt->params) || (opt->ntracked && !opt->tracked)
        || (opt->nyears && !opt->years) || (opt->ntargets && !opt->targets)
        || (opt->nprobs && !opt->probs) || (opt->noverrides && !opt->overrides))
        return ty_error_set(err, TY_ESCRIPT, "Monte Carlo options: an array is missing");
    if (opt->nprobs > TY_MC_MAX_PROBS)
        return ty_error_set(err, TY_ESCRIPT, "at most %d quantiles", TY_MC_MAX_PROBS);
    if (opt->range_end != 0) {
        size_t b = opt->range_begin, e = opt->range_end < opt->nsamples ? opt->range_end : opt->nsamples;
        if (b >= e)
            return ty_error_set(err, TY_ESCRIPT, "samples %zu..%zu: no sample of the run's %zu in that range",
                                opt->range_begin, opt->range_end, opt->nsamples);
        if (b % TY_MC_CHUNK != 0 || (e % TY_MC_CHUNK != 0 && e != opt->nsamples))
            return ty_error_set(err, TY_ESCRIPT, "samples %zu..%zu: a range begins and ends at a multiple of "
                                "%d (a chunk of samples) or at the run's %zu samples", opt->range_begin,
                                opt->range_end, TY_MC_CHUNK, opt->nsamples);
    }
    for (size_t q = 0; q < opt->nprobs; q++)
        if (!(opt->probs[q] >= 0.0 && opt->probs[q] <= 1.0))
            return ty_error_set(err, TY_ESCRIPT, "quantile %g is not within [0, 1]", opt->probs[q]);
    for (size_t p = 0; p < opt->nparams; p++) {
        const char *name = opt->params[p].name;
        int e = name ? model_element_find(m, name) : -1;
        if (e < 0) return ty_error_set(err, TY_ESCRIPT, "no parameter or lever named '%.140s'", name ? name : "");
        TyElemKind k = model_element_kind(m, e);
        if (k != TY_ELEM_PARAM && k != TY_ELEM_LEVER)
            return ty_error_set(err, TY_ESCRIPT, "'%s' is not a parameter or lever: it cannot be uncertain", name);
        for (size_t q = 0; q < p; q++)
            if (strcmp(opt->params[q].name, name) == 0)
                return ty_error_set(err, TY_ESCRIPT, "'%s' has two distributions", name);
    }
    for (size_t y = 0; y < opt->nyears; y++) {
        if (opt->years[y] < model_first_year(m) || opt->years[y] > model_last_year(m))
            return ty_error_set(err, TY_ESCRIPT, "year %d is outside the model's %d..%d", opt->years[y],
                                model_first_year(m), model_last_year(m));
        for (size_t z = 0; z < y; z++)
            if (opt->years[z] == opt->years[y])
                return ty_error_set(err, TY_ESCRIPT, "year %d is summarised twice", opt->years[y]);
    }
    return TY_OK;
}

/* ---- the kept values' buffer, kept for the next run ----
 * A batch of counties runs thousands of exact runs of one size (18 MB each at 10,000 samples):
 * a buffer freed back to the kernel comes back as fresh pages, zeroed and faulted in one by one,
 * which cost more than the copying into them. One buffer, the largest lately freed, waits here. */
static pthread_mutex_t spare_mu = PTHREAD_MUTEX_INITIALIZER;
static double *spare;
static size_t spare_len;                /* values */

static double *kept_take(size_t len)
{
    double *p = NULL;
    pthread_mutex_lock(&spare_mu);
    if (spare && spare_len >= len) {
        p = spare;
        spare = NULL;
    }
    pthread_mutex_unlock(&spare_mu);
    return p ? p : ty_malloc(len * sizeof(double));
}

static void kept_give(double *p, size_t len)
{
    if (!p) return;
    pthread_mutex_lock(&spare_mu);
    if (!spare || spare_len < len) {
        double *old = spare;
        spare = p;
        spare_len = len;
        p = old;
    }
    pthread_mutex_unlock(&spare_mu);
    ty_free(p);
}

static void shared_free(Shared *sh)
{
    ty_free(sh->year_slot);
    ty_free(sh->track_of);
    ty_free(sh->streams);
    ty_free(sh->perms);
    if (sh->series_targets)
        for (size_t s = 0; s < sh->nseries; s++) ty_free(sh->series_targets[s]);
    ty_free(sh->series_targets);
    kept_give(sh->kept, sh->kept_len);
    ty_free(sh->saved);
    if (sh->ring)
        for (size_t i = 0; i < sh->ring_size; i++) ty_free(sh->ring[i]);
    ty_free(sh->ring);
    ty_free(sh->ring_done);
    ty_free(sh->total);
}

static TyStatus oom(TyError *err) { return ty_error_set(err, TY_ENOMEM, "out of memory"); }

/* Which series each target is about. */
static TyStatus index_targets(Shared *sh, TyError *err)
{
    const TyMcOptions *opt = sh->opt;
    sh->series_targets = ty_calloc(sh->nseries, sizeof *sh->series_targets);
    if (!sh->series_targets) return oom(err);
    size_t *count = ty_calloc(sh->nseries, sizeof *count);
    if (!count) return oom(err);
    TyStatus st = TY_OK;
    for (size_t t = 0; t < opt->ntargets && !st; t++) {
        const TyMcTarget *tg = &opt->targets[t];
        int y = tg->year - model_first_year(sh->m);
        if (tg->track >= opt->ntracked || y < 0 || y >= model_last_year(sh->m) - model_first_year(sh->m) + 1
            || sh->year_slot[y] < 0)
            st = ty_error_set(err, TY_ESCRIPT, "target %zu: no tracked element %zu summarised in %d",
                              t + 1, tg->track + 1, tg->year);
        else if (!isfinite(tg->value))
            st = ty_error_set(err, TY_ESCRIPT, "target %zu is not a finite number", t + 1);
        else
            count[tg->track * sh->nyears + (size_t)sh->year_slot[y]]++;
    }
    for (size_t s = 0; s < sh->nseries && !st; s++) {
        sh->series_targets[s] = ty_malloc((count[s] + 1) * sizeof(size_t));
        if (!sh->series_targets[s]) st = oom(err);
        else sh->series_targets[s][0] = SIZE_MAX;
        count[s] = 0;
    }
    for (size_t t = 0; t < opt->ntargets && !st; t++) {
        const TyMcTarget *tg = &opt->targets[t];
        size_t s = tg->track * sh->nyears + (size_t)sh->year_slot[tg->year - model_first_year(sh->m)];
        sh->series_targets[s][count[s]++] = t;
        sh->series_targets[s][count[s]] = SIZE_MAX;
    }
    ty_free(count);
    return st;
}

static TyStatus shared_init(Shared *sh, const TyModel *m, const TyMcOptions *opt, size_t nthreads,
                            TyError *err)
{
    memset(sh, 0, sizeof *sh);
    sh->m = m;
    sh->opt = opt;
    sh->fail_chunk = SIZE_MAX;
    int nyears_model = model_last_year(m) - model_first_year(m) + 1;
    size_t nelems = model_element_count(m);
    sh->nyears = opt->years ? opt->nyears : (size_t)nyears_model;
    sh->year_slot = ty_malloc((size_t)nyears_model * sizeof(int));
    sh->track_of = ty_malloc((nelems + 1) * sizeof(int));
    sh->streams = ty_calloc(opt->nparams + 1, sizeof *sh->streams);
    sh->perms = ty_calloc(opt->nparams + 1, sizeof *sh->perms);
    if (!sh->year_slot || !sh->track_of || !sh->streams || !sh->perms) return oom(err);
    for (int y = 0; y < nyears_model; y++) sh->year_slot[y] = opt->years ? -1 : y;
    for (size_t y = 0; opt->years && y < opt->nyears; y++)
        sh->year_slot[opt->years[y] - model_first_year(m)] = (int)y;
    for (size_t e = 0; e < nelems; e++) sh->track_of[e] = -1;
    for (size_t k = 0; k < opt->ntracked; k++) {
        int e = opt->tracked[k];
        if (e < 0 || (size_t)e >= nelems)
            return ty_error_set(err, TY_ESCRIPT, "no element %d to track", e);
        if (sh->track_of[e] >= 0)
            return ty_error_set(err, TY_ESCRIPT, "'%s' is tracked twice", model_element_name(m, e));
        sh->track_of[e] = (int)k;
    }
    for (size_t p = 0; p < opt->nparams; p++) {
        sh->streams[p] = rng_stream_id(opt->params[p].name);
        if (opt->lhs) rng_permutation_init(&sh->perms[p], opt->nsamples, opt->seed, sh->streams[p]);
    }
    sh->nseries = opt->ntracked * sh->nyears;
    sh->begin = opt->range_end ? opt->range_begin : 0;
    sh->end = opt->range_end && opt->range_end < opt->nsamples ? opt->range_end : opt->nsamples;
    sh->first_chunk = sh->begin / TY_MC_CHUNK;
    sh->kept_stride = sh->end - sh->begin;
    sh->nchunks = (sh->end + TY_MC_CHUNK - 1) / TY_MC_CHUNK - sh->first_chunk;
    TyStatus st = index_targets(sh, err);
    if (st) return st;
    size_t budget = opt->exact_budget ? opt->exact_budget : TY_MC_EXACT_BUDGET;
    sh->exact = opt->nprobs > 0 && sh->nseries > 0 && opt->nsamples <= budget / sh->nseries;
    if (sh->exact) {
        sh->kept_len = sh->nseries * sh->kept_stride;
        sh->kept = kept_take(sh->kept_len);
        if (!sh->kept) return oom(err);
    }
    if (opt->keep_state) {
        sh->saved = ty_calloc(sh->nchunks * sh->nseries + 1, sizeof *sh->saved);
        if (!sh->saved) return oom(err);
    }
    /* Room for threads to run ahead of a slow (or descheduled) one before they wait. */
    sh->ring_size = 8 * nthreads;
    sh->ring = ty_calloc(sh->ring_size, sizeof *sh->ring);
    sh->ring_done = ty_calloc(sh->ring_size, 1);
    sh->total = ty_calloc(sh->nseries + 1, sizeof *sh->total);
    if (!sh->ring || !sh->ring_done || !sh->total) return oom(err);
    for (size_t i = 0; i < sh->ring_size; i++) {
        sh->ring[i] = ty_calloc(sh->nseries + 1, sizeof **sh->ring);
        if (!sh->ring[i]) return oom(err);
    }
    for (size_t s = 0; s < sh->nseries; s++) mc_moments_reset(&sh->total[s]);
    return TY_OK;
}

static void worker_free(Worker *w, size_t nseries)
{
    ty_free(w->draws);
    ty_free(w->ov);
    if (w->hists)
        for (size_t s = 0; s < nseries; s++) hist_free(&w->hists[s]);
    ty_free(w->hists);
    ty_free(w->met);
}

static TyStatus worker_init(Worker *w, Shared *sh, TyError *err)
{
    const TyMcOptions *opt = sh->opt;
    memset(w, 0, sizeof *w);
    w->sh = sh;
    ty_error_clear(&w->err);
    w->draws = ty_malloc((opt->nparams * TY_MC_CHUNK + 1) * sizeof(double));
    w->ov = ty_calloc(opt->noverrides + opt->nparams + 1, sizeof(TyOverride));
    w->met = ty_calloc(opt->ntargets + 1, sizeof(uint64_t));
    if (!w->draws || !w->ov || !w->met) return oom(err);
    for (size_t i = 0; i < opt->noverrides; i++) w->ov[i] = opt->overrides[i];
    if (!sh->exact && opt->nprobs > 0) {
        w->hists = ty_calloc(sh->nseries + 1, sizeof(TyHist));
        if (!w->hists) return oom(err);
        for (size_t s = 0; s < sh->nseries; s++) hist_init(&w->hists[s]);
    }
    return TY_OK;
}

/* ---- results ---- */

static TyStatus collect(Shared *sh, Worker *workers, size_t nworkers, TyMcResult *res, TyError *err)
{
    const TyMcOptions *opt = sh->opt;
    res->nsamples = sh->kept_stride;
    res->nseries = sh->nseries;
    res->nprobs = opt->nprobs;
    res->ntargets = opt->ntargets;
    res->exact = sh->exact || opt->nprobs == 0;
    res->chunks = sh->nchunks;
    res->series = ty_calloc(sh->nseries + 1, sizeof *res->series);
    res->qvalues = ty_calloc(sh->nseries * opt->nprobs + 1, sizeof(double));
    res->met = ty_calloc(opt->ntargets + 1, sizeof(uint64_t));
    if (!res->series || !res->qvalues || !res->met) return oom(err);
    for (size_t i = 0; i < nworkers; i++)
        for (size_t t = 0; t < opt->ntargets; t++) res->met[t] += workers[i].met[t];
    for (size_t s = 0; s < sh->nseries; s++) {
        if (ty_interrupt_requested()) return ty_error_set(err, TY_EINTR, "interrupted");
        TyMcSeries *r = &res->series[s];
        const McMoments *mo = &sh->total[s];
        size_t k = s / sh->nyears, yi = s % sh->nyears;
        r->elem = opt->tracked[k];
        r->year = opt->years ? opt->years[yi] : model_first_year(sh->m) + (int)yi;
        r->mean = mo->mean;
        r->sd = mc_moments_sd(mo);
        r->min = opt->nprobs ? mo->min : NAN;
        r->max = opt->nprobs ? mo->max : NAN;
        r->q = res->qvalues + s * opt->nprobs;
        if (opt->nprobs == 0) continue;
        if (sh->exact && mo->min == mo->max && mo->min != 0.0) {
            /* A series that does not vary (a trend-only indicator, a first year): every value
             * compares equal to a non-zero minimum, so every value has its bits, and so has every
             * order statistic and every interpolation between two of them. */
            for (size_t q = 0; q < opt->nprobs; q++) r->q[q] = mo->min;
        } else if (sh->exact) {
            mc_exact_quantiles_in(sh->kept + s * sh->kept_stride, sh->kept_stride, mo->min, mo->max,
                                  opt->probs, opt->nprobs, r->q);
        } else {
            for (size_t i = 1; i < nworkers; i++) {
                TyStatus st = hist_merge(&workers[0].hists[s], &workers[i].hists[s], err);
                if (st) return st;
            }
            const TyHist *h = &workers[0].hists[s];
            for (size_t q = 0; q < opt->nprobs; q++) r->q[q] = hist_quantile(h, opt->probs[q]);
            double e = hist_rel_error(h);
            if (e > res->rel_error) res->rel_error = e;
        }
    }
    return TY_OK;
}

/* ---- mergeable state (mc.h) ---- */

struct TyMcState {
    uint64_t fingerprint;
    uint64_t nsamples, begin, end;      /* the whole run's samples; the range held */
    uint64_t nseries, ntargets, nchunks;
    uint64_t mode;                      /* 0: moments only, 1: kept values, 2: histograms */
    McChunkMoments *chunks;             /* nchunks × nseries, in chunk order */
    uint64_t *met;                      /* ntargets */
    double *kept;                       /* mode 1: nseries × (end - begin) */
    TyHist *hists;                      /* mode 2: nseries */
};

/* FNV-1a over what decides a run's numbers: a state merges only into the run it is part of. */
typedef struct Fnv { uint64_t h; } Fnv;
static void fnv_bytes(Fnv *f, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) { f->h ^= b[i]; f->h *= 0x100000001b3ull; }
}
static void fnv_u64(Fnv *f, uint64_t v) { fnv_bytes(f, &v, sizeof v); }
static void fnv_f64(Fnv *f, double v) { fnv_bytes(f, &v, sizeof v); }
static void fnv_str(Fnv *f, const char *s) { fnv_bytes(f, s, strlen(s) + 1); }
static void fnv_value(Fnv *f, const TyValue *v)
{
    fnv_u64(f, (uint64_t)v->kind);
    fnv_f64(f, v->scalar);
    fnv_u64(f, (uint64_t)v->n);
    fnv_u64(f, (uint64_t)(int64_t)v->first_year);
    if (v->kind != TY_VALUE_SCALAR && v->values) fnv_bytes(f, v->values, v->n * sizeof(double));
}

static uint64_t fingerprint(const TyMcOptions *o, int exact)
{
    Fnv f = { 0xcbf29ce484222325ull };
    fnv_u64(&f, o->nsamples);
    fnv_u64(&f, o->seed);
    fnv_u64(&f, (uint64_t)o->lhs);
    fnv_u64(&f, (uint64_t)exact);
    for (size_t i = 0; i < o->noverrides; i++) {
        fnv_str(&f, o->overrides[i].name);
        fnv_value(&f, &o->overrides[i].value);
    }
    fnv_u64(&f, o->nparams);
    for (size_t p = 0; p < o->nparams; p++) {
        const TyDist *d = &o->params[p].dist;
        fnv_str(&f, o->params[p].name);
        fnv_u64(&f, (uint64_t)d->kind);
        fnv_f64(&f, d->a); fnv_f64(&f, d->b); fnv_f64(&f, d->c); fnv_f64(&f, d->lo); fnv_f64(&f, d->hi);
    }
    if (o->draws) fnv_bytes(&f, o->draws, o->nparams * o->nsamples * sizeof(double));
    fnv_u64(&f, o->ntracked);
    for (size_t k = 0; k < o->ntracked; k++) fnv_u64(&f, (uint64_t)(int64_t)o->tracked[k]);
    fnv_u64(&f, o->nyears);
    for (size_t y = 0; y < o->nyears; y++) fnv_u64(&f, (uint64_t)(int64_t)o->years[y]);
    fnv_u64(&f, o->ntargets);
    for (size_t t = 0; t < o->ntargets; t++) {
        fnv_u64(&f, o->targets[t].track);
        fnv_u64(&f, (uint64_t)(int64_t)o->targets[t].year);
        fnv_f64(&f, o->targets[t].value);
        fnv_u64(&f, (uint64_t)o->targets[t].down);
    }
    fnv_u64(&f, o->nprobs);
    for (size_t q = 0; q < o->nprobs; q++) fnv_f64(&f, o->probs[q]);
    return f.h;
}

static uint64_t state_mode(const Shared *sh)
{
    return sh->exact ? 1 : sh->opt->nprobs > 0 ? 2 : 0;
}

void mc_state_free(TyMcState *st)
{
    if (!st) return;
    ty_free(st->chunks);
    ty_free(st->met);
    ty_free(st->kept);
    if (st->hists)
        for (size_t s = 0; s < st->nseries; s++) hist_free(&st->hists[s]);
    ty_free(st->hists);
    ty_free(st);
}

void mc_state_range(const TyMcState *st, size_t *begin, size_t *end, size_t *nsamples)
{
    *begin = (size_t)st->begin;
    *end = (size_t)st->end;
    *nsamples = (size_t)st->nsamples;
}

/* Before collect (which reorders the kept values): the chunks' moments, counts and kept values. */
static TyStatus state_begin(Shared *sh, Worker *workers, size_t nworkers, TyMcState **out, TyError *err)
{
    const TyMcOptions *opt = sh->opt;
    TyMcState *st = ty_calloc(1, sizeof *st);
    if (!st) return oom(err);
    st->fingerprint = fingerprint(opt, sh->exact);
    st->nsamples = opt->nsamples;
    st->begin = sh->begin;
    st->end = sh->end;
    st->nseries = sh->nseries;
    st->ntargets = opt->ntargets;
    st->nchunks = sh->nchunks;
    st->mode = state_mode(sh);
    st->chunks = sh->saved;
    sh->saved = NULL;
    st->met = ty_calloc(opt->ntargets + 1, sizeof *st->met);
    if (!st->met) { mc_state_free(st); return oom(err); }
    for (size_t i = 0; i < nworkers; i++)
        for (size_t t = 0; t < opt->ntargets; t++) st->met[t] += workers[i].met[t];
    if (st->mode == 1) {
        st->kept = ty_malloc(sh->nseries * sh->kept_stride * sizeof(double) + 1);
        if (!st->kept) { mc_state_free(st); return oom(err); }
        memcpy(st->kept, sh->kept, sh->nseries * sh->kept_stride * sizeof(double));
    }
    *out = st;
    return TY_OK;
}

/* After collect: the histograms, merged into the first worker's, are the state's. */
static void state_end(TyMcState *st, Shared *sh, Worker *workers)
{
    if (st->mode == 2) {
        st->hists = workers[0].hists;
        workers[0].hists = NULL;
    }
    (void)sh;
}

/* ---- bytes ---- */

#define STATE_MAGIC "tuiyan-mc-state\n"   /* 16 bytes */
#define STATE_VERSION 1u
#define STATE_ORDER 0x0102030405060708ull

typedef struct Buf { unsigned char *p; size_t len, cap; int failed; } Buf;

static void put(Buf *b, const void *v, size_t n)
{
    if (b->failed) return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n) cap *= 2;
        unsigned char *p = ty_realloc(b->p, cap);
        if (!p) { b->failed = 1; return; }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, v, n);
    b->len += n;
}
static void put_u64(Buf *b, uint64_t v) { put(b, &v, sizeof v); }
static void put_f64(Buf *b, double v) { put(b, &v, sizeof v); }

static void put_store(Buf *b, const TyHistStore *s)
{
    put_u64(b, s->level); put_u64(b, s->base); put_u64(b, s->len);
    put_u64(b, s->fmin); put_u64(b, s->fmax); put_u64(b, s->total);
    if (s->len) put(b, s->counts, s->len * sizeof *s->counts);
}

TyStatus mc_state_encode(const TyMcState *st, unsigned char **buf, size_t *len, TyError *err)
{
    Buf b = { 0 };
    put(&b, STATE_MAGIC, 16);
    put_u64(&b, STATE_ORDER);
    put_u64(&b, STATE_VERSION);
    put_u64(&b, st->fingerprint);
    put_u64(&b, st->nsamples); put_u64(&b, st->begin); put_u64(&b, st->end);
    put_u64(&b, st->nseries); put_u64(&b, st->ntargets); put_u64(&b, st->nchunks); put_u64(&b, st->mode);
    for (size_t i = 0; i < st->nchunks * st->nseries; i++) {
        const McChunkMoments *c = &st->chunks[i];
        put_f64(&b, c->shift); put_f64(&b, c->s1); put_f64(&b, c->s2);
        put_f64(&b, c->min); put_f64(&b, c->max); put_u64(&b, c->n);
    }
    for (size_t t = 0; t < st->ntargets; t++) put_u64(&b, st->met[t]);
    if (st->mode == 1) put(&b, st->kept, st->nseries * (st->end - st->begin) * sizeof(double));
    if (st->mode == 2)
        for (size_t s = 0; s < st->nseries; s++) {
            const TyHist *h = &st->hists[s];
            put_u64(&b, h->zeros); put_u64(&b, h->n); put_f64(&b, h->min); put_f64(&b, h->max);
            put_store(&b, &h->pos);
            put_store(&b, &h->neg);
        }
    if (b.failed) { ty_free(b.p); return oom(err); }
    *buf = b.p;
    *len = b.len;
    return TY_OK;
}

typedef struct Reader { const unsigned char *p; size_t len, at; int bad; } Reader;

static int take(Reader *r, void *v, size_t n)
{
    if (r->bad || n > r->len - r->at) { r->bad = 1; memset(v, 0, n); return 0; }
    memcpy(v, r->p + r->at, n);
    r->at += n;
    return 1;
}
static uint64_t take_u64(Reader *r) { uint64_t v; take(r, &v, sizeof v); return v; }
static double take_f64(Reader *r) { double v; take(r, &v, sizeof v); return v; }

static TyStatus bad_state(TyError *err, const char *why)
{
    return ty_error_set(err, TY_EDATA, "not a Monte Carlo state of this tuiyan: %s", why);
}

static TyStatus take_store(Reader *r, TyHistStore *s, TyError *err)
{
    uint64_t level = take_u64(r), base = take_u64(r), len = take_u64(r);
    uint64_t fmin = take_u64(r), fmax = take_u64(r), total = take_u64(r);
    if (r->bad) return bad_state(err, "truncated");
    if (level > 32 || len > TY_HIST_MAX_BUCKETS || base + len > ((uint64_t)1 << 32)
        || fmin > UINT32_MAX || fmax > UINT32_MAX || (len > r->len - r->at) || len * 4 > r->len - r->at)
        return bad_state(err, "a histogram out of bounds");
    s->level = (unsigned)level;
    s->base = (uint32_t)base;
    s->len = (size_t)len;
    s->fmin = (uint32_t)fmin;
    s->fmax = (uint32_t)fmax;
    s->total = total;
    if (len) {
        s->counts = ty_malloc((size_t)len * sizeof *s->counts);
        if (!s->counts) return oom(err);
        take(r, s->counts, (size_t)len * sizeof *s->counts);
        uint64_t sum = 0;
        for (size_t i = 0; i < len; i++) sum += s->counts[i];
        if (sum != total) return bad_state(err, "a histogram's counts do not add up");
        if (total && ((fmin >> level) < base || (fmax >> level) >= base + len))
            return bad_state(err, "a histogram's range is outside its buckets");
    } else if (total) {
        return bad_state(err, "a histogram without buckets");
    }
    return TY_OK;
}

TyStatus mc_state_decode(const unsigned char *buf, size_t len, TyMcState **out, TyError *err)
{
    Reader r = { buf, len, 0, 0 };
    char magic[16];
    take(&r, magic, 16);
    if (r.bad || memcmp(magic, STATE_MAGIC, 16) != 0) return bad_state(err, "no header");
    if (take_u64(&r) != STATE_ORDER) return bad_state(err, "written on a machine of another byte order");
    if (take_u64(&r) != STATE_VERSION) return bad_state(err, "another version of the format");
    TyMcState *st = ty_calloc(1, sizeof *st);
    if (!st) return oom(err);
    TyStatus status = TY_OK;
    st->fingerprint = take_u64(&r);
    st->nsamples = take_u64(&r); st->begin = take_u64(&r); st->end = take_u64(&r);
    st->nseries = take_u64(&r); st->ntargets = take_u64(&r); st->nchunks = take_u64(&r);
    st->mode = take_u64(&r);
    size_t rest = len - (r.at < len ? r.at : len);
    uint64_t count = st->end - st->begin;
    if (r.bad) { status = bad_state(err, "truncated"); goto fail; }
    if (st->begin >= st->end || st->end > st->nsamples || st->mode > 2 || st->nsamples > UINT32_MAX
        || st->nseries > rest / 8 + 1 || st->ntargets > rest / 8
        || st->nchunks != (st->end + TY_MC_CHUNK - 1) / TY_MC_CHUNK - st->begin / TY_MC_CHUNK
        || (st->nseries && st->nchunks > rest / 48 / st->nseries)
        || (st->mode == 1 && st->nseries && count > rest / 8 / st->nseries)) {
        status = bad_state(err, "inconsistent sizes");
        goto fail;
    }
    st->chunks = ty_calloc(st->nchunks * st->nseries + 1, sizeof *st->chunks);
    st->met = ty_calloc(st->ntargets + 1, sizeof *st->met);
    if (!st->chunks || !st->met) { status = oom(err); goto fail; }
    for (size_t i = 0; i < st->nchunks * st->nseries; i++) {
        McChunkMoments *c = &st->chunks[i];
        c->shift = take_f64(&r); c->s1 = take_f64(&r); c->s2 = take_f64(&r);
        c->min = take_f64(&r); c->max = take_f64(&r); c->n = take_u64(&r);
    }
    for (size_t t = 0; t < st->ntargets; t++) st->met[t] = take_u64(&r);
    if (st->mode == 1) {
        st->kept = ty_malloc(st->nseries * count * sizeof(double) + 1);
        if (!st->kept) { status = oom(err); goto fail; }
        take(&r, st->kept, st->nseries * count * sizeof(double));
    }
    if (st->mode == 2) {
        st->hists = ty_calloc(st->nseries + 1, sizeof *st->hists);
        if (!st->hists) { status = oom(err); goto fail; }
        for (size_t s = 0; s < st->nseries; s++) hist_init(&st->hists[s]);
        for (size_t s = 0; s < st->nseries && !status; s++) {
            TyHist *h = &st->hists[s];
            h->zeros = take_u64(&r); h->n = take_u64(&r); h->min = take_f64(&r); h->max = take_f64(&r);
            status = take_store(&r, &h->pos, err);
            if (!status) status = take_store(&r, &h->neg, err);
            if (!status && h->pos.total + h->neg.total + h->zeros != h->n)
                status = bad_state(err, "a histogram's stores do not add up");
        }
        if (status) goto fail;
    }
    if (r.bad) { status = bad_state(err, "truncated"); goto fail; }
    if (r.at != len) { status = bad_state(err, "bytes after the end"); goto fail; }
    *out = st;
    return TY_OK;
fail:
    mc_state_free(st);
    return status;
}

TyStatus mc_run(const TyModel *m, const TyMcOptions *opt, TyMcResult *res, TyError *err)
{
    memset(res, 0, sizeof *res);
    if (!m || !opt) return ty_error_set(err, TY_ESCRIPT, "mc_run: no model or options");
    TyStatus st = check_options(m, opt, err);
    if (st) return st;
    if (ty_interrupt_requested()) return ty_error_set(err, TY_EINTR, "interrupted");
    size_t nthreads = opt->nthreads > 1 ? (size_t)opt->nthreads : 1;
    if (nthreads > TY_MC_MAX_THREADS) nthreads = TY_MC_MAX_THREADS;
    size_t first = opt->range_end ? opt->range_begin / TY_MC_CHUNK : 0;
    size_t last = opt->range_end && opt->range_end < opt->nsamples ? opt->range_end : opt->nsamples;
    size_t nchunks = (last + TY_MC_CHUNK - 1) / TY_MC_CHUNK - first;
    if (nthreads > nchunks) nthreads = nchunks;

    Shared sh;
    Worker *workers = NULL;
    int sync = 0;
    if ((st = shared_init(&sh, m, opt, nthreads, err))) goto done;
    workers = ty_calloc(nthreads, sizeof *workers);
    if (!workers) { st = oom(err); goto done; }
    for (size_t i = 0; i < nthreads; i++)
        if ((st = worker_init(&workers[i], &sh, err))) goto done;
    if (pthread_mutex_init(&sh.mu, NULL) != 0) { st = ty_error_set(err, TY_EINTERNAL, "cannot create a lock"); goto done; }
    if (pthread_cond_init(&sh.cv, NULL) != 0) {
        pthread_mutex_destroy(&sh.mu);
        st = ty_error_set(err, TY_EINTERNAL, "cannot create a condition variable");
        goto done;
    }
    sync = 1;
    sh.t0 = sh.last_progress = monotonic_seconds();
    workers[0].caller = 1;
    /* Threads that cannot be started are not needed: the others take their chunks. They start
     * with SIGINT blocked, so Ctrl-C is handled on this thread (interrupt.h). */
    sigset_t intr, saved;
    sigemptyset(&intr);
    sigaddset(&intr, SIGINT);
    int masked = nthreads > 1 && pthread_sigmask(SIG_BLOCK, &intr, &saved) == 0;
    for (size_t i = 1; i < nthreads; i++)
        workers[i].started = pthread_create(&workers[i].thread, NULL, work, &workers[i]) == 0;
    if (masked) pthread_sigmask(SIG_SETMASK, &saved, NULL);
    work(&workers[0]);
    for (size_t i = 1; i < nthreads; i++)
        if (workers[i].started) pthread_join(workers[i].thread, NULL);

    if (sh.interrupted) {
        st = ty_error_set(err, TY_EINTR, "interrupted");
    } else if (sh.fail_chunk == SIZE_MAX) {
        TyMcState *state = NULL;
        if (opt->keep_state) st = state_begin(&sh, workers, nthreads, &state, err);
        if (!st) st = collect(&sh, workers, nthreads, res, err);
        if (state && !st) state_end(state, &sh, workers);
        if (state && st) mc_state_free(state);
        else res->state = state;
    } else if (sh.fail_status == TY_EDATA) {
        st = explain_failure(&sh, &workers[0], err);
    } else {
        *err = sh.fail_err;
        st = sh.fail_status;
    }
done:
    if (sync) {
        pthread_cond_destroy(&sh.cv);
        pthread_mutex_destroy(&sh.mu);
    }
    for (size_t i = 0; workers && i < nthreads; i++) worker_free(&workers[i], sh.nseries);
    ty_free(workers);
    shared_free(&sh);
    if (st) mc_result_free(res);
    return st;
}

void mc_result_free(TyMcResult *res)
{
    if (!res) return;
    ty_free(res->series);
    ty_free(res->qvalues);
    ty_free(res->met);
    mc_state_free(res->state);
    memset(res, 0, sizeof *res);
}

/* ---- merging the states of ranges ---- */

TyStatus mc_merge(const TyModel *m, const TyMcOptions *opt_in, TyMcState *const *states, size_t nstates,
                  TyMcResult *res, TyError *err)
{
    memset(res, 0, sizeof *res);
    if (!m || !opt_in) return ty_error_set(err, TY_ESCRIPT, "mc_merge: no model or options");
    TyMcOptions o = *opt_in;
    o.range_begin = o.range_end = 0;
    o.keep_state = 0;
    o.nthreads = 1;
    o.progress = NULL;
    TyStatus st = check_options(m, &o, err);
    if (st) return st;
    if (nstates == 0) return ty_error_set(err, TY_EDATA, "no Monte Carlo state to merge");
    TyMcState **order = ty_calloc(nstates, sizeof *order);
    if (!order) return oom(err);
    for (size_t i = 0; i < nstates; i++) order[i] = states[i];
    for (size_t i = 1; i < nstates; i++)     /* by first sample: few states */
        for (size_t j = i; j > 0 && order[j - 1]->begin > order[j]->begin; j--) {
            TyMcState *t = order[j]; order[j] = order[j - 1]; order[j - 1] = t;
        }
    Shared sh;
    Worker w;
    memset(&w, 0, sizeof w);
    if ((st = shared_init(&sh, m, &o, 1, err))) goto done;
    uint64_t fp = fingerprint(&o, sh.exact), mode = state_mode(&sh);
    uint64_t at = 0;
    for (size_t i = 0; i < nstates && !st; i++) {
        const TyMcState *x = order[i];
        if (x->fingerprint != fp || x->nsamples != o.nsamples || x->nseries != sh.nseries
            || x->ntargets != o.ntargets || x->mode != mode)
            st = ty_error_set(err, TY_EDATA, "the Monte Carlo state of samples %llu..%llu is of another run "
                              "(other options, parameters, scenario or sample count)",
                              (unsigned long long)x->begin, (unsigned long long)x->end);
        else if (x->begin > at)
            st = ty_error_set(err, TY_EDATA, "samples %llu..%llu of %zu are in no Monte Carlo state",
                              (unsigned long long)at, (unsigned long long)x->begin, o.nsamples);
        else if (x->begin < at)
            st = ty_error_set(err, TY_EDATA, "samples %llu..%llu are in two Monte Carlo states",
                              (unsigned long long)x->begin, (unsigned long long)(at < x->end ? at : x->end));
        at = x->end;
    }
    if (!st && at != o.nsamples)
        st = ty_error_set(err, TY_EDATA, "samples %llu..%zu of %zu are in no Monte Carlo state",
                          (unsigned long long)at, o.nsamples, o.nsamples);
    if (st) goto done;
    /* The moments as mc_run merges them: chunk after chunk, every series of one chunk. */
    for (size_t i = 0; i < nstates; i++) {
        const TyMcState *x = order[i];
        for (size_t c = 0; c < x->nchunks; c++)
            for (size_t s = 0; s < sh.nseries; s++)
                mc_moments_merge(&sh.total[s], &x->chunks[c * sh.nseries + s]);
        if (mode == 1) {
            size_t count = (size_t)(x->end - x->begin);
            for (size_t s = 0; s < sh.nseries; s++)
                memcpy(sh.kept + s * sh.kept_stride + x->begin, x->kept + s * count, count * sizeof(double));
        }
    }
    w.sh = &sh;
    w.met = ty_calloc(o.ntargets + 1, sizeof *w.met);
    if (!w.met) { st = oom(err); goto done; }
    for (size_t i = 0; i < nstates; i++)
        for (size_t t = 0; t < o.ntargets; t++) w.met[t] += order[i]->met[t];
    if (mode == 2) {
        w.hists = ty_calloc(sh.nseries + 1, sizeof *w.hists);
        if (!w.hists) { st = oom(err); goto done; }
        for (size_t s = 0; s < sh.nseries; s++) hist_init(&w.hists[s]);
        for (size_t i = 0; i < nstates && !st; i++)
            for (size_t s = 0; s < sh.nseries && !st; s++) st = hist_merge(&w.hists[s], &order[i]->hists[s], err);
        if (st) goto done;
    }
    st = collect(&sh, &w, 1, res, err);
done:
    worker_free(&w, sh.nseries);
    shared_free(&sh);
    ty_free(order);
    if (st) mc_result_free(res);
    return st;
}
