#!/bin/sh
# test_examples.sh BIN — every example and scenario script runs, and its output matches the
# reviewed snapshot in tests/cli/golden/ (examples print numbers a reader will check).
. tests/cli/lib.sh
for f in examples/*.lua scenarios/*.lua; do
    [ -f "$f" ] || continue
    name=$(basename "$f" .lua)
    run "$BIN" run "$f"
    expect_code 0 "$f runs"
    if [ -f "tests/cli/golden/$name.out" ]; then
        expect_same "$TMP/out" "tests/cli/golden/$name.out" "$f output"
    else
        fail_check "$f has no golden output tests/cli/golden/$name.out"
    fi
done
finish
