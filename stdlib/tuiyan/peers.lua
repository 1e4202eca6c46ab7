-- tuiyan.peers — the other regions a rank target (前3位) is ranked among (DOMAIN §6): a peers
-- file, a region table (tuiyan.regions), or a list of {name, plan}. Progress ranks the region's
-- values among theirs (src/core/progress_rank.c); this module only gathers them.
--
-- A peers file is a CSV, one row per region and indicator:
--   region,id,actual_2021,actual_2022,actual_2023
--   凉州区,rd_intensity,1.12,1.20,1.31
--   民勤县,rd_intensity,0.61,0.66,0.70
-- `region` and `id` are required; year columns are `actual_YYYY` (or `YYYY`, `YYYY年`); an empty
-- cell is no value. Numbers are read by the plan's strict parser. Every problem is exit 3 with
-- file:line:col.
local host = require "_tuiyan.host"
local csv = require "_tuiyan.csv"
local text_native = require "_tuiyan.text"
local plan_native = require "_tuiyan.plan"

local M = {}

local YEAR_MIN, YEAR_MAX = 1900, 2200   -- core/series.h

local function fail(name, line, col, fmt, ...)
  error(host.error(host.exit.data, ("%s:%d:%d: %s"):format(name, line, col, fmt:format(...))), 0)
end

-- The year of a year column's header, or nil.
local function header_year(h)
  local y = h:match("^actual_(%d%d%d%d)$") or h:match("^(%d%d%d%d)$") or h:match("^(%d%d%d%d)年$")
    or h:match("^(%d%d%d%d)年实际$")
  y = tonumber(y)
  if y and y >= YEAR_MIN and y <= YEAR_MAX then return math.tointeger(y) end
  return nil
end

local PEERS_META = { __name = "tuiyan.Peers" }

--- parse(text, name) -> peers: a list of {region, plan} in the file's order of first appearance,
--- with peers.regions = { region names }. Raises exit 3 on a bad cell.
function M.parse(text, name)
  name = name or "peers"
  local t, err = csv.read(text, name)
  if not t then error(err, 0) end
  local nrows, ncols = t:size()
  local cols, year_cols, year_of = {}, {}, {}
  for c = 1, ncols do
    local h, line, col = t:cell(1, c)
    local key = (h == "region" or h == "地区" or h == "县区") and "region" or (h == "id" and "id") or nil
    if key then
      if cols[key] then fail(name, line, col, "column '%s' given twice", h) end
      cols[key] = c
    else
      local y = header_year(h)
      if not y then
        fail(name, line, col, "unknown column '%s': a peers file has region, id and actual_YYYY columns", h)
      end
      for _, c2 in ipairs(year_cols) do
        if year_of[c2] == y then fail(name, line, col, "year %d given twice", y) end
      end
      year_cols[#year_cols + 1] = c
      year_of[c] = y
    end
  end
  for _, k in ipairs{ "region", "id" } do
    if not cols[k] then fail(name, 1, 1, "a peers file needs a '%s' column (region, id, actual_YYYY...)", k) end
  end
  local out = setmetatable({ regions = {} }, PEERS_META)
  local by_region, seen = {}, {}
  for r = 2, nrows do
    local region, rline, rcol = t:cell(r, cols.region)
    local id, iline, icol = t:cell(r, cols.id)
    if region == "" then fail(name, rline, rcol, "empty region") end
    if not id:match("^[%a_][%w_]*$") then fail(name, iline, icol, "invalid indicator id \"%s\"", id) end
    local key = region .. "\0" .. id
    if seen[key] then fail(name, iline, icol, "%s %s given twice (first on line %d)", region, id, seen[key]) end
    seen[key] = iline
    local p = by_region[region]
    if not p then
      p = plan_native.new(region)
      by_region[region] = p
      out[#out + 1] = { region, p }
      out.regions[#out.regions + 1] = region
    end
    p:add{ id = id, name = id, unit = "-" }
    for _, c in ipairs(year_cols) do
      local cell, line, col = t:cell(r, c)
      local v, why = text_native.parse_number(cell, { percent = true })
      if v == false then fail(name, line, col, "%s (column %s)", why, t:cell(1, c)) end
      if v ~= nil then p:set_actual(id, year_of[c], v) end
    end
  end
  if #out == 0 then fail(name, 1, 1, "a peers file without rows") end
  return out
end

--- load(path) -> peers (see parse).
function M.load(path)
  local text, err = require("_tuiyan.io").read_file(path)
  if not text then error(host.error(host.exit.data, ("%s: %s"):format(path, tostring(err))), 0) end
  return M.parse(text, path)
end

--- of(spec, region) -> { {name, plan}, ... } without the region itself. spec: a region table
--- (tuiyan.regions.new), peers from load/parse, or a list of {name, plan}. region names the
--- region whose plan is being measured; it must be one of them when given.
function M.of(spec, region)
  local list = {}
  if type(spec) ~= "table" then error("peers: a region table, a peers file's peers or { {name, plan}, ... } expected", 3) end
  if spec.regions and spec.plans then   -- a tuiyan.regions City
    for i, r in ipairs(spec.regions) do list[#list + 1] = { r, spec.plans[i] } end
  else
    for i, r in ipairs(spec) do
      if type(r) ~= "table" or type(r[1]) ~= "string" then
        error(("peers[%d]: {name, plan} expected"):format(i), 3)
      end
      list[#list + 1] = { r[1], r[2] }
    end
  end
  if region == nil then return list end
  local out, found = {}, false
  for _, r in ipairs(list) do
    if r[1] == region then found = true else out[#out + 1] = r end
  end
  if not found then
    local names = {}
    for _, r in ipairs(list) do names[#names + 1] = r[1] end
    error(host.error(host.exit.data, ("region '%s' is not among the peers (%s)"):format(region,
      table.concat(names, ", "))), 0)
  end
  return out
end

return M
