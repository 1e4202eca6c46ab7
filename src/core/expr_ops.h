/* expr_ops.h — the one list of the model DSL's expression nodes: operators and functions.
 *
 * The builder (arity checks, model_op_find), the compiler (unit rules, constant folding,
 * mismatch wording) and the evaluator (one kernel per node kind) all read this list, so a new
 * function is one line here plus its kernel (STYLE habit 14).
 *
 * X(ID, name, sym, min_args, max_args, call, unit_rule, verb)
 *   ID         the enum constant TY_OP_<ID>
 *   name       what a binding passes to model_op_find and what error messages show
 *   sym        the operator written between (or before) operands in messages; NULL: name(args)
 *   min_args   argument count; max_args -1 means any number >= min_args
 *   call       1 when built with model_node_call; 0 for nodes with their own builder function
 *              (constants, references, delays, year, interp, lookup, external functions)
 *   unit_rule  how the compiler checks and converts units (TyUnitRule below)
 *   verb       how a mismatch of like-for-like arguments reads: "cannot <verb> 亿元 (a) and
 *              家 (b)"; NULL reads "cannot mix 亿元 (a) and 家 (b) in <name>"
 *
 * Semantics (x, a, b... are per-sample values; `year` is the year being computed; first_year
 * is the model's first year; every comparison and logic result is 1 or 0):
 *   const             a number; "free" of units: next to a quantity with a dimension it takes
 *                     that quantity's unit (max(x, 0)), next to a dimensionless one it is a
 *                     plain ratio (1 + rate_pct is 1.05 when rate_pct is 5 %)
 *   const_unit        a number in a given unit
 *   ref               another element's value in the same year
 *   delay             an element's value `years` years earlier (lag is the same); optional
 *                     argument: the value to use while that year is before first_year
 *   year              the year as a number (free of units, like a constant)
 *   interp            LEAP's Interp: linear between (year_i, value_i), constant outside
 *   lookup            a lookup table element at x: piecewise linear, clamped at both ends
 *   ext               an external (C) function, e.g. a policy schedule, applied to x
 *   if_(c, a, b)      a where c != 0, else b; NaN where c is NaN
 *   min, max          NaN if any argument is NaN
 *   clamp(x, lo, hi)  min(max(x, lo), hi)
 *   log(x [, base])   natural log, or log to a base
 *   step(y0, v)       0 before year y0, v from y0 on
 *   ramp(slope, y0 [, y1])  0 before y0, slope * (year - y0) up to y1, constant after
 *   growth(base, rate)      base * (1 + rate)^(year - first_year)
 *   sum(a, b, ...)    a + b + ...
 * Division by zero, log of a negative number and the like give inf/NaN as IEEE 754 does;
 * model_run reports the first element that is not finite (eval.h). */
#ifndef TY_EXPR_OPS_H
#define TY_EXPR_OPS_H

/* How the compiler treats the units of a node's arguments and result. */
typedef enum TyUnitRule {
    TY_UR_LEAF,    /* no arguments checked here: the node has its own rule in the compiler */
    TY_UR_SAME,    /* all arguments in one dimension, converted to the first one's unit; result
                    * in that unit (+, -, min, max, clamp, sum) */
    TY_UR_CMP,     /* as SAME, result dimensionless (comparisons) */
    TY_UR_IF,      /* argument 1 anything; 2 and 3 as SAME; result in argument 2's unit */
    TY_UR_KEEP,    /* one argument; result in its unit (neg, abs, floor) */
    TY_UR_MUL,     /* dimensions multiply */
    TY_UR_DIV,     /* dimensions divide */
    TY_UR_POW,     /* exponent dimensionless; a base with a dimension needs a constant integer
                    * exponent */
    TY_UR_SQRT,    /* dimension exponents halve (must be even) */
    TY_UR_DIMLESS, /* every argument converted to a plain ratio; result dimensionless */
    TY_UR_LOGIC,   /* arguments anything (0 is false); result dimensionless */
    TY_UR_STEP,    /* argument 1 a year (dimensionless); result in argument 2's unit */
    TY_UR_RAMP,    /* argument 1 the slope, the result's unit; others years */
    TY_UR_GROWTH   /* argument 1 the base, the result's unit; argument 2 a dimensionless rate */
} TyUnitRule;

#define TY_EXPR_OPS(X) \
    X(CONST,      "const",      NULL,   0,  0, 0, TY_UR_LEAF,    NULL) \
    X(CONST_UNIT, "const_unit", NULL,   0,  0, 0, TY_UR_LEAF,    NULL) \
    X(REF,        "ref",        NULL,   0,  0, 0, TY_UR_LEAF,    NULL) \
    X(DELAY,      "delay",      NULL,   0,  1, 0, TY_UR_LEAF,    NULL) \
    X(YEAR,       "year",       NULL,   0,  0, 0, TY_UR_LEAF,    NULL) \
    X(INTERP,     "interp",     NULL,   1, -1, 0, TY_UR_SAME,    NULL) \
    X(LOOKUP,     "lookup",     NULL,   1,  1, 0, TY_UR_LEAF,    NULL) \
    X(EXT,        "ext",        NULL,   1,  1, 0, TY_UR_LEAF,    NULL) \
    X(NEG,        "neg",        "-",    1,  1, 1, TY_UR_KEEP,    NULL) \
    X(ADD,        "add",        "+",    2,  2, 1, TY_UR_SAME,    "add") \
    X(SUB,        "sub",        "-",    2,  2, 1, TY_UR_SAME,    "subtract") \
    X(MUL,        "mul",        "*",    2,  2, 1, TY_UR_MUL,     NULL) \
    X(DIV,        "div",        "/",    2,  2, 1, TY_UR_DIV,     NULL) \
    X(POW,        "pow",        "^",    2,  2, 1, TY_UR_POW,     NULL) \
    X(LT,         "lt",         "<",    2,  2, 1, TY_UR_CMP,     "compare") \
    X(LE,         "le",         "<=",   2,  2, 1, TY_UR_CMP,     "compare") \
    X(GT,         "gt",         ">",    2,  2, 1, TY_UR_CMP,     "compare") \
    X(GE,         "ge",         ">=",   2,  2, 1, TY_UR_CMP,     "compare") \
    X(EQ,         "eq",         "==",   2,  2, 1, TY_UR_CMP,     "compare") \
    X(NE,         "ne",         "~=",   2,  2, 1, TY_UR_CMP,     "compare") \
    X(AND,        "and",        "and",  2,  2, 1, TY_UR_LOGIC,   NULL) \
    X(OR,         "or",         "or",   2,  2, 1, TY_UR_LOGIC,   NULL) \
    X(NOT,        "not",        "not",  1,  1, 1, TY_UR_LOGIC,   NULL) \
    X(IF,         "if_",        NULL,   3,  3, 1, TY_UR_IF,      NULL) \
    X(MIN,        "min",        NULL,   1, -1, 1, TY_UR_SAME,    NULL) \
    X(MAX,        "max",        NULL,   1, -1, 1, TY_UR_SAME,    NULL) \
    X(CLAMP,      "clamp",      NULL,   3,  3, 1, TY_UR_SAME,    NULL) \
    X(ABS,        "abs",        NULL,   1,  1, 1, TY_UR_KEEP,    NULL) \
    X(EXP,        "exp",        NULL,   1,  1, 1, TY_UR_DIMLESS, NULL) \
    X(LOG,        "log",        NULL,   1,  2, 1, TY_UR_DIMLESS, NULL) \
    X(SQRT,       "sqrt",       NULL,   1,  1, 1, TY_UR_SQRT,    NULL) \
    X(FLOOR,      "floor",      NULL,   1,  1, 1, TY_UR_KEEP,    NULL) \
    X(STEP,       "step",       NULL,   2,  2, 1, TY_UR_STEP,    NULL) \
    X(RAMP,       "ramp",       NULL,   2,  3, 1, TY_UR_RAMP,    NULL) \
    X(GROWTH,     "growth",     NULL,   2,  2, 1, TY_UR_GROWTH,  NULL) \
    X(SUM,        "sum",        NULL,   1, -1, 1, TY_UR_SAME,    "add")

typedef enum TyOp {
#define TY_X_ENUM(id, name, sym, lo, hi, call, rule, verb) TY_OP_##id,
    TY_EXPR_OPS(TY_X_ENUM)
#undef TY_X_ENUM
    TY_OP__COUNT
} TyOp;

#endif
