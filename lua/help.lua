-- lua/help.lua — help: the text of `tuiyan --help` and `tuiyan help TOPIC`, and the REPL's
-- help(x) for every stdlib function, module and object.
--
-- One source of truth: the documentation of the Lua API is the `---` comments of the stdlib
-- modules themselves, read from the copies embedded in the binary (so they are the build's own).
-- A `---` block documents the definition on the line after it (`function M.f`, `function Cls:m`,
-- `M.f = ...`). Functions written in C are documented the same way in lua/help_extra.lua, where
-- each block starts with the qualified name (`Plan:actual(id, year) ...`).
local host = require "_tuiyan.host"

local M = {}

M.EXTRA_DOCS = "lua/help_extra.lua"

local USAGE = [[
tuiyan — policy analysis for science-and-technology plans (推演)

usage:
%s
  tuiyan --version | --help | help TOPIC
Options come after the command, or before it (tuiyan --quiet progress plan.csv); each command
takes those its help lists (tuiyan help COMMAND, or tuiyan COMMAND --help).

options:
%s
exit codes: 0 ok · 1 script error · 2 usage · 3 bad input data · 4 package verification ·
            5 limit exceeded · 6 output not written · 70 internal error · 130 interrupted (Ctrl-C)

topics: %s; or a Lua name: tuiyan help tuiyan.plan.load
]]

local TOPICS = {
  targets = [[
A target cell holds the target as the document writes it, Chinese or ASCII (one example each):
  level        100   100以上   不低于100   >=100        value ≥ 100
  strictly     突破600   超过120亿元   >600            value > 600
  at most      0.5以内   不高于0.5   <=0.5           value ≤ 0.5
  range        3-5个   确保100力争120   100..120      floor met: achieved; stretch met: exceeded
  new (flow)   新增30家以上   +30                    the target year's own increase ≥ 30
  window       新增300(2023-2025)   +300@2023..2025   the increases of 2023–2025 add up to ≥ 300
  points       提高1.5个百分点   +1.5pp               value ≥ base-year value + 1.5
  growth       增长15%   +15%                        value ≥ 1.15 × the year before
  multiple     倍增   翻一番   翻两番   x2            value ≥ 2 × base-year value
  benchmark    高于province_avg   >province_avg       value > that row's value in the year
  rank         前3位   第2   rank<=3                  rank ≤ 3 (published ranks, or among --peers)
  milestone    完成   通过验收   done                 done (actual 是/否, yes/no or a date) by the year
A unit after a number must be the row's unit. Relative targets (points, growth, multiple,
benchmark) are resolved from the actuals each time, so they follow new data. The base year is a
`base_year` column or a `# base_year: 2020` line above the header; `# title: …` names the plan.
A target year that has passed is judged only on that year's own actual. See docs/targets.md.
]],
  plan = [[
A plan file is CSV (UTF-8) or an .xlsx sheet with one row per indicator:
  id,name,unit                          required
  category,direction,measure,trend,     optional (direction up|down, measure level|flow,
  aggregate,owner,note,on_track,behind    trend cagr|linear|wls, aggregate sum|ratio|mean|none)
  base_year,flow_of                     the row's base year; flow_of = the level row whose
                                          yearly change this flow row is (actuals derived)
  actual_YYYY, target_YYYY              any number of years; target cells as written
  target_YYYY_note                      the source sentence of a target
Lines above the header: `# title: 武威市强科技行动`, `# base_year: 2020`, and
`# grouping: 2021年, actual_2022` (those actual columns may be written 141,000).
Chinese headers: 指标名称 = name, 指标代码 = id, 单位 = unit, 类别 = category, 方向 = direction,
责任单位 = owner, 备注 = note, 2021年 = actual_2021, 2025年目标 = target_2025. A GB18030 (GBK) or
UTF-16 file is read with a notice. A workbook: PLAN.xlsx (its first sheet) or PLAN.xlsx#Sheet;
rows above the header starting with # are those lines; errors name the cell (plan.xlsx:Sheet1!D7).
An empty cell, -, —, N/A, NA or 无 is a missing value (never 0). Unknown columns are errors.
Target cells are read as written (tuiyan help targets).
The same content can be written as JSON: {"name", "thresholds", "indicators": [{..., "actual":
{"2021": 55.35}, "target": {"2025": 65}}]}.
]],
  package = [[
tuiyan keygen NAME                         NAME.key (secret, mode 0600) and NAME.pub, here
tuiyan pack DIR -o FILE.tpkg --key NAME.key    sign DIR (with its tuiyan-package.json)
tuiyan verify FILE.tpkg [--trust NAME.pub]     check signature, hashes, sizes, paths, version, expiry
tuiyan install FILE.tpkg [--trust NAME.pub]    verify, then install; --trust adds the key to the
                                               trusted keys ($XDG_CONFIG_HOME/tuiyan/trusted)
tuiyan list | remove NAME[@VERSION]
tuiyan run NAME[@VERSION]:SCENARIO [ARGS...] [--data DIR] [--limit NAME=VALUE]... [--out DIR]
tuiyan run NAME:SCENARIO --help                an installed package's description and scenarios

A package is verified again before every run, and its code runs in the sandbox: a child process
with only an allow-list of Lua (no io, os.execute, debug, package, load of binary chunks), limits
on instructions, memory, CPU and wall-clock time and output, reading only the package's data and
the county's --data directory; the parent alone writes results. Limits (--limit): cpu_seconds 60,
wall_seconds 120, memory_mb 512, instructions 2e9, output_bytes 64 MiB, outputs 200, log_bytes 1 MiB.
Refused: a changed byte, an untrusted key, an older version or different content under the same
version (--allow-downgrade), an expired package (--allow-expired), unsafe paths, links, devices,
more than 256 MiB or 4096 files (--max-bytes, --max-file-bytes, --max-files). Exit 4.
]],
  exit = [[
0 success · 1 script error (Lua error, with traceback) · 2 usage error · 3 bad input data
(file:line:col) · 4 package verification failed, or a package's firm-level result refused (privacy
rule) · 5 limit exceeded · 6 output could not be written (nothing published) · 70 internal error ·
130 interrupted (Ctrl-C; nothing published)
]],
}

-- Topics that are not commands (a command's help is lua/commands.lua's).
M.TOPIC_NAMES = { "plan", "targets", "package", "exit" }
M.TOPICS = TOPICS

-- Every command, then the other topics: what `tuiyan help X` answers (besides Lua names).
local function all_topics()
  local out = require("_host.commands").command_names()
  for _, t in ipairs(M.TOPIC_NAMES) do out[#out + 1] = t end
  return out
end
M.all_topics = all_topics

-- A command's help or a topic's text, or nil.
local function topic_text(x)
  return require("_host.commands").command_help(x) or TOPICS[x]
end

-- ---------------------------------------------------------------------------------------------
-- The documentation index

-- "stdlib/tuiyan/models/wuwei.lua" -> "tuiyan.models.wuwei" (as host/state.c names modules).
local function module_name(path)
  local rel = path:match("^stdlib/(.+)%.lua$")
  if not rel then return nil end
  rel = rel:gsub("/init$", "")
  return (rel:gsub("/", "."))
end

-- Comment blocks directly above a line: { line =, def = that line, doc = text, plain = bool }.
-- `---` blocks are documentation; a plain `--` block is kept as a fallback for a definition
-- that has none. Rulers (`-- ----`) are not text.
local function parse_blocks(text)
  local blocks, cur, plain = {}, nil, false
  local lineno = 0
  local function close(def)
    if cur and #cur > 0 then
      blocks[#blocks + 1] = { line = lineno, def = def, doc = table.concat(cur, "\n"), plain = plain }
    end
    cur = nil
  end
  for line in (text:gsub("\r\n?", "\n") .. "\n"):gmatch("([^\n]*)\n") do
    lineno = lineno + 1
    local d3 = line:match("^%s*%-%-%-(.*)$")
    local d2 = not d3 and line:match("^%s*%-%-(.*)$")
    if d3 and not d3:match("^%-") then
      if cur and plain then cur = nil end
      cur, plain = cur or {}, false
      cur[#cur + 1] = (d3:gsub("^ ", ""))
    elseif d2 and not d2:match("^%s*%-%-%-") and not d2:match("^%[") then
      if cur and not plain then close("") end
      cur, plain = cur or {}, true
      cur[#cur + 1] = (d2:gsub("^ ", ""))
    else
      close(line)
    end
  end
  lineno = lineno + 1
  close("")
  return blocks
end

--- truncate(s, cols) -> s cut to `cols` display columns (Chinese counts two), with "…" if cut.
function M.truncate(s, cols)
  local width = require("_tuiyan.text").width
  if width(s) <= cols then return s end
  local out, w = {}, 0
  for ch in s:gmatch("[%z\1-\127\194-\244][\128-\191]*") do
    local cw = width(ch)
    if w + cw > cols - 1 then break end
    out[#out + 1] = ch
    w = w + cw
  end
  return table.concat(out) .. "…"
end

-- The first sentence of a module file's header comment, without "tuiyan.x — ".
local function module_summary(text)
  local lines = {}
  for line in text:gmatch("[^\n]*") do
    local c = line:match("^%-%- ?(.*)$")
    if not c or c == "" then break end
    lines[#lines + 1] = c
  end
  local s = table.concat(lines, " "):gsub("^[%w_%.]+%s+—%s+", "")
  local first = s:match("^(.-[^%.][^%.]%.)%s") or s:match("^(.-%.)$") or s
  return M.truncate(first, 72)
end

local index = nil

-- Builds the index once: docs by function value and by definition place, names by value.
local function build_index()
  if index then return index end
  local idx = { by_value = {}, by_place = {}, extra = {}, name_of = {}, modules = {}, classes = {}, class_of = {} }
  local pending = {}
  local paths = {}
  for _, path in ipairs(host.embedded_list()) do
    local mod = module_name(path)
    if mod and not mod:match("^_") and not mod:match("%._") then paths[#paths + 1] = { path = path, mod = mod } end
  end
  if _G.tuiyan == nil then _G.tuiyan = require "tuiyan" end
  for _, p in ipairs(paths) do
    local text = host.embedded(p.path)
    local ok, value = pcall(require, p.mod)
    local entry = { name = p.mod, path = p.path, summary = module_summary(text),
      value = ok and value or nil }
    idx.modules[#idx.modules + 1] = entry
    -- the table the module returns, and its exported classes (M.Plan = Plan)
    local retvar = text:match("\nreturn ([%a_][%w_]*)%s*$") or "M"
    local owners = { [retvar] = entry.value }
    if type(entry.value) == "table" then
      for line in text:gmatch("[^\n]+") do
        local lhs, rhs = line:match("^(" .. retvar .. "%.[%w_%s,%.]-)%s*=%s*([%w_%s,]+)$")
        if lhs then
          local fields, locals = {}, {}
          for f in lhs:gmatch(retvar .. "%.([%a_][%w_]*)") do fields[#fields + 1] = f end
          for l in rhs:gmatch("[%a_][%w_]*") do locals[#locals + 1] = l end
          for i, l in ipairs(locals) do
            local v = fields[i] and rawget(entry.value, fields[i])
            if type(v) == "table" and l:match("^%u") then
              owners[l] = v
              if not idx.class_of[v] then
                idx.classes[#idx.classes + 1] = { name = l, methods = v, module = p.mod }
                idx.class_of[v] = l
              end
            end
          end
        end
      end
    end
    for _, b in ipairs(parse_blocks(text)) do
      b.path = p.path
      idx.by_place[p.path .. ":" .. b.line] = b
      local owner, fname = b.def:match("^function ([%a_][%w_]*)[%.:]([%a_][%w_]*)")
      if not owner then owner, fname = b.def:match("^([%a_][%w_]*)%.([%a_][%w_]*)%s*=") end
      if owner and not b.plain then pending[#pending + 1] = { owners = owners, owner = owner, name = fname, block = b } end
    end
  end
  for _, pd in ipairs(pending) do
    local t = pd.owners[pd.owner]
    local v = type(t) == "table" and rawget(t, pd.name)
    if type(v) == "function" and not idx.by_value[v] then idx.by_value[v] = pd.block end
  end
  -- Functions that carry no documentation of their own (written in C, made in a loop):
  -- lua/help_extra.lua, each block starting with the qualified name. A C class named there
  -- ("tuiyan.<Type>" metatable) becomes a documented class.
  local reg = debug.getregistry()
  local function class_named(qual)
    for _, c in ipairs(idx.classes) do if c.name == qual then return c.methods end end
    for _, m in ipairs(idx.modules) do if m.name == qual then return m.value end end
    local meta = rawget(reg, "tuiyan." .. qual)
    local methods = type(meta) == "table" and rawget(meta, "__index")
    if type(methods) == "table" and not idx.class_of[methods] then
      idx.classes[#idx.classes + 1] = { name = qual, methods = methods }
      idx.class_of[methods] = qual
      return methods
    end
    return nil
  end
  local extra = host.embedded(M.EXTRA_DOCS) or ""
  for _, b in ipairs(parse_blocks(extra)) do
    local qual, fname = b.doc:match("^([%a_][%w_%.]*)[%.:]([%a_][%w_]*)%s*[%({]")
    if qual and not b.plain then
      local t = class_named(qual)
      local v = type(t) == "table" and rawget(t, fname)
      b.path = M.EXTRA_DOCS
      if type(v) == "function" and not idx.by_value[v] then idx.extra[v] = b end
    end
  end
  table.sort(idx.classes, function(a, b) return a.name < b.name end)
  -- Names by value: modules first (sorted), then class methods.
  table.sort(idx.modules, function(a, b) return a.name < b.name end)
  local function names_of(t, prefix, sep)
    if type(t) ~= "table" then return end
    local keys = {}
    for k, v in next, t do if type(k) == "string" and type(v) == "function" then keys[#keys + 1] = k end end
    table.sort(keys)
    for _, k in ipairs(keys) do
      local f = rawget(t, k)
      if not idx.name_of[f] then idx.name_of[f] = prefix .. sep .. k end
    end
  end
  for _, m in ipairs(idx.modules) do names_of(m.value, m.name, ".") end
  for _, c in ipairs(idx.classes) do names_of(c.methods, c.name, ":") end
  index = idx
  return idx
end

-- The documentation block of function f, or nil: a `---` block at its definition, then one on
-- an assignment that exports it, then lua/help_extra.lua, then a plain comment at its definition.
local function doc_of(idx, f)
  local info = debug.getinfo(f, "S")
  local placed = info and info.source:sub(1, 1) == "@" and idx.by_place[info.source:sub(2) .. ":" .. info.linedefined]
  if placed and not placed.plain then return placed end
  return idx.by_value[f] or idx.extra[f] or placed or nil
end

-- A Lua function's parameters, from its debug information: "(a, b, ...)".
local function params(f)
  local info = debug.getinfo(f, "u")
  if not info or info.what == "C" then return "(...)" end
  local names = {}
  for i = 1, info.nparams do names[i] = debug.getlocal(f, i) end
  if info.isvararg then names[#names + 1] = "..." end
  return "(" .. table.concat(names, ", ") .. ")"
end

local function public(name) return type(name) == "string" and not name:match("^_") end

-- Documentation text without a leading qualified name: "Plan:actual(id)" -> "actual(id)".
local function doc_text(b)
  return (b.doc:gsub("^[%a_][%w_%.]*[%.:]([%a_][%w_]*%s*[%({])", "%1"))
end

local function function_text(idx, f)
  local name = idx.name_of[f] or "function"
  local b = doc_of(idx, f)
  local info = debug.getinfo(f, "S")
  local where = b and (b.path .. ":" .. b.line) or (info.what ~= "C" and (info.short_src .. ":" .. info.linedefined)) or nil
  local head = name .. (where and ("    (" .. where .. ")") or "")
  if not b then return head .. "\n  " .. (name:match("[%w_]+$") or "function") .. params(f) .. "  (no documentation)\n" end
  return head .. "\n" .. doc_text(b):gsub("[^\n]+", "  %0") .. "\n"
end

local function summary(idx, f)
  local b = doc_of(idx, f)
  if not b then return nil end
  return doc_text(b):match("^[^\n]*")
end

-- The listing of a table's functions (a module or a class), sorted: each function's first line
-- of documentation when it starts with the function's name, else "name  first line".
local function listing(idx, t, sep)
  local keys = {}
  for k, v in next, t do if public(k) and type(v) == "function" then keys[#keys + 1] = k end end
  table.sort(keys)
  local w = 0
  for _, k in ipairs(keys) do w = math.max(w, #k) end
  local lines = {}
  for _, k in ipairs(keys) do
    local s = summary(idx, rawget(t, k))
    if s == nil then
      lines[#lines + 1] = ("  %s%s  (no documentation)"):format(sep, k)
    elseif s:sub(1, #k + 1):match("^" .. k .. "[%({%s]") or s == k then
      lines[#lines + 1] = "  " .. sep .. s
    else
      lines[#lines + 1] = ("  %s%s  %s"):format(sep, k, s)
    end
  end
  return table.concat(lines, "\n")
end

local function class_text(idx, cname, methods)
  return ("%s — methods (help(%s.method) for one):\n%s\n"):format(cname, cname, listing(idx, methods, ":"))
end

local function module_text(idx, m)
  local out = { ("%s — %s"):format(m.name, m.summary) }
  if type(m.value) == "table" then
    local l = listing(idx, m.value, ".")
    if l ~= "" then out[#out + 1] = "functions:\n" .. l end
    local cls = {}
    for _, c in ipairs(idx.classes) do if c.module == m.name then cls[#cls + 1] = c.name end end
    if #cls > 0 then out[#out + 1] = "objects: " .. table.concat(cls, ", ") .. "  (help(\"" .. cls[1] .. "\") lists methods)" end
  end
  return table.concat(out, "\n") .. "\n"
end

--- overview() -> the text of help(): how the REPL works and the modules there are.
function M.overview()
  local idx = build_index()
  local out = { ("tuiyan %s — help(x) documents a function, module or object: help(tuiyan.plan.load), help(p)"):format(host.version),
    "",
    require("_host.commands").BY_NAME.repl.help,
    "modules (tuiyan.<name>):" }
  local w = 0
  for _, m in ipairs(idx.modules) do w = math.max(w, #m.name) end
  for _, m in ipairs(idx.modules) do
    out[#out + 1] = ("  %-" .. w .. "s  %s"):format(m.name, m.summary)
  end
  local cls = {}
  for _, c in ipairs(idx.classes) do cls[#cls + 1] = c.name end
  out[#out + 1] = ""
  out[#out + 1] = "objects: " .. table.concat(cls, ", ")
  return table.concat(out, "\n") .. "\n"
end

-- Resolves a dotted name: from the globals, then under tuiyan., then a class or class:method.
local function resolve(idx, name)
  for _, c in ipairs(idx.classes) do
    if c.name == name then return "class", c end
    local m = name:match("^" .. c.name .. "[:%.]([%a_][%w_]*)$")
    if m and type(rawget(c.methods, m)) == "function" then return "value", rawget(c.methods, m) end
  end
  for _, m in ipairs(idx.modules) do if m.name == name then return "module", m end end
  for _, root in ipairs{ "", "tuiyan." } do
    local v = _G
    local ok = true
    for part in (root .. name):gmatch("[^%.:]+") do
      if type(v) ~= "table" then ok = false break end
      v = v[part]
    end
    if ok and v ~= nil and v ~= _G then return "value", v end
  end
  -- a bare function name: every documented function of that name
  local found = {}
  for f, qual in next, idx.name_of do
    if qual:match("[%.:]" .. name:gsub("%p", "%%%0") .. "$") then found[#found + 1] = qual end
  end
  table.sort(found)
  if #found == 1 then return resolve(idx, found[1]) end
  if #found > 1 then return "several", found end
  return nil
end

--- describe(x) -> the text of help(x): x a function, module, object, class or name (a string).
function M.describe(x)
  local idx = build_index()
  if x == nil then return M.overview() end
  local kind, v = "value", x
  if type(x) == "string" then
    if topic_text(x) then return topic_text(x) end
    kind, v = resolve(idx, x)
    if kind == nil then return ("no help on '%s'; help() lists the modules\n"):format(x) end
    if kind == "several" then return ("'%s' is several functions: %s\n"):format(x, table.concat(v, ", ")) end
    if kind == "class" then return class_text(idx, v.name, v.methods) end
    if kind == "module" then return module_text(idx, v) end
  end
  if type(v) == "function" then return function_text(idx, v) end
  if type(v) == "table" or type(v) == "userdata" then
    for _, m in ipairs(idx.modules) do if m.value == v then return module_text(idx, m) end end
    if v == _G.tuiyan then return M.overview() end
    local mt = debug.getmetatable(v)
    if type(mt) == "table" then
      local methods = rawget(mt, "__index")
      local cname = idx.class_of[mt] or (type(methods) == "table" and idx.class_of[methods])
      if cname then
        for _, c in ipairs(idx.classes) do if c.name == cname then return class_text(idx, cname, c.methods) end end
      end
    end
    for _, c in ipairs(idx.classes) do if c.methods == v then return class_text(idx, c.name, c.methods) end end
  end
  return ("%s is a %s value; help() lists the modules\n"):format(tostring(v), type(v))
end

--- functions() -> { {name =, fn =, documented =}, ... } every public function of the stdlib
--- (module functions and methods of its objects), sorted by name: what help() covers.
function M.functions()
  local idx = build_index()
  local out = {}
  local function add(t, prefix, sep)
    if type(t) ~= "table" then return end
    for k, f in next, t do
      if public(k) and type(f) == "function" then
        out[#out + 1] = { name = prefix .. sep .. k, fn = f, documented = doc_of(idx, f) ~= nil }
      end
    end
  end
  for _, m in ipairs(idx.modules) do add(m.value, m.name, ".") end
  for _, c in ipairs(idx.classes) do add(c.methods, c.name, ":") end
  table.sort(out, function(a, b) return a.name < b.name end)
  return out
end

--- text([topic]) -> `tuiyan --help` (no topic) or `tuiyan help TOPIC`: a command's help (the same
--- as `tuiyan COMMAND --help`), a topic, or the documentation of a Lua name (tuiyan.plan.load,
--- Plan:actual). An unknown topic -> nil, message (with a did-you-mean).
function M.text(topic)
  local commands = require "_host.commands"
  if topic then
    local t = topic_text(topic)
    if t then return t end
    local ok, s = pcall(M.describe, topic)
    if ok and not s:match("^no help on") then return s end
    local names = all_topics()
    do   -- a Lua name: the documented functions too
      local okf, fns = pcall(M.functions)
      for _, f in ipairs(okf and fns or {}) do names[#names + 1] = f.name end
    end
    local best = require("_tuiyan.text").closest(topic, names)
    return nil, ("no help on '%s'%s; topics: %s, or a Lua name such as tuiyan.plan.load"):format(topic,
      best and (" (did you mean '" .. best .. "'?)") or "", table.concat(all_topics(), ", "))
  end
  return USAGE:format(commands.usage_block(), commands.options_block(), table.concat(all_topics(), ", "))
end

return M
