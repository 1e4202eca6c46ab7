-- tuiyan.scenario — scenarios (DOMAIN §5): a model plus overrides of its parameters and levers.
-- A child changes only what differs from its parent (derive); several scenarios can be combined
-- in a declared order, later wins (combine), as LEAP's "inherits from" and Vensim's layered
-- change files. An override that names no parameter or lever is an error, never ignored.
--
-- Values: a number (every year), S.from(year, v) (v from that year on, the default before), or a
-- table { [year] = v, ... } (the default in the years not given).
local M = {}

local Scenario = {}
Scenario.__index = Scenario
Scenario.__name = "tuiyan.Scenario"

local From = {}
From.__index = From

--- from(year, value): value from `year` on, the element's default before.
function M.from(year, value)
  if math.type(year) ~= "integer" or type(value) ~= "number" then
    error("bad arguments to 'from' (integer year and number expected)", 2)
  end
  return setmetatable({ year = year, value = value }, From)
end

local function check_override(model, scen, name, value, level)
  local el = model:element(name)
  if el == nil or (el.kind ~= "param" and el.kind ~= "lever") then
    local inputs = {}
    for _, e in ipairs(model.elements) do
      if e.kind == "param" or e.kind == "lever" then inputs[#inputs + 1] = e.name end
    end
    local best = require("_tuiyan.text").closest(name, inputs)   -- "did you mean" (core/suggest.c)
    local what = el and ("'%s' is a %s, not a parameter or lever"):format(name, el.kind)
      or ("no parameter or lever named '%s'"):format(name)
    error(("scenario '%s': %s%s"):format(scen, what, best and ("; did you mean '" .. best .. "'?") or ""), level)
  end
  local t = type(value)
  if not (t == "number" or getmetatable(value) == From or t == "table") then
    error(("scenario '%s': %s: a number, from(year, v) or {[year] = v} expected, got %s"):format(scen, name, t), level)
  end
  -- Declared bounds (Model:check_value): every value the override gives, whatever its form.
  local values = {}
  if t == "number" then values[1] = value
  elseif getmetatable(value) == From then values[1] = value.value
  else
    local years = {}
    for y in pairs(value) do years[#years + 1] = y end
    table.sort(years, function(a, b) return tostring(a) < tostring(b) end)
    for _, y in ipairs(years) do
      if math.type(y) ~= "integer" or type(value[y]) ~= "number" then
        error(("scenario '%s': %s: {[year] = number} expected, got [%s] = %s"):format(scen, name, tostring(y), tostring(value[y])), level)
      end
      values[#values + 1] = { value[y], y }
    end
  end
  for _, x in ipairs(values) do
    local v, y = x, nil
    if type(x) == "table" then v, y = x[1], x[2] end
    local why = model:check_value(name, v)
    if why then
      error(("scenario '%s': %s%s"):format(scen, why, y and (" (year " .. y .. ")") or ""), level)
    end
  end
end

--- new{ name =, model =, set = { name = value }, label = } -> the root scenario (a baseline).
function M.new(spec)
  assert(type(spec) == "table" and spec.model, "scenario.new: { name, model } expected")
  local s = setmetatable({ name = spec.name or "baseline", label = spec.label, model = spec.model,
    layers = {}, parents = {} }, Scenario)
  s:_layer(spec.set or {}, 4)
  return s
end

-- Adds a layer of overrides, checked against the model; names applied in sorted order so runs
-- never depend on pairs().
function Scenario:_layer(set, level)
  local names = {}
  for k, v in pairs(set) do
    if type(k) ~= "string" then error(("scenario '%s': override names must be strings"):format(self.name), level) end
    check_override(self.model, self.name, k, v, level + 1)
    names[#names + 1] = k
  end
  table.sort(names)
  local layer = {}
  for _, k in ipairs(names) do layer[#layer + 1] = { k, set[k] } end
  self.layers[#self.layers + 1] = layer
end

--- derive{ name =, set = {...}, label = } -> a child that changes only what differs.
function Scenario:derive(spec)
  assert(type(spec) == "table" and spec.name, "derive: { name = , set = {...} } expected")
  local s = setmetatable({ name = spec.name, label = spec.label, model = self.model, layers = {},
    parents = { self } }, Scenario)
  s:_layer(spec.set or {}, 3)
  return s
end

--- combine{ name =, a, b, ... }: a's overrides, then b's (later wins).
function M.combine(spec)
  assert(type(spec) == "table" and spec.name and #spec >= 1, "combine: { name = , scenario, scenario, ... } expected")
  local model = spec[1].model
  for i, p in ipairs(spec) do
    if getmetatable(p) ~= Scenario then error(("combine '%s': argument %d is not a scenario"):format(spec.name, i), 2) end
    if p.model ~= model then error(("combine '%s': scenarios of different models"):format(spec.name), 2) end
  end
  local s = setmetatable({ name = spec.name, label = spec.label, model = model, layers = {},
    parents = { table.unpack(spec) } }, Scenario)
  return s
end

-- Overrides set on the command line (--set NAME=VALUE) sit under every scenario's own layers:
-- they change the baseline assumptions; a scenario that sets the same name still wins.
local function cli_layer(model)
  local tuiyan = require "tuiyan"
  local set = tuiyan.options.set or {}
  if #set > 0 then tuiyan.options.set_used = true end   -- checked when the run ends (lua/batch.lua)
  local layer = {}
  for _, k in ipairs(set) do
    local ok, err = pcall(check_override, model, "--set", k, set[k], 1)
    if not ok then tuiyan.fail("usage", "%s", (tostring(err):gsub("^[^:]*:%d+: ", ""))) end
    layer[#layer + 1] = { k, set[k] }
  end
  return layer
end

-- The layers from the root down to this scenario, in application order.
function Scenario:_all_layers(out, seen)
  out, seen = out or {}, seen or {}
  if seen[self] then return out end
  seen[self] = true
  for _, p in ipairs(self.parents) do p:_all_layers(out, seen) end
  for _, l in ipairs(self.layers) do out[#out + 1] = l end
  return out
end

local function to_native(model, name, value)
  if type(value) == "number" then return value end
  local el = model:element(name)
  local default = el.body
  if type(default) ~= "number" then
    error(("%s: a by-year override needs a numeric default to fill the other years"):format(name), 4)
  end
  local series = { first_year = model.first_year }
  for y = model.first_year, model.last_year do
    local v = default
    if getmetatable(value) == From then
      if y >= value.year then v = value.value end
    elseif value[y] ~= nil then
      v = value[y]
    end
    series[#series + 1] = v
  end
  return series
end

--- overrides() -> { {name, value}, ... } as the core takes them (parents first, later wins).
function Scenario:overrides(extra)
  local out = {}
  for _, l in ipairs(cli_layer(self.model)) do out[#out + 1] = { l[1], to_native(self.model, l[1], l[2]) } end
  for _, layer in ipairs(self:_all_layers()) do
    for _, o in ipairs(layer) do out[#out + 1] = { o[1], to_native(self.model, o[1], o[2]) } end
  end
  for _, o in ipairs(extra or {}) do out[#out + 1] = { o[1], to_native(self.model, o[1], o[2]) } end
  return out
end

--- value(name) -> the override in force for name in this scenario (nil when the default).
function Scenario:value(name)
  local v
  for _, layer in ipairs(self:_all_layers()) do
    for _, o in ipairs(layer) do if o[1] == name then v = o[2] end end
  end
  return v
end

--- run([extra]) -> a Run of the model (extra: more {name, value} overrides on top).
function Scenario:run(extra)
  local r = self.model:run(self:overrides(extra))
  r.scenario = self
  return r
end

function Scenario:__tostring() return ("scenario %s"):format(self.name) end

-- A value as the reports show it: a number, "v from YEAR", or "YEAR: v, YEAR: v".
local function describe(value)
  local F = require "tuiyan.format"
  if type(value) == "number" then return F.value(value) end
  if getmetatable(value) == From then return ("%s from %d"):format(F.value(value.value), value.year) end
  local years, parts = {}, {}
  for y in pairs(value) do years[#years + 1] = y end
  table.sort(years)
  for _, y in ipairs(years) do parts[#parts + 1] = ("%d: %s"):format(y, F.value(value[y])) end
  return table.concat(parts, ", ")
end

--- setting(name) -> the value in force for a param or lever in this scenario, in words, marked
--- with where it comes from: "0.06 (--set; default 0.055)", "10 from 2022 (scenario hte+10)", or
--- "0.02 (default)".
function Scenario:setting(name)
  local el = self.model:element(name)
  local sv = self:value(name)
  if sv ~= nil then return ("%s (scenario %s)"):format(describe(sv), self.name) end
  for _, l in ipairs(cli_layer(self.model)) do
    if l[1] == name then sv = l[2] end
  end
  if sv ~= nil then return ("%s (--set; default %s)"):format(describe(sv), describe(el.body)) end
  return ("%s (default)"):format(type(el.body) == "number" and describe(el.body) or "series")
end

--- assumptions(scenarios) -> { {name, kind, unit, note, default, value, text, set_by}, ... } in
--- definition order: every param or lever marked as an assumption, and every other one that
--- --set or a scenario changes, with the value in force. value: the one number in force in every
--- scenario (nil when they differ or it is by year); text says where each value comes from:
--- "0.03 (--set; default 0.02)", "0 (default); 10 from 2022 in hte+10, both"; set_by: "--set",
--- "scenario", "--set, scenario" or nil (the model's default).
function M.assumptions(scenarios)
  assert(type(scenarios) == "table" and #scenarios >= 1, "assumptions: a list of scenarios expected")
  local model = scenarios[1].model
  local cli = {}
  for _, l in ipairs(cli_layer(model)) do cli[l[1]] = l[2] end
  local out = {}
  for _, el in ipairs(model.elements) do
    if el.kind == "param" or el.kind == "lever" then
      local groups, order = {}, {}
      for _, sc in ipairs(scenarios) do
        local sv = sc:value(el.name)
        if sv ~= nil then
          local d = describe(sv)
          if not groups[d] then groups[d] = {}; order[#order + 1] = d end
          local g = groups[d]
          g[#g + 1] = sc.name
        end
      end
      local base = cli[el.name]
      if el.opts.assumption or base ~= nil or #order > 0 then
        local used = base ~= nil and base or el.body
        local text = type(used) == "number" and describe(used) or "series"
        if base ~= nil then text = ("%s (--set; default %s)"):format(text, describe(el.body))
        elseif #order > 0 then text = text .. " (default)" end
        for _, d in ipairs(order) do text = ("%s; %s in %s"):format(text, d, table.concat(groups[d], ", ")) end
        local by = {}
        if base ~= nil then by[#by + 1] = "--set" end
        if #order > 0 then by[#by + 1] = "scenario" end
        out[#out + 1] = { name = el.name, kind = el.kind, unit = el.unit, default = el.body,
          note = el.opts.assumption or el.opts.note or el.opts.source or "",
          value = (#order == 0 and type(used) == "number") and used or nil, text = text,
          set_by = #by > 0 and table.concat(by, ", ") or nil }
      end
    end
  end
  return out
end

M.Scenario = Scenario
return M
