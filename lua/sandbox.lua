-- lua/sandbox.lua — running one scenario of a package in the sandbox (DESIGN "Packages and the
-- sandbox", RELIABILITY §A). The package's code runs in a child process (src/host/sandbox.c)
-- whose Lua state holds only what lua/sandbox_policy.lua allows (lua/sandbox_child.lua); its
-- results come back over a pipe, are checked here, and are returned for the caller to publish:
-- nothing is written by the child, and nothing is written here either.
--
--   run{ root = DIR, manifest = M, scenario = NAME, data = DIR|nil, options = OPTS, args = {...} }
--     -> { outputs = { { name = "progress.csv", format = "csv", data = "..." }, ... },
--          log = "what the scenario printed",
--          reads = { { origin = "data" | "package", path = "plan.csv", sha256 = hex, bytes = n }, ... } }
--   (sha256: of the bytes the run got, hashed in the child as it read them)
--
-- manifest: entry (or scenarios) = { [scenario] = "relative/path.lua" }; sources (optional) =
-- { [path] = verified text } of the Lua files, run instead of reading them; data_bytes (with
-- sources) = { [path] = verified bytes } of the data files, read instead of the files (an
-- installed package's files are never read a second time); modules = a list of
-- paths ({ "lib/x.lua" } is module lib.x) or a map { ["lib.x"] = "lib/x.lua" }; data = a list
-- of paths; name (optional, for messages). args: strings, the scenario's `...` and arg[1..].
-- options: the command line's (format, as_of, seed, samples, set) and limits (M.LIMITS).
-- An output's name is a bare file name (no directory), to be written as DIR/name.
--
-- Errors are raised as tuiyan.Error: 1 the package's own error or a crash (traced = true: the
-- message carries the child's traceback; "NAME: " before the package's words), 2 usage (no such
-- scenario, a bad limit), 3 bad data found by tuiyan's own plan loader, 5 a limit, 70 the sandbox
-- itself failed. Only this file words 5 and 70, from what the C side reports: whatever code or
-- text a package puts in an error, it is exit 1. err.log holds what the scenario printed before
-- it failed. All text from the child is passed through _host.termtext (no terminal escapes).
local native = require "_tuiyan.sandbox"
local host = require "_tuiyan.host"
local io_native = require "_tuiyan.io"
local policy = require "_host.sandbox_policy"
local termtext = require "_host.termtext"

local M = {}

-- The limits, from lua/sandbox_policy.lua: name -> { default, lowest, highest, integer?, meaning }.
M.LIMITS = policy.limits
M.DEFAULT_LIMITS = {}
for name, l in pairs(policy.limits) do M.DEFAULT_LIMITS[name] = l[1] end

local function fail(code, fmt, ...)
  error(host.error(code, string.format(fmt, ...)), 0)
end

local function usage(fmt, ...) fail(host.exit.usage, fmt, ...) end

--- limits(given) -> the defaults with `given` (options.limits) laid over them, checked.
function M.limits(given)
  local lim = {}
  for name, v in pairs(M.DEFAULT_LIMITS) do lim[name] = v end
  if given == nil then return lim end
  if type(given) ~= "table" then usage("sandbox limits must be a table, got a %s", type(given)) end
  for name, v in pairs(given) do
    local spec = M.LIMITS[name]
    if not spec then
      local known = {}
      for k in pairs(M.LIMITS) do known[#known + 1] = k end
      table.sort(known)
      usage("unknown sandbox limit '%s' (known: %s)", tostring(name), table.concat(known, ", "))
    end
    local _, lo, hi, integer = table.unpack(spec)
    if type(v) ~= "number" or v ~= v or v < lo or v > hi or (integer and math.tointeger(v) == nil) then
      usage("sandbox limit %s must be %s between %s and %s, got %s", name, integer and "an integer" or "a number",
        tostring(lo), tostring(hi), tostring(v))
    end
    lim[name] = integer and math.tointeger(v) or v
  end
  return lim
end

-- A path from the manifest: relative, '/'-separated, no empty, "." or ".." part, no control
-- character or backslash. The package code verified it; this is the sandbox's own check.
local function check_path(path, what)
  if type(path) ~= "string" or path == "" or #path > 1024 or path:find("[%c\\]") or path:sub(1, 1) == "/" then
    fail(host.exit.script, "package %s %s: not a plain relative path", what, type(path) == "string" and ("%q"):format(path) or type(path))
  end
  for part in (path .. "/"):gmatch("([^/]*)/") do
    if part == "" or part == "." or part == ".." then
      fail(host.exit.script, "package %s %q: not a plain relative path (escapes the package?)", what, path)
    end
  end
  return path
end

local function path_list(list, what)
  local out = {}
  if list == nil then return out end
  if type(list) ~= "table" then fail(host.exit.script, "package manifest: %s must be a list of paths", what) end
  for i, p in ipairs(list) do out[i] = check_path(p, what) end
  return out
end

local function is_module_name(name)
  if type(name) ~= "string" or #name > 200 then return false end
  for part in (name .. "."):gmatch("([^.]*)%.") do
    if not part:match("^[%a_][%w_]*$") then return false end
  end
  return true
end

-- Modules: a list of paths ("lib/util.lua" is module lib.util) or a map { [name] = path }.
local function module_list(mods)
  local out = {}
  if mods == nil then return out end
  if type(mods) ~= "table" then fail(host.exit.script, "package manifest: modules must be a list or a map") end
  if type(next(mods)) == "string" then
    for name, path in pairs(mods) do
      if not is_module_name(name) then
        fail(host.exit.script, "package manifest: module name %q is not a Lua module name", tostring(name))
      end
      out[#out + 1] = { name = name, path = check_path(path, "module") }
    end
    table.sort(out, function(a, b) return a.name < b.name end)
  else
    for i, path in ipairs(mods) do out[i] = { path = check_path(path, "module") } end
  end
  return out
end

-- Text from the child shown to the analyst: control and bidi characters made visible.
local printable = termtext.escape

-- The child's reply (format in src/host/sandbox.h), or nil if it is incomplete or malformed.
local function parse_reply(s)
  if #s < 13 or s:sub(1, 5) ~= "TYSB1" or s:sub(-4) ~= "END." then return nil end
  local last = #s - 4
  local ok, reply = pcall(function()
    local pos = 7
    local function take(fmt)
      local v
      v, pos = string.unpack(fmt, s, pos)
      if pos - 1 > last then error("overrun") end
      return v
    end
    local kind, r = s:sub(6, 6), nil
    if kind == "E" then
      r = { ok = false, code = take(">B"), message = take(">s4"), log = take(">s4") }
    elseif kind == "L" then
      r = { ok = false, limit = take(">B"), log = take(">s4") }
    elseif kind == "I" then
      r = { ok = false, internal = true, message = take(">s4"), log = take(">s4") }
    elseif kind == "O" then
      local n = take(">I4")
      r = { ok = true, log = take(">s4"), outputs = {} }
      for i = 1, n do
        r.outputs[i] = { name = take(">s4"), format = take(">s4"), data = take(">s8") }
      end
    else
      error("unknown reply")
    end
    if pos ~= last + 1 then error("trailing bytes") end
    return r
  end)
  return ok and reply or nil
end

-- The codes a package's error may carry: its own (1), bad data tuiyan's loader found (3), or the
-- child's privacy check refusing its results (4; only sandbox_child.lua's own code words it).
local CHILD_CODES = { [1] = true, [3] = true, [4] = true }

-- What an 'L' reply's number means, worded here from this run's limits (src/host/sandbox_state.c).
local LIMIT_TEXT = {
  function(lim) return ("instruction limit of %d exceeded (limits.instructions)"):format(lim.instructions) end,
  function(lim) return ("memory limit of %d MB exceeded (limits.memory_mb)"):format(lim.memory_mb) end,
  function(lim) return ("CPU time limit of %g s exceeded (limits.cpu_seconds)"):format(lim.cpu_seconds) end,
  function(lim) return ("more than %d result files (limits.outputs)"):format(lim.outputs) end,
  function(lim) return ("results exceed %d bytes (limits.output_bytes)"):format(lim.output_bytes) end,
}

-- Result names the package may not use: tuiyan writes that file beside the results.
local RESERVED = { ["manifest.json"] = "the run's manifest" }

-- The ".reads" record (lua/sandbox_child.lua): packed entries, or nil if it is malformed.
local function parse_reads(data)
  local reads, pos = {}, 1
  while pos <= #data do
    local ok, origin, sha, bytes, path, nxt = pcall(string.unpack, ">s1s1I8s4", data, pos)
    if not ok or (origin ~= "data" and origin ~= "package") or not sha:match("^%x+$") then return nil end
    reads[#reads + 1] = { origin = origin, path = path, sha256 = sha, bytes = bytes }
    pos = nxt
  end
  return reads
end

local function check_outputs(outputs, lim, who)
  local formats = require("tuiyan.report").FORMATS
  if #outputs > lim.outputs then fail(host.exit.limit, "%s: more than %d result files (limits.outputs)", who, lim.outputs) end
  local seen, bytes = {}, 0
  for _, o in ipairs(outputs) do
    if #o.name > 200 or not o.name:match("^[%w_%-][%w_%-%.]*$") or seen[o.name] then
      fail(host.exit.script, "%s: refused a result named %q (a plain file name, once)", who, printable(o.name:sub(1, 200)))
    end
    if RESERVED[o.name] then
      fail(host.exit.script, "%s: a result may not be named %s: tuiyan writes %s there; name it otherwise",
        who, o.name, RESERVED[o.name])
    end
    if formats[o.format] == nil then
      fail(host.exit.script, "%s: result %s has an unknown format %q", who, o.name, printable(o.format:sub(1, 20)))
    end
    seen[o.name] = true
    bytes = bytes + #o.data
  end
  if bytes > lim.output_bytes then
    fail(host.exit.limit, "%s: results exceed %d bytes (limits.output_bytes)", who, lim.output_bytes)
  end
end

--- run{ root, manifest, scenario, data, options } -> { outputs, log } (see the top of this file)
function M.run(args)
  if type(args) ~= "table" then error("bad argument #1 to 'run' (table expected, got " .. type(args) .. ")", 2) end
  local root, manifest, scenario = args.root, args.manifest, args.scenario
  if type(root) ~= "string" or io_native.kind(root) ~= "dir" then
    usage("package directory %s does not exist", tostring(root))
  end
  if type(manifest) ~= "table" then error("bad argument #1 to 'run' (manifest table expected)", 2) end
  if type(scenario) ~= "string" then error("bad argument #1 to 'run' (scenario name expected)", 2) end
  if args.data ~= nil and (type(args.data) ~= "string" or io_native.kind(args.data) ~= "dir") then
    usage("data directory %s does not exist", tostring(args.data))
  end
  local who = ("scenario '%s'%s"):format(scenario, type(manifest.name) == "string" and (" of package " .. manifest.name) or "")
  local package_name = type(manifest.name) == "string" and manifest.name or ("package " .. root)
  local entries = manifest.entry or manifest.scenarios
  entries = type(entries) == "table" and entries or {}
  local entry = entries[scenario]
  if entry == nil then
    local names = {}
    for k in pairs(entries) do names[#names + 1] = tostring(k) end
    table.sort(names)
    usage("package %s has no scenario '%s' (it has: %s)", tostring(manifest.name or root), scenario,
      #names > 0 and table.concat(names, ", ") or "none")
  end
  local options = args.options or {}
  local script_args = {}
  for i, a in ipairs(type(args.args) == "table" and args.args or {}) do
    if type(a) ~= "string" then error("bad argument #1 to 'run' (args must be strings)", 2) end
    script_args[i] = a
  end
  local lim = M.limits(options.limits)
  local set = {}
  for i, k in ipairs(type(options.set) == "table" and options.set or {}) do
    set[i] = k
    set[k] = options.set[k]
  end
  -- The verified text of the package's Lua files (package_run passes what verify_dir read and
  -- hashed): the child runs these bytes, never a second read of the files on disk.
  local sources, data_bytes
  if type(manifest.sources) == "table" then
    sources, data_bytes = {}, {}
    for path, text in pairs(manifest.sources) do
      if type(path) == "string" and type(text) == "string" then sources[path] = text end
    end
    -- and of its data files: the child gets these bytes, not a second read of the store
    for path, bytes in pairs(type(manifest.data_bytes) == "table" and manifest.data_bytes or {}) do
      if type(path) == "string" and type(bytes) == "string" then data_bytes[path] = bytes end
    end
  end
  local spec = {
    root = root,
    sources = sources,
    data_bytes = data_bytes,
    data = args.data,
    scenario = scenario,
    args = script_args,
    entry = check_path(entry, "scenario file"),
    modules = module_list(manifest.modules),
    data_files = path_list(manifest.data, "data file"),
    -- the signed manifest's declaration (package_manifest.c); the child's privacy check reads it
    firm_level_outputs = manifest.firm_level_outputs == true,
    options = { format = options.format, as_of = options.as_of, seed = options.seed,
      samples = options.samples, set = set },
    limits = {
      cpu_seconds = lim.cpu_seconds, wall_seconds = lim.wall_seconds,
      memory_bytes = lim.memory_mb << 20, instructions = lim.instructions,
      output_bytes = lim.output_bytes, outputs = lim.outputs, log_bytes = lim.log_bytes,
      -- the whole reply: results, log, names and framing, an error message
      reply_bytes = lim.output_bytes + lim.log_bytes + lim.outputs * 256 + (1 << 20),
    },
  }
  local o = native.spawn(spec)
  if o["end"] == "wall" then
    fail(host.exit.limit, "%s: stopped at the wall-clock limit of %g s (limits.wall_seconds)", who, lim.wall_seconds)
  elseif o["end"] == "reply_cap" then
    fail(host.exit.limit, "%s: results exceed %d bytes (limits.output_bytes)", who, lim.output_bytes)
  elseif o["end"] == "signaled" then
    if o.signal_text and o.cpu_seconds >= lim.cpu_seconds then
      fail(host.exit.limit, "%s: stopped at the CPU time limit of %g s (limits.cpu_seconds)", who, lim.cpu_seconds)
    end
    local err = host.error(host.exit.script, ("%s: script crashed (signal %d: %s); nothing was published"):format(
      who, o.signal, o.signal_text or "?"))
    err.traced = true
    error(err, 0)
  elseif o.setup_failed then
    fail(host.exit.internal, "%s: the sandbox could not set its limits", who)
  end
  local reply = parse_reply(o.reply)
  if not reply then
    local err = host.error(host.exit.script, ("%s: script crashed (exit status %d, no complete reply); nothing was published"):format(
      who, o.status))
    err.traced = true
    error(err, 0)
  end
  local log = printable(reply.log)
  if not reply.ok then
    local err
    if reply.limit then
      local text = LIMIT_TEXT[reply.limit]
      err = host.error(host.exit.limit, who .. ": " .. (text and text(lim) or "a limit was exceeded"))
    elseif reply.internal then
      err = host.error(host.exit.internal, who .. ": the sandbox failed: " .. printable(reply.message))
    else
      -- the package's own words, under its name: never a limit or tuiyan's own failure
      local code = CHILD_CODES[reply.code] and reply.code or host.exit.script
      err = host.error(code, package_name .. ": " .. printable(reply.message))
      err.traced = code == host.exit.script or nil
    end
    err.log = log
    error(err, 0)
  end
  local reads = {}
  local last = reply.outputs[#reply.outputs]
  if last and last.name == ".reads" then
    reply.outputs[#reply.outputs] = nil
    reads = parse_reads(last.data)
    if not reads then fail(host.exit.internal, "%s: the sandbox's record of what was read is malformed", who) end
  end
  -- What the child's privacy check found left: { registers, declared, firm_level = {...} }.
  local privacy
  last = reply.outputs[#reply.outputs]
  if last and last.name == ".privacy" then
    reply.outputs[#reply.outputs] = nil
    local okj, doc = pcall(require("_tuiyan.json").decode, last.data)
    if not okj or type(doc) ~= "table" then
      fail(host.exit.internal, "%s: the sandbox's record of what left is malformed", who)
    end
    privacy = doc
  end
  check_outputs(reply.outputs, lim, who)
  return { outputs = reply.outputs, log = log, reads = reads, privacy = privacy, landlock = o.landlock == true }
end

return M
