-- tests/lua/test_regions.lua — counties to the city: ratio of sums, missing values, ranking,
-- composite index and its sensitivity to the weights.
local T = dofile("tests/lua/harness.lua")
local R = tuiyan.regions

local function county(name, gdp, rd, hte, share)
  local p = tuiyan.plan.new(name)
  p:add{ id = "gdp", name = "GDP", unit = "亿元" }
  p:add{ id = "rd", name = "R&D", unit = "亿元" }
  p:add{ id = "rd_intensity", name = "研发强度", unit = "%", aggregate = "ratio" }
  p:add{ id = "hte", name = "高企", unit = "家" }
  p:add{ id = "contrib", name = "贡献率", unit = "%", aggregate = "none" }
  p:add{ id = "share", name = "占比", unit = "%", aggregate = "mean" }
  p:set_actual("gdp", 2021, gdp); p:set_actual("rd", 2021, rd); p:set_actual("rd_intensity", 2021, rd / gdp * 100)
  if hte then p:set_actual("hte", 2021, hte) end
  p:set_actual("contrib", 2021, 50); p:set_actual("share", 2021, share)
  return p
end

local function city(extra)
  return R.new{ name = "city", regions = { { "a", county("a", 100, 1, 10, 10) }, { "b", county("b", 300, 9, extra, 20) } },
    components = { rd_intensity = { "rd", "gdp", scale = 100 } }, weights = {} }
end

T.test("a ratio aggregates as the ratio of the summed components", function()
  local c = city(20)
  T.near((c:aggregate_one("rd_intensity", 2021)), 2.5)      -- 10 / 400, not (1 % + 3 %) / 2
  T.eq((c:aggregate_one("gdp", 2021)), 400)
  T.eq((c:aggregate_one("share", 2021)), 15)                -- equal weights
  local v, rule, why = c:aggregate_one("contrib", 2021)
  T.eq(v, nil); T.eq(rule, "none"); T.eq(why, "not aggregatable")
end)

T.test("a missing county value is never guessed", function()
  local c = city(nil)
  local v, _, why = c:aggregate_one("hte", 2021)
  T.eq(v, nil)
  T.eq(why, "a region has no value")
  local r = c:rank("hte", 2021)
  T.eq(r[1].region, "a"); T.eq(r[1].rank, 1); T.eq(r[2].rank, 0)
end)

T.test("a ratio without declared components says what to add", function()
  local c = R.new{ regions = { { "a", county("a", 100, 1, 1, 1) } } }
  local v, _, why = c:aggregate_one("rd_intensity", 2021)
  T.eq(v, nil)
  T.eq(why, "a ratio needs its components: give components.rd_intensity = {numerator, denominator}")
end)

T.test("composite index: min-max scores, weights, and rank shifts when weights move", function()
  local c = R.new{ name = "c", regions = { { "a", county("a", 100, 1, 30, 10) }, { "b", county("b", 100, 2, 10, 10) },
    { "c", county("c", 100, 1.5, 20, 10) } } }
  -- rd_intensity 1, 2, 1.5 -> 0, 1, .5; hte 30, 10, 20 -> 1, 0, .5
  local idx = c:_index(2021, { rd_intensity = 1, hte = 1 })
  T.near(idx[1], 50); T.near(idx[2], 50); T.near(idx[3], 50)
  local t = c:composite{ year = 2021, weights = { rd_intensity = 2, hte = 1 }, change = 0.6 }
  T.eq(t.rows[1].region, "b")             -- 100 * 2/3
  T.near(t.rows[1].index, 200 / 3)
  T.eq(t.rows[3].region, "a")
  T.eq(t.rows[1].moves, 2)                -- weights 0.8 : 1 put a first and b last
  T.raises(function() c:composite{ year = 2021, weights = { hte = 0 } } end, "composite index: the weights sum to zero")
end)

T.done()
