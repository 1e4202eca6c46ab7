-- examples/scenario_walkthrough.lua — a model, two scenarios, a goal seek and a policy cost, small
-- enough to check by hand. The numbers are illustrative, not Wuwei statistics.
--
--   tuiyan run examples/scenario_walkthrough.lua
local M, S = tuiyan.model, tuiyan.scenario

local m = M.new{ name = "walkthrough", first_year = 2021, last_year = 2025 }
local v = m.v
m:param("renewal", 0.75, { unit = "1", assumption = "three in four certificates are renewed" })
m:lever("extra", 0, { unit = "家/年" })
m:stock("hte", { unit = "家", init = 59 })
m:flow("certified", M.if_(M.eq(M.year(), 2021), 0, 10 + v.extra), { unit = "家/年", into = "hte" })
m:aux("due", M.delay(v.issued, 3, 59 / 3), { unit = "家/年" })   -- certificates last three years
m:aux("issued", M.if_(M.eq(M.year(), 2021), 59 / 3, v.certified + v.renewal * v.due), { unit = "家/年" })
m:flow("lapsed", (1 - v.renewal) * v.due, { unit = "家/年", from = "hte" })

local base = S.new{ name = "baseline", model = m }
local more = base:derive{ name = "+10", set = { extra = S.from(2022, 10) } }
for _, s in ipairs{ base, more } do
  local r = s:run()
  print(("%-8s hte 2022..2025: %s"):format(s.name, table.concat({
    tuiyan.format.value(r:get("hte", 2022)), tuiyan.format.value(r:get("hte", 2023)),
    tuiyan.format.value(r:get("hte", 2024)), tuiyan.format.value(r:get("hte", 2025), 2) }, " ")))
end

local seek = tuiyan.goalseek.seek{ scenario = base, lever = "extra", element = "hte", year = 2025,
  target = 100, lo = 0, hi = 50 }
print(("extra certifications a year for 100 in 2025: %.3f"):format(seek.value))

-- 20 万元 per new certification, paid from the next year's budget (Wuwei rule R7a).
local r7a = tuiyan.policy.schedule{ id = "R7a", shape = "per_unit", amount = 20, lag = 1 }
local certs = {}
local run = more:run()
for y = 2022, 2025 do certs[#certs + 1] = run:get("certified", y) end
local cost = r7a:cost_by_year(2022, certs)
local f = tuiyan.format.value
print(("R7a cost 2023..2026 (万元): %s %s %s %s"):format(f(cost[2023]), f(cost[2024]), f(cost[2025]), f(cost[2026])))
