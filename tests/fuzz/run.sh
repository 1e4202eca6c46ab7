#!/bin/sh
# run.sh SECONDS — builds each libFuzzer target (clang) over the production readers and runs it
# briefly from its seed corpus. A crash fails the run and leaves crash-* for a regression test.
set -u
SECONDS_EACH=${1:-5}
if ! command -v clang >/dev/null 2>&1; then echo "skipped: clang not installed"; exit 0; fi
OUT=build/fuzz
mkdir -p "$OUT"
CF="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 -Isrc $(pkg-config --cflags libcjson libsodium libarchive libutf8proc)"
LIBS="$(pkg-config --libs libcjson libsodium libarchive libutf8proc expat) -lcsv -lm"
# The library is compiled once (instrumented, not linked with the fuzzer's main) and shared by
# every target, in parallel: compiling it per target took most of make test's time. A changed
# header rebuilds it all; a changed source rebuilds its object.
OBJ="$OUT/obj"
mkdir -p "$OBJ"
if [ -n "$(find src -name '*.h' -newer "$OBJ/.stamp" 2>/dev/null | head -n 1)" ] || [ ! -f "$OBJ/.stamp" ]; then
    rm -f "$OBJ"/*.o
fi
export CF OBJ
ls src/core/*.c src/io/*.c | xargs -P "$(nproc 2>/dev/null || echo 2)" -I{} sh -c '
    o="$OBJ/$(echo "{}" | tr / _).o"
    [ "$o" -nt "{}" ] || clang $CF -fsanitize=fuzzer-no-link,address,undefined -c "{}" -o "$o"' || exit 1
touch "$OBJ/.stamp"
status=0
for f in tests/fuzz/fuzz_*.c; do
    [ -f "$f" ] || continue
    name=$(basename "$f" .c)
    clang $CF -fsanitize=fuzzer,address,undefined -o "$OUT/$name" "$f" "$OBJ"/*.o $LIBS || { status=1; continue; }
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
