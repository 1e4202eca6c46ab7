/* model.h — building and compiling a model (DOMAIN.md §3): the C side of the model DSL.
 *
 * A binding pushes elements and expression nodes into a TyModelBuilder, then model_compile
 * turns the builder into an immutable TyModel: names resolved, units checked and converted,
 * same-year cycles rejected, elements put in dependency order and flattened into a linear
 * program over slots. eval.h runs a TyModel over years × samples.
 *
 * Driving it from a binding:
 *   1. b = model_builder_new();
 *   2. expression nodes bottom-up: model_node_const / _ref / _call(TY_OP_ADD, {l, r}) ...; each
 *      returns a node id; an argument must be an id already returned by the same builder.
 *      Names (refs, delays, lookups, external functions) are resolved only at compile time, so
 *      elements may be referred to before they are declared.
 *   3. elements: model_add_param / _lever / _aux / _flow / _stock / _lookup; each returns the
 *      element's index, which is also its index in the compiled model. Stocks get their flows
 *      with model_stock_add_inflow/outflow (by name), delayed elements a history with
 *      model_set_history*. External functions (policy schedules) with model_add_extfn.
 *   4. model_compile(b, first_year, last_year, &m, err); the builder can be freed right after,
 *      or compiled again for another horizon.
 * A node may be shared by several expressions; unused nodes are ignored.
 *
 * Errors: builder calls fail at once (TY_ESCRIPT) for an invalid name, a duplicate element, a
 * unit string that does not parse, a bad node id or argument count; compile errors are
 * TY_ESCRIPT with the place of the element they are about (its `loc`, "file.lua:42", goes into
 * TyError.file/line/col), checked in this order: unknown names, same-year cycles, units,
 * default series, flows, delay histories. TY_ELIMIT when a TY_MODEL_MAX_* limit is exceeded.
 * TY_ENOMEM on allocation failure, leaving the builder as it was.
 *
 * Units (see units.h): every element has one. The compiler checks that +, -, min, max, clamp,
 * sum, the branches of if_ and comparisons join like with like, converting scaled units to the
 * left-most argument's unit (万元 + 亿元 is in 万元; % and ratio convert by 0.01); × and ÷
 * combine dimensions; exp, log and pow's exponent need dimensionless arguments. An element's
 * expression is converted to its declared unit, or it is an error naming both sides.
 * Plain numbers (model_node_const) are free of units: beside a quantity with a dimension
 * they take its unit (x + 5, max(x, 0)), beside a dimensionless quantity they are plain
 * ratios (1 + growth_pct is 1.05 when growth_pct is 5 %; growth_pct > 0.03 means above 3 %).
 * Use model_node_const_unit for a number in a given unit.
 * Flows into or out of a stock of unit X may be declared in X/年 or in X (both mean "per year
 * of the step", which is one year); scaled units convert (a 万元/年 flow into an 亿元 stock).
 * For the same reason a flow element's expression may be in its declared unit or differ from
 * it by exactly /年 (hte * exit_rate in 家 for a flow declared 家/年); an aux is strict.
 *
 * Lifetimes: every string and array passed in is copied, except an external function's ctx,
 * which must outlive the builder and every model compiled from it. */
#ifndef TY_MODEL_H
#define TY_MODEL_H

#include <stddef.h>
#include "error.h"
#include "expr_ops.h"

/* Limits that keep a hostile or runaway model from exhausting memory or time at compile. */
#define TY_MODEL_MAX_ELEMENTS 100000
#define TY_MODEL_MAX_NODES 200000
#define TY_MODEL_MAX_NAME 128          /* bytes of an element or function name, without NUL */
#define TY_MODEL_MAX_DELAY 200         /* years of delay(x, n) */
#define TY_MODEL_MAX_YEARS 500         /* last_year - first_year + 1 */

typedef enum TyElemKind {
    TY_ELEM_PARAM = 0,   /* an input: scalar, year series, or per-sample values at run time */
    TY_ELEM_LEVER,       /* an input that is a scenario's intervention point */
    TY_ELEM_AUX,         /* an expression of other elements */
    TY_ELEM_FLOW,        /* as aux; the kind says it is meant to feed a stock */
    TY_ELEM_STOCK,       /* stock[t+1] = stock[t] + Σinflows[t] - Σoutflows[t]; stock[first] = init */
    TY_ELEM_LOOKUP       /* a piecewise-linear table, used through lookup(table, x); no value */
} TyElemKind;

/* How an input's value is given (param and lever defaults, run overrides). */
typedef enum TyValueKind {
    TY_VALUE_SCALAR = 0,     /* one value for every year and sample */
    TY_VALUE_SERIES,         /* values[y - first_year], n years; must cover the model's years */
    TY_VALUE_SAMPLES,        /* values[s], one per sample (n == nsamples), same every year */
    TY_VALUE_SAMPLES_BY_YEAR /* values[(y - model first year) * nsamples + s], n == years × samples */
} TyValueKind;

typedef struct TyValue {
    TyValueKind kind;
    double scalar;           /* TY_VALUE_SCALAR */
    const double *values;    /* the other kinds; NaN in a series means "no value that year" */
    size_t n;
    int first_year;          /* TY_VALUE_SERIES */
    int finite;              /* TY_VALUE_SAMPLES: 1 when whoever made the values has checked that
                              * every one is finite (kept draws): a run does not scan them again */
} TyValue;

TyValue model_value_scalar(double v);
TyValue model_value_series(int first_year, const double *values, size_t n);
TyValue model_value_samples(const double *values, size_t n);

/* An external function applied to a block of values: y[i] = f(x[i]) for i < n, in year `year`.
 * x is in the function's input unit, y in its output unit. Return 0 on success; any other
 * value stops the run with TY_EDATA naming the function, element and year. Called with n up
 * to TY_EVAL_BLOCK (eval.h); never called from more than one thread by one run. */
typedef int (*TyExtFnCallback)(void *ctx, int year, const double *x, double *y, size_t n);

typedef struct TyModelBuilder TyModelBuilder;
typedef struct TyModel TyModel;

/* NULL when out of memory. */
TyModelBuilder *model_builder_new(void);
void model_builder_free(TyModelBuilder *b);

/* ---- elements ----
 * name: [A-Za-z_][A-Za-z0-9_]*, at most TY_MODEL_MAX_NAME bytes, unique among elements.
 * unit: a unit string (units.h); NULL or "" is dimensionless.
 * loc:  where the element is defined, "file.lua:42" (or "file.lua:42:7"); NULL for none.
 * *out_elem (may be NULL) receives the element's index. */

/* dflt: SCALAR or SERIES, copied; NULL for none (the run must then set it). */
TyStatus model_add_param(TyModelBuilder *b, const char *name, const char *unit, const char *loc,
                         const TyValue *dflt, int *out_elem, TyError *err);
TyStatus model_add_lever(TyModelBuilder *b, const char *name, const char *unit, const char *loc,
                         const TyValue *dflt, int *out_elem, TyError *err);
TyStatus model_add_aux(TyModelBuilder *b, const char *name, const char *unit, const char *loc,
                       int expr, int *out_elem, TyError *err);
TyStatus model_add_flow(TyModelBuilder *b, const char *name, const char *unit, const char *loc,
                        int expr, int *out_elem, TyError *err);
/* init: an expression for the value in the first year (any node, e.g. a constant). */
TyStatus model_add_stock(TyModelBuilder *b, const char *name, const char *unit, const char *loc,
                         int init, int *out_elem, TyError *err);
/* The flow is named, resolved at compile time; it may be any element with a value. */
TyStatus model_stock_add_inflow(TyModelBuilder *b, int stock, const char *flow, TyError *err);
TyStatus model_stock_add_outflow(TyModelBuilder *b, int stock, const char *flow, TyError *err);
/* xs strictly increasing, n >= 1, all finite. unit is the output's; x_unit the input's (NULL or
 * "" dimensionless): lookup(t, x) converts x to x_unit first. */
TyStatus model_add_lookup(TyModelBuilder *b, const char *name, const char *unit,
                          const char *x_unit, const char *loc, const double *xs,
                          const double *ys, size_t n, int *out_elem, TyError *err);

/* The values of an element in years before the first year, read by delay(elem, n) while
 * year - n < first_year: one value for every earlier year, or values[y - first_year] for n
 * years (finite). Replaces an earlier history. Any element with a value may have one. */
TyStatus model_set_history_const(TyModelBuilder *b, int elem, double value, TyError *err);
TyStatus model_set_history(TyModelBuilder *b, int elem, int first_year, const double *values,
                           size_t n, TyError *err);

/* An external function, named in its own namespace (not an element). in_unit / out_unit as
 * element units; loc as for elements. ctx is not copied and must outlive the models. */
TyStatus model_add_extfn(TyModelBuilder *b, const char *name, const char *in_unit,
                         const char *out_unit, const char *loc, TyExtFnCallback fn, void *ctx,
                         TyError *err);

/* ---- expression nodes: *out_node receives the new node's id ---- */
TyStatus model_node_const(TyModelBuilder *b, double value, int *out_node, TyError *err);
TyStatus model_node_const_unit(TyModelBuilder *b, double value, const char *unit, int *out_node,
                               TyError *err);
TyStatus model_node_ref(TyModelBuilder *b, const char *name, int *out_node, TyError *err);
/* delay(name, years), 1 <= years <= TY_MODEL_MAX_DELAY. init: a node giving the value while
 * year - years is before the first year (it takes precedence over the element's history), or
 * -1 to use the element's history; with neither it is a compile error. lag is the same node. */
TyStatus model_node_delay(TyModelBuilder *b, const char *name, int years, int init,
                          int *out_node, TyError *err);
TyStatus model_node_year(TyModelBuilder *b, int *out_node, TyError *err);
/* Any op whose `call` column in expr_ops.h is 1, with its argument count. */
TyStatus model_node_call(TyModelBuilder *b, TyOp op, const int *args, size_t nargs,
                         int *out_node, TyError *err);
/* interp{years[0], values[0], years[1], values[1], ...}: years finite, strictly increasing;
 * values are nodes. */
TyStatus model_node_interp(TyModelBuilder *b, const double *years, const int *values, size_t n,
                           int *out_node, TyError *err);
TyStatus model_node_lookup(TyModelBuilder *b, const char *table, int x, int *out_node,
                           TyError *err);
TyStatus model_node_ext(TyModelBuilder *b, const char *fn, int x, int *out_node, TyError *err);

/* The op called `name` ("add", "if_", "min", ...) that model_node_call accepts, or -1. */
int model_op_find(const char *name);
const char *model_op_name(TyOp op);
/* Argument counts; max is -1 for "any number". */
void model_op_arity(TyOp op, int *min_args, int *max_args);

/* ---- compiling ---- */
TyStatus model_compile(const TyModelBuilder *b, int first_year, int last_year, TyModel **out,
                       TyError *err);
void model_free(TyModel *m);

/* ---- what a compiled model contains ---- */
int model_first_year(const TyModel *m);
int model_last_year(const TyModel *m);
size_t model_element_count(const TyModel *m);
/* Index of the element called name, or -1. */
int model_element_find(const TyModel *m, const char *name);
const char *model_element_name(const TyModel *m, int elem);
TyElemKind model_element_kind(const TyModel *m, int elem);
const char *model_element_unit(const TyModel *m, int elem);   /* as declared; "" dimensionless */
const char *model_element_loc(const TyModel *m, int elem);    /* "" when none */
const char *model_kind_name(TyElemKind kind);                 /* "param", "stock", ... */

/* The unit conversions the compiler inserted, in the order it met them, for reports and for
 * checking a model: in `elem`, a value in `from` was multiplied by `factor` to be in `to`. */
typedef struct TyConversion {
    int elem;
    char from[64];
    char to[64];
    double factor;
} TyConversion;
size_t model_conversion_count(const TyModel *m);
const TyConversion *model_conversion_get(const TyModel *m, size_t i);

/* Size of the compiled program (instructions for a year after the first), for tests and
 * benchmarks of constant folding. */
size_t model_instruction_count(const TyModel *m);

#endif
