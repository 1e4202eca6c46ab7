/* bind/register_pay.c — _tuiyan.register_pay: a policy's firm-level rules over a register
 * (core/register_pay) as "tuiyan.RegisterPay" userdata. The rules come from Lua as data
 * (stdlib/tuiyan/register_pay.lua) holding native schedules, register column names and check
 * objects; the evaluation is the core's. Misuse raises; a rule naming a column the register lacks
 * returns nil, err (bad data). */
#include "bind/bind.h"
#include "core/register.h"
#include "core/register_check.h"
#include "core/register_pay.h"
#include "host/host.h"

#include <lauxlib.h>
#include <math.h>
#include <string.h>

#define PAY_META "tuiyan.RegisterPay"
#define MAX_RULES 64

typedef struct PayBox { TyPay pay; int live; } PayBox;

static PayBox *pay_box(lua_State *L, int idx)
{
    PayBox *b = luaL_checkudata(L, idx, PAY_META);
    luaL_argcheck(L, b->live, idx, "payments are closed");
    return b;
}

/* The column named by field `f` of the table at t, or NULL when the field is nil; *missing names
 * a column the register lacks. */
static const double *column_field(lua_State *L, int t, const char *f, const TyRegister *r, const char **missing)
{
    const double *v = NULL;
    if (lua_getfield(L, t, f) != LUA_TNIL) {
        const char *name = luaL_checkstring(L, -1);
        long c = register_column(r, name);
        if (c < 0) *missing = name;
        else v = r->cols[c].v;
    }
    lua_pop(L, 1);
    return v;
}

/* cond = { check, k }: criterion k's met array (k 0: qualifies). Values stay referenced by the
 * rules table, which the caller keeps as the Pay's user value while the core reads them. */
static const signed char *cond_field(lua_State *L, int t)
{
    const signed char *v = NULL;
    if (lua_getfield(L, t, "cond") != LUA_TNIL) {
        luaL_checktype(L, -1, LUA_TTABLE);
        lua_rawgeti(L, -1, 1);
        const TyCheck *c = bind_register_check(L, lua_gettop(L));
        lua_rawgeti(L, -2, 2);
        lua_Integer k = luaL_optinteger(L, -1, 0);
        if (k < 0 || (size_t)k > c->ncrit) luaL_error(L, "register_pay: criterion %d out of range", (int)k);
        v = k == 0 ? c->qualifies : c->met[k - 1];
        lua_pop(L, 2);
    }
    lua_pop(L, 1);
    return v;
}

/* pay(register, rules) -> Pay | nil, err; rules = { {schedule =, x = col, cond = {check, k},
 * flag = col, unless = col, shift = int, once = bool}, ... } */
static int pay_new(lua_State *L)
{
    const TyRegister *r = bind_register(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    size_t n = lua_rawlen(L, 2);
    luaL_argcheck(L, n >= 1 && n <= MAX_RULES, 2, "1 to 64 rules expected");
    TyPayRule rules[MAX_RULES];
    for (size_t k = 0; k < n; k++) {
        lua_rawgeti(L, 2, (lua_Integer)k + 1);
        int t = lua_gettop(L);
        luaL_checktype(L, t, LUA_TTABLE);
        TyPayRule *rule = &rules[k];
        memset(rule, 0, sizeof *rule);
        lua_getfield(L, t, "schedule");
        rule->s = bind_schedule(L, -1);
        lua_pop(L, 1);
        const char *missing = NULL;
        rule->x = column_field(L, t, "x", r, &missing);
        rule->flag = column_field(L, t, "flag", r, &missing);
        rule->unless = column_field(L, t, "unless", r, &missing);
        if (missing) {
            TyError err;
            ty_error_at(&err, TY_EDATA, r->name, 0, 0, "rule %s needs column \"%s\", which the register does not have",
                        schedule_id(rule->s), missing);
            return host_fail(L, &err);
        }
        rule->cond = cond_field(L, t);
        lua_getfield(L, t, "shift");
        rule->event_shift = (int)luaL_optinteger(L, -1, 0);
        lua_getfield(L, t, "once");
        rule->once = lua_toboolean(L, -1);
        lua_pop(L, 3);
    }
    PayBox *b = lua_newuserdatauv(L, sizeof *b, 1);
    memset(b, 0, sizeof *b);
    luaL_setmetatable(L, PAY_META);
    lua_pushvalue(L, 1);
    lua_setiuservalue(L, -2, 1);   /* the payments keep their register alive (row names) */
    TyError err;
    ty_error_clear(&err);
    if (register_pay(r, rules, n, &b->pay, &err) != TY_OK) {
        if (err.code == TY_ENOMEM) return luaL_error(L, "%s", err.msg);
        return host_fail(L, &err);
    }
    b->live = 1;
    return 1;
}

static int pay_gc(lua_State *L)
{
    PayBox *b = luaL_checkudata(L, 1, PAY_META);
    if (b->live) register_pay_free(&b->pay);
    b->live = 0;
    return 0;
}

static int pay_len(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)pay_box(L, 1)->pay.n);
    return 1;
}

static size_t check_index(lua_State *L, int idx, size_t n, const char *what)
{
    lua_Integer i = luaL_checkinteger(L, idx);
    luaL_argcheck(L, i >= 1 && (size_t)i <= n, idx, what);
    return (size_t)(i - 1);
}

/* amount(i, k) -> point, lo, hi, payment year (point nil: unknown, the input is empty) */
static int pay_amount(lua_State *L)
{
    TyPay *p = &pay_box(L, 1)->pay;
    size_t i = check_index(L, 2, p->n, "row out of range");
    size_t k = check_index(L, 3, p->nrules, "rule out of range");
    double a = p->amount[k][i];
    if (isnan(a)) lua_pushnil(L);
    else lua_pushnumber(L, a);
    lua_pushnumber(L, register_pay_lo(p, k, i));
    lua_pushnumber(L, register_pay_hi(p, k, i));
    lua_pushinteger(L, (lua_Integer)p->shift[k]);
    return 4;
}

/* total(i) -> the row's total over rules (unknown amounts left out) */
static int pay_total(lua_State *L)
{
    TyPay *p = &pay_box(L, 1)->pay;
    lua_pushnumber(L, p->total[check_index(L, 2, p->n, "row out of range")]);
    return 1;
}

/* rows() -> { row, ... }: the rows paid something or with an unknown amount, in file order */
static int pay_rows(lua_State *L)
{
    TyPay *p = &pay_box(L, 1)->pay;
    lua_newtable(L);
    lua_Integer m = 0;
    for (size_t i = 0; i < p->n; i++) {
        int any = p->total[i] != 0;
        for (size_t k = 0; k < p->nrules && !any; k++) any = isnan(p->amount[k][i]);
        if (any) {
            lua_pushinteger(L, (lua_Integer)i + 1);
            lua_rawseti(L, -2, ++m);
        }
    }
    return 1;
}

/* totals() -> { year0 =, years =, counties = {first row of each county}, unknown = {[k]},
 *   cells = { {rule = k, county = c, year = y, point =, lo =, hi =, paid =}, ... } } (non-empty cells
 *   only, by rule, county, year) */
static int pay_totals(lua_State *L)
{
    TyPay *p = &pay_box(L, 1)->pay;
    lua_createtable(L, 0, 5);
    lua_pushinteger(L, p->year0);
    lua_setfield(L, -2, "year0");
    lua_pushinteger(L, (lua_Integer)p->nyears);
    lua_setfield(L, -2, "years");
    lua_createtable(L, (int)p->ncounty, 0);
    for (size_t c = 0; c < p->ncounty; c++) {
        lua_pushinteger(L, (lua_Integer)p->county_row[c] + 1);
        lua_rawseti(L, -2, (lua_Integer)c + 1);
    }
    lua_setfield(L, -2, "counties");
    lua_createtable(L, (int)p->nrules, 0);
    for (size_t k = 0; k < p->nrules; k++) {
        lua_pushinteger(L, (lua_Integer)p->unknown[k]);
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    lua_setfield(L, -2, "unknown");
    lua_newtable(L);
    lua_Integer m = 0;
    for (size_t k = 0; k < p->nrules; k++)
        for (size_t c = 0; c < p->ncounty; c++)
            for (size_t y = 0; y < p->nyears; y++) {
                size_t at = register_pay_at(p, k, c, p->year0 + (int)y);
                if (p->paid[at] == 0 && p->sum[at] == 0) continue;
                lua_createtable(L, 0, 7);
                lua_pushinteger(L, (lua_Integer)k + 1);
                lua_setfield(L, -2, "rule");
                lua_pushinteger(L, (lua_Integer)c + 1);
                lua_setfield(L, -2, "county");
                lua_pushinteger(L, p->year0 + (lua_Integer)y);
                lua_setfield(L, -2, "year");
                lua_pushnumber(L, p->sum[at]);
                lua_setfield(L, -2, "point");
                lua_pushnumber(L, p->sum_lo[at]);
                lua_setfield(L, -2, "lo");
                lua_pushnumber(L, p->sum_hi[at]);
                lua_setfield(L, -2, "hi");
                lua_pushinteger(L, (lua_Integer)p->paid[at]);
                lua_setfield(L, -2, "paid");
                lua_rawseti(L, -2, ++m);
            }
    lua_setfield(L, -2, "cells");
    return 1;
}

/* changes(other) -> { {row, before, after}, ... } for the rows whose total differs (file order),
 * winners, losers, the sum of the changes. Both must be payments over the same register. */
static int pay_changes(lua_State *L)
{
    TyPay *a = &pay_box(L, 1)->pay, *b = &pay_box(L, 2)->pay;
    lua_getiuservalue(L, 1, 1);
    lua_getiuservalue(L, 2, 1);
    luaL_argcheck(L, lua_rawequal(L, -1, -2), 2, "payments over another register");
    lua_pop(L, 2);
    lua_newtable(L);
    lua_Integer m = 0, win = 0, lose = 0;
    double delta = 0;
    for (size_t i = 0; i < a->n; i++) {
        double d = b->total[i] - a->total[i];
        if (d == 0) continue;
        win += d > 0;
        lose += d < 0;
        delta += d;
        lua_createtable(L, 3, 0);
        lua_pushinteger(L, (lua_Integer)i + 1);
        lua_rawseti(L, -2, 1);
        lua_pushnumber(L, a->total[i]);
        lua_rawseti(L, -2, 2);
        lua_pushnumber(L, b->total[i]);
        lua_rawseti(L, -2, 3);
        lua_rawseti(L, -2, ++m);
    }
    lua_pushinteger(L, win);
    lua_pushinteger(L, lose);
    lua_pushnumber(L, delta);
    return 4;
}

/* summary() -> { total =, paid =, unknown =, rules = { {total =, paid =}, ... } }: sums over the
 * whole register (benchmarks compare them with the peer's). */
static int pay_summary(lua_State *L)
{
    TyPay *p = &pay_box(L, 1)->pay;
    size_t cells = p->ncounty * p->nyears;
    double all = 0;
    size_t all_paid = 0, all_unknown = 0;
    lua_createtable(L, 0, 4);
    lua_createtable(L, (int)p->nrules, 0);
    for (size_t k = 0; k < p->nrules; k++) {
        double s = 0;
        size_t paid = 0;
        for (size_t j = 0; j < cells; j++) s += p->sum[k * cells + j], paid += p->paid[k * cells + j];
        all += s;
        all_paid += paid;
        all_unknown += p->unknown[k];
        lua_createtable(L, 0, 2);
        lua_pushnumber(L, s);
        lua_setfield(L, -2, "total");
        lua_pushinteger(L, (lua_Integer)paid);
        lua_setfield(L, -2, "paid");
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    lua_setfield(L, -2, "rules");
    lua_pushnumber(L, all);
    lua_setfield(L, -2, "total");
    lua_pushinteger(L, (lua_Integer)all_paid);
    lua_setfield(L, -2, "paid");
    lua_pushinteger(L, (lua_Integer)all_unknown);
    lua_setfield(L, -2, "unknown");
    return 1;
}

static const luaL_Reg pay_methods[] = {
    {"amount", pay_amount}, {"total", pay_total}, {"rows", pay_rows}, {"totals", pay_totals},
    {"changes", pay_changes}, {"summary", pay_summary}, {NULL, NULL}
};

static const luaL_Reg functions[] = {
    {"pay", pay_new}, {NULL, NULL}
};

int luaopen_tuiyan_register_pay(lua_State *L)
{
    luaL_newlib(L, functions);
    luaL_newmetatable(L, PAY_META);
    luaL_newlib(L, pay_methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, pay_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, pay_len);
    lua_setfield(L, -2, "__len");
    lua_pop(L, 1);
    return 1;
}
