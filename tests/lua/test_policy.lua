-- tests/lua/test_policy.lua — the Wuwei support policy (plan §四, paragraphs 3–19) as encoded in
-- stdlib/tuiyan/policy/wuwei.lua, and the cost of a scenario (tuiyan.policy cost, used by the
-- comparisons and goal seek alike). Every expected value is worked by hand from the plan text
-- (万元), not taken from the program: the amounts and brackets of each paragraph, its payment
-- year (次年 / 上一年度 → the year after, otherwise the year it arises), its conditions.
local T = dofile("tests/lua/harness.lua")
local P = tuiyan.policy
local json = require "_tuiyan.json"
local policy = require("tuiyan.policy.wuwei").policy()
local function amt(id, x) return policy:amount(id, x) end
local function point(id, x) return policy:amount(id, x).point end

-- ---- every rule of the text ------------------------------------------------------------

-- Every rule of §四 with a payment, a ceiling or a check, from the text, and its kind.
local KIND = {
  R3 = "city", R3b = "city", R5 = "ceiling", R5b = "ceiling",
  R7a = "city", R7b_factory = "city", R7b_workshop = "city", R7c_national = "city", R7c_provincial = "city",
  R7d = "city", R7d_demo = "city", R7e = "city", R8 = "city", R8b = "city",
  R9a_national = "city", R9a_provincial = "city", R9b = "city", R9c_national = "city", R9c_provincial = "city", R9c_city = "city",
  R10a = "city", R10b = "city", R10b_provincial = "city", R10b_national = "city",
  R11a_national = "city", R11a_provincial = "city", R11b_national = "city", R11b_provincial = "city", R11b_city = "city",
  R11c_provincial = "city", R11c_city = "city",
  R12a = "city", R12b_first = "city", R12b_second = "city", R12b_third = "city", R12c = "city",
  R13 = "city", R15 = "city", R16a = "city", R16b_county = "city", R16b_park = "city", R16b_enterprise = "city",
  R16c = "city", R16d = "city", R16e_wellknown = "city", R16e_gi = "city", R16e_gi_user = "city",
  R17a = "city", R17b = "city", R18 = "check", R19a = "city", R19b = "city", R19c_provincial = "city", R19c_city = "city",
}

T.test("every rule of §四 is encoded once, with its kind, and nothing else", function()
  local n = 0
  for id, kind in pairs(KIND) do
    n = n + 1
    T.truthy(policy.by_id[id], "missing rule " .. id)
    T.eq(policy:rule(id).kind, kind, id .. " kind")
    T.truthy(policy:rule(id).source and policy:rule(id).timing, id .. " has its source words and timing")
  end
  T.eq(#policy.rules, n, "rules beyond the list")
  T.raises(function() P.new{ rules = { { id = "X", schedule = { shape = "per_unit", amount = 1 } },
    { id = "X", schedule = { shape = "per_unit", amount = 2 } } } } end, "duplicate rule id X")
  T.raises(function() P.new{ rules = { { id = "X", kind = "province", schedule = { shape = "per_unit", amount = 1 } } } } end,
    "rule X: kind must be city, county, ceiling or check, got province")
  T.raises(function() P.schedule{ id = "B", shape = "step", thresholds = { 10, 5 }, amounts = { 1, 2 } } end,
    'schedule "B": thresholds must be strictly increasing')
  T.raises(function() P.schedule{ id = "C", shape = "wedge" } end, "schedule C: shape must be marginal, step, rate or per_unit")
end)

-- Payment year from the words of each paragraph: 7 and 12 say 列入次年市級財政預算; 16's
-- high-value patents are those 上一年度…認定; every other paragraph says 列入市級財政預算 or nothing.
T.test("payment year as the text says: the year after only for ¶7, ¶12 and R16c's 上一年度", function()
  local LAG1 = { R7a = 1, R7b_factory = 1, R7b_workshop = 1, R7c_national = 1, R7c_provincial = 1, R7d = 1, R7d_demo = 1,
    R7e = 1, R12a = 1, R12b_first = 1, R12b_second = 1, R12b_third = 1, R12c = 1, R16c = 1 }
  for id, kind in pairs(KIND) do
    if kind ~= "check" then T.eq(policy:rule(id).schedule:info().lag, LAG1[id] or 0, id .. " lag") end
  end
end)

-- One-off amounts per unit, from the text (paragraph: amounts).
T.test("one-off amounts per unit, each as the text gives it", function()
  local EACH = {
    R7a = 20, R7b_factory = 50, R7b_workshop = 20, R7c_national = 20, R7c_provincial = 10, R7d = 5, R7d_demo = 5, R7e = 3,
    R9a_national = 50, R9a_provincial = 20, R9b = 20, R9c_national = 20, R9c_provincial = 10, R9c_city = 5,
    R10a = 20, R10b = 10, R10b_provincial = 20, R10b_national = 30,
    R11a_national = 50, R11a_provincial = 20, R11b_national = 20, R11b_provincial = 10, R11b_city = 5,
    R11c_provincial = 10, R11c_city = 5, R12a = 50, R12b_first = 30, R12b_second = 20, R12b_third = 10,
    R16a = 5, R16b_county = 10, R16b_park = 8, R16b_enterprise = 5, R16c = 1,
    R16e_wellknown = 8, R16e_gi = 5, R16e_gi_user = 3, R19c_provincial = 5, R19c_city = 2,
  }
  for id, each in pairs(EACH) do
    local a = amt(id, 3)
    T.near(a.point, 3 * each, 1e-12, id); T.near(a.lo, 3 * each, 1e-12, id); T.near(a.hi, 3 * each, 1e-12, id)
  end
  T.near(point("R12c", 15), 15)                       -- 同等數額: a 15 万元 patent award is matched by 15
end)

-- ---- thresholds and brackets -------------------------------------------------------------

T.test("R8 by annual R&D: 500/1000/2000/10000 inclusive (以上), one amount per bracket", function()
  local want = { [0] = 0, [499] = 0, [500] = 10, [999] = 10, [1000] = 20, [1999] = 20, [2000] = 50, [9999] = 50,
    [10000] = 100, [50000] = 100 }
  for x, a in pairs(want) do T.eq(point("R8", x), a, "R8 at " .. x) end
end)

T.test("R8b: a first-time deduction strictly above 50 pays 5; not first time pays nothing", function()
  T.eq(point("R8b", { { x = 50, first_time = true } }), 0)
  T.eq(point("R8b", { { x = 50.01, first_time = true } }), 5)
  T.eq(point("R8b", { { x = 80, first_time = false }, { x = 80 } }), 0)
  T.eq(point("R8b", { { x = 80, first_time = true }, { x = 60, first_time = true }, { x = 10, first_time = true } }), 10)
  T.raises(function() point("R8b", 80) end, "R8b pays only a first-time use")
end)

T.test("R5 ceiling: 30 % of the part to 500, 25 % of 500–1000, 20 % above, by hand", function()
  T.near(point("R5", 400), 400 * 0.30)                               -- 120
  T.near(point("R5", 500), 500 * 0.30)                               -- 150
  T.near(point("R5", 1000), 500 * 0.30 + 500 * 0.25)                 -- 275
  T.near(point("R5", 1200), 500 * 0.30 + 500 * 0.25 + 200 * 0.20)    -- 315
  local b = amt("R5b", 1000)                                         -- 10–20 % of 1000
  T.near(b.lo, 100); T.near(b.hi, 200); T.near(b.point, 200)
end)

T.test("R3 揭榜挂帅: nothing below 300; 10 %–20 % of the total, at most 100; R3b > 100, 10 %, at most 200", function()
  local a = amt("R3", 299); T.eq(a.lo, 0); T.eq(a.hi, 0)
  a = amt("R3", 300); T.near(a.lo, 30); T.near(a.hi, 60); T.near(a.point, 60)   -- default point: the top
  a = amt("R3", 500); T.near(a.lo, 50); T.near(a.hi, 100)
  a = amt("R3", 700); T.near(a.lo, 70); T.near(a.hi, 100)                       -- 140 capped at 100
  a = amt("R3", 1000); T.near(a.lo, 100); T.near(a.hi, 100)
  a = amt("R3", { 300, 1000, 250 }); T.near(a.lo, 130); T.near(a.hi, 160)      -- the cap is per project
  T.eq(point("R3b", 100), 0)
  T.near(point("R3b", 101), 10.1)
  T.near(point("R3b", 2000), 200)
  T.near(point("R3b", 5000), 200)
end)

T.test("R13: at least 50 a consortium a year for 3 years from its start year (open above)", function()
  local sc = require("tuiyan.scenarios.wuwei").build()
  local c = policy:cost(sc.baseline:run(), { given = { R13 = { [2022] = 2, [2023] = 1 } } })
  local r13
  for _, it in ipairs(c.rules) do if it.id == "R13" then r13 = it end end
  -- 2 start in 2022 (2022, 2023, 2024), 1 in 2023 (2023, 2024, 2025), at 50 each a year
  local want = { [2021] = 0, [2022] = 100, [2023] = 150, [2024] = 150, [2025] = 50, [2026] = 0 }
  for y, w in pairs(want) do
    T.near(r13.point[y], w, 1e-12, "R13 " .. y); T.near(r13.lo[y], w, 1e-12, "R13 lo " .. y)
    T.truthy(r13.hi[y] == (w > 0 and math.huge or 0), "R13 hi " .. y .. " is open above when paid")
  end
  T.truthy(r13.open and r13.band)
end)

T.test("R15 only with the provincial one-off; R17 only on top of the provincial 500 / 100", function()
  T.eq(point("R15", { { provincial_one_off = 200 } }), 50)
  T.eq(point("R15", { { provincial_one_off = 120 }, { provincial_one_off = 0 }, {} }), 50)
  T.eq(point("R15", { {} }), 0)
  T.raises(function() point("R15", 1) end, "R15 pays only a transfer that received the provincial one-off")
  T.eq(point("R17a", { { provincial_support = 500 } }), 50)
  T.eq(point("R17a", { { provincial_support = 499 }, {} }), 0)
  T.eq(point("R17b", { { provincial_support = 100 }, { provincial_support = 99 } }), 10)
  T.raises(function() point("R17b", 1) end, "R17b pays only on top of the provincial 100")
end)

T.test("R16d 20–30 each (3–4 a year); R19 at least 1 a person-year; R18 a share check", function()
  local a = amt("R16d", 3); T.near(a.lo, 60); T.near(a.hi, 90); T.near(a.point, 90)
  a = amt("R16d", 4); T.near(a.lo, 80); T.near(a.hi, 120)
  a = amt("R19a", 10); T.near(a.lo, 10); T.eq(a.hi, math.huge); T.near(a.point, 10)
  a = amt("R19b", 0); T.eq(a.lo, 0); T.eq(a.hi, 0)
  T.eq(policy:check("R18", { projects = 10, under_45 = 5 }), true)
  T.eq(policy:check("R18", { projects = 10, under_45 = 4 }), false)
  T.eq(policy:check("R18", { projects = 0, under_45 = 0 }), nil)
  T.raises(function() policy:amount("R18", 1) end, "rule R18 is a check")
end)

-- ---- the cost of a scenario ----------------------------------------------------------------

T.test("ceilings and checks never enter a cost; given counts for them are refused", function()
  local sc = require("tuiyan.scenarios.wuwei").build()
  local run = sc.baseline:run()
  local given = {}
  for id, kind in pairs(KIND) do
    if kind == "city" and not policy:rule(id).driver then
      local r = policy:rule(id)
      given[id] = { [2023] = r.eligible and { { x = 500, provincial_one_off = 100, provincial_support = 500, first_time = true } } or 2 }
    end
  end
  local c = policy:cost(run, { given = given })
  for _, it in ipairs(c.items) do T.truthy(KIND[it.id] ~= "ceiling" and KIND[it.id] ~= "check", it.id .. " in a cost") end
  for y = 2021, 2035 do
    local sum = 0
    for _, it in ipairs(c.items) do sum = sum + it.point[y] end
    T.near(c.total[y], sum, 1e-12, "total " .. y)
  end
  T.raises(function() policy:cost(run, { given = { R5 = { [2023] = 1000 } } }) end, "rule R5 is a ceiling, not a payment")
  T.raises(function() policy:cost(run, { given = { R18 = { [2023] = 1 } } }) end, "rule R18 is a check, not a payment")
  T.raises(function() policy:cost(run, { given = { R3 = { [2021] = 300 } } }) end, "given year 2021 is outside 2022..2035")
end)

T.test("extra certifications cost 20 each in the next year's budget; R8 in the same year", function()
  local S = tuiyan.scenario
  -- a pool that can give 80 % of itself a year and promotes none by itself, so the 10 extra firms
  -- a year are all certified and are the only certifications that differ
  local base = S.new{ name = "b", model = require("tuiyan.models.wuwei").build(),
    set = { hte_extra_pool_share = 0.8, prov_promotion_rate = 0 } }
  local plus = base:derive{ name = "p", set = { extra_hte = S.from(2022, 10) } }
  local function r7a(c) for _, it in ipairs(c.rules) do if it.id == "R7a" then return it.point end end end
  local cb, cp = policy:cost(base:run()), policy:cost(plus:run(), { baseline = base:run() })
  T.near(r7a(cp)[2022] - r7a(cb)[2022], 0)
  for y = 2023, 2030 do T.near(r7a(cp)[y] - r7a(cb)[y], 200) end
  -- R8: eight enterprises at the bracket edges in 2023, paid in 2023 (列入市級財政預算, no 次年)
  local c = policy:cost(base:run(), { given = { R8 = { [2023] = { 499, 500, 999, 1000, 1999, 2000, 9999, 10000 } } } })
  local r8
  for _, it in ipairs(c.rules) do if it.id == "R8" then r8 = it.point end end
  T.eq(r8[2022], 0); T.near(r8[2023], 0 + 10 + 10 + 20 + 20 + 50 + 50 + 100); T.eq(r8[2024], 0)
end)

-- The +20 % fiscal scenario's cost in a comparison is its extra fiscal S&T spending, derived here
-- from the model's own city and county fiscal series of both runs, plus the rule payments, derived
-- from the run's flows and the text's amounts (R7a 20 and R7d 5 the year after, R16c 1 the year
-- after the recognition year).
T.test("a comparison's cost for +20 % fiscal = the extra spending + rule payments, in every format", function()
  local sc = require("tuiyan.scenarios.wuwei").build()
  local plan = assert(tuiyan.plan.load())
  local cmp = tuiyan.compare.compare{ scenarios = { sc.baseline, sc.fiscal }, years = { 2022, 2025 }, plan = plan, policy = policy }
  local b, f = sc.baseline:run(), sc.fiscal:run()
  local c = cmp.costs[2]
  for y = 2022, 2026 do
    local city = (f:get("city_fiscal_st", y) - b:get("city_fiscal_st", y)) * 10000
    local county = (f:get("county_fiscal_st", y) - b:get("county_fiscal_st", y)) * 10000
    local rules = 0
    if y > 2022 then
      rules = 20 * f:get("hte_certified", y - 1) + 5 * (f:get("sme_promotions", y - 1) + f:get("prov_direct", y - 1))
        + 1 * f:get("hv_patents_new", y - 1)
    end
    T.near(c.total[y], city + county + rules, 1e-9, "total " .. y)
    T.near(c.by_payer.county.point[y], county, 1e-9, "county " .. y)
    T.near(c.by_payer.city.point[y], city + rules, 1e-9, "city " .. y)
    T.near(cmp.costs[1].total[y], rules > 0 and (20 * b:get("hte_certified", y - 1)
      + 5 * (b:get("sme_promotions", y - 1) + b:get("prov_direct", y - 1)) + b:get("hv_patents_new", y - 1)) or 0, 1e-9,
      "baseline spends nothing on the lever " .. y)
  end
  -- 2022 by hand: 20 % of (60 × 1.04 × 0.56 % + 200 × 1.04 × 0.3 %) 亿元 = 0.194688 亿元 = 1946.88 万元
  T.near(c.total[2022], 1946.88, 1e-9)
  T.truthy(cmp:to_text():find("fiscal_county extra county fiscal S&T spending", 1, true), "text shows the lever spending")
  T.truthy(cmp:to_md():find("fiscal_city", 1, true), "md shows the lever spending")
  T.truthy(cmp:to_csv():find("\ncost:fiscal_county,2022,fiscal+20%,1248", 1, true), "csv has the county raise")
  T.truthy(cmp:to_html():find("fiscal_city", 1, true), "html shows the lever spending")
  local j = json.decode(cmp:to_json())
  T.eq(j.costs[2].spending[2].id, "fiscal_county")
  T.near(j.costs[2].total["2022"], 1946.88, 1e-9)
  -- goal seek's cost is the same function: the same number for the same run
  local gcost = tuiyan.goalseek.policy_cost{ policy = policy, years = { 2022, 2026 }, baseline = b }
  T.near(gcost(f), P.sum(c, 2022, 2026), 1e-12)
end)

T.test("bands in a comparison: low–high with the default point, open above without a top", function()
  local sc = require("tuiyan.scenarios.wuwei").build()
  local cmp = tuiyan.compare.compare{ scenarios = { sc.baseline }, years = { 2022, 2025 }, policy = policy,
    given = { R3 = { [2022] = { 300 } }, R13 = { [2023] = 1 } } }
  local c = cmp.costs[1]
  T.near(c.total_lo[2022], 30); T.near(c.total_hi[2022], 60); T.near(c.total[2022], 60)
  T.truthy(cmp:to_text():find("30–60 (60)", 1, true), "text shows R3's band")
  T.truthy(cmp:to_text():find("≥ 50 (50)", 1, true), "text shows R13 open above")
  local j = json.decode(cmp:to_json())
  local r13
  for _, r in ipairs(j.costs[1].rules) do if r.id == "R13" then r13 = r end end
  T.eq(r13.high["2023"], json.null); T.near(r13.low["2023"], 50)
end)

T.done()
