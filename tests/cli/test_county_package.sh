#!/bin/sh
# test_county_package.sh BIN — the county package end to end through the real command line:
# the README's round trip (examples/county_package/roundtrip.sh) against its golden output; the
# city's ratio indicators equal the ratio of the summed county components; where each value
# came from; and hostile installed packages run by `tuiyan run NAME:SCENARIO --out DIR`: each
# refused with exit 1 or 5 and a clear message, nothing written.
. tests/cli/lib.sh

# ---------------------------------------------------------------- the round trip
run sh examples/county_package/roundtrip.sh "$BIN" "$TMP/trip"
expect_code 0 "the round trip"
# key ids and scratch paths differ each run
sed -e 's/[0-9a-f]\{16\}/KEYID/g' -e 's/tpkg ([0-9]* bytes)/tpkg (N bytes)/' -e "s#$TMP/trip#WORK#g" "$TMP/out" >"$TMP/trip.out"
expect_same "$ROOT/tests/cli/golden/county_roundtrip.out" "$TMP/trip.out" "round-trip output"

R="$TMP/trip/results"
for c in liangzhou minqin gulang tianzhu; do
    checks=$((checks + 1))
    [ -f "$R/$c/progress.csv" ] && [ -f "$R/$c/sources.csv" ] && [ -f "$R/$c/plan.csv" ] \
        || fail_check "$c: results missing ($(ls "$R/$c" 2>/dev/null | tr '\n' ' '))"
done

# where each value came from: the county's own file, the package's default, or missing
checks=$((checks + 1))
grep -q '^rd_intensity,target,2025,1.8,county plan.csv' "$R/liangzhou/sources.csv" \
    || fail_check "凉州区's own 2025 target should come from its file"
checks=$((checks + 1))
grep -q '^rd_intensity,target,2025,1.5,package default data/defaults.csv' "$R/tianzhu/sources.csv" \
    || fail_check "天祝's 2025 target should be the package default"
checks=$((checks + 1))
grep -q '^tech_contract_turnover,actual,,,missing: the county gave none' "$R/tianzhu/sources.csv" \
    || fail_check "天祝 does not report turnover: the record should say so"

# Each county's manifest: the package that made the results, the files read with their origin
# and SHA-256, and the results' hashes.
checks=$((checks + 1))
python3 - "$R/tianzhu" "$ROOT/examples/county_package" <<'PY' || fail_check "tianzhu's manifest.json"
import hashlib, json, os, sys
d, ex = sys.argv[1], sys.argv[2]
m = json.load(open(os.path.join(d, "manifest.json"), encoding="utf-8"))
sha = lambda p: hashlib.sha256(open(p, "rb").read()).hexdigest()
assert m["package"]["name"] == "wuwei_counties" and m["package"]["version"] == "1.0.0", m["package"]
assert m["scenario"] == "progress" and m["seed"] == 1 and m["complete"] is True
assert m["sandbox"]["landlock"] in (True, False), m.get("sandbox")
origins = {(i["origin"], os.path.basename(i["path"])): i for i in m["inputs"]}
county = origins[("county data (--data)", "plan.csv")]
assert county["sha256"] == sha(os.path.join(ex, "counties/tianzhu/plan.csv")), county
default = origins[("package", "defaults.csv")]
assert default["sha256"] == sha(os.path.join(ex, "package/data/defaults.csv")), default
assert len(m["inputs"]) == 2, m["inputs"]
outs = {o["path"]: o["sha256"] for o in m["outputs"]}
assert sorted(outs) == ["plan.csv", "progress.csv", "sources.csv"], outs
for p, h in outs.items():
    assert sha(os.path.join(d, p)) == h, p
PY

# The city's R&D intensity is Σ R&D / Σ GDP from the counties' returned plans, not a mean.
want=$(awk -F, '$1 == "rd_total" { r += $7 } $1 == "gdp" { g += $7 } END { printf "%.10f", 100 * r / g }' \
    "$R"/*/plan.csv)
# Read from the JSON, which keeps full precision (CSV shows % to 2 decimals).
(cd "$TMP/trip" && "$BIN" run "$ROOT/examples/county_package/city.lua" results --format json --out city --quiet >/dev/null)
checks=$((checks + 1))
got=$(python3 -c 'import json, sys
rows = [r for r in json.load(open(sys.argv[1], encoding="utf-8"))["rows"] if r["id"] == "rd_intensity"]
print("%.10f" % rows[0]["city"])' "$TMP/trip/city/city.json" 2>/dev/null)
[ -n "$got" ] && [ "$got" = "$want" ] || fail_check "city rd_intensity $got, want Σ/Σ = $want"
mean=$(awk -F, '$1 == "rd_intensity" { s += $7; n++ } END { printf "%.10f", s / n }' "$R"/*/plan.csv)
checks=$((checks + 1))
[ "$got" != "$mean" ] || fail_check "the example should tell ratio of sums ($got) from mean of ratios ($mean)"

# A county's own relative target (提高0.5个百分点 on R&D intensity) is resolved from the merged
# plan's actuals on every run, never frozen: base 2021 + 0.5, by hand 0.7 + 0.5 = 1.2 for one
# county's data and 0.9 + 0.5 = 1.4 for another's (the package's lib/county.lua copies the cell
# as written; it once copied the number the county's file alone resolved to).
for base in 0.7 0.9; do
    mkdir -p "$TMP/rel$base"
    printf 'id,name,unit,actual_2021,actual_2022,target_2025\nrd_intensity,研发投入强度,%%,%s,0.95,提高0.5个百分点\n' \
        "$base" >"$TMP/rel$base/plan.csv"
    (export HOME="$TMP/trip/liangzhou" XDG_CONFIG_HOME="$TMP/trip/liangzhou/config" \
        XDG_DATA_HOME="$TMP/trip/liangzhou/data"
     "$BIN" run wuwei_counties:progress 示例县 --data "$TMP/rel$base" --format csv --out "$TMP/relout$base" --quiet \
        >/dev/null 2>"$TMP/rel.err") || fail_check "relative county target ($base): $(cat "$TMP/rel.err")"
done
checks=$((checks + 1))
got=$(awk -F, '$1 == "rd_intensity" && $9 == 2025 { print $10 }' "$TMP/relout0.7/progress.csv")
awk -v g="$got" 'BEGIN { exit !(g - 1.2 < 1e-9 && 1.2 - g < 1e-9) }' ||
    fail_check "提高0.5个百分点 from a 2021 base of 0.7: target $got, want 1.2"
checks=$((checks + 1))
got=$(awk -F, '$1 == "rd_intensity" && $9 == 2025 { print $10 }' "$TMP/relout0.9/progress.csv")
awk -v g="$got" 'BEGIN { exit !(g - 1.4 < 1e-9 && 1.4 - g < 1e-9) }' ||
    fail_check "提高0.5个百分点 from a 2021 base of 0.9: target $got, want 1.4"
checks=$((checks + 1))
got=$(awk -F, '$1 == "rd_intensity" && $9 == 2025 { print $20 "|" $21 }' "$TMP/relout0.9/progress.csv")
[ "$got" = "提高0.5个百分点|points" ] || fail_check "the county's progress should show the target as written: $got"
checks=$((checks + 1))
grep -q '^rd_intensity,target,2025,提高0.5个百分点,county plan.csv' "$TMP/relout0.9/sources.csv" ||
    fail_check "the record should keep the county's target as written"

# ---------------------------------------------------------------- county data
export HOME="$TMP/h" XDG_CONFIG_HOME="$TMP/h/config" XDG_DATA_HOME="$TMP/h/data"
mkdir -p "$HOME" "$TMP/empty"
"$BIN" install "$TMP/trip/wuwei_counties-1.0.0.tpkg" --trust "$TMP/trip/wuwei_city.pub" --quiet 2>/dev/null
run "$BIN" run wuwei_counties:progress --data "$TMP/empty"
expect_code 0 "a county with no data of its own"
expect_out "no plan.csv in the county's data: using the package's defaults only" "the fallback is said"
expect_out "package default data/defaults.csv" "and recorded"
run "$BIN" run wuwei_counties:progress --data "$TMP/nowhere"
expect_code 2 "--data that does not exist"
expect_err "--data $TMP/nowhere is not a directory" "names the directory"
printf 'id,name,unit,actual_2021\ngdp,地区生产总值,亿元,1O0\n' >"$TMP/empty/plan.csv"
run "$BIN" run wuwei_counties:progress --data "$TMP/empty" --out "$TMP/bad_out"
expect_code 3 "a county file with a bad number"
expect_err "plan.csv:2:" "names file and line"
checks=$((checks + 1))
[ ! -e "$TMP/bad_out" ] || fail_check "a failed run wrote $TMP/bad_out"

# Results never go into the county's data, however --out is spelled.
mkdir -p "$TMP/cdata"
cp "$ROOT/examples/county_package/counties/gulang/plan.csv" "$TMP/cdata/plan.csv"
cp "$TMP/cdata/plan.csv" "$TMP/plan.orig"
for out in "$TMP/cdata" "$TMP/cdata/sub" "$TMP/cdata/../cdata/x"; do
    run "$BIN" run wuwei_counties:progress --data "$TMP/cdata" --format csv --out "$out" --force
    expect_code 2 "--out $out inside --data"
    case $out in
        *..*) expect_err "a path with '..' is refused" "says why" ;;
        *) expect_err "is inside --data" "says why" ;;
    esac
done
checks=$((checks + 1))
[ -e "$TMP/cdata/sub" ] || [ -e "$TMP/cdata/x" ] || [ -e "$TMP/cdata/progress.csv" ] && fail_check "wrote into --data"
expect_same "$TMP/plan.orig" "$TMP/cdata/plan.csv" "the county's file is untouched"

# ---------------------------------------------------------------- hostile packages
"$BIN" keygen hostile >/dev/null 2>&1 || fail_check "keygen"
mv hostile.key hostile.pub "$TMP/" 2>/dev/null || true
# evil NAME SOURCE: a package whose one scenario is SOURCE, signed, installed
evil() {
    rm -rf "$TMP/src_$1"
    mkdir -p "$TMP/src_$1/scenarios"
    cat >"$TMP/src_$1/tuiyan-package.json" <<JSON
{"format": 1, "name": "evil_$1", "version": "1.0.0", "publisher": "test", "description": "hostile",
 "min_tuiyan": "0.1.0", "expires": "2099-12-31", "scenarios": {"main": "scenarios/main.lua"}}
JSON
    printf '%s\n' "$2" >"$TMP/src_$1/scenarios/main.lua"
    "$BIN" pack "$TMP/src_$1" -o "$TMP/evil_$1.tpkg" --key "$TMP/hostile.key" --quiet >/dev/null 2>&1 \
        || fail_check "pack evil_$1"
    "$BIN" install "$TMP/evil_$1.tpkg" --trust "$TMP/hostile.pub" --quiet >/dev/null 2>&1 \
        || fail_check "install evil_$1"
}
# hostile NAME WANT_CODE MESSAGE SOURCE
hostile() {
    evil "$1" "$4"
    run "$BIN" run "evil_$1:main" --out "$TMP/out_$1" --limit cpu_seconds=3 --limit wall_seconds=6 \
        --limit memory_mb=64 --limit instructions=50000000
    expect_code "$2" "hostile $1"
    expect_err "$3" "hostile $1 says why"
    checks=$((checks + 1))
    [ ! -e "$TMP/out_$1" ] || fail_check "hostile $1 wrote $TMP/out_$1"
}
hostile execute 1 "attempt to call a nil value (field 'execute')" \
    'tuiyan.report.emit(tuiyan.tabular.new{ columns = { { key = "a", title = "a" } } }, "early"); os.execute("touch /tmp/tuiyan_pwned")'
hostile io_open 1 "attempt to index a nil value (global 'io')" 'return { x = io.open("/etc/passwd"):read("a") }'
hostile loop 5 "limits.instructions" \
    'while true do pcall(function() while true do end end) end'
hostile pattern 5 "stopped at the" \
    'local s = string.rep("a", 40); return { x = tostring(s:find(string.rep("a*", 40) .. "b")) }'
hostile memory 5 "memory" 'local t = {} for i = 1, 1e9 do t[i] = string.rep("x", 64) .. i end'
checks=$((checks + 1))
[ ! -e /tmp/tuiyan_pwned ] || fail_check "os.execute ran"

finish
