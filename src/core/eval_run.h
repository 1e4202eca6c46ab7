/* eval_run.h — a model run's workspace and instructions (eval.c), shared with the shortcuts
 * the later years' program takes (eval_shortcuts.c). Private to the evaluator. */
#ifndef TY_EVAL_RUN_H
#define TY_EVAL_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "eval.h"
#include "eval_kernels.h"
#include "model_internal.h"

#define BLK TY_EVAL_BLOCK
/* Blocks of the workspace (slots, own slots, ring rows) lie STRIDE doubles apart: a block and
 * 64 bytes. Blocks of exactly 2 KB put half of all pairs of slots a multiple of 4 KB apart, and
 * a kernel storing to one while loading from the other then stalls on the false dependency
 * (4K aliasing): which pairs did depended on how slots happened to be numbered. */
#define STRIDE (BLK + 8)
_Static_assert(BLK % 16 == 0, "the finite kernel takes lanes sixteen at a time");

/* How check_finite looks at an element after a program (plan_checks). */
enum { CHECK_ALL = 0, CHECK_LANE0, CHECK_ONCE_ALL, CHECK_ONCE_LANE0 };

/* An instruction with its slots turned into pointers for this run's workspace. */
typedef struct RunInstr {
    int op;
    int nargs;
    double *dst;
    const double *a, *b, *c;
    const double **argv;       /* every argument (interp) */
    double k;
    int aux;
    int elem;
    int uniform;               /* every lane gets the same value: computed once, then filled */
    int cond_uniform;          /* if_ whose condition is uniform: a copy of one branch */
    int invariant;             /* later years: same values every year, run once a block */
    int check;                 /* the last writer of an element: CHECK_ALL, CHECK_LANE0 or -1 */
    int wslot;                 /* the slot it writes (plan_checks): the EvalInstr's, or that of
                                * the if_ or scale it stands in for (eval_shortcuts.c) */
    int elided;                /* left out of the later years (eval_shortcuts.c) */
    /* the kernel of a plain one- or two-argument instruction, called without the switch; the
     * checking one (f1c, f2c) for the last writer of an element checked in every lane */
    EvalK1 f1;
    EvalK2 f2;
    EvalK1C f1c;
    EvalK2C f2c;
    /* an operation whose scale (unit conversion) was folded into it (eval_plan_scales): its
     * kernel, plain or checking, and the factor */
    EvalK2S f2s;
    EvalK2SC f2sc;
    int scaled;
    double sk;
    /* delay into a temporary: its readers' argument pointers (plan_forwarding), pointed at the
     * ring's row instead of a copy of it */
    const double ***fwd;
    int nfwd;
    double *powers;            /* growth with an invariant rate: (1 + rate)^(2^j), j < npowers */
    /* pow whose base's log another pow shares (eval_plan_logs): POW_KEEP writes it into lh and ll,
     * POW_GIVEN reads it from there */
    int powlog;
    double *lh, *ll;
} RunInstr;

enum { POW_PLAIN = 0, POW_KEEP, POW_GIVEN };

typedef struct Run {
    const TyModel *m;
    const EvalKernels *k;      /* this process's kernels */
    const TyRunOptions *opt;
    TyError *err;
    size_t nsamples;
    double *slots;
    double *rings;
    size_t *ring_off;
    int *ring_depth;           /* rows of each ring: a power of two above its deepest delay (a
                                * row for this year's value besides every row a delay reads; a
                                * mask, not a division, finds a year's row) */
    double **at;               /* per element: the block holding its value this year */
    /* elements whose later-year writer writes their ring's row directly (eval_plan_rotation): that
     * row becomes the element's block each year, with no copy into the ring */
    struct Rotor *rotors;
    size_t nrotors;
    const double ***rotor_sites;
    unsigned char *rotating;   /* per ring: its element rotates */
    double *scratch;           /* nstocks × BLK: next year's stock values */
    int stocks_in_place;       /* stocks_in_place(m): scratch not needed */
    double *own;               /* after the model's slots: invariant instructions' own slots
                                * and growth powers (plan_invariants), merged values' own slots
                                * (eval_plan_merge) and kept logs (eval_plan_logs) */
    double *own_next, *own_end;   /* the first block of own not yet given out; its end */
    int npowers;               /* squarings a growth needs: 2^npowers > last - first year */
    unsigned char *check_first, *check_rest;   /* per element of order: CHECK_* */
    const double **deliv;      /* per tracked element: its block (on_year) */
    /* the instructions each year runs: [0] the first program, [1] the rest in the second
     * year, [2] the rest without its invariant instructions in later years */
    RunInstr **seq[3];
    size_t nseq[3];
    const double ***fwd;       /* every forwarded delay's reader pointers (RunInstr.fwd) */
    /* Finite checks, fast path: each element's last writer checks what it wrote as it writes
     * it or right after (RunInstr.check), noting a value not finite here; elements no
     * instruction writes (stocks, after the first year) are checked from these lists, for the
     * first program [0] and the later one [1]. */
    int nonfinite;
    const double **unwritten[2];
    size_t nunwritten[2];
    RunInstr *first, *rest;
    const double **argv;
    TyValue *inputs;           /* per element; kind meaningful for params and levers */
    unsigned char *has_input;
} Run;

static inline double *slot_ptr(const Run *r, int slot)
{
    return r->slots + (size_t)slot * STRIDE;
}

typedef struct Rotor {
    int elem, ring;
    RunInstr *writer;
    const double ***sites;     /* its readers' argument pointers (Run.rotor_sites) */
    size_t nsites;
} Rotor;

/* Ring i's row of year index yi. */
static inline double *ring_row(const Run *r, int i, size_t yi)
{
    return r->rings + r->ring_off[i] + (yi & (size_t)(r->ring_depth[i] - 1)) * STRIDE;
}

static inline int is_input(TyElemKind k) { return k == TY_ELEM_PARAM || k == TY_ELEM_LEVER; }

/* ---- the shortcuts (eval_shortcuts.c), each giving the same bits ---- */

/* 1 unless a test turned them off (eval_plan_shortcuts). */
int eval_shortcuts_on(void);
/* if_s on a condition the same every later year: their branch's writer writes their slot.
 * same and bits: plan_invariants' uniform values, the same in every later year and their bits. */
void eval_plan_branches(Run *r, const unsigned char *same, const uint64_t *bits);
/* an instruction computing what an earlier one computed: left out */
void eval_plan_merge(Run *r);
/* two pows of one base: the second starts from the first's log */
void eval_plan_logs(Run *r);
/* a scale of a temporary only it reads: folded into the temporary's writer */
void eval_plan_scales(Run *r);
/* elements written straight into their ring's row (after plan_forwarding); always called, it
 * allocates what eval_rotate reads */
TyStatus eval_plan_rotation(Run *r);
/* a later year's blocks of the rotating elements, before its program runs */
void eval_rotate(Run *r, size_t yi);
/* eval_plan_counts' figures for this run */
void eval_note_counts(const Run *r);

#endif
