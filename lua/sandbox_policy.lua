-- lua/sandbox_policy.lua — what package code may use: the one allow-list. The sandbox child
-- (lua/sandbox_child.lua) prunes its own state to it and builds every environment from it;
-- lua/sandbox.lua takes its default limits from it; tests/lua/test_sandbox.lua compares it with
-- everything a package can actually reach. A name that is not here does not exist for a package.
--
-- Kinds: "lua" is Lua's own function, unchanged; "sandbox" is the sandbox's own version (made in
-- sandbox_child.lua, which refuses to start if a "sandbox" name has no maker); "native" is a
-- function of one of tuiyan's C modules, unchanged.
return {
  -- The globals of a package's environment.
  globals = {
    assert = "lua", error = "lua", ipairs = "lua", next = "lua", pairs = "lua", pcall = "lua",
    rawequal = "lua", rawget = "lua", rawlen = "lua", rawset = "lua", select = "lua",
    tonumber = "lua", tostring = "lua", type = "lua", _VERSION = "lua",
    xpcall = "sandbox",        -- its message handler is skipped once a limit is hit (it would run
                               -- with hooks off, beyond the instruction budget)
    getmetatable = "sandbox",  -- a string's metatable is the environment's own copy; userdata's are hidden
    setmetatable = "sandbox",  -- refuses a metatable with __gc
    load = "sandbox",          -- text only ("t"); into the calling environment unless given one
    require = "sandbox",       -- the package's own modules and tuiyan's public ones (`modules`)
    print = "sandbox",         -- into the run's log, capped at limits.log_bytes
    _G = "sandbox",            -- the environment itself
    tuiyan = "sandbox",        -- require "tuiyan"
    arg = "sandbox",           -- the run's arguments: arg[0] the scenario file, arg[1..] strings
  },

  -- Library tables: each environment gets its own copy, so changing one changes only that copy.
  -- Not here: io, debug, package, dofile, loadfile, collectgarbage, warn, string.dump and the
  -- rest of os; Debian's 5.3-compatibility math functions (math.pow, ...) are left out too.
  libraries = {
    string = { byte = "lua", char = "lua", find = "lua", format = "lua", gmatch = "lua", gsub = "lua",
      len = "lua", lower = "lua", match = "lua", pack = "lua", packsize = "lua", rep = "lua",
      reverse = "lua", sub = "lua", unpack = "lua", upper = "lua" },
    table = { concat = "lua", insert = "lua", move = "lua", pack = "lua", remove = "lua", sort = "lua",
      unpack = "lua" },
    math = { abs = "lua", acos = "lua", asin = "lua", atan = "lua", ceil = "lua", cos = "lua", deg = "lua",
      exp = "lua", floor = "lua", fmod = "lua", huge = "lua", log = "lua", max = "lua", maxinteger = "lua",
      min = "lua", mininteger = "lua", modf = "lua", pi = "lua", rad = "lua", random = "lua",
      randomseed = "lua", sin = "lua", sqrt = "lua", tan = "lua", tointeger = "lua", type = "lua", ult = "lua" },
    utf8 = { char = "lua", charpattern = "lua", codepoint = "lua", codes = "lua", len = "lua", offset = "lua" },
    coroutine = { create = "lua", isyieldable = "lua", resume = "lua", running = "lua", status = "lua",
      yield = "lua",
      -- Lua runs the to-be-closed variables of a coroutine that a limit stopped with its hooks off;
      -- these two skip that once the run is over, so no __close escapes the budget.
      close = "sandbox", wrap = "sandbox" },
    os = { clock = "lua", date = "lua", difftime = "lua", time = "lua" },
  },

  -- tuiyan's Lua modules a package may require. They run in an environment of their own, built
  -- from the same allow-list plus `stdlib_globals`. A new module is added here after review.
  modules = {
    "tuiyan", "tuiyan._mcreport", "tuiyan.compare", "tuiyan.format", "tuiyan.goalseek", "tuiyan.html",
    "tuiyan.mc", "tuiyan.model", "tuiyan.models.wuwei", "tuiyan.plan", "tuiyan.policy", "tuiyan.policy.wuwei",
    "tuiyan.progress", "tuiyan.regions", "tuiyan.report", "tuiyan.scenario",
    "tuiyan.scenarios.wuwei", "tuiyan.svg", "tuiyan.tabular",
    -- registers (a county's firms): what leaves is checked in sandbox_child.lua ("privacy")
    "tuiyan.register", "tuiyan.criteria.hte", "tuiyan.criteria.tsme", "tuiyan.register_pay",
    "tuiyan.register_pay_report", "tuiyan.register_pay_compare", "tuiyan.policy.wuwei_firms",
    "tuiyan.register_pipeline",
  },

  -- Extra globals of the stdlib's environment only (never a package's).
  stdlib_globals = {
    io = "sandbox",     -- io.stdout and io.stderr only, both writing into the log
    debug = "sandbox",  -- debug.getinfo(level, "Sl") only: where a model element was defined
  },

  -- tuiyan's C modules the stdlib may require, and which of their fields it gets. A package
  -- cannot require them. _tuiyan.io (files) and _tuiyan.crypto (reads files) are absent:
  -- tuiyan.report gets an in-memory stand-in for _tuiyan.io that stages results for the parent.
  native = {
    ["_tuiyan.host"] = { error = "native", is_error = "native", embedded = "native",
      embedded_list = "native", version = "native", exit = "native" },
    ["_tuiyan.text"] = { width = "native", number = "native", parse_number = "native", rounded = "native",
      distance = "native", closest = "native" },
    ["_tuiyan.json"] = { encode = "native", decode = "native", null = "native", array_meta = "native" },
    ["_tuiyan.plan"] = { new = "native", parse = "native", methods = "native",
      load = "sandbox" },  -- reads only the county's data directory and the package's data files
    ["_tuiyan.model"] = { builder = "native" },
    ["_tuiyan.schedule"] = { new = "native" },
    ["_tuiyan.mc"] = { quantile = "native", cdf = "native", check = "native", sample = "native",
      run = "native", tornado = "native", draw_matrix = "native", now = "native", peak_memory = "native" },
    ["_tuiyan.register"] = { load = "sandbox", parse = "native", methods = "native",
      known_columns = "native", credit_code_valid = "native" },
    ["_tuiyan.register_pay"] = { pay = "native" },
    ["_tuiyan.regions"] = { sum = "native", ratio = "native", weighted_mean = "native", rank = "native",
      composite = "native" },
    ["_tuiyan.detmath"] = { exp = "native", log = "native", pow = "native" },
    ["_tuiyan.io"] = "sandbox",   -- the staging stand-in
  },

  -- Limits of one package run: name = { default, lowest, highest, integer?, meaning }.
  -- options.limits overrides any of them (README "The sandbox"); all are hit as exit 5.
  limits = {
    cpu_seconds = { 60, 1, 86400, true, "CPU time of the child, seconds (RLIMIT_CPU)" },
    wall_seconds = { 120, 0.1, 86400, false, "wall-clock time, seconds; then the parent kills the child" },
    memory_mb = { 512, 16, 1 << 20, true, "Lua memory of the child, MiB (allocator cap)" },
    instructions = { 2000000000, 1000, 1 << 62, true, "Lua VM instructions (count hook)" },
    output_bytes = { 64 << 20, 1024, 1 << 36, true, "all results together, bytes" },
    outputs = { 200, 1, 100000, true, "number of result files" },
    log_bytes = { 1 << 20, 0, 1 << 30, true, "print() output kept, bytes; the rest is dropped, and the drop noted" },
  },
}
