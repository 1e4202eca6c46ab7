-- lua/repl.lua — the interactive loop (`tuiyan`, `tuiyan repl`). Like lua.c: try `return <line>`
-- first so expressions print; keep reading while the chunk is incomplete (the syntax error ends in
-- <eof>); errors print and the loop goes on; history holds complete statements only.
--
-- On a terminal it reads through GNU readline (_tuiyan.readline): prompts, line editing, Tab
-- completion (lua/complete.lua), history in $XDG_DATA_HOME/tuiyan/history, Ctrl-C to stop running
-- code or clear the line, Ctrl-D to leave. When standard input is not a terminal it reads plainly:
-- no prompt, no echo, no history, so pipes and tests work; the exit code is then that of the
-- first error (0 if none). Values print through lua/pretty.lua; help(x) is lua/help.lua.
-- Ctrl-C also stops a Monte Carlo run inside the C core (within a block of samples), which ends
-- as the error "interrupted"; a run longer than a second shows a progress bar on stderr when
-- stderr is a terminal (src/bind/mc.c).
local host = require "_tuiyan.host"
local rl = require "_tuiyan.readline"
local pretty = require "_host.pretty"

local M = {}

M.HISTORY_MAX = 1000   -- entries kept in the history file

local function incomplete(err)
  return err ~= nil and err:find("<eof>$") ~= nil
end

local KEYWORDS = { ["and"] = 1, ["break"] = 1, ["do"] = 1, ["else"] = 1, ["elseif"] = 1, ["end"] = 1,
  ["false"] = 1, ["for"] = 1, ["function"] = 1, ["goto"] = 1, ["if"] = 1, ["in"] = 1, ["local"] = 1,
  ["nil"] = 1, ["not"] = 1, ["or"] = 1, ["repeat"] = 1, ["return"] = 1, ["then"] = 1, ["true"] = 1,
  ["until"] = 1, ["while"] = 1 }

-- `NAME = expr` or `a.b = expr` (one target): the expression's results are kept, so a loader that
-- fails (p = tuiyan.plan.load("x.csv") gives nil, err) has its error shown at once instead of the
-- err being dropped by the assignment: "p = nil: x.csv:3:2: ...". Returns fn or nil.
local function compile_assignment(src, env)
  local target, rhs = src:match("^%s*([%a_][%w_%.]*)%s*=%s*(.-)%s*;?%s*$")
  if not target or rhs == "" or rhs:sub(1, 1) == "=" then return nil end
  for part in (target .. "."):gmatch("([^%.]*)%.") do
    if not part:match("^[%a_][%w_]*$") or KEYWORDS[part] then return nil end
  end
  local expr = load("return " .. rhs, "=stdin", "t", env)
  local assign = expr and load(target .. " = ...", "=stdin", "t", env)
  if not assign then return nil end
  return function()
    local r = table.pack(expr())
    assign(r[1])
    if r[1] == nil and r.n >= 2 and r[2] ~= nil then
      local e = r[2]
      local code = host.is_error(e) and e.code ~= 0 and e.code or host.exit.script
      error(host.error(code, ("%s = nil: %s"):format(target, tostring(e))), 0)
    end
  end
end

-- Loads a chunk: the expression form first, then a single assignment, then the statement form.
-- Returns fn, or nil, err.
local function compile(src, env)
  local fn = load("return " .. src, "=stdin", "t", env)
  if fn then return fn end
  fn = compile_assignment(src, env)
  if fn then return fn end
  return load(src, "=stdin", "t", env)
end

-- "; did you mean 'x'?" for an error naming an unknown method, field or global, from the names
-- the receiver in the source actually has (core/suggest.c through _tuiyan.text.closest).
local function did_you_mean(text, src, env)
  local kind, name = text:match("attempt to call a nil value %((%a+) '([%a_][%w_]*)'%)")
  if not kind then kind, name = text:match("attempt to index a nil value %((%a+) '([%a_][%w_]*)'%)") end
  if not kind or (kind ~= "method" and kind ~= "field" and kind ~= "global") then return "" end
  local ok, names = pcall(require("_host.complete").names_after, env, src, name, kind)
  if not ok or #names == 0 then return "" end
  local best = require("_tuiyan.text").closest(name, names)
  return best and ("; did you mean '%s'?"):format(best) or ""
end

-- An error as the analyst should read it: a tuiyan.Error as its message; a traceback without
-- the REPL's own frames.
local function error_text(e)
  if host.is_error(e) and not e.traced then return tostring(e) end
  local s = host.is_error(e) and tostring(e) or tostring(e)
  local kept = {}
  for line in (s .. "\n"):gmatch("([^\n]*)\n") do
    if line:find("in function 'xpcall'", 1, true) or line:find("readline.interruptible", 1, true)
        or line:find("lua/repl.lua", 1, true) then
      break
    end
    kept[#kept + 1] = line
  end
  if kept[#kept] == "stack traceback:" then kept[#kept] = nil end
  return table.concat(kept, "\n")
end

local function error_code(e)
  if host.is_error(e) and math.type(e.code) == "integer" and e.code ~= 0 then return e.code end
  return host.exit.script
end

local function traceback(e)
  if host.is_error(e) then
    if e.code ~= host.exit.script then return e end
    return debug.traceback(e.message, 2)
  end
  return debug.traceback(tostring(e), 2)
end

--- help([x]) : documentation of a function, module, object or name (see lua/help.lua).
local function help(...)
  local h = require "_host.help"
  if select("#", ...) == 0 then
    io.stdout:write(h.overview())
  elseif (...) == nil then
    io.stdout:write("help(nil): nothing to document (a misspelt name?); help() lists the modules\n")
  else
    io.stdout:write(h.describe((...)))
  end
end

-- Runs one chunk; prints its values, or the error on stderr. Returns nil or the error.
local function evaluate(fn, interactive, src, env)
  local res
  if interactive then
    res = table.pack(rl.interruptible(fn))
  else
    res = table.pack(xpcall(fn, traceback))
  end
  if res[1] then
    if res.n > 1 then io.stdout:write(pretty.values(table.unpack(res, 2, res.n)), "\n") end
    io.stdout:flush()
    return nil
  end
  io.stdout:flush()
  local text = error_text(res[2])
  local hint = did_you_mean(text:match("^[^\n]*"), src, env)
  if hint ~= "" then text = text:gsub("^([^\n]*)", "%1" .. hint:gsub("%%", "%%%%"), 1) end
  io.stderr:write(text, "\n")
  return res[2]
end

-- The history file: $XDG_DATA_HOME/tuiyan/history, or ~/.local/share/tuiyan/history.
function M.history_path()
  local base = os.getenv("XDG_DATA_HOME")
  if base == nil or base:sub(1, 1) ~= "/" then      -- relative values are ignored (XDG spec)
    local home = os.getenv("HOME")
    if home == nil or home == "" then return nil end
    base = home .. "/.local/share"
  end
  return base .. "/tuiyan/history", base .. "/tuiyan"
end

-- A complete statement as history entries: one line when that is safe, else line by line
-- (readline's history file holds one entry per line).
local function history_entries(src)
  if not src:find("\n") then return { src } end
  if not src:find("%-%-") and not src:find("%[=*%[") then return { (src:gsub("\n%s*", " ")) } end
  local out = {}
  for line in src:gmatch("[^\n]+") do out[#out + 1] = line end
  return out
end

local function plain_loop(env)
  local buffer, first_error = nil, nil
  while true do
    local line = io.stdin:read("L")
    if line == nil then break end
    line = line:gsub("\r?\n$", "")
    local src = buffer and (buffer .. "\n" .. line) or line
    local fn, err = compile(src, env)
    if not fn and incomplete(err) then
      buffer = src
    else
      buffer = nil
      local e
      if not fn then
        io.stderr:write(err, "\n")
        e = err
      else
        e = evaluate(fn, false, src, env)
      end
      if e ~= nil and first_error == nil then first_error = e end
    end
  end
  if buffer then
    io.stderr:write("stdin: incomplete statement at end of input\n")
    if first_error == nil then first_error = "incomplete" end
  end
  if first_error == nil then return 0 end
  return error_code(first_error)
end

local function interactive_loop(env)
  rl.init{ name = "tuiyan" }
  rl.set_completer(function(text, line, start)
    return require("_host.complete").candidates(env, text, line, start)
  end)
  local hist, dir = M.history_path()
  if hist then
    local ok, err = require("_tuiyan.io").mkdir_p(dir)
    if ok then ok, err = rl.load_history(hist, M.HISTORY_MAX) end
    if not ok then
      io.stderr:write("tuiyan: history off: ", tostring(err), "\n")
      hist = nil
    end
  end
  io.stdout:write(("tuiyan %s (%s) — help() for help, Tab completes, Ctrl-D leaves\n"):format(host.version, _VERSION))
  local buffer = nil
  while true do
    local line, why = rl.readline(buffer and ">> " or "> ")
    if line == nil and why == "interrupted" then
      buffer = nil                         -- Ctrl-C: the line (and an unfinished statement) goes
    elseif line == nil then
      io.stdout:write("\n")
      break
    else
      local src = buffer and (buffer .. "\n" .. line) or line
      local fn, err = compile(src, env)
      if not fn and incomplete(err) then
        buffer = src
      else
        buffer = nil
        if src:find("%S") then
          for _, entry in ipairs(history_entries(src)) do
            local ok, herr = rl.add_history(entry, hist)
            if not ok then io.stderr:write("tuiyan: history off: ", tostring(herr), "\n") hist = nil end
          end
        end
        if not fn then io.stderr:write(err, "\n") else evaluate(fn, true, src, env) end
      end
    end
  end
  if hist then rl.truncate_history(hist, M.HISTORY_MAX) end
  return 0
end

function M.main(args)
  if args[1] == "repl" and args[2] ~= nil then
    error(host.error(host.exit.usage, "repl takes no arguments (see tuiyan --help)"), 0)
  end
  local tuiyan = require "tuiyan"
  _G.tuiyan = tuiyan
  _G.help = help
  require("_tuiyan.mc").set_progress(true)   -- drawn only when stderr is a terminal
  if rl.isatty(0) then return interactive_loop(_G) end
  return plain_loop(_G)
end

return M
