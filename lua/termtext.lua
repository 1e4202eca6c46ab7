-- lua/termtext.lua — text from somewhere untrusted (a package's log, error message or results)
-- made safe to show on a terminal: escape(s) shows control and bidi characters as visible
-- escapes instead of letting the terminal act on them (clear the screen, set the title, move the
-- cursor, reorder what follows). Any command that prints foreign text can use it.
--
-- Escaped: C0 controls except \n and \t, and DEL, as \x1b (\r too, which lets a line overwrite
-- itself, unless it ends a line: a CSV's \r\n is kept); C1 controls U+0080–U+009F, the bidi controls U+061C, U+200E, U+200F, U+202A–U+202E and
-- U+2066–U+2069, as \u202e; and any byte that is not part of valid UTF-8, as \x9b (a lone 0x9b
-- is CSI to terminals that read 8-bit controls). Everything else, backslashes included, is kept,
-- so ordinary text (Chinese, tabs, newlines) comes out byte for byte.
local M = {}

local sfind, sformat, sbyte, sgsub = string.find, string.format, string.byte, string.gsub
local utf8_len, codepoint = utf8.len, utf8.codepoint

-- Code points at and above U+0080 that are shown escaped.
local function hidden(cp)
  return (cp >= 0x80 and cp <= 0x9F) or cp == 0x061C or cp == 0x200E or cp == 0x200F
    or (cp >= 0x202A and cp <= 0x202E) or (cp >= 0x2066 and cp <= 0x2069)
end

-- Does s need any escaping? Plain C calls only, so large clean results cost one pass each.
local function clean(s)
  if sfind(s, "[\0-\8\11\12\14-\31\127]") or sfind(s, "\r[^\n]") or sfind(s, "\r$") then return false end
  if not sfind(s, "[\128-\255]") then return true end
  if utf8_len(s) == nil then return false end          -- invalid UTF-8 somewhere
  return not (sfind(s, "\194[\128-\159]") or sfind(s, "\216\156") or sfind(s, "\226\128[\142\143\170-\174]")
    or sfind(s, "\226\129[\166-\169]"))
end

-- A run of bytes at and above 0x80: a lead byte and the continuation bytes after it (or stray
-- continuation bytes), decoded one character at a time.
local function escape_run(run)
  local out, i, n = {}, 1, #run
  while i <= n do
    local b = sbyte(run, i)
    local len = b >= 0xF0 and 4 or b >= 0xE0 and 3 or b >= 0xC0 and 2 or 0
    local ch = len > 0 and i + len - 1 <= n and run:sub(i, i + len - 1) or nil
    if ch and utf8_len(ch) == 1 then
      local cp = codepoint(ch)
      out[#out + 1] = hidden(cp) and sformat("\\u%04x", cp) or ch
      i = i + len
    else
      out[#out + 1] = sformat("\\x%02x", b)
      i = i + 1
    end
  end
  return table.concat(out)
end

--- escape(s) -> s with control and bidi characters shown as \xNN / \uNNNN (see the top).
function M.escape(s)
  s = tostring(s)
  if clean(s) then return s end
  s = sgsub(s, "()([\0-\8\11-\31\127])", function(at, c)
    if c == "\r" and sbyte(s, at + 1) == 10 then return nil end      -- \r\n: kept
    return sformat("\\x%02x", sbyte(c))
  end)
  return (sgsub(s, "[\128-\255][\128-\191]*", escape_run))
end

return M
