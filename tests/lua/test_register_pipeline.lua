-- tests/lua/test_register_pipeline.lua — the pool feeds the plan (issue 16 item 4). Every expected
-- figure is worked here, not read from the code under test:
--   * tests/data/registers/hand_pipeline.csv (12 firms, 2022–2024): each firm's story is below, and
--     the counts, rates, bands and the projection follow from it by hand;
--   * the intervals against values worked by hand (Wilson) and tabled (Garwood's exact Poisson);
--   * the standard model with the estimated rates: each rate moves 高新技术企业 2025 the way it
--     should, the whole set equals the model with the hand rates typed in, and the assumptions
--     list (and the Monte Carlo distributions) name the register.
-- Recovery of known rates from SYNTHETIC registers, and the intervals' coverage over many seeds,
-- need the generator (Python): tests/cli/test_register_pipeline.sh.
local T = dofile("tests/lua/harness.lua")
local RP = require "tuiyan.register_pipeline"
local W = require "tuiyan.models.wuwei"
local S = tuiyan.scenario

local HAND = "tests/data/registers/hand_pipeline.csv"

-- Lists compared item by item (T.eq compares tables by identity).
local function eqs(got, want, msg)
  local g, w = {}, {}
  for i = 1, math.max(#got, #want) do g[i], w[i] = tostring(got[i]), tostring(want[i]) end
  T.eq(table.concat(g, ", "), table.concat(w, ", "), msg)
end
-- The firms (c = certified, with the year its certificate was issued; p = in the pool, with the
-- hte criteria it does not meet: rd = R&D 4 % < 5 %, st = S&T staff 5 % < 10 %, ip = no core IP):
--        2022         2023         2024
--   A    c 2021       c 2021       c 2024    due 2024, renewed
--   B    c 2020       p            p         due 2023, lapsed (stays in the pool)
--   C    c 2022       c 2022       —         gone in 2024 (a high-tech exit)
--   K    c 2022       c 2022       c 2022    due 2025
--   D    p            c 2023       c 2023    promoted 2023
--   E    p rd         p rd         c 2024    promoted 2024
--   F    p rd st      —            —         left the pool 2023
--   G    p ip         p ip         p
--   H    p rd st      p rd st      p rd
--   I    —            p            p ip      entered 2023
--   J    —            —            p rd st   entered 2024
--   L    —            —            c 2024    arrived certified 2024
local function hand() return assert(assert(tuiyan.register.load(HAND)):pipeline()) end

T.test("the counts between consecutive years, worked by hand", function()
  local P = hand()
  T.eq(#P.steps, 2)
  local a, b = P.steps[1], P.steps[2]
  -- 2022 -> 2023: pool D E F G H (5): D certified, F gone. Certified A B C K (4): none gone; B due
  -- (issued 2020) and back in the pool: lapsed. New: I (pool).
  eqs({ a.year, a.pool, a.promoted, a.pool_exits, a.certified, a.hte_exits, a.due, a.due_exits, a.renewed, a.lapsed, a.entries, a.arrived },
    { 2023, 5, 1, 1, 4, 0, 1, 0, 0, 1, 1, 0 })
  -- 2023 -> 2024: pool B E G H I (5): E certified, none gone. Certified A C K D (4): C gone; A due
  -- (issued 2021) and renewed. New: J (pool), L (certified).
  eqs({ b.year, b.pool, b.promoted, b.pool_exits, b.certified, b.hte_exits, b.due, b.due_exits, b.renewed, b.lapsed, b.entries, b.arrived },
    { 2024, 5, 1, 0, 4, 1, 1, 0, 1, 0, 1, 1 })
end)

T.test("pooled rates: k of n over both years", function()
  local r = hand().rates
  eqs({ r.promotion.k, r.promotion.n }, { 2, 10 })
  eqs({ r.pool_exit.k, r.pool_exit.n }, { 1, 10 })
  eqs({ r.hte_exit.k, r.hte_exit.n }, { 1, 8 })
  eqs({ r.renewal.k, r.renewal.n }, { 1, 2 })
  T.near(r.promotion.rate, 0.2, 1e-12)
  T.near(r.hte_exit.rate, 0.125, 1e-12)
  eqs({ r.entry.k, r.entry.years, r.entry.rate }, { 2, 2, 1.0 })
  eqs({ r.arrived.k, r.arrived.rate }, { 1, 0.5 })
end)

T.test("the intervals: Wilson worked by hand, Garwood's exact Poisson against its table", function()
  -- 2 of 10, z = 1.959964: centre (0.2 + z²/20) / (1 + z²/10) = 0.392073 / 1.384146 = 0.283260;
  -- half z / 1.384146 × √(0.016 + z²/400) = 1.416009 × 0.160011 = 0.226578.
  local lo, hi = RP.wilson(2, 10, 0.95)
  T.near(lo, 0.056682, 2e-6)
  T.near(hi, 0.509838, 2e-6)
  -- 0 of 5: lo 0, hi z²/5 / (1 + z²/5) = 0.768292 / 1.768292 = 0.434483
  lo, hi = RP.wilson(0, 5, 0.95)
  T.eq(lo, 0)
  T.near(hi, 0.434483, 2e-6)
  -- Poisson 95 % limits for a count (e.g. Ulm 1990's table): 0: 0–3.689; 1: 0.0253–5.572; 2: 0.2422–7.225
  local l0, h0 = RP.garwood(0, 0.95)
  T.eq(l0, 0); T.near(h0, 3.6889, 1e-3)
  local l1, h1 = RP.garwood(1, 0.95)
  T.near(l1, 0.02532, 1e-4); T.near(h1, 5.5716, 1e-3)
  local r = hand().rates.entry   -- 2 entries over 2 years
  T.near(r.lo, 0.2422 / 2, 1e-3); T.near(r.hi, 7.2247 / 2, 1e-3)
end)

T.test("certification by criteria unmet: candidate-years binned", function()
  local b = hand().bands
  -- unmet 0: D 2022 (certified), B 2023, I 2023 -> 1 of 3; unmet 1: E and G in both years, E
  -- certified in 2024 -> 1 of 4; unmet 2: F 2022 (gone), H 2022 and 2023 -> 0 of 3; 3+: none.
  eqs({ b[1].k, b[1].n, b[2].k, b[2].n, b[3].k, b[3].n, b[4].k, b[4].n }, { 1, 3, 1, 4, 0, 3, 0, 0 })
end)

T.test("the projection's mean and variance are the sums of each firm's chance, worked by hand", function()
  -- 2024 -> 2025 with e = 1/8, r = 1/2: A D E L stay with 7/8 each (3.5); K is due (issued 2022):
  -- 7/8 × 1/2 = 7/16. Candidates B G H I J at the pooled 0.2 (every band has n < 20): 1.0.
  -- Arrivals certified: 0.5 a year (Poisson). Mean 3.5 + 0.4375 + 1 + 0.5 = 5.4375.
  -- Variance 4 × 7/64 + 63/256 + 5 × 0.16 + 0.5 = 1.98359375.
  local pr = hand():project()
  T.eq(pr.year, 2025)
  T.near(pr.mean, 5.4375, 1e-12)
  T.near(pr.var, 1.98359375, 1e-12)
  T.near(pr.parts.renewed, 7 / 16, 1e-12)
  T.eq(pr.certified_now, 5)
  -- With every band used (min_n = 1): B G at 1/3, H I at 1/4, J at 0:
  -- mean 3.5 + 0.4375 + 2/3 + 1/2 + 0.5; variance 0.4375 + 63/256 + 4/9 + 3/8 + 0.5.
  local P1 = assert(assert(tuiyan.register.load(HAND)):pipeline{ min_n = 1 })
  local p1 = P1:project()
  T.near(p1.mean, 3.5 + 0.4375 + 2 / 3 + 0.5 + 0.5, 1e-12)
  T.near(p1.var, 0.4375 + 63 / 256 + 4 / 9 + 3 / 8 + 0.5, 1e-12)
  -- the interval: exact quantiles of a count; it holds the mean
  T.truthy(pr.lo <= pr.mean and pr.mean <= pr.hi and pr.lo == math.floor(pr.lo), ("%s–%s"):format(pr.lo, pr.hi))
end)

T.test("the projection's interval: a certain count gives a point, one coin its two faces", function()
  -- Built by hand: a pipeline whose only firms are two certified ones with e = 0 and no arrivals:
  -- the count is 2 for sure. Then one candidate at 1/2: 0 or 1 extra, the 95 % interval 2–3.
  local P = hand()
  P.rates.hte_exit.rate, P.rates.arrived.rate = 0, 0
  P.by_year[2024] = { X = { i = 1, cert = true, hte_year = 2024 }, Y = { i = 2, cert = true, hte_year = 2023 } }
  local pr = P:project()
  eqs({ pr.mean, pr.var, pr.lo, pr.hi }, { 2, 0, 2, 2 })
  P.by_year[2024].Z = { i = 3, cert = false, unmet = 0, gap = 0, name = "Z" }
  P.rates.promotion.rate = 0.5
  pr = P:project()
  eqs({ pr.mean, pr.var, pr.lo, pr.hi }, { 2.5, 0.25, 2, 3 })
end)

T.test("a register without hte_certified, of one year, or with an empty status is refused with the reason", function()
  local reg = assert(tuiyan.register.load("tests/data/registers/hand_hte.csv"))
  local P, err = reg:pipeline()
  T.eq(P, nil)
  T.truthy(tostring(err):find("needs hte_certified", 1, true), tostring(err))
  local one = assert(tuiyan.register.parse(
    "credit_code,name,year,registered,staff,st_staff,revenue_1,revenue_2,revenue_3,rd_1,rd_2,rd_3,rd_domestic,hitech_revenue,ip_core,hte_certified\n"
    .. "91620602MAHAND001H,A,2024,2015-01-01,100,20,1000,1000,1000,60,60,60,180,800,2,是\n", "one.csv"))
  P, err = one:pipeline()
  T.eq(P, nil)
  T.truthy(tostring(err):find("one year only", 1, true), tostring(err))
  -- an empty cell is missing, never "no": refused at its line, not taken as uncertified
  local f = assert(io.open(HAND, "rb"))
  local text = f:read("a")
  f:close()
  local empty = assert(tuiyan.register.parse(text:gsub("80,否,\n", "80,,\n", 1), "empty.csv"))
  P, err = empty:pipeline()
  T.eq(P, nil)
  T.truthy(tostring(err):find("empty.csv:7: hte_certified is empty", 1, true), tostring(err))
  empty = assert(tuiyan.register.parse(text:gsub(",是,2021\n", ",是,\n", 1), "empty_year.csv"))
  P, err = empty:pipeline()
  T.truthy(tostring(err):find("empty_year.csv:3: hte_year is empty for a certified firm", 1, true), tostring(err))
end)

T.test("a bureau's Chinese headers: 高企证书 and 高企证书年份 read as hte_certified and hte_year", function()
  local f = assert(io.open(HAND, "rb"))
  local text = f:read("a")
  f:close()
  local zh = text:gsub(",hte_certified,hte_year\n", ",高企证书,高企证书年份\n", 1)
  T.truthy(zh ~= text)
  local a = assert(assert(tuiyan.register.load(HAND)):pipeline())
  local b = assert(assert(tuiyan.register.parse(zh, "zh.csv")):pipeline())
  eqs({ b.rates.renewal.k, b.rates.renewal.n, b.rates.hte_exit.k, b.rates.hte_exit.n },
      { a.rates.renewal.k, a.rates.renewal.n, a.rates.hte_exit.k, a.rates.hte_exit.n })
end)

T.test("without hte_year: renewals cannot be counted, a lost certificate is no exit, the projection asks", function()
  -- hand_pipeline.csv without its hte_year column: B's lapse in 2023 is only a certificate lost
  -- by a firm that stays (not an exit); C gone in 2024 is the one exit: 1 of 8. A's renewal is
  -- invisible. Promotions (D, E) are told from the flag alone: 2 of 10.
  local f = assert(io.open(HAND, "rb"))
  local text = f:read("a"):gsub(",hte_year\n", "\n"):gsub(",(%d*)\n", "\n")
  f:close()
  local P = assert(assert(tuiyan.register.parse(text, "no_year.csv")):pipeline())
  eqs({ P.rates.hte_exit.k, P.rates.hte_exit.n, P.rates.promotion.k, P.rates.promotion.n, P.steps[1].lost }, { 1, 8, 2, 10, 1 })
  T.truthy(P.rates.renewal.missing)
  local _, used, kept = P:use_in(W.build())
  T.eq(#used, 3)
  eqs({ kept[1].name }, { "hte_renewal_rate" })
  T.raises(function() P:project() end, "give opts.renewal")
  -- with renewal 1/2 given: the 5 certified firms of 2024 (A D E K L) each stay with
  -- 7/8 × (1 − (1/2)/3) = 35/48; candidates 5 × 0.2; arrivals 0.5: 175/48 + 1 + 0.5
  T.near(P:project{ renewal = 0.5 }.mean, 175 / 48 + 1.5, 1e-12)
end)

T.test("entries into the model only when asked, labelled with their double counting", function()
  local model, used = hand():use_in(W.build(), { entry = true })
  T.eq(#used, 5)
  local el = model:element("prov_new_direct")
  T.eq(el.body, 1.0)   -- 2 entries over 2 years
  T.truthy(el.opts.assumption:find("2 entries over 2 years", 1, true), el.opts.assumption)
  T.truthy(el.opts.assumption:find("counts", 1, true) or el.opts.assumption:find("overstatement", 1, true))
  T.eq(hand():use_in(W.build()):element("prov_new_direct").body, 6)
end)

-- ---------------------------------------------------------------------------------------------
-- In the standard model

local function h2025(sc) return sc:run():get("hte_count", 2025) end

T.test("each estimated rate moves 高新技术企业 2025 the way it should", function()
  -- hand rates against the judgement defaults: promotion 0.2 > 0.12 (more), pool exit 0.1 > 0.03
  -- (a smaller pool: fewer), high-tech exit 0.125 > 0.02 (fewer), renewal 0.5 < 0.75 (fewer).
  local base = S.new{ name = "base", model = W.build() }
  local b = h2025(base)
  local function with(name, v) return h2025(base:derive{ name = name, set = { [name] = v } }) end
  T.truthy(with("prov_promotion_rate", 0.2) > b)
  T.truthy(with("prov_exit_rate", 0.1) < b)
  T.truthy(with("hte_exit_rate", 0.125) < b)
  T.truthy(with("hte_renewal_rate", 0.5) < b)
  -- use_in sets exactly these four: the same as typing them in
  local model = hand():use_in(W.build())
  local typed = base:derive{ name = "typed", set = { prov_promotion_rate = 0.2, prov_exit_rate = 0.1,
    hte_exit_rate = 0.125, hte_renewal_rate = 0.5 } }
  T.near(h2025(S.new{ name = "reg", model = model }), h2025(typed), 1e-9)
  T.truthy(h2025(typed) < b, "together: fewer (exits and lapses outweigh the promotions)")
end)

T.test("the assumptions list and the Monte Carlo distributions name the register", function()
  local P = hand()
  local model, used, kept = P:use_in(W.build())
  T.eq(#used, 4); T.eq(#kept, 0)
  local notes = {}
  for _, a in ipairs(S.assumptions{ S.new{ name = "reg", model = model } }) do notes[a.name] = a.note end
  local label = "estimated from register " .. HAND .. " (n=10, years 2022–2024)"
  T.truthy(notes.prov_promotion_rate:find(label, 1, true), notes.prov_promotion_rate)
  T.truthy(notes.prov_promotion_rate:find("2 of 10 = 20.0%", 1, true), notes.prov_promotion_rate)
  T.truthy(notes.hte_renewal_rate:find("(n=2, years 2022–2024)", 1, true), notes.hte_renewal_rate)
  T.truthy(notes.sme_exit_rate:find("8 %", 1, true), "the rest keep their judgement")
  local dists = {}
  for _, u in ipairs(tuiyan.mc.uncertain(model)) do dists[u.name] = u.dist end
  -- Jeffreys Beta(2.5, 8.5): mean 2.5/11, sd √(mean (1 − mean) / 12)
  local m = 2.5 / 11
  T.near(dists.prov_promotion_rate.mean, m, 1e-12)
  T.near(dists.prov_promotion_rate.sd, math.sqrt(m * (1 - m) / 12), 1e-12)
  T.truthy(dists.prov_promotion_rate.assumption:find(label, 1, true), dists.prov_promotion_rate.assumption)
  T.truthy(dists.sme_exit_rate.assumption:find("judgement", 1, true))
  -- a model built afresh still has the judgement: use_in changed only the one it was given
  T.eq(W.build():element("prov_promotion_rate").body, 0.12)
end)

T.test("Monte Carlo under the estimated distributions runs and differs from the judgement's", function()
  local plan = tuiyan.plan.load()
  local function p(model)
    return tuiyan.mc.run{ scenario = S.new{ name = "s", model = model }, plan = plan, samples = 200, seed = 3,
      track = { "hte_count" }, years = { 2025 } }:get("hte_count", 2025)
  end
  local j, e = p(W.build()), p(hand():use_in(W.build()))
  T.truthy(e.mean < j.mean, ("register %s < judgement %s"):format(e.mean, j.mean))
end)

T.done()
