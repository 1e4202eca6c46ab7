#!/bin/sh
# test_batch.sh BIN — `tuiyan run` with several scripts: the syntax (scripts, `--` arguments),
# each script's own globals and seed, --out with per-script folders and manifest.json (inputs and
# outputs with SHA-256 that match the files), one of three scripts failing (non-zero exit, the
# manifest says which, nothing of it published), nothing written when every script fails,
# deterministic manifests apart from "created", and the progress bar only on a terminal.
. tests/cli/lib.sh

mkdir -p "$TMP/w"
cp tests/data/plans/multi_year.csv "$TMP/w/plan.csv"
cat >"$TMP/w/a.lua" <<'LUA'
local p = assert(tuiyan.plan.load("plan.csv"))
tuiyan.report.emit(p:progress(), "progress")
leaked_from_a = true
print("a:", arg[1], math.random(1000000))
LUA
cat >"$TMP/w/b.lua" <<'LUA'
assert(leaked_from_a == nil, "a global of a.lua leaked into b.lua")
assert(#tuiyan.plan.load() == 15)
tuiyan.report.emit("b " .. tostring(arg[1]) .. "\n", "note")
print("b:", arg[1], math.random(1000000))
LUA
cat >"$TMP/w/c.lua" <<'LUA'
tuiyan.report.emit("partial\n", "partial")
error("c fails")
LUA
cat >"$TMP/w/bad.lua" <<'LUA'
assert(tuiyan.plan.load("../bad.csv"))
LUA
cp tests/data/plans/bad/hex.csv "$TMP/bad.csv"
cd "$TMP/w" || exit 1

# Several scripts: every word before -- ends in .lua; the words after -- are each script's arg.
run "$BIN" run a.lua b.lua -- hello
expect_code 0 "two scripts"
expect_out "a:	hello	" "a.lua sees the arguments after --"
expect_out "b:	hello	" "b.lua sees the same arguments"
expect_out "全社会研发经费支出占地区生产总值的比重" "a.lua's result printed without --out"
run "$BIN" run a.lua -- b.lua
expect_code 0 "one script with a .lua argument after --"
expect_out "a:	b.lua	" "tuiyan run a.lua -- b.lua passes b.lua to a.lua"
run "$BIN" run b.lua x 2025
expect_code 0 "one script with arguments"
expect_out "b:	x	" "arguments of one script"

# Each script starts from the same seed, whatever its place in the batch; --seed changes it.
"$BIN" run a.lua b.lua >"$TMP/ab.txt" 2>&1
"$BIN" run b.lua a.lua >"$TMP/ba.txt" 2>&1
checks=$((checks + 1))
[ "$(grep '^b:' "$TMP/ab.txt")" = "$(grep '^b:' "$TMP/ba.txt")" ] || fail_check "b.lua's random numbers depend on its place in the batch"
checks=$((checks + 1))
[ "$(grep '^a:' "$TMP/ab.txt")" = "$(grep '^b:' "$TMP/ab.txt" | sed 's/^b/a/')" ] || fail_check "every script starts from the same seed"
"$BIN" run b.lua --seed 7 >"$TMP/s7.txt" 2>&1
checks=$((checks + 1))
[ "$(grep '^b:' "$TMP/s7.txt")" = "$(grep '^b:' "$TMP/ab.txt")" ] && fail_check "--seed does not change the random numbers"

# --out: per-script folders and a manifest whose hashes match the files.
run "$BIN" run a.lua b.lua --out res
expect_code 0 "batch with --out"
expect_err "wrote res/manifest.json" "the manifest is written"
checks=$((checks + 1))
[ -f res/a/progress.txt ] && [ -f res/b/note.txt ] || fail_check "per-script result folders"
cat >"$TMP/verify.py" <<'PY'
import hashlib, json, os, sys
out, want_complete, root = sys.argv[1], sys.argv[2] == "true", sys.argv[3]
m = json.load(open(os.path.join(out, "manifest.json"), encoding="utf-8"))
sha = lambda p: hashlib.sha256(open(p, "rb").read()).hexdigest()
problems = []
if list(m) != ["tuiyan", "command", "seed", "complete", "created", "scripts", "inputs", "outputs"]:
    problems.append(f"keys {list(m)}")
if m["complete"] is not want_complete: problems.append(f"complete is {m['complete']}")
for i in m["inputs"]:
    path = i["path"]
    if path.startswith("embedded:"):       # data compiled into the binary: the repository's copy
        path = os.path.join(root, path[len("embedded:"):])
    if sha(path) != i["sha256"] or os.path.getsize(path) != i["bytes"]:
        problems.append(f"input {i['path']} hash or size")
for o in m["outputs"]:
    p = os.path.join(out, o["path"])
    if sha(p) != o["sha256"] or os.path.getsize(p) != o["bytes"]: problems.append(f"output {o['path']} hash or size")
listed = sorted(o["path"] for o in m["outputs"])
on_disk = sorted(os.path.relpath(os.path.join(d, f), out) for d, _, fs in os.walk(out) for f in fs if f != "manifest.json")
if listed != on_disk: problems.append(f"outputs listed {listed}, on disk {on_disk}")
for s in m["scripts"]:
    if s["sha256"] != sha(s["script"]): problems.append(f"script {s['script']} hash")
print("\n".join(problems))
sys.exit(1 if problems else 0)
PY
checks=$((checks + 1))
python3 "$TMP/verify.py" res true "$ROOT" || fail_check "manifest of a complete batch"
checks=$((checks + 1))
python3 - res <<'PY' || fail_check "manifest content"
import json, sys
m = json.load(open(sys.argv[1] + "/manifest.json", encoding="utf-8"))
assert m["command"] == ["tuiyan", "run", "a.lua", "b.lua", "--out", "res"], m["command"]
assert m["seed"] == 1, m["seed"]
assert [i["path"] for i in m["inputs"]] == ["a.lua", "b.lua", "embedded:stdlib/data/wuwei_2021_2025.csv", "plan.csv"], m["inputs"]
assert [s["status"] for s in m["scripts"]] == ["ok", "ok"]
assert m["scripts"][0]["outputs"] == ["a/progress.txt"], m["scripts"][0]
PY

# Determinism: the same batch again gives the same manifest apart from "created"; with
# SOURCE_DATE_EPOCH, byte for byte, under another locale and time zone.
run "$BIN" run a.lua b.lua --out res
expect_code 2 "existing results need --force"
expect_err "exists; use --force" "existing results message"
SOURCE_DATE_EPOCH=1700000000 "$BIN" run a.lua b.lua --out det --force >/dev/null 2>&1
cp det/manifest.json "$TMP/m1.json"
sleep 1
. "$ROOT/tests/cli/locales.sh"
require_locales   # the locales below are real, or this fails (never C against C)
SOURCE_DATE_EPOCH=1700000000 LANG=zh_CN.UTF-8 LC_ALL=de_DE.UTF-8 TZ=Asia/Shanghai "$BIN" run a.lua b.lua --out det --force >/dev/null 2>&1
expect_same "$TMP/m1.json" det/manifest.json "manifest byte-identical with SOURCE_DATE_EPOCH"
checks=$((checks + 1))
grep -q '"created": "2023-11-14T22:13:20Z"' det/manifest.json || fail_check "created follows SOURCE_DATE_EPOCH (UTC)"
"$BIN" run a.lua b.lua --out det --force >/dev/null 2>&1
grep -v '"created"' det/manifest.json >"$TMP/m2.json"
grep -v '"created"' "$TMP/m1.json" >"$TMP/m1c.json"
expect_same "$TMP/m1c.json" "$TMP/m2.json" "manifest identical apart from created"

# One of three scripts fails: exit 1, its results dropped, the manifest names it.
run "$BIN" run a.lua b.lua c.lua --out res3 --quiet
expect_code 1 "one of three scripts fails"
expect_err "c.lua:2: c fails" "the failure is reported"
expect_err "1 of 3 scripts failed: c.lua" "the summary names the failed script"
checks=$((checks + 1))
[ -e res3/c/partial.txt ] && fail_check "a failed script's results were published"
checks=$((checks + 1))
grep -q "^wrote" "$TMP/err" && fail_check "--quiet still printed wrote lines"
checks=$((checks + 1))
python3 "$TMP/verify.py" res3 false "$ROOT" || fail_check "manifest of a failed batch"
checks=$((checks + 1))
python3 - res3 <<'PY' || fail_check "the manifest marks the failure"
import json, sys
m = json.load(open(sys.argv[1] + "/manifest.json", encoding="utf-8"))
s = m["scripts"][2]
assert m["complete"] is False
assert s == {"script": "c.lua", "sha256": s["sha256"], "status": "failed", "exit_code": 1, "error": "c.lua:2: c fails"}, s
assert [x["status"] for x in m["scripts"]] == ["ok", "ok", "failed"]
PY

# Re-run into the same folder with --force when a script that succeeded before now fails: its
# old results are removed, not left beside a manifest that says it failed.
cat >flip.lua <<'LUA'
if arg[1] == "fail" then error("flip fails") end
tuiyan.report.emit("flip ok\n", "flip")
LUA
run "$BIN" run a.lua flip.lua --out res8 --quiet -- ok
expect_code 0 "both scripts succeed"
checks=$((checks + 1))
[ -f res8/flip/flip.txt ] || fail_check "flip's result was not written"
run "$BIN" run a.lua flip.lua --out res8 --force -- fail
expect_code 1 "flip fails the second time"
expect_err "removed res8/flip/flip.txt (an earlier run's result)" "says what it removed"
checks=$((checks + 1))
[ -e res8/flip/flip.txt ] && fail_check "the earlier result of a now failing script was left behind"
checks=$((checks + 1))
[ -f res8/a/progress.txt ] || fail_check "the succeeding script's result is there"
printf '{"outputs": [{"path": "../escape.txt"}, {"path": "/etc/hostname"}]}\n' >res8/manifest.json
echo keep >escape.txt
run "$BIN" run a.lua flip.lua --out res8 --force --quiet -- ok
checks=$((checks + 1))
[ -f escape.txt ] || fail_check "a hand-edited manifest made tuiyan remove a file outside --out"

# The exit code is the first failure's: bad data is 3.
run "$BIN" run b.lua bad.lua c.lua --out res4
expect_code 3 "the first failure's exit code"
checks=$((checks + 1))
python3 -c "import json,sys; m=json.load(open('res4/manifest.json')); assert m['scripts'][1]['exit_code']==3, m" ||
    fail_check "the manifest records the exit code of bad data"

# Every script fails: nothing is written at all.
run "$BIN" run c.lua bad.lua --out res5
expect_code 1 "every script fails"
checks=$((checks + 1))
[ -e res5 ] && fail_check "a batch where every script failed wrote something"
run "$BIN" run c.lua --out res6
expect_code 1 "one failing script"
checks=$((checks + 1))
[ -e res6 ] && fail_check "a failing script wrote something"

# One script with --out also gets a manifest.
run "$BIN" run b.lua --out res7 -- one
expect_code 0 "one script with --out"
checks=$((checks + 1))
[ -f res7/note.txt ] && [ -f res7/manifest.json ] || fail_check "one script: results in DIR, and a manifest"

# Usage errors, before anything runs.
mkdir -p x y
cp b.lua x/b.lua; cp b.lua y/b.lua
run "$BIN" run x/b.lua y/b.lua --out res8
expect_code 2 "two scripts with the same name and --out"
expect_err "would both write to res8/b/" "same-name scripts message"
run "$BIN" run a.lua nope.lua
expect_code 2 "a missing script"
expect_err "cannot open nope.lua" "missing script message"
run "$BIN" run a.lua b.lua --out plan.csv
expect_code 2 "--out is a file"
cat >over.lua <<'LUA'
tuiyan.report.input("out/b/note.txt")
LUA
mkdir -p out/b; echo keep >out/b/note.txt
run "$BIN" run over.lua b.lua --out out --force
expect_code 2 "a result over an input of the batch"
expect_err "is an input of this run" "overwrite-input message"
checks=$((checks + 1))
[ "$(cat out/b/note.txt)" = "keep" ] || fail_check "the input was overwritten"

# Progress bar: on a terminal (stderr) for a batch; never when stderr is not a terminal.
run "$BIN" run a.lua b.lua --out res9
checks=$((checks + 1))
grep -q "ETA" "$TMP/err" && fail_check "progress bar written to a non-terminal"
checks=$((checks + 1))
python3 - "$BIN" <<'PY' || fail_check "progress bar on a terminal"
import os, pty, subprocess, sys
master, slave = pty.openpty()
p = subprocess.run([sys.argv[1], "run", "a.lua", "b.lua", "--out", "res10"], stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=slave, timeout=60)
os.close(slave)
data = b""
try:
    while True:
        chunk = os.read(master, 65536)
        if not chunk: break
        data += chunk
except OSError:
    pass
text = data.decode("utf-8", "replace")
assert p.returncode == 0, p.returncode
assert "[##########----------] 1/2" in text and "ETA" in text, repr(text)
PY

cd "$ROOT" || exit 1
finish
