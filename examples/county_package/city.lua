-- examples/county_package/city.lua RESULTS — the city's side of the round trip: gathers the
-- merged plans the counties sent back (RESULTS/<county>/plan.csv, written by the package's
-- progress scenario), aggregates them to the city by each indicator's rule, ranks the counties
-- and builds a composite index. ILLUSTRATIVE county data (examples/county_package/counties/).
--
--   tuiyan run examples/county_package/city.lua RESULTS [--format csv --out DIR]
local results = arg[1] or error("usage: tuiyan run city.lua RESULTS_DIR", 0)
local YEAR = 2022
local counties = { { "凉州区", "liangzhou" }, { "民勤县", "minqin" }, { "古浪县", "gulang" },
  { "天祝藏族自治县", "tianzhu" } }
local regions = {}
for i, c in ipairs(counties) do
  local plan = assert(tuiyan.plan.load(results .. "/" .. c[2] .. "/plan.csv"))
  regions[i] = { c[1], plan }
end
local city = tuiyan.regions.new{ name = "武威市", regions = regions,
  components = {
    rd_intensity = { "rd_total", "gdp", scale = 100 },                 -- Σ R&D / Σ GDP × 100
    county_fiscal_st_share = { "county_fiscal_st", "county_budget", scale = 100 },
  } }

tuiyan.report.emit(city:aggregate(YEAR), "city")

-- The ratio of sums is the city's figure; the mean of the county ratios would be wrong.
local sum_ratio = city:aggregate_one("rd_intensity", YEAR)
local mean = 0
for _, v in ipairs(city:values("rd_intensity", YEAR)) do mean = mean + v / #counties end
print(("R&D intensity %d, city: %s %% (Σ R&D / Σ GDP); the mean of the county ratios would say %s %%"):format(
  YEAR, tuiyan.format.value(sum_ratio, 4), tuiyan.format.value(mean, 4)))

local ranking = tuiyan.tabular.new{ title = ("县区排名 / ranking, %d"):format(YEAR),
  columns = { { key = "indicator", title = "指标" }, { key = "rank", title = "名次", align = "right" },
    { key = "county", title = "县区" }, { key = "value", title = "数值", align = "right" } } }
for _, id in ipairs{ "rd_intensity", "county_fiscal_st_share", "hte_count", "tech_contract_turnover" } do
  for _, r in ipairs(city:rank(id, YEAR)) do
    ranking:add{ indicator = id, rank = r.value ~= nil and r.rank or nil, county = r.region, value = r.value }
  end
end
tuiyan.report.emit(ranking, "ranking")

tuiyan.report.emit(city:composite{ year = YEAR, weights = { rd_intensity = 0.4, county_fiscal_st_share = 0.2,
  hte_count = 0.4 } }, "composite")
