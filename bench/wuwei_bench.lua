-- bench/wuwei_bench.lua — tuiyan's side of `make bench` (run by bench/run.sh through `tuiyan run`):
-- the standard Wuwei model, baseline scenario, its uncertain parameters drawn --samples times
-- with --seed, all 15 plan indicators tracked in every year.
--
--   tuiyan run bench/wuwei_bench.lua export DIR        the draws for the peers: DIR/inputs.f64
--                                                      (doubles, parameter-major), DIR/meta.txt
--   tuiyan run bench/wuwei_bench.lua time DIR REPS     DIR/tuiyan.json: medians of CPU seconds
--                                                      (median_s) and of wall seconds (median_wall_s) of
--       "tuiyan"      the peers' job: evaluate the drawn samples, reduce to means and sds
--       "tuiyan_full" the analyst's job: draw, evaluate, means, sds, quantiles, P(target)
--       "tuiyan_full_2threads" the same on two threads (identical numbers)
--   tuiyan run bench/wuwei_bench.lua scale KIND REPS   one line of JSON: the full job's median for
--       KIND = base | samples (×10) | years (×2: 2021–2050) | elements (×2: the model twice)
--   tuiyan run bench/wuwei_bench.lua once JOB [THREADS] one line of JSON: JOB once (job: the peers'
--       job, its samples drawn first; full: the analyst's job), and the process's peak resident
--       memory; bench/run.sh runs it under GNU time for each row's peak memory
--   tuiyan run bench/wuwei_bench.lua memory            the same as `once full`
--   tuiyan run bench/wuwei_bench.lua loop N            the peers' job N times after one draw, for
--       timing whole processes from outside (against `peer_c DIR N`, say)
local mc, S = tuiyan.mc, tuiyan.scenario
local W = require "tuiyan.models.wuwei"
local io_native = require "_tuiyan.io"

local mode = arg[1]
local opts = tuiyan.options
local samples, seed = opts.samples or 100000, opts.seed or 1
local plan = assert(tuiyan.plan.load())

local function indicators(model) return model:indicator_ids(plan) end

local function all_years(model)
  local ys = {}
  for y = model.first_year, model.last_year do ys[#ys + 1] = y end
  return ys
end

local function median(ts)
  local s = { table.unpack(ts) }
  table.sort(s)
  return s[math.floor(#s / 2) + 1]
end

-- Times of reps runs after a warm-up, each in CPU seconds of the process, all its threads
-- (os.clock), which a busy shared machine disturbs less, and in wall seconds (mc.now, monotonic).
local function timed(reps, fn)
  fn()                                   -- warm: compile, first allocations
  local ts = { cpu = {}, wall = {} }
  for r = 1, reps do
    local w0 = mc.now()
    local t0 = os.clock()
    fn()
    ts.cpu[r] = os.clock() - t0
    ts.wall[r] = mc.now() - w0
  end
  return ts
end

local function times_json(ts)
  local cpu, wall = {}, {}
  for i, t in ipairs(ts.cpu) do cpu[i] = ("%.6f"):format(t) end
  for i, t in ipairs(ts.wall) do wall[i] = ("%.6f"):format(t) end
  return ("{\"median_s\": %.6f, \"median_wall_s\": %.6f, \"times\": [%s], \"wall_times\": [%s]}"):format(
    median(ts.cpu), median(ts.wall), table.concat(cpu, ", "), table.concat(wall, ", "))
end

-- The model twice over: every element again with the suffix _b, references renamed, so the
-- evaluator has twice the elements (and twice the uncertain parameters) to run.
local function doubled()
  local src = W.build()
  local M = tuiyan.model
  local m = M.new{ name = "wuwei_x2", first_year = src.first_year, last_year = src.last_year }
  local function copy(e, sfx, memo)
    if type(e) ~= "table" then return e end
    if memo[e] then return memo[e] end
    local c = {}
    for k, v in pairs(e) do c[k] = v end
    if c.op == "ref" or c.op == "delay" then c.name = c.name .. sfx end
    if c.op == "lookup" then c.table = c.table .. sfx end
    if c.args then c.args = {}; for i, a in ipairs(e.args) do c.args[i] = copy(a, sfx, memo) end end
    if c.values then c.values = {}; for i, a in ipairs(e.values) do c.values[i] = copy(a, sfx, memo) end end
    for _, k in ipairs{ "init", "x" } do if c[k] then c[k] = copy(e[k], sfx, memo) end end
    c = setmetatable(c, getmetatable(e))
    memo[e] = c
    return c
  end
  for _, sfx in ipairs{ "", "_b" } do
    local memo = {}
    for _, el in ipairs(src.elements) do
      local o = {}
      for k, v in pairs(el.opts) do o[k] = v end
      if sfx ~= "" then o.indicator = nil end
      for _, k in ipairs{ "into", "from" } do if o[k] then o[k] = o[k] .. sfx end end
      local name = el.name .. sfx
      if el.kind == "param" then m:param(name, el.body, o)
      elseif el.kind == "lever" then m:lever(name, el.body, o)
      elseif el.kind == "aux" then m:aux(name, copy(el.body, sfx, memo), o)
      elseif el.kind == "flow" then m:flow(name, copy(el.body, sfx, memo), o)
      elseif el.kind == "stock" then
        o.init = copy(el.body, sfx, memo)
        o.inflows, o.outflows = {}, {}
        for _, f in ipairs(el.opts.inflows or {}) do o.inflows[#o.inflows + 1] = f .. sfx end
        for _, f in ipairs(el.opts.outflows or {}) do o.outflows[#o.outflows + 1] = f .. sfx end
        m:stock(name, o)
      end
    end
  end
  return m
end

-- The analyst's job on a model: draw, run, moments, quantiles, P(target) for every indicator-year.
local function full_job(model, n, threads)
  local base = S.new{ name = "baseline", model = model }
  local track = indicators(model)
  if model.name == "wuwei_x2" then
    local twice = {}
    for _, id in ipairs(track) do twice[#twice + 1] = id; twice[#twice + 1] = model:indicators()[id] .. "_b" end
    track = twice
  end
  return function()
    return mc.run{ scenario = base, plan = plan, track = track, years = all_years(model), samples = n,
      seed = seed, threads = threads }
  end
end

local function write(path, data)
  local ok, err = io_native.write_atomic(path, data)
  if not ok then error(err, 0) end
end

if mode == "export" then
  local dir = arg[2]
  local model = W.build()
  local d = mc.draw{ scenario = S.new{ name = "baseline", model = model }, samples = samples, seed = seed }
  write(dir .. "/inputs.f64", d:bytes())
  write(dir .. "/meta.txt", ("samples %d first_year %d last_year %d params %d\n%s\n"):format(samples,
    model.first_year, model.last_year, #d.names, table.concat(d.names, "\n")))
  print(("exported %d samples of %d parameters"):format(samples, #d.names))

elseif mode == "time" then
  local dir, reps = arg[2], math.tointeger(tonumber(arg[3])) or 5
  local model = W.build()
  local base = S.new{ name = "baseline", model = model }
  local track = indicators(model)
  local draws = mc.draw{ scenario = base, samples = samples, seed = seed }
  local result
  local eval = timed(reps, function()
    result = mc.run{ scenario = base, track = track, years = all_years(model), samples = samples, seed = seed,
      draws = draws, quantiles = false }
  end)
  local full = timed(reps, full_job(model, samples, 1))
  local full2 = timed(reps, full_job(model, samples, 2))
  local mean, sd = {}, {}
  for k, id in ipairs(track) do
    local m, s = {}, {}
    for _, y in ipairs(all_years(model)) do
      local g = result:get(id, y)
      m[#m + 1] = ("%.17g"):format(g.mean)
      s[#s + 1] = ("%.17g"):format(g.sd)
    end
    mean[k] = "[" .. table.concat(m, ", ") .. "]"
    sd[k] = "[" .. table.concat(s, ", ") .. "]"
  end
  local q = {}
  for i, id in ipairs(track) do q[i] = '"' .. id .. '"' end
  write(dir .. "/tuiyan.json", ("{\"peer\": \"tuiyan\", \"tuiyan\": %s, \"tuiyan_full\": %s, "
    .. "\"tuiyan_full_2threads\": %s, \"elements\": %d, \"instructions\": null, \"indicators\": [%s],\n "
    .. "\"mean\": [%s],\n \"sd\": [%s]}\n"):format(times_json(eval), times_json(full), times_json(full2),
    #model.elements, table.concat(q, ", "), table.concat(mean, ",\n  "), table.concat(sd, ",\n  ")))

elseif mode == "scale" then
  local kind, reps = arg[2], math.tointeger(tonumber(arg[3])) or 3
  local model, n = W.build(), samples
  if kind == "samples" then n = samples * 10
  elseif kind == "years" then model = W.build{ last_year = W.FIRST_YEAR + 2 * (W.LAST_YEAR - W.FIRST_YEAR + 1) - 1 }
  elseif kind == "elements" then model = doubled()
  elseif kind ~= "base" then error("scale: base, samples, years or elements expected") end
  local ts = timed(reps, full_job(model, n, 1))
  print(("{\"kind\": \"%s\", \"samples\": %d, \"years\": %d, \"elements\": %d, \"median_s\": %.6f, "
    .. "\"median_wall_s\": %.6f}"):format(kind, n, model.last_year - model.first_year + 1, #model.elements,
    median(ts.cpu), median(ts.wall)))

elseif mode == "once" or mode == "memory" or mode == "loop" then
  local job = mode == "memory" and "full" or mode == "loop" and "job" or arg[2]
  local threads = mode ~= "loop" and math.tointeger(tonumber(arg[3])) or 1
  local times = mode == "loop" and math.tointeger(tonumber(arg[2])) or 1
  local model = W.build()
  local t0 = mc.now()
  if job == "job" or mode == "loop" then
    local base = S.new{ name = "baseline", model = model }
    local draws = mc.draw{ scenario = base, samples = samples, seed = seed }
    for _ = 1, mode == "loop" and times or 1 do
      mc.run{ scenario = base, track = indicators(model), years = all_years(model), samples = samples, seed = seed,
        draws = draws, quantiles = false, threads = threads }
    end
  elseif job == "full" then
    full_job(model, samples, threads)()
  else
    error("once: job or full expected")
  end
  print(("{\"job\": \"%s\", \"threads\": %d, \"times\": %d, \"samples\": %d, \"seconds\": %.3f, \"peak_mb\": %.1f}"):format(
    job, threads, times, samples, mc.now() - t0, mc.peak_memory() / 1048576))
else
  error("wuwei_bench.lua: export DIR | time DIR REPS | scale KIND REPS | once job|full [THREADS] | memory | loop N")
end
