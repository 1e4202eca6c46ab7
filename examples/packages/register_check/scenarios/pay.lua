-- pay — what the city's support policy pays the county's firms, priced firm by firm inside the
-- county's sandbox and returned only as totals by rule, county and payment year (万元):
--   tuiyan run wuwei_registers:pay [REGISTER.csv] --data DIR
local reg = assert(tuiyan.register.load(arg[1] or "register.csv"))
local totals = reg:pay("wuwei"):totals()
local t = tuiyan.tabular.new{
  title = "support payments by rule, county and payment year (万元)",
  columns = {
    { key = "rule", title = "rule" }, { key = "payer", title = "payer" },
    { key = "county", title = "county" }, { key = "year", title = "year" },
    { key = "paid", title = "firm_years" }, { key = "amount", title = "amount", unit = "万元" },
  },
}
for _, c in ipairs(totals.cells) do
  t:add{ rule = c.id, payer = c.payer, county = c.county, year = c.year, paid = c.paid, amount = c.point }
end
return { payments = t }
