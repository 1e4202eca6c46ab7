/* peer_wuwei_vec.c — the standard Wuwei model (stdlib/tuiyan/models/wuwei.lua, baseline levers)
 * written by hand in C the way a C programmer writes it for speed: structure of arrays over
 * blocks of 256 samples, every step of the model a loop over the block that the compiler turns
 * into vector instructions (cc -O3 -march=native), the state of a block in arrays, the reduction
 * to shifted sums in per-lane partial sums. The model's only elementary function is pow (three per
 * sample-year: the fractional, per-sample elasticities); like the scalar peer and tuiyan, this
 * peer calls libm's pow (glibc, scalar: a loop of calls, not vectorised), so what it gains over the
 * scalar peer is everything but pow. Same job, inputs, clocks and output as bench/peer_wuwei.c
 * (bench/peer_common.h); writes DIR/c_vec.json.
 *
 *   peer_c_vec DIR REPS */
#include "peer_common.h"

#define BLOCK 256
#define LANES 8 /* partial sums per indicator-year: one AVX-512 vector, two AVX2 ones */

#define FIELD(name) (offsetof(Params, name) / sizeof(double))

/* Per-lane partial sums of d and d*d for every indicator-year, folded into Sums at the end. */
static double acc1[MAXY * NIND][LANES], acc2[MAXY * NIND][LANES];

/* x[0..len) - shift summed into a1/a2 lane by lane (len a multiple of LANES but for the last block). */
static void reduce(const double *restrict x, int len, double shift, double *restrict a1, double *restrict a2)
{
    double p1[LANES], p2[LANES];
    for (int j = 0; j < LANES; j++) { p1[j] = a1[j]; p2[j] = a2[j]; }
    int i = 0;
    for (; i + LANES <= len; i += LANES)
        for (int j = 0; j < LANES; j++) {
            double d = x[i + j] - shift;
            p1[j] += d;
            p2[j] += d * d;
        }
    for (int j = 0; i < len; i++, j++) {
        double d = x[i] - shift;
        p1[j] += d;
        p2[j] += d * d;
    }
    for (int j = 0; j < LANES; j++) { a1[j] = p1[j]; a2[j] = p2[j]; }
}

#define A __attribute__((aligned(64)))
/* One block: every parameter (pb, by Params index), the derived constants and the state of its
 * samples, this year's indicators (o). File-scope arrays, so the compiler knows none aliases. */
static double pb[NFIELDS][BLOCK] A;
static double rd_total_2021[BLOCK] A, ent_rd_2021[BLOCK] A, base_city[BLOCK] A, base_county[BLOCK] A;
static double gf[BLOCK] A, bf[BLOCK] A, sme[BLOCK] A, prov[BLOCK] A, hte[BLOCK] A, hv[BLOCK] A;
static double prev_extra[BLOCK] A, prev_rd_total[BLOCK] A;
static double c0[BLOCK] A, c1[BLOCK] A, c2[BLOCK] A, moved[BLOCK] A;   /* cohorts by age; firms moved in */
static double rd_ratio[BLOCK] A, ent_ratio[BLOCK] A;
static double o[NIND][BLOCK] A;
#undef A
#define V(name) pb[FIELD(name)][i]

/* The block's first year (before any flow). */
static void year0(void)
{
    for (int i = 0; i < BLOCK; i++) {
        rd_total_2021[i] = V(gdp_2021) * (V(rd_intensity_2020) + V(rd_intensity_2021_change)) * 0.01;
        ent_rd_2021[i] = rd_total_2021[i] * (V(ent_rd_share_2020) + V(ent_rd_share_2021_change)) * 0.01;
        base_city[i] = V(city_budget_2021) * V(city_fiscal_share_2021);
        base_county[i] = V(county_budget_2021) * V(county_fiscal_share_2021);
        gf[i] = 1;
        bf[i] = 1;
        sme[i] = V(sme_2021);
        prov[i] = V(prov_2021);
        hte[i] = V(hte_2021);
        c0[i] = c1[i] = V(hte_2021) * V(hte_first_cohort_share);
        c2[i] = V(hte_2021) - 2 * c0[i];
        moved[i] = 0;
        hv[i] = V(hv_patents_per_10k_2021) * V(population);
        prev_extra[i] = 0;
        prev_rd_total[i] = rd_total_2021[i];
    }
}

/* A year of the block: first (the first year) is a constant at every call, so each call is a loop
 * without branches. */
static inline __attribute__((always_inline)) void year(const int first)
{
    for (int i = 0; i < BLOCK; i++) {
        if (!first) { gf[i] *= 1 + V(gdp_growth); bf[i] *= 1 + V(budget_growth); }
        double gdp = V(gdp_2021) * gf[i];
        double city_budget = V(city_budget_2021) * bf[i], county_budget = V(county_budget_2021) * bf[i];
        double raise = 1 + (first ? 0 : V(fiscal_raise_pct)) * 0.01;
        double city_fst = city_budget * V(city_fiscal_share_2021) * raise * 0.01;
        double county_fst = county_budget * V(county_fiscal_share_2021) * raise * 0.01;
        double extra = city_fst + county_fst - (base_city[i] * bf[i] + base_county[i] * bf[i]) * 0.01;

        /* enterprise pipeline: flows from last year's levels */
        double s = sme[i], pv = prov[i], h = hte[i];
        double sme_promotions = s * V(sme_promotion_rate);
        double prov_promotions = pv * V(prov_promotion_rate);
        if (!first) {
            /* extra certifications come out of the pool, at most a share of it */
            double cap = pv * V(hte_extra_pool_share);
            double extra_made = V(extra_hte) < cap ? V(extra_hte) : cap;
            double certified = prov_promotions + V(hte_direct) + extra_made;
            double ex = V(hte_exit_rate), arr = V(hte_moved_in), due = c2[i];
            double lapsed = (1 - ex) * (1 - V(hte_renewal_rate)) * due;
            double n0 = certified + (1 - ex) * V(hte_renewal_rate) * due + V(hte_moved_in_share_new) * arr;
            double n1 = c0[i] * (1 - ex) + V(hte_moved_in_share_1y) * arr;
            c2[i] = c1[i] * (1 - ex) + (1 - V(hte_moved_in_share_new) - V(hte_moved_in_share_1y)) * arr;
            c1[i] = n1;
            c0[i] = n0;
            sme[i] = s + V(sme_new) - s * V(sme_exit_rate) - sme_promotions;
            prov[i] = pv + sme_promotions + V(prov_new_direct) - pv * V(prov_exit_rate) - prov_promotions - extra_made;
            h = h + certified + arr - lapsed - h * ex;
            hte[i] = h;
            moved[i] = moved[i] + arr - moved[i] * ex;
            hv[i] = hv[i] + prev_rd_total[i] * V(patents_per_rd) - hv[i] * V(patent_lapse_rate);
        }

        /* R&D finance */
        double hte_firms = V(hte_2021) + V(hte_rd_additionality) * (h - V(hte_2021) - moved[i]) + moved[i];
        double ent_rd = (ent_rd_2021[i] - V(hte_2021) * V(hte_rd_per_firm)) * gf[i] + hte_firms * V(hte_rd_per_firm)
                        + V(rd_leverage) * prev_extra[i];
        double public_rd = (rd_total_2021[i] - ent_rd_2021[i]) * gf[i] + V(fiscal_rd_fraction) * extra;
        double rd_total = ent_rd + public_rd;
        rd_ratio[i] = rd_total / rd_total_2021[i];
        ent_ratio[i] = ent_rd / ent_rd_2021[i];

        o[0][i] = V(sci_progress_2021);
        o[1][i] = V(innovation_index_2020) + V(innovation_index_2021_change);
        o[2][i] = ent_rd / rd_total * 100;
        o[3][i] = rd_total / gdp * 100;
        o[4][i] = city_fst / city_budget * 100;
        o[5][i] = county_fst / county_budget * 100;
        o[6][i] = (V(industrial_rd_ratio_2020) + V(industrial_rd_ratio_2021_change)) * ent_ratio[i] / gf[i];
        o[7][i] = V(industrial_rd_active_2020) + V(industrial_rd_active_2021_change);
        o[9][i] = hv[i] / V(population);
        o[12][i] = h;
        o[13][i] = prov[i];
        o[14][i] = sme[i];
        prev_extra[i] = extra;
        prev_rd_total[i] = rd_total;
    }
    /* the three pows: libm's, one call per value (not vectorised) */
    for (int i = 0; i < BLOCK; i++) {
        o[8][i] = (V(rd_personnel_2020) + V(rd_personnel_2021_change)) * pow(rd_ratio[i], V(personnel_elasticity));
        o[10][i] = (V(new_product_share_2020) + V(new_product_share_2021_change)) * pow(ent_ratio[i], V(new_product_elasticity));
        o[11][i] = V(turnover_2021) * pow(rd_ratio[i], V(turnover_rd_elasticity));
    }
}

static void job(const Inputs *inp, Sums *r)
{
    const size_t n = inp->n;
    const int ny = inp->ny;
    for (size_t j = 0; j < NFIELDS; j++)
        for (int i = 0; i < BLOCK; i++) pb[FIELDS[j].off / sizeof(double)][i] = FIELDS[j].dflt;
    memset(acc1, 0, sizeof acc1);
    memset(acc2, 0, sizeof acc2);
    for (size_t b = 0; b < n; b += BLOCK) {
        const int len = n - b < BLOCK ? (int)(n - b) : BLOCK;
        /* this block's drawn parameters; a short last block is padded with its last sample */
        for (int k = 0; k < inp->np; k++) {
            double *dst = pb[inp->field[k]];
            const double *src = inp->in + (size_t)k * n + b;
            memcpy(dst, src, (size_t)len * sizeof(double));
            for (int i = len; i < BLOCK; i++) dst[i] = src[len - 1];
        }
        year0();
        for (int e = 0; e < ny; e++) {
            if (e == 0) year(1);
            else year(0);
            double *sh = r->shift + (size_t)e * NIND;
            if (b == 0)
                for (int k = 0; k < NIND; k++) sh[k] = o[k][0];
            for (int k = 0; k < NIND; k++)
                reduce(o[k], len, sh[k], acc1[e * NIND + k], acc2[e * NIND + k]);
        }
    }
    for (int i = 0; i < ny * NIND; i++) {
        double s1 = 0, s2 = 0;
        for (int j = 0; j < LANES; j++) { s1 += acc1[i][j]; s2 += acc2[i][j]; }
        r->s1[i] = s1;
        r->s2[i] = s2;
    }
}

int main(int argc, char **argv) { return peer_main(argc, argv, "c_vec", job); }
