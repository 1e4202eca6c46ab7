/* register_pay.c — a policy's firm-level rules over a whole register (register_pay.h): one loop per
 * rule over the columns, a hash of credit codes for one-off rules, and totals by rule, county
 * and payment year. No C-library sort (see register_check.c on qsort in the sandbox). */
#include "register_pay.h"
#include "alloc.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

void register_pay_free(TyPay *p)
{
    if (!p) return;
    for (size_t k = 0; k < p->nrules; k++) {
        if (p->amount) ty_free(p->amount[k]);
        if (p->lo) ty_free(p->lo[k]);
        if (p->hi) ty_free(p->hi[k]);
    }
    ty_free(p->amount);
    ty_free(p->lo);
    ty_free(p->hi);
    ty_free(p->shift);
    ty_free(p->total);
    ty_free(p->county_row);
    ty_free(p->county_of);
    ty_free(p->sum);
    ty_free(p->sum_lo);
    ty_free(p->sum_hi);
    ty_free(p->paid);
    ty_free(p->unknown);
    memset(p, 0, sizeof *p);
}

static int pays(const TyPayRule *rule, size_t i)
{
    if (rule->cond && rule->cond[i] != 1) return 0;
    if (rule->flag && rule->flag[i] != 1.0) return 0;
    if (rule->unless && rule->unless[i] == 1.0) return 0;
    return 1;
}

static uint64_t code_hash(const char *code)
{
    uint64_t h = 1469598103934665603u;   /* FNV-1a */
    for (int j = 0; j < 18; j++) h = (h ^ (unsigned char)code[j]) * 1099511628211u;
    return h;
}

/* keep[i] = 1 for the rows a one-off rule pays: per firm, its earliest row whose condition holds.
 * The table maps a code to that row; slots hold row + 1 (0 empty). */
static TyStatus first_rows(const TyRegister *r, const TyPayRule *rule, const double *year,
                           unsigned char *keep, TyError *err)
{
    size_t n = r->n, cap = 16;
    while (cap < 2 * n) cap <<= 1;
    size_t *slot = ty_calloc(cap, sizeof *slot);
    if (!slot) return ty_error_set(err, TY_ENOMEM, "out of memory for a register of %zu rows", n);
    for (size_t i = 0; i < n; i++) {
        keep[i] = 0;
        if (!pays(rule, i)) continue;
        size_t h = (size_t)code_hash(r->code[i]) & (cap - 1);
        while (slot[h] && memcmp(r->code[slot[h] - 1], r->code[i], 18) != 0) h = (h + 1) & (cap - 1);
        if (!slot[h] || year[i] < year[slot[h] - 1]) slot[h] = i + 1;
    }
    for (size_t h = 0; h < cap; h++)
        if (slot[h]) keep[slot[h] - 1] = 1;
    ty_free(slot);
    return TY_OK;
}

static TyStatus eval_rule(const TyRegister *r, const TyPayRule *rule, const double *year, TyPay *p,
                          size_t k, unsigned char *keep, TyError *err)
{
    size_t n = r->n;
    double *a = p->amount[k];
    if (rule->x) schedule_eval(rule->s, rule->x, a, n);
    else {
        double one = schedule_eval_scalar(rule->s, 1.0);
        for (size_t i = 0; i < n; i++) a[i] = one;
    }
    if (rule->once) {
        TyStatus st = first_rows(r, rule, year, keep, err);
        if (st != TY_OK) return st;
        for (size_t i = 0; i < n; i++)
            if (!keep[i]) a[i] = 0;
    } else {
        for (size_t i = 0; i < n; i++)
            if (!pays(rule, i)) a[i] = 0;
    }
    if (schedule_is_band(rule->s)) {
        p->lo[k] = ty_malloc(n * sizeof(double));
        p->hi[k] = ty_malloc(n * sizeof(double));
        if (!p->lo[k] || !p->hi[k]) return ty_error_set(err, TY_ENOMEM, "out of memory");
        for (size_t i = 0; i < n; i++) {
            if (a[i] == 0) p->lo[k][i] = p->hi[k][i] = 0;
            else schedule_eval_range(rule->s, rule->x ? rule->x[i] : 1.0, &p->lo[k][i], &p->hi[k][i]);
        }
    }
    return TY_OK;
}

static uint64_t text_hash(const char *t)
{
    uint64_t h = 1469598103934665603u;   /* FNV-1a */
    for (; *t; t++) h = (h ^ (unsigned char)*t) * 1099511628211u;
    return h;
}

/* Counties in order of first appearance, through a hash of their names (a national register has
 * thousands); slots hold county + 1 (0 empty). Consecutive rows mostly share one, so the last
 * hit is tried first. */
static TyStatus index_counties(const TyRegister *r, TyPay *p, TyError *err)
{
    size_t n = r->n, cap = 8, slots = 16, last = 0;
    p->county_of = ty_malloc((n ? n : 1) * sizeof *p->county_of);
    p->county_row = ty_malloc(cap * sizeof *p->county_row);
    size_t *slot = ty_calloc(slots, sizeof *slot);
    TyStatus st = TY_OK;
    if (!p->county_of || !p->county_row || !slot) st = ty_error_set(err, TY_ENOMEM, "out of memory");
    for (size_t i = 0; i < n && st == TY_OK; i++) {
        const char *name = register_county(r, i);
        if (p->ncounty > 0 && strcmp(register_county(r, p->county_row[last]), name) == 0) {
            p->county_of[i] = last;
            continue;
        }
        size_t h = (size_t)text_hash(name) & (slots - 1);
        while (slot[h] && strcmp(register_county(r, p->county_row[slot[h] - 1]), name) != 0) h = (h + 1) & (slots - 1);
        if (!slot[h]) {
            if (p->ncounty == cap) {
                size_t *grown = ty_realloc(p->county_row, 2 * cap * sizeof *grown);
                if (!grown) { st = ty_error_set(err, TY_ENOMEM, "out of memory"); break; }
                p->county_row = grown;
                cap *= 2;
            }
            p->county_row[p->ncounty++] = i;
            slot[h] = p->ncounty;
            if (2 * p->ncounty > slots) {   /* keep the table at most half full */
                size_t *bigger = ty_calloc(2 * slots, sizeof *bigger);
                if (!bigger) { st = ty_error_set(err, TY_ENOMEM, "out of memory"); break; }
                for (size_t c = 0; c < p->ncounty; c++) {
                    size_t g = (size_t)text_hash(register_county(r, p->county_row[c])) & (2 * slots - 1);
                    while (bigger[g]) g = (g + 1) & (2 * slots - 1);
                    bigger[g] = c + 1;
                }
                ty_free(slot);
                slot = bigger;
                slots *= 2;
            }
            last = p->ncounty - 1;
        } else {
            last = slot[h] - 1;
        }
        p->county_of[i] = last;
    }
    ty_free(slot);
    return st;
}

static TyStatus add_totals(const TyRegister *r, const double *year, TyPay *p, TyError *err)
{
    size_t n = r->n, nk = p->nrules;
    int ymin = 0, ymax = 0, smin = 0, smax = 0;
    for (size_t i = 0; i < n; i++) {
        int y = (int)year[i];
        if (i == 0 || y < ymin) ymin = y;
        if (i == 0 || y > ymax) ymax = y;
    }
    for (size_t k = 0; k < nk; k++) {
        if (k == 0 || p->shift[k] < smin) smin = p->shift[k];
        if (k == 0 || p->shift[k] > smax) smax = p->shift[k];
    }
    p->year0 = ymin + smin;
    p->nyears = n ? (size_t)(ymax + smax - p->year0 + 1) : 0;
    size_t cells = nk * p->ncounty * p->nyears + 1;
    p->sum = ty_calloc(cells, sizeof *p->sum);
    p->sum_lo = ty_calloc(cells, sizeof *p->sum_lo);
    p->sum_hi = ty_calloc(cells, sizeof *p->sum_hi);
    p->paid = ty_calloc(cells, sizeof *p->paid);
    if (!p->sum || !p->sum_lo || !p->sum_hi || !p->paid) return ty_error_set(err, TY_ENOMEM, "out of memory");
    for (size_t k = 0; k < nk; k++) {
        const double *a = p->amount[k];
        for (size_t i = 0; i < n; i++) {
            double v = a[i];
            if (v == 0) continue;
            if (isnan(v)) {
                p->unknown[k]++;
                continue;
            }
            size_t at = register_pay_at(p, k, p->county_of[i], (int)year[i] + p->shift[k]);
            p->sum[at] += v;
            p->sum_lo[at] += register_pay_lo(p, k, i);
            p->sum_hi[at] += register_pay_hi(p, k, i);
            p->paid[at] += v > 0;
            p->total[i] += v;
        }
    }
    return TY_OK;
}

TyStatus register_pay(const TyRegister *r, const TyPayRule *rules, size_t nrules, TyPay *out,
                      TyError *err)
{
    memset(out, 0, sizeof *out);
    long yc = register_column(r, "year");
    if (yc < 0) return ty_error_at(err, TY_EDATA, r->name, 0, 0, "the register has no year column");
    const double *year = r->cols[yc].v;
    for (size_t i = 0; i < r->n; i++)
        if (isnan(year[i])) return ty_error_at(err, TY_EDATA, r->name, r->line[i], 0, "no application year");
    for (size_t k = 0; k < nrules; k++)
        if (schedule_recurring(rules[k].s) != 1)
            return ty_error_set(err, TY_EDATA, "rule %s recurs over %d years: not a firm-level payment",
                                schedule_id(rules[k].s), schedule_recurring(rules[k].s));
    size_t n = r->n, rows = n ? n : 1;
    out->n = n;
    out->nrules = nrules;
    out->amount = ty_calloc(nrules + 1, sizeof *out->amount);
    out->lo = ty_calloc(nrules + 1, sizeof *out->lo);
    out->hi = ty_calloc(nrules + 1, sizeof *out->hi);
    out->shift = ty_calloc(nrules + 1, sizeof *out->shift);
    out->unknown = ty_calloc(nrules + 1, sizeof *out->unknown);
    out->total = ty_calloc(rows, sizeof *out->total);
    unsigned char *keep = ty_malloc(rows);
    TyStatus st = TY_OK;
    if (!out->amount || !out->lo || !out->hi || !out->shift || !out->unknown || !out->total || !keep) {
        st = ty_error_set(err, TY_ENOMEM, "out of memory for a register of %zu rows", n);
        goto done;
    }
    for (size_t k = 0; k < nrules && st == TY_OK; k++) {
        out->shift[k] = rules[k].event_shift + schedule_lag(rules[k].s);
        out->amount[k] = ty_malloc(rows * sizeof(double));
        if (!out->amount[k]) st = ty_error_set(err, TY_ENOMEM, "out of memory");
        else st = eval_rule(r, &rules[k], year, out, k, keep, err);
    }
    if (st == TY_OK) st = index_counties(r, out, err);
    if (st == TY_OK) st = add_totals(r, year, out, err);
done:
    ty_free(keep);
    if (st != TY_OK) register_pay_free(out);
    return st;
}
