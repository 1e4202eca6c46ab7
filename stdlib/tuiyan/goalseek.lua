-- tuiyan.goalseek — the inverse question (DOMAIN §5): the smallest setting of a lever that meets a
-- target by its year, and the cheapest combination of levers that meets several targets at once.
-- Each trial is one run of the compiled model in C; the search itself is a few dozen runs.
local M = {}

local function value_of(scenario, lever, x, element, year)
  return scenario:run{ { lever, x } }:get(element, year)
end

local function gap(v, target, direction)
  if direction == "down" then return target - v end
  return v - target
end

-- The range to search for a lever: the one asked for, within the lever's declared bounds (which
-- are the default); a range reaching outside them is an error naming the bounds and why.
local function range(model, lever, lo, hi, level)
  local el = model:element(lever)
  local b = el and el.opts.bounds
  if b then
    lo, hi = lo or b[1], hi or b[2]
    if lo < b[1] or hi > b[2] then
      error(("goal seek: %s range [%s, %s] reaches outside its declared bounds [%s, %s] (%s)"):format(lever,
        tostring(lo), tostring(hi), tostring(b[1]), tostring(b[2]), b.why), level)
    end
  end
  return lo or 0, hi
end

--- seek{ scenario =, lever =, element = | indicator =, year =, target =, direction = "up",
---       lo =, hi =, tol = 1e-6 } (lo and hi default to the lever's declared bounds, else lo = 0) ->
---   { reachable = true, value = x, achieved = v } | { reachable = false, message = "...", at_hi = v }
--- Assumes the element moves monotonically with the lever; the result is the bracket's upper end,
--- so re-running with `value` meets the target. tol is on the lever, relative to hi - lo.
function M.seek(spec)
  local s = spec.scenario
  local element = spec.element or (spec.indicator and s.model:indicators()[spec.indicator])
  if not element then error("seek: an element or a mapped indicator is required", 2) end
  local lever, year, target = spec.lever, spec.year, spec.target
  if type(target) ~= "number" then error("seek: a numeric target is required", 2) end
  local dir = spec.direction or "up"
  local lo, hi = range(s.model, lever, spec.lo, spec.hi, 3)
  if type(hi) ~= "number" or hi <= lo then error("seek: hi must be a number above lo", 2) end
  local tol = (spec.tol or 1e-6) * (hi - lo)
  local glo = gap(value_of(s, lever, lo, element, year), target, dir)
  if glo >= 0 then
    return { reachable = true, value = lo, achieved = value_of(s, lever, lo, element, year), runs = 1 }
  end
  local vhi = value_of(s, lever, hi, element, year)
  if gap(vhi, target, dir) < 0 then
    -- Say what stops it: the bound searched to (declared or not) and any limit of the model.
    local why = {}
    for _, b in ipairs(M.binding(s, { { name = lever, lo = lo, hi = hi } }, { [lever] = hi }, s:run{ { lever, hi } }, year)) do
      if b.kind ~= "range" or b.text:find("upper", 1, true) then why[#why + 1] = b.text end
    end
    return { reachable = false, at_hi = vhi, runs = 3,
      message = ("not reachable within [%s, %s]: with %s = %s, %s in %d is %s, short of %s%s"):format(
        tostring(lo), tostring(hi), lever, tostring(hi), element, year, require("tuiyan.format").value(vhi), tostring(target),
        #why > 0 and ("; " .. table.concat(why, "; ")) or "") }
  end
  local runs = 2
  while hi - lo > tol do
    local mid = (lo + hi) / 2
    runs = runs + 1
    if gap(value_of(s, lever, mid, element, year), target, dir) >= 0 then hi = mid else lo = mid end
  end
  return { reachable = true, value = hi, achieved = value_of(s, lever, hi, element, year), runs = runs + 1 }
end

--- policy_cost{ policy =, baseline = Run, years = {y0, y1}, budget =, given = } -> function(run) ->
--- point, lo, hi: the scenario's cost summed over y0..y1 (万元), from the same function the
--- comparisons use (tuiyan.policy cost: lever spending above the baseline plus rule payments).
function M.policy_cost(spec)
  local P = require "tuiyan.policy"
  local policy, years = spec.policy, spec.years
  assert(policy and type(years) == "table" and #years == 2, "policy_cost: { policy =, years = {y0, y1} } expected")
  return function(run)
    local c = policy:cost(run, { baseline = spec.baseline, budget = spec.budget, given = spec.given })
    return P.sum(c, years[1], years[2]), P.sum(c, years[1], years[2], "lo"), P.sum(c, years[1], years[2], "hi")
  end
end

--- least_cost{ scenario =, levers = { {name =, lo =, hi =}, ... }, targets = { {element|indicator =,
---   year =, target =, direction =}, ... }, cost = function(run) -> number [, lo, hi] | policy =,
---   cost_years = {y0, y1}, grid = 21 }
--- With `policy` (and no `cost`) the cost is policy_cost over cost_years against the scenario's
--- own run as the baseline: everything the lever settings spend plus the rule payments, the
--- same cost a comparison reports. The search minimises the default point; lo and hi of the
--- best setting are returned beside it (cost_lo, cost_hi).
--- The cheapest combination of two or more levers meeting every target: a grid over all levers but
--- the last, and for each point the smallest last lever meeting every target (goal seek); then the
--- cheapest point. Returns { reachable, settings = { name = x }, cost, runs } or reachable = false.
function M.least_cost(spec)
  local s, levers, targets = spec.scenario, spec.levers, spec.targets
  assert(#levers >= 2, "least_cost: two or more levers")
  local grid = spec.grid or 21
  local cost = spec.cost
  if cost == nil and spec.policy then
    cost = M.policy_cost{ policy = spec.policy, years = spec.cost_years, baseline = s:run(), budget = spec.budget,
      given = spec.given }
  end
  assert(type(cost) == "function", "least_cost: a cost function or a policy is required")
  do
    local copy = {}
    for i, l in ipairs(levers) do
      local lo, hi = range(s.model, l.name, l.lo, l.hi, 4)
      copy[i] = { name = l.name, lo = lo, hi = hi }
    end
    levers = copy
  end
  local last = levers[#levers]
  local best, runs = nil, 0
  local function visit(i, fixed)
    if i == #levers then
      local base = s:derive{ name = s.name .. "+", set = fixed }
      local need = last.lo
      for _, t in ipairs(targets) do
        local r = M.seek{ scenario = base, lever = last.name, element = t.element, indicator = t.indicator,
          year = t.year, target = t.target, direction = t.direction, lo = last.lo, hi = last.hi, tol = spec.tol }
        runs = runs + r.runs
        if not r.reachable then return end
        need = math.max(need, r.value)
      end
      local settings = {}
      for k, v in pairs(fixed) do settings[k] = v end
      settings[last.name] = need
      local run = base:run{ { last.name, need } }
      runs = runs + 1
      local c, clo, chi = cost(run)
      if best == nil or c < best.cost then best = { settings = settings, cost = c, cost_lo = clo or c, cost_hi = chi or c } end
      return
    end
    local l = levers[i]
    for k = 0, grid - 1 do
      local f = {}
      for n, v in pairs(fixed) do f[n] = v end
      f[l.name] = l.lo + (l.hi - l.lo) * k / (grid - 1)
      visit(i + 1, f)
    end
  end
  visit(1, {})
  if not best then return { reachable = false, runs = runs, message = "no combination within the lever ranges meets every target" } end
  best.reachable, best.runs = true, runs
  -- A setting at the edge of its range means the true optimum may lie beyond it: say so.
  best.at_bound = {}
  for _, l in ipairs(levers) do
    local x = best.settings[l.name]
    if x <= l.lo or x >= l.hi then best.at_bound[#best.at_bound + 1] = l.name end
  end
  local last_year = s.model.first_year
  for _, t in ipairs(targets) do last_year = math.max(last_year, t.year) end
  local over = {}
  for _, l in ipairs(levers) do over[#over + 1] = { l.name, best.settings[l.name] } end
  best.binding = M.binding(s, levers, best.settings, s:run(over), last_year)
  return best
end

--- binding(scenario, levers, settings, run, last_year) -> { {lever =, kind = "declared" | "range"
--- | "limit", text =}, ... }: for each lever, what stops it where it is, in words: its declared
--- bound (and why), the edge of the range searched, or the model's own limit on what the setting
--- can do (the lever's `limit` element above zero, a capacity), with the years it binds.
function M.binding(s, levers, settings, run, last_year)
  local fmt = require("tuiyan.format").value
  local out = {}
  for _, l in ipairs(levers) do
    local el = s.model:element(l.name)
    local b = el.opts.bounds
    local x = settings[l.name]
    for _, side in ipairs{ { "lo", "lower" }, { "hi", "upper" } } do
      local edge = l[side[1]]
      if x == edge then
        local declared = b and edge == (side[1] == "lo" and b[1] or b[2])
        out[#out + 1] = declared
          and { lever = l.name, kind = "declared", text = ("%s = %s is at its declared %s bound (%s)"):format(l.name, fmt(x), side[2], b.why) }
          or { lever = l.name, kind = "range", text = ("%s = %s is at the %s end of the range searched [%s, %s], inside its declared bounds: the cheapest mix may lie beyond it")
            :format(l.name, fmt(x), side[2], fmt(l.lo), fmt(l.hi)) }
      end
    end
    local over = run:over_limit(l.name, s.model.first_year, last_year)
    if over then
      out[#out + 1] = { lever = l.name, kind = "limit", years = over.years,
        text = ("%s = %s is more than the model can take up: %s"):format(l.name, fmt(x), over.text) }
    end
  end
  return out
end

return M
