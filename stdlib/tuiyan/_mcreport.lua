-- tuiyan._mcreport — the results of tuiyan.mc as objects a report can show: a Monte Carlo Result
-- (per indicator, year and scenario: the probability of meeting the target, mean, spread and
-- quantiles) and a Tornado (one-at-a-time swings and elasticities). Each has to_text, to_md,
-- to_csv, to_json and to_html; every list is in a fixed order (tracked indicators, years, scenarios;
-- tornado rows by swing, then name), never pairs() order.
local tabular = require "tuiyan.tabular"
local format = require "tuiyan.format"
local json = require "_tuiyan.json"

local M = {}

--- num(x) -> up to 6 significant digits, for parameters in notes ("0.055", "1.2e-05").
function M.num(x)
  if x == nil then return format.MISSING end
  local s = ("%.6g"):format(x)
  if s == "-0" then s = "0" end
  return s
end

local function pct(p)
  if p == nil then return format.MISSING end
  return ("%.1f%%"):format(p * 100)
end

local function qkey(p) return "p" .. M.num(p * 100) end
local function qtitle(p) return M.num(p * 100) .. "%" end

local function ordered(t, order) return setmetatable(t, { __jsonorder = order }) end

--- info(plan, id) -> the plan's row for id, or nil when the plan has no such indicator (plan:info
--- raises for an unknown id; tracked elements need not be plan indicators).
function M.info(plan, id)
  if plan == nil then return nil end
  for _, x in ipairs(plan:ids()) do if x == id then return plan:info(id) end end
  return nil
end
local function array(t) return setmetatable(t, json.array_meta) end
local function jnum(x) if x == nil then return json.null end return x end

-- ---------------------------------------------------------------------------------------------
-- Monte Carlo results

local Result = {}
Result.__index = Result
Result.__name = "tuiyan.McResult"

local function describe_indicator(model, plan, t)
  local info = M.info(plan, t.id)
  local el = model:element(t.element)
  return { name = info and info.name or t.id, unit = info and info.unit or (el.unit or ""),
    direction = info and info.direction or "up", trend_only = el.opts.trend_only and true or false }
end

--- result{...} (built by tuiyan.mc.run)
function M.result(r)
  local rows = {}
  local ny = #r.years
  for k, t in ipairs(r.track) do
    local d = describe_indicator(r.model, r.plan, t)
    for yi, y in ipairs(r.years) do
      local ti = r.target_of[k .. ":" .. y]
      local row = { id = t.id, element = t.element, name = d.name, unit = d.unit, direction = d.direction,
        trend_only = d.trend_only, year = y, target = ti and r.targets[ti].value or nil, per = {} }
      for i, run in ipairs(r.runs) do
        local s = run.raw.series[(k - 1) * ny + yi]
        local cell = { mean = s.mean, sd = s.sd, min = s.min, max = s.max, q = s.q }
        if ti then
          cell.met = run.raw.met[ti]
          cell.p = cell.met / r.samples
          cell.se = math.sqrt(cell.p * (1 - cell.p) / r.samples)
        end
        row.per[i] = cell
      end
      rows[#rows + 1] = row
    end
  end
  local exact, rel = true, 0
  for _, run in ipairs(r.runs) do
    if not run.raw.exact then exact = false end
    if run.raw.rel_error > rel then rel = run.raw.rel_error end
  end
  r.rows, r.exact, r.rel_error = rows, exact, rel
  return setmetatable(r, Result)
end

local function find_row(self, id, year)
  for _, row in ipairs(self.rows) do
    if (row.id == id or row.element == id) and row.year == year then return row end
  end
  error(("mc result: no '%s' in %s"):format(tostring(id), tostring(year)), 3)
end

local function scenario_index(self, name)
  if name == nil then return 1 end
  for i, s in ipairs(self.scenarios) do if s.name == name then return i end end
  error(("mc result: no scenario '%s'"):format(tostring(name)), 3)
end

--- get(id, year [, scenario]) -> { mean, sd, min, max, q = {...}, p, se, met } (p: probability of
--- meeting the target, nil without one). id: indicator id or element name.
function Result:get(id, year, scenario)
  local row = find_row(self, id, year)
  local cell = row.per[scenario_index(self, scenario)]
  local out = { target = row.target }
  for k, v in pairs(cell) do out[k] = v end
  for i, p in ipairs(self.probs) do out[qkey(p)] = cell.q[i] end
  return out
end

--- probability(id, year [, scenario]) -> the share of samples meeting the plan's target.
function Result:probability(id, year, scenario)
  return self:get(id, year, scenario).p
end

function Result:method_note()
  local how = self.lhs and "Latin hypercube sampling" or "simple random sampling"
  local q = self.exact and "quantiles exact"
    or ("quantiles from a log-linear histogram, within %.3g %% relative"):format(self.rel_error * 100)
  return ("%d samples, seed %d, %s; %s."):format(self.samples, self.seed, how, q)
end

function Result:notes(T)
  T:note(self:method_note())
  if #self.targets > 0 then
    T:note(("P(达标): share of samples meeting the plan's target (≥ target; ≤ where lower is better); "
      .. "its Monte Carlo standard error is at most %s points."):format(M.num(50 / math.sqrt(self.samples))))
  end
  T:note("† trend only: not explained by the model; held at the latest actual, so it does not vary.")
  T:note("Uncertain parameters (assumptions: the distributions are judgements, not estimates from data):")
  for _, u in ipairs(self.uncertain) do
    T:note(("  %s ~ %s: %s"):format(u.name, u.dist:describe(), u.note or "no reason given"))
  end
  for i, run in ipairs(self.runs) do
    if #run.pinned > 0 then
      T:note(("Fixed by scenario %s (not sampled): %s."):format(self.scenarios[i].name, table.concat(run.pinned, ", ")))
    end
  end
end

function Result:table()
  local cols = {
    { key = "name", title = "指标 indicator" },
    { key = "year", title = "年", align = "right" },
    { key = "target", title = "目标 target", align = "right" },
    { key = "scenario", title = "情景 scenario" },
    { key = "p", title = "P(达标)", align = "right", fmt = pct },
    { key = "mean", title = "均值 mean", align = "right", fmt = function(x) return format.value(x, 3) end },
  }
  for i, p in ipairs(self.probs) do
    cols[#cols + 1] = { key = "q" .. i, title = qtitle(p), align = "right", fmt = function(x) return format.value(x, 3) end }
  end
  local T = tabular.new{ title = self.title or
    ("Monte Carlo: the chance of meeting each target / 目标达成概率 (%d samples)"):format(self.samples), columns = cols }
  for _, row in ipairs(self.rows) do
    for i, s in ipairs(self.scenarios) do
      local cell = row.per[i]
      local r = { name = ("%s (%s)%s"):format(row.name, row.unit, row.trend_only and " †" or ""), year = row.year,
        target = row.target, scenario = s.name, p = cell.p, mean = cell.mean }
      for j in ipairs(self.probs) do r["q" .. j] = cell.q[j] end
      if i > 1 then r.blank = { name = true, year = true, target = true } end
      T:add(r)
    end
  end
  self:notes(T)
  return T
end

function Result:to_text() return self:table():to_text() end
function Result:to_md() return self:table():to_md() end
--- HTML: the table as a section of a report (report.bundle), or a document of its own.
function Result:html_sections() return self:table():html_sections() end
function Result:to_html() return self:table():to_html() end

--- CSV: one row per indicator, year and scenario, exact numbers.
function Result:to_csv()
  local cols = { { key = "id" }, { key = "year" }, { key = "scenario" }, { key = "target" }, { key = "direction" },
    { key = "p_meet" }, { key = "p_meet_se" }, { key = "mean" }, { key = "sd" }, { key = "min" }, { key = "max" } }
  for _, p in ipairs(self.probs) do cols[#cols + 1] = { key = qkey(p) } end
  cols[#cols + 1] = { key = "samples" }
  local T = tabular.new{ columns = cols }
  for _, row in ipairs(self.rows) do
    for i, s in ipairs(self.scenarios) do
      local c = row.per[i]
      local r = { id = row.id, year = row.year, scenario = s.name, target = row.target, direction = row.direction,
        p_meet = c.p, p_meet_se = c.se, mean = c.mean, sd = c.sd, min = c.min, max = c.max, samples = self.samples }
      for j, p in ipairs(self.probs) do r[qkey(p)] = c.q[j] end
      T:add(r)
    end
  end
  return T:to_csv()
end

function Result:to_table()
  local qorder = {}
  for i, p in ipairs(self.probs) do qorder[i] = qkey(p) end
  local inds = array{}
  for _, row in ipairs(self.rows) do
    local per = array{}
    for i, s in ipairs(self.scenarios) do
      local c = row.per[i]
      local q = {}
      for j, p in ipairs(self.probs) do q[qkey(p)] = c.q[j] end
      per[i] = ordered({ scenario = s.name, p_meet = jnum(c.p), p_meet_se = jnum(c.se), mean = c.mean, sd = c.sd,
        min = jnum(c.min), max = jnum(c.max), quantiles = ordered(q, qorder) },
        { "scenario", "p_meet", "p_meet_se", "mean", "sd", "min", "max", "quantiles" })
    end
    inds[#inds + 1] = ordered({ id = row.id, name = row.name, unit = row.unit, year = row.year,
      direction = row.direction, target = jnum(row.target), trend_only = row.trend_only, scenarios = per },
      { "id", "name", "unit", "year", "direction", "target", "trend_only", "scenarios" })
  end
  local unc = array{}
  for i, u in ipairs(self.uncertain) do
    unc[i] = ordered({ name = u.name, distribution = u.dist:describe(), base = u.base, assumption = u.note or json.null },
      { "name", "distribution", "base", "assumption" })
  end
  local scen = array{}
  for i, s in ipairs(self.scenarios) do
    scen[i] = ordered({ name = s.name, fixed = array{ table.unpack(self.runs[i].pinned) } }, { "name", "fixed" })
  end
  return ordered({ samples = self.samples, seed = self.seed, sampling = self.lhs and "latin_hypercube" or "random",
    quantiles = self.exact and "exact" or "histogram", quantile_rel_error = self.rel_error,
    scenarios = scen, uncertain = unc, indicators = inds },
    { "samples", "seed", "sampling", "quantiles", "quantile_rel_error", "scenarios", "uncertain", "indicators" })
end

function Result:to_json() return json.encode(self:to_table(), true) end
Result.__tostring = Result.to_text

-- ---------------------------------------------------------------------------------------------
-- Tornado

local Tornado = {}
Tornado.__index = Tornado
Tornado.__name = "tuiyan.Tornado"

--- tornado{...} (built by tuiyan.mc.tornado)
function M.tornado(t)
  local rows = {}
  for i, p in ipairs(t.params) do
    local r = t.raw.rows[i]
    rows[i] = { name = p.name, dist = p.dist, base = p.base, x_low = r.x_low, x_high = r.x_high,
      y_low = r.y_low, y_high = r.y_high, swing = r.swing, elasticity = r.elasticity }
  end
  table.sort(rows, function(a, b)
    if a.swing ~= b.swing then return a.swing > b.swing end
    return a.name < b.name
  end)
  local d = describe_indicator(t.model, t.plan, t.output)
  t.rows, t.base, t.name, t.unit = rows, t.raw.base, d.name, d.unit
  t.target = M.info(t.plan, t.output.id) and t.plan:target(t.output.id, t.year) or nil
  return setmetatable(t, Tornado)
end

local BAR = 12   -- characters on each side of the base

-- The bar: "-" over the outputs the parameter's low percentile reaches, "+" over its high one's,
-- on either side of the base ("|").
function Tornado:bar(row, scale)
  local function reach(y) return math.floor(math.abs(y - self.base) * scale + 0.5) end
  local left, right = "", ""
  for _, side in ipairs{ { row.y_low, "-" }, { row.y_high, "+" } } do
    local y, ch = side[1], side[2]
    if y < self.base then left = string.rep(ch, reach(y))
    elseif y > self.base then right = string.rep(ch, reach(y)) end
  end
  return string.rep(" ", BAR - #left) .. left .. "|" .. right
end

function Tornado:table()
  local function v(x) return format.value(x, 4) end
  local lo, hi = "P" .. M.num(self.low * 100), "P" .. M.num(self.high * 100)
  local T = tabular.new{
    title = self.title or ("Sensitivity of %s (%s) in %d under %s / 敏感性分析 (龙卷风图)"):format(self.name,
      self.unit, self.year, self.scenario.name),
    columns = {
      { key = "name", title = "参数 parameter" },
      { key = "base", title = "基准 base", align = "right", fmt = v },
      { key = "x_low", title = lo, align = "right", fmt = v },
      { key = "x_high", title = hi, align = "right", fmt = v },
      { key = "y_low", title = "at " .. lo, align = "right", fmt = v },
      { key = "y_high", title = "at " .. hi, align = "right", fmt = v },
      { key = "swing", title = "摆幅 swing", align = "right", fmt = v },
      { key = "elasticity", title = "弹性 elasticity", align = "right", fmt = function(x) return format.value(x, 3) end },
      { key = "bar", title = "" },
    } }
  local widest = 0
  for _, r in ipairs(self.rows) do
    widest = math.max(widest, math.abs(r.y_low - self.base), math.abs(r.y_high - self.base))
  end
  local scale = widest > 0 and BAR / widest or 0
  for _, r in ipairs(self.rows) do
    T:add{ name = r.name, base = r.base, x_low = r.x_low, x_high = r.x_high, y_low = r.y_low, y_high = r.y_high,
      swing = r.swing, elasticity = r.elasticity, bar = self:bar(r, scale) }
  end
  T:note(("Base: %s = %s in %d with every parameter at its base value%s."):format(self.output.id, v(self.base),
    self.year, self.target and (" (target " .. v(self.target) .. ")") or ""))
  T:note(("Each uncertain parameter alone at its %s and %s of its distribution, the others at base; sorted by "
    .. "swing = |at %s - at %s|. Bars: - where %s takes the output, + where %s does, | the base."):format(lo, hi, hi, lo, lo, hi))
  T:note("Elasticity: the % change of the output for a 1 % change of the parameter at its base value "
    .. "(central difference); — where the base is 0.")
  if #self.pinned > 0 then
    T:note(("Fixed by scenario %s (not varied): %s."):format(self.scenario.name, table.concat(self.pinned, ", ")))
  end
  return T
end

function Tornado:to_text() return self:table():to_text() end
function Tornado:to_md() return self:table():to_md() end
function Tornado:html_sections() return self:table():html_sections() end
function Tornado:to_html() return self:table():to_html() end

function Tornado:to_csv()
  local T = tabular.new{ columns = { { key = "parameter" }, { key = "distribution" }, { key = "base" },
    { key = "x_low" }, { key = "x_high" }, { key = "y_low" }, { key = "y_high" }, { key = "swing" },
    { key = "elasticity" } } }
  for _, r in ipairs(self.rows) do
    T:add{ parameter = r.name, distribution = r.dist:describe(), base = r.base, x_low = r.x_low, x_high = r.x_high,
      y_low = r.y_low, y_high = r.y_high, swing = r.swing, elasticity = r.elasticity }
  end
  return T:to_csv()
end

function Tornado:to_json()
  local params = array{}
  for i, r in ipairs(self.rows) do
    params[i] = ordered({ name = r.name, distribution = r.dist:describe(), base = r.base, x_low = r.x_low,
      x_high = r.x_high, y_low = r.y_low, y_high = r.y_high, swing = r.swing, elasticity = jnum(r.elasticity) },
      { "name", "distribution", "base", "x_low", "x_high", "y_low", "y_high", "swing", "elasticity" })
  end
  return json.encode(ordered({ output = self.output.id, name = self.name, unit = self.unit, year = self.year,
    scenario = self.scenario.name, base = self.base, target = jnum(self.target), low = self.low, high = self.high,
    fixed = array{ table.unpack(self.pinned) }, parameters = params },
    { "output", "name", "unit", "year", "scenario", "base", "target", "low", "high", "fixed", "parameters" }), true)
end

Tornado.__tostring = Tornado.to_text

M.Result, M.Tornado = Result, Tornado
return M
