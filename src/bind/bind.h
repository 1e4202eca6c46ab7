/* bind.h — the native modules: one luaopen_tuiyan_<module> per binding file. The table in
 * host/state.c is the one place that decides which of them a state gets. */
#ifndef TY_BIND_H
#define TY_BIND_H

#include <lua.h>

int luaopen_tuiyan_plan(lua_State *L);
int luaopen_tuiyan_register(lua_State *L);
int luaopen_tuiyan_io(lua_State *L);
int luaopen_tuiyan_text(lua_State *L);
int luaopen_tuiyan_json(lua_State *L);
int luaopen_tuiyan_host(lua_State *L);
int luaopen_tuiyan_model(lua_State *L);
int luaopen_tuiyan_schedule(lua_State *L);
int luaopen_tuiyan_crypto(lua_State *L);
int luaopen_tuiyan_sandbox(lua_State *L);
int luaopen_tuiyan_mc(lua_State *L);
int luaopen_tuiyan_package(lua_State *L);
int luaopen_tuiyan_readline(lua_State *L);
int luaopen_tuiyan_regions(lua_State *L);
int luaopen_tuiyan_csv(lua_State *L);
int luaopen_tuiyan_xlsx(lua_State *L);
int luaopen_tuiyan_doctext(lua_State *L);
int luaopen_tuiyan_detmath(lua_State *L);
int luaopen_tuiyan_optim(lua_State *L);
int luaopen_tuiyan_register_pay(lua_State *L);

/* Userdata of one binding that another reads (raise on a wrong or closed argument). */
struct TyCheck;
struct TyRegister;
struct TySchedule;
const struct TyCheck *bind_register_check(lua_State *L, int idx);
const struct TyRegister *bind_register(lua_State *L, int idx);
const struct TySchedule *bind_schedule(lua_State *L, int idx);

#endif
