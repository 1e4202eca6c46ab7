-- tuiyan.criteria.hte — the high-tech enterprise certification criteria (高新技术企业认定管理办法,
-- 国科发火〔2016〕32号, 第十一条; the 工作指引, 国科发火〔2016〕195号, where it fixes a count) as
-- data: tuiyan.register evaluates them over a whole register in the C core (docs/registers.md).
--
-- Each criterion: kind "value" (Σ num), "ratio" (Σ num / Σ den) or "days" (at − registered);
-- op; threshold, or bands (the threshold by the value of `by`: the first band whose edge the value
-- does not exceed, edges included in the lower band, as the text's "（含）" says); unit of the value
-- (share: a fraction shown as %); shortfall_unit, the unit of what must change; integer: the
-- shortfall in whole units; pairwise: a year whose num and den are both empty is skipped (a firm
-- younger than three years); skip_empty: den sums the columns that have a value; optional: when
-- the register has no such column, reported as not assessed instead of failing the firm.
-- Not encoded (a register holds no such data): 第十一条（三） the technology's field, （八） no
-- major accident in the year before.
return {
  id = "hte",
  name = "高新技术企业认定条件",
  source = "高新技术企业认定管理办法（国科发火〔2016〕32号）第十一条",
  criteria = {
    { id = "registered", name = "注册成立一年以上", kind = "days", num = "registered", at = "applied",
      op = ">=", threshold = 365, unit = "天", shortfall_unit = "天", integer = true,
      what = "days registered",
      source = "第十一条（一）；工作指引：注册成立365个日历天数以上（申请之日；无申报日期时按申报年度12月31日）" },
    { id = "ip", name = "拥有核心知识产权", kind = "value", num = "ip_core", op = ">=", threshold = 1,
      unit = "项", shortfall_unit = "项", integer = true, what = "core IP",
      source = "第十一条（二）" },
    { id = "st_staff", name = "科技人员占职工总数比例不低于10%", kind = "ratio", num = "st_staff",
      den = "staff", op = ">=", threshold = 0.10, unit = "share", shortfall_unit = "人", integer = true,
      what = "S&T staff",
      source = "第十一条（四）" },
    { id = "rd_ratio", name = "近三个会计年度研究开发费用占销售收入比例", kind = "ratio",
      num = { "rd_1", "rd_2", "rd_3" }, den = { "revenue_1", "revenue_2", "revenue_3" }, pairwise = true,
      op = ">=", bands = { by = "revenue_3", edges = { 5000, 20000 }, thresholds = { 0.05, 0.04, 0.03 } },
      unit = "share", shortfall_unit = "万元", what = "R&D over three years",
      source = "第十一条（五）：最近一年销售收入5,000万元（含）以下不低于5%，5,000万元至2亿元（含）不低于4%，2亿元以上不低于3%（实际经营不满三年的按实际经营时间）" },
    { id = "rd_domestic", name = "境内研究开发费用占全部研究开发费用比例不低于60%", kind = "ratio",
      num = "rd_domestic", den = { "rd_1", "rd_2", "rd_3" }, skip_empty = true, op = ">=", threshold = 0.60,
      unit = "share", shortfall_unit = "万元", what = "R&D spent in China",
      source = "第十一条（五）" },
    { id = "hitech_revenue", name = "近一年高新技术产品（服务）收入占同期总收入比例不低于60%",
      kind = "ratio", num = "hitech_revenue", den = "revenue_3", op = ">=", threshold = 0.60,
      unit = "share", shortfall_unit = "万元", what = "high-tech product revenue",
      source = "第十一条（六）（总收入 taken as the latest year's sales revenue, revenue_3: an assumption)" },
    { id = "score", name = "企业创新能力评价70分以上（不含70分）", kind = "value", num = "score",
      op = ">", threshold = 70, unit = "分", shortfall_unit = "分", integer = true, optional = true,
      what = "innovation score",
      source = "第十一条（七）；工作指引：综合得分达到70分以上（不含70分）" },
  },
}
