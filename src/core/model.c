/* model.c — the model builder: the calls a binding makes to declare elements and expression
 * nodes, with the checks that can be made at once; plus what a compiled model tells about
 * itself. Compiling is in model_compile.c, running in eval.c. */
#include "model.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "model_internal.h"
#include "suggest.h"

/* ---- names ---- */

static size_t names_hash(const char *s)
{
    size_t h = 1469598103934665603ull & SIZE_MAX;   /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

void model_names_free(ModelNames *t)
{
    ty_free(t->keys);
    ty_free(t->ids);
    memset(t, 0, sizeof *t);
}

int model_names_get(const ModelNames *t, const char *key)
{
    if (t->cap == 0) return -1;
    size_t i = names_hash(key) & (t->cap - 1);
    while (t->keys[i]) {
        if (strcmp(t->keys[i], key) == 0) return t->ids[i];
        i = (i + 1) & (t->cap - 1);
    }
    return -1;
}

static void names_insert(const char **keys, int *ids, size_t cap, const char *key, int id)
{
    size_t i = names_hash(key) & (cap - 1);
    while (keys[i]) i = (i + 1) & (cap - 1);
    keys[i] = key;
    ids[i] = id;
}

TyStatus model_names_put(ModelNames *t, const char *key, int id, TyError *err)
{
    if ((t->count + 1) * 2 > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        const char **keys = ty_calloc(cap, sizeof *keys);
        int *ids = ty_calloc(cap, sizeof *ids);
        if (!keys || !ids) {
            ty_free(keys);
            ty_free(ids);
            return ty_error_set(err, TY_ENOMEM, "out of memory");
        }
        for (size_t i = 0; i < t->cap; i++)
            if (t->keys[i]) names_insert(keys, ids, cap, t->keys[i], t->ids[i]);
        ty_free(t->keys);
        ty_free(t->ids);
        t->keys = keys;
        t->ids = ids;
        t->cap = cap;
    }
    names_insert(t->keys, t->ids, t->cap, key, id);
    t->count++;
    return TY_OK;
}

int model_edit_distance(const char *a, const char *b)
{
    return ty_edit_distance(a, b, 2);       /* 3 means "not close" to the callers */
}

int model_name_valid(const char *name)
{
    if (!name) return 0;
    size_t n = strlen(name);
    if (n == 0 || n > TY_MODEL_MAX_NAME) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        int alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
        int digit = c >= '0' && c <= '9';
        if (!alpha && !(digit && i > 0)) return 0;
    }
    return 1;
}

TyStatus model_error_at(TyError *err, TyStatus code, const char *loc, const char *fmt, ...)
{
    if (!err) return code;
    char msg[sizeof err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);

    /* "file:line" or "file:line:col"; anything else is all file. */
    char file[sizeof err->file];
    int line = 0, col = 0;
    snprintf(file, sizeof file, "%s", loc ? loc : "");
    for (int part = 0; part < 2; part++) {
        char *colon = strrchr(file, ':');
        if (!colon || colon[1] == '\0' || colon == file) break;
        char *end;
        long v = strtol(colon + 1, &end, 10);
        if (*end != '\0' || v <= 0 || v > 100000000 || colon[1] < '0' || colon[1] > '9') break;
        *colon = '\0';
        if (part == 0) line = (int)v;
        else { col = line; line = (int)v; }
    }
    return ty_error_at(err, code, file[0] ? file : NULL, line, col, "%s", msg);
}

/* ---- values ---- */

TyValue model_value_scalar(double v)
{
    TyValue x = { TY_VALUE_SCALAR, v, NULL, 0, 0, 0 };
    return x;
}

TyValue model_value_series(int first_year, const double *values, size_t n)
{
    TyValue x = { TY_VALUE_SERIES, 0.0, values, n, first_year, 0 };
    return x;
}

TyValue model_value_samples(const double *values, size_t n)
{
    TyValue x = { TY_VALUE_SAMPLES, 0.0, values, n, 0, 0 };
    return x;
}

/* ---- the builder ---- */

TyModelBuilder *model_builder_new(void)
{
    return ty_calloc(1, sizeof(TyModelBuilder));
}

static void belem_free(BElem *e)
{
    ty_free(e->name);
    ty_free(e->unit_text);
    ty_free(e->loc);
    ty_free(e->dvalues);
    ty_free(e->hist);
    for (size_t i = 0; i < e->nflows; i++) ty_free(e->flows[i].name);
    ty_free(e->flows);
    ty_free(e->xs);
    ty_free(e->ys);
    ty_free(e->x_unit_text);
}

void model_builder_free(TyModelBuilder *b)
{
    if (!b) return;
    for (size_t i = 0; i < b->nelems; i++) belem_free(&b->elems[i]);
    ty_free(b->elems);
    model_names_free(&b->names);
    for (size_t i = 0; i < b->nnodes; i++) ty_free(b->nodes[i].name);
    ty_free(b->nodes);
    ty_free(b->args);
    ty_free(b->reals);
    for (size_t i = 0; i < b->nunits; i++) ty_free(b->units[i].text);
    ty_free(b->units);
    for (size_t i = 0; i < b->nextfns; i++) {
        BExtFn *f = &b->extfns[i];
        ty_free(f->name);
        ty_free(f->in_text);
        ty_free(f->out_text);
        ty_free(f->loc);
    }
    ty_free(b->extfns);
    model_names_free(&b->extnames);
    ty_free(b);
}

/* Makes room for `more` items in a growable array. */
static TyStatus grow(void **arr, size_t *cap, size_t n, size_t more, size_t size, TyError *err)
{
    if (n + more <= *cap) return TY_OK;
    size_t c = *cap ? *cap : 16;
    while (c < n + more) c *= 2;
    if (c > SIZE_MAX / size) return ty_error_set(err, TY_ENOMEM, "out of memory");
    void *p = ty_realloc(*arr, c * size);
    if (!p) return ty_error_set(err, TY_ENOMEM, "out of memory");
    *arr = p;
    *cap = c;
    return TY_OK;
}

static TyStatus dup_or_null(const char *s, char **out, TyError *err)
{
    *out = ty_strdup(s ? s : "");
    return *out ? TY_OK : ty_error_set(err, TY_ENOMEM, "out of memory");
}

static TyStatus copy_doubles(const double *v, size_t n, double **out, TyError *err)
{
    *out = NULL;
    if (n == 0) return TY_OK;
    if (n > SIZE_MAX / sizeof(double)) return ty_error_set(err, TY_ENOMEM, "out of memory");
    *out = ty_malloc(n * sizeof(double));
    if (!*out) return ty_error_set(err, TY_ENOMEM, "out of memory");
    memcpy(*out, v, n * sizeof(double));
    return TY_OK;
}

/* Checks a new element and fills *e (owning copies of the strings); nothing is added to the
 * builder until element_commit, so a later failure only needs belem_free(e). */
static TyStatus element_begin(TyModelBuilder *b, TyElemKind kind, const char *name,
                             const char *unit, const char *loc, BElem *e, TyError *err)
{
    memset(e, 0, sizeof *e);
    if (!model_name_valid(name))
        return model_error_at(err, TY_ESCRIPT, loc,
                              "bad element name '%.140s': a name is a letter or _ followed by "
                              "letters, digits or _ (at most %d bytes)",
                              name ? name : "(null)", TY_MODEL_MAX_NAME);
    int prev = model_names_get(&b->names, name);
    if (prev >= 0) {
        const char *ploc = b->elems[prev].loc;
        return model_error_at(err, TY_ESCRIPT, loc, "element '%s' is already defined%s%s", name,
                              ploc[0] ? " at " : "", ploc);
    }
    if (b->nelems >= TY_MODEL_MAX_ELEMENTS)
        return model_error_at(err, TY_ELIMIT, loc, "too many elements (at most %d)",
                              TY_MODEL_MAX_ELEMENTS);
    TyError uerr;
    if (units_parse(unit, &e->unit, &uerr) != TY_OK)
        return model_error_at(err, TY_ESCRIPT, loc, "%s, the unit of '%s'", uerr.msg, name);
    e->kind = kind;
    e->expr = -1;
    TyStatus st;
    if ((st = dup_or_null(name, &e->name, err)) || (st = dup_or_null(unit, &e->unit_text, err))
        || (st = dup_or_null(loc, &e->loc, err))) {
        belem_free(e);
        return st;
    }
    return TY_OK;
}

/* Adds *e to the builder, or frees it on failure. */
static TyStatus element_commit(TyModelBuilder *b, BElem *e, int *out_elem, TyError *err)
{
    TyStatus st = grow((void **)&b->elems, &b->capelems, b->nelems, 1, sizeof(BElem), err);
    if (!st) st = model_names_put(&b->names, e->name, (int)b->nelems, err);
    if (st) {
        belem_free(e);
        return st;
    }
    b->elems[b->nelems] = *e;
    if (out_elem) *out_elem = (int)b->nelems;
    b->nelems++;
    return TY_OK;
}

static TyStatus check_node(const TyModelBuilder *b, int node, const char *what, TyError *err)
{
    if (node < 0 || (size_t)node >= b->nnodes)
        return ty_error_set(err, TY_ESCRIPT, "%s: no expression node %d", what, node);
    return TY_OK;
}

static TyStatus add_input(TyModelBuilder *b, TyElemKind kind, const char *name,
                          const char *unit, const char *loc, const TyValue *dflt,
                          int *out_elem, TyError *err)
{
    if (dflt) {
        if (dflt->kind == TY_VALUE_SCALAR) {
            if (!isfinite(dflt->scalar))
                return model_error_at(err, TY_ESCRIPT, loc, "the default of '%s' is not finite",
                                      name ? name : "");
        } else if (dflt->kind == TY_VALUE_SERIES) {
            if (!dflt->values || dflt->n == 0)
                return model_error_at(err, TY_ESCRIPT, loc, "the default of '%s' has no values",
                                      name ? name : "");
            for (size_t i = 0; i < dflt->n; i++)
                if (isinf(dflt->values[i]))
                    return model_error_at(err, TY_ESCRIPT, loc,
                                          "the default of '%s' is not finite in %ld", name,
                                          (long)dflt->first_year + (long)i);
        } else {
            return model_error_at(err, TY_ESCRIPT, loc,
                                  "the default of '%s' must be a number or a year series "
                                  "(per-sample values are given to a run)", name ? name : "");
        }
    }
    BElem e;
    TyStatus st = element_begin(b, kind, name, unit, loc, &e, err);
    if (st) return st;
    if (dflt) {
        e.has_default = 1;
        e.dkind = dflt->kind;
        e.dscalar = dflt->scalar;
        if (dflt->kind == TY_VALUE_SERIES) {
            e.dfirst = dflt->first_year;
            e.dn = dflt->n;
            if ((st = copy_doubles(dflt->values, dflt->n, &e.dvalues, err))) {
                belem_free(&e);
                return st;
            }
        }
    }
    return element_commit(b, &e, out_elem, err);
}

TyStatus model_add_param(TyModelBuilder *b, const char *name, const char *unit, const char *loc,
                         const TyValue *dflt, int *out_elem, TyError *err)
{
    return add_input(b, TY_ELEM_PARAM, name, unit, loc, dflt, out_elem, err);
}

TyStatus model_add_lever(TyModelBuilder *b, const char *name, const char *unit, const char *loc,
                         const TyValue *dflt, int *out_elem, TyError *err)
{
    return add_input(b, TY_ELEM_LEVER, name, unit, loc, dflt, out_elem, err);
}

static TyStatus add_computed(TyModelBuilder *b, TyElemKind kind, const char *name,
                             const char *unit, const char *loc, int expr, int *out_elem,
                             TyError *err)
{
    if (expr < 0 || (size_t)expr >= b->nnodes)
        return model_error_at(err, TY_ESCRIPT, loc, "'%s': no expression node %d",
                              name ? name : "", expr);
    BElem e;
    TyStatus st = element_begin(b, kind, name, unit, loc, &e, err);
    if (st) return st;
    e.expr = expr;
    return element_commit(b, &e, out_elem, err);
}

TyStatus model_add_aux(TyModelBuilder *b, const char *name, const char *unit, const char *loc,
                       int expr, int *out_elem, TyError *err)
{
    return add_computed(b, TY_ELEM_AUX, name, unit, loc, expr, out_elem, err);
}

TyStatus model_add_flow(TyModelBuilder *b, const char *name, const char *unit, const char *loc,
                        int expr, int *out_elem, TyError *err)
{
    return add_computed(b, TY_ELEM_FLOW, name, unit, loc, expr, out_elem, err);
}

TyStatus model_add_stock(TyModelBuilder *b, const char *name, const char *unit, const char *loc,
                         int init, int *out_elem, TyError *err)
{
    return add_computed(b, TY_ELEM_STOCK, name, unit, loc, init, out_elem, err);
}

static TyStatus stock_add_flow(TyModelBuilder *b, int stock, const char *flow, int sign,
                               TyError *err)
{
    if (stock < 0 || (size_t)stock >= b->nelems || b->elems[stock].kind != TY_ELEM_STOCK)
        return ty_error_set(err, TY_ESCRIPT, "element %d is not a stock", stock);
    BElem *s = &b->elems[stock];
    if (!model_name_valid(flow))
        return model_error_at(err, TY_ESCRIPT, s->loc, "stock '%s': bad flow name '%.140s'",
                              s->name, flow ? flow : "(null)");
    TyStatus st = grow((void **)&s->flows, &s->capflows, s->nflows, 1, sizeof(BFlow), err);
    if (st) return st;
    char *copy = ty_strdup(flow);
    if (!copy) return ty_error_set(err, TY_ENOMEM, "out of memory");
    s->flows[s->nflows].name = copy;
    s->flows[s->nflows].sign = sign;
    s->nflows++;
    return TY_OK;
}

TyStatus model_stock_add_inflow(TyModelBuilder *b, int stock, const char *flow, TyError *err)
{
    return stock_add_flow(b, stock, flow, 1, err);
}

TyStatus model_stock_add_outflow(TyModelBuilder *b, int stock, const char *flow, TyError *err)
{
    return stock_add_flow(b, stock, flow, -1, err);
}

TyStatus model_add_lookup(TyModelBuilder *b, const char *name, const char *unit,
                          const char *x_unit, const char *loc, const double *xs,
                          const double *ys, size_t n, int *out_elem, TyError *err)
{
    const char *nm = name ? name : "";
    if (n == 0 || !xs || !ys)
        return model_error_at(err, TY_ESCRIPT, loc, "lookup '%s' has no points", nm);
    if (n > 100000)
        return model_error_at(err, TY_ELIMIT, loc, "lookup '%s' has too many points", nm);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(xs[i]) || !isfinite(ys[i]))
            return model_error_at(err, TY_ESCRIPT, loc, "lookup '%s': point %zu is not finite",
                                  nm, i + 1);
        if (i > 0 && !(xs[i] > xs[i - 1]))
            return model_error_at(err, TY_ESCRIPT, loc,
                                  "lookup '%s': x values must increase (point %zu: %g after %g)",
                                  nm, i + 1, xs[i], xs[i - 1]);
    }
    TyUnit xu;
    TyError uerr;
    if (units_parse(x_unit, &xu, &uerr) != TY_OK)
        return model_error_at(err, TY_ESCRIPT, loc, "%s, the input unit of '%s'", uerr.msg, nm);
    BElem e;
    TyStatus st = element_begin(b, TY_ELEM_LOOKUP, name, unit, loc, &e, err);
    if (st) return st;
    e.x_unit = xu;
    e.nxy = n;
    if ((st = copy_doubles(xs, n, &e.xs, err)) || (st = copy_doubles(ys, n, &e.ys, err))
        || (st = dup_or_null(x_unit, &e.x_unit_text, err))) {
        belem_free(&e);
        return st;
    }
    return element_commit(b, &e, out_elem, err);
}

static TyStatus history_target(TyModelBuilder *b, int elem, BElem **out, TyError *err)
{
    if (elem < 0 || (size_t)elem >= b->nelems)
        return ty_error_set(err, TY_ESCRIPT, "no element %d", elem);
    if (b->elems[elem].kind == TY_ELEM_LOOKUP)
        return model_error_at(err, TY_ESCRIPT, b->elems[elem].loc,
                              "lookup '%s' has no values and cannot have a history",
                              b->elems[elem].name);
    *out = &b->elems[elem];
    return TY_OK;
}

TyStatus model_set_history_const(TyModelBuilder *b, int elem, double value, TyError *err)
{
    BElem *e = NULL;
    TyStatus st = history_target(b, elem, &e, err);
    if (st) return st;
    if (!isfinite(value))
        return model_error_at(err, TY_ESCRIPT, e->loc, "the history of '%s' is not finite",
                              e->name);
    ty_free(e->hist);
    e->hist = NULL;
    e->nhist = 0;
    e->hist_kind = MODEL_HIST_CONST;
    e->hist_const = value;
    return TY_OK;
}

TyStatus model_set_history(TyModelBuilder *b, int elem, int first_year, const double *values,
                           size_t n, TyError *err)
{
    BElem *e = NULL;
    TyStatus st = history_target(b, elem, &e, err);
    if (st) return st;
    if (n == 0 || !values)
        return model_error_at(err, TY_ESCRIPT, e->loc, "the history of '%s' has no values",
                              e->name);
    if (first_year < -100000 || first_year > 100000 || n > 100000)
        return model_error_at(err, TY_ESCRIPT, e->loc, "the history of '%s' has bad years",
                              e->name);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(values[i]))
            return model_error_at(err, TY_ESCRIPT, e->loc,
                                  "the history of '%s' is not finite in %ld", e->name,
                                  (long)first_year + (long)i);
    double *copy;
    if ((st = copy_doubles(values, n, &copy, err))) return st;
    ty_free(e->hist);
    e->hist = copy;
    e->nhist = n;
    e->hist_first = first_year;
    e->hist_kind = MODEL_HIST_SERIES;
    return TY_OK;
}

TyStatus model_add_extfn(TyModelBuilder *b, const char *name, const char *in_unit,
                         const char *out_unit, const char *loc, TyExtFnCallback fn, void *ctx,
                         TyError *err)
{
    if (!model_name_valid(name))
        return model_error_at(err, TY_ESCRIPT, loc, "bad function name '%.140s'",
                              name ? name : "(null)");
    if (!fn) return model_error_at(err, TY_ESCRIPT, loc, "function '%s' has no callback", name);
    if (model_names_get(&b->extnames, name) >= 0)
        return model_error_at(err, TY_ESCRIPT, loc, "function '%s' is already defined", name);
    if (b->nextfns >= TY_MODEL_MAX_ELEMENTS)
        return model_error_at(err, TY_ELIMIT, loc, "too many functions");
    BExtFn f;
    memset(&f, 0, sizeof f);
    TyError uerr;
    if (units_parse(in_unit, &f.in, &uerr) != TY_OK)
        return model_error_at(err, TY_ESCRIPT, loc, "%s, the input unit of '%s'", uerr.msg, name);
    if (units_parse(out_unit, &f.out, &uerr) != TY_OK)
        return model_error_at(err, TY_ESCRIPT, loc, "%s, the output unit of '%s'", uerr.msg,
                              name);
    TyStatus st = grow((void **)&b->extfns, &b->capextfns, b->nextfns, 1, sizeof(BExtFn), err);
    if (st) return st;
    f.fn = fn;
    f.ctx = ctx;
    if ((st = dup_or_null(name, &f.name, err)) || (st = dup_or_null(in_unit, &f.in_text, err))
        || (st = dup_or_null(out_unit, &f.out_text, err))
        || (st = dup_or_null(loc, &f.loc, err))
        || (st = model_names_put(&b->extnames, f.name, (int)b->nextfns, err))) {
        ty_free(f.name);
        ty_free(f.in_text);
        ty_free(f.out_text);
        ty_free(f.loc);
        return st;
    }
    b->extfns[b->nextfns++] = f;
    return TY_OK;
}

/* ---- expression nodes ---- */

static const struct {
    const char *name;
    int min_args, max_args, call;
} op_table[TY_OP__COUNT] = {
#define TY_X_TABLE(id, name, sym, lo, hi, call, rule, verb) { name, lo, hi, call },
    TY_EXPR_OPS(TY_X_TABLE)
#undef TY_X_TABLE
};

int model_op_find(const char *name)
{
    if (!name) return -1;
    for (int i = 0; i < TY_OP__COUNT; i++)
        if (op_table[i].call && strcmp(op_table[i].name, name) == 0) return i;
    return -1;
}

const char *model_op_name(TyOp op)
{
    return (op >= 0 && op < TY_OP__COUNT) ? op_table[op].name : "?";
}

void model_op_arity(TyOp op, int *min_args, int *max_args)
{
    int lo = 0, hi = 0;
    if (op >= 0 && op < TY_OP__COUNT) {
        lo = op_table[op].min_args;
        hi = op_table[op].max_args;
    }
    if (min_args) *min_args = lo;
    if (max_args) *max_args = hi;
}

/* Appends a node of kind op with the given arguments (checked); fills *out_node. The node's
 * other fields are set by the caller through the returned pointer. */
static TyStatus add_node(TyModelBuilder *b, int op, const int *args, size_t nargs,
                         BNode **node, int *out_node, TyError *err)
{
    const char *opname = op_table[op].name;
    if (b->nnodes >= TY_MODEL_MAX_NODES)
        return ty_error_set(err, TY_ELIMIT, "too many expression nodes (at most %d)",
                            TY_MODEL_MAX_NODES);
    if (nargs > 0 && !args) return ty_error_set(err, TY_ESCRIPT, "%s: no arguments", opname);
    for (size_t i = 0; i < nargs; i++) {
        TyStatus st = check_node(b, args[i], opname, err);
        if (st) return st;
    }
    TyStatus st = grow((void **)&b->nodes, &b->capnodes, b->nnodes, 1, sizeof(BNode), err);
    if (st) return st;
    if ((st = grow((void **)&b->args, &b->capargs, b->nargs, nargs, sizeof(int), err))) return st;
    BNode *n = &b->nodes[b->nnodes];
    memset(n, 0, sizeof *n);
    n->op = op;
    n->nargs = (int)nargs;
    n->args = b->nargs;
    n->years = 0;
    n->unit = -1;
    if (nargs) memcpy(b->args + b->nargs, args, nargs * sizeof(int));
    b->nargs += nargs;
    *node = n;
    if (out_node) *out_node = (int)b->nnodes;
    b->nnodes++;
    return TY_OK;
}

static TyStatus add_named_node(TyModelBuilder *b, int op, const char *name, const int *args,
                               size_t nargs, BNode **node, int *out_node, TyError *err)
{
    if (!model_name_valid(name))
        return ty_error_set(err, TY_ESCRIPT, "%s: bad name '%.140s'", op_table[op].name,
                            name ? name : "(null)");
    char *copy = ty_strdup(name);
    if (!copy) return ty_error_set(err, TY_ENOMEM, "out of memory");
    TyStatus st = add_node(b, op, args, nargs, node, out_node, err);
    if (st) {
        ty_free(copy);
        return st;
    }
    (*node)->name = copy;
    return TY_OK;
}

TyStatus model_node_const(TyModelBuilder *b, double value, int *out_node, TyError *err)
{
    if (!isfinite(value)) return ty_error_set(err, TY_ESCRIPT, "a constant must be finite");
    BNode *n;
    TyStatus st = add_node(b, TY_OP_CONST, NULL, 0, &n, out_node, err);
    if (st) return st;
    n->value = value;
    return TY_OK;
}

TyStatus model_node_const_unit(TyModelBuilder *b, double value, const char *unit, int *out_node,
                               TyError *err)
{
    if (!isfinite(value)) return ty_error_set(err, TY_ESCRIPT, "a constant must be finite");
    BUnit u;
    TyStatus st = units_parse(unit, &u.unit, err);
    if (st) return st;
    if ((st = grow((void **)&b->units, &b->capunits, b->nunits, 1, sizeof(BUnit), err)))
        return st;
    if ((st = dup_or_null(unit, &u.text, err))) return st;
    BNode *n;
    if ((st = add_node(b, TY_OP_CONST_UNIT, NULL, 0, &n, out_node, err))) {
        ty_free(u.text);
        return st;
    }
    n->value = value;
    n->unit = (int)b->nunits;
    b->units[b->nunits++] = u;
    return TY_OK;
}

TyStatus model_node_ref(TyModelBuilder *b, const char *name, int *out_node, TyError *err)
{
    BNode *n;
    return add_named_node(b, TY_OP_REF, name, NULL, 0, &n, out_node, err);
}

TyStatus model_node_delay(TyModelBuilder *b, const char *name, int years, int init,
                          int *out_node, TyError *err)
{
    if (years < 1 || years > TY_MODEL_MAX_DELAY)
        return ty_error_set(err, TY_ESCRIPT, "delay of '%.140s': years must be 1 to %d, not %d",
                            name ? name : "", TY_MODEL_MAX_DELAY, years);
    BNode *n;
    TyStatus st = add_named_node(b, TY_OP_DELAY, name, &init, init >= 0 ? 1 : 0, &n, out_node,
                                 err);
    if (st) return st;
    n->years = years;
    return TY_OK;
}

TyStatus model_node_year(TyModelBuilder *b, int *out_node, TyError *err)
{
    BNode *n;
    return add_node(b, TY_OP_YEAR, NULL, 0, &n, out_node, err);
}

TyStatus model_node_call(TyModelBuilder *b, TyOp op, const int *args, size_t nargs,
                         int *out_node, TyError *err)
{
    if ((int)op < 0 || op >= TY_OP__COUNT || !op_table[op].call)
        return ty_error_set(err, TY_ESCRIPT, "model_node_call: '%s' is not a function",
                            model_op_name(op));
    int lo = op_table[op].min_args, hi = op_table[op].max_args;
    if (nargs < (size_t)lo || (hi >= 0 && nargs > (size_t)hi)) {
        if (lo == hi)
            return ty_error_set(err, TY_ESCRIPT, "%s takes %d argument%s, got %zu",
                                op_table[op].name, lo, lo == 1 ? "" : "s", nargs);
        if (hi < 0)
            return ty_error_set(err, TY_ESCRIPT, "%s takes at least %d argument%s, got %zu",
                                op_table[op].name, lo, lo == 1 ? "" : "s", nargs);
        return ty_error_set(err, TY_ESCRIPT, "%s takes %d to %d arguments, got %zu",
                            op_table[op].name, lo, hi, nargs);
    }
    BNode *n;
    return add_node(b, op, args, nargs, &n, out_node, err);
}

TyStatus model_node_interp(TyModelBuilder *b, const double *years, const int *values, size_t n,
                           int *out_node, TyError *err)
{
    if (n == 0 || !years || !values)
        return ty_error_set(err, TY_ESCRIPT, "interp needs at least one (year, value) pair");
    if (n > 10000) return ty_error_set(err, TY_ELIMIT, "interp has too many points");
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(years[i]))
            return ty_error_set(err, TY_ESCRIPT, "interp: year %zu is not finite", i + 1);
        if (i > 0 && !(years[i] > years[i - 1]))
            return ty_error_set(err, TY_ESCRIPT,
                                "interp: years must increase (%g after %g)", years[i],
                                years[i - 1]);
    }
    TyStatus st = grow((void **)&b->reals, &b->capreals, b->nreals, n, sizeof(double), err);
    if (st) return st;
    BNode *node;
    if ((st = add_node(b, TY_OP_INTERP, values, n, &node, out_node, err))) return st;
    node->reals = b->nreals;
    memcpy(b->reals + b->nreals, years, n * sizeof(double));
    b->nreals += n;
    return TY_OK;
}

TyStatus model_node_lookup(TyModelBuilder *b, const char *table, int x, int *out_node,
                           TyError *err)
{
    BNode *n;
    return add_named_node(b, TY_OP_LOOKUP, table, &x, 1, &n, out_node, err);
}

TyStatus model_node_ext(TyModelBuilder *b, const char *fn, int x, int *out_node, TyError *err)
{
    BNode *n;
    return add_named_node(b, TY_OP_EXT, fn, &x, 1, &n, out_node, err);
}

/* ---- the compiled model ---- */

void model_free(TyModel *m)
{
    if (!m) return;
    for (size_t i = 0; i < m->nelems; i++) {
        MElem *e = &m->elems[i];
        ty_free(e->name);
        ty_free(e->unit_text);
        ty_free(e->loc);
        ty_free(e->dseries);
        ty_free(e->hist);
        ty_free(e->xs);
        ty_free(e->ys);
        ty_free(e->flow_slots);
        ty_free(e->flow_factors);
    }
    ty_free(m->elems);
    model_names_free(&m->names);
    ty_free(m->const_slots);
    ty_free(m->const_values);
    ty_free(m->prog_first);
    ty_free(m->prog_rest);
    ty_free(m->args);
    ty_free(m->reals);
    ty_free(m->order);
    ty_free(m->stocks);
    ty_free(m->ring_elems);
    for (size_t i = 0; i < m->nextfns; i++) ty_free(m->extfns[i].name);
    ty_free(m->extfns);
    ty_free(m->conv);
    ty_free(m);
}

int model_first_year(const TyModel *m) { return m->first_year; }
int model_last_year(const TyModel *m) { return m->last_year; }
size_t model_element_count(const TyModel *m) { return m->nelems; }

int model_element_find(const TyModel *m, const char *name)
{
    return name ? model_names_get(&m->names, name) : -1;
}

static const MElem *melem(const TyModel *m, int elem)
{
    return (elem >= 0 && (size_t)elem < m->nelems) ? &m->elems[elem] : NULL;
}

const char *model_element_name(const TyModel *m, int elem)
{
    const MElem *e = melem(m, elem);
    return e ? e->name : NULL;
}

TyElemKind model_element_kind(const TyModel *m, int elem)
{
    const MElem *e = melem(m, elem);
    return e ? e->kind : TY_ELEM_LOOKUP;
}

const char *model_element_unit(const TyModel *m, int elem)
{
    const MElem *e = melem(m, elem);
    return e ? e->unit_text : NULL;
}

const char *model_element_loc(const TyModel *m, int elem)
{
    const MElem *e = melem(m, elem);
    return e ? e->loc : NULL;
}

const char *model_kind_name(TyElemKind kind)
{
    switch (kind) {
    case TY_ELEM_PARAM: return "param";
    case TY_ELEM_LEVER: return "lever";
    case TY_ELEM_AUX: return "aux";
    case TY_ELEM_FLOW: return "flow";
    case TY_ELEM_STOCK: return "stock";
    case TY_ELEM_LOOKUP: return "lookup";
    }
    return "?";
}

const char *model_kind_phrase(TyElemKind kind)
{
    switch (kind) {
    case TY_ELEM_PARAM: return "a param";
    case TY_ELEM_LEVER: return "a lever";
    case TY_ELEM_AUX: return "an aux";
    case TY_ELEM_FLOW: return "a flow";
    case TY_ELEM_STOCK: return "a stock";
    case TY_ELEM_LOOKUP: return "a lookup table";
    }
    return "an element";
}

size_t model_conversion_count(const TyModel *m) { return m->nconv; }

const TyConversion *model_conversion_get(const TyModel *m, size_t i)
{
    return i < m->nconv ? &m->conv[i] : NULL;
}

size_t model_instruction_count(const TyModel *m) { return m->nrest; }
