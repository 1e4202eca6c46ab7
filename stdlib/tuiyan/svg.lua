-- tuiyan.svg — charts as inline SVG, written by hand so a report needs no network and no script:
-- a line chart (actuals, targets, the path the plan requires, scenario paths, uncertainty bands),
-- horizontal bars (county rankings) and a tornado (sensitivity). Numbers are written with fixed
-- decimals so the same data always gives the same bytes.
local M = {}

M.FONT = "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei','WenQuanYi Micro Hei','Heiti SC',sans-serif"
M.PALETTE = { "#1f5fa8", "#d9822b", "#2e8b57", "#a23b72", "#6b6b6b", "#8c6d1f", "#3b8ea5", "#c0392b" }

--- escape(s) -> s with & < > " ' as XML entities.
function M.escape(s)
  return (tostring(s):gsub("[&<>\"']", { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&#39;" }))
end
local esc = M.escape

local function n(x) return string.format("%.2f", x) end

--- text_width(s, size) -> the width in px that s takes at font size `size`, roughly: a Latin
--- character is about 0.55 em, a Chinese one (two display columns) 1.1 em. Enough to keep labels
--- and legends inside the chart without measuring fonts.
function M.text_width(s, size)
  return require("tuiyan.format").width(tostring(s)) * 0.55 * (size or 12)
end

-- Tick values: about `count` round numbers covering [lo, hi].
local function ticks(lo, hi, count)
  if hi <= lo then hi = lo + 1 end
  local raw = (hi - lo) / (count or 5)
  local mag = 10 ^ math.floor(math.log(raw, 10))
  local step = mag
  for _, m in ipairs{ 1, 2, 2.5, 5, 10 } do
    if raw <= m * mag then step = m * mag; break end
  end
  -- from the last tick at or below lo to the first at or above hi, so the data always fit
  local first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
  local out = {}
  for k = first, last do out[#out + 1] = k * step end
  if #out == 1 then out[2] = out[1] + step end
  return out, step
end
M.ticks = ticks

local function tick_label(v, step)
  local decimals = 0   -- as many as the step needs: 2.5 needs one, 0.25 two
  while decimals < 6 and math.abs(tonumber(string.format("%." .. decimals .. "f", step)) - step) > step * 1e-9 do
    decimals = decimals + 1
  end
  local s = string.format("%." .. decimals .. "f", v)
  if s == "-0" then s = "0" end
  return s
end

local function svg_open(w, h, title)
  return ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" font-family="%s" font-size="12" role="img" aria-label="%s">\n<title>%s</title>\n')
    :format(w, h, w, h, esc(M.FONT), esc(title or "chart"), esc(title or "chart"))
end

-- The legend of a line chart: spec.legend as given, else one entry per named band and series.
-- An entry: { name =, color =, kind = "band" | "fan" | "solid" | "dashed" | "dotted", opacity = }.
local function legend_entries(spec)
  if spec.legend then return spec.legend end
  local out = {}
  for _, b in ipairs(spec.bands or {}) do
    if b.name then out[#out + 1] = { name = b.name, color = b.color or M.PALETTE[1], kind = "band", opacity = b.opacity } end
  end
  for i, s in ipairs(spec.series or {}) do
    if s.name then out[#out + 1] = { name = s.name, color = s.color or M.PALETTE[(i - 1) % #M.PALETTE + 1], kind = s.style or "solid" } end
  end
  return out
end

-- The right margin: wide enough for the longest legend entry (swatch, gap, text), at least 150 px.
local function legend_width(legend)
  local widest = 0
  for _, l in ipairs(legend) do widest = math.max(widest, M.text_width(l.name)) end
  return math.max(150, math.ceil(12 + 24 + widest + 6))
end

local DASH = { dashed = ' stroke-dasharray="6 4"', dotted = ' stroke-dasharray="2 3"' }

-- Legend entries one under the other from (x, y): a swatch 18 px wide, then the name.
local function draw_legend(out, legend, x, y)
  for _, l in ipairs(legend) do
    if l.kind == "band" then
      out[#out + 1] = ('<rect x="%s" y="%s" width="18" height="10" fill="%s" fill-opacity="%s"/>\n'):format(n(x), n(y - 8), l.color, n(l.opacity or 0.15))
    elseif l.kind == "fan" then   -- an outer and an inner band with the centre line
      out[#out + 1] = ('<rect x="%s" y="%s" width="18" height="12" fill="%s" fill-opacity="0.15"/>\n'):format(n(x), n(y - 9), l.color)
      out[#out + 1] = ('<rect x="%s" y="%s" width="18" height="6" fill="%s" fill-opacity="0.35"/>\n'):format(n(x), n(y - 6), l.color)
      out[#out + 1] = ('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2"/>\n'):format(n(x), n(y - 3), n(x + 18), n(y - 3), l.color)
    else
      out[#out + 1] = ('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2"%s/>\n')
        :format(n(x), n(y - 3), n(x + 18), n(y - 3), l.color, DASH[l.kind] or "")
    end
    out[#out + 1] = ('<text x="%s" y="%s">%s</text>\n'):format(n(x + 24), n(y + 1), esc(l.name))
    y = y + 18
  end
end

--- line{ title =, unit =, width =, height =, series = { {name =, points = {{x, y}, ...},
---   style = "solid"|"dashed"|"dotted", color =} }, markers = { {x =, y =, label =, color =} },
---   bands = { {name =, lower = {{x, y}}, upper = {{x, y}}, color =, opacity =, tip =} },
---   legend = { {name =, color =, kind =, opacity =} } } -> SVG text.
--- A band is shaded between its lower and upper points (tip: its tooltip, else its name); a band of
--- one point is drawn as a short bar at that x. The legend lists the named bands and series unless
--- given (kind "band", "fan", "solid", "dashed" or "dotted").
function M.line(spec)
  local W, H = spec.width or 640, spec.height or 300
  local legend = legend_entries(spec)
  local L, R, Tp, B = 56, legend_width(legend), 44, 36
  local xs, ys = {}, {}
  local function take(p) xs[#xs + 1] = p[1]; ys[#ys + 1] = p[2] end
  for _, s in ipairs(spec.series or {}) do for _, p in ipairs(s.points) do take(p) end end
  for _, b in ipairs(spec.bands or {}) do
    for _, p in ipairs(b.lower) do take(p) end
    for _, p in ipairs(b.upper) do take(p) end
  end
  for _, m in ipairs(spec.markers or {}) do take{ m.x, m.y } end
  if #xs == 0 then xs, ys = { 0, 1 }, { 0, 1 } end
  local x0, x1 = math.min(table.unpack(xs)), math.max(table.unpack(xs))
  if x1 == x0 then x0, x1 = x0 - 1, x1 + 1 end
  local y0, y1 = math.min(table.unpack(ys)), math.max(table.unpack(ys))
  -- Start at zero only when the data come near it; a share moving from 55 to 65 needs its own scale.
  if y0 > 0 and y0 <= 0.3 * y1 then y0 = 0 end
  local pad = (y1 - y0) * 0.08
  if pad == 0 then pad = math.abs(y1) * 0.1 + 1 end
  local yt, ystep = ticks(y0 == 0 and 0 or y0 - pad, y1 + pad, 5)
  y0, y1 = yt[1], yt[#yt]
  local function px(x) return L + (x - x0) / (x1 - x0) * (W - L - R) end
  local function py(y) return H - B - (y - y0) / (y1 - y0) * (H - Tp - B) end
  local out = { svg_open(W, H, spec.title) }
  if spec.title then out[#out + 1] = ('<text x="%s" y="16" font-size="13" font-weight="bold">%s</text>\n'):format(n(L), esc(spec.title)) end
  for _, t in ipairs(yt) do   -- grid and y labels
    out[#out + 1] = ('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#e3e3e3"/>\n'):format(n(L), n(py(t)), n(W - R), n(py(t)))
    out[#out + 1] = ('<text x="%s" y="%s" text-anchor="end" fill="#555">%s</text>\n'):format(n(L - 6), n(py(t) + 4), tick_label(t, ystep))
  end
  local xstep = math.max(1, math.ceil((x1 - x0) / 10))
  for x = math.ceil(x0), math.floor(x1), xstep do
    out[#out + 1] = ('<text x="%s" y="%s" text-anchor="middle" fill="#555">%d</text>\n'):format(n(px(x)), n(H - B + 16), x)
  end
  out[#out + 1] = ('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#888"/>\n'):format(n(L), n(H - B), n(W - R), n(H - B))
  if spec.unit then out[#out + 1] = ('<text x="4" y="%s" fill="#555">%s</text>\n'):format(n(Tp - 8), esc(spec.unit)) end
  for _, b in ipairs(spec.bands or {}) do
    local upper, lower = b.upper, b.lower
    if #upper == 1 and #lower == 1 then   -- one year: a bar 10 px wide instead of a line of no area
      local x, dx = upper[1][1], 5 / (W - L - R) * (x1 - x0)
      upper = { { x - dx, upper[1][2] }, { x + dx, upper[1][2] } }
      lower = { { x - dx, lower[1][2] }, { x + dx, lower[1][2] } }
    end
    local pts = {}
    for _, p in ipairs(upper) do pts[#pts + 1] = n(px(p[1])) .. "," .. n(py(p[2])) end
    for k = #lower, 1, -1 do local p = lower[k]; pts[#pts + 1] = n(px(p[1])) .. "," .. n(py(p[2])) end
    local color = b.color or M.PALETTE[1]
    out[#out + 1] = ('<polygon points="%s" fill="%s" fill-opacity="%s" stroke="none"><title>%s</title></polygon>\n')
      :format(table.concat(pts, " "), color, n(b.opacity or 0.15), esc(b.tip or b.name or "band"))
  end
  for i, s in ipairs(spec.series or {}) do
    local color = s.color or M.PALETTE[(i - 1) % #M.PALETTE + 1]
    local dash = DASH[s.style] or ""
    local pts = {}
    for _, p in ipairs(s.points) do pts[#pts + 1] = n(px(p[1])) .. "," .. n(py(p[2])) end
    if #pts > 1 then
      out[#out + 1] = ('<polyline points="%s" fill="none" stroke="%s" stroke-width="2"%s/>\n'):format(table.concat(pts, " "), color, dash)
    end
    if s.dots then
      for _, p in ipairs(s.points) do
        out[#out + 1] = ('<circle cx="%s" cy="%s" r="3.5" fill="%s"><title>%s %d: %s</title></circle>\n')
          :format(n(px(p[1])), n(py(p[2])), color, esc(s.name or ""), p[1], esc(require("tuiyan.format").value(p[2])))
      end
    end
  end
  for _, m in ipairs(spec.markers or {}) do
    local cx, cy, r = px(m.x), py(m.y), 6
    out[#out + 1] = ('<polygon points="%s,%s %s,%s %s,%s %s,%s" fill="%s"><title>%s</title></polygon>\n')
      :format(n(cx), n(cy - r), n(cx + r), n(cy), n(cx), n(cy + r), n(cx - r), n(cy), m.color or "#c0392b", esc(m.label or ""))
    if m.label then   -- at the right edge the label ends at the marker, clear of the legend
      local right = cx + M.text_width(m.label, 11) / 2 > W - R + 6
      out[#out + 1] = ('<text x="%s" y="%s" text-anchor="%s" fill="#c0392b" font-size="11">%s</text>\n')
        :format(n(right and cx + 6 or cx), n(cy - 9), right and "end" or "middle", esc(m.label))
    end
  end
  draw_legend(out, legend, W - R + 12, Tp + 4)
  out[#out + 1] = "</svg>\n"
  return table.concat(out)
end

--- bars{ title =, unit =, items = { {label =, value =, color =} } } -> horizontal bars, in the order given
function M.bars(spec)
  local items = spec.items or {}
  local widest = 0
  for _, it in ipairs(items) do widest = math.max(widest, M.text_width(it.label)) end
  local W, rowh, L, R = spec.width or 560, 26, math.max(150, math.ceil(widest) + 16), 70
  local H = 34 + rowh * #items + 10
  local hi = 0
  for _, it in ipairs(items) do if it.value and it.value > hi then hi = it.value end end
  if hi <= 0 then hi = 1 end
  local out = { svg_open(W, H, spec.title) }
  if spec.title then out[#out + 1] = ('<text x="8" y="18" font-size="13" font-weight="bold">%s</text>\n'):format(esc(spec.title)) end
  for i, it in ipairs(items) do
    local y = 30 + (i - 1) * rowh
    out[#out + 1] = ('<text x="%s" y="%s" text-anchor="end">%s</text>\n'):format(n(L - 8), n(y + 15), esc(it.label))
    if it.value then
      local w = it.value / hi * (W - L - R)
      out[#out + 1] = ('<rect x="%s" y="%s" width="%s" height="18" fill="%s"><title>%s: %s</title></rect>\n')
        :format(n(L), n(y + 2), n(math.max(w, 0)), it.color or M.PALETTE[1], esc(it.label), esc(require("tuiyan.format").value(it.value)))
      out[#out + 1] = ('<text x="%s" y="%s" fill="#333">%s%s</text>\n'):format(n(L + math.max(w, 0) + 6), n(y + 15),
        esc(require("tuiyan.format").value(it.value, 2)), esc(spec.unit and (" " .. spec.unit) or ""))
    else
      out[#out + 1] = ('<text x="%s" y="%s" fill="#999">—</text>\n'):format(n(L + 4), n(y + 15))
    end
  end
  out[#out + 1] = "</svg>\n"
  return table.concat(out)
end

M.LOW_COLOR, M.HIGH_COLOR = "#3b8ea5", "#d9822b"

-- The x range of a tornado: the base and every bar end, widened to round ticks.
local function tornado_range(spec)
  local lo, hi = spec.base, spec.base
  for _, it in ipairs(spec.items or {}) do lo = math.min(lo, it.low, it.high); hi = math.max(hi, it.low, it.high) end
  local xt, step = ticks(lo, hi, 6)
  return xt, step
end

--- tornado{ title =, base =, base_label =, low_label = "low", high_label = "high",
---   items = { {label =, low =, high =, low_tip =, high_tip =} } } -> one row per item: a bar from
--- the base to the output at the item's low setting and one to the output at its high setting, in
--- two colours, with a legend and a value axis. The order given is kept (sort before calling).
function M.tornado(spec)
  local items = spec.items or {}
  local f = require("tuiyan.format").value
  local widest = 0
  for _, it in ipairs(items) do widest = math.max(widest, M.text_width(it.label)) end
  local W, rowh, Tp, B = spec.width or 640, 24, 54, 44
  local L, R = math.max(120, math.ceil(widest) + 16), 24
  local H = Tp + rowh * math.max(#items, 1) + B
  local xt, step = tornado_range(spec)
  local lo, hi = xt[1], xt[#xt]
  local function px(x) return L + (x - lo) / (hi - lo) * (W - L - R) end
  local low_name, high_name = spec.low_label or "low", spec.high_label or "high"
  local out = { svg_open(W, H, spec.title) }
  if spec.title then out[#out + 1] = ('<text x="8" y="18" font-size="13" font-weight="bold">%s</text>\n'):format(esc(spec.title)) end
  local lx = L
  for _, l in ipairs{ { low_name, M.LOW_COLOR }, { high_name, M.HIGH_COLOR } } do   -- legend under the title
    out[#out + 1] = ('<rect x="%s" y="29" width="18" height="10" fill="%s"/>\n'):format(n(lx), l[2])
    out[#out + 1] = ('<text x="%s" y="38">%s</text>\n'):format(n(lx + 24), esc(l[1]))
    lx = lx + 24 + M.text_width(l[1]) + 24
  end
  local bottom = H - B
  for _, t in ipairs(xt) do   -- grid and value axis
    out[#out + 1] = ('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#e3e3e3"/>\n'):format(n(px(t)), n(Tp - 4), n(px(t)), n(bottom))
    out[#out + 1] = ('<text x="%s" y="%s" text-anchor="middle" fill="#555">%s</text>\n'):format(n(px(t)), n(bottom + 15), tick_label(t, step))
  end
  out[#out + 1] = ('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#888"/>\n'):format(n(L), n(bottom), n(W - R), n(bottom))
  local x0 = px(spec.base)
  for i, it in ipairs(items) do
    local y = Tp + (i - 1) * rowh
    out[#out + 1] = ('<text x="%s" y="%s" text-anchor="end">%s</text>\n'):format(n(L - 8), n(y + 15), esc(it.label))
    for _, side in ipairs{ { it.low, M.LOW_COLOR, it.low_tip or (low_name .. ": " .. f(it.low)) },
                           { it.high, M.HIGH_COLOR, it.high_tip or (high_name .. ": " .. f(it.high)) } } do
      local x1 = px(side[1])
      out[#out + 1] = ('<rect x="%s" y="%s" width="%s" height="16" fill="%s"><title>%s %s</title></rect>\n')
        :format(n(math.min(x0, x1)), n(y + 3), n(math.max(math.abs(x1 - x0), 1)), side[2], esc(it.label), esc(side[3]))
    end
  end
  out[#out + 1] = ('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#333" stroke-width="1.5"/>\n'):format(n(x0), n(Tp - 4), n(x0), n(bottom))
  out[#out + 1] = ('<text x="%s" y="%s" text-anchor="middle" fill="#333">%s</text>\n')
    :format(n(x0), n(bottom + 32), esc(spec.base_label or ("base " .. f(spec.base))))
  out[#out + 1] = "</svg>\n"
  return table.concat(out)
end

-- A chart as a result of its own: written as a standalone SVG file (for slides) or in HTML.
local Chart = {}
Chart.__index = Chart
Chart.__name = "tuiyan.Chart"

--- chart(title, svg_text) -> a Chart: report.emit(chart, name, "svg") writes name.svg.
function M.chart(title, svgtext)
  return setmetatable({ title = title, svg = svgtext }, Chart)
end

--- to_svg() -> a standalone SVG file (with its XML declaration).
function Chart:to_svg() return '<?xml version="1.0" encoding="UTF-8"?>\n' .. self.svg end

--- to_html() -> the chart alone in an HTML document.
function Chart:to_html()
  local html = require "tuiyan.html"
  return html.document{ title = self.title, sections = { { html = html.figure(self.svg) } } }
end

function Chart:__tostring() return "chart " .. (self.title or "") end

M.Chart = Chart
return M
