/* peer_wuwei.c — the standard Wuwei model (stdlib/tuiyan/models/wuwei.lua, baseline levers)
 * written by hand in plain C: the practical limit the benchmark measures tuiyan against.
 *
 * It reads the samples tuiyan drew (DIR/inputs.f64: one block of doubles per uncertain
 * parameter, in the order of DIR/meta.txt), evaluates every sample over every year the way a C
 * programmer would (one sample at a time, state in locals, growth as a running product, libm's
 * pow), and reduces each of the 15 indicators in each year to a mean and standard deviation with
 * shifted sums, as tuiyan does. Compiled cc -O2 like tuiyan itself. It times the evaluation and
 * reduction only (not the reading), in CPU and wall seconds, several times, and writes DIR/c.json
 * with the times and the statistics, which bench/compare.py checks against tuiyan's
 * (bench/peer_common.h: the inputs, the clocks, the output; REPS 0: the job once, for its memory).
 *
 *   peer_c DIR REPS */
#include "peer_common.h"

/* One sample over ny years: out[y * NIND + k]. */
static void simulate(const Params *p, int ny, double *out)
{
    double rd_total_2021 = p->gdp_2021 * (p->rd_intensity_2020 + p->rd_intensity_2021_change) * 0.01;
    double ent_rd_2021 = rd_total_2021 * (p->ent_rd_share_2020 + p->ent_rd_share_2021_change) * 0.01;
    double base_city = p->city_budget_2021 * p->city_fiscal_share_2021;
    double base_county = p->county_budget_2021 * p->county_fiscal_share_2021;
    double gf = 1, bf = 1;
    double sme = p->sme_2021, prov = p->prov_2021, hte = p->hte_2021;
    double hv = p->hv_patents_per_10k_2021 * p->population;
    double prev_extra = 0, prev_rd_total = rd_total_2021;
    /* certificates by cohort: issued this year, a year and two years before; firms moved in */
    double c0 = p->hte_2021 * p->hte_first_cohort_share, c1 = c0, c2 = p->hte_2021 - 2 * c0, moved = 0;
    double ex = p->hte_exit_rate, share_old = 1 - p->hte_moved_in_share_new - p->hte_moved_in_share_1y;
    for (int e = 0; e < ny; e++) {
        if (e > 0) { gf *= 1 + p->gdp_growth; bf *= 1 + p->budget_growth; }
        double gdp = p->gdp_2021 * gf;
        double city_budget = p->city_budget_2021 * bf, county_budget = p->county_budget_2021 * bf;
        double raise = 1 + (e >= 1 ? p->fiscal_raise_pct : 0) * 0.01;
        double city_fst = city_budget * p->city_fiscal_share_2021 * raise * 0.01;
        double county_fst = county_budget * p->county_fiscal_share_2021 * raise * 0.01;
        double extra = city_fst + county_fst - (base_city * bf + base_county * bf) * 0.01;

        /* enterprise pipeline: flows from last year's levels */
        double sme_promotions = sme * p->sme_promotion_rate;
        double prov_promotions = prov * p->prov_promotion_rate;
        if (e > 0) {
            /* extra certifications come out of the pool, at most a share of it */
            double cap = prov * p->hte_extra_pool_share;
            double extra_made = p->extra_hte < cap ? p->extra_hte : cap;
            double certified = prov_promotions + p->hte_direct + extra_made;
            double arr = p->hte_moved_in, due = c2;
            double lapsed = (1 - ex) * (1 - p->hte_renewal_rate) * due;
            double n0 = certified + (1 - ex) * p->hte_renewal_rate * due + p->hte_moved_in_share_new * arr;
            double n1 = c0 * (1 - ex) + p->hte_moved_in_share_1y * arr;
            c2 = c1 * (1 - ex) + share_old * arr;
            c1 = n1;
            c0 = n0;
            double new_sme = sme + p->sme_new - sme * p->sme_exit_rate - sme_promotions;
            double new_prov = prov + sme_promotions + p->prov_new_direct - prov * p->prov_exit_rate - prov_promotions
                              - extra_made;
            hte = hte + certified + arr - lapsed - hte * ex;
            moved = moved + arr - moved * ex;
            hv = hv + prev_rd_total * p->patents_per_rd - hv * p->patent_lapse_rate;
            sme = new_sme;
            prov = new_prov;
        }

        /* R&D finance */
        double hte_firms = p->hte_2021 + p->hte_rd_additionality * (hte - p->hte_2021 - moved) + moved;
        double ent_rd = (ent_rd_2021 - p->hte_2021 * p->hte_rd_per_firm) * gf + hte_firms * p->hte_rd_per_firm
                        + p->rd_leverage * prev_extra;
        double public_rd = (rd_total_2021 - ent_rd_2021) * gf + p->fiscal_rd_fraction * extra;
        double rd_total = ent_rd + public_rd;
        double rd_ratio = rd_total / rd_total_2021;

        double *o = out + (size_t)e * NIND;
        o[0] = p->sci_progress_2021;
        o[1] = p->innovation_index_2020 + p->innovation_index_2021_change;
        o[2] = ent_rd / rd_total * 100;
        o[3] = rd_total / gdp * 100;
        o[4] = city_fst / city_budget * 100;
        o[5] = county_fst / county_budget * 100;
        o[6] = (p->industrial_rd_ratio_2020 + p->industrial_rd_ratio_2021_change) * (ent_rd / ent_rd_2021) / gf;
        o[7] = p->industrial_rd_active_2020 + p->industrial_rd_active_2021_change;
        o[8] = (p->rd_personnel_2020 + p->rd_personnel_2021_change) * pow(rd_ratio, p->personnel_elasticity);
        o[9] = hv / p->population;
        o[10] = (p->new_product_share_2020 + p->new_product_share_2021_change) * pow(ent_rd / ent_rd_2021, p->new_product_elasticity);
        o[11] = p->turnover_2021 * pow(rd_ratio, p->turnover_rd_elasticity);
        o[12] = hte;
        o[13] = prov;
        o[14] = sme;
        prev_extra = extra;
        prev_rd_total = rd_total;
    }
}

static void job(const Inputs *inp, Sums *r)
{
    static double row[MAXY * NIND];
    const Params dflt = default_params();
    size_t n = inp->n;
    int nv = inp->ny * NIND;
    memset(r->s1, 0, sizeof r->s1);
    memset(r->s2, 0, sizeof r->s2);
    for (size_t s = 0; s < n; s++) {
        Params p = dflt;
        double *pv = (double *)&p;
        for (int k = 0; k < inp->np; k++) pv[inp->field[k]] = inp->in[(size_t)k * n + s];
        simulate(&p, inp->ny, row);
        if (s == 0) memcpy(r->shift, row, (size_t)nv * sizeof(double));
        for (int i = 0; i < nv; i++) {
            double d = row[i] - r->shift[i];
            r->s1[i] += d;
            r->s2[i] += d * d;
        }
    }
}

int main(int argc, char **argv) { return peer_main(argc, argv, "c", job); }
