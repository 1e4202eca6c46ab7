-- tests/lua/test_wuwei_model.lua — the standard Wuwei model's repairs (issue 15 item 3), each
-- against figures worked out here, independently of the model's code:
--   * high-tech certificates by cohort: a cohort-by-cohort simulation written below (a list of
--     cohorts, each with the year its certificate was issued) gives 83.20 firms in 2025 with the
--     model's stated defaults (the old model, lapsing firms that had already left, gave 82.18);
--     the model must agree year by year, with extra certifications, firms moved in and both;
--   * the extra-certification lever draws on the provincial pool, up to a share of it, at a cost
--     per firm, and adds only the additional share of a firm's R&D;
--   * the seven indicators the source gives for 2020 start in 2021 from a labelled assumption;
--   * declared bounds refuse bad settings with the bounds and the reason;
--   * budgets and population have distributions; the assumptions list shows the values in force.
local T = dofile("tests/lua/harness.lua")
local S, G = tuiyan.scenario, tuiyan.goalseek
local W = require "tuiyan.models.wuwei"

-- The model's stated defaults (README "The standard model"; the assumptions list), typed here.
local D = { hte = 59, prov = 44, sme = 122, sme_new = 30, sme_exit = 0.08, sme_promo = 0.06, prov_direct = 6,
  prov_exit = 0.03, prov_promo = 0.12, hte_direct = 6, renewal = 0.75, exit = 0.02, pool_share = 0.2,
  cost_per_firm = 15, rd_per_firm = 0.025, additionality = 0.5 }

-- The independent simulation. Each year Y from 2022: the pipeline moves on last year's levels;
-- every cohort loses `exit` of its firms; the cohort issued in Y-3 is due: `renewal` of what is
-- left is issued again in Y, the rest lapses; new certifications (pool promotions, direct ones and
-- extra ones taken from the pool, at most pool_share of last year's pool) form the cohort of Y;
-- firms moved in join the cohort of their own certificate (a third each issued in Y, Y-1, Y-2).
-- 2021: 59 firms in three equal cohorts, issued 2019, 2020, 2021.
local function simulate(extra, moved_in, last)
  local cohorts = { { year = 2019, n = D.hte / 3 }, { year = 2020, n = D.hte / 3 }, { year = 2021, n = D.hte / 3 } }
  local sme, prov, moved = D.sme, D.prov, 0
  local out = { [2021] = { count = D.hte, prov = prov, extra = 0, moved = 0 } }
  for y = 2022, last do
    local extra_made = math.min(extra, D.pool_share * prov)
    local promoted = prov * D.prov_promo
    local sme_up = sme * D.sme_promo
    sme, prov = sme + D.sme_new - sme * D.sme_exit - sme_up,
      prov + sme_up + D.prov_direct - prov * D.prov_exit - promoted - extra_made
    local kept = {}
    for _, c in ipairs(cohorts) do
      local left = c.n * (1 - D.exit)
      if c.year == y - 3 then kept[#kept + 1] = { year = y, n = left * D.renewal }
      else kept[#kept + 1] = { year = c.year, n = left } end
    end
    kept[#kept + 1] = { year = y, n = promoted + D.hte_direct + extra_made }
    for age = 0, 2 do kept[#kept + 1] = { year = y - age, n = moved_in / 3 } end
    cohorts = kept
    moved = moved * (1 - D.exit) + moved_in
    local count, due_next = 0, 0
    for _, c in ipairs(cohorts) do
      count = count + c.n
      if c.year == y - 2 then due_next = due_next + c.n end
    end
    out[y] = { count = count, prov = prov, extra = extra_made, moved = moved, due_next = due_next }
  end
  return out
end

local function scenarios()
  local base = S.new{ name = "base", model = W.build() }
  return base, function(extra, moved)
    return base:derive{ name = "x", set = { extra_hte = S.from(2022, extra), hte_moved_in = S.from(2022, moved) } }
  end
end

T.test("high-tech cohorts: the model agrees with a cohort-by-cohort simulation (83.20 in 2025, not 82.18)", function()
  local base, with = scenarios()
  local sim = simulate(0, 0, 2030)
  T.eq(("%.2f"):format(sim[2025].count), "83.20")   -- the issue's check value, from the simulation alone
  local r = base:run()
  for y = 2021, 2030 do T.near(r:get("hte_count", y), sim[y].count, 1e-12, "baseline " .. y) end
  T.eq(("%.2f"):format(r:get("hte_count", 2025)), "83.20")
  -- extra certifications within the pool's capacity, firms moved in, and both
  for _, case in ipairs{ { 5, 0 }, { 0, 6 }, { 5, 6 } } do
    local run = with(case[1], case[2]):run()
    local s = simulate(case[1], case[2], 2030)
    for y = 2022, 2030 do
      local what = ("extra %d, moved in %d, %d"):format(case[1], case[2], y)
      T.near(run:get("hte_count", y), s[y].count, 1e-12, what)
      T.near(run:get("prov_st_enterprises", y), s[y].prov, 1e-12, what .. " pool")
      T.near(run:get("hte_cohort_age2", y), s[y].due_next, 1e-12, what .. " due next year")
    end
  end
end)

T.test("extra certifications come from the provincial pool, at most 20 % of it a year, at 15 万元 a firm", function()
  local base, with = scenarios()
  local b, r = base:run(), with(10, 0):run()
  local s = simulate(10, 0, 2026)
  for y = 2022, 2026 do
    -- 10 a year asked; the pool (44 in 2021) gives at most 20 % of last year's level: 8.8 in 2022
    T.near(r:get("hte_extra_certified", y), s[y].extra, 1e-12, "made " .. y)
    T.truthy(s[y].extra < 10, "the pool binds in " .. y)
    T.near(r:get("hte_extra_unmet", y), 10 - s[y].extra, 1e-12, "unmet " .. y)
    T.near(r:get("prov_st_enterprises", y), s[y].prov, 1e-12, "pool " .. y)
    T.near(r:get("hte_extra_cultivation", y), D.cost_per_firm * s[y].extra, 1e-12, "cost " .. y)
    T.near(r:get("hte_count", y), s[y].count, 1e-12, "count " .. y)
  end
  T.near(r:get("hte_extra_certified", 2022), 8.8, 1e-12)
  -- R&D: each firm more than the baseline adds half of 250 万元 (additionality 0.5), nothing else moves
  for y = 2022, 2026 do
    local d = r:get("hte_count", y) - b:get("hte_count", y)
    T.near(r:get("ent_rd", y) - b:get("ent_rd", y), D.rd_per_firm * D.additionality * d, 1e-12, "R&D " .. y)
  end
  -- a firm moved in brings all its R&D: 6 a year, less exits, at the full 250 万元, plus half for
  -- the rest of the change in the count
  local m = with(0, 6):run()
  local sm = simulate(0, 6, 2026)
  for y = 2022, 2026 do
    local d = m:get("hte_count", y) - b:get("hte_count", y)
    T.near(m:get("ent_rd", y) - b:get("ent_rd", y),
      D.rd_per_firm * (sm[y].moved + D.additionality * (d - sm[y].moved)), 1e-12, "R&D moved in " .. y)
  end
  -- the comparison's cost counts the cultivation (lever spending) and R7a for firms moved in
  local policy = require("tuiyan.policy.wuwei").policy()
  local c = policy:cost(with(10, 6):run(), { baseline = b })
  local cult, r7a
  for _, it in ipairs(c.items) do
    if it.id == "hte_cultivation" then cult = it.point end
    if it.id == "R7a" then r7a = it.point end
  end
  local cb
  for _, it in ipairs(policy:cost(b).items) do if it.id == "R7a" then cb = it.point end end
  T.near(cult[2022], 15 * 8.8, 1e-9)
  -- R7a in 2023 pays 2022's extra (8.8) and moved-in (6) firms at 20 万元 each, above the baseline's
  T.near(r7a[2023] - cb[2023], 20 * (8.8 + 6), 1e-9)
end)

T.test("the seven indicators given for 2020 start in 2021 from a labelled assumption", function()
  local plan = assert(tuiyan.plan.load())
  local m = W.build()
  local map = m:indicators()
  -- from the plan: indicators with a 2020 actual and none for 2021
  local ids = {}
  for _, id in ipairs(plan:ids()) do
    if map[id] and plan:actual(id, 2020) ~= nil and plan:actual(id, 2021) == nil then ids[#ids + 1] = id end
  end
  T.eq(#ids, 7, "indicators given for 2020 only")
  local base = S.new{ name = "b", model = m }
  local r = base:run()
  for _, id in ipairs(ids) do
    local v2020 = plan:actual(id, 2020)
    T.near(r:get(map[id], 2021), v2020, 1e-9, id .. " 2021 = 2020")
    -- the assumption that says so, naming the 2020 value, with a distribution, and moving the
    -- 2021 value by exactly its amount
    local found
    for _, a in ipairs(m:assumptions()) do
      if a.note:find(("2021 equal to 2020's %g "):format(v2020), 1, true) and a.note:find("no 2021 figure", 1, true) then
        T.truthy(found == nil, id .. ": two assumptions claim it")
        found = a.name
      end
    end
    T.truthy(found, id .. ": no labelled 2020->2021 assumption")
    T.truthy(m:element(found).opts.dist, found .. " has no distribution")
    local moved = base:derive{ name = "c", set = { [found] = 0.01 } }:run():get(map[id], 2021)
    T.near(moved - v2020, 0.01, 1e-9, id .. " moves by the change")
  end
end)

T.test("lever and rate bounds are declared and enforced with the bounds and the reason", function()
  local m = W.build()
  local base = S.new{ name = "b", model = m }
  local err = T.raises(function() base:derive{ name = "neg", set = { extra_hte = -100 } } end,
    "extra_hte = -100 is outside the bounds of lever 'extra_hte': [0, 100] 家/年 (")
  T.truthy(tostring(err):find("never negative", 1, true), "the reason is given")
  T.raises(function() base:derive{ name = "big", set = { extra_hte = S.from(2022, 150) } } end, "extra_hte = 150 is outside")
  T.raises(function() base:derive{ name = "yr", set = { hte_moved_in = { [2023] = -5 } } } end, "(year 2023)")
  T.raises(function() base:derive{ name = "f", set = { fiscal_raise_pct = -101 } } end, "[-100, 1000] %")
  T.raises(function() base:derive{ name = "r", set = { hte_exit_rate = 1.5 } } end, "hte_exit_rate = 1.5 is outside the bounds of param")
  T.raises(function() m:run{ { "extra_hte", -100 } } end, "run: extra_hte = -100 is outside")
  T.raises(function() base:derive{ name = "nan", set = { extra_hte = 0 / 0 } } end, "is outside")
  -- the edges are allowed
  T.truthy(base:derive{ name = "edge", set = { extra_hte = 100, fiscal_raise_pct = -100 } }:run())
  -- goal seek searches the declared bounds, and refuses a range beyond them
  T.raises(function() G.seek{ scenario = base, lever = "extra_hte", indicator = "hte_count", year = 2025, target = 100, hi = 200 } end,
    "extra_hte range [0, 200] reaches outside its declared bounds [0, 100]")
  -- a bad declaration is refused at once
  local M = tuiyan.model
  local t = M.new{ name = "t", first_year = 2021, last_year = 2022 }
  T.raises(function() t:lever("x", 5, { bounds = { 0, 1, why = "a share" } }) end, "its default 5 is outside its bounds [0, 1]")
  T.raises(function() t:lever("y", 0, { bounds = { 1, 0, why = "?" } }) end, "with lo <= hi expected")
  T.raises(function() t:lever("z", 0, { bounds = { 0, 1 } }) end, "bounds = { lo, hi, why")
  -- a distribution that would draw values the bounds refuse
  T.raises(function() t:param("p", 0.5, { bounds = { 0, 1, why = "a share" }, dist = tuiyan.mc.normal(0.5, 0.2) }) end,
    "param 'p': its distribution reaches outside its bounds [0, 1]")
  T.raises(function() t:param("q", 0.5, { bounds = { 0, 1, why = "a share" }, dist = tuiyan.mc.uniform(0.2, 1.2) }) end,
    "its distribution reaches outside")
  t:param("ok", 0.5, { bounds = { 0, 1, why = "a share" }, dist = tuiyan.mc.normal(0.5, 0.2, { lo = 0, hi = 1 }) })
end)

T.test("goal seek says what binds: the pool's capacity, a declared bound", function()
  local base = S.new{ name = "b", model = W.build() }
  -- 200 firms by 2025 cannot come from the pool: the message names the limit and the years
  local r = G.seek{ scenario = base, lever = "extra_hte", indicator = "hte_count", year = 2025, target = 200 }
  T.eq(r.reachable, false)
  T.truthy(r.message:find("not reachable within [0, 100]", 1, true), r.message)
  T.truthy(r.message:find("at its declared upper bound", 1, true), r.message)
  T.truthy(r.message:find("more than the model can take up: hte_extra_unmet up to", 1, true), r.message)
  T.truthy(r.message:find("家/年 in 2022–2025 (extra certifications asked for", 1, true), r.message)
  -- binding() on settings within the pool's capacity and away from the bounds: nothing binds
  local levers = { { name = "extra_hte", lo = 0, hi = 100 }, { name = "fiscal_raise_pct", lo = 0, hi = 1000 } }
  local settings = { extra_hte = 3, fiscal_raise_pct = 20 }
  local run = base:run{ { "extra_hte", 3 }, { "fiscal_raise_pct", 20 } }
  T.eq(#G.binding(base, levers, settings, run, 2025), 0)
  -- at the fiscal lever's declared top, and the edge of a narrower searched range
  settings = { extra_hte = 0, fiscal_raise_pct = 1000 }
  local b = G.binding(base, levers, settings, base:run{ { "fiscal_raise_pct", 1000 } }, 2025)
  T.eq(#b, 2)
  T.truthy(b[1].text:find("extra_hte = 0 is at its declared lower bound", 1, true), b[1].text)
  T.truthy(b[2].text:find("fiscal_raise_pct = 1000 is at its declared upper bound", 1, true), b[2].text)
  b = G.binding(base, { { name = "fiscal_raise_pct", lo = 0, hi = 500 } }, { fiscal_raise_pct = 500 }, run, 2025)
  T.truthy(b[1].kind == "range" and b[1].text:find("inside its declared bounds", 1, true), b[1].text)
end)

T.test("a comparison says when the pool cannot supply the extra certifications asked for", function()
  local sc = require("tuiyan.scenarios.wuwei").build()
  local cmp = tuiyan.compare.compare{ scenarios = sc.list, years = { 2022, 2025 } }
  local want = "hte+10: extra_hte is more than the model can take up: hte_extra_unmet up to 1.731 家/年 in 2022–2025"
  T.truthy(cmp:to_text():find(want, 1, true), "text")
  local found = false
  for _, n in ipairs(cmp:xlsx_sheets()[1].table.notes) do found = found or n:find(want, 1, true) ~= nil end
  T.truthy(found, "xlsx sheet notes")
  -- 1.731 = 10 - 20 % of the 2023 pool, the largest shortfall (from the simulation above)
  local s = simulate(10, 0, 2025)
  local most = 0
  for y = 2022, 2025 do most = math.max(most, 10 - s[y].extra) end
  T.eq(("%.3f"):format(most), "1.731")
  -- within the pool's capacity, nothing is said
  local five = sc.baseline:derive{ name = "hte+5", set = { extra_hte = S.from(2022, 5) } }
  T.eq(#tuiyan.compare.compare{ scenarios = { sc.baseline, five }, years = { 2022, 2025 } }:limit_notes(), 0)
end)

T.test("budgets and population are uncertain, each with its labelled distribution", function()
  local u = {}
  for _, x in ipairs(tuiyan.mc.uncertain(W.build())) do u[x.name] = x end
  for _, name in ipairs{ "city_budget_2021", "county_budget_2021", "population" } do
    T.truthy(u[name], name .. " has no distribution")
    T.truthy(u[name].note:find("judgement, not data", 1, true) or u[name].note:find("assumption", 1, true), name .. " unlabelled")
  end
  T.eq(u.population.dist:describe(), "triangular(142, 145, 147)")
  T.eq(u.city_budget_2021.dist:describe(), "normal(mean 60, sd 8) on [40, 80]")
end)

T.test("the assumptions list shows the values in force and who set them", function()
  local sc = require("tuiyan.scenarios.wuwei").build()
  local by = {}
  for _, a in ipairs(S.assumptions(sc.list)) do by[a.name] = a end
  T.eq(by.extra_hte.text, "0 (default); 10 from 2022 in hte+10, both")
  T.eq(by.extra_hte.set_by, "scenario")
  T.eq(by.fiscal_raise_pct.text, "0 (default); 20 in fiscal+20%, both")
  T.eq(by.hte_exit_rate.text, "0.02"); T.eq(by.hte_exit_rate.value, 0.02); T.eq(by.hte_exit_rate.set_by, nil)
  T.eq(sc.hte:setting("extra_hte"), "10 from 2022 (scenario hte+10)")
  T.eq(sc.baseline:setting("hte_exit_rate"), "0.02 (default)")
  -- --set NAME=VALUE (as the command line fills tuiyan.options.set): the value, marked, beside the default
  local saved = tuiyan.options.set
  tuiyan.options.set = { "hte_exit_rate", hte_exit_rate = 0.03 }
  local ok, err = pcall(function()
    local a = {}
    for _, x in ipairs(S.assumptions(sc.list)) do a[x.name] = x end
    T.eq(a.hte_exit_rate.text, "0.03 (--set; default 0.02)")
    T.eq(a.hte_exit_rate.value, 0.03)
    T.eq(a.hte_exit_rate.set_by, "--set")
    T.eq(sc.both:setting("hte_exit_rate"), "0.03 (--set; default 0.02)")
    local cmp = tuiyan.compare.compare{ scenarios = sc.list, years = { 2025 } }
    T.truthy(cmp:to_text():find("hte_exit_rate = 0.03 (--set; default 0.02)", 1, true), "the report shows the --set value")
  end)
  tuiyan.options.set = saved
  if not ok then error(err, 0) end
end)

T.done()
