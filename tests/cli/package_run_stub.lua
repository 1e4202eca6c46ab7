-- package_run_stub.lua NAME[@VERSION]:SCENARIO [ARGS...] — runs `tuiyan run PKG:SCENARIO`'s
-- glue (_host.package_run) with a stand-in for _host.sandbox that prints what it is given, so
-- tests/cli/test_package.sh can check the hand-over (resolution, re-verification, the
-- verified sources) whether or not this build has the real sandbox.
package.loaded["_host.sandbox"] = nil
package.preload["_host.sandbox"] = function()
  return {
    run = function(t)
      local m = t.manifest
      local paths = {}
      for p in pairs(m.sources) do paths[#paths + 1] = p end
      table.sort(paths)
      print("root " .. t.root:gsub("^.*/packages/", "PACKAGES/"))
      print("scenario " .. t.scenario .. " -> " .. m.scenarios[t.scenario])
      print("package " .. m.name .. " " .. m.version .. " key " .. m.key:sub(1, 16))
      print("sources " .. table.concat(paths, " "))
      print("source of scenario: " .. (m.sources[m.scenarios[t.scenario]]:gsub("\n", "\\n")))
      print("args " .. table.concat(t.args, " "))
      print("options " .. tostring(t.options ~= nil))
      return 0
    end,
  }
end
local spec = arg[1]
local pos = {}
for i = 1, #arg do pos[i] = arg[i] end
local code = require("_host.package_run").main({ set = {} }, pos)
if code ~= 0 then error("exit " .. tostring(code)) end
