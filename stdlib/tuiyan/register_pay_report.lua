-- tuiyan.register_pay_report — the reports of tuiyan.register_pay: the subsidy table (every firm-year
-- paid, by rule and payment year), totals by rule and by county, and a reform's comparison
-- (winners, losers, cost change by rule and county), in every format through tuiyan.report. HTML
-- puts the leader's page first: the total, the firms paid and the largest recipients.
local format = require "tuiyan.format"
local tabular = require "tuiyan.tabular"

local M = {}

local WAN = "万元"

local function json_lib()
  local json = require "_tuiyan.json"
  local function arr(t) return setmetatable(t, json.array_meta) end
  local function obj(t, order) return setmetatable(t, { __jsonorder = order }) end
  return json, arr, obj
end

local function money(v) return format.display(v, WAN) end

local function source_of(reg)
  local ok, crypto = pcall(require, "_tuiyan.crypto")
  local hash = ok and type(crypto) == "table" and crypto.sha256_file and select(1, crypto.sha256_file(reg:name())) or nil
  return { label = reg:name(), sha256 = hash }
end

local function title_of(pay)
  local t = pay.register:title()
  local reform = pay.policy.reform and (" — reform " .. pay.policy.reform.name) or ""
  return ("补助 subsidies, policy %s%s — %s%s"):format(pay.policy.name, reform, pay.register:name(), t and (" (" .. t .. ")") or "")
end

local function county_of(v) return v ~= "" and v or nil end

--- bundle(obj, title, parts) -> a report bundle of parts whose JSON is obj:to_json() and whose HTML
--- starts with obj:leader_section().
function M.bundle(obj, title, parts)
  local b = require("tuiyan.report").bundle(parts)
  b.title = title
  b.to_json = function() return obj:to_json() end
  b.to_html = function()
    local secs = { obj:leader_section() }
    for _, s in ipairs(b:html_sections()) do secs[#secs + 1] = s end
    return require("tuiyan.html").document{ title = b.title, sections = secs }
  end
  return b
end

--- install(Payments, register_pay) : adds the report methods (tables, leader page, JSON, report) to Payments.
function M.install(Pay, R)
  --- Payments:by_rule_table() -> totals by rule and payment year, then by rule, then the total.
  function Pay:by_rule_table()
    local t = self:totals()
    local T = tabular.new{ title = "补助合计（按政策条款、支付年度） by rule and payment year — " .. title_of(self), columns = {
      { key = "rule", title = "条款" }, { key = "payer", title = "付款方" },
      { key = "year", title = "支付年度", align = "right", fmt = function(v) return tostring(v) end },
      { key = "paid", title = "企业数", align = "right", unit = "家" },
      { key = "amount", title = "金额（万元）", align = "right", unit = WAN },
      { key = "lo", machine = true, unit = WAN }, { key = "hi", machine = true, unit = WAN } } }
    local band = t.lo ~= t.hi   -- a band (a reform's rate range): low–high (default point), as policy costs show it
    if band then table.insert(T.columns, 6, { key = "range", title = "区间 low–high (point)", align = "right" }) end
    local by = {}
    for _, c in ipairs(t.cells) do
      local key = c.id .. "\0" .. c.year
      local row = by[key]
      if not row then
        row = { rule = c.id, payer = c.payer, year = c.year, paid = 0, amount = 0, lo = 0, hi = 0 }
        by[key] = row
        by[#by + 1] = row
      end
      row.paid, row.amount, row.lo, row.hi = row.paid + c.paid, row.amount + c.point, row.lo + c.lo, row.hi + c.hi
    end
    local order = {}
    for k, r in ipairs(self.rules) do order[r.id] = k end
    table.sort(by, function(a, b)
      if a.rule ~= b.rule then return order[a.rule] < order[b.rule] end
      return a.year < b.year
    end)
    for _, row in ipairs(by) do T:add(row) end
    for _, r in ipairs(t.by_rule) do
      T:add{ rule = r.id .. " 小计", payer = r.payer, paid = r.paid, amount = r.point, lo = r.lo, hi = r.hi }
    end
    T:add{ rule = "合计 total", paid = t.paid, amount = t.total, lo = t.lo, hi = t.hi }
    if band then
      for _, row in ipairs(T.rows) do row.range = require("tuiyan.policy").range_text(row.lo, row.hi, row.amount, money) end
    end
    if t.unknown > 0 then T:note(("%d firm-year payments unknown (an input cell is empty): not in the totals."):format(t.unknown)) end
    for _, line in ipairs(self:notes()) do T:note(line) end
    return T
  end

  --- Payments:by_county_table() -> per county the amount of each rule and the total.
  function Pay:by_county_table()
    local t = self:totals()
    local cols = { { key = "county", title = "县区" } }
    for _, r in ipairs(self.rules) do cols[#cols + 1] = { key = r.id, title = r.id, align = "right", unit = WAN } end
    cols[#cols + 1] = { key = "paid", title = "企业数", align = "right", unit = "家" }
    cols[#cols + 1] = { key = "total", title = "合计（万元）", align = "right", unit = WAN }
    local T = tabular.new{ title = "补助合计（按县区） by county — " .. title_of(self), columns = cols }
    local rows = {}
    for c, bc in ipairs(t.by_county) do
      rows[bc.county] = { county = bc.county ~= "" and bc.county or "（未填）", paid = bc.paid, total = bc.point }
      for _, r in ipairs(self.rules) do rows[bc.county][r.id] = 0 end
      rows[c] = rows[bc.county]
    end
    for _, cell in ipairs(t.cells) do
      local row = rows[cell.county]
      row[cell.id] = row[cell.id] + cell.point
    end
    for _, row in ipairs(rows) do T:add(row) end
    local total = { county = "合计 total", paid = t.paid, total = t.total }
    for k, r in ipairs(self.rules) do total[r.id] = t.by_rule[k].point end
    T:add(total)
    T:note("企业数 counts payments (a firm paid under two rules counts twice).")
    return T
  end

  --- Payments:firms_table() -> the subsidy table: every firm-year paid (or unknown), file order.
  function Pay:firms_table()
    local has_county = self.register:has("county")
    local cols = {
      { key = "line", title = "行", align = "right", machine = true },
      { key = "credit_code", title = "统一社会信用代码" },
      { key = "name", title = "企业名称", wrap = 8 },
      has_county and { key = "county", title = "县区", drop = 1 } or nil,
      { key = "year", title = "申报年度", align = "right", fmt = function(v) return tostring(v) end },
    }
    local kept = {}
    for k = 1, 5 do if cols[k] then kept[#kept + 1] = cols[k] end end
    for _, r in ipairs(self.rules) do
      kept[#kept + 1] = { key = r.id, title = r.id, align = "right", unit = WAN,
        fmt = function(v) return v == 0 and "" or money(v) end }
      kept[#kept + 1] = { key = r.id .. "_year", title = r.id .. " 支付年度", align = "right",
        fmt = function(v) return v and tostring(v) or "" end }
    end
    kept[#kept + 1] = { key = "total", title = "合计（万元）", align = "right", unit = WAN }
    local T = tabular.new{ title = "补助明细 subsidy table — " .. title_of(self), columns = kept }
    local rows = self.native:rows()
    for _, i in ipairs(rows) do
      local f = self:firm(i)
      local row = { line = f.line, credit_code = f.credit_code, name = f.name, county = county_of(f.county),
        year = f.year, total = f.total }
      for _, p in ipairs(f.payments) do
        row[p.id] = p.amount
        if p.amount and p.amount ~= 0 then row[p.id .. "_year"] = p.paid_year end
      end
      T:add(row)
    end
    T:note(("%d of %d firm-years paid or unknown; amounts in 万元; blank: not paid under that rule; — unknown (an input "
      .. "cell is empty: not in the totals)."):format(#rows, self.n))
    return T
  end

  --- Payments:leader_section([n]) -> the HTML page a leader reads first: totals and the n largest recipients.
  function Pay:leader_section(n)
    local html = require "tuiyan.html"
    local t = self:totals()
    local out = { ("<p class=\"headline\">补助总额 %s 万元, %d payments to the register's firms (%s).</p>\n"):format(
      html.escape(money(t.total)), t.paid, html.escape(self.register:name())) }
    out[#out + 1] = "<table>\n<thead><tr><th>支付年度 year paid</th><th class=\"num\">金额 万元</th></tr></thead>\n<tbody>\n"
    for _, y in ipairs(t.by_year) do
      out[#out + 1] = ("<tr><td>%d</td><td class=\"num\">%s</td></tr>\n"):format(y.year, html.escape(money(y.point)))
    end
    out[#out + 1] = "</tbody>\n</table>\n<h3>最大受益企业 largest recipients</h3>\n<ol class=\"recipients\">\n"
    for _, f in ipairs(self:recipients(n or 10)) do
      out[#out + 1] = ("<li>%s %s（%s, %d）: %s 万元</li>\n"):format(html.escape(f.name), html.escape(f.credit_code),
        html.escape(f.county), f.year, html.escape(money(f.total)))
    end
    out[#out + 1] = "</ol>\n"
    return { title = "致领导 For the bureau leader — " .. title_of(self), html = table.concat(out), class = "leader",
      sources = { source_of(self.register) } }
  end

  --- Payments:report() -> a bundle: totals by rule, by county, and the subsidy table.
  function Pay:report()
    return M.bundle(self, title_of(self), { { "by_rule", self:by_rule_table() },
      { "by_county", self:by_county_table() }, { "firms", self:firms_table() } })
  end

  --- Payments:to_json() -> { policy, reform, register, title, rules, not_computable, totals, firms }
  --- (firms: every firm-year paid, file order; amount null when unknown).
  function Pay:to_json()
    local json, arr, obj = json_lib()
    local null = json.null
    local rules = arr{}
    for k, r in ipairs(self.rules) do
      rules[k] = obj({ id = r.id, payer = r.payer, basis = r.basis, schedule = r.schedule, x = r.x or null,
        shift = r.shift, lag = r.lag, once = r.once and true or false, conditions = arr(r.conditions),
        assumptions = arr(r.assumptions or {}) },
        { "id", "payer", "basis", "schedule", "x", "shift", "lag", "once", "conditions", "assumptions" })
    end
    local nc = arr{}
    for k, x in ipairs(self.spec.not_computable or {}) do nc[k] = obj({ id = x.id, why = x.why }, { "id", "why" }) end
    local t = self:totals()
    local cells = arr{}
    for k, c in ipairs(t.cells) do
      cells[k] = obj({ rule = c.id, payer = c.payer, county = c.county, year = c.year, amount = c.point, lo = c.lo,
        hi = c.hi, firms = c.paid }, { "rule", "payer", "county", "year", "amount", "lo", "hi", "firms" })
    end
    local firms = arr{}
    for _, i in ipairs(self.native:rows()) do
      local f = self:firm(i)
      local pays = arr{}
      for _, p in ipairs(f.payments) do
        if p.amount ~= 0 then
          pays[#pays + 1] = obj({ rule = p.id, amount = p.amount or null, lo = p.amount and p.lo or null,
            hi = p.amount and p.hi or null, paid_year = p.paid_year }, { "rule", "amount", "lo", "hi", "paid_year" })
        end
      end
      firms[#firms + 1] = obj({ credit_code = f.credit_code, name = f.name, county = f.county, year = f.year, line = f.line,
        total = f.total, payments = pays }, { "credit_code", "name", "county", "year", "line", "total", "payments" })
    end
    local reform = null
    if self.policy.reform then reform = obj({ name = self.policy.reform.name, changes = R.describe_changes(self.policy.reform) }, { "name", "changes" }) end
    return json.encode(obj({ policy = self.policy.name, reform = reform, register = self.register:name(),
      title = self.register:title() or null, rules = rules, not_computable = nc,
      totals = obj({ amount = t.total, lo = t.lo, hi = t.hi, payments = t.paid, unknown = t.unknown, cells = cells },
        { "amount", "lo", "hi", "payments", "unknown", "cells" }), firms = firms },
      { "policy", "reform", "register", "title", "rules", "not_computable", "totals", "firms" }), true)
  end

  require("tuiyan.register_pay_compare").install(Pay, R, { title_of = title_of, source_of = source_of, money = money,
    bundle = M.bundle, json_lib = json_lib })
end

return M
