-- wuwei.criteria — the city's own 市级高企后备 criteria, carried by the package in the form of
-- tuiyan's stdlib/tuiyan/criteria/hte.lua: a firm the city coaches has core IP, S&T staff of at
-- least 10 % and R&D of at least 3 % of revenue over three years. ILLUSTRATIVE: the thresholds
-- are the example's, not a bureau's rule.
return {
  id = "wuwei_pool",
  name = "武威市高企后备入库条件（示例）",
  source = "示例：市科技局自定，非正式文件",
  criteria = {
    { id = "ip", name = "拥有核心知识产权", kind = "value", num = "ip_core", op = ">=", threshold = 1,
      unit = "项", shortfall_unit = "项", integer = true, what = "core IP" },
    { id = "st_staff", name = "科技人员占比不低于10%", kind = "ratio", num = "st_staff", den = "staff",
      op = ">=", threshold = 0.10, unit = "share", shortfall_unit = "人", integer = true, what = "S&T staff" },
    { id = "rd_ratio", name = "近三年研发费用占销售收入不低于3%", kind = "ratio",
      num = { "rd_1", "rd_2", "rd_3" }, den = { "revenue_1", "revenue_2", "revenue_3" }, pairwise = true,
      op = ">=", threshold = 0.03, unit = "share", shortfall_unit = "万元", what = "R&D over three years" },
  },
}
