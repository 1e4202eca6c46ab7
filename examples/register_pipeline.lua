-- examples/register_pipeline.lua — the pool feeds the plan (docs/registers.md "From the pool to the
-- plan"): a register of three years gives the pipeline's rates, the standard model runs with them
-- in place of its judgement, and the register projected firm by firm gives the next year's
-- high-tech count beside the model's.
--
--   tuiyan run examples/register_pipeline.lua [REGISTER.csv]
--
-- The default register is SYNTHETIC (tools/gen_register.py --pipeline --firms 110 --certified 0.55
-- --promotion 0.2 --renewal 0.85 --seed 7: made from known rates, not Wuwei's firms), about the size
-- of Wuwei's pipeline (67 certified firms and 43 in the pool in 2022). Its figures show the
-- method, not the city.
local W = require "tuiyan.models.wuwei"
local fmt = tuiyan.format

local path = arg and arg[1] or "examples/data/registers/wuwei_pipeline_SYNTHETIC.csv"
local reg = assert(tuiyan.register.load(path))
local P = assert(reg:pipeline())
tuiyan.report.emit(P:rates_table(), "pipeline_rates")
tuiyan.report.emit(P:bands_table(), "pipeline_bands")

-- The same model twice: its judgement defaults, and the rates estimated from the register.
local judged = tuiyan.scenario.new{ name = "judgement", model = W.build() }
local model, used, kept = P:use_in(W.build())
local estimated = tuiyan.scenario.new{ name = "register", model = model }
print("Parameters estimated from the register (in the assumptions list in place of judgement):")
for _, u in ipairs(used) do
  print(("  %-20s %-8s was %s"):format(u.name, fmt.value(u.value, 4), fmt.value(judged.model:element(u.name).body, 4)))
end
for _, k in ipairs(kept) do print(("  %-20s judgement kept: %s"):format(k.name, k.why)) end

local plan = tuiyan.plan.load()
local function mc(s)
  return tuiyan.mc.run{ scenario = s, plan = plan, samples = 1000, seed = 1, track = { "hte_count" }, years = { 2025 },
    quantiles = { 0.05, 0.95 } }
end
local mj, me = mc(judged), mc(estimated)
print()
print(("高新技术企业 2025 (the plan's target %s 家):"):format(fmt.value(mj:get("hte_count", 2025).target)))
for _, x in ipairs{ { "judgement defaults", judged, mj }, { "estimated from the register", estimated, me } } do
  local g = x[3]:get("hte_count", 2025)
  print(("  %-28s model %6s 家; Monte Carlo 90%% %s–%s, P(达标) %s"):format(x[1], fmt.value(x[2]:run():get("hte_count", 2025), 1),
    fmt.value(g.q[1], 1), fmt.value(g.q[#g.q], 1), fmt.percent(g.p, 1)))
end

local pr = P:project{ level = 0.9 }   -- the Monte Carlo's 90 % above
print()
print(("The register projected to %d, firm by firm: %s 家 expected (sd %s; %g%% interval %d–%d)"):format(pr.year,
  fmt.value(pr.mean, 1), fmt.value(pr.sd, 1), pr.level * 100, pr.lo, pr.hi))
print(("  certified firms staying %s, certificates renewed %s, candidates certified %s, arriving certified %s"):format(
  fmt.value(pr.parts.kept, 1), fmt.value(pr.parts.renewed, 1), fmt.value(pr.parts.candidates, 1), fmt.value(pr.parts.arrived, 1)))
print(("  the register holds %d certified firms in %d; the model, started from the plan's 59 in 2021, has %s in %d."):format(
  pr.certified_now, pr.from, fmt.value(estimated:run():get("hte_count", pr.from), 1), pr.from))
print("  The interval takes the rates as known (firm-by-firm chance only); the Monte Carlo above carries their uncertainty.")
