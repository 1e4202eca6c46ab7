/* bind/doctext.c — _tuiyan.doctext: the text of a plan's document for `tuiyan extract`, whatever
 * it was saved as. The readers are the plan reader's own: its GB18030 / UTF-16 conversion
 * (io/planfile.h) and, for Word, io/docx.h on the xlsx reader's capped zip.
 *
 * docx(bytes, name) -> text | nil, err   one paragraph per line; err a tuiyan.Error (exit 3)
 *                                        naming the file and the part
 * decode(bytes) -> text, encoding | nil  text not UTF-8 but GB18030 (GBK) as a whole, or UTF-16
 *                                        with a BOM, as UTF-8; nil when it is neither */
#include "bind/bind.h"
#include "core/alloc.h"
#include "host/host.h"
#include "io/docx.h"
#include "io/planfile.h"

#include <lauxlib.h>

static int doctext_docx(lua_State *L)
{
    size_t len;
    const char *bytes = luaL_checklstring(L, 1, &len);
    const char *name = luaL_checkstring(L, 2);
    char *text = NULL;
    size_t tlen = 0;
    TyError err;
    ty_error_clear(&err);
    if (docx_read_text(name, bytes, len, NULL, &text, &tlen, &err) != TY_OK) return host_fail(L, &err);
    lua_pushlstring(L, text, tlen);
    ty_free(text);
    return 1;
}

static int doctext_decode(lua_State *L)
{
    size_t len;
    const char *bytes = luaL_checklstring(L, 1, &len);
    char *text = NULL;
    size_t tlen = 0;
    const char *enc = NULL;
    if (!planfile_convert_text(bytes, len, &text, &tlen, &enc)) {
        lua_pushnil(L);
        return 1;
    }
    lua_pushlstring(L, text, tlen);
    ty_free(text);
    lua_pushstring(L, enc);
    return 2;
}

static const luaL_Reg doctext_funcs[] = {
    {"docx", doctext_docx},
    {"decode", doctext_decode},
    {NULL, NULL}
};

int luaopen_tuiyan_doctext(lua_State *L)
{
    luaL_newlib(L, doctext_funcs);
    return 1;
}
