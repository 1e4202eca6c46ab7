-- tuiyan.register — enterprise registers (DOMAIN §7, docs/registers.md): load a register of
-- firm-years, check it against a set of criteria (the high-tech enterprise criteria "hte", the
-- 科技型中小企业 criteria "tsme", or a criteria table of your own), and show who qualifies, what
-- each firm lacks and the 高企后备 list. The evaluation is the C core's, column by column over the
-- whole register; this module only names things and lays out the reports.
--
-- Errors: load() and check() return nil, err for a bad file or a register that lacks a column the
-- criteria need (err a tuiyan.Error with exit code 3); misuse raises.
local native = require "_tuiyan.register"
local format = require "tuiyan.format"
local tabular = require "tuiyan.tabular"

local M = {}
local Register = native.methods

M.CRITERIA = { hte = "tuiyan.criteria.hte", tsme = "tuiyan.criteria.tsme" }

--- load(path) -> Register | nil, err. path: a .csv or .xlsx register (book.xlsx#Sheet: that
--- sheet), one row per firm and application year.
function M.load(path)
  if type(path) ~= "string" then
    error("bad argument #1 to 'load' (string expected, got " .. type(path) .. ")", 2)
  end
  local reg, err = native.load(path)
  if reg then require("tuiyan.report").input(path:match("^(.-%.[xX][lL][sS][xX])#") or path) end
  return reg, err
end

--- parse(text, name [, format]) -> Register | nil, err. format "csv" (default) or "xlsx" (text:
--- the workbook's bytes).
function M.parse(text, name, fmt)
  return native.parse(text, name or "(string)", fmt or "csv")
end

--- columns() -> the columns a register file may have: { {name, kind, meaning}, ... }.
M.known_columns = native.known_columns

--- credit_code_valid(code) -> true | false, why: the 统一社会信用代码 check (GB 32100-2015).
M.credit_code_valid = native.credit_code_valid

local OPS = { [">="] = true, [">"] = true, ["<="] = true, ["<"] = true }

--- criteria(c) -> a criteria set: c is "hte", "tsme" or a table { id, name, criteria = { ... } }
--- in the form of stdlib/tuiyan/criteria/hte.lua (checked here, so a mistake names the criterion).
function M.criteria(c)
  if type(c) == "string" then
    local mod = M.CRITERIA[c]
    if not mod then error(("unknown criteria '%s' (hte, tsme or a criteria table)"):format(c), 3) end
    return require(mod)
  end
  if type(c) ~= "table" or type(c.criteria) ~= "table" or #c.criteria == 0 then
    error("criteria: \"hte\", \"tsme\" or a table { id =, criteria = { {id =, kind =, op =, num =, threshold = …}, … } } expected", 3)
  end
  local seen = {}
  for i, k in ipairs(c.criteria) do
    if type(k) ~= "table" or type(k.id) ~= "string" then error(("criteria: item %d has no id"):format(i), 3) end
    if seen[k.id] then error(("criteria: id '%s' twice"):format(k.id), 3) end
    seen[k.id] = true
    if not OPS[k.op] then error(("criterion %s: op must be >=, >, <= or <"):format(k.id), 3) end
  end
  return c
end

--- Register:pipeline([opts]) -> the pool feeding the plan (tuiyan.register_pipeline): rates from
--- the years joined on the credit code, the model's parameters from them, the count projected.
function Register:pipeline(opts) return require("tuiyan.register_pipeline").pipeline(self, opts) end

local Check = {}
Check.__index = Check

--- Register:check(criteria) -> Check | nil, err. criteria as for tuiyan.register.criteria.
function Register:check(criteria)
  local set = M.criteria(criteria or "hte")
  local c, err = self:_check(set.criteria)
  if not c then return nil, err end
  return setmetatable({ register = self, set = set, native = c, n = #self }, Check)
end

--- Check:firm(i) -> { row, line, credit_code, name, county, year, qualifies, unmet, rank, criteria =
--- { {id, name, met, value, threshold, shortfall, unit, shortfall_unit, source}, ... } } for the
--- register's i-th row; met is nil when the data to judge it is missing (not assessed).
function Check:firm(i)
  local row = self.register:row(i)
  local q, unmet, gap, rank = self.native:firm(i)
  local f = { row = i, line = row.line, credit_code = row.credit_code, name = row.name, county = row.county,
    year = row.year, qualifies = q, unmet = unmet, gap = gap, rank = rank, criteria = {} }
  for k, crit in ipairs(self.set.criteria) do
    local met, value, threshold, shortfall = self.native:criterion(i, k)
    f.criteria[k] = { id = crit.id, name = crit.name, met = met, value = value, threshold = threshold,
      shortfall = shortfall, unit = crit.unit, shortfall_unit = crit.shortfall_unit, what = crit.what, op = crit.op,
      source = crit.source, optional = crit.optional }
  end
  return f
end

--- Check:candidates([n]) -> the 高企后备 list: firm records (Check:firm) of the firm-years that do
--- not qualify, by application year, then rank (fewest criteria unmet, then the smallest sum of
--- relative gaps: docs/registers.md), at most n.
function Check:candidates(n)
  local out = {}
  for j, i in ipairs(self.native:candidates(n)) do out[j] = self:firm(i) end
  return out
end

--- Check:summary() -> { n, qualifies, candidates, criteria = { {id, met, not_met, unknown, shortfall} } }
function Check:summary()
  local s = self.native:summary()
  for k, crit in ipairs(self.set.criteria) do s.criteria[k].id = crit.id end
  return s
end

local function shown_value(v, unit)
  if v == nil then return format.MISSING end
  if unit == "share" then return format.percent(v, 2) end   -- 3.98%: two decimals, so 3.98 is not "4.0"
  return format.display(v, unit)
end

local OP_TEXT = { [">="] = "", [">"] = "more than ", ["<="] = "at most ", ["<"] = "less than " }

--- describe(criterion record) -> what a firm lacks, in words: "R&D over three years 4.3%, needs
--- 5.0%: 37.40 万元 more"; "staff 620, needs at most 500: 120 人 too many"; "" when met.
function M.describe(c)
  if c.met then return "" end
  if c.met == nil then return c.optional and "not assessed (no data)" or "no data to judge it" end
  local cap = c.op == "<=" or c.op == "<"
  local v, t = shown_value(c.value, c.unit), shown_value(c.threshold, c.unit)
  if v == t and c.unit == "share" then   -- 2.998% is not shown as the 3.00% it falls short of
    v, t = format.percent(c.value, 4), format.percent(c.threshold, 4)
  end
  return ("%s %s, needs %s%s: %s %s %s"):format(c.what or c.id, v, OP_TEXT[c.op] or "", t, format.display(c.shortfall, c.shortfall_unit), c.shortfall_unit,
    cap and "too many" or "more")
end

-- The columns of the firms table: who, verdict, then per criterion a mark for people and value,
-- threshold, met and shortfall for machines (CSV, JSON).
local function firm_columns(set, has_county)
  local cols = {
    { key = "line", title = "行", align = "right", machine = true },
    { key = "credit_code", title = "统一社会信用代码" },
    { key = "name", title = "企业名称", wrap = 8 },
    has_county and { key = "county", title = "县区", drop = 1 } or false,
    { key = "year", title = "年度", align = "right", fmt = function(v) return tostring(v) end },
    { key = "qualifies", title = "符合", fmt = function(v) return v and "✓" or "✗" end },
    { key = "unmet", title = "未达", align = "right", unit = "项" },
    { key = "rank", title = "后备名次", align = "right", unit = "1", fmt = function(v) return tostring(v) end },
  }
  local kept = {}   -- without the county column of a register that has none
  for k = 1, 8 do if cols[k] then kept[#kept + 1] = cols[k] end end
  cols = kept
  for _, c in ipairs(set.criteria) do
    local id = c.id
    cols[#cols + 1] = { key = id, title = id, fmt = function(v) return v end }
    cols[#cols + 1] = { key = id .. "_met", machine = true }
    cols[#cols + 1] = { key = id .. "_value", machine = true, unit = c.unit == "share" and format.SHARE or c.unit }
    cols[#cols + 1] = { key = id .. "_threshold", machine = true, unit = c.unit == "share" and format.SHARE or c.unit }
    cols[#cols + 1] = { key = id .. "_shortfall", machine = true, unit = c.shortfall_unit }
  end
  return cols
end

local function firm_row(f)
  local row = { line = f.line, credit_code = f.credit_code, name = f.name, county = f.county ~= "" and f.county or nil,
    year = f.year, qualifies = f.qualifies, unmet = f.unmet, rank = f.rank }
  for _, c in ipairs(f.criteria) do
    row[c.id] = c.met and "✓" or c.met == false and ("✗ " .. format.display(c.shortfall, c.shortfall_unit) .. " " .. c.shortfall_unit)
      or (c.optional and "not assessed" or "? no data")
    row[c.id .. "_met"] = c.met
    row[c.id .. "_value"] = c.value
    row[c.id .. "_threshold"] = c.threshold
    row[c.id .. "_shortfall"] = c.shortfall
  end
  return row
end

local function title_of(self)
  local t = self.register:title()
  return ("%s — %s%s"):format(self.set.name or self.set.id, self.register:name(), t and (" (" .. t .. ")") or "")
end

--- Check:firms_table() -> a tuiyan.tabular of every firm-year in file order.
function Check:firms_table()
  local s = self:summary()
  local T = tabular.new{ title = title_of(self), columns = firm_columns(self.set, self.register:has("county")) }
  for i = 1, self.n do T:add(firm_row(self:firm(i))) end
  T:note(("%d firm-years; %d qualify; %d do not (the 后备 list ranks them)."):format(s.n, s.qualifies, s.candidates))
  for _, c in ipairs(self.set.criteria) do T:note(("%s: %s — %s"):format(c.id, c.name, c.source)) end
  return T
end

--- Check:candidates_table([n]) -> a tuiyan.tabular of the 后备 list with what each firm lacks.
function Check:candidates_table(n)
  local cols = {
    { key = "year", title = "年度", align = "right", fmt = function(v) return tostring(v) end },
    { key = "rank", title = "名次", align = "right", unit = "1", fmt = function(v) return tostring(v) end },
    { key = "credit_code", title = "统一社会信用代码" },
    { key = "name", title = "企业名称", wrap = 8 },
  }
  if self.register:has("county") then cols[#cols + 1] = { key = "county", title = "县区", drop = 1 } end
  cols[#cols + 1] = { key = "unmet", title = "未达", align = "right", unit = "项" }
  cols[#cols + 1] = { key = "gap", title = "差距", align = "right", unit = "1" }
  cols[#cols + 1] = { key = "lacks", title = "所缺", wrap = 30 }
  local T = tabular.new{ title = "高企后备 — " .. title_of(self), columns = cols }
  for _, f in ipairs(self:candidates(n)) do
    local lacks = {}
    for _, c in ipairs(f.criteria) do
      if c.met == false or (c.met == nil and not c.optional) then lacks[#lacks + 1] = c.id .. ": " .. M.describe(c) end
    end
    T:add{ year = f.year, rank = f.rank, credit_code = f.credit_code, name = f.name,
      county = f.county ~= "" and f.county or nil, unmet = f.unmet, gap = f.gap, lacks = table.concat(lacks, "; ") }
  end
  T:note("Ranked within each application year: fewest criteria not met first, then the smallest gap (the sum over "
    .. "unmet criteria of |threshold − value| / threshold, each at most 1; missing data counts 1); equal keys share a rank.")
  return T
end

--- Check:report() -> a report bundle: the firms and the 后备 list (tuiyan.report.emit writes it in
--- any format; CSV gives NAME_firms.csv and NAME_candidates.csv, JSON the shape of docs/registers.md).
function Check:report()
  local report = require "tuiyan.report"
  local b = report.bundle{ { "firms", self:firms_table() }, { "candidates", self:candidates_table() } }
  b.title = title_of(self)
  b.to_json = function() return self:to_json() end
  return b
end

--- Check:to_json() -> { criteria, source, register, firms = [ {credit_code, name, county, year, line,
--- qualifies, rank, criteria = [ {id, met, value, threshold, shortfall, unit, shortfall_unit} ]} ] }
--- in file order (null where not known; ratios as fractions, unit "share").
function Check:to_json()
  local json = require "_tuiyan.json"
  local null = json.null
  local function arr(t) return setmetatable(t, json.array_meta) end
  local function obj(t, order) return setmetatable(t, { __jsonorder = order }) end
  local firms = arr{}
  for i = 1, self.n do
    local f = self:firm(i)
    local crits = arr{}
    for k, c in ipairs(f.criteria) do
      local met = c.met
      if met == nil then met = null end
      crits[k] = obj({ id = c.id, met = met, value = c.value or null, threshold = c.threshold or null,
        shortfall = c.shortfall or null, unit = c.unit, shortfall_unit = c.shortfall_unit },
        { "id", "met", "value", "threshold", "shortfall", "unit", "shortfall_unit" })
    end
    firms[i] = obj({ credit_code = f.credit_code, name = f.name, county = f.county, year = f.year, line = f.line,
      qualifies = f.qualifies, rank = f.rank or null, criteria = crits },
      { "credit_code", "name", "county", "year", "line", "qualifies", "rank", "criteria" })
  end
  return json.encode(obj({ criteria = self.set.id, source = self.set.source, register = self.register:name(),
    title = self.register:title() or null, firms = firms },
    { "criteria", "source", "register", "title", "firms" }), true)
end

-- Register:pay and Register:reform: the support policy firm by firm (tuiyan.register_pay).
M.payments = require "tuiyan.register_pay"

return M
