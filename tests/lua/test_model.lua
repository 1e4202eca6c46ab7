-- tests/lua/test_model.lua — the model DSL, scenarios, comparison and goal seek: small models
-- computed by hand, error texts, inheritance and override errors, a known goal-seek answer.
local T = dofile("tests/lua/harness.lua")
local M, S, G = tuiyan.model, tuiyan.scenario, tuiyan.goalseek

local function cohort_model()
  local m = M.new{ name = "cohort", first_year = 2021, last_year = 2028 }
  local v = m.v
  m:param("renewal", 0.8, { unit = "1" })
  m:lever("extra", 0, { unit = "家/年" })
  m:stock("hte", { unit = "家", init = 59 })
  m:flow("certs", M.if_(M.eq(M.year(), 2021), 0, 10 + v.extra), { unit = "家/年", into = "hte" })
  m:aux("due", M.delay(v.issued, 3, 0), { unit = "家/年" })
  m:aux("issued", v.certs + v.renewal * v.due, { unit = "家/年" })
  m:flow("lapsed", (1 - v.renewal) * v.due, { unit = "家/年", from = "hte" })
  return m
end

T.test("a stock with a certificate cohort coming up for renewal, by hand", function()
  local r = cohort_model():run()
  -- 2021: 59 (init). 2022-2024: +10 a year, nothing due yet (nothing issued before 2021).
  T.eq(r:get("hte", 2021), 59)
  T.eq(r:get("hte", 2022), 69)
  T.eq(r:get("hte", 2024), 89)
  -- 2025: the 2022 cohort (10) is due; 20 % lapse: 89 + 10 - 2 = 97
  T.near(r:get("hte", 2025), 97)
  T.near(r:get("lapsed", 2025), 2)
  -- 2028: due = issued(2025) = 10 + 0.8 * 10 = 18; lapse 3.6. 2026, 2027: 97+8=105, 113; 2028: 113+10-3.6
  T.near(r:get("due", 2028), 18)
  T.near(r:get("hte", 2028), 119.4)
end)

T.test("units: 万元 and 亿元 convert, % and ratio convert", function()
  local m = M.new{ first_year = 2021, last_year = 2022 }
  local v = m.v
  m:param("a", 2, { unit = "亿元" })
  m:param("b", 5000, { unit = "万元" })
  m:aux("total_wan", v.b + v.a, { unit = "万元" })
  m:aux("share", v.b / v.a, { unit = "%" })
  local r = m:run()
  T.near(r:get("total_wan", 2021), 25000)
  T.near(r:get("share", 2021), 25)
end)

T.test("compile errors name the element, the line and both sides", function()
  local m = M.new{ first_year = 2021, last_year = 2022 }
  local v = m.v
  m:param("money", 1, { unit = "亿元" })
  m:param("firms", 1, { unit = "家" })
  m:aux("bad", v.money + v.firms, { unit = "亿元" })
  T.raises(function() m:run() end, "test_model.lua:50: unit mismatch in 'bad': cannot add 亿元 (money) and 家 (firms)")
  local c = M.new{ first_year = 2021, last_year = 2022 }
  c:aux("x", c.v.y * 2, { unit = "家" })
  c:aux("y", c.v.x + 1, { unit = "家" })
  T.raises(function() c:run() end, "circular definition without a delay: x -> y -> x")
  local u = M.new{ first_year = 2021, last_year = 2022 }
  u:param("growth_rate", 1, { unit = "1" })
  u:aux("x", u.v.growth_rat * 2, { unit = "1" })
  T.raises(function() u:run() end, "did you mean 'growth_rate'?")
end)

T.test("definition errors: duplicates and unknown options", function()
  local m = M.new{ first_year = 2021, last_year = 2022 }
  m:param("a", 1, { unit = "1" })
  T.raises(function() m:param("a", 2) end, "param 'a' is already defined at tests/lua/test_model.lua:")
  T.raises(function() m:param("b", 2, { unti = "1" }) end, "param 'b': unknown option 'unti'")
end)

T.test("scenarios inherit, combine in order, and refuse unknown names", function()
  local m = cohort_model()
  local base = S.new{ name = "base", model = m }
  local more = base:derive{ name = "more", set = { extra = 10 } }
  local less = base:derive{ name = "less", set = { extra = 5, renewal = 1 } }
  T.near(more:run():get("hte", 2022), 79)
  local ml = S.combine{ name = "ml", more, less }   -- later wins: extra = 5, renewal = 1
  T.near(ml:run():get("hte", 2025), 59 + 4 * 15)
  local lm = S.combine{ name = "lm", less, more }   -- extra = 10 wins, renewal = 1 from less
  T.near(lm:run():get("hte", 2025), 59 + 4 * 20)
  T.eq(ml:value("extra"), 5)
  T.raises(function() base:derive{ name = "typo", set = { extr = 3 } } end,
    "scenario 'typo': no parameter or lever named 'extr'; did you mean 'extra'?")
  T.raises(function() base:derive{ name = "aux", set = { hte = 3 } } end,
    "scenario 'aux': 'hte' is a stock, not a parameter or lever")
  local from = base:derive{ name = "from", set = { extra = S.from(2024, 10) } }
  T.near(from:run():get("hte", 2024), 59 + 10 + 10 + 20)
end)

T.test("goal seek finds the known answer and re-running meets the target", function()
  -- hte(2024) = 59 + 3 * (10 + x) with nothing due: for 100, x = (100 - 59) / 3 - 10 = 3.6667
  local base = S.new{ name = "base", model = cohort_model() }
  local r = G.seek{ scenario = base, lever = "extra", element = "hte", year = 2024, target = 100, lo = 0, hi = 50 }
  T.truthy(r.reachable)
  T.near(r.value, 41 / 3 - 10, 1e-5)
  T.truthy(base:run{ { "extra", r.value } }:get("hte", 2024) >= 100)
  local no = G.seek{ scenario = base, lever = "extra", element = "hte", year = 2024, target = 1000, lo = 0, hi = 50 }
  T.eq(no.reachable, false)
  T.truthy(no.message:find("not reachable within [0, 50]", 1, true), no.message)
end)

T.test("least cost over two levers meets both targets at the cheapest point", function()
  local m = M.new{ first_year = 2021, last_year = 2022 }
  local v = m.v
  m:lever("a", 0, { unit = "1" })
  m:lever("b", 0, { unit = "1" })
  m:aux("y1", v.a + v.b, { unit = "1" })
  m:aux("y2", v.a + 3 * v.b, { unit = "1" })
  -- y1 >= 4 and y2 >= 6 with cost 2a + b: corners (4,0) cost 8, (3,1) cost 7, (0,4) cost 4.
  local base = S.new{ name = "base", model = m }
  local r = G.least_cost{ scenario = base, levers = { { name = "a", lo = 0, hi = 4 }, { name = "b", lo = 0, hi = 10 } },
    targets = { { element = "y1", year = 2022, target = 4 }, { element = "y2", year = 2022, target = 6 } },
    cost = function(run) return 2 * run:get("a", 2022) + run:get("b", 2022) end, grid = 9 }
  T.truthy(r.reachable)
  T.near(r.settings.a, 0)
  T.near(r.settings.b, 4, 1e-5)
  T.near(r.cost, 4, 1e-5)
end)

T.test("a policy schedule inside a model, as an external function", function()
  local m = M.new{ first_year = 2021, last_year = 2022 }
  m:extfn("r8", tuiyan.policy.schedule{ id = "R8", shape = "step", thresholds = { 500, 1000, 2000, 10000 },
    amounts = { 10, 20, 50, 100 } })
  m:param("rd", 1500, { unit = "万元" })
  m:param("rd_yi", 0.25, { unit = "亿元" })
  m:aux("subsidy", M.ext("r8", m.v.rd), { unit = "万元" })
  m:aux("subsidy2", M.ext("r8", m.v.rd_yi), { unit = "万元" })   -- 0.25 亿元 is 2500 万元
  local r = m:run()
  T.eq(r:get("subsidy", 2022), 20)
  T.eq(r:get("subsidy2", 2022), 50)
end)

T.test("the standard model runs and maps every modelled Wuwei indicator", function()
  local W = require "tuiyan.models.wuwei"
  local m = W.build()
  local map = m:indicators()
  for _, id in ipairs{ "hte_count", "rd_intensity", "tech_contract_turnover", "city_fiscal_st_share",
    "enterprise_rd_share", "hv_patents_per_10k", "tech_smes", "prov_st_enterprises" } do
    T.truthy(map[id], "no element for " .. id)
  end
  local r = m:run()
  T.eq(r:get("hte_count", 2021), 59)
  T.near(r:get("rd_intensity", 2021), 0.62)
  T.near(r:get("enterprise_rd_share", 2021), 61.34)
  T.truthy(#m:assumptions() >= 10, "assumptions are listed")
end)

T.test("ten extra certifications a year move the count as cohorts and renewals say", function()
  local W = require "tuiyan.models.wuwei"
  -- The pool neither promotes nor loses firms and may give 80 % of itself a year, so the 10 extra
  -- firms a year are all made and nothing else differs between the runs.
  local base = S.new{ name = "base", model = W.build(),
    set = { prov_promotion_rate = 0, prov_exit_rate = 0, hte_extra_pool_share = 0.8 } }
  local hte = base:derive{ name = "hte", set = { extra_hte = S.from(2022, 10) } }
  local b, h = base:run(), hte:run()
  local function d(y) return h:get("hte_count", y) - b:get("hte_count", y) end
  -- extra level E: E(2022) = 10; E(y) = E(y-1) * (1 - 0.02 exit) + 10; in 2025 the 2022 cohort is
  -- due: what is left of it after three years of exits (10 * 0.98^3), of which 25 % lapses
  T.near(d(2022), 10)
  T.near(d(2023), 10 * 0.98 + 10)
  T.near(d(2024), (10 * 0.98 + 10) * 0.98 + 10)
  T.near(d(2025), ((10 * 0.98 + 10) * 0.98 + 10) * 0.98 + 10 - 0.25 * 10 * 0.98 ^ 3)
end)

T.done()
