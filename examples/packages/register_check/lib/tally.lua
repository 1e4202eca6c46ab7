-- wuwei.tally — aggregates of a register check, by county: firm-years, how many qualify, per
-- criterion how many do not meet it and the sum of their shortfalls, and the 后备 count. No
-- firm's name, code or row is in what it returns.
local M = {}

function M.by_county(reg, check, set_id)
  local rows, order = {}, {}
  for i = 1, #reg do
    local f = check:firm(i)
    local county = f.county ~= "" and f.county or "(none)"
    local r = rows[county]
    if not r then
      r = { county = county, firms = 0, qualifies = 0, candidates = 0, unmet = {}, shortfall = {} }
      rows[county] = r
      order[#order + 1] = county
    end
    r.firms = r.firms + 1
    if f.qualifies then r.qualifies = r.qualifies + 1 else r.candidates = r.candidates + 1 end
    for _, c in ipairs(f.criteria) do
      if c.met == false then
        r.unmet[c.id] = (r.unmet[c.id] or 0) + 1
        r.shortfall[c.id] = (r.shortfall[c.id] or 0) + (c.shortfall or 0)
      end
    end
  end
  table.sort(order)
  local columns = {
    { key = "criteria", title = "criteria" }, { key = "county", title = "county" },
    { key = "firms", title = "firm_years" }, { key = "qualifies", title = "qualifies" },
    { key = "candidates", title = "candidates" },
  }
  local ids = {}
  for _, c in ipairs(check:firm(1).criteria) do
    ids[#ids + 1] = c.id
    columns[#columns + 1] = { key = c.id .. "_unmet", title = c.id .. "_unmet" }
    columns[#columns + 1] = { key = c.id .. "_shortfall", title = c.id .. "_shortfall", unit = c.shortfall_unit }
  end
  local t = tuiyan.tabular.new{ title = set_id .. ": by county", columns = columns }
  for _, county in ipairs(order) do
    local r = rows[county]
    local row = { criteria = set_id, county = county, firms = r.firms, qualifies = r.qualifies,
      candidates = r.candidates }
    for _, id in ipairs(ids) do
      row[id .. "_unmet"] = r.unmet[id] or 0
      row[id .. "_shortfall"] = r.shortfall[id] or 0
    end
    t:add(row)
  end
  return t
end

return M
