/* bind/csvcells.c — _tuiyan.csv: the strict CSV reader's table of cells, with the line and the
 * field index of every cell, for `tuiyan check` (lua/check.lua), which validates every cell and
 * lists every problem instead of re-splitting lines by hand; and the target-cell parser, so check
 * reads target_YYYY cells exactly as plans are read.
 *
 *   read(text, name) -> CsvTable | nil, err     the reader of io/csv.h with its default caps;
 *                                               err is a tuiyan.Error (file:line:col)
 *   CsvTable:size() -> nrows, ncols             rows include the header (row 1)
 *   CsvTable:cell(row, col) -> text, line, col  1-based; line where the field starts, col its index
 *   CsvTable:column(col) -> { text, ... }       the column's cells below the header, row 2 first
 *   target_check(text, unit, year) -> true | false, why, byte_offset
 *
 * A table of a million rows is one userdata (the C table), not millions of Lua strings. */
#include "bind/bind.h"
#include "host/host.h"
#include "io/csv.h"
#include "io/target_text.h"

#include <lauxlib.h>
#include <string.h>

#define CSV_TABLE_META "tuiyan.CsvTable"

/* The userdata owns its TyCsvTable; an all-zero table is the safe empty state (csv_table_free
 * of it does nothing), so __gc is right at every point of read. */
static TyCsvTable *check_table(lua_State *L, int idx)
{
    return luaL_checkudata(L, idx, CSV_TABLE_META);
}

static int csv_lread(lua_State *L)
{
    size_t len;
    const char *text = luaL_checklstring(L, 1, &len);
    const char *name = luaL_optstring(L, 2, "");
    TyCsvTable *t = lua_newuserdatauv(L, sizeof *t, 0);
    memset(t, 0, sizeof *t);
    luaL_setmetatable(L, CSV_TABLE_META);
    TyError err;
    ty_error_clear(&err);
    if (csv_read_buffer(name, text, len, NULL, t, &err) != TY_OK) return host_fail(L, &err);
    return 1;
}

static int table_gc(lua_State *L)
{
    csv_table_free(check_table(L, 1));
    return 0;
}

static int table_size(lua_State *L)
{
    TyCsvTable *t = check_table(L, 1);
    lua_pushinteger(L, (lua_Integer)t->nrows);
    lua_pushinteger(L, (lua_Integer)t->ncols);
    return 2;
}

static int table_cell(lua_State *L)
{
    TyCsvTable *t = check_table(L, 1);
    lua_Integer r = luaL_checkinteger(L, 2), c = luaL_checkinteger(L, 3);
    luaL_argcheck(L, r >= 1 && (lua_Unsigned)r <= t->nrows, 2, "row out of range");
    luaL_argcheck(L, c >= 1 && (lua_Unsigned)c <= t->ncols, 3, "column out of range");
    const TyCsvCell *cell = csv_cell(t, (size_t)r - 1, (size_t)c - 1);
    lua_pushlstring(L, cell->text, cell->len);
    lua_pushinteger(L, cell->line);
    lua_pushinteger(L, cell->col);
    return 3;
}

static int table_column(lua_State *L)
{
    TyCsvTable *t = check_table(L, 1);
    lua_Integer c = luaL_checkinteger(L, 2);
    luaL_argcheck(L, c >= 1 && (lua_Unsigned)c <= t->ncols, 2, "column out of range");
    size_t n = t->nrows > 0 ? t->nrows - 1 : 0;
    lua_createtable(L, n < (size_t)1 << 30 ? (int)n : 0, 0);
    for (size_t r = 1; r < t->nrows; r++) {
        const TyCsvCell *cell = csv_cell(t, r, (size_t)c - 1);
        lua_pushlstring(L, cell->text, cell->len);
        lua_rawseti(L, -2, (lua_Integer)r);
    }
    return 1;
}

/* target_check(text, unit, year): as planfile reading takes a target cell in a row of this unit
 * for this year. A missing target (empty, "—", ...) is fine. */
static int csv_target_check(lua_State *L)
{
    size_t len;
    const char *text = luaL_checklstring(L, 1, &len);
    const char *unit = luaL_checkstring(L, 2);
    lua_Integer year = luaL_checkinteger(L, 3);
    TyTargetContext ctx = { unit, (int)year };
    TyTargetSpec spec;
    char why[256];
    size_t at = 0;
    why[0] = '\0';
    if (target_text_parse(text, len, &ctx, &spec, why, sizeof why, &at) != TARGET_ERROR) {
        lua_pushboolean(L, 1);
        return 1;
    }
    lua_pushboolean(L, 0);
    lua_pushstring(L, why);
    lua_pushinteger(L, (lua_Integer)at);
    return 3;
}

static const luaL_Reg table_methods[] = {
    {"size", table_size},
    {"cell", table_cell},
    {"column", table_column},
    {NULL, NULL}
};

static const luaL_Reg csv_funcs[] = {
    {"read", csv_lread},
    {"target_check", csv_target_check},
    {NULL, NULL}
};

int luaopen_tuiyan_csv(lua_State *L)
{
    if (luaL_newmetatable(L, CSV_TABLE_META)) {
        luaL_newlib(L, table_methods);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, table_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_pop(L, 1);
    luaL_newlib(L, csv_funcs);
    return 1;
}
