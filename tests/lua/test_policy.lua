-- tests/lua/test_policy.lua — the Wuwei support policy as encoded in stdlib/tuiyan/policy/wuwei.lua:
-- each rule against amounts computed by hand from wuwei_support_policy.md (万元).
local T = dofile("tests/lua/harness.lua")
local policy = require("tuiyan.policy.wuwei").policy()
local function eval(id, x) return policy:rule(id).schedule:eval(x) end

T.test("R5 indirect costs: 30 % / 25 % / 20 % marginal bands", function()
  T.near(eval("R5", 1200), 500 * 0.30 + 500 * 0.25 + 200 * 0.20)   -- 315
  T.near(eval("R5", 400), 120)
  T.near(eval("R5", 1000), 275)
end)

T.test("R8 R&D subsidy steps, lower bounds inclusive; R8b strictly above 50", function()
  local want = { [499] = 0, [500] = 10, [999] = 10, [1000] = 20, [1999] = 20, [2000] = 50, [9999] = 50,
    [10000] = 100, [50000] = 100 }
  for x, a in pairs(want) do T.eq(eval("R8", x), a, "R8 at " .. x) end
  T.eq(eval("R8b", 50), 0)
  T.eq(eval("R8b", 50.01), 5)
end)

T.test("R3 揭榜挂帅: 20 % of >= 300 capped at 100; R3b 10 % above 100 capped at 200", function()
  T.eq(eval("R3", 299), 0)
  T.near(eval("R3", 300), 60)
  T.near(eval("R3", 1000), 100)
  T.eq(eval("R3b", 100), 0)
  T.near(eval("R3b", 101), 10.1)
  T.near(eval("R3b", 5000), 200)
end)

T.test("R7a 20 per new high-tech enterprise, paid the next year; R13 50 a year for 3 years", function()
  local c = policy:rule("R7a").schedule:cost_by_year(2022, { 10, 10, 10, 10 })
  T.eq(c[2022], 0)
  for y = 2023, 2026 do T.near(c[y], 200) end
  local r13 = policy:rule("R13").schedule:cost_by_year(2022, { 2, 1 })
  T.near(r13[2022], 100); T.near(r13[2023], 150); T.near(r13[2024], 150); T.near(r13[2025], 50)
end)

T.test("every rule id of the source list is present and unique", function()
  for _, id in ipairs{ "R3", "R3b", "R5", "R5b", "R7a", "R7d", "R7e", "R8", "R8b", "R13", "R15", "R16c", "R19" } do
    T.truthy(policy.by_id[id], "missing rule " .. id)
  end
  T.raises(function() tuiyan.policy.new{ rules = { { id = "X", schedule = { shape = "per_unit", amount = 1 } },
    { id = "X", schedule = { shape = "per_unit", amount = 2 } } } } end, "duplicate rule id X")
  T.raises(function() tuiyan.policy.schedule{ id = "B", shape = "step", thresholds = { 10, 5 }, amounts = { 1, 2 } } end,
    'schedule "B": thresholds must be strictly increasing')
  T.raises(function() tuiyan.policy.schedule{ id = "C", shape = "wedge" } end, "schedule C: shape must be marginal, step, rate or per_unit")
end)

T.test("scenario costs: extra certifications cost 20 each in the next year's budget", function()
  local S = tuiyan.scenario
  local base = S.new{ name = "b", model = require("tuiyan.models.wuwei").build() }
  local plus = base:derive{ name = "p", set = { extra_hte = S.from(2022, 10) } }
  local cb, cp = policy:cost(base:run(), "city_budget"), policy:cost(plus:run(), "city_budget")
  T.near(cp.rules[1].by_year[2022] - cb.rules[1].by_year[2022], 0)
  for y = 2023, 2030 do T.near(cp.rules[1].by_year[y] - cb.rules[1].by_year[y], 200) end
end)

T.done()
