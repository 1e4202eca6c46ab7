-- tuiyan.policy — support policies as data (DOMAIN §4): rules, each a schedule evaluated in the C
-- core (marginal brackets, step amounts, a rate with floor and cap, per-unit amounts; recurring
-- for N years; paid L years later). A rule with a `driver` (model elements whose yearly values are
-- the counts or amounts it pays on) is costed for every scenario run, by rule and year, with the
-- budget share it implies.
local native = require "_tuiyan.schedule"

local M = {}
local Policy = {}
Policy.__index = Policy
Policy.__name = "tuiyan.Policy"

--- schedule(spec) -> a native schedule (see README "Policy rules" for the fields).
M.schedule = native.new

--- new{ name =, rules = { {id =, label =, schedule = spec, driver = "element" | {"a", "b"}}, ... } }
function M.new(spec)
  assert(type(spec) == "table" and type(spec.rules) == "table", "policy.new: { name, rules } expected")
  local p = setmetatable({ name = spec.name or "policy", rules = {}, by_id = {} }, Policy)
  for i, r in ipairs(spec.rules) do
    if type(r.id) ~= "string" then error(("policy %s: rule %d has no id"):format(p.name, i), 2) end
    if p.by_id[r.id] then error(("policy %s: duplicate rule id %s"):format(p.name, r.id), 2) end
    local sched = r.schedule
    if type(sched) == "table" then
      sched.id = sched.id or r.id
      sched.description = sched.description or r.label
      sched = native.new(sched)
    end
    local driver = r.driver
    if type(driver) == "string" then driver = { driver } end
    local rule = { id = r.id, label = r.label or r.id, schedule = sched, driver = driver, source = r.source }
    p.rules[#p.rules + 1] = rule
    p.by_id[r.id] = rule
  end
  return p
end

--- rule(id) -> { id, label, schedule, driver }
function Policy:rule(id)
  local r = self.by_id[id]
  if not r then error(("policy %s: no rule %s"):format(self.name, tostring(id)), 2) end
  return r
end

--- cost(run, budget_element) -> { rules = { {id, label, by_year} }, total = {[y]}, share = {[y]} }
--- Amounts in the rules' unit (万元); share in % of the budget element (亿元) in that year.
function Policy:cost(run, budget_element)
  local first, last = run.first_year, run.last_year
  local out = { rules = {}, total = {}, share = {} }
  for _, rule in ipairs(self.rules) do
    if rule.driver then
      -- The model's first year is the observed starting point, not a simulated year: its flows
      -- produced the initial levels and are not paid again.
      local values = { 0 }
      for y = first + 1, last do
        local sum = 0
        for _, el in ipairs(rule.driver) do sum = sum + run:get(el, y) end
        values[#values + 1] = sum
      end
      local by_year = rule.schedule:cost_by_year(first, values)
      local kept = {}
      for y = first, last do
        kept[y] = by_year[y] or 0
        out.total[y] = (out.total[y] or 0) + kept[y]
      end
      out.rules[#out.rules + 1] = { id = rule.id, label = rule.label, by_year = kept }
    end
  end
  if budget_element then
    for y = first, last do
      local budget = run:get(budget_element, y) * 10000        -- 亿元 -> 万元
      out.share[y] = (out.total[y] or 0) / budget * 100
    end
  end
  return out
end

M.Policy = Policy
return M
