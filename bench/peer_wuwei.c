/* peer_wuwei.c — the standard Wuwei model (stdlib/tuiyan/models/wuwei.lua, baseline levers)
 * written by hand in plain C: the practical limit the benchmark measures tuiyan against.
 *
 * It reads the samples tuiyan drew (DIR/inputs.f64: one block of doubles per uncertain
 * parameter, in the order of DIR/meta.txt), evaluates every sample over every year the way a C
 * programmer would (one sample at a time, state in locals, growth as a running product), and
 * reduces each of the 15 indicators in each year to a mean and standard deviation with shifted
 * sums, as tuiyan does. It times the evaluation and reduction only (not the reading), several
 * times, and writes DIR/c.json with the times and the statistics, which bench/compare.py checks
 * against tuiyan's.
 *
 *   peer_c DIR REPS */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NIND 15
#define MAXY 200

typedef struct Params {
    double hte_2021, prov_2021, sme_2021, rd_intensity_2020, ent_rd_share_2020;
    double city_fiscal_share_2021, turnover_2021, hv_patents_per_10k_2021, new_product_share_2020;
    double industrial_rd_ratio_2020, rd_personnel_2020;
    double extra_hte, hte_moved_in, fiscal_raise_pct;
    double gdp_2021, gdp_growth, city_budget_2021, county_budget_2021, budget_growth;
    double county_fiscal_share_2021, rd_intensity_2021_change;
    double sme_new, sme_exit_rate, sme_promotion_rate, prov_new_direct, prov_exit_rate;
    double prov_promotion_rate, hte_direct, hte_renewal_rate, hte_exit_rate, hte_certified_before_2021;
    double hte_rd_per_firm, fiscal_rd_fraction, rd_leverage;
    double turnover_rd_elasticity, new_product_elasticity, personnel_elasticity, population;
    double patents_per_rd, patent_lapse_rate;
    double sci_progress_2021, innovation_index_2020, industrial_rd_active_2020;
} Params;

#define F(name, v) { #name, offsetof(Params, name), v }
static const struct { const char *name; size_t off; double dflt; } FIELDS[] = {
    F(hte_2021, 59), F(prov_2021, 44), F(sme_2021, 122), F(rd_intensity_2020, 0.62),
    F(ent_rd_share_2020, 61.34), F(city_fiscal_share_2021, 0.56), F(turnover_2021, 14.1),
    F(hv_patents_per_10k_2021, 0.58), F(new_product_share_2020, 3.19),
    F(industrial_rd_ratio_2020, 0.85), F(rd_personnel_2020, 7.95),
    F(extra_hte, 0), F(hte_moved_in, 0), F(fiscal_raise_pct, 0),
    F(gdp_2021, 560), F(gdp_growth, 0.055), F(city_budget_2021, 60), F(county_budget_2021, 200),
    F(budget_growth, 0.04), F(county_fiscal_share_2021, 0.3), F(rd_intensity_2021_change, 0),
    F(sme_new, 30), F(sme_exit_rate, 0.08), F(sme_promotion_rate, 0.06), F(prov_new_direct, 6),
    F(prov_exit_rate, 0.03), F(prov_promotion_rate, 0.12), F(hte_direct, 6),
    F(hte_renewal_rate, 0.75), F(hte_exit_rate, 0.02), F(hte_certified_before_2021, 59.0 / 3),
    F(hte_rd_per_firm, 0.025), F(fiscal_rd_fraction, 0.5), F(rd_leverage, 1.0),
    F(turnover_rd_elasticity, 1.2), F(new_product_elasticity, 0.8), F(personnel_elasticity, 0.7),
    F(population, 145), F(patents_per_rd, 6), F(patent_lapse_rate, 0.05),
    F(sci_progress_2021, 55.35), F(innovation_index_2020, 42.92), F(industrial_rd_active_2020, 36),
};
#define NFIELDS (sizeof FIELDS / sizeof FIELDS[0])

/* The plan's order. */
static const char *const INDICATORS[NIND] = {
    "sci_progress_contribution", "innovation_index", "enterprise_rd_share", "rd_intensity",
    "city_fiscal_st_share", "county_fiscal_st_share", "industrial_rd_revenue_ratio",
    "industrial_rd_active_share", "rd_personnel_per_10k", "hv_patents_per_10k",
    "new_product_sales_share", "tech_contract_turnover", "hte_count", "prov_st_enterprises",
    "tech_smes",
};

/* One sample over ny years: out[y * NIND + k]. */
static void simulate(const Params *p, int ny, double *out)
{
    double rd_total_2021 = p->gdp_2021 * (p->rd_intensity_2020 + p->rd_intensity_2021_change) * 0.01;
    double ent_rd_2021 = rd_total_2021 * p->ent_rd_share_2020 * 0.01;
    double base_city = p->city_budget_2021 * p->city_fiscal_share_2021;
    double base_county = p->county_budget_2021 * p->county_fiscal_share_2021;
    double gf = 1, bf = 1;
    double sme = p->sme_2021, prov = p->prov_2021, hte = p->hte_2021;
    double hv = p->hv_patents_per_10k_2021 * p->population;
    double prev_extra = 0, prev_rd_total = rd_total_2021;
    double issued[3] = { 0, 0, 0 };
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
        double due = e < 3 ? p->hte_certified_before_2021 : issued[e % 3];
        double certified = e == 0 ? 0 : prov_promotions + p->hte_direct + p->extra_hte;
        issued[e % 3] = e == 0 ? p->hte_certified_before_2021 : certified + p->hte_renewal_rate * due;
        if (e > 0) {
            double new_sme = sme + p->sme_new - sme * p->sme_exit_rate - sme_promotions;
            double new_prov = prov + sme_promotions + p->prov_new_direct - prov * p->prov_exit_rate - prov_promotions;
            hte = hte + certified + p->hte_moved_in - (1 - p->hte_renewal_rate) * due - hte * p->hte_exit_rate;
            hv = hv + prev_rd_total * p->patents_per_rd - hv * p->patent_lapse_rate;
            sme = new_sme;
            prov = new_prov;
        }

        /* R&D finance */
        double ent_rd = (ent_rd_2021 - p->hte_2021 * p->hte_rd_per_firm) * gf + hte * p->hte_rd_per_firm
                        + p->rd_leverage * prev_extra;
        double public_rd = (rd_total_2021 - ent_rd_2021) * gf + p->fiscal_rd_fraction * extra;
        double rd_total = ent_rd + public_rd;
        double rd_ratio = rd_total / rd_total_2021;

        double *o = out + (size_t)e * NIND;
        o[0] = p->sci_progress_2021;
        o[1] = p->innovation_index_2020;
        o[2] = ent_rd / rd_total * 100;
        o[3] = rd_total / gdp * 100;
        o[4] = city_fst / city_budget * 100;
        o[5] = county_fst / county_budget * 100;
        o[6] = p->industrial_rd_ratio_2020 * (ent_rd / ent_rd_2021) / gf;
        o[7] = p->industrial_rd_active_2020;
        o[8] = p->rd_personnel_2020 * pow(rd_ratio, p->personnel_elasticity);
        o[9] = hv / p->population;
        o[10] = p->new_product_share_2020 * pow(ent_rd / ent_rd_2021, p->new_product_elasticity);
        o[11] = p->turnover_2021 * pow(rd_ratio, p->turnover_rd_elasticity);
        o[12] = hte;
        o[13] = prov;
        o[14] = sme;
        prev_extra = extra;
        prev_rd_total = rd_total;
    }
}

/* CPU seconds of this process: what every peer measures (a shared machine disturbs it less). */
static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 3) { fprintf(stderr, "usage: peer_c DIR REPS\n"); return 2; }
    char path[4096];
    snprintf(path, sizeof path, "%s/meta.txt", argv[1]);
    FILE *f = fopen(path, "r");
    if (!f) { perror(path); return 1; }
    size_t n;
    int first, last, np;
    if (fscanf(f, "samples %zu first_year %d last_year %d params %d", &n, &first, &last, &np) != 4) {
        fprintf(stderr, "%s: bad header\n", path);
        return 1;
    }
    int ny = last - first + 1;
    if (ny < 1 || ny > MAXY || np < 0 || np > (int)NFIELDS) { fprintf(stderr, "bad sizes\n"); return 1; }
    size_t offs[NFIELDS];
    for (int k = 0; k < np; k++) {
        char name[128];
        if (fscanf(f, "%127s", name) != 1) { fprintf(stderr, "%s: missing names\n", path); return 1; }
        size_t j = 0;
        while (j < NFIELDS && strcmp(FIELDS[j].name, name) != 0) j++;
        if (j == NFIELDS) { fprintf(stderr, "unknown parameter %s\n", name); return 1; }
        offs[k] = FIELDS[j].off;
    }
    fclose(f);
    double *in = malloc((size_t)np * n * sizeof *in);
    snprintf(path, sizeof path, "%s/inputs.f64", argv[1]);
    f = fopen(path, "rb");
    if (!in || !f || fread(in, sizeof *in, (size_t)np * n, f) != (size_t)np * n) { perror(path); return 1; }
    fclose(f);
    int reps = atoi(argv[2]);
    if (reps < 1) reps = 1;

    Params dflt;
    for (size_t j = 0; j < NFIELDS; j++) *(double *)((char *)&dflt + FIELDS[j].off) = FIELDS[j].dflt;
    static double s1[MAXY * NIND], s2[MAXY * NIND], shift[MAXY * NIND], row[MAXY * NIND];
    double times[64];
    if (reps > 64) reps = 64;
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        memset(s1, 0, sizeof s1);
        memset(s2, 0, sizeof s2);
        for (size_t s = 0; s < n; s++) {
            Params p = dflt;
            for (int k = 0; k < np; k++) *(double *)((char *)&p + offs[k]) = in[(size_t)k * n + s];
            simulate(&p, ny, row);
            if (s == 0) memcpy(shift, row, (size_t)ny * NIND * sizeof(double));
            for (int i = 0; i < ny * NIND; i++) {
                double d = row[i] - shift[i];
                s1[i] += d;
                s2[i] += d * d;
            }
        }
        times[r] = now() - t0;
    }
    double sorted[64];
    memcpy(sorted, times, (size_t)reps * sizeof(double));
    qsort(sorted, (size_t)reps, sizeof(double), cmp);

    snprintf(path, sizeof path, "%s/c.json", argv[1]);
    f = fopen(path, "w");
    if (!f) { perror(path); return 1; }
    fprintf(f, "{\"peer\": \"c\", \"median_s\": %.6f, \"times\": [", sorted[reps / 2]);
    for (int r = 0; r < reps; r++) fprintf(f, "%s%.6f", r ? ", " : "", times[r]);
    fprintf(f, "], \"indicators\": [");
    for (int k = 0; k < NIND; k++) fprintf(f, "%s\"%s\"", k ? ", " : "", INDICATORS[k]);
    fprintf(f, "],\n \"mean\": [");
    for (int k = 0; k < NIND; k++) {
        fprintf(f, "%s[", k ? ",\n  " : "");
        for (int y = 0; y < ny; y++) {
            int i = y * NIND + k;
            fprintf(f, "%s%.17g", y ? ", " : "", shift[i] + s1[i] / (double)n);
        }
        fprintf(f, "]");
    }
    fprintf(f, "],\n \"sd\": [");
    for (int k = 0; k < NIND; k++) {
        fprintf(f, "%s[", k ? ",\n  " : "");
        for (int y = 0; y < ny; y++) {
            int i = y * NIND + k;
            double m2 = s2[i] - s1[i] * s1[i] / (double)n;
            fprintf(f, "%s%.17g", y ? ", " : "", n > 1 && m2 > 0 ? sqrt(m2 / (double)(n - 1)) : 0.0);
        }
        fprintf(f, "]");
    }
    fprintf(f, "]}\n");
    fclose(f);
    free(in);
    return 0;
}
