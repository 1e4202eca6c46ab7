-- tuiyan.tabular — a table of results that can be shown as aligned text (Chinese counted as two
-- columns), Markdown, or CSV. Columns declare how a value looks to a person (fmt) and how it is
-- written for a machine (exact numbers in CSV); rows hold raw values, nil for undefined.
local format = require "tuiyan.format"

local Tabular = {}
Tabular.__index = Tabular

local M = {}

--- new{ title = , columns = { {key=, title=, align=, fmt=, machine=, unit=, status=}, ... }, notes = {...} }
--- A column with machine = true (an id, say) is written to CSV and JSON only, not shown to people.
--- unit: the unit of the column's numbers (a string, format.SHARE / format.POINTS, or a function
--- (row) -> unit, e.g. the row's own unit): numbers are then shown, and written to CSV, at their
--- display precision (tuiyan.format.display); JSON keeps them in full. fmt(v, row) -> text
--- overrides what people see. status = true: the cells are statuses (coloured in HTML and xlsx).
function M.new(spec)
  assert(type(spec) == "table" and type(spec.columns) == "table", "tabular.new: columns required")
  return setmetatable({ title = spec.title, columns = spec.columns, rows = {}, notes = spec.notes or {} },
    Tabular)
end

--- add(row) : a row { key = value }; nil is undefined. A number must be finite: inf and NaN are
--- refused here, where the script makes them, not later in some format that cannot show them.
function Tabular:add(row)
  for _, col in ipairs(self.columns) do
    local v = row[col.key]
    if type(v) == "number" and (v ~= v or v == math.huge or v == -math.huge) then
      error(("tabular row %d, column '%s': %s is not a finite number (use nil for undefined)"):format(
        #self.rows + 1, col.key, tostring(v)), 2)
    end
  end
  self.rows[#self.rows + 1] = row
  return self
end

function Tabular:note(s)
  self.notes[#self.notes + 1] = s
  return self
end

--- unit_of(col, row) -> the unit of that cell's number, or nil.
function M.unit_of(col, row)
  local u = col.unit
  if type(u) == "function" then return u(row) end
  return u
end

--- display(col, v, row) -> the text a person sees in that cell (column fmt, else the display
--- precision of its unit, else up to 4 decimals).
local function display(col, v, row)
  if v == nil then return format.MISSING end
  if col.fmt then return col.fmt(v, row) end
  if type(v) == "number" then
    local unit = M.unit_of(col, row)
    if unit ~= nil then return format.display(v, unit) end
    return format.value(v)
  end
  return tostring(v)
end
M.display = display

--- notes_shown() -> the table's notes and, when a count (家/个/项/人) is shown rounded from a
--- fraction, a note saying so.
function Tabular:notes_shown()
  for _, row in ipairs(self.rows) do
    for _, col in ipairs(self.columns) do
      local v = row[col.key]
      if type(v) == "table" then v = v.value end
      if col.fmt == nil and format.rounded_count(v, M.unit_of(col, row)) then
        local out = { table.unpack(self.notes) }
        out[#out + 1] = format.COUNT_NOTE
        return out
      end
    end
  end
  return self.notes
end

-- The columns a person sees (text, Markdown, HTML).
local function shown(columns)
  local out = {}
  for _, col in ipairs(columns) do
    if not col.machine then out[#out + 1] = col end
  end
  return out
end

--- Aligned text.
function Tabular:to_text()
  local cols = shown(self.columns)
  local cells, widths = {}, {}
  for c, col in ipairs(cols) do widths[c] = format.width(col.title) end
  for r, row in ipairs(self.rows) do
    cells[r] = {}
    for c, col in ipairs(cols) do
      local s = row.blank and row.blank[col.key] and "" or display(col, row[col.key], row)
      cells[r][c] = s
      widths[c] = math.max(widths[c], format.width(s))
    end
  end
  local out = {}
  if self.title then out[#out + 1] = self.title; out[#out + 1] = "" end
  local function line(values)
    local parts = {}
    for c, col in ipairs(cols) do
      local last = c == #cols
      parts[c] = (last and col.align ~= "right") and values[c] or format.pad(values[c], widths[c], col.align)
    end
    out[#out + 1] = (table.concat(parts, "  "):gsub("%s+$", ""))
  end
  local titles = {}
  for c, col in ipairs(cols) do titles[c] = col.title end
  line(titles)
  local rule = {}
  for c in ipairs(cols) do rule[c] = string.rep("-", widths[c]) end
  line(rule)
  for r in ipairs(self.rows) do line(cells[r]) end
  local notes = self:notes_shown()
  if #notes > 0 then
    out[#out + 1] = ""
    for _, n in ipairs(notes) do out[#out + 1] = n end
  end
  return table.concat(out, "\n") .. "\n"
end

local function md_escape(s)
  return (s:gsub("|", "\\|"))
end

--- GitHub-flavoured Markdown table.
function Tabular:to_md()
  local cols = shown(self.columns)
  local out = {}
  if self.title then out[#out + 1] = "## " .. self.title; out[#out + 1] = "" end
  local head, sep = {}, {}
  for c, col in ipairs(cols) do
    head[c] = md_escape(col.title)
    sep[c] = col.align == "right" and "---:" or "---"
  end
  out[#out + 1] = "| " .. table.concat(head, " | ") .. " |"
  out[#out + 1] = "| " .. table.concat(sep, " | ") .. " |"
  for _, row in ipairs(self.rows) do
    local vals = {}
    for c, col in ipairs(cols) do
      vals[c] = md_escape(row.blank and row.blank[col.key] and "" or display(col, row[col.key], row))
    end
    out[#out + 1] = "| " .. table.concat(vals, " | ") .. " |"
  end
  local notes = self:notes_shown()
  if #notes > 0 then
    out[#out + 1] = ""
    for _, n in ipairs(notes) do out[#out + 1] = md_escape(n) .. "  " end
  end
  return table.concat(out, "\n") .. "\n"
end

local function csv_field(v, unit)
  if v == nil then return "" end
  if type(v) == "number" then   -- never needs quoting
    if unit ~= nil then return format.display(v, unit, "csv") end
    return format.exact(v)
  end
  local s = tostring(v)
  if s:find('[",\r\n]') or s:match("^%s") or s:match("%s$") then
    s = '"' .. s:gsub('"', '""') .. '"'
  end
  return s
end

--- RFC 4180 CSV; column keys as the header (stable for machines). Numbers of a column with a
--- unit at their display precision (never grouped), others exact.
function Tabular:to_csv()
  local out, head = {}, {}
  for c, col in ipairs(self.columns) do head[c] = col.csv or col.key end
  out[1] = table.concat(head, ",")
  for _, row in ipairs(self.rows) do
    local vals = {}
    for c, col in ipairs(self.columns) do vals[c] = csv_field(row[col.key], M.unit_of(col, row)) end
    out[#out + 1] = table.concat(vals, ",")
  end
  return table.concat(out, "\r\n") .. "\r\n"
end

--- HTML table (a fragment): cells as shown in text; a column may give `html = function(v, row) ->
--- html` and `class = function(v, row) -> a class for the cell` (P(达标) colours).
function Tabular:to_html_fragment()
  local cols = shown(self.columns)
  local html = require "tuiyan.html"
  local out = { "<table>\n<thead><tr>" }
  for _, col in ipairs(cols) do
    out[#out + 1] = ("<th%s>%s</th>"):format(col.align == "right" and ' class="num"' or "", html.escape(col.title or col.key))
  end
  out[#out + 1] = "</tr></thead>\n<tbody>\n"
  for _, row in ipairs(self.rows) do
    out[#out + 1] = "<tr>"
    for _, col in ipairs(cols) do
      local blank = row.blank and row.blank[col.key]
      local v = row[col.key]
      local cell = blank and "" or ((col.html and v ~= nil) and col.html(v, row) or html.escape(display(col, v, row)))
      local class = { col.align == "right" and "num" or nil }
      if col.class and not blank and v ~= nil then class[#class + 1] = col.class(v, row) end
      out[#out + 1] = ("<td%s>%s</td>"):format(#class > 0 and (' class="' .. table.concat(class, " ") .. '"') or "", cell)
    end
    out[#out + 1] = "</tr>\n"
  end
  out[#out + 1] = "</tbody>\n</table>\n"
  out[#out + 1] = html.notes(self:notes_shown())
  return table.concat(out)
end

--- html_sections() -> { {title, html} }: this table as a section of a larger HTML report.
function Tabular:html_sections()
  return { { title = self.title, html = self:to_html_fragment() } }
end

--- A whole HTML document with this table.
function Tabular:to_html()
  return require("tuiyan.html").document{ title = self.title or "tuiyan", sections = { { html = self:to_html_fragment() } } }
end

--- JSON: { title, columns = [{key, title}], rows = [{key: raw value}], notes } (null = undefined).
function Tabular:to_json()
  local json = require "_tuiyan.json"
  local cols, rows = setmetatable({}, json.array_meta), setmetatable({}, json.array_meta)
  local keys = {}
  for i, col in ipairs(self.columns) do
    keys[i] = col.key
    cols[i] = setmetatable({ key = col.key, title = col.title }, { __jsonorder = { "key", "title" } })
  end
  for _, row in ipairs(self.rows) do
    local r = {}
    for _, k in ipairs(keys) do
      local v = row[k]
      if type(v) == "table" then v = v.value end   -- {year, value} points keep their value
      r[k] = v == nil and json.null or v
    end
    rows[#rows + 1] = setmetatable(r, { __jsonorder = keys })
  end
  local notes = setmetatable({ table.unpack(self.notes) }, json.array_meta)
  return json.encode(setmetatable({ title = self.title or json.null, columns = cols, rows = rows, notes = notes },
    { __jsonorder = { "title", "columns", "rows", "notes" } }), true)
end

--- xlsx_sheets() -> this table as one sheet (see tuiyan.xlsx).
function Tabular:xlsx_sheets()
  return { { name = self.sheet_name or self.title, table = self } }
end

--- to_xlsx() -> the bytes of an .xlsx workbook with this table.
function Tabular:to_xlsx() return require("tuiyan.xlsx").workbook(self) end

M.Tabular = Tabular
return M
