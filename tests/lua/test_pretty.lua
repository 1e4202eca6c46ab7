-- tests/lua/test_pretty.lua — how the REPL shows values: sorted keys aligned by display width,
-- depth limit, cycles, year series, tuiyan objects through their own text, never an address.
local T = dofile("tests/lua/harness.lua")
local pretty = require "_host.pretty"

T.test("scalars show as Lua shows them; a top-level string as itself", function()
  T.eq(pretty.text(0.176), "0.176")
  T.eq(pretty.text(15), "15")
  T.eq(pretty.text(nil), "nil")
  T.eq(pretty.text("科技\n局"), "科技\n局")
  T.eq(pretty.values(1, "a", nil), '1\ta\tnil')
end)

T.test("a short flat table on one line, keys sorted, strings quoted", function()
  T.eq(pretty.text({ 3, 2, 1 }), "{ 3, 2, 1 }")
  T.eq(pretty.text({ b = 2, a = "x\"y" }), '{ a = "x\\"y", b = 2 }')
  T.eq(pretty.text({}), "{}")
  T.eq(pretty.text({ [2] = "b", [10] = "c", x = true }), '{ [2] = "b", [10] = "c", x = true }')
end)

T.test("a larger table one key a line, keys padded to the same display width", function()
  local s = pretty.text({ name = "全社会研发经费支出占地区生产总值的比重", ["单位"] = "%", id = "rd_intensity", n = 1,
    sub = { a = { b = { c = { d = 1 } } } } })
  T.eq(s, table.concat({
    "{",
    '  id       = "rd_intensity",',
    "  n        = 1,",
    '  name     = "全社会研发经费支出占地区生产总值的比重",',
    "  sub      = {",
    "    a = {",
    "      b = { … 1 key },",
    "    },",
    "  },",
    '  ["单位"] = "%",',
    "}" }, "\n"))
end)

T.test("cycles are marked, functions and userdata show without an address", function()
  local t = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 }
  t.self = t
  t.f = print
  local s = pretty.text(t)
  T.truthy(s:find("self = <cycle>", 1, true), s)
  T.truthy(s:find("f    = <function>", 1, true), s)
  T.truthy(not s:find("0x"), s)
end)

T.test("many entries are cut with a count", function()
  local t = {}
  for i = 1, 100 do t["k" .. string.format("%03d", i)] = i end
  local s = pretty.text(t)
  T.truthy(s:find("… 40 more", 1, true), s)
end)

T.test("a year series shows as year rows", function()
  T.eq(pretty.text({ [2022] = 64.0833, [2021] = 59 }), "2021  59\n2022  64.0833")
end)

T.test("a plan shows as its title and indicators; a progress through to_text", function()
  local p = tuiyan.plan.load()
  local s = pretty.text(p)
  T.eq(s:match("^[^\n]*"), "plan 武威市强科技行动 2022—2025 (stdlib/data/wuwei_2021_2025.csv): 15 indicators, actuals 2020–2021")
  -- one line per indicator, in plan order (the embedded plan's own cells)
  T.truthy(s:find("\n  hte_count +高新技术企业 +家 +2021  59 +2022 70, 2025 100\n"), s)
  T.truthy(s:find("\n  county_fiscal_st_share +县区财政科技支出占一般公共预算支出比重 +%% +— +2022 0.5, 2025 1\n"), s)
  T.eq(pretty.text(p:progress()), (p:progress():to_text():gsub("\n$", "")))
  T.eq(pretty.text(tuiyan.plan.new("empty")), "plan empty: 0 indicators, no actuals")
end)

T.test("a run shows as year rows of the elements that feed plan indicators", function()
  local run = require("tuiyan.models.wuwei").build():run()
  local s = pretty.text(run)
  local lines = {}
  for l in s:gmatch("[^\n]+") do lines[#lines + 1] = l end
  T.truthy(lines[1]:find("^run of model wuwei, 2021–2035: %d+ of %d+ elements shown"), lines[1])
  T.truthy(lines[2]:find("^year  "), lines[2])
  T.truthy(lines[2]:find("hte_count", 1, true), lines[2])
  T.eq(#lines, 2 + 15)
  T.truthy(lines[3]:find("^2021 "), lines[3])
  for i = 2, #lines do T.truthy(tuiyan.format.width(lines[i]) <= pretty.WIDTH, "line " .. i .. " too wide") end
end)

T.test("a table with a raising __index is read raw", function()
  local t = setmetatable({ a = 1 }, { __index = function() error("never called") end })
  T.eq(pretty.text(t), "{ a = 1 }")
end)

T.done()
