-- tuiyan.html — a self-contained HTML report: one file with its styles inline and charts as inline
-- SVG, so it opens offline on a county's machine and prints on A4. No scripts, no fonts to fetch:
-- Chinese text uses the fonts the reader's system has, through a CJK font stack.
local svg = require "tuiyan.svg"

local M = {}

M.escape = svg.escape
local esc = svg.escape

M.STATUS_CLASS = { achieved = "st-achieved", on_track = "st-on_track", behind = "st-behind",
  stalled = "st-stalled", regressing = "st-regressing", no_trend = "st-none", missed = "st-missed",
  no_data = "st-none", exceeded = "st-achieved", pending = "st-none", overdue = "st-missed" }

M.CSS = [[
:root { --ink: #1d1d1f; --muted: #666; --rule: #d8d8d8; --accent: #1f5fa8; }
* { box-sizing: border-box; }
body { font-family: ]] .. svg.FONT .. [[; color: var(--ink); margin: 0 auto; max-width: 1180px;
  padding: 24px 28px 48px; line-height: 1.5; font-size: 14px; background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; color: var(--accent); }
h2 { font-size: 17px; margin: 28px 0 10px; border-bottom: 2px solid var(--accent); padding-bottom: 4px; }
h3 { font-size: 14px; margin: 16px 0 6px; }
.subtitle { color: var(--muted); margin: 0 0 16px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 12px; font-size: 12.5px; }
th, td { border-bottom: 1px solid var(--rule); padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f2f5f9; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.status { display: inline-block; padding: 0 6px; border-radius: 3px; white-space: nowrap; font-size: 12px; }
.st-achieved { background: #1e7b45; color: #fff; }
.st-on_track { background: #c8ead5; color: #124d2b; }
.st-behind { background: #fde6b0; color: #6b4a00; }
.st-stalled { background: #f7c99a; color: #6b3500; }
.st-regressing { background: #f3b4ae; color: #7a1209; }
.st-missed { background: #a8281c; color: #fff; }
.st-none { background: #e6e6e6; color: #444; }
.ahead { color: #1e7b45; } .behindsched { color: #a8281c; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 12px 18px; }
figure { margin: 0; page-break-inside: avoid; break-inside: avoid; }
figure svg { max-width: 100%; height: auto; }
.notes { color: var(--muted); font-size: 12px; }
.notes p { margin: 2px 0; }
footer { margin-top: 32px; color: var(--muted); font-size: 11.5px; border-top: 1px solid var(--rule); padding-top: 8px; }
footer p { margin: 2px 0; } footer code { font-size: 10.5px; word-break: break-all; }
.leader { border: 2px solid var(--accent); border-radius: 6px; padding: 8px 16px 12px; margin: 8px 0 20px; }
.leader h2 { margin-top: 8px; }
.leader h3 { margin: 12px 0 4px; }
.leader ol { margin: 4px 0 8px; padding-left: 22px; }
.leader li { margin: 3px 0; }
.leader .what { font-weight: 600; }
.leader .compact { margin: 4px 0; }
.leader .rule { color: var(--muted); font-size: 12px; margin: 6px 0 0; }
.p-high { background: #c8ead5; color: #124d2b; } .p-mid { background: #fde6b0; color: #6b4a00; }
.p-low { background: #f3b4ae; color: #7a1209; }
.met-yes { color: #1e7b45; font-weight: 700; } .met-no { color: #a8281c; font-weight: 700; }
td.p-high, td.p-mid, td.p-low { font-weight: 600; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  h2 { page-break-after: avoid; break-after: avoid; }
  table { font-size: 10px; }
  tr { page-break-inside: avoid; break-inside: avoid; }
  .charts { grid-template-columns: 1fr 1fr; }
  .leader { page-break-after: always; break-after: page; border: none; padding: 0; }
}
]]

-- P(达标), the probability of meeting a target, in three colours: ≥ 80 % green (likely),
-- 50–80 % amber (a coin flip to likely), < 50 % red (unlikely).
M.P_HIGH, M.P_LOW = 0.8, 0.5

--- p_class(p) -> "p-high" (p ≥ 0.8), "p-mid" (0.5 ≤ p < 0.8), "p-low" (p < 0.5), nil for nil.
function M.p_class(p)
  if p == nil then return nil end
  if p >= M.P_HIGH then return "p-high" end
  if p >= M.P_LOW then return "p-mid" end
  return "p-low"
end

--- met(text) -> a ✓/✗ inside a cell's text wrapped in its colour (met-yes green, met-no red); the
--- rest escaped.
function M.met(text)
  return (esc(text):gsub("✓", '<span class="met-yes">✓</span>'):gsub("✗", '<span class="met-no">✗</span>'))
end

--- generated_date() -> "YYYY-MM-DD": the day of SOURCE_DATE_EPOCH when set (UTC, reproducible
--- builds' convention: the same inputs give the same bytes), else today.
function M.generated_date()
  local epoch = os.getenv and os.getenv("SOURCE_DATE_EPOCH")
  local t = epoch and epoch:match("^%d+$") and tonumber(epoch)
  if t then return os.date("!%Y-%m-%d", t) end
  return os.date("%Y-%m-%d")
end

--- plan_source(plan) -> { label =, sha256 = } for a report's footer: the embedded Wuwei plan or
--- the plan file, with the SHA-256 of its bytes (nil where the bytes cannot be read, e.g. in the
--- sandbox, or a plan built in Lua).
function M.plan_source(plan)
  if plan == nil or type(plan.name) ~= "function" then return nil end
  local name = plan:name()
  local ok, crypto = pcall(require, "_tuiyan.crypto")
  if not ok or type(crypto) ~= "table" then crypto = nil end
  local default = require("tuiyan.plan").DEFAULT
  if name == default then
    local text = require("_tuiyan.host").embedded(default)
    return { label = "embedded Wuwei plan 内置武威计划 (" .. default .. ")",
      sha256 = text and crypto and crypto.sha256(text) or nil }
  end
  local hash = crypto and crypto.sha256_file and select(1, crypto.sha256_file(name)) or nil
  return { label = name, sha256 = hash }
end

-- The sources of a document: spec.sources, else those the sections carry, once each.
local function sources_of(spec)
  local out, seen = {}, {}
  local function add(list)
    for _, src in ipairs(list or {}) do
      if src and not seen[src.label] then seen[src.label] = true; out[#out + 1] = src end
    end
  end
  add(spec.sources)
  for _, s in ipairs(spec.sections or {}) do add(s.sources) end
  return out
end

--- footer(sources) -> the footer's HTML: generated date, tuiyan's version, each data source with
--- the SHA-256 of its bytes.
function M.footer(sources)
  local out = { ("<p>生成 generated %s · tuiyan %s</p>"):format(M.generated_date(), esc(require("_tuiyan.host").version)) }
  for _, src in ipairs(sources or {}) do
    out[#out + 1] = ("<p>数据 data: %s · SHA-256 <code>%s</code></p>"):format(esc(src.label),
      src.sha256 and esc(src.sha256) or "— (not readable here)")
  end
  if #(sources or {}) == 0 then out[#out + 1] = "<p>数据 data: built in the script (no data file)</p>" end
  return table.concat(out)
end

--- document{ title =, subtitle =, sections = { {title =, html =, sources =, class =}, ... },
--- sources = { {label =, sha256 =}, ... } } -> HTML text. The footer: generated date, version,
--- the data sources (spec.sources and the sections' own). A section with class = "leader" is
--- the page a bureau leader reads first.
function M.document(spec)
  local out = {
    "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n",
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
    "<title>", esc(spec.title or "tuiyan report"), "</title>\n<style>\n", M.CSS, "</style>\n</head>\n<body>\n",
    "<h1>", esc(spec.title or "tuiyan report"), "</h1>\n",
  }
  if spec.subtitle then out[#out + 1] = "<p class=\"subtitle\">" .. esc(spec.subtitle) .. "</p>\n" end
  for _, s in ipairs(spec.sections or {}) do
    out[#out + 1] = s.class and ('<section class="' .. esc(s.class) .. '">\n') or "<section>\n"
    if s.title then out[#out + 1] = "<h2>" .. esc(s.title) .. "</h2>\n" end
    out[#out + 1] = s.html
    out[#out + 1] = "</section>\n"
  end
  out[#out + 1] = "<footer>" .. M.footer(sources_of(spec)) .. "</footer>\n"
  out[#out + 1] = "</body>\n</html>\n"
  return table.concat(out)
end

--- figure(svg_text [, caption]) -> a chart block
function M.figure(svgtext, caption)
  return "<figure>" .. svgtext .. (caption and ("<figcaption class=\"notes\">" .. esc(caption) .. "</figcaption>") or "") .. "</figure>\n"
end

--- charts{ svg1, svg2, ... } -> a grid of figures
function M.charts(list)
  local out = { "<div class=\"charts\">\n" }
  for _, f in ipairs(list) do out[#out + 1] = f end
  out[#out + 1] = "</div>\n"
  return table.concat(out)
end

--- notes{ "...", ... } -> small print under a table (escaped; a ✓/✗ in its colour)
function M.notes(list)
  if not list or #list == 0 then return "" end
  local out = { "<div class=\"notes\">" }
  for _, n in ipairs(list) do out[#out + 1] = "<p>" .. M.met(n) .. "</p>" end
  out[#out + 1] = "</div>\n"
  return table.concat(out)
end

return M
