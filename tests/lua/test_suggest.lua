-- test_suggest.lua — "did you mean" through Lua: _tuiyan.text.distance/closest (core/suggest.c)
-- and the suggestions of the plan's methods for an unknown indicator id. Expected names are the
-- embedded plan's own (stdlib/data/wuwei_2021_2025.csv), distances worked by hand.
local T = dofile("tests/lua/harness.lua")
local text = require "_tuiyan.text"

T.test("distance counts code points and a swap of neighbours as one edit", function()
  T.eq(text.distance("fromat", "format"), 1)                -- r<->o swapped
  T.eq(text.distance("高新技术企业", "高薪技术企业"), 1)    -- one character, three bytes
  T.eq(text.distance("abcdef", "uvwxyz", 2), 3)             -- beyond the limit: limit + 1
end)

T.test("closest picks the nearest name, never the word itself, nothing for nonsense", function()
  local cmds = { "run", "merge", "progress", "check", "extract", "help", "version" }
  T.eq(text.closest("progres", cmds), "progress")
  T.eq(text.closest("chekc", cmds), "check")
  T.eq(text.closest("nonsense", cmds), nil)
  T.eq(text.closest("progress", cmds), nil)
  T.eq(text.closest("x", {}), nil)
end)

T.test("an unknown indicator id names the id it most likely meant", function()
  local p = tuiyan.plan.load()
  T.raises(function() p:actual("rd_intensty", 2021) end, "no indicator 'rd_intensty' in plan stdlib/data/wuwei_2021_2025.csv; did you mean 'rd_intensity'?")
  -- a misspelt Chinese name (薪 for 新) leads to the id of 高新技术企业
  T.raises(function() p:actual("高薪技术企业", 2021) end, "did you mean 'hte_count'?")
  -- the exact name: ids select, and the id is named
  T.raises(function() p:target("高新技术企业", 2025) end, "that is the name of 'hte_count'")
  local ok, err = pcall(p.actual, p, "nonsense_indicator", 2021)
  T.eq(ok, false)
  T.eq(tostring(err):find("did you mean", 1, true), nil)
end)

T.test("progress:get names the indicator a misspelt id or name most likely meant", function()
  local pr = tuiyan.plan.load():progress()
  T.raises(function() pr:get("rd_intensty", 2025) end, "progress: no indicator 'rd_intensty'; did you mean 'rd_intensity'?")
  T.raises(function() pr:get("高薪技术企业", 2025) end, "did you mean 'hte_count'?")
  T.eq(pr:get("hte_count", 2025).year, 2025)
  T.eq(pr:get("hte_count", 1999), nil)                 -- a known id without that year's target: nil
end)

T.test("a model run names the element a misspelt name most likely meant", function()
  local m = tuiyan.model.new{ first_year = 2021, last_year = 2022 }
  m:param("gdp", 100, { unit = "亿元" })
  m:aux("gdp_share", m.v.gdp * 0.5, { unit = "亿元" })
  local r = m:run()
  T.raises(function() r:get("gpd", 2021) end, "run: no element 'gpd' in model")
  T.raises(function() r:get("gpd", 2021) end, "; did you mean 'gdp'?")
  T.raises(function() r:series("gdp_shar") end, "did you mean 'gdp_share'?")
  local ok, err = pcall(r.get, r, "unrelated_name", 2021)
  T.eq(ok, false)
  T.eq(tostring(err):find("did you mean", 1, true), nil)
end)

T.done()
