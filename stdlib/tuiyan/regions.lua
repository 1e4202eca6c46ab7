-- tuiyan.regions — a city as its counties (DOMAIN §6): county plans side by side, aggregated to the
-- city by each indicator's rule, ranked, and combined into a composite index whose sensitivity to
-- the weights is shown. The arithmetic is in the C core (src/core/regions.c).
--
--   local city = tuiyan.regions.new{ name = "武威市", regions = { {"凉州区", plan1}, {"民勤县", plan2} },
--     components = { rd_intensity = { "rd_total", "gdp", scale = 100 } },   -- ratio = Σnum / Σden
--     weights = { tech_contract_turnover = "population" } }                 -- weighted means
--   city:aggregate(2021)   city:rank("hte_count", 2021)   city:composite{ year = 2021, weights = {...} }
--
-- Rules come from each indicator's `aggregate` attribute: sum (counts, amounts), ratio (recomputed
-- from summed components; never the mean of county ratios), mean (weighted; equal weights unless
-- given), none (not aggregatable, e.g. 科技进步贡献率). Missing county values are never guessed.
local native = require "_tuiyan.regions"
local tabular = require "tuiyan.tabular"
local format = require "tuiyan.format"

local M = {}

-- The native functions take arrays with `false` for a missing region value (a Lua array cannot
-- hold nil in the middle).
local function with_gaps(t, n)
  local out = {}
  for i = 1, n do
    if t[i] == nil then out[i] = false else out[i] = t[i] end
  end
  return out
end

local City = {}
City.__index = City
City.__name = "tuiyan.City"

--- new{ name =, regions = { {name, plan}, ... }, components = {...}, weights = {...} }
function M.new(spec)
  assert(type(spec) == "table" and type(spec.regions) == "table" and #spec.regions >= 1,
    "regions.new: { name, regions = { {name, plan}, ... } } expected")
  local c = setmetatable({ name = spec.name or "city", regions = {}, plans = {},
    components = spec.components or {}, weights = spec.weights or {} }, City)
  for i, r in ipairs(spec.regions) do
    if type(r[1]) ~= "string" or r[2] == nil then error(("regions.new: region %d must be {name, plan}"):format(i), 2) end
    c.regions[i], c.plans[i] = r[1], r[2]
  end
  return c
end

-- Indicator ids in the first county's order.
function City:ids() return self.plans[1]:ids() end

--- values(id, year) -> { v_region1, ... } (nil for missing)
function City:values(id, year)
  local out = {}
  for i, p in ipairs(self.plans) do out[i] = p:has(id) and p:actual(id, year) or nil end
  return out
end

--- aggregate_one(id, year) -> value | nil, rule, why
function City:aggregate_one(id, year)
  local rule = self.plans[1]:info(id).aggregate
  local n = #self.plans
  local v = self:values(id, year)
  local function padded(t) return with_gaps(t, n) end
  if rule == "none" then return nil, rule, "not aggregatable" end
  if rule == "sum" then
    local x, why = native.sum(padded(v)); return x, rule, why
  end
  if rule == "ratio" then
    local comp = self.components[id]
    if not comp then return nil, rule, "a ratio needs its components: give components." .. id .. " = {numerator, denominator}" end
    local x, why = native.ratio(padded(self:values(comp[1], year)), padded(self:values(comp[2], year)), comp.scale or 1)
    return x, rule, why
  end
  local w = self.weights[id]
  local weights = {}
  for i = 1, n do weights[i] = w and self.plans[i]:actual(w, year) or 1 end
  local x, why = native.weighted_mean(padded(v), padded(weights)); return x, rule, why
end

--- aggregate(year) -> a table (to_text/csv/json/md) of every indicator's city value and rule.
function City:aggregate(year)
  local cols = { { key = "id", machine = true }, { key = "name", title = "指标 indicator" }, { key = "unit", title = "单位" } }
  local function unit(row) return row.unit end   -- numbers at the display precision of their unit
  for i, r in ipairs(self.regions) do cols[#cols + 1] = { key = "r" .. i, csv = r, title = r, align = "right", unit = unit } end
  cols[#cols + 1] = { key = "city", title = self.name, align = "right", unit = unit }
  cols[#cols + 1] = { key = "rule", title = "rule" }
  cols[#cols + 1] = { key = "why", title = "note" }
  local T = tabular.new{ title = ("%s %d: counties and the city / 县区与全市"):format(self.name, year), columns = cols }
  for _, id in ipairs(self:ids()) do
    local info = self.plans[1]:info(id)
    local row = { id = id, name = info.name, unit = info.unit }
    for i, v in ipairs(self:values(id, year)) do row["r" .. i] = v end
    local x, rule, why = self:aggregate_one(id, year)
    row.city, row.rule, row.why = x, rule, x == nil and why or nil
    T:add(row)
  end
  T:note("ratio: Σ numerators / Σ denominators (not the mean of county ratios); mean: weighted; none: not aggregatable.")
  return T
end

-- A table that draws itself: its HTML puts the chart above the table, and charts() / to_svg() give
-- the chart alone for slides. It stays a tuiyan.tabular (rows, to_text, to_csv, ...): the methods
-- are set on the one table, so callers that read rows are not affected.
local function with_chart(T, id, draw)
  local svg = require "tuiyan.svg"
  T.chart = function() return draw() end
  T.charts = function(self) return { { id = id, chart = svg.chart(self.title, draw()) } } end
  T.to_svg = function(self) return self:charts()[1].chart:to_svg() end
  T.html_sections = function(self)
    return { { title = self.title, html = require("tuiyan.html").figure(draw()) .. self:to_html_fragment() } }
  end
  T.to_html = function(self)
    return require("tuiyan.html").document{ title = self.title, sections = self:html_sections() }
  end
  return T
end

-- Horizontal bars of the regions in the order given; a region without a value shows "—".
local function region_bars(title, unit, list)
  local svg = require "tuiyan.svg"
  local items = {}
  for i, r in ipairs(list) do
    items[i] = { label = r.rank and ("%d  %s"):format(r.rank, r.region) or r.region, value = r.value,
      color = svg.PALETTE[1] }
  end
  return svg.bars{ title = title, unit = unit, items = items }
end

--- rank(id, year [, direction]) -> { {region, value, rank}, ... } best first (missing last).
function City:rank(id, year, direction)
  direction = direction or (self.plans[1]:info(id).direction == "down" and -1 or 1)
  local v = self:values(id, year)
  local ranks = native.rank(with_gaps(v, #self.plans), direction)
  local out = {}
  for i, r in ipairs(self.regions) do out[i] = { region = r, value = v[i], rank = ranks[i] } end
  table.sort(out, function(a, b)
    local ra, rb = a.rank == 0 and math.huge or a.rank, b.rank == 0 and math.huge or b.rank
    if ra ~= rb then return ra < rb end
    return a.region < b.region
  end)
  return out
end

--- ranking(id, year [, direction]) -> the ranking as a table (rank, region, value) with a bar
--- chart in its HTML and SVG: to_text, to_csv, to_json, to_md, to_html, to_svg, charts().
function City:ranking(id, year, direction)
  local info = self.plans[1]:info(id)
  local list = self:rank(id, year, direction)
  local T = tabular.new{ title = ("%s %d: %s (%s), county ranking / 县区排名"):format(self.name, year, info.name, info.unit),
    columns = { { key = "rank", title = "名次 rank", align = "right" }, { key = "region", title = "县区 region" },
      { key = "value", title = ("%s (%s)"):format(info.name, info.unit), align = "right", unit = info.unit } } }
  for _, r in ipairs(list) do T:add{ rank = r.rank ~= 0 and r.rank or nil, region = r.region, value = r.value } end
  if list[#list] and list[#list].rank == 0 then T:note("— a region without a value is not ranked.") end
  return with_chart(T, id, function()
    local shown = {}
    for i, r in ipairs(list) do shown[i] = { region = r.region, value = r.value, rank = r.rank ~= 0 and r.rank or nil } end
    return region_bars(("%s (%s) %d"):format(info.name, info.unit, year), info.unit, shown)
  end)
end

local function sorted_keys(t)
  local ks = {}
  for k in pairs(t) do ks[#ks + 1] = k end
  table.sort(ks)
  return ks
end

-- The composite index per region for weights { id = w }.
function City:_index(year, weights, normalise)
  local rows, w, dir, targets = {}, {}, {}, {}
  for k, id in ipairs(sorted_keys(weights)) do
    rows[k], w[k] = with_gaps(self:values(id, year), #self.plans), weights[id]
    dir[k] = self.plans[1]:info(id).direction == "down" and -1 or 1
    targets[k] = self.plans[1]:target(id, year) or false
  end
  return native.composite(rows, w, dir, normalise or "minmax", normalise == "target" and targets or nil)
end

--- composite{ year =, weights = { id = w }, normalise = "minmax" | "target", change = 0.2 }
--- -> a table: each region's index (0–100) and rank, and how far each rank moves when any one
--- weight moves by ±change (the ranking's sensitivity to the weights).
function City:composite(spec)
  local year, weights = spec.year, spec.weights
  assert(math.type(year) == "integer" and type(weights) == "table", "composite: { year, weights } expected")
  local base = self:_index(year, weights, spec.normalise)
  local function ranks_of(index) return native.rank(with_gaps(index, #self.plans), 1) end
  local r0 = ranks_of(base)
  local change = spec.change or 0.2
  local moves = {}
  for i = 1, #self.plans do moves[i] = 0 end
  for _, id in ipairs(sorted_keys(weights)) do
    for _, f in ipairs{ 1 - change, 1 + change } do
      local w2 = {}
      for k, v in pairs(weights) do w2[k] = v end
      w2[id] = weights[id] * f
      local r = ranks_of(self:_index(year, w2, spec.normalise))
      for i = 1, #self.plans do moves[i] = math.max(moves[i], math.abs(r[i] - r0[i])) end
    end
  end
  local T = tabular.new{ title = ("%s %d: composite index / 综合指数 (%s)"):format(self.name, year, spec.normalise or "minmax"),
    columns = { { key = "region", title = "县区 region" }, { key = "index", title = "指数 index", align = "right",
      fmt = function(x) return format.value(x, 2) end }, { key = "rank", title = "名次 rank", align = "right" },
      { key = "moves", title = ("rank shift at ±%d%% weight"):format(math.floor(change * 100 + 0.5)), align = "right" } } }
  local order = {}
  for i = 1, #self.plans do order[i] = i end
  table.sort(order, function(a, b)
    local ra, rb = r0[a] == 0 and math.huge or r0[a], r0[b] == 0 and math.huge or r0[b]
    if ra ~= rb then return ra < rb end
    return self.regions[a] < self.regions[b]
  end)
  for _, i in ipairs(order) do
    T:add{ region = self.regions[i], index = base[i], rank = r0[i] ~= 0 and r0[i] or nil, moves = moves[i] }
  end
  local wl = {}
  for _, id in ipairs(sorted_keys(weights)) do wl[#wl + 1] = ("%s %s"):format(id, format.value(weights[id])) end
  T:note("weights: " .. table.concat(wl, ", "))
  return with_chart(T, "composite", function()
    local shown = {}
    for k, row in ipairs(T.rows) do shown[k] = { region = row.region, value = row.index, rank = row.rank } end
    return region_bars(("综合指数 composite index %d (0–100)"):format(year), nil, shown)
  end)
end

M.City = City
return M
