#!/bin/sh
# test_interrupt.sh BIN — Ctrl-C and the Monte Carlo progress bar: the REPL back at its prompt
# within 0.5 s of Ctrl-C during a 20M-sample run (one and two threads) and usable after it,
# `tuiyan run` interrupted (terminal Ctrl-C and SIGINT by kill) exiting 130 with no output,
# the bar on a terminal only, never with --quiet or through a pipe, and results byte-identical
# with and without it: tests/cli/interrupt_pty.py. The unit side (the core's flag, on 1 and 3
# threads, and the progress calls) is in tests/unit/test_mc.c.
. tests/cli/lib.sh

checks=$((checks + 1))
if ! TUIYAN_ROOT="$ROOT" python3 tests/cli/interrupt_pty.py "$BIN" "$TMP" >"$TMP/pty.log" 2>&1; then
    fail_check "interrupt_pty.py:"
    sed 's/^/    /' "$TMP/pty.log"
else
    grep '^measured:' "$TMP/pty.log"
    tail -n 1 "$TMP/pty.log"
fi
finish
