-- tuiyan.policy — support policies as data (DOMAIN §4).
--
-- A policy is a list of rules. Each rule has
--   kind      "city" (the city pays), "county" (a county pays), "ceiling" (a limit on what a
--             project may spend or set aside: evaluated, never summed as a cost) or "check" (a
--             constraint on a set of projects, e.g. a share: evaluated as pass/fail, no money)
--   schedule  what one payment is for a value or a count (the C core: marginal brackets, step
--             amounts, a rate with eligibility threshold, band and cap, per-unit amounts;
--             recurring for N years, paid L years later). A band (R3 10 %–20 %) is carried as an
--             interval: every amount is low–high with a default point (the schedule's rate
--             choice: the top of a closed band, the floor of a band open above, "不低于 X").
--   eligible  optional predicate on a case (a table of facts) for conditions that are not a
--             threshold on the value: R15 pays only a transfer that received the provincial
--             one-off. A rule with a predicate is evaluated on cases, never on a bare number.
--   driver    optional model element(s) whose yearly values are the counts or amounts it pays on;
--             rules without one are costed from counts a script gives (`given`).
--   source, timing  the source's words for the rule and for when it is paid.
--
-- A policy also names the lever spending its scenarios may add (`spending`: model elements such
-- as the city's fiscal S&T spending); the cost of a scenario (Policy:cost) is that spending above
-- the baseline run plus every rule payment, by rule, payer and year, low–high. Comparisons and
-- goal seek use this one function.
local native = require "_tuiyan.schedule"

local M = {}
local Policy = {}
Policy.__index = Policy
Policy.__name = "tuiyan.Policy"

local KINDS = { city = true, county = true, ceiling = true, check = true }

--- schedule(spec) -> a native schedule (see README "Policy rules" for the fields).
M.schedule = native.new

--- new{ name =, rules = { {id =, label =, kind =, schedule = spec, driver =, eligible =, ...} },
---      spending = { {id =, label =, element =, payer =, unit = "亿元"|"万元"} },
---      default_point = "how a band's default point was chosen (an assumption, shown in reports)" }
function M.new(spec)
  assert(type(spec) == "table" and type(spec.rules) == "table", "policy.new: { name, rules } expected")
  local p = setmetatable({ name = spec.name or "policy", rules = {}, by_id = {}, spending = {},
    default_point = spec.default_point }, Policy)
  for i, r in ipairs(spec.rules) do
    if type(r.id) ~= "string" then error(("policy %s: rule %d has no id"):format(p.name, i), 2) end
    if p.by_id[r.id] then error(("policy %s: duplicate rule id %s"):format(p.name, r.id), 2) end
    local kind = r.kind or "city"
    if not KINDS[kind] then
      error(("policy %s: rule %s: kind must be city, county, ceiling or check, got %s"):format(p.name, r.id, tostring(kind)), 2)
    end
    local sched = r.schedule
    if type(sched) == "table" then
      sched.id = sched.id or r.id
      sched.description = sched.description or r.label
      sched = native.new(sched)
    end
    if kind ~= "check" and sched == nil then error(("policy %s: rule %s has no schedule"):format(p.name, r.id), 2) end
    if kind == "check" and type(r.check) ~= "function" then
      error(("policy %s: rule %s is a check and needs a check function"):format(p.name, r.id), 2)
    end
    if r.driver and kind ~= "city" and kind ~= "county" then
      error(("policy %s: rule %s: only a payment (city or county) has a driver"):format(p.name, r.id), 2)
    end
    local driver = r.driver
    if type(driver) == "string" then driver = { driver } end
    local rule = { id = r.id, label = r.label or r.id, kind = kind, schedule = sched, driver = driver,
      source = r.source, para = r.para, timing = r.timing, eligible = r.eligible, condition = r.condition,
      input = r.input, check = r.check, default = r.default, assumption = r.assumption }
    p.rules[#p.rules + 1] = rule
    p.by_id[r.id] = rule
  end
  for i, s in ipairs(spec.spending or {}) do
    if type(s.id) ~= "string" or type(s.element) ~= "string" then
      error(("policy %s: spending %d needs an id and an element"):format(p.name, i), 2)
    end
    if s.payer ~= "city" and s.payer ~= "county" then
      error(("policy %s: spending %s: payer must be city or county"):format(p.name, s.id), 2)
    end
    p.spending[#p.spending + 1] = { id = s.id, label = s.label or s.id, element = s.element, payer = s.payer,
      scale = (s.unit or "亿元") == "亿元" and 10000 or 1, note = s.note }
  end
  return p
end

--- rule(id) -> the rule { id, label, kind, schedule, driver, eligible, source, timing, ... }
function Policy:rule(id)
  local r = self.by_id[id]
  if not r then error(("policy %s: no rule %s"):format(self.name, tostring(id)), 2) end
  return r
end

-- The amount for one input: lo, hi, point. `input` is a number (a value or a count) for a rule
-- without a predicate, or a list of cases { x = value or count (default 1), facts... }: each
-- eligible case is evaluated on its own (a cap is per project) and the amounts are added.
local function amount(rule, input, level)
  local s = rule.schedule
  if type(input) == "number" then
    if rule.eligible then
      error(("rule %s: %s; give cases, e.g. { {x = 1, ...} }, not a number"):format(rule.id,
        rule.condition or "it has a condition"), level + 1)
    end
    local lo, hi = s:eval_range(input)
    return lo, hi, s:eval(input)
  end
  if type(input) ~= "table" then
    error(("rule %s: a number or a list of cases expected, got %s"):format(rule.id, type(input)), level + 1)
  end
  local lo, hi, pt = 0, 0, 0
  for i, case in ipairs(input) do
    if type(case) == "number" then case = { x = case } end
    if type(case) ~= "table" then error(("rule %s: case %d is not a table"):format(rule.id, i), level + 1) end
    local x = case.x or 1
    if type(x) ~= "number" then error(("rule %s: case %d: x must be a number"):format(rule.id, i), level + 1) end
    if not rule.eligible or rule.eligible(case) then
      local l, h = s:eval_range(x)
      lo, hi, pt = lo + l, hi + h, pt + s:eval(x)
    end
  end
  return lo, hi, pt
end

--- amount(id, input) -> { lo =, hi =, point = }: what the rule pays (or, for a ceiling, allows)
--- on one input: a number (a value or a count), or a list of cases for a rule with a condition.
--- Recurrence and lag do not enter here (see cost).
function Policy:amount(id, input)
  local rule = self:rule(id)
  if rule.kind == "check" then error(("rule %s is a check: use policy:check"):format(id), 2) end
  local lo, hi, pt = amount(rule, input, 2)
  return { lo = lo, hi = hi, point = pt }
end

--- check(id, facts) -> ok, detail: a constraint rule (R18) on the facts it names.
function Policy:check(id, facts)
  local rule = self:rule(id)
  if rule.kind ~= "check" then error(("rule %s is not a check"):format(id), 2) end
  return rule.check(facts)
end

local function zero_years(first, last)
  local t = {}
  for y = first, last do t[y] = 0 end
  return t
end

-- Spreads yearly amounts (index 1 = first) over the years they are paid, kept within first..last.
local function spread(sched, first, last, amounts)
  local by = sched:spread(first, amounts)
  local kept = {}
  for y = first, last do kept[y] = by[y] or 0 end
  return kept
end

--- cost(run, opts) -> what a scenario spends, 万元, by year:
---   opts = { budget = "city_budget" (element for the share, 亿元), baseline = Run (lever spending
---            is measured above it; default: the model run with every lever at its default),
---            given = { [rule id] = { [year] = count, value or list of cases } } }
---   (a string opts is the budget element, as before).
--- Returns { items = { {id, label, kind = "rule"|"lever", payer, point = {[y]}, lo = {[y]},
---   hi = {[y]}, band, open, lag, timing} }, rules = (rule items, each with by_year = point),
---   spending = (lever items), total / total_lo / total_hi = {[y]}, by_payer = { city = {point,
---   lo, hi}, county = {...} }, share = {[y]} (city payments in % of the city budget),
---   not_costed = { {id, why} } } — ceilings and checks are never in a total.
function Policy:cost(run, opts)
  if type(opts) == "string" or opts == nil then opts = { budget = opts } end
  local first, last = run.first_year, run.last_year
  local out = { items = {}, rules = {}, spending = {}, total = zero_years(first, last),
    total_lo = zero_years(first, last), total_hi = zero_years(first, last), share = {},
    by_payer = {}, not_costed = {}, first_year = first, last_year = last }
  for _, payer in ipairs{ "city", "county" } do
    out.by_payer[payer] = { point = zero_years(first, last), lo = zero_years(first, last), hi = zero_years(first, last) }
  end
  local function add(item)
    out.items[#out.items + 1] = item
    local p = out.by_payer[item.payer]
    for y = first, last do
      out.total[y] = out.total[y] + item.point[y]
      out.total_lo[y] = out.total_lo[y] + item.lo[y]
      out.total_hi[y] = out.total_hi[y] + item.hi[y]
      p.point[y] = p.point[y] + item.point[y]
      p.lo[y] = p.lo[y] + item.lo[y]
      p.hi[y] = p.hi[y] + item.hi[y]
    end
  end

  -- Lever spending: the scenario's spending elements above the baseline's, from the first
  -- simulated year (the first model year is the observed starting point).
  if #self.spending > 0 then
    local base = opts.baseline or run.model:run()
    for _, s in ipairs(self.spending) do
      local by = zero_years(first, last)
      for y = first + 1, last do by[y] = (run:get(s.element, y) - base:get(s.element, y)) * s.scale end
      local item = { id = s.id, label = s.label, kind = "lever", payer = s.payer, point = by, lo = by, hi = by,
        band = false, open = false, lag = 0, note = s.note }
      out.spending[#out.spending + 1] = item
      add(item)
    end
  end

  local given = opts.given or {}
  for id in pairs(given) do
    local r = self:rule(id)
    if r.kind == "ceiling" or r.kind == "check" then
      error(("policy %s: rule %s is a %s, not a payment: it has no cost"):format(self.name, id, r.kind), 2)
    end
  end
  for _, rule in ipairs(self.rules) do
    if rule.kind == "ceiling" then
      out.not_costed[#out.not_costed + 1] = { id = rule.id, why = "ceiling: a limit on what a project may spend or set aside, not a payment" }
    elseif rule.kind == "check" then
      out.not_costed[#out.not_costed + 1] = { id = rule.id, why = "check: a constraint on projects, not a payment" }
    elseif rule.driver or given[rule.id] then
      local lo, hi, pt = { 0 }, { 0 }, { 0 }
      for y = first + 1, last do
        local l, h, p = 0, 0, 0
        if rule.driver then
          local sum = 0
          for _, el in ipairs(rule.driver) do sum = sum + run:get(el, y) end
          l, h, p = amount(rule, rule.eligible and { { x = sum } } or sum, 2)
        end
        local g = given[rule.id] and given[rule.id][y]
        if g ~= nil then
          local gl, gh, gp = amount(rule, g, 2)
          l, h, p = l + gl, h + gh, p + gp
        end
        lo[#lo + 1], hi[#hi + 1], pt[#pt + 1] = l, h, p
      end
      if given[rule.id] then
        for y in pairs(given[rule.id]) do
          if math.type(y) ~= "integer" or y <= first or y > last then
            error(("policy %s: rule %s: given year %s is outside %d..%d"):format(self.name, rule.id, tostring(y), first + 1, last), 2)
          end
        end
      end
      local info = rule.schedule:info()
      local item = { id = rule.id, label = rule.label, kind = "rule", payer = rule.kind,
        point = spread(rule.schedule, first, last, pt), lo = spread(rule.schedule, first, last, lo),
        hi = spread(rule.schedule, first, last, hi), band = info.band, open = info.open, lag = info.lag,
        recurring = info.recurring, timing = rule.timing }
      item.by_year = item.point
      out.rules[#out.rules + 1] = item
      add(item)
    else
      out.not_costed[#out.not_costed + 1] = { id = rule.id, why = "given counts: none given" }
    end
  end
  local budget = opts.budget
  if budget then
    for y = first, last do
      out.share[y] = out.by_payer.city.point[y] / (run:get(budget, y) * 10000) * 100   -- 亿元 -> 万元
    end
  end
  return out
end

--- sum(cost, y0, y1 [, which]) -> the total over years y0..y1: "point" (default), "lo" or "hi".
function M.sum(cost, y0, y1, which)
  local t = (which == "lo" and cost.total_lo) or (which == "hi" and cost.total_hi) or cost.total
  local s = 0
  for y = y0, y1 do s = s + (t[y] or 0) end
  return s
end

--- range_text(lo, hi, point [, fmt]) -> "60" when lo = hi, "30–60 (60)" for a band, "≥ 100 (100)"
--- for a band open above; fmt formats each number.
function M.range_text(lo, hi, point, fmt)
  fmt = fmt or tostring
  if lo == hi then return fmt(point) end
  if hi == math.huge then return ("≥ %s (%s)"):format(fmt(lo), fmt(point)) end
  return ("%s–%s (%s)"):format(fmt(lo), fmt(hi), fmt(point))
end

M.Policy = Policy
return M
