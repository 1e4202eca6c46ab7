-- peer_wuwei.lua — the standard Wuwei model (stdlib/tuiyan/models/wuwei.lua, baseline levers)
-- written as plain Lua functions, the way a Lua programmer would without tuiyan: one sample at a
-- time, state in locals. The same file runs under Lua 5.4 and LuaJIT 2.1 (the benchmark's
-- "lua" and "luajit" peers), reading the samples tuiyan drew (DIR/inputs.f64, DIR/meta.txt),
-- timing the evaluation and the reduction to per indicator-year means and standard deviations
-- (shifted sums, as tuiyan) in CPU and wall seconds, and writing DIR/<name>.json for
-- bench/compare.py. REPS 0: the job once, untimed, one line on stdout and no file (bench/run.sh
-- measures that process's peak memory).
--
--   lua5.4 bench/peer_wuwei.lua DIR REPS [NAME]    luajit bench/peer_wuwei.lua DIR REPS [NAME]
--   (NAME: lua under Lua 5.4, luajit under LuaJIT unless given)
local dir, reps, name = arg[1], tonumber(arg[2]) or 3, arg[3] or (jit and "luajit" or "lua")

local DEFAULTS = {
  hte_2021 = 59, prov_2021 = 44, sme_2021 = 122, rd_intensity_2020 = 0.62, ent_rd_share_2020 = 61.34,
  city_fiscal_share_2021 = 0.56, turnover_2021 = 14.1, hv_patents_per_10k_2021 = 0.58,
  new_product_share_2020 = 3.19, industrial_rd_ratio_2020 = 0.85, rd_personnel_2020 = 7.95,
  extra_hte = 0, hte_moved_in = 0, fiscal_raise_pct = 0,
  gdp_2021 = 560, gdp_growth = 0.055, city_budget_2021 = 60, county_budget_2021 = 200, budget_growth = 0.04,
  county_fiscal_share_2021 = 0.3, rd_intensity_2021_change = 0,
  sme_new = 30, sme_exit_rate = 0.08, sme_promotion_rate = 0.06, prov_new_direct = 6, prov_exit_rate = 0.03,
  prov_promotion_rate = 0.12, hte_direct = 6, hte_renewal_rate = 0.75, hte_exit_rate = 0.02,
  hte_first_cohort_share = 1 / 3, hte_extra_pool_share = 0.2, hte_extra_cost_per_firm = 15,
  hte_moved_in_share_new = 1 / 3, hte_moved_in_share_1y = 1 / 3, hte_rd_additionality = 0.5,
  ent_rd_share_2021_change = 0, new_product_share_2021_change = 0, industrial_rd_ratio_2021_change = 0,
  rd_personnel_2021_change = 0, innovation_index_2021_change = 0, industrial_rd_active_2021_change = 0,
  hte_rd_per_firm = 0.025, fiscal_rd_fraction = 0.5, rd_leverage = 1.0,
  turnover_rd_elasticity = 1.2, new_product_elasticity = 0.8, personnel_elasticity = 0.7, population = 145,
  patents_per_rd = 6, patent_lapse_rate = 0.05,
  sci_progress_2021 = 55.35, innovation_index_2020 = 42.92, industrial_rd_active_2020 = 36,
}

local INDICATORS = { "sci_progress_contribution", "innovation_index", "enterprise_rd_share", "rd_intensity",
  "city_fiscal_st_share", "county_fiscal_st_share", "industrial_rd_revenue_ratio", "industrial_rd_active_share",
  "rd_personnel_per_10k", "hv_patents_per_10k", "new_product_sales_share", "tech_contract_turnover",
  "hte_count", "prov_st_enterprises", "tech_smes" }
local NIND = #INDICATORS

-- ---- inputs ----
local meta = assert(io.open(dir .. "/meta.txt")):read("a")
local n = tonumber(meta:match("samples (%d+)"))
local first, last = tonumber(meta:match("first_year (%d+)")), tonumber(meta:match("last_year (%d+)"))
local names = {}
for w in meta:match("params %d+%s+(.*)$"):gmatch("%S+") do names[#names + 1] = w end
local ny = last - first + 1
local raw = assert(io.open(dir .. "/inputs.f64", "rb")):read("a")
local columns = {}
if string.unpack then                      -- Lua 5.4
  local fmt = "<" .. string.rep("d", 1000)
  for k = 1, #names do
    local col, pos = {}, (k - 1) * n * 8 + 1
    local i = 0
    while i < n do
      local m = math.min(1000, n - i)
      local vals = { string.unpack(m == 1000 and fmt or ("<" .. string.rep("d", m)), raw, pos) }
      for j = 1, m do col[i + j] = vals[j] end
      i, pos = i + m, pos + m * 8
    end
    columns[k] = col
  end
else                                       -- LuaJIT
  local ffi = require "ffi"
  local p = ffi.cast("const double *", raw)
  for k = 1, #names do
    local col, base = {}, (k - 1) * n
    for i = 1, n do col[i] = p[base + i - 1] end
    columns[k] = col
  end
end

-- ---- the model: one sample, every year, indicator values into out[(e) * NIND + k] ----
local function simulate(p, out)
  local rd_total_2021 = p.gdp_2021 * (p.rd_intensity_2020 + p.rd_intensity_2021_change) * 0.01
  local ent_rd_2021 = rd_total_2021 * (p.ent_rd_share_2020 + p.ent_rd_share_2021_change) * 0.01
  local base_city = p.city_budget_2021 * p.city_fiscal_share_2021
  local base_county = p.county_budget_2021 * p.county_fiscal_share_2021
  local gf, bf = 1, 1
  local sme, prov, hte = p.sme_2021, p.prov_2021, p.hte_2021
  local hv = p.hv_patents_per_10k_2021 * p.population
  local prev_extra, prev_rd_total = 0, rd_total_2021
  -- certificates by cohort (issued this year, a year and two years before); firms moved in
  local c0 = p.hte_2021 * p.hte_first_cohort_share
  local c1, c2, moved = c0, p.hte_2021 - 2 * c0, 0
  local ex = p.hte_exit_rate
  local share_old = 1 - p.hte_moved_in_share_new - p.hte_moved_in_share_1y
  for e = 0, ny - 1 do
    if e > 0 then gf = gf * (1 + p.gdp_growth); bf = bf * (1 + p.budget_growth) end
    local gdp = p.gdp_2021 * gf
    local city_budget, county_budget = p.city_budget_2021 * bf, p.county_budget_2021 * bf
    local raise = 1 + (e >= 1 and p.fiscal_raise_pct or 0) * 0.01
    local city_fst = city_budget * p.city_fiscal_share_2021 * raise * 0.01
    local county_fst = county_budget * p.county_fiscal_share_2021 * raise * 0.01
    local extra = city_fst + county_fst - (base_city * bf + base_county * bf) * 0.01

    local sme_promotions = sme * p.sme_promotion_rate
    local prov_promotions = prov * p.prov_promotion_rate
    if e > 0 then
      -- extra certifications come out of the pool, at most a share of it
      local extra_made = math.min(p.extra_hte, prov * p.hte_extra_pool_share)
      local certified = prov_promotions + p.hte_direct + extra_made
      local arr, due = p.hte_moved_in, c2
      local lapsed = (1 - ex) * (1 - p.hte_renewal_rate) * due
      c0, c1, c2 = certified + (1 - ex) * p.hte_renewal_rate * due + p.hte_moved_in_share_new * arr,
        c0 * (1 - ex) + p.hte_moved_in_share_1y * arr, c1 * (1 - ex) + share_old * arr
      local new_sme = sme + p.sme_new - sme * p.sme_exit_rate - sme_promotions
      local new_prov = prov + sme_promotions + p.prov_new_direct - prov * p.prov_exit_rate - prov_promotions - extra_made
      hte = hte + certified + arr - lapsed - hte * ex
      moved = moved + arr - moved * ex
      hv = hv + prev_rd_total * p.patents_per_rd - hv * p.patent_lapse_rate
      sme, prov = new_sme, new_prov
    end

    local hte_firms = p.hte_2021 + p.hte_rd_additionality * (hte - p.hte_2021 - moved) + moved
    local ent_rd = (ent_rd_2021 - p.hte_2021 * p.hte_rd_per_firm) * gf + hte_firms * p.hte_rd_per_firm
      + p.rd_leverage * prev_extra
    local public_rd = (rd_total_2021 - ent_rd_2021) * gf + p.fiscal_rd_fraction * extra
    local rd_total = ent_rd + public_rd
    local rd_ratio = rd_total / rd_total_2021

    local o = e * NIND
    out[o + 1] = p.sci_progress_2021
    out[o + 2] = p.innovation_index_2020 + p.innovation_index_2021_change
    out[o + 3] = ent_rd / rd_total * 100
    out[o + 4] = rd_total / gdp * 100
    out[o + 5] = city_fst / city_budget * 100
    out[o + 6] = county_fst / county_budget * 100
    out[o + 7] = (p.industrial_rd_ratio_2020 + p.industrial_rd_ratio_2021_change) * (ent_rd / ent_rd_2021) / gf
    out[o + 8] = p.industrial_rd_active_2020 + p.industrial_rd_active_2021_change
    out[o + 9] = (p.rd_personnel_2020 + p.rd_personnel_2021_change) * (rd_ratio ^ p.personnel_elasticity)
    out[o + 10] = hv / p.population
    out[o + 11] = (p.new_product_share_2020 + p.new_product_share_2021_change) * ((ent_rd / ent_rd_2021) ^ p.new_product_elasticity)
    out[o + 12] = p.turnover_2021 * (rd_ratio ^ p.turnover_rd_elasticity)
    out[o + 13] = hte
    out[o + 14] = prov
    out[o + 15] = sme
    prev_extra, prev_rd_total = extra, rd_total
  end
end

local nv = ny * NIND
local s1, s2, shift, row = {}, {}, {}, {}
-- Wall seconds: LuaJIT reads the monotonic clock through its FFI; plain Lua has no clock finer
-- than a second, so it asks `date` (whose start-up, about a millisecond, is inside the figure).
local wall
if jit then
  local ffi = require "ffi"
  ffi.cdef "typedef struct { long tv_sec; long tv_nsec; } bench_timespec; int clock_gettime(int, bench_timespec *);"
  local ts = ffi.new("bench_timespec")
  wall = function()
    ffi.C.clock_gettime(1, ts)   -- CLOCK_MONOTONIC
    return tonumber(ts.tv_sec) + 1e-9 * tonumber(ts.tv_nsec)
  end
else
  wall = function()
    local pipe = assert(io.popen("date +%s.%N"))
    local t = tonumber(pipe:read("l"))
    pipe:close()
    return t
  end
end

local once = reps < 1                   -- the job once, for its peak memory
if once then reps = 1 end
local times, walls = {}, {}
for r = 1, reps do
  local w0 = not once and wall()
  local t0 = os.clock()
  for i = 1, nv do s1[i], s2[i] = 0, 0 end
  local p = {}
  for k, v in pairs(DEFAULTS) do p[k] = v end       -- simulate never writes p
  for s = 1, n do
    for k = 1, #names do p[names[k]] = columns[k][s] end
    simulate(p, row)
    if s == 1 then for i = 1, nv do shift[i] = row[i] end end
    for i = 1, nv do
      local d = row[i] - shift[i]
      s1[i] = s1[i] + d
      s2[i] = s2[i] + d * d
    end
  end
  times[r] = os.clock() - t0
  walls[r] = not once and wall() - w0
end
if once then
  local check = 0
  for i = 1, nv do check = check + s1[i] end
  print(("%s: %d samples x %d years once (checksum %.6g)"):format(name, n, ny, check))
  os.exit(0)
end

-- ---- output ----
local function median(ts)
  local sorted = {}
  for i, t in ipairs(ts) do sorted[i] = t end
  table.sort(sorted)
  return sorted[math.floor(#sorted / 2) + 1]
end
local parts = { ('{"peer": "%s", "median_s": %.6f, "median_wall_s": %.6f, "times": ['):format(name, median(times),
  median(walls)) }
for i, t in ipairs(times) do parts[#parts + 1] = (i > 1 and ", " or "") .. ("%.6f"):format(t) end
parts[#parts + 1] = '], "wall_times": ['
for i, t in ipairs(walls) do parts[#parts + 1] = (i > 1 and ", " or "") .. ("%.6f"):format(t) end
parts[#parts + 1] = '], "indicators": ['
for k, id in ipairs(INDICATORS) do parts[#parts + 1] = (k > 1 and ", " or "") .. '"' .. id .. '"' end
local function block(key, f)
  parts[#parts + 1] = '],\n "' .. key .. '": ['
  for k = 1, NIND do
    parts[#parts + 1] = (k > 1 and ",\n  [" or "[")
    for e = 0, ny - 1 do
      local i = e * NIND + k
      parts[#parts + 1] = (e > 0 and ", " or "") .. ("%.17g"):format(f(i))
    end
    parts[#parts + 1] = "]"
  end
end
block("mean", function(i) return shift[i] + s1[i] / n end)
block("sd", function(i)
  local m2 = s2[i] - s1[i] * s1[i] / n
  return (n > 1 and m2 > 0) and math.sqrt(m2 / (n - 1)) or 0
end)
parts[#parts + 1] = "]}\n"
local f = assert(io.open(dir .. "/" .. name .. ".json", "w"))
f:write(table.concat(parts))
f:close()
