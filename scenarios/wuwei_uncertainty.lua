-- scenarios/wuwei_uncertainty.lua — how sure are we? The standard model's uncertain parameters
-- (each a labelled assumption with a distribution, in stdlib/tuiyan/models/wuwei.lua) drawn many
-- times: the probability that each 2025 target is met under the baseline and with both levers
-- (10 extra high-tech certifications a year and fiscal S&T spending raised by 20 %), and which
-- assumptions move R&D intensity in 2025 the most (tornado). The same seed gives both scenarios
-- the same draws, so their difference is the levers' effect, not sampling noise.
--
-- Every year from the model's first to 2025 is summarised, so the HTML report can draw each
-- indicator's fan (the 5–95 % and 25–75 % ranges and the median, year by year); the text table
-- shows 2025, the year of the targets.
--
--   tuiyan run scenarios/wuwei_uncertainty.lua [--samples N] [--seed N] [--format F] [--out DIR]
--   tuiyan run scenarios/wuwei_uncertainty.lua --format svg --out slides/   # each chart as a file
--   tuiyan run scenarios/wuwei_uncertainty.lua FIT.json                    # on fitted parameters
--
-- FIT.json (from `tuiyan calibrate MODEL PLAN --out DIR`: DIR/fit.json): the fitted parameters
-- replace their judgement distributions, each drawn from Normal(estimate, se) kept within the
-- fit's bounds and labelled "fitted from PLAN years A–B", jointly, with the correlations the fit
-- found between them (fit:draws); one whose bound binds is fixed at its estimate.
local plan = assert(tuiyan.plan.load())
local sc = require("tuiyan.scenarios.wuwei").build()
local fit = arg and arg[1] and tuiyan.calibrate.load(arg[1])
local baseline, both = sc.baseline, sc.both
if fit then baseline, both = fit:apply(sc.baseline), fit:apply(sc.both) end
local uncertain = fit and fit:uncertain() or nil
local draws = fit and fit:draws{ scenario = baseline } or nil   -- the same draws serve both scenarios

local years = {}
for y = sc.model.first_year, 2025 do years[#years + 1] = y end
local probabilities = tuiyan.mc.run{ scenarios = { baseline, both }, plan = plan, years = years,
  table_years = { 2025 }, uncertain = uncertain, draws = draws,
  title = "Wuwei 2025 targets: the chance of meeting each / 2025年目标达成概率" .. (fit and (", parameters " .. fit.label) or "") }
local tornado = tuiyan.mc.tornado{ scenario = baseline, output = "rd_intensity", year = 2025, plan = plan,
  uncertain = uncertain }

if tuiyan.options.format == "svg" then
  -- Slides: one SVG file per chart with --out; without, the names of the files it would write.
  for _, part in ipairs{ { "fan_", probabilities }, { "tornado_", tornado } } do
    for _, c in ipairs(part[2]:charts()) do
      local name = "wuwei_uncertainty_" .. part[1] .. c.id
      if tuiyan.options.out then tuiyan.report.emit(c.chart, name, "svg") else print(name .. ".svg  " .. c.chart.title) end
    end
  end
else
  local report = tuiyan.report.bundle{ { "probabilities", probabilities }, { "tornado", tornado } }
  report.title = "武威市 2025 目标的不确定性 / How sure are the 2025 targets?"
  tuiyan.report.emit(report, "wuwei_uncertainty")
end
