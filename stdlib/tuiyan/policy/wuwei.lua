-- tuiyan.policy.wuwei — the Wuwei "Strong S&T Action" 2022–2025 support policy (plan section
-- 四 支持政策, paragraphs 3–19) as data, every rule checked against the plan text
-- (examples/plans/sources/). Amounts in 万元. Rule ids R3…R19 follow the paragraph numbers;
-- a letter and a suffix tell the parts of a paragraph apart.
--
-- Each rule: `para` (the paragraph), `source` (the plan's words, shortened), `kind` (city payment,
-- ceiling or check; no rule of §四 is paid by a county — the counties' extra spending enters as
-- the fiscal lever, `W.SPENDING`), `schedule`, `timing` (the words that place the payment in
-- time: lag 1 only where the paragraph says 次年 or 上一年度), `input` (what x is), and a
-- `driver` (model flows) or none (evaluated on counts a script gives: policy:cost(run, {given =})
-- or policy:amount(id, x)).
--
-- ASSUMPTIONS (not in the text), also in the README's rules table:
--   * W.DEFAULT_POINT: the default point of a band is its top; of a band open above, its floor.
--   * A paragraph that names no budget year (R3, R3b, R17) is paid in the year the project or
--     award arises (lag 0).
--   * R12: the counts of year Y are the awards won in Y; 上一年度 and 次年 are read as the same
--     one-year shift (paid in Y+1), not two.
--   * R19's working funds are paid by the city (the paragraph names 市科技局 and 市财政局 as
--     responsible, not the payer).
local P = require "tuiyan.policy"

local W = {}

W.DEFAULT_POINT = "ASSUMPTION: a band's default point is its top (a budget plans for the most the text "
  .. "allows: R3 20 %, R5b 20 %, R16d 30 each); a band open above (不低于 X: R13, R19a, R19b) is costed "
  .. "at its floor X and has no top"

local NEXT_YEAR_R7 = "補助資金由市科技局、市工信局核實后,列入次年市級財政預算 (次年: lag 1)"
local BUDGET = function(who) return ("補助資金由%s核實后,列入市級財政預算 (no 次年: lag 0)"):format(who) end
local NO_WORDS = "ASSUMPTION: the paragraph names no budget year; paid in the year it arises (lag 0)"

local function per_unit(amount, lag) return { shape = "per_unit", amount = amount, lag = lag or 0 } end

-- Predicates on cases (tables of facts) for conditions that are not a threshold on the value.
local function received(field, at_least)
  return function(case)
    local v = case[field]
    return type(v) == "number" and v >= at_least
  end
end

W.RULES = {
  -- (一)3 揭榜挂帅 and matching of national/provincial projects
  { id = "R3", para = "四(一)3", kind = "city", label = "揭榜挂帅 project subsidy: 10 %–20 % of a total >= 300, at most 100",
    source = "單個科技揭榜掛帥制項目科技投入總額不低于300萬元,按照不超過…總額的10%—20%給予資金補助,單個項目資金補助最高不超過100萬元",
    input = "one project's total S&T investment (万元)", timing = NO_WORDS,
    schedule = { shape = "rate", threshold = 300, bound = "at_least", rate_lo = 0.10, rate_hi = 0.20, max = 100 } },
  { id = "R3b", para = "四(一)3", kind = "city", label = "national/provincial plan project > 100: 10 % matched, at most 200",
    source = "對爭取科技計劃項目單個金額超過100萬元的,按爭取項目資金額度的10%予以配套,單個項目資金補助最高不超過200萬元",
    input = "one won project's amount (万元)", timing = NO_WORDS,
    schedule = { shape = "rate", threshold = 100, bound = "above", rate = 0.10, max = 200 } },

  -- (一)5 research funds: limits on what a project may spend or set aside, not city payments
  { id = "R5", para = "四(一)5", kind = "ceiling", label = "indirect costs at most 30 % / 25 % / 20 % of direct costs less equipment, by part",
    source = "間接費用…按照不超過項目直接費用扣除設備費后的一定比例核定…500萬元以下部分為不超過30%;500萬元至1000萬元的部分為不超過25%;超過1000萬元以上的部分為不超過20%",
    input = "a project's direct costs less equipment (万元)", timing = "a ceiling: nothing is paid",
    schedule = { shape = "marginal", thresholds = { 0, 500, 1000 }, rates = { 0.30, 0.25, 0.20 } } },
  { id = "R5b", para = "四(一)5", kind = "ceiling", label = "reward funds: 10 %–20 % of stable basic-research funds may be set aside",
    source = "允許科研單位從基本科研業務費等穩定支持科研經費中提取10—20%作為獎勵經費",
    input = "a unit's stable basic-research funds (万元)", timing = "a ceiling: nothing is paid",
    schedule = { shape = "rate", rate_lo = 0.10, rate_hi = 0.20 } },

  -- (二)7 newly recognised enterprises: paid from next year's budget
  { id = "R7a", para = "四(二)7", kind = "city", label = "新认定高新技术企业 one-off per newly recognised high-tech enterprise",
    source = "對新認定的高新技術企業給予20萬元一次性補助", input = "newly recognised high-tech enterprises",
    -- and firms moved in with a valid certificate, paid as newly recognised (三(二)5):
    -- 對在有效期內整體遷入我市的高新技術企業,按新認定高新技術企業落實獎補政策
    timing = NEXT_YEAR_R7, schedule = per_unit(20, 1), driver = { "hte_certified", "hte_arrivals" } },
  { id = "R7b_factory", para = "四(二)7", kind = "city", label = "smart factory 智能工厂 one-off",
    source = "對新認定的智能工廠、數字化車間,分別給予50萬元、20萬元一次性補助", input = "newly recognised smart factories",
    timing = NEXT_YEAR_R7, schedule = per_unit(50, 1) },
  { id = "R7b_workshop", para = "四(二)7", kind = "city", label = "digital workshop 数字化车间 one-off",
    source = "對新認定的智能工廠、數字化車間,分別給予50萬元、20萬元一次性補助", input = "newly recognised digital workshops",
    timing = NEXT_YEAR_R7, schedule = per_unit(20, 1) },
  { id = "R7c_national", para = "四(二)7", kind = "city", label = "national 专精特新小巨人 one-off",
    source = "對新認定的國家專精特新“小巨人”企業、省級專精特新中小企業,分別給予20萬元、10萬元一次性補助",
    input = "newly recognised national little giants", timing = NEXT_YEAR_R7, schedule = per_unit(20, 1) },
  { id = "R7c_provincial", para = "四(二)7", kind = "city", label = "provincial 专精特新 SME one-off",
    source = "對新認定的國家專精特新“小巨人”企業、省級專精特新中小企業,分別給予20萬元、10萬元一次性補助",
    input = "newly recognised provincial 专精特新 SMEs", timing = NEXT_YEAR_R7, schedule = per_unit(10, 1) },
  { id = "R7d", para = "四(二)7", kind = "city", label = "省级科技创新型企业 one-off per newly recognised provincial S&T enterprise",
    source = "對新認定的省級科技創新型企業、技術創新示範企業,分別給予5萬元一次性補助",
    input = "newly recognised provincial S&T innovative enterprises", timing = NEXT_YEAR_R7,
    schedule = per_unit(5, 1), driver = { "sme_promotions", "prov_direct" } },
  { id = "R7d_demo", para = "四(二)7", kind = "city", label = "技术创新示范企业 one-off per newly recognised technology-innovation demonstration enterprise",
    source = "對新認定的省級科技創新型企業、技術創新示範企業,分別給予5萬元一次性補助",
    input = "newly recognised technology-innovation demonstration enterprises", timing = NEXT_YEAR_R7, schedule = per_unit(5, 1) },
  { id = "R7e", para = "四(二)7", kind = "city", label = "市级科技创新型企业 one-off",
    source = "對新認定的市級科技創新型企業,給予3萬元一次性補助", input = "newly recognised city-level S&T innovative enterprises",
    timing = NEXT_YEAR_R7, schedule = per_unit(3, 1) },

  -- (二)8 above-scale industrial enterprises' R&D: the city budget, no 次年
  { id = "R8", para = "四(二)8", kind = "city", label = "above-scale industrial enterprise by annual internal R&D (万元)",
    source = "年度研發經費內部支出1億元以上…100萬元;2000萬元以上1億元以下…50萬元;1000萬元以上2000萬元以下…20萬元;500萬元以上1000萬元以下…10萬元",
    input = "one above-scale industrial enterprise's annual internal R&D expenditure (万元)",
    timing = "補助企業名單由市稅務局…核實后,列入市級財政預算 (no 次年: lag 0)",
    schedule = { shape = "step", thresholds = { 500, 1000, 2000, 10000 }, amounts = { 10, 20, 50, 100 }, bound = "at_least" } },
  { id = "R8b", para = "四(二)8", kind = "city", label = "first use of the R&D super-deduction with a deducted amount > 50",
    source = "對首次享受研發費用加計扣除稅收優惠政策且加計額超過50萬元的規上工業企業,給予5萬元一次性補助",
    input = "cases { x = the deducted amount (万元), first_time = true }", condition = "R8b pays only a first-time use (first_time = true)",
    eligible = function(case) return case.first_time == true end,
    timing = "補助企業名單由市稅務局…核實后,列入市級財政預算 (no 次年: lag 0)",
    schedule = { shape = "step", thresholds = { 50 }, amounts = { 5 }, bound = "above" } },

  -- (三)9 platforms
  { id = "R9a_national", para = "四(三)9", kind = "city", label = "national-level platform (高新区, 工程研究中心, 重点实验室, … 15 kinds) newly recognised",
    source = "對新認定的國家級、省級高新技術產業開發區…制造業創新中心,分別給予50萬元、20萬元資金補助",
    input = "newly recognised national platforms", timing = BUDGET("市直行業管理部門"), schedule = per_unit(50) },
  { id = "R9a_provincial", para = "四(三)9", kind = "city", label = "provincial-level platform (the same 15 kinds) newly recognised",
    source = "對新認定的國家級、省級高新技術產業開發區…制造業創新中心,分別給予50萬元、20萬元資金補助",
    input = "newly recognised provincial platforms", timing = BUDGET("市直行業管理部門"), schedule = per_unit(20) },
  { id = "R9b", para = "四(三)9", kind = "city", label = "city-level 技术创新中心, 企业技术中心, 国际科技合作基地, 重点实验室, 种质资源库, 临床医学研究中心",
    source = "對新認定的市級技術創新中心…臨床醫學研究中心,給予20萬元資金補助",
    input = "newly recognised city-level centres", timing = BUDGET("市直行業管理部門"), schedule = per_unit(20) },
  { id = "R9c_national", para = "四(三)9", kind = "city", label = "national 众创空间, 孵化器, 大学科技园, 引智引才基地, 科普示范基地",
    source = "對新認定的國家級、省級、市級眾創空間…科普示範基地,分別給予20萬元、10萬元、5萬元資金補助",
    input = "newly recognised national incubation and popular-science bases", timing = BUDGET("市直行業管理部門"), schedule = per_unit(20) },
  { id = "R9c_provincial", para = "四(三)9", kind = "city", label = "provincial 众创空间, 孵化器, 大学科技园, 引智引才基地, 科普示范基地",
    source = "對新認定的國家級、省級、市級眾創空間…科普示範基地,分別給予20萬元、10萬元、5萬元資金補助",
    input = "newly recognised provincial incubation and popular-science bases", timing = BUDGET("市直行業管理部門"), schedule = per_unit(10) },
  { id = "R9c_city", para = "四(三)9", kind = "city", label = "city-level 众创空间, 孵化器, 大学科技园, 引智引才基地, 科普示范基地",
    source = "對新認定的國家級、省級、市級眾創空間…科普示範基地,分別給予20萬元、10萬元、5萬元資金補助",
    input = "newly recognised city-level incubation and popular-science bases", timing = BUDGET("市直行業管理部門"), schedule = per_unit(5) },

  -- (三)10 cooperation platforms
  { id = "R10a", para = "四(三)10", kind = "city", label = "院士专家工作站 recognised",
    source = "對認定的院士專家工作站,給予20萬元資金補助", input = "recognised academician expert workstations",
    timing = BUDGET("市直行業管理部門"), schedule = per_unit(20) },
  { id = "R10b", para = "四(三)10", kind = "city", label = "research branch, 协同创新基地, joint lab or field station set up in Wuwei",
    source = "對在我市設立的科研分支機構、協同創新基地、聯合實驗室、野外科學觀測研究站,給予10萬元的資金補助",
    input = "such platforms set up", timing = BUDGET("市直行業管理部門"), schedule = per_unit(10) },
  { id = "R10b_provincial", para = "四(三)10", kind = "city", label = "such a platform recognised as provincial: a further 20",
    source = "獲省級平臺資格認定后,再給予20萬元資金補助", input = "such platforms recognised as provincial",
    timing = BUDGET("市直行業管理部門"), schedule = per_unit(20) },
  { id = "R10b_national", para = "四(三)10", kind = "city", label = "such a platform recognised as national: a further 30",
    source = "獲國家級平臺資格認定后,再給予30萬元資金補助", input = "such platforms recognised as national",
    timing = BUDGET("市直行業管理部門"), schedule = per_unit(30) },

  -- (四)11 technology-transfer platforms
  { id = "R11a_national", para = "四(四)11", kind = "city", label = "national 科技成果转移转化示范区",
    source = "對新認定的國家級、省級科技成果轉移轉化示範區,分別給予50萬元、20萬元資金補助",
    input = "newly recognised national demonstration zones", timing = BUDGET("市科技局"), schedule = per_unit(50) },
  { id = "R11a_provincial", para = "四(四)11", kind = "city", label = "provincial 科技成果转移转化示范区",
    source = "對新認定的國家級、省級科技成果轉移轉化示範區,分別給予50萬元、20萬元資金補助",
    input = "newly recognised provincial demonstration zones", timing = BUDGET("市科技局"), schedule = per_unit(20) },
  { id = "R11b_national", para = "四(四)11", kind = "city", label = "national 技术转移示范机构",
    source = "對新認定的國家級、省級、市級技術轉移示範機構,分別給予20萬元、10萬元、5萬元資金補助",
    input = "newly recognised national technology-transfer institutions", timing = BUDGET("市科技局"), schedule = per_unit(20) },
  { id = "R11b_provincial", para = "四(四)11", kind = "city", label = "provincial 技术转移示范机构",
    source = "對新認定的國家級、省級、市級技術轉移示範機構,分別給予20萬元、10萬元、5萬元資金補助",
    input = "newly recognised provincial technology-transfer institutions", timing = BUDGET("市科技局"), schedule = per_unit(10) },
  { id = "R11b_city", para = "四(四)11", kind = "city", label = "city-level 技术转移示范机构",
    source = "對新認定的國家級、省級、市級技術轉移示範機構,分別給予20萬元、10萬元、5萬元資金補助",
    input = "newly recognised city-level technology-transfer institutions", timing = BUDGET("市科技局"), schedule = per_unit(5) },
  { id = "R11c_provincial", para = "四(四)11", kind = "city", label = "new provincial 产业技术创新战略联盟 (to the lead unit)",
    source = "對新成立的省級、市級產業技術創新戰略聯盟,對牽頭單位分別給予10萬元、5萬元資金補助",
    input = "newly formed provincial alliances", timing = BUDGET("市科技局"), schedule = per_unit(10) },
  { id = "R11c_city", para = "四(四)11", kind = "city", label = "new city-level 产业技术创新战略联盟 (to the lead unit)",
    source = "對新成立的省級、市級產業技術創新戰略聯盟,對牽頭單位分別給予10萬元、5萬元資金補助",
    input = "newly formed city-level alliances", timing = BUDGET("市科技局"), schedule = per_unit(5) },

  -- (四)12 awards: last year's awards, paid from next year's budget
  { id = "R12a", para = "四(四)12", kind = "city", label = "national S&T award (to the unit)",
    source = "對上一年度獲得國家科學技術獎…的所在單位給予50萬元獎勵", input = "national S&T awards won in the year",
    timing = "對上一年度獲得…列入次年市級財政預算 (lag 1; ASSUMPTION: 上一年度 and 次年 are the same one-year shift)",
    schedule = per_unit(50, 1) },
  { id = "R12b_first", para = "四(四)12", kind = "city", label = "Gansu S&T award, first prize (to the unit)",
    source = "上一年度獲得甘肅省科學技術獎…一等獎、二等獎、三等獎的所在單位分別給予30萬元、20萬元、10萬元獎勵",
    input = "first prizes won in the year", timing = "上一年度…列入次年市級財政預算 (lag 1, as R12a)", schedule = per_unit(30, 1) },
  { id = "R12b_second", para = "四(四)12", kind = "city", label = "Gansu S&T award, second prize (to the unit)",
    source = "上一年度獲得甘肅省科學技術獎…一等獎、二等獎、三等獎的所在單位分別給予30萬元、20萬元、10萬元獎勵",
    input = "second prizes won in the year", timing = "上一年度…列入次年市級財政預算 (lag 1, as R12a)", schedule = per_unit(20, 1) },
  { id = "R12b_third", para = "四(四)12", kind = "city", label = "Gansu S&T award, third prize (to the unit)",
    source = "上一年度獲得甘肅省科學技術獎…一等獎、二等獎、三等獎的所在單位分別給予30萬元、20萬元、10萬元獎勵",
    input = "third prizes won in the year", timing = "上一年度…列入次年市級財政預算 (lag 1, as R12a)", schedule = per_unit(10, 1) },
  { id = "R12c", para = "四(四)12", kind = "city", label = "provincial-or-higher patent award: the same amount again from the city",
    source = "對上一年度獲得省部級及以上專利獎的團隊和個人,由市財政給予同等數額的獎勵",
    input = "the patent award amounts received in the year (万元)", timing = "上一年度…列入次年市級財政預算 (lag 1, as R12a)",
    schedule = { shape = "rate", rate = 1, lag = 1 } },

  -- (四)13 innovation consortia: at least 50 a year for 3 years from the start year
  { id = "R13", para = "四(四)13", kind = "city", label = "enterprise innovation consortium: at least 50 a year for 3 years",
    source = "每年以市級科技計劃項目方式給予不低于50萬元支持,連續支持3年", input = "consortia starting support in the year",
    timing = BUDGET("市科技局") .. "; recurring 3 years from the start year",
    schedule = { shape = "rate", rate_lo = 50, rate_hi = math.huge, recurring = 3 } },

  -- (四)15 cross-region transfer: only on top of the provincial one-off
  { id = "R15", para = "四(四)15", kind = "city", label = "cross-region technology transfer with the provincial one-off: city adds 50",
    source = "對在武轉化、經濟效益明顯并獲得省上額度最高200萬元一次性補助的企業,市上再給予50萬元一次性補助",
    input = "cases { provincial_one_off = the provincial one-off received (万元, up to 200) }",
    condition = "R15 pays only a transfer that received the provincial one-off (provincial_one_off > 0)",
    eligible = function(case) return type(case.provincial_one_off) == "number" and case.provincial_one_off > 0 end,
    timing = BUDGET("市科技局"), schedule = per_unit(50) },

  -- (四)16 intellectual property
  { id = "R16a", para = "四(四)16", kind = "city", label = "national IP service brand, national/provincial IP advantage enterprise, IP management certified enterprise",
    source = "對新認定的國家知識產權服務品牌培育機構、國家知識產權優勢企業(示范企業)、省級知識產權優勢企業和通過知識產權管理體系認證的企業,分別給予5萬元補助",
    input = "such units newly recognised (all four kinds together)", timing = BUDGET("市市場監管局"), schedule = per_unit(5) },
  { id = "R16b_county", para = "四(四)16", kind = "city", label = "provincial-or-higher IP pilot county",
    source = "對新認定的省級及以上知識產權試點縣區、園區和企業,分別給予10萬元、8萬元、5萬元的補助",
    input = "newly recognised pilot counties", timing = BUDGET("市市場監管局"), schedule = per_unit(10) },
  { id = "R16b_park", para = "四(四)16", kind = "city", label = "provincial-or-higher IP pilot park",
    source = "對新認定的省級及以上知識產權試點縣區、園區和企業,分別給予10萬元、8萬元、5萬元的補助",
    input = "newly recognised pilot parks", timing = BUDGET("市市場監管局"), schedule = per_unit(8) },
  { id = "R16b_enterprise", para = "四(四)16", kind = "city", label = "provincial-or-higher IP pilot enterprise",
    source = "對新認定的省級及以上知識產權試點縣區、園區和企業,分別給予10萬元、8萬元、5萬元的補助",
    input = "newly recognised pilot enterprises", timing = BUDGET("市市場監管局"), schedule = per_unit(5) },
  { id = "R16c", para = "四(四)16", kind = "city", label = "高价值发明专利 per high-value invention patent recognised last year",
    source = "對上一年度國家知識產權局認定的高價值發明專利,每件給予1萬元的一次性獎勵", input = "high-value invention patents recognised in the year",
    timing = "對上一年度…認定的高價值發明專利 (the award year follows the recognition year: lag 1); 列入市級財政預算",
    schedule = per_unit(1, 1), driver = "hv_patents_new" },
  { id = "R16d", para = "四(四)16", kind = "city", label = "leading patent/trademark enterprises: 20–30 each (the text: 3–4 a year)",
    source = "每年選擇3—4戶…示范企業,每戶給予20—30萬元的一次性扶持資金", input = "enterprises chosen in the year (3–4 by the text)",
    timing = BUDGET("市市場監管局"), schedule = { shape = "rate", rate_lo = 20, rate_hi = 30 } },
  { id = "R16e_wellknown", para = "四(四)16", kind = "city", label = "new China well-known trademark",
    source = "對新獲得的中國馳名商標,每件給予8萬元的一次性獎勵", input = "new well-known trademarks",
    timing = BUDGET("市市場監管局"), schedule = per_unit(8) },
  { id = "R16e_gi", para = "四(四)16", kind = "city", label = "new geographical-indication mark or protected GI product",
    source = "對新獲得的地理標志證明商標(集體商標)、新獲得批準的國家地理標志產品保護每件給予5萬元的一次性獎勵",
    input = "new GI marks and protected GI products", timing = BUDGET("市市場監管局"), schedule = per_unit(5) },
  { id = "R16e_gi_user", para = "四(四)16", kind = "city", label = "market entity approved to use the GI special mark",
    source = "對國家知識產權局備案公告核準使用地理標志專用標志的市場主體,每家給予3萬元的一次性獎勵",
    input = "entities approved in the year", timing = BUDGET("市市場監管局"), schedule = per_unit(3) },

  -- (五)17 talent: only on top of the provincial support
  { id = "R17a", para = "四(五)17", kind = "city", label = "talent with a convertible result, on top of the provincial 500: +50",
    source = "在享受省上500萬元項目轉化扶持資金基礎上,再給予50萬元一次性補助",
    input = "cases { provincial_support = the provincial conversion support received (万元) }",
    condition = "R17a pays only on top of the provincial 500 (provincial_support >= 500)",
    eligible = received("provincial_support", 500), timing = NO_WORDS, schedule = per_unit(50) },
  { id = "R17b", para = "四(五)17", kind = "city", label = "talent with a promising project, on top of the provincial 100: +10",
    source = "在享受省上100萬元項目研發扶持資金基礎上,再給予10萬元一次性補助",
    input = "cases { provincial_support = the provincial R&D support received (万元) }",
    condition = "R17b pays only on top of the provincial 100 (provincial_support >= 100)",
    eligible = received("provincial_support", 100), timing = NO_WORDS, schedule = per_unit(10) },

  -- (五)18 a share of city plan projects: a constraint, checked
  { id = "R18", para = "四(五)18", kind = "check", label = "city S&T plan projects led by researchers under 45: at least 50 %",
    source = "45歲以下科研人員主持市級科技計劃項目的比例不低于50%",
    input = "facts { projects = city S&T plan projects, under_45 = those led by a researcher under 45 }",
    timing = "a constraint: nothing is paid",
    check = function(f)
      if type(f) ~= "table" or type(f.projects) ~= "number" or type(f.under_45) ~= "number" then
        error("R18: facts { projects = n, under_45 = k } expected", 3)
      end
      if f.projects <= 0 then return nil, "no projects: the share is undefined" end
      if f.under_45 < 0 or f.under_45 > f.projects then error("R18: under_45 must be within 0..projects", 3) end
      local share = f.under_45 / f.projects * 100
      return share >= 50, ("%s of %s projects (%.4g %%) led by researchers under 45; at least 50 %% required"):format(
        tostring(f.under_45), tostring(f.projects), share)
    end },

  -- (五)19 commissioners and their bases
  { id = "R19a", para = "四(五)19", kind = "city", label = "市级科技特派员: at least 1 a person a year to the sending unit",
    source = "對選派的市級科技特派員,對派出單位按每人每年不低于1萬元給予工作經費", input = "commissioner person-years",
    timing = BUDGET("市科技局") .. " (ASSUMPTION: the city pays; the paragraph names the bureaus responsible)",
    schedule = { shape = "rate", rate_lo = 1, rate_hi = math.huge } },
  { id = "R19b", para = "四(五)19", kind = "city", label = "科技专员 serving an enterprise: at least 1 a person a year to the enterprise",
    source = "對選派服務企業的科技專員,按每人每年不低于1萬元對所服務企業給予工作經費", input = "specialist person-years",
    timing = BUDGET("市科技局") .. " (ASSUMPTION: the city pays, as R19a)",
    schedule = { shape = "rate", rate_lo = 1, rate_hi = math.huge } },
  { id = "R19c_provincial", para = "四(五)19", kind = "city", label = "provincial 科技特派员创新创业示范基地",
    source = "對經評審認定的省級、市級科技特派員創新創業示范基地,分別給予5萬元、2萬元資金補助",
    input = "bases recognised as provincial", timing = BUDGET("市科技局"), schedule = per_unit(5) },
  { id = "R19c_city", para = "四(五)19", kind = "city", label = "city-level 科技特派员创新创业示范基地",
    source = "對經評審認定的省級、市級科技特派員創新創業示范基地,分別給予5萬元、2萬元資金補助",
    input = "bases recognised as city-level", timing = BUDGET("市科技局"), schedule = per_unit(2) },
}

-- The fiscal lever's own spending (四(一)1: 市、縣兩級本級財政科技支出占一般公共預算支出比重分別達到2%、1%以上):
-- a scenario's city and county fiscal S&T spending above the baseline run's, from the model.
W.SPENDING = {
  { id = "fiscal_city", label = "extra city fiscal S&T spending 市本级财政科技支出增量", element = "city_fiscal_st",
    payer = "city", unit = "亿元", note = "the scenario's city_fiscal_st minus the baseline's" },
  { id = "fiscal_county", label = "extra county fiscal S&T spending 县区财政科技支出增量", element = "county_fiscal_st",
    payer = "county", unit = "亿元", note = "the scenario's county_fiscal_st minus the baseline's" },
  -- The extra-certification lever's own cost (三(二)5: 建立高新技术企业培育库, 一企一策跟踪辅导):
  -- the model's cost of bringing the extra firms to certification, an assumption per firm.
  { id = "hte_cultivation", label = "cultivating extra high-tech firms 高企培育库辅导", element = "hte_extra_cultivation",
    payer = "city", unit = "万元", note = "the scenario's hte_extra_cultivation minus the baseline's (ASSUMPTION: hte_extra_cost_per_firm)" },
}

--- policy() -> the Wuwei policy (a fresh object: scenarios may change a rule's setting).
function W.policy()
  return P.new{ name = "wuwei", rules = W.RULES, spending = W.SPENDING, default_point = W.DEFAULT_POINT }
end

return W
