/* bind/mc.c — _tuiyan.mc: distributions, Monte Carlo runs and one-at-a-time sensitivity
 * (core/dist, core/mc, core/sensitivity) for stdlib/tuiyan/mc.lua.
 *
 * A distribution travels as a table { kind = "normal", a =, b =, c =, lo =, hi = }; a bad one
 * raises a tuiyan.Error naming the problem. run and tornado take a compiled model (the
 * tuiyan.Model userdata of bind/model.c) and a spec table, and raise on misuse and on core
 * errors (a non-finite value names the sample and its parameters). Temporary arrays are
 * userdata on the Lua stack, so an error anywhere frees them.
 *
 * Ctrl-C during run stops the core within a block of samples (host/interrupt.h) and raises a
 * tuiyan.Error "interrupted" (code 130). A run longer than a second draws a progress bar on
 * stderr when the host turned it on (set_progress: the REPL, and `tuiyan run` without --quiet)
 * and stderr is a terminal; the bar is erased when the run ends and never touches results. */
#include "bind/bind.h"
#include "core/alloc.h"
#include "core/dist.h"
#include "core/mc.h"
#include "core/sensitivity.h"
#include "host/host.h"
#include "host/interrupt.h"

#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define MODEL_META "tuiyan.Model"
#define DRAWS_META "tuiyan.Draws"

/* The layout of bind/model.c's tuiyan.Model userdata: a pointer to the compiled model. */
typedef struct ModelBox { TyModel *m; } ModelBox;

typedef struct DrawsBox {
    double *values;             /* nparams × nsamples, parameter-major */
    size_t nparams, nsamples;
    int finite;                 /* every value finite (checked once when drawn; set() keeps it) */
} DrawsBox;

static TyModel *check_model(lua_State *L, int idx)
{
    ModelBox *box = luaL_checkudata(L, idx, MODEL_META);
    luaL_argcheck(L, box->m != NULL, idx, "model is closed");
    return box->m;
}

static int raise_core(lua_State *L, TyError *err)
{
    if (err->code == TY_ENOMEM) return luaL_error(L, "not enough memory");
    return host_raise(L, err);
}

/* A scratch array of n elements of `size` bytes, owned by a userdata pushed on the stack.
 * [-0, +1, m] */
static void *scratch(lua_State *L, size_t n, size_t size)
{
    if (n > ((size_t)-1) / 4 / size) luaL_error(L, "not enough memory");
    return lua_newuserdatauv(L, (n ? n : 1) * size, 0);
}

static double opt_number_field(lua_State *L, int t, const char *key, double dflt)
{
    lua_getfield(L, t, key);
    double v = dflt;
    if (!lua_isnil(L, -1)) {
        if (!lua_isnumber(L, -1)) luaL_error(L, "field '%s' must be a number", key);
        v = lua_tonumber(L, -1);
    }
    lua_pop(L, 1);
    return v;
}

static lua_Integer opt_int_field(lua_State *L, int t, const char *key, lua_Integer dflt,
                                 lua_Integer lo, lua_Integer hi)
{
    lua_getfield(L, t, key);
    lua_Integer v = dflt;
    if (!lua_isnil(L, -1)) {
        int ok;
        v = lua_tointegerx(L, -1, &ok);
        if (!ok) luaL_error(L, "field '%s' must be an integer", key);
    }
    lua_pop(L, 1);
    if (v < lo || v > hi) luaL_error(L, "field '%s' must be within %I..%I", key, lo, hi);
    return v;
}

/* { kind =, a =, b =, c =, lo =, hi = } at idx -> *d (raises a tuiyan.Error if invalid). */
static void read_dist(lua_State *L, int idx, TyDist *d)
{
    idx = lua_absindex(L, idx);
    luaL_checktype(L, idx, LUA_TTABLE);
    lua_getfield(L, idx, "kind");
    const char *name = lua_tostring(L, -1);
    int kind = name ? dist_find(name) : -1;
    lua_pop(L, 1);
    if (kind < 0) luaL_error(L, "unknown distribution '%s'", name ? name : "?");
    double a = opt_number_field(L, idx, "a", NAN), b = opt_number_field(L, idx, "b", NAN);
    double c = opt_number_field(L, idx, "c", 0.0);
    double lo = opt_number_field(L, idx, "lo", -INFINITY), hi = opt_number_field(L, idx, "hi", INFINITY);
    TyError err;
    ty_error_clear(&err);
    if (dist_init(d, (TyDistKind)kind, a, b, c, lo, hi, &err) != TY_OK) raise_core(L, &err);
}

/* ---- distributions ---- */

/* quantile(dist, p) -> x */
static int mc_quantile(lua_State *L)
{
    TyDist d;
    read_dist(L, 1, &d);
    double p = luaL_checknumber(L, 2);
    luaL_argcheck(L, p > 0.0 && p < 1.0, 2, "probability must be in (0, 1)");
    lua_pushnumber(L, dist_quantile(&d, p));
    return 1;
}

/* cdf(dist, x) -> P(X <= x) */
static int mc_cdf(lua_State *L)
{
    TyDist d;
    read_dist(L, 1, &d);
    lua_pushnumber(L, dist_cdf(&d, luaL_checknumber(L, 2)));
    return 1;
}

/* check(dist) -> true (raises when invalid) */
static int mc_check(lua_State *L)
{
    TyDist d;
    read_dist(L, 1, &d);
    lua_pushboolean(L, 1);
    return 1;
}

/* sample(dist, n, seed [, lhs [, stream_name]]) -> { x1, ..., xn } */
static int mc_sample(lua_State *L)
{
    TyDist d;
    read_dist(L, 1, &d);
    lua_Integer n = luaL_checkinteger(L, 2);
    luaL_argcheck(L, n >= 1 && n <= 10000000, 2, "sample count must be 1..10000000");
    lua_Integer seed = luaL_checkinteger(L, 3);
    luaL_argcheck(L, seed >= 0, 3, "seed must be >= 0");
    int lhs = lua_toboolean(L, 4);
    const char *stream = luaL_optstring(L, 5, "sample");
    double *out = scratch(L, (size_t)n, sizeof(double));
    uint64_t sid = rng_stream_id(stream);
    TyPermutation perm;
    if (lhs) rng_permutation_init(&perm, (uint64_t)n, (uint64_t)seed, sid);
    dist_draw(&d, (uint64_t)seed, sid, lhs ? &perm : NULL, 0, (size_t)n, out);
    lua_createtable(L, (int)n, 0);
    for (lua_Integer i = 0; i < n; i++) {
        lua_pushnumber(L, out[i]);
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

/* ---- reading a spec ---- */

/* A number or a series { first_year = Y, v1, ... } at idx; a series' values go in a scratch
 * userdata left on the stack. */
static void read_value(lua_State *L, int idx, TyValue *v, const char *name)
{
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) == LUA_TNUMBER) {
        *v = model_value_scalar(lua_tonumber(L, idx));
        return;
    }
    if (!lua_istable(L, idx))
        luaL_error(L, "%s: expected a number or a series table, got %s", name, luaL_typename(L, idx));
    lua_getfield(L, idx, "first_year");
    int ok;
    lua_Integer first = lua_tointegerx(L, -1, &ok);
    lua_pop(L, 1);
    if (!ok) luaL_error(L, "%s: a series needs an integer first_year", name);
    size_t n = lua_rawlen(L, idx);
    if (n == 0 || n > TY_MODEL_MAX_YEARS) luaL_error(L, "%s: a series needs 1..%d values", name, TY_MODEL_MAX_YEARS);
    double *vals = scratch(L, n, sizeof(double));
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, idx, (lua_Integer)i + 1);
        vals[i] = lua_isnumber(L, -1) ? lua_tonumber(L, -1) : NAN;
        lua_pop(L, 1);
    }
    *v = model_value_series((int)first, vals, n);
}

/* spec.overrides = { {name, value}, ... } -> array (scratch, left on the stack) */
static TyOverride *read_overrides(lua_State *L, int spec, size_t *n_out)
{
    lua_getfield(L, spec, "overrides");
    int t = lua_gettop(L);
    size_t n = lua_istable(L, t) ? lua_rawlen(L, t) : 0;
    if (!lua_isnil(L, t) && !lua_istable(L, t)) luaL_error(L, "field 'overrides' must be a table");
    TyOverride *ov = scratch(L, n, sizeof *ov);
    for (size_t i = 0; i < n; i++) {
        luaL_checkstack(L, 4, "too many overrides");
        int top = lua_gettop(L);
        lua_rawgeti(L, t, (lua_Integer)i + 1);                     /* [pair] */
        if (!lua_istable(L, -1)) luaL_error(L, "override %d: expected {name, value}", (int)i + 1);
        lua_rawgeti(L, -1, 1);
        const char *name = lua_tostring(L, -1);      /* anchored in the spec table */
        if (!name) luaL_error(L, "override %d: name expected", (int)i + 1);
        lua_pop(L, 1);
        lua_rawgeti(L, -1, 2);                                     /* [pair, value] */
        ov[i].name = name;
        read_value(L, -1, &ov[i].value, name);                     /* [pair, value, series?] */
        if (lua_gettop(L) > top + 2) {
            lua_replace(L, top + 1);                               /* keep the series' values */
            lua_settop(L, top + 1);
        } else {
            lua_settop(L, top);
        }
    }
    *n_out = n;
    return ov;
}

static int element_index(lua_State *L, const TyModel *m, const char *name)
{
    int e = model_element_find(m, name);
    if (e < 0) luaL_error(L, "no element named '%s' in the model", name);
    return e;
}

/* spec.params = { {name =, dist =, base =}, ... } */
static size_t read_params(lua_State *L, int spec, TyMcParam **mp, TySensParam **sp)
{
    lua_getfield(L, spec, "params");
    int t = lua_gettop(L);
    size_t n = lua_istable(L, t) ? lua_rawlen(L, t) : 0;
    if (!lua_isnil(L, t) && !lua_istable(L, t)) luaL_error(L, "field 'params' must be a table");
    if (mp) *mp = scratch(L, n, sizeof **mp);
    if (sp) *sp = scratch(L, n, sizeof **sp);
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, t, (lua_Integer)i + 1);
        int p = lua_gettop(L);
        if (!lua_istable(L, p)) luaL_error(L, "parameter %d: expected {name =, dist =}", (int)i + 1);
        lua_getfield(L, p, "name");
        const char *name = lua_tostring(L, -1);
        if (!name) luaL_error(L, "parameter %d: name expected", (int)i + 1);
        lua_pop(L, 1);
        lua_getfield(L, p, "dist");
        TyDist d;
        read_dist(L, -1, &d);
        lua_pop(L, 1);
        if (mp) { (*mp)[i].name = name; (*mp)[i].dist = d; }
        if (sp) {
            (*sp)[i].name = name;
            (*sp)[i].dist = d;
            (*sp)[i].base = opt_number_field(L, p, "base", NAN);
        }
        lua_pop(L, 1);
    }
    return n;
}

static size_t read_ints(lua_State *L, int spec, const char *key, int **out)
{
    lua_getfield(L, spec, key);
    int t = lua_gettop(L);
    if (lua_isnil(L, t)) { *out = NULL; return 0; }
    if (!lua_istable(L, t)) luaL_error(L, "field '%s' must be a table", key);
    size_t n = lua_rawlen(L, t);
    *out = scratch(L, n, sizeof **out);
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, t, (lua_Integer)i + 1);
        int ok;
        lua_Integer v = lua_tointegerx(L, -1, &ok);
        if (!ok || v < -100000 || v > 100000) luaL_error(L, "%s[%d]: an integer expected", key, (int)i + 1);
        (*out)[i] = (int)v;
        lua_pop(L, 1);
    }
    return n;
}

/* spec.track = { element names } */
static size_t read_tracked(lua_State *L, int spec, const TyModel *m, int **out)
{
    lua_getfield(L, spec, "track");
    int t = lua_gettop(L);
    if (!lua_istable(L, t)) luaL_error(L, "field 'track' must be a table of element names");
    size_t n = lua_rawlen(L, t);
    *out = scratch(L, n, sizeof **out);
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, t, (lua_Integer)i + 1);
        const char *name = lua_tostring(L, -1);
        if (!name) luaL_error(L, "track[%d]: an element name expected", (int)i + 1);
        (*out)[i] = element_index(L, m, name);
        lua_pop(L, 1);
    }
    return n;
}

/* spec.targets = { {track = k (1-based), year =, value =, down = bool}, ... } */
static size_t read_targets(lua_State *L, int spec, TyMcTarget **out)
{
    lua_getfield(L, spec, "targets");
    int t = lua_gettop(L);
    size_t n = lua_istable(L, t) ? lua_rawlen(L, t) : 0;
    *out = scratch(L, n, sizeof **out);
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, t, (lua_Integer)i + 1);
        int g = lua_gettop(L);
        if (!lua_istable(L, g)) luaL_error(L, "target %d: a table expected", (int)i + 1);
        (*out)[i].track = (size_t)opt_int_field(L, g, "track", 0, 1, 1000000) - 1;
        (*out)[i].year = (int)opt_int_field(L, g, "year", 0, 1900, 2200);
        (*out)[i].value = opt_number_field(L, g, "value", NAN);
        lua_getfield(L, g, "down");
        (*out)[i].down = lua_toboolean(L, -1);
        lua_pop(L, 2);
    }
    return n;
}

static size_t read_numbers(lua_State *L, int spec, const char *key, double **out)
{
    lua_getfield(L, spec, key);
    int t = lua_gettop(L);
    size_t n = lua_istable(L, t) ? lua_rawlen(L, t) : 0;
    *out = scratch(L, n, sizeof **out);
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, t, (lua_Integer)i + 1);
        if (!lua_isnumber(L, -1)) luaL_error(L, "%s[%d]: a number expected", key, (int)i + 1);
        (*out)[i] = lua_tonumber(L, -1);
        lua_pop(L, 1);
    }
    return n;
}

/* ---- the progress bar ---- */

#define BAR_AFTER_SECONDS 1.0   /* shorter runs draw nothing */
#define BAR_WIDTH 20

/* set_progress decides once, outside any sandbox (isatty is an ioctl a sandbox refuses). */
static int progress_on;

typedef struct Bar {
    int shown;
} Bar;

/* 950, 12.3k, 4.5M */
static void count_text(char *buf, size_t size, size_t n)
{
    if (n < 10000) snprintf(buf, size, "%zu", n);
    else if (n < 1000000) snprintf(buf, size, "%.1fk", (double)n / 1e3);
    else snprintf(buf, size, "%.1fM", (double)n / 1e6);
}

/* m:ss, or h:mm:ss */
static void clock_text(char *buf, size_t size, double seconds)
{
    int s = seconds < 0 ? 0 : seconds > 359999 ? 359999 : (int)(seconds + 0.5);
    if (s >= 3600) snprintf(buf, size, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    else snprintf(buf, size, "%d:%02d", s / 60, s % 60);
}

static void bar_progress(void *ctx, size_t done, size_t total, double elapsed)
{
    Bar *b = ctx;
    if (elapsed < BAR_AFTER_SECONDS || total == 0) return;
    double frac = (double)done / (double)total;
    int fill = (int)(frac * BAR_WIDTH);
    char bar[BAR_WIDTH + 1], d[24], t[24], el[24], left[24];
    for (int i = 0; i < BAR_WIDTH; i++) bar[i] = i < fill ? '#' : '-';
    bar[BAR_WIDTH] = '\0';
    count_text(d, sizeof d, done);
    count_text(t, sizeof t, total);
    clock_text(el, sizeof el, elapsed);
    if (done > 0) clock_text(left, sizeof left, elapsed * (double)(total - done) / (double)done);
    else snprintf(left, sizeof left, "?");
    fprintf(stderr, "\r\033[K[%s] %3d%%  %s/%s samples  elapsed %s  left %s", bar,
            (int)(frac * 100.0), d, t, el, left);
    fflush(stderr);
    b->shown = 1;
}

static void bar_finish(Bar *b)
{
    if (!b->shown) return;
    fputs("\r\033[K", stderr);
    fflush(stderr);
    b->shown = 0;
}

/* set_progress(on): a bar for runs over a second, when on and stderr is a terminal. */
static int mc_set_progress(lua_State *L)
{
    progress_on = lua_toboolean(L, 1) && isatty(2);
    return 0;
}

/* ---- runs ---- */

static void set_number(lua_State *L, const char *key, double v)
{
    lua_pushnumber(L, v);
    lua_setfield(L, -2, key);
}

/* Pushes the result table and frees res. [-0, +1, m] */
static void push_result(lua_State *L, const TyModel *m, TyMcResult *res)
{
    lua_createtable(L, 0, 8);
    lua_pushinteger(L, (lua_Integer)res->nsamples);
    lua_setfield(L, -2, "samples");
    lua_pushboolean(L, res->exact);
    lua_setfield(L, -2, "exact");
    set_number(L, "rel_error", res->rel_error);
    lua_pushinteger(L, (lua_Integer)res->chunks);
    lua_setfield(L, -2, "chunks");
    lua_createtable(L, (int)res->nseries, 0);
    for (size_t s = 0; s < res->nseries; s++) {
        const TyMcSeries *r = &res->series[s];
        lua_createtable(L, 0, 8);
        lua_pushstring(L, model_element_name(m, r->elem));
        lua_setfield(L, -2, "elem");
        lua_pushinteger(L, r->year);
        lua_setfield(L, -2, "year");
        set_number(L, "mean", r->mean);
        set_number(L, "sd", r->sd);
        if (!isnan(r->min)) set_number(L, "min", r->min);     /* none without quantiles */
        if (!isnan(r->max)) set_number(L, "max", r->max);
        lua_createtable(L, (int)res->nprobs, 0);
        for (size_t q = 0; q < res->nprobs; q++) {
            lua_pushnumber(L, r->q[q]);
            lua_rawseti(L, -2, (lua_Integer)q + 1);
        }
        lua_setfield(L, -2, "q");
        lua_rawseti(L, -2, (lua_Integer)s + 1);
    }
    lua_setfield(L, -2, "series");
    lua_createtable(L, (int)res->ntargets, 0);
    for (size_t t = 0; t < res->ntargets; t++) {
        lua_pushinteger(L, (lua_Integer)res->met[t]);
        lua_rawseti(L, -2, (lua_Integer)t + 1);
    }
    lua_setfield(L, -2, "met");
}

/* The options of spec at index 2 into opt (arrays as scratch userdata on the stack). */
static void read_run_options(lua_State *L, TyModel *m, TyMcOptions *o)
{
    TyMcOptions opt;
    memset(&opt, 0, sizeof opt);
    TyMcParam *params;
    opt.overrides = read_overrides(L, 2, &opt.noverrides);
    opt.nparams = read_params(L, 2, &params, NULL);
    opt.params = params;
    opt.nsamples = (size_t)opt_int_field(L, 2, "samples", 0, 1, 4000000000LL);
    opt.seed = (uint64_t)opt_int_field(L, 2, "seed", 0, 0, LUA_MAXINTEGER);
    lua_getfield(L, 2, "lhs");
    opt.lhs = lua_toboolean(L, -1);
    lua_pop(L, 1);
    opt.nthreads = (int)opt_int_field(L, 2, "threads", 1, 1, TY_MC_MAX_THREADS);
    int *tracked, *years;
    opt.ntracked = read_tracked(L, 2, m, &tracked);
    opt.tracked = tracked;
    opt.nyears = read_ints(L, 2, "years", &years);
    opt.years = years;
    TyMcTarget *targets;
    opt.ntargets = read_targets(L, 2, &targets);
    opt.targets = targets;
    double *probs;
    opt.nprobs = read_numbers(L, 2, "probs", &probs);
    opt.probs = probs;
    opt.exact_budget = (size_t)opt_int_field(L, 2, "exact_budget", 0, 0, LUA_MAXINTEGER);
    lua_getfield(L, 2, "draws");
    if (!lua_isnil(L, -1)) {
        DrawsBox *d = luaL_checkudata(L, -1, DRAWS_META);
        if (d->nparams != opt.nparams || d->nsamples != opt.nsamples)
            luaL_error(L, "draws: %zu parameters × %zu samples do not match the run's %zu × %zu",
                       d->nparams, d->nsamples, opt.nparams, opt.nsamples);
        opt.draws = d->values;
        opt.draws_finite = d->finite;
    }
    lua_pop(L, 1);
    lua_getfield(L, 2, "range");
    if (!lua_isnil(L, -1)) {
        luaL_checktype(L, -1, LUA_TTABLE);
        lua_rawgeti(L, -1, 1);
        lua_rawgeti(L, -2, 2);
        lua_Integer b = luaL_checkinteger(L, -2), e = luaL_checkinteger(L, -1);
        if (b < 0 || e <= b) luaL_error(L, "range: samples %I..%I is empty", (LUA_INTEGER)b, (LUA_INTEGER)e);
        opt.range_begin = (size_t)b;
        opt.range_end = (size_t)e;
        opt.keep_state = 1;
        lua_pop(L, 2);
    }
    lua_pop(L, 1);
    *o = opt;
}

/* run(model, spec) -> { samples, exact, rel_error, chunks, series = {...}, met = {...},
 * state = bytes (with a range) }
 * spec: overrides, params, samples, seed, lhs, threads, track, years, targets, probs,
 * exact_budget, draws (a tuiyan.Draws from draw_matrix with the same params), range = {A, B}
 * (samples A .. B - 1 only, 0-based: the result is theirs, and `state` their mergeable state). */
static int mc_run_l(lua_State *L)
{
    TyModel *m = check_model(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    TyMcOptions opt;
    read_run_options(L, m, &opt);
    TyMcResult res;
    TyError err;
    ty_error_clear(&err);
    Bar bar = {0};
    if (progress_on) {
        opt.progress = bar_progress;
        opt.progress_ctx = &bar;
    }
    HostInterruptScope scope;
    host_interrupt_begin(&scope);
    TyStatus st = mc_run(m, &opt, &res, &err);
    host_interrupt_end(&scope);
    bar_finish(&bar);
    if (st != TY_OK) return raise_core(L, &err);
    push_result(L, m, &res);
    if (res.state) {
        unsigned char *buf = NULL;
        size_t len = 0;
        st = mc_state_encode(res.state, &buf, &len, &err);
        mc_result_free(&res);
        if (st != TY_OK) return raise_core(L, &err);
        lua_pushlstring(L, (const char *)buf, len);
        ty_free(buf);
        lua_setfield(L, -2, "state");
        return 1;
    }
    mc_result_free(&res);
    return 1;
}

typedef struct StateList { TyMcState **v; size_t n; } StateList;

static int statelist_gc(lua_State *L)
{
    StateList *l = lua_touserdata(L, 1);
    for (size_t i = 0; l->v && i < l->n; i++) mc_state_free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
    return 0;
}

/* merge(model, spec, {bytes, ...}) -> the result run(model, spec) gives (spec's range ignored),
 * from the states of runs of ranges that tile its samples. A bad or foreign state, a gap or an
 * overlap raises a data error (exit 3). */
static int mc_merge_l(lua_State *L)
{
    TyModel *m = check_model(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    luaL_checktype(L, 3, LUA_TTABLE);
    lua_settop(L, 3);
    size_t n = lua_rawlen(L, 3);
    StateList *l = lua_newuserdatauv(L, sizeof *l, 0);          /* [4] */
    l->v = NULL;
    l->n = 0;
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, statelist_gc);
    lua_setfield(L, -2, "__gc");
    lua_setmetatable(L, -2);
    l->v = calloc(n + 1, sizeof *l->v);
    if (!l->v) return luaL_error(L, "not enough memory");
    TyError err;
    ty_error_clear(&err);
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, 3, (lua_Integer)i + 1);
        size_t len;
        const char *b = luaL_checklstring(L, -1, &len);
        TyStatus st = mc_state_decode((const unsigned char *)b, len, &l->v[i], &err);
        lua_pop(L, 1);
        if (st != TY_OK) return raise_core(L, &err);
        l->n = i + 1;
    }
    lua_pushvalue(L, 2);
    lua_replace(L, 2);
    TyMcOptions opt;
    read_run_options(L, m, &opt);
    TyMcResult res;
    TyStatus st = mc_merge(m, &opt, l->v, l->n, &res, &err);
    if (st != TY_OK) return raise_core(L, &err);
    push_result(L, m, &res);
    mc_result_free(&res);
    return 1;
}

/* tornado(model, spec) -> { base = y, rows = { {x_low, x_high, y_low, y_high, swing,
 * elasticity (nil when undefined)}, ... } } in the order of spec.params.
 * spec: overrides, params (with base), output (element name), year, low, high, step. */
static int mc_tornado(lua_State *L)
{
    TyModel *m = check_model(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    TySensOptions opt;
    memset(&opt, 0, sizeof opt);
    TySensParam *params;
    opt.overrides = read_overrides(L, 2, &opt.noverrides);
    opt.nparams = read_params(L, 2, NULL, &params);
    opt.params = params;
    lua_getfield(L, 2, "output");
    const char *out = lua_tostring(L, -1);
    if (!out) luaL_error(L, "field 'output' must be an element name");
    opt.elem = element_index(L, m, out);
    lua_pop(L, 1);
    opt.year = (int)opt_int_field(L, 2, "year", 0, 1900, 2200);
    opt.p_low = opt_number_field(L, 2, "low", 0.1);
    opt.p_high = opt_number_field(L, 2, "high", 0.9);
    opt.rel_step = opt_number_field(L, 2, "step", 1e-4);
    TySensRow *rows = scratch(L, opt.nparams, sizeof *rows);
    double y0;
    TyError err;
    ty_error_clear(&err);
    if (sens_oat(m, &opt, &y0, rows, &err) != TY_OK) return raise_core(L, &err);
    lua_createtable(L, 0, 2);
    set_number(L, "base", y0);
    lua_createtable(L, (int)opt.nparams, 0);
    for (size_t p = 0; p < opt.nparams; p++) {
        const TySensRow *r = &rows[p];
        lua_createtable(L, 0, 6);
        set_number(L, "x_low", r->x_low);
        set_number(L, "x_high", r->x_high);
        set_number(L, "y_low", r->y_low);
        set_number(L, "y_high", r->y_high);
        set_number(L, "swing", r->swing);
        if (!isnan(r->elasticity)) set_number(L, "elasticity", r->elasticity);
        lua_rawseti(L, -2, (lua_Integer)p + 1);
    }
    lua_setfield(L, -2, "rows");
    return 1;
}

/* ---- draws kept in memory (for benchmarks, and to share one draw among several runs) ---- */

static int draws_gc(lua_State *L)
{
    DrawsBox *d = luaL_checkudata(L, 1, DRAWS_META);
    free(d->values);
    d->values = NULL;
    return 0;
}

/* draw_matrix{ params =, samples =, seed =, lhs = } -> Draws (nparams × samples values) */
static int mc_draw_matrix(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    TyMcParam *params;
    size_t np = read_params(L, 1, &params, NULL);
    size_t n = (size_t)opt_int_field(L, 1, "samples", 0, 1, 100000000);
    uint64_t seed = (uint64_t)opt_int_field(L, 1, "seed", 0, 0, LUA_MAXINTEGER);
    lua_getfield(L, 1, "lhs");
    int lhs = lua_toboolean(L, -1);
    lua_pop(L, 1);
    DrawsBox *d = lua_newuserdatauv(L, sizeof *d, 0);
    d->values = NULL;
    d->finite = 0;
    d->nparams = np;
    d->nsamples = n;
    luaL_setmetatable(L, DRAWS_META);
    if (np > ((size_t)-1) / 16 / n) return luaL_error(L, "not enough memory");
    d->values = malloc((np * n + 1) * sizeof(double));
    if (!d->values) return luaL_error(L, "not enough memory");
    mc_draw(params, np, n, seed, lhs, 0, n, d->values, n);
    d->finite = 1;
    for (size_t i = 0; i < np * n && d->finite; i++) d->finite = isfinite(d->values[i]);
    return 1;
}

/* draws:bytes() -> the values as native doubles, parameter-major (for peers of a benchmark) */
static int draws_bytes(lua_State *L)
{
    DrawsBox *d = luaL_checkudata(L, 1, DRAWS_META);
    lua_pushlstring(L, (const char *)d->values, d->nparams * d->nsamples * sizeof(double));
    return 1;
}

/* draws:get(p, i) -> value of parameter p (1-based) in sample i (1-based) */
static int draws_get(lua_State *L)
{
    DrawsBox *d = luaL_checkudata(L, 1, DRAWS_META);
    lua_Integer p = luaL_checkinteger(L, 2), i = luaL_checkinteger(L, 3);
    luaL_argcheck(L, p >= 1 && (size_t)p <= d->nparams, 2, "parameter out of range");
    luaL_argcheck(L, i >= 1 && (size_t)i <= d->nsamples, 3, "sample out of range");
    lua_pushnumber(L, d->values[(size_t)(p - 1) * d->nsamples + (size_t)(i - 1)]);
    return 1;
}

/* draws:set(p, i, v): replaces the value of parameter p (1-based) in sample i (1-based), for a
 * transform of the draws made in Lua (tuiyan.calibrate gives fitted parameters their correlations) */
static int draws_set(lua_State *L)
{
    DrawsBox *d = luaL_checkudata(L, 1, DRAWS_META);
    lua_Integer p = luaL_checkinteger(L, 2), i = luaL_checkinteger(L, 3);
    double v = luaL_checknumber(L, 4);
    luaL_argcheck(L, p >= 1 && (size_t)p <= d->nparams, 2, "parameter out of range");
    luaL_argcheck(L, i >= 1 && (size_t)i <= d->nsamples, 3, "sample out of range");
    luaL_argcheck(L, isfinite(v), 4, "a finite number expected");
    d->values[(size_t)(p - 1) * d->nsamples + (size_t)(i - 1)] = v;
    return 0;
}

/* ---- clocks for benchmarks ---- */

/* now() -> seconds on a monotonic clock */
static int mc_now(lua_State *L)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    lua_pushnumber(L, (double)t.tv_sec + 1e-9 * (double)t.tv_nsec);
    return 1;
}

/* peak_memory() -> the process's peak resident memory in bytes (getrusage) */
static int mc_peak_memory(lua_State *L)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0) return luaL_error(L, "getrusage failed");
    lua_pushinteger(L, (lua_Integer)ru.ru_maxrss * 1024);
    return 1;
}

static const luaL_Reg draws_methods[] = {
    {"bytes", draws_bytes}, {"get", draws_get}, {"set", draws_set},
    {NULL, NULL}
};

static const luaL_Reg mc_funcs[] = {
    {"quantile", mc_quantile}, {"cdf", mc_cdf}, {"check", mc_check}, {"sample", mc_sample},
    {"run", mc_run_l}, {"merge", mc_merge_l}, {"tornado", mc_tornado}, {"draw_matrix", mc_draw_matrix},
    {"now", mc_now}, {"peak_memory", mc_peak_memory}, {"set_progress", mc_set_progress},
    {NULL, NULL}
};

int luaopen_tuiyan_mc(lua_State *L)
{
    if (luaL_newmetatable(L, DRAWS_META)) {
        lua_pushcfunction(L, draws_gc);
        lua_setfield(L, -2, "__gc");
        lua_pushcfunction(L, draws_gc);
        lua_setfield(L, -2, "__close");
        luaL_newlib(L, draws_methods);
        lua_setfield(L, -2, "__index");
    }
    lua_pop(L, 1);
    luaL_newlib(L, mc_funcs);
    return 1;
}
