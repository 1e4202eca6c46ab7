-- lua/calibrate_cli.lua — `tuiyan calibrate MODEL PLAN [--param NAME=LO..HI]... [--years A-B]
-- [--weight ID=W]... [--set NAME=VALUE]... [--format F] [--out DIR]`: fits the model's parameters to the plan's
-- actuals (stdlib/tuiyan/calibrate.lua) and reports estimates ± standard errors, the residual of
-- every indicator-year and (html, svg) charts of fitted against actual. With --out DIR the fit is
-- also written to DIR/fit.json, which Monte Carlo reads back (scenarios/wuwei_uncertainty.lua FIT).
--
-- MODEL: a standard model's name (wuwei: tuiyan.models.wuwei) or a Lua file returning a model, or
-- a table whose build(opts) makes one (then it can start at the first calibration year).
local host = require "_tuiyan.host"
local io_native = require "_tuiyan.io"

local M = {}

local USAGE = "tuiyan calibrate MODEL PLAN [--param NAME=LO..HI]... [--years A-B] [--weight ID=W]... [--format F] [--out DIR]"

local function usage(fmt, ...)
  require("_host.cli").usage_error(fmt, ...)
end

-- --param, --years and --weight are this command's own; the rest go to the common parser.
local function own_options(args)
  local rest, params, years, weights = {}, {}, nil, {}
  local what = { param = "NAME=LO..HI", years = "A-B", weight = "ID=W" }
  local i = 2
  while i <= #args do
    local a = args[i]
    local name, inline = a:match("^%-%-([%w%-]+)=(.*)$")
    name = name or a:match("^%-%-([%w%-]+)$")
    if what[name] then
      local v = inline
      if v == nil then
        i = i + 1
        v = args[i]
        if v == nil then usage("--%s needs a value (%s)", name, what[name]) end
      end
      if name == "param" then params[#params + 1] = v
      elseif name == "weight" then weights[#weights + 1] = v
      elseif years then usage("--years given twice")
      else years = v end
    elseif a == "--" then
      for j = i, #args do rest[#rest + 1] = args[j] end
      break
    else
      rest[#rest + 1] = a
    end
    i = i + 1
  end
  return rest, params, years, weights
end

local function parse_weights(list)
  if #list == 0 then return nil end
  local text = require "_tuiyan.text"
  local out = {}
  for _, s in ipairs(list) do
    local k, v = s:match("^([%a_][%w_]*)=(.+)$")
    if not k then usage("--weight expects ID=W (an indicator id and a number >= 0), got '%s'", s) end
    local w, why = text.parse_number(v)
    if type(w) ~= "number" or w < 0 then usage("--weight %s: '%s' is not a number >= 0%s", k, v, why and (": " .. why) or "") end
    if out[k] ~= nil then usage("--weight %s given twice", k) end
    out[k] = w
  end
  return out
end

local function parse_params(list)
  local text = require "_tuiyan.text"
  local out, names = {}, {}
  for _, s in ipairs(list) do
    local k, lo, hi = s:match("^([%a_][%w_]*)=(.-)%.%.(.+)$")
    if not k then
      k = s:match("^([%a_][%w_]*)$")
      if not k then usage("--param expects NAME=LO..HI (or NAME for its judgement range), got '%s'", s) end
    end
    if out[k] ~= nil then usage("--param %s given twice", k) end
    if lo then
      local a, why1 = text.parse_number(lo)
      local b, why2 = text.parse_number(hi)
      if type(a) ~= "number" then usage("--param %s: lower bound '%s': %s", k, lo, why1 or "not a number") end
      if type(b) ~= "number" then usage("--param %s: upper bound '%s': %s", k, hi, why2 or "not a number") end
      if a >= b then usage("--param %s=%s..%s: the lower bound must be below the upper", k, lo, hi) end
      out[k] = { a, b }
    else
      out[k] = true
    end
    names[#names + 1] = k
  end
  return #names > 0 and out or nil
end

local function parse_years(s)
  if s == nil then return nil end
  local a, b = s:match("^(%d%d%d%d)%-(%d%d%d%d)$")
  if not a then a, b = s:match("^(%d%d%d%d)%.%.(%d%d%d%d)$") end
  if not a then usage("--years expects A-B (e.g. 2016-2021), got '%s'", s) end
  a, b = math.tointeger(tonumber(a)), math.tointeger(tonumber(b))
  if a >= b then usage("--years %s: the first year must be before the last", s) end
  local out = {}
  for y = a, b do out[#out + 1] = y end
  return out
end

-- The model: a standard model by name, or a file returning a model or a builder.
local function load_model(spec)
  local is_file = spec:find("/", 1, true) or spec:match("%.lua$")
  local mod
  if is_file then
    if io_native.kind(spec) ~= "file" then usage("calibrate: model file %s not found", spec) end
    require("tuiyan.report").input(spec)
    local chunk, err = loadfile(spec, "t")
    if not chunk then error(host.error(host.exit.script, tostring(err)), 0) end
    mod = chunk()
  else
    local ok, m = pcall(require, "tuiyan.models." .. spec)
    if not ok then
      if tostring(m):find("not found", 1, true) then
        usage("calibrate: no standard model named '%s' (standard models: wuwei; or give a .lua file)", spec)
      end
      error(m, 0)
    end
    mod = m
  end
  if type(mod) == "table" and mod.elements and mod.compile then return mod end
  if type(mod) == "table" and type(mod.build) == "function" then return mod.build() end
  usage("calibrate: %s returns neither a model nor a table with build()", spec)
end

function M.main(args)
  local cli = require "_host.cli"
  local rest, param_list, years_text, weight_list = own_options(args)
  local opts, pos = cli.parse(rest, 1)
  if #pos ~= 2 then usage("calibrate needs a model and a plan: %s", USAGE) end
  local params = parse_params(param_list)
  local years = parse_years(years_text)
  local weights = parse_weights(weight_list)
  local fmt = opts.format or "text"
  if fmt == "csv" and not opts.out then usage("calibrate --format csv writes two tables (parameters, residuals): give --out DIR") end
  if fmt == "svg" and not opts.out then usage("calibrate --format svg writes one chart per indicator: give --out DIR") end
  local tuiyan = require "tuiyan"
  tuiyan.options = opts
  _G.tuiyan = tuiyan   -- model files (and the standard models) use the global, as scripts do
  local set
  if #opts.set > 0 then
    set = {}
    for _, k in ipairs(opts.set) do set[k] = opts.set[k] end
    opts.set = {}   -- given to the fit itself, not to scenarios
  end
  return cli.with_results(opts, { pos[1], pos[2] }, function()
    local model = load_model(pos[1])
    local plan, err = tuiyan.plan.load(pos[2])
    if not plan then error(err, 0) end
    local fit = tuiyan.calibrate.run(model, { plan = plan, params = params, years = years, set = set,
      weights = weights, plan_label = pos[2] })
    local report = tuiyan.report
    if fmt == "json" then
      report.emit(fit, "fit")
      return
    end
    if fmt == "csv" then
      report.emit(report.bundle{ { "params", fit:params_table() }, { "residuals", fit:residuals_table() } }, "calibrate")
    elseif fmt == "svg" then
      for _, c in ipairs(fit:charts()) do report.emit(c.chart, "calibrate_" .. c.id, "svg") end
    else
      report.emit(fit, "calibrate")
    end
    if opts.out then report.emit(fit, "fit", "json") end
  end)
end

return M
