/* bind/xlsx.c — _tuiyan.xlsx: an .xlsx workbook built by libxlsxwriter from a plain Lua
 * description, returned as bytes so that a run stages and publishes it like every other result.
 *
 * build{ created = SECONDS, title = S, formats = { {num_format =, bold =, bg = 0xRRGGBB,
 *        color = 0xRRGGBB, wrap =}, ... },
 *        sheets = { { name = S, widths = {w, ...}, freeze = ROWS,
 *                     rows = { { n = N, cell, ... }, ... } }, ... } } -> string
 * A cell is a number, a string, false (empty), or { v = number|string|nil, f = format index }.
 *
 * libxlsxwriter writes to a file, so the workbook goes to a private temporary file that is read
 * back and removed. The bytes depend only on the description: the zip entries carry the fixed
 * date libxlsxwriter gives them (1980-01-01), and docProps/core.xml the `created` time given
 * here (1980-01-01 when it is missing or 0). */
#include "bind/bind.h"

#include <lauxlib.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#define XLSX_MAX_FORMATS 256

typedef struct {
    lxw_workbook *wb;
    char path[512];
    int fd;
} XlsxBuild;

static const char *tmp_dir(void)
{
    const char *d = getenv("TMPDIR");
    return (d && *d) ? d : "/tmp";
}

static void build_cleanup(XlsxBuild *b)
{
    if (b->fd >= 0) close(b->fd);
    b->fd = -1;
    if (b->path[0]) unlink(b->path);
    b->path[0] = '\0';
}

static lua_Integer field_int(lua_State *L, int idx, const char *key, lua_Integer dflt)
{
    lua_Integer v = dflt;
    if (lua_getfield(L, idx, key) != LUA_TNIL) v = luaL_checkinteger(L, -1);
    lua_pop(L, 1);
    return v;
}

static int field_bool(lua_State *L, int idx, const char *key)
{
    lua_getfield(L, idx, key);
    int v = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return v;
}

/* Errors inside the build leave the temporary file behind unless cleaned up first: every
 * luaL_error below goes through this, after build_cleanup. */
static int build_fail(lua_State *L, XlsxBuild *b, const char *fmt, const char *what)
{
    /* The workbook's memory is freed by workbook_close only; close it into the temp file. */
    if (b->wb) { workbook_close(b->wb); b->wb = NULL; }
    build_cleanup(b);
    return luaL_error(L, fmt, what);
}

static int write_cell(lua_State *L, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, lxw_format **fmts, int nfmt)
{
    /* the cell is on the top of the stack */
    lxw_format *f = NULL;
    int t = lua_type(L, -1);
    if (t == LUA_TTABLE) {
        lua_Integer fi = field_int(L, -1, "f", 0);
        if (fi > 0 && fi <= nfmt) f = fmts[fi - 1];
        lua_getfield(L, -1, "v");
        t = lua_type(L, -1);
        lua_remove(L, -2);
    }
    lxw_error err = LXW_NO_ERROR;
    if (t == LUA_TNUMBER) {
        err = worksheet_write_number(ws, r, c, lua_tonumber(L, -1), f);
    } else if (t == LUA_TSTRING) {
        const char *s = lua_tostring(L, -1);
        if (*s) err = worksheet_write_string(ws, r, c, s, f);
        else if (f) err = worksheet_write_blank(ws, r, c, f);
    } else if (f) {
        err = worksheet_write_blank(ws, r, c, f);
    }
    lua_pop(L, 1);
    return err == LXW_NO_ERROR;
}

static int xlsx_build(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    XlsxBuild b = { NULL, "", -1 };
    snprintf(b.path, sizeof b.path, "%s/tuiyan-xlsx-XXXXXX", tmp_dir());
    b.fd = mkstemp(b.path);
    if (b.fd < 0) {
        b.path[0] = '\0';
        return luaL_error(L, "xlsx: cannot create a temporary file in %s: %s", tmp_dir(), strerror(errno));
    }
    close(b.fd);
    b.fd = -1;

    lxw_workbook_options opts;
    memset(&opts, 0, sizeof opts);
    opts.tmpdir = (char *)tmp_dir();
    b.wb = workbook_new_opt(b.path, &opts);
    if (!b.wb) return build_fail(L, &b, "xlsx: cannot start a workbook (%s)", "out of memory?");

    lxw_doc_properties props;
    memset(&props, 0, sizeof props);
    /* 0 would mean "now" to libxlsxwriter: a missing or zero time is 1980-01-01, the zip date. */
    lua_Integer created = field_int(L, 1, "created", 0);
    props.created = (time_t)(created > 0 ? created : 315532800);
    lua_getfield(L, 1, "title");
    if (lua_isstring(L, -1)) props.title = (char *)lua_tostring(L, -1);
    props.author = (char *)"tuiyan";
    workbook_set_properties(b.wb, &props);   /* copies the strings */
    lua_pop(L, 1);

    lxw_format *fmts[XLSX_MAX_FORMATS];
    int nfmt = 0;
    if (lua_getfield(L, 1, "formats") == LUA_TTABLE) {
        lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
        if (n > XLSX_MAX_FORMATS) return build_fail(L, &b, "xlsx: more than %s formats", "256");
        for (lua_Integer i = 1; i <= n; i++) {
            lua_rawgeti(L, -1, i);
            if (!lua_istable(L, -1)) return build_fail(L, &b, "xlsx: format %s is not a table", "entry");
            lxw_format *f = workbook_add_format(b.wb);
            if (lua_getfield(L, -1, "num_format") == LUA_TSTRING) format_set_num_format(f, lua_tostring(L, -1));
            lua_pop(L, 1);
            if (field_bool(L, -1, "bold")) format_set_bold(f);
            if (field_bool(L, -1, "wrap")) format_set_text_wrap(f);
            lua_Integer bg = field_int(L, -1, "bg", -1);
            if (bg >= 0) { format_set_pattern(f, LXW_PATTERN_SOLID); format_set_bg_color(f, (lxw_color_t)bg); }
            lua_Integer fg = field_int(L, -1, "color", -1);
            if (fg >= 0) format_set_font_color(f, (lxw_color_t)fg);
            if (field_bool(L, -1, "border")) format_set_bottom(f, LXW_BORDER_THIN);
            fmts[nfmt++] = f;
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);

    if (lua_getfield(L, 1, "sheets") != LUA_TTABLE) return build_fail(L, &b, "xlsx: %s expected", "sheets");
    lua_Integer nsheets = (lua_Integer)lua_rawlen(L, -1);
    if (nsheets == 0) return build_fail(L, &b, "xlsx: %s", "a workbook needs at least one sheet");
    for (lua_Integer s = 1; s <= nsheets; s++) {
        lua_rawgeti(L, -1, s);
        lua_getfield(L, -1, "name");
        const char *name = lua_tostring(L, -1);
        if (!name) return build_fail(L, &b, "xlsx: sheet without a %s", "name");
        lxw_worksheet *ws = workbook_add_worksheet(b.wb, name);
        lua_pop(L, 1);
        if (!ws) return build_fail(L, &b, "xlsx: bad or duplicate sheet name (%s)", name ? name : "?");
        if (lua_getfield(L, -1, "widths") == LUA_TTABLE) {
            lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
            for (lua_Integer c = 1; c <= n && c <= LXW_COL_MAX; c++) {
                lua_rawgeti(L, -1, c);
                double w = lua_tonumber(L, -1);
                if (w > 0) worksheet_set_column(ws, (lxw_col_t)(c - 1), (lxw_col_t)(c - 1), w, NULL);
                lua_pop(L, 1);
            }
        }
        lua_pop(L, 1);
        lua_Integer freeze = field_int(L, -1, "freeze", 0);
        if (freeze > 0) worksheet_freeze_panes(ws, (lxw_row_t)freeze, 0);
        if (lua_getfield(L, -1, "rows") == LUA_TTABLE) {
            lua_Integer nrows = (lua_Integer)lua_rawlen(L, -1);
            if (nrows > LXW_ROW_MAX) return build_fail(L, &b, "xlsx: %s", "too many rows");
            for (lua_Integer r = 1; r <= nrows; r++) {
                lua_rawgeti(L, -1, r);
                if (lua_istable(L, -1)) {
                    lua_Integer ncol = field_int(L, -1, "n", (lua_Integer)lua_rawlen(L, -1));
                    if (ncol > LXW_COL_MAX) return build_fail(L, &b, "xlsx: %s", "too many columns");
                    for (lua_Integer c = 1; c <= ncol; c++) {
                        lua_rawgeti(L, -1, c);
                        if (!write_cell(L, ws, (lxw_row_t)(r - 1), (lxw_col_t)(c - 1), fmts, nfmt))
                            return build_fail(L, &b, "xlsx: cannot write a cell (%s)", "string too long?");
                    }
                }
                lua_pop(L, 1);
            }
        }
        lua_pop(L, 2);   /* rows, sheet */
    }
    lua_pop(L, 1);   /* sheets */

    lxw_error err = workbook_close(b.wb);
    b.wb = NULL;
    if (err != LXW_NO_ERROR) return build_fail(L, &b, "xlsx: cannot write the workbook: %s", lxw_strerror(err));

    FILE *fp = fopen(b.path, "rb");
    if (!fp) return build_fail(L, &b, "xlsx: cannot read the workbook back: %s", strerror(errno));
    luaL_Buffer buf;
    luaL_buffinit(L, &buf);
    char chunk[8192];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, fp)) > 0) luaL_addlstring(&buf, chunk, got);
    int bad = ferror(fp);
    fclose(fp);
    build_cleanup(&b);
    if (bad) return luaL_error(L, "xlsx: cannot read the workbook back");
    luaL_pushresult(&buf);
    return 1;
}

static const luaL_Reg xlsx_funcs[] = {
    {"build", xlsx_build},
    {NULL, NULL}
};

int luaopen_tuiyan_xlsx(lua_State *L)
{
    luaL_newlib(L, xlsx_funcs);
    lua_pushstring(L, LXW_VERSION);
    lua_setfield(L, -2, "version");
    return 1;
}
