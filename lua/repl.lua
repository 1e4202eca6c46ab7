-- lua/repl.lua — the interactive loop. Like lua.c: try `return <line>` first so expressions
-- print; keep reading while the chunk is incomplete (the syntax error ends in <eof>); errors
-- print and the loop goes on. Reads plainly from stdin, so pipes and tests work.
local M = {}

local function incomplete(err)
  return err and err:find("<eof>$") ~= nil
end

-- Loads a chunk: the expression form first, then the statement form. Returns fn, or nil, err.
local function compile(src, env)
  local fn = load("return " .. src, "=stdin", "t", env)
  if fn then return fn end
  return load(src, "=stdin", "t", env)
end

local function show(...)
  local n = select("#", ...)
  if n == 0 then return end
  local parts = {}
  for i = 1, n do
    local v = select(i, ...)
    parts[i] = tostring(v)
  end
  local s = table.concat(parts, "\t")
  io.stdout:write(s, s:sub(-1) == "\n" and "" or "\n")
end

function M.main(args)
  local tuiyan = require "tuiyan"
  _G.tuiyan = tuiyan
  local interactive = false   -- prompts only on a terminal (set by the readline host, issue 5)
  local buffer = nil
  while true do
    if interactive then io.stdout:write(buffer and ">> " or "> ") io.stdout:flush() end
    local line = io.stdin:read("L")
    if line == nil then break end
    line = line:gsub("\r?\n$", "")
    local src = buffer and (buffer .. "\n" .. line) or line
    local fn, err = compile(src, _G)
    if not fn and incomplete(err) then
      buffer = src
    else
      buffer = nil
      if not fn then
        io.stderr:write(err, "\n")
      else
        local res = table.pack(xpcall(fn, function(e)
          if tuiyan.is_error(e) then return tostring(e) end
          return debug.traceback(tostring(e), 2)
        end))
        if res[1] then
          show(table.unpack(res, 2, res.n))
        else
          io.stderr:write(tostring(res[2]), "\n")
        end
      end
    end
  end
  if buffer then io.stderr:write("stdin: incomplete statement at end of input\n") return 1 end
  return 0
end

return M
