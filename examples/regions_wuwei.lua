-- examples/regions_wuwei.lua — Wuwei's four counties side by side, aggregated to the city, ranked,
-- and combined into a composite index.
--
-- ILLUSTRATIVE: the county figures in examples/data/counties/ are invented for this walk-through
-- (they add up to the city's 2021 high-tech count and turnover, but they are not statistics).
--
--   tuiyan run examples/regions_wuwei.lua
--   tuiyan run examples/regions_wuwei.lua --format html --out report/   # one report, rankings as bar charts
local counties = { { "凉州区", "liangzhou" }, { "民勤县", "minqin" }, { "古浪县", "gulang" }, { "天祝藏族自治县", "tianzhu" } }
local regions = {}
for i, c in ipairs(counties) do
  regions[i] = { c[1], assert(tuiyan.plan.load("examples/data/counties/" .. c[2] .. ".csv")) }
end
local city = tuiyan.regions.new{ name = "武威市", regions = regions,
  components = {
    rd_intensity = { "rd_total", "gdp", scale = 100 },                  -- Σ R&D / Σ GDP
    county_fiscal_st_share = { "county_fiscal_st", "county_budget", scale = 100 },
    hv_patents_per_10k = { "hv_patents", "population" },
  } }

local aggregate = city:aggregate(2021)
local ranking = city:ranking("hte_count", 2021)
local composite = city:composite{ year = 2021, weights = { rd_intensity = 0.3, hte_count = 0.3,
  tech_contract_turnover = 0.2, hv_patents_per_10k = 0.2 } }

local mean = 0
for _, v in ipairs(city:values("rd_intensity", 2021)) do mean = mean + v / 4 end
local ratio_of_sums = ("R&D intensity, city: %s %% (ratio of sums); the mean of county ratios would say %s %%"):format(
  tuiyan.format.value((city:aggregate_one("rd_intensity", 2021)), 3), tuiyan.format.value(mean, 3))

if (tuiyan.options.format or "text") ~= "text" then
  -- Other formats: one result of three parts (HTML: one document, the rankings drawn as bars).
  local report = tuiyan.report.bundle{ { "aggregate", aggregate }, { "ranking", ranking }, { "composite", composite } }
  aggregate:note(ratio_of_sums)
  report.title = "武威市 counties / 县区对比 (illustrative data)"
  tuiyan.report.emit(report, "regions_wuwei")
  return
end

tuiyan.report.print(aggregate)
print()
print(ratio_of_sums)
print()
for _, r in ipairs(city:rank("hte_count", 2021)) do
  print(("%d  %s  %s 家"):format(r.rank, r.region, tuiyan.format.value(r.value)))
end
print()
tuiyan.report.print(composite)
