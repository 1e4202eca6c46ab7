/* interrupt.c — Ctrl-C for the host (interrupt.h). */
#include "host/interrupt.h"

#include <lauxlib.h>
#include <string.h>

#include "core/interrupt.h"
#include "host/host.h"

/* ---- the batch run's handler ---- */

static lua_State *volatile cli_state;
static volatile sig_atomic_t cli_pending;
static volatile sig_atomic_t cli_hold;

static void raise_interrupted(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    TyError e;
    ty_error_set(&e, TY_EINTR, "interrupted");
    host_raise(L, &e);
}

/* Async-signal-safe: stores, lua_sethook (made for this, as lua.c does) and signal(). */
static void arm(void)
{
    lua_State *L = cli_state;
    if (L != NULL) lua_sethook(L, raise_interrupted, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
    signal(SIGINT, SIG_DFL);           /* a second Ctrl-C ends the process */
}

static void on_sigint_cli(int sig)
{
    (void)sig;
    ty_interrupt_request();
    cli_pending = 1;
    if (!cli_hold) arm();
}

void host_interrupt_catch(lua_State *L)
{
    /* An ignored SIGINT stays ignored (a background job of a shell script: Ctrl-C at the
     * terminal is not for it), as Python does. */
    struct sigaction cur;
    if (sigaction(SIGINT, NULL, &cur) == 0 && !(cur.sa_flags & SA_SIGINFO) && cur.sa_handler == SIG_IGN)
        return;
    cli_state = L;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint_cli;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;                   /* no SA_RESTART: a read from a terminal returns */
    sigaction(SIGINT, &sa, NULL);
}

void host_interrupt_hold(int on)
{
    cli_hold = on ? 1 : 0;
    if (!on && cli_pending) arm();
}

int host_interrupt_pending(void) { return cli_pending != 0; }

void host_interrupt_disarm(lua_State *L)
{
    if (cli_state == L) {
        cli_state = NULL;
        lua_sethook(L, NULL, 0, 0);
    }
}

/* ---- a scope of C work ---- */

static struct sigaction scope_old;     /* the handler the scope chains to */
static int scope_depth;

static void on_sigint_scope(int sig, siginfo_t *info, void *uc)
{
    ty_interrupt_request();
    if (scope_old.sa_flags & SA_SIGINFO) {
        if (scope_old.sa_sigaction != NULL) scope_old.sa_sigaction(sig, info, uc);
    } else if (scope_old.sa_handler != SIG_DFL && scope_old.sa_handler != SIG_IGN) {
        scope_old.sa_handler(sig);
    }
}

void host_interrupt_begin(HostInterruptScope *s)
{
    memset(s, 0, sizeof *s);
    if (scope_depth++ > 0) return;     /* the outer scope's handler is in place */
    struct sigaction cur;
    if (sigaction(SIGINT, NULL, &cur) != 0) return;
    if (!(cur.sa_flags & SA_SIGINFO) && (cur.sa_handler == SIG_DFL || cur.sa_handler == SIG_IGN))
        return;                        /* Ctrl-C ends the process, or is ignored: as before */
    s->old = cur;
    scope_old = cur;
    /* A flag left from an earlier interrupt the REPL has dealt with must not stop this run; an
     * interrupted batch run keeps it (it is on its way out). */
    if (!cli_pending) ty_interrupt_clear();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_sigint_scope;
    sa.sa_mask = cur.sa_mask;
    sa.sa_flags = SA_SIGINFO | (cur.sa_flags & SA_RESTART);
    s->installed = sigaction(SIGINT, &sa, NULL) == 0;
}

void host_interrupt_end(HostInterruptScope *s)
{
    if (--scope_depth > 0 || !s->installed) return;
    struct sigaction cur;
    /* The chained handler may have replaced ours (the REPL's sets SIG_DFL, so that a second
     * Ctrl-C ends a process stuck in C): what it put there stays. */
    if (sigaction(SIGINT, NULL, &cur) == 0 && (cur.sa_flags & SA_SIGINFO)
        && cur.sa_sigaction == on_sigint_scope)
        sigaction(SIGINT, &s->old, NULL);
    if (!cli_pending) ty_interrupt_clear();
    s->installed = 0;
}

/* ---- _host.interrupt ---- */

/* catch(): this run's Ctrl-C stops it (exit 130) */
static int intr_catch(lua_State *L)
{
    host_interrupt_catch(L);
    return 0;
}

/* hold(on): while on, Ctrl-C is recorded and takes effect when the hold ends */
static int intr_hold(lua_State *L)
{
    host_interrupt_hold(lua_toboolean(L, 1));
    return 0;
}

/* pending() -> boolean */
static int intr_pending(lua_State *L)
{
    lua_pushboolean(L, host_interrupt_pending());
    return 1;
}

int luaopen_host_interrupt(lua_State *L)
{
    static const luaL_Reg funcs[] = {
        {"catch", intr_catch}, {"hold", intr_hold}, {"pending", intr_pending},
        {NULL, NULL}
    };
    luaL_newlib(L, funcs);
    return 1;
}
