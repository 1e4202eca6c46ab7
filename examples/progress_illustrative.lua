-- examples/progress_illustrative.lua — how statuses move as actuals come in.
--
-- ILLUSTRATIVE: the 2022 and 2023 figures below are invented for this walk-through; they are
-- not Wuwei statistics. Only the 2020/2021 base values and the targets come from the plan.
--
--   tuiyan run examples/progress_illustrative.lua
local plan = assert(tuiyan.plan.load())            -- the embedded Wuwei 2021–2025 plan

-- Illustrative actuals (not statistics).
local illustrative = {
  hte_count              = { [2022] = 71,   [2023] = 80 },    -- ahead of the path to 100
  rd_intensity           = { [2021] = 0.68, [2022] = 0.75, [2023] = 0.81 },
  tech_contract_turnover = { [2022] = 16.2, [2023] = 18.0 },  -- growing, but too slowly
  tech_smes              = { [2022] = 118,  [2023] = 115 },   -- falling: regressing
}
local ids = {}
for id in pairs(illustrative) do ids[#ids + 1] = id end
table.sort(ids)                                    -- a fixed order: outputs never depend on pairs()
for _, id in ipairs(ids) do
  local years = {}
  for y in pairs(illustrative[id]) do years[#years + 1] = y end
  table.sort(years)
  for _, y in ipairs(years) do plan:set_actual(id, y, illustrative[id][y]) end
end

-- A relative target, declared in Lua: city fiscal S&T share up 1.5 points on 2021 by 2025.
plan:target_points("city_fiscal_st_share", 2025, 1.5, 2021)

local progress = plan:progress{ as_of = 2023 }
for _, id in ipairs(ids) do
  local t = progress:get(id, 2025)
  print(("%-24s 2025 target %-6s %-11s %s"):format(id, tuiyan.format.value(t.value), t.status,
    t.status_why or ""))
end
