-- scenarios/wuwei_combined.lua — the question tuiyan exists for: if Wuwei adds high-tech enterprises
-- or raises fiscal S&T spending, which 2022 and 2025 targets are met, and at what cost?
-- Four scenarios (baseline, each lever alone, both) beside every target the model covers, the
-- change from the baseline, and the cost under the city's support policy by rule and year.
--
--   tuiyan run scenarios/wuwei_combined.lua [--format text|csv|json|md] [--out DIR] [--set NAME=VALUE]
local plan = assert(tuiyan.plan.load())
local sc = require("tuiyan.scenarios.wuwei").build()
local policy = require("tuiyan.policy.wuwei").policy()

local cmp = tuiyan.compare.compare{
  scenarios = sc.list, years = { 2022, 2025 }, plan = plan, policy = policy,
  title = "Wuwei 2022 and 2025 targets under four scenarios / 武威市强科技行动目标情景对比",
}
tuiyan.report.emit(cmp, "wuwei_combined")
