-- all_digits.lua — every summary of the uncertainty model (both scenarios, 2021-2035: mean, sd,
-- extremes, quantiles, P(target)) to 17 digits, one line each, 450 lines: what
-- test_determinism.sh and test_simd.sh compare byte for byte across runs.
local plan = assert(tuiyan.plan.load())
local sc = require("tuiyan.scenarios.wuwei").build()
local years = {}
for y = sc.model.first_year, 2035 do years[#years + 1] = y end
local r = tuiyan.mc.run{ scenarios = { sc.baseline, sc.both }, plan = plan, years = years }
for _, row in ipairs(r.rows) do
  for i, c in ipairs(row.per) do
    local q = {}
    for k, v in ipairs(c.q) do q[k] = ("%.17g"):format(v) end
    print(("%s %d %d mean=%.17g sd=%.17g min=%.17g max=%.17g q=%s met=%s"):format(row.id, row.year,
      i, c.mean, c.sd, c.min, c.max, table.concat(q, ","), tostring(c.met)))
  end
end
