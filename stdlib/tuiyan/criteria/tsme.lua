-- tuiyan.criteria.tsme — the 科技型中小企业 criteria (科技型中小企业评价办法, 国科发政〔2017〕115号)
-- as data, in the form of tuiyan.criteria.hte (read its header). The score criterion is met by
-- either a score of at least 60 or one of 第八条's direct routes (any_of: a yes in any of those
-- columns). Not encoded (a register holds no such data): 第六条（一）（三）（四）, and （五）'s
-- condition that the S&T staff sub-score is not 0.
return {
  id = "tsme",
  name = "科技型中小企业评价条件",
  source = "科技型中小企业评价办法（国科发政〔2017〕115号）第六条、第八条",
  criteria = {
    { id = "staff", name = "职工总数不超过500人", kind = "value", num = "staff", op = "<=",
      threshold = 500, unit = "人", shortfall_unit = "人", integer = true, what = "staff",
      source = "第六条（二）" },
    { id = "revenue", name = "年销售收入不超过2亿元", kind = "value", num = "revenue_3", op = "<=",
      threshold = 20000, unit = "万元", shortfall_unit = "万元", what = "revenue",
      source = "第六条（二）" },
    { id = "assets", name = "资产总额不超过2亿元", kind = "value", num = "assets", op = "<=",
      threshold = 20000, unit = "万元", shortfall_unit = "万元", what = "assets",
      source = "第六条（二）" },
    { id = "score", name = "综合评价得分不低于60分（或直接确认）", kind = "value", num = "tsme_score",
      op = ">=", threshold = 60, unit = "分", shortfall_unit = "分", integer = true,
      any_of = { "hte_certified", "award", "rd_institution", "standard_led" }, what = "evaluation score",
      source = "第六条（五）；第八条：有效期内高新技术企业资格证书、近五年国家级科技奖励（前三名）、省部级以上研发机构、近五年主导制定国际/国家/行业标准之一的，直接确认" },
  },
}
