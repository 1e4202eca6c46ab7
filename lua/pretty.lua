-- lua/pretty.lua — how the REPL shows a value. tuiyan's objects show themselves the way an analyst
-- reads them: a Plan as its title and indicators (latest actual, targets as written), a model as
-- its elements and assumptions, a Scenario as its overrides, a Progress, Comparison or tabular
-- through to_text, a model Run and a year series as year rows; any other table with sorted keys, aligned by display
-- width (Chinese counts two columns), nested to a depth limit, cycles marked. Never uses pairs()
-- order; never calls a table's own __index or __pairs (raw reads).
local format = require "tuiyan.format"

local M = {}

M.MAX_DEPTH = 3        -- deeper tables show as { … N keys }
M.MAX_ITEMS = 60       -- entries shown per table
M.INLINE = 100         -- a table fits on one line up to this many columns
M.WIDTH = 120          -- a run's table is cut to this width ($COLUMNS when set)

local function width(s)
  local ok, w = pcall(format.width, s)
  return ok and w or #s
end

local function pad(s, w, align)
  local gap = w - width(s)
  if gap <= 0 then return s end
  return align == "right" and (string.rep(" ", gap) .. s) or (s .. string.rep(" ", gap))
end

local function quote(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    if c == "\n" then return "\\n" elseif c == "\t" then return "\\t" elseif c == '"' then return '\\"'
    elseif c == "\\" then return "\\\\" end
    return ("\\%d"):format(c:byte())
  end) .. '"'
end

local function scalar(v)
  local t = type(v)
  if t == "string" then return quote(v) end
  if t == "number" or t == "boolean" or t == "nil" then return tostring(v) end
  return nil
end

-- Method lookup through a metatable's __index tables only (no user code runs).
local function method(v, name)
  local mt = debug.getmetatable(v)
  for _ = 1, 8 do
    if type(mt) ~= "table" then return nil end
    local idx = rawget(mt, "__index")
    if type(idx) ~= "table" then return nil end
    local f = rawget(idx, name)
    if f ~= nil then return f end
    mt = debug.getmetatable(idx)
  end
  return nil
end

local function metaname(v)
  local mt = debug.getmetatable(v)
  return type(mt) == "table" and rawget(mt, "__name") or nil
end

-- Sorted keys: the sequence 1..n first, then numbers, strings, the rest by type name.
local function sorted_keys(t)
  local n = 0
  while rawget(t, n + 1) ~= nil do n = n + 1 end
  local rest = {}
  for k in next, t do
    if not (math.type(k) == "integer" and k >= 1 and k <= n) then rest[#rest + 1] = k end
  end
  local rank = { number = 1, string = 2 }
  table.sort(rest, function(a, b)
    local ta, tb = type(a), type(b)
    if ta ~= tb then
      local ra, rb = rank[ta] or 3, rank[tb] or 3
      if ra ~= rb then return ra < rb end
      return ta < tb
    end
    if ta == "number" or ta == "string" then return a < b end
    return tostring(a) < tostring(b)
  end)
  return n, rest
end

local function key_text(k)
  if type(k) == "string" and k:match("^[%a_][%w_]*$") then return k end
  return "[" .. (scalar(k) or tostring(k)) .. "]"
end

-- A year series: every key an integer year, every value a number.
local function is_series(t)
  local count = 0
  for k, v in next, t do
    if math.type(k) ~= "integer" or k < 1800 or k > 2300 or type(v) ~= "number" then return false end
    count = count + 1
  end
  return count > 0
end

local function series_text(t)
  local years = {}
  for y in next, t do years[#years + 1] = y end
  table.sort(years)
  local lines = {}
  for i, y in ipairs(years) do lines[i] = ("%d  %s"):format(y, tostring(t[y])) end
  return table.concat(lines, "\n")
end

local show   -- forward

-- One line if short and flat enough, else nil.
local function inline(t, n, rest, depth, seen)
  if #rest + n > 12 then return nil end
  local parts = {}
  for i = 1, n do
    local v = rawget(t, i)
    local s = scalar(v)
    if not s then return nil end
    parts[#parts + 1] = s
  end
  for _, k in ipairs(rest) do
    local s = scalar(rawget(t, k))
    if not s then return nil end
    parts[#parts + 1] = key_text(k) .. " = " .. s
  end
  local line = "{ " .. table.concat(parts, ", ") .. " }"
  if #parts == 0 then line = "{}" end
  if width(line) > M.INLINE then return nil end
  return line
end

local function table_text(t, depth, seen, indent)
  if seen[t] then return "<cycle>" end
  if is_series(t) and depth == 0 then return series_text(t) end
  local n, rest = sorted_keys(t)
  local one = inline(t, n, rest, depth, seen)
  if one then return one end
  if depth >= M.MAX_DEPTH then
    local count = n + #rest
    return ("{ … %d key%s }"):format(count, count == 1 and "" or "s")
  end
  seen[t] = true
  local entries = {}
  for i = 1, n do entries[#entries + 1] = { nil, rawget(t, i) } end
  for _, k in ipairs(rest) do entries[#entries + 1] = { key_text(k), rawget(t, k) } end
  local kw = 0
  for i = 1, math.min(#entries, M.MAX_ITEMS) do
    if entries[i][1] then kw = math.max(kw, width(entries[i][1])) end
  end
  local inner = indent .. "  "
  local lines = { "{" }
  for i = 1, math.min(#entries, M.MAX_ITEMS) do
    local k, v = entries[i][1], entries[i][2]
    local s = show(v, depth + 1, seen, inner)
    lines[#lines + 1] = inner .. (k and (pad(k, kw) .. " = ") or "") .. s .. ","
  end
  if #entries > M.MAX_ITEMS then
    lines[#lines + 1] = inner .. ("… %d more"):format(#entries - M.MAX_ITEMS)
  end
  lines[#lines + 1] = indent .. "}"
  seen[t] = nil
  return table.concat(lines, "\n")
end

-- A model run: one row per year, one column per element that feeds a plan indicator (in the
-- model's order), as many as fit in the terminal's width.
local function run_text(run)
  local model = rawget(run, "model")
  local values = rawget(run, "values")
  local fy, ly = rawget(run, "first_year"), rawget(run, "last_year")
  local order = {}
  for _, el in ipairs(rawget(model, "elements") or {}) do
    if values[el.name] then order[#order + 1] = el end
  end
  local mapped = {}
  for _, el in ipairs(order) do
    if type(el.opts) == "table" and el.opts.indicator then mapped[#mapped + 1] = el.name end
  end
  if #mapped == 0 then for i = 1, #order do mapped[i] = order[i].name end end
  local budget = math.tointeger(tonumber(os.getenv("COLUMNS") or "")) or M.WIDTH
  local cols, w = { "year" }, { 4 }
  local used = 4
  for _, n in ipairs(mapped) do
    local cw = width(n)
    for y = fy, ly do cw = math.max(cw, width(format.value(values[n][y - fy + 1]))) end
    if used + 2 + cw > budget then break end
    cols[#cols + 1], w[#w + 1] = n, cw
    used = used + 2 + cw
  end
  local out = { ("run of model %s, %d–%d: %d of %d elements shown; run:get(name, year) or run:series(name) for any")
    :format(tostring(rawget(model, "name")), fy, ly, #cols - 1, #order) }
  local function line(cells)
    local parts = {}
    for c, s in ipairs(cells) do parts[c] = pad(s, w[c], c > 1 and "right" or nil) end
    out[#out + 1] = table.concat(parts, "  ")
  end
  line(cols)
  for y = fy, ly do
    local row = { tostring(y) }
    for c = 2, #cols do row[c] = format.value(values[cols[c]][y - fy + 1]) end
    line(row)
  end
  return table.concat(out, "\n")
end

local function budget()
  return math.tointeger(tonumber(os.getenv("COLUMNS") or "")) or M.WIDTH
end

-- Rows of cells as aligned lines (display width), the last column cut to the width left.
local function columns(rows, indent)
  local w = {}
  for _, r in ipairs(rows) do
    for c = 1, #r - 1 do w[c] = math.max(w[c] or 0, width(r[c])) end
  end
  local out = {}
  for _, r in ipairs(rows) do
    local parts, used = {}, #indent
    for c = 1, #r - 1 do parts[c] = pad(r[c], w[c]); used = used + w[c] + 2 end
    local last = r[#r] or ""
    if last ~= "" and used + width(last) > budget() then
      last = require("_host.help").truncate(last, math.max(10, budget() - used))
    end
    parts[#r] = last
    out[#out + 1] = (indent .. table.concat(parts, "  ")):gsub("%s+$", "")
  end
  return out
end

local function number_text(x)
  if type(x) == "number" then return format.value(x) end
  return tostring(x)
end

-- A plan: its title, then one line per indicator: id, name, unit, the latest actual, the targets
-- as written. (plan:progress() shows where each stands.)
local function plan_text(p)
  local ids = p:ids()
  local first, last
  local rows = { { "id", "name", "unit", "latest", "targets" } }
  for _, id in ipairs(ids) do
    local info = p:info(id)
    local ay = p:years(id, "actual")
    local latest = #ay > 0 and ("%d  %s"):format(ay[#ay], number_text(p:actual(id, ay[#ay]))) or "—"
    for _, y in ipairs(ay) do first = math.min(first or y, y); last = math.max(last or y, y) end
    local targets = {}
    for _, y in ipairs(p:years(id, "target")) do
      targets[#targets + 1] = ("%d %s"):format(y, p:target_text(id, y) or number_text(p:target(id, y)))
    end
    rows[#rows + 1] = { id, info.name or "", info.unit or "", latest, table.concat(targets, ", ") }
  end
  local head = ("plan %s%s: %d indicator%s%s"):format(p:title(), p:title() ~= p:name() and (" (" .. p:name() .. ")") or "",
    #ids, #ids == 1 and "" or "s", first and ((", actuals %d–%d"):format(first, last)) or ", no actuals")
  local out = { head }
  if #ids > 0 then for _, l in ipairs(columns(rows, "  ")) do out[#out + 1] = l end end
  if #ids > 0 then out[#out + 1] = ":progress() shows where each stands; help() on it lists its methods" end
  return table.concat(out, "\n")
end

-- A model definition: its elements (kind, name, unit, definition, the indicator it feeds), then
-- the assumptions it carries (values not from the sources).
local function model_text(m)
  local els = rawget(m, "elements") or {}
  local counts, order = {}, {}
  for _, el in ipairs(els) do
    if not counts[el.kind] then counts[el.kind] = 0; order[#order + 1] = el.kind end
    counts[el.kind] = counts[el.kind] + 1
  end
  local parts = {}
  for _, k in ipairs(order) do parts[#parts + 1] = ("%d %s"):format(counts[k], k) end
  local out = { ("model %s, %d–%d: %d element%s (%s)"):format(tostring(rawget(m, "name")), rawget(m, "first_year"),
    rawget(m, "last_year"), #els, #els == 1 and "" or "s", table.concat(parts, ", ")) }
  local rows = { { "kind", "name", "unit", "definition" } }
  for _, el in ipairs(els) do
    local def
    local opts = type(el.opts) == "table" and el.opts or {}
    if el.kind == "stock" then
      def = "init " .. tostring(opts.init)
    elseif type(el.body) == "table" and getmetatable(el.body) == nil then
      def = "by year"
    else
      def = el.body ~= nil and tostring(el.body) or ""
    end
    if type(el.body) == "number" then def = format.value(el.body) end
    if opts.indicator then def = def .. "  → " .. tostring(opts.indicator) end
    rows[#rows + 1] = { el.kind, el.name, el.unit or "", def }
  end
  for _, l in ipairs(columns(rows, "  ")) do out[#out + 1] = l end
  local ok, assumed = pcall(function() return m:assumptions() end)
  if ok and #assumed > 0 then
    out[#out + 1] = ("assumptions (not from the source documents; change with a scenario or --set NAME=VALUE):")
    local arows = {}
    for _, a in ipairs(assumed) do
      local v = type(a.value) == "number" and format.value(a.value) or "by year"
      arows[#arows + 1] = { a.name, v .. (a.unit and a.unit ~= "1" and (" " .. a.unit) or ""), tostring(a.note) }
    end
    for _, l in ipairs(columns(arows, "  ")) do out[#out + 1] = l end
  end
  out[#out + 1] = ":run() runs it; .v.<Tab> completes an element's name"
  return table.concat(out, "\n")
end

-- A scenario: what it changes from the model's defaults, each override with where it comes from.
local function scenario_text(sc)
  local model = rawget(sc, "model")
  local label = rawget(sc, "label")
  local head = ("scenario %s%s of model %s"):format(tostring(rawget(sc, "name")),
    label and (" (" .. tostring(label) .. ")") or "", tostring(model and rawget(model, "name")))
  local parents = {}
  for _, p in ipairs(rawget(sc, "parents") or {}) do parents[#parents + 1] = tostring(rawget(p, "name")) end
  if #parents > 0 then head = head .. ", from " .. table.concat(parents, " + ") end
  local names, seen = {}, {}
  local ok, layers = pcall(function() return sc:_all_layers() end)
  for _, layer in ipairs(ok and layers or {}) do
    for _, o in ipairs(layer) do
      if not seen[o[1]] then seen[o[1]] = true; names[#names + 1] = o[1] end
    end
  end
  local out = { head .. ":" }
  if #names == 0 then
    out[#out + 1] = "  no overrides: the model's defaults"
  else
    local rows = {}
    for _, n in ipairs(names) do
      local el = model and model:element(n)
      local okv, text = pcall(function() return sc:setting(n) end)
      rows[#rows + 1] = { n, okv and text or tostring(sc:value(n)),
        el and type(el.body) == "number" and ("default " .. format.value(el.body)) or "" }
    end
    for _, l in ipairs(columns(rows, "  ")) do out[#out + 1] = l end
  end
  out[#out + 1] = ":run() runs it"
  return table.concat(out, "\n")
end

-- A policy: its rules, one a line (id, kind, label), and the assumption behind a band's point.
local function policy_text(po)
  local rules = rawget(po, "rules") or {}
  local out = { ("policy %s: %d rule%s"):format(tostring(rawget(po, "name")), #rules, #rules == 1 and "" or "s") }
  local rows = {}
  for _, r in ipairs(rules) do rows[#rows + 1] = { tostring(r.id), tostring(r.kind or ""), tostring(r.label or "") } end
  for _, l in ipairs(columns(rows, "  ")) do out[#out + 1] = l end
  local dp = rawget(po, "default_point")
  if type(dp) == "string" then out[#out + 1] = dp end
  out[#out + 1] = ":rule(id) for one; :cost(run) for what a run costs"
  return table.concat(out, "\n")
end

-- A city of regions: the regions and the indicators they share.
local function city_text(c)
  local regions = rawget(c, "regions") or {}
  local ok, ids = pcall(function() return c:ids() end)
  return table.concat({
    ("city %s: %d region%s: %s"):format(tostring(rawget(c, "name")), #regions, #regions == 1 and "" or "s",
      table.concat(regions, ", ")),
    ok and ("indicators: " .. table.concat(ids, ", ")) or nil,
    ":aggregate(year) sums the regions; :ranking(id, year) ranks them",
  }, "\n")
end

-- Text of an object that knows how to show itself, or nil.
local function object_text(v)
  local name = metaname(v)
  if name == "tuiyan.Plan" then
    local ok, s = pcall(plan_text, v)
    if ok then return s end
    return tostring(v)
  end
  if name == "tuiyan.ModelDef" then
    local ok, s = pcall(model_text, v)
    if ok then return s end
  end
  if name == "tuiyan.Scenario" then
    local ok, s = pcall(scenario_text, v)
    if ok then return s end
  end
  if name == "tuiyan.Policy" or name == "tuiyan.City" then
    local ok, s = pcall(name == "tuiyan.Policy" and policy_text or city_text, v)
    if ok then return s end
  end
  if name == "tuiyan.Run" and type(rawget(v, "values")) == "table" then
    local ok, s = pcall(run_text, v)
    if ok then return s end
  end
  local to_text = method(v, "to_text")
  if type(to_text) == "function" then
    local ok, s = pcall(to_text, v)
    if ok and type(s) == "string" then return (s:gsub("\n$", "")) end
  end
  local mt = debug.getmetatable(v)
  if type(mt) == "table" and rawget(mt, "__tostring") ~= nil then
    local ok, s = pcall(tostring, v)
    if ok then return s end
  end
  return nil
end

function show(v, depth, seen, indent)
  local s = scalar(v)
  if s then return s end
  if depth > 0 then
    -- inside a table an object is one line: its __tostring when that is one line, else its type
    local mt = debug.getmetatable(v)
    if type(mt) == "table" and rawget(mt, "__tostring") ~= nil then
      local ok, t = pcall(tostring, v)
      if ok and type(t) == "string" and not t:find("\n") then return t end
      return "<" .. (metaname(v) or type(v)) .. ">"
    end
    if type(v) ~= "table" then return "<" .. (metaname(v) or type(v)) .. ">" end
    if object_text(v) then return "<" .. (metaname(v) or "object") .. ">" end
    return table_text(v, depth, seen, indent)
  end
  local obj = object_text(v)
  if obj then return obj end
  if type(v) == "table" then return table_text(v, depth, seen, indent) end
  if depth > 0 then return "<" .. (metaname(v) or type(v)) .. ">" end   -- no addresses inside tables
  return tostring(v)
end

--- text(v) -> how the REPL shows v (no final newline). A top-level string shows as itself.
function M.text(v)
  if type(v) == "string" then return v end
  return show(v, 0, {}, "")
end

--- values(...) -> the text for a REPL result: scalars side by side (tab-separated, like print),
--- anything that takes several lines on lines of its own.
function M.values(...)
  local n = select("#", ...)
  local parts, multi = {}, false
  for i = 1, n do
    parts[i] = M.text((select(i, ...)))
    if parts[i]:find("\n") then multi = true end
  end
  return table.concat(parts, multi and "\n" or "\t")
end

return M
