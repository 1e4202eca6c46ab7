-- check — the county's register against the 高企 and 科技型中小企业 criteria and the city's own
-- 后备 criteria (wuwei.criteria); returns aggregates only, one table per criteria set, by county:
--   tuiyan run wuwei_registers:check [REGISTER.csv] --data DIR
local tally = require "wuwei.tally"
local reg = assert(tuiyan.register.load(arg[1] or "register.csv"))
local out = {}
for _, set in ipairs({ "hte", "tsme", require "wuwei.criteria" }) do
  local check = assert(reg:check(set))
  local id = type(set) == "string" and set or set.id
  out[id] = tally.by_county(reg, check, id)
end
return out
