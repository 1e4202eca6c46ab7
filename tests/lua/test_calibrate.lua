-- tests/lua/test_calibrate.lua — tuiyan.calibrate (model:calibrate): a toy model whose fit is a
-- weighted linear least squares solved here by its normal equations (estimates and standard
-- errors, with weights), a start point taken from the plan, a bound that binds, a synthetic
-- history of the standard model (its own run from known parameters, with deterministic noise)
-- recovered within the reported standard errors, the same bytes twice, the fit in Monte Carlo,
-- the fit file read back, and bad inputs.
local T = dofile("tests/lua/harness.lua")
local M = tuiyan.model
local json = require "_tuiyan.json"

-- y = a + b (year - 2016); s: a stock from its start value (start_of), growing g a year.
local function toy(first)
  local m = M.new{ name = "toy", first_year = first or 2016, last_year = 2024 }
  local v = m.v
  m:param("a", 1, { unit = "1" })
  m:param("b", 0, { unit = "1" })
  m:param("g", 0.02, { unit = "1/年" })
  m:param("s0", 50, { unit = "1", start_of = "s" })
  m:aux("y", v.a + v.b * (M.year() - 2016), { unit = "1", indicator = "y" })
  m:stock("s", { unit = "1", init = v.s0, indicator = "s" })
  m:flow("s_growth", M.prev(v.s) * v.g, { unit = "1/年", into = "s" })
  return m
end

local YEARS = { 2016, 2017, 2018, 2019, 2020, 2021 }
local Y = { 10.2, 12.9, 13.1, 17.4, 18.6, 21.9 }   -- roughly 10 + 2t, deliberately not on a line

local function toy_plan(ys, s_values)
  local p = tuiyan.plan.new("toy")
  p:add{ id = "y", name = "y", unit = "1" }
  for i, yr in ipairs(YEARS) do p:set_actual("y", yr, ys[i]) end
  if s_values then
    p:add{ id = "s", name = "s", unit = "1" }
    for i, yr in ipairs(YEARS) do p:set_actual("s", yr, s_values[i]) end
  end
  return p
end

-- The fit minimises Σ w_i ((a + b t_i - y_i) / y_i)²: linear least squares on rows
-- sqrt(w_i) (1/y_i, t_i/y_i) against sqrt(w_i). Solved here by the 2 × 2 normal equations.
local function reference(ys, w)
  local s11, s12, s22, r1, r2 = 0, 0, 0, 0, 0
  for i, y in ipairs(ys) do
    local t, wi = YEARS[i] - 2016, w or 1
    local x1, x2, z = 1 / y, t / y, 1
    s11, s12, s22 = s11 + wi * x1 * x1, s12 + wi * x1 * x2, s22 + wi * x2 * x2
    r1, r2 = r1 + wi * x1 * z, r2 + wi * x2 * z
  end
  local det = s11 * s22 - s12 * s12
  local a, b = (s22 * r1 - s12 * r2) / det, (s11 * r2 - s12 * r1) / det
  local ssr = 0
  for i, y in ipairs(ys) do
    local t, wi = YEARS[i] - 2016, w or 1
    ssr = ssr + wi * ((a + b * t - y) / y) ^ 2
  end
  local s2 = ssr / (#ys - 2)
  return a, b, math.sqrt(s2 * s22 / det), math.sqrt(s2 * s11 / det), ssr, -s12 / math.sqrt(s11 * s22)
end

T.test("a linear toy is fitted as its normal equations say, with standard errors", function()
  local fit = toy():calibrate{ plan = toy_plan(Y), params = { a = { -100, 100 }, b = { -100, 100 } }, years = YEARS }
  local a, b, sa, sb, ssr, rab = reference(Y)
  T.truthy(fit.converged, fit.why)
  T.near(fit:param("a").estimate, a, 1e-6)
  T.near(fit:param("b").estimate, b, 1e-6)
  T.near(fit:param("a").se, sa, 1e-5)
  T.near(fit:param("b").se, sb, 1e-5)
  T.near(fit.objective, ssr, 1e-9)
  T.near(fit.correlation[1][2], rab, 1e-5)                  -- params sorted: a, b
  T.near(fit.correlation[2][1], rab, 1e-5)
  T.truthy(fit:to_text():find(("r = %.3f"):format(rab), 1, true), "the report names the correlation")
  T.eq(fit.dof, 4)
  T.eq(#fit.residuals, 6)
  T.raises(function() fit:to_csv() end, "a calibration has two tables (parameters, residuals)")
  T.truthy(fit:residuals_table():to_csv():find("y,y,2019,", 1, true))
  local r = fit.residuals[4]
  T.eq(r.year, 2019)
  T.near(r.rel, (a + 3 * b - Y[4]) / Y[4], 1e-6)
  T.eq(fit:param("a").state, "free")
end)

T.test("weights scale each indicator's squared relative errors", function()
  -- two indicators: y (weight 4) and s; y alone decides a and b, so a weight on it changes nothing
  -- but its share of the objective: 4 × the unweighted sum
  local plain = toy():calibrate{ plan = toy_plan(Y), params = { a = { -100, 100 }, b = { -100, 100 } }, years = YEARS }
  local heavy = toy():calibrate{ plan = toy_plan(Y), params = { a = { -100, 100 }, b = { -100, 100 } }, years = YEARS,
    weights = { y = 4 } }
  T.near(heavy.objective, 4 * plain.objective, 1e-9)
  T.near(heavy:param("a").estimate, plain:param("a").estimate, 1e-6)
  T.eq(heavy.residuals[1].weight, 4)
  -- weight 0 leaves the indicator out: nothing left to fit
  T.raises(function()
    toy():calibrate{ plan = toy_plan(Y), params = { a = { -100, 100 } }, years = YEARS, weights = { y = 0 } }
  end, "0 indicator-years")
end)

T.test("the start value comes from the plan's first year, and a binding bound says so", function()
  local s = { 200, 220, 242, 266.2, 292.82, 322.102 }          -- 200 × 1.1^t exactly
  local p = toy_plan(Y, s)
  local fit = toy():calibrate{ plan = p, params = { g = { 0, 1 } }, years = YEARS, weights = { y = 0 } }
  T.near(fit:param("g").estimate, 0.1, 1e-7)                 -- only if s starts at 200, not s0 = 50
  T.truthy(fit.objective < 1e-20)
  T.eq(#fit.residuals, 5)                                    -- 2017–2021: 2016 is the start itself
  T.eq(fit.residuals[1].year, 2017)
  local bound = toy():calibrate{ plan = p, params = { g = { 0, 0.05 } }, years = YEARS, weights = { y = 0 } }
  local g = bound:param("g")
  T.eq(g.estimate, 0.05)
  T.eq(g.state, "hi")
  T.eq(g.se, nil)
  T.truthy(bound:to_text():find("at upper bound (binds)", 1, true))
  T.eq(bound:fixed().g, 0.05)                                -- Monte Carlo: fixed at the bound
  T.eq(bound:uncertain().g, nil)
  for _, q in ipairs(bound.params) do T.truthy(q.estimate >= q.lo and q.estimate <= q.hi) end
end)

-- ---------------------------------------------------------------------------------------------
-- The standard model: a history made by the model itself from known parameters, plus noise

local W = require "tuiyan.models.wuwei"
local TRUTH = { sme_exit_rate = 0.11, sme_promotion_rate = 0.05, prov_promotion_rate = 0.10,
  hte_direct = 8, turnover_rd_elasticity = 1.6 }
local BOUNDS = { sme_exit_rate = { 0, 0.3 }, sme_promotion_rate = { 0, 0.3 }, prov_promotion_rate = { 0, 0.3 },
  hte_direct = { 0, 30 }, turnover_rd_elasticity = { 0, 4 } }

-- relative noise in [-0.01, 0.01] from a fixed linear congruential sequence (same on every run)
local function noise_seq()
  local x = 12345
  return function()
    x = (1103515245 * x + 12345) % 2147483648
    return (x / 2147483648 - 0.5) * 0.02
  end
end

local function synthetic(noisy)
  local m = W.build{ first_year = 2016 }
  local names = {}
  for k in pairs(TRUTH) do names[#names + 1] = k end
  table.sort(names)
  local ov = {}
  for _, k in ipairs(names) do ov[#ov + 1] = { k, TRUTH[k] } end
  local run = m:run(ov)
  local plan, base = tuiyan.plan.new("synthetic"), tuiyan.plan.load()
  local nz = noise_seq()
  for _, id in ipairs(base:ids()) do   -- the plan's order: the same noise on every run
    local el = m:indicators()[id]
    if el then
      plan:add{ id = id, name = id, unit = base:info(id).unit }
      for y = 2016, 2021 do
        local v = run:get(el, y)
        if noisy and y > 2016 then v = v * (1 + nz()) end
        plan:set_actual(id, y, v)
      end
    end
  end
  return plan
end

T.test("a noiseless history of the standard model gives back its parameters", function()
  local fit = W.build():calibrate{ plan = synthetic(false), params = BOUNDS, years = YEARS }
  T.truthy(fit.converged, fit.why)
  for k, v in pairs(TRUTH) do T.near(fit:param(k).estimate, v, 1e-6, k) end
  T.truthy(fit.objective < 1e-20)
  T.eq(fit.start, 2016)                                       -- rebuilt from 2016 (with_first_year)
end)

T.test("a noisy history is recovered within the reported standard errors", function()
  local fit = W.build():calibrate{ plan = synthetic(true), params = BOUNDS, years = YEARS }
  T.truthy(fit.converged, fit.why)
  for k, v in pairs(TRUTH) do
    local p = fit:param(k)
    T.truthy(p.se and p.se > 0, k .. ": a standard error")
    T.truthy(math.abs(p.estimate - v) <= 3 * p.se,
      ("%s: %.6g is %.2f se from the truth %.6g (se %.3g)"):format(k, p.estimate, math.abs(p.estimate - v) / p.se, v, p.se))
    T.truthy(p.estimate ~= v, k .. ": noise moves the estimate")
  end
  -- the noise is about 1 % / sqrt(3) per point: s² should be near its variance (0.01² / 3)
  T.truthy(fit.sigma2 > 0.3 * 1e-4 / 3 and fit.sigma2 < 3 * 1e-4 / 3, "s² " .. tostring(fit.sigma2))
end)

T.test("the standard errors cover the truth at about their nominal rate over 40 noise draws", function()
  -- 40 histories, each with its own 1 % noise, 5 parameters each: a normal estimate falls within
  -- 1 se of the truth 68 % of the time and within 2 se 95 %. Measured: 73 % and 97 %. Standard
  -- errors 5 times too small or too large would give about 16 % / 31 %, or 100 % / 100 %.
  local m = W.build{ first_year = 2016 }
  local names = {}
  for k in pairs(TRUTH) do names[#names + 1] = k end
  table.sort(names)
  local ov = {}
  for _, k in ipairs(names) do ov[#ov + 1] = { k, TRUTH[k] } end
  local run, base = m:run(ov), tuiyan.plan.load()
  local in1, in2, total = 0, 0, 0
  for seed = 1, 40 do
    local x = seed * 7919
    local function nz() x = (1103515245 * x + 12345) % 2147483648; return (x / 2147483648 - 0.5) * 0.02 end
    local plan = tuiyan.plan.new("noisy")
    for _, id in ipairs(base:ids()) do
      local el = m:indicators()[id]
      if el then
        plan:add{ id = id, name = id, unit = base:info(id).unit }
        for y = 2016, 2021 do
          local v = run:get(el, y)
          if y > 2016 then v = v * (1 + nz()) end
          plan:set_actual(id, y, v)
        end
      end
    end
    local fit = W.build():calibrate{ plan = plan, params = BOUNDS, years = YEARS }
    for _, k in ipairs(names) do
      local p = fit:param(k)
      local err = math.abs(p.estimate - TRUTH[k])
      total = total + 1
      if err <= p.se then in1 = in1 + 1 end
      if err <= 2 * p.se then in2 = in2 + 1 end
    end
  end
  T.eq(total, 200)
  T.truthy(in1 >= 0.55 * total and in1 <= 0.82 * total, ("within 1 se: %d of %d"):format(in1, total))
  T.truthy(in2 >= 0.88 * total and in2 <= 0.995 * total, ("within 2 se: %d of %d"):format(in2, total))
end)

T.test("two fits give the same bytes", function()
  local a = W.build():calibrate{ plan = synthetic(true), params = BOUNDS, years = YEARS }
  local b = W.build():calibrate{ plan = synthetic(true), params = BOUNDS, years = YEARS }
  T.eq(a:to_json(), b:to_json())
  T.eq(a:to_text(), b:to_text())
end)

T.test("the fit replaces judgement distributions in Monte Carlo, and reads back from its file", function()
  local fit = W.build():calibrate{ plan = synthetic(true), params = BOUNDS, years = YEARS, plan_label = "synthetic" }
  local u = fit:uncertain()
  local p = fit:param("hte_direct")
  T.eq(u.hte_direct.kind, "normal")
  T.eq(u.hte_direct.mean, p.estimate)
  T.eq(u.hte_direct.sd, p.se)
  T.eq(u.hte_direct.lo, 0)
  T.truthy(u.hte_direct.assumption:find("fitted from synthetic years 2016–2021", 1, true))
  local path = os.tmpname()
  local f = assert(io.open(path, "wb")); f:write(fit:to_json()); f:close()
  local back = tuiyan.calibrate.load(path)
  os.remove(path)
  T.eq(back.label, fit.label)
  T.eq(back:param("sme_exit_rate").estimate, fit:param("sme_exit_rate").estimate)
  T.eq(back:param("sme_exit_rate").se, fit:param("sme_exit_rate").se)
  T.eq(back.correlation[1][2], fit.correlation[1][2])
  local sc = require("tuiyan.scenarios.wuwei").build()
  local r = tuiyan.mc.run{ scenario = back:apply(sc.baseline), uncertain = back:uncertain(), samples = 64,
    years = { 2025 }, track = { "hte_count" } }
  local names = {}
  for _, it in ipairs(r.uncertain) do names[it.name] = it.note end
  T.truthy(names.hte_direct:find("fitted from synthetic", 1, true), "hte_direct drawn from its fit")
  T.truthy(names.gdp_growth:find("judgement", 1, true), "gdp_growth still a judgement")
end)

T.test("bad inputs stop with a clear message", function()
  local p = toy_plan(Y)
  local e = T.raises(function() toy():calibrate{ plan = p, params = { gg = { 0, 1 } }, years = YEARS } end,
    "no parameter named 'gg' in model toy; did you mean 'g'?")
  T.eq(e.code, tuiyan.exit.usage)
  T.raises(function() toy():calibrate{ plan = p, params = { a = { 2, 1 } }, years = YEARS } end,
    "a: lower bound 2 is not below upper bound 1")
  T.raises(function() toy():calibrate{ plan = p, params = { s0 = { 0, 1 } }, years = YEARS } end,
    "'s0' is the starting point of s")
  T.raises(function() toy():calibrate{ plan = p, params = { y = { 0, 1 } }, years = YEARS } end,
    "'y' is a aux, not a parameter")
  e = T.raises(function()
    toy():calibrate{ plan = toy_plan(Y), params = { a = { -9, 9 }, b = { -9, 9 } }, years = { 2016, 2017 } }
  end, "2 indicator-years of actuals in 2016–2017 after the start year; fitting 2 parameters needs more")
  T.eq(e.code, tuiyan.exit.data)
  T.raises(function() toy():calibrate{ plan = p, params = { a = { 0, 1 } }, years = YEARS, weights = { y = -1 } } end,
    "weights: y must be a number >= 0")
  T.raises(function() toy():calibrate{ plan = p, params = { a = { 0, 1 } }, years = YEARS, weights = { zz = 1 } } end,
    "'zz' is not an indicator of model toy")
  T.raises(function() toy(2018):calibrate{ plan = p, params = { a = { 0, 1 } }, years = YEARS } end,
    "years 2016–2021 are outside model toy's 2018–2024")
  T.raises(function() toy():calibrate{ plan = p, params = { a = { 0, 1 } }, years = YEARS, set = { a = 1 } } end,
    "'a' is both fitted and set")
  -- the model's own bounds on a parameter (opts.bounds): the fit stays within them
  local m = toy()
  m:element("b").opts.bounds = { -5, 5, why = "a slope this toy allows" }
  T.raises(function() m:calibrate{ plan = p, params = { b = { -10, 10 } }, years = YEARS } end,
    "b: bounds -10..10 go outside the values the model allows it, [-5, 5] (a slope this toy allows)")
  local path = os.tmpname()
  local f = assert(io.open(path, "wb")); f:write('{"kind": "something else"}'); f:close()
  e = T.raises(function() tuiyan.calibrate.load(path) end, "not a tuiyan calibration file")
  T.eq(e.code, tuiyan.exit.data)
  f = assert(io.open(path, "wb"))
  f:write(json.encode({ kind = "tuiyan calibration", version = 1, label = "x",
    params = { { name = "a", estimate = 5, lo = 0, hi = 1, se = 0.1 } } }))
  f:close()
  T.raises(function() tuiyan.calibrate.load(path) end, "params[1]: name, estimate within lo..hi")
  os.remove(path)
end)

T.test("a parameter the data do not identify keeps its judgement distribution in Monte Carlo", function()
  -- c moves nothing the plan observes: not identified, so neither drawn from the fit nor fixed
  local m = toy()
  m:param("c", 3, { unit = "1", dist = tuiyan.mc.normal(3, 1) })
  local fit = m:calibrate{ plan = toy_plan(Y), params = { a = { -100, 100 }, b = { -100, 100 }, c = { 0, 10 } }, years = YEARS }
  T.eq(fit:param("c").state, "unidentified")
  T.eq(fit:param("c").se, nil)
  T.eq(fit:uncertain().c, nil)
  T.eq(fit:fixed().c, nil)
  T.truthy(fit:uncertain().a ~= nil)
  T.truthy(fit:to_text():find("not identified by these data", 1, true))
end)

T.test("fit:draws gives the fitted parameters the fit's correlation, each keeping its distribution", function()
  -- a fit file: a = 0 ± 1 within [-10, 10], b = 5 ± 2 within [-20, 30], correlation 0.8 (both bounds
  -- 5 sd and more away, so the draws are normal to within 6e-7 of their mass)
  local path = os.tmpname()
  local f = assert(io.open(path, "wb"))
  f:write(json.encode({ kind = "tuiyan calibration", version = 1, label = "fitted from a test",
    params = { { name = "a", estimate = 0, se = 1, lo = -10, hi = 10, state = "free" },
      { name = "b", estimate = 5, se = 2, lo = -20, hi = 30, state = "free" } },
    correlation = { { 1, 0.8 }, { 0.8, 1 } } }))
  f:close()
  local fit = tuiyan.calibrate.load(path)
  os.remove(path)
  local scen = tuiyan.scenario.new{ model = toy() }
  local n = 4000
  local function stats(d)
    local sa, sb, saa, sbb, sab = 0, 0, 0, 0, 0
    for i = 1, n do
      local a, b = d:get("a", i), d:get("b", i)
      T.truthy(a >= -10 and a <= 10 and b >= -20 and b <= 30, "within the bounds")
      sa, sb, saa, sbb, sab = sa + a, sb + b, saa + a * a, sbb + b * b, sab + a * b
    end
    local ma, mb = sa / n, sb / n
    local va, vb = saa / n - ma * ma, sbb / n - mb * mb
    return ma, mb, math.sqrt(va), math.sqrt(vb), (sab / n - ma * mb) / math.sqrt(va * vb)
  end
  local d = fit:draws{ scenario = scen, samples = n, seed = 7 }
  local ma, mb, sda, sdb, r = stats(d)
  -- sampling error with 4,000 draws: mean ±0.016 sd, sd ±1.1 %, r ±0.006 (1 se); allowed about 5 se
  T.near(r, 0.8, 0.03)
  T.near(ma, 0, 0.08); T.near(mb, 5, 0.16 / 5)
  T.near(sda, 1, 0.06); T.near(sdb, 2, 0.06)
  local _, _, _, _, r0 = stats(tuiyan.mc.draw{ scenario = scen, samples = n, seed = 7, uncertain = fit:uncertain() })
  T.truthy(math.abs(r0) < 0.05, "without fit:draws the two are drawn apart: r = " .. r0)
  T.eq(fit:draws{ scenario = scen, samples = n, seed = 7 }:bytes(), d:bytes())
end)

T.test("the optimiser's binding passes the residual function's own error on, unchanged", function()
  local optim = require "_tuiyan.optim"
  local e = T.raises(function()
    optim.lsq{ x0 = { 1 }, m = 1, fn = function(x)
      if x[1] ~= 1 then tuiyan.fail("data", "model broke at %s", x[1]) end
      return { x[1] - 3 }
    end }
  end, "model broke at")
  T.eq(e.code, tuiyan.exit.data)
  T.raises(function() optim.lsq{ x0 = { 1 }, m = 2, fn = function() return { 1 } end } end,
    "must return a list of 2 numbers")
  T.raises(function() optim.lsq{ x0 = { 1 }, lo = { 2 }, hi = { 1 }, m = 1, fn = function(x) return { x[1] } end } end,
    "lower bound 2 above upper bound 1")
end)

T.done()
