-- tuiyan.register_pay_compare — a reform compared with the policy it changes, firm by firm (the
-- OpenFisca "reform" comparison): each firm-year's total before and after, the winners and the
-- losers, and the cost change by rule and by county; reports in every format.
local tabular = require "tuiyan.tabular"

local M = {}

local WAN = "万元"

--- install(Payments, register_pay, helpers) : adds Payments:compare and the Comparison (winners, losers, cost, report).
function M.install(Pay, R, h)
  local Cmp = {}
  Cmp.__index = Cmp
  Cmp.__name = "tuiyan.RegisterReform"

  --- Payments:compare(other) -> Comparison of this (before) with other (after): the same register
  --- paid under two policies.
  function Pay:compare(other)
    if getmetatable(other) ~= Pay then error("compare: payments (register:pay) expected", 2) end
    if other.register ~= self.register then error("compare: payments over another register", 2) end
    local list, win, lose, change = self.native:changes(other.native)
    return setmetatable({ before = self, after = other, list = list, nwinners = win, nlosers = lose, change = change }, Cmp)
  end

  -- One line in the REPL: the cost change, winners and losers.
  function Cmp:__tostring()
    return ("reform of %s on %s: cost %s 万元, %d firm-years gain, %d lose"):format(self.before.policy.name,
      self.before.register:name(), h.money(self.change), self.nwinners, self.nlosers)
  end

  local function record(self, e)
    local row = self.before.register:row(e[1])
    return { row = e[1], line = row.line, credit_code = row.credit_code, name = row.name, county = row.county,
      year = row.year, before = e[2], after = e[3], change = e[3] - e[2] }
  end

  local function sorted(self, sign, n)
    local out = {}
    for _, e in ipairs(self.list) do
      if (e[3] - e[2]) * sign > 0 then out[#out + 1] = e end
    end
    table.sort(out, function(a, b)
      local da, db = (a[3] - a[2]) * sign, (b[3] - b[2]) * sign
      if da ~= db then return da > db end
      return a[1] < b[1]
    end)
    local recs = {}
    for j = 1, math.min(n or #out, #out) do recs[j] = record(self, out[j]) end
    return recs
  end

  --- winners([n]) / losers([n]) -> { {row, credit_code, name, county, year, before, after, change} },
  --- the largest change first, then file order.
  function Cmp:winners(n) return sorted(self, 1, n) end
  function Cmp:losers(n) return sorted(self, -1, n) end

  --- cost() -> { before, after, change, by_rule = { {id, county, before, after, change} } by rule then
  --- county (first appearance), with a subtotal row per rule (county nil) }
  function Cmp:cost()
    local tb, ta = self.before:totals(), self.after:totals()
    local keys, cells = {}, {}
    local function add(t, field)
      for _, c in ipairs(t.cells) do
        local key = c.id .. "\0" .. c.county
        if not cells[key] then
          cells[key] = { id = c.id, county = c.county, before = 0, after = 0 }
          keys[#keys + 1] = key
        end
        cells[key][field] = cells[key][field] + c.point
      end
    end
    add(tb, "before")
    add(ta, "after")
    local order, corder = {}, {}   -- rules as the policy lists them, counties in file order
    for k, r in ipairs(self.before.rules) do order[r.id] = k end
    for k, bc in ipairs(tb.by_county) do corder[bc.county] = k end
    for k, bc in ipairs(ta.by_county) do corder[bc.county] = corder[bc.county] or #tb.by_county + k end
    table.sort(keys, function(a, b)
      local ca, cb = cells[a], cells[b]
      if ca.id ~= cb.id then return (order[ca.id] or 0) < (order[cb.id] or 0) end
      return corder[ca.county] < corder[cb.county]
    end)
    local out = { before = tb.total, after = ta.total, change = ta.total - tb.total, by_rule = {} }
    local last, sub
    for _, key in ipairs(keys) do
      local c = cells[key]
      if c.id ~= last then
        sub = { id = c.id, before = 0, after = 0 }
        last = c.id
      end
      c.change = c.after - c.before
      out.by_rule[#out.by_rule + 1] = c
      sub.before, sub.after = sub.before + c.before, sub.after + c.after
      sub.change = sub.after - sub.before
      local nxt = cells[keys[_ + 1] or ""]
      if not nxt or nxt.id ~= c.id then out.by_rule[#out.by_rule + 1] = sub end
    end
    return out
  end

  local function title_of(self)
    local reform = self.after.policy.reform
    return ("改革 reform %s vs policy %s — %s"):format(reform and reform.name or self.after.policy.name,
      self.before.policy.name, self.before.register:name())
  end

  function Cmp:cost_table()
    local c = self:cost()
    local T = tabular.new{ title = "成本变化（按条款、县区） cost change by rule and county — " .. title_of(self), columns = {
      { key = "rule", title = "条款" }, { key = "county", title = "县区" },
      { key = "before", title = "改革前（万元）", align = "right", unit = WAN },
      { key = "after", title = "改革后（万元）", align = "right", unit = WAN },
      { key = "change", title = "变化（万元）", align = "right", unit = WAN } } }
    for _, r in ipairs(c.by_rule) do
      T:add{ rule = r.county and r.id or (r.id .. " 小计"), county = r.county and (r.county ~= "" and r.county or "（未填）") or nil,
        before = r.before, after = r.after, change = r.change }
    end
    T:add{ rule = "合计 total", before = c.before, after = c.after, change = c.change }
    local reform = self.after.policy.reform
    if reform then T:note("REFORM " .. reform.name .. ": " .. R.describe_changes(reform)) end
    T:note(("%d firm-years gain, %d lose; the cost changes by %s 万元 (all payment years)."):format(self.nwinners, self.nlosers,
      h.money(c.change)))
    return T
  end

  local function firms_table(self, title, recs)
    local T = tabular.new{ title = title .. " — " .. title_of(self), columns = {
      { key = "line", title = "行", align = "right", machine = true },
      { key = "credit_code", title = "统一社会信用代码" }, { key = "name", title = "企业名称", wrap = 8 },
      { key = "county", title = "县区" },
      { key = "year", title = "申报年度", align = "right", fmt = function(v) return tostring(v) end },
      { key = "before", title = "改革前", align = "right", unit = WAN },
      { key = "after", title = "改革后", align = "right", unit = WAN },
      { key = "change", title = "变化", align = "right", unit = WAN } } }
    for _, r in ipairs(recs) do T:add(r) end
    return T
  end

  function Cmp:winners_table(n) return firms_table(self, ("受益企业 winners (%d)"):format(self.nwinners), self:winners(n)) end
  function Cmp:losers_table(n) return firms_table(self, ("受损企业 losers (%d)"):format(self.nlosers), self:losers(n)) end

  function Cmp:leader_section(n)
    local html = require "tuiyan.html"
    local c = self:cost()
    local reform = self.after.policy.reform
    local out = { ("<p class=\"headline\">成本变化 cost change %s 万元 (%s → %s); %d firm-years gain, %d lose.</p>\n"):format(
      html.escape(h.money(c.change)), html.escape(h.money(c.before)), html.escape(h.money(c.after)), self.nwinners, self.nlosers) }
    if reform then out[#out + 1] = "<p>" .. html.escape(R.describe_changes(reform)) .. "</p>\n" end
    out[#out + 1] = "<ol class=\"recipients\">\n"
    for _, w in ipairs(self:winners(n or 10)) do
      out[#out + 1] = ("<li>%s %s（%s, %d）: %s → %s 万元</li>\n"):format(html.escape(w.name), html.escape(w.credit_code),
        html.escape(w.county), w.year, html.escape(h.money(w.before)), html.escape(h.money(w.after)))
    end
    out[#out + 1] = "</ol>\n"
    return { title = "致领导 For the bureau leader — " .. title_of(self), html = table.concat(out), class = "leader",
      sources = { h.source_of(self.before.register) } }
  end

  --- Comparison:report() -> a bundle: the cost change by rule and county, the winners, the losers.
  function Cmp:report()
    return h.bundle(self, title_of(self), { { "cost", self:cost_table() }, { "winners", self:winners_table() },
      { "losers", self:losers_table() } })
  end

  --- Comparison:to_json() -> { policy, reform, register, cost = {before, after, change, by_rule}, winners, losers }
  function Cmp:to_json()
    local json, arr, obj = h.json_lib()
    local null = json.null
    local c = self:cost()
    local rules = arr{}
    for k, r in ipairs(c.by_rule) do
      rules[k] = obj({ rule = r.id, county = r.county or null, before = r.before, after = r.after, change = r.change },
        { "rule", "county", "before", "after", "change" })
    end
    local function firms(recs)
      local out = arr{}
      for k, r in ipairs(recs) do
        out[k] = obj({ credit_code = r.credit_code, name = r.name, county = r.county, year = r.year, line = r.line,
          before = r.before, after = r.after, change = r.change },
          { "credit_code", "name", "county", "year", "line", "before", "after", "change" })
      end
      return out
    end
    local reform = self.after.policy.reform
    return json.encode(obj({ policy = self.before.policy.name,
      reform = reform and obj({ name = reform.name, changes = R.describe_changes(reform) }, { "name", "changes" }) or null,
      register = self.before.register:name(),
      cost = obj({ before = c.before, after = c.after, change = c.change, by_rule = rules }, { "before", "after", "change", "by_rule" }),
      winners = firms(self:winners()), losers = firms(self:losers()) },
      { "policy", "reform", "register", "cost", "winners", "losers" }), true)
  end

  R.Comparison = Cmp
end

return M
