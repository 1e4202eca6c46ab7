#!/bin/sh
# run_suite.sh LOGDIR NAME CMD... — runs one suite with its output in LOGDIR/NAME.log and its
# verdict in LOGDIR/NAME.status ("PASS SECONDS" or "FAIL SECONDS"), so suites can run side by
# side and run_all.sh still reports them in a fixed order.
logdir=$1; name=$2; shift 2
file=$(echo "$name" | tr '/ ' '__')
t0=$(date +%s)
if "$@" >"$logdir/$file.log" 2>&1 </dev/null; then v=PASS; else v=FAIL; fi
echo "$v $(($(date +%s) - t0))" >"$logdir/$file.status"
