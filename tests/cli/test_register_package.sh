#!/bin/sh
# test_register_package.sh BIN — a city package that checks a county's register, end to end
# through the real command line (examples/packages/register_check): pack, sign, verify, install,
# run on the county's register given by --data; only aggregates leave, and the run's manifest
# says so; the package's firm-level scenario (the 后备 list with names and codes) is refused,
# exit 4 naming the privacy rule, nothing written; the same package declaring
# "firm_level_outputs": true says so at verify, install and list, and its firm-level result
# leaves with the manifest naming it and its columns; results that leak a firm name alone, or a
# per-firm table without names, are refused too; and the package reads nothing but --data.
. tests/cli/lib.sh
export HOME="$TMP/h" XDG_CONFIG_HOME="$TMP/h/config" XDG_DATA_HOME="$TMP/h/data"
mkdir -p "$HOME" "$TMP/county"
cp examples/data/registers/wuwei_SYNTHETIC.csv "$TMP/county/register.csv"
(cd "$TMP" && "$BIN" keygen city >/dev/null 2>&1) || fail_check "keygen"

# ---------------------------------------------------------------- aggregates only
run "$BIN" pack examples/packages/register_check -o "$TMP/reg.tpkg" --key "$TMP/city.key"
expect_code 0 "pack"
run "$BIN" verify "$TMP/reg.tpkg" --trust "$TMP/city.pub"
expect_code 0 "verify"
checks=$((checks + 1))
grep -q firm_level "$TMP/out" && fail_check "verify of an aggregates-only package mentions firm-level outputs"
run "$BIN" install "$TMP/reg.tpkg" --trust "$TMP/city.pub"
expect_code 0 "install"
run "$BIN" run wuwei_registers:check --data "$TMP/county" --format csv --out "$TMP/agg"
expect_code 0 "the aggregates run"
R="$TMP/agg"
checks=$((checks + 1))
[ -f "$R/hte.csv" ] && [ -f "$R/tsme.csv" ] && [ -f "$R/wuwei_pool.csv" ] \
    || fail_check "results missing ($(ls "$R" 2>/dev/null | tr '\n' ' '))"
python3 - "$R" "$ROOT/examples/data/registers/wuwei_SYNTHETIC.csv" <<'PY' || fail_check "the aggregates"
import csv, json, os, sys
d, reg = sys.argv[1], sys.argv[2]
rows = [r for r in csv.reader(open(reg, encoding="utf-8")) if r and not r[0].startswith("#")]
head, firms = rows[0], rows[1:]
codes = {r[head.index("credit_code")] for r in firms}
names = {r[head.index("name")] for r in firms}
by_county = {}
for r in firms:
    by_county[r[head.index("county")]] = by_county.get(r[head.index("county")], 0) + 1
for f in ("hte.csv", "tsme.csv", "wuwei_pool.csv"):
    text = open(os.path.join(d, f), encoding="utf-8-sig").read()
    assert not any(c in text for c in codes), f + ": a credit code left"
    assert not any(n in text for n in names), f + ": a firm name left"
    got = {r["county"]: int(r["firms"]) for r in csv.DictReader(text.splitlines())}
    assert got == by_county, (f, got, by_county)
# the city's own criteria (carried by the package) were applied: their columns are there
pool = list(csv.DictReader(open(os.path.join(d, "wuwei_pool.csv"), encoding="utf-8-sig")))
assert set(pool[0]) >= {"ip_unmet", "st_staff_unmet", "rd_ratio_unmet"}, pool[0].keys()
assert sum(int(r["qualifies"]) + int(r["candidates"]) for r in pool) == len(firms)
m = json.load(open(os.path.join(d, "manifest.json"), encoding="utf-8"))
assert m["privacy"] == {"firm_level_outputs_declared": False, "left": "aggregates only", "firm_level": []}, m["privacy"]
county = [i for i in m["inputs"] if i["origin"] == "county data (--data)"]
assert len(county) == 1 and county[0]["path"].endswith("/register.csv"), m["inputs"]
PY

# the county's register saved by Excel as GB18030: read with the notice (the sandbox's log), the same aggregates
mkdir -p "$TMP/gbk"
iconv -f UTF-8 -t GB18030 "$TMP/county/register.csv" >"$TMP/gbk/register.csv" || fail_check "iconv"
run "$BIN" run wuwei_registers:check --data "$TMP/gbk" --format csv --out "$TMP/agg_gbk"
expect_code 0 "the aggregates run on a GB18030 register"
expect_out "register.csv: read as GB18030; save as CSV UTF-8 to silence this" "the encoding notice"
expect_same "$R/hte.csv" "$TMP/agg_gbk/hte.csv" "GB18030 and UTF-8 registers give the same aggregates"

# the city's support policy priced firm by firm in the county's sandbox: only totals leave, and
# they are the payments `tuiyan register pay` finds outside any sandbox, cell for cell
run "$BIN" run wuwei_registers:pay --data "$TMP/county" --format csv --out "$TMP/pay"
expect_code 0 "the payments run (the policy's firm-level rules in the sandbox)"
"$BIN" register pay "$TMP/county/register.csv" --format json >"$TMP/pay.json" 2>"$TMP/pay.err" \
    || fail_check "register pay outside the sandbox: $(cat "$TMP/pay.err")"
checks=$((checks + 1))
python3 - "$TMP/pay" "$TMP/pay.json" "$ROOT/examples/data/registers/wuwei_SYNTHETIC.csv" <<'PY' || fail_check "the payments' totals"
import csv, json, os, sys
d, whole, reg = sys.argv[1], json.load(open(sys.argv[2], encoding="utf-8")), sys.argv[3]
text = open(os.path.join(d, "payments.csv"), encoding="utf-8-sig").read()
rows = [r for r in csv.reader(open(reg, encoding="utf-8")) if r and not r[0].startswith("#")]
head = rows[0]
for r in rows[1:]:
    assert r[head.index("credit_code")] not in text and r[head.index("name")] not in text, "a firm left"
got = {(r["rule"], r["county"], int(r["year"])): (int(r["paid"]), float(r["amount"]))
       for r in csv.DictReader(text.splitlines())}
want = {}
for f in whole["firms"]:
    for p in f["payments"]:
        if p["amount"] is None:   # an input cell is empty: not in the totals
            continue
        k = (p["rule"], f["county"], p["paid_year"])
        n, a = want.get(k, (0, 0.0))
        want[k] = (n + 1, a + p["amount"])
assert got == want, (sorted(got.items()), sorted(want.items()))
m = json.load(open(os.path.join(d, "manifest.json"), encoding="utf-8"))
assert m["privacy"]["left"] == "aggregates only", m["privacy"]
PY

# ---------------------------------------------------------------- firm-level, not declared
run "$BIN" run wuwei_registers:candidates --data "$TMP/county" --format csv --out "$TMP/leak"
expect_code 4 "the 后备 list without the declaration"
expect_err "result candidates.csv holds firm-level data, the credit code" "the refusal says what"
expect_err "unless its manifest declares \"firm_level_outputs\": true (privacy rule)" "the refusal names the rule"
checks=$((checks + 1))
[ -e "$TMP/leak" ] && fail_check "a refused run wrote $(ls "$TMP/leak" | tr '\n' ' ')"

# ---------------------------------------------------------------- firm-level, declared
cp -r examples/packages/register_check "$TMP/firms"
sed -e 's/"name": "wuwei_registers"/"name": "wuwei_register_firms"/' \
    -e 's/"expires": "2030-12-31",/"expires": "2030-12-31", "firm_level_outputs": true,/' \
    examples/packages/register_check/tuiyan-package.json >"$TMP/firms/tuiyan-package.json"
run "$BIN" pack "$TMP/firms" -o "$TMP/firms.tpkg" --key "$TMP/city.key"
expect_code 0 "pack the declaring package"
run "$BIN" verify "$TMP/firms.tpkg"
expect_code 0 "verify the declaring package"
expect_out "wuwei_register_firms 1.0.0 declares firm_level_outputs" "verify tells the county"
run "$BIN" install "$TMP/firms.tpkg"
expect_code 0 "install the declaring package"
expect_out "declares firm_level_outputs" "install tells the county"
run "$BIN" list
expect_out "firm-level outputs declared" "list tells the county"
checks=$((checks + 1))
[ "$(grep -c 'firm-level outputs declared' "$TMP/out")" = 1 ] || fail_check "list marks only the declaring package"
run "$BIN" run wuwei_register_firms:candidates --data "$TMP/county" --format csv --out "$TMP/firm"
expect_code 0 "the 后备 list with the declaration"
python3 - "$TMP/firm" <<'PY' || fail_check "the firm-level manifest"
import json, os, sys
d = sys.argv[1]
m = json.load(open(os.path.join(d, "manifest.json"), encoding="utf-8"))
p = m["privacy"]
assert p["firm_level_outputs_declared"] is True and p["left"] == "firm-level", p
[f] = p["firm_level"]
assert f["path"] == "candidates.csv" and f["why"].startswith("the credit code "), f
assert f["columns"][:4] == ["year", "rank", "credit_code", "name"], f["columns"]
assert "91620" in open(os.path.join(d, "candidates.csv"), encoding="utf-8").read()
PY

# ---------------------------------------------------------------- other leaks, other files
# scenario SOURCE: a package wuwei_leak_N (aggregates only) whose scenario "main" is SOURCE
n=0
leak() {
    n=$((n + 1))
    src="$TMP/leak$n"
    mkdir -p "$src/scenarios"
    printf '%s\n' "$1" >"$src/scenarios/main.lua"
    cat >"$src/tuiyan-package.json" <<JSON
{"format": 1, "name": "wuwei_leak_$n", "version": "1.0.0", "publisher": "x", "description": "",
 "min_tuiyan": "0.1.0", "expires": "2030-12-31", "scenarios": {"main": "scenarios/main.lua"}}
JSON
    "$BIN" pack "$src" -o "$src.tpkg" --key "$TMP/city.key" --quiet >/dev/null 2>&1 || fail_check "pack leak $n"
    "$BIN" install "$src.tpkg" --quiet >/dev/null 2>&1 || fail_check "install leak $n"
    run "$BIN" run "wuwei_leak_$n:main" --data "$TMP/county" --out "$TMP/leakout$n"
}
leak 'local reg = assert(tuiyan.register.load("register.csv"))
return { note = "best firm: " .. reg:row(7).name }'
expect_code 4 "a firm name alone"
expect_err "holds firm-level data, the firm name SYNTHETIC" "the name is recognised"
leak 'local reg = assert(tuiyan.register.load("register.csv"))
local lines = {}
for i = 1, #reg do lines[i] = tostring(reg:row(i).revenue_3) end
return { rows = table.concat(lines, "\n") .. "\n" }'
expect_code 4 "a per-firm table without names or codes"
expect_err "lines for the 170 firm-years of register.csv: a per-firm table" "the per-firm table is recognised"
leak 'local reg = assert(tuiyan.register.load("register.csv"))
local check = assert(reg:check("hte"))
return { total = tostring(check:summary().qualifies) }'
expect_code 0 "an aggregate computed from firm-level data inside the sandbox"
for p in ../register.csv /etc/passwd.csv "$ROOT/examples/data/registers/wuwei_SYNTHETIC.csv" other.csv; do
    leak "local reg, err = tuiyan.register.load(\"$p\")
assert(not reg, \"read $p\")
error(tostring(err), 0)"
    checks=$((checks + 1))
    [ "$code" = 1 ] || [ "$code" = 3 ] || fail_check "reading $p: exit $code"
    case $p in
    other.csv) expect_err "other.csv: no such file in the data directory or among the package's data files" \
        "reading a file that is not in --data is refused" ;;
    *) expect_err "$p: not a plain relative path" "reading $p is refused" ;;
    esac
done

finish
