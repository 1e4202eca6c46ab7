/* model_internal.h — what the model builder, compiler and evaluator share and nobody else
 * sees: the builder's records, the compiled model's layout and its instruction format. */
#ifndef TY_MODEL_INTERNAL_H
#define TY_MODEL_INTERNAL_H

#include <stddef.h>
#include "error.h"
#include "model.h"
#include "units.h"

/* ---- names: an open-addressing table from a name to an index ---- */
typedef struct ModelNames {
    const char **keys;   /* borrowed; NULL = empty */
    int *ids;
    size_t cap, count;
} ModelNames;

void model_names_free(ModelNames *t);
/* key is borrowed and must stay valid as long as the table. TY_ENOMEM leaves t as it was. */
TyStatus model_names_put(ModelNames *t, const char *key, int id, TyError *err);
int model_names_get(const ModelNames *t, const char *key);   /* -1 when absent */

/* Levenshtein distance of a and b when it is at most 2, else 3. */
int model_edit_distance(const char *a, const char *b);
int model_name_valid(const char *name);
/* "a param", "an aux", "a lookup table": for messages. */
const char *model_kind_phrase(TyElemKind kind);

/* ty_error_at with the place taken from an element's loc ("file:line" or "file:line:col"). */
TyStatus model_error_at(TyError *err, TyStatus code, const char *loc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* ---- the builder ---- */
enum { MODEL_HIST_NONE = 0, MODEL_HIST_CONST, MODEL_HIST_SERIES };

typedef struct BNode {
    int op;              /* TyOp */
    int nargs;
    size_t args;         /* offset into TyModelBuilder.args */
    double value;        /* CONST, CONST_UNIT */
    int years;           /* DELAY: years back; -1 marks a delay without init argument */
    char *name;          /* REF, DELAY, LOOKUP, EXT */
    int unit;            /* CONST_UNIT: index into TyModelBuilder.units */
    size_t reals;        /* INTERP: offset of the years in TyModelBuilder.reals */
} BNode;

typedef struct BFlow {
    char *name;
    int sign;            /* +1 inflow, -1 outflow */
} BFlow;

typedef struct BElem {
    char *name, *unit_text, *loc;
    TyElemKind kind;
    TyUnit unit;
    int expr;            /* aux/flow: the expression; stock: the initial value; else -1 */
    /* param / lever default */
    int has_default;
    TyValueKind dkind;   /* SCALAR or SERIES */
    double dscalar;
    double *dvalues;
    size_t dn;
    int dfirst;
    /* history for delays */
    int hist_kind;
    double hist_const;
    double *hist;
    size_t nhist;
    int hist_first;
    /* stock */
    BFlow *flows;
    size_t nflows, capflows;
    /* lookup */
    double *xs, *ys;
    size_t nxy;
    TyUnit x_unit;
    char *x_unit_text;
} BElem;

typedef struct BExtFn {
    char *name, *in_text, *out_text, *loc;
    TyUnit in, out;
    TyExtFnCallback fn;
    void *ctx;
} BExtFn;

typedef struct BUnit {
    TyUnit unit;
    char *text;
} BUnit;

struct TyModelBuilder {
    BElem *elems;
    size_t nelems, capelems;
    ModelNames names;
    BNode *nodes;
    size_t nnodes, capnodes;
    int *args;
    size_t nargs, capargs;
    double *reals;
    size_t nreals, capreals;
    BUnit *units;
    size_t nunits, capunits;
    BExtFn *extfns;
    size_t nextfns, capextfns;
    ModelNames extnames;
};

/* ---- the compiled model ---- */

/* Instructions beyond the node kinds of expr_ops.h. */
enum {
    EVAL_COPY = TY_OP__COUNT,   /* dst = a */
    EVAL_SCALE,                 /* dst = a * k (a unit conversion) */
    EVAL_FILL                   /* dst = k */
};

/* One instruction: writes slot dst from the slots args[arg0 .. arg0 + nargs - 1] of
 * TyModel.args. dst never equals an argument slot, so kernels may use restrict. */
typedef struct EvalInstr {
    int op;
    int dst;
    int nargs;
    int elem;            /* the element this instruction helps compute (for messages) */
    size_t arg0;
    double k;            /* SCALE factor, FILL value, DELAY years */
    int aux;             /* DELAY: delayed element; LOOKUP: table element; EXT: function;
                          * INTERP: offset of the years in TyModel.reals */
} EvalInstr;

typedef struct MElem {
    char *name, *unit_text, *loc;
    TyElemKind kind;
    int slot;            /* -1 for lookups */
    /* inputs: the default, as a value per model year when a series */
    int has_default;
    TyValueKind dkind;
    double dscalar;
    double *dseries;
    /* history read by delays */
    int hist_kind;
    double hist_const;
    double *hist;
    size_t nhist;
    int hist_first;
    int ring;            /* index of this element's delay ring, -1 when not delayed */
    int ring_depth;
    /* lookup */
    double *xs, *ys;
    int nxy;
    /* stock: value[t+1] = value[t] + Σ factor_i * slot_i[t] */
    int nflows;
    int *flow_slots;
    double *flow_factors;
} MElem;

typedef struct MExtFn {
    char *name;
    TyExtFnCallback fn;
    void *ctx;
} MExtFn;

struct TyModel {
    int first_year, last_year, nyears;
    MElem *elems;
    size_t nelems;
    ModelNames names;
    int nslots;
    /* slots filled once per run: constants and elements whose value folded to a constant */
    int *const_slots;
    double *const_values;
    size_t nconsts;
    EvalInstr *prog_first;      /* the first year: includes the stocks' initial values */
    size_t nfirst;
    EvalInstr *prog_rest;       /* every later year */
    size_t nrest;
    int *args;
    size_t nargs;
    double *reals;
    size_t nreals;
    int *order;                 /* aux, flow and stock elements in evaluation order */
    size_t norder;
    int *stocks;
    size_t nstocks;
    int *ring_elems;            /* element of each delay ring */
    int nrings;
    MExtFn *extfns;
    size_t nextfns;
    TyConversion *conv;
    size_t nconv;
};

#endif
