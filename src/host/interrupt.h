/* interrupt.h — Ctrl-C (SIGINT) for the host: stopping C work in the core, and stopping a batch
 * run cleanly.
 *
 * Two pieces, both setting the core's flag (core/interrupt.h) from a signal handler:
 *
 *  - A scope around long C work (bindings call host_interrupt_begin/end around mc_run). Inside
 *    it, SIGINT sets the core's flag, so the core stops within a block of samples, and then
 *    runs the handler that was there before (the REPL's, which arms its "interrupted" hook; the
 *    batch run's, below). When the handler before was SIG_DFL or SIG_IGN the scope installs
 *    nothing: Ctrl-C ends the process (or is ignored) as it always did.
 *
 *  - The batch run's handler (host_interrupt_catch, `tuiyan run` from lua/batch.lua): SIGINT
 *    sets the core's flag and a count hook on the state that raises a tuiyan.Error "interrupted"
 *    (code 130) at every Lua instruction from then on, so a script's pcall cannot swallow it and
 *    nothing after it (publishing the results) runs. main() then reports "tuiyan: interrupted"
 *    and exits 130. While held (host_interrupt_hold: the results being published) the handler
 *    only records the interrupt, and the hook is armed when the hold ends: results are published
 *    whole or not at all. A second Ctrl-C outside a hold ends the process at once (SIG_DFL). */
#ifndef TY_HOST_INTERRUPT_H
#define TY_HOST_INTERRUPT_H

#include <lua.h>
#include <signal.h>

#define EXIT_INTERRUPTED 130

typedef struct HostInterruptScope {
    struct sigaction old;   /* the handler before the scope */
    int installed;
} HostInterruptScope;

void host_interrupt_begin(HostInterruptScope *s);
void host_interrupt_end(HostInterruptScope *s);

/* The batch run's handler, raising in L (unless SIGINT is ignored: then it stays so); a SIGINT
 * since then makes host_interrupt_pending(). */
void host_interrupt_catch(lua_State *L);
void host_interrupt_hold(int on);
int host_interrupt_pending(void);
/* Removes the hook (before lua_close, so finalizers run). */
void host_interrupt_disarm(lua_State *L);

/* _host.interrupt: catch(), hold(on), pending() for lua/batch.lua. [-0, +1, m] */
int luaopen_host_interrupt(lua_State *L);

#endif
