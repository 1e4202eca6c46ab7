-- lua/help.lua — the text of `tuiyan --help` and `tuiyan help TOPIC`.
local M = {}

local USAGE = [[
tuiyan — policy analysis for science-and-technology plans (推演)

usage:
  tuiyan                               interactive REPL (also: tuiyan repl)
  tuiyan run SCRIPT.lua [ARGS...]      run a script (it sees `arg` and `tuiyan`)
  tuiyan progress [PLAN.csv|.json]     progress report (default: embedded Wuwei 2021–2025 plan)
  tuiyan --version | --help | help TOPIC

options:
%s
exit codes: 0 ok · 1 script error · 2 usage · 3 bad input data · 4 package verification ·
            5 limit exceeded · 6 output not written · 70 internal error

topics: progress, plan, run, exit
]]

local TOPICS = {
  progress = [[
tuiyan progress [PLAN] [--as-of YEAR] [--format text|csv|json|md] [--out DIR] [--force]

For each indicator and target: base and latest actual, the change needed per year and the growth
rate needed from the latest actual to reach the target, the actual rate so far, the projection to
the target year, progress P = (projected − base)/(target − base), completion − time share (序时进度),
and a status: achieved, on_track (P ≥ 0.95), behind (0.10 ≤ P < 0.95), stalled, regressing,
no_trend (only one actual), missed (target year passed), no_data.
With --out DIR the report is written to DIR/progress.<ext>.
]],
  plan = [[
A plan file is CSV (UTF-8) with one row per indicator:
  id,name,unit                          required
  category,direction,measure,trend,     optional (direction up|down, measure level|flow,
  aggregate,owner,note,on_track,behind    trend cagr|linear|wls, aggregate sum|ratio|mean|none)
  actual_YYYY, target_YYYY              any number of years
An empty cell, -, —, N/A, NA or 无 is a missing value (never 0). Unknown columns are errors.
The same content can be written as JSON: {"name", "thresholds", "indicators": [{..., "actual":
{"2021": 55.35}, "target": {"2025": 65}}]}.
]],
  run = [[
tuiyan run SCRIPT.lua [ARGS...] [--out DIR] [--format F] [--set NAME=VALUE]... [--force]

The script is ordinary Lua 5.4 with the global `tuiyan` and `arg` ({[0]=script, ...}).
tuiyan.report.emit(obj, "name") prints a result, or with --out DIR stages DIR/name.<ext>;
staged results are written only if the whole script succeeds.
]],
  exit = [[
0 success · 1 script error (Lua error, with traceback) · 2 usage error · 3 bad input data
(file:line:col) · 4 package verification failed · 5 limit exceeded · 6 output could not be
written (nothing published) · 70 internal error
]],
}

function M.text(topic, options)
  if topic then
    return TOPICS[topic] or ("no help on '" .. topic .. "'; topics: progress, plan, run, exit\n")
  end
  local names = {}
  for k in pairs(options) do names[#names + 1] = k end
  table.sort(names)
  local lines = {}
  for _, k in ipairs(names) do
    local o = options[k]
    local left = "--" .. k .. (o.value and (" " .. o.value) or "")
    lines[#lines + 1] = ("  %-22s %s"):format(left, o.help)
  end
  return USAGE:format(table.concat(lines, "\n"))
end

return M
