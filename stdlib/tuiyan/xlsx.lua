-- tuiyan.xlsx — results as an Excel workbook (.xlsx), written by libxlsxwriter (_tuiyan.xlsx).
-- One sheet per table: a bundle, or an object with several tables, gives several sheets. Each
-- sheet has the table's title in row 1, the header in row 2 (frozen, so it stays in view), units
-- in the headers, every number in full precision with a number format of its unit (the display
-- rule of tuiyan.format: 家 #,##0; 万元 #,##0.00; % 0.00; shares 0.0%), status cells in the HTML
-- report's colours, column widths that fit Chinese text (two columns a character), and the
-- table's notes below it. Objects that list assumptions give them a sheet of their own.
--
-- The bytes depend only on the results: the workbook's creation time is SOURCE_DATE_EPOCH when
-- set, else 1980-01-01 (the zip entries' own fixed date), never the clock.
local format = require "tuiyan.format"
local native = require "_tuiyan.xlsx"

local M = {}

local HEADER_BG = 0xF2F5F9   -- th { background } of the HTML report

local status_colours = nil
--- status_colour(status) -> { bg = 0xRRGGBB, color = 0xRRGGBB }: the status colours of the HTML
--- report, read from its CSS so the two never differ; nil for an unknown status.
function M.status_colour(status)
  if status_colours == nil then
    local html = require "tuiyan.html"
    local by_class = {}
    for class, bg, fg in html.CSS:gmatch("%.(st%-[%w_]+) { background: #(%x+); color: #(%x+); }") do
      by_class[class] = { bg = tonumber(bg, 16), color = tonumber(fg, 16) }
    end
    status_colours = {}
    for st, class in pairs(html.STATUS_CLASS) do status_colours[st] = by_class[class] end
  end
  return status_colours[status]
end

local function utf8_prefix(s, n)
  local out, k = {}, 0
  for _, c in utf8.codes(s) do
    k = k + 1
    if k > n then break end
    out[k] = utf8.char(c)
  end
  return table.concat(out)
end

--- sheet_name(s, used) -> a valid, unique sheet name: no []:*?/\, not starting or ending with
--- ', at most 31 characters; `used` (a set, lower-cased names) is updated.
function M.sheet_name(s, used)
  s = tostring(s or "Sheet"):gsub("[%[%]:%*%?/\\]", "_"):gsub("[%c]", " "):gsub("^'+", ""):gsub("'+$", "")
  s = s:gsub("^%s+", ""):gsub("%s+$", "")
  if s == "" then s = "Sheet" end
  if not utf8.len(s) then s = "Sheet" end
  local base = utf8_prefix(s, 31):gsub("%s+$", "")
  local name, k = base, 1
  while used[name:lower()] do
    k = k + 1
    local suffix = " (" .. k .. ")"
    name = utf8_prefix(base, 31 - #suffix):gsub("['%s]+$", "") .. suffix
  end
  used[name:lower()] = true
  return name
end

-- The sheets an object gives: { {name =, table = Tabular}, ... }.
local function sheets_of(obj, label)
  if type(obj) ~= "table" then
    error(("%s cannot be written as xlsx (a table of results can)"):format(type(obj)), 0)
  end
  if obj.parts then   -- a report bundle: each part's sheets, named after the part
    local out = {}
    for _, p in ipairs(obj.parts) do
      local list = sheets_of(p[2], p[1])
      for _, sh in ipairs(list) do
        out[#out + 1] = { name = #list == 1 and p[1] or sh.name, table = sh.table }
      end
    end
    return out
  end
  if type(obj.xlsx_sheets) == "function" then return obj:xlsx_sheets() end
  error(("%s cannot be written as xlsx"):format(label or tostring(obj)), 0)
end
M.sheets_of = sheets_of

local function header_title(col)
  local t = col.title or col.key
  local u = type(col.unit) == "string" and col.unit or nil
  if u and u ~= format.SHARE and u ~= format.POINTS and u ~= "1" and not t:find(u, 1, true) then
    t = t .. " (" .. u .. ")"
  end
  return t
end

--- describe(obj) -> the plain description _tuiyan.xlsx.build takes (for tests and callers that
--- want to look before writing).
function M.describe(obj)
  local tabular = require "tuiyan.tabular"
  local formats, fmt_index = {}, {}
  local function fmt(spec)
    local key = ("%s|%s|%s|%s|%s"):format(spec.num_format or "", spec.bold and 1 or 0, spec.bg or "",
      spec.color or "", spec.border and 1 or 0)
    local i = fmt_index[key]
    if not i then
      formats[#formats + 1] = spec
      i = #formats
      fmt_index[key] = i
    end
    return i
  end
  local used, sheets = {}, {}
  for _, sh in ipairs(sheets_of(obj)) do
    local T = sh.table
    local cols = {}
    for _, col in ipairs(T.columns) do if col.xlsx ~= false then cols[#cols + 1] = col end end
    local rows, widths = {}, {}
    local function width(c, text)
      local w = format.width(text) + 2
      if w > (widths[c] or 0) then widths[c] = w end
    end
    if T.title then rows[#rows + 1] = { n = 1, { v = T.title, f = fmt{ bold = true } } } end
    local head = { n = #cols }
    for c, col in ipairs(cols) do
      local t = header_title(col)
      head[c] = { v = t, f = fmt{ bold = true, bg = HEADER_BG, border = true } }
      width(c, t)
    end
    rows[#rows + 1] = head
    local freeze = #rows
    for _, row in ipairs(T.rows) do
      local cells = { n = #cols }
      for c, col in ipairs(cols) do
        local v = row[col.key]
        if type(col.xlsx) == "function" then v = col.xlsx(v, row) end
        if type(v) == "table" then v = v.value end
        if row.blank and row.blank[col.key] then v = nil end
        local cell = false
        if type(v) == "number" then
          local unit = tabular.unit_of(col, row)
          cell = unit and { v = v, f = fmt{ num_format = format.xlsx_format(unit) } } or v
          width(c, unit and format.display(v, unit) or format.value(v))
        elseif v ~= nil then
          local text = tabular.display(col, v, row)
          local colour = col.status and M.status_colour(v)
          cell = colour and { v = text, f = fmt{ bg = colour.bg, color = colour.color } } or text
          width(c, text)
        end
        cells[c] = cell
      end
      rows[#rows + 1] = cells
    end
    local notes = T.notes_shown and T:notes_shown() or T.notes or {}
    if #notes > 0 then
      rows[#rows + 1] = { n = 0 }
      for _, n in ipairs(notes) do rows[#rows + 1] = { n = 1, n } end
    end
    for c = 1, #cols do widths[c] = math.max(6, math.min(60, widths[c] or 6)) end
    sheets[#sheets + 1] = { name = M.sheet_name(sh.name, used), widths = widths, freeze = freeze, rows = rows }
  end
  if #sheets == 0 then error("nothing to write as xlsx: no tables", 0) end
  local epoch = math.tointeger(tonumber(os.getenv("SOURCE_DATE_EPOCH") or ""))
  return { created = epoch and epoch > 0 and epoch or 0, title = obj.title, formats = formats, sheets = sheets }
end

--- workbook(obj) -> the bytes of an .xlsx file with the object's tables.
function M.workbook(obj)
  return native.build(M.describe(obj))
end

return M
