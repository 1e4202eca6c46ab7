-- tuiyan.policy.wuwei_firms — which rules of the Wuwei support policy (tuiyan.policy.wuwei) a
-- register can price firm by firm, and on which columns (docs/registers.md "Payments and
-- reforms"). The amounts and payment lags are the policy's own schedules; this file only says
-- what x is for each firm-year, what condition it must meet, and how the event's year relates to
-- the application year. Every reading that is not in the text is labelled ASSUMPTION.
--
-- Each firm rule: `rule` (the policy rule id), `x` (the column the schedule is evaluated on; nil:
-- one unit per firm), `check` (criteria set whose `qualifies` verdict is a condition), `flag`
-- (a yes/no column that must be yes; `flag_optional`: used only when the register has it),
-- `unless` (a yes/no column that excludes when yes; used when the register has it), `once` (one
-- payment per firm: its earliest qualifying row), `shift` (the event's year − the application
-- year), `basis` and `assumptions` (shown in every report).
return {
  policy = "wuwei",
  rules = {
    { rule = "R7a", check = "hte", unless = "hte_certified", once = true, shift = 0,
      basis = "四(二)7 對新認定的高新技術企業給予20萬元一次性補助; 列入次年市級財政預算: a firm-year that meets "
        .. "every 高企 criterion (register check hte) is recognised in its application year and paid the next year",
      assumptions = {
        "ASSUMPTION: meeting the criteria in the register is read as being recognised (认定) in the application year",
        "ASSUMPTION: a firm already holding a certificate (hte_certified yes) is not newly recognised; an empty "
          .. "hte_certified cell, or a register without the column, counts as no certificate",
        "ASSUMPTION: 新认定 pays once per firm (统一社会信用代码): its earliest qualifying application year",
      } },
    { rule = "R8", x = "rd_3", flag = "x_above_scale", flag_optional = true, shift = -1,
      basis = "四(二)8 年度研發經費內部支出…的規上工業企業: the step schedule on the latest year's R&D (rd_3, the "
        .. "year before the application year), paid in that year (列入市級財政預算, no 次年: lag 0)",
      assumptions = {
        "ASSUMPTION: R&D expenses (rd_3) are taken as 研发经费内部支出",
        "ASSUMPTION: without an x_above_scale column every firm of the register is taken as a 规上工业企业; "
          .. "with it, only firms marked yes",
        "ASSUMPTION: 一次性 is read as one lump sum per year's R&D; each row pays for its latest year (rd_3) only",
      } },
  },
  -- The firm-level rules of §四 that a register's columns cannot price, and why.
  not_computable = {
    { id = "R7b_factory, R7b_workshop", why = "smart factory / digital workshop recognition: no register column" },
    { id = "R7c_national, R7c_provincial", why = "专精特新 recognition: no register column" },
    { id = "R7d, R7d_demo", why = "省级科技创新型企业 / 技术创新示范企业 is a provincial recognition of its own, not "
        .. "the 科技型中小企业 evaluation (tsme) the register checks" },
    { id = "R7e", why = "市级科技创新型企业 recognition: no register column" },
    { id = "R8b", why = "the super-deduction's deducted amount and whether it is the first use: no register column" },
    { id = "R12a, R12b_*", why = "the award column says an award in five years, not the year won nor the prize level" },
    { id = "R16c", why = "ip_invention counts invention patents, not high-value ones recognised last year" },
    { id = "R3, R3b, R13, R15, R17a, R17b", why = "paid per project, consortium, transfer or person, not per firm-year" },
    { id = "R9–R11, R16a, R16b, R16d, R16e, R19", why = "platforms, zones, brands and commissioners: not firms of a register" },
    { id = "R5, R5b, R18", why = "ceilings and a check: nothing is paid" },
  },
}
