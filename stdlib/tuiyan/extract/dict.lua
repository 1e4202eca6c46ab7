-- stdlib/tuiyan/extract/dict.lua — the words tuiyan.extract reads plan documents with, as data.
-- Everything here is in simplified characters: the text is converted (extract/t2s.lua) before
-- it is matched. Edit this file to teach the extractor a new indicator, unit or verb.
local D = {}

-- Indicators: id (stable ASCII), the unit it is usually counted in, and the names and synonyms a
-- document uses. A target's subject (the words before its number) is matched against every
-- synonym; the longest synonym found wins; a synonym whose entry has a unit counts only when the
-- target's own unit agrees (研发经费投入 in 亿元 is not R&D intensity in %). Matching ignores
-- ASCII case (gdp = GDP) and the words in D.FILLERS.
D.INDICATORS = {
  { id = "sci_progress_contribution", unit = "%", names = { "科技进步贡献率" } },
  { id = "innovation_index", unit = "%", names = { "综合科技创新水平指数", "综合科技进步水平指数" } },
  { id = "enterprise_rd_share", unit = "%", names = { "企业研发经费支出占全社会研发经费支出的比重",
      "企业研发经费支出占全社会研发经费支出比重", "企业研发经费投入占比" } },
  { id = "rd_intensity", unit = "%", names = { "研发投入强度", "研发经费投入强度", "R&D经费投入强度",
      "研发经费支出占地区生产总值的比重", "研发经费支出占地区生产总值比重", "研发经费投入占GDP比重",
      "研发经费投入占GDP的比重", "研发经费支出占GDP比重", "研发经费投入占地区生产总值比重",
      "研发经费投入完成占GDP比重" } },
  { id = "city_fiscal_st_share", unit = "%", names = { "市本级财政科技支出占一般公共预算支出比重",
      "市级财政科技支出占一般公共预算支出比重" } },
  { id = "county_fiscal_st_share", unit = "%", names = { "县区财政科技支出占一般公共预算支出比重",
      "县本级财政科技支出占一般公共预算支出比重", "县级财政科技支出占一般公共预算支出比重" } },
  { id = "fiscal_st_share", unit = "%", names = { "财政科技支出占一般公共预算支出比重",
      "财政科技支出占比" } },
  { id = "industrial_rd_revenue_ratio", unit = "%", names = { "规模以上工业企业研发经费支出占营业收入比重",
      "规模以上工业企业研发经费支出占营业收入", "规上工业企业研发经费支出占营业收入比重" } },
  { id = "industrial_rd_active_share", unit = "%", names = { "规模以上工业企业有研发活动的占比",
      "有R&D活动的规模以上工业企业占比", "有研发活动的规模以上工业企业占比" } },
  { id = "rd_personnel_per_10k", unit = "人年", names = { "万人R&D人员数", "万人研发人员数" } },
  { id = "hv_patents_per_10k", unit = "件", names = { "每万人口高价值发明专利拥有量", "万人高价值发明专利拥有量" } },
  { id = "invention_patents_per_10k", unit = "件", names = { "每万人口发明专利拥有量", "万人发明专利拥有量" } },
  { id = "new_product_sales_share", unit = "%", names = { "新产品销售收入占企业营业收入比重",
      "新产品销售收入占营业收入比重" } },
  { id = "tech_contract_turnover", unit = "亿元", names = { "技术合同成交额", "技术合同交易额",
      "技术合同成交金额", "技术合同登记额" } },
  { id = "hte_new", unit = "家", names = { "新增高新技术企业", "新认定高新技术企业" } },
  { id = "hte_count", unit = "家", names = { "高新技术企业", "国家高新技术企业", "高新技术企业数", "高企" } },
  { id = "prov_st_enterprises", unit = "家", names = { "省级科技创新型企业" } },
  { id = "tech_smes", unit = "家", names = { "科技型中小企业", "评价入库科技型中小企业" } },
  { id = "zjtx_smes", unit = "户", names = { "专精特新中小企业" } },
  { id = "little_giants", unit = "户", names = { "专精特新“小巨人”企业", "专精特新小巨人企业", "“小巨人”企业" } },
  { id = "hitech_output", unit = "亿元", names = { "高新技术产业产值" } },
  { id = "hitech_va_share", unit = "%", names = { "高新技术产业增加值占GDP比重", "高新技术产业增加值占GDP的比重",
      "高新技术产业增加值占地区生产总值比重" } },
  { id = "hitech_va", unit = "亿元", names = { "高新技术产业增加值" } },
  { id = "achievements_registered", unit = "项", names = { "科技成果登记" } },
  { id = "tech_brokers_trained", unit = "人", names = { "技术经纪人", "技术经纪(经理)人", "技术经理人" } },
  { id = "st_awards", unit = "项", names = { "科技奖励", "科学技术奖" } },
  { id = "st_special_envoys", unit = "名", names = { "科技特派员" } },
  { id = "st_commissioners", unit = "名", names = { "科技专员" } },
  { id = "innovation_consortia", unit = "个", names = { "企业创新联合体", "创新联合体" } },
  { id = "foreign_talent", unit = "名", names = { "外国高端人才和专业人才", "外国高端人才", "外国专家" } },
  { id = "fiscal_st_spending", unit = "万元", names = { "财政科技支出" } },
  { id = "research_units_stat", unit = "家", names = { "纳统科学研究与技术推广单位" } },
  { id = "transfer_institutions", unit = "家", names = { "技术转移示范机构" } },
  { id = "prov_rd_award_funds", unit = "万元", names = { "省级研发奖补资金" } },
  { id = "innovative_counties_new", unit = "个", names = { "创新型县市", "创新型县(市、区)", "创新型县区" } },
  { id = "incubators", unit = "家", names = { "科技企业孵化器", "孵化器" } },
  { id = "maker_spaces", unit = "家", names = { "众创空间" } },
}

-- Units a target's number may carry, longest first (so 个百分点 is not 个, 亿元 not 元).
-- `unit` is the plan's unit for the row; points = true marks a point change (个百分点).
D.UNITS = {
  { text = "个百分点", unit = "%", points = true }, { text = "百分点", unit = "%", points = true },
  { text = "亿元", unit = "亿元" }, { text = "万元", unit = "万元" }, { text = "万人", unit = "万人" },
  { text = "人次", unit = "人次" }, { text = "人年", unit = "人年" }, { text = "%", unit = "%" },
  { text = "家", unit = "家" }, { text = "个", unit = "个" }, { text = "项", unit = "项" },
  { text = "名", unit = "名" }, { text = "人", unit = "人" }, { text = "件", unit = "件" },
  { text = "户", unit = "户" }, { text = "所", unit = "所" }, { text = "座", unit = "座" },
  { text = "条", unit = "条" }, { text = "篇", unit = "篇" }, { text = "台", unit = "台" },
  { text = "套", unit = "套" }, { text = "亩", unit = "亩" }, { text = "吨", unit = "吨" },
  { text = "元", unit = "元" },
}

-- Units that count the same thing: a head count in 人 or 名 (外国人才达12名 … 达12人) is one
-- indicator; the row keeps the dictionary's unit.
D.SAME_UNITS = { ["人"] = "people", ["名"] = "people" }

-- Verbs and comparisons that make a number a target. kind: what the verb does to the cell.
--   level  : 达到 N (written before the number in the cell)     new   : 新增 N (a flow, 新增 in the cell)
--   count  : a verb that counts things (选派, 组建…): the cell is the number alone
--   gt/ge/le/lt : a comparison word before the number (突破 N = > N)
--   change : 提高/增长 (points with 个百分点, growth with %)
-- cell: the word the cell is written with (the target grammar's word for it), when it differs.
-- Longest first: 新培育 before 培育, 不低于 before 低于.
D.VERBS = {
  { text = "新培育", kind = "new" }, { text = "新认定", kind = "new" }, { text = "新增", kind = "new" },
  { text = "培育", kind = "new" },
  { text = "达到", kind = "level" }, { text = "到达", kind = "level", cell = "达到" },
  { text = "不低于", kind = "ge" }, { text = "不少于", kind = "ge" }, { text = "不小于", kind = "ge" },
  { text = "不高于", kind = "le" }, { text = "不超过", kind = "le" }, { text = "控制在", kind = "le" },
  { text = "突破", kind = "gt" }, { text = "超过", kind = "gt" },
  { text = "提高", kind = "change" }, { text = "提升", kind = "change" }, { text = "增长", kind = "change" },
  { text = "增加", kind = "change" },
  { text = "完成", kind = "level" }, { text = "实现", kind = "level" },
  { text = "选派", kind = "count" }, { text = "组建", kind = "count" }, { text = "设立", kind = "count" },
  { text = "培养", kind = "count" }, { text = "引进", kind = "count" }, { text = "登记", kind = "count" },
  { text = "获批", kind = "count" }, { text = "获", kind = "count" }, { text = "建成", kind = "count" },
  { text = "安排", kind = "count" }, { text = "上争", kind = "count" }, { text = "申报", kind = "count" },
  { text = "达", kind = "level" }, { text = "破", kind = "gt", cell = "突破" },
}

-- Words after a number: comparisons (以上 = at least). `的` right after them makes the number a
-- condition (1亿元以上的企业), never a target.
D.SUFFIXES = { { text = "以上", op = "ge" }, { text = "以内", op = "le" }, { text = "以下", op = "le" } }

-- A clause holding one of these is a rule about money or shares handed out, not a target.
D.RULE_WORDS = { "给予", "予以", "补助", "一次性", "工作经费", "奖励给", "最高" }
-- A clause holding one of these states a condition (1亿元以上的企业), not a target.
D.CONDITIONS = { "以上的", "以下的", "以内的", "超过的" }
-- A sentence holding one of these is a rule (比例 of rewards, ages, …), not a target.
D.RULE_SENTENCE_WORDS = { "比例" }
-- A clause starting with these is a rule per item (单个项目…不低于300万元).
D.PER_ITEM = { "单个", "每个", "每人", "每户", "每件", "每家", "每项" }
-- Words before a number that make it a list count or an ordinal, never a target.
D.NOT_BEFORE = { "等", "第", "近", "约", "前" }

-- Words dropped from a subject before it is named and matched: they add nothing to the indicator.
D.FILLERS = { "力争", "确保", "到", "全市", "全县", "全区", "全州", "争取", "努力", "进一步", "基本",
  "大力支持", "支持", "推动", "指导", "催促", "成功", "实现", "完成", "分别", "总量", "累计", "同比",
  "年均", "年度", "每年", "加快", "全年", "今年", "明年", "其中" }

-- Milestones: a verb and the kinds of things whose creation or acceptance is the target.
D.MILESTONE_VERBS = { { text = "创立", cell = "获批" }, { text = "创建", cell = "获批" },
  { text = "获批", cell = "获批" }, { text = "建成", cell = "建成" }, { text = "启动", cell = "完成" } }
D.MILESTONE_OBJECTS = { "县市", "县区", "县", "高新区", "园区", "基地", "孵化器", "众创空间", "窗口", "中心",
  "实验室", "示范区", "体系", "工作", "平台", "机构" }
-- Before a milestone verb these make it an effort under way, not a result (加快创立).
D.MILESTONE_NOT_AFTER = { "加快", "推进", "积极", "争取" }
-- The thing created must not be one of these (创立工作, 创立等方面).
D.MILESTONE_BAD_OBJECT_START = { "等", "工作", "年度", "再", "、" }

-- Year phrases. Periods name their years.
-- Multiples (the target grammar's words, longest first): the subject before them is the indicator
-- (高新技术企业数量实现倍增). Followed by one of D.MULTIPLE_NAMES they name a programme
-- (“高新技术企业倍增计划”), not a target.
D.MULTIPLES = { "翻两番", "翻二番", "翻三番", "翻一番", "翻番", "倍增" }
D.MULTIPLE_NAMES = { "计划", "行动", "工程", "方案", "专项", "试点", "目标", "培育" }

-- Ranks: 前N位 / 前N名 / 前N强 / 第N位 / 第N名, counted only after one of these words in the clause
-- (排名进入全省前5位, 位居全省第2位), so an ordinal (第5届) or 前3季度 is never a rank.
D.RANK_WORDS = { "排名", "排位", "进入", "位居", "位列", "跻身", "保持", "稳居", "居" }

-- Durations (用三年时间, 三年内, 未来三年): the years from the plan's first year; written after
-- normalising, so 三年 is 3年. The number is N; the phrase gives the years first .. first+N-1.
D.DURATIONS = { "用(%d+)年左右时间", "用(%d+)年时间", "(%d+)年内", "未来(%d+)年", "(%d+)年时间", "(%d+)年新增",
  "(%d+)年累计", "(%d+)年倍增", "(%d+)年翻" }

D.PERIODS = { ["十四五"] = { 2021, 2025 }, ["十五五"] = { 2026, 2030 }, ["十三五"] = { 2016, 2020 } }

-- Names whose row counts amounts: their unit when the text writes none (a growth target).
D.AMOUNT_UNITS = { { suffix = "总金额", unit = "亿元" }, { suffix = "金额", unit = "亿元" },
  { suffix = "家数", unit = "家" }, { suffix = "个数", unit = "个" }, { suffix = "人数", unit = "人" },
  { suffix = "资金", unit = "万元" }, { suffix = "支出", unit = "万元" }, { suffix = "经费", unit = "万元" },
  { suffix = "投入", unit = "万元" } }

return D
