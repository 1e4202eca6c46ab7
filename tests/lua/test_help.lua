-- tests/lua/test_help.lua — help(): every public stdlib function is documented (from the `---`
-- comments of its module or lua/help_extra.lua), and help(x) finds the text for functions,
-- methods, objects, modules and names.
local T = dofile("tests/lua/harness.lua")
local help = require "_host.help"

T.test("every public function of the stdlib has documentation", function()
  local missing = {}
  local n = 0
  for _, f in ipairs(help.functions()) do
    n = n + 1
    if not f.documented then missing[#missing + 1] = f.name end
  end
  T.truthy(n > 100, "the index found " .. n .. " functions")
  T.eq(table.concat(missing, ", "), "",
    "undocumented (add a `---` comment above the definition, or a block in lua/help_extra.lua)")
end)

T.test("a Lua function: its `---` block, with where it is defined", function()
  local s = help.describe(tuiyan.plan.load)
  T.truthy(s:find("^tuiyan%.plan%.load    %(stdlib/tuiyan/plan%.lua:%d+%)\n"), s)
  T.truthy(s:find("load([path]) -> Plan | nil, err.", 1, true), s)
end)

T.test("a method written in C: its block in lua/help_extra.lua", function()
  local p = tuiyan.plan.load()
  local s = help.describe(p.actual)
  T.truthy(s:find("^Plan:actual"), s)
  T.truthy(s:find("actual(id, year) -> the actual value", 1, true), s)
  T.eq(help.describe("Plan:actual"), s)
  T.truthy(help.describe(tuiyan.policy.schedule{ id = "R", shape = "per_unit", amount = 20 }.eval):find("^Schedule:eval"))
end)

T.test("an object lists its class's methods, each with its first line", function()
  local s = help.describe(tuiyan.plan.load())
  T.truthy(s:find("^Plan — methods"), s)
  T.truthy(s:find("\n  :progress{ as_of = YEAR, peers = P, region = NAME }", 1, true), s)
  T.truthy(s:find("\n  :target_points(id, year, points, from)", 1, true), s)
  T.truthy(help.describe(tuiyan.plan.load():progress()):find("^Progress — methods"))
end)

T.test("a module: its summary, functions and objects", function()
  local s = help.describe(tuiyan.plan)
  T.truthy(s:find("^tuiyan%.plan — plans: indicators with actuals and targets"), s)
  T.truthy(s:find("\n  .new([name])", 1, true), s)
  T.truthy(s:find("objects: Plan", 1, true), s)
end)

T.test("names: dotted paths, bare function names, topics, unknown names", function()
  T.eq(help.describe("tuiyan.plan.load"), help.describe(tuiyan.plan.load))
  T.eq(help.describe("plan.load"), help.describe(tuiyan.plan.load))
  T.eq(help.describe("target_points"), help.describe(tuiyan.plan.Plan.target_points))
  T.truthy(help.describe("run"):find("Several scripts", 1, true))
  T.eq(help.describe("frobnicate"), "no help on 'frobnicate'; help() lists the modules\n")
  T.truthy(help.describe(42):find("^42 is a number value"))
end)

T.test("functions made in a loop are told apart (the model's operators)", function()
  local mn, mx = help.describe(tuiyan.model.min), help.describe(tuiyan.model.max)
  T.truthy(mn:find("smallest", 1, true), mn)
  T.truthy(mx:find("largest", 1, true), mx)
end)

T.test("the overview lists every module with its first sentence", function()
  local s = help.overview()
  T.truthy(s:find("\n  tuiyan.plan ", 1, true), s)
  T.truthy(s:find("\n  tuiyan.report ", 1, true), s)
  T.truthy(s:find("Ctrl-C", 1, true))
  T.truthy(s:find("objects: ", 1, true))
end)

T.test("tuiyan help NAME on the command line uses the same text", function()
  T.eq(help.text("tuiyan.plan.load"), help.describe(tuiyan.plan.load))
  local text, err = help.text("nothing_like_this")
  T.eq(text, nil)
  T.truthy(err:find("^no help on 'nothing_like_this'; topics:"), err)
  -- a misspelt Lua name: the documented function it most likely meant
  text, err = help.text("tuiyan.plan.lod")
  T.eq(text, nil)
  T.truthy(err:find("(did you mean 'tuiyan.plan.load'?)", 1, true), err)
  T.truthy(select(2, help.text("Plan:actul")):find("(did you mean 'Plan:actual'?)", 1, true))
end)

T.test("truncate counts Chinese as two columns", function()
  T.eq(help.truncate("abc", 5), "abc")
  T.eq(help.truncate("科技局分析", 7), "科技局…")
  T.eq(help.truncate("abcdefgh", 5), "abcd…")
end)

T.done()
