#!/bin/sh
# run.sh SECONDS — builds each libFuzzer target (clang) over the production readers and runs it
# briefly from its seed corpus. A crash fails the run and leaves crash-* for a regression test.
set -u
SECONDS_EACH=${1:-5}
if ! command -v clang >/dev/null 2>&1; then echo "skipped: clang not installed"; exit 0; fi
OUT=build/fuzz
mkdir -p "$OUT"
CF="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Isrc $(pkg-config --cflags libcjson libsodium libarchive)"
LIBSRC=$(ls src/core/*.c src/io/*.c)
status=0
for f in tests/fuzz/fuzz_*.c; do
    [ -f "$f" ] || continue
    name=$(basename "$f" .c)
    clang $CF -o "$OUT/$name" "$f" $LIBSRC $(pkg-config --libs libcjson libsodium libarchive) -lcsv -lm || { status=1; continue; }
    mkdir -p "$OUT/corpus-$name"
    seeds=""
    for d in "tests/data/fuzz/${name#fuzz_}" "tests/data/${name#fuzz_}"; do
        [ -d "$d" ] && seeds="$seeds $d"
    done
    echo "== $name (${SECONDS_EACH}s)"
    if ! "$OUT/$name" -max_total_time="$SECONDS_EACH" -artifact_prefix="$OUT/" "$OUT/corpus-$name" $seeds 2>"$OUT/$name.log"; then
        echo "fuzz target $name failed:"; tail -n 40 "$OUT/$name.log"; status=1
    else
        grep -E "^#[0-9]+.*DONE" "$OUT/$name.log" | tail -n 1
    fi
done
exit $status
