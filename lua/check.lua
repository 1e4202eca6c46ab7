-- lua/check.lua — `tuiyan check FILE...`: validates plans, data files and scripts without running
-- an analysis, and lists every problem found in every file as file:line:col, not just the first.
--
--   .csv        a plan: every cell validated at the line and column the C reader gives it
--               (lua/check_plan_csv.lua), so every bad value of the file is listed (up to
--               MAX_PER_FILE); a problem with the file's structure (encoding, header, quoting,
--               field count) ends the file's list.
--   .xlsx       a plan in a workbook (book.xlsx#Sheet for another sheet than the first): its
--               first problem, at its sheet and cell (book.xlsx:Sheet1!D7).
--   .json       a plan when it has "indicators" (every bad actual or target value, as for CSV),
--               else any strict JSON document.
--   .lua        compiled (syntax). A script is never run. A *module* — a file whose last statement
--               is `return ...` — only defines things, so check loads it, and when it returns a
--               model, or a table whose build() makes one, builds and compiles the model (units,
--               cycles, unknown names). For any .lua file, the local modules it requires
--               (found on package.path or in the script's folder; inside a package — a folder
--               with tuiyan-package.json above the file — through the manifest's modules, as
--               the sandbox finds them) are checked as modules, and plan files it names
--               literally (tuiyan.plan.load("x.csv")) are checked as plans (in a package,
--               those among its own files; the rest may come from a county's --data).
--
-- Problems go to standard output, one a line: "file:line:col: message" (the parts that are known).
-- Exit 0 when all is well, else the most severe code found: 3 (bad data) over 1 (a script or
-- model does not compile) over 2 (a file is missing, is not a regular file — a directory named
-- x.csv — or of an unknown kind: a mistake in the command, as `tuiyan progress` says too).
local host = require "_tuiyan.host"
local io_native = require "_tuiyan.io"

local M = {}

M.MAX_PER_FILE = 100
local SEVERITY = { [host.exit.data] = 3, [host.exit.script] = 2, [host.exit.usage] = 1 }

-- ---------------------------------------------------------------------------------------------
-- Problems

local Report = {}
Report.__index = Report

local function new_report() return setmetatable({ problems = {}, files = 0 }, Report) end

-- add(code, file, line, col, msg)
function Report:add(code, file, line, col, msg)
  self.problems[#self.problems + 1] = { code = code, file = file, line = line, col = col, msg = msg }
end

-- An error value (tuiyan.Error or a "file:line: msg" string) as a problem.
function Report:add_error(e, default_file, default_code)
  if host.is_error(e) then
    local msg = e.msg or e.message
    msg = msg:match("^(.-)\nstack traceback:") or msg
    self:add(e.code ~= 0 and e.code or default_code, e.file or default_file, e.line, e.col, msg)
    return
  end
  local s = tostring(e)
  s = s:match("^(.-)\nstack traceback:") or s
  local file, line, msg = s:match("^([^\n:]+):(%d+): (.*)$")
  if file then
    self:add(default_code, file, tonumber(line), nil, msg)
  else
    self:add(default_code, default_file, nil, nil, s)
  end
end

local function place(p)
  local parts = { p.file }
  if p.line then parts[#parts + 1] = tostring(p.line) end
  if p.line and p.col then parts[#parts + 1] = tostring(p.col) end
  return table.concat(parts, ":")
end

-- ---------------------------------------------------------------------------------------------
-- Plans and data files

-- A workbook (book.xlsx or book.xlsx#Sheet): the plan reader is the judge, and its first
-- problem is listed at its sheet and cell (book.xlsx:Sheet1!D7).
local function check_xlsx_plan(r, path)
  local plan, err = require("_tuiyan.plan").load(path)
  if not plan then r:add_error(err, path, host.exit.data) end
end

local function check_csv_plan(r, path)
  local text, rerr = io_native.read_file(path)
  if not text then r:add_error(rerr, path, host.exit.data) return end
  require("_host.check_plan_csv").check(r, path, text, M.MAX_PER_FILE)
end

-- The byte offset where line `line` (1-based) of text starts, or nil past its end.
local function line_start(text, line)
  local start = 1
  for _ = 2, line do
    local nl = text:find("\n", start, true)
    if not nl then return nil end
    start = nl + 1
  end
  return start
end

-- A JSON plan's bad actual or target value at (line, col: characters) replaced by null (missing),
-- so the reader can go on to the next problem. Returns the new text and the edit { line, col,
-- delta = characters added }, or nil when the value is not a plain scalar there.
local function null_json_value(text, line, col)
  local start = line_start(text, line)
  if not start then return nil end
  local line_end = text:find("\n", start, true) or #text + 1
  local at = utf8.offset(text:sub(start, line_end - 1), col)
  if not at then return nil end
  at = start + at - 1
  local c, stop = text:sub(at, at), nil
  if c == '"' then
    local j = at + 1
    while j < line_end do
      local d = text:sub(j, j)
      if d == "\\" then j = j + 2 elseif d == '"' then stop = j break else j = j + 1 end
    end
  else
    local _, e = text:find("^[%w%.%+%-]+", at)
    stop = e
  end
  if not stop then return nil end
  local token = text:sub(at, stop)
  return text:sub(1, at - 1) .. "null" .. text:sub(stop + 1), { line = line, col = col, delta = 4 - (utf8.len(token) or #token) }
end

local function check_json(r, path)
  local json = require "_tuiyan.json"
  local text, rerr = io_native.read_file(path)
  if not text then r:add_error(rerr, path, host.exit.data) return end
  local doc, err = json.decode(text, path)
  if doc == nil then r:add_error(err, path, host.exit.data) return end
  if type(doc) ~= "table" or doc.indicators == nil then return end
  -- As for CSV: each bad actual or target value is set aside (null) and the plan read again, so
  -- every such problem is listed; columns are reported in the file as it is.
  local edits = {}   -- in order; each edit's col is in the text as it was when it was made
  for _ = 1, M.MAX_PER_FILE do
    local plan, perr = require("_tuiyan.plan").parse(text, path, "json")
    if plan then return end
    local line, col = nil, nil
    if host.is_error(perr) then line, col = perr.line, perr.col end
    if line and col then
      local orig = col
      for k = #edits, 1, -1 do
        local e = edits[k]
        if e.line == line and orig > e.col then orig = orig - e.delta end
      end
      perr.col = orig
    end
    r:add_error(perr, path, host.exit.data)
    local msg = host.is_error(perr) and perr.message or ""
    if not (line and col and (msg:find("%.actual%.") or msg:find("%.target%."))) then return end
    local nxt, edit = null_json_value(text, line, col)
    if not nxt or nxt == text then return end
    text, edits[#edits + 1] = nxt, edit
  end
  r:add(host.exit.data, path, nil, nil, ("more than %d problems; stopped"):format(M.MAX_PER_FILE))
end

-- ---------------------------------------------------------------------------------------------
-- Scripts and modules

-- The 1-based column where a syntax error's token starts. Lua reports only the line, so this
-- compiles growing prefixes of that line: the first prefix that fails with the same message ends
-- with the offending token. nil when that does not settle it.
local function error_col(text, path, line, err, token)
  if token == "<eof>" then return nil end
  local start = line_start(text, line)
  if not start then return nil end
  local stop = (text:find("\n", start, true) or #text + 1) - 1
  if stop - start > 2000 then return nil end
  for c = start, stop do
    local _, e = load(text:sub(1, c), "@" .. path, "t")
    if e == err then
      local col = c - start + 1 - #token + 1
      return col >= 1 and col or nil
    end
  end
  return nil
end

-- Is the file a module: is its last statement a `return`?
local function is_module(text)
  local last
  for line in text:gmatch("[^\n]+") do
    local code = line:gsub("%-%-.*$", ""):gsub("%s+$", "")
    if code:match("%S") then last = code end
  end
  return last ~= nil and last:match("^%s*return[%s%(%{]") ~= nil
end

local function is_model(v)
  return type(v) == "table" and getmetatable(v) == require("tuiyan.model").Model
end

local check_lua   -- forward

-- Loads a module file and compiles the model it defines, if any. Its results, if it emits any,
-- are staged and dropped: nothing is printed or written.
local function check_module(r, path, chunk, visited)
  local report = require "tuiyan.report"
  local tuiyan = require "tuiyan"
  _G.tuiyan = tuiyan
  local saved = tuiyan.options
  tuiyan.options = { set = {}, out = "(check)" }
  report._begin()
  local ok, err = xpcall(function()
    local v = chunk(path)
    local model
    if is_model(v) then
      model = v
    elseif type(v) == "table" and type(rawget(v, "build")) == "function" then
      local built = v.build()
      if is_model(built) then model = built
      elseif type(built) == "table" and is_model(rawget(built, "model")) then model = built.model end
    end
    if model then model:compile() end
  end, function(e)
    if host.is_error(e) then return e end
    return tostring(e)
  end)
  report._discard()
  tuiyan.options = saved
  if not ok then r:add_error(err, path, host.exit.script) end
end

-- Modules a file requires that are local files (not tuiyan's own), and literal plan paths.
local function references(text)
  local mods, plans = {}, {}
  local lineno = 0
  for line in (text .. "\n"):gmatch("([^\n]*)\n") do
    lineno = lineno + 1
    local code = line:gsub("%-%-.*$", "")
    for name in code:gmatch("require%s*%(?%s*[\"']([%w_%.%-]+)[\"']") do
      mods[#mods + 1] = { name = name, line = lineno, col = code:find(name, 1, true) }
    end
    for p in code:gmatch("plan%.load%s*%(%s*[\"']([^\"']+)[\"']%s*%)") do
      plans[#plans + 1] = { path = p, line = lineno, col = code:find(p, 1, true) }
    end
  end
  return mods, plans
end

-- The package a file belongs to: the nearest folder above it (up to 8 levels) holding a
-- tuiyan-package.json that reads as JSON. Returns root, manifest or nil.
local function package_of(path)
  local dir = path:match("^(.*)/[^/]*$") or "."
  for _ = 1, 8 do
    local mpath = dir .. "/tuiyan-package.json"
    if io_native.kind(mpath) == "file" then
      local text = io_native.read_file(mpath, 1 << 20)
      local ok, doc = pcall(require("_tuiyan.json").decode, text or "", mpath)
      if ok and type(doc) == "table" then return dir, doc end
      return nil
    end
    local up = dir:match("^(.*)/[^/]*$")
    if not up or up == dir then return nil end
    dir = up
  end
  return nil
end

-- The file of module `name` in a package: its manifest's modules, a map { name = path } or a
-- list of paths (lib/x.lua is lib.x).
local function package_module(root, manifest, name)
  local mods = type(manifest.modules) == "table" and manifest.modules or {}
  local rel = mods[name]
  if rel == nil then
    for _, p in ipairs(mods) do
      if type(p) == "string" and p:gsub("%.lua$", ""):gsub("/init$", ""):gsub("/", ".") == name then rel = p end
    end
  end
  return type(rel) == "string" and (root .. "/" .. rel) or nil
end

function check_lua(r, path, visited)
  local text, rerr = io_native.read_file(path)
  if not text then r:add_error(rerr, path, host.exit.usage) return end
  local chunk, err = load(text, "@" .. path, "t")
  if not chunk then
    local line, msg = err:match("^[^\n]-:(%d+): (.*)$")
    line = tonumber(line)
    local near = msg and (msg:match("near '(.-)'$") or msg:match("near (<eof>)$"))
    local col = line and near and error_col(text, path, line, err, near) or nil
    r:add(host.exit.script, path, line, col, msg or err)
    return
  end
  local mods, plans = references(text)
  local root, manifest = package_of(path)
  for _, m in ipairs(mods) do
    if not package.preload[m.name] and not package.loaded[m.name] then
      -- package.path as the script starts with it, then the script's own folder (a script
      -- often adds that to package.path before it requires its modules); in a package, only
      -- its manifest's modules
      local dir = path:match("^(.*)/[^/]*$") or "."
      local file
      if root then
        file = package_module(root, manifest, m.name)
      else
        file = package.searchpath(m.name, package.path)
          or package.searchpath(m.name, dir .. "/?.lua;" .. dir .. "/?/init.lua")
      end
      if file then
        M.check_file(r, file, visited)
      else
        r:add(host.exit.script, path, m.line, m.col, root
          and ("module '%s' not found (not among the modules of %s/tuiyan-package.json)"):format(m.name, root)
          or ("module '%s' not found (no tuiyan module and no file on package.path)"):format(m.name))
      end
    end
  end
  for _, p in ipairs(plans) do
    if root then p.path = root .. "/" .. p.path end
    if root and io_native.kind(p.path) ~= "file" then
      -- a package's file may come from the county's --data directory: nothing to check here
    elseif io_native.kind(p.path) ~= "file" then
      r:add(host.exit.data, path, p.line, p.col, ("plan file '%s' not found"):format(p.path))
    else
      M.check_file(r, p.path, visited)
    end
  end
  if is_module(text) then check_module(r, path, chunk, visited) end
end

--- check_file(report, path, visited) : adds the problems of one file to the report.
function M.check_file(r, path, visited)
  if visited[path] then return end
  visited[path] = true
  r.files = r.files + 1
  local file = path:match("^(.-%.[xX][lL][sS][xX])#") or path   -- book.xlsx#Sheet
  local kind = io_native.kind(file)
  if kind == nil then r:add(host.exit.usage, path, nil, nil, "no such file") return end
  if kind ~= "file" then r:add(host.exit.usage, path, nil, nil, "not a regular file") return end
  local ext = file:match("%.([%w]+)$")
  ext = ext and ext:lower()
  if ext == "csv" then check_csv_plan(r, path)
  elseif ext == "xlsx" then check_xlsx_plan(r, path)
  elseif ext == "json" then check_json(r, path)
  elseif ext == "lua" then check_lua(r, path, visited)
  else
    r:add(host.exit.usage, path, nil, nil, "cannot check this kind of file (expected .csv, .json, .xlsx or .lua)")
  end
end

--- run(paths) -> problems, exit code: checks every file; problems in file order, then by line.
function M.run(paths)
  local r = new_report()
  local visited = {}
  for _, p in ipairs(paths) do M.check_file(r, p, visited) end
  local order = {}
  for i, p in ipairs(r.problems) do
    if order[p.file] == nil then order[p.file] = i end
    p.seq = i
  end
  table.sort(r.problems, function(a, b)
    if a.file ~= b.file then return order[a.file] < order[b.file] end
    if (a.line or 0) ~= (b.line or 0) then return (a.line or 0) < (b.line or 0) end
    if (a.col or 0) ~= (b.col or 0) then return (a.col or 0) < (b.col or 0) end
    return a.seq < b.seq
  end)
  local code = 0
  for _, p in ipairs(r.problems) do
    if (SEVERITY[p.code] or 2) > (SEVERITY[code] or 0) then code = p.code end
  end
  if code ~= 0 and not SEVERITY[code] then code = host.exit.script end
  return r.problems, code, r.files
end

--- main(args): tuiyan check FILE... [--quiet]
function M.main(args)
  local cli = require "_host.cli"
  local opts, pos = cli.parse(args, 2)
  if #pos == 0 then cli.usage_error("check needs at least one file: tuiyan check FILE...") end
  local problems, code, nfiles = M.run(pos)
  for _, p in ipairs(problems) do io.stdout:write(place(p), ": ", p.msg, "\n") end
  io.stdout:flush()
  if not opts.quiet then
    io.stderr:write(("checked %d file%s: %s\n"):format(nfiles, nfiles == 1 and "" or "s",
      #problems == 0 and "no problems" or (#problems .. " problem" .. (#problems == 1 and "" or "s"))))
  end
  return code
end

return M
