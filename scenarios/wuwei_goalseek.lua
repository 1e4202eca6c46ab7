-- scenarios/wuwei_goalseek.lua — what it takes: the smallest number of extra high-tech
-- certifications a year that reaches 100 high-tech enterprises by 2025; the smallest rise in fiscal
-- S&T spending that reaches 1.5 % R&D intensity by 2025; and the cheapest combination of both levers
-- that meets both targets at once, counting the support policy's cost 2022–2026.
--
--   tuiyan run scenarios/wuwei_goalseek.lua [--format F] [--out DIR] [--set NAME=VALUE]
local S, G = tuiyan.scenario, tuiyan.goalseek
local plan = assert(tuiyan.plan.load())
local model = require("tuiyan.models.wuwei").build()
local policy = require("tuiyan.policy.wuwei").policy()
local base = S.new{ name = "baseline", model = model }

-- Each lever is searched over its declared bounds (the model says which settings mean something).
local targets = {
  { indicator = "hte_count", lever = "extra_hte", unit = "家/年" },
  { indicator = "rd_intensity", lever = "fiscal_raise_pct", unit = "%" },
}
local T = tuiyan.tabular.new{
  title = "What it takes to meet the 2025 targets / 达标所需力度 (baseline assumptions)",
  columns = {
    { key = "indicator", title = "指标 indicator" }, { key = "target", title = "2025 目标", align = "right" },
    { key = "baseline", title = "baseline 2025", align = "right" }, { key = "lever", title = "lever" },
    { key = "needed", title = "needed 所需", align = "right", fmt = function(x) return tuiyan.format.value(x, 3) end },
    { key = "unit", title = "unit" }, { key = "check", title = "re-run 2025", align = "right" },
    { key = "note", title = "note" },
  },
}
for _, t in ipairs(targets) do
  local target = plan:target(t.indicator, 2025)
  local r = G.seek{ scenario = base, lever = t.lever, indicator = t.indicator, year = 2025, target = target,
    lo = 0, tol = 1e-9 }
  local row = { indicator = plan:info(t.indicator).name, target = target, lever = t.lever,
    baseline = base:run():get(model:indicators()[t.indicator], 2025) }
  if r.reachable then
    row.needed, row.unit, row.check = r.value, t.unit, r.achieved
  else
    row.note = r.message
  end
  T:add(row)
end

-- Both targets at once, at the least cost 2022–2026: the scenario's whole cost as every comparison
-- reports it (the fiscal raise above the baseline, city and county, plus the support rules'
-- payments), from the one cost function (tuiyan.policy cost, through goalseek's policy option).
local best = G.least_cost{ scenario = base,
  levers = { { name = "extra_hte", lo = 0 }, { name = "fiscal_raise_pct", lo = 0 } },
  targets = { { indicator = "hte_count", year = 2025, target = plan:target("hte_count", 2025) },
              { indicator = "rd_intensity", year = 2025, target = plan:target("rd_intensity", 2025) } },
  policy = policy, cost_years = { 2022, 2026 }, grid = 41, tol = 1e-7 }
local L = tuiyan.tabular.new{ title = "Cheapest combination meeting both 2025 targets / 两项目标同时达成的最低成本组合",
  columns = { { key = "what", title = "lever / 项" }, { key = "value", title = "value / 值", align = "right" } } }
if best.reachable then
  -- What the extra certifications asked for become: the provincial pool supplies at most a share.
  local run = base:run{ { "extra_hte", best.settings.extra_hte }, { "fiscal_raise_pct", best.settings.fiscal_raise_pct } }
  local made = {}
  for y = 2022, 2025 do made[#made + 1] = tuiyan.format.value(run:get("hte_extra_certified", y), 3) end
  L:add{ what = "extra_hte asked for (家/年)", value = best.settings.extra_hte }
  L:add{ what = "extra certifications made 2022–2025 (家/年)", value = table.concat(made, ", ") }
  L:add{ what = "fiscal_raise_pct (%)", value = best.settings.fiscal_raise_pct }
  L:add{ what = "cost 2022–2026 (万元)", value = best.cost }
  if best.cost_lo ~= best.cost or best.cost_hi ~= best.cost then
    L:add{ what = "cost 2022–2026, low–high (万元)", value = tuiyan.policy.range_text(best.cost_lo, best.cost_hi, best.cost,
      function(x) return tuiyan.format.value(x, 1) end) }
  end
  L:note("cost: the fiscal raise above the baseline (city and county) plus the support rules' payments, as in the comparisons")
  L:note(("searched a grid of 41 settings of extra_hte over its declared bounds with goal seek on fiscal_raise_pct: %d model runs"):format(best.runs))
  if #best.binding == 0 then
    L:note("what binds: no lever is at a bound or a limit; the mix is the cheapest inside every bound")
  end
  for _, b in ipairs(best.binding) do L:note("what binds: " .. b.text) end
else
  L:add{ what = "result", value = best.message }
end
-- The assumptions are the model's defaults except what --set changed: say which, with the values.
for _, a in ipairs(S.assumptions{ base }) do
  if a.set_by then T:note(("%s = %s: %s"):format(a.name, a.text, a.note)) end
end
tuiyan.report.emit(tuiyan.report.bundle{ { "levers", T }, { "combined", L } }, "wuwei_goalseek")
