-- tests/lua/test_register_pay.lua — the Wuwei support policy firm by firm on the hand-built register
-- tests/data/registers/hand_pay.csv. Every amount, payment year and total below is worked by hand
-- from the policy text (wuwei_support_policy.md, plan 四(二)7 and 8), not read from the code:
--   R7a: 对新认定的高新技术企业给予20万元一次性补助, 列入次年市级财政预算 -> 20 per firm that meets
--        every 高企 criterion, once per firm (its earliest such year), not to a firm that already
--        holds a certificate; paid in the application year + 1.
--   R8:  研发经费内部支出 1亿元以上 100; 2000万元以上 50; 1000万元以上 20; 500万元以上 10 ("以上"
--        includes the number), on rd_3 (the year before the application year), paid in that year.
-- The firms (which criteria each meets is checked in tests/lua/test_register.lua's manner: the
-- ratios are worked in the comments):
--   P01 2024 凉州: meets all (R&D 700/10000 = 7 % >= 5 %); rd_3 300 < 500 -> R7a 20 @2025, R8 0
--   P02 2024 凉州: meets all (900/11000 = 8.2 %); rd_3 500 (exactly 500, 以上) -> R7a 20 @2025, R8 10 @2023
--   P03 2024 古浪: score 70 (needs more than 70) -> no R7a; rd_3 499.99 < 500 -> R8 0; paid nothing
--   P04 2023 古浪: meets all (3000/30000 = 10 % >= 4 %) -> R7a 20 @2024; rd_3 1000 -> R8 20 @2022
--   P04 2024 古浪: meets all again, R7a already paid for 2023 -> 0; rd_3 2000 -> R8 50 @2023
--   P05 2024 民勤: meets all but holds a certificate (是) -> no R7a; rd_3 10000 (1亿) -> R8 100 @2023
--   P06 2023 民勤: no core IP -> no R7a; rd_3 999.99 -> R8 10 @2022
--   P06 2024 民勤: meets all (first time) -> R7a 20 @2025; rd_3 1999.99 -> R8 20 @2023
--   P07 2024 天祝: rd_3 empty -> the R&D ratio cannot be judged, no R7a; R8 unknown
--   P08 2024 天祝: meets all, hte_certified empty (no certificate) -> R7a 20 @2025; rd_3 9999.99 -> R8 50 @2023
local T = dofile("tests/lua/harness.lua")
local R = tuiyan.register

local reg = assert(R.load("tests/data/registers/hand_pay.csv"))
local pay = assert(reg:pay("wuwei"))

-- row -> { R7a amount, R7a year, R8 amount, R8 year } (year nil when nothing is paid)
local WANT = {
  { 20, 2025, 0, nil }, { 20, 2025, 10, 2023 }, { 0, nil, 0, nil }, { 20, 2024, 20, 2022 }, { 0, nil, 50, 2023 },
  { 0, nil, 100, 2023 }, { 0, nil, 10, 2022 }, { 20, 2025, 20, 2023 }, { 0, nil, "unknown", nil }, { 20, 2025, 50, 2023 },
}

T.test("each firm-year's amount and payment year by rule, worked by hand", function()
  T.eq(#reg, 10)
  for i, w in ipairs(WANT) do
    local f = pay:firm(i)
    T.eq(f.payments[1].id, "R7a")
    T.eq(f.payments[2].id, "R8")
    T.eq(f.payments[1].amount, w[1], f.name .. " R7a")
    if w[2] then T.eq(f.payments[1].paid_year, w[2], f.name .. " R7a year") end
    if w[3] == "unknown" then T.eq(f.payments[2].amount, nil, f.name .. " R8 unknown")
    else T.eq(f.payments[2].amount, w[3], f.name .. " R8") end
    if w[4] then T.eq(f.payments[2].paid_year, w[4], f.name .. " R8 year") end
  end
end)

T.test("totals by rule, county and payment year, worked by hand", function()
  local t = pay:totals()
  -- R7a: P01, P02, P04 (2023), P06 (2024), P08 = 5 × 20 = 100. R8: 10 + 20 + 50 + 100 + 10 + 20 + 50 = 260.
  T.eq(t.total, 360)
  T.eq(t.paid, 12)
  T.eq(t.unknown, 1)
  T.eq(t.by_rule[1].id, "R7a"); T.eq(t.by_rule[1].point, 100); T.eq(t.by_rule[1].paid, 5)
  T.eq(t.by_rule[2].id, "R8"); T.eq(t.by_rule[2].point, 260); T.eq(t.by_rule[2].paid, 7); T.eq(t.by_rule[2].unknown, 1)
  T.eq(t.by_rule[1].payer, "city")
  -- by county, in file order: 凉州 20 + 20 + 10; 古浪 20 + 20 + 50; 民勤 100 + 10 + 20 + 20; 天祝 20 + 50
  local want = { { "凉州区", 50 }, { "古浪县", 90 }, { "民勤县", 150 }, { "天祝藏族自治县", 70 } }
  T.eq(#t.by_county, 4)
  for c, w in ipairs(want) do
    T.eq(t.by_county[c].county, w[1])
    T.eq(t.by_county[c].point, w[2], w[1])
  end
  -- by payment year: 2022: P04 R8 20 + P06 R8 10; 2023: 10 + 50 + 100 + 20 + 50; 2024: P04 R7a;
  -- 2025: P01, P02, P06, P08 R7a
  local years = { { 2022, 30 }, { 2023, 230 }, { 2024, 20 }, { 2025, 80 } }
  T.eq(#t.by_year, 4)
  for k, w in ipairs(years) do
    T.eq(t.by_year[k].year, w[1])
    T.eq(t.by_year[k].point, w[2], tostring(w[1]))
  end
  -- no band in R7a or R8: low = high = the point
  T.eq(t.lo, 360)
  T.eq(t.hi, 360)
  local s = pay:summary()
  T.eq(s.total, 360)
  T.eq(s.rules[2].total, 260)
end)

T.test("one line in the REPL: the total and each rule's", function()
  T.eq(tostring(pay), "payments (wuwei) on tests/data/registers/hand_pay.csv: 360.00 万元 in 12 payments (R7a 100.00, R8 260.00)")
end)

T.test("the largest recipients first, ties in file order", function()
  local top = pay:recipients(3)
  -- P05 100; P08 70; P04 2024 50
  T.eq(top[1].name, "P05 已有证书研发1亿"); T.eq(top[1].total, 100)
  T.eq(top[2].name, "P08 证书空研发9999.99"); T.eq(top[2].total, 70)
  T.eq(top[3].name, "P04 两年合格"); T.eq(top[3].year, 2024); T.eq(top[3].total, 50)
end)

T.test("x_above_scale, when the register has it, limits R8 to the firms marked yes", function()
  local text = table.concat({
    "credit_code,name,county,year,registered,staff,st_staff,revenue_1,revenue_2,revenue_3,rd_1,rd_2,rd_3,rd_domestic,hitech_revenue,ip_core,score,x_above_scale",
    "91620600MA7000302Q,规上,凉州区,2024,2015-03-01,100,20,3000,3000,5000,200,200,500,900,3500,3,80,1",
    "91620600MA7000303U,非规上,凉州区,2024,2015-03-01,100,20,3000,3000,5000,200,200,500,900,3500,3,80,0",
  }, "\n") .. "\n"
  local r2 = assert(R.parse(text, "scale.csv"))
  local p2 = assert(r2:pay())
  -- both meet every 高企 criterion (R7a 20 each; no hte_certified column: no certificate); R8 10 only for the first
  T.eq(p2:firm(1).payments[2].amount, 10)
  T.eq(p2:firm(2).payments[2].amount, 0)
  T.eq(p2:firm(2).payments[1].amount, 20)
  T.eq(p2:totals().total, 50)
end)

T.test("a reform of R8's steps: winners, losers and the cost change by hand", function()
  -- R8 with steps 300 -> 5, 600 -> 10, 1000 -> 20, 2000 -> 50, 10000 -> 100:
  -- P01 rd_3 300: 0 -> 5 (+5); P02 500: 10 -> 5 (−5); P03 499.99: 0 -> 5 (+5); P06 2023 999.99 stays 10;
  -- the rest unchanged. Cost +5: 凉州 R8 10 -> 10 (one up, one down), 古浪 R8 70 -> 75.
  local cmp = assert(reg:reform{ base = "wuwei", name = "R8 steps", changes = {
    R8 = { thresholds = { 300, 600, 1000, 2000, 10000 }, amounts = { 5, 10, 20, 50, 100 } } } })
  T.eq(cmp.nwinners, 2)
  T.eq(cmp.nlosers, 1)
  T.eq(cmp.change, 5)
  local w = cmp:winners()
  T.eq(#w, 2)
  T.eq(w[1].name, "P01 合格研发300"); T.eq(w[1].before, 20); T.eq(w[1].after, 25); T.eq(w[1].change, 5)
  T.eq(w[2].name, "P03 评分70研发499.99"); T.eq(w[2].before, 0); T.eq(w[2].after, 5)
  local l = cmp:losers()
  T.eq(#l, 1)
  T.eq(l[1].name, "P02 合格研发恰500"); T.eq(l[1].before, 30); T.eq(l[1].after, 25); T.eq(l[1].change, -5)
  local c = cmp:cost()
  T.eq(c.before, 360); T.eq(c.after, 365); T.eq(c.change, 5)
  local cell = {}
  for _, r in ipairs(c.by_rule) do cell[r.id .. "/" .. (r.county or "all")] = r end
  T.eq(cell["R8/凉州区"].before, 10); T.eq(cell["R8/凉州区"].after, 10); T.eq(cell["R8/凉州区"].change, 0)
  T.eq(cell["R8/古浪县"].before, 70); T.eq(cell["R8/古浪县"].after, 75)
  T.eq(cell["R8/all"].change, 5)
  T.eq(cell["R7a/all"].change, 0)
end)

T.test("a reform of R7a to 30: every R7a payment gains 10", function()
  local cmp = assert(reg:reform{ base = "wuwei", changes = { R7a = { amount = 30 } } })
  -- five R7a payments (P01, P02, P04 2023, P06 2024, P08): +10 each
  T.eq(cmp.nwinners, 5)
  T.eq(cmp.nlosers, 0)
  T.eq(cmp.change, 50)
  -- the payments keep their years: the reform changes amounts, not timing
  local p = assert(reg:pay(tuiyan.register.payments.reformed("wuwei", { R7a = { amount = 30 } })))
  T.eq(p:firm(4).payments[1].amount, 30)
  T.eq(p:firm(4).payments[1].paid_year, 2024)
end)

T.test("a reform that makes R8 a rate band: low–high with the top as the default point", function()
  -- R8 as 1 %–2 % of rd_3 from 500 (at_least), at most 100: P02 500 -> 5–10; P04 1000 -> 10–20, 2000 -> 20–40;
  -- P05 10000 -> 100–200 capped: 100–100; P06 999.99 -> 9.9999–19.9998, 1999.99 -> 19.9999–39.9998;
  -- P08 9999.99 -> 99.9999–199.9998 capped at 100; P01 300 and P03 499.99 below 500: 0.
  -- lo 5 + 10 + 20 + 100 + 9.9999 + 19.9999 + 99.9999 = 264.9997; hi 10 + 20 + 40 + 100 + 19.9998 + 39.9998 + 100 = 329.9996
  local pol = tuiyan.register.payments.reformed("wuwei",
    { R8 = { shape = "rate", threshold = 500, rate_lo = 0.01, rate_hi = 0.02, max = 100 } }, "R8 1-2%")
  local t = assert(reg:pay(pol)):totals()
  T.near(t.by_rule[2].lo, 264.9997, 1e-9)
  T.near(t.by_rule[2].hi, 329.9996, 1e-9)
  T.near(t.by_rule[2].point, 329.9996, 1e-9)
  T.near(t.lo, 364.9997, 1e-9)
  local f = assert(reg:pay(pol)):firm(2)
  T.eq(f.payments[2].lo, 5)
  T.eq(f.payments[2].hi, 10)
end)

T.test("a reform naming a rule the policy lacks, or a bad field, raises naming it", function()
  T.raises(function() tuiyan.register.payments.reformed("wuwei", { R99 = { amount = 1 } }) end, "policy wuwei has no rule R99")
  T.raises(function() tuiyan.register.payments.reformed("wuwei", { R7a = { amuont = 1 } }) end, "unknown field 'amuont'")
  T.raises(function() reg:pay("nosuch") end, "unknown policy 'nosuch'")
end)

T.test("a register without rd_3 cannot be priced: nil, err naming the column", function()
  local r3 = assert(R.parse("credit_code,name,year,staff\n91620600MA7000301M,甲,2024,10\n", "thin.csv"))
  local p, err = r3:pay()
  T.eq(p, nil)
  T.truthy(tostring(err):find("thin.csv", 1, true), tostring(err))
end)

T.test("the JSON: rules, what is not priced, totals and the firms paid", function()
  local json = require("_tuiyan.json").decode(pay:to_json())
  T.eq(json.policy, "wuwei")
  T.eq(json.rules[1].id, "R7a")
  T.eq(json.rules[1].lag, 1)
  T.eq(json.rules[2].shift, -1)
  T.truthy(#json.not_computable >= 5)
  T.eq(json.totals.amount, 360)
  T.eq(#json.firms, 9)   -- P03 is paid nothing; P07's R8 is unknown and listed
  T.eq(json.firms[2].payments[2].rule, "R8")
  T.eq(json.firms[2].payments[2].paid_year, 2023)
end)

T.done()
