-- tests/lua/harness.lua — a small test harness for Lua-level tests run by `tuiyan run`.
--   local T = dofile("tests/lua/harness.lua")
--   T.test("name", function() T.eq(1 + 1, 2) end)
--   T.done()   -- prints "N passed, N failed" and fails the run if any failed
local T = { passed = 0, failed = 0 }

local function show(v)
  if type(v) == "string" then return string.format("%q", v) end
  return tostring(v)
end

function T.test(name, fn)
  local ok, err = xpcall(fn, function(e) return debug.traceback(tostring(e), 2) end)
  if ok then
    T.passed = T.passed + 1
  else
    T.failed = T.failed + 1
    io.stderr:write("FAIL ", name, ": ", tostring(err), "\n")
  end
end

function T.eq(got, want, msg)
  if got ~= want then
    error(("%sexpected %s, got %s"):format(msg and (msg .. ": ") or "", show(want), show(got)), 2)
  end
end

function T.near(got, want, tol, msg)
  tol = tol or 1e-9
  if type(got) ~= "number" or math.abs(got - want) > tol * math.max(1, math.abs(want)) then
    error(("%sexpected %s ± %g, got %s"):format(msg and (msg .. ": ") or "", show(want), tol, show(got)), 2)
  end
end

function T.truthy(v, msg)
  if not v then error(msg or "expected a true value", 2) end
end

--- raises(fn, text) : fn must raise an error whose text contains `text` (plain find).
function T.raises(fn, text)
  local ok, err = pcall(fn)
  if ok then error("expected an error containing " .. show(text), 2) end
  local s = tostring(err)
  if not s:find(text, 1, true) then
    error(("expected an error containing %s, got %s"):format(show(text), show(s)), 2)
  end
  return err
end

function T.done()
  print(("%d passed, %d failed"):format(T.passed, T.failed))
  if T.failed > 0 then error(("%d Lua test(s) failed"):format(T.failed), 0) end
end

return T
