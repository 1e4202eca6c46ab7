-- scenarios/wuwei_hte.lua — extra high-tech certifications a year: what they do to the high-tech
-- count and the other indicators the model links to them, against the baseline.
--
--   tuiyan run scenarios/wuwei_hte.lua [EXTRA_PER_YEAR] [--format F] [--out DIR]
local S = tuiyan.scenario
local extra = tonumber(arg[1] or "10")
if not extra or extra < 0 then tuiyan.fail("usage", "EXTRA_PER_YEAR must be a number >= 0, got %s", tostring(arg[1])) end
local plan = assert(tuiyan.plan.load())
local model = require("tuiyan.models.wuwei").build()
local why = model:check_value("extra_hte", extra)   -- the lever's declared bounds
if why then tuiyan.fail("usage", "EXTRA_PER_YEAR: %s", why) end
local base = S.new{ name = "baseline", model = model }
local hte = base:derive{ name = ("hte+%s"):format(tuiyan.format.value(extra)), set = { extra_hte = S.from(2022, extra) } }
local cmp = tuiyan.compare.compare{ scenarios = { base, hte }, years = { 2022, 2023, 2024, 2025 }, plan = plan,
  policy = require("tuiyan.policy.wuwei").policy(),
  title = ("%s extra high-tech certifications a year from 2022 / 每年新增高企认定"):format(tuiyan.format.value(extra)) }
tuiyan.report.emit(cmp, "wuwei_hte")
