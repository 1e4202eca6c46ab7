-- tuiyan.scenarios.wuwei — the standard Wuwei scenarios shared by the scenario scripts:
-- a baseline (no new policy), extra high-tech certifications, a rise in fiscal S&T spending, and
-- both together. Lever sizes can be changed with --set (e.g. --set extra_hte=15).
local S = tuiyan.scenario
local W = require "tuiyan.models.wuwei"

local M = {}

M.EXTRA_HTE = 10           -- extra certifications a year from 2022
M.FISCAL_RAISE_PCT = 20    -- fiscal S&T spending raised by 20 % from 2022

function M.build()
  local model = W.build()
  local baseline = S.new{ name = "baseline", model = model,
    label = "current trends and the assumptions of the standard model" }
  local hte = baseline:derive{ name = "hte+" .. M.EXTRA_HTE, set = { extra_hte = S.from(2022, M.EXTRA_HTE) },
    label = ("%d extra high-tech certifications a year from 2022"):format(M.EXTRA_HTE) }
  local fiscal = baseline:derive{ name = "fiscal+" .. M.FISCAL_RAISE_PCT .. "%",
    set = { fiscal_raise_pct = M.FISCAL_RAISE_PCT },
    label = ("city and county fiscal S&T spending raised by %d %% from 2022"):format(M.FISCAL_RAISE_PCT) }
  local both = S.combine{ name = "both", hte, fiscal, label = "both levers together" }
  return { model = model, baseline = baseline, hte = hte, fiscal = fiscal, both = both,
    list = { baseline, hte, fiscal, both } }
end

return M
