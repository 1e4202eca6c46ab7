-- lua/register_cli.lua — `tuiyan register check FILE [--criteria hte|tsme] [--format F] [--out DIR]`:
-- a register of firm-years checked against the high-tech enterprise criteria (hte, the default)
-- or the 科技型中小企业 criteria (tsme): every firm's verdict and shortfalls, and the 高企后备 list
-- (stdlib/tuiyan/register.lua; docs/registers.md). Text, Markdown and HTML show both tables; JSON
-- is the firms in file order; CSV and xlsx need --out (CSV: one file per table).
local M = {}

local USAGE = "tuiyan register check FILE.csv|FILE.xlsx [--criteria hte|tsme] [--format text|csv|json|md|html|xlsx] [--out DIR]"
local CRITERIA = { hte = true, tsme = true }

local function usage(fmt, ...)
  require("_host.cli").usage_error(fmt, ...)
end

-- --criteria NAME, taken out before the common options are parsed: args without it.
local function own_options(args)
  local rest, criteria = { args[1] }, nil
  local i = 2
  while i <= #args do
    local a = args[i]
    local inline = a:match("^%-%-criteria=(.*)$")
    if a == "--criteria" or inline then
      local v = inline
      if v == nil then
        i = i + 1
        v = args[i]
        if v == nil then usage("--criteria needs a value (hte or tsme)") end
      end
      if criteria then usage("--criteria given twice") end
      if not CRITERIA[v] then usage("--criteria must be hte or tsme, got '%s'", v) end
      criteria = v
    elseif a == "--" then
      for j = i, #args do rest[#rest + 1] = args[j] end
      break
    else
      rest[#rest + 1] = a
    end
    i = i + 1
  end
  return rest, criteria or "hte"
end

function M.main(args)
  local cli = require "_host.cli"
  if args[2] ~= "check" then
    usage(args[2] and "unknown register command '%s' (register check FILE)" or "register needs a command: %s",
      args[2] or USAGE)
  end
  local rest, criteria = own_options(args)
  table.remove(rest, 2)   -- "check": the register file is the one positional the parser sees
  local opts, pos = cli.parse(rest, 2, "register")
  if #pos ~= 1 then usage("register check takes one register file: %s", USAGE) end
  local fmt = opts.format or "text"
  if fmt == "svg" then usage("register check writes text, csv, json, md, html or xlsx, not svg") end
  if fmt == "csv" and not opts.out then usage("register check --format csv writes two tables (firms, candidates): give --out DIR") end
  if opts.set and #opts.set > 0 then usage("register check takes no --set") end
  local tuiyan = require "tuiyan"
  tuiyan.options = opts
  return cli.with_results(opts, { pos[1] }, function()
    local reg, err = tuiyan.register.load(pos[1])
    if not reg then error(err, 0) end
    local check, cerr = reg:check(criteria)
    if not check then error(cerr, 0) end
    tuiyan.report.emit(check:report(), "register_" .. criteria)
  end)
end

return M
