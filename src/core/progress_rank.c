/* progress_rank.c — a rank target judged among peers (DOMAIN §6; progress.h, TyRankInfo): the
 * region's rank in each year from its own and its peers' values, every region projected to the
 * target year by the row's trend, the rank of the region's projection, and the value that
 * reaches rank N. Every region is anchored on the plan's declared base year (else its earliest
 * value) so that all are projected the same way. */
#include "progress_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>   /* qsort */
#include <string.h>

static const char WHY_PEER_NO_VALUE[] = "a peer has no value at or before the as-of year to project from";
static const char WHY_PEER_ONE_VALUE[] = "a peer has one value: no trend to project";
static const char WHY_OWN_ONE_VALUE[] = "base and latest are the same year (one actual)";
static const char WHY_OWN_NONE[] = "no actual at or before the as-of year";
static const char WHY_OUT_OF_RANGE[] = "result out of range";
static const char WHY_PEER_AT_T[] = "a peer has no value for the target year";
static const char WHY_OWN_AT_T[] = "no actual for the target year (another year never stands in)";
static const char WHY_FEWER[] = "fewer peers than N: any value ranks within N";

static const TyIndicator *peer_row(const TyPlan *peer, const char *id)
{
    long k = plan_find(peer, id);
    return k < 0 ? NULL : &peer->ind[k];
}

int rank_has_peers(const TyPeers *peers, const char *id)
{
    if (!peers) return 0;
    for (size_t i = 0; i < peers->n; i++)
        if (peer_row(peers->plan[i], id)) return 1;
    return 0;
}

static int better(double x, double y, int d) { return d > 0 ? x > y : x < y; }

/* Peer i's values at or before as_of; empty when it has no row of this id. */
static void peer_values(const TyPeers *peers, size_t i, const char *id, int as_of, TyYears *out)
{
    const TyIndicator *row = peer_row(peers->plan[i], id);
    if (row) {
        years_own(peers->plan[i], row, as_of, out);
    } else {
        out->lo = 1;
        out->hi = 0;
    }
}

/* A region's value projected to T from (b, t) on s; NaN with *why when it cannot be. */
static double project(const TyPlan *p, const TyIndicator *ind, const TyYears *s, int T,
                      const char *none, const char *one, const char **why)
{
    TyAnchor an;
    years_anchor(p, ind, s, &an);
    if (an.b == 0) { *why = none; return NAN; }
    if (an.t == an.b) { *why = one; return NAN; }
    double v = years_project(ind->trend, s, an.b, an.t, T);
    if (isnan(v)) *why = WHY_OUT_OF_RANGE;
    return v;
}

static int cmp_up(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);   /* descending: the best (largest) first */
}

static int cmp_down(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);   /* ascending: the best (smallest) first */
}

/* The N-th best of the peers' values v[0..n) (sorted in place), the value a region needs to
 * rank N or better; undefined with its reason when there are fewer than N peers. */
static TyQuantity nth_best(double *v, size_t n, int N, int d)
{
    TyQuantity q = { NAN, NULL };
    if ((size_t)N > n) {
        q.why = WHY_FEWER;
        return q;
    }
    qsort(v, n, sizeof *v, d > 0 ? cmp_up : cmp_down);
    q.v = v[N - 1];
    return q;
}

void rank_among_peers(const TyPlan *p, const TyIndicator *ind, const TyPeers *peers, int as_of, int T,
                      int N, TyRankCtx *ctx, TyRankInfo *info)
{
    int d = ind->direction == TY_DOWN ? -1 : 1;
    TyYears own;
    years_own(p, ind, as_of, &own);
    memset(info, 0, sizeof *info);
    info->ranked = 1;
    info->regions = (int)peers->n + 1;
    info->own_value.v = info->needed.v = NAN;

    /* The rank in each year of the region's values: peers strictly better, counted peer by peer;
     * a year any peer lacks is not ranked (a partial ranking would flatter or wrong the region). */
    static const int none = -1;
    int lo = own.lo, hi = own.hi;
    int count[TY_NYEARS];
    for (int y = lo; y <= hi; y++) count[y - TY_YEAR_MIN] = years_has(&own, y) ? 0 : none;
    double at_T[TY_PEERS_MAX];   /* on the stack: computing progress never fails for memory */
    size_t nat_T = 0;
    int peers_have_T = 1;
    const char *proj_why = NULL;
    const char *missing_peer = NULL;
    int missing_year = 0;
    TyYears s;
    for (size_t i = 0; i < peers->n; i++) {
        peer_values(peers, i, ind->id, as_of, &s);
        for (int y = lo; y <= hi; y++) {
            int *c = &count[y - TY_YEAR_MIN];
            if (*c == none) continue;
            if (!years_has(&s, y)) {
                *c = none;
                if (!missing_peer || y > missing_year) {
                    missing_peer = peers->name[i];
                    missing_year = y;
                }
            } else if (better(years_get(&s, y), years_get(&own, y), d)) {
                (*c)++;
            }
        }
        double v;
        if (T <= as_of) {
            v = years_get(&s, T);
            if (isnan(v) && peers_have_T) {
                peers_have_T = 0;
                snprintf(info->note, sizeof info->note, "%s has no value for %d", peers->name[i], T);
            }
        } else {
            const char *why = NULL;
            v = project(p, ind, &s, T, WHY_PEER_NO_VALUE, WHY_PEER_ONE_VALUE, &why);
            if (isnan(v) && !proj_why) {
                proj_why = why;
                snprintf(info->note, sizeof info->note, "%s: %s", peers->name[i], why);
            }
        }
        at_T[nat_T++] = v;
    }
    TyYears *r = &ctx->ranks;
    r->lo = lo;
    r->hi = hi;
    for (int y = lo; y <= hi; y++) {
        int c = count[y - TY_YEAR_MIN];
        r->x[y - TY_YEAR_MIN] = c == none ? NAN : (double)(c + 1);
        if (c != none) {
            info->year = y;
            info->rank = c + 1;
        }
    }
    if (info->note[0] == '\0' && missing_peer && (info->year == 0 || missing_year > info->year))
        snprintf(info->note, sizeof info->note, "%s has no value for %d", missing_peer, missing_year);

    /* The region's own value at T, the projected rank and the value needed. */
    const char *own_why = NULL;
    double own_T;
    if (T <= as_of) {
        own_T = years_get(&own, T);
        if (isnan(own_T)) own_why = WHY_OWN_AT_T;
    } else {
        own_T = project(p, ind, &own, T, WHY_OWN_NONE, WHY_OWN_ONE_VALUE, &own_why);
    }
    info->own_value.v = own_T;
    info->own_value.why = own_why;
    ctx->projected = NAN;
    ctx->projected_why = NULL;
    if (T > as_of) {
        if (own_why) {
            ctx->projected_why = own_why;
        } else if (proj_why) {
            ctx->projected_why = proj_why;
        } else {
            int c = 0;
            for (size_t i = 0; i < nat_T; i++) c += better(at_T[i], own_T, d);
            ctx->projected = (double)(c + 1);
        }
    }
    if (T <= as_of ? !peers_have_T : proj_why != NULL) {
        info->needed.why = T <= as_of ? WHY_PEER_AT_T : proj_why;
    } else {
        info->needed = nth_best(at_T, nat_T, N, d);
    }
}
