-- tuiyan.policy.wuwei — the Wuwei "Strong S&T Action" support policy (section 四 支持政策) as data.
-- Rule ids are those of ../shared/data/wuwei_support_policy.md; amounts in 万元.
-- Rules with a `driver` are costed in scenarios from the standard model's yearly flows; the others
-- (projects, awards, registers) are evaluated on given values: policy:rule("R5").schedule:eval(1200).
local P = require "tuiyan.policy"

local W = {}

W.RULES = {
  -- costed from the standard model: recognitions of year Y are paid from the budget of Y+1
  { id = "R7a", label = "新认定高新技术企业 one-off per newly recognised high-tech enterprise",
    schedule = { shape = "per_unit", amount = 20, lag = 1 }, driver = "hte_certified" },
  { id = "R7d", label = "省级科技创新型企业 one-off per newly recognised provincial S&T enterprise",
    schedule = { shape = "per_unit", amount = 5, lag = 1 }, driver = { "sme_promotions", "prov_direct" } },
  { id = "R16c", label = "高价值发明专利 per high-value invention patent recognised last year",
    schedule = { shape = "per_unit", amount = 1, lag = 1 }, driver = "hv_patents_new" },

  -- evaluated on given values
  { id = "R3", label = "揭榜挂帅 project: 10–20 % of a total >= 300, at most 100",
    schedule = { shape = "rate", threshold = 300, bound = "at_least", rate_lo = 0.10, rate_hi = 0.20, max = 100 } },
  { id = "R3b", label = "national/provincial plan project > 100: city matches 10 %, at most 200",
    schedule = { shape = "rate", threshold = 100, bound = "above", rate = 0.10, max = 200 } },
  { id = "R5", label = "indirect costs on direct costs less equipment: 30 % / 25 % / 20 % by band",
    schedule = { shape = "marginal", thresholds = { 0, 500, 1000 }, rates = { 0.30, 0.25, 0.20 } } },
  { id = "R5b", label = "reward funds 10–20 % of stable basic-research funds",
    schedule = { shape = "rate", rate_lo = 0.10, rate_hi = 0.20 } },
  { id = "R7b_factory", label = "smart factory one-off", schedule = { shape = "per_unit", amount = 50, lag = 1 } },
  { id = "R7b_workshop", label = "digital workshop one-off", schedule = { shape = "per_unit", amount = 20, lag = 1 } },
  { id = "R7c_national", label = "national 专精特新小巨人 one-off", schedule = { shape = "per_unit", amount = 20, lag = 1 } },
  { id = "R7c_provincial", label = "provincial 专精特新 SME one-off", schedule = { shape = "per_unit", amount = 10, lag = 1 } },
  { id = "R7e", label = "city-level S&T innovative enterprise one-off", schedule = { shape = "per_unit", amount = 3, lag = 1 } },
  { id = "R8", label = "above-scale industrial enterprise by annual internal R&D (万元)",
    schedule = { shape = "step", thresholds = { 500, 1000, 2000, 10000 }, amounts = { 10, 20, 50, 100 },
      bound = "at_least", lag = 1 } },
  { id = "R8b", label = "first use of the R&D super-deduction, deducted amount > 50",
    schedule = { shape = "step", thresholds = { 50 }, amounts = { 5 }, bound = "above" } },
  { id = "R13", label = "enterprise innovation consortium: 50 a year for 3 years",
    schedule = { shape = "per_unit", amount = 50, recurring = 3 } },
  { id = "R15", label = "cross-region technology transfer: city adds 50",
    schedule = { shape = "per_unit", amount = 50 } },
  { id = "R19", label = "S&T commissioner working funds, per person-year",
    schedule = { shape = "per_unit", amount = 1 } },
}

--- policy() -> the Wuwei policy (a fresh object: scenarios may change a rule's setting).
function W.policy()
  return P.new{ name = "wuwei", rules = W.RULES }
end

return W
