-- examples/scale/gen_counties.lua — a SYNTHETIC national county dataset for the scale example:
-- 2,844 county-level units (区、县、县级市、旗 …) in 31 provinces, with starting points for the
-- standard model (GDP, population, budgets, enterprises, contract turnover) drawn from plausible
-- distributions by province. EVERY NUMBER AND NAME IS INVENTED: no row describes a real county.
-- The units per province are close to the real counts of county-level divisions (rounded, summing
-- to 2,844); levels of GDP per head and of innovation follow the broad east–centre–west gradient.
--
-- Deterministic: the same seed and count give the same bytes on any machine (Lua 5.4's
-- xoshiro256** from math.randomseed(seed); normals as the sum of 12 uniforms minus 6, so only
-- IEEE additions; exp from tuiyan's own detmath, not the C library's; %.6g and %d).
--
--   tuiyan run examples/scale/gen_counties.lua [SEED [N]] > counties_synthetic.csv
--   (N < 2,844: the first N units of a round robin over the provinces, for small tests)
local seed = math.tointeger(tonumber(arg[1] or "2021")) or error("seed: an integer expected", 0)
local limit = math.tointeger(tonumber(arg[2] or "2844")) or error("N: an integer expected", 0)

-- code, name, units, GDP per head (万元, centre of the province's counties), innovation level (1 = national mean)
local PROVINCES = {
  { 11, "北京", 16, 12.0, 3.0 }, { 12, "天津", 16, 9.0, 2.0 }, { 13, "河北", 167, 4.5, 0.8 },
  { 14, "山西", 117, 4.5, 0.7 }, { 15, "内蒙古", 103, 6.5, 0.6 }, { 21, "辽宁", 100, 5.5, 0.9 },
  { 22, "吉林", 60, 4.5, 0.7 }, { 23, "黑龙江", 121, 3.8, 0.6 }, { 31, "上海", 16, 13.0, 3.0 },
  { 32, "江苏", 95, 10.5, 2.2 }, { 33, "浙江", 90, 9.5, 2.2 }, { 34, "安徽", 104, 5.5, 1.2 },
  { 35, "福建", 84, 9.0, 1.3 }, { 36, "江西", 100, 5.5, 0.9 }, { 37, "山东", 136, 7.0, 1.3 },
  { 41, "河南", 157, 5.0, 0.9 }, { 42, "湖北", 103, 7.0, 1.3 }, { 43, "湖南", 122, 5.8, 1.1 },
  { 44, "广东", 122, 8.0, 2.0 }, { 45, "广西", 111, 4.2, 0.6 }, { 46, "海南", 25, 5.5, 0.6 },
  { 50, "重庆", 38, 7.0, 1.1 }, { 51, "四川", 183, 5.5, 0.9 }, { 52, "贵州", 88, 4.5, 0.6 },
  { 53, "云南", 129, 4.8, 0.5 }, { 54, "西藏", 74, 4.5, 0.2 }, { 61, "陕西", 107, 6.0, 1.0 },
  { 62, "甘肃", 86, 3.5, 0.5 }, { 63, "青海", 44, 5.0, 0.3 }, { 64, "宁夏", 22, 5.0, 0.6 },
  { 65, "新疆", 108, 5.5, 0.4 },
}
local total = 0
for _, p in ipairs(PROVINCES) do total = total + p[3] end
assert(total == 2844, "the provinces' units add up to " .. total)

local dm = require "_tuiyan.detmath"
math.randomseed(seed)
-- a near-normal variate (Irwin–Hall: mean 0, sd 1, within ±6): IEEE additions only
local function normal()
  local s = 0
  for _ = 1, 12 do s = s + math.random() end
  return s - 6
end
local function lognormal(median, sigma) return median * dm.exp(sigma * normal()) end
local function clamp(x, lo, hi) return x < lo and lo or (x > hi and hi or x) end
local function g(x) return ("%.6g"):format(x) end

io.write("# SYNTHETIC DATA, invented for the scale example (examples/scale/gen_counties.lua, seed ", seed,
  "): no row describes a real county\n")
io.write("code,province,name,gdp_2021,population,county_budget_2021,rd_intensity_2020,hte_2021,prov_2021,sme_2021,turnover_2021\n")
-- Rows province by province (a shard's round robin then spreads each province over the shards).
local rows, made = {}, 0
for _, p in ipairs(PROVINCES) do
  for k = 1, p[3] do
    local pop = clamp(lognormal(38, 0.6), 1.5, 250)                      -- 万人
    local gdp = clamp(pop * lognormal(p[4], 0.35), 3, 5000)              -- 亿元
    local budget = clamp(gdp * lognormal(0.22, 0.3), 2, 800)             -- 亿元
    local innov = p[5] * lognormal(1, 0.5)
    local rd = clamp(0.9 * innov * lognormal(1, 0.3), 0.3, 6)           -- R&D intensity, %
    -- high-tech firms: at most what half the enterprise R&D (61 % of R&D) pays 300 万元 each
    local cap = math.floor(0.5 * gdp * (rd - 0.1) / 100 * 0.6134 / 0.03)
    local hte = math.min(cap, math.max(0, math.floor(gdp / 100 * 6 * innov + 0.5)))
    local prov = math.max(1, math.floor(hte * lognormal(0.8, 0.3) + 1.5))
    local sme = math.max(2, math.floor(hte * lognormal(2.2, 0.3) + 3.5))
    local turnover = clamp(gdp * 0.012 * innov * lognormal(1, 0.4), 0.01, 800)
    rows[#rows + 1] = ("SYN%02d%03d,%s,合成县%02d%03d（虚构）,%s,%s,%s,%s,%d,%d,%d,%s\n"):format(p[1], k, p[2], p[1], k,
      g(gdp), g(pop), g(budget), g(rd), hte, prov, sme, g(turnover))
  end
end
-- The first N of a round robin over the provinces when N < 2,844 (small tests still span provinces).
if limit < #rows then
  local picked, at = {}, {}
  local starts, s = {}, 1
  for i, p in ipairs(PROVINCES) do starts[i] = s; s = s + p[3]; at[i] = 0 end
  while #picked < limit do
    for i, p in ipairs(PROVINCES) do
      if #picked < limit and at[i] < p[3] then
        picked[#picked + 1] = rows[starts[i] + at[i]]
        at[i] = at[i] + 1
      end
    end
  end
  rows = picked
end
for _, r in ipairs(rows) do io.write(r) made = made + 1 end
