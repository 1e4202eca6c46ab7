-- tests/lua/test_register_privacy.lua — the sandbox's privacy check on registers
-- (lua/sandbox_child.lua, "8. Privacy"), through _host.sandbox.run as test_sandbox.lua does: what
-- a run read from a register and returned, whatever way it returned it (a string, JSON from a
-- table, a report emitted), is looked at after the package has finished; firm-level data is
-- refused (exit 4) unless the manifest declares firm_level_outputs, and the run's record says
-- what left.
local T = dofile("tests/lua/harness.lua")
local sandbox = require "_host.sandbox"
local host = require "_tuiyan.host"
local io_native = require "_tuiyan.io"

local tmp = assert(io.popen("mktemp -d")):read("l")
assert(tmp and tmp:match("^/"), "mktemp -d failed")
local REGISTER = "examples/data/registers/wuwei_SYNTHETIC.csv"
local FAST = { wall_seconds = 20, cpu_seconds = 20, memory_mb = 128, instructions = 200000000 }

local function write(path, text)
  assert(io_native.mkdir_p(path:match("^(.*)/[^/]*$")))
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
end

local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

local data_dir = tmp .. "/county"
write(data_dir .. "/register.csv", read(REGISTER))

local count = 0
-- run(src [, manifest_extra]) -> sandbox.run's result for a package whose scenario is src
local function run(src, extra)
  count = count + 1
  local root = ("%s/p%d"):format(tmp, count)
  write(root .. "/main.lua", src)
  local manifest = { name = "t" .. count, entry = { main = "main.lua" } }
  for k, v in pairs(extra or {}) do manifest[k] = v end
  for _, path in ipairs(manifest.data or {}) do write(root .. "/" .. path, read(REGISTER)) end
  return sandbox.run{ root = root, manifest = manifest, scenario = "main", data = data_dir,
    options = { format = "csv", limits = FAST } }
end

local function refused(src, text, extra)
  local ok, err = pcall(run, src, extra)
  if ok then error("expected a refusal (" .. text .. "), the run succeeded", 2) end
  if not host.is_error(err) then error("expected a tuiyan.Error, got " .. tostring(err), 2) end
  if err.code ~= host.exit.package then error(("expected exit 4, got %d: %s"):format(err.code, err.message), 2) end
  if not err.message:find(text, 1, true) then error(("expected %q in %q"):format(text, err.message), 2) end
  return err
end

local LOAD = 'local reg = assert(tuiyan.register.load("register.csv"))\n'

T.test("aggregates leave, and the record says so", function()
  local r = run(LOAD .. 'return { n = tostring(#reg), s = { q = reg:check("tsme"):summary().qualifies } }')
  T.eq(r.privacy.registers, 1)
  T.eq(r.privacy.declared, false)
  T.eq(#r.privacy.firm_level, 0)
end)

T.test("a run that reads no register has nothing to check", function()
  local r = run('return { x = "91620602MAJ9GFWAPJ" }')   -- a code, but of no register read
  T.eq(r.privacy.registers, 0)
end)

T.test("a credit code in a table returned as JSON is refused, naming the row and the rule", function()
  local err = refused(LOAD .. 'return { t = { who = reg:row(3).credit_code } }', "result t.json holds firm-level data, the credit code")
  T.truthy(err.message:find("(row %d+ of register.csv)"))
  T.truthy(err.message:find('declares "firm_level_outputs": true (privacy rule)', 1, true))
end)

T.test("a firm name in an emitted report is refused", function()
  refused(LOAD .. 'tuiyan.report.emit(reg:check("hte"):report(), "pool")', "holds firm-level data")
end)

T.test("a per-firm table without names or codes is refused", function()
  refused(LOAD .. [[local t = {}
for i = 1, #reg do t[i] = tostring(reg:row(i).staff) end
return { staff = table.concat(t, "\n") }]], "lines for the 170 firm-years of register.csv: a per-firm table")
end)

T.test("a register shipped as the package's data is guarded as the county's is", function()
  refused('local reg = assert(tuiyan.register.load("data/reg.csv"))\nreturn { n = reg:row(1).name }',
    "of data/reg.csv", { data = { "data/reg.csv" } })
end)

T.test("the error the package catches does not help: the check runs after it has finished", function()
  refused(LOAD .. [[local name = reg:row(1).name
local ok = pcall(error, "x")
tuiyan.report.write(name, "a.txt")]], "result a.txt holds firm-level data")
end)

T.test("a package that replaces the string functions cannot blind the check", function()
  refused(LOAD .. [[local name = reg:row(2).name
string.gsub = function(s) return s, 0 end
string.gmatch = function() return function() end end
string.find, string.match = function() end, function() end
return { n = name }]], "result n.txt holds firm-level data, the firm name")
  local r = run(LOAD .. [[string.gmatch = function() error("the package's gmatch ran") end
tuiyan.report.emit(reg:check("hte"):candidates_table(3), "cand")]], { firm_level_outputs = true })
  T.eq(r.privacy.firm_level[1].columns[1], "year")
end)

T.test("declared: firm-level results leave, each named with why and a CSV's columns", function()
  local r = run(LOAD .. 'tuiyan.report.emit(reg:check("hte"):candidates_table(5), "cand")\nreturn { n = tostring(#reg) }',
    { firm_level_outputs = true })
  T.eq(r.privacy.declared, true)
  T.eq(#r.privacy.firm_level, 1)
  local f = r.privacy.firm_level[1]
  T.eq(f.path, "cand.csv")
  T.eq(f.columns[3], "credit_code")
  T.truthy(f.why:find("^the credit code "))
end)

os.execute("rm -rf '" .. tmp .. "'")
T.done()
