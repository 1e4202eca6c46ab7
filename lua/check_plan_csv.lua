-- lua/check_plan_csv.lua — `tuiyan check` for a CSV plan: every problem of every cell, at the
-- line and field index the C reader gives each cell (no re-splitting of lines here, so quoted
-- fields, commas and line breaks inside them cannot shift a position).
--
-- How: the strict CSV reader (_tuiyan.csv.read, the reader plans are read with) gives the table;
-- a structural problem (encoding, quoting, field count, header names) ends the file's list, as
-- it ends reading. Then every cell of the columns a plan defines is validated with the parsers
-- the plan reader uses: numbers with the strict number parser (_tuiyan.text.parse_number, % in a
-- % row), target cells with the target-cell parser (_tuiyan.csv.target_check), enums, ids (form,
-- length, duplicates), the required name and unit, thresholds. Last, the plan reader itself reads
-- the file: the reader is the judge. A problem it reports that the cell checks did not is added
-- (a column this file does not know yet, a rule added to the reader); when it reads the file
-- without error, the plan is good and nothing is reported.
--
-- Problems are found column by column (one column of a million rows at a time in memory); within
-- a column rows come in file order, so keeping each column's first `max` problems is enough to
-- know the file's first `max` problems by line.
local host = require "_tuiyan.host"
local csv = require "_tuiyan.csv"
local text_native = require "_tuiyan.text"

local M = {}

local YEAR_MIN, YEAR_MAX = 1900, 2200   -- core/series.h: TY_YEAR_MIN, TY_YEAR_MAX
local ID_MAX_LEN = 64                   -- core/plan.c

-- Enum columns: the names planfile_csv.c accepts and how its message lists them.
local ENUMS = {
  direction = { names = { up = true, down = true }, choices = "up or down" },
  measure = { names = { level = true, flow = true }, choices = "level or flow" },
  trend = { names = { cagr = true, linear = true, wls = true }, choices = "cagr, linear or wls" },
  aggregate = { names = { sum = true, ratio = true, mean = true, none = true }, choices = "sum, ratio, mean or none" },
}

-- What a header cell is: "id" | "name" | "unit" | "enum" | "threshold" | "actual" | "target" |
-- "text" (category, owner, note: anything goes) | nil (not known here: the reader decides).
-- The Chinese headers planfile_csv.c reads as these columns (planfile_column_alias).
local ALIASES = {
  ["指标"] = "name", ["指标名称"] = "name", ["指标代码"] = "id", ["代码"] = "id",
  ["单位"] = "unit", ["计量单位"] = "unit", ["类别"] = "category", ["类型"] = "category",
  ["方向"] = "direction", ["责任单位"] = "owner", ["牵头单位"] = "owner",
  ["备注"] = "note", ["说明"] = "note",
}

local function canonical(h)
  if ALIASES[h] then return ALIASES[h] end
  local y, rest = h:match("^(%d%d%d%d)(.+)$")
  if y and (rest == "年" or rest == "年实际" or rest == "实际") then return "actual_" .. y end
  if y and (rest == "年目标" or rest == "目标") then return "target_" .. y end
  return h
end

local function column_kind(h)
  h = canonical(h)
  if h == "id" or h == "name" or h == "unit" then return h end
  if ENUMS[h] then return "enum" end
  if h == "on_track" or h == "behind" then return "threshold" end
  if h == "category" or h == "owner" or h == "note" then return "text" end
  local kind, year = h:match("^(%a+)_(%d%d%d%d)$")
  year = tonumber(year)
  if (kind == "actual" or kind == "target") and year >= YEAR_MIN and year <= YEAR_MAX then return kind, year end
  return nil
end

-- The id rules of core/plan.c (check_id): empty, too long, not an ASCII identifier.
local function id_problem(id)
  if id == "" then return "empty id" end
  if #id > ID_MAX_LEN then
    return ("indicator id \"%s...\" is longer than %d characters"):format(id:sub(1, ID_MAX_LEN), ID_MAX_LEN)
  end
  if not id:match("^[%a_][%w_]*$") then
    return ("invalid indicator id \"%s\": expected a letter or _ followed by letters, digits or _"):format(id)
  end
  return nil
end

-- Collects up to `max` problems of one column, in row order. add(r, msg) for data row r.
local function column_problems(max)
  local list = { n = 0, more = false }
  function list.add(r, msg)
    if list.n >= max then list.more = true return end
    list.n = list.n + 1
    list[list.n] = { row = r, msg = msg }
  end
  return list
end

--- check(report, path, text, max) : adds the problems of the CSV plan `text` (read from path).
-- report:add(code, file, line, col, msg) and report:add_error(err, file, code), as in check.lua.
function M.check(r, path, text, max)
  local t, rerr = csv.read(text, path)
  if not t then
    -- The plan reader may accept what the bare table reader does not (a "# key: value" preamble
    -- of targets-as-written plans, docs/targets.md); it decides, and its first problem is listed.
    local plan, perr = require("_tuiyan.plan").parse(text, path, "csv")
    if not plan then r:add_error(perr or rerr, path, host.exit.data) end
    return
  end
  local nrows, ncols = t:size()
  local found = {}            -- every problem: { line, col, msg }
  local more = false
  local function keep(c, list)
    for _, p in ipairs(list) do
      local _, line, col = t:cell(p.row + 1, c)
      found[#found + 1] = { line = line, col = col, msg = p.msg }
    end
    more = more or list.more
  end

  if nrows > 1 then
    local kinds, years, by_kind = {}, {}, {}
    for c = 1, ncols do
      local h = canonical((t:cell(1, c)))
      kinds[c], years[c] = column_kind(h)
      if kinds[c] and kinds[c] ~= "enum" and not by_kind[kinds[c]] then by_kind[kinds[c]] = c end
    end
    local n = nrows - 1
    local ids = by_kind.id and t:column(by_kind.id) or {}
    local units = by_kind.unit and t:column(by_kind.unit) or {}

    -- id, name, unit: what planfile_csv.c refuses before adding the row, then what plan_add does
    if by_kind.id then
      local list, seen = column_problems(max), {}
      for i = 1, n do
        local id = ids[i]
        local why = id_problem(id)
        if why then list.add(i, why)
        elseif seen[id] then list.add(i, ("duplicate indicator id \"%s\""):format(id))
        else seen[id] = true end
      end
      keep(by_kind.id, list)
    end
    if by_kind.name then
      local list, names = column_problems(max), t:column(by_kind.name)
      for i = 1, n do if names[i] == "" then list.add(i, "empty name") end end
      keep(by_kind.name, list)
    end
    if by_kind.unit then
      local list = column_problems(max)
      for i = 1, n do if units[i] == "" then list.add(i, "empty unit (write 1 for a pure number)") end end
      keep(by_kind.unit, list)
    end

    -- every other cell, column by column; thresholds kept to compare behind with on_track
    local thresholds = {}
    for c = 1, ncols do
      local raw = t:cell(1, c)   -- messages name the column as the file does, as the reader's do
      local kind, year, head = kinds[c], years[c], canonical(raw)
      if kind == "enum" or kind == "threshold" or kind == "actual" or kind == "target" then
        local list, cells = column_problems(max), t:column(c)
        local enum = ENUMS[head]
        local values = kind == "threshold" and {} or nil
        if values then thresholds[head] = values end
        for i = 1, n do
          local s = cells[i]
          if kind == "enum" then
            if s ~= "" and not enum.names[s] then list.add(i, ("%s: expected %s, found \"%s\""):format(raw, enum.choices, s)) end
          elseif kind == "target" then
            local ok, why = csv.target_check(s, units[i] or "", year)
            if not ok then list.add(i, why) end
          else
            local v, why = text_native.parse_number(s, { percent = kind == "actual" and units[i] == "%" })
            if v == false then list.add(i, why)
            elseif values then values[i] = v end
          end
        end
        keep(c, list)
      end
    end
    -- behind must stay below on_track (either may come from the plan's defaults, as in the reader)
    if thresholds.on_track or thresholds.behind then
      local list = column_problems(max)
      local on, be = thresholds.on_track or {}, thresholds.behind or {}
      for i = 1, n do
        if on[i] or be[i] then
          local o, b = on[i] or 0.95, be[i] or 0.10
          if not (b < o) then
            list.add(i, ("indicator %s: threshold behind (%g) must be below on_track (%g)"):format(ids[i] or "?", b, o))
          end
        end
      end
      for _, p in ipairs(list) do   -- the reader names the row (the id's line), not a cell
        local _, line = t:cell(p.row + 1, by_kind.id or 1)
        found[#found + 1] = { line = line, msg = p.msg }
      end
      more = more or list.more
    end
  end

  -- The reader is the judge (see the top of the file).
  local plan, perr = require("_tuiyan.plan").parse(text, path, "csv")
  if plan then return end
  local e = host.is_error(perr) and perr or nil
  local listed = false
  for _, p in ipairs(found) do
    if e and p.line == e.line and p.col == e.col then listed = true end
  end
  table.sort(found, function(a, b)
    if a.line ~= b.line then return a.line < b.line end
    return (a.col or 0) < (b.col or 0)
  end)
  if not listed then r:add_error(perr, path, host.exit.data) end
  for k = 1, math.min(#found, max - (listed and 0 or 1)) do
    local p = found[k]
    r:add(host.exit.data, path, p.line, p.col, p.msg)
  end
  if more or #found > max - (listed and 0 or 1) then
    r:add(host.exit.data, path, nil, nil, ("more than %d problems; stopped"):format(max))
  end
end

return M
