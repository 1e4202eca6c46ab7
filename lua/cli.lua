-- lua/cli.lua — the command line: parses options, dispatches subcommands, returns the exit code.
-- Errors travel as tuiyan.Error objects (host.error) so each ends with its own exit code:
-- 2 usage, 3 bad data, 6 output; a Lua error in a script is 1 with a traceback.
local host = require "_tuiyan.host"
local io_native = require "_tuiyan.io"

local M = {}

local function usage_error(fmt, ...)
  error(host.error(host.exit.usage, string.format(fmt, ...) .. " (see tuiyan --help)"), 0)
end
M.usage_error = usage_error

-- Commands and options are declared in lua/commands.lua (one table for parsing, help and
-- completion); this file adds what the values mean.
local commands = require "_host.commands"
M.OPTIONS = commands.OPTIONS

local function parse_int(name, s, lo, hi)
  if not s:match("^%-?%d+$") then usage_error("--%s expects an integer, got '%s'", name, s) end
  local v = math.tointeger(tonumber(s))
  if v == nil or v < lo or v > hi then usage_error("--%s must be between %d and %d, got %s", name, lo, hi, s) end
  return v
end

--- parse(args, first [, command]) -> opts, positionals, n_before. The command's options, checked
--- against lua/commands.lua (command: default args[1] when first is 2, else the command being run);
--- options may come anywhere, "--" ends them. n_before: how many positionals came before "--"
--- (all of them when there is none). Typed values (integers, NAME=VALUE, I/N) are checked here.
function M.parse(args, first, command)
  first = first or 1
  command = command or (first == 2 and args[1]) or M.command
  local opts, pos, n_before = commands.parse(command, args, first)
  opts.set = opts.set or {}
  opts.limit = opts.limit or {}
  -- Typed values, checked once here.
  if opts.format == "xlsx" and not opts.out then
    usage_error("--format xlsx writes a binary workbook, not for a terminal: give --out DIR")
  end
  if opts["as-of"] then opts.as_of = parse_int("as-of", opts["as-of"], 1900, 2200) end
  if opts.seed then opts.seed = parse_int("seed", opts.seed, 0, math.maxinteger) end
  if opts.samples then opts.samples = parse_int("samples", opts.samples, 1, 100000000) end
  if opts.shard then
    local i, n = opts.shard:match("^(%d+)/(%d+)$")
    if not i then usage_error("--shard expects I/N (the I-th of N parts, 1 <= I <= N), got '%s'", opts.shard) end
    n = parse_int("shard", n, 1, 1000000)
    opts.shard = { parse_int("shard", i, 1, n), n }
  end
  if opts["samples-range"] then
    local a, b = opts["samples-range"]:match("^(%d+)%.%.(%d+)$")
    if not a then usage_error("--samples-range expects A..B (samples A to B-1, from 0), got '%s'", opts["samples-range"]) end
    a, b = parse_int("samples-range", a, 0, 4000000000), parse_int("samples-range", b, 1, 4000000000)
    if a >= b then usage_error("--samples-range %d..%d holds no sample", a, b) end
    opts.samples_range = { a, b }
  end
  local sets = {}
  for _, s in ipairs(opts.set) do
    local k, v = s:match("^([%a_][%w_%.]*)=(.+)$")
    if not k then usage_error("--set expects NAME=VALUE, got '%s'", s) end
    local num, why = require("_tuiyan.text").parse_number(v)
    if num == nil or num == false then usage_error("--set %s: %s", k, why or "a value is required") end
    if sets[k] ~= nil then usage_error("--set %s given twice", k) end
    sets[k] = num
    sets[#sets + 1] = k
  end
  opts.set = sets
  if #opts.limit > 0 then
    opts.limits = {}
    for _, s in ipairs(opts.limit) do
      local k, v = s:match("^([%a_][%w_]*)=(.+)$")
      local num = v and tonumber(v)
      if not k or not num then usage_error("--limit expects NAME=NUMBER, got '%s'", s) end
      if opts.limits[k] ~= nil then usage_error("--limit %s given twice", k) end
      opts.limits[k] = math.tointeger(num) or num
    end
  end
  opts.limit = nil
  if opts.data then
    if io_native.kind(opts.data) ~= "dir" then usage_error("--data %s is not a directory", opts.data) end
    opts.data = opts.data:gsub("(.)/+$", "%1")
  end
  if opts.out then opts.out = opts.out:gsub("(.)/+$", "%1") end
  local outdir = require "_host.outdir"
  outdir.check(opts)   -- before anything is created: no '..', not in --data, the store or the keys
  outdir.lock(opts)    -- one writer per --out, for the whole run
  return opts, pos, n_before
end

local function set_options(opts)
  local tuiyan = require "tuiyan"
  tuiyan.options = opts
  return tuiyan
end

--- Message handler for a run: data/usage/output errors pass unchanged; anything else becomes a
--- script error (exit 1) carrying its traceback, marked so the host does not add another.
function M.traced(e)
  -- An error already carrying its traceback (a sandboxed package's) passes unchanged too.
  if host.is_error(e) and (e.code ~= host.exit.script or e.traced) then return e end
  local msg = host.is_error(e) and e.message or tostring(e)
  -- a misspelt method (p:progres()): the documented method it most likely meant
  local method = type(msg) == "string" and msg:match("attempt to call a nil value %(method '([%a_][%w_]*)'%)")
  if method then
    local ok, fns = pcall(function() return require("_host.help").functions() end)
    local names = {}
    for _, f in ipairs(ok and fns or {}) do names[#names + 1] = f.name:match(":([%a_][%w_]*)$") end
    local best = require("_tuiyan.text").closest(method, names)
    if best then msg = msg .. ("; did you mean '%s'?"):format(best) end
  end
  local err = host.error(host.exit.script, debug.traceback(msg, 2))
  err.traced = true
  return err
end

-- Runs `body` with result staging; publishes only if it succeeded. Returns the exit code.
local function with_results(opts, inputs, body)
  local report = require "tuiyan.report"
  if opts.out then
    for _, input in ipairs(inputs) do
      if io_native.same_file(opts.out, input) then
        usage_error("--out %s is an input of this run", opts.out)
      end
    end
    if io_native.kind(opts.out) == "file" then usage_error("--out %s is a file, not a directory", opts.out) end
  end
  report._begin()
  local ok, err = xpcall(body, M.traced)
  if not ok then
    report._discard()
    error(err, 0)
  end
  local written = report._publish(inputs, opts.force)
  if not opts.quiet and #written > 0 then
    for _, p in ipairs(written) do io.stderr:write("wrote ", p, "\n") end
  end
  return 0
end
M.with_results = with_results

--- tuiyan progress [PLAN] [options]
function M.progress(args)
  local opts, pos = M.parse(args, 2)
  if opts.region and not opts.peers then usage_error("--region names the plan in a --peers file; give --peers too") end
  local tuiyan = set_options(opts)
  local inputs = {}
  for _, f in ipairs{ pos[1] or false, opts.peers or false } do if f then inputs[#inputs + 1] = f end end
  return with_results(opts, inputs, function()
    local peers = opts.peers and tuiyan.peers.load(opts.peers)
    local plan, err = tuiyan.plan.load(pos[1])
    if not plan then error(err, 0) end
    if not opts.as_of and plan:latest_year() == nil then
      error(host.error(host.exit.data, ("%s: no actual value in any row, so no year to measure "
        .. "progress at; add actuals or give --as-of YEAR"):format(pos[1] or "the plan")), 0)
    end
    local p = plan:progress{ as_of = opts.as_of, peers = peers or nil, region = opts.region }
    tuiyan.report.emit(p, "progress")
  end)
end

--- tuiyan run SCRIPT.lua [ARGS...] [options]; tuiyan run A.lua B.lua ... [-- ARGS...] [options]
--- (a batch: lua/batch.lua).
function M.run(args)
  local opts, pos, n_before = M.parse(args, 2)
  local script = pos[1]
  -- NAME[@VERSION]:SCENARIO names an installed package's scenario, run sandboxed; a script is
  -- named by a path with a '/' or ending in .lua. A local file named like a package scenario is
  -- never run in its place (it would run trusted, with io and os): the analyst must say which.
  if not script:find("/", 1, true) and not script:match("%.lua$")
      and script:match("^[%w_%-]+@?[%d%.]*:[%w_%-]+$") and package.preload["_host.package_run"] then
    if io_native.kind(script) ~= nil then
      usage_error("'%s' names an installed package's scenario and is also a file here; write ./%s to "
        .. "run the file, or remove or rename it to run the package", script, script)
    end
    return require("_host.package_run").main(opts, pos, args)
  end
  set_options(opts)
  return require("_host.batch").main(opts, pos, n_before, args)
end

function M.version(args)
  if args then commands.parse("version", args, 2) end
  io.stdout:write("tuiyan ", host.version, " (", _VERSION, ")\n")
  return 0
end

--- tuiyan help [TOPIC]: a command's help, a topic, a Lua name; an unknown topic is exit 2.
function M.help(args)
  local topic = args and args[2]
  if args then commands.parse("help", args, 2) end
  local text, err = require("_host.help").text(topic)
  if not text then error(host.error(host.exit.usage, err), 0) end
  io.stdout:write(text)
  return 0
end

function M.repl(args)
  commands.parse("repl", args, 2)
  return require("_host.repl").main(args)
end

-- Options before the command (tuiyan --quiet progress plan.csv): moved to just after it, so the
-- command parses them as its own (and refuses those it does not take). -> args, or nil when
-- only options were given.
local function hoist_options(args)
  local before, i = {}, 1
  while args[i] and args[i]:match("^%-") and args[i] ~= "--" and args[i] ~= "-" do
    local a = args[i]
    local name, inline = a:match("^%-%-([%w][%w%-]*)(=?)")
    local spec = name and commands.OPTIONS[name] or (a == "-o" and commands.OPTIONS.output)
    if not spec and a ~= "-h" and a ~= "--help" then
      local names = {}
      for k in pairs(commands.OPTIONS) do names[#names + 1] = k end
      table.sort(names)
      usage_error("unknown option %s%s", a, commands.hint(name or a:gsub("^%-+", ""), names, "--"))
    end
    before[#before + 1] = a
    if a == "-o" or (spec and spec.value and inline == "") then
      i = i + 1
      if args[i] == nil then usage_error("%s needs a value (%s)", a, spec.value) end
      before[#before + 1] = args[i]
    end
    i = i + 1
  end
  if #before == 0 then return args end
  local cmd = args[i]
  if cmd == nil then
    usage_error("%s: which command? Options go with a command (tuiyan %s progress ...)", before[1], before[1])
  end
  local out = { cmd }
  for _, a in ipairs(before) do out[#out + 1] = a end
  for j = i + 1, #args do out[#out + 1] = args[j] end
  return out
end

function M.main(args)
  local first = args[1]
  if first == "--version" or first == "-v" then return M.version() end
  if first == "--complete" then return commands.complete_main(args) end
  if (first == "--help" or first == "-h") and args[2] == nil then return M.help() end
  args = hoist_options(args)
  local name = args[1] or "repl"
  local cmd = commands.BY_NAME[name]
  if not (cmd and commands.available(cmd)) then
    usage_error("unknown command '%s'%s", name, commands.hint(name, commands.command_names()))
  end
  M.command = name
  if commands.wants_help(args, 2) then
    -- tuiyan run NAME:SCENARIO --help: that installed package's scenarios and how to run them
    for j = 2, (name == "run" and #args or 0) do
      local w = args[j]
      if w == "--" then break end
      if not w:match("^%-") and w:find(":", 1, true) and not w:find("/", 1, true) and not w:match("%.lua$")
          and package.preload["_host.package_run"] then
        local text = require("_host.package_run").help(w)
        if text then io.stdout:write(text) return 0 end
      end
    end
    io.stdout:write(commands.command_help(name))
    return 0
  end
  if cmd.fn then return M[cmd.fn](args) end
  return require(cmd.module).main(args)
end

return M
