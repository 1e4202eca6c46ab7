/* bind/model.c — _tuiyan.model: the model builder and compiled models (core/model, core/eval)
 * for the Lua DSL in stdlib/tuiyan/model.lua. The DSL keeps the expression trees; at compile
 * time it replays them into a builder here, node by node, and the core compiles and runs them.
 * Errors: a model that does not compile raises a tuiyan.Error (exit 1) naming the element and
 * the script line that defined it; misuse raises. */
#include "bind/bind.h"
#include "core/eval.h"
#include "core/model.h"
#include "host/host.h"

#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BUILDER_META "tuiyan.ModelBuilder"
#define MODEL_META "tuiyan.Model"

typedef struct BuilderBox { TyModelBuilder *b; } BuilderBox;
typedef struct ModelBox { TyModel *m; } ModelBox;

static TyModelBuilder *check_builder(lua_State *L)
{
    BuilderBox *box = luaL_checkudata(L, 1, BUILDER_META);
    luaL_argcheck(L, box->b != NULL, 1, "builder is closed");
    return box->b;
}

static TyModel *check_model(lua_State *L, int idx)
{
    ModelBox *box = luaL_checkudata(L, idx, MODEL_META);
    luaL_argcheck(L, box->m != NULL, idx, "model is closed");
    return box->m;
}

/* Core errors while building or compiling are the script's: raise them with their place. */
static int raise_core(lua_State *L, TyError *err)
{
    if (err->code == TY_ENOMEM) return luaL_error(L, "not enough memory");
    if (err->code != TY_EDATA) err->code = TY_ESCRIPT;
    return host_raise(L, err);
}

static int push_node(lua_State *L, TyStatus st, int node, TyError *err)
{
    if (st != TY_OK) return raise_core(L, err);
    lua_pushinteger(L, node);
    return 1;
}

static int check_node(lua_State *L, int idx)
{
    lua_Integer n = luaL_checkinteger(L, idx);
    luaL_argcheck(L, n >= 0 && n <= TY_MODEL_MAX_NODES, idx, "node id out of range");
    return (int)n;
}

/* A number or a table of finite numbers (a series): { first_year = Y, v1, v2, ... }. */
typedef struct ValueArg { TyValue v; double *owned; } ValueArg;

static void value_arg_free(ValueArg *a) { free(a->owned); a->owned = NULL; }

static int read_value(lua_State *L, int idx, ValueArg *out, const char *what)
{
    out->owned = NULL;
    if (lua_type(L, idx) == LUA_TNUMBER) {
        double x = lua_tonumber(L, idx);
        if (!isfinite(x)) return luaL_error(L, "%s: value is not a finite number", what);
        out->v = model_value_scalar(x);
        return 0;
    }
    if (lua_type(L, idx) != LUA_TTABLE)
        return luaL_error(L, "%s: expected a number or a series table, got %s", what, luaL_typename(L, idx));
    lua_getfield(L, idx, "first_year");
    int isnum;
    lua_Integer first = lua_tointegerx(L, -1, &isnum);
    lua_pop(L, 1);
    if (!isnum) return luaL_error(L, "%s: a series needs an integer first_year", what);
    size_t n = lua_rawlen(L, idx);
    if (n == 0 || n > TY_MODEL_MAX_YEARS) return luaL_error(L, "%s: a series needs 1..%d values", what, TY_MODEL_MAX_YEARS);
    double *vals = malloc(n * sizeof *vals);
    if (!vals) return luaL_error(L, "not enough memory");
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, idx, (lua_Integer)i + 1);
        vals[i] = lua_isnumber(L, -1) ? lua_tonumber(L, -1) : NAN;
        lua_pop(L, 1);
        if (!isfinite(vals[i])) {
            free(vals);
            return luaL_error(L, "%s: value %d of the series is not a finite number", what, (int)i + 1);
        }
    }
    out->owned = vals;
    out->v = model_value_series((int)first, vals, n);
    return 0;
}

/* ---- builder ---- */

static int model_lbuilder(lua_State *L)
{
    BuilderBox *box = lua_newuserdatauv(L, sizeof *box, 0);
    box->b = NULL;
    luaL_setmetatable(L, BUILDER_META);
    box->b = model_builder_new();
    if (!box->b) return luaL_error(L, "not enough memory");
    return 1;
}

static int builder_gc(lua_State *L)
{
    BuilderBox *box = luaL_checkudata(L, 1, BUILDER_META);
    model_builder_free(box->b);
    box->b = NULL;
    return 0;
}

/* const(value [, unit]) -> node */
static int builder_const(lua_State *L)
{
    TyModelBuilder *b = check_builder(L);
    double v = luaL_checknumber(L, 2);
    const char *unit = luaL_optstring(L, 3, NULL);
    int node;
    TyError err;
    ty_error_clear(&err);
    TyStatus st = unit ? model_node_const_unit(b, v, unit, &node, &err) : model_node_const(b, v, &node, &err);
    return push_node(L, st, node, &err);
}

static int builder_ref(lua_State *L)
{
    TyModelBuilder *b = check_builder(L);
    int node;
    TyError err;
    ty_error_clear(&err);
    TyStatus st = model_node_ref(b, luaL_checkstring(L, 2), &node, &err);
    return push_node(L, st, node, &err);
}

/* delay(name, years [, init_node]) -> node */
static int builder_delay(lua_State *L)
{
    TyModelBuilder *b = check_builder(L);
    const char *name = luaL_checkstring(L, 2);
    lua_Integer years = luaL_checkinteger(L, 3);
    luaL_argcheck(L, years >= 1 && years <= TY_MODEL_MAX_DELAY, 3, "delay must be 1..200 years");
    int init = lua_isnoneornil(L, 4) ? -1 : check_node(L, 4);
    int node;
    TyError err;
    ty_error_clear(&err);
    TyStatus st = model_node_delay(b, name, (int)years, init, &node, &err);
    return push_node(L, st, node, &err);
}

static int builder_year(lua_State *L)
{
    TyModelBuilder *b = check_builder(L);
    int node;
    TyError err;
    ty_error_clear(&err);
    TyStatus st = model_node_year(b, &node, &err);
    return push_node(L, st, node, &err);
}

/* call(opname, node...) -> node */
static int builder_call(lua_State *L)
{
    TyModelBuilder *b = check_builder(L);
    const char *name = luaL_checkstring(L, 2);
    int op = model_op_find(name);
    if (op < 0) return luaL_error(L, "unknown model function '%s'", name);
    int nargs = lua_gettop(L) - 2;
    if (nargs > 64) return luaL_error(L, "%s: too many arguments (%d)", name, nargs);
    int args[64];
    for (int i = 0; i < nargs; i++) args[i] = check_node(L, i + 3);
    int node;
    TyError err;
    ty_error_clear(&err);
    TyStatus st = model_node_call(b, (TyOp)op, args, (size_t)nargs, &node, &err);
    return push_node(L, st, node, &err);
}

/* interp(years, nodes) -> node */
static int builder_interp(lua_State *L)
{
    TyModelBuilder *b = check_builder(L);
    luaL_checktype(L, 2, LUA_TTABLE);
    luaL_checktype(L, 3, LUA_TTABLE);
    size_t n = lua_rawlen(L, 2);
    luaL_argcheck(L, n >= 1 && n == lua_rawlen(L, 3) && n <= 1000, 3, "years and values must pair up (1..1000)");
    double years[1000];
    int values[1000];
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, 2, (lua_Integer)i + 1);
        lua_rawgeti(L, 3, (lua_Integer)i + 1);
        years[i] = lua_tonumber(L, -2);
        values[i] = (int)lua_tointeger(L, -1);
        lua_pop(L, 2);
    }
    int node;
    TyError err;
    ty_error_clear(&err);
    TyStatus st = model_node_interp(b, years, values, n, &node, &err);
    return push_node(L, st, node, &err);
}

/* lookup(table_name, x_node) -> node */
static int builder_lookup(lua_State *L)
{
    TyModelBuilder *b = check_builder(L);
    int node;
    TyError err;
    ty_error_clear(&err);
    TyStatus st = model_node_lookup(b, luaL_checkstring(L, 2), check_node(L, 3), &node, &err);
    return push_node(L, st, node, &err);
}

/* ext(fn_name, x_node) -> node */
static int builder_ext(lua_State *L)
{
    TyModelBuilder *b = check_builder(L);
    int node;
    TyError err;
    ty_error_clear(&err);
    TyStatus st = model_node_ext(b, luaL_checkstring(L, 2), check_node(L, 3), &node, &err);
    return push_node(L, st, node, &err);
}

typedef TyStatus (*AddInput)(TyModelBuilder *, const char *, const char *, const char *,
                             const TyValue *, int *, TyError *);

/* param/lever(name, unit, loc [, default]) -> element index */
static int add_input(lua_State *L, AddInput add)
{
    TyModelBuilder *b = check_builder(L);
    const char *name = luaL_checkstring(L, 2);
    const char *unit = luaL_optstring(L, 3, NULL);
    const char *loc = luaL_optstring(L, 4, NULL);
    ValueArg dv;
    int has = !lua_isnoneornil(L, 5);
    if (has) read_value(L, 5, &dv, name);
    int elem;
    TyError err;
    ty_error_clear(&err);
    TyStatus st = add(b, name, unit, loc, has ? &dv.v : NULL, &elem, &err);
    if (has) value_arg_free(&dv);
    return push_node(L, st, elem, &err);
}

static int builder_param(lua_State *L) { return add_input(L, model_add_param); }
static int builder_lever(lua_State *L) { return add_input(L, model_add_lever); }

typedef TyStatus (*AddExpr)(TyModelBuilder *, const char *, const char *, const char *, int,
                            int *, TyError *);

static int add_expr(lua_State *L, AddExpr add)
{
    TyModelBuilder *b = check_builder(L);
    const char *name = luaL_checkstring(L, 2);
    const char *unit = luaL_optstring(L, 3, NULL);
    const char *loc = luaL_optstring(L, 4, NULL);
    int expr = check_node(L, 5);
    int elem;
    TyError err;
    ty_error_clear(&err);
    TyStatus st = add(b, name, unit, loc, expr, &elem, &err);
    return push_node(L, st, elem, &err);
}

/* aux/flow(name, unit, loc, node), stock(name, unit, loc, init_node) -> element index */
static int builder_aux(lua_State *L) { return add_expr(L, model_add_aux); }
static int builder_flow(lua_State *L) { return add_expr(L, model_add_flow); }
static int builder_stock(lua_State *L) { return add_expr(L, model_add_stock); }

/* inflow/outflow(stock_elem, flow_name) */
static int stock_flow(lua_State *L, int in)
{
    TyModelBuilder *b = check_builder(L);
    int stock = (int)luaL_checkinteger(L, 2);
    const char *flow = luaL_checkstring(L, 3);
    TyError err;
    ty_error_clear(&err);
    TyStatus st = in ? model_stock_add_inflow(b, stock, flow, &err) : model_stock_add_outflow(b, stock, flow, &err);
    if (st != TY_OK) return raise_core(L, &err);
    return 0;
}

static int builder_inflow(lua_State *L) { return stock_flow(L, 1); }
static int builder_outflow(lua_State *L) { return stock_flow(L, 0); }

/* lookup_table(name, unit, x_unit, loc, xs, ys) -> element index */
static int builder_lookup_table(lua_State *L)
{
    TyModelBuilder *b = check_builder(L);
    const char *name = luaL_checkstring(L, 2);
    const char *unit = luaL_optstring(L, 3, NULL);
    const char *x_unit = luaL_optstring(L, 4, NULL);
    const char *loc = luaL_optstring(L, 5, NULL);
    luaL_checktype(L, 6, LUA_TTABLE);
    luaL_checktype(L, 7, LUA_TTABLE);
    size_t n = lua_rawlen(L, 6);
    luaL_argcheck(L, n >= 1 && n == lua_rawlen(L, 7) && n <= 1000, 7, "xs and ys must pair up (1..1000)");
    double xs[1000], ys[1000];
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, 6, (lua_Integer)i + 1);
        lua_rawgeti(L, 7, (lua_Integer)i + 1);
        xs[i] = luaL_checknumber(L, -2);
        ys[i] = luaL_checknumber(L, -1);
        lua_pop(L, 2);
    }
    int elem;
    TyError err;
    ty_error_clear(&err);
    TyStatus st = model_add_lookup(b, name, unit, x_unit, loc, xs, ys, n, &elem, &err);
    return push_node(L, st, elem, &err);
}

/* history(elem, value | series) */
static int builder_history(lua_State *L)
{
    TyModelBuilder *b = check_builder(L);
    int elem = (int)luaL_checkinteger(L, 2);
    ValueArg v;
    read_value(L, 3, &v, "history");
    TyError err;
    ty_error_clear(&err);
    TyStatus st = v.v.kind == TY_VALUE_SCALAR
        ? model_set_history_const(b, elem, v.v.scalar, &err)
        : model_set_history(b, elem, v.v.first_year, v.v.values, v.v.n, &err);
    value_arg_free(&v);
    if (st != TY_OK) return raise_core(L, &err);
    return 0;
}

/* extfn(name, in_unit, out_unit, loc, fn, ctx_userdata): fn is a C callback in a light
 * userdata provided by another native module (policy schedules); ctx_userdata is kept alive by
 * the DSL for as long as the model. */
static int builder_extfn(lua_State *L)
{
    TyModelBuilder *b = check_builder(L);
    const char *name = luaL_checkstring(L, 2);
    const char *in_unit = luaL_optstring(L, 3, NULL);
    const char *out_unit = luaL_optstring(L, 4, NULL);
    const char *loc = luaL_optstring(L, 5, NULL);
    luaL_checktype(L, 6, LUA_TLIGHTUSERDATA);
    TyExtFnCallback fn;
    void *raw = lua_touserdata(L, 6);
    memcpy(&fn, &raw, sizeof fn);
    void *ctx = lua_touserdata(L, 7);
    luaL_argcheck(L, ctx != NULL, 7, "context userdata expected");
    TyError err;
    ty_error_clear(&err);
    if (model_add_extfn(b, name, in_unit, out_unit, loc, fn, ctx, &err) != TY_OK) return raise_core(L, &err);
    return 0;
}

/* compile(first_year, last_year) -> Model (raises with the element and line on error) */
static int builder_compile(lua_State *L)
{
    TyModelBuilder *b = check_builder(L);
    lua_Integer first = luaL_checkinteger(L, 2), last = luaL_checkinteger(L, 3);
    luaL_argcheck(L, first >= 1900 && last <= 2200 && first <= last, 3, "years must be 1900..2200, first <= last");
    ModelBox *box = lua_newuserdatauv(L, sizeof *box, 0);
    box->m = NULL;
    luaL_setmetatable(L, MODEL_META);
    TyError err;
    ty_error_clear(&err);
    if (model_compile(b, (int)first, (int)last, &box->m, &err) != TY_OK) return raise_core(L, &err);
    return 1;
}

/* ---- compiled models ---- */

static int model_gc(lua_State *L)
{
    ModelBox *box = luaL_checkudata(L, 1, MODEL_META);
    model_free(box->m);
    box->m = NULL;
    return 0;
}

/* elements() -> { {name=, kind=, unit=, loc=}, ... } in element order */
static int model_elements(lua_State *L)
{
    TyModel *m = check_model(L, 1);
    size_t n = model_element_count(m);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_createtable(L, 0, 4);
        lua_pushstring(L, model_element_name(m, (int)i));
        lua_setfield(L, -2, "name");
        lua_pushstring(L, model_kind_name(model_element_kind(m, (int)i)));
        lua_setfield(L, -2, "kind");
        lua_pushstring(L, model_element_unit(m, (int)i));
        lua_setfield(L, -2, "unit");
        lua_pushstring(L, model_element_loc(m, (int)i));
        lua_setfield(L, -2, "loc");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static int model_years(lua_State *L)
{
    TyModel *m = check_model(L, 1);
    lua_pushinteger(L, model_first_year(m));
    lua_pushinteger(L, model_last_year(m));
    return 2;
}

/* conversions() -> { {element=, from=, to=, factor=}, ... } */
static int model_conversions(lua_State *L)
{
    TyModel *m = check_model(L, 1);
    size_t n = model_conversion_count(m);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        const TyConversion *c = model_conversion_get(m, i);
        lua_createtable(L, 0, 4);
        lua_pushstring(L, model_element_name(m, c->elem));
        lua_setfield(L, -2, "element");
        lua_pushstring(L, c->from);
        lua_setfield(L, -2, "from");
        lua_pushstring(L, c->to);
        lua_setfield(L, -2, "to");
        lua_pushnumber(L, c->factor);
        lua_setfield(L, -2, "factor");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* Overrides from an array { {name, value}, ... } (order kept: later wins). The value arrays
 * are owned by `owned` until the run ends. */
typedef struct OverrideSet { TyOverride *o; ValueArg *args; size_t n; } OverrideSet;

static void overrides_free(OverrideSet *s)
{
    for (size_t i = 0; i < s->n; i++) value_arg_free(&s->args[i]);
    free(s->o);
    free(s->args);
    s->o = NULL;
    s->args = NULL;
    s->n = 0;
}

static void read_overrides(lua_State *L, int idx, OverrideSet *s)
{
    s->o = NULL;
    s->args = NULL;
    s->n = 0;
    if (lua_isnoneornil(L, idx)) return;
    luaL_checktype(L, idx, LUA_TTABLE);
    size_t n = lua_rawlen(L, idx);
    if (n == 0) return;
    s->o = calloc(n, sizeof *s->o);
    s->args = calloc(n, sizeof *s->args);
    if (!s->o || !s->args) {
        overrides_free(s);
        luaL_error(L, "not enough memory");
    }
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, idx, (lua_Integer)i + 1);       /* [pair] */
        if (!lua_istable(L, -1)) { overrides_free(s); luaL_error(L, "override %d: expected {name, value}", (int)i + 1); }
        lua_rawgeti(L, -1, 1);
        lua_rawgeti(L, -2, 2);                          /* [pair, name, value] */
        const char *name = lua_tostring(L, -2);
        if (!name) { overrides_free(s); luaL_error(L, "override %d: name expected", (int)i + 1); }
        s->n = i + 1;
        read_value(L, lua_gettop(L), &s->args[i], name);
        s->o[i].name = name;                            /* anchored in the overrides table */
        s->o[i].value = s->args[i].v;
        lua_pop(L, 3);
    }
}

/* run_single(overrides) -> { [name] = { v_first, ..., v_last } }, first_year (raises on error) */
static int model_lrun_single(lua_State *L)
{
    TyModel *m = check_model(L, 1);
    OverrideSet s;
    read_overrides(L, 2, &s);
    TyRunResult res;
    TyError err;
    ty_error_clear(&err);
    TyStatus st = model_run_single(m, s.o, s.n, &res, &err);
    overrides_free(&s);
    if (st != TY_OK) return raise_core(L, &err);
    lua_createtable(L, 0, (int)res.nelems);
    for (size_t e = 0; e < res.nelems; e++) {
        if (model_element_kind(m, (int)e) == TY_ELEM_LOOKUP) continue;
        lua_createtable(L, res.nyears, 0);
        for (int y = 0; y < res.nyears; y++) {
            lua_pushnumber(L, res.values[e * (size_t)res.nyears + (size_t)y]);
            lua_rawseti(L, -2, y + 1);
        }
        lua_setfield(L, -2, model_element_name(m, (int)e));
    }
    lua_pushinteger(L, res.first_year);
    model_result_free(&res);
    return 2;
}

static const luaL_Reg builder_methods[] = {
    {"const", builder_const}, {"ref", builder_ref}, {"delay", builder_delay},
    {"year", builder_year}, {"call", builder_call}, {"interp", builder_interp},
    {"lookup", builder_lookup}, {"ext", builder_ext}, {"param", builder_param},
    {"lever", builder_lever}, {"aux", builder_aux}, {"flow", builder_flow},
    {"stock", builder_stock}, {"inflow", builder_inflow}, {"outflow", builder_outflow},
    {"lookup_table", builder_lookup_table}, {"history", builder_history},
    {"extfn", builder_extfn}, {"compile", builder_compile},
    {NULL, NULL}
};

static const luaL_Reg model_methods[] = {
    {"elements", model_elements}, {"years", model_years}, {"conversions", model_conversions},
    {"run_single", model_lrun_single},
    {NULL, NULL}
};

static const luaL_Reg model_funcs[] = {
    {"builder", model_lbuilder},
    {NULL, NULL}
};

static void new_meta(lua_State *L, const char *name, const luaL_Reg *methods, lua_CFunction gc)
{
    if (luaL_newmetatable(L, name)) {
        lua_pushcfunction(L, gc);
        lua_setfield(L, -2, "__gc");
        lua_pushcfunction(L, gc);
        lua_setfield(L, -2, "__close");
        lua_newtable(L);
        luaL_setfuncs(L, methods, 0);
        lua_setfield(L, -2, "__index");
    }
    lua_pop(L, 1);
}

int luaopen_tuiyan_model(lua_State *L)
{
    new_meta(L, BUILDER_META, builder_methods, builder_gc);
    new_meta(L, MODEL_META, model_methods, model_gc);
    luaL_newlib(L, model_funcs);
    return 1;
}
