/* eval_shortcuts.c — what a model run leaves out of the later years' program (the years after
 * the first, which run the same instructions each year), all giving the same bits as running
 * every instruction as compiled; tests/unit/test_eval_plan.c holds them to that:
 *   - an if_ whose condition is the same every later year (year == first_year) copies the same
 *     branch: that branch's writer writes the if_'s slot (eval_plan_branches);
 *   - an instruction computing what an earlier one computed is left out (eval_plan_merge);
 *   - two pows of one base share its log (eval_plan_logs);
 *   - a scale (unit conversion) is folded into the add, sub, mul or div before it
 *     (eval_plan_scales);
 *   - an element that a delay reads is written straight into its ring (eval_plan_rotation).
 * The slots are pointers by now (eval.c's resolve_program), so "the same slot" is the same
 * pointer; every pass stops at a write of what it relies on. */
#include <math.h>
#include <stdatomic.h>
#include <string.h>

#include "alloc.h"
#include "eval_run.h"

static _Atomic int plan_shortcuts = 1;
static _Thread_local TyEvalPlanCounts plan_counts;

void eval_plan_shortcuts(int on) { atomic_store(&plan_shortcuts, on != 0); }

TyEvalPlanCounts eval_plan_counts(void) { return plan_counts; }

int eval_shortcuts_on(void) { return atomic_load(&plan_shortcuts); }

void eval_note_counts(const Run *r)
{
    plan_counts = (TyEvalPlanCounts){ 0 };
    for (size_t i = 0; i < r->m->nrest; i++) {
        plan_counts.branches += r->rest[i].elided && r->rest[i].op == TY_OP_IF;
        plan_counts.merged += r->rest[i].elided && r->rest[i].op != TY_OP_IF
                              && r->rest[i].op != EVAL_SCALE;
        plan_counts.scales += r->rest[i].scaled;
        plan_counts.shared_logs += r->rest[i].powlog == POW_GIVEN;
    }
    plan_counts.rotated = r->nrotors;
}

/* Reads slot p (arguments, interp's list included)? One left out reads nothing. */
static int reads(const RunInstr *q, const double *p)
{
    if (q->elided) return 0;
    for (int j = 0; j < q->nargs; j++)
        if (q->argv[j] == p) return 1;
    return 0;
}

/* Writes slot p? One left out writes nothing (an if_'s slot is written by its branch's writer). */
static int writes(const RunInstr *q, const double *p) { return !q->elided && q->dst == p; }

/* The value in every year after the first of a uniform slot p that the rest program reads at
 * instruction i: a constant, a scalar input, or what an invariant uniform instruction wrote
 * (bits: its value from plan_invariants); 0 when it is none of those. */
static int later_value(const Run *r, size_t i, const double *p, const unsigned char *same,
                       const uint64_t *bits, double *v)
{
    const TyModel *m = r->m;
    const RunInstr *prog = r->rest;
    for (size_t k = i; k-- > 0;) {
        if (prog[k].dst != p) continue;
        if (!prog[k].uniform || !prog[k].invariant || !same[k]) return 0;
        memcpy(v, &bits[k], sizeof *v);
        return 1;
    }
    for (size_t k = 0; k < m->nconsts; k++)
        if (slot_ptr(r, m->const_slots[k]) == p) { *v = m->const_values[k]; return 1; }
    for (size_t e = 0; e < m->nelems; e++)
        if (is_input(m->elems[e].kind) && r->inputs[e].kind == TY_VALUE_SCALAR
            && slot_ptr(r, m->elems[e].slot) == p) { *v = r->inputs[e].scalar; return 1; }
    return 0;
}

/* Can instruction j, which writes temporary t for instruction i alone, write i's slot instead?
 * Only when nothing between them reads or writes i's slot or reads t, and nothing else reads
 * t's value: after i up to t's next write, or before j at the program's start (last year's). */
static int may_write_for(const RunInstr *prog, size_t n, size_t j, size_t i, const double *t)
{
    const double *dst = prog[i].dst;
    for (size_t q = j + 1; q < i; q++)
        if (writes(&prog[q], dst) || reads(&prog[q], dst) || reads(&prog[q], t)) return 0;
    for (size_t q = i + 1; q < n; q++) {
        if (reads(&prog[q], t)) return 0;
        if (writes(&prog[q], t)) break;
    }
    for (size_t q = 0; q < j; q++) {
        if (reads(&prog[q], t)) return 0;
        if (writes(&prog[q], t)) break;
    }
    return 1;
}

/* An if_ whose condition is the same in every year after the first (year == first_year, most
 * often) copies the same branch every year. When that branch is a temporary written just for it,
 * its writer writes the if_'s slot instead and the if_ is left out: the same values, a copy of a
 * block fewer. Only when nothing between the writer and the if_ reads or writes that slot, the
 * writer does not read it, and no other instruction reads the temporary's value (after it, up to
 * the next write; before it, in the next year's program, ahead of any write). */
void eval_plan_branches(Run *r, const unsigned char *same, const uint64_t *bits)
{
    RunInstr *prog = r->rest;
    size_t n = r->m->nrest;
    for (size_t i = 0; i < n; i++) {
        RunInstr *f = &prog[i];
        double cond;
        if (!f->cond_uniform || f->invariant || !later_value(r, i, f->a, same, bits, &cond)
            || cond != cond)
            continue;
        const double *branch = cond != 0.0 ? f->b : f->c;
        size_t j = i;
        while (j-- > 0 && !writes(&prog[j], branch)) {}
        if (j >= i) continue;                                   /* no writer before it */
        RunInstr *w = &prog[j];
        int ok = !w->invariant && !w->elided && w->op != TY_OP_DELAY && !reads(w, f->dst)
              && branch >= slot_ptr(r, (int)r->m->nelems);     /* a temporary */
        if (!ok || !may_write_for(prog, n, j, i, branch)) continue;
        w->dst = f->dst;
        w->wslot = f->wslot;
        f->elided = 1;
    }
}

/* ---- values computed once for several readers ----
 * Within one year's program, an instruction that computes what an earlier one computed (the
 * same operation on the same slots, none written in between) is left out, its readers reading
 * the earlier value, which gets a slot of its own when its temporary would be overwritten before
 * they read it (eval_plan_merge). Two pows of the same base share the base's log: the first
 * keeps it, the second starts from it (eval_plan_logs). Neither changes a bit: the values read
 * are the values that would have been computed. */

/* Operations whose lanes depend only on the same lanes of a, b, c and on the year. */
static int pure_op(int op)
{
    switch (op) {
    case TY_OP_NEG: case TY_OP_ADD: case TY_OP_SUB: case TY_OP_MUL: case TY_OP_DIV:
    case TY_OP_POW: case TY_OP_LT: case TY_OP_LE: case TY_OP_GT: case TY_OP_GE: case TY_OP_EQ:
    case TY_OP_NE: case TY_OP_AND: case TY_OP_OR: case TY_OP_NOT: case TY_OP_IF: case TY_OP_MIN:
    case TY_OP_MAX: case TY_OP_CLAMP: case TY_OP_ABS: case TY_OP_EXP: case TY_OP_LOG:
    case TY_OP_SQRT: case TY_OP_FLOOR: case TY_OP_STEP: case TY_OP_RAMP: case EVAL_COPY:
    case EVAL_SCALE:
        return 1;
    }
    return 0;
}

/* Runs every later year (not once a block, not a fill, not left out). */
static int runs_every_year(const RunInstr *q)
{
    return !q->invariant && !q->uniform && !q->cond_uniform && !q->elided;
}

static int same_value(const RunInstr *p, const RunInstr *q)
{
    return p->op == q->op && p->nargs == q->nargs && p->a == q->a && p->b == q->b && p->c == q->c
        && memcmp(&p->k, &q->k, sizeof p->k) == 0 && p->aux == q->aux;
}

/* Points the readers of slot from, after instruction i up to from's next write, at to. */
static void redirect(RunInstr *prog, size_t n, size_t i, const double *from, const double *to)
{
    for (size_t u = i + 1; u < n; u++) {
        RunInstr *q = &prog[u];
        if (!q->elided) {
            for (int j = 0; j < q->nargs; j++)
                if (q->argv[j] == from) q->argv[j] = to;
            if (q->a == from) q->a = to;
            if (q->b == from) q->b = to;
            if (q->c == from) q->c = to;
        }
        if (writes(q, from)) break;
    }
}

/* The last instruction after i that reads slot p before p's next write; i if none. */
static size_t last_reader(const RunInstr *prog, size_t n, size_t i, const double *p)
{
    size_t last = i;
    for (size_t u = i + 1; u < n; u++) {
        if (reads(&prog[u], p)) last = u;
        if (writes(&prog[u], p)) break;
    }
    return last;
}

/* Read at the start of the program before any write: last year's value, which a merge must not
 * take away. */
static int read_before_written(const RunInstr *prog, size_t n, const double *p)
{
    for (size_t u = 0; u < n; u++) {
        if (reads(&prog[u], p)) return 1;
        if (writes(&prog[u], p)) return 0;
    }
    return 0;
}

void eval_plan_merge(Run *r)
{
    RunInstr *prog = r->rest;
    size_t n = r->m->nrest;
    const double *temps = slot_ptr(r, (int)r->m->nelems);
    for (size_t q = 0; q < n; q++) {
        RunInstr *d = &prog[q];
        /* a temporary, so not an element's last writer (whose checks stay where they are) */
        if (!pure_op(d->op) || d->nargs > 3 || !runs_every_year(d) || d->dst < temps
            || d->dst >= r->own)
            continue;
        size_t p = q;
        int found = 0;
        while (!found && p-- > 0) {
            const RunInstr *w = &prog[p];
            found = runs_every_year(w) && same_value(w, d);
            if (!found && (writes(w, d->a) || writes(w, d->b) || writes(w, d->c))) break;
        }
        if (!found) continue;
        RunInstr *e = &prog[p];
        size_t last = last_reader(prog, n, q, d->dst);
        if (last == q || read_before_written(prog, n, d->dst)) continue;
        int overwritten = 0;
        for (size_t u = p + 1; u <= last && !overwritten; u++) overwritten = writes(&prog[u], e->dst);
        if (overwritten) {
            /* a slot of its own for the earlier value, if it is a temporary */
            if (e->dst < temps || e->dst >= r->own || r->own_next + STRIDE > r->own_end) continue;
            double *own = r->own_next;
            r->own_next += STRIDE;
            redirect(prog, n, p, e->dst, own);
            e->dst = own;
        }
        redirect(prog, n, q, d->dst, e->dst);
        d->elided = 1;
    }
}

void eval_plan_logs(Run *r)
{
    RunInstr *prog = r->rest;
    size_t n = r->m->nrest;
    for (size_t q = 0; q < n; q++) {
        RunInstr *d = &prog[q];
        if (d->op != TY_OP_POW || !runs_every_year(d)) continue;
        size_t p = q;
        while (p-- > 0) {
            const RunInstr *w = &prog[p];
            if (w->op == TY_OP_POW && runs_every_year(w) && w->a == d->a) break;
            if (writes(w, d->a)) { p = q; break; }
        }
        if (p >= q) continue;
        RunInstr *e = &prog[p];
        if (e->powlog == POW_PLAIN) {
            if (r->own_next + 2 * STRIDE > r->own_end) continue;
            e->powlog = POW_KEEP;
            e->lh = r->own_next;
            e->ll = r->own_next + STRIDE;
            r->own_next += 2 * STRIDE;
        }
        d->powlog = POW_GIVEN;
        d->lh = e->lh;
        d->ll = e->ll;
    }
}

/* A scale (x * k, a unit conversion) of a temporary that an add, sub, mul or div wrote for it
 * alone: that instruction writes the scale's slot, times k, and the scale is left out (the same
 * two roundings in one loop). */
void eval_plan_scales(Run *r)
{
    RunInstr *prog = r->rest;
    size_t n = r->m->nrest;
    const double *temps = slot_ptr(r, (int)r->m->nelems);
    for (size_t i = 0; i < n; i++) {
        RunInstr *s = &prog[i];
        if (s->op != EVAL_SCALE || !runs_every_year(s)) continue;
        const double *t = s->a;
        size_t j = i;
        while (j-- > 0 && !writes(&prog[j], t)) {}
        if (j >= i) continue;
        RunInstr *w = &prog[j];
        int op = w->op;
        int ok = (op == TY_OP_ADD || op == TY_OP_SUB || op == TY_OP_MUL || op == TY_OP_DIV)
              && w->nargs == 2 && runs_every_year(w) && !w->scaled && w->powlog == POW_PLAIN
              && t >= temps && t < r->own && !reads(w, s->dst);
        if (!ok || !may_write_for(prog, n, j, i, t)) continue;
        w->dst = s->dst;
        w->wslot = s->wslot;
        w->scaled = 1;
        w->sk = s->k;
        s->elided = 1;
    }
}

/* ---- elements written straight into their ring ----
 * An element that a delay reads is copied into its ring's row at the end of each year. In the
 * later years' program, when one instruction writes it and nothing reads it before that, the
 * writer can write the ring's row of the year instead (rings have a row more than their deepest
 * delay, so it is never a row a delay reads this year): the row is the element's block for the
 * year, its readers and the run's outputs pointed at it (eval_rotate). The same values, one copy a
 * year fewer. The first year keeps its copy. */
TyStatus eval_plan_rotation(Run *r)
{
    const TyModel *m = r->m;
    RunInstr *prog = r->rest;
    size_t n = m->nrest, total = 0;
    for (size_t i = 0; i < n; i++) total += (size_t)prog[i].nargs + 3;
    r->rotors = ty_calloc((size_t)m->nrings + 1, sizeof(Rotor));
    r->rotor_sites = ty_calloc(total + 1, sizeof(const double **));
    r->rotating = ty_calloc((size_t)m->nrings + 1, 1);
    if (!r->rotors || !r->rotor_sites || !r->rotating)
        return ty_error_set(r->err, TY_ENOMEM, "out of memory");
    if (!eval_shortcuts_on()) return TY_OK;
    size_t used = 0;
    for (int i = 0; i < m->nrings; i++) {
        int e = m->ring_elems[i];
        TyElemKind kind = m->elems[e].kind;
        if (kind != TY_ELEM_AUX && kind != TY_ELEM_FLOW) continue;
        const double *slot = slot_ptr(r, e);
        size_t w = n;
        int ok = 1;
        for (size_t q = 0; q < n && ok; q++) {
            if (prog[q].elided) continue;
            if (prog[q].dst == slot) {
                ok = w == n;
                w = q;
            } else if (w == n && reads(&prog[q], slot)) {
                ok = 0;                       /* read before it is written: last year's value */
            }
        }
        if (!ok || w == n || prog[w].invariant || prog[w].op == TY_OP_DELAY || reads(&prog[w], slot))
            continue;
        Rotor *ro = &r->rotors[r->nrotors++];
        ro->elem = e;
        ro->ring = i;
        ro->writer = &prog[w];
        ro->sites = r->rotor_sites + used;
        for (size_t q = w + 1; q < n; q++) {
            RunInstr *u = &prog[q];
            if (u->elided) continue;
            for (int j = 0; j < u->nargs; j++)
                if (u->argv[j] == slot) r->rotor_sites[used++] = &u->argv[j];
            if (u->a == slot) r->rotor_sites[used++] = &u->a;
            if (u->b == slot) r->rotor_sites[used++] = &u->b;
            if (u->c == slot) r->rotor_sites[used++] = &u->c;
        }
        ro->nsites = (size_t)(r->rotor_sites + used - ro->sites);
        r->rotating[i] = 1;
    }
    return TY_OK;
}

/* Year index yi (not the first): each rotating element's block is its ring's row of the year. */
void eval_rotate(Run *r, size_t yi)
{
    for (size_t k = 0; k < r->nrotors; k++) {
        const Rotor *ro = &r->rotors[k];
        double *row = ring_row(r, ro->ring, yi);
        ro->writer->dst = row;
        for (size_t j = 0; j < ro->nsites; j++) *ro->sites[j] = row;
        r->at[ro->elem] = row;
    }
}

