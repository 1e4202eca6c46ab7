-- examples/scale/national.lua DATA.csv — every county of a SYNTHETIC national dataset
-- (gen_counties.lua) through the standard model under uncertainty: per county, the baseline
-- scenario with the county's own starting points, 2021–2035, --samples N (default 10,000) Monte
-- Carlo samples of the model's uncertain assumptions, one CSV per county (mean, sd, quantiles of
-- every indicator and year). The data are INVENTED; so are the results: this is a scale test.
--
-- The counties are split among shards with tuiyan.shard, so the same command runs whole or in
-- parts (examples/scale/README.md):
--   tuiyan run examples/scale/national.lua DATA.csv --format csv --out OUT
--   tuiyan run examples/scale/national.lua DATA.csv --format csv --shard 2/4 --out OUT.2
--   tuiyan merge OUT.1 OUT.2 OUT.3 OUT.4 --out OUT       # the same bytes as the first line
local path = arg[1] or error("usage: tuiyan run examples/scale/national.lua DATA.csv [--samples N] --format csv --out DIR", 0)
local text = assert(io.open(path, "rb"), "cannot open " .. path):read("a")
tuiyan.report.input(path, text)                -- in the manifest, with its SHA-256
assert(text:find("SYNTHETIC", 1, true), path .. ": not the synthetic dataset of gen_counties.lua")

local counties, header = {}, nil
for line in text:gmatch("[^\n]+") do
  if line:sub(1, 1) ~= "#" then
    local f = {}
    for cell in (line .. ","):gmatch("([^,]*),") do f[#f + 1] = cell end
    if not header then header = f
    else
      local c = {}
      for i, k in ipairs(header) do c[k] = tonumber(f[i]) or f[i] end
      counties[#counties + 1] = c
    end
  end
end

local sc = require("tuiyan.scenarios.wuwei").build()
local years = {}
for y = 2021, 2035 do years[#years + 1] = y end
for _, c in ipairs(tuiyan.shard(counties)) do
  local s = sc.baseline:derive{ name = c.code, label = "SYNTHETIC county " .. c.code,
    set = { gdp_2021 = c.gdp_2021, population = c.population, county_budget_2021 = c.county_budget_2021,
      rd_intensity_2020 = c.rd_intensity_2020,
      hte_2021 = c.hte_2021, prov_2021 = c.prov_2021,
      sme_2021 = c.sme_2021, turnover_2021 = c.turnover_2021 } }
  local r = tuiyan.mc.run{ scenario = s, years = years,
    title = ("SYNTHETIC 虚构 %s %s, 2021–2035"):format(c.code, c.province) }
  tuiyan.report.emit(r, c.code)
end
