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

-- Options common to the subcommands: name -> { takes a value?, repeatable? }. One table for
-- parsing and for the help text.
local OPTIONS = {
  out = { value = "DIR", help = "write results into DIR (atomically; nothing on failure)" },
  format = { value = "FMT", help = "text, csv, json, md, html, svg (charts) or xlsx (needs --out)" },
  ["no-bom"] = { help = "CSV without the UTF-8 byte order mark (which Excel needs to read Chinese)" },
  ["as-of"] = { value = "YEAR", help = "measure progress as of YEAR (default: latest actual)" },
  set = { value = "NAME=VALUE", repeatable = true, help = "override a parameter or lever (repeatable)" },
  seed = { value = "N", help = "random seed (tuiyan run: default 1, every script starts from it)" },
  samples = { value = "N", help = "Monte Carlo samples" },
  data = { value = "DIR", help = "a county's data directory: a package scenario reads its files there first" },
  limit = { value = "NAME=VALUE", repeatable = true,
    help = "a sandbox limit for a package scenario (cpu_seconds, wall_seconds, memory_mb, ...)" },
  force = { help = "replace existing result files" },
  quiet = { help = "no progress messages on stderr" },
  wide = { help = "text tables with every column at full width (else they fit COLUMNS or the terminal)" },
  wait = { help = "when another run is writing into --out, wait for it instead of stopping" },
  peers = { value = "FILE", help = "progress: other regions' values (region,id,actual_YYYY...) to rank rank targets among" },
  region = { value = "NAME", help = "progress: this plan's region in the --peers file (left out of its peers)" },
  shard = { value = "I/N", help = "run: the I-th of N parts of the run's units (scripts, items of tuiyan.shard lists); join with tuiyan merge" },
  ["samples-range"] = { value = "A..B", help = "run: samples A..B-1 of every Monte Carlo run, as mergeable state (tuiyan merge)" },
}
M.OPTIONS = OPTIONS

local function parse_int(name, s, lo, hi)
  if not s:match("^%-?%d+$") then usage_error("--%s expects an integer, got '%s'", name, s) end
  local v = math.tointeger(tonumber(s))
  if v == nil or v < lo or v > hi then usage_error("--%s must be between %d and %d, got %s", name, lo, hi, s) end
  return v
end

--- parse(args, first) -> opts, positionals, n_before. Options may come anywhere; "--" ends them.
--- n_before: how many positionals came before "--" (all of them when there is none).
function M.parse(args, first)
  local opts, pos = { set = {}, limit = {} }, {}
  local n_before = nil
  local i = first or 1
  while i <= #args do
    local a = args[i]
    if a == "--" then
      n_before = #pos
      for j = i + 1, #args do pos[#pos + 1] = args[j] end
      break
    end
    local name, inline = a:match("^%-%-([%w%-]+)=(.*)$")
    if not name then name = a:match("^%-%-([%w%-]+)$") end
    if name then
      local spec = OPTIONS[name]
      if not spec then usage_error("unknown option --%s", name) end
      local value
      if spec.value then
        value = inline
        if value == nil then
          i = i + 1
          value = args[i]
          if value == nil then usage_error("--%s needs a value (%s)", name, spec.value) end
        end
      elseif inline then
        usage_error("--%s takes no value", name)
      else
        value = true
      end
      if spec.repeatable then
        opts[name][#opts[name] + 1] = value
      else
        if opts[name] ~= nil then usage_error("--%s given twice", name) end
        opts[name] = value
      end
    elseif a:match("^%-%a") or a:match("^%-%-") then
      usage_error("unknown option %s", a)
    else
      pos[#pos + 1] = a
    end
    i = i + 1
  end
  -- Typed values, checked once here.
  if opts.format and require("tuiyan.report").FORMATS[opts.format] == nil then
    usage_error("unknown format '%s' (%s)", opts.format, require("tuiyan.report").FORMAT_NAMES)
  end
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
  return opts, pos, n_before or #pos
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
  if #pos > 1 then usage_error("progress takes at most one plan file, got %d", #pos) end
  if #opts.set > 0 then usage_error("progress takes no --set: it reports the plan's own figures") end
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
  if not script then usage_error("run needs a script: tuiyan run SCRIPT.lua [ARGS...]") end
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

function M.version()
  io.stdout:write("tuiyan ", host.version, " (", _VERSION, ")\n")
  return 0
end

function M.help(args)
  io.stdout:write(require("_host.help").text(args and args[2], OPTIONS))
  return 0
end

local COMMANDS = {
  run = M.run,
  progress = M.progress,
  help = M.help,
  version = M.version,
}

-- Commands that live in their own host module (lua/<module>.lua, function main(args)), loaded
-- only when used: one line each here.
local COMMAND_MODULES = {
  check = "_host.check",
  merge = "_host.merge",
  extract = "_host.extract_cli",
  calibrate = "_host.calibrate_cli",
  keygen = "_host.package_cli", pack = "_host.package_cli", verify = "_host.package_cli",
  install = "_host.package_cli", list = "_host.package_cli", remove = "_host.package_cli",
}

function M.main(args)
  local cmd = args[1]
  if cmd == "--version" or cmd == "-v" then return M.version() end
  if cmd == "--help" or cmd == "-h" then return M.help({}) end
  if cmd == nil or cmd == "repl" then
    return require("_host.repl").main(args)
  end
  local f = COMMANDS[cmd]
  local modname = COMMAND_MODULES[cmd]
  if not f and modname and package.preload[modname] then
    f = function(a) return require(modname).main(a) end
  end
  if not f then usage_error("unknown command '%s'", cmd) end
  return f(args)
end

return M
