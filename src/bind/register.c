/* bind/register.c — _tuiyan.register: the Register userdata ("tuiyan.Register") over
 * core/register and io/register_file, and the Check userdata ("tuiyan.RegisterCheck") over
 * core/register_check. The criteria come from Lua as data (stdlib/tuiyan/criteria/) and are
 * compiled here against the register's columns; the evaluation is the core's, over whole columns.
 * Errors: loading, and criteria that need a column the register lacks, return nil, err (bad data
 * is expected); misuse raises. */
#include "bind/bind.h"
#include "core/register.h"
#include "core/register_check.h"
#include "core/register_find.h"
#include "host/host.h"
#include "io/register_file.h"

#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define REGISTER_META "tuiyan.Register"
#define CHECK_META "tuiyan.RegisterCheck"

typedef struct RegisterBox { TyRegister *reg; } RegisterBox;
typedef struct CheckBox { TyCheck check; int live; } CheckBox;

static RegisterBox *push_register(lua_State *L)
{
    RegisterBox *b = lua_newuserdatauv(L, sizeof *b, 0);
    b->reg = NULL;
    luaL_setmetatable(L, REGISTER_META);
    return b;
}

static TyRegister *check_register(lua_State *L, int idx)
{
    RegisterBox *b = luaL_checkudata(L, idx, REGISTER_META);
    luaL_argcheck(L, b->reg != NULL, idx, "register is closed");
    return b->reg;
}

static size_t check_row(lua_State *L, int idx, size_t n)
{
    lua_Integer i = luaL_checkinteger(L, idx);
    luaL_argcheck(L, i >= 1 && (size_t)i <= n, idx, "row out of range");
    return (size_t)(i - 1);
}

/* As bind/plan.c: a notice of a converted encoding goes to the run's log hook or stderr. */
static void print_notice(lua_State *L, const char *name, const char *notice)
{
    if (!notice[0]) return;
    if (lua_getfield(L, LUA_REGISTRYINDEX, "tuiyan.notice") == LUA_TFUNCTION) {
        lua_pushfstring(L, "tuiyan: %s: %s\n", name, notice);
        lua_call(L, 1, 0);
        return;
    }
    lua_pop(L, 1);
    fprintf(stderr, "tuiyan: %s: %s\n", name, notice);
    fflush(stderr);
}

/* load(path) -> Register | nil, err */
static int reg_lload(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    RegisterBox *b = push_register(L);
    TyError err;
    char notice[160];
    ty_error_clear(&err);
    b->reg = register_load(path, notice, sizeof notice, &err);
    if (!b->reg) return host_fail(L, &err);
    print_notice(L, path, notice);
    return 1;
}

/* parse(bytes, name [, "csv"|"xlsx"]) -> Register | nil, err */
static int reg_lparse(lua_State *L)
{
    size_t len;
    const char *text = luaL_checklstring(L, 1, &len);
    const char *name = luaL_checkstring(L, 2);
    static const char *const formats[] = {"csv", "xlsx", NULL};
    int fmt = luaL_checkoption(L, 3, "csv", formats);
    RegisterBox *b = push_register(L);
    TyError err;
    char notice[160] = "";
    ty_error_clear(&err);
    b->reg = fmt == 0 ? register_read_csv(name, text, len, notice, sizeof notice, &err)
                      : register_read_xlsx(name, text, len, &err);
    if (!b->reg) return host_fail(L, &err);
    print_notice(L, name, notice);
    return 1;
}

/* known_columns() -> { {name, kind, meaning}, ... } in the list's order */
static int reg_lknown(lua_State *L)
{
    static const char *const kinds[] = {"year", "date", "count", "amount", "score", "flag", "number"};
    size_t n = register_known_count();
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_createtable(L, 0, 3);
        lua_pushstring(L, register_known_name(i));
        lua_setfield(L, -2, "name");
        lua_pushstring(L, kinds[register_known_kind(i)]);
        lua_setfield(L, -2, "kind");
        lua_pushstring(L, register_known_meaning(i));
        lua_setfield(L, -2, "meaning");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* credit_code_valid(s) -> true | false, why ; check_char(first17) -> char | nil */
static int reg_lcode_valid(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    char why[256];
    if (register_credit_code_valid(s, len, why, sizeof why)) {
        lua_pushboolean(L, 1);
        return 1;
    }
    lua_pushboolean(L, 0);
    lua_pushstring(L, why);
    return 2;
}

/* ---- Register methods ---- */

static int reg_gc(lua_State *L)
{
    RegisterBox *b = luaL_checkudata(L, 1, REGISTER_META);
    register_free(b->reg);
    b->reg = NULL;
    return 0;
}

static int reg_len(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)check_register(L, 1)->n);
    return 1;
}

static int reg_tostring(lua_State *L)
{
    TyRegister *r = check_register(L, 1);
    lua_pushfstring(L, "register %s (%d firm-years)", r->name, (int)r->n);
    return 1;
}

static int reg_name(lua_State *L)
{
    lua_pushstring(L, check_register(L, 1)->name);
    return 1;
}

static int reg_title(lua_State *L)
{
    TyRegister *r = check_register(L, 1);
    if (r->title) lua_pushstring(L, r->title);
    else lua_pushnil(L);
    return 1;
}

/* columns() -> { name, ... } in the file's order (derived columns last) */
static int reg_columns(lua_State *L)
{
    TyRegister *r = check_register(L, 1);
    lua_createtable(L, (int)r->ncols + 3, 0);
    int k = 0;
    lua_pushstring(L, "credit_code");
    lua_rawseti(L, -2, ++k);
    lua_pushstring(L, "name");
    lua_rawseti(L, -2, ++k);
    if (r->has_county) {
        lua_pushstring(L, "county");
        lua_rawseti(L, -2, ++k);
    }
    for (size_t c = 0; c < r->ncols; c++) {
        lua_pushstring(L, r->cols[c].name);
        lua_rawseti(L, -2, ++k);
    }
    return 1;
}

/* row(i) -> { credit_code=, name=, county=, line=, <column>=value (dates as YYYY-MM-DD) } */
static int reg_row(lua_State *L)
{
    TyRegister *r = check_register(L, 1);
    size_t i = check_row(L, 2, r->n);
    lua_createtable(L, 0, (int)r->ncols + 4);
    lua_pushstring(L, r->code[i]);
    lua_setfield(L, -2, "credit_code");
    lua_pushstring(L, register_firm(r, i));
    lua_setfield(L, -2, "name");
    lua_pushstring(L, register_county(r, i));
    lua_setfield(L, -2, "county");
    lua_pushinteger(L, r->line[i]);
    lua_setfield(L, -2, "line");
    for (size_t c = 0; c < r->ncols; c++) {
        double v = r->cols[c].v[i];
        if (isnan(v)) continue;
        if (r->cols[c].kind == REG_DATE) {
            char buf[16];
            register_format_date((long)v, buf, sizeof buf);
            lua_pushstring(L, buf);
        } else if (r->cols[c].kind == REG_YEAR || r->cols[c].kind == REG_COUNT || r->cols[c].kind == REG_FLAG) {
            lua_pushinteger(L, (lua_Integer)v);
        } else {
            lua_pushnumber(L, v);
        }
        lua_setfield(L, -2, r->cols[c].name);
    }
    return 1;
}

/* has(column) -> boolean */
static int reg_has(lua_State *L)
{
    TyRegister *r = check_register(L, 1);
    const char *name = luaL_checkstring(L, 2);
    lua_pushboolean(L, register_column(r, name) >= 0 || !strcmp(name, "credit_code") || !strcmp(name, "name")
                       || (r->has_county && !strcmp(name, "county")));
    return 1;
}

/* ---- compiling criteria (Lua tables) against the register ---- */

/* A column named at t[field] (a string or a list of strings) into cols; absent names are -1
 * and set *missing to the first such name. [-0, +0, e] */
static int read_columns(lua_State *L, int t, const char *field, TyRegister *r, int *cols, char *missing)
{
    int n = 0;
    int type = lua_getfield(L, t, field);
    if (type == LUA_TSTRING) {
        lua_createtable(L, 1, 0);
        lua_insert(L, -2);
        lua_rawseti(L, -2, 1);
    } else if (type == LUA_TNIL) {
        lua_pop(L, 1);
        return 0;
    } else if (type != LUA_TTABLE) {
        luaL_error(L, "criterion field '%s': a column name or a list of them expected", field);
    }
    n = (int)lua_rawlen(L, -1);
    if (n > TY_CRIT_TERMS) luaL_error(L, "criterion field '%s': at most %d columns", field, TY_CRIT_TERMS);
    for (int k = 0; k < n; k++) {
        lua_rawgeti(L, -1, k + 1);
        const char *name = lua_tostring(L, -1);
        if (!name) luaL_error(L, "criterion field '%s': item %d is not a column name", field, k + 1);
        long c = register_column(r, name);
        cols[k] = (int)c;
        if (c < 0 && missing && !missing[0]) snprintf(missing, 64, "%s", name);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return n;
}

static double opt_number(lua_State *L, int t, const char *field, double def)
{
    lua_getfield(L, t, field);
    double v = lua_isnil(L, -1) ? def : luaL_checknumber(L, -1);
    lua_pop(L, 1);
    return v;
}

static int opt_bool(lua_State *L, int t, const char *field)
{
    lua_getfield(L, t, field);
    int v = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return v;
}

/* One criterion table at index t into c. missing[64] gets the name of a column it needs that the
 * register lacks (a required criterion: an error for the caller), else "". */
static void compile_criterion(lua_State *L, int t, TyRegister *r, TyCriterion *c, char *missing)
{
    static const char *const kinds[] = {"value", "ratio", "days", NULL};
    static const char *const ops[] = {">=", ">", "<=", "<", NULL};
    memset(c, 0, sizeof *c);
    lua_getfield(L, t, "kind");
    c->kind = (TyCritKind)luaL_checkoption(L, -1, "value", kinds);
    lua_getfield(L, t, "op");
    c->op = (TyCritOp)luaL_checkoption(L, -1, NULL, ops);
    lua_pop(L, 2);
    missing[0] = '\0';
    c->nnum = read_columns(L, t, "num", r, c->num, missing);
    c->nden = read_columns(L, t, "den", r, c->den, missing);
    c->nany = read_columns(L, t, "any_of", r, c->any_of, NULL);
    if (c->nnum == 0) luaL_error(L, "a criterion needs num (its column or columns)");
    if (c->kind == CRIT_RATIO && c->nden == 0) luaL_error(L, "a ratio criterion needs den");
    c->pairwise = opt_bool(L, t, "pairwise");
    if (c->pairwise && c->nnum != c->nden) luaL_error(L, "a pairwise ratio needs as many num as den columns");
    c->skip_empty = opt_bool(L, t, "skip_empty");
    c->integer = opt_bool(L, t, "integer");
    c->required = !opt_bool(L, t, "optional");
    c->threshold = opt_number(L, t, "threshold", NAN);
    c->band_col = -1;
    if (lua_getfield(L, t, "bands") == LUA_TTABLE) {
        int b = lua_gettop(L);
        int bc[1];
        if (read_columns(L, b, "by", r, bc, missing) != 1) luaL_error(L, "bands.by: one column expected");
        c->band_col = bc[0];
        lua_getfield(L, b, "edges");
        lua_getfield(L, b, "thresholds");
        luaL_checktype(L, -2, LUA_TTABLE);
        luaL_checktype(L, -1, LUA_TTABLE);
        int ne = (int)lua_rawlen(L, -2);
        if (ne < 1 || ne > TY_CRIT_BANDS || (int)lua_rawlen(L, -1) != ne + 1)
            luaL_error(L, "bands: 1 to %d edges and one threshold more than edges", TY_CRIT_BANDS);
        c->nbands = ne;
        for (int k = 0; k < ne; k++) {
            lua_rawgeti(L, -2, k + 1);
            c->edges[k] = luaL_checknumber(L, -1);
            lua_pop(L, 1);
            if (k > 0 && !(c->edges[k] > c->edges[k - 1])) luaL_error(L, "bands: edges must increase");
        }
        for (int k = 0; k <= ne; k++) {
            lua_rawgeti(L, -1, k + 1);
            c->band_threshold[k] = luaL_checknumber(L, -1);
            lua_pop(L, 1);
        }
        lua_pop(L, 2);
    } else if (isnan(c->threshold)) {
        luaL_error(L, "a criterion needs a threshold or bands");
    }
    lua_pop(L, 1);
    c->at_col = -1;
    c->year_col = (int)register_column(r, "year");
    if (c->kind == CRIT_DAYS) {
        lua_getfield(L, t, "at");
        const char *at = lua_tostring(L, -1);
        if (at) c->at_col = (int)register_column(r, at);
        lua_pop(L, 1);
    }
}

/* check(criteria) -> Check | nil, err ; criteria: a list of criterion tables (each with an id) */
static int reg_check(lua_State *L)
{
    TyRegister *r = check_register(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    size_t n = lua_rawlen(L, 2);
    luaL_argcheck(L, n >= 1 && n <= 64, 2, "1 to 64 criteria expected");
    TyCriterion *crit = lua_newuserdatauv(L, n * sizeof *crit, 0);   /* scratch, collected */
    for (size_t k = 0; k < n; k++) {
        lua_rawgeti(L, 2, (lua_Integer)k + 1);
        luaL_checktype(L, -1, LUA_TTABLE);
        char missing[64];
        compile_criterion(L, lua_gettop(L), r, &crit[k], missing);
        if (missing[0] && crit[k].required) {
            lua_getfield(L, -1, "id");
            TyError err;
            ty_error_at(&err, TY_EDATA, r->name, 0, 0, "criterion %s needs column \"%s\", which the register "
                        "does not have", luaL_optstring(L, -1, "?"), missing);
            return host_fail(L, &err);
        }
        lua_pop(L, 1);
    }
    CheckBox *b = lua_newuserdatauv(L, sizeof *b, 1);
    memset(b, 0, sizeof *b);
    luaL_setmetatable(L, CHECK_META);
    lua_pushvalue(L, 1);
    lua_setiuservalue(L, -2, 1);   /* the check keeps its register alive */
    TyError err;
    ty_error_clear(&err);
    if (register_check(r, crit, n, &b->check, &err) != TY_OK) {
        if (err.code == TY_ENOMEM) return luaL_error(L, "%s", err.msg);
        return host_fail(L, &err);
    }
    b->live = 1;
    return 1;
}

/* ---- Check methods ---- */

static CheckBox *check_box(lua_State *L, int idx)
{
    CheckBox *b = luaL_checkudata(L, idx, CHECK_META);
    luaL_argcheck(L, b->live, idx, "check is closed");
    return b;
}

/* For bind/register_pay.c: a check's verdicts as payment conditions. */
const struct TyCheck *bind_register_check(lua_State *L, int idx) { return &check_box(L, idx)->check; }
const struct TyRegister *bind_register(lua_State *L, int idx) { return check_register(L, idx); }

static int chk_gc(lua_State *L)
{
    CheckBox *b = luaL_checkudata(L, 1, CHECK_META);
    if (b->live) register_check_free(&b->check);
    b->live = 0;
    return 0;
}

static int chk_len(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)check_box(L, 1)->check.n);
    return 1;
}

static void push_number_or_nil(lua_State *L, double v)
{
    if (isnan(v)) lua_pushnil(L);
    else lua_pushnumber(L, v);
}

/* firm(i) -> qualifies, unmet, gap, rank (rank nil when it qualifies) */
static int chk_firm(lua_State *L)
{
    TyCheck *c = &check_box(L, 1)->check;
    size_t i = check_row(L, 2, c->n);
    lua_pushboolean(L, c->qualifies[i]);
    lua_pushinteger(L, c->unmet[i]);
    lua_pushnumber(L, c->gap[i]);
    if (c->rank[i] > 0) lua_pushinteger(L, c->rank[i]);
    else lua_pushnil(L);
    return 4;
}

/* criterion(i, k) -> met (true/false/nil), value, threshold, shortfall (nil when unknown) */
static int chk_criterion(lua_State *L)
{
    TyCheck *c = &check_box(L, 1)->check;
    size_t i = check_row(L, 2, c->n);
    lua_Integer k = luaL_checkinteger(L, 3);
    luaL_argcheck(L, k >= 1 && (size_t)k <= c->ncrit, 3, "criterion out of range");
    size_t j = (size_t)(k - 1);
    if (c->met[j][i] < 0) lua_pushnil(L);
    else lua_pushboolean(L, c->met[j][i]);
    push_number_or_nil(L, c->value[j][i]);
    push_number_or_nil(L, register_check_threshold(c, j, i));
    push_number_or_nil(L, c->shortfall[j][i]);
    return 4;
}

/* candidates([limit]) -> { row, ... }: the 后备 list, rows (1-based) by year, then rank */
static int chk_candidates(lua_State *L)
{
    TyCheck *c = &check_box(L, 1)->check;
    lua_Integer limit = luaL_optinteger(L, 2, (lua_Integer)c->norder);
    size_t m = limit < 0 ? 0 : (size_t)limit < c->norder ? (size_t)limit : c->norder;
    lua_createtable(L, (int)m, 0);
    for (size_t j = 0; j < m; j++) {
        lua_pushinteger(L, (lua_Integer)c->order[j] + 1);
        lua_rawseti(L, -2, (lua_Integer)j + 1);
    }
    return 1;
}

/* summary() -> { n=, qualifies=, candidates=, criteria = { {met=, not_met=, unknown=, shortfall=}, ... } }
 * (shortfall: the sum over firms not meeting it): totals for benchmarks and reports. */
static int chk_summary(lua_State *L)
{
    TyCheck *c = &check_box(L, 1)->check;
    size_t q = 0;
    for (size_t i = 0; i < c->n; i++) q += c->qualifies[i] == 1;
    lua_createtable(L, 0, 4);
    lua_pushinteger(L, (lua_Integer)c->n);
    lua_setfield(L, -2, "n");
    lua_pushinteger(L, (lua_Integer)q);
    lua_setfield(L, -2, "qualifies");
    lua_pushinteger(L, (lua_Integer)c->norder);
    lua_setfield(L, -2, "candidates");
    lua_createtable(L, (int)c->ncrit, 0);
    for (size_t k = 0; k < c->ncrit; k++) {
        size_t met = 0, no = 0, unk = 0;
        double sf = 0;
        const signed char *m = c->met[k];
        const double *s = c->shortfall[k];
        for (size_t i = 0; i < c->n; i++) {
            if (m[i] == 1) met++;
            else if (m[i] == 0) no++, sf += s[i];
            else unk++;
        }
        lua_createtable(L, 0, 4);
        lua_pushinteger(L, (lua_Integer)met);
        lua_setfield(L, -2, "met");
        lua_pushinteger(L, (lua_Integer)no);
        lua_setfield(L, -2, "not_met");
        lua_pushinteger(L, (lua_Integer)unk);
        lua_setfield(L, -2, "unknown");
        lua_pushnumber(L, sf);
        lua_setfield(L, -2, "shortfall");
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    lua_setfield(L, -2, "criteria");
    return 1;
}

/* reg:_find_firm(text) -> nil | "credit_code" | "name", row, the identifier: the first of the
 * register's firm identifiers in text (what the sandbox checks leaving results with). */
static int reg_find_firm(lua_State *L)
{
    TyRegister *r = check_register(L, 1);
    size_t len, row = 0;
    const char *text = luaL_checklstring(L, 2, &len);
    int nomem;
    TyRegFound f = register_find_firm(r, text, len, &row, &nomem);
    if (nomem) return luaL_error(L, "not enough memory to check a result against the register");
    if (f == REG_FOUND_NONE) return 0;
    lua_pushstring(L, f == REG_FOUND_CODE ? "credit_code" : "name");
    lua_pushinteger(L, (lua_Integer)row + 1);
    lua_pushstring(L, f == REG_FOUND_CODE ? r->code[row] : register_firm(r, row));
    return 3;
}

static const luaL_Reg register_methods[] = {
    {"name", reg_name}, {"title", reg_title}, {"columns", reg_columns}, {"row", reg_row},
    {"has", reg_has}, {"_check", reg_check}, {"_find_firm", reg_find_firm}, {NULL, NULL}
};

static const luaL_Reg check_methods[] = {
    {"firm", chk_firm}, {"criterion", chk_criterion}, {"candidates", chk_candidates},
    {"summary", chk_summary}, {NULL, NULL}
};

static const luaL_Reg functions[] = {
    {"load", reg_lload}, {"parse", reg_lparse}, {"known_columns", reg_lknown},
    {"credit_code_valid", reg_lcode_valid}, {NULL, NULL}
};

int luaopen_tuiyan_register(lua_State *L)
{
    luaL_newlib(L, functions);                          /* [mod] */
    luaL_newmetatable(L, REGISTER_META);                /* [mod, meta] */
    luaL_newlib(L, register_methods);                   /* [mod, meta, methods] */
    lua_pushvalue(L, -1);
    lua_setfield(L, -4, "methods");                     /* mod.methods: the stdlib adds to it */
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, reg_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, reg_len);
    lua_setfield(L, -2, "__len");
    lua_pushcfunction(L, reg_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);                                      /* [mod] */
    luaL_newmetatable(L, CHECK_META);
    luaL_newlib(L, check_methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, chk_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, chk_len);
    lua_setfield(L, -2, "__len");
    lua_pop(L, 1);
    return 1;
}
