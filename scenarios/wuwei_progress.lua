-- scenarios/wuwei_progress.lua — the main job: where each Wuwei indicator stands against its 2022
-- and 2025 targets, and the change per year and growth rate now required.
--
--   tuiyan run scenarios/wuwei_progress.lua [PLAN.csv] [--as-of YEAR] [--format F] [--out DIR]
--
-- Without a plan argument it uses the Wuwei 2021–2025 table embedded in tuiyan.
local plan = assert(tuiyan.plan.load(arg[1]))
local progress = plan:progress{ as_of = tuiyan.options.as_of }
tuiyan.report.emit(progress, "wuwei_progress")
