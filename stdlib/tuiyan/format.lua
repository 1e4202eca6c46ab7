-- tuiyan.format — how numbers look to a reader. Display formats are for people (a few decimals);
-- files meant for machines (CSV, JSON) use exact(), which reads back to the same number.
local text = require "_tuiyan.text"
local rounded = text.rounded

local M = {}

M.MISSING = "—"

--- exact(x) -> shortest text that reads back to x; "" for nil.
function M.exact(x)
  if x == nil then return "" end
  return text.number(x)
end

--- value(x [, decimals]) -> up to `decimals` (default 4) decimals, trailing zeros dropped.
function M.value(x, decimals)
  if x == nil then return M.MISSING end
  if x == math.floor(x) and math.abs(x) < 1e15 then return string.format("%d", math.floor(x)) end
  local s = string.format("%." .. (decimals or 4) .. "f", x)
  s = s:gsub("(%.%d-)0+$", "%1"):gsub("%.$", "")
  if s == "-0" then s = "0" end
  return s
end

--- percent(x [, decimals]) -> x as a percentage: 0.1935 -> "19.35%".
function M.percent(x, decimals)
  if x == nil then return M.MISSING end
  return string.format("%." .. (decimals or 2) .. "f%%", x * 100)
end

--- points(x) -> a share difference in percentage points, signed: 0.052 -> "+5.2".
function M.points(x, decimals)
  if x == nil then return M.MISSING end
  local s = string.format("%+." .. (decimals or 1) .. "f", x * 100)
  if s == "-0.0" or s == "+0.0" then s = "0.0" end
  return s
end

-- Display precision: ONE rule for every writer (text, Markdown, HTML, CSV; the xlsx number
-- formats say the same). JSON keeps full precision; an xlsx cell holds the full number and
-- shows it through a number format.
--   counts   家 个 项 人 名 所    whole numbers                         1,040
--   money    万元 亿元 元          2 decimals                            248,746.01
--   percent  %                     2 decimals                            2.65
--   share    a fraction shown as a percentage (M.SHARE): 1 decimal of a percent   4.8%
--            (in CSV the fraction, to 3 decimals: 0.048)
--   points   a share difference in percentage points (M.POINTS): 1 decimal        +5.2
--   other    (1, 件, 人年, 家/年, …) 2 decimals from 1 up, 3 significant digits below 1,
--            trailing zeros dropped                                  4.91, 0.055, 0.653
-- Thousands are grouped with "," in text, Markdown and HTML, never in CSV (a grouped number is
-- not a number to a CSV reader).
M.SHARE, M.POINTS = "<share>", "<points>"
M.COUNT_UNITS = { ["家"] = true, ["个"] = true, ["项"] = true, ["人"] = true, ["名"] = true, ["所"] = true }
M.MONEY_UNITS = { ["万元"] = true, ["亿元"] = true, ["元"] = true }

--- kind(unit) -> "count" | "money" | "percent" | "share" | "points" | "other"
function M.kind(unit)
  if unit == nil then return "other" end
  if M.COUNT_UNITS[unit] then return "count" end
  if M.MONEY_UNITS[unit] then return "money" end
  if unit == "%" then return "percent" end
  if unit == M.SHARE then return "share" end
  if unit == M.POINTS then return "points" end
  return "other"
end

local FIXED = { count = 0, money = 2, percent = 2, share = 3, points = 3 }

-- The decimals x is shown with in `unit` (for share and points: of the fraction).
local function decimals(x, kind)
  local d = FIXED[kind]
  if d then return d, true end
  local a = math.abs(x)
  if a >= 1 or a == 0 then return 2, false end
  return math.min(8, 2 - math.floor(math.log(a, 10))), false
end

local function fixed(x, d)
  local s = string.format("%." .. d .. "f", x)
  if s:match("^%-0%.?0*$") then s = s:sub(2) end   -- no "-0.00"
  return s
end

local function trim(s)
  if s:find(".", 1, true) then s = s:gsub("0+$", ""):gsub("%.$", "") end
  return s
end

local function group(s)
  local sign, int, rest = s:match("^([%-+]?)(%d+)(.*)$")
  if not int or #int <= 3 then return s end
  int = int:reverse():gsub("(%d%d%d)", "%1,"):reverse():gsub("^,", "")
  return sign .. int .. rest
end

--- round(x, unit) -> x rounded to its display precision (a number; nil stays nil). For a share,
--- the fraction to 3 decimals (4.8 %).
function M.round(x, unit)
  if type(x) ~= "number" then return x end
  local d = decimals(x, M.kind(unit))
  local r = tonumber(fixed(x, d))
  if r == 0 then r = 0.0 end
  if math.type(x) == "integer" or d == 0 then return math.tointeger(r) or r end
  return r
end

--- display(x, unit [, how]) -> x as a person reads it, at its display precision: how = "text"
--- (default: thousands grouped, a share as "4.8%", points signed) or "csv" (the number as CSV
--- holds it: not grouped, a share as its fraction). nil -> "—" in text, "" in CSV.
function M.display(x, unit, how)
  local csv = how == "csv"
  if x == nil then return csv and "" or M.MISSING end
  if type(x) ~= "number" then return tostring(x) end
  local kind = M.kind(unit)
  if csv then   -- round then exact; text.rounded does the same in C for a float (nil otherwise)
    return rounded(x, FIXED[kind] or -1) or M.exact(M.round(x, unit))
  end
  if kind == "share" then return fixed(x * 100, 1) .. "%" end
  if kind == "points" then
    local s = fixed(x * 100, 1)
    return (s == "0.0" or s:sub(1, 1) == "-") and s or ("+" .. s)
  end
  local d, keep = decimals(x, kind)
  local s = fixed(x, d)
  if not keep then s = trim(s) end
  return group(s)
end

--- rounded_count(x, unit) -> true when x is a count (家/个/项/人…) that is shown rounded from a
--- fraction (a model's 64.183 家 shown as 64): the writers add a note saying so.
function M.rounded_count(x, unit)
  return type(x) == "number" and M.kind(unit) == "count" and x ~= math.floor(x)
end

M.COUNT_NOTE = "家/个/项/人 counts are shown as whole numbers; the model's values are fractional (--format json has them in full)."

--- xlsx_format(unit) -> the Excel number format of the same rule (the cell keeps the full number).
function M.xlsx_format(unit)
  local kind = M.kind(unit)
  if kind == "count" then return "#,##0" end
  if kind == "money" then return "#,##0.00" end
  if kind == "percent" then return "0.00" end
  if kind == "share" then return "0.0%" end
  if kind == "points" then return "+0.0%;-0.0%;0.0%" end
  return "#,##0.00##"
end

M.width = text.width

--- pad(s, width, align) -> s padded with spaces to `width` display columns.
function M.pad(s, width, align)
  local gap = width - text.width(s)
  if gap <= 0 then return s end
  if align == "right" then return string.rep(" ", gap) .. s end
  return s .. string.rep(" ", gap)
end

return M
