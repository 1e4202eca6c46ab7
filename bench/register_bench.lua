-- bench/register_bench.lua — tuiyan's side of the register row of `make bench` (bench/register_rows.py
-- runs it): a register loaded once, then checked against both criteria sets (hte and tsme) REPS
-- times; prints one line of JSON: the load's wall seconds, the medians of CPU seconds (os.clock)
-- and wall seconds of one check of both sets, the process's peak resident memory, and each set's
-- summary (qualifying firms, per criterion met / not met / unknown and the sum of shortfalls) for
-- bench/register_rows.py to compare with the numpy peer's. Then the same for checking both sets
-- and pricing the register under the Wuwei policy (reg:check("tsme") and reg:pay("wuwei"), which
-- checks hte itself): medians of CPU and wall seconds, and the payments' summary (total, paid and
-- unknown, per rule).
--
--   tuiyan run bench/register_bench.lua REGISTER.csv REPS
local mc = tuiyan.mc
local json = require "_tuiyan.json"

local path, reps = arg[1], math.tointeger(tonumber(arg[2] or "5"))

local function median(ts)
  local s = { table.unpack(ts) }
  table.sort(s)
  return s[math.floor(#s / 2) + 1]
end

local t0 = mc.now()
local reg = assert(tuiyan.register.load(path))
local load_s = mc.now() - t0

-- job() REPS times, each after a full collection (the last one's results freed first): CPU and wall
-- seconds of each, and what summarise made of the last run's results.
local function timed(job, summarise)
  local cpu, wall, last = {}, {}, nil
  for r = 1, reps do
    collectgarbage()
    local c0, w0 = os.clock(), mc.now()
    local a, b = job()
    cpu[r], wall[r] = os.clock() - c0, mc.now() - w0
    if r == reps then last = summarise(a, b) end
    a, b = nil, nil                     -- dead registers would still hold them at the next collection
  end
  return cpu, wall, last
end

local cpu, wall, checks = timed(function() return assert(reg:check("hte")), assert(reg:check("tsme")) end,
  function(hte, tsme) return { hte = hte:summary(), tsme = tsme:summary() } end)
local pcpu, pwall, paid = timed(function() return assert(reg:check("tsme")), assert(reg:pay("wuwei")) end,
  function(_, pay) return pay:summary() end)

local function summary(s)
  local crit = setmetatable({}, json.array_meta)
  for k, c in ipairs(s.criteria) do
    crit[k] = setmetatable({ id = c.id, met = c.met, not_met = c.not_met, unknown = c.unknown, shortfall = c.shortfall },
      { __jsonorder = { "id", "met", "not_met", "unknown", "shortfall" } })
  end
  return setmetatable({ n = s.n, qualifies = s.qualifies, candidates = s.candidates, criteria = crit },
    { __jsonorder = { "n", "qualifies", "candidates", "criteria" } })
end

local rules = setmetatable({}, json.array_meta)
for k, r in ipairs(paid.rules) do
  rules[k] = setmetatable({ total = r.total, paid = r.paid }, { __jsonorder = { "total", "paid" } })
end
local pay = setmetatable({ total = paid.total, paid = paid.paid, unknown = paid.unknown, rules = rules },
  { __jsonorder = { "total", "paid", "unknown", "rules" } })

io.stdout:write(json.encode(setmetatable({ rows = #reg, load_s = load_s, median_s = median(cpu),
  median_wall_s = median(wall), pay_median_s = median(pcpu), pay_median_wall_s = median(pwall),
  peak_mb = mc.peak_memory() / 1048576, hte = summary(checks.hte), tsme = summary(checks.tsme), pay = pay },
  { __jsonorder = { "rows", "load_s", "median_s", "median_wall_s", "pay_median_s", "pay_median_wall_s", "peak_mb",
    "hte", "tsme", "pay" } })), "\n")
