-- tuiyan.extract — a draft plan from a plan's Chinese text: every quantitative target the text
-- states, with the sentence it came from (docs/extract.md).
--
-- How: the text is read paragraph by paragraph (a non-empty line; a PDF text whose lines start
-- with their page number "N、" is joined into one text and located by page). Each paragraph is
-- split into sentences (。！？) and clauses (，；：), and each clause is read with plain Lua
-- patterns over UTF-8 after normalising a copy of it: traditional characters to simplified
-- (extract/t2s.lua), full-width digits and punctuation to ASCII, line-wrap spaces dropped, 2。87
-- read as 2.87, Chinese numerals before a measure word (三年, 两家) as digits. A number with a unit
-- (extract/dict.lua: 家 个 项 亿元 % 个百分点 …) is a target when a target verb stands before it in
-- its clause (达到 突破 新增 提高 增长 选派 …), a comparison follows it (以上), or the clause is in a
-- 目标 section; its subject (the words before it) names the indicator through the dictionary. The
-- year is the nearest year phrase before it in its sentence, else in its paragraph (到2025年), else
-- 每年 (every year of the plan), else the document's own: a one-year 工作要点 its year, a
-- period (2022—2025年, 十四五) its last year. An indicator table laid out one cell per paragraph
-- (序号 … 2022年 目标值 …) is read as a table. Every cell is checked with the plan reader's own
-- target parser before it is written; what fails goes to `unparsed` with the reason.
local D = require "tuiyan.extract.dict"
local T2S = require "tuiyan.extract.t2s"

local M = {}

local CHAR = "[%z\1-\127\194-\244][\128-\191]*"

local function has(s, word) return s:find(word, 1, true) ~= nil end

local function any_of(s, list)
  for _, w in ipairs(list) do if has(s, w) then return w end end
  return nil
end

local function starts(s, w) return s:sub(1, #w) == w end
local function ends(s, w) return #s >= #w and s:sub(-#w) == w end

-- Plain splitting and matching over UTF-8: Lua's [...] classes are byte sets, so a class never
-- holds a Chinese character here; lists of words are tried one by one instead.
local function split_plain(s, sep)
  local out, init = {}, 1
  while true do
    local a, b = s:find(sep, init, true)
    if not a then out[#out + 1] = s:sub(init) return out end
    out[#out + 1] = s:sub(init, a - 1)
    init = b + 1
  end
end

local function cut_at(s, seps)
  local cut = #s + 1
  for _, w in ipairs(seps) do
    local a = s:find(w, 1, true)
    if a and a < cut then cut = a end
  end
  return s:sub(1, cut - 1)
end

local function ends_any(s, list)
  for _, w in ipairs(list) do if ends(s, w) then return w end end
  return nil
end

local function starts_any(s, list)
  for _, w in ipairs(list) do if starts(s, w) then return w end end
  return nil
end

local JOINERS = { "..", "-", "~", "—", "–", "～", "至", "到" }   -- of a range: 3-5, 10至20
-- A range joiner at byte i of s, then a number: returns the number and the byte after it.
local function range_at(s, i)
  local j = i
  while s:sub(j, j) == " " do j = j + 1 end
  local w = starts_any(s:sub(j), JOINERS)
  if not w then return nil end
  j = j + #w
  while s:sub(j, j) == " " do j = j + 1 end
  local n, k = s:match("^(%d+%.?%d*)()", j)
  if not n then return nil end
  return n, k
end

local CN_NUMERALS = { "一", "二", "三", "四", "五", "六", "七", "八", "九", "十" }
-- Section headings 一、 二、 … in s: { at = byte after 、 } in order.
local function headings(s)
  local out = {}
  for _, at in ipairs((function()
    local list, init = {}, 1
    while true do
      local a, b = s:find("、", init, true)
      if not a then return list end
      list[#list + 1] = { a, b }
      init = b + 1
    end
  end)()) do
    local before = s:sub(1, at[1] - 1)
    local k = #before
    local n = 0
    while true do
      local w = ends_any(before:sub(1, k), CN_NUMERALS)
      if not w then break end
      k = k - #w
      n = n + 1
    end
    local prev = before:sub(1, k)
    if n > 0 and n <= 3 and (k == 0 or not ends_any(prev, CN_NUMERALS) and not prev:match("[%w]$")) then
      out[#out + 1] = { at = at[2] + 1, from = k + 1 }
    end
  end
  return out
end

-- Chinese numerals before a measure word: 三年 → 3年, 两家 → 2家, 十二个 → 12个.
local CN_DIGIT = { ["〇"] = 0, ["零"] = 0, ["一"] = 1, ["二"] = 2, ["两"] = 2, ["三"] = 3, ["四"] = 4,
  ["五"] = 5, ["六"] = 6, ["七"] = 7, ["八"] = 8, ["九"] = 9 }
local CN_MEASURE = { ["家"] = true, ["个"] = true, ["项"] = true, ["名"] = true, ["人"] = true, ["件"] = true,
  ["户"] = true, ["所"] = true, ["年"] = true, ["倍"] = true, ["条"] = true, ["座"] = true }

local function cn_value(chars)
  -- chars: a list of numeral characters; nil when not a plain number up to 9999.
  local total, cur = 0, nil
  for _, c in ipairs(chars) do
    if CN_DIGIT[c] then
      if cur then return nil end
      cur = CN_DIGIT[c]
    elseif c == "十" or c == "百" or c == "千" then
      local mult = c == "十" and 10 or c == "百" and 100 or 1000
      total = total + (cur or 1) * mult
      cur = nil
    end
  end
  return total + (cur or 0)
end

--- normalize(s) -> the text as the patterns read it: simplified characters, ASCII digits and
--- punctuation (，；：（）％ → , ; : ( ) %), no line-wrap spaces, 2。87 as 2.87, 三年 as 3年.
function M.normalize(s)
  local out = {}
  for ch in s:gmatch(CHAR) do
    local cp = utf8.codepoint(ch, 1, 1, true)
    if cp and cp >= 0xFF01 and cp <= 0xFF5E then
      ch = string.char(cp - 0xFEE0)
    elseif cp == 0x3000 or ch == "\t" or ch == "\r" or ch == "\194\160" then
      ch = " "
    elseif ch == "．" then
      ch = "."
    else
      ch = T2S[ch] or ch
    end
    out[#out + 1] = ch
  end
  s = table.concat(out)
  -- Line-wrap spaces: a space beside a non-ASCII character, or between a digit and one.
  s = s:gsub(" +([\128-\255])", "%1"):gsub("([\128-\255]) +", "%1")
  -- 2。87: a full stop between digits is a decimal point (but not before a year: 100。2023年).
  s = s:gsub("(%d)。(%d+)(.?.?.?)", function(a, b, after)
    if starts(after, "年") then return nil end
    return a .. "." .. b .. after
  end)
  -- Chinese numerals before a measure word (not 十四五, which is a period).
  local res, chars, i = {}, {}, 1
  local list = {}
  for ch in s:gmatch(CHAR) do list[#list + 1] = ch end
  while i <= #list do
    local c = list[i]
    if CN_DIGIT[c] or c == "十" or c == "百" or c == "千" then
      local j = i
      chars = {}
      while j <= #list and (CN_DIGIT[list[j]] or list[j] == "十" or list[j] == "百" or list[j] == "千") do
        chars[#chars + 1] = list[j]
        j = j + 1
      end
      local v = CN_MEASURE[list[j] or ""] and not (list[i - 1] == "第") and cn_value(chars)
      if v then res[#res + 1] = tostring(v) else for _, x in ipairs(chars) do res[#res + 1] = x end end
      i = j
    else
      res[#res + 1] = c
      i = i + 1
    end
  end
  return table.concat(res)
end

-- ---------------------------------------------------------------------------------------------
-- The document: paragraphs, the plan's years.

local function lines_of(text)
  local lines = {}
  text = text:gsub("\r\n", "\n"):gsub("\r", "\n")
  for line in (text .. "\n"):gmatch("([^\n]*)\n") do lines[#lines + 1] = line end
  return lines
end

-- Paragraphs: { text = original, n = paragraph (or page) number, line = line number }.
-- A text whose non-empty lines start with 1、 2、 3、 … in order is pages of a PDF: the numbers
-- are dropped and the pages joined (a sentence may run over a page break); each piece keeps its
-- page as its paragraph number.
local function paragraphs(text)
  local lines = lines_of(text)
  local nonempty = {}
  for i, l in ipairs(lines) do
    if l:match("%S") then nonempty[#nonempty + 1] = { text = l, line = i } end
  end
  local paged = #nonempty >= 3
  for k, p in ipairs(nonempty) do
    local num = p.text:match("^%s*(%d+)、")
    if tonumber(num) ~= k then paged = false break end
  end
  if paged then
    local pieces = {}
    for k, p in ipairs(nonempty) do
      local body = p.text:gsub("^%s*%d+、", "", 1):gsub("%s+$", "")
      pieces[#pieces + 1] = { text = body, n = k, line = p.line }
    end
    return { { pieces = pieces, paged = true } }
  end
  local paras = {}
  for k, p in ipairs(nonempty) do
    paras[#paras + 1] = { pieces = { { text = (p.text:gsub("^%s+", ""):gsub("%s+$", "")), n = k, line = p.line } } }
  end
  return paras
end

-- The plan's years from its title: a period (2022—2025年, 十四五) or one year (2022年…工作要点).
local function plan_years(title)
  local t = M.normalize(title)
  for _, w in ipairs(JOINERS) do t = t:gsub(w:gsub("%p", "%%%0"), "-") end
  local a, b = t:match("(%d%d%d%d)%s*%-+%s*(%d%d%d%d)")
  if not a then a, b = t:match("(%d%d%d%d)年%s*%-+%s*(%d%d%d%d)") end
  if a then return tonumber(a), tonumber(b) end
  for name, p in pairs(D.PERIODS) do if has(t, name) then return p[1], p[2] end end
  local y = t:match("(%d%d%d%d)年")
  if y then return tonumber(y), tonumber(y) end
  return nil, nil
end

-- ---------------------------------------------------------------------------------------------
-- Sentences and clauses.

-- Splits an original text into sentences at 。！？ (not a 。 between digits), keeping offsets.
local function sentences(s)
  local out, start, i = {}, 1, 1
  while i <= #s do
    local c = s:match("^" .. CHAR, i)
    if c == "。" or c == "！" or c == "？" or c == "!" then
      local prev, nxt = s:sub(i - 1, i - 1), s:sub(i + #c, i + #c)
      if not (c == "。" and prev:match("%d") and nxt:match("%d")) then
        out[#out + 1] = { text = s:sub(start, i - 1), from = start }
        start = i + #c
      end
    end
    i = i + #c
  end
  if start <= #s then out[#out + 1] = { text = s:sub(start), from = start } end
  return out
end

local function split_clauses(s)
  local out = {}
  for c in (s .. ","):gmatch("([^,;:]*)[,;:]") do out[#out + 1] = c end
  return out
end

local HEADINGS = { "总体目标", "主要目标", "重点工作", "重点任务", "指导思想", "保障措施", "推进措施", "支持政策" }
local function strip_fillers(s)
  local hs = headings(s)
  if #hs > 0 then
    s = s:sub(hs[#hs].at)
    for _, w in ipairs(HEADINGS) do if starts(s, w) then s = s:sub(#w + 1) end end
  end
  local changed = true
  while changed do
    changed = false
    for _, f in ipairs(D.FILLERS) do
      local i = s:find(f, 1, true)
      if i then s = s:sub(1, i - 1) .. s:sub(i + #f) changed = true end
    end
  end
  -- durations (3年内, 用3年时间) are the target's years, not its indicator's name
  s = s:gsub("用%d%d?年左?右?时间", ""):gsub("未来%d%d?年", ""):gsub("%d%d?年内", ""):gsub("^%d%d?年", "")
  local edge = { " ", "、", ",", "“", "”", "\"", "(", ")" }
  local again = true
  while again do
    again = false
    for _, e in ipairs(edge) do
      if e ~= "(" and starts(s, e) then s = s:sub(#e + 1) again = true end
      if e ~= ")" and ends(s, e) then s = s:sub(1, -#e - 1) again = true end
    end
  end
  return s
end

-- The year phrases of a normalised text, in order: { at =, year =, kind = }.
local function year_phrases(s, doc)
  local out = {}
  local masked = s:gsub("《.-》", function(m) return ("x"):rep(#m) end)
  for at, y, after in masked:gmatch("()(%d%d%d%d)年(.?.?.?)") do
    local before = masked:sub(1, at - 1)
    local yn = tonumber(y)
    local b2 = before:gsub("%s+$", "")
    if yn >= 1990 and yn <= 2100 and not (ends_any(b2, JOINERS) and b2:sub(1, -4):match("%d年?$"))
      and not ends_any(b2, { "-", "—", "–", "~", "至", "比", "较" }) and not starts_any(after, JOINERS)
      and not starts(after, "实") then
      out[#out + 1] = { at = at, year = yn }
    end
  end
  for at in masked:gmatch("()今年") do out[#out + 1] = { at = at, year = doc.last } end
  for at in masked:gmatch("()明年") do if doc.last then out[#out + 1] = { at = at, year = doc.last + 1 } end end
  for name, p in pairs(D.PERIODS) do
    for at in masked:gmatch("()" .. name) do out[#out + 1] = { at = at, year = p[2], period = p } end
  end
  for at in masked:gmatch("()每年") do out[#out + 1] = { at = at, every = true } end
  local seen = {}
  for _, pat in ipairs(D.DURATIONS) do
    for at, n in masked:gmatch("()" .. pat) do
      n = tonumber(n)
      -- a duration counts from the plan's first year (3年内 in a 2024 plan: 2024-2026)
      if not seen[at] and n >= 1 and n <= 10 and doc.first and not masked:sub(1, at - 1):match("%d$") then
        seen[at] = true
        out[#out + 1] = { at = at, year = doc.first + n - 1, from = doc.first, duration = true }
      end
    end
  end
  table.sort(out, function(a, b) return a.at < b.at end)
  return out
end

-- ---------------------------------------------------------------------------------------------
-- Indicators.

local function unit_ok(entry_unit, unit)
  return entry_unit == nil or unit == nil or entry_unit == unit
    or (D.SAME_UNITS[entry_unit] ~= nil and D.SAME_UNITS[entry_unit] == D.SAME_UNITS[unit])
end

--- lookup(name [, unit]) -> the dictionary entry (extract/dict.lua: { id, unit, names }) whose
--- longest synonym the name holds, among those whose unit agrees; nil when none.
local function lookup(name, unit)
  local key = name:upper()
  local best, best_len
  for _, e in ipairs(D.INDICATORS) do
    for _, syn in ipairs(e.names) do
      local s = syn:upper()
      if #s > (best_len or 0) and has(key, s) and unit_ok(e.unit, unit) then best, best_len = e, #s end
    end
  end
  return best
end
M.lookup = lookup

local function amount_unit(name)
  for _, a in ipairs(D.AMOUNT_UNITS) do if ends(name, a.suffix) then return a.unit end end
  return nil
end

-- ---------------------------------------------------------------------------------------------
-- Numbers in a clause.

local function unit_at(s, i)
  for _, u in ipairs(D.UNITS) do
    if s:sub(i, i + #u.text - 1) == u.text then return u, i + #u.text end
  end
  return nil, i
end

local function suffix_at(s, i)
  for _, x in ipairs(D.SUFFIXES) do
    if s:sub(i, i + #x.text - 1) == x.text then return x, i + #x.text end
  end
  return nil, i
end

-- The last verb in s (the one nearest the number): verb, its start, its end (exclusive).
local function last_verb(s)
  local best, bat, bend
  for _, v in ipairs(D.VERBS) do
    local init = 1
    while true do
      local a, b = s:find(v.text, init, true)
      if not a then break end
      if not bend or b + 1 > bend or (b + 1 == bend and a < bat) then best, bat, bend = v, a, b + 1 end
      init = a + 1
    end
  end
  return best, bat, bend
end

local function fmt_num(x) return x end   -- numbers are kept as written

-- ---------------------------------------------------------------------------------------------

local Extractor = {}
Extractor.__index = Extractor

-- The verb of a clause 其中… (a part of the target before it): a level, no word in the cell.
local SUB_ITEM = { text = "", kind = "level" }

local function new_extractor(text, opts)
  local self = setmetatable({ targets = {}, unparsed = {}, opts = opts or {} }, Extractor)
  self.paras = paragraphs(text)
  local first = self.paras[1] and self.paras[1].pieces[1].text or ""
  self.title = first:gsub("^%s+", ""):gsub("%s+$", "")
  if self.paras[1] and self.paras[1].paged then
    self.title = (M.normalize(first):match("^(.-%d%d%d%d年[^%d]-要点)") or M.normalize(first):sub(1, 60))
  end
  local a, b = plan_years(self.title)
  if opts and opts.year then a, b = opts.year, opts.year end
  if opts and opts.first_year then a = opts.first_year end
  if opts and opts.last_year then b = opts.last_year end
  self.first, self.last = a, b
  self.one_year = a ~= nil and a == b
  self.in_goals = false
  return self
end

function Extractor:unparsed_add(loc, quote, reason)
  self.unparsed[#self.unparsed + 1] = { para = loc.n, line = loc.line, sentence = quote, reason = reason }
end

-- Adds a target: t = { name, unit, year, cell, shape hints..., loc, quote, conf, measure, origin }.
function Extractor:add(t)
  if self.first and t.year < self.first then
    -- 由2015年的210家增加到2020年的756家 in a 2021-2025 plan: what was, not a target
    self:unparsed_add(t.loc, t.quote, ("%s %d %s: a year before the plan's first (%d): a fact, not a target"):format(
      t.name, t.year, t.cell, self.first))
    return
  end
  local ok, why = require("_tuiyan.csv").target_check(t.check_cell or t.cell, t.unit, t.year)
  if not ok then
    self:unparsed_add(t.loc, t.quote, ("%s %d %s: %s"):format(t.name, t.year, t.cell, why))
    return
  end
  self.targets[#self.targets + 1] = t
end

-- The year for a number at byte `at` of sentence `s` (normalised), given the paragraph's earlier
-- text's last year. Returns year(s) list, how, confidence penalty.
function Extractor:year_for(sent_years, at, para_year)
  local best
  for _, y in ipairs(sent_years) do if y.at < at then best = y end end
  if best and best.every then
    if not self.first then return nil end
    local ys = {}
    for y = self.first, self.last do ys[#ys + 1] = y end
    return ys, "每年", 0
  end
  if best and best.duration then return { best.year }, "duration", 0, best.from end
  if best and best.year then return { best.year }, "sentence", 0 end
  if para_year then return { para_year }, "paragraph", 0.05 end
  if self.one_year then return { self.last }, "document", 0 end
  if self.last then return { self.last }, "document", 0.15 end
  return nil
end

local function round_conf(c)
  c = math.max(0.1, math.min(1, c))
  return math.floor(c * 20 + 0.5) / 20
end

-- Reads one clause (normalised) for numeric targets. ctx: { loc, quote, sent_years, para_year,
-- offset (of the clause in the sentence) , sentence }.
function Extractor:numbers(clause, ctx)
  local found = 0
  if any_of(clause, D.RULE_WORDS) or any_of(clause, D.CONDITIONS) then return 0 end
  local masked = clause:gsub("《.-》", function(m) return ("x"):rep(#m) end)
  for _, w in ipairs(D.PER_ITEM) do if starts(strip_fillers(masked), w) then return 0 end end
  local item_start = 1
  local prev               -- the previous target of this clause (for 、-lists: 分别达到2%、1%)
  local pos = 1
  while true do
    local a, num, b = masked:match("()(%d+%.?%d*)()", pos)
    if not a then break end
    pos = b
    local skip = false
    local rest = masked:sub(b)
    -- a range: 3-5个, 1—2家, 10至20项
    local num2, b2
    do
      local n2, k = range_at(masked, b)
      if n2 then num2, b2 = n2, k end
    end
    local after = b2 or b
    local u, after_u = unit_at(masked, after)
    if starts(rest, "年") or starts(rest, ".") and not rest:match("^%.%d") and a == 1 then skip = true end
    if masked:sub(b, b) == "." and not masked:sub(b + 1, b + 1):match("%d") then skip = true end
    if num:match("^%d%d%d%d$") and starts(masked:sub(after), "年") then skip = true end
    if not u then skip = true end
    local sfx, after_s = nil, after_u
    if u then sfx, after_s = suffix_at(masked, after_u) end
    local tail = masked:sub(after_s)
    if not skip and (starts(tail, "的") or starts(tail, "部分")) then skip = true end
    local prefix = masked:sub(item_start, a - 1)
    for _, w in ipairs(D.NOT_BEFORE) do if ends(prefix, w) then skip = true end end
    if prefix:match("[%a&%+%-]$") then skip = true end
    if not skip then
      local verb, vat, vend = last_verb(prefix)
      local list_value = prev and prefix:match("^%s*$")
      if list_value then verb = prev.verb end
      if not verb and not list_value and item_start == 1 then
        local bare = strip_fillers(prefix)
        local words_after = strip_fillers(cut_at(tail, { "、", ",", ";" }))
        if masked:match("^%s*其中") and bare ~= "" then
          verb = SUB_ITEM   -- 其中发明专利授权量150件: a part of the target before it
        elseif ctx.carry and bare ~= "" and not bare:match("%d") and #bare <= 10 * 3 and words_after == "" then
          verb = ctx.carry  -- 新增国家级平台10个以上,省级平台50个: the verb goes on
        end
      end
      if not verb and not sfx and not self.in_goals then
        -- not a target
      else
        local subject
        if list_value then subject = prev.subject_raw
        elseif verb and vat then
          subject = prefix:sub(1, vat - 1) .. prefix:sub(vend)
        else
          subject = prefix
        end
        local conf = 0.9
        if not verb then conf = conf - 0.1 end
        local ys, how, pen, from = self:year_for(ctx.sent_years, ctx.offset + a, ctx.para_year)
        if not ys then
          self:unparsed_add(ctx.loc, ctx.quote, ("%s%s: no year in the sentence, its paragraph or the title"):format(num, u.text))
        else
          conf = conf - pen
          local adjacent
          if list_value then adjacent = prev.adjacent else adjacent = vend and strip_fillers(prefix:sub(vend)) == "" end
          local t = { subject_raw = subject, verb = verb, num = num, num2 = num2, u = u, sfx = sfx,
            years = ys, how = how, from = from, conf = conf, loc = ctx.locate and ctx.locate(item_start) or ctx.loc,
            quote = ctx.quote, list_index = 1,
            adjacent = adjacent, prefix_raw = prefix, tail = cut_at(tail, { "、", ",", ";" }) }
          if list_value then
            t.list_index = prev.list_index + 1
            t.list_of = prev
          end
          self:emit_numeric(t)
          ctx.last_verb = verb
          prev = t
          found = found + 1
        end
      end
    end
    -- the next item of a 、-list starts after this number's words
    local sep = masked:find("、", after_s, true)
    local nextnum = masked:match("()%d", after_s)
    if not skip and sep and (not nextnum or sep < nextnum) then item_start = sep + #"、" end
    if skip then
      -- a number that is not a target does not end an item
    end
  end
  return found
end

-- 分别: 市、县两级本级财政科技支出…分别达到2%、1%以上 → the i-th of the enumerated places.
local function distribute(subject, i)
  local head, rest = subject:match("^(.-)两级(.*)$")
  if not head then head, rest = subject:match("^(.-)各级(.*)$") end
  if not head then return nil end
  local items = {}
  for _, it in ipairs(split_plain(head, "、")) do if it ~= "" then items[#items + 1] = it end end
  if not items[i] then return nil end
  return items[i] .. rest
end

function Extractor:emit_numeric(t)
  local verb = t.verb
  local kind = verb and verb.kind or "none"
  local subject = t.subject_raw
  local split_by = has(subject, "分别")
  if split_by or (t.list_of and t.list_of.split) then
    t.split = true
    local nm = distribute(strip_fillers(subject), t.list_index)
    if nm then subject = nm end
  end
  local name = strip_fillers(subject)
  local whole = strip_fillers(t.prefix_raw or subject)   -- with its verb: 科技成果登记
  if t.tail and t.tail ~= "" and #name < 3 * 4 then name = name .. t.tail end
  local unit = t.u.unit
  local number = t.num2 and (t.num .. "-" .. t.num2) or t.num
  local sfx = t.sfx and t.sfx.text or ""
  local measure = "level"
  local cells = {}
  local every = t.how == "每年"
  for _, year in ipairs(t.years) do
    local cell
    if kind == "new" and (verb.text ~= "培育" or not self.one_year) then
      measure = "flow"
      local window = ""
      if t.from and year > t.from then
        window = ("(%d-%d)"):format(t.from, year)   -- 3年内新增: the duration's years
      elseif not every and not self.one_year and self.first and year > self.first then
        window = ("(%d-%d)"):format(self.first, year)
      end
      cell = "新增" .. number .. t.u.text .. sfx .. window
      if not starts(name, "新增") then name = "新增" .. name end
    elseif kind == "change" then
      if t.u.points then
        cell = verb.text .. number .. "个百分点" .. sfx
      elseif unit == "%" then
        cell = "增长" .. number .. "%" .. sfx
        local e = lookup(name, nil)
        unit = (e and e.unit) or amount_unit(name) or "1"
      else
        cell = number .. t.u.text .. sfx   -- 增加100家: a level
      end
    elseif kind == "level" or kind == "ge" or kind == "gt" or kind == "le" then
      local word = verb.cell or verb.text
      if kind == "level" and (word == "完成" or word == "实现") then word = "" end
      -- the word goes into the cell only when it stands right before the number
      if not t.adjacent then word = "" end
      cell = word .. number .. t.u.text .. sfx
    else
      if kind == "count" and verb.text ~= "组建" and verb.text ~= "安排" and verb.text ~= "上争"
        and verb.text ~= "建成" then measure = "flow" end
      if kind == "new" then measure = "level" end
      cell = number .. t.u.text .. sfx
    end
    if every then measure = "flow" end
    cells[#cells + 1] = { year = year, cell = cell }
  end
  if kind == "count" and not t.list_of then name = whole .. ((t.tail and #whole < 3 * 4) and t.tail or "") end
  if name == "" then name = "(unnamed)" end
  local entry = lookup(name, unit) or lookup(whole, unit)
  local conf = t.conf
  if not entry then conf = conf - 0.2 end
  if entry and entry.unit and unit ~= entry.unit then
    if unit_ok(entry.unit, unit) then
      for _, c in ipairs(cells) do
        local i = c.cell:find(number .. t.u.text, 1, true)
        if i then c.cell = c.cell:sub(1, i - 1) .. number .. entry.unit .. c.cell:sub(i + #number + #t.u.text) end
      end
      unit = entry.unit
    else
      entry = nil
    end
  end
  for _, c in ipairs(cells) do
    self:add{ name = name, unit = unit, year = c.year, cell = c.cell, measure = measure,
      id = entry and entry.id, loc = t.loc, quote = t.quote, conf = round_conf(conf), how = t.how,
      origin = "text" }
  end
end

-- Milestones: 创立/创建/获批/建成/启动 + a thing; 完成 + a task; 确保成功验收; 实现…全覆盖.
function Extractor:milestones(clause, ctx, sentence_has_year)
  if clause:match("%d") then return end
  if not (self.one_year or sentence_has_year) then return end
  local items = {}
  for _, it in ipairs(split_plain(clause, "、")) do items[#items + 1] = it end
  local item_off = 1
  for idx, it in ipairs(items) do
    local cell, name
    local loc = ctx.locate and ctx.locate(item_off) or ctx.loc
    item_off = item_off + #it + #"、"
    for _, v in ipairs(D.MILESTONE_VERBS) do
      local a, b = it:find(v.text, 1, true)
      if a then
        local object = it:sub(b + 1)
        -- 建成布局合理、定位清晰…的基地体系: the thing is the end of the clause
        local whole = table.concat(items, "、", idx):sub(b + 1)
        if idx < #items and not any_of(whole, { "创立", "创建", "获批", "建成", "启动" }) then object = whole end
        local before = it:sub(1, a - 1)
        local bad = object == "" or any_of(before:sub(-12), D.MILESTONE_NOT_AFTER)
        for _, w in ipairs(D.MILESTONE_BAD_OBJECT_START) do if starts(object, w) then bad = true end end
        local good_end = false
        for _, w in ipairs(D.MILESTONE_OBJECTS) do if ends(object, w) then good_end = true end end
        if not bad and good_end then cell, name = v.cell, strip_fillers(before) .. v.text .. object end
        break
      end
    end
    if not cell then
      local a, b = it:find("完成", 1, true)
      if a and it:sub(b + 1) ~= "" then cell, name = "完成", strip_fillers(it:sub(b + 1)) end
    end
    if not cell and (has(it, "成功验收") or has(it, "通过验收") or it:find("通过..?.?.?.?.?.?验收")) then
      local prev = ctx.prev_clause or ""
      cell, name = "通过验收", strip_fillers(prev:gsub("建设工作$", ""):gsub("工作$", "")) .. "验收"
    end
    if not cell and has(it, "全覆盖") and has(it, "实现") then
      cell, name = "完成", strip_fillers(it)
    end
    if cell and name ~= "" then
      local ys = self:year_for(ctx.sent_years, ctx.offset + 1, ctx.para_year)
      if ys then
        self:add{ name = name, unit = "项", year = ys[#ys], cell = cell, measure = "level", loc = loc,
          quote = ctx.quote, conf = round_conf(0.7), how = "milestone", origin = "text", milestone = true }
      end
    end
  end
end

-- Benchmarks and equal growth: 增速不低于全省…平均水平; A和B实现同步增长; 只增不减.
function Extractor:special(clause, ctx)
  local n = 0
  local ys = self:year_for(ctx.sent_years, ctx.offset + 1, ctx.para_year)
  if not ys then return 0 end
  local year = ys[#ys]
  local subj, word, ref = clause:match("^(.-增速)(不低于)(.-平均水平?)$")
  if not subj then subj, word, ref = clause:match("^(.-增速)(高于)(.-平均水平?)$") end
  if subj then
    local name = strip_fillers(subj)
    self.benchmarks = self.benchmarks or {}
    local refname = strip_fillers(ref)
    self:add{ name = name, unit = "%", year = year, cell = word .. "{ref}", ref_name = refname, measure = "level",
      loc = ctx.loc, quote = ctx.quote, conf = round_conf(0.6), origin = "text", benchmark = true,
      check_cell = word .. "ref_row" }
    return 1
  end
  local both = clause:match("^(.-)实现同步增长$")
  if both then
    local a, b = both:match("^(.-)和(.+)$")
    if a then
      -- 贷款家数和总金额: the second names its thing by the first's words before 家数
      local head = a
      for _, w in ipairs{ "家数", "个数", "人数", "数量" } do
        if ends(a, w) then head = a:sub(1, -#w - 1) end
      end
      local names = { strip_fillers(a), strip_fillers(head .. b) }
      for _, nm in ipairs(names) do
        local unit = amount_unit(nm) or "1"
        self:add{ name = nm, unit = unit, year = year, cell = "增长0%以上", measure = "level", loc = ctx.loc,
          quote = ctx.quote, conf = round_conf(0.6), origin = "text" }
        n = n + 1
      end
    end
    return n
  end
  n = self:rank(clause, ctx) + self:multiple(clause, ctx)
  if n > 0 then return n end
  local sub = clause:match("^(.-)只增不减")
  if sub then
    local name = strip_fillers((sub:gsub("“", ""):gsub("”", ""):gsub("\"", "")))
    local e = lookup(name, nil)
    self:add{ name = name, unit = (e and e.unit) or amount_unit(name) or "1", year = year, cell = "增长0%以上",
      measure = "level", id = e and e.id, loc = ctx.loc, quote = ctx.quote, conf = round_conf(0.6), origin = "text" }
    return 1
  end
  return 0
end

-- A number after 前 or 第: digits (前5位) or Chinese numerals (前三位, 第二名); value, next byte.
local function rank_number(s, i)
  local digits = s:match("^%d+", i)
  if digits then return tonumber(digits), i + #digits end
  local chars, j = {}, i
  while true do
    local c = s:match("^" .. CHAR, j)
    if not c or not (CN_DIGIT[c] or c == "十") then break end
    chars[#chars + 1] = c
    j = j + #c
  end
  if #chars == 0 then return nil end
  return cn_value(chars), j
end

-- Ranks: 区域创新能力排名进入全省前5位 → a row 区域创新能力排名 (unit 位) with 前5位; 第2位 too.
-- Only after a rank word (D.RANK_WORDS) and a few words of place (全省, 全国前列…).
function Extractor:rank(clause, ctx)
  local masked = clause:gsub("《.-》", function(m) return ("x"):rep(#m) end)
  local ra, rb
  for _, w in ipairs(D.RANK_WORDS) do
    local a, b = masked:find(w, 1, true)
    if a then ra, rb = a, b break end
  end
  if not ra then return 0 end
  local i = rb + 1
  while i <= #masked do
    local c = masked:match("^" .. CHAR, i)
    if (c == "前" or c == "第") and i - rb - 1 <= 8 * 3 then
      local n, j = rank_number(masked, i + #c)
      local mark = n and masked:match("^" .. CHAR, j) or nil
      local last = n and (mark == nil or mark == "位" or mark == "名" or mark == "强")
      if last and n >= 1 then
        local between = masked:sub(rb + 1, i - 1)
        for _, w in ipairs(D.RANK_WORDS) do between = between:gsub(w, "") end
        if between:match("%d") then return 0 end
        local subject = strip_fillers(masked:sub(1, ra - 1))
        if subject == "" then subject = strip_fillers(ctx.prev_clause or "") end
        if subject == "" or subject:match("%d") then return 0 end
        local name = ends(subject, "排名") and subject or subject .. "排名"
        local cell = c == "前" and ("前%d%s"):format(n, mark == "名" and "名" or "位") or ("第%d位"):format(n)
        local ys = self:year_for(ctx.sent_years, ctx.offset + ra, ctx.para_year)
        if not ys then
          self:unparsed_add(ctx.loc, ctx.quote, cell .. ": no year in the sentence, its paragraph or the title")
          return 1
        end
        local e = lookup(subject, nil)
        self:add{ name = name, unit = "位", year = ys[#ys], cell = cell, measure = "level", id = e and (e.id .. "_rank"),
          loc = ctx.loc, quote = ctx.quote, conf = round_conf(e and 0.7 or 0.5), origin = "text" }
        return 1
      end
    end
    i = i + #(c or "x")
  end
  return 0
end

-- Multiples: 高新技术企业数量实现倍增, 技术合同成交额翻一番 (the plan's base year is the base);
-- not a programme's name (“高新技术企业倍增计划”) nor a word in quotes.
function Extractor:multiple(clause, ctx)
  local masked = clause:gsub("《.-》", function(m) return ("x"):rep(#m) end)
  for _, w in ipairs(D.MULTIPLES) do
    local a, b = masked:find(w, 1, true)
    if a then
      local after, before = masked:sub(b + 1), masked:sub(1, a - 1)
      if starts_any(after, D.MULTIPLE_NAMES) then return 0 end
      local _, open = before:gsub("“", "")
      local _, close = before:gsub("”", "")
      if open > close then return 0 end
      -- 比2020年翻一番: the base is the plan's base year; 到2025年: the year, found apart
      local name = strip_fillers((before:gsub("比%d%d%d%d年", ""):gsub("较%d%d%d%d年", ""):gsub("%d%d%d%d年", "")))
      if name == "" or name:match("%d") then return 0 end
      local ys = self:year_for(ctx.sent_years, ctx.offset + a, ctx.para_year)
      if not ys then
        self:unparsed_add(ctx.loc, ctx.quote, w .. ": no year in the sentence, its paragraph or the title")
        return 1
      end
      local e = lookup(name, nil)
      self:add{ name = name, unit = (e and e.unit) or amount_unit(name) or "1", year = ys[#ys], cell = w,
        measure = "level", id = e and e.id, loc = ctx.loc, quote = ctx.quote, conf = round_conf(e and 0.6 or 0.4),
        origin = "text" }
      return 1
    end
  end
  return 0
end

-- An indicator table laid out one cell per paragraph: 序号, headers (2021年 实际值 2022年 目标值 …),
-- then rows: number, category?, name, unit?, values.
function Extractor:tables(paras)
  local used = {}
  local flat = {}
  for _, p in ipairs(paras) do
    if #p.pieces == 1 then flat[#flat + 1] = { piece = p.pieces[1], norm = M.normalize(p.pieces[1].text) } end
  end
  local i = 1
  while i <= #flat do
    if flat[i].norm == "序号" then
      local cols, j = {}, i + 1
      local header_used = { i }
      while j <= #flat and not flat[j].norm:match("^%d+$") do
        local y = flat[j].norm:match("^(%d%d%d%d)年$")
        if y and flat[j + 1] then
          local kind = has(flat[j + 1].norm, "目标") and "target" or has(flat[j + 1].norm, "实际") and "actual" or nil
          if kind then cols[#cols + 1] = { year = tonumber(y), kind = kind } end
        end
        header_used[#header_used + 1] = j
        j = j + 1
      end
      if #cols > 0 and flat[j] and flat[j].norm == "1" then
        for _, k in ipairs(header_used) do used[flat[k].piece] = true end
        local seq, rows = 1, {}
        while j <= #flat and flat[j].norm == tostring(seq) do
          local row = { seq = seq, values = {}, piece = flat[j].piece }
          used[flat[j].piece] = true
          j = j + 1
          while j <= #flat do
            local s = flat[j].norm
            local nxt = flat[j + 1] and flat[j + 1].norm or ""
            if #row.values >= #cols then break end
            if s == tostring(seq + 1) and #row.values > 0 and not nxt:match("^[%d%.]+%*?$") then break end
            if s:match("^[%d%.]+%*?$") and row.name then
              row.values[#row.values + 1] = s
            elseif s:match("^%s*$") or s:match("指标$") then
              -- an empty cell or a category
            elseif not row.name then
              row.name, row.name_piece = s, flat[j].piece
            elseif not row.unit then
              row.unit = s
            else
              break
            end
            used[flat[j].piece] = true
            j = j + 1
          end
          rows[#rows + 1] = row
          seq = seq + 1
        end
        -- the table's note: 注:加*号为2020年数据
        local star_year
        if flat[j] then
          star_year = tonumber(flat[j].norm:match("%*号?为(%d%d%d%d)年"))
          if star_year then used[flat[j].piece] = true end
        end
        self:table_rows(rows, cols, star_year)
      end
      i = j
    else
      i = i + 1
    end
  end
  return used
end

function Extractor:table_rows(rows, cols, star_year)
  for _, row in ipairs(rows) do
    local k = #row.values
    local offset = #cols - k      -- values missing on the left (an empty actual)
    local name = row.name or ""
    local unit = row.unit
    local entry = lookup(name, unit)
    if not unit then unit = entry and entry.unit end
    local at = row.name_piece or row.piece
    local loc = { n = at.n, line = at.line }
    if not unit then
      self:unparsed_add(loc, name, "a table row without a unit, and the dictionary does not know it")
    else
      if entry and entry.unit and entry.unit ~= unit then entry = nil end
      for c = 1, k do
        local col = cols[c + offset]
        local v = row.values[c]
        local starred = v:find("*", 1, true)
        v = v:gsub("%*", "")
        if col.kind == "target" then
          self:add{ name = name, unit = unit, year = col.year, cell = v, measure = "level", id = entry and entry.id,
            loc = loc, quote = ("表 序号%d「%s」%d年目标值「%s」"):format(row.seq, name, col.year, v),
            conf = round_conf(entry and 0.85 or 0.65), origin = "table" }
        else
          self.actuals = self.actuals or {}
          local y = starred and star_year or col.year
          self.actuals[#self.actuals + 1] = { name = name, unit = unit, id = entry and entry.id, year = y, value = v }
        end
      end
    end
  end
end

function Extractor:run()
  local used = self:tables(self.paras)
  local para_year_doc
  for _, p in ipairs(self.paras) do
    local pieces = p.pieces
    -- the paragraph's original text, and where each piece starts in it
    local parts, starts_at, pos = {}, {}, 1
    for k, piece in ipairs(pieces) do
      if not used[piece] then
        starts_at[#starts_at + 1] = { from = pos, piece = piece }
        parts[#parts + 1] = piece.text
        pos = pos + #piece.text
      end
    end
    local text = table.concat(parts)
    local para_year = nil
    -- where each piece starts in the normalised text (normalising is local, so the normalised
    -- paragraph is the normalised pieces one after the other, to a byte or two at their joins)
    local nstart, npos = {}, 0
    for k, sa in ipairs(starts_at) do nstart[k] = npos npos = npos + #M.normalize(sa.piece.text) end
    local nrun = 0
    for _, sent in ipairs(sentences(text)) do
      local piece = starts_at[1] and starts_at[1].piece
      for _, sa in ipairs(starts_at) do if sa.from <= sent.from then piece = sa.piece end end
      local quote = sent.text:gsub("^%s+", ""):gsub("%s+$", "")
      local norm = M.normalize(sent.text)
      local loc = { n = piece and piece.n, line = piece and piece.line }
      local sent_years = year_phrases(norm, self)
      local skip_sentence = any_of(norm, D.RULE_SENTENCE_WORDS) ~= nil
      -- clauses, with the section state (一、… 目标 …) updated as headings pass
      local offset = 0
      local prev_clause
      local carry   -- the verb of the previous clause's targets (新增A10个以上,B50个: B is 新增 too)
      for _, clause in ipairs(split_clauses(norm)) do
        for _, h in ipairs(headings(clause)) do
          self.in_goals = has(clause:sub(h.at, h.at + 6 * 3), "目标")
        end
        if not skip_sentence then
          local segs = split_plain((sent.text:gsub("；", ";")), ";")
          local _, nsemi = norm:sub(1, offset):gsub(";", "")
          local seg = segs[nsemi + 1] or quote
          seg = seg:gsub("^%s+", ""):gsub("%s+$", "")
          local function locate(d)
            if #starts_at <= 1 then return loc end
            local abs = nrun + offset + d
            local at = starts_at[1].piece
            for k, sa in ipairs(starts_at) do if nstart[k] <= abs then at = sa.piece end end
            return { n = at.n, line = at.line }
          end
          local ctx = { loc = locate(1), locate = locate, quote = seg, sent_years = sent_years, para_year = para_year,
            offset = offset, prev_clause = prev_clause, carry = carry }
          local n = self:special(clause, ctx)
          carry = nil
          if n == 0 then
            n = self:numbers(clause, ctx)
            if n > 0 then carry = ctx.last_verb end
          end
          if n == 0 then
            local has_year = false
            for _, y in ipairs(sent_years) do if y.at <= offset + #clause and y.year then has_year = true end end
            self:milestones(clause, ctx, has_year)
          end
        end
        prev_clause = clause
        offset = offset + #clause + 1
      end
      for _, y in ipairs(sent_years) do if y.year then para_year = y.year end end
      nrun = nrun + #norm + 3
    end
  end
  return self:finish()
end

-- Merges the targets of one indicator and year (a table's cell stated again in the text: the
-- text's words win, the note cites both), gives ids, resolves benchmark references.
function Extractor:finish()
  local rows, by_key = {}, {}
  local ids_by_name = {}
  local n_fallback = 0
  -- text before table, then in document order
  local order = {}
  for i, t in ipairs(self.targets) do order[i] = t; t.seq = i end
  table.sort(order, function(a, b)
    if (a.origin == "table") ~= (b.origin == "table") then return b.origin == "table" end
    return a.seq < b.seq
  end)
  local function id_for(t)
    if t.id then return t.id end
    local key = t.name .. "\0" .. t.unit
    if not ids_by_name[key] then
      n_fallback = n_fallback + 1
      ids_by_name[key] = ("ind_%d"):format(n_fallback)
    end
    return ids_by_name[key]
  end
  for _, t in ipairs(order) do
    t.id = id_for(t)
    local key = t.id .. "@" .. t.year
    local first = by_key[key]
    if first then
      first.also = first.also or {}
      first.also[#first.also + 1] = t
    else
      by_key[key] = t
      rows[#rows + 1] = t
    end
  end
  table.sort(rows, function(a, b) return a.seq < b.seq end)
  -- benchmark targets name a row for what they are compared with (no target, no data)
  local extra = {}
  for _, t in ipairs(rows) do
    if t.benchmark then
      local ref = id_for{ name = t.ref_name, unit = "%" }
      t.cell = t.cell:gsub("{ref}", ref)
      extra[#extra + 1] = { id = ref, name = t.ref_name, unit = "%", measure = "level", reference_of = t.id }
    end
  end
  local out = {}
  for _, t in ipairs(rows) do
    local where = ("¶%d line %d"):format(t.loc.n or 0, t.loc.line or 0)
    local also = {}
    for _, a in ipairs(t.also or {}) do
      local differs = a.cell ~= t.cell and not (a.origin == "table" and M.same_target(a, t))
      also[#also + 1] = ("¶%d「%s」%s"):format(a.loc.n or 0, a.quote, differs and (" (there: " .. a.cell .. ")") or "")
    end
    local note = ("%s, confidence %.2f: 「%s」"):format(where, t.conf, t.quote)
    if #also > 0 then note = note .. "; also " .. table.concat(also, "; ") end
    out[#out + 1] = { id = t.id, name = t.name, unit = t.unit, measure = t.measure, year = t.year, cell = t.cell,
      note = note, para = t.loc.n, line = t.loc.line, sentence = t.quote, confidence = t.conf,
      origin = t.origin, also = t.also and #t.also or 0 }
  end
  return { targets = out, references = extra, unparsed = self.unparsed, actuals = self.actuals or {},
    title = self.title, first_year = self.first, last_year = self.last }
end

--- spec(cell, unit, year) -> the target as the plan reader reads it (Plan:target_spec: shape, op,
--- a, b, from, to), or nil when it refuses the cell.
function M.spec(cell, unit, year)
  local p = require("tuiyan.plan").new("spec")
  p:add{ id = "x", name = "x", unit = unit }
  if cell:match("^不低于") or cell:match("^高于") then
    p:add{ id = "ref_row", name = "ref", unit = unit }
    cell = cell:gsub("^(不低于)[%w_]+$", "%1ref_row"):gsub("^(高于)[%w_]+$", "%1ref_row")
  end
  local ok = pcall(p.set_target, p, "x", year, cell)
  if not ok then return nil end
  return p:target_spec("x", year)
end

--- same_target(a, b) -> true when two targets ({ cell, unit, year }) are read the same by the plan
--- reader: same year, unit, shape, comparison, values and window.
function M.same_target(a, b)
  if a.year ~= b.year or a.unit ~= b.unit then return false end
  local sa, sb = M.spec(a.cell, a.unit, a.year), M.spec(b.cell, b.unit, b.year)
  if not sa or not sb then return false end
  return sa.shape == sb.shape and sa.op == sb.op and sa.a == sb.a and sa.b == sb.b and sa.from == sb.from
    and sa.to == sb.to
end

--- text(s [, opts]) -> targets, unparsed, draft. targets: one table per target cell found
--- { id, name, unit, measure, year, cell, note, para, line, sentence, confidence, origin };
--- unparsed: { para, line, sentence, reason } for targets seen but not written; draft: the
--- whole result (title, plan years, table actuals, benchmark reference rows) for M.csv/M.json.
--- opts: year (a one-year plan's year), first_year, last_year (override what the title says).
function M.text(s, opts)
  if type(s) ~= "string" then error("bad argument #1 to 'text' (string expected)", 2) end
  if s:sub(1, 3) == "\239\187\191" then s = s:sub(4) end
  if not utf8.len(s) then
    local _, bad = utf8.len(s)
    error(require("_tuiyan.host").error(require("_tuiyan.host").exit.data,
      ("not UTF-8 (GBK?) at byte %d; save the text as UTF-8"):format(bad)), 2)
  end
  local r = new_extractor(s, opts):run()
  return r.targets, r.unparsed, r
end

--- read(path) -> text, encoding: a plan's document as UTF-8 text. A .docx (or any zip) is read
--- as Word's document, one paragraph per line (line N is paragraph N, empty ones included); a text
--- file may be UTF-8 (a BOM is dropped), or GB18030/GBK or UTF-16 with a BOM, converted as the plan
--- reader converts a CSV (encoding then "GB18030" or "UTF-16"; nil for UTF-8 and .docx). A broken
--- or hostile .docx, a .doc, a PDF or text in no encoding of these raises a data error (exit 3).
function M.read(path)
  local host = require "_tuiyan.host"
  local function bad(msg, line) error(host.error(host.exit.data, msg, path, line), 3) end
  local f, err = io.open(path, "rb")
  if not f then error(host.error(host.exit.data, err), 3) end
  local s = f:read("a")
  f:close()
  if path:lower():match("%.docx$") or s:sub(1, 4) == "PK\3\4" then
    local text, e = require("_tuiyan.doctext").docx(s, path)
    if not text then error(e, 3) end
    return text, nil
  end
  if s:sub(1, 4) == "\208\207\17\224" then
    bad("a Word 97-2003 .doc (or another OLE file), not text: save it from Word as .docx or as UTF-8 text")
  end
  if s:sub(1, 5) == "%PDF-" then bad("a PDF, not text: save its text as UTF-8 (pdftotext FILE.pdf)") end
  if s:sub(1, 3) == "\239\187\191" then s = s:sub(4) end
  if utf8.len(s) and not s:find("\0", 1, true) then return s, nil end
  local text, enc = require("_tuiyan.doctext").decode(s)
  if text then return text, enc end
  -- The line to name: in a GBK file, the first that does not decode (the text before it does,
  -- as UTF-8 or as GB18030; found by halving the lines), else the first byte not UTF-8.
  local ends = { 0 }
  for e in s:gmatch("()\n") do ends[#ends + 1] = e end
  local function decodes(k) local p = s:sub(1, ends[k + 1]) return utf8.len(p) or require("_tuiyan.doctext").decode(p) end
  local line
  if s:find("\0", 1, true) then
    line = select(2, s:sub(1, s:find("\0", 1, true)):gsub("\n", "")) + 1
  else
    local lo, hi = 0, #ends - 1   -- lines 1..lo decode; the whole text does not
    while lo < hi do
      local mid = (lo + hi + 1) // 2
      if decodes(mid) then lo = mid else hi = mid - 1 end
    end
    line = lo + 1
  end
  bad(("not UTF-8, GB18030 or UTF-16 with a BOM (%s); save the text as UTF-8"):format(
    s:find("\0", 1, true) and "UTF-16 without a BOM?" or "a damaged GBK file?"), line)
end

--- file(path [, opts]) -> as text(), reading the file with read(); a converted encoding is said
--- on standard error ("read as GB18030"), as the plan reader says it.
function M.file(path, opts)
  local s, enc = M.read(path)
  if enc then io.stderr:write(("tuiyan: %s: read as %s; save the text as UTF-8 to silence this\n"):format(path, enc)) end
  local targets, unparsed, draft = M.text(s, opts)
  draft.encoding = enc
  return targets, unparsed, draft
end

local function csv_field(s)
  s = tostring(s or "")
  if s:find('[,"\n\r]') then return '"' .. s:gsub('"', '""') .. '"' end
  return s
end

-- The draft plan's table: its title, header and rows (lists of strings), as csv() and xlsx()
-- write it.
local function plan_table(draft)
  local rows, by_id, years, actual_years = {}, {}, {}, {}
  local function row(id, t)
    local r = by_id[id]
    if not r then
      r = { id = id, name = t.name, unit = t.unit, measure = t.measure, targets = {}, notes = {}, actuals = {} }
      by_id[id] = r
      rows[#rows + 1] = r
    end
    if t.measure == "flow" then r.measure = "flow" end
    return r
  end
  for _, t in ipairs(draft.targets) do
    local r = row(t.id, t)
    r.targets[t.year], r.notes[t.year] = t.cell, t.note
    years[t.year] = true
  end
  for _, ref in ipairs(draft.references or {}) do
    local r = row(ref.id, ref)
    r.note = "compared with by " .. ref.reference_of .. " (a benchmark): no target, fill in its values"
  end
  for _, a in ipairs(draft.actuals or {}) do
    if a.id and by_id[a.id] and by_id[a.id].unit == a.unit then
      by_id[a.id].actuals[a.year] = a.value
      actual_years[a.year] = true
    end
  end
  local ys, ays = {}, {}
  for y in pairs(years) do ys[#ys + 1] = y end
  for y in pairs(actual_years) do ays[#ays + 1] = y end
  table.sort(ys)
  table.sort(ays)
  local header = { "id", "name", "unit", "measure", "note" }
  for _, y in ipairs(ays) do header[#header + 1] = "actual_" .. y end
  for _, y in ipairs(ys) do
    header[#header + 1] = "target_" .. y
    header[#header + 1] = "target_" .. y .. "_note"
  end
  local out = {}
  for _, r in ipairs(rows) do
    local f = { r.id, r.name or "", r.unit or "", r.measure, r.note or "" }
    for _, y in ipairs(ays) do f[#f + 1] = tostring(r.actuals[y] or "") end
    for _, y in ipairs(ys) do
      f[#f + 1] = r.targets[y] or ""
      f[#f + 1] = r.notes[y] or ""
    end
    out[#out + 1] = f
  end
  return (draft.title or ""):gsub("[\r\n]", " "), header, out
end

--- csv(draft) -> the draft plan as CSV text in tuiyan's plan format (one row per indicator).
function M.csv(draft)
  local title, header, rows = plan_table(draft)
  local out = {}
  if title ~= "" then out[#out + 1] = "# title: " .. title end
  out[#out + 1] = table.concat(header, ",")
  for _, r in ipairs(rows) do
    local f = {}
    for k, v in ipairs(r) do f[k] = csv_field(v) end
    out[#out + 1] = table.concat(f, ",")
  end
  return table.concat(out, "\n") .. "\n"
end

-- A CSV field that is a plain decimal number goes into a workbook as that number (so Excel
-- does not flag numbers stored as text); the plan reader reads it back as the same text.
local function xlsx_value(s)
  if s:match("^%-?%d+$") or s:match("^%-?%d+%.%d+$") then
    local x = tonumber(s)
    if x and string.format("%.15g", x) == s then return x end
  end
  return s ~= "" and s or false
end

--- xlsx(draft) -> the bytes of an .xlsx workbook: sheet 1 "plan" the draft plan exactly as csv()
--- lays it out ("# title:" in A1, the header in row 2: tuiyan reads it as a plan, first sheet),
--- sheet 2 "targets" one row per target with its sentence, sheet 3 "unparsed" what was seen
--- but not normalised.
function M.xlsx(draft)
  local title, header, rows = plan_table(draft)
  local bold = 1
  local function sheet(name, head, body, first)
    local out = {}
    if first then out[1] = { n = 1, first } end
    local h = { n = #head }
    for c, v in ipairs(head) do h[c] = { v = v, f = bold } end
    out[#out + 1] = h
    local freeze = #out
    for _, r in ipairs(body) do
      local cells = { n = #head }
      for c = 1, #head do cells[c] = xlsx_value(tostring(r[c] == nil and "" or r[c])) end
      out[#out + 1] = cells
    end
    local widths = {}
    for c, v in ipairs(head) do widths[c] = math.max(8, math.min(40, #v + 2)) end
    return { name = name, rows = out, freeze = freeze, widths = widths }
  end
  local targets, unparsed = {}, {}
  for _, t in ipairs(draft.targets) do
    targets[#targets + 1] = { t.id, t.name, t.unit, t.measure, t.year, t.cell, ("%.2f"):format(t.confidence),
      t.para or "", t.line or "", t.sentence }
  end
  for _, u in ipairs(draft.unparsed) do unparsed[#unparsed + 1] = { u.para or "", u.line or "", u.reason, u.sentence } end
  local epoch = math.tointeger(tonumber(os.getenv("SOURCE_DATE_EPOCH") or ""))
  return require("_tuiyan.xlsx").build{
    created = epoch and epoch > 0 and epoch or 0, title = title,
    formats = { { bold = true } },
    sheets = {
      sheet("plan", header, rows, title ~= "" and "# title: " .. title or nil),
      sheet("targets", { "id", "name", "unit", "measure", "year", "cell", "confidence", "para", "line", "sentence" },
        targets),
      sheet("unparsed", { "para", "line", "reason", "sentence" }, unparsed),
    },
  }
end



--- json(draft) -> { "title", "targets": [...], "unparsed": [...] } as JSON text.
function M.json(draft)
  local json = require "_tuiyan.json"
  local function ordered(t, keys)
    local o = {}
    for _, k in ipairs(keys) do o[k] = t[k] end
    return setmetatable(o, { __jsonorder = keys })
  end
  local targets, unparsed = {}, {}
  for i, t in ipairs(draft.targets) do
    targets[i] = ordered(t, { "id", "name", "unit", "measure", "year", "cell", "confidence", "para", "line",
      "sentence", "note" })
  end
  for i, u in ipairs(draft.unparsed) do unparsed[i] = ordered(u, { "para", "line", "sentence", "reason" }) end
  local doc = ordered({ title = draft.title, targets = setmetatable(targets, { __jsontype = "array" }),
    unparsed = setmetatable(unparsed, { __jsontype = "array" }) }, { "title", "targets", "unparsed" })
  return json.encode(doc, true)
end

--- md(draft) -> a Markdown review sheet: the targets, then what was seen but not written.
function M.md(draft)
  local out = { "# Draft targets: " .. (draft.title or ""), "",
    "| id | name | unit | year | target | confidence | ¶ | sentence |", "|---|---|---|---|---|---|---|---|" }
  local function esc(s) return (tostring(s or ""):gsub("|", "\\|"):gsub("\n", " ")) end
  for _, t in ipairs(draft.targets) do
    out[#out + 1] = ("| %s | %s | %s | %d | %s | %.2f | %s | %s |"):format(t.id, esc(t.name), esc(t.unit), t.year,
      esc(t.cell), t.confidence, tostring(t.para), esc(t.sentence))
  end
  out[#out + 1] = ""
  out[#out + 1] = "## Seen but not normalised"
  out[#out + 1] = ""
  if #draft.unparsed == 0 then out[#out + 1] = "None." end
  for _, u in ipairs(draft.unparsed) do
    out[#out + 1] = ("- ¶%s line %s: %s — 「%s」"):format(tostring(u.para), tostring(u.line), esc(u.reason), esc(u.sentence))
  end
  return table.concat(out, "\n") .. "\n"
end

--- check(draft, plan) -> missing, unsupported. missing: the text's targets that no row of the
--- plan states (the same year, unit, shape, comparison and values, whatever the id);
--- unsupported: { id, year, cell } of the plan's targets that no target of the text supports.
function M.check(draft, plan)
  local plan_targets = {}
  for _, id in ipairs(plan:ids()) do
    local info = plan:info(id)
    for y = 1990, 2100 do
      local text = plan:target_spec(id, y) and plan:target_text(id, y)
      if text then plan_targets[#plan_targets + 1] = { id = id, year = y, cell = text, unit = info.unit,
        spec = plan:target_spec(id, y) } end
    end
  end
  local function norm_unit(u) return M.normalize(u or "") end
  local function same(t, p)
    if t.year ~= p.year or norm_unit(t.unit) ~= norm_unit(p.unit) then return false end
    local st = M.spec(t.cell, t.unit, t.year)
    local sp = p.spec
    if not st or not sp then return false end
    if st.shape ~= sp.shape or st.op ~= sp.op then return false end
    if st.shape == "benchmark" or st.shape == "milestone" then return true end
    return st.a == sp.a and st.b == sp.b and st.from == sp.from and st.to == sp.to
  end
  local used, missing = {}, {}
  for _, t in ipairs(draft.targets) do
    local hit
    for k, p in ipairs(plan_targets) do
      if not used[k] and same(t, p) and (p.id == t.id) then hit = k break end
    end
    if not hit then
      for k, p in ipairs(plan_targets) do if not used[k] and same(t, p) then hit = k break end end
    end
    if hit then used[hit] = true else missing[#missing + 1] = t end
  end
  local unsupported = {}
  for k, p in ipairs(plan_targets) do if not used[k] then unsupported[#unsupported + 1] = p end end
  return missing, unsupported
end

return M
