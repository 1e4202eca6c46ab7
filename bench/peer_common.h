/* peer_common.h — what the two hand-written C peers of `make bench` share (bench/peer_wuwei.c,
 * scalar; bench/peer_wuwei_vec.c, vectorised): the Wuwei model's parameters and their defaults,
 * the indicators in the plan's order, reading the samples tuiyan drew (DIR/meta.txt,
 * DIR/inputs.f64), both clocks, the repetitions and DIR/<peer>.json for bench/compare.py.
 *
 * Every peer is run as `PEER DIR REPS`: REPS timed runs of the job (evaluate every drawn sample
 * over every year, reduce each indicator-year to a mean and a standard deviation), each timed in
 * CPU seconds of the process and in wall seconds, then DIR/<peer>.json; or `PEER DIR 0`: the job
 * once, untimed, nothing written but one line on stdout (bench/run.sh measures that process's
 * peak memory, so every peer's figure is of the same job). */
#ifndef PEER_COMMON_H
#define PEER_COMMON_H

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
    double prov_promotion_rate, hte_direct, hte_renewal_rate, hte_exit_rate, hte_first_cohort_share;
    double hte_extra_pool_share, hte_extra_cost_per_firm, hte_moved_in_share_new, hte_moved_in_share_1y;
    double ent_rd_share_2021_change, new_product_share_2021_change, industrial_rd_ratio_2021_change;
    double rd_personnel_2021_change, innovation_index_2021_change, industrial_rd_active_2021_change;
    double hte_rd_per_firm, fiscal_rd_fraction, rd_leverage, hte_rd_additionality;
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
    F(hte_renewal_rate, 0.75), F(hte_exit_rate, 0.02), F(hte_first_cohort_share, 1.0 / 3),
    F(hte_extra_pool_share, 0.2), F(hte_extra_cost_per_firm, 15), F(hte_moved_in_share_new, 1.0 / 3),
    F(hte_moved_in_share_1y, 1.0 / 3), F(ent_rd_share_2021_change, 0), F(new_product_share_2021_change, 0),
    F(industrial_rd_ratio_2021_change, 0), F(rd_personnel_2021_change, 0), F(innovation_index_2021_change, 0),
    F(industrial_rd_active_2021_change, 0),
    F(hte_rd_per_firm, 0.025), F(fiscal_rd_fraction, 0.5), F(rd_leverage, 1.0), F(hte_rd_additionality, 0.5),
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

/* The drawn samples: in[k * n + s] is parameter k of sample s; field[k] its Params index. */
typedef struct Inputs {
    size_t n;
    int ny, np;
    int field[NFIELDS];
    double *in;
} Inputs;

static int load_inputs(const char *dir, Inputs *inp)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/meta.txt", dir);
    FILE *f = fopen(path, "r");
    if (!f) { perror(path); return -1; }
    int first, last;
    if (fscanf(f, "samples %zu first_year %d last_year %d params %d", &inp->n, &first, &last, &inp->np) != 4) {
        fprintf(stderr, "%s: bad header\n", path);
        fclose(f);
        return -1;
    }
    inp->ny = last - first + 1;
    if (inp->ny < 1 || inp->ny > MAXY || inp->np < 0 || inp->np > (int)NFIELDS || inp->n < 1) {
        fprintf(stderr, "%s: bad sizes\n", path);
        fclose(f);
        return -1;
    }
    for (int k = 0; k < inp->np; k++) {
        char name[128];
        if (fscanf(f, "%127s", name) != 1) { fprintf(stderr, "%s: missing names\n", path); fclose(f); return -1; }
        size_t j = 0;
        while (j < NFIELDS && strcmp(FIELDS[j].name, name) != 0) j++;
        if (j == NFIELDS) { fprintf(stderr, "unknown parameter %s\n", name); fclose(f); return -1; }
        inp->field[k] = (int)(FIELDS[j].off / sizeof(double));
    }
    fclose(f);
    size_t count = (size_t)inp->np * inp->n;
    inp->in = malloc(count * sizeof *inp->in + 1);
    snprintf(path, sizeof path, "%s/inputs.f64", dir);
    f = fopen(path, "rb");
    if (!inp->in || !f || fread(inp->in, sizeof *inp->in, count, f) != count) {
        perror(path);
        if (f) fclose(f);
        return -1;
    }
    fclose(f);
    return 0;
}

/* The defaults of every parameter, as a Params. */
static inline Params default_params(void)
{
    Params p;
    for (size_t j = 0; j < NFIELDS; j++) *(double *)((char *)&p + FIELDS[j].off) = FIELDS[j].dflt;
    return p;
}

/* CPU seconds of this process (all its threads) and wall seconds (monotonic). */
static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double wall_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_of(const double *v, int k)
{
    double s[64];
    memcpy(s, v, (size_t)k * sizeof(double));
    qsort(s, (size_t)k, sizeof(double), cmp_double);
    return s[k / 2];
}

/* The job's result, for i = y * NIND + k: the shift (sample 0's value) and the shifted sums. */
typedef struct Sums {
    double shift[MAXY * NIND], s1[MAXY * NIND], s2[MAXY * NIND];
} Sums;

static double sum_mean(const Sums *r, size_t n, int i) { return r->shift[i] + r->s1[i] / (double)n; }

static double sum_sd(const Sums *r, size_t n, int i)
{
    double m2 = r->s2[i] - r->s1[i] * r->s1[i] / (double)n;
    return n > 1 && m2 > 0 ? sqrt(m2 / (double)(n - 1)) : 0.0;
}

/* main of a peer: job(inp, out) is the timed work. */
static int peer_main(int argc, char **argv, const char *peer, void (*job)(const Inputs *, Sums *))
{
    if (argc < 3) { fprintf(stderr, "usage: %s DIR REPS\n", argv[0]); return 2; }
    Inputs inp;
    if (load_inputs(argv[1], &inp) != 0) return 1;
    int reps = atoi(argv[2]);
    if (reps > 64) reps = 64;
    static Sums r;
    int ny = inp.ny;
    if (reps < 1) {                      /* the job once: for its peak memory */
        job(&inp, &r);
        double check = 0;
        for (int i = 0; i < ny * NIND; i++) check += sum_mean(&r, inp.n, i) + sum_sd(&r, inp.n, i);
        printf("%s: %zu samples x %d years once (checksum %.6g)\n", peer, inp.n, ny, check);
        free(inp.in);
        return 0;
    }
    double cpu[64], wall[64];
    for (int k = 0; k < reps; k++) {
        double c0 = cpu_now(), w0 = wall_now();
        job(&inp, &r);
        wall[k] = wall_now() - w0;
        cpu[k] = cpu_now() - c0;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.json", argv[1], peer);
    FILE *f = fopen(path, "w");
    if (!f) { perror(path); return 1; }
    fprintf(f, "{\"peer\": \"%s\", \"median_s\": %.6f, \"median_wall_s\": %.6f, \"times\": [", peer,
            median_of(cpu, reps), median_of(wall, reps));
    for (int k = 0; k < reps; k++) fprintf(f, "%s%.6f", k ? ", " : "", cpu[k]);
    fprintf(f, "], \"wall_times\": [");
    for (int k = 0; k < reps; k++) fprintf(f, "%s%.6f", k ? ", " : "", wall[k]);
    fprintf(f, "], \"indicators\": [");
    for (int k = 0; k < NIND; k++) fprintf(f, "%s\"%s\"", k ? ", " : "", INDICATORS[k]);
    for (int part = 0; part < 2; part++) {
        fprintf(f, "],\n \"%s\": [", part ? "sd" : "mean");
        for (int k = 0; k < NIND; k++) {
            fprintf(f, "%s[", k ? ",\n  " : "");
            for (int y = 0; y < ny; y++) {
                int i = y * NIND + k;
                fprintf(f, "%s%.17g", y ? ", " : "", part ? sum_sd(&r, inp.n, i) : sum_mean(&r, inp.n, i));
            }
            fprintf(f, "]");
        }
    }
    fprintf(f, "]}\n");
    fclose(f);
    free(inp.in);
    return 0;
}

#endif
