-- tuiyan.format — how numbers look to a reader. Display formats are for people (a few decimals);
-- files meant for machines (CSV, JSON) use exact(), which reads back to the same number.
local text = require "_tuiyan.text"

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

M.width = text.width

--- pad(s, width, align) -> s padded with spaces to `width` display columns.
function M.pad(s, width, align)
  local gap = width - text.width(s)
  if gap <= 0 then return s end
  if align == "right" then return string.rep(" ", gap) .. s end
  return s .. string.rep(" ", gap)
end

return M
