-- wuwei.county — a county's plan: the county's own file (plan.csv in its --data directory)
-- laid over the package's defaults (data/defaults.csv), with a record of where every value
-- came from. The defaults define the indicators (names, units, how they aggregate) and the
-- targets the city assigns; a county's own actuals always count, and its own target for a
-- year replaces the default for that year.
local M = {}

local COUNTY_FILE, DEFAULTS_FILE = "plan.csv", "data/defaults.csv"

local function values(plan, id, kind)
  local out = {}
  for _, y in ipairs(plan:years(id, kind)) do
    out[y] = kind == "actual" and plan:actual(id, y) or plan:target(id, y)
  end
  return out
end

-- The county's targets as written (a cell like 提高0.5个百分点 stays relative, resolved from the
-- merged plan's actuals every time, never frozen at what the county's file alone gives):
-- { [year] = { text = cell or nil, spec = target_spec } }.
local function own_targets(plan, id)
  local out = {}
  for _, y in ipairs(plan:years(id, "target")) do
    out[y] = { text = plan:target_text(id, y), spec = plan:target_spec(id, y) }
  end
  return out
end

local function set_own_target(plan, id, y, t)
  if t.text then plan:set_target(id, y, t.text) else plan:_set_target_spec(id, y, t.spec) end
end

--- load() -> plan, sources (a table: indicator, kind, year, value, where it came from),
--- count of the county's actual values
function M.load()
  local defaults = assert(tuiyan.plan.load(DEFAULTS_FILE))
  local county, err = tuiyan.plan.load(COUNTY_FILE)
  if not county then
    -- A county file that is there but wrong stops the run (its error names file, line and
    -- column); only a county without one runs on the defaults alone, and the record says so.
    if not tostring(err):lower():find("no such file", 1, true) then error(err, 0) end
    print("no " .. COUNTY_FILE .. " in the county's data: using the package's defaults only (" .. tostring(err) .. ")")
  end
  local plan, n_actuals = defaults:clone(), 0
  local sources = tuiyan.tabular.new{ title = "数据来源 / where each value came from",
    columns = { { key = "id", title = "指标" }, { key = "kind", title = "类别" }, { key = "year", title = "年份" },
      { key = "value", title = "数值", align = "right" }, { key = "source", title = "来源" } } }
  local function record(id, kind, year, value, source)
    sources:add{ id = id, kind = kind, year = year, value = value, source = source }
  end
  for _, id in ipairs(defaults:ids()) do
    local own_actual = county and county:has(id) and values(county, id, "actual") or {}
    local own_target = county and county:has(id) and own_targets(county, id) or {}
    local years = {}
    for y in pairs(own_actual) do years[#years + 1] = y end
    table.sort(years)
    for _, y in ipairs(years) do
      plan:set_actual(id, y, own_actual[y])
      n_actuals = n_actuals + 1
      record(id, "actual", y, own_actual[y], "county " .. COUNTY_FILE)
    end
    if #years == 0 then record(id, "actual", nil, nil, "missing: the county gave none") end
    local default_target = values(defaults, id, "target")
    local tyears, seen = {}, {}
    for y in pairs(default_target) do tyears[#tyears + 1] = y; seen[y] = true end
    for y in pairs(own_target) do if not seen[y] then tyears[#tyears + 1] = y end end
    table.sort(tyears)
    for _, y in ipairs(tyears) do
      if own_target[y] ~= nil then
        set_own_target(plan, id, y, own_target[y])
        record(id, "target", y, own_target[y].text or plan:target(id, y), "county " .. COUNTY_FILE)
      else
        record(id, "target", y, default_target[y], "package default " .. DEFAULTS_FILE)
      end
    end
  end
  if county then
    for _, id in ipairs(county:ids()) do
      if not defaults:has(id) then
        print("note: " .. id .. " in the county's " .. COUNTY_FILE .. " is not an indicator of this package; ignored")
      end
    end
  end
  return plan, sources, n_actuals
end

--- plan_table(plan) -> the plan as a table in tuiyan's plan CSV format, for the city to gather.
function M.plan_table(plan)
  local years = {}
  for _, id in ipairs(plan:ids()) do
    for _, kind in ipairs{ "actual", "target" } do
      for _, y in ipairs(plan:years(id, kind)) do years[kind .. "_" .. y] = { kind, y } end
    end
  end
  local keys = {}
  for k in pairs(years) do keys[#keys + 1] = k end
  table.sort(keys)
  local columns = { { key = "id" }, { key = "name" }, { key = "unit" }, { key = "aggregate" }, { key = "direction" } }
  for _, k in ipairs(keys) do columns[#columns + 1] = { key = k } end
  local t = tuiyan.tabular.new{ columns = columns }
  for _, id in ipairs(plan:ids()) do
    local info = plan:info(id)
    local row = { id = id, name = info.name, unit = info.unit, aggregate = info.aggregate, direction = info.direction }
    for _, k in ipairs(keys) do
      local kind, y = years[k][1], years[k][2]
      row[k] = kind == "actual" and plan:actual(id, y) or plan:target(id, y)
    end
    t:add(row)
  end
  return t
end

return M
