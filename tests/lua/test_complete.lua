-- tests/lua/test_complete.lua — REPL Tab completion (lua/complete.lua): globals, fields,
-- methods through metatables, tuiyan's unloaded submodules, model elements, indicator ids inside
-- strings, file names as the fallback inside other strings.
local T = dofile("tests/lua/harness.lua")
local C = require "_host.complete"

-- complete(line) : the candidates for the word before the end of line, as readline splits it.
local BREAK = " \t\n\"'`@$><=;|&{(,+-*/%^~#[])}"
local function complete(env, line)
  local quote, i = nil, 1
  while i <= #line do
    local c = line:sub(i, i)
    if quote and c == "\\" then i = i + 1
    elseif not quote and (c == '"' or c == "'") then quote = c
    elseif quote and c == quote then quote = nil end
    i = i + 1
  end
  local breaks = quote and "\"'" or BREAK   -- inside a string, the string so far is the word
  local start = #line
  while start > 0 and not breaks:find(line:sub(start, start), 1, true) do start = start - 1 end
  return C.candidates(env, line:sub(start + 1), line, start)
end

local function env_with(t)
  return setmetatable(t, { __index = _G })
end

T.test("tuiyan.pl completes to the plan module before it is loaded", function()
  local list = complete(_G, "x = tuiyan.pl")
  T.eq(table.concat(list, " "), "tuiyan.plan")
  list = complete(_G, "tuiyan.plan.lo")
  T.eq(table.concat(list, " "), "tuiyan.plan.load(")
end)

T.test("p:pro offers the methods of a plan through its metatable", function()
  local env = env_with{ p = tuiyan.plan.load() }
  local list = complete(env, "p:pro")
  T.eq(table.concat(list, " "), "p:progress( p:progress_rows(")
  list = complete(env, "p:set_ti")
  T.eq(table.concat(list, " "), "p:set_title(")
  list = complete(env, "p:")
  for _, w in ipairs(list) do T.truthy(not w:find("^p:_"), w) end
  -- private names only when asked for
  local o = setmetatable({}, { __index = { visible = function() end, _hidden = function() end } })
  env = env_with{ o = o }
  T.eq(table.concat(complete(env, "o:"), " "), "o:visible(")
  T.eq(table.concat(complete(env, "o:_"), " "), "o:_hidden(")
end)

T.test("globals and keywords", function()
  local env = env_with{ plan_a = 1, plan_b = function() end }
  T.eq(table.concat(complete(env, "plan_"), " "), "plan_a plan_b(")
  T.eq(table.concat(complete(env, "x = fun"), " "), "function")
end)

T.test("inside a string argument of a plan method: that plan's indicator ids", function()
  local env = env_with{ p = tuiyan.plan.load() }
  local list, append = complete(env, 'p:actual("rd_')
  T.eq(table.concat(list, " "), "rd_intensity rd_personnel_per_10k")
  T.eq(append, '"')
  list = complete(env, "p:progress():get('hte")
  T.eq(#list, 0)   -- the object is a call result: not evaluated, so no guesses
  env.pr = env.p:progress()
  T.eq(table.concat(complete(env, "pr:get('hte_"), " "), "hte_count")
end)

T.test("model elements: m.v. and run:get(\"", function()
  local m = require("tuiyan.models.wuwei").build()
  local env = env_with{ m = m, r = m:run() }
  local list = complete(env, "m.v.hte_c")
  T.truthy(#list >= 1, "m.v.hte_c has candidates")
  for _, w in ipairs(list) do T.truthy(w:find("^m%.v%.hte_c"), w) end
  T.eq(table.concat(complete(env, 'r:get("extra_h'), " "), "extra_hte")
  T.eq(table.concat(complete(env, 'm:element("extra_h'), " "), "extra_hte")
end)

T.test("indicator = \" and lever = \" inside a table constructor", function()
  local m = require("tuiyan.models.wuwei").build()
  local env = env_with{ p = tuiyan.plan.load(), m = m }
  T.eq(table.concat(complete(env, 'seek{ indicator = "hte_'), " "), "hte_count")
  T.eq(table.concat(complete(env, 'seek{ lever = "extra_h'), " "), "extra_hte")
end)

T.test("any other string: readline completes file names", function()
  local list, append = complete(_G, 'tuiyan.plan.load("tests/da')
  T.eq(list, false)
  T.eq(append, '"')
end)

T.test("an unknown prefix gives nothing and runs nothing", function()
  local called = false
  local env = env_with{ t = setmetatable({}, { __index = function() called = true end }) }
  T.eq(#complete(env, "nope.x"), 0)
  T.eq(#complete(env, "t.x"), 0)
  T.eq(called, false)
end)

T.done()
