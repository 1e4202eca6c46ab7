-- scenarios/wuwei_uncertainty.lua — how sure are we? The standard model's uncertain parameters
-- (each a labelled assumption with a distribution, in stdlib/tuiyan/models/wuwei.lua) drawn many
-- times: the probability that each 2025 target is met under the baseline and with both levers
-- (10 extra high-tech certifications a year and fiscal S&T spending raised by 20 %), and which
-- assumptions move R&D intensity in 2025 the most (tornado). The same seed gives both scenarios
-- the same draws, so their difference is the levers' effect, not sampling noise.
--
--   tuiyan run scenarios/wuwei_uncertainty.lua [--samples N] [--seed N] [--format F] [--out DIR]
local plan = assert(tuiyan.plan.load())
local sc = require("tuiyan.scenarios.wuwei").build()

local probabilities = tuiyan.mc.run{ scenarios = { sc.baseline, sc.both }, plan = plan, years = { 2025 },
  title = "Wuwei 2025 targets: the chance of meeting each / 2025年目标达成概率" }
local tornado = tuiyan.mc.tornado{ scenario = sc.baseline, output = "rd_intensity", year = 2025, plan = plan }
tuiyan.report.emit(tuiyan.report.bundle{ { "probabilities", probabilities }, { "tornado", tornado } },
  "wuwei_uncertainty")
