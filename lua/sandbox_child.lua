-- lua/sandbox_child.lua — the trusted part of a package run, inside the sandbox child
-- (src/host/sandbox_state.c loads it; it is not meant for `require`). Called as
--   chunk(policy, preload, spec, sys) -> reply
-- with the allow-list (lua/sandbox_policy.lua), the native and embedded loaders (taken out of the
-- registry), the run's spec from lua/sandbox.lua and the child's private C functions. It prunes
-- this state to the allow-list, builds the package's environment and the stdlib's, runs the
-- scenario, and returns { ok = true, outputs = {...} } or { ok = false, code =, message = }
-- (code 1, the package's error, or 3 only for a data error tuiyan's plan loader made; limits and
-- the sandbox's own failures are reported by the C side, never from here).
-- Everything it uses is captured below, before any package code runs.
local policy, preload, spec, sys = ...

local _G = _G
local type, next, pairs, ipairs, select = type, next, pairs, ipairs, select
local error, pcall, xpcall, tostring = error, pcall, xpcall, tostring
local co_create, co_resume, co_close = coroutine.create, coroutine.resume, coroutine.close
local rawget, rawset, rawlen = rawget, rawset, rawlen
local getmetatable, setmetatable, load = getmetatable, setmetatable, load
local sformat, sfind, smatch, ssub, sgsub = string.format, string.find, string.match, string.sub, string.gsub
local sgmatch = string.gmatch
local spack = string.pack
local concat, sort, table_pack, table_unpack = table.concat, table.sort, table.pack, table.unpack
local mtype, randomseed = math.type, math.randomseed
local log, sys_read, sys_limit, aborted = sys.log, sys.read, sys.limit, sys.aborted

local function set_of(list)
  local s = {}
  for _, v in ipairs(list) do s[v] = true end
  return s
end

-- 1. This state keeps only what the policy names: dofile, loadfile, collectgarbage, warn,
-- string.dump, os.execute, ... are gone even for this file.
for name in pairs(_G) do
  if policy.globals[name] == nil and policy.libraries[name] == nil then _G[name] = nil end
end
for lib, fields in pairs(policy.libraries) do
  local t = _G[lib]
  for k in pairs(t) do
    if fields[k] == nil then t[k] = nil end
  end
  for f in pairs(fields) do
    if t[f] == nil then error(sformat("sandbox policy: %s.%s does not exist", lib, f)) end
  end
end

-- 2. Native modules: the ones the policy names, with the fields it names; the other loaders
-- (_tuiyan.io, _tuiyan.crypto, the embedded host modules, ...) are dropped here.
local native_open = {}
for name, fields in pairs(policy.native) do
  if fields ~= "sandbox" then
    native_open[name] = preload[name] or error("sandbox policy: no native module " .. name)
  end
end
preload = nil
local host = native_open["_tuiyan.host"]("_tuiyan.host")
local exit = host.exit
local json = native_open["_tuiyan.json"]("_tuiyan.json")
-- Taken now, before any package code: what checks the results for a register's firms.
local find_firm = native_open["_tuiyan.register"]("_tuiyan.register").methods._find_firm

local limits = spec.limits
local options = spec.options or {}

-- Error reports made by `handler` (the run's message handler), with the message without its
-- traceback. Lua's parser calls the current message handler for "C stack overflow", so `load`
-- can return one of these; it gives the package the plain message instead.
local handled = setmetatable({}, { __mode = "k" })

local function script_error(fmt, ...)
  error(host.error(exit.script, sformat(fmt, ...)), 0)
end

-- 3. The log: print() and io.stdout in here. sys.log is read by the C side, even after a limit.
local log_len, log_cap = 0, limits.log_bytes
local function log_write(s)
  local room = log_cap - log_len
  if #s <= room then
    log[#log + 1] = s
    log_len = log_len + #s
  else
    if room > 0 then
      log[#log + 1] = ssub(s, 1, room)
      log_len = log_cap
    end
    rawset(log, "dropped", (rawget(log, "dropped") or 0) + #s - room)
  end
end

local function sandbox_print(...)
  local n = select("#", ...)
  local parts = {}
  for i = 1, n do parts[i] = tostring((select(i, ...))) end
  log_write(concat(parts, "\t") .. "\n")
end

-- The plan reader's notices ("read as GB18030 …") go to the log too.
sys.set_notice(log_write)

local log_file = {}
function log_file.write(self, ...)
  for i = 1, select("#", ...) do
    local v = select(i, ...)
    local t = type(v)
    if t ~= "string" and t ~= "number" then
      error(sformat("bad argument #%d to 'write' (string expected, got %s)", i, t), 2)
    end
    log_write(tostring(v))
  end
  return self
end

-- 4. Results: tuiyan.report writes through this stand-in for _tuiyan.io, so a result is a
-- string in memory, checked and counted as it is made, and the parent writes the files.
local outputs, output_bytes, output_names = {}, 0, {}
local format_of_ext = { txt = "text" }     -- filled from tuiyan.report.FORMATS when it loads

local function stage(path, data)
  if type(path) ~= "string" or type(data) ~= "string" then
    error("bad argument to 'write_atomic' (string path and data expected)", 2)
  end
  local name = sgsub(path, "^%./", "", 1)
  if #name > 200 or not smatch(name, "^[%w_%-][%w_%-%.]*$") then
    script_error("a package's results are plain file names (letters, digits, _ - .), not paths: '%s'", path)
  end
  if output_names[name] then script_error("two results of this run would both be written to %s", name) end
  if #outputs >= limits.outputs then
    sys_limit("outputs")
  end
  if #data > limits.output_bytes - output_bytes then
    sys_limit("output_bytes")
  end
  output_bytes = output_bytes + #data
  output_names[name] = true
  local ext = smatch(name, "%.([^%.]+)$")
  outputs[#outputs + 1] = { name = name, format = ext and format_of_ext[ext] or "text", data = data }
  return true
end

local io_standin = {
  write_atomic = stage,
  same_file = function() return false end,
  kind = function() return nil end,
  mkdir_p = function() return true end,
}

-- 5. Reading the county's data (spec.data) and the package's own data files, nothing else.
local package_data = set_of(spec.data_files or {})

-- What was read, from where, and the SHA-256 of the bytes the run got (sys.read hashes what it
-- read, so a file changed afterwards cannot change the record), for the run's manifest:
-- "data" is the county's directory. A file read twice with different contents is listed twice.
local reads, read_seen = {}, {}
local function note_read(origin, path, sha256, size)
  local key = spack(">s1s1I8s4", origin, sha256, size, path)
  if not read_seen[key] then
    read_seen[key] = true
    reads[#reads + 1] = key
  end
end

local function read_input(path)
  if type(path) ~= "string" then return nil, "a relative path expected" end
  local text, msg, why
  if spec.data then
    text, msg, why = sys_read("data", path)
    if text then note_read("data", path, msg, #text) end
    if text or why ~= "missing" then return text, msg end
  end
  if package_data[path] then
    text, msg = sys_read("root", path)       -- an installed package: the verified bytes
    if text then note_read("package", path, msg, #text) end
    return text, msg
  end
  return nil, sformat("%s: no such file in the data directory%s or among the package's data files",
    path, spec.data and "" or " (none given: --data DIR)")
end

-- Data errors this loader found in a county's or the package's file: the only errors of a run
-- that exit 3. Kept by object, with the message as made: a package may rethrow the error
-- (`assert(tuiyan.plan.load(...))`), but whatever it writes into an error object, or builds
-- with tuiyan.fail("data", ...), is its own error, exit 1.
local data_errors = setmetatable({}, { __mode = "k" })

local function data_error(err)
  if host.is_error(err) and rawget(err, "code") == exit.data and type(rawget(err, "message")) == "string" then
    data_errors[err] = rawget(err, "message")
  end
  return err
end

-- A file format by the path's extension, among those a loader takes.
local function format_of(file, json_too)
  return (smatch(file, "%.[cC][sS][vV]$") and "csv") or (json_too and smatch(file, "%.[jJ][sS][oO][nN]$") and "json")
    or (smatch(file, "%.[xX][lL][sS][xX]$") and "xlsx")
end

-- load(path) of a native module that parses bytes (plans, registers), reading only through
-- read_input; loaded(obj, path) is told of each success.
local function confined_load(native, json_too, expected, loaded)
  return function(path)
    if type(path) ~= "string" then
      error("bad argument #1 to 'load' (string expected, got " .. type(path) .. ")", 2)
    end
    -- book.xlsx#Sheet: the file is book.xlsx, the sheet is the reader's to choose
    local file = smatch(path, "^(.-%.[xX][lL][sS][xX])#") or path
    local fmt = format_of(file, json_too)
    if not fmt then return nil, host.error(exit.usage, path .. expected) end
    local text, msg = read_input(file)
    if not text then return nil, data_error(host.error(exit.data, msg)) end
    local obj, err = native.parse(text, path, fmt)
    if obj == nil then return nil, data_error(err) end
    if loaded then loaded(obj, path) end
    return obj, err
  end
end

local function confined_plan_load(native)
  return confined_load(native, true, ": a plan file must end in .csv, .json or .xlsx")
end

-- The registers this run read (the county's or the package's): every result is checked
-- against their firms before it leaves (privacy_check below).
local registers_read = {}

local function confined_register_load(native)
  return confined_load(native, false, ": a register file must end in .csv or .xlsx", function(reg, path)
    registers_read[#registers_read + 1] = { reg = reg, path = path, rows = #reg }
  end)
end

local native_makers = {
  ["_tuiyan.plan"] = { load = confined_plan_load },
  ["_tuiyan.register"] = { load = confined_register_load },
}

local function open_native(name)
  local fields = policy.native[name]
  if fields == "sandbox" then return io_standin end
  local mod = native_open[name](name)
  local copy = {}
  for field, how in pairs(fields) do
    if how == "native" then
      copy[field] = mod[field]
      if copy[field] == nil then error(sformat("sandbox policy: %s.%s does not exist", name, field)) end
    elseif how == "sandbox" then
      copy[field] = native_makers[name][field](mod)
    else
      error(sformat("sandbox policy: %s.%s: unknown kind '%s'", name, field, tostring(how)))
    end
  end
  return copy
end

-- 6. Environments, built from the allow-list: one for the package's chunks, one for tuiyan's.
local stdlib_env, package_env
local loaded, loading = {}, {}        -- tuiyan's modules and the native ones
local package_loaded = {}             -- the package's own modules
local package_modules = {}            -- name -> path, filled by find_package_modules()
local public = set_of(policy.modules)

local function not_found(name)
  local list = {}
  for n in pairs(package_modules) do list[#list + 1] = n end
  sort(list)
  error(sformat("module '%s' not found: a package may require its own modules (%s) and tuiyan's (%s)",
    name, #list > 0 and concat(list, ", ") or "it has none", concat(policy.modules, ", ")), 3)
end

local function stdlib_require(name)
  if type(name) ~= "string" then
    error("bad argument #1 to 'require' (string expected, got " .. type(name) .. ")", 2)
  end
  local m = loaded[name]
  if m ~= nil then return m end
  if policy.native[name] then
    m = open_native(name)
  elseif public[name] then
    if loading[name] then error(sformat("module '%s' requires itself", name), 2) end
    local rel = sgsub(name, "%.", "/")
    local path = "stdlib/" .. rel .. ".lua"
    local src = host.embedded(path)
    if not src then
      path = "stdlib/" .. rel .. "/init.lua"
      src = host.embedded(path)
    end
    if not src then error(sformat("module '%s' not found (not in this tuiyan)", name), 2) end
    local chunk = load(src, "@" .. path, "t", stdlib_env)
    loading[name] = true
    m = chunk(name, path)
    loading[name] = nil
    if m == nil then m = true end
    if name == "tuiyan.report" and type(m) == "table" and type(m.FORMATS) == "table" then
      for fmt, ext in pairs(m.FORMATS) do format_of_ext[ext] = fmt end
    end
  else
    error(sformat("module '%s' not found: not available in a package", name), 2)
  end
  loaded[name] = m
  return m
end

local function module_name(path)
  local base = smatch(path, "^(.*)%.lua$")
  if not base then return nil end
  base = sgsub(base, "/init$", "")
  return (sgsub(base, "/", "."))
end

local function find_package_modules()
  for _, m in ipairs(spec.modules or {}) do
    local path = m.path
    local name = m.name or module_name(path)
    if not name or name == "" then script_error("package module %s: a Lua module's path ends in .lua", path) end
    if smatch(name, "^tuiyan") or smatch(name, "^_") then
      script_error("package module %s would shadow tuiyan's own module '%s'", path, name)
    end
    if package_modules[name] then
      script_error("package modules %s and %s are both '%s'", package_modules[name], path, name)
    end
    package_modules[name] = path
  end
end

local function load_package_file(path)
  local text, msg
  if spec.sources then
    -- an installed package: exactly the bytes that verified
    text = spec.sources[path]
    if not text then script_error("%s is not among the package's verified Lua files", path) end
  else
    text, msg = sys_read("root", path)
    if not text then script_error("cannot read %s", msg) end
  end
  local chunk, err = load(text, "@" .. path, "t", package_env)
  if not chunk and handled[err] then error(err, 0) end
  if not chunk then error(host.error(exit.script, err), 0) end
  return chunk
end

local function package_require(name)
  if type(name) ~= "string" then
    error("bad argument #1 to 'require' (string expected, got " .. type(name) .. ")", 2)
  end
  local m = package_loaded[name]
  if m ~= nil then return m end
  local path = package_modules[name]
  if path then
    if loading[path] then error(sformat("module '%s' requires itself", name), 2) end
    loading[path] = true
    m = load_package_file(path)(name, path)
    loading[path] = nil
    if m == nil then m = true end
    package_loaded[name] = m
    return m
  end
  if public[name] then return stdlib_require(name) end
  not_found(name)
end

-- The sandbox's own versions of the names the policy marks "sandbox".
local makers = {}
function makers._G(env) return env end
function makers.arg()                 -- arg[0] is the scenario file, arg[1..] the run's arguments
  local a = { [0] = spec.entry }
  for i, v in ipairs(spec.args or {}) do a[i] = v end
  return a
end
function makers.print() return sandbox_print end
function makers.require(_, kind) return kind == "stdlib" and stdlib_require or package_require end
function makers.io() return { stdout = log_file, stderr = log_file } end
function makers.debug() return { getinfo = sys.getinfo } end

-- Metatables C code gives to many tables (a package adding __gc to one would have C attach a
-- finalizer to every new object; finalizers run without the instruction hook).
local shared_meta = { [getmetatable(host.error(exit.script, "")) or false] = true, [json.array_meta] = true }

function makers.getmetatable(env, kind)
  local string_meta = { __index = env.string }   -- this environment's copy; the real one is locked
  return function(...)
    if select("#", ...) == 0 then error("bad argument #1 to 'getmetatable' (value expected)", 2) end
    local v = ...
    local t = type(v)
    if t == "string" then return string_meta end
    if t == "table" then
      local mt = getmetatable(v)
      if kind == "package" and mt ~= nil and shared_meta[mt] then return false end
      return mt
    end
    return nil                                   -- userdata and the rest: hidden
  end
end

function makers.setmetatable()
  return function(t, mt)
    if type(mt) == "table" and rawget(mt, "__gc") ~= nil then
      error("setmetatable: a metatable with __gc is not allowed in package code", 2)
    end
    local r = setmetatable(t, mt)
    return r
  end
end

function makers.load(env)
  return function(chunk, name, mode, ...)
    if mode ~= nil and (type(mode) ~= "string" or not sfind(mode, "t", 1, true)) then
      return nil, "attempt to load a binary chunk (a package may load text only)"
    end
    local target = env
    if select("#", ...) > 0 then target = ... end
    local f, err = load(chunk, name, "t", target)
    if f == nil and handled[err] then err = handled[err] end   -- see `handler`
    return f, err
  end
end

-- Once a limit is hit, Lua would run message handlers and the __close of a stopped coroutine with
-- hooks off: these versions skip them, so nothing runs beyond the budget.
function makers.xpcall()
  return function(f, msgh, ...)
    if type(msgh) ~= "function" then
      error("bad argument #2 to 'xpcall' (function expected, got " .. type(msgh) .. ")", 2)
    end
    local function guarded(e)
      if aborted() then return e end
      local r = msgh(e)
      return r
    end
    return xpcall(f, guarded, ...)
  end
end

makers["coroutine.close"] = function()
  return function(co)
    if aborted() then sys_limit("outputs") end     -- a limit was hit: it stays the one reported
    return co_close(co)
  end
end

makers["coroutine.wrap"] = function()
  return function(f)
    local co = co_create(f)
    return function(...)
      local r = table_pack(co_resume(co, ...))
      if r[1] then return table_unpack(r, 2, r.n) end
      local e = r[2]
      if aborted() then error(e, 0) end
      local ok, cerr = co_close(co)       -- like Lua's wrap: close its to-be-closed variables
      if not ok then e = cerr end
      error(e, type(e) == "string" and 2 or 0)
    end
  end
end

local LATE = { tuiyan = true }        -- set once both environments exist

for name, how in pairs(policy.globals) do
  if how == "sandbox" and not makers[name] and not LATE[name] then
    error("sandbox policy: no sandbox version of " .. name)
  end
end

local function new_env(kind)
  local env = {}
  for lib, fields in pairs(policy.libraries) do
    local copy, real = {}, _G[lib]
    for f, how in pairs(fields) do
      if how == "lua" then
        copy[f] = real[f]
      elseif how == "sandbox" then
        copy[f] = (makers[lib .. "." .. f] or error("sandbox policy: no sandbox version of " .. lib .. "." .. f))(env, kind)
      else
        error(sformat("sandbox policy: %s.%s: unknown kind '%s'", lib, f, tostring(how)))
      end
    end
    env[lib] = copy
  end
  for name, how in pairs(policy.globals) do
    if how == "lua" then
      env[name] = _G[name]
      if env[name] == nil then error("sandbox policy: no global " .. name) end
    elseif how == "sandbox" then
      if not LATE[name] then env[name] = makers[name](env, kind) end
    else
      error(sformat("sandbox policy: global %s: unknown kind '%s'", name, tostring(how)))
    end
  end
  if kind == "stdlib" then
    for name in pairs(policy.stdlib_globals) do env[name] = makers[name](env, kind) end
  end
  return env
end

stdlib_env = new_env("stdlib")
package_env = new_env("package")

-- 7. The run.
-- Every error is the package's own (exit 1) except a data error tuiyan's loader made (exit 3):
-- the code an error object claims is not believed, so a package cannot pass for a limit (5) or
-- tuiyan failing (70); those only the C side and the parent report.
local function handler(e)
  if aborted() or handled[e] then return e end
  local code, msg, traced = exit.script, nil, true
  if data_errors[e] then
    code, msg, traced = exit.data, data_errors[e], false
  elseif host.is_error(e) then
    msg = rawget(e, "message")
    if type(msg) ~= "string" then msg = "error" end
    traced = rawget(e, "code") == exit.script     -- tuiyan.fail's own words need no traceback
  elseif type(e) == "string" or mtype(e) then
    msg = tostring(e)
  else
    msg = sformat("(error object is a %s value)", type(e))   -- its __tostring is not called
  end
  local plain = msg
  if traced then
    -- the traceback without this file's frames (the package author cannot act on them)
    local lines = {}
    for line in (sys.traceback(msg, 2) .. "\n"):gmatch("(.-)\n") do
      if not sfind(line, "lua/sandbox_child.lua:", 1, true) and line ~= "\t[C]: in function 'xpcall'"
        and line ~= "\t[C]: in ?" then
        lines[#lines + 1] = line
      end
    end
    msg = concat(lines, "\n")
  end
  local r = { code = code, message = msg }
  handled[r] = plain
  return r
end

-- Reads the table a scenario returned, raw: { name = string | object | plain data }.
local function emit_returned(result, report)
  if result == nil then return end
  if type(result) ~= "table" then
    script_error("scenario '%s' returned a %s: return nothing, or a table { name = result }", spec.scenario, type(result))
  end
  local names, count = {}, 0
  local k = next(result)
  while k ~= nil do
    count = count + 1
    if count > limits.outputs then sys_limit("outputs") end
    if type(k) ~= "string" or #k > 100 or not smatch(k, "^[%w_%-]+$") then
      script_error("scenario '%s' returned a result named %s: names are letters, digits, _ and -",
        spec.scenario, type(k) == "string" and sformat("%q", ssub(k, 1, 100)) or ("a " .. type(k)))
    end
    names[#names + 1] = k
    k = next(result, k)
  end
  sort(names)
  local fmt = options.format or "text"
  for _, name in ipairs(names) do
    local v = rawget(result, name)
    if type(v) == "string" then
      stage(name .. ".txt", v)
    elseif type(v) == "table" then
      local mt, method = getmetatable(v), rawget(v, "to_" .. fmt)
      if method == nil and type(mt) == "table" and type(rawget(mt, "__index")) == "table" then
        method = rawget(rawget(mt, "__index"), "to_" .. fmt)
      end
      if type(method) == "function" then
        report.emit(v, name)
      else
        local ok, text = pcall(json.encode, v)
        if not ok then script_error("result '%s': %s", name, tostring(text)) end
        stage(name .. ".json", text)
      end
    else
      script_error("result '%s' is a %s: return strings, tables or objects tuiyan.report can write", name, type(v))
    end
  end
end

local report

local function prepare()
  find_package_modules()
  randomseed(mtype(options.seed) == "integer" and options.seed or 0)
  report = stdlib_require("tuiyan.report")
  local tuiyan = stdlib_require("tuiyan")
  stdlib_env.tuiyan, package_env.tuiyan = tuiyan, tuiyan
  local set = {}
  for i, k in ipairs(options.set or {}) do
    set[i] = k
    set[k] = options.set[k]
  end
  -- report.emit stages "./NAME.EXT" through the stand-in above instead of printing.
  tuiyan.options = { format = options.format, as_of = options.as_of, seed = options.seed,
    samples = options.samples, set = set, out = "." }
  return load_package_file(spec.entry)
end

-- Each step in its own protected call; the scenario is called by xpcall itself, so its
-- traceback reads "in main chunk".
local function run()
  local ok, chunk = xpcall(prepare, handler)
  if not ok then return ok, chunk end
  local args = spec.args or {}
  local r = table_pack(xpcall(chunk, handler, table_unpack(args, 1, #args)))
  if not r[1] then return false, r[2] end
  return xpcall(emit_returned, handler, r[2], report)
end

-- 8. Privacy: firm names and credit codes stay in the county unless the signed manifest
-- declares firm_level_outputs. Every result is looked at here, by this trusted code after the
-- package has finished, whatever the package says of it: a result holding a credit code or a
-- firm name of a register the run read, or as many lines as that register has firm-years (a
-- per-firm table), is firm-level. Refused (exit 4) without the declaration; with it, listed.
local PRIVACY_RULE = "a package returns only aggregates of a county's register unless its manifest "
  .. "declares \"firm_level_outputs\": true (privacy rule)"

local function first_line_fields(data)
  local line = sgsub(smatch(data, "^[^\r\n]*"), "^\239\187\191", "")   -- without a BOM
  local out = {}
  for f in sgmatch(line .. ",", "([^,]*),") do out[#out + 1] = f end
  return out
end

local function privacy_check()
  local firm_level = {}
  for _, o in ipairs(outputs) do
    for _, r in ipairs(registers_read) do
      local kind, row, id = find_firm(r.reg, o.data)
      local _, lines = sgsub(o.data, "\n", "")
      if #o.data > 0 and ssub(o.data, -1) ~= "\n" then lines = lines + 1 end   -- the last, unended
      local what
      if kind then
        what = sformat("the %s %s (row %d of %s)", kind == "credit_code" and "credit code" or "firm name",
          id, row, r.path)
      elseif r.rows >= 20 and lines >= r.rows then
        what = sformat("%d lines for the %d firm-years of %s: a per-firm table", lines, r.rows, r.path)
      end
      if what then
        if not spec.firm_level_outputs then
          return false, sformat("result %s holds firm-level data, %s; %s", o.name, what, PRIVACY_RULE)
        end
        firm_level[#firm_level + 1] = { path = o.name, why = what,
          columns = o.format == "csv" and first_line_fields(o.data) or nil }
        break
      end
    end
  end
  return true, firm_level
end

local ok, err = run()
if aborted() then return nil end
if not ok then
  if type(err) ~= "table" or not handled[err] then    -- its __tostring, if any, is not called
    err = { code = exit.script, message = type(err) == "string" and err or "error" }
  end
  return { ok = false, code = err.code == exit.data and exit.data or exit.script, message = err.message }
end
-- The reads travel as a last result with a name no package can give (".reads"), each a
-- string.pack(">s1s1I8s4", origin, sha256, bytes, path); the parent takes it off before it
-- checks the package's results.
local private, firm_level = privacy_check()
if not private then return { ok = false, code = exit.package, message = firm_level } end
-- What left, for the run's manifest (lua/sandbox.lua takes it off like ".reads").
outputs[#outputs + 1] = { name = ".privacy", format = "text", data = json.encode({
  registers = #registers_read, declared = spec.firm_level_outputs == true,
  firm_level = setmetatable(firm_level, json.array_meta) }) }
sort(reads)
outputs[#outputs + 1] = { name = ".reads", format = "text", data = concat(reads) }
return { ok = true, outputs = outputs }
