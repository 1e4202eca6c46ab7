#!/bin/sh
# test_determinism.sh BIN — the same bytes whichever exp/log/pow glibc picks for the CPU.
# glibc chooses an FMA or a non-FMA exp, log and pow by CPU; they differ in the last bit for
# about 0.07 % of arguments. GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX2,-FMA makes this machine take
# the non-FMA ones (the older spelling -AVX2_Usable is silently ignored by glibc 2.36), so each
# job runs twice, once as the machine is and once as a machine without FMA, and the outputs must
# be byte-identical: the uncertainty model at 100,000 samples and at four other seeds, every
# mean, sd, quantile and count printed to 17 digits for 2021-2035 (before tuiyan had its own
# exp/log/pow, seed 1 at 100,000 samples gave 1 differing sd and seeds 2-5 at 20,000 gave 2, 4,
# 5 and 1 differing lines); the uncertainty scenario's JSON and CSV files with their manifest;
# the county package round trip's result files; the regions example.
. tests/cli/lib.sh
NOFMA=glibc.cpu.hwcaps=-AVX2,-FMA
export SOURCE_DATE_EPOCH=1700000000

# The check can only fail if the tunable changes glibc's choice here: libm's own results
# (math.log, math.exp, ^ in plain Lua go straight to glibc) must differ between the two runs.
cat >"$TMP/probe.lua" <<'EOF'
local h = 0
local function mix(v) h = (h ~ string.unpack("<i8", string.pack("<d", v))) * 1099511628211 end
for i = 1, 100000 do
  local x = i * 0.0137 + 0.001
  mix(math.log(x)); mix(math.exp(-x / 100)); mix(x ^ 0.37)
end
print(("%016x"):format(h))
EOF
"$BIN" run "$TMP/probe.lua" >"$TMP/probe_fma.txt" 2>"$TMP/err"
GLIBC_TUNABLES=$NOFMA "$BIN" run "$TMP/probe.lua" >"$TMP/probe_nofma.txt" 2>>"$TMP/err"
checks=$((checks + 1))
if cmp -s "$TMP/probe_fma.txt" "$TMP/probe_nofma.txt"; then
    fail_check "GLIBC_TUNABLES=$NOFMA does not change glibc's exp/log/pow here (a CPU without FMA/AVX2, or another glibc): this test cannot show anything on this machine"
fi

# twice JOB_NAME CMD...: CMD run as is (into $TMP/a) and without FMA (into $TMP/b); stdout kept
twice() {
    name=$1
    shift
    rm -rf "$TMP/a" "$TMP/b"
    mkdir -p "$TMP/a" "$TMP/b"
    (cd "$TMP/a" && "$@" >out.txt 2>err.txt); code=$?
    (cd "$TMP/b" && GLIBC_TUNABLES=$NOFMA "$@" >out.txt 2>err.txt)
    expect_code 0 "$name"
    [ "$code" = 0 ] || sed 's/^/    stderr: /' "$TMP/a/err.txt" | head -n 10
}

# same_files JOB_NAME [FIND ARGS]: every file of run a (but err.txt) byte-identical in run b
same_files() {
    name=$1
    shift
    n=0
    for f in $(cd "$TMP/a" && find . -type f ! -name err.txt "$@" | sort); do
        n=$((n + 1))
        expect_same "$TMP/a/$f" "$TMP/b/$f" "$name: $f with and without FMA"
    done
    checks=$((checks + 1))
    [ "$n" -gt 0 ] || fail_check "$name: no output files to compare"
}

# 1. Every summary of the uncertainty model to 17 digits, 2021-2035, both scenarios.
twice "all digits, 100000 samples" "$BIN" run "$ROOT/tests/cli/all_digits.lua" --samples 100000 --seed 1
expect_same "$TMP/a/out.txt" "$TMP/b/out.txt" "all digits at 100000 samples, seed 1, with and without FMA"
checks=$((checks + 1))
[ "$(wc -l <"$TMP/a/out.txt")" -eq 450 ] || fail_check "all digits: expected 450 lines, got $(wc -l <"$TMP/a/out.txt")"
for seed in 2 3 4 5; do
    twice "all digits, seed $seed" "$BIN" run "$ROOT/tests/cli/all_digits.lua" --samples 20000 --seed $seed
    expect_same "$TMP/a/out.txt" "$TMP/b/out.txt" "all digits at 20000 samples, seed $seed, with and without FMA"
done

# 2. The uncertainty scenario's files (JSON, CSV) and manifest.
for f in json csv; do
    twice "uncertainty --format $f" "$BIN" run "$ROOT/scenarios/wuwei_uncertainty.lua" --samples 20000 \
        --format $f --out res --quiet
    same_files "uncertainty $f" -path './res/*'
done

# 3. The county package round trip: every county's results (the key pair is new on each run, so
# the manifests naming it and the lock files holding a pid are left out).
twice "county round trip" sh "$ROOT/examples/county_package/roundtrip.sh" "$BIN" work
same_files "county round trip" -path '*/results/*' ! -name '.*.lock' ! -name manifest.json

# 4. The regions example (aggregation, ranking, the composite index).
twice "regions example" sh -c "cd '$ROOT' && '$BIN' run examples/regions_wuwei.lua --format json"
same_files "regions example" -name out.txt

finish
