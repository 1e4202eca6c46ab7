-- tuiyan.compare — scenarios side by side (DOMAIN §5): for chosen years, every plan indicator the
-- model covers, its target, each scenario's value, the change from the baseline (the first
-- scenario), met or not; and, with a policy, the fiscal cost by rule and year and the budget share
-- it implies.
local tabular = require "tuiyan.tabular"
local format = require "tuiyan.format"
local json = require "_tuiyan.json"

local M = {}
local Comparison = {}
Comparison.__index = Comparison
Comparison.__name = "tuiyan.Comparison"

local function met(value, target, direction)
  if target == nil then return nil end
  if direction == "down" then return value <= target end
  return value >= target
end

--- compare{ scenarios = {...}, years = {...}, plan = Plan, policy = Policy | nil,
---          budget = "city_budget" (element giving the budget for cost shares) }
function M.compare(spec)
  assert(type(spec) == "table" and type(spec.scenarios) == "table" and #spec.scenarios >= 1,
    "compare: { scenarios = {...}, years = {...}, plan = } expected")
  local scen = spec.scenarios
  local model = scen[1].model
  local years = spec.years or { 2022, 2025 }
  local runs = {}
  for i, s in ipairs(scen) do runs[i] = s:run() end
  local plan = spec.plan
  local mapping = model:indicators()
  local ids = model:indicator_ids(plan)
  local rows = {}
  for _, id in ipairs(ids) do
    local info = plan and plan:info(id) or { id = id, name = id, unit = model:element(mapping[id]).unit, direction = "up" }
    for _, y in ipairs(years) do
      local row = { id = id, name = info.name, unit = info.unit, year = y, direction = info.direction,
        trend_only = model:element(mapping[id]).opts.trend_only,
        target = plan and plan:target(id, y) or nil, values = {}, change = {}, met = {} }
      for i, r in ipairs(runs) do
        local v = r:get(mapping[id], y)
        row.values[i] = v
        row.change[i] = v - runs[1]:get(mapping[id], y)
        row.met[i] = met(v, row.target, info.direction)
      end
      rows[#rows + 1] = row
    end
  end
  -- The cost of each scenario: what it spends (lever spending above the baseline, the first
  -- scenario) plus every rule payment, by rule, payer and year, low–high (tuiyan.policy cost; the
  -- same function goal seek's least cost uses). spec.given: counts for rules without a driver.
  local costs
  if spec.policy then
    costs = {}
    for i, r in ipairs(runs) do
      costs[i] = spec.policy:cost(r, { budget = spec.budget or "city_budget", baseline = runs[1], given = spec.given })
    end
  end
  -- Costs shown from the first compared year to one year after the last (payments lag a year).
  local cost_years = spec.cost_years or { years[1], math.min(years[#years] + 1, model.last_year) }
  return setmetatable({ scenarios = scen, runs = runs, years = years, rows = rows, costs = costs,
    cost_years = cost_years, model = model, plan = plan, title = spec.title, policy = spec.policy }, Comparison)
end

local MET = { [true] = "✓", [false] = "✗" }

function Comparison:indicator_table()
  local cols = {
    { key = "name", title = "指标 indicator", wrap = 12 },
    { key = "year", title = "年", align = "right" },
    { key = "target", title = "目标 target", align = "right", unit = function(r) return r.unit end },
  }
  local rounded = false
  for i, s in ipairs(self.scenarios) do
    cols[#cols + 1] = { key = "v" .. i, title = s.name, align = "right",
      fmt = function(x) return x end }
  end
  local T = tabular.new{ title = self.title or "Scenario comparison / 情景对比", columns = cols }
  for _, row in ipairs(self.rows) do
    local r = { name = ("%s (%s)%s"):format(row.name, row.unit, row.trend_only and " †" or ""), year = row.year,
      target = row.target, unit = row.unit }
    for i in ipairs(self.scenarios) do
      -- at the display precision of the unit (tuiyan.format.display): 64.183 家 shows as 64
      local s = format.display(row.values[i], row.unit)
      if format.rounded_count(row.values[i], row.unit) then rounded = true end
      if i > 1 then
        local d = format.display(row.change[i], row.unit)
        s = s .. " (" .. ((d:sub(1, 1) == "-" or format.round(row.change[i], row.unit) == 0) and d or ("+" .. d)) .. ")"
      end
      if row.met[i] ~= nil then s = s .. " " .. MET[row.met[i]] end
      r["v" .. i] = s
    end
    T:add(r)
  end
  T:note("✓ meets the plan's target for that year, ✗ does not; (+x) change from " .. self.scenarios[1].name .. ".")
  T:note("† trend only: not explained by the model; held at the latest actual.")
  if rounded then T:note(format.COUNT_NOTE) end
  for _, n in ipairs(self:limit_notes()) do T:note(n) end
  local a = require("tuiyan.scenario").assumptions(self.scenarios)
  if #a > 0 then
    T:note(("Assumptions and settings in force (not from the sources; replace with the city's figures via --set NAME=VALUE):"))
    for _, x in ipairs(a) do
      T:note(("  %s%s = %s: %s"):format(x.name, (x.unit and x.unit ~= "1") and (" (" .. x.unit .. ")") or "", x.text, x.note))
    end
  end
  return T
end

--- limit_notes() -> a line for each scenario whose lever setting the model cannot take up in full
--- in the compared years (a lever's `limit` element above zero: a capacity that binds).
function Comparison:limit_notes()
  local out = {}
  for _, el in ipairs(self.model.elements) do
    if el.kind == "lever" and el.opts.limit then
      for i, s in ipairs(self.scenarios) do
        local over = self.runs[i]:over_limit(el.name, self.years[1], self.years[#self.years])
        if over then out[#out + 1] = ("%s: %s is more than the model can take up: %s."):format(s.name, el.name, over.text) end
      end
    end
  end
  return out
end

local PAYER = { city = "city 市级", county = "county 县区" }

-- A cost cell: the default point, or "low–high (point)" where a band applies; "≥ low (point)" for
-- a band open above (no top in the text).
local function cost_cell(lo, hi, point)
  return require("tuiyan.policy").range_text(lo, hi, point, function(x) return format.value(x, 1) end)
end

--- cost_table() -> a tabular: for each scenario, its lever spending and each rule's payments by
--- payer and year, the city, county and overall totals (low–high where bands apply) and the city
--- payments' share of the city budget; nil without a policy.
function Comparison:cost_table()
  if not self.costs then return nil end
  local cols = { { key = "scenario", title = "情景 scenario" }, { key = "item", title = "项 item" },
    { key = "payer", title = "付 payer" } }
  local ys = {}
  for y = self.cost_years[1], self.cost_years[2] do
    ys[#ys + 1] = y
    cols[#cols + 1] = { key = "y" .. y, title = tostring(y), align = "right" }
  end
  local T = tabular.new{ title = "Cost by item, payer and year (万元) / 情景成本: lever spending + rule payments", columns = cols }
  for i, c in ipairs(self.costs) do
    local name = self.scenarios[i].name
    for _, it in ipairs(c.items) do
      local r = { scenario = name, item = it.id .. " " .. it.label, payer = PAYER[it.payer] }
      for _, y in ipairs(ys) do r["y" .. y] = cost_cell(it.lo[y] or 0, it.hi[y] or 0, it.point[y] or 0) end
      T:add(r)
    end
    for _, payer in ipairs{ "city", "county" } do
      local p = c.by_payer[payer]
      local r = { scenario = name, item = payer == "city" and "city total 市级合计" or "county total 县区合计", payer = PAYER[payer] }
      for _, y in ipairs(ys) do r["y" .. y] = cost_cell(p.lo[y] or 0, p.hi[y] or 0, p.point[y] or 0) end
      T:add(r)
    end
    local r = { scenario = name, item = "total 合计", payer = "all 全部" }
    for _, y in ipairs(ys) do r["y" .. y] = cost_cell(c.total_lo[y] or 0, c.total_hi[y] or 0, c.total[y] or 0) end
    T:add(r)
    local sh = { scenario = name, item = "city payments, share of city budget 占市本级预算 %", payer = PAYER.city }
    for _, y in ipairs(ys) do sh["y" .. y] = c.share[y] and format.value(c.share[y], 3) or nil end
    T:add(sh)
  end
  T:note("Each scenario's cost is everything it spends: its lever spending above " .. self.scenarios[1].name ..
    " (the fiscal raise, city and county) plus the support rules' payments, in the year paid.")
  local lagged, bands = {}, {}
  for _, it in ipairs(self.costs[1].items) do
    if it.lag and it.lag > 0 then lagged[#lagged + 1] = it.id end
  end
  if #lagged > 0 then
    T:note(("Paid one year after the year they arise (the text says 次年 or 上一年度): %s; every other rule in the year it arises."):format(table.concat(lagged, ", ")))
  end
  for _, c in ipairs(self.costs) do
    for _, it in ipairs(c.items) do if it.band then bands[it.id] = true end end
  end
  local bl = {}
  for id in pairs(bands) do bl[#bl + 1] = id end
  table.sort(bl)
  if #bl > 0 or (self.policy and self.policy.default_point) then
    T:note("Bands are shown low–high (default point)" .. (#bl > 0 and (": " .. table.concat(bl, ", ")) or "") .. ".")
  end
  if self.policy and self.policy.default_point then T:note(self.policy.default_point .. ".") end
  local ceil, given = {}, {}
  for _, n in ipairs(self.costs[1].not_costed) do
    if n.why:match("^ceiling") or n.why:match("^check") then ceil[#ceil + 1] = n.id else given[#given + 1] = n.id end
  end
  if #ceil > 0 then
    T:note(("Never in a total: %s (ceilings on what a project may spend or set aside, or a check on projects)."):format(table.concat(ceil, ", ")))
  end
  if #given > 0 then
    T:note(("Costed only from counts a script gives (none given here): %s."):format(table.concat(given, ", ")))
  end
  return T
end

function Comparison:to_text()
  local out = self:indicator_table():to_text()
  local ct = self:cost_table()
  if ct then out = out .. "\n" .. ct:to_text() end
  return out
end

function Comparison:to_md()
  local out = self:indicator_table():to_md()
  local ct = self:cost_table()
  if ct then out = out .. "\n" .. ct:to_md() end
  return out
end

local function finite(x) return (x ~= nil and x == x and x ~= math.huge and x ~= -math.huge) and x or nil end

--- CSV: one row per indicator, year and scenario; then, with a policy, one row per cost item,
--- year and scenario (id "cost:<item>", "cost:city", "cost:county", "cost:total"; value = the
--- default point, low and high the band's ends, high empty for a band open above; payer).
function Comparison:to_csv()
  -- numbers at their display precision (tuiyan.format); the JSON has them in full
  local function unit(r) return r.unit end
  local T = tabular.new{ columns = { { key = "id" }, { key = "year" }, { key = "scenario" }, { key = "value", unit = unit },
    { key = "target", unit = unit }, { key = "change", unit = unit }, { key = "met" }, { key = "low" }, { key = "high" }, { key = "payer" } } }
  for _, row in ipairs(self.rows) do
    for i, s in ipairs(self.scenarios) do
      local m = row.met[i]
      T:add{ id = row.id, unit = row.unit, year = row.year, scenario = s.name, value = row.values[i], target = row.target,
        change = row.change[i], met = m == nil and nil or (m and "yes" or "no") }
    end
  end
  if self.costs then
    for y = self.cost_years[1], self.cost_years[2] do
      for i, c in ipairs(self.costs) do
        local s = self.scenarios[i].name
        for _, it in ipairs(c.items) do
          T:add{ id = "cost:" .. it.id, year = y, scenario = s, value = finite(it.point[y]), low = finite(it.lo[y]),
            high = finite(it.hi[y]), payer = it.payer }
        end
        for _, payer in ipairs{ "city", "county" } do
          local p = c.by_payer[payer]
          T:add{ id = "cost:" .. payer, year = y, scenario = s, value = finite(p.point[y]), low = finite(p.lo[y]),
            high = finite(p.hi[y]), payer = payer }
        end
        T:add{ id = "cost:total", year = y, scenario = s, value = finite(c.total[y]), low = finite(c.total_lo[y]),
          high = finite(c.total_hi[y]) }
      end
    end
  end
  return T:to_csv()
end

local function ordered(t, order) return setmetatable(t, { __jsonorder = order }) end

--- xlsx_sheets() -> the comparison (each scenario's value and change in full, in the number format
--- of the unit, ✓/✗), the cost table and the model's assumptions, each on its own sheet.
function Comparison:xlsx_sheets()
  local function unit(r) return r.unit end
  local cols = { { key = "id", title = "id" }, { key = "name", title = "指标 indicator" }, { key = "unit", title = "单位 unit" },
    { key = "year", title = "年 year" }, { key = "target", title = "目标 target", unit = unit } }
  for i, s in ipairs(self.scenarios) do
    cols[#cols + 1] = { key = "v" .. i, title = s.name, unit = unit }
    if i > 1 then cols[#cols + 1] = { key = "c" .. i, title = s.name .. " Δ", unit = unit } end
    cols[#cols + 1] = { key = "m" .. i, title = s.name .. " 达标" }
  end
  local T = tabular.new{ title = self.title or "Scenario comparison / 情景对比", columns = cols }
  for _, row in ipairs(self.rows) do
    local r = { id = row.id, name = row.name .. (row.trend_only and " †" or ""), unit = row.unit, year = row.year,
      target = row.target }
    for i in ipairs(self.scenarios) do
      r["v" .. i], r["c" .. i] = row.values[i], i > 1 and row.change[i] or nil
      if row.met[i] ~= nil then r["m" .. i] = MET[row.met[i]] end
    end
    T:add(r)
  end
  T:note("✓ meets the plan's target for that year, ✗ does not; Δ change from " .. self.scenarios[1].name .. ".")
  T:note("† trend only: not explained by the model; held at the latest actual.")
  for _, n in ipairs(self:limit_notes()) do T:note(n) end
  local out = { { name = "情景对比 comparison", table = T } }
  local ct = self:cost_table()
  if ct then out[#out + 1] = { name = "成本 costs", table = ct } end
  local a = require("tuiyan.scenario").assumptions(self.scenarios)
  if #a > 0 then
    local A = tabular.new{ title = "Assumptions and settings in force (not from the sources; replace with the city's figures via --set NAME=VALUE) / 假设",
      columns = { { key = "name", title = "参数 parameter" }, { key = "value", title = "值 value", unit = unit },
        { key = "unit", title = "单位 unit" }, { key = "set_by", title = "设定 set by" }, { key = "note", title = "说明 why" } } }
    for _, x in ipairs(a) do
      A:add{ name = x.name, value = x.value or x.text, unit = x.unit, set_by = x.set_by or "default", note = x.note }
    end
    out[#out + 1] = { name = "假设 assumptions", table = A }
  end
  return out
end

--- to_xlsx() -> the bytes of an .xlsx workbook: comparison, costs and assumptions sheets.
function Comparison:to_xlsx() return require("tuiyan.xlsx").workbook(self) end

function Comparison:to_table()
  local rows = setmetatable({}, json.array_meta)
  for _, row in ipairs(self.rows) do
    local per = setmetatable({}, json.array_meta)
    for i, s in ipairs(self.scenarios) do
      per[i] = ordered({ scenario = s.name, value = row.values[i], change = row.change[i],
        met = row.met[i] == nil and json.null or row.met[i] }, { "scenario", "value", "change", "met" })
    end
    rows[#rows + 1] = ordered({ id = row.id, name = row.name, unit = row.unit, year = row.year,
      target = row.target or json.null, scenarios = per }, { "id", "name", "unit", "year", "target", "scenarios" })
  end
  local out = { indicators = rows }
  if self.costs then
    -- Year keys are strings: the encoder sorts them, so the order is fixed. A band open above has
    -- no top: its high is null.
    local function by_year(t)
      local by = {}
      for y = self.model.first_year, self.model.last_year do
        if t[y] ~= nil then by[tostring(y)] = finite(t[y]) or json.null end
      end
      return by
    end
    local costs = setmetatable({}, json.array_meta)
    for i, c in ipairs(self.costs) do
      local function items(list)
        local a = setmetatable({}, json.array_meta)
        for _, it in ipairs(list) do
          a[#a + 1] = ordered({ id = it.id, label = it.label, payer = it.payer, lag = it.lag, band = it.band,
            by_year = by_year(it.point), low = by_year(it.lo), high = by_year(it.hi) },
            { "id", "label", "payer", "lag", "band", "by_year", "low", "high" })
        end
        return a
      end
      local payers = {}
      for _, payer in ipairs{ "city", "county" } do
        local p = c.by_payer[payer]
        payers[payer] = ordered({ total = by_year(p.point), low = by_year(p.lo), high = by_year(p.hi) }, { "total", "low", "high" })
      end
      local nc = setmetatable({}, json.array_meta)
      for _, n in ipairs(c.not_costed) do nc[#nc + 1] = ordered({ id = n.id, why = n.why }, { "id", "why" }) end
      costs[i] = ordered({ scenario = self.scenarios[i].name, spending = items(c.spending), rules = items(c.rules),
        total = by_year(c.total), total_low = by_year(c.total_lo), total_high = by_year(c.total_hi),
        by_payer = ordered(payers, { "city", "county" }), budget_share_pct = by_year(c.share),
        default_point = self.policy and self.policy.default_point or json.null, not_costed = nc },
        { "scenario", "spending", "rules", "total", "total_low", "total_high", "by_payer", "budget_share_pct",
          "default_point", "not_costed" })
    end
    out.costs = costs
  end
  return ordered(out, { "indicators", "costs" })
end

function Comparison:to_json() return json.encode(self:to_table(), true) end

--- The chart of one indicator: each scenario's path up to the last compared year, the plan's
--- actuals and its targets.
function Comparison:chart(id)
  local svg = require "tuiyan.svg"
  local element = self.model:indicators()[id]
  local last = self.years[#self.years]
  local series, markers = {}, {}
  local info = self.plan and self.plan:info(id) or { name = id, unit = self.model:element(element).unit }
  if self.plan then
    local act = {}
    for _, a in ipairs(self.plan:actuals(id)) do act[#act + 1] = { a.year, a.value } end
    if #act > 0 then series[#series + 1] = { name = "actual 实际", points = act, dots = true, color = "#222222" } end
    for _, t in ipairs(self.plan:targets(id)) do
      markers[#markers + 1] = { x = t.year, y = t.value, label = ("%d: %s"):format(t.year, format.value(t.value)) }
    end
  end
  for i, s in ipairs(self.scenarios) do
    local pts = {}
    for y = self.model.first_year, last do pts[#pts + 1] = { y, self.runs[i]:get(element, y) } end
    series[#series + 1] = { name = s.name, points = pts, color = svg.PALETTE[(i - 1) % #svg.PALETTE + 1],
      style = i == 1 and "dashed" or "solid" }
  end
  return svg.line{ title = ("%s (%s)"):format(info.name, info.unit), series = series, markers = markers }
end

--- charts() -> { {id =, chart = Chart}, ... }: each indicator's scenario paths, for slides.
function Comparison:charts()
  local svg = require "tuiyan.svg"
  local out, seen = {}, {}
  for _, row in ipairs(self.rows) do
    if not seen[row.id] then
      seen[row.id] = true
      out[#out + 1] = { id = row.id, chart = svg.chart(row.name, self:chart(row.id)) }
    end
  end
  return out
end

-- A scenario's total cost over the cost years (the default point), nil without a policy.
local function total_cost(self, i)
  if not self.costs then return nil end
  local sum = 0
  for y = self.cost_years[1], self.cost_years[2] do sum = sum + (self.costs[i].total[y] or 0) end
  return sum
end

--- leader_section() -> the page a bureau leader reads first: for each scenario how many targets
--- it meets (✓ green) and its total cost over the cost years; then the targets no scenario meets
--- (✗ red; furthest short first: the best scenario's shortfall as a share of the target), those
--- met only under some scenarios, and those every scenario meets.
function Comparison:leader_section()
  local html = require "tuiyan.html"
  local esc = html.escape
  local n = #self.scenarios
  local out = { "<table class=\"leader-scenarios\">\n<thead><tr><th>情景 scenario</th><th class=\"num\">达标 targets met</th>" }
  if self.costs then
    out[#out + 1] = ("<th class=\"num\">总成本 total cost %d–%d (万元)</th>"):format(self.cost_years[1], self.cost_years[2])
  end
  out[#out + 1] = "</tr></thead>\n<tbody>\n"
  local none, some, all = {}, {}, {}
  for k, row in ipairs(self.rows) do
    if row.target ~= nil then
      local met, best = {}, math.huge
      for i = 1, n do
        if row.met[i] then met[#met + 1] = self.scenarios[i].name
        else best = math.min(best, math.abs(row.target - row.values[i]) / math.max(math.abs(row.target), 1e-12)) end
      end
      local entry = { row = row, met = met, short = best, index = k }
      if #met == 0 then none[#none + 1] = entry elseif #met < n then some[#some + 1] = entry else all[#all + 1] = entry end
    end
  end
  table.sort(none, function(a, b)
    if a.short ~= b.short then return a.short > b.short end
    return a.index < b.index
  end)
  for i, s in ipairs(self.scenarios) do
    local met, judged = 0, 0
    for _, row in ipairs(self.rows) do
      if row.met[i] ~= nil then judged = judged + 1; if row.met[i] then met = met + 1 end end
    end
    out[#out + 1] = ('<tr><td>%s</td><td class="num"><span class="met-yes">✓</span> %d / %d</td>'):format(esc(s.name), met, judged)
    if self.costs then out[#out + 1] = ('<td class="num">%s</td>'):format(esc(format.display(total_cost(self, i), "万元"))) end
    out[#out + 1] = "</tr>\n"
  end
  out[#out + 1] = "</tbody>\n</table>\n"
  local function name(e) return ("%s %d"):format(esc(e.row.name), e.row.year) end
  if #none > 0 then
    out[#out + 1] = ('<h3><span class="met-no">✗</span> No scenario meets (%d), furthest short first</h3>\n<ol class="urgent">\n'):format(#none)
    for _, e in ipairs(none) do
      local vals = {}
      for i, s in ipairs(self.scenarios) do vals[i] = esc(s.name) .. " " .. esc(format.display(e.row.values[i], e.row.unit)) end
      out[#out + 1] = ('<li><span class="what">%s</span> · 目标 target %s · %s</li>\n'):format(name(e),
        esc(format.display(e.row.target, e.row.unit)), table.concat(vals, ", "))
    end
    out[#out + 1] = "</ol>\n"
  end
  if #some > 0 then
    local t = {}
    for _, e in ipairs(some) do t[#t + 1] = name(e) .. ' <span class="met-yes">✓</span> ' .. esc(table.concat(e.met, ", ")) end
    out[#out + 1] = ("<h3>Met only under some scenarios (%d)</h3>\n<p class=\"compact\">%s</p>\n"):format(#some, table.concat(t, "; "))
  end
  if #all > 0 then
    local t = {}
    for _, e in ipairs(all) do t[#t + 1] = name(e) end
    out[#out + 1] = ('<h3><span class="met-yes">✓</span> Every scenario meets (%d)</h3>\n<p class="compact">%s</p>\n'):format(#all, table.concat(t, "; "))
  end
  out[#out + 1] = html.notes{ "✓ meets the plan's target for that year, ✗ does not. "
    .. (self.costs and ("Total cost: lever spending above " .. self.scenarios[1].name .. " plus the support rules' payments, "
      .. "default points, summed over the years of the cost table below.") or "") }
  return { title = ("致领导 For the bureau leader — %s"):format(self.title or "Scenario comparison / 情景对比"),
    html = table.concat(out), class = "leader", sources = { html.plan_source(self.plan) } }
end

--- HTML sections: the leader's page, the comparison table (✓/✗ coloured), a chart per indicator,
--- the costs.
function Comparison:html_sections()
  local html = require "tuiyan.html"
  local svg = require "tuiyan.svg"
  local T = self:indicator_table()
  for _, col in ipairs(T.columns) do
    if col.key:match("^v%d+$") then col.html = function(v) return html.met(v) end end
  end
  local charts, seen = {}, {}
  for _, row in ipairs(self.rows) do
    if not seen[row.id] then
      seen[row.id] = true
      charts[#charts + 1] = html.figure(self:chart(row.id))
    end
  end
  local sections = {
    self:leader_section(),
    { title = "情景对比 Scenarios against the targets", html = T:to_html_fragment() },
    { title = "图表 Charts", html = html.charts(charts) },
  }
  local ct = self:cost_table()
  if ct then
    local last = self.cost_years[2]
    local items = {}
    for i in ipairs(self.costs) do
      items[i] = { label = self.scenarios[i].name, value = total_cost(self, i), color = svg.PALETTE[(i - 1) % #svg.PALETTE + 1] }
    end
    sections[#sections + 1] = { title = "政策成本 Fiscal cost", html = ct:to_html_fragment() ..
      html.figure(svg.bars{ title = ("Total cost %d–%d (万元)"):format(self.cost_years[1], last), items = items, unit = "万元" }) }
  end
  return sections
end

--- A self-contained HTML report of the comparison.
function Comparison:to_html()
  local names = {}
  for i, s in ipairs(self.scenarios) do names[i] = s.name .. (s.label and (" — " .. s.label) or "") end
  return require("tuiyan.html").document{ title = self.title or "Scenario comparison / 情景对比",
    subtitle = table.concat(names, "; "), sections = self:html_sections() }
end

Comparison.__tostring = Comparison.to_text
M.Comparison = Comparison
return M
