-- tuiyan.model — the model DSL (DOMAIN §3): analysts define params, levers, stocks, flows and
-- auxiliaries with ordinary Lua operators; the C core compiles the model once (units checked,
-- cycles refused, a flat program) and runs it with no Lua in the loop.
--
--   local M = tuiyan.model
--   local m = M.new{ name = "demo", first_year = 2021, last_year = 2030 }
--   local v = m.v                                   -- v.x refers to element x (even before it exists)
--   m:param("growth", 0.06, { unit = "1", assumption = "GDP growth 6 %/yr" })
--   m:stock("gdp", { unit = "亿元", init = 500, inflows = { "gdp_added" } })
--   m:flow("gdp_added", M.prev(v.gdp) * v.growth, { unit = "亿元/年" })
--   m:aux("rd_intensity", v.rd / v.gdp * 100, { unit = "%", indicator = "rd_intensity" })
--
-- Stocks are annual levels: level[first] = init; level[Y] = level[Y-1] + inflows[Y] - outflows[Y],
-- each flow labelled by the year it happens in. A flow that depends on the level reads last
-- year's level with M.prev(v.stock). Comparisons are functions (M.gt(a, b) ...) because Lua
-- turns `<` into a boolean. Every element records the script line that defined it, and compile
-- errors name it.
local native = require "_tuiyan.model"

local M = {}

-- ---------------------------------------------------------------------------------------------
-- Expressions: plain tables { op = ..., ... } with operator metamethods.

local Expr = {}
Expr.__index = Expr
Expr.__name = "tuiyan.Expr"

local function node(t) return setmetatable(t, Expr) end

local function is_expr(x) return getmetatable(x) == Expr end

--- E(x): a number becomes a constant (free of units); an Expr stays as it is.
local function E(x)
  if is_expr(x) then return x end
  if type(x) == "number" then return node{ op = "const", value = x } end
  error(("model expression expected, got %s"):format(type(x)), 3)
end
M.E = E

local function call(op, ...)
  local args = table.pack(...)
  local t = { op = "call", fn = op, args = {} }
  for i = 1, args.n do t.args[i] = E(args[i]) end
  return node(t)
end

Expr.__add = function(a, b) return call("add", a, b) end
Expr.__sub = function(a, b) return call("sub", a, b) end
Expr.__mul = function(a, b) return call("mul", a, b) end
Expr.__div = function(a, b) return call("div", a, b) end
Expr.__pow = function(a, b) return call("pow", a, b) end
Expr.__unm = function(a) return call("neg", a) end
Expr.__tostring = function(e) return M.show(e) end

--- A number with a unit: M.const(20, "万元").
function M.const(value, unit) return node{ op = "const", value = value, unit = unit } end
--- The year being computed, as a number.
function M.year() return node{ op = "year" } end
--- x in year Y - n (n >= 1); `init` is used while Y - n is before the first year.
function M.delay(x, n, init)
  assert(is_expr(x) and x.op == "ref", "delay: an element reference (v.name) expected")
  if math.type(n) ~= "integer" or n < 1 then error("delay: a whole number of years >= 1 expected", 2) end
  return node{ op = "delay", name = x.name, years = n, init = init ~= nil and E(init) or nil }
end
M.lag = M.delay
--- Last year's value of x (the level before this year's flows).
function M.prev(x, init) return M.delay(x, 1, init) end

-- Functions with the same name in the core's operator table (src/core/expr_ops.h).
for _, name in ipairs{ "min", "max", "clamp", "abs", "exp", "log", "sqrt", "floor", "sum",
  "step", "ramp", "growth", "if_" } do
  M[name] = function(...) return call(name, ...) end
end
M.pow = function(a, b) return call("pow", a, b) end
for _, name in ipairs{ "lt", "le", "gt", "ge", "eq", "ne" } do
  M[name] = function(a, b) return call(name, a, b) end
end
M.and_ = function(a, b) return call("and", a, b) end
M.or_ = function(a, b) return call("or", a, b) end
M.not_ = function(a) return call("not", a) end

--- interp{ 2021, 0.5, 2025, 1.0 }: linear between the points, constant outside (LEAP's Interp).
function M.interp(points)
  assert(type(points) == "table" and #points >= 2 and #points % 2 == 0, "interp: year, value pairs expected")
  local years, values = {}, {}
  for i = 1, #points, 2 do
    years[#years + 1] = points[i]
    values[#values + 1] = E(points[i + 1])
  end
  return node{ op = "interp", years = years, values = values }
end

--- lookup(table_element, x): the piecewise-linear table at x.
function M.lookup(tbl, x)
  local name = type(tbl) == "string" and tbl or (is_expr(tbl) and tbl.name)
  assert(name, "lookup: a table name or reference expected")
  return node{ op = "lookup", table = name, x = E(x) }
end

--- ext(fn_name, x): an external function (a policy schedule) applied to x.
function M.ext(fn, x) return node{ op = "ext", fn = fn, x = E(x) } end

--- show(e) -> a readable formula.
function M.show(e)
  if e.op == "const" then return tostring(e.value) .. (e.unit and (" " .. e.unit) or "") end
  if e.op == "ref" then return e.name end
  if e.op == "year" then return "year" end
  if e.op == "delay" then return ("delay(%s, %d)"):format(e.name, e.years) end
  if e.op == "lookup" then return ("lookup(%s, %s)"):format(e.table, M.show(e.x)) end
  if e.op == "ext" then return ("%s(%s)"):format(e.fn, M.show(e.x)) end
  if e.op == "interp" then return "interp{...}" end
  local sym = { add = "+", sub = "-", mul = "*", div = "/", pow = "^" }
  local a = e.args
  if sym[e.fn] then return ("(%s %s %s)"):format(M.show(a[1]), sym[e.fn], M.show(a[2])) end
  if e.fn == "neg" then return "-" .. M.show(a[1]) end
  local parts = {}
  for i, x in ipairs(a) do parts[i] = M.show(x) end
  return e.fn .. "(" .. table.concat(parts, ", ") .. ")"
end

-- ---------------------------------------------------------------------------------------------
-- Models

local Model = {}
Model.__index = Model
Model.__name = "tuiyan.ModelDef"

--- new{ name =, first_year =, last_year = } -> a model definition.
function M.new(spec)
  assert(type(spec) == "table", "model.new: a table { name, first_year, last_year } expected")
  local fy, ly = spec.first_year, spec.last_year
  if math.type(fy) ~= "integer" or math.type(ly) ~= "integer" or fy > ly then
    error("model.new: integer first_year <= last_year required", 2)
  end
  local m = setmetatable({ name = spec.name or "model", first_year = fy, last_year = ly,
    elements = {}, by_name = {}, extfns = {}, compiled = nil }, Model)
  m.v = setmetatable({}, { __index = function(_, k) return node{ op = "ref", name = k } end })
  return m
end

local META_KEYS = { unit = true, note = true, assumption = true, source = true, indicator = true,
  init = true, inflows = true, outflows = true, history = true, x_unit = true, label = true,
  into = true, from = true, dist = true, trend_only = true, start_of = true, bounds = true, limit = true }

local function where(level)
  local info = debug.getinfo(level, "Sl")
  if not info then return nil end
  return ("%s:%d"):format(info.short_src, info.currentline or 0)
end

function Model:_define(kind, name, body, opts, level)
  if type(name) ~= "string" then error(("%s: a name expected"):format(kind), level) end
  if self.by_name[name] then
    error(("%s '%s' is already defined at %s"):format(kind, name, self.by_name[name].loc or "?"), level)
  end
  opts = opts or {}
  if type(opts) ~= "table" then error(("%s '%s': options table expected"):format(kind, name), level) end
  for k in pairs(opts) do
    if not META_KEYS[k] then error(("%s '%s': unknown option '%s'"):format(kind, name, tostring(k)), level) end
  end
  local el = { kind = kind, name = name, body = body, opts = opts, loc = where(level + 1),
    unit = opts.unit }
  self.elements[#self.elements + 1] = el
  self.by_name[name] = el
  self.compiled = nil
  return el
end

-- Checks a declaration's bounds = { lo, hi, why = "..." } once, and its default against them.
local function check_bounds(el, level)
  local b = el.opts.bounds
  if b == nil then return end
  if type(b) ~= "table" or type(b[1]) ~= "number" or type(b[2]) ~= "number" or b[1] > b[2]
    or type(b.why) ~= "string" then
    error(("%s '%s': bounds = { lo, hi, why = \"...\" } with lo <= hi expected"):format(el.kind, el.name), level)
  end
  if type(el.body) == "number" and (el.body < b[1] or el.body > b[2]) then
    error(("%s '%s': its default %s is outside its bounds [%s, %s]"):format(el.kind, el.name,
      tostring(el.body), tostring(b[1]), tostring(b[2])), level)
  end
  -- A distribution must not draw values the bounds refuse: its support, truncation included.
  local d = el.opts.dist
  if type(d) == "table" and d.kind then
    local lo, hi = d.lo or -math.huge, d.hi or math.huge
    if d.kind == "uniform" or d.kind == "triangular" then lo, hi = math.max(lo, d.a), math.min(hi, d.b)
    elseif d.kind == "lognormal" then lo = math.max(lo, 0) end
    if lo < b[1] or hi > b[2] then
      error(("%s '%s': its distribution reaches outside its bounds [%s, %s]: truncate it (lo =, hi =)"):format(
        el.kind, el.name, tostring(b[1]), tostring(b[2])), level)
    end
  end
end

--- param(name, value, {unit=, assumption=|source=, note=, start_of=}): a coefficient. value is a
--- number or a year series { first_year = Y, v1, v2, ... }. An assumption (not from the sources)
--- says so. start_of = "indicator_id": the param is that indicator's value in the model's first
--- year (calibration sets it from the plan's actual of that year).
--- bounds = { lo, hi, why = "..." } (params and levers): the values that mean something, and why;
--- a run given a value outside them is refused with that reason (Model:check_value).
function Model:param(name, value, opts)
  check_bounds(self:_define("param", name, value, opts, 3), 3)
  return self.v[name]
end

--- lever(name, default, {unit=, note=, bounds = {lo, hi, why=}, limit = "element"}): a point where
--- scenarios intervene (default: no change). limit: an element whose positive value is the part of
--- the setting the model cannot take up (a capacity); goal seek reports it when it binds.
function Model:lever(name, default, opts)
  check_bounds(self:_define("lever", name, default or 0, opts, 3), 3)
  return self.v[name]
end

--- check_value(name, value) -> nil, or the reason a value (a number or a year series
--- { first_year =, v1, ... }) is outside the declared bounds of param or lever `name`.
function Model:check_value(name, value)
  local el = self.by_name[name]
  local b = el and el.opts.bounds
  if not b then return nil end
  local function bad(x, year)
    if x == x and x >= b[1] and x <= b[2] then return nil end
    local unit = (el.unit and el.unit ~= "1") and (" " .. el.unit) or ""
    local g = function(n) return ("%.10g"):format(n) end
    return ("%s = %s%s is outside the bounds of %s '%s': [%s, %s]%s (%s)"):format(name, g(x),
      year and (" in " .. year) or "", el.kind, name, g(b[1]), g(b[2]), unit, b.why)
  end
  if type(value) == "number" then return bad(value) end
  if type(value) == "table" then
    for i, x in ipairs(value) do
      if type(x) == "number" then
        local why = bad(x, value.first_year and (value.first_year + i - 1))
        if why then return why end
      end
    end
  end
  return nil
end

--- aux(name, expr, opts): a value computed each year from others.
function Model:aux(name, expr, opts)
  self:_define("aux", name, E(expr), opts, 3)
  return self.v[name]
end

--- flow(name, expr, {unit=, into=stock, from=stock}): a rate per year, optionally feeding stocks.
function Model:flow(name, expr, opts)
  local el = self:_define("flow", name, E(expr), opts, 3)
  el.into, el.from = el.opts.into, el.opts.from
  return self.v[name]
end

--- stock(name, {unit=, init=, inflows={...}, outflows={...}}): an annual level.
function Model:stock(name, opts)
  if type(opts) ~= "table" or opts.init == nil then error(("stock '%s': init required"):format(name), 2) end
  local el = self:_define("stock", name, E(opts.init), opts, 3)
  el.inflows = { table.unpack(opts.inflows or {}) }
  el.outflows = { table.unpack(opts.outflows or {}) }
  return self.v[name]
end

--- lookup(name, {x1, y1, x2, y2, ...}, {unit=, x_unit=}): a piecewise-linear table.
function Model:lookup(name, points, opts)
  assert(type(points) == "table" and #points >= 2 and #points % 2 == 0, "lookup: x, y pairs expected")
  self:_define("lookup", name, points, opts, 3)
  return name
end

--- extfn(name, fn) : registers an external function (a policy schedule) under `name`.
--- fn is an object with :_extfn() returning (callback lightuserdata, ctx userdata, in_unit, out_unit).
function Model:extfn(name, fn)
  self.extfns[#self.extfns + 1] = { name = name, fn = fn, loc = where(3) }
  self.compiled = nil
end

--- element(name) -> its definition table (kind, unit, opts, loc), or nil.
function Model:element(name) return self.by_name[name] end

--- assumptions() -> list of { name, value, unit, note } for every param/lever marked as one.
function Model:assumptions()
  local out = {}
  for _, el in ipairs(self.elements) do
    if el.opts.assumption then
      out[#out + 1] = { name = el.name, kind = el.kind, value = el.body, unit = el.unit,
        note = el.opts.assumption }
    end
  end
  return out
end

--- starts() -> { indicator_id = param_name } for the params marked start_of (starting points).
function Model:starts()
  local out = {}
  for _, el in ipairs(self.elements) do
    if el.opts.start_of then out[el.opts.start_of] = el.name end
  end
  return out
end

--- indicators() -> { indicator_id = element_name } for elements mapped to plan indicators.
function Model:indicators()
  local out = {}
  for _, el in ipairs(self.elements) do
    if el.opts.indicator then out[el.opts.indicator] = el.name end
  end
  return out
end

--- indicator_ids([plan]) -> the ids of the plan indicators this model explains: in the plan's
--- order with a plan, else sorted.
function Model:indicator_ids(plan)
  local mapping, ids = self:indicators(), {}
  if plan then
    for _, id in ipairs(plan:ids()) do if mapping[id] then ids[#ids + 1] = id end end
  else
    for id in pairs(mapping) do ids[#ids + 1] = id end
    table.sort(ids)
  end
  return ids
end

-- Replays expressions into the native builder; nodes are memoised per Expr table.
local function emit(b, e, memo)
  local id = memo[e]
  if id then return id end
  local key, op = e, e.op
  -- Before the first year a stock was at its initial level: delay(stock, n) defaults to init.
  if op == "delay" and e.init == nil and memo.stocks[e.name] then
    e = node{ op = "delay", name = e.name, years = e.years, init = memo.stocks[e.name].body }
  end
  if op == "const" then id = b:const(e.value, e.unit)
  elseif op == "ref" then id = b:ref(e.name)
  elseif op == "year" then id = b:year()
  elseif op == "delay" then id = b:delay(e.name, e.years, e.init and emit(b, e.init, memo) or nil)
  elseif op == "lookup" then id = b:lookup(e.table, emit(b, e.x, memo))
  elseif op == "ext" then id = b:ext(e.fn, emit(b, e.x, memo))
  elseif op == "interp" then
    local vals = {}
    for i, v in ipairs(e.values) do vals[i] = emit(b, v, memo) end
    id = b:interp(e.years, vals)
  else
    local args = {}
    for i, a in ipairs(e.args) do args[i] = emit(b, a, memo) end
    id = b:call(e.fn, table.unpack(args))
  end
  memo[key] = id
  return id
end

-- A stock lowered to the core: level = if_(year == first, init, prev(level, init) + net × 1 年),
-- so flows are labelled by the year they happen in (see the header of this file).
local function emit_stock(b, m, el, memo)
  local first = b:const(m.first_year)
  local is_first = b:call("eq", b:year(), first)
  local init = emit(b, el.body, memo)
  local net
  local function add_flow(name, sign)
    local r = b:ref(name)
    if net == nil then net = sign > 0 and r or b:call("neg", r)
    else net = b:call(sign > 0 and "add" or "sub", net, r) end
  end
  for _, f in ipairs(el.inflows) do add_flow(f, 1) end
  for _, f in ipairs(el.outflows) do add_flow(f, -1) end
  local prev = b:delay(el.name, 1, init)
  local later = prev
  if net then later = b:call("add", prev, b:call("mul", net, b:const(1, "年"))) end
  return b:aux(el.name, el.unit, el.loc, b:call("if_", is_first, init, later))
end

--- compile() -> the native compiled model (cached until the definition changes).
function Model:compile()
  if self.compiled then return self.compiled end
  local b = native.builder()
  local memo = { stocks = {} }
  -- flows declare their stock with into/from; gather them onto the stocks
  local stocks = {}
  for _, el in ipairs(self.elements) do if el.kind == "stock" then stocks[el.name] = el end end
  memo.stocks = stocks
  for _, el in ipairs(self.elements) do
    if el.kind == "flow" then
      for key, list in pairs{ into = "inflows", from = "outflows" } do
        local target = el[key]
        if target then
          local s = stocks[target]
          if not s then error(("%s: flow '%s' %s '%s', which is not a stock"):format(el.loc or "?", el.name, key, target), 2) end
          s[list][#s[list] + 1] = el.name
        end
      end
    end
  end
  for _, x in ipairs(self.extfns) do
    local fn, ctx, in_unit, out_unit = x.fn:_extfn()
    b:extfn(x.name, in_unit, out_unit, x.loc, fn, ctx)
  end
  for _, el in ipairs(self.elements) do
    local k = el.kind
    if k == "param" then b:param(el.name, el.unit, el.loc, el.body)
    elseif k == "lever" then b:lever(el.name, el.unit, el.loc, el.body)
    elseif k == "aux" then b:aux(el.name, el.unit, el.loc, emit(b, el.body, memo))
    elseif k == "flow" then b:flow(el.name, el.unit, el.loc, emit(b, el.body, memo))
    elseif k == "stock" then emit_stock(b, self, el, memo)
    elseif k == "lookup" then
      local xs, ys = {}, {}
      for i = 1, #el.body, 2 do xs[#xs + 1] = el.body[i]; ys[#ys + 1] = el.body[i + 1] end
      b:lookup_table(el.name, el.unit, el.opts.x_unit, el.loc, xs, ys)
    end
    if el.opts.history ~= nil then
      -- element indices follow definition order in the builder
      error(("%s: history is set with delay(x, n, init) in this version"):format(el.loc or "?"), 2)
    end
  end
  self.compiled = b:compile(self.first_year, self.last_year)
  self._keep = { b = b, extfns = self.extfns }   -- external contexts must outlive the model
  return self.compiled
end

--- calibrate{ plan =, params = { name = {lo, hi} }, years = {...}, weights = {...} } -> a Fit: the
--- params fitted to the plan's actuals (tuiyan.calibrate).
function Model:calibrate(spec) return require("tuiyan.calibrate").run(self, spec) end

-- ---------------------------------------------------------------------------------------------
-- Runs

local Run = {}
Run.__index = Run
Run.__name = "tuiyan.Run"

--- run(overrides) -> Run. overrides: { {name, value}, ... } in the order to apply (later wins);
--- value is a number or a series { first_year = Y, ... } covering the model's years.
function Model:run(overrides)
  for _, o in ipairs(overrides or {}) do
    local why = type(o) == "table" and self:check_value(o[1], o[2])
    if why then error("run: " .. why, 2) end
  end
  local compiled = self:compile()
  local values, first = compiled:run_single(overrides or {})
  return setmetatable({ model = self, values = values, first_year = first,
    last_year = first + #(values[next(values)] or {}) - 1 }, Run)
end

--- get(name, year) -> the element's value in that year.
function Run:get(name, year)
  local s = self.values[name]
  if not s then
    local names = {}
    for _, el in ipairs(self.model.elements) do names[#names + 1] = el.name end
    local best = type(name) == "string" and require("_tuiyan.text").closest(name, names)
    error(("run: no element '%s' in model %s%s"):format(tostring(name), self.model.name,
      best and ("; did you mean '" .. best .. "'?") or ""), 2)
  end
  if math.type(year) ~= "integer" or year < self.first_year or year > self.last_year then
    error(("run: year %s is outside %d..%d"):format(tostring(year), self.first_year, self.last_year), 2)
  end
  return s[year - self.first_year + 1]
end

--- over_limit(lever [, first, last]) -> nil, or { element =, years = {...}, most =, text = }: the
--- years (first..last, default every year) in which the lever's `limit` element is above zero, so
--- the model cannot take up the whole setting (a capacity that binds), the largest shortfall, and
--- the words reports use: "hte_extra_unmet up to 1.73 家/年 in 2022–2025 (note)".
function Run:over_limit(lever, first, last)
  local el = self.model:element(lever)
  local limit = el and el.opts.limit
  if not limit then return nil end
  local years, most = {}, 0
  for y = first or self.first_year, last or self.last_year do
    local x = self:get(limit, y)
    if x > 1e-9 then years[#years + 1] = y; most = math.max(most, x) end
  end
  if #years == 0 then return nil end
  local lim = self.model:element(limit)
  local span = #years == 1 and tostring(years[1]) or (years[1] .. "–" .. years[#years])
  return { element = limit, years = years, most = most,
    text = ("%s up to %s%s in %s (%s)"):format(limit, require("tuiyan.format").value(most, 3),
      lim.unit and (" " .. lim.unit) or "", span, lim.opts.note or "") }
end

--- series(name) -> { [year] = value } for every model year.
function Run:series(name)
  local out = {}
  for y = self.first_year, self.last_year do out[y] = self:get(name, y) end
  return out
end

M.Model, M.Run, M.Expr = Model, Run, Expr
return M
