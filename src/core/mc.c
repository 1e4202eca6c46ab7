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
 * block it summarises (on_block), so the whole run stops within one block of samples; the
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
    double *kept;               /* exact: nseries × nsamples */
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
    size_t offset;              /* first sample of the claimed chunk */
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

static TyStatus on_block(void *ctx, int year, int elem, const double *values, size_t offset,
                         size_t n, TyError *err)
{
    Worker *w = ctx;
    Shared *sh = w->sh;
    if (ty_interrupt_requested()) return ty_error_set(err, TY_EINTR, "interrupted");
    int yi = sh->year_slot[year - model_first_year(sh->m)];
    if (yi < 0) return TY_OK;
    size_t s = (size_t)sh->track_of[elem] * sh->nyears + (size_t)yi;
    /* Extremes only when quantiles are asked for: moments alone need none. */
    double lo = NAN, hi = NAN;
    if (sh->opt->nprobs > 0) mc_block_range(values, n, &lo, &hi);
    w->block_constant = lo == hi;
    mc_chunk_moments_add(&w->moments[s], values, n, lo, hi);
    count_targets(w, s, values, n);
    if (sh->exact) {
        memcpy(sh->kept + s * sh->opt->nsamples + w->offset + offset, values, n * sizeof *values);
    } else if (w->hists) {
        TyStatus st = hist_add_range(&w->hists[s], values, n, lo, hi, err);
        if (st) return st;
    }
    return TY_OK;
}

/* ---- one chunk ---- */

static size_t chunk_samples(const Shared *sh, size_t chunk)
{
    size_t offset = chunk * TY_MC_CHUNK;
    return sh->opt->nsamples - offset < TY_MC_CHUNK ? sh->opt->nsamples - offset : TY_MC_CHUNK;
}

static TyStatus run_chunk(Worker *w, size_t chunk)
{
    Shared *sh = w->sh;
    const TyMcOptions *opt = sh->opt;
    size_t offset = chunk * TY_MC_CHUNK;
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
    }
    for (size_t s = 0; s < sh->nseries; s++) mc_chunk_moments_reset(&w->moments[s]);
    TyRunOptions ro;
    memset(&ro, 0, sizeof ro);
    ro.nsamples = n;
    ro.overrides = w->ov;
    ro.noverrides = opt->noverrides + opt->nparams;
    ro.tracked = opt->tracked;
    ro.ntracked = opt->ntracked;
    ro.on_block = on_block;
    ro.ctx = w;
    return model_run(sh->m, &ro, &w->err);
}

/* Merges every finished chunk from the oldest unmerged one on (under the lock). */
static void merge_ready(Shared *sh)
{
    while (sh->next_merge < sh->next_claim) {
        size_t slot = sh->next_merge % sh->ring_size;
        if (!sh->ring_done[slot]) break;
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
    opt->progress(opt->progress_ctx, done, opt->nsamples, now - sh->t0);
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
    size_t offset = sh->fail_chunk * TY_MC_CHUNK;
    size_t n = opt->nsamples - offset < TY_MC_CHUNK ? opt->nsamples - offset : TY_MC_CHUNK;
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

static void shared_free(Shared *sh)
{
    ty_free(sh->year_slot);
    ty_free(sh->track_of);
    ty_free(sh->streams);
    ty_free(sh->perms);
    if (sh->series_targets)
        for (size_t s = 0; s < sh->nseries; s++) ty_free(sh->series_targets[s]);
    ty_free(sh->series_targets);
    ty_free(sh->kept);
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
    sh->nchunks = (opt->nsamples + TY_MC_CHUNK - 1) / TY_MC_CHUNK;
    TyStatus st = index_targets(sh, err);
    if (st) return st;
    size_t budget = opt->exact_budget ? opt->exact_budget : TY_MC_EXACT_BUDGET;
    sh->exact = opt->nprobs > 0 && sh->nseries > 0 && opt->nsamples <= budget / sh->nseries;
    if (sh->exact) {
        sh->kept = ty_malloc(sh->nseries * opt->nsamples * sizeof(double));
        if (!sh->kept) return oom(err);
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
    res->nsamples = opt->nsamples;
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
        if (sh->exact) {
            mc_exact_quantiles(sh->kept + s * opt->nsamples, opt->nsamples, opt->probs,
                               opt->nprobs, r->q);
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

TyStatus mc_run(const TyModel *m, const TyMcOptions *opt, TyMcResult *res, TyError *err)
{
    memset(res, 0, sizeof *res);
    if (!m || !opt) return ty_error_set(err, TY_ESCRIPT, "mc_run: no model or options");
    TyStatus st = check_options(m, opt, err);
    if (st) return st;
    if (ty_interrupt_requested()) return ty_error_set(err, TY_EINTR, "interrupted");
    size_t nthreads = opt->nthreads > 1 ? (size_t)opt->nthreads : 1;
    if (nthreads > TY_MC_MAX_THREADS) nthreads = TY_MC_MAX_THREADS;
    size_t nchunks = (opt->nsamples + TY_MC_CHUNK - 1) / TY_MC_CHUNK;
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
        st = collect(&sh, workers, nthreads, res, err);
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
    memset(res, 0, sizeof *res);
}
