-- tuiyan._mcreport — the results of tuiyan.mc as objects a report can show: a Monte Carlo Result
-- (per indicator, year and scenario: the probability of meeting the target, mean, spread and
-- quantiles) and a Tornado (one-at-a-time swings and elasticities). Each has to_text, to_md,
-- to_csv, to_json and to_html; the HTML has charts (a fan per indicator: the quantile bands and the
-- median over the years, per scenario, beside the plan's actuals and targets; the tornado), and
-- charts() gives them as standalone SVG for slides. Every list is in a fixed order (tracked
-- indicators, years, scenarios; tornado rows by swing, then name), never pairs() order.
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

--- fitted_note(uncertain) -> ", except those fitted from a plan's actuals" when a distribution
--- comes from tuiyan.calibrate (its note starts "fitted from"), else "".
function M.fitted_note(uncertain)
  for _, u in ipairs(uncertain) do
    if type(u.note) == "string" and u.note:find("^fitted from ") then return ", except those fitted from a plan's actuals" end
  end
  return ""
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

-- A year list as text: "2021–2025" when consecutive, else "2022, 2025".
local function years_text(years)
  local consecutive = #years > 2
  for i = 2, #years do if years[i] ~= years[i - 1] + 1 then consecutive = false end end
  if consecutive then return ("%d–%d"):format(years[1], years[#years]) end
  local t = {}
  for i, y in ipairs(years) do t[i] = tostring(y) end
  return table.concat(t, ", ")
end

function Result:method_note()
  local how = self.lhs and "Latin hypercube sampling" or "simple random sampling"
  local q = self.exact and "quantiles exact"
    or ("quantiles from a log-linear histogram, within %.3g %% relative"):format(self.rel_error * 100)
  return ("%d samples, seed %d, %s; %s."):format(self.samples, self.seed, how, q)
end

-- The parameters a scenario fixes, each with the value in force and where it comes from
-- ("gdp_growth = 0.06 (--set; default 0.055)").
local function pinned_text(scenario, names)
  local parts = {}
  for i, name in ipairs(names) do
    parts[i] = scenario.setting and ("%s = %s"):format(name, scenario:setting(name)) or name
  end
  return table.concat(parts, ", ")
end

function Result:notes(T)
  T:note(self:method_note())
  if #self.targets > 0 then
    T:note(("P(达标): share of samples meeting the plan's target (≥ target; ≤ where lower is better); "
      .. "its Monte Carlo standard error is at most %s points."):format(M.num(50 / math.sqrt(self.samples))))
  end
  if self.table_years and #self.table_years < #self.years then
    T:note(("The table shows %s; the charts (--format html or svg), CSV and JSON have every year summarised (%s).")
      :format(years_text(self.table_years), years_text(self.years)))
  end
  T:note("† trend only: not explained by the model; held at the latest actual, so it does not vary.")
  T:note(("Uncertain parameters (assumptions: the distributions are judgements, not estimates from data%s):")
    :format(M.fitted_note(self.uncertain)))
  for _, u in ipairs(self.uncertain) do
    T:note(("  %s ~ %s: %s"):format(u.name, u.dist:describe(), u.note or "no reason given"))
  end
  for i, run in ipairs(self.runs) do
    if #run.pinned > 0 then
      T:note(("Fixed by scenario %s (not sampled): %s."):format(self.scenarios[i].name, pinned_text(self.scenarios[i], run.pinned)))
    end
  end
end

--- table_rows() -> the rows the tables show: those of the years in table_years (every summarised
--- year without it). CSV, JSON and the charts always have every year.
function Result:table_rows()
  if not self.table_years then return self.rows end
  local shown, out = {}, {}
  for _, y in ipairs(self.table_years) do shown[y] = true end
  for _, row in ipairs(self.rows) do if shown[row.year] then out[#out + 1] = row end end
  return out
end

function Result:table()
  local cols = {
    { key = "name", title = "指标 indicator", wrap = 12 },
    { key = "year", title = "年", align = "right" },
    { key = "target", title = "目标 target", align = "right", unit = function(r) return r.unit end },
    { key = "scenario", title = "情景 scenario" },
    { key = "p", title = "P(达标)", align = "right", fmt = pct, ansi = function(p)
      return p >= 0.8 and "32" or p >= 0.5 and "33" or "31" end },
    { key = "mean", title = "均值 mean", align = "right", unit = function(r) return r.unit end, drop = #self.probs + 1 },
  }
  -- On a narrow terminal the outer quantiles go first, then the inner ones, the mean, the median.
  local n = #self.probs
  for i, p in ipairs(self.probs) do
    local depth = math.min(i, n + 1 - i)
    cols[#cols + 1] = { key = "q" .. i, title = qtitle(p), align = "right", unit = function(r) return r.unit end,
      drop = (p == 0.5) and (n + 2) or depth }
  end
  local T = tabular.new{ title = self.title or
    ("Monte Carlo: the chance of meeting each target / 目标达成概率 (%d samples)"):format(self.samples), columns = cols }
  for _, row in ipairs(self:table_rows()) do
    for i, s in ipairs(self.scenarios) do
      local cell = row.per[i]
      local r = { name = ("%s (%s)%s"):format(row.name, row.unit, row.trend_only and " †" or ""), year = row.year,
        target = row.target, scenario = s.name, p = cell.p, mean = cell.mean, unit = row.unit }
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

-- Fan charts ------------------------------------------------------------------------------------

local FAN_OPACITY = { 0.13, 0.28, 0.4 }   -- outermost band first: the inner bands look darker

--- ids() -> the tracked indicator ids (or element names), in the result's order.
function Result:ids()
  local out = {}
  for i, t in ipairs(self.track) do out[i] = t.id end
  return out
end

-- The rows of one indicator, in year order.
local function indicator_rows(self, id)
  local out = {}
  for _, row in ipairs(self.rows) do
    if row.id == id or row.element == id then out[#out + 1] = row end
  end
  if #out == 0 then error(("mc result: no '%s'"):format(tostring(id)), 3) end
  return out
end

local function band_name(lo, hi) return ("%s–%s%%"):format(M.num(lo * 100), M.num(hi * 100)) end

--- fan(id [, scenario]) -> { bands = { {name =, lo =, hi =, lower = {{year, v}, ...}, upper = {...}}, ... },
--- center = { name =, points = {{year, v}, ...} } }: for every summarised year, the quantiles
--- paired from the outside in (5–95 %, then 25–75 %; outermost first) and the median (the mean
--- when the run kept no 50 % quantile).
function Result:fan(id, scenario)
  local rows, si, probs = indicator_rows(self, id), scenario_index(self, scenario), self.probs
  local bands = {}
  for j = 1, #probs // 2 do
    local k = #probs + 1 - j
    if probs[j] < probs[k] then
      local band = { name = band_name(probs[j], probs[k]), lo = probs[j], hi = probs[k], lower = {}, upper = {} }
      for _, row in ipairs(rows) do
        local q = row.per[si].q
        band.lower[#band.lower + 1] = { row.year, q[j] }
        band.upper[#band.upper + 1] = { row.year, q[k] }
      end
      bands[#bands + 1] = band
    end
  end
  local mid = #probs % 2 == 1 and probs[(#probs + 1) // 2] == 0.5 and (#probs + 1) // 2 or nil
  local center = { name = mid and "median 中位数" or "mean 均值", points = {} }
  for _, row in ipairs(rows) do
    local cell = row.per[si]
    center.points[#center.points + 1] = { row.year, mid and cell.q[mid] or cell.mean }
  end
  return { bands = bands, center = center }
end

-- A band's tooltip: its range in each year.
local function band_tip(label, band)
  local t = {}
  for k, p in ipairs(band.lower) do
    t[k] = ("%d %s – %s"):format(p[1], format.value(p[2], 3), format.value(band.upper[k][2], 3))
  end
  return label .. ": " .. table.concat(t, "; ")
end

-- The plan's actuals and targets of an indicator up to the last summarised year.
local function plan_points(self, id)
  local actual, markers = {}, {}
  if M.info(self.plan, id) == nil then return actual, markers end
  local last = self.years[#self.years]
  for _, a in ipairs(self.plan:actuals(id)) do
    if a.year <= last then actual[#actual + 1] = { a.year, a.value } end
  end
  for _, t in ipairs(self.plan:targets(id)) do
    if t.year <= last then
      markers[#markers + 1] = { x = t.year, y = t.value, label = ("%d: %s"):format(t.year, format.value(t.value)) }
    end
  end
  return actual, markers
end

-- "name (unit)", or the name alone when there is no unit.
local function named(name, unit)
  if unit == nil or unit == "" then return name end
  return ("%s (%s)"):format(name, unit)
end

local function chart_title(row)
  return named(row.name, row.unit) .. (row.trend_only and " † trend only 仅趋势" or "")
end

local function same_points(a, b)
  for k, p in ipairs(a) do if p[2] ~= b[k][2] then return false end end
  return true
end

-- Two scenarios whose fans are identical (levers that do not reach the indicator) are drawn once.
local function same_fan(a, b)
  if not same_points(a.center.points, b.center.points) then return false end
  for j, band in ipairs(a.bands) do
    if not (same_points(band.lower, b.bands[j].lower) and same_points(band.upper, b.bands[j].upper)) then return false end
  end
  return true
end

-- The fans to draw: one per scenario wanted (all, or those named), merging identical ones.
local function distinct_fans(self, id, names)
  local wanted = {}
  for _, name in ipairs(names or {}) do wanted[scenario_index(self, name)] = true end
  local out = {}
  for i, s in ipairs(self.scenarios) do
    if names == nil or wanted[i] then
      local fan, merged = self:fan(id, s.name), false
      for _, d in ipairs(out) do
        if same_fan(d.fan, fan) then d.names[#d.names + 1] = s.name; merged = true; break end
      end
      if not merged then out[#out + 1] = { fan = fan, index = i, names = { s.name } } end
    end
  end
  return out
end

-- The legend of a fan chart: actuals, one fan swatch per scenario, then what the shades mean.
local function fan_legend(fans, has_actual)
  local svg = require "tuiyan.svg"
  local legend = {}
  if has_actual then legend[1] = { name = "actual 实际", color = "#222222", kind = "solid" } end
  for _, d in ipairs(fans) do
    legend[#legend + 1] = { name = table.concat(d.names, " = "), color = svg.PALETTE[(d.index - 1) % #svg.PALETTE + 1], kind = "fan" }
  end
  local shown = 0   -- a band is drawn over the outer ones: its swatch shows the shades together
  for j, b in ipairs(fans[1] and fans[1].fan.bands or {}) do
    shown = 1 - (1 - shown) * (1 - (FAN_OPACITY[j] or FAN_OPACITY[#FAN_OPACITY]))
    legend[#legend + 1] = { name = b.name, color = "#666666", kind = "band", opacity = shown }
  end
  if fans[1] then legend[#legend + 1] = { name = fans[1].fan.center.name, color = "#666666", kind = "solid" } end
  return legend
end

--- chart(id [, names]) -> SVG text: each scenario's fan (or only those of the scenarios named in
--- the list `names`) with the plan's actuals and targets.
function Result:chart(id, names)
  local svg = require "tuiyan.svg"
  local row = indicator_rows(self, id)[1]
  local actual, markers = plan_points(self, row.id)
  local series, bands = {}, {}
  if #actual > 0 then series[1] = { name = "actual 实际", points = actual, dots = true, color = "#222222" } end
  local fans = distinct_fans(self, id, names)
  for _, d in ipairs(fans) do
    local color, label = svg.PALETTE[(d.index - 1) % #svg.PALETTE + 1], table.concat(d.names, " = ")
    for j, b in ipairs(d.fan.bands) do
      bands[#bands + 1] = { name = label .. " " .. b.name, lower = b.lower, upper = b.upper, color = color,
        opacity = FAN_OPACITY[j] or FAN_OPACITY[#FAN_OPACITY], tip = band_tip(label .. " " .. b.name, b) }
    end
    series[#series + 1] = { name = label .. " " .. d.fan.center.name, points = d.fan.center.points, color = color }
  end
  return svg.line{ title = chart_title(row), series = series, bands = bands, markers = markers,
    legend = fan_legend(fans, #actual > 0) }
end

--- charts() -> { {id =, chart = Chart}, ... }: one fan chart per indicator, for slides.
function Result:charts()
  local svg = require "tuiyan.svg"
  local out = {}
  for _, id in ipairs(self:ids()) do
    out[#out + 1] = { id = id, chart = svg.chart(chart_title(indicator_rows(self, id)[1]), self:chart(id)) }
  end
  return out
end

--- fan_note() -> how to read the fans.
function Result:fan_note()
  if #self.track == 0 then return "" end
  local fan = self:fan(self.track[1].id)
  local names = {}
  for i, b in ipairs(fan.bands) do names[i] = b.name end
  local shaded = #names == 0 and "" or ("Shaded: %s of the %d samples in each year (darker inside); ")
    :format(table.concat(names, " and "), self.samples)
  return shaded .. ("line: the %s; dots: actuals; diamonds: the plan's targets."):format(fan.center.name)
end

--- leader_section() -> the page a bureau leader reads first: P(达标) for every target of the
--- table's years, coloured (≥ 80 % green, 50–80 % amber, < 50 % red: tuiyan.html.p_class), the
--- least likely first (by the first scenario's P, then the plan's order).
function Result:leader_section()
  local html = require "tuiyan.html"
  local esc = html.escape
  local rows = {}
  for i, row in ipairs(self:table_rows()) do
    if row.target ~= nil then rows[#rows + 1] = { row = row, index = i } end
  end
  table.sort(rows, function(a, b)
    local pa, pb = a.row.per[1].p or 0, b.row.per[1].p or 0
    if pa ~= pb then return pa < pb end
    return a.index < b.index
  end)
  local out = { "<table class=\"pmeet\">\n<thead><tr><th>指标 indicator</th><th class=\"num\">年</th><th class=\"num\">目标 target</th>" }
  for _, s in ipairs(self.scenarios) do out[#out + 1] = ("<th class=\"num\">P(达标) %s</th>"):format(esc(s.name)) end
  out[#out + 1] = "</tr></thead>\n<tbody>\n"
  for _, x in ipairs(rows) do
    local row = x.row
    out[#out + 1] = ("<tr><td>%s</td><td class=\"num\">%d</td><td class=\"num\">%s</td>"):format(
      esc(named(row.name, row.unit) .. (row.trend_only and " †" or "")), row.year, esc(format.display(row.target, row.unit)))
    for i in ipairs(self.scenarios) do
      local p = row.per[i].p
      out[#out + 1] = ("<td class=\"num %s\">%s</td>"):format(html.p_class(p) or "", esc(pct(p)))
    end
    out[#out + 1] = "</tr>\n"
  end
  out[#out + 1] = "</tbody>\n</table>\n"
  out[#out + 1] = html.notes{ ("P(达标): the share of the %d samples that meet the plan's target; green ≥ 80 %%, "
    .. "amber 50–80 %%, red < 50 %%. Least likely first. The quantiles are in the table below, the fans after it.")
    :format(self.samples), self:method_note() }
  return { title = ("致领导 For the bureau leader — %s"):format(self.title or "the chance of meeting each target / 目标达成概率"),
    html = table.concat(out), class = "leader", sources = { html.plan_source(self.plan) } }
end

--- HTML: the leader's page (P(达标) coloured, least likely first), the table, then the fans, as
--- sections of a report (report.bundle) or a document of its own.
function Result:html_sections()
  local html = require "tuiyan.html"
  local figures = {}
  for _, c in ipairs(self:charts()) do figures[#figures + 1] = html.figure(c.chart.svg) end
  local T = self:table()
  for _, col in ipairs(T.columns) do
    if col.key == "p" then col.class = function(p) return html.p_class(p) end end
  end
  return {
    self:leader_section(),
    { title = T.title, html = T:to_html_fragment() },
    { title = ("不确定性区间 Monte Carlo fans, %s"):format(years_text(self.years)),
      html = html.notes{ self:fan_note() } .. html.charts(figures) },
  }
end

function Result:to_html()
  local T = self:table()
  return require("tuiyan.html").document{ title = T.title, subtitle = self:method_note(),
    sections = self:html_sections() }
end

-- The CSV through a tabular table (a table per row): what to_csv writes, and writes itself when a
-- number is not finite (tabular refuses it, with its message).
function Result:_csv_table()
  local function unit(r) return r.unit end
  local cols = { { key = "id" }, { key = "year" }, { key = "scenario" }, { key = "target", unit = unit }, { key = "direction" },
    { key = "p_meet", unit = format.SHARE }, { key = "p_meet_se", unit = format.SHARE }, { key = "mean", unit = unit },
    { key = "sd", unit = unit }, { key = "min", unit = unit }, { key = "max", unit = unit } }
  for _, p in ipairs(self.probs) do cols[#cols + 1] = { key = qkey(p), unit = unit } end
  cols[#cols + 1] = { key = "samples" }
  local T = tabular.new{ columns = cols }
  for _, row in ipairs(self.rows) do
    for i, s in ipairs(self.scenarios) do
      local c = row.per[i]
      local r = { id = row.id, unit = row.unit, year = row.year, scenario = s.name, target = row.target, direction = row.direction,
        p_meet = c.p, p_meet_se = c.se, mean = c.mean, sd = c.sd, min = c.min, max = c.max, samples = self.samples }
      for j, p in ipairs(self.probs) do r[qkey(p)] = c.q[j] end
      T:add(r)
    end
  end
  return T:to_csv()
end

local function finite(v) return type(v) ~= "number" or (v == v and v ~= math.huge and v ~= -math.huge) end

--- CSV: one row per indicator, year and scenario, numbers at their display precision (the JSON
--- has them in full). Written cell by cell with tabular's own csv_field, so the bytes of
--- _csv_table without a table per row (a county run writes 225 rows: this was most of its time
--- outside the C core).
function Result:to_csv()
  local field, share = tabular.csv_field, format.SHARE
  local head = { "id", "year", "scenario", "target", "direction", "p_meet", "p_meet_se", "mean", "sd", "min", "max" }
  for _, p in ipairs(self.probs) do head[#head + 1] = qkey(p) end
  head[#head + 1] = "samples"
  local out, np, vals = { table.concat(head, ",") }, #self.probs, {}
  if not finite(self.samples) then return self:_csv_table() end
  local samples = field(self.samples)
  for _, row in ipairs(self.rows) do
    local unit = row.unit
    if not (finite(row.year) and finite(row.target)) then return self:_csv_table() end
    vals[1], vals[2], vals[4], vals[5] = field(row.id), field(row.year), field(row.target, unit), field(row.direction)
    for i, s in ipairs(self.scenarios) do
      local c = row.per[i]
      local q = c.q
      if not (finite(c.p) and finite(c.se) and finite(c.mean) and finite(c.sd) and finite(c.min) and finite(c.max)) then
        return self:_csv_table()
      end
      vals[3] = field(s.name)
      vals[6], vals[7] = field(c.p, share), field(c.se, share)
      vals[8], vals[9], vals[10], vals[11] = field(c.mean, unit), field(c.sd, unit), field(c.min, unit), field(c.max, unit)
      for j = 1, np do
        if not finite(q[j]) then return self:_csv_table() end
        vals[11 + j] = field(q[j], unit)
      end
      vals[12 + np] = samples
      out[#out + 1] = table.concat(vals, ",", 1, 12 + np)
    end
  end
  return table.concat(out, "\r\n") .. "\r\n"
end

--- xlsx_sheets() -> the probabilities and quantiles (every year, numbers in full in their unit's
--- format, P(达标) as a percentage) and the assumptions (the uncertain parameters, what each
--- scenario fixes), each on its own sheet.
function Result:xlsx_sheets()
  local function unit(r) return r.unit end
  local cols = { { key = "id", title = "id" }, { key = "name", title = "指标 indicator" }, { key = "unit", title = "单位 unit" },
    { key = "year", title = "年 year" }, { key = "target", title = "目标 target", unit = unit },
    { key = "scenario", title = "情景 scenario" }, { key = "p_meet", title = "P(达标)", unit = format.SHARE },
    { key = "p_meet_se", title = "P 标准误 se", unit = format.SHARE }, { key = "mean", title = "均值 mean", unit = unit },
    { key = "sd", title = "标准差 sd", unit = unit }, { key = "min", title = "min", unit = unit }, { key = "max", title = "max", unit = unit } }
  for _, p in ipairs(self.probs) do cols[#cols + 1] = { key = qkey(p), title = qtitle(p), unit = unit } end
  local T = tabular.new{ title = self.title or
    ("Monte Carlo: the chance of meeting each target / 目标达成概率 (%d samples)"):format(self.samples), columns = cols }
  for _, row in ipairs(self.rows) do
    for i, s in ipairs(self.scenarios) do
      local c = row.per[i]
      local r = { id = row.id, name = row.name .. (row.trend_only and " †" or ""), unit = row.unit, year = row.year,
        target = row.target, scenario = s.name, p_meet = c.p, p_meet_se = c.se, mean = c.mean, sd = c.sd,
        min = c.min, max = c.max }
      for j, p in ipairs(self.probs) do r[qkey(p)] = c.q[j] end
      T:add(r)
    end
  end
  T:note(self:method_note())
  local A = tabular.new{ title = ("Uncertain parameters (assumptions: the distributions are judgements, not estimates from data%s) / 假设")
      :format(M.fitted_note(self.uncertain)),
    columns = { { key = "name", title = "参数 parameter" }, { key = "distribution", title = "分布 distribution" },
      { key = "base", title = "基准 base" }, { key = "note", title = "说明 why" } } }
  for _, u in ipairs(self.uncertain) do
    A:add{ name = u.name, distribution = u.dist:describe(), base = u.base, note = u.note or "no reason given" }
  end
  for i, run in ipairs(self.runs) do
    if #run.pinned > 0 then
      A:note(("Fixed by scenario %s (not sampled): %s."):format(self.scenarios[i].name, pinned_text(self.scenarios[i], run.pinned)))
    end
  end
  return { { name = "概率 probabilities", table = T }, { name = "假设 assumptions", table = A } }
end

--- to_xlsx() -> the bytes of an .xlsx workbook: probabilities and assumptions sheets.
function Result:to_xlsx() return require("tuiyan.xlsx").workbook(self) end

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
    local el = t.model:element(p.name)
    rows[i] = { name = p.name, label = el and el.opts.label or p.name, dist = p.dist, base = p.base, x_low = r.x_low, x_high = r.x_high,
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
      { key = "bar", title = "", drop = 1 },
    } }
  local widest = 0
  for _, r in ipairs(self.rows) do
    widest = math.max(widest, math.abs(r.y_low - self.base), math.abs(r.y_high - self.base))
  end
  local scale = widest > 0 and BAR / widest or 0
  for _, r in ipairs(self.rows) do
    T:add{ name = r.name, label = r.label, base = r.base, x_low = r.x_low, x_high = r.x_high, y_low = r.y_low, y_high = r.y_high,
      swing = r.swing, elasticity = r.elasticity, bar = self:bar(r, scale) }
  end
  T:note(("Base: %s = %s in %d with every parameter at its base value%s."):format(self.output.id, v(self.base),
    self.year, self.target and (" (target " .. v(self.target) .. ")") or ""))
  T:note(("Each uncertain parameter alone at its %s and %s of its distribution, the others at base; sorted by "
    .. "swing = |at %s - at %s|. Bars: - where %s takes the output, + where %s does, | the base."):format(lo, hi, hi, lo, lo, hi))
  T:note("Elasticity: the % change of the output for a 1 % change of the parameter at its base value "
    .. "(central difference); — where the base is 0.")
  if #self.pinned > 0 then
    T:note(("Fixed by scenario %s (not varied): %s."):format(self.scenario.name, pinned_text(self.scenario, self.pinned)))
  end
  return T
end

function Tornado:to_text() return self:table():to_text() end
--- xlsx_sheets() -> the tornado table as a sheet; to_xlsx() -> the workbook.
function Tornado:xlsx_sheets() return { { name = "敏感性 tornado", table = self:table() } } end
function Tornado:to_xlsx() return require("tuiyan.xlsx").workbook(self) end
function Tornado:to_md() return self:table():to_md() end

-- The rows whose parameter moves the output at all; the chart leaves the others out.
function Tornado:moving_rows()
  local moving, still = {}, {}
  for _, r in ipairs(self.rows) do
    if r.y_low ~= self.base or r.y_high ~= self.base then moving[#moving + 1] = r else still[#still + 1] = r end
  end
  return moving, still
end

local function chart_percentiles(self) return "P" .. M.num(self.low * 100), "P" .. M.num(self.high * 100) end

function Tornado:chart_title()
  return ("龙卷风图 Sensitivity: %s, %d, %s"):format(named(self.name, self.unit), self.year, self.scenario.name)
end

--- chart() -> SVG text: for each parameter that moves the output, a bar to the output with the
--- parameter at its low percentile and one at its high percentile, widest first.
function Tornado:chart()
  local svg = require "tuiyan.svg"
  local lo, hi = chart_percentiles(self)
  local v = function(x) return format.value(x, 4) end
  local items = {}
  for _, r in ipairs((self:moving_rows())) do
    items[#items + 1] = { label = r.label, low = r.y_low, high = r.y_high,
      low_tip = ("= %s (%s): %s"):format(v(r.x_low), lo, v(r.y_low)),
      high_tip = ("= %s (%s): %s"):format(v(r.x_high), hi, v(r.y_high)) }
  end
  return svg.tornado{ title = self:chart_title(), base = self.base, items = items,
    base_label = ("base 基准 %s"):format(v(self.base)),
    low_label = "parameter at " .. lo, high_label = "parameter at " .. hi }
end

--- chart_note() -> what the chart shows and what it leaves out.
function Tornado:chart_note()
  local lo, hi = chart_percentiles(self)
  local _, still = self:moving_rows()
  local note = ("%s in %d with one parameter at its %s or %s, the others at base (%s)%s."):format(self.output.id,
    self.year, lo, hi, format.value(self.base, 4),
    self.target and ("; the target is " .. format.value(self.target, 4)) or "")
  if #still > 0 then
    local names = {}
    for i, r in ipairs(still) do names[i] = r.name end
    note = note .. (" Not drawn, no effect on this output: %s."):format(table.concat(names, ", "))
  end
  return note
end

--- charts() -> { {id =, chart = Chart} }: the tornado as a standalone chart, for slides.
function Tornado:charts()
  return { { id = self.output.id, chart = require("tuiyan.svg").chart(self:chart_title(), self:chart()) } }
end

--- to_svg() -> the tornado as a standalone SVG file.
function Tornado:to_svg() return self:charts()[1].chart:to_svg() end

--- HTML: the chart above the table.
function Tornado:html_sections()
  local html = require "tuiyan.html"
  local T = self:table()
  -- In HTML the bars are the chart's (SVG): the table keeps the numbers, without the text's
  -- ASCII bars, and names each parameter by its label (the model's, else its id).
  local cols = {}
  for _, col in ipairs(T.columns) do
    if col.key == "name" then
      col.fmt = function(name, row) return row.label ~= name and (row.label .. " " .. name) or name end
    end
    if col.key ~= "bar" then cols[#cols + 1] = col end
  end
  T.columns = cols
  return { { title = T.title, html = html.figure(self:chart(), self:chart_note()) .. T:to_html_fragment(),
    sources = { html.plan_source(self.plan) } } }
end

function Tornado:to_html()
  return require("tuiyan.html").document{ title = self:table().title, sections = self:html_sections() }
end

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
