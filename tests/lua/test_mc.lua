-- tests/lua/test_mc.lua — tuiyan.mc from Lua: distributions and their error texts, a probability
-- known in closed form, lower-is-better targets, scenarios fixing a parameter, identical output
-- for any thread count, the result's formats, the tornado of a linear model, and misuse.
local T = dofile("tests/lua/harness.lua")
local M, S, mc = tuiyan.model, tuiyan.scenario, tuiyan.mc
local json = require "_tuiyan.json"

-- x ~ normal(10, 2); y = 2x; z = 100 - x (lower is better); w = x + k (k set by scenarios)
local function model()
  local m = M.new{ name = "toy", first_year = 2024, last_year = 2026 }
  local v = m.v
  m:param("x", 10, { unit = "1", dist = mc.normal(10, 2, { assumption = "toy spread" }) })
  m:param("k", 0, { unit = "1", dist = mc.uniform(-1, 1) })
  m:aux("y", 2 * v.x, { unit = "1", indicator = "ind_y" })
  m:aux("z", 100 - v.x, { unit = "1", indicator = "ind_z" })
  m:aux("w", v.x + v.k, { unit = "1" })
  return m
end

local function plan()
  local p = tuiyan.plan.new("toy plan")
  p:add{ id = "ind_y", name = "两倍", unit = "1" }
  p:add{ id = "ind_z", name = "余量", unit = "1", direction = "down" }
  p:set_target("ind_y", 2025, 24)       -- y >= 24  <=>  x >= 12
  p:set_target("ind_z", 2025, 92)       -- z <= 92  <=>  x >= 8
  return p
end

T.test("distributions: quantiles, describe, sampling", function()
  local d = mc.normal(1, 0.5, { lo = 0 })
  T.near(mc.normal(0, 1):quantile(0.975), 1.959963984540054, 1e-14)
  T.near(mc.uniform(2, 4):quantile(0.25), 2.5)
  T.near(mc.triangular(0, 1, 2):cdf(1), 0.5)
  T.eq(d:describe(), "normal(mean 1, sd 0.5) on [0, inf]")
  T.eq(tostring(mc.lognormal(6, 1.5)), "lognormal(mean 6, sd 1.5)")
  T.eq(mc.triangular(3, 6, 9):describe(), "triangular(3, 6, 9)")
  local xs = mc.lognormal(6, 1.5):sample(20000, 4)
  local s = 0
  for _, x in ipairs(xs) do s = s + x end
  T.near(s / #xs, 6, 0.01)             -- 5 standard errors of 1.5 / sqrt(20000) is 0.053: 1 % of 6
  local a, b = d:sample(5, 9), d:sample(5, 9)
  for i = 1, 5 do T.eq(a[i], b[i]); T.truthy(a[i] >= 0) end
end)

T.test("distribution errors say what is wrong", function()
  T.raises(function() mc.normal(0, -1) end, "normal: sd must be > 0, got -1")
  T.raises(function() mc.normal("a", 1) end, "bad argument #1 to 'normal' (number expected, got string)")
  T.raises(function() mc.uniform(1, 1) end, "uniform: lower (1) must be below upper (1)")
  T.raises(function() mc.triangular(0, 5, 1) end, "triangular: mode (5) must be within [0, 1]")
  T.raises(function() mc.normal(0, 1, { lo = 40, hi = 41 }) end, "truncation [40, 41] leaves no probability")
  T.raises(function() mc.normal(0, 1, { low = 0 }) end, "normal: unknown option 'low' (lo, hi, assumption)")
  T.raises(function() mc.lognormal(-1, 1) end, "lognormal: mean and sd must be > 0, got -1 and 1")
end)

T.test("the probability of meeting a target matches the closed form, both directions", function()
  local base = S.new{ name = "base", model = model() }
  local r = mc.run{ scenario = base, plan = plan(), samples = 20000, seed = 1 }
  local p_up = 0.15865525393145707     -- P(x >= 12) = 1 - Phi(1)
  local se = math.sqrt(p_up * (1 - p_up) / 20000)
  T.near(r:probability("ind_y", 2025), p_up, 4 * se)
  T.near(r:probability("ind_z", 2025), 1 - 0.15865525393145707, 4 * se)   -- P(x >= 8)
  local g = r:get("ind_y", 2025)
  T.eq(g.target, 24)
  T.near(g.mean, 20, 4 * 4 / math.sqrt(20000))
  T.near(g.p50, 20, 0.1)
  T.near(g.p95, 20 + 4 * 1.6448536269514722, 0.15)
  T.near(g.se, math.sqrt(g.p * (1 - g.p) / 20000), 1e-15)
  T.eq(#r.years, 1)                     -- the plan's target years by default
  T.eq(r.years[1], 2025)
end)

T.test("a parameter the scenario sets is fixed, not sampled", function()
  local m = model()
  local base = S.new{ name = "base", model = m }
  local pinned = base:derive{ name = "k=5", set = { k = 5 } }
  local r = mc.run{ scenarios = { base, pinned }, track = { "w" }, years = { 2026 }, samples = 2000 }
  local a, b = r:get("w", 2026, "base"), r:get("w", 2026, "k=5")
  T.near(b.mean - a.mean, 5, 0.05)
  -- common random numbers: the same x draws, k fixed in the second
  T.near(b.sd, 2, 0.1)
  T.truthy(a.sd > b.sd)
  T.eq(r.runs[2].pinned[1], "k")
  T.truthy(r:to_text():find("Fixed by scenario k=5 (not sampled): k = 5 (scenario k=5).", 1, true))
end)

T.test("output is identical for any number of threads, and every format works", function()
  local base = S.new{ name = "base", model = model() }
  local out = {}
  for _, n in ipairs{ 1, 2, 3 } do
    local r = mc.run{ scenario = base, plan = plan(), samples = 30000, seed = 9, threads = n, lhs = true,
      years = { 2024, 2025, 2026 } }
    out[n] = r:to_json() .. r:to_csv() .. r:to_text() .. r:to_md()
  end
  T.eq(out[2], out[1])
  T.eq(out[3], out[1])
  local r = mc.run{ scenario = base, plan = plan(), samples = 1000, seed = 9 }
  local d = assert(json.decode(r:to_json()))
  T.eq(d.samples, 1000)
  T.eq(d.sampling, "random")
  T.eq(d.indicators[1].id, "ind_y")
  T.eq(d.indicators[1].scenarios[1].quantiles.p50 ~= nil, true)
  T.eq(d.uncertain[1].assumption, "toy spread")
  T.eq(r:to_csv():match("^[^\r]*"),
    "id,year,scenario,target,direction,p_meet,p_meet_se,mean,sd,min,max,p5,p25,p50,p75,p95,samples")
end)

-- The CSV written row by row is the bytes of the same table through tabular (shown to fail with
-- min and max swapped, and with the share unit dropped from p_meet).
T.test("the CSV written row by row is the tabular table's bytes", function()
  local base = S.new{ name = "base", model = model() }
  local other = S.new{ name = "k=1", model = base.model, set = { k = 1 } }
  local r = mc.run{ scenarios = { base, other }, plan = plan(), samples = 2000, seed = 3,
    track = { "ind_y", "ind_z", "w" }, quantiles = { 0.1, 0.5, 0.9 }, years = { 2024, 2025, 2026 } }
  local csv = r:to_csv()
  T.eq(csv, r:_csv_table())
  T.truthy(csv:find("\r\nind_y,2025,k=1,24,up,", 1, true), "a target and its scenario")
end)

T.test("quantiles come from a histogram beyond the budget, and say so", function()
  local base = S.new{ name = "base", model = model() }
  local exact = mc.run{ scenario = base, plan = plan(), samples = 5000 }
  local hist = mc.run{ scenario = base, plan = plan(), samples = 5000, exact_budget = 100 }
  T.eq(exact.exact, true)
  T.eq(hist.exact, false)
  T.near(hist:get("ind_y", 2025).p25, exact:get("ind_y", 2025).p25, 2 ^ -13)
  T.truthy(hist:to_text():find("quantiles from a log-linear histogram, within 0.0122 % relative", 1, true))
end)

T.test("draws made once give the same results as the run's own", function()
  local base = S.new{ name = "base", model = model() }
  local d = mc.draw{ scenario = base, samples = 3000, seed = 2 }
  T.eq(#d:bytes(), 2 * 3000 * 8)
  local a = mc.run{ scenario = base, plan = plan(), samples = 3000, seed = 2 }
  local b = mc.run{ scenario = base, plan = plan(), samples = 3000, seed = 2, draws = d }
  T.eq(b:to_json(), a:to_json())
  T.raises(function() mc.run{ scenario = base, samples = 10, draws = d } end, "draws were made for other parameters or another sample count")
end)

T.test("kept draws that are not all finite still stop a run at the first one", function()
  -- normal(1e308, 1e308) overflows to inf in about a sixth of its draws: the draws cannot vouch
  -- for their values, and the run scans them as it scans a run's own (y = clamp(x, 0, 5) stays finite,
  -- so without that scan the run would succeed)
  local m = M.new{ name = "huge", first_year = 2024, last_year = 2025 }
  m:param("x", 1, { unit = "1", dist = mc.normal(1e308, 1e308) })
  m:aux("y", M.clamp(m.v.x, 0, 5), { unit = "1" })   -- finite even where x is not: only the scan sees it
  local base = S.new{ name = "base", model = m }
  local d = mc.draw{ scenario = base, samples = 200, seed = 3 }
  local first
  for i = 1, 200 do
    local v = d:get("x", i)
    if v ~= v or v == math.huge or v == -math.huge then first = i; break end
  end
  T.truthy(first, "some draw overflows")
  local own = select(2, pcall(mc.run, { scenario = base, samples = 200, seed = 3, track = { "y" } }))
  local kept = select(2, pcall(mc.run, { scenario = base, samples = 200, seed = 3, track = { "y" }, draws = d }))
  T.truthy(tostring(kept):find(("sample %d: the value set for 'x' is not finite"):format(first), 1, true),
    tostring(kept))
  T.eq(tostring(kept), tostring(own))
end)

-- y = 3a - 2b, a ~ uniform(0, 10) (base 5), b ~ triangular(0, 1, 2) (base 1)
T.test("the tornado of a linear model has the known swings, sorted", function()
  local m = M.new{ name = "lin", first_year = 2025, last_year = 2025 }
  m:param("a", 5, { dist = mc.uniform(0, 10) })
  m:param("b", 1, { dist = mc.triangular(0, 1, 2) })
  m:aux("y", 3 * m.v.a - 2 * m.v.b)
  local t = mc.tornado{ scenario = S.new{ name = "base", model = m }, output = "y", year = 2025 }
  T.eq(t.base, 13)
  T.eq(t.rows[1].name, "a")                                  -- swing 3 × 8 = 24
  T.near(t.rows[1].swing, 24)
  T.near(t.rows[1].y_low, 3 - 2)
  T.near(t.rows[1].elasticity, 15 / 13, 1e-7)
  T.eq(t.rows[2].name, "b")                                  -- P10/P90 of triangular(0,1,2): sqrt(0.2), 2 - sqrt(0.2)
  T.near(t.rows[2].swing, 2 * (2 - 2 * math.sqrt(0.2)))
  T.near(t.rows[2].elasticity, -2 / 13, 1e-7)
  local d = assert(json.decode(t:to_json()))
  T.eq(d.parameters[1].name, "a")
  T.truthy(t:to_text():find("Base: y = 13 in 2025", 1, true))
end)

T.test("misuse is reported with the name", function()
  local m = M.new{ name = "bad", first_year = 2025, last_year = 2026 }
  m:param("s", { first_year = 2025, 1, 2 }, { dist = mc.normal(1, 1) })
  m:aux("y", m.v.s)
  T.raises(function() mc.run{ scenario = S.new{ name = "b", model = m }, track = { "y" } } end,
    "mc: 's' has a distribution, so its default must be one number, not a series")
  local m2 = M.new{ name = "bad2", first_year = 2025, last_year = 2026 }
  m2:param("s", 1, { dist = "normal" })
  m2:aux("y", m2.v.s)
  T.raises(function() mc.run{ scenario = S.new{ name = "b", model = m2 }, track = { "y" } } end,
    "mc: the distribution of 's' must be made by tuiyan.mc.normal, lognormal, uniform or triangular")
  T.raises(function() mc.run{ scenario = S.new{ name = "b", model = model() }, track = { "nope" } } end,
    "mc.run: 'nope' is neither an indicator nor an element of model toy")
  local m3 = M.new{ name = "nan", first_year = 2025, last_year = 2025 }
  m3:param("x", 1, { dist = mc.normal(1, 1) })
  m3:aux("y", M.log(m3.v.x))
  local err = T.raises(function() mc.run{ scenario = S.new{ name = "b", model = m3 }, track = { "y" }, samples = 100 } end,
    "'y' is not finite (NaN) in 2025 (with x = -")
  T.eq(err.code, tuiyan.exit.data)
  T.truthy(tostring(err):find("^tests/lua/test_mc.lua:%d+: Monte Carlo sample %d+: "))
end)

T.done()
