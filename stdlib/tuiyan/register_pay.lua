-- tuiyan.register_pay — a support policy applied firm by firm over a register (DOMAIN §4, §7;
-- docs/registers.md "Payments and reforms"): what each firm-year receives by rule and payment
-- year, totals by rule, county and year, and a reform (the policy with changed parameters)
-- compared with it firm by firm: winners, losers and the cost change. Which rules a register can
-- price, and on which columns, is data (stdlib/tuiyan/policy/<name>_firms.lua); the evaluation is
-- the C core's (core/register_pay) over whole columns. This module names things and lays out
-- reports. Adds Register:pay and Register:reform.
local native = require "_tuiyan.register_pay"
local P = require "tuiyan.policy"
local tabular = require "tuiyan.tabular"
local Register = require("_tuiyan.register").methods

local M = {}

local function policy_of(p, level)
  if p == nil then p = "wuwei" end
  if type(p) == "string" then
    if not p:match("^[%w_]+$") then error(("unknown policy '%s'"):format(p), level + 1) end
    local ok, mod = pcall(require, "tuiyan.policy." .. p)
    if not ok or type(mod) ~= "table" or type(mod.policy) ~= "function" then
      error(("unknown policy '%s' (tuiyan.policy.%s has no policy())"):format(p, p), level + 1)
    end
    return mod.policy()
  end
  if getmetatable(p) ~= P.Policy then error("a policy name (\"wuwei\") or a tuiyan.policy object expected", level + 1) end
  return p
end

local function firm_rules_of(policy, level)
  local ok, spec = pcall(require, "tuiyan.policy." .. policy.name .. "_firms")
  if not ok or type(spec) ~= "table" then
    error(("policy %s says no firm-level rules (tuiyan.policy.%s_firms)"):format(policy.name, policy.name), level + 1)
  end
  return spec
end

local function copy(t)
  if type(t) ~= "table" then return t end
  local c = {}
  for k, v in pairs(t) do c[k] = copy(v) end
  return c
end

--- reformed(base, changes [, name]) -> a policy: base (a name or a policy made by a
--- tuiyan.policy.<name> module) with the schedule parameters of `changes` replaced:
--- { R7a = { amount = 30 }, R8 = { thresholds = {300, 500, 1000, 2000, 10000}, amounts = {5, 10, 20, 50, 100} } }.
function M.reformed(base, changes, name)
  base = policy_of(base, 2)
  if type(changes) ~= "table" or next(changes) == nil then error("reform: changes = { RULE = { field = value } } expected", 2) end
  local mod = require("tuiyan.policy." .. base.name)
  if type(mod.RULES) ~= "table" then error(("reform: policy %s has no rule specs (RULES)"):format(base.name), 2) end
  local rules, seen = {}, {}
  for i, r in ipairs(mod.RULES) do
    local c = copy(r)
    c.eligible, c.check = r.eligible, r.check   -- functions kept as they are
    local ch = changes[r.id]
    if ch ~= nil then
      if type(ch) ~= "table" or type(c.schedule) ~= "table" then error(("reform: rule %s: a table of schedule fields expected"):format(r.id), 2) end
      for k, v in pairs(ch) do c.schedule[k] = copy(v) end
      seen[r.id] = true
    end
    rules[i] = c
  end
  local ids = {}
  for id in pairs(changes) do ids[#ids + 1] = tostring(id) end
  table.sort(ids)
  for _, id in ipairs(ids) do
    if not seen[id] then error(("reform: policy %s has no rule %s"):format(base.name, id), 2) end
  end
  local p = P.new{ name = base.name, rules = rules, spending = mod.SPENDING, default_point = base.default_point }
  p.reform = { name = name or "reform", changes = changes, ids = ids }
  return p
end

local Pay = {}
Pay.__index = Pay
Pay.__name = "tuiyan.RegisterPayments"

--- Register:pay([policy]) -> Payments | nil, err. policy: "wuwei" (the default) or a policy object
--- (tuiyan.policy.wuwei.policy(), or a reform from tuiyan.register_pay.reformed).
function Register:pay(policy)
  policy = policy_of(policy, 2)
  local spec = firm_rules_of(policy, 2)
  local checks, rules, used = {}, {}, {}
  for _, fr in ipairs(spec.rules) do
    local rule = policy:rule(fr.rule)
    local r = { schedule = rule.schedule, x = fr.x, shift = fr.shift or 0, once = fr.once }
    local conditions = {}
    if fr.check then
      if not checks[fr.check] then
        local c, err = self:check(fr.check)
        if not c then return nil, err end
        checks[fr.check] = c
      end
      r.cond = { checks[fr.check].native, 0 }
      conditions[#conditions + 1] = "meets every " .. fr.check .. " criterion"
    end
    if fr.flag and (not fr.flag_optional or self:has(fr.flag)) then
      r.flag = fr.flag
      conditions[#conditions + 1] = fr.flag .. " yes"
    end
    if fr.unless and self:has(fr.unless) then
      r.unless = fr.unless
      conditions[#conditions + 1] = "not " .. fr.unless
    end
    rules[#rules + 1] = r
    used[#used + 1] = { id = fr.rule, label = rule.label, payer = rule.kind, x = fr.x, shift = fr.shift or 0,
      lag = rule.schedule:info().lag, once = fr.once, basis = fr.basis, assumptions = fr.assumptions,
      conditions = conditions, schedule = tostring(rule.schedule) }
  end
  local p, err = native.pay(self, rules)
  if not p then return nil, err end
  return setmetatable({ register = self, policy = policy, spec = spec, native = p, rules = used, n = #self,
    checks = checks }, Pay)
end

--- Register:reform{ base = policy, changes = {...}, name = } -> Comparison | nil, err: the register
--- paid under base and under the reform, firm by firm (Payments:compare).
function Register:reform(spec)
  if type(spec) ~= "table" then error("reform{ base = policy, changes = { RULE = {...} } } expected", 2) end
  local before, err = self:pay(spec.base)
  if not before then return nil, err end
  local after, err2 = self:pay(M.reformed(spec.base, spec.changes, spec.name))
  if not after then return nil, err2 end
  return before:compare(after)
end

--- Payments:firm(i) -> { row, line, credit_code, name, county, year, total, payments = { {id, amount,
--- lo, hi, paid_year} } } (amount nil when unknown: the input is empty).
function Pay:firm(i)
  local row = self.register:row(i)
  local f = { row = i, line = row.line, credit_code = row.credit_code, name = row.name, county = row.county,
    year = row.year, total = self.native:total(i), payments = {} }
  for k, r in ipairs(self.rules) do
    local a, lo, hi, shift = self.native:amount(i, k)
    f.payments[k] = { id = r.id, amount = a, lo = lo, hi = hi, paid_year = row.year + shift }
  end
  return f
end

--- Payments:recipients([n]) -> firm records of the firm-years paid something (or with an unknown
--- amount), the largest total first, then file order; at most n.
function Pay:recipients(n)
  local rows = self.native:rows()
  local totals = {}
  for _, i in ipairs(rows) do totals[i] = self.native:total(i) end
  table.sort(rows, function(a, b)
    if totals[a] ~= totals[b] then return totals[a] > totals[b] end
    return a < b
  end)
  local out = {}
  for j = 1, math.min(n or #rows, #rows) do out[j] = self:firm(rows[j]) end
  return out
end

--- Payments:totals() -> { total, lo, hi, paid, unknown, cells = { {id, payer, county, year, point,
--- lo, hi, paid} } (by rule, county, payment year), by_rule = { {id, payer, point, lo, hi, paid,
--- unknown} }, by_county = { {county, point, lo, hi, paid} }, by_year = { {year, point, lo, hi} } }
function Pay:totals()
  local t = self.native:totals()
  local counties = {}
  for c, row in ipairs(t.counties) do counties[c] = self.register:row(row).county end
  local out = { point = 0, lo = 0, hi = 0, paid = 0, unknown = 0, cells = {}, by_rule = {}, by_county = {}, by_year = {} }
  for k, r in ipairs(self.rules) do
    out.by_rule[k] = { id = r.id, payer = r.payer, point = 0, lo = 0, hi = 0, paid = 0, unknown = t.unknown[k] }
    out.unknown = out.unknown + t.unknown[k]
  end
  for c, name in ipairs(counties) do out.by_county[c] = { county = name, point = 0, lo = 0, hi = 0, paid = 0 } end
  local years = {}
  for _, cell in ipairs(t.cells) do
    local r = self.rules[cell.rule]
    out.cells[#out.cells + 1] = { id = r.id, payer = r.payer, county = counties[cell.county], year = cell.year,
      point = cell.point, lo = cell.lo, hi = cell.hi, paid = cell.paid }
    for _, agg in ipairs{ out.by_rule[cell.rule], out.by_county[cell.county], out } do
      agg.point, agg.lo, agg.hi, agg.paid = agg.point + cell.point, agg.lo + cell.lo, agg.hi + cell.hi, agg.paid + cell.paid
    end
    local y = years[cell.year]
    if not y then
      y = { year = cell.year, point = 0, lo = 0, hi = 0 }
      years[cell.year] = y
      out.by_year[#out.by_year + 1] = y
    end
    y.point, y.lo, y.hi = y.point + cell.point, y.lo + cell.lo, y.hi + cell.hi
  end
  out.total, out.point = out.point, nil
  table.sort(out.by_year, function(a, b) return a.year < b.year end)
  return out
end

-- One line in the REPL: "payments (wuwei) on pool.csv: 830.00 万元 in 41 payments (R7a 40.00, R8 790.00)".
function Pay:__tostring()
  local s = self.native:summary()
  local parts = {}
  for k, r in ipairs(self.rules) do parts[k] = ("%s %s"):format(r.id, require("tuiyan.format").display(s.rules[k].total, "万元")) end
  return ("payments (%s%s) on %s: %s 万元 in %d payments (%s)"):format(self.policy.name,
    self.policy.reform and (", reform " .. self.policy.reform.name) or "", self.register:name(),
    require("tuiyan.format").display(s.total, "万元"), s.paid, table.concat(parts, ", "))
end

--- Payments:summary() -> { total, paid, unknown, rules = { {total, paid} } } (the core's sums).
function Pay:summary() return self.native:summary() end

--- Payments:notes() -> the basis and assumptions of every rule and the rules not priced, as lines.
function Pay:notes()
  local out = {}
  for _, r in ipairs(self.rules) do
    out[#out + 1] = ("%s: %s. Schedule: %s; paid in the application year %+d (event) %+d (lag). Conditions: %s."):format(
      r.id, r.basis, r.schedule, r.shift, r.lag, #r.conditions > 0 and table.concat(r.conditions, ", ") or "none")
    for _, a in ipairs(r.assumptions or {}) do out[#out + 1] = r.id .. ": " .. a end
  end
  for _, nc in ipairs(self.spec.not_computable or {}) do
    out[#out + 1] = ("not priced from a register: %s — %s"):format(nc.id, nc.why)
  end
  if self.policy.reform then
    out[#out + 1] = "REFORM " .. self.policy.reform.name .. ": " .. M.describe_changes(self.policy.reform)
  end
  return out
end

local function sorted_keys(t)
  local ks = {}
  for k in pairs(t) do ks[#ks + 1] = k end
  table.sort(ks, function(a, b) return tostring(a) < tostring(b) end)
  return ks
end

local function value_text(v)
  if type(v) ~= "table" then return tostring(v) end
  local parts = {}
  for i, x in ipairs(v) do parts[i] = tostring(x) end
  return "{" .. table.concat(parts, ", ") .. "}"
end

--- describe_changes(reform) -> "R7a amount = 30; R8 thresholds = {300, ...}"
function M.describe_changes(reform)
  local parts = {}
  for _, id in ipairs(reform.ids) do
    for _, k in ipairs(sorted_keys(reform.changes[id])) do
      parts[#parts + 1] = ("%s %s = %s"):format(id, k, value_text(reform.changes[id][k]))
    end
  end
  return table.concat(parts, "; ")
end

M.Payments = Pay
require("tuiyan.register_pay_report").install(Pay, M)
return M
