/* model_compile.c — turns a TyModelBuilder into a TyModel: resolves names, rejects same-year
 * cycles, checks and converts units, folds constants, orders the elements and flattens them
 * into two linear programs over slots (the first year, with the stocks' initial values, and
 * every later year). Each pass reports the first error with the place of the element it is
 * about.
 *
 * Expression nodes form a DAG whose arguments always have smaller ids than their node, so
 * "in id order" is a topological order: the unit pass runs once per node in id order without
 * recursion, and each element's instructions are emitted in id order of the nodes it reaches,
 * which handles shared sub-expressions without walking them as trees. */
#include "model.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "expr_math.h"
#include "model_internal.h"

/* Node visits allowed in one compile, across all elements: a model that shares one huge
 * expression among many elements cannot make compiling quadratic without bound. */
#define COMPILE_VISIT_BUDGET 50000000L

static const struct {
    const char *name, *sym, *verb;
    TyUnitRule rule;
} ops[TY_OP__COUNT] = {
#define TY_X_OPS(id, name, sym, lo, hi, call, rule, verb) { name, sym, verb, rule },
    TY_EXPR_OPS(TY_X_OPS)
#undef TY_X_OPS
};

/* What the compiler learns about one builder node. */
typedef struct NodeInfo {
    TyUnit unit;
    unsigned char is_free;    /* a plain number: takes the unit of what it meets */
    unsigned char is_const;   /* folded to cval */
    double cval;
    int target;               /* REF, DELAY, LOOKUP: element; EXT: function */
    int owner;                /* first element whose expression reaches it; -1 unused */
} NodeInfo;

typedef struct Prog {
    EvalInstr *v;
    size_t n, cap;
} Prog;

typedef struct Compiler {
    const TyModelBuilder *b;
    TyModel *m;
    TyError *err;
    int first, last, nyears;
    NodeInfo *info;
    double *argk;             /* per builder argument: factor applied to it */
    int *stamp;               /* per node: traversal that last saw it */
    int stampv;
    int *stack;
    int *list;
    size_t nlist;
    long budget;
    /* dependencies among elements, CSR */
    size_t *dep_off;
    int *deps;
    size_t ndeps, capdeps;
    int *topo;
    size_t ntopo;
    double *elem_factor;      /* per element: its expression's conversion to its unit */
    int *delay_max;           /* per element: the longest delay that reads it */
    /* emission */
    int *slot_of;             /* per node, during one element's emission */
    int *lastuse;
    int *free_temps;
    size_t nfree_temps;
    int ntemps;
    double *consts;           /* constant pool; slot of constant k is encoded as -(k + 1) */
    size_t nconsts, capconsts;
    size_t *const_hash;       /* open addressing: index + 1, 0 = empty */
    size_t const_hash_cap;
    Prog first_prog, rest_prog;
    int *args;                /* instruction arguments, in encoded slots */
    size_t nargs, capargs;
    TyConversion *conv;
    size_t nconv, capconv;
} Compiler;

/* ---- small helpers ---- */

static TyStatus oom(Compiler *c)
{
    return ty_error_set(c->err, TY_ENOMEM, "out of memory");
}

static TyStatus grow_array(Compiler *c, void **arr, size_t *cap, size_t n, size_t more,
                           size_t size)
{
    if (n + more <= *cap) return TY_OK;
    size_t nc = *cap ? *cap : 16;
    while (nc < n + more) nc *= 2;
    if (nc > SIZE_MAX / size) return oom(c);
    void *p = ty_realloc(*arr, nc * size);
    if (!p) return oom(c);
    *arr = p;
    *cap = nc;
    return TY_OK;
}

static void *alloc_array(size_t n, size_t size)
{
    if (n == 0) n = 1;
    if (n > SIZE_MAX / size) return NULL;
    return ty_calloc(n, size);
}

/* A bounded string builder for messages. */
typedef struct StrBuf {
    char buf[512];
    size_t len;
} StrBuf;

static void sb_add(StrBuf *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_add(StrBuf *s, const char *fmt, ...)
{
    if (s->len + 1 >= sizeof s->buf) return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(s->buf + s->len, sizeof s->buf - s->len, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    s->len += (size_t)n;
    if (s->len >= sizeof s->buf) s->len = sizeof s->buf - 1;
}

static const BElem *elem(const Compiler *c, int e) { return &c->b->elems[e]; }
static const BNode *node(const Compiler *c, int n) { return &c->b->nodes[n]; }
static int arg(const Compiler *c, int n, int j) { return c->b->args[c->b->nodes[n].args + (size_t)j]; }

static const char *unit_text_or_one(const char *t) { return (t && t[0]) ? t : "1"; }

/* ---- describing expressions and their units in messages ---- */

static int is_compound(const Compiler *c, int n)
{
    int op = node(c, n)->op;
    return ops[op].sym != NULL && node(c, n)->nargs > 0;
}

static void describe(const Compiler *c, int n, StrBuf *s, int depth)
{
    const BNode *x = node(c, n);
    if (depth > 5) { sb_add(s, "…"); return; }
    switch (x->op) {
    case TY_OP_CONST: sb_add(s, "%g", x->value); return;
    case TY_OP_CONST_UNIT: sb_add(s, "%g %s", x->value, c->b->units[x->unit].text); return;
    case TY_OP_REF: sb_add(s, "%s", x->name); return;
    case TY_OP_DELAY: sb_add(s, "delay(%s, %d)", x->name, x->years); return;
    case TY_OP_YEAR: sb_add(s, "year"); return;
    case TY_OP_LOOKUP: sb_add(s, "lookup(%s, ", x->name); break;
    case TY_OP_EXT: sb_add(s, "%s(", x->name); break;
    case TY_OP_INTERP: sb_add(s, "interp{…}"); return;
    default:
        if (ops[x->op].sym && x->nargs == 2) {
            int l = arg(c, n, 0), r = arg(c, n, 1);
            if (is_compound(c, l)) { sb_add(s, "("); describe(c, l, s, depth + 1); sb_add(s, ")"); }
            else describe(c, l, s, depth + 1);
            sb_add(s, " %s ", ops[x->op].sym);
            if (is_compound(c, r)) { sb_add(s, "("); describe(c, r, s, depth + 1); sb_add(s, ")"); }
            else describe(c, r, s, depth + 1);
            return;
        }
        if (ops[x->op].sym && x->nargs == 1) {
            int a = arg(c, n, 0);
            sb_add(s, "%s%s", ops[x->op].sym, x->op == TY_OP_NOT ? " " : "");
            if (is_compound(c, a)) { sb_add(s, "("); describe(c, a, s, depth + 1); sb_add(s, ")"); }
            else describe(c, a, s, depth + 1);
            return;
        }
        sb_add(s, "%s(", ops[x->op].name);
        break;
    }
    for (int j = 0; j < x->nargs; j++) {
        if (j) sb_add(s, ", ");
        describe(c, arg(c, n, j), s, depth + 1);
    }
    sb_add(s, ")");
}

/* The first argument that is not a free number, or -1. */
static int first_unit_arg(const Compiler *c, int n, int from)
{
    for (int j = from; j < node(c, n)->nargs; j++)
        if (!c->info[arg(c, n, j)].is_free) return j;
    return -1;
}

/* The unit of a node as the analyst wrote it: "亿元 / 亿元", "万元". */
static void unit_words(const Compiler *c, int n, StrBuf *s, int depth)
{
    const BNode *x = node(c, n);
    const NodeInfo *in = &c->info[n];
    if (depth > 5) { sb_add(s, "…"); return; }
    if (in->is_free) { sb_add(s, "1"); return; }
    switch (x->op) {
    case TY_OP_CONST_UNIT: sb_add(s, "%s", unit_text_or_one(c->b->units[x->unit].text)); return;
    case TY_OP_REF:
    case TY_OP_DELAY:
    case TY_OP_LOOKUP:
        sb_add(s, "%s", unit_text_or_one(elem(c, in->target)->unit_text));
        return;
    case TY_OP_EXT: sb_add(s, "%s", unit_text_or_one(c->b->extfns[in->target].out_text)); return;
    default: break;
    }
    switch (ops[x->op].rule) {
    case TY_UR_MUL:
    case TY_UR_DIV: {
        int l = arg(c, n, 0), r = arg(c, n, 1);
        if (c->info[l].is_free) { unit_words(c, r, s, depth + 1); return; }
        if (c->info[r].is_free && x->op == TY_OP_MUL) { unit_words(c, l, s, depth + 1); return; }
        for (int side = 0; side < 2; side++) {
            int a = side ? r : l;
            if (side) sb_add(s, " %s ", ops[x->op].sym);
            int paren = !c->info[a].is_free && (ops[node(c, a)->op].rule == TY_UR_MUL
                                                || ops[node(c, a)->op].rule == TY_UR_DIV);
            if (paren) sb_add(s, "(");
            unit_words(c, a, s, depth + 1);
            if (paren) sb_add(s, ")");
        }
        return;
    }
    case TY_UR_POW: sb_add(s, "("); unit_words(c, arg(c, n, 0), s, depth + 1);
        sb_add(s, ")^%g", c->info[arg(c, n, 1)].cval); return;
    case TY_UR_SQRT: sb_add(s, "sqrt("); unit_words(c, arg(c, n, 0), s, depth + 1);
        sb_add(s, ")"); return;
    case TY_UR_KEEP:
    case TY_UR_RAMP:
    case TY_UR_GROWTH: unit_words(c, arg(c, n, 0), s, depth + 1); return;
    case TY_UR_STEP: unit_words(c, arg(c, n, 1), s, depth + 1); return;
    case TY_UR_SAME:
    case TY_UR_IF: {
        /* As rule_same: the first argument's unit, or the first one with a unit when the
         * first is a free number (a plain ratio when that one is dimensionless). */
        int from = ops[x->op].rule == TY_UR_IF ? 1 : 0;
        int j = first_unit_arg(c, n, from);
        if (j < 0) { sb_add(s, "1"); return; }
        if (!c->info[arg(c, n, from)].is_free) j = from;
        else if (units_is_dimensionless(&c->info[arg(c, n, j)].unit)) { sb_add(s, "1"); return; }
        unit_words(c, arg(c, n, j), s, depth + 1);
        return;
    }
    default: sb_add(s, "1"); return;
    }
}

/* "亿元 (gdp)": an argument in a mismatch message. */
static void operand(const Compiler *c, int n, StrBuf *s)
{
    unit_words(c, n, s, 0);
    sb_add(s, " (");
    describe(c, n, s, 0);
    sb_add(s, ")");
}

static TyStatus unit_fail(Compiler *c, int n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static TyStatus unit_fail(Compiler *c, int n, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const BElem *e = elem(c, c->info[n].owner);
    return model_error_at(c->err, TY_ESCRIPT, e->loc, "unit mismatch in '%s': %s", e->name, msg);
}

static TyStatus record_conversion(Compiler *c, int owner, const TyUnit *from, const TyUnit *to,
                                  double factor)
{
    if (factor == 1.0) return TY_OK;
    TyStatus st = grow_array(c, (void **)&c->conv, &c->capconv, c->nconv, 1, sizeof(TyConversion));
    if (st) return st;
    TyConversion *v = &c->conv[c->nconv++];
    v->elem = owner;
    units_format(from, v->from, sizeof v->from);
    units_format(to, v->to, sizeof v->to);
    v->factor = factor;
    return TY_OK;
}

/* ---- traversal ---- */

/* Fills c->list with the nodes reachable from root (root included), each once. With
 * skip_const, folded constants are neither listed nor entered. */
static TyStatus collect(Compiler *c, int root, int skip_const)
{
    c->nlist = 0;
    if (skip_const && c->info[root].is_const) return TY_OK;
    int mark = ++c->stampv;
    size_t top = 0;
    c->stack[top++] = root;
    c->stamp[root] = mark;
    while (top > 0) {
        int n = c->stack[--top];
        c->list[c->nlist++] = n;
        if (--c->budget < 0)
            return ty_error_set(c->err, TY_ELIMIT, "the model's expressions are too large to compile");
        for (int j = 0; j < node(c, n)->nargs; j++) {
            int a = arg(c, n, j);
            if (c->stamp[a] == mark) continue;
            if (skip_const && c->info[a].is_const) continue;
            c->stamp[a] = mark;
            c->stack[top++] = a;
        }
    }
    return TY_OK;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* ---- pass 1: owners and names ---- */

static TyStatus mark_owners(Compiler *c)
{
    for (size_t e = 0; e < c->b->nelems; e++) {
        int root = elem(c, (int)e)->expr;
        if (root < 0 || c->info[root].owner >= 0) continue;
        size_t top = 0;
        c->stack[top++] = root;
        c->info[root].owner = (int)e;
        while (top > 0) {
            int n = c->stack[--top];
            for (int j = 0; j < node(c, n)->nargs; j++) {
                int a = arg(c, n, j);
                if (c->info[a].owner >= 0) continue;
                c->info[a].owner = (int)e;
                c->stack[top++] = a;
            }
        }
    }
    return TY_OK;
}

/* "; did you mean 'x'?" for the closest element name (of an allowed kind) within distance 2. */
static void suggest_element(const Compiler *c, const char *name, int want_lookup, StrBuf *s)
{
    int best = -1, bestd = 3;
    for (size_t i = 0; i < c->b->nelems; i++) {
        const BElem *e = elem(c, (int)i);
        if ((e->kind == TY_ELEM_LOOKUP) != want_lookup) continue;
        int d = model_edit_distance(name, e->name);
        if (d < bestd) { bestd = d; best = (int)i; }
    }
    if (best >= 0) sb_add(s, "; did you mean '%s'?", elem(c, best)->name);
}

static void suggest_function(const Compiler *c, const char *name, StrBuf *s)
{
    int best = -1, bestd = 3;
    for (size_t i = 0; i < c->b->nextfns; i++) {
        int d = model_edit_distance(name, c->b->extfns[i].name);
        if (d < bestd) { bestd = d; best = (int)i; }
    }
    if (best >= 0) sb_add(s, "; did you mean '%s'?", c->b->extfns[best].name);
}

static TyStatus resolve_names(Compiler *c)
{
    for (size_t n = 0; n < c->b->nnodes; n++) {
        NodeInfo *in = &c->info[n];
        const BNode *x = node(c, (int)n);
        if (in->owner < 0) continue;
        const BElem *owner = elem(c, in->owner);
        StrBuf s = { .len = 0 };
        s.buf[0] = '\0';
        if (x->op == TY_OP_REF || x->op == TY_OP_DELAY || x->op == TY_OP_LOOKUP) {
            int t = model_names_get(&c->b->names, x->name);
            int want_lookup = x->op == TY_OP_LOOKUP;
            if (t < 0) {
                suggest_element(c, x->name, want_lookup, &s);
                return model_error_at(c->err, TY_ESCRIPT, owner->loc,
                                      "unknown %s '%s' in '%s'%s",
                                      want_lookup ? "lookup table" : "name", x->name,
                                      owner->name, s.buf);
            }
            if ((elem(c, t)->kind == TY_ELEM_LOOKUP) != want_lookup) {
                if (want_lookup)
                    return model_error_at(c->err, TY_ESCRIPT, owner->loc,
                                          "'%s' in '%s' is %s, not a lookup table", x->name,
                                          owner->name, model_kind_phrase(elem(c, t)->kind));
                return model_error_at(c->err, TY_ESCRIPT, owner->loc,
                                      "'%s' in '%s' is a lookup table: use lookup(%s, x)",
                                      x->name, owner->name, x->name);
            }
            in->target = t;
        } else if (x->op == TY_OP_EXT) {
            int t = model_names_get(&c->b->extnames, x->name);
            if (t < 0) {
                suggest_function(c, x->name, &s);
                return model_error_at(c->err, TY_ESCRIPT, owner->loc,
                                      "unknown function '%s' in '%s'%s", x->name, owner->name,
                                      s.buf);
            }
            in->target = t;
        }
    }
    return TY_OK;
}

/* ---- pass 2: same-year dependencies, cycles, order ---- */

static TyStatus build_dependencies(Compiler *c)
{
    size_t ne = c->b->nelems;
    int *seen = alloc_array(ne, sizeof(int));
    if (!seen) return oom(c);
    for (size_t i = 0; i < ne; i++) seen[i] = -1;
    TyStatus st = TY_OK;
    for (size_t e = 0; e < ne && !st; e++) {
        c->dep_off[e] = c->ndeps;
        int root = elem(c, (int)e)->expr;
        if (root < 0) continue;
        if ((st = collect(c, root, 0))) break;
        /* In id order, so the cycle a message names follows the order the analyst wrote. */
        qsort(c->list, c->nlist, sizeof(int), cmp_int);
        for (size_t k = 0; k < c->nlist && !st; k++) {
            const BNode *x = node(c, c->list[k]);
            if (x->op != TY_OP_REF) continue;
            int t = c->info[c->list[k]].target;
            if (seen[t] == (int)e) continue;
            seen[t] = (int)e;
            st = grow_array(c, (void **)&c->deps, &c->capdeps, c->ndeps, 1, sizeof(int));
            if (!st) c->deps[c->ndeps++] = t;
        }
    }
    c->dep_off[ne] = c->ndeps;
    ty_free(seen);
    return st;
}

static TyStatus cycle_error(Compiler *c, const int *path, size_t len)
{
    /* Start at the element declared first, keeping the direction. */
    size_t start = 0;
    for (size_t i = 1; i < len; i++)
        if (path[i] < path[start]) start = i;
    StrBuf s = { .len = 0 };
    s.buf[0] = '\0';
    for (size_t i = 0; i <= len; i++)
        sb_add(&s, "%s%s", i ? " -> " : "", elem(c, path[(start + i) % len])->name);
    sb_add(&s, " (");
    for (size_t i = 0; i < len; i++) {
        const BElem *e = elem(c, path[(start + i) % len]);
        sb_add(&s, "%s%s at %s", i ? ", " : "", e->name, e->loc[0] ? e->loc : "?");
    }
    sb_add(&s, ")");
    if (s.len + 1 >= sizeof s.buf) memcpy(s.buf + sizeof s.buf - 4, "...", 4);
    return model_error_at(c->err, TY_ESCRIPT, elem(c, path[start])->loc,
                          "circular definition without a delay: %s", s.buf);
}

static TyStatus order_elements(Compiler *c)
{
    size_t ne = c->b->nelems;
    unsigned char *color = alloc_array(ne, 1);
    int *sv = alloc_array(ne, sizeof(int));
    size_t *si = alloc_array(ne, sizeof(size_t));
    TyStatus st = TY_OK;
    if (!color || !sv || !si) { st = oom(c); goto done; }
    for (size_t s = 0; s < ne && !st; s++) {
        if (color[s]) continue;
        size_t top = 0;
        sv[top] = (int)s;
        si[top++] = c->dep_off[s];
        color[s] = 1;
        while (top > 0 && !st) {
            int v = sv[top - 1];
            if (si[top - 1] < c->dep_off[v + 1]) {
                int w = c->deps[si[top - 1]++];
                if (color[w] == 0) {
                    color[w] = 1;
                    sv[top] = w;
                    si[top++] = c->dep_off[w];
                } else if (color[w] == 1) {
                    size_t k = top;
                    while (k > 0 && sv[k - 1] != w) k--;
                    st = cycle_error(c, sv + (k - 1), top - (k - 1));
                }
            } else {
                color[v] = 2;
                c->topo[c->ntopo++] = v;
                top--;
            }
        }
    }
done:
    ty_free(color);
    ty_free(sv);
    ty_free(si);
    return st;
}

/* ---- pass 3: units and constant folding, node by node in id order ---- */

static double fold(const Compiler *c, int n, const double *v, int nv)
{
    switch (node(c, n)->op) {
    case TY_OP_NEG: return -v[0];
    case TY_OP_ADD: return v[0] + v[1];
    case TY_OP_SUB: return v[0] - v[1];
    case TY_OP_MUL: return v[0] * v[1];
    case TY_OP_DIV: return v[0] / v[1];
    case TY_OP_POW: return expr_pow(v[0], v[1]);
    case TY_OP_LT: return expr_truth(v[0] < v[1]);
    case TY_OP_LE: return expr_truth(v[0] <= v[1]);
    case TY_OP_GT: return expr_truth(v[0] > v[1]);
    case TY_OP_GE: return expr_truth(v[0] >= v[1]);
    case TY_OP_EQ: return expr_truth(v[0] == v[1]);
    case TY_OP_NE: return expr_truth(v[0] != v[1]);
    case TY_OP_AND: return expr_truth(v[0] != 0.0 && v[1] != 0.0);
    case TY_OP_OR: return expr_truth(v[0] != 0.0 || v[1] != 0.0);
    case TY_OP_NOT: return expr_truth(v[0] == 0.0);
    case TY_OP_IF: return expr_if(v[0], v[1], v[2]);
    case TY_OP_CLAMP: return expr_clamp(v[0], v[1], v[2]);
    case TY_OP_ABS: return fabs(v[0]);
    case TY_OP_EXP: return expr_exp(v[0]);
    case TY_OP_LOG: return nv == 2 ? expr_log_base(v[0], v[1]) : expr_log(v[0]);
    case TY_OP_SQRT: return sqrt(v[0]);
    case TY_OP_FLOOR: return floor(v[0]);
    case TY_OP_MIN:
    case TY_OP_MAX:
    case TY_OP_SUM: {
        double r = v[0];
        for (int j = 1; j < nv; j++)
            r = node(c, n)->op == TY_OP_MIN ? expr_min(r, v[j])
              : node(c, n)->op == TY_OP_MAX ? expr_max(r, v[j]) : r + v[j];
        return r;
    }
    case TY_OP_LOOKUP: {
        const BElem *t = elem(c, c->info[n].target);
        return expr_lookup(t->xs, t->ys, (int)t->nxy, v[0]);
    }
    default: return NAN;   /* not foldable; never called */
    }
}

static int foldable(int op)
{
    switch (op) {
    case TY_OP_CONST: case TY_OP_CONST_UNIT: case TY_OP_REF: case TY_OP_DELAY:
    case TY_OP_YEAR: case TY_OP_INTERP: case TY_OP_EXT: case TY_OP_STEP: case TY_OP_RAMP:
    case TY_OP_GROWTH:
        return 0;
    default:
        return 1;
    }
}

static const TyUnit *unit_of(const Compiler *c, int n) { return &c->info[n].unit; }

/* Like-for-like arguments from index `from` on: sets their factors and the result unit. */
static TyStatus rule_same(Compiler *c, int n, int from)
{
    const BNode *x = node(c, n);
    NodeInfo *in = &c->info[n];
    int r = first_unit_arg(c, n, from);
    if (r < 0) {
        in->is_free = 1;
        units_one(&in->unit);
        for (int j = from; j < x->nargs; j++) c->argk[x->args + (size_t)j] = 1.0;
        return TY_OK;
    }
    int rn = arg(c, n, r);
    int dimmed = !units_is_dimensionless(unit_of(c, rn));
    int base = c->info[arg(c, n, from)].is_free ? r : from;   /* the argument giving the unit */
    TyUnit res;
    if (base == from || dimmed) res = c->info[arg(c, n, base)].unit;
    else units_one(&res);
    for (int j = from; j < x->nargs; j++) {
        int a = arg(c, n, j);
        double k;
        if (c->info[a].is_free) {
            k = dimmed ? 1.0 : 1.0 / res.scale;
        } else {
            if (!units_same_dimension(unit_of(c, a), &res)) {
                StrBuf l = { .len = 0 }, rr = { .len = 0 };
                operand(c, arg(c, n, base), &l);
                operand(c, a, &rr);
                if (ops[x->op].verb)
                    return unit_fail(c, n, "cannot %s %s and %s", ops[x->op].verb, l.buf, rr.buf);
                return unit_fail(c, n, "cannot mix %s and %s in %s", l.buf, rr.buf,
                                 ops[x->op].name);
            }
            k = units_factor(unit_of(c, a), &res);
            TyStatus st = record_conversion(c, in->owner, unit_of(c, a), &res, k);
            if (st) return st;
        }
        c->argk[x->args + (size_t)j] = k;
    }
    in->unit = res;
    in->is_free = 0;
    return TY_OK;
}

/* Argument j must be dimensionless; its factor converts it to a plain ratio. */
static TyStatus need_dimensionless(Compiler *c, int n, int j, const char *what)
{
    int a = arg(c, n, j);
    if (c->info[a].is_free) { c->argk[node(c, n)->args + (size_t)j] = 1.0; return TY_OK; }
    if (!units_is_dimensionless(unit_of(c, a))) {
        StrBuf s = { .len = 0 };
        operand(c, a, &s);
        return unit_fail(c, n, "%s must be dimensionless, found %s", what, s.buf);
    }
    TyUnit one;
    units_one(&one);
    double k = units_factor(unit_of(c, a), &one);
    c->argk[node(c, n)->args + (size_t)j] = k;
    return record_conversion(c, c->info[n].owner, unit_of(c, a), &one, k);
}

/* Argument j goes into something of unit `want` (a lookup's input, a function's input). */
static TyStatus need_unit(Compiler *c, int n, int j, const TyUnit *want, const char *want_text,
                          const char *what)
{
    int a = arg(c, n, j);
    if (c->info[a].is_free) { c->argk[node(c, n)->args + (size_t)j] = 1.0; return TY_OK; }
    if (!units_same_dimension(unit_of(c, a), want)) {
        StrBuf s = { .len = 0 };
        operand(c, a, &s);
        return unit_fail(c, n, "%s must be in %s, found %s", what, unit_text_or_one(want_text),
                         s.buf);
    }
    double k = units_factor(unit_of(c, a), want);
    c->argk[node(c, n)->args + (size_t)j] = k;
    return record_conversion(c, c->info[n].owner, unit_of(c, a), want, k);
}

static TyStatus unit_node(Compiler *c, int n)
{
    const BNode *x = node(c, n);
    NodeInfo *in = &c->info[n];
    TyStatus st = TY_OK;
    char what[200];
    units_one(&in->unit);
    in->is_free = 0;
    for (int j = 0; j < x->nargs; j++) c->argk[x->args + (size_t)j] = 1.0;

    switch (x->op) {
    case TY_OP_CONST:
        in->is_free = 1;
        in->is_const = 1;
        in->cval = x->value;
        return TY_OK;
    case TY_OP_CONST_UNIT:
        in->unit = c->b->units[x->unit].unit;
        in->is_const = 1;
        in->cval = x->value;
        return TY_OK;
    case TY_OP_YEAR:
        in->is_free = 1;
        return TY_OK;
    case TY_OP_REF:
        in->unit = elem(c, in->target)->unit;
        return TY_OK;
    case TY_OP_DELAY:
        in->unit = elem(c, in->target)->unit;
        if (x->nargs == 1) {
            snprintf(what, sizeof what, "the initial value of delay(%s, %d)", x->name, x->years);
            st = need_unit(c, n, 0, &in->unit, elem(c, in->target)->unit_text, what);
        }
        return st;
    case TY_OP_LOOKUP: {
        const BElem *t = elem(c, in->target);
        snprintf(what, sizeof what, "the input of lookup '%s'", t->name);
        if ((st = need_unit(c, n, 0, &t->x_unit, t->x_unit_text, what))) return st;
        in->unit = t->unit;
        break;
    }
    case TY_OP_EXT: {
        const BExtFn *f = &c->b->extfns[in->target];
        snprintf(what, sizeof what, "the input of function '%s'", f->name);
        if ((st = need_unit(c, n, 0, &f->in, f->in_text, what))) return st;
        in->unit = f->out;
        return TY_OK;
    }
    default:
        break;
    }

    if (x->op != TY_OP_LOOKUP) {
        int a0 = x->nargs > 0 ? arg(c, n, 0) : -1;
        switch (ops[x->op].rule) {
        case TY_UR_LEAF:
            break;
        case TY_UR_SAME:
            st = rule_same(c, n, 0);
            break;
        case TY_UR_CMP:
            st = rule_same(c, n, 0);
            units_one(&in->unit);
            in->is_free = 0;
            break;
        case TY_UR_IF:
            st = rule_same(c, n, 1);
            break;
        case TY_UR_KEEP:
            in->unit = c->info[a0].unit;
            in->is_free = c->info[a0].is_free;
            break;
        case TY_UR_MUL:
        case TY_UR_DIV: {
            int a1 = arg(c, n, 1);
            TyUnit one, l, r;
            units_one(&one);
            l = c->info[a0].is_free ? one : c->info[a0].unit;
            r = c->info[a1].is_free ? one : c->info[a1].unit;
            TyError uerr;
            st = x->op == TY_OP_MUL ? units_mul(&l, &r, &in->unit, &uerr)
                                    : units_div(&l, &r, &in->unit, &uerr);
            if (st) return unit_fail(c, n, "%s", uerr.msg);
            in->is_free = c->info[a0].is_free && c->info[a1].is_free;
            break;
        }
        case TY_UR_POW: {
            int a1 = arg(c, n, 1);
            if ((st = need_dimensionless(c, n, 1, "the exponent of pow"))) return st;
            if (c->info[a0].is_free || units_is_dimensionless(unit_of(c, a0))) {
                if ((st = need_dimensionless(c, n, 0, "the base of pow"))) return st;
                in->is_free = c->info[a0].is_free && c->info[a1].is_free;
                break;
            }
            double p = c->info[a1].is_const ? c->info[a1].cval * c->argk[x->args + 1] : NAN;
            if (!(p == floor(p)) || fabs(p) > TY_UNIT_MAX_EXP) {
                StrBuf s = { .len = 0 };
                operand(c, a0, &s);
                return unit_fail(c, n, "pow of %s needs a constant integer exponent", s.buf);
            }
            TyError uerr;
            if (units_pow(unit_of(c, a0), (int)p, &in->unit, &uerr))
                return unit_fail(c, n, "%s", uerr.msg);
            break;
        }
        case TY_UR_SQRT:
            if (c->info[a0].is_free || units_is_dimensionless(unit_of(c, a0))) {
                if ((st = need_dimensionless(c, n, 0, "the argument of sqrt"))) return st;
                in->is_free = c->info[a0].is_free;
            } else {
                TyError uerr;
                if (units_root(unit_of(c, a0), 2, &in->unit, &uerr)) {
                    StrBuf s = { .len = 0 };
                    operand(c, a0, &s);
                    return unit_fail(c, n, "sqrt of %s has a fractional unit", s.buf);
                }
            }
            break;
        case TY_UR_DIMLESS:
            in->is_free = 1;
            for (int j = 0; j < x->nargs && !st; j++) {
                if (x->nargs == 1) snprintf(what, sizeof what, "the argument of %s", ops[x->op].name);
                else snprintf(what, sizeof what, "argument %d of %s", j + 1, ops[x->op].name);
                st = need_dimensionless(c, n, j, what);
                in->is_free = in->is_free && c->info[arg(c, n, j)].is_free;
            }
            break;
        case TY_UR_LOGIC:
            break;
        case TY_UR_STEP:
            if ((st = need_dimensionless(c, n, 0, "the year of step"))) return st;
            in->unit = c->info[arg(c, n, 1)].unit;
            in->is_free = c->info[arg(c, n, 1)].is_free;
            break;
        case TY_UR_RAMP:
            for (int j = 1; j < x->nargs && !st; j++)
                st = need_dimensionless(c, n, j, j == 1 ? "the start year of ramp"
                                                        : "the end year of ramp");
            in->unit = c->info[a0].unit;
            in->is_free = c->info[a0].is_free;
            break;
        case TY_UR_GROWTH:
            st = need_dimensionless(c, n, 1, "the rate of growth");
            in->unit = c->info[a0].unit;
            in->is_free = c->info[a0].is_free;
            break;
        }
        if (st) return st;
    }

    /* Constant folding: every argument a constant, the node pure and the same every year. */
    if (foldable(x->op) && x->nargs > 0) {
        double v[64];
        double *vals = x->nargs <= 64 ? v : ty_malloc((size_t)x->nargs * sizeof(double));
        if (!vals) return oom(c);
        int all = 1;
        for (int j = 0; j < x->nargs && all; j++) {
            int a = arg(c, n, j);
            if (!c->info[a].is_const) all = 0;
            else vals[j] = c->info[a].cval * c->argk[x->args + (size_t)j];
        }
        if (all) {
            in->is_const = 1;
            in->cval = fold(c, n, vals, x->nargs);
        }
        if (vals != v) ty_free(vals);
    }
    return TY_OK;
}

static TyStatus check_units(Compiler *c)
{
    for (size_t n = 0; n < c->b->nnodes; n++) {
        if (c->info[n].owner < 0) continue;
        TyStatus st = unit_node(c, (int)n);
        if (st) return st;
    }
    /* Each element's expression converts to the element's unit. */
    for (size_t e = 0; e < c->b->nelems; e++) {
        const BElem *el = elem(c, (int)e);
        c->elem_factor[e] = 1.0;
        if (el->expr < 0) continue;
        const NodeInfo *in = &c->info[el->expr];
        if (in->is_free) continue;
        TyUnit want = el->unit;
        int per_year = 0;   /* the expression and the unit differ by 年 (see below) */
        if (!units_same_dimension(&in->unit, &el->unit)) {
            TyUnit year, alt;
            TyError uerr;
            if (units_parse("年", &year, &uerr) == TY_OK
                && ((units_mul(&el->unit, &year, &alt, &uerr) == TY_OK
                     && units_same_dimension(&in->unit, &alt))
                    || (units_div(&el->unit, &year, &alt, &uerr) == TY_OK
                        && units_same_dimension(&in->unit, &alt)))) {
                per_year = 1;
                /* A flow is an amount per one-year step, so 家 and 家/年 are the same numbers
                 * for it (as for flows into a stock); an aux must say what it means. */
                if (el->kind == TY_ELEM_FLOW) want = alt;
            }
        }
        if (!units_same_dimension(&in->unit, &want)) {
            const char *hint = per_year ? "; they differ by /年: give the rate a unit per 年 "
                                          "(such as %/年), or make it a flow" : "";
            StrBuf w = { .len = 0 };
            unit_words(c, el->expr, &w, 0);
            char canon[128];
            if (units_is_dimensionless(&in->unit)) snprintf(canon, sizeof canon, "dimensionless");
            else units_format(&in->unit, canon, sizeof canon);
            const char *declared = unit_text_or_one(el->unit_text);
            int stock = el->kind == TY_ELEM_STOCK;
            if (strcmp(w.buf, canon) != 0)
                return model_error_at(c->err, TY_ESCRIPT, el->loc,
                                      "unit mismatch in '%s': %s%s is %s but the %s is declared %s%s",
                                      el->name, stock ? "the initial value " : "", w.buf, canon,
                                      stock ? "stock" : "element", declared, hint);
            return model_error_at(c->err, TY_ESCRIPT, el->loc,
                                  "unit mismatch in '%s': the %s is in %s but the %s is declared %s%s",
                                  el->name, stock ? "initial value" : "expression", w.buf,
                                  stock ? "stock" : "element", declared, hint);
        }
        c->elem_factor[e] = units_factor(&in->unit, &want);
        TyStatus st = record_conversion(c, (int)e, &in->unit, &want, c->elem_factor[e]);
        if (st) return st;
    }
    return TY_OK;
}

/* ---- pass 4: stocks' flows, delays' histories, inputs' defaults ---- */

static TyStatus check_flows(Compiler *c)
{
    TyUnit year;
    TyStatus st = units_parse("年", &year, c->err);
    if (st) return st;
    for (size_t e = 0; e < c->b->nelems; e++) {
        const BElem *s = elem(c, (int)e);
        MElem *ms = &c->m->elems[e];
        if (s->kind != TY_ELEM_STOCK || s->nflows == 0) continue;
        ms->flow_slots = alloc_array(s->nflows, sizeof(int));
        ms->flow_factors = alloc_array(s->nflows, sizeof(double));
        if (!ms->flow_slots || !ms->flow_factors) return oom(c);
        ms->nflows = (int)s->nflows;
        TyUnit per_year;
        TyError uerr;
        int have_per_year = units_div(&s->unit, &year, &per_year, &uerr) == TY_OK;
        for (size_t i = 0; i < s->nflows; i++) {
            const BFlow *f = &s->flows[i];
            const char *dir = f->sign > 0 ? "inflow" : "outflow";
            int t = model_names_get(&c->b->names, f->name);
            if (t < 0) {
                StrBuf sg = { .len = 0 };
                sg.buf[0] = '\0';
                suggest_element(c, f->name, 0, &sg);
                return model_error_at(c->err, TY_ESCRIPT, s->loc, "unknown %s '%s' of stock '%s'%s",
                                      dir, f->name, s->name, sg.buf);
            }
            const BElem *fe = elem(c, t);
            if (fe->kind == TY_ELEM_LOOKUP)
                return model_error_at(c->err, TY_ESCRIPT, s->loc,
                                      "%s '%s' of stock '%s' is a lookup table, which has no value",
                                      dir, f->name, s->name);
            double k;
            if (units_same_dimension(&fe->unit, &s->unit)) {
                k = units_factor(&fe->unit, &s->unit);
                if ((st = record_conversion(c, (int)e, &fe->unit, &s->unit, k))) return st;
            } else if (have_per_year && units_same_dimension(&fe->unit, &per_year)) {
                k = units_factor(&fe->unit, &per_year);
                if ((st = record_conversion(c, (int)e, &fe->unit, &per_year, k))) return st;
            } else {
                const char *su = unit_text_or_one(s->unit_text);
                return model_error_at(c->err, TY_ESCRIPT, s->loc,
                                      "unit mismatch in stock '%s': %s '%s' is in %s but the flows "
                                      "of a %s stock must be in %s/年 or %s",
                                      s->name, dir, f->name, unit_text_or_one(fe->unit_text), su,
                                      su, su);
            }
            ms->flow_slots[i] = t;   /* an element index until slots are assigned */
            ms->flow_factors[i] = f->sign * k;
        }
    }
    return TY_OK;
}

static TyStatus check_delays(Compiler *c)
{
    for (size_t n = 0; n < c->b->nnodes; n++) {
        const BNode *x = node(c, (int)n);
        const NodeInfo *in = &c->info[n];
        if (in->owner < 0 || x->op != TY_OP_DELAY) continue;
        const BElem *t = elem(c, in->target);
        const BElem *owner = elem(c, in->owner);
        if (x->years > c->delay_max[in->target]) c->delay_max[in->target] = x->years;
        if (x->nargs == 1 || t->hist_kind == MODEL_HIST_CONST) continue;
        /* Years read before the first year: first - years .. min(first - 1, last - years). */
        long lo = (long)c->first - x->years;
        long hi = (long)c->last - x->years;
        if (hi > c->first - 1) hi = c->first - 1;
        if (t->hist_kind == MODEL_HIST_NONE) {
            if (lo == hi)
                return model_error_at(c->err, TY_ESCRIPT, owner->loc,
                                      "delay(%s, %d) in '%s' reads %ld, before the first year %d, "
                                      "but '%s' has no history: declare one, or give delay an "
                                      "initial value",
                                      x->name, x->years, owner->name, lo, c->first, x->name);
            return model_error_at(c->err, TY_ESCRIPT, owner->loc,
                                  "delay(%s, %d) in '%s' reads %ld-%ld, before the first year %d, "
                                  "but '%s' has no history: declare one, or give delay an "
                                  "initial value",
                                  x->name, x->years, owner->name, lo, hi, c->first, x->name);
        }
        long hlo = t->hist_first, hhi = (long)t->hist_first + (long)t->nhist - 1;
        if (lo < hlo || hi > hhi)
            return model_error_at(c->err, TY_ESCRIPT, owner->loc,
                                  "delay(%s, %d) in '%s' reads %ld-%ld, but the history of '%s' "
                                  "covers only %ld-%ld",
                                  x->name, x->years, owner->name, lo, hi, x->name, hlo, hhi);
    }
    return TY_OK;
}

static TyStatus check_defaults(Compiler *c)
{
    for (size_t e = 0; e < c->b->nelems; e++) {
        const BElem *el = elem(c, (int)e);
        if (!el->has_default || el->dkind != TY_VALUE_SERIES) continue;
        for (int y = c->first; y <= c->last; y++) {
            long i = (long)y - el->dfirst;
            if (i < 0 || (size_t)i >= el->dn || isnan(el->dvalues[i]))
                return model_error_at(c->err, TY_ESCRIPT, el->loc,
                                      "the default of '%s' has no value for %d", el->name, y);
        }
    }
    return TY_OK;
}

/* ---- pass 5: slots and instructions ---- */

/* Encoded slot of a constant (deduplicated by bit pattern). */
static TyStatus const_slot(Compiler *c, double v, int *slot)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    if ((c->nconsts + 1) * 2 > c->const_hash_cap) {
        size_t cap = c->const_hash_cap ? c->const_hash_cap * 2 : 64;
        size_t *h = alloc_array(cap, sizeof(size_t));
        if (!h) return oom(c);
        for (size_t k = 0; k < c->nconsts; k++) {
            uint64_t kb;
            memcpy(&kb, &c->consts[k], sizeof kb);
            size_t i = (size_t)(kb * 0x9E3779B97F4A7C15ull >> 17) & (cap - 1);
            while (h[i]) i = (i + 1) & (cap - 1);
            h[i] = k + 1;
        }
        ty_free(c->const_hash);
        c->const_hash = h;
        c->const_hash_cap = cap;
    }
    size_t i = (size_t)(bits * 0x9E3779B97F4A7C15ull >> 17) & (c->const_hash_cap - 1);
    while (c->const_hash[i]) {
        uint64_t kb;
        memcpy(&kb, &c->consts[c->const_hash[i] - 1], sizeof kb);
        if (kb == bits) { *slot = -(int)c->const_hash[i]; return TY_OK; }
        i = (i + 1) & (c->const_hash_cap - 1);
    }
    TyStatus st = grow_array(c, (void **)&c->consts, &c->capconsts, c->nconsts, 1, sizeof(double));
    if (st) return st;
    c->consts[c->nconsts++] = v;
    c->const_hash[i] = c->nconsts;
    *slot = -(int)c->nconsts;
    return TY_OK;
}

/* Temporaries are encoded after the element slots: nelems + t. */
static int temp_alloc(Compiler *c)
{
    if (c->nfree_temps > 0) return c->free_temps[--c->nfree_temps];
    return (int)c->b->nelems + c->ntemps++;
}

static void temp_release(Compiler *c, int slot)
{
    if (slot >= (int)c->b->nelems) c->free_temps[c->nfree_temps++] = slot;
}

static TyStatus emit(Compiler *c, Prog *p, int op, int dst, const int *args, int nargs,
                     double k, int aux, int elem_index)
{
    TyStatus st = grow_array(c, (void **)&p->v, &p->cap, p->n, 1, sizeof(EvalInstr));
    if (!st) st = grow_array(c, (void **)&c->args, &c->capargs, c->nargs, (size_t)nargs, sizeof(int));
    if (st) return st;
    EvalInstr *in = &p->v[p->n++];
    in->op = op;
    in->dst = dst;
    in->nargs = nargs;
    in->elem = elem_index;
    in->arg0 = c->nargs;
    in->k = k;
    in->aux = aux;
    if (nargs) memcpy(c->args + c->nargs, args, (size_t)nargs * sizeof(int));
    c->nargs += (size_t)nargs;
    return TY_OK;
}

/* Instructions computing node n (not a constant, not a ref) into dst; args are its argument
 * slots, already converted. */
static TyStatus emit_node(Compiler *c, Prog *p, int n, int dst, const int *a, int na, int e)
{
    const BNode *x = node(c, n);
    const NodeInfo *in = &c->info[n];
    int op = x->op;
    switch (op) {
    case TY_OP_SUM:
    case TY_OP_MIN:
    case TY_OP_MAX: {
        int bin = op == TY_OP_SUM ? TY_OP_ADD : op;
        if (na == 1) return emit(c, p, EVAL_COPY, dst, a, 1, 0, 0, e);
        int acc = a[0];
        for (int j = 1; j < na; j++) {
            int out = j == na - 1 ? dst : temp_alloc(c);
            int pair[2] = { acc, a[j] };
            TyStatus st = emit(c, p, bin, out, pair, 2, 0, 0, e);
            if (st) return st;
            if (j > 1) temp_release(c, acc);
            acc = out;
        }
        return TY_OK;
    }
    case TY_OP_DELAY:
        return emit(c, p, op, dst, a, na, x->years, in->target, e);
    case TY_OP_LOOKUP:
    case TY_OP_EXT:
        return emit(c, p, op, dst, a, na, 0, in->target, e);
    case TY_OP_INTERP: {
        size_t off = c->m->nreals;
        double *r = ty_realloc(c->m->reals, (off + (size_t)na) * sizeof(double));
        if (!r) return oom(c);
        c->m->reals = r;
        memcpy(r + off, c->b->reals + x->reals, (size_t)na * sizeof(double));
        c->m->nreals += (size_t)na;
        return emit(c, p, op, dst, a, na, 0, (int)off, e);
    }
    default:
        return emit(c, p, op, dst, a, na, 0, 0, e);
    }
}

/* The instructions for element e's expression `root` into `target`, times `factor`. */
static TyStatus emit_expr(Compiler *c, Prog *p, int e, int root, int target, double factor)
{
    if (c->info[root].is_const) return emit(c, p, EVAL_FILL, target, NULL, 0, c->info[root].cval * factor, 0, e);
    TyStatus st = collect(c, root, 1);
    if (st) return st;
    qsort(c->list, c->nlist, sizeof(int), cmp_int);
    for (size_t i = 0; i < c->nlist; i++) c->lastuse[c->list[i]] = -1;
    for (size_t i = 0; i < c->nlist; i++) {
        int n = c->list[i];
        for (int j = 0; j < node(c, n)->nargs; j++) c->lastuse[arg(c, n, j)] = (int)i;
    }
    int *a = NULL, abuf[16];
    int *scaled = NULL, sbuf[16];
    for (size_t i = 0; i < c->nlist && !st; i++) {
        int n = c->list[i];
        const BNode *x = node(c, n);
        if (x->op == TY_OP_REF) {
            c->slot_of[n] = c->info[n].target;   /* element slots are encoded as the index */
            continue;
        }
        a = x->nargs <= 16 ? abuf : ty_malloc((size_t)x->nargs * sizeof(int));
        scaled = x->nargs <= 16 ? sbuf : ty_malloc((size_t)x->nargs * sizeof(int));
        if (!a || !scaled) { st = oom(c); break; }
        for (int j = 0; j < x->nargs && !st; j++) {
            int an = arg(c, n, j);
            double k = c->argk[x->args + (size_t)j];
            scaled[j] = 0;
            if (c->info[an].is_const) {
                st = const_slot(c, c->info[an].cval * k, &a[j]);
            } else if (k != 1.0) {
                a[j] = temp_alloc(c);
                scaled[j] = 1;
                st = emit(c, p, EVAL_SCALE, a[j], &c->slot_of[an], 1, k, 0, e);
            } else {
                a[j] = c->slot_of[an];
            }
        }
        if (st) break;
        int dst = (n == root && factor == 1.0) ? target : temp_alloc(c);
        st = emit_node(c, p, n, dst, a, x->nargs, e);
        c->slot_of[n] = dst;
        for (int j = 0; j < x->nargs; j++)
            if (scaled[j]) temp_release(c, a[j]);
        for (int j = 0; j < x->nargs; j++) {
            int an = arg(c, n, j);
            /* Release each argument once, after its last user; refs are element slots. */
            if (!c->info[an].is_const && c->lastuse[an] == (int)i && node(c, an)->op != TY_OP_REF) {
                c->lastuse[an] = -2;
                temp_release(c, c->slot_of[an]);
            }
        }
        if (a != abuf) ty_free(a);
        if (scaled != sbuf) ty_free(scaled);
        a = scaled = NULL;
    }
    if (a != abuf) ty_free(a);
    if (scaled != sbuf) ty_free(scaled);
    if (st) return st;
    int rs = c->slot_of[root];
    if (rs != target) {
        if (factor != 1.0) st = emit(c, p, EVAL_SCALE, target, &rs, 1, factor, 0, e);
        else st = emit(c, p, EVAL_COPY, target, &rs, 1, 0, 0, e);
        temp_release(c, rs);
    }
    return st;
}

static TyStatus emit_programs(Compiler *c)
{
    TyStatus st = TY_OK;
    for (size_t i = 0; i < c->ntopo && !st; i++) {
        int e = c->topo[i];
        const BElem *el = elem(c, e);
        if (el->kind == TY_ELEM_AUX || el->kind == TY_ELEM_FLOW) {
            if (c->info[el->expr].is_const) continue;   /* filled once per run */
            st = emit_expr(c, &c->first_prog, e, el->expr, e, c->elem_factor[e]);
            if (!st) st = emit_expr(c, &c->rest_prog, e, el->expr, e, c->elem_factor[e]);
        } else if (el->kind == TY_ELEM_STOCK) {
            st = emit_expr(c, &c->first_prog, e, el->expr, e, c->elem_factor[e]);
        }
    }
    return st;
}

/* ---- assembling the model ---- */

static int decode_slot(const Compiler *c, int s)
{
    int ne = (int)c->b->nelems;
    return s >= 0 ? s : ne + c->ntemps + (-s - 1);
}

static TyStatus assemble(Compiler *c)
{
    TyModel *m = c->m;
    size_t ne = c->b->nelems;
    m->nslots = (int)ne + c->ntemps + (int)c->nconsts;
    /* Element slots are the element indices (a lookup's slot stays unused). */
    for (size_t e = 0; e < ne; e++) {
        MElem *me = &m->elems[e];
        me->slot = me->kind == TY_ELEM_LOOKUP ? -1 : (int)e;
    }
    for (size_t i = 0; i < c->nargs; i++) c->args[i] = decode_slot(c, c->args[i]);
    for (size_t i = 0; i < c->first_prog.n; i++) c->first_prog.v[i].dst = decode_slot(c, c->first_prog.v[i].dst);
    for (size_t i = 0; i < c->rest_prog.n; i++) c->rest_prog.v[i].dst = decode_slot(c, c->rest_prog.v[i].dst);
    m->prog_first = c->first_prog.v;
    m->nfirst = c->first_prog.n;
    c->first_prog.v = NULL;
    m->prog_rest = c->rest_prog.v;
    m->nrest = c->rest_prog.n;
    c->rest_prog.v = NULL;
    m->args = c->args;
    m->nargs = c->nargs;
    c->args = NULL;
    m->conv = c->conv;
    m->nconv = c->nconv;
    c->conv = NULL;

    /* Slots filled once per run: the constant pool and elements that folded to a constant. */
    size_t nfill = c->nconsts;
    for (size_t e = 0; e < ne; e++) {
        const BElem *el = elem(c, (int)e);
        if ((el->kind == TY_ELEM_AUX || el->kind == TY_ELEM_FLOW) && c->info[el->expr].is_const) nfill++;
    }
    m->const_slots = alloc_array(nfill, sizeof(int));
    m->const_values = alloc_array(nfill, sizeof(double));
    if (!m->const_slots || !m->const_values) return oom(c);
    for (size_t k = 0; k < c->nconsts; k++) {
        m->const_slots[m->nconsts] = (int)ne + c->ntemps + (int)k;
        m->const_values[m->nconsts++] = c->consts[k];
    }
    for (size_t e = 0; e < ne; e++) {
        const BElem *el = elem(c, (int)e);
        if ((el->kind == TY_ELEM_AUX || el->kind == TY_ELEM_FLOW) && c->info[el->expr].is_const) {
            m->const_slots[m->nconsts] = (int)e;
            m->const_values[m->nconsts++] = c->info[el->expr].cval * c->elem_factor[e];
        }
    }

    /* Evaluation order of computed elements (for the non-finite check) and the stocks. */
    m->order = alloc_array(ne, sizeof(int));
    m->stocks = alloc_array(ne, sizeof(int));
    m->ring_elems = alloc_array(ne, sizeof(int));
    if (!m->order || !m->stocks || !m->ring_elems) return oom(c);
    for (size_t i = 0; i < c->ntopo; i++) {
        int e = c->topo[i];
        TyElemKind k = elem(c, e)->kind;
        if (k == TY_ELEM_AUX || k == TY_ELEM_FLOW || k == TY_ELEM_STOCK) m->order[m->norder++] = e;
        if (k == TY_ELEM_STOCK) m->stocks[m->nstocks++] = e;
    }
    for (size_t e = 0; e < ne; e++) {
        MElem *me = &m->elems[e];
        me->ring = -1;
        if (c->delay_max[e] > 0) {
            me->ring = m->nrings;
            me->ring_depth = c->delay_max[e] < c->nyears ? c->delay_max[e] : c->nyears;
            m->ring_elems[m->nrings++] = (int)e;
        }
        for (int i = 0; i < me->nflows; i++) me->flow_slots[i] = m->elems[me->flow_slots[i]].slot;
    }
    return TY_OK;
}

/* Copies what the run needs of each element into the model. */
static TyStatus copy_elements(Compiler *c)
{
    TyModel *m = c->m;
    size_t ne = c->b->nelems;
    m->elems = alloc_array(ne, sizeof(MElem));
    if (!m->elems) return oom(c);
    m->nelems = ne;
    for (size_t e = 0; e < ne; e++) {
        const BElem *el = elem(c, (int)e);
        MElem *me = &m->elems[e];
        me->kind = el->kind;
        me->ring = -1;
        me->name = ty_strdup(el->name);
        me->unit_text = ty_strdup(el->unit_text);
        me->loc = ty_strdup(el->loc);
        if (!me->name || !me->unit_text || !me->loc) return oom(c);
        if (model_names_put(&m->names, me->name, (int)e, c->err)) return TY_ENOMEM;
        me->has_default = el->has_default;
        me->dkind = el->dkind;
        me->dscalar = el->dscalar;
        if (el->has_default && el->dkind == TY_VALUE_SERIES) {
            me->dseries = alloc_array((size_t)c->nyears, sizeof(double));
            if (!me->dseries) return oom(c);
            for (int y = 0; y < c->nyears; y++)
                me->dseries[y] = el->dvalues[(long)c->first + y - el->dfirst];
        }
        me->hist_kind = el->hist_kind;
        me->hist_const = el->hist_const;
        me->hist_first = el->hist_first;
        if (el->hist_kind == MODEL_HIST_SERIES) {
            me->hist = alloc_array(el->nhist, sizeof(double));
            if (!me->hist) return oom(c);
            memcpy(me->hist, el->hist, el->nhist * sizeof(double));
            me->nhist = el->nhist;
        }
        if (el->kind == TY_ELEM_LOOKUP) {
            me->xs = alloc_array(el->nxy, sizeof(double));
            me->ys = alloc_array(el->nxy, sizeof(double));
            if (!me->xs || !me->ys) return oom(c);
            memcpy(me->xs, el->xs, el->nxy * sizeof(double));
            memcpy(me->ys, el->ys, el->nxy * sizeof(double));
            me->nxy = (int)el->nxy;
        }
    }
    m->extfns = alloc_array(c->b->nextfns, sizeof(MExtFn));
    if (!m->extfns) return oom(c);
    for (size_t i = 0; i < c->b->nextfns; i++) {
        m->extfns[i].name = ty_strdup(c->b->extfns[i].name);
        if (!m->extfns[i].name) return oom(c);
        m->extfns[i].fn = c->b->extfns[i].fn;
        m->extfns[i].ctx = c->b->extfns[i].ctx;
        m->nextfns = i + 1;
    }
    return TY_OK;
}

static void compiler_free(Compiler *c)
{
    ty_free(c->info);
    ty_free(c->argk);
    ty_free(c->stamp);
    ty_free(c->stack);
    ty_free(c->list);
    ty_free(c->dep_off);
    ty_free(c->deps);
    ty_free(c->topo);
    ty_free(c->elem_factor);
    ty_free(c->delay_max);
    ty_free(c->slot_of);
    ty_free(c->lastuse);
    ty_free(c->free_temps);
    ty_free(c->consts);
    ty_free(c->const_hash);
    ty_free(c->first_prog.v);
    ty_free(c->rest_prog.v);
    ty_free(c->args);
    ty_free(c->conv);
}

TyStatus model_compile(const TyModelBuilder *b, int first_year, int last_year, TyModel **out,
                       TyError *err)
{
    *out = NULL;
    if (first_year > last_year || first_year < -100000 || last_year > 100000)
        return ty_error_set(err, TY_ESCRIPT, "bad model years %d-%d", first_year, last_year);
    if ((long)last_year - first_year + 1 > TY_MODEL_MAX_YEARS)
        return ty_error_set(err, TY_ELIMIT, "a model covers at most %d years", TY_MODEL_MAX_YEARS);

    Compiler c;
    memset(&c, 0, sizeof c);
    c.b = b;
    c.err = err;
    c.first = first_year;
    c.last = last_year;
    c.nyears = last_year - first_year + 1;
    c.budget = COMPILE_VISIT_BUDGET;
    size_t nn = b->nnodes, ne = b->nelems;
    TyStatus st = TY_OK;

    c.m = ty_calloc(1, sizeof(TyModel));
    c.info = alloc_array(nn, sizeof(NodeInfo));
    c.argk = alloc_array(b->nargs, sizeof(double));
    c.stamp = alloc_array(nn, sizeof(int));
    c.stack = alloc_array(nn, sizeof(int));
    c.list = alloc_array(nn, sizeof(int));
    c.slot_of = alloc_array(nn, sizeof(int));
    c.lastuse = alloc_array(nn, sizeof(int));
    /* At most one destination and two scaled copies per argument are live at once. */
    c.free_temps = alloc_array(nn + 2 * b->nargs + 2, sizeof(int));
    c.dep_off = alloc_array(ne + 1, sizeof(size_t));
    c.topo = alloc_array(ne, sizeof(int));
    c.elem_factor = alloc_array(ne, sizeof(double));
    c.delay_max = alloc_array(ne, sizeof(int));
    if (!c.m || !c.info || !c.argk || !c.stamp || !c.stack || !c.list || !c.slot_of
        || !c.lastuse || !c.free_temps || !c.dep_off || !c.topo || !c.elem_factor
        || !c.delay_max) {
        st = oom(&c);
        goto done;
    }
    c.m->first_year = first_year;
    c.m->last_year = last_year;
    c.m->nyears = c.nyears;
    for (size_t n = 0; n < nn; n++) {
        c.info[n].owner = -1;
        c.info[n].target = -1;
    }

    if ((st = mark_owners(&c)) || (st = resolve_names(&c)) || (st = build_dependencies(&c))
        || (st = order_elements(&c)) || (st = check_units(&c)) || (st = check_defaults(&c))
        || (st = copy_elements(&c)) || (st = check_flows(&c)) || (st = check_delays(&c))
        || (st = emit_programs(&c)) || (st = assemble(&c)))
        goto done;
    *out = c.m;
    c.m = NULL;
done:
    model_free(c.m);
    compiler_free(&c);
    return st;
}
