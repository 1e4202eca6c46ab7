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

-- ---------------------------------------------------------------------------------------------
-- The terminal: how wide text tables may be, and colour.
--
-- Width: --wide shows every column at full width. Otherwise COLUMNS (the environment variable,
-- a whole number ≥ 20) when set, piped or not; else, when standard output is a terminal (and no
-- --out), the terminal's width (`tput cols`), 80 when that fails; else (piped, redirected, --out,
-- the sandbox) no limit: the full table, byte-identical to what it always was.
-- Fitting, in order: the name-like columns (col.wrap = their narrowest) wrap onto more lines down
-- to a comfortable width; then secondary columns are left out by their priority (col.drop: 1 is
-- left out first), and a note names them; then the wrapping columns narrow to col.wrap; if the
-- table still does not fit, each row is shown as a block of "title: value" lines. Titles and
-- notes wrap at the width. Display width counts a Chinese character as 2 columns.
-- Colour (ANSI): statuses, ✓/✗ and P(达标) cells, only when standard output is a terminal, never
-- with --out, with NO_COLOR set to anything but "" (https://no-color.org) or with TERM=dumb.

local ESC = "\27["
M.ANSI = { achieved = "32", exceeded = "1;32", on_track = "32", behind = "33", stalled = "33",
  regressing = "31", missed = "1;31", overdue = "1;31" }

local tput_cols   -- once per process: nil = not asked yet, false = failed
local function terminal_cols()
  if tput_cols == nil then
    tput_cols = false
    if io.popen then
      local ok, f = pcall(io.popen, "command -v tput >/dev/null 2>&1 && tput cols")
      if ok and f then
        local n = math.tointeger(tonumber((f:read("a") or ""):match("%d+") or ""))
        f:close()
        if n and n >= 20 then tput_cols = n end
      end
    end
  end
  return tput_cols or nil
end

--- terminal() -> { width = columns or nil (no limit), color = boolean }, for the text of this run
--- (see above). Inside the sandbox (no os.getenv, no terminal): no limit, no colour.
function M.terminal()
  local out = { width = nil, color = false }
  local getenv = os.getenv
  if not getenv then return out end
  local ok, tuiyan = pcall(require, "tuiyan")
  local opts = ok and type(tuiyan) == "table" and tuiyan.options or {}
  local tty = false
  if not opts.out then
    local okr, rl = pcall(require, "_tuiyan.readline")
    tty = okr and type(rl) == "table" and rl.isatty and rl.isatty(1) or false
  end
  if not opts.wide then
    local c = math.tointeger(tonumber(getenv("COLUMNS") or ""))
    if c and c >= 20 then out.width = c
    elseif tty then out.width = terminal_cols() or 80 end
  end
  local nc = getenv("NO_COLOR")
  out.color = tty and not (nc and nc ~= "") and getenv("TERM") ~= "dumb" or false
  return out
end

--- wrap(s, width) -> the lines of s, each at most `width` display columns: breaks at a space
--- where there is one, else between characters (Chinese text breaks anywhere).
function M.wrap(s, width)
  if format.width(s) <= width then return { s } end
  local lines, line, lw = {}, {}, 0
  local last_space = nil   -- index in `line` of the last space
  for _, cp in utf8.codes(s) do
    local ch = utf8.char(cp)
    local w = format.width(ch)
    if lw + w > width and lw > 0 then
      if ch == " " then
        lines[#lines + 1] = table.concat(line); line, lw, last_space = {}, 0, nil
        goto continue
      elseif last_space and last_space > 1 then
        lines[#lines + 1] = table.concat(line, "", 1, last_space - 1)
        local rest = { table.unpack(line, last_space + 1) }
        line, lw, last_space = rest, format.width(table.concat(rest)), nil
      else
        lines[#lines + 1] = table.concat(line); line, lw, last_space = {}, 0, nil
      end
    end
    line[#line + 1] = ch
    lw = lw + w
    if ch == " " then last_space = #line end
    ::continue::
  end
  if #line > 0 then lines[#lines + 1] = table.concat(line) end
  for k, l in ipairs(lines) do lines[k] = l:gsub("%s+$", "") end
  return lines
end

-- A note or title wrapped at `width`; continuation lines keep the note's indentation plus two.
local function wrap_para(s, width, out)
  local indent = s:match("^(%s*)")
  local lines = M.wrap(s, width)
  if #lines == 1 then out[#out + 1] = lines[1]; return end
  lines = M.wrap(s, math.max(width - #indent - 2, 10))
  for k, l in ipairs(lines) do out[#out + 1] = k == 1 and l or (indent .. "  " .. l) end
end

local function total_width(widths, keep)
  local t, n = 0, 0
  for c, w in ipairs(widths) do if keep[c] then t = t + w; n = n + 1 end end
  return t + 2 * math.max(n - 1, 0)
end

-- Decides the columns and their widths for a width limit: { keep = {bool per column}, widths,
-- dropped = {titles}, records = true when even that does not fit }.
local function fit(cols, widths, limit)
  local keep, w = {}, {}
  for c in ipairs(cols) do keep[c] = true; w[c] = widths[c] end
  local wrapping = {}
  for c, col in ipairs(cols) do if col.wrap then wrapping[#wrapping + 1] = c end end
  if #wrapping == 0 then wrapping[1] = 1 end
  local function narrow(floor_of)
    for _, c in ipairs(wrapping) do
      local excess = total_width(w, keep) - limit
      if excess <= 0 then return end
      local floor = floor_of(cols[c])
      if w[c] > floor then w[c] = math.max(floor, w[c] - excess) end
    end
  end
  narrow(function(col) return math.max(col.wrap or 10, 24) end)
  local dropped = {}
  while total_width(w, keep) > limit do
    local best
    for c, col in ipairs(cols) do
      if keep[c] and col.drop and (best == nil or col.drop < cols[best].drop) then best = c end
    end
    if not best then break end
    keep[best] = false
    dropped[#dropped + 1] = cols[best].title
  end
  for _, c in ipairs(wrapping) do w[c] = math.min(w[c], cols[c].wrap or 10) end
  -- With the wrapping columns at their narrowest, take back what fits, the last left out first;
  -- then give any room left to the wrapping columns.
  for k = #dropped, 1, -1 do
    for c, col in ipairs(cols) do
      if col.title == dropped[k] and not keep[c] then
        keep[c] = true
        if total_width(w, keep) > limit then keep[c] = false else table.remove(dropped, k) end
        break
      end
    end
  end
  for _, c in ipairs(wrapping) do
    local room = limit - total_width(w, keep)
    if room > 0 then w[c] = math.min(widths[c], w[c] + room) end
  end
  return { keep = keep, widths = w, dropped = dropped, records = total_width(w, keep) > limit }
end

local function colored(s, code, on)
  if not on or not code or s == "" then return s end
  return ESC .. code .. "m" .. s .. ESC .. "0m"
end

-- The colour of a cell: a status by its name, a column's own ansi(v, row), ✓ green and ✗ red.
local function cell_color(col, v, row)
  if col.status then return M.ANSI[v] end
  if col.ansi and v ~= nil then return col.ansi(v, row) end
  return nil
end

local function marks(s, on)
  if not on then return s end
  return (s:gsub("✓", ESC .. "32m✓" .. ESC .. "0m"):gsub("✗", ESC .. "31m✗" .. ESC .. "0m"))
end

--- Aligned text. opts: { width = columns or nil, color = boolean }; default M.terminal().
function Tabular:to_text(opts)
  opts = opts or M.terminal()
  local limit, color = opts.width, opts.color
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
  local function para(s) if limit then wrap_para(s, limit, out) else out[#out + 1] = s end end
  if self.title then para(self.title); out[#out + 1] = "" end
  local layout
  if limit and total_width(widths, setmetatable({}, { __index = function() return true end })) > limit then
    -- Titles may wrap too: a column is as wide as its widest cell or its title's longest word.
    for c, col in ipairs(cols) do
      local wmax = 0
      for word in col.title:gmatch("%S+") do wmax = math.max(wmax, format.width(word)) end
      for r in ipairs(self.rows) do wmax = math.max(wmax, format.width(cells[r][c])) end
      widths[c] = wmax
    end
    layout = fit(cols, widths, limit)
  end
  local notes = self:notes_shown()
  if layout and #layout.dropped > 0 and not layout.records then
    notes = { table.unpack(notes) }
    notes[#notes + 1] = ("Not shown, to fit %d columns: %s; --wide shows every column."):format(limit,
      table.concat(layout.dropped, ", "))
  end
  if layout and layout.records then
    -- Each row as a block: its first cell, then "title: value" for the others.
    for r, row in ipairs(self.rows) do
      local head = cells[r][1]
      if head ~= "" then para(head) end
      for c = 2, #cols do
        local v = cells[r][c]
        if v ~= "" and v ~= format.MISSING then
          local text = "  " .. cols[c].title .. ": " .. v
          local start = #out + 1
          wrap_para(text, limit, out)
          if color then
            for k = start, #out do out[k] = marks(out[k], true) end
            local code = cell_color(cols[c], self.rows[r][cols[c].key], row)
            if code then out[start] = out[start]:gsub(": (.*)$", function(x) return ": " .. colored(x, code, true) end, 1) end
          end
        end
      end
    end
  else
    local keep = layout and layout.keep or nil
    local w = layout and layout.widths or widths
    local shown_c = {}
    for c in ipairs(cols) do if not keep or keep[c] then shown_c[#shown_c + 1] = c end end
    local function line(values, row, raw)
      local split, height = {}, 1
      for k, c in ipairs(shown_c) do
        split[k] = format.width(values[c]) > w[c] and M.wrap(values[c], w[c]) or { values[c] }
        height = math.max(height, #split[k])
      end
      for h = 1, height do
        local parts = {}
        for k, c in ipairs(shown_c) do
          local col = cols[c]
          local s = split[k][h] or ""
          local last = k == #shown_c
          local padded = (last and col.align ~= "right") and s or format.pad(s, w[c], col.align)
          if color and raw then
            local code = cell_color(col, raw[col.key], row)
            if code and s ~= "" then
              local lead, body, trail = padded:match("^(%s*)(.-)(%s*)$")
              padded = lead .. colored(body, code, true) .. trail
            end
            padded = marks(padded, true)
          end
          parts[k] = padded
        end
        out[#out + 1] = (table.concat(parts, "  "):gsub("%s+$", ""))
      end
    end
    local titles = {}
    for c, col in ipairs(cols) do titles[c] = col.title end
    line(titles)
    local rule = {}
    for c in ipairs(cols) do rule[c] = string.rep("-", w[c]) end
    line(rule)
    for r, row in ipairs(self.rows) do
      line(cells[r], row, (row.blank and setmetatable({}, { __index = function(_, k)
        if row.blank[k] then return nil end
        return row[k]
      end })) or row)
    end
  end
  if #notes > 0 then
    out[#out + 1] = ""
    for _, n in ipairs(notes) do para(n) end
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

--- csv_field(v [, unit]) -> a CSV cell: a number at its unit's display precision (exact without a
--- unit), nil empty, text quoted when it must be (a writer that builds rows itself uses it).
M.csv_field = csv_field

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
