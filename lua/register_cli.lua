-- lua/register_cli.lua — `tuiyan register check FILE [--criteria hte|tsme] [--format F] [--out DIR]`:
-- a register of firm-years checked against the high-tech enterprise criteria (hte, the default)
-- or the 科技型中小企业 criteria (tsme): every firm's verdict and shortfalls, and the 高企后备 list
-- (stdlib/tuiyan/register.lua; docs/registers.md). Text, Markdown and HTML show both tables; JSON
-- is the firms in file order; CSV and xlsx need --out (CSV: one file per table).
-- `tuiyan register pay FILE [--policy wuwei] [--reform REFORM.lua]`: the support policy firm by
-- firm (stdlib/tuiyan/register_pay.lua): totals by rule and county and the subsidy table, or with
-- --reform the reform compared with the policy: the cost change, winners and losers.
local M = {}

local USAGE = "tuiyan register check FILE.csv|FILE.xlsx [--criteria hte|tsme] [--format text|csv|json|md|html|xlsx] [--out DIR]"
local PIPELINE_USAGE = "tuiyan register pipeline FILE.csv|FILE.xlsx [--criteria hte|tsme] [--format text|csv|json|md|html|xlsx] [--out DIR]"
local PAY_USAGE = "tuiyan register pay FILE.csv|FILE.xlsx [--policy wuwei] [--reform REFORM.lua] [--format text|csv|json|md|html|xlsx] [--out DIR]"
local CRITERIA = { hte = true, tsme = true }
local OWN = { criteria = "hte or tsme", policy = "a policy name, e.g. wuwei", reform = "a reform file, REFORM.lua" }

local function usage(fmt, ...)
  require("_host.cli").usage_error(fmt, ...)
end

-- --criteria, --policy and --reform, taken out before the common options are parsed: args
-- without them, and their values.
local function own_options(args)
  local rest, own = { args[1] }, {}
  local i = 2
  while i <= #args do
    local a = args[i]
    local name, inline = a:match("^%-%-(%a+)=(.*)$")
    if not (name and OWN[name]) then name, inline = a:match("^%-%-(%a+)$"), nil end
    if name and OWN[name] then
      local v = inline
      if v == nil then
        i = i + 1
        v = args[i]
        if v == nil then usage("--%s needs a value (%s)", name, OWN[name]) end
      end
      if own[name] then usage("--%s given twice", name) end
      own[name] = v
    elseif a == "--" then
      for j = i, #args do rest[#rest + 1] = args[j] end
      break
    else
      rest[#rest + 1] = a
    end
    i = i + 1
  end
  return rest, own
end

-- A reform file: Lua that returns { name = "...", changes = { RULE = { field = value } } }, run
-- as data (no globals). Every fault is exit 3 at the file (Lua's file:line for syntax).
local function load_reform(path)
  local host = require "_tuiyan.host"
  local function bad(msg) error(host.error(host.exit.data, msg), 0) end
  local f, err = io.open(path, "rb")
  if not f then usage("cannot open %s: %s", path, tostring(err):gsub("^[^:]*: ", "")) end
  local text = f:read("a")
  f:close()
  require("tuiyan.report").input(path)
  local chunk, perr = load(text, "@" .. path, "t", { math = { huge = math.huge } })
  if not chunk then bad(perr) end
  local ok, spec = pcall(chunk)
  if not ok then bad(tostring(spec)) end
  if type(spec) ~= "table" or type(spec.changes) ~= "table" then
    bad(path .. ":1:1: a reform file returns { name = \"...\", changes = { RULE = { field = value, ... } } }")
  end
  if spec.name ~= nil and type(spec.name) ~= "string" then bad(path .. ":1:1: the reform's name must be a string") end
  return spec, bad
end

local function pay(cli, rest, own, tuiyan)
  if own.criteria then usage("register pay takes no --criteria (each rule names its own criteria)") end
  local opts, pos = cli.parse(rest, 2, "register")
  if #pos ~= 1 then usage("register pay takes one register file: %s", PAY_USAGE) end
  local fmt = opts.format or "text"
  if fmt == "svg" then usage("register pay writes text, csv, json, md, html or xlsx, not svg") end
  if fmt == "csv" and not opts.out then usage("register pay --format csv writes several tables: give --out DIR") end
  if opts.set and #opts.set > 0 then usage("register pay takes no --set") end
  local policy = own.policy or "wuwei"
  if not policy:match("^[%w_]+$") or not pcall(require, "tuiyan.policy." .. policy .. "_firms") then
    usage("--policy: no firm-level rules for policy '%s' (wuwei)", policy)
  end
  tuiyan.options = opts
  local inputs = { pos[1] }
  if own.reform then inputs[2] = own.reform end
  return cli.with_results(opts, inputs, function()
    local reform, bad
    if own.reform then reform, bad = load_reform(own.reform) end
    local reg, err = tuiyan.register.load(pos[1])
    if not reg then error(err, 0) end
    if not reform then
      local p, perr = reg:pay(policy)
      if not p then error(perr, 0) end
      tuiyan.report.emit(p:report(), "register_pay")
      return
    end
    local ok, reformed = pcall(tuiyan.register.payments.reformed, policy, reform.changes,
      reform.name or own.reform:match("([^/]+)%.lua$") or "reform")
    if not ok then bad(own.reform .. ":1:1: " .. tostring(reformed):gsub("^[^:]*:%d+: ", "")) end
    local before, berr = reg:pay(policy)
    if not before then error(berr, 0) end
    local after, aerr = reg:pay(reformed)
    if not after then error(aerr, 0) end
    tuiyan.report.emit(before:compare(after):report(), "register_reform")
  end)
end

function M.main(args)
  local cli = require "_host.cli"
  local cmd = args[2]
  if cmd ~= "check" and cmd ~= "pay" and cmd ~= "pipeline" then
    usage(cmd and "unknown register command '%s' (register check FILE, register pay FILE, register pipeline FILE)" or "register needs a command: %s",
      cmd or (USAGE .. " | " .. PAY_USAGE .. " | " .. PIPELINE_USAGE))
  end
  local rest, own = own_options(args)
  table.remove(rest, 2)   -- the command: the register file is the one positional the parser sees
  local tuiyan = require "tuiyan"
  if cmd == "pay" then return pay(cli, rest, own, tuiyan) end
  if own.policy or own.reform then usage("register %s takes no --policy or --reform (register pay does)", cmd) end
  local criteria = own.criteria or "hte"
  if not CRITERIA[criteria] then usage("--criteria must be hte or tsme, got '%s'", criteria) end
  local opts, pos = cli.parse(rest, 2, "register")
  if #pos ~= 1 then usage("register %s takes one register file: %s", cmd, cmd == "check" and USAGE or PIPELINE_USAGE) end
  local fmt = opts.format or "text"
  if fmt == "svg" then usage("register %s writes text, csv, json, md, html or xlsx, not svg", cmd) end
  if fmt == "csv" and not opts.out then usage("register %s --format csv writes several tables: give --out DIR", cmd) end
  if opts.set and #opts.set > 0 then usage("register %s takes no --set", cmd) end
  tuiyan.options = opts
  return cli.with_results(opts, { pos[1] }, function()
    local reg, err = tuiyan.register.load(pos[1])
    if not reg then error(err, 0) end
    if cmd == "pipeline" then
      -- the rates, the chance of certification by criteria unmet, and next year's count
      local P, perr = reg:pipeline{ criteria = criteria }
      if not P then error(perr, 0) end
      tuiyan.report.emit(P:report(), "register_pipeline")
      return
    end
    local check, cerr = reg:check(criteria)
    if not check then error(cerr, 0) end
    tuiyan.report.emit(check:report(), "register_" .. criteria)
  end)
end

return M
