-- tuiyan.calibrate — fitting a model's parameters to a plan's own history (issue 15, item 4):
-- weighted least squares on each indicator's relative error, (model - actual) / actual, over the
-- indicator-years where the plan has an actual, with bounds per parameter, by the core's
-- deterministic Levenberg–Marquardt (src/core/optim.c).
--
--   local fit = model:calibrate{ plan = p, params = { sme_exit_rate = { 0, 0.2 }, ... },
--     years = { 2016, 2017, 2018, 2019, 2020, 2021 }, weights = { rd_intensity = 2 } }
--   fit.params[1].estimate, fit.params[1].se, fit.residuals, fit.converged
--   tuiyan.report.emit(fit, "calibrate")          -- text, md, html (charts), json, xlsx
--   local s = fit:apply(base)                      -- binding parameters fixed at their bound
--   mc.run{ scenario = s, uncertain = fit:uncertain(), draws = fit:draws{ scenario = s }, ... }
--
-- How it runs the model: from the first calibration year, with the params marked start_of set to
-- the plan's actuals of that year (a model that starts later is rebuilt from that year when it
-- can be: model.with_first_year). That year's values are then the plan's own, so residuals are
-- taken from the year after; trend-only indicators (held at an actual, explained by no parameter)
-- are left out. Uncertainty: se from s² (JᵀJ)⁻¹ at the estimate, s² = the weighted sum of squares
-- over the degrees of freedom (indicator-years minus free parameters): the spread the residuals
-- show, not one assumed in advance. A parameter on a bound has no se: the bound binds, and the
-- report says so; one the data do not move is "not identified" (and keeps its judgement
-- distribution in Monte Carlo). fit:draws keeps the estimates' correlations in the draws.
local optim = require "_tuiyan.optim"
local json = require "_tuiyan.json"
local host = require "_tuiyan.host"
local format = require "tuiyan.format"

local M = {}

M.FILE_KIND = "tuiyan calibration"
M.FILE_VERSION = 1

local function fail(kind, fmt, ...)
  error(host.error(host.exit[kind], string.format(fmt, ...)), 0)
end

-- Edit distance, for "did you mean".
local function distance(a, b)
  local prev = {}
  for j = 0, #b do prev[j] = j end
  for i = 1, #a do
    local cur = { [0] = i }
    for j = 1, #b do
      local cost = a:sub(i, i) == b:sub(j, j) and 0 or 1
      cur[j] = math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
    end
    prev = cur
  end
  return prev[#b]
end

local function suggest(model, name)
  local best, bestd
  for _, e in ipairs(model.elements) do
    if e.kind == "param" or e.kind == "lever" then
      local d = distance(name, e.name)
      if d <= 3 and (bestd == nil or d < bestd) then best, bestd = e.name, d end
    end
  end
  return best and ("; did you mean '" .. best .. "'?") or ""
end

local function finite(x) return type(x) == "number" and x == x and x ~= math.huge and x ~= -math.huge end

-- The bounds a judgement distribution implies: its own lo/hi, else its 0.1 % and 99.9 % points.
local function dist_bounds(d)
  local lo, hi = d.lo, d.hi
  if d.kind == "uniform" or d.kind == "triangular" then lo, hi = lo or d.a, hi or d.b end
  lo = lo or d:quantile(0.001)
  hi = hi or d:quantile(0.999)
  return lo, hi
end

-- The parameters to fit, sorted by name: { {name =, lo =, hi =, el =} }.
local function fit_params(model, spec, starts_by_param, what)
  local list = {}
  if spec.params == nil and model.calibrate_params then   -- the model's own default set
    local set = {}
    for _, name in ipairs(model.calibrate_params) do set[name] = true end
    return fit_params(model, { params = set }, starts_by_param, what)
  elseif spec.params == nil then
    for _, el in ipairs(model.elements) do
      if el.opts.dist and not starts_by_param[el.name] and type(el.body) == "number" then
        local lo, hi = dist_bounds(el.opts.dist)
        list[#list + 1] = { name = el.name, lo = lo, hi = hi, el = el }
      end
    end
  else
    if type(spec.params) ~= "table" then fail("usage", "%s: params must be a table { name = {lo, hi} }", what) end
    for name, b in pairs(spec.params) do
      if type(name) ~= "string" then fail("usage", "%s: params: names must be strings", what) end
      local el = model:element(name)
      if el == nil or (el.kind ~= "param" and el.kind ~= "lever") then
        fail("usage", "%s: %s%s", what, el and ("'%s' is a %s, not a parameter"):format(name, el.kind)
          or ("no parameter named '%s' in model %s"):format(name, model.name), suggest(model, name))
      end
      if starts_by_param[name] then
        fail("usage", "%s: '%s' is the starting point of %s, set from the plan's first year, not fitted", what, name,
          starts_by_param[name])
      end
      if type(el.body) ~= "number" then fail("usage", "%s: '%s' is a series, not one number to fit", what, name) end
      -- The model's own bounds (opts.bounds = { lo, hi, why = }: the values that mean something).
      local decl = type(el.opts.bounds) == "table" and finite(el.opts.bounds[1]) and finite(el.opts.bounds[2])
        and el.opts.bounds or nil
      if b == true then   -- the range of its judgement distribution, within the model's bounds
        if not el.opts.dist then
          fail("usage", "%s: '%s' has no judgement distribution to take a range from: give {lo, hi}", what, name)
        end
        b = { dist_bounds(el.opts.dist) }
        if decl then b = { math.max(b[1], decl[1]), math.min(b[2], decl[2]) } end
      end
      if type(b) ~= "table" or not finite(b[1]) or not finite(b[2]) then
        fail("usage", "%s: %s: bounds {lo, hi} of two finite numbers expected", what, name)
      end
      if b[1] >= b[2] then
        fail("usage", "%s: %s: lower bound %s is not below upper bound %s", what, name, format.exact(b[1]), format.exact(b[2]))
      end
      if decl and (b[1] < decl[1] or b[2] > decl[2]) then
        fail("usage", "%s: %s: bounds %s..%s go outside the values the model allows it, [%s, %s] (%s)", what, name,
          format.exact(b[1]), format.exact(b[2]), format.exact(decl[1]), format.exact(decl[2]), tostring(decl.why))
      end
      list[#list + 1] = { name = name, lo = b[1], hi = b[2], el = el }
    end
  end
  table.sort(list, function(a, b) return a.name < b.name end)
  if #list == 0 then fail("usage", "%s: no parameter to fit (give params = { name = {lo, hi} })", what) end
  return list
end

local function years_of(spec, plan, model, what)
  local years = spec.years
  if years == nil then   -- every year with an actual, up to the model's last
    local seen = {}
    years = {}
    for _, id in ipairs(model:indicator_ids(plan)) do
      for _, y in ipairs(plan:years(id, "actual")) do
        if not seen[y] and y <= model.last_year then seen[y] = true; years[#years + 1] = y end
      end
    end
  end
  if type(years) ~= "table" or #years == 0 then fail("usage", "%s: years: a list of years expected", what) end
  local out, seen = {}, {}
  for _, y in ipairs(years) do
    if math.type(y) ~= "integer" then fail("usage", "%s: years: %s is not a whole year", what, tostring(y)) end
    if not seen[y] then seen[y] = true; out[#out + 1] = y end
  end
  table.sort(out)
  return out
end

local function label_of(plan)
  local ok, t = pcall(plan.title, plan)
  return ok and t or "the plan"
end

--- run(model, spec) -> a Fit. spec: plan (required), params = { name = {lo, hi} | true } (true:
--- the range of its judgement distribution; default: the model's calibrate_params, else every param
--- with a judgement distribution, within its range), years = {...} (default: every year with
--- an actual), weights = { indicator_id = w >= 0 } (default 1), set = { name = value } (fixed
--- overrides, e.g. a start-year GDP), max_iter, plan_label (the plan's name in labels).
function M.run(model, spec)
  if type(spec) ~= "table" then error("calibrate: a table { plan =, params =, years = } expected", 2) end
  local plan = spec.plan
  if plan == nil or type(plan) ~= "userdata" and type(plan) ~= "table" then
    fail("usage", "calibrate: plan = a loaded plan (tuiyan.plan.load) expected")
  end
  local plan_label = spec.plan_label or label_of(plan)
  local what = "calibrate " .. plan_label
  local years = years_of(spec, plan, model, what)
  local first, last = years[1], years[#years]
  if model.first_year ~= first and model.with_first_year then model = model.with_first_year(first) end
  if first < model.first_year or last > model.last_year then
    fail("usage", "%s: years %d–%d are outside model %s's %d–%d (a model that can start earlier sets with_first_year)",
      what, first, last, model.name, model.first_year, model.last_year)
  end
  local start = model.first_year
  local starts = model:starts()
  local starts_by_param = {}
  for id, p in pairs(starts) do starts_by_param[p] = id end
  local params = fit_params(model, spec, starts_by_param, what)

  -- Fixed overrides: starting points from the plan's first year, then spec.set.
  local base, notes, started = {}, {}, {}
  local ids = {}
  for id in pairs(starts) do ids[#ids + 1] = id end
  table.sort(ids)
  for _, id in ipairs(ids) do
    local v = plan:has(id) and plan:actual(id, start) or nil
    if v ~= nil then
      base[#base + 1] = { starts[id], v }
      started[id] = true
    elseif plan:has(id) then
      notes[#notes + 1] = ("%s has no actual for %d: its starting point %s stays at the model's %s"):format(
        id, start, starts[id], format.value(model:element(starts[id]).body))
    end
  end
  if spec.set ~= nil then
    local names = {}
    for k in pairs(spec.set) do names[#names + 1] = k end
    table.sort(names)
    for _, k in ipairs(names) do
      local el = model:element(k)
      if el == nil or (el.kind ~= "param" and el.kind ~= "lever") then
        fail("usage", "%s: set: no parameter named '%s'%s", what, k, suggest(model, k))
      end
      for _, p in ipairs(params) do
        if p.name == k then fail("usage", "%s: '%s' is both fitted and set", what, k) end
      end
      local why = model.check_value and model:check_value(k, spec.set[k])
      if why then fail("usage", "%s: set: %s", what, why) end
      base[#base + 1] = { k, spec.set[k] }
    end
  end

  -- Observations: indicator-years with an actual, after the start year (or in it, where the start
  -- was not the plan's), trend-only indicators left out.
  local weights = spec.weights or {}
  if type(weights) ~= "table" then fail("usage", "%s: weights must be a table { indicator_id = w }", what) end
  local mapping = model:indicators()
  for id, w in pairs(weights) do
    if not mapping[id] then fail("usage", "%s: weights: '%s' is not an indicator of model %s", what, tostring(id), model.name) end
    if not finite(w) or w < 0 then fail("usage", "%s: weights: %s must be a number >= 0", what, id) end
  end
  local inyear = {}
  for _, y in ipairs(years) do inyear[y] = true end
  local obs, indicators = {}, {}
  for _, id in ipairs(model:indicator_ids(plan)) do
    local el = model:element(mapping[id])
    local w = weights[id] or 1
    if not el.opts.trend_only and w > 0 then
      local info = plan:info(id)
      local ind = { id = id, element = mapping[id], name = info.name, unit = info.unit, weight = w, actual = {} }
      for _, y in ipairs(plan:years(id, "actual")) do
        local a = plan:actual(id, y)
        if inyear[y] then ind.actual[y] = a end
        if inyear[y] and (y > start or not started[id]) then
          if a == 0 then
            notes[#notes + 1] = ("%s %d: the actual is 0, so it has no relative error; left out"):format(id, y)
          else
            obs[#obs + 1] = { id = id, element = mapping[id], year = y, actual = a, w = w, sw = math.sqrt(w), ind = ind }
          end
        end
      end
      indicators[#indicators + 1] = ind
    end
  end
  if #obs <= #params then
    fail("data", "%s: %d indicator-year%s of actuals in %d–%d after the start year; fitting %d parameter%s needs more than that",
      what, #obs, #obs == 1 and "" or "s", first, last, #params, #params == 1 and "" or "s")
  end

  local compiled = model:compile()
  local function overrides(x)
    local o = {}
    for i, b in ipairs(base) do o[i] = b end
    for j, p in ipairs(params) do o[#o + 1] = { p.name, x[j] } end
    return o
  end
  local function values(x)
    local vals, fy = compiled:run_single(overrides(x))
    return vals, fy
  end
  local fn = function(x)
    local vals, fy = values(x)
    local r = {}
    for k, o in ipairs(obs) do
      local v = vals[o.element][o.year - fy + 1]
      r[k] = o.sw * (v - o.actual) / o.actual
    end
    return r
  end
  local x0, lo, hi = {}, {}, {}
  for j, p in ipairs(params) do
    lo[j], hi[j] = p.lo, p.hi
    x0[j] = math.min(math.max(p.el.body, p.lo), p.hi)
  end
  local raw = optim.lsq{ x0 = x0, lo = lo, hi = hi, m = #obs, fn = fn, max_iter = spec.max_iter }

  -- The fit, in the model's and the plan's terms.
  local fit = setmetatable({ model = model.name, plan = plan_label, years = { first, last }, start = start,
    label = ("fitted from %s years %d–%d"):format(plan_label, first, last),
    objective = raw.f, sigma2 = raw.sigma2 == raw.sigma2 and raw.sigma2 or nil, dof = raw.dof,
    iterations = raw.iterations, evaluations = raw.evaluations, converged = raw.converged, why = raw.why,
    params = {}, residuals = {}, indicators = indicators, notes = notes, observations = #obs,
    source = require("tuiyan.html").plan_source(plan) }, M.Fit)
  for j, p in ipairs(params) do
    local se = raw.se[j]
    fit.params[j] = { name = p.name, unit = p.el.unit, estimate = raw.x[j], se = (se == se) and se or nil,
      lo = p.lo, hi = p.hi, default = p.el.body, state = raw.state[j],
      note = p.el.opts.assumption }
  end
  -- Correlations between the estimates (where both have a standard error): Monte Carlo draws each
  -- fitted parameter on its own, so the report names the strongest one it does not keep.
  fit.correlation = {}
  for i = 1, #params do
    fit.correlation[i] = {}
    for j = 1, #params do
      local si, sj = fit.params[i].se, fit.params[j].se
      fit.correlation[i][j] = (si and sj and si > 0 and sj > 0) and raw.cov[i][j] / (si * sj) or nil
    end
  end
  local vals, fy = values(raw.x)
  for k, o in ipairs(obs) do
    local v = vals[o.element][o.year - fy + 1]
    fit.residuals[k] = { id = o.id, name = o.ind.name, unit = o.ind.unit, year = o.year, actual = o.actual,
      fitted = v, rel = (v - o.actual) / o.actual, weight = o.w }
  end
  for _, ind in ipairs(indicators) do
    ind.fitted = {}
    for y = first, last do ind.fitted[y] = vals[ind.element][y - fy + 1] end
  end
  return fit
end

-- ---------------------------------------------------------------------------------------------
-- The fit as a result

local Fit = {}
Fit.__index = Fit
Fit.__name = "tuiyan.Fit"
M.Fit = Fit

local STATE_TEXT = { free = "", lo = "at lower bound (binds)", hi = "at upper bound (binds)",
  unidentified = "not identified by these data" }

function Fit:__tostring() return "calibration " .. self.label end

--- param(name) -> the fitted parameter's row, or nil.
function Fit:param(name)
  for _, p in ipairs(self.params) do if p.name == name then return p end end
  return nil
end

local function pm(p)
  if p.se == nil then return STATE_TEXT[p.state] ~= "" and STATE_TEXT[p.state] or "no se" end
  return "± " .. format.value(p.se, 4) .. (p.state ~= "free" and (" " .. STATE_TEXT[p.state]) or "")
end

--- params_table() -> a Tabular of the fitted parameters.
function Fit:params_table()
  local tabular = require "tuiyan.tabular"
  local num = function(v) return v == nil and format.MISSING or require("tuiyan._mcreport").num(v) end
  local t = tabular.new{ title = ("Fitted parameters, %s / 参数校准"):format(self.label), columns = {
    { key = "name", title = "parameter 参数" },
    { key = "estimate", title = "estimate 估计", align = "right", fmt = num },
    { key = "se", title = "se 标准误", align = "right", fmt = num },
    { key = "lo", title = "lower", align = "right", fmt = num },
    { key = "hi", title = "upper", align = "right", fmt = num },
    { key = "default", title = "judgement 原假设", align = "right", fmt = num },
    { key = "unit", title = "unit" },
    { key = "status", title = "status 状态" },
  } }
  for _, p in ipairs(self.params) do
    t:add{ name = p.name, estimate = p.estimate, se = p.se, lo = p.lo, hi = p.hi, default = p.default,
      unit = p.unit, status = p.se and STATE_TEXT[p.state] or STATE_TEXT[p.state] }
  end
  t:note(("Weighted least squares on relative errors over %d indicator-years, %d–%d (the model starts in %d at the plan's %d actuals): "
    .. "sum of squares %s, %d degrees of freedom, %d iterations, %s (%s).")
    :format(self.observations, self.years[1], self.years[2], self.start, self.start, require("tuiyan._mcreport").num(self.objective),
      self.dof, self.iterations, self.converged and "converged" or "NOT converged", self.why))
  t:note("se: standard error from s²(JᵀJ)⁻¹ at the estimate (s² = sum of squares / degrees of freedom); a bound that binds, or a parameter the data do not move, has none.")
  local best, bi, bj = nil, nil, nil
  for i = 1, #self.params do
    for j = i + 1, #self.params do
      local r = self.correlation and self.correlation[i][j]
      if r and (best == nil or math.abs(r) > math.abs(best)) then best, bi, bj = r, i, j end
    end
  end
  if best then
    t:note(("Strongest correlation between two estimates: %s and %s, r = %.3f. Monte Carlo keeps the correlations when it draws through fit:draws (as scenarios/wuwei_uncertainty.lua FIT.json does); fit:uncertain() alone draws each parameter on its own.")
      :format(self.params[bi].name, self.params[bj].name, best))
  end
  for _, n in ipairs(self.notes) do t:note(n) end
  return t
end

--- residuals_table() -> a Tabular: every indicator-year, actual, fitted, relative error.
function Fit:residuals_table()
  local tabular = require "tuiyan.tabular"
  local t = tabular.new{ title = ("Residuals, %s / 拟合残差"):format(self.label), columns = {
    { key = "id", title = "id", machine = true },
    { key = "name", title = "指标 indicator" },
    { key = "year", title = "年", align = "right", fmt = function(v) return tostring(v) end },
    { key = "actual", title = "actual 实际", align = "right", unit = function(r) return r.unit end },
    { key = "fitted", title = "fitted 拟合", align = "right", unit = function(r) return r.unit end },
    { key = "rel", title = "error 误差", align = "right", fmt = function(v)
      local txt = ("%+.2f%%"):format(v * 100)
      return (txt == "-0.00%" or txt == "+0.00%") and "0.00%" or txt
    end },
    { key = "weight", title = "weight", align = "right" },
    { key = "unit", title = "unit", machine = true },
  } }
  for _, r in ipairs(self.residuals) do
    t:add{ id = r.id, name = r.name, year = r.year, actual = r.actual, fitted = r.fitted, rel = r.rel,
      weight = r.weight, unit = r.unit }
  end
  t:note("error: (fitted - actual) / actual, the quantity the fit minimises (squared, weighted).")
  return t
end

function Fit:to_text()
  return self:params_table():to_text() .. "\n" .. self:residuals_table():to_text()
end

function Fit:to_md()
  return self:params_table():to_md() .. "\n" .. self:residuals_table():to_md()
end

--- xlsx_sheets() -> the parameters and the residuals, a sheet each.
function Fit:xlsx_sheets()
  return { { name = "parameters", table = self:params_table() }, { name = "residuals", table = self:residuals_table() } }
end

function Fit:to_xlsx() return require("tuiyan.xlsx").workbook(self) end

--- to_csv(): a fit is two tables and a CSV holds one, so this refuses (exit 2) rather than write
--- half of it: emit fit:params_table() and fit:residuals_table(), or tuiyan.report.bundle{ {"params",
--- fit:params_table()}, {"residuals", fit:residuals_table()} } (one file each with --out).
function Fit:to_csv()
  fail("usage", "a calibration has two tables (parameters, residuals) and a CSV file one: write fit:params_table() and fit:residuals_table(), or a report.bundle of them with --out DIR")
end

--- charts() -> { {id =, chart = Chart} }: fitted against actual, one per indicator.
function Fit:charts()
  local svg = require "tuiyan.svg"
  local out = {}
  for _, ind in ipairs(self.indicators) do
    local actual, fitted = {}, {}
    for y = self.years[1], self.years[2] do
      if ind.actual[y] ~= nil then actual[#actual + 1] = { y, ind.actual[y] } end
      fitted[#fitted + 1] = { y, ind.fitted[y] }
    end
    if #actual > 0 then
      local title = ("%s: fitted against actual"):format(ind.name)
      out[#out + 1] = { id = ind.id, chart = svg.chart(title, svg.line{ title = title, unit = ind.unit,
        series = { { name = "actual 实际", points = actual, style = "dotted", dots = true },
          { name = "fitted 拟合", points = fitted, style = "solid" } } }) }
    end
  end
  return out
end

function Fit:html_sections()
  local html = require "tuiyan.html"
  local figures = {}
  for _, c in ipairs(self:charts()) do figures[#figures + 1] = html.figure(c.chart.svg) end
  local secs = {}
  for _, t in ipairs{ self:params_table(), self:residuals_table() } do
    for _, s in ipairs(t:html_sections()) do secs[#secs + 1] = s end
  end
  table.insert(secs, 2, { title = "Fitted against actual / 拟合与实际", html = html.charts(figures) })
  return secs
end

function Fit:to_html()
  return require("tuiyan.html").document{ title = "Calibration / 参数校准: " .. self.label,
    sections = self:html_sections(), sources = self.source and { self.source } or nil }
end

local function jnum(x) if x == nil or x ~= x then return json.null end return x end
local function ordered(t, order) return setmetatable(t, { __jsonorder = order }) end

--- to_json() -> the fitted-parameters file: what tuiyan.calibrate.load reads back for Monte Carlo.
function Fit:to_json()
  local params, residuals, corr = {}, {}, {}
  for i = 1, #self.params do
    local row = {}
    for j = 1, #self.params do row[j] = jnum(self.correlation and self.correlation[i][j]) end
    corr[i] = setmetatable(row, json.array_meta)
  end
  for i, p in ipairs(self.params) do
    params[i] = ordered({ name = p.name, estimate = p.estimate, se = jnum(p.se), lo = p.lo, hi = p.hi,
      state = p.state, default = p.default, unit = p.unit or json.null },
      { "name", "estimate", "se", "lo", "hi", "state", "default", "unit" })
  end
  for i, r in ipairs(self.residuals) do
    residuals[i] = ordered({ id = r.id, year = r.year, actual = r.actual, fitted = r.fitted, rel = r.rel, weight = r.weight },
      { "id", "year", "actual", "fitted", "rel", "weight" })
  end
  local obj = ordered({ kind = M.FILE_KIND, version = M.FILE_VERSION, label = self.label, model = self.model,
    plan = self.plan, plan_sha256 = self.source and self.source.sha256 or json.null, years = setmetatable({ self.years[1], self.years[2] }, json.array_meta), start = self.start,
    objective = self.objective, sigma2 = jnum(self.sigma2), dof = self.dof, observations = self.observations,
    iterations = self.iterations, evaluations = self.evaluations, converged = self.converged, why = self.why,
    params = setmetatable(params, json.array_meta), residuals = setmetatable(residuals, json.array_meta),
    correlation = setmetatable(corr, json.array_meta),
    notes = setmetatable({ table.unpack(self.notes) }, json.array_meta) },
    { "kind", "version", "label", "model", "plan", "plan_sha256", "years", "start", "objective", "sigma2", "dof", "observations",
      "iterations", "evaluations", "converged", "why", "params", "correlation", "residuals", "notes" })
  return json.encode(obj, true) .. "\n"
end

-- ---------------------------------------------------------------------------------------------
-- The fit in Monte Carlo

--- uncertain() -> { name = Dist }: each parameter with a standard error drawn from
--- Normal(estimate, se) truncated to its bounds, labelled with where it was fitted (mc.run's
--- `uncertain`, which replaces the judgement distributions of the same names).
function Fit:uncertain()
  local mc = require "tuiyan.mc"
  local out = {}
  for _, p in ipairs(self.params) do
    if p.se ~= nil and p.se > 0 then
      local num = require("tuiyan._mcreport").num
      out[p.name] = mc.normal(p.estimate, p.se, { lo = p.lo, hi = p.hi,
        assumption = ("%s: %s ± %s (1 se), kept within %s–%s"):format(self.label, num(p.estimate), num(p.se), num(p.lo), num(p.hi)) })
    end
  end
  return out
end

--- fixed() -> { name = estimate } for the fitted parameters whose bound binds: fixed at the
--- estimate rather than drawn. One the data do not identify is neither fixed nor drawn from the
--- fit: it keeps its judgement distribution (the fit says nothing about it).
function Fit:fixed()
  local out = {}
  for _, p in ipairs(self.params) do
    if (p.state == "lo" or p.state == "hi") and not (p.se ~= nil and p.se > 0) then out[p.name] = p.estimate end
  end
  return out
end

-- Cholesky factor (lower) of a correlation matrix, or nil when it is not positive definite.
local function cholesky(R)
  local n, Lc = #R, {}
  for i = 1, n do
    Lc[i] = {}
    for j = 1, i do
      local s = R[i][j]
      for k = 1, j - 1 do s = s - Lc[i][k] * Lc[j][k] end
      if i == j then
        if not (s > 1e-12) then return nil end
        Lc[i][i] = math.sqrt(s)
      else
        Lc[i][j] = s / Lc[j][j]
      end
    end
  end
  return Lc
end

--- draws{ scenario =, samples =, seed =, lhs = } -> Draws for mc.run{ draws = } (and every run of
--- the same uncertain parameters): what mc.draw gives with uncertain = fit:uncertain(), then the
--- fitted parameters made to carry the fit's correlations. A Gaussian copula: each draw x goes to
--- z = Φ⁻¹(F(x)) by its own truncated normal F, the z's of a sample are mixed by the Cholesky factor
--- of the correlations, and each goes back by F⁻¹(Φ(z)); each parameter keeps its distribution,
--- and the samples' correlations follow the fit's (exactly before truncation).
function Fit:draws(spec)
  local mc = require "tuiyan.mc"
  spec = spec or {}
  local u = self:uncertain()
  local d = mc.draw{ scenario = spec.scenario, samples = spec.samples, seed = spec.seed, lhs = spec.lhs, uncertain = u }
  local cols = {}
  for pos, name in ipairs(d.names) do
    for j, p in ipairs(self.params) do
      if p.name == name and u[name] then cols[#cols + 1] = { pos = pos, j = j, dist = u[name] } end
    end
  end
  if #cols < 2 or not self.correlation then return d end
  local R = {}
  for a, ca in ipairs(cols) do
    R[a] = {}
    for b, cb in ipairs(cols) do R[a][b] = a == b and 1 or (self.correlation[ca.j][cb.j] or 0) end
  end
  local Lc = cholesky(R)
  if not Lc then fail("data", "%s: the fit's correlations are not positive definite; draw without them", self.label) end
  local std, lo, hi = mc.normal(0, 1), 1e-15, 1 - 1e-15
  local z = {}
  for i = 1, d.samples do
    for a, c in ipairs(cols) do
      z[a] = std:quantile(math.min(math.max(c.dist:cdf(d.native:get(c.pos, i)), lo), hi))
    end
    for a, c in ipairs(cols) do
      local s = 0
      for b = 1, a do s = s + Lc[a][b] * z[b] end
      d.native:set(c.pos, i, c.dist:quantile(math.min(math.max(std:cdf(s), lo), hi)))
    end
  end
  return d
end

--- apply(scenario) -> the scenario with the fit's fixed parameters set (same name; its label says
--- where the fit came from). With mc.run{ uncertain = fit:uncertain() } the whole fit is in use.
function Fit:apply(scenario)
  local set = self:fixed()
  return scenario:derive{ name = scenario.name, set = set,
    label = (scenario.label and (scenario.label .. "; ") or "") .. "parameters " .. self.label }
end

--- load(path) -> a Fit from a file written by to_json (`tuiyan calibrate ... --format json`, or
--- the fit.json `tuiyan calibrate --out DIR` writes). Bad files stop with exit 3, naming the file.
function M.load(path)
  local f, err = io.open(path, "rb")
  if not f then fail("data", "%s: cannot read the fit file: %s", path, tostring(err)) end
  local text = f:read("a")
  f:close()
  require("tuiyan.report").input(path, text)
  local ok, obj = pcall(json.decode, text, path)
  if not ok then error(obj, 0) end
  if type(obj) ~= "table" or obj.kind ~= M.FILE_KIND then
    fail("data", "%s: not a tuiyan calibration file (no \"kind\": \"%s\")", path, M.FILE_KIND)
  end
  if obj.version ~= M.FILE_VERSION then fail("data", "%s: calibration file version %s; this tuiyan reads %d", path, tostring(obj.version), M.FILE_VERSION) end
  if type(obj.params) ~= "table" or #obj.params == 0 then fail("data", "%s: \"params\" must list the fitted parameters", path) end
  local fit = setmetatable({ model = obj.model, plan = obj.plan, label = obj.label, years = obj.years, start = obj.start,
    objective = obj.objective, dof = obj.dof, iterations = obj.iterations, converged = obj.converged, why = obj.why,
    params = {}, residuals = {}, indicators = {}, notes = {}, observations = obj.observations }, Fit)
  if type(fit.label) ~= "string" then fail("data", "%s: \"label\" must be a string", path) end
  if obj.correlation ~= nil then   -- rows of numbers or null, one per parameter
    local c = obj.correlation
    local ok = type(c) == "table" and #c == #obj.params
    fit.correlation = {}
    for i = 1, ok and #c or 0 do
      if type(c[i]) ~= "table" or #c[i] ~= #obj.params then ok = false break end
      fit.correlation[i] = {}
      for j = 1, #c[i] do
        local r = c[i][j]
        if r == json.null then r = nil
        elseif not (finite(r) and r >= -1 - 1e-9 and r <= 1 + 1e-9) then ok = false end
        fit.correlation[i][j] = r
      end
    end
    if not ok then fail("data", "%s: \"correlation\" must be %d rows of %d numbers in [-1, 1] or null", path, #obj.params, #obj.params) end
  end
  for i, p in ipairs(obj.params) do
    local se = p.se ~= json.null and p.se or nil
    if type(p.name) ~= "string" or not finite(p.estimate) or not finite(p.lo) or not finite(p.hi)
        or (se ~= nil and not (finite(se) and se >= 0)) or p.lo > p.hi or p.estimate < p.lo or p.estimate > p.hi then
      fail("data", "%s: params[%d]: name, estimate within lo..hi, lo, hi and se (a number >= 0 or null) expected", path, i)
    end
    fit.params[i] = { name = p.name, estimate = p.estimate, se = se, lo = p.lo, hi = p.hi, state = p.state or "free",
      default = p.default, unit = p.unit ~= json.null and p.unit or nil }
  end
  return fit
end

return M
