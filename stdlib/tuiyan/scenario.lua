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

M.Scenario = Scenario
return M
