-- scenarios/wuwei_fiscal.lua — fiscal S&T spending raised by x % from 2022: the fiscal shares,
-- R&D intensity and the indicators that follow R&D, against the baseline, with the cost: the raise
-- itself (city and county fiscal S&T spending above the baseline) plus the support rules' payments.
--
--   tuiyan run scenarios/wuwei_fiscal.lua [RAISE_PERCENT] [--format F] [--out DIR]
local S = tuiyan.scenario
local pct = tonumber(arg[1] or "20")
if not pct or pct < 0 then tuiyan.fail("usage", "RAISE_PERCENT must be a number >= 0, got %s", tostring(arg[1])) end
local plan = assert(tuiyan.plan.load())
local model = require("tuiyan.models.wuwei").build()
local why = model:check_value("fiscal_raise_pct", pct)   -- the lever's declared bounds
if why then tuiyan.fail("usage", "RAISE_PERCENT: %s", why) end
local base = S.new{ name = "baseline", model = model }
local fiscal = base:derive{ name = ("fiscal+%s%%"):format(tuiyan.format.value(pct)), set = { fiscal_raise_pct = pct } }
local cmp = tuiyan.compare.compare{ scenarios = { base, fiscal }, years = { 2022, 2025 }, plan = plan,
  policy = require("tuiyan.policy.wuwei").policy(),
  title = ("Fiscal S&T spending +%s%% from 2022 / 财政科技支出提高"):format(tuiyan.format.value(pct)) }
tuiyan.report.emit(cmp, "wuwei_fiscal")
