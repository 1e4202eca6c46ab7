-- examples/charts_for_slides.lua — every indicator's chart as a standalone SVG file, for slides:
-- the progress charts (actuals, targets, the required path, the projection) and the scenario
-- charts (each scenario's path against the targets).
--
--   tuiyan run examples/charts_for_slides.lua --out slides/      # slides/progress_<id>.svg, ...
local plan = assert(tuiyan.plan.load())
local sc = require("tuiyan.scenarios.wuwei").build()
local cmp = tuiyan.compare.compare{ scenarios = sc.list, years = { 2022, 2025 }, plan = plan }
-- With --out each chart is a file; without, the names are listed (SVG is not for a terminal).
local function emit(prefix, charts)
  for _, c in ipairs(charts) do
    local name = prefix .. c.id
    if tuiyan.options.out then tuiyan.report.emit(c.chart, name, "svg") else print(name .. ".svg  " .. c.chart.title) end
  end
end
emit("progress_", plan:progress():charts())
emit("scenarios_", cmp:charts())
