#!/bin/sh
# tests/cli/test_shards.sh BIN BUILD — shards: `tuiyan run --shard I/N` and `--samples-range A..B`
# run through GNU parallel (Debian's `parallel`; this test FAILS without it, it never skips), and
# `tuiyan merge` giving the very bytes of the unsharded run (manifest included, SOURCE_DATE_EPOCH
# set); a stable assignment of units; merge refusing a missing, duplicate, tampered or foreign
# shard with exit 3 and the file's name. Small on purpose: 20 synthetic counties × 500 samples.
. "$(dirname "$0")/lib.sh"
export SOURCE_DATE_EPOCH=1700000000

checks=$((checks + 1))
if ! command -v parallel >/dev/null 2>&1; then
    fail_check "GNU parallel is not installed (apt-get install parallel; tools/deps.sh test installs it)"
    finish
    exit 1
fi

W="$TMP/w"; A="$TMP/A"; B="$TMP/B"
mkdir -p "$W" "$A" "$B"
cp "$ROOT/examples/scale/national.lua" "$W/national.lua"
"$BIN" run "$ROOT/examples/scale/gen_counties.lua" 7 20 > "$W/counties.csv"
cat > "$W/plain.lua" <<'EOF'
local t = tuiyan.tabular.new{ title = "plain", columns = { { key = "k", title = "k" } } }
t:add{ k = arg[0] }
tuiyan.report.emit(t, "plain")
EOF
cp "$W/plain.lua" "$W/plain2.lua"
cat > "$W/mc.lua" <<'EOF'
-- two scenarios, 20,000 samples (three chunks); arg[1] = "hist": quantiles from histograms
local sc = require("tuiyan.scenarios.wuwei").build()
local r = tuiyan.mc.run{ scenarios = { sc.baseline, sc.both }, plan = tuiyan.plan.load(), samples = 20000,
  exact_budget = arg[1] == "hist" and 1000 or nil }
tuiyan.report.emit(r, "mc")
EOF

run_in() {     # DIR CMD...: run (lib.sh) in DIR, in this shell (a subshell would lose $code)
    _here=$(pwd); cd "$1" || exit 1; shift; run "$@"; cd "$_here" || exit 1
}

units_of() {   # manifest -> the shard's units on one line
    tr -d ' \n' < "$1" | sed 's/.*"units":\[\([0-9,]*\)\].*/\1/'
}

# ---- shards of units: one split script, 3 shards through GNU parallel ----
(cd "$A" && "$BIN" run ../w/national.lua ../w/counties.csv --samples 500 --format csv --out out --quiet)
checks=$((checks + 1))
[ "$(ls "$A/out" | grep -c '^SYN.*\.csv$')" = 20 ] || fail_check "the unsharded run wrote 20 county files"
(cd "$B" && parallel "$BIN" run ../w/national.lua ../w/counties.csv --samples 500 --format csv \
    --shard {}/3 --out "$TMP/s{}" --quiet ::: 1 2 3)
checks=$((checks + 1))
[ -f "$TMP/s1/manifest.json" ] && [ -f "$TMP/s2/manifest.json" ] && [ -f "$TMP/s3/manifest.json" ] \
    || fail_check "GNU parallel ran the three shards"
checks=$((checks + 1))
[ "$(units_of "$TMP/s2/manifest.json")" = "2,5,8,11,14,17,20" ] \
    || fail_check "shard 2/3 has units 2,5,8,...,20 (round robin), got $(units_of "$TMP/s2/manifest.json")"
run_in "$B" "$BIN" merge "$TMP/s1" "$TMP/s2" "$TMP/s3" --out out --quiet
expect_code 0 "merge of three unit shards"
checks=$((checks + 1))
diff -r "$A/out" "$B/out" >"$TMP/diff" 2>&1 || { fail_check "merged unit shards are byte-identical to the unsharded run (manifest too)"; head -n 20 "$TMP/diff"; }

# stable: the same I/N gives the same units and the same files, run after run
(cd "$B" && "$BIN" run ../w/national.lua ../w/counties.csv --samples 500 --format csv --shard 2/3 \
    --out "$TMP/s2again" --quiet)
checks=$((checks + 1))
[ "$(units_of "$TMP/s2again/manifest.json")" = "$(units_of "$TMP/s2/manifest.json")" ] \
    || fail_check "shard 2/3 run again has the same units"
sed "s|$TMP/s2again|X|" "$TMP/s2again/manifest.json" > "$TMP/m2again"
sed "s|$TMP/s2|X|" "$TMP/s2/manifest.json" > "$TMP/m2"
expect_same "$TMP/m2" "$TMP/m2again" "shard 2/3 run again: the same manifest (units, outputs, hashes)"

# ---- a batch: scripts are units, a split script's items too ----
(cd "$A" && "$BIN" run ../w/plain.lua ../w/national.lua ../w/plain2.lua --samples 500 --format csv \
    --out batch --quiet -- ../w/counties.csv)
(cd "$B" && parallel "$BIN" run ../w/plain.lua ../w/national.lua ../w/plain2.lua --samples 500 --format csv \
    --shard {}/2 --out "$TMP/b{}" --quiet -- ../w/counties.csv ::: 1 2)
checks=$((checks + 1))
grep -q '"status": "not in this shard"' "$TMP/b2/manifest.json" \
    || fail_check "plain.lua (unit 1) is not in shard 2/2"
run_in "$B" "$BIN" merge "$TMP/b1" "$TMP/b2" --out batch --quiet
expect_code 0 "merge of a batch's shards"
checks=$((checks + 1))
diff -r "$A/batch" "$B/batch" >"$TMP/diff" 2>&1 || { fail_check "merged batch shards are byte-identical to the unsharded batch"; head -n 20 "$TMP/diff"; }

# ---- shards of samples: ranges on chunk boundaries, exact quantiles and histograms ----
for mode in exact hist; do
    # JSON: every mean and sd to 17 digits, so a last-bit difference shows
    (cd "$A" && "$BIN" run ../w/mc.lua $mode --format json --out "mc-$mode" --quiet)
    (cd "$B" && parallel "$BIN" run ../w/mc.lua $mode --format json --samples-range {} \
        --out "$TMP/r-$mode-{#}" --quiet ::: 0..8192 8192..16384 16384..20000)
    checks=$((checks + 1))
    [ -f "$TMP/r-$mode-1/mc-state-1.tymc" ] || fail_check "a sample range publishes its Monte Carlo state ($mode)"
    run_in "$B" "$BIN" merge "$TMP/r-$mode-1" "$TMP/r-$mode-3" "$TMP/r-$mode-2" --out "mc-$mode" --quiet
    expect_code 0 "merge of three sample ranges ($mode)"
    checks=$((checks + 1))
    diff -r "$A/mc-$mode" "$B/mc-$mode" >"$TMP/diff" 2>&1 || { fail_check "merged sample ranges are byte-identical to one run ($mode)"; head -n 20 "$TMP/diff"; }
done

# ---- refusals: exit 3, the file named, nothing written ----
run_in "$B" "$BIN" merge "$TMP/s1" "$TMP/s3" --out refused --quiet
expect_code 3 "a missing shard"
expect_err "shard 2/3 is missing" "a missing shard is named"
cp -r "$TMP/s2" "$TMP/s2dup"
run_in "$B" "$BIN" merge "$TMP/s1" "$TMP/s2" "$TMP/s2dup" "$TMP/s3" --out refused --quiet
expect_code 3 "a duplicate shard"
expect_err "are both shard 2/3" "a duplicate shard is named"
run_in "$B" "$BIN" merge "$TMP/r-exact-1" "$TMP/r-exact-3" --out refused --quiet
expect_code 3 "a missing sample range"
expect_err "samples 8192..16384 of shard 1/1 are missing" "the missing samples are named"
f=$(ls "$TMP/s1" | grep '^SYN' | head -n 1)
printf ',' >> "$TMP/s1/$f"
run_in "$B" "$BIN" merge "$TMP/s1" "$TMP/s2" "$TMP/s3" --out refused --quiet
expect_code 3 "a tampered file"
expect_err "$TMP/s1/$f: SHA-256 does not match" "the tampered file is named"
printf 'x' >> "$TMP/r-exact-2/mc-state-1.tymc"
run_in "$B" "$BIN" merge "$TMP/r-exact-1" "$TMP/r-exact-2" "$TMP/r-exact-3" --out refused --quiet
expect_code 3 "a tampered Monte Carlo state"
expect_err "$TMP/r-exact-2/mc-state-1.tymc: SHA-256 does not match" "the tampered state is named"
rm "$TMP/s2/$(ls "$TMP/s2" | grep '^SYN' | head -n 1)"
run_in "$B" "$BIN" merge "$TMP/s2" "$TMP/s3" "$TMP/s2again" --out refused --quiet
expect_code 3 "a file listed in a manifest but missing"
expect_err "missing (listed in $TMP/s2/manifest.json)" "the missing file is named"
(cd "$B" && "$BIN" run ../w/national.lua ../w/counties.csv --samples 500 --format csv --shard 1/3 --seed 2 \
    --out "$TMP/seed2" --quiet)
run_in "$B" "$BIN" merge "$TMP/seed2" "$TMP/s2again" "$TMP/s3" --out refused --quiet
expect_code 3 "shards of another seed"
expect_err "shards of different runs" "another seed is refused"
run_in "$B" "$BIN" merge "$A/out" --out refused --quiet
expect_code 3 "an unsharded run's folder"
expect_err "not a shard's manifest" "a folder without a shard's manifest is named"
checks=$((checks + 1))
[ ! -e "$B/refused" ] || [ -z "$(ls "$B/refused")" ] || fail_check "a refused merge writes nothing"

# ---- usage ----
run "$BIN" run "$W/plain.lua" --shard 1/2
expect_code 2 "--shard without --out"
run "$BIN" run "$W/plain.lua" --shard 3/2 --out "$TMP/x"
expect_code 2 "--shard 3/2"
run_in "$B" "$BIN" run ../w/mc.lua --samples-range 100..200 --out "$TMP/odd" --quiet
expect_code 1 "a sample range off the chunk boundaries"
expect_err "a multiple of 8192" "the chunk size is named"

finish
