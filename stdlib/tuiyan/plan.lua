-- tuiyan.plan — plans: indicators with actuals and targets (DOMAIN §1), and where each stands
-- against its targets (DOMAIN §2). The numbers are computed by the C core; this module adds the
-- analyst's vocabulary: the embedded default plan, relative targets, progress objects.
--
-- Errors: load() returns nil, err for a missing or bad file (err is a tuiyan.Error carrying exit
-- code 3 for bad data); misuse (an unknown indicator, a bad argument) raises.
local native = require "_tuiyan.plan"
local host = require "_tuiyan.host"

local M = {}
local Plan = native.methods

M.DEFAULT = "stdlib/data/wuwei_2021_2025.csv"

--- load([path]) -> Plan | nil, err. Without a path, the embedded Wuwei 2021–2025 plan.
function M.load(path)
  if path == nil then
    local text = assert(host.embedded(M.DEFAULT), "embedded default plan missing")
    local plan, err = native.parse(text, M.DEFAULT, "csv")
    require("tuiyan.report").input("embedded:" .. M.DEFAULT, text)   -- for the batch manifest
    return plan, err
  end
  if type(path) ~= "string" then
    error("bad argument #1 to 'load' (string expected, got " .. type(path) .. ")", 2)
  end
  local plan, err = native.load(path)
  -- for the manifest of a batch run: the file (a workbook's, not book.xlsx#Sheet)
  if plan then require("tuiyan.report").input(path:match("^(.-%.[xX][lL][sS][xX])#") or path) end
  return plan, err
end

--- parse(text, name, format) -> Plan | nil, err. format: "csv" (default) or "json".
function M.parse(text, name, format)
  return native.parse(text, name or "(string)", format or "csv")
end

--- new([name]) -> an empty Plan to fill with :add{...}.
M.new = native.new

--- set_title(text): the title reports use for this plan (instead of its file name); a plan file
--- gives one with `# title: …` (CSV) or "title" (JSON). Native: kept in the plan, so clones keep it.
--- title() -> that title, else the plan's name.
function Plan:title() return self:header_title() or self:name() end

local function check_year(y, argn, fname)
  if math.type(y) ~= "integer" then
    error(("bad argument #%d to '%s' (integer year expected, got %s)"):format(argn, fname,
      math.type(y) or type(y)), 3)
  end
end

local function reference_actual(plan, id, from, fname)
  check_year(from, 3, fname)
  local v = plan:actual(id, from)
  if v == nil then
    error(("%s: %s has no actual for %d to measure the target from"):format(fname, id, from), 3)
  end
  return v
end

-- The relative targets below are stored as specs (core/target.h) with their own reference year
-- (`from`), not as numbers: progress resolves the threshold from the actual of `from` every time,
-- so it follows set_actual. The actual must be there when the target is set (a typo in the year
-- is caught at once).

--- target_points(id, year, points, from): the level in `year` must be the actual of `from`
--- plus `points` (for % indicators: percentage points, 占比提高 N 个百分点). Replaces a target.
function Plan:target_points(id, year, points, from)
  check_year(year, 2, "target_points")
  reference_actual(self, id, from, "target_points")
  self:_set_target_spec(id, year, { shape = "points", a = points, from = from },
    ("point change: actual %d + %s"):format(from, tostring(points)))
end

--- target_plus(id, year, n, from): the actual of `from` plus n units (e.g. +30 家). Refuses to
--- replace a target the plan already has for `year` (remove it first with set_target(id, year, nil)).
function Plan:target_plus(id, year, n, from)
  check_year(year, 2, "target_plus")
  if self:target_spec(id, year) ~= nil then
    local old = self:target_text(id, year) or tostring(self:target(id, year))
    error(("target_plus: %s already has a target for %d (%s); remove it first with "
      .. "set_target(%q, %d, nil)"):format(id, year, old, id, year), 2)
  end
  reference_actual(self, id, from, "target_plus")
  self:_set_target_spec(id, year, { shape = "points", a = n, from = from },
    ("increase: actual %d + %s"):format(from, tostring(n)))
end

--- target_growth(id, year, percent, from): the actual of `from` grown by `percent` % in total
--- (a multiple 1 + percent/100 of that actual). Replaces a target.
function Plan:target_growth(id, year, percent, from)
  check_year(year, 2, "target_growth")
  reference_actual(self, id, from, "target_growth")
  self:_set_target_spec(id, year, { shape = "multiple", a = 1 + percent / 100, from = from },
    ("growth: actual %d × (1 + %s%%)"):format(from, tostring(percent)))
end

--- actuals(id) -> { {year=, value=}, ... } ascending
function Plan:actuals(id)
  local out = {}
  for _, y in ipairs(self:years(id, "actual")) do out[#out + 1] = { year = y, value = self:actual(id, y) } end
  return out
end

--- targets(id) -> { {year=, value=, text=, note=}, ... } ascending; value is the resolved threshold
--- (nil while it cannot be resolved, and for a milestone), text the cell as written.
function Plan:targets(id)
  local out = {}
  for _, y in ipairs(self:years(id, "target")) do
    out[#out + 1] = { year = y, value = self:target(id, y), text = self:target_text(id, y),
      note = self:target_note(id, y) }
  end
  return out
end

--- progress{ as_of = YEAR, peers = P, region = NAME } (or progress(YEAR)) -> Progress. Default
--- as-of: the latest actual year. peers (optional): the regions a rank target (前3位) is ranked
--- among — a region table (tuiyan.regions), tuiyan.peers.load(file), or { {name, plan}, ... };
--- region: this plan's own name among them (left out of its peers).
function Plan:progress(opts)
  local as_of, peers
  if type(opts) == "table" then as_of = opts.as_of else as_of = opts end
  as_of = as_of or self:latest_year()
  if as_of == nil then error("progress: the plan has no actuals; give as_of", 2) end
  check_year(as_of, 1, "progress")
  if type(opts) == "table" and opts.peers ~= nil then
    peers = {}
    for _, r in ipairs(require("tuiyan.peers").of(opts.peers, opts.region)) do
      if rawequal(r[2], self) then   -- the plan itself in a region table: never its own peer
        if opts.region == nil then error("progress: the plan is among its peers; name it with region", 2) end
      else
        peers[#peers + 1] = r
      end
    end
  elseif type(opts) == "table" and opts.region ~= nil then
    error("progress: region names this plan among its peers; give peers too", 2)
  end
  local rows = self:progress_rows(as_of, peers)
  for _, row in ipairs(rows) do
    local info = self:info(row.id)
    for k, v in pairs(info) do if row[k] == nil then row[k] = v end end
  end
  local P = require("tuiyan.progress").new(self, as_of, rows)
  if peers then
    P.peers = {}
    for i, r in ipairs(peers) do P.peers[i] = r[1] end
    P.region = opts.region
  end
  return P
end

M.Plan = Plan
return M
