-- progress — where this county stands against its 2022 and 2025 targets, on the county's own
-- data:  tuiyan run wuwei_counties:progress [COUNTY NAME] --data DIR
-- Results: progress (statuses and the growth now required), sources (where each value came
-- from) and plan.csv (the merged plan in tuiyan's plan format, which the city gathers).
local county = require "wuwei.county"
local plan, sources, n_actuals = county.load()
if arg[1] then plan:set_title(arg[1] .. " 科技创新指标进度") end
-- Without a single actual there is no latest year to measure from: the plan's base year, 2021.
local as_of = tuiyan.options.as_of or (n_actuals == 0 and 2021 or nil)
tuiyan.report.emit(plan:progress{ as_of = as_of }, "progress")
tuiyan.report.emit(sources, "sources")
tuiyan.report.write(county.plan_table(plan), "plan.csv")
