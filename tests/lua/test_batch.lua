-- tests/lua/test_batch.lua — the pieces of `tuiyan run` batches and `tuiyan check` at the Lua
-- level: the command-line split into scripts and arguments, result staging with recorded inputs,
-- publication with a manifest, and the problems check finds.
local T = dofile("tests/lua/harness.lua")
local batch = require "_host.batch"
local report = require "tuiyan.report"
local io_native = require "_tuiyan.io"
local crypto = require "_tuiyan.crypto"

local function tmpdir()
  local base = os.tmpname()
  os.remove(base)
  assert(io_native.mkdir_p(base))
  return base
end

local function write(path, text)
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
end

local function read(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end

local function join(t) return table.concat(t, " ") end

T.test("several scripts when every word before -- ends in .lua", function()
  local s, a = batch.split({ "a.lua", "b.lua", "c.lua" }, 3)
  T.eq(join(s), "a.lua b.lua c.lua"); T.eq(join(a), "")
  s, a = batch.split({ "a.lua", "b.lua", "x", "y" }, 2)     -- tuiyan run a.lua b.lua -- x y
  T.eq(join(s), "a.lua b.lua"); T.eq(join(a), "x y")
end)

T.test("one script otherwise: the rest are its arguments", function()
  local s, a = batch.split({ "a.lua", "2025", "b.lua" }, 3)
  T.eq(join(s), "a.lua"); T.eq(join(a), "2025 b.lua")
  s, a = batch.split({ "a.lua", "b.lua" }, 1)                -- tuiyan run a.lua -- b.lua
  T.eq(join(s), "a.lua"); T.eq(join(a), "b.lua")
  s, a = batch.split({ "a.lua" }, 1)
  T.eq(join(s), "a.lua"); T.eq(join(a), "")
end)

T.test("a run records the files it read, with their SHA-256; outside a run nothing", function()
  report.input("tests/data/plans/multi_year.csv")           -- not in a run: ignored
  local saved = tuiyan.options
  tuiyan.options = { set = {}, out = "/nonexistent/out" }
  report._begin()
  local p = assert(tuiyan.plan.load("tests/data/plans/multi_year.csv"))
  tuiyan.plan.load("tests/data/plans/multi_year.csv")        -- twice: recorded once
  tuiyan.report.emit(p:progress(), "progress", "csv")
  local run = report._finish()
  tuiyan.options = saved
  T.eq(#run.inputs, 1)
  T.eq(run.inputs[1].path, "tests/data/plans/multi_year.csv")
  T.eq(run.inputs[1].sha256, (crypto.sha256_file("tests/data/plans/multi_year.csv")))
  T.eq(#run.files, 1)
  T.eq(run.files[1].path, "/nonexistent/out/progress.csv")
  T.eq(report._finish().files[1], nil)                       -- finished: nothing staged any more
end)

T.test("publish writes the manifest last and removes an old one first", function()
  local dir = tmpdir()
  write(dir .. "/manifest.json", "old")
  local files = { { path = dir .. "/a/x.txt", data = "x\n" } }
  T.raises(function() report._publish({}, false, files, { path = dir .. "/manifest.json", data = "{}" }) end,
    "manifest.json exists; use --force")
  T.eq(read(dir .. "/manifest.json"), "old")                 -- refused before anything was written
  T.eq(read(dir .. "/a/x.txt"), nil)
  local written = report._publish({}, true, files, { path = dir .. "/manifest.json", data = "{}\n" })
  T.eq(join(written), dir .. "/a/x.txt " .. dir .. "/manifest.json")
  T.eq(read(dir .. "/manifest.json"), "{}\n")
  T.eq(read(dir .. "/a/x.txt"), "x\n")
  os.remove(dir .. "/a/x.txt"); os.remove(dir .. "/a"); os.remove(dir .. "/manifest.json"); os.remove(dir)
end)

T.test("publish refuses to write over an input", function()
  local dir = tmpdir()
  write(dir .. "/in.csv", "data")
  T.raises(function() report._publish({ dir .. "/in.csv" }, true, { { path = dir .. "/in.csv", data = "x" } }) end,
    "is an input of this run")
  T.eq(read(dir .. "/in.csv"), "data")
  os.remove(dir .. "/in.csv"); os.remove(dir)
end)

T.test("check lists every bad cell of a plan and every kind of problem, by file and line", function()
  local check = require "_host.check"
  local dir = tmpdir()
  write(dir .. "/plan.csv", "id,name,unit,actual_2021,target_2025\nx,名,%,0x10,inf\ny,名2,家,1,2\nz,名3,家,1e999,3\n")
  write(dir .. "/syntax.lua", "local a = 1\nlocal b = = 2\n")
  write(dir .. "/model.lua", table.concat({
    "local M = tuiyan.model",
    "local m = M.new{ name = 'demo', first_year = 2021, last_year = 2023 }",
    "m:param('a', 1, { unit = '亿元' })",
    "m:param('b', 2, { unit = '家' })",
    "m:aux('bad', m.v.a + m.v.b, { unit = '亿元' })",
    "return m" }, "\n"))
  write(dir .. "/fine.lua", "local p = tuiyan.plan.load()\nprint(#p)\n")
  local problems, code = check.run({ dir .. "/plan.csv", dir .. "/syntax.lua", dir .. "/model.lua",
    dir .. "/fine.lua", dir .. "/missing.csv" })
  local lines = {}
  for _, p in ipairs(problems) do
    lines[#lines + 1] = (p.file:gsub("^.*/", "")) .. ":" .. (p.line or "") .. ":" .. (p.col or "") .. ": " .. p.msg
  end
  T.eq(table.concat(lines, "\n"), table.concat({
    'plan.csv:2:4: expected a number, found "0x10"',
    'plan.csv:2:5: cannot read target "inf": "inf" is not a number',   -- target cells: the target-cell parser
    'plan.csv:4:4: "1e999" is out of range',
    "syntax.lua:2:11: unexpected symbol near '='",
    "model.lua:5:: unit mismatch in 'bad': cannot add 亿元 (a) and 家 (b)",
    "missing.csv::: no such file" }, "\n"))
  T.eq(code, 3)
  local _, code2 = check.run({ dir .. "/syntax.lua", dir .. "/missing.csv" })
  T.eq(code2, 1)
  local none, code0 = check.run({ dir .. "/fine.lua" })
  T.eq(#none, 0); T.eq(code0, 0)
  for _, f in ipairs{ "plan.csv", "syntax.lua", "model.lua", "fine.lua" } do os.remove(dir .. "/" .. f) end
  os.remove(dir)
end)

T.done()
