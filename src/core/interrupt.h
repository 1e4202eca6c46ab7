/* interrupt.h — a request to stop long C work (Ctrl-C), and where the core looks at it.
 *
 * The core never installs a signal handler or touches a terminal: the host does (src/host/
 * interrupt.c). Its SIGINT handler calls ty_interrupt_request(), which only stores into a
 * volatile sig_atomic_t, the one thing a handler may do portably. Long-running core loops
 * (mc_run: between chunks and between blocks of samples, on every thread) read
 * ty_interrupt_requested() and, when it is set, stop, free what they allocated and return
 * TY_EINTR. The flag stays set until the host clears it: a run started while it is set stops
 * at once, so an interrupted CLI run cannot go on to the next run.
 *
 * Threads: a worker thread reads the flag written by the handler on another thread. The store
 * is a single aligned int; every platform tuiyan builds for makes it visible to the other
 * cores at once, and what a worker does once it has seen it (stop claiming chunks) goes through
 * the run's mutex. Worker threads themselves block SIGINT (mc.c), so the handler always runs on
 * the thread that started the work. */
#ifndef TY_INTERRUPT_H
#define TY_INTERRUPT_H

#include <signal.h>

extern volatile sig_atomic_t ty_interrupt_flag;

/* Async-signal-safe: sets the flag. */
static inline void ty_interrupt_request(void) { ty_interrupt_flag = 1; }
static inline void ty_interrupt_clear(void) { ty_interrupt_flag = 0; }
static inline int ty_interrupt_requested(void) { return ty_interrupt_flag != 0; }

#endif
