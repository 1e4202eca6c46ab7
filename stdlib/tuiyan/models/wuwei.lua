-- tuiyan.models.wuwei — the standard model (DOMAIN §3): the levers Wuwei's bureau talks about most
-- (extra high-tech certifications, enterprises moved in, a rise in fiscal S&T spending) linked to the
-- plan's indicators, 2021–2035.
--
-- Facts come from the plan's indicator table (stdlib/data/wuwei_2021_2025.csv): the 2021 (or 2020)
-- values used as starting points. Every other number is an ASSUMPTION, marked `assumption = "..."`
-- with the reason; tuiyan lists them in every report with the values in force (scenario.assumptions).
-- Replace them with the city's own statistics: `--set NAME=VALUE` or scenario overrides.
--
-- Structure:
--   enterprise pipeline (梯次培育)  tech_smes -> prov_st_enterprises -> hte_count. Certificates last
--     3 years and are tracked by cohort (the year issued): exits remove firms from their own cohort,
--     so what comes up for renewal (重新认定) three years on is what is left of the cohort, and a
--     share (1 - hte_renewal_rate) of it lapses; firms moved in join the cohort of their own
--     certificate. Extra certifications (the lever) are drawn from the provincial pool (the plan's
--     高新技术企业培育库), at most a stated share of it a year, at a stated cost per firm.
--   R&D finance  GDP and budgets grow; fiscal S&T spending = share x budget x (1 + fiscal_raise_pct);
--     government R&D is a fraction of it; enterprise R&D = other firms' R&D (growing with GDP) +
--     high-tech enterprises x R&D per firm (a newly certified firm adds only the additional share of
--     it: it did R&D before; a firm moved in adds all of it) + leverage x last year's extra fiscal
--     S&T spending.
--   outputs  technology-contract turnover and new-product sales follow R&D with an elasticity;
--     high-value patents accumulate from R&D and lapse; indicators with no mechanism here
--     (科技进步贡献率, 综合科技创新水平指数, 规上工业企业有研发活动占比) are held at the latest
--     actual and say so.
local M = tuiyan.model

local W = {}

W.FIRST_YEAR, W.LAST_YEAR = 2021, 2035

-- Indicators the model does not explain: held at their latest actual (trend-only).
W.TREND_ONLY = { "sci_progress_contribution", "innovation_index", "industrial_rd_active_share" }

--- build([opts]) -> model definition. opts.last_year extends or shortens the horizon; opts.first_year
--- starts it earlier (calibration on years of actuals before 2021): the params marked start_of are
--- then the first year's values, set from the plan by tuiyan.calibrate.
function W.build(opts)
  opts = opts or {}
  local first = opts.first_year or W.FIRST_YEAR
  local m = M.new{ name = "wuwei", first_year = first, last_year = opts.last_year or W.LAST_YEAR }
  m.with_first_year = function(y)   -- the same model from another start year (tuiyan.calibrate)
    return W.build{ first_year = y, last_year = opts.last_year }
  end
  -- What a city's own yearly series can inform (tuiyan calibrate's default set): the pipeline's
  -- flows and the outputs' elasticities. GDP, budgets and population are facts to look up (--set),
  -- and the levers' effects (leverage, the extra-certification pool) are not in a history without
  -- the levers. Exit rates stay at their judgement (a count series cannot tell them from
  -- promotions), and so does hte_renewal_rate: with it, hte_direct's estimate correlated -0.996
  -- with it on the illustrative history (renewals and new certifications both only add firms).
  m.calibrate_params = { "sme_new", "sme_exit_rate", "sme_promotion_rate", "prov_new_direct", "prov_promotion_rate",
    "hte_direct", "turnover_rd_elasticity", "new_product_elasticity", "personnel_elasticity", "patents_per_rd" }
  local v = m.v
  local A = function(s) return s end   -- marks the text of an assumption, for grep
  local RATE = { 0, 1, why = "a share, or a rate a year" }

  -- ---- starting points: facts from the plan's indicator table --------------------------------
  local fact = "Wuwei plan indicator table"
  m:param("hte_2021", 59, { start_of = "hte_count", unit = "家", source = fact .. ", 2021" })
  m:param("prov_2021", 44, { start_of = "prov_st_enterprises", unit = "家", source = fact .. ", 2021" })
  m:param("sme_2021", 122, { start_of = "tech_smes", unit = "家", source = fact .. ", 2021" })
  m:param("rd_intensity_2020", 0.62, { start_of = "rd_intensity", unit = "%", source = fact .. ", 2020 (*)" })
  m:param("ent_rd_share_2020", 61.34, { start_of = "enterprise_rd_share", unit = "%", source = fact .. ", 2020 (*)" })
  m:param("city_fiscal_share_2021", 0.56, { start_of = "city_fiscal_st_share", unit = "%", source = fact .. ", 2021" })
  m:param("turnover_2021", 14.1, { start_of = "tech_contract_turnover", unit = "亿元", source = fact .. ", 2021" })
  m:param("hv_patents_per_10k_2021", 0.58, { start_of = "hv_patents_per_10k", unit = "件/万人", source = fact .. ", 2021" })
  m:param("new_product_share_2020", 3.19, { start_of = "new_product_sales_share", unit = "%", source = fact .. ", 2020 (*)" })
  m:param("industrial_rd_ratio_2020", 0.85, { start_of = "industrial_rd_revenue_ratio", unit = "%", source = fact .. ", 2020 (*)" })
  m:param("rd_personnel_2020", 7.95, { start_of = "rd_personnel_per_10k", unit = "人年/万人", source = fact .. ", 2020 (*)" })

  -- ---- levers ----------------------------------------------------------------------------------
  -- Each lever declares the settings that mean something (bounds, with the reason); a setting
  -- outside them is refused with that reason rather than run into nonsense (NaN, negative firms).
  m:lever("extra_hte", 0, { unit = "家/年", note = "extra high-tech certifications a year beyond the pipeline, drawn from the provincial pool",
    bounds = { 0, 100, why = "a number of certifications a year: never negative; 100 is more than twice the whole provincial pool of 2021 (44 firms)" },
    limit = "hte_extra_unmet" })
  m:lever("hte_moved_in", 0, { unit = "家/年", note = "certified enterprises moved in (引进) a year",
    bounds = { 0, 100, why = "a number of firms a year: never negative; 100 a year is more than the city's whole 2021 count" } })
  m:lever("fiscal_raise_pct", 0, { unit = "%", note = "rise in city and county fiscal S&T spending over the baseline share",
    bounds = { -100, 1000, why = "-100 % is no fiscal S&T spending at all; above +1,000 % (11 times the baseline) the model's fixed leverage and R&D fraction are far outside anything observed" } })

  -- ---- economy and budgets (assumptions) -------------------------------------------------------
  m:param("gdp_2021", 560, { unit = "亿元", assumption = A"Wuwei GDP 2021 of about 560 亿元; replace with the statistical yearbook figure",
    dist = tuiyan.mc.normal(560, 20, { lo = 520, hi = 600, assumption = "judgement, not data: ±20 亿元 (1 sd) around 560, kept within 520–600, until the yearbook figure replaces it" }) })
  m:param("gdp_growth", 0.055, { unit = "1", assumption = A"nominal GDP growth 5.5 % a year",
    dist = tuiyan.mc.normal(0.055, 0.015, { lo = 0, hi = 0.12, assumption = "judgement, not data: ±1.5 points (1 sd) around 5.5 % a year, kept within 0–12 %" }) })
  m:param("city_budget_2021", 60, { unit = "亿元", assumption = A"city-level (市本级) general public budget expenditure 2021 of 60 亿元",
    dist = tuiyan.mc.normal(60, 8, { lo = 40, hi = 80, assumption = "judgement, not data: ±8 亿元 (1 sd) around 60, kept within 40–80, until the final accounts (决算) replace it" }) })
  m:param("county_budget_2021", 200, { unit = "亿元", assumption = A"counties' general public budget expenditure 2021 of 200 亿元 in total",
    dist = tuiyan.mc.normal(200, 20, { lo = 150, hi = 250, assumption = "judgement, not data: ±20 亿元 (1 sd) around 200, kept within 150–250, until the counties' final accounts replace it" }) })
  m:param("budget_growth", 0.04, { unit = "1", assumption = A"budget expenditure growth 4 % a year",
    dist = tuiyan.mc.normal(0.04, 0.02, { lo = -0.03, hi = 0.12, assumption = "judgement, not data: ±2 points (1 sd) around 4 % a year, kept within -3–12 %" }) })
  m:param("county_fiscal_share_2021", 0.3, { start_of = "county_fiscal_st_share", unit = "%", assumption = A"counties' fiscal S&T share 0.3 % (the source table has no base value)",
    dist = tuiyan.mc.uniform(0.2, 0.4, { assumption = "judgement, not data: the source has no base value: anywhere from 0.2 % to 0.4 %" }) })
  -- The source table gives 2020 values (marked *) for seven indicators the model starts in 2021:
  -- each 2021 starting value is the 2020 value plus a stated change (0 by default), an assumption.
  local function from_2020(name, what, base, unit, sd)
    m:param(name, 0, { unit = unit, assumption = A(("%s 2021 equal to 2020's %s %s (no 2021 figure in the source)"):format(what, base, unit)),
      dist = tuiyan.mc.normal(0, sd, { lo = -2 * sd, hi = 2 * sd, assumption = ("judgement, not data: the 2021 figure is not in the source: ±%s %s (1 sd) around no change, kept within ±%g")
        :format(sd, unit == "%" and "points" or unit, 2 * sd) }) })
  end
  from_2020("rd_intensity_2021_change", "R&D intensity", 0.62, "%", 0.03)
  from_2020("ent_rd_share_2021_change", "enterprise share of R&D", 61.34, "%", 1.5)
  from_2020("new_product_share_2021_change", "new-product sales share", 3.19, "%", 0.2)
  from_2020("industrial_rd_ratio_2021_change", "industrial R&D / revenue", 0.85, "%", 0.05)
  from_2020("rd_personnel_2021_change", "R&D personnel per 10,000 people", 7.95, "人年/万人", 0.3)
  from_2020("innovation_index_2021_change", "composite innovation index", 42.92, "%", 1)
  from_2020("industrial_rd_active_2021_change", "share of industrial firms with R&D", 36, "%", 2)

  m:aux("gdp", M.growth(v.gdp_2021, v.gdp_growth), { unit = "亿元" })
  m:aux("city_budget", M.growth(v.city_budget_2021, v.budget_growth), { unit = "亿元" })
  m:aux("county_budget", M.growth(v.county_budget_2021, v.budget_growth), { unit = "亿元" })

  -- ---- fiscal S&T spending -----------------------------------------------------------------------
  local raise = 1 + M.step(2022, v.fiscal_raise_pct)      -- the lever acts from 2022 (% -> ratio by units)
  m:aux("city_fiscal_st", v.city_budget * v.city_fiscal_share_2021 * raise, { unit = "亿元" })
  m:aux("county_fiscal_st", v.county_budget * v.county_fiscal_share_2021 * raise, { unit = "亿元" })
  m:aux("city_fiscal_st_share", v.city_fiscal_st / v.city_budget, { unit = "%", indicator = "city_fiscal_st_share" })
  m:aux("county_fiscal_st_share", v.county_fiscal_st / v.county_budget, { unit = "%", indicator = "county_fiscal_st_share" })
  m:aux("fiscal_st", v.city_fiscal_st + v.county_fiscal_st, { unit = "亿元" })
  m:aux("fiscal_st_extra", v.fiscal_st - (v.city_budget * v.city_fiscal_share_2021 + v.county_budget * v.county_fiscal_share_2021),
    { unit = "亿元", note = "fiscal S&T spending above the baseline share" })

  -- ---- enterprise pipeline (梯次培育) -------------------------------------------------------------
  m:param("sme_new", 30, { unit = "家/年", assumption = A"30 enterprises a year newly evaluated as 科技型中小企业",
    dist = tuiyan.mc.triangular(20, 30, 40, { assumption = "judgement, not data: 20–40 a year, most likely 30" }) })
  m:param("sme_exit_rate", 0.08, { unit = "1", bounds = RATE, assumption = A"8 % of 科技型中小企业 leave the register a year",
    dist = tuiyan.mc.triangular(0.04, 0.08, 0.12, { assumption = "judgement, not data: 4–12 % a year, most likely 8 %" }) })
  m:param("sme_promotion_rate", 0.06, { unit = "1", bounds = RATE, assumption = A"6 % of 科技型中小企业 become 省级科技创新型企业 a year",
    dist = tuiyan.mc.triangular(0.03, 0.06, 0.09, { assumption = "judgement, not data: 3–9 % a year, most likely 6 %" }) })
  m:param("prov_new_direct", 6, { unit = "家/年", assumption = A"6 省级科技创新型企业 a year recognised directly",
    dist = tuiyan.mc.triangular(3, 6, 9, { assumption = "judgement, not data: 3–9 a year, most likely 6" }) })
  m:param("prov_exit_rate", 0.03, { unit = "1", bounds = RATE, assumption = A"3 % of 省级科技创新型企业 leave a year",
    dist = tuiyan.mc.uniform(0.01, 0.05, { assumption = "judgement, not data: anywhere from 1 % to 5 % a year" }) })
  m:param("prov_promotion_rate", 0.12, { unit = "1", bounds = RATE, assumption = A"12 % of 省级科技创新型企业 are certified high-tech a year",
    dist = tuiyan.mc.triangular(0.08, 0.12, 0.16, { assumption = "judgement, not data: 8–16 % a year, most likely 12 %" }) })
  m:param("hte_direct", 6, { unit = "家/年", assumption = A"6 high-tech certifications a year from outside the provincial pool",
    dist = tuiyan.mc.triangular(3, 6, 9, { assumption = "judgement, not data: 3–9 a year, most likely 6" }) })
  m:param("hte_renewal_rate", 0.75, { unit = "1", bounds = RATE, assumption = A"75 % of certificates are renewed after 3 years (重新认定)",
    dist = tuiyan.mc.triangular(0.6, 0.75, 0.9, { assumption = "judgement, not data: 60–90 % renewed, most likely 75 %" }) })
  m:param("hte_exit_rate", 0.02, { unit = "1", bounds = RATE, assumption = A"2 % of high-tech enterprises close or leave a year, apart from renewals",
    dist = tuiyan.mc.uniform(0, 0.04, { assumption = "judgement, not data: anywhere from 0 to 4 % a year" }) })
  m:param("hte_first_cohort_share", 1 / 3, { unit = "1", bounds = { 0, 0.5, why = "the share of each of the two younger cohorts; the oldest holds the rest" },
    assumption = A"the first year's certificates (59 in 2021) came in three equal yearly cohorts: issued that year, one and two years before" })
  m:param("hte_extra_pool_share", 0.2, { unit = "1/年", bounds = { 0, 0.8, why = "a share of the pool a year, leaving room for the pool's own promotions and exits" },
    assumption = A"extra certifications can draw at most 20 % of the provincial pool (the 培育库) a year, beyond its own promotions: candidates must already meet the R&D, IP and revenue tests",
    dist = tuiyan.mc.uniform(0.1, 0.3, { assumption = "judgement, not data: anywhere from 10 % to 30 % of the pool a year" }) })
  m:param("hte_extra_cost_per_firm", 15, { unit = "万元/家", bounds = { 0, 1000, why = "a cost per firm: never negative" },
    assumption = A"the city spends 15 万元 to bring one extra firm to certification (培育库 tracking, 一企一策 coaching, intermediary fees), on top of R7a's 20 万元",
    dist = tuiyan.mc.triangular(5, 15, 40, { assumption = "judgement, not data: 5–40 万元 a firm, most likely 15" }) })
  m:param("hte_moved_in_share_new", 1 / 3, { unit = "1", bounds = { 0, 1, why = "a share" },
    assumption = A"a third of the firms moved in hold a certificate issued that year (due for renewal in 3 years)" })
  m:param("hte_moved_in_share_1y", 1 / 3, { unit = "1", bounds = { 0, 1, why = "a share" },
    assumption = A"a third hold one issued a year before (due in 2 years); the rest, one issued two years before (due next year): no data on the age mix" })

  m:stock("tech_smes", { unit = "家", init = v.sme_2021, indicator = "tech_smes" })
  m:flow("sme_entries", v.sme_new, { unit = "家/年", into = "tech_smes" })
  m:flow("sme_exits", M.prev(v.tech_smes) * v.sme_exit_rate, { unit = "家/年", from = "tech_smes" })
  m:flow("sme_promotions", M.prev(v.tech_smes) * v.sme_promotion_rate, { unit = "家/年", from = "tech_smes", into = "prov_st_enterprises" })

  m:stock("prov_st_enterprises", { unit = "家", init = v.prov_2021, indicator = "prov_st_enterprises" })
  m:flow("prov_direct", v.prov_new_direct, { unit = "家/年", into = "prov_st_enterprises" })
  m:flow("prov_exits", M.prev(v.prov_st_enterprises) * v.prov_exit_rate, { unit = "家/年", from = "prov_st_enterprises" })
  m:flow("prov_promotions", M.prev(v.prov_st_enterprises) * v.prov_promotion_rate, { unit = "家/年", from = "prov_st_enterprises" })

  -- The extra-certification lever draws its firms from the provincial pool (they leave it, so the
  -- pool's own later promotions fall), at most hte_extra_pool_share of last year's pool a year;
  -- what the pool cannot supply is reported (hte_extra_unmet), never certified from nowhere.
  local is_first = M.eq(M.year(), first)
  m:aux("hte_extra_capacity", M.prev(v.prov_st_enterprises) * v.hte_extra_pool_share,
    { unit = "家/年", note = "the most extra certifications the provincial pool can supply this year" })
  m:flow("hte_extra_certified", M.if_(is_first, 0, M.min(v.extra_hte, v.hte_extra_capacity)),
    { unit = "家/年", from = "prov_st_enterprises", note = "extra certifications made: the lever, up to the pool's capacity" })
  m:aux("hte_extra_unmet", M.if_(is_first, 0, v.extra_hte - v.hte_extra_certified),
    { unit = "家/年", note = "extra certifications asked for that the provincial pool cannot supply: it gives at most hte_extra_pool_share of last year's pool a year" })
  m:aux("hte_extra_cultivation", v.hte_extra_certified * v.hte_extra_cost_per_firm,
    { unit = "万元/年", note = "the city's cost of bringing the extra firms to certification" })

  -- Certificates last three years and are tracked by cohort (the year issued). A cohort at the
  -- end of year Y: age 0 = issued in Y (new, renewed, or moved in with a certificate of that year);
  -- age 1 and 2 = last year's age 0 and 1 less this year's exits. In Y the age-2 cohort of Y-1 is
  -- due (重新认定): its exits of the year go first, a share hte_renewal_rate of the rest is renewed
  -- (and is age 0 again), the rest lapses. The stock hte_count is the same firms counted by flows
  -- (exits at hte_exit_rate of last year's count), so it equals the sum of the three cohorts.
  -- The first year: the count split into three cohorts (equal thirds, an assumption above).
  local Y1 = M.const(1, "年")
  local e, r = v.hte_exit_rate, v.hte_renewal_rate
  m:stock("hte_count", { unit = "家", init = v.hte_2021, indicator = "hte_count" })
  m:flow("hte_certified", M.if_(is_first, 0, v.prov_promotions + v.hte_direct + v.hte_extra_certified),
    { unit = "家/年", into = "hte_count", note = "new certifications (新认定) a year" })
  m:flow("hte_arrivals", M.if_(is_first, 0, v.hte_moved_in), { unit = "家/年", into = "hte_count" })
  m:flow("hte_certificates_due", M.if_(is_first, 0, M.prev(v.hte_cohort_age2, 0)),
    { unit = "家/年", note = "certificates reaching the end of their three years (重新认定): what is left of the cohort issued three years before" })
  m:flow("hte_renewed", (1 - e) * r * v.hte_certificates_due, { unit = "家/年", note = "certificates renewed" })
  m:flow("hte_lapsed", (1 - e) * (1 - r) * v.hte_certificates_due,
    { unit = "家/年", from = "hte_count", note = "certificates not renewed" })
  m:flow("hte_exits", M.prev(v.hte_count) * e, { unit = "家/年", from = "hte_count" })
  local share_old = 1 - v.hte_moved_in_share_new - v.hte_moved_in_share_1y
  local c0 = v.hte_2021 * v.hte_first_cohort_share
  m:aux("hte_cohort_age0", M.if_(is_first, c0,
    (v.hte_certified + v.hte_renewed + v.hte_moved_in_share_new * v.hte_arrivals) * Y1),
    { unit = "家", note = "certified firms whose certificate was issued this year" })
  m:aux("hte_cohort_age1", M.if_(is_first, c0,
    M.prev(v.hte_cohort_age0, 0) * (1 - e) + v.hte_moved_in_share_1y * v.hte_arrivals * Y1),
    { unit = "家", note = "certificate issued last year" })
  m:aux("hte_cohort_age2", M.if_(is_first, v.hte_2021 - 2 * c0,
    M.prev(v.hte_cohort_age1, 0) * (1 - e) + share_old * v.hte_arrivals * Y1),
    { unit = "家", note = "certificate issued two years before: due next year" })
  -- Firms moved in (and still here) do R&D that is new to the city; kept for the R&D below.
  m:stock("hte_moved_in_firms", { unit = "家", init = 0, note = "firms moved in, still in the city" })
  m:flow("hte_moved_in_added", v.hte_arrivals, { unit = "家/年", into = "hte_moved_in_firms" })
  m:flow("hte_moved_in_exits", M.prev(v.hte_moved_in_firms) * e, { unit = "家/年", from = "hte_moved_in_firms" })

  -- ---- R&D finance -------------------------------------------------------------------------------
  m:param("hte_rd_per_firm", 0.025, { unit = "亿元/家", assumption = A"R&D of 250 万元 a year per high-tech enterprise (certification needs 3–5 % of revenue; revenue about 6,000 万元)",
    dist = tuiyan.mc.triangular(0.018, 0.025, 0.03, { assumption = "judgement, not data: 180–300 万元, most likely 250; much above 300 万元 the 59 firms would account for all of 2021's enterprise R&D" }) })
  m:param("fiscal_rd_fraction", 0.5, { unit = "1", bounds = RATE, assumption = A"half of fiscal S&T spending is R&D",
    dist = tuiyan.mc.uniform(0.35, 0.65, { assumption = "judgement, not data: anywhere from 35 % to 65 % of fiscal S&T spending is R&D" }) })
  m:param("rd_leverage", 1.0, { unit = "1", assumption = A"each 1 元 of extra fiscal S&T spending brings 1 元 of enterprise R&D the next year",
    dist = tuiyan.mc.lognormal(1.0, 0.4, { lo = 0.2, hi = 3, assumption = "judgement, not data: leverage is disputed (from crowding out to several times): mean 1, sd 0.4, kept within 0.2–3" }) })

  m:aux("rd_total_2021", v.gdp_2021 * (v.rd_intensity_2020 + v.rd_intensity_2021_change), { unit = "亿元" })
  m:aux("ent_rd_2021", v.rd_total_2021 * (v.ent_rd_share_2020 + v.ent_rd_share_2021_change), { unit = "亿元" })
  m:aux("ent_rd_other", M.growth(v.ent_rd_2021 - v.hte_2021 * v.hte_rd_per_firm, v.gdp_growth),
    { unit = "亿元", note = "R&D of enterprises other than high-tech ones, growing with GDP" })
  m:param("hte_rd_additionality", 0.5, { unit = "1", bounds = { 0, 1, why = "a share of a firm's R&D" },
    assumption = A"half of a newly certified firm's R&D is new: it did R&D before (a provincial S&T enterprise must), counted among other enterprises",
    dist = tuiyan.mc.uniform(0.2, 0.8, { assumption = "judgement, not data: anywhere from 20 % to 80 % of the R&D of a newly certified firm is new" }) })
  -- High-tech R&D: the 2021 firms' in full; each firm more (or fewer) since, only the additional
  -- share, except firms moved in, whose R&D was not the city's before.
  local hte_firms_rd = v.hte_2021 + v.hte_rd_additionality * (v.hte_count - v.hte_2021 - v.hte_moved_in_firms) + v.hte_moved_in_firms
  m:aux("ent_rd", v.ent_rd_other + hte_firms_rd * v.hte_rd_per_firm + v.rd_leverage * M.prev(v.fiscal_st_extra, 0),
    { unit = "亿元" })
  m:aux("public_rd", M.growth(v.rd_total_2021 - v.ent_rd_2021, v.gdp_growth) + v.fiscal_rd_fraction * v.fiscal_st_extra,
    { unit = "亿元", note = "government, universities and institutes" })
  m:aux("rd_total", v.ent_rd + v.public_rd, { unit = "亿元" })
  m:aux("rd_intensity", v.rd_total / v.gdp, { unit = "%", indicator = "rd_intensity" })
  m:aux("enterprise_rd_share", v.ent_rd / v.rd_total, { unit = "%", indicator = "enterprise_rd_share" })
  m:aux("industrial_rd_revenue_ratio", (v.industrial_rd_ratio_2020 + v.industrial_rd_ratio_2021_change) * (v.ent_rd / v.ent_rd_2021) / (v.gdp / v.gdp_2021),
    { unit = "%", indicator = "industrial_rd_revenue_ratio", note = "moves with enterprise R&D relative to output" })

  -- ---- outputs -----------------------------------------------------------------------------------
  m:param("turnover_rd_elasticity", 1.2, { unit = "1", assumption = A"technology-contract turnover grows 1.2 % for each 1 % of R&D",
    dist = tuiyan.mc.normal(1.2, 0.3, { lo = 0.3, hi = 2.5, assumption = "judgement, not data: ±0.3 (1 sd) around 1.2, kept within 0.3–2.5" }) })
  m:param("new_product_elasticity", 0.8, { unit = "1", assumption = A"new-product sales share grows 0.8 % for each 1 % of enterprise R&D",
    dist = tuiyan.mc.normal(0.8, 0.2, { lo = 0.2, hi = 1.5, assumption = "judgement, not data: ±0.2 (1 sd) around 0.8, kept within 0.2–1.5" }) })
  m:param("personnel_elasticity", 0.7, { unit = "1", assumption = A"R&D personnel grow 0.7 % for each 1 % of R&D",
    dist = tuiyan.mc.normal(0.7, 0.15, { lo = 0.2, hi = 1.2, assumption = "judgement, not data: ±0.15 (1 sd) around 0.7, kept within 0.2–1.2" }) })
  m:param("population", 145, { unit = "万人", assumption = A"resident population of 1.45 million, held over the horizon",
    dist = tuiyan.mc.triangular(142, 145, 147, { assumption = "assumption: 1.42–1.47 million, most likely 1.45 (about the 2020 census and the 2021–2022 yearbook counts, as reported second-hand, not checked; the population has been falling)" }) })
  m:param("patents_per_rd", 6, { unit = "件/亿元", assumption = A"6 high-value invention patents a year per 亿元 of R&D",
    dist = tuiyan.mc.lognormal(6, 1.5, { assumption = "judgement, not data: mean 6, sd 1.5 a year per 亿元 (skewed: never negative)" }) })
  m:param("patent_lapse_rate", 0.05, { unit = "1", bounds = RATE, assumption = A"5 % of high-value patents lapse a year",
    dist = tuiyan.mc.uniform(0.03, 0.07, { assumption = "judgement, not data: anywhere from 3 % to 7 % a year" }) })

  m:aux("tech_contract_turnover", v.turnover_2021 * M.pow(v.rd_total / v.rd_total_2021, v.turnover_rd_elasticity),
    { unit = "亿元", indicator = "tech_contract_turnover" })
  m:aux("new_product_sales_share", (v.new_product_share_2020 + v.new_product_share_2021_change) * M.pow(v.ent_rd / v.ent_rd_2021, v.new_product_elasticity),
    { unit = "%", indicator = "new_product_sales_share" })
  m:aux("rd_personnel_per_10k", (v.rd_personnel_2020 + v.rd_personnel_2021_change) * M.pow(v.rd_total / v.rd_total_2021, v.personnel_elasticity),
    { unit = "人年/万人", indicator = "rd_personnel_per_10k" })
  m:stock("hv_patents", { unit = "件", init = v.hv_patents_per_10k_2021 * v.population })
  m:flow("hv_patents_new", M.prev(v.rd_total, v.rd_total_2021) * v.patents_per_rd, { unit = "件/年", into = "hv_patents" })
  m:flow("hv_patents_lapsed", M.prev(v.hv_patents) * v.patent_lapse_rate, { unit = "件/年", from = "hv_patents" })
  m:aux("hv_patents_per_10k", v.hv_patents / v.population, { unit = "件/万人", indicator = "hv_patents_per_10k" })

  -- ---- indicators with no mechanism here: held at the latest actual ----------------------------
  -- One actual each in the source, so there is no trend to follow: the value is held, and reports
  -- mark these rows as trend-only rather than presenting them as model results.
  m:param("sci_progress_2021", 55.35, { start_of = "sci_progress_contribution", unit = "%", source = fact .. ", 2021" })
  m:param("innovation_index_2020", 42.92, { start_of = "innovation_index", unit = "%", source = fact .. ", 2020 (*)" })
  m:param("industrial_rd_active_2020", 36, { start_of = "industrial_rd_active_share", unit = "%", source = fact .. ", 2020 (*)" })
  local held = "trend only: held at the latest actual (one data point, no trend; not explained by the model)"
  m:aux("sci_progress_contribution", v.sci_progress_2021, { unit = "%", indicator = "sci_progress_contribution", trend_only = true, note = held })
  m:aux("innovation_index", v.innovation_index_2020 + v.innovation_index_2021_change, { unit = "%", indicator = "innovation_index", trend_only = true, note = held })
  m:aux("industrial_rd_active_share", v.industrial_rd_active_2020 + v.industrial_rd_active_2021_change, { unit = "%", indicator = "industrial_rd_active_share", trend_only = true, note = held })

  return m
end

return W
