-- tuiyan.mc — uncertainty (DOMAIN §5): distributions on parameters, Monte Carlo runs giving per
-- indicator and year the mean, spread, quantiles and the probability of meeting each target, and
-- one-at-a-time sensitivity (tornado data, elasticities). The sampling, the model runs and the
-- summaries happen in C (src/core/mc.c), chunk by chunk, with no Lua in the loop.
--
--   local mc = tuiyan.mc
--   m:param("gdp_growth", 0.055, { unit = "1", dist = mc.normal(0.055, 0.01, { lo = 0,
--     assumption = "±1 point a year: nominal growth has varied by that much" }) })
--   local r = mc.run{ scenarios = { base, both }, plan = plan, years = { 2025 } }
--   r:probability("rd_intensity", 2025, "both")       --> 0.31
--   local t = mc.tornado{ scenario = base, output = "rd_intensity", year = 2025 }
--
-- Rules worth knowing:
--   * Samples and seed come from the spec, else --samples / --seed, else 10,000 and seed 1. The
--     same seed gives every scenario the same draws (a paired comparison), and each parameter
--     draws from its own stream named after it, so adding an uncertain parameter leaves the
--     others' draws unchanged.
--   * A parameter the scenario sets (or --set sets) is fixed at that value, not sampled: a
--     scenario states what it assumes, and --set NAME=VALUE pins a parameter for a run.
--   * One draw per sample for the whole horizon: parameters are uncertain, not noisy by year.
--   * Quantiles are exact while tracked series × samples fit 8,388,608 values (64 MB), else read
--     from a log-linear histogram within 2^-13 (0.012 %) relative; the result says which.
--     quantiles = false keeps only moments and target counts (no quantiles, min or max).
--   * Results are identical for any number of threads (threads = N or TUIYAN_THREADS=N).
--   * Shards of samples (`tuiyan run --samples-range A..B`, lua/batch.lua sets M._sampling): each
--     run draws and summarises samples A..B-1 of the whole run only and hands its mergeable state
--     to sampling.state; `tuiyan merge` replays the script with sampling.replay giving the states
--     of every range, merged in C into exactly the result of one run of all the samples.
local native = require "_tuiyan.mc"
local dm = require "_tuiyan.detmath"   -- exp/log/pow with the same bits on every CPU
local report = require "tuiyan._mcreport"

local M = {}

M.PROBS = { 0.05, 0.25, 0.5, 0.75, 0.95 }
M.DEFAULT_SAMPLES = 10000
M.DEFAULT_SEED = 1

-- ---------------------------------------------------------------------------------------------
-- Distributions

local Dist = {}
Dist.__index = Dist
Dist.__name = "tuiyan.Dist"

local function argnum(v, i, fname)
  if type(v) ~= "number" then
    error(("bad argument #%d to '%s' (number expected, got %s)"):format(i, fname, type(v)), 3)
  end
  return v
end

local OPT_KEYS = { lo = true, hi = true, assumption = true }

local function make(fname, spec, opts, argi)
  if opts ~= nil and type(opts) ~= "table" then
    error(("bad argument #%d to '%s' (table of options expected, got %s)"):format(argi, fname, type(opts)), 3)
  end
  opts = opts or {}
  for k in pairs(opts) do
    if not OPT_KEYS[k] then error(("%s: unknown option '%s' (lo, hi, assumption)"):format(fname, tostring(k)), 3) end
  end
  if opts.lo ~= nil then argnum(opts.lo, argi, fname) end
  if opts.hi ~= nil then argnum(opts.hi, argi, fname) end
  spec.lo, spec.hi, spec.assumption = opts.lo, opts.hi, opts.assumption
  local d = setmetatable(spec, Dist)
  local ok, err = pcall(native.check, d)
  if not ok then error(tostring(err), 3) end
  return d
end

--- normal(mean, sd [, {lo =, hi =, assumption =}])
function M.normal(mean, sd, opts)
  argnum(mean, 1, "normal"); argnum(sd, 2, "normal")
  return make("normal", { kind = "normal", a = mean, b = sd, mean = mean, sd = sd }, opts, 3)
end

--- lognormal(mean, sd [, opts]): mean and sd of the value itself (not of its log), mean > 0.
function M.lognormal(mean, sd, opts)
  argnum(mean, 1, "lognormal"); argnum(sd, 2, "lognormal")
  if not (mean > 0 and sd > 0) then
    error(("lognormal: mean and sd must be > 0, got %s and %s"):format(mean, sd), 2)
  end
  local cv = sd / mean
  local s2 = dm.log(1 + cv * cv)
  return make("lognormal", { kind = "lognormal", a = dm.log(mean) - s2 / 2, b = math.sqrt(s2),
    mean = mean, sd = sd }, opts, 3)
end

--- uniform(lower, upper [, opts])
function M.uniform(lower, upper, opts)
  argnum(lower, 1, "uniform"); argnum(upper, 2, "uniform")
  return make("uniform", { kind = "uniform", a = lower, b = upper }, opts, 3)
end

--- triangular(lower, mode, upper [, opts])
function M.triangular(lower, mode, upper, opts)
  argnum(lower, 1, "triangular"); argnum(mode, 2, "triangular"); argnum(upper, 3, "triangular")
  return make("triangular", { kind = "triangular", a = lower, c = mode, b = upper }, opts, 4)
end

function M.is_dist(x) return getmetatable(x) == Dist end

--- d:quantile(p) -> the value with probability p below it (0 < p < 1).
function Dist:quantile(p) return native.quantile(self, p) end
--- d:cdf(x) -> P(X <= x).
function Dist:cdf(x) return native.cdf(self, x) end
--- d:sample(n [, seed [, lhs]]) -> { x1, ..., xn }, as a run would draw them.
function Dist:sample(n, seed, lhs) return native.sample(self, n, seed or M.DEFAULT_SEED, lhs and true or false) end

local fmt = report.num

--- d:describe() -> "normal(mean 0.055, sd 0.01) on [0, 0.1]"
function Dist:describe()
  local s
  if self.kind == "normal" or self.kind == "lognormal" then
    s = ("%s(mean %s, sd %s)"):format(self.kind, fmt(self.mean), fmt(self.sd))
  elseif self.kind == "uniform" then
    s = ("uniform(%s, %s)"):format(fmt(self.a), fmt(self.b))
  else
    s = ("triangular(%s, %s, %s)"):format(fmt(self.a), fmt(self.c), fmt(self.b))
  end
  if self.lo or self.hi then
    s = s .. (" on [%s, %s]"):format(self.lo and fmt(self.lo) or "-inf", self.hi and fmt(self.hi) or "inf")
  end
  return s
end
Dist.__tostring = Dist.describe

-- ---------------------------------------------------------------------------------------------
-- Uncertain parameters of a model

--- uncertain(model [, extra]) -> { {name =, dist =, note =, base =}, ... } in definition order:
--- every param or lever with a `dist` option, then `extra` ({ name = dist }, sorted by name),
--- which adds or replaces distributions without editing the model.
function M.uncertain(model, extra)
  local list, index = {}, {}
  local function add(name, d, note)
    local el = model:element(name)
    if el == nil or (el.kind ~= "param" and el.kind ~= "lever") then
      error(("mc: '%s' is not a parameter or lever of model %s"):format(name, model.name), 4)
    end
    if not M.is_dist(d) then
      error(("mc: the distribution of '%s' must be made by tuiyan.mc.normal, lognormal, uniform or triangular"):format(name), 4)
    end
    if type(el.body) ~= "number" then
      error(("mc: '%s' has a distribution, so its default must be one number, not a series"):format(name), 4)
    end
    local item = { name = name, dist = d, note = d.assumption or el.opts.assumption, base = el.body }
    if index[name] then list[index[name]] = item
    else list[#list + 1] = item; index[name] = #list end
  end
  for _, el in ipairs(model.elements) do
    if el.opts.dist ~= nil then add(el.name, el.opts.dist, nil) end
  end
  if extra then
    local names = {}
    for k in pairs(extra) do names[#names + 1] = k end
    table.sort(names)
    for _, k in ipairs(names) do add(k, extra[k]) end
  end
  return list
end

-- The scenario's overrides, and the uncertain parameters it does not fix.
local function layered(scen, uncertain)
  local overrides = scen:overrides()
  local fixed = {}
  for _, o in ipairs(overrides) do fixed[o[1]] = true end
  local params, pinned = {}, {}
  for _, u in ipairs(uncertain) do
    if fixed[u.name] then pinned[#pinned + 1] = u.name
    else params[#params + 1] = { name = u.name, dist = u.dist, base = u.base } end
  end
  return overrides, params, pinned
end

local function options()
  local tuiyan = require "tuiyan"
  return tuiyan.options or {}
end

local function threads(spec)
  if spec.threads then return spec.threads end
  local env = os.getenv and os.getenv("TUIYAN_THREADS")
  local n = env and math.tointeger(tonumber(env))
  return (n and n >= 1) and n or 1
end

-- What to track: { {id =, element =}, ... } from spec.track (indicator ids or element names), or
-- every indicator the model maps (in the plan's order with a plan, else by id).
local function tracked(model, plan, track)
  local mapping = model:indicators()
  local out = {}
  if track then
    for _, t in ipairs(track) do
      if mapping[t] then out[#out + 1] = { id = t, element = mapping[t] }
      elseif model:element(t) then out[#out + 1] = { id = t, element = t }
      else error(("mc.run: '%s' is neither an indicator nor an element of model %s"):format(t, model.name), 3) end
    end
    return out
  end
  for _, id in ipairs(model:indicator_ids(plan)) do out[#out + 1] = { id = id, element = mapping[id] } end
  return out
end

local function default_years(model, plan, track)
  local years, seen = {}, {}
  if plan then
    for _, t in ipairs(track) do
      if report.info(plan, t.id) then
        for y = model.first_year, model.last_year do
          if plan:target(t.id, y) ~= nil and not seen[y] then seen[y] = true; years[#years + 1] = y end
        end
      end
    end
    table.sort(years)
  end
  if #years == 0 then for y = model.first_year, model.last_year do years[#years + 1] = y end end
  return years
end

--- run{ scenario = s | scenarios = {s1, s2, ...}, plan =, track = {...}, years = {...},
---      samples =, seed =, lhs =, threads =, quantiles = {0.05, ...} | false, uncertain = {name = dist},
---      exact_budget =, draws = (from mc.draw), table_years = {...} } -> a Result (to_text, to_csv,
---      to_json, to_md, to_html, get, probability, fan, chart, charts). table_years: the years the
---      tables show (default every one of `years`); CSV, JSON and the charts have them all.
function M.run(spec)
  assert(type(spec) == "table", "mc.run: a table { scenario =, ... } expected")
  local scens = spec.scenarios or { spec.scenario }
  if #scens == 0 then error("mc.run: a scenario or scenarios = {...} expected", 2) end
  local model = scens[1].model
  for i, s in ipairs(scens) do
    if s.model ~= model then error(("mc.run: scenario %d is of another model"):format(i), 2) end
  end
  local opts = options()
  local samples = spec.samples or opts.samples or M.DEFAULT_SAMPLES
  local seed = spec.seed or opts.seed or M.DEFAULT_SEED
  local probs = spec.quantiles == false and {} or (spec.quantiles or M.PROBS)
  local plan = spec.plan
  local uncertain = M.uncertain(model, spec.uncertain)
  local track = tracked(model, plan, spec.track)
  local years = spec.years or default_years(model, plan, track)
  for _, y in ipairs(spec.table_years or {}) do
    local found = false
    for _, x in ipairs(years) do if x == y then found = true end end
    if not found then error(("mc.run: table year %s is not among the years summarised"):format(tostring(y)), 2) end
  end
  local elements = {}
  for i, t in ipairs(track) do elements[i] = t.element end
  -- Targets: the plan's, for every tracked indicator and summarised year that has one.
  local targets, target_of = {}, {}
  if plan then
    for k, t in ipairs(track) do
      local info = report.info(plan, t.id)
      for _, y in ipairs(years) do
        local v = info and plan:target(t.id, y)
        if v ~= nil then
          targets[#targets + 1] = { track = k, year = y, value = v, down = info.direction == "down" }
          target_of[k .. ":" .. y] = #targets
        end
      end
    end
  end
  local compiled = model:compile()
  local runs = {}
  for i, scen in ipairs(scens) do
    local overrides, params, pinned = layered(scen, uncertain)
    local draws
    if spec.draws then draws = spec.draws:_for(params, samples) end
    local call = { overrides = overrides, params = params, samples = samples,
      seed = seed, lhs = spec.lhs and true or false, threads = threads(spec), track = elements,
      years = years, targets = targets, probs = probs, exact_budget = spec.exact_budget, draws = draws }
    local raw
    local sampling = M._sampling
    if sampling and sampling.replay then
      raw = native.merge(compiled, call, sampling.replay(samples))
    elseif sampling and sampling.range then
      local a, b = sampling.range[1], math.min(sampling.range[2], samples)
      if a >= samples then
        error(require("_tuiyan.host").error(require("_tuiyan.host").exit.usage,
          ("--samples-range %d..%d: this Monte Carlo run has only %d samples"):format(sampling.range[1],
            sampling.range[2], samples)), 0)
      end
      call.range = { a, b }
      raw = native.run(compiled, call)
      sampling.state(raw.state)
      raw.state = nil
    else
      raw = native.run(compiled, call)
    end
    runs[i] = { scenario = scen, raw = raw, pinned = pinned }
  end
  return report.result{ model = model, plan = plan, scenarios = scens, runs = runs, track = track,
    years = years, probs = probs, targets = targets, target_of = target_of, samples = samples,
    seed = seed, lhs = spec.lhs and true or false, uncertain = uncertain, title = spec.title,
    table_years = spec.table_years }
end

-- ---------------------------------------------------------------------------------------------
-- Draws kept in memory: one draw shared by several runs, or written out for a benchmark

local Draws = {}
Draws.__index = Draws

--- draw{ scenario =, samples =, seed =, lhs =, uncertain = } -> Draws: the values a run of the
--- scenario would draw, params × samples, held in memory (samples × parameters × 8 bytes).
function M.draw(spec)
  local scen = spec.scenario
  local opts = options()
  local samples = spec.samples or opts.samples or M.DEFAULT_SAMPLES
  local _, params = layered(scen, M.uncertain(scen.model, spec.uncertain))
  local nat = native.draw_matrix{ params = params, samples = samples, seed = spec.seed or opts.seed or M.DEFAULT_SEED,
    lhs = spec.lhs and true or false }
  local names = {}
  for i, p in ipairs(params) do names[i] = p.name end
  return setmetatable({ native = nat, names = names, samples = samples }, Draws)
end

--- draws:bytes() -> the values as native-endian doubles, parameter-major.
function Draws:bytes() return self.native:bytes() end
--- draws:get(name, i) -> the value of parameter `name` in sample i.
function Draws:get(name, i)
  for p, n in ipairs(self.names) do if n == name then return self.native:get(p, i) end end
  error(("draws: no parameter '%s'"):format(name), 2)
end

function Draws:_for(params, samples)
  if samples ~= self.samples or #params ~= #self.names then
    error("mc.run: the draws were made for other parameters or another sample count", 3)
  end
  for i, p in ipairs(params) do
    if p.name ~= self.names[i] then error("mc.run: the draws were made for other parameters", 3) end
  end
  return self.native
end

-- ---------------------------------------------------------------------------------------------
-- Sensitivity

--- tornado{ scenario =, output = indicator id or element, year =, low = 0.1, high = 0.9,
---          plan =, uncertain = {name = dist}, step = 1e-4 } -> a Tornado: each uncertain
--- parameter alone at its low and high percentile (others at their base values), sorted by swing,
--- with elasticities at the base point.
function M.tornado(spec)
  assert(type(spec) == "table" and spec.scenario and spec.output and spec.year,
    "mc.tornado: { scenario =, output =, year = } expected")
  local scen = spec.scenario
  local model = scen.model
  local track = tracked(model, nil, { spec.output })[1]
  local overrides, params, pinned = layered(scen, M.uncertain(model, spec.uncertain))
  local low, high = spec.low or 0.1, spec.high or 0.9
  local raw = native.tornado(model:compile(), { overrides = overrides, params = params,
    output = track.element, year = spec.year, low = low, high = high, step = spec.step })
  return report.tornado{ model = model, plan = spec.plan, scenario = scen, output = track, year = spec.year,
    low = low, high = high, params = params, raw = raw, pinned = pinned, title = spec.title }
end

--- shard(list) -> the items of list this shard of a `tuiyan run --shard I/N` runs, in order (a new
--- table; outside a sharded run, all of them). Also tuiyan.shard. A script whose own text calls
--- tuiyan.shard( runs in every shard; item k of the run's units goes to shard (k - 1) % N + 1.
function M.shard(list)
  if type(list) ~= "table" then error("tuiyan.shard: a list expected, got " .. type(list), 2) end
  local ctx = M._shard_context
  if ctx then return ctx(list) end
  local out = {}
  for k = 1, #list do out[k] = list[k] end
  return out
end

M.Dist = Dist
M.now = native.now
M.peak_memory = native.peak_memory
return M
