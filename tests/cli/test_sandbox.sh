#!/bin/sh
# test_sandbox.sh BIN — the sandbox end to end: a trusted script runs package scenarios through
# _host.sandbox, and `tuiyan` exits with the code of what happened (0, 1 script error or crash,
# 3 bad data, 5 limit), says why on stderr, and leaves no child process behind.
# (Row-by-row checks of RELIABILITY §A are in tests/lua/test_sandbox.lua.)
. tests/cli/lib.sh

mkdir -p "$TMP/pkg" "$TMP/data"
printf 'id,name,unit,actual_2021\nrd,R,%%,0x10\n' >"$TMP/data/bad.csv"
cat >"$TMP/driver.lua" <<'EOF'
-- driver.lua SCENARIO_FILE: runs it as the scenario "main" of a package in the sandbox
local dir = arg[1]:match("^(.*)/[^/]*$")
local r = require("_host.sandbox").run{
  root = dir, manifest = { name = "clitest", entry = { main = arg[1]:match("[^/]*$") } },
  scenario = "main", data = dir .. "/../data",
  options = { limits = { wall_seconds = 3, cpu_seconds = 10, memory_mb = 64, instructions = 10000000 } },
}
io.stdout:write(r.log)
for _, o in ipairs(r.outputs) do io.stdout:write(o.name, ": ", o.data, "\n") end
EOF

scenario() {   # name, source
    printf '%s\n' "$2" >"$TMP/pkg/$1.lua"
    run "$BIN" run "$TMP/driver.lua" -- "$TMP/pkg/$1.lua"
}

scenario ok 'print("hi") return { answer = "42" }'
expect_code 0 "a scenario that works"
expect_out "hi" "its log"
expect_out "answer.txt: 42" "its result"

scenario escape 'os.execute("touch '"$TMP"'/pwned")'
expect_code 1 "os.execute"
expect_err "attempt to call a nil value (field 'execute')" "os.execute is not there"
checks=$((checks + 1))
[ -e "$TMP/pwned" ] && fail_check "os.execute ran"

scenario loop 'while true do pcall(function() while true do end end) end'
expect_code 5 "an endless loop inside pcall"
expect_err "instruction limit of 10000000 exceeded (limits.instructions)" "the instruction limit"

scenario memory 'print(pcall(string.rep, "x", 1 << 30)) return { r = "carried on" }'
expect_code 5 "a caught out-of-memory error"
expect_err "memory limit of 64 MB exceeded (limits.memory_mb)" "the memory limit"

scenario pattern 'string.find(("a"):rep(2000), ".-.-.-.-b")'
expect_code 5 "a catastrophic pattern"
expect_err "stopped at the wall-clock limit of 3 s (limits.wall_seconds)" "the wall-clock kill"

scenario crash 'local c = false
for i = 1, 20000 do
  local p = c
  c = coroutine.create(function()
    local x <close> = setmetatable({}, { __close = function() if p then coroutine.close(p) end end })
    coroutine.yield()
  end)
  coroutine.resume(c)
end
coroutine.close(c)'
expect_code 1 "a crash of the child"
expect_err "script crashed" "the crash is reported"

scenario baddata 'assert(tuiyan.plan.load("bad.csv"))'
expect_code 3 "bad county data"
expect_err "bad.csv:2:" "the place of the bad value"

# No sandbox child outlives its run.
checks=$((checks + 1))
if ps -eo args 2>/dev/null | grep -v grep | grep -qF "$TMP/driver.lua"; then
    fail_check "a sandbox child is still running"
fi

finish
