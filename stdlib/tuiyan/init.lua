-- tuiyan — the analyst-facing library. `tuiyan.plan` loads plans and measures progress,
-- `tuiyan.report` turns results into tables and files.
local host = require "_tuiyan.host"

local tuiyan = {
  version = host.version,
  exit = host.exit,        -- exit codes by name: tuiyan.exit.data == 3
  options = {},            -- command-line options of the current run (set by the CLI)
}

--- Raises a tuiyan.Error with the exit code named by `kind` ("data", "usage", "output", ...).
function tuiyan.fail(kind, fmt, ...)
  local code = host.exit[kind]
  if not code then error("unknown error kind '" .. tostring(kind) .. "'", 2) end
  error(host.error(code, string.format(fmt, ...)), 2)
end

tuiyan.is_error = host.is_error

-- Submodules load on first use, so `tuiyan.report` works without a require.
setmetatable(tuiyan, {
  __index = function(t, k)
    if type(k) ~= "string" or not k:match("^[%a_][%w_]*$") then return nil end
    local ok, mod = pcall(require, "tuiyan." .. k)
    if not ok then
      if tostring(mod):find("module 'tuiyan." .. k .. "' not found", 1, true) then return nil end
      error(mod, 2)
    end
    rawset(t, k, mod)
    return mod
  end,
})

return tuiyan
