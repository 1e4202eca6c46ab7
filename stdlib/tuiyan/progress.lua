-- tuiyan.progress — a plan's progress as of a year: one row per indicator and target, with every
-- quantity of DOMAIN §2. Shown as text/Markdown/CSV through tuiyan.tabular, or as the JSON of
-- the CLI contract (DESIGN.md), where undefined quantities are null and never NaN.
local format = require "tuiyan.format"
local tabular = require "tuiyan.tabular"
local json = require "_tuiyan.json"

local M = {}
local Progress = {}
Progress.__index = Progress

-- Status names, with the words a bureau uses.
M.STATUS_LABEL = {
  achieved = "achieved 已完成",
  on_track = "on_track 进度正常",
  behind = "behind 滞后",
  stalled = "stalled 停滞",
  regressing = "regressing 倒退",
  no_trend = "no_trend 无趋势",
  missed = "missed 未完成",
  no_data = "no_data 无数据",
  exceeded = "exceeded 超额完成",
  pending = "pending 待完成",
  overdue = "overdue 逾期未完成",
}

-- The order of the status summary: from done, through at risk, to not known.
M.STATUS_ORDER = { "exceeded", "achieved", "on_track", "behind", "stalled", "regressing", "missed",
  "overdue", "pending", "no_trend", "no_data" }

local OP_SIGN = { [">="] = "≥", [">"] = ">", ["<="] = "≤", ["<"] = "<" }

--- target_form(t) -> the normalised form of a resolved target, for people: "≥ 2.12", "3..5",
--- "Σ ≥ 300 (2023–2025)", "rank ≤ 3", "done"; "?" when the threshold could not be resolved.
function M.target_form(t)
  if t.shape == "milestone" then return "done 完成" end
  if t.value == nil then return "?" end
  local sign = OP_SIGN[t.op] or t.op or ""
  if t.shape == "range" then return ("%s..%s"):format(format.value(t.value), format.value(t.stretch)) end
  if t.shape == "rank" then return ("rank %s %s"):format(sign, format.value(t.value)) end
  if t.shape == "window" and t.window then
    return ("Σ %s %s (%d–%d)"):format(sign, format.value(t.value), t.window[1], t.window[2])
  end
  return ("%s %s"):format(sign, format.value(t.value))
end

--- target_display(t) -> the target as written beside its normalised form: "突破600 → > 600";
--- a plain number stays a number.
function M.target_display(t)
  local form = M.target_form(t)
  if t.text == nil or t.text == format.value(t.value) then return t.value and format.value(t.value) or form end
  return ("%s → %s"):format(t.text, form)
end

-- A report heading: the plan's title, the as-of year and the declared base year.
local function heading(self)
  local base = self.base_year and ("; base year %d / 基期%d年"):format(self.base_year, self.base_year) or ""
  return ("%s — progress as of %d / 截至%d年进展%s"):format(self.title, self.as_of, self.as_of, base)
end

-- The per-target quantities, in the order of the JSON contract; one list for every format.
M.QUANTITIES = { "required_rate", "required_change", "actual_rate", "projected", "progress",
  "completion", "time_share" }

--- rank_note(id, t) -> one line on a rank target ranked among peers, or nil: "rd 2025: rank 3 of
--- 4 in 2023; projected rank 3; rank 2 needs ≥ 2.42 in 2025 (projected)".
function M.rank_note(id, t, unit)
  local r = t.rank
  if not r then return nil end
  local parts = { ("%s %d: "):format(id, t.year) }
  parts[#parts + 1] = r.rank and ("rank %d of %d in %d"):format(r.rank, r.regions, r.year)
    or ("not ranked among %d regions"):format(r.regions)
  if t.projected and t.year > (r.year or 0) then parts[#parts + 1] = ("; projected rank %s"):format(format.value(t.projected)) end
  local when = t.year > t.as_of and "projected" or "actual"
  if r.needed then
    local sign = t.direction == "down" and "≤" or "≥"
    parts[#parts + 1] = ("; rank %s needs %s %s%s in %d (the peers' %s values)"):format(format.value(t.value), sign,
      format.value(r.needed), unit and unit ~= "" and (" " .. unit) or "", t.year, when)
  elseif r.why and r.why.needed then
    parts[#parts + 1] = ("; value needed for rank %s: — (%s)"):format(format.value(t.value), r.why.needed)
  end
  if r.note then parts[#parts + 1] = (" [%s]"):format(r.note) end
  return table.concat(parts)
end

function M.new(plan, as_of, rows)
  return setmetatable({ plan = plan, as_of = as_of, indicators = rows, title = plan:title(),
    header_title = plan:header_title(), base_year = plan:base_year() }, Progress)
end

--- rows() -> flat list, one entry per indicator × target (an indicator without targets: one row).
function Progress:rows()
  local out = {}
  for _, ind in ipairs(self.indicators) do
    if #ind.targets == 0 then
      out[#out + 1] = { indicator = ind, target = nil }
    else
      for k, t in ipairs(ind.targets) do out[#out + 1] = { indicator = ind, target = t, first = k == 1 } end
    end
  end
  return out
end

--- get(id [, year]) -> the target table of that indicator (the first target if no year), and
--- the indicator's row; nil, row when it has no target that year. An id the plan does not have
--- raises, naming the id meant ("did you mean").
function Progress:get(id, year)
  local ids = {}
  for _, ind in ipairs(self.indicators) do
    if ind.id == id then
      for _, t in ipairs(ind.targets) do if year == nil or t.year == year then return t, ind end end
      return nil, ind
    end
    ids[#ids + 1] = ind.id
    ids[#ids + 1] = ind.name
  end
  local best = type(id) == "string" and require("_tuiyan.text").closest(id, ids)
  if best then
    for _, ind in ipairs(self.indicators) do if ind.name == best then best = ind.id end end
  end
  error(("progress: no indicator '%s'%s"):format(tostring(id), best and ("; did you mean '" .. best .. "'?") or ""), 2)
end

local function point_text(p, row)
  if not p then return format.MISSING end
  return ("%d  %s"):format(p.year, format.display(p.value, row and row.unit))
end

local function row_unit(row) return row.unit end

-- Urgency: the order a bureau leader reads the targets in (the leader page and the HTML table).
--   group 1  missed, overdue: the target year has passed and the target was not met; the larger
--            shortfall (1 − completion) first;
--   group 2  regressing, stalled, behind: by how far progress P falls short of 1 (1 − P; P
--            undefined counts as 0, a regressing P below 0 comes first), then the higher growth
--            rate now required;
--   group 3  no_trend, no_data, pending: not yet judged; the higher required rate first;
--   group 4  on_track; group 5 achieved, exceeded; group 6 an indicator without a target.
-- Ties keep the plan's order. Text, CSV, JSON and Markdown keep the plan's order.
M.URGENCY_GROUP = { missed = 1, overdue = 1, regressing = 2, stalled = 2, behind = 2,
  no_trend = 3, no_data = 3, pending = 3, on_track = 4, achieved = 5, exceeded = 5 }

local function shortfall(t)
  if t.status == "missed" or t.status == "overdue" then return 1 - (t.completion or 0) end
  if M.URGENCY_GROUP[t.status] == 2 then return 1 - (t.progress or 0) end
  return 0
end

--- urgent_rows() -> rows() sorted by urgency (above), each row with .group (1–6).
function Progress:urgent_rows()
  local rows = self:rows()
  for i, r in ipairs(rows) do
    r.index = i
    r.group = r.target and (M.URGENCY_GROUP[r.target.status] or 3) or 6
  end
  table.sort(rows, function(a, b)
    if a.group ~= b.group then return a.group < b.group end
    if a.target and b.target then
      local sa, sb = shortfall(a.target), shortfall(b.target)
      if sa ~= sb then return sa > sb end
      local ra, rb = a.target.required_rate or -math.huge, b.target.required_rate or -math.huge
      if ra ~= rb then return ra > rb end
    end
    return a.index < b.index
  end)
  return rows
end

--- tabular([opts]) -> the progress table; opts.urgency = true: rows in urgency order, each with
--- its indicator's name (the HTML report's table).
function Progress:tabular(opts)
  local urgency = opts and opts.urgency
  local T = tabular.new{
    title = heading(self),
    columns = {
      { key = "name", title = "指标 indicator", wrap = 12 },
      { key = "unit", title = "单位", drop = 5 },
      { key = "base", title = "基期 base", fmt = point_text, drop = 2 },
      { key = "latest", title = "最新 latest", fmt = point_text, drop = 6 },
      { key = "target_year", title = "目标年", align = "right" },
      { key = "target", title = "目标 target", wrap = 14 },
      { key = "required_change", title = "年需增 req/yr", align = "right", unit = row_unit, drop = 7 },
      { key = "required_rate", title = "需增速 req rate", align = "right", unit = format.SHARE },
      { key = "actual_rate", title = "实际增速 rate", align = "right", unit = format.SHARE, drop = 1 },
      { key = "projected", title = "预计 projected", align = "right", unit = row_unit, drop = 4 },
      { key = "progress", title = "进度 P", align = "right", unit = format.SHARE, drop = 8 },
      { key = "schedule_gap", title = "序时差 pp", align = "right", unit = format.POINTS, drop = 3 },
      { key = "status", title = "状态 status", status = true, fmt = function(s) return M.STATUS_LABEL[s] or s end },
    },
  }
  local starred = {}
  for _, r in ipairs(urgency and self:urgent_rows() or self:rows()) do
    local ind, t = r.indicator, r.target
    local row = {
      name = ind.name, unit = ind.unit, base = ind.base, latest = ind.latest,
      blank = (t and not r.first and not urgency) and { name = true, unit = true, base = true, latest = true } or nil,
    }
    if ind.note and (r.first or not t or urgency) and not starred[ind.id] then
      starred[#starred + 1] = ind
      starred[ind.id] = #starred
    end
    if row.blank == nil and starred[ind.id] then row.name = ("%s [%d]"):format(ind.name, starred[ind.id]) end
    if t then
      row.target_year, row.target, row.status = t.year, M.target_display(t), t.status
      for _, q in ipairs(M.QUANTITIES) do row[q] = t[q] end
      row.schedule_gap = t.schedule_gap
    else
      row.status = "no target"
    end
    T:add(row)
  end
  for i, ind in ipairs(starred) do T:note(("[%d] %s: %s"):format(i, ind.id, ind.note)) end
  if self.peers then
    T:note(("rank targets among %d peers%s: %s."):format(#self.peers,
      self.region and (" of " .. self.region) or "", table.concat(self.peers, ", ")))
    for _, r in ipairs(self:rows()) do
      local t = r.target
      if t and t.rank then
        T:note(M.rank_note(r.indicator.id, setmetatable({ as_of = self.as_of, direction = r.indicator.direction },
          { __index = t }), r.indicator.unit))
      end
    end
  end
  T:note("— = undefined (the reason is in --format json under \"why\"). 序时差 = completion − time share, in percentage points.")
  T:note("progress P = (projected − base) / (target − base); on_track P ≥ 0.95, behind 0.10 ≤ P < 0.95 (thresholds per plan).")
  return T
end

function Progress:to_text() return self:tabular():to_text() end
function Progress:to_md() return self:tabular():to_md() end

--- CSV: one row per indicator × target, every quantity exact (empty = undefined).
function Progress:to_csv()
  local cols = {}
  for _, k in ipairs{ "id", "name", "unit", "direction", "base_year", "base_value", "latest_year",
    "latest_value", "target_year", "target_value" } do cols[#cols + 1] = { key = k } end
  for _, q in ipairs(M.QUANTITIES) do cols[#cols + 1] = { key = q } end
  for _, k in ipairs{ "schedule_gap", "status", "target_text", "target_shape", "target_op", "target_stretch",
    "target_resolved", "base_how", "status_why" } do cols[#cols + 1] = { key = k } end
  -- With peers, the ranking of rank targets (empty for the other rows).
  local RANK_COLS = { "rank_regions", "rank_year", "rank_now", "rank_own_value", "rank_needed" }
  if self.peers then for _, k in ipairs(RANK_COLS) do cols[#cols + 1] = { key = k } end end
  -- Numbers at their display precision (tuiyan.format); --format json has them in full.
  local IN_UNIT = { base_value = true, latest_value = true, target_value = true, target_stretch = true,
    required_change = true, projected = true, rank_own_value = true, rank_needed = true }
  local SHARES = { required_rate = true, actual_rate = true, progress = true, completion = true,
    time_share = true, schedule_gap = true }
  for _, col in ipairs(cols) do
    if IN_UNIT[col.key] then col.unit = row_unit elseif SHARES[col.key] then col.unit = format.SHARE end
  end
  local T = tabular.new{ columns = cols }
  for _, r in ipairs(self:rows()) do
    local ind, t = r.indicator, r.target
    local row = { id = ind.id, name = ind.name, unit = ind.unit, direction = ind.direction,
      base_year = ind.base and ind.base.year, base_value = ind.base and ind.base.value,
      latest_year = ind.latest and ind.latest.year, latest_value = ind.latest and ind.latest.value,
      base_how = ind.base and ind.base.how }
    if t then
      row.target_year, row.target_value, row.status, row.schedule_gap = t.year, t.value, t.status, t.schedule_gap
      row.target_text, row.target_shape, row.target_op, row.target_stretch = t.text, t.shape, t.op, t.stretch
      row.target_resolved, row.status_why = t.resolved, t.status_why
      for _, q in ipairs(M.QUANTITIES) do row[q] = t[q] end
      if t.rank then
        row.rank_regions, row.rank_year, row.rank_now = t.rank.regions, t.rank.year, t.rank.rank
        row.rank_own_value, row.rank_needed = t.rank.own_value, t.rank.needed
      end
    end
    T:add(row)
  end
  return T:to_csv()
end

local function ordered(t, order)
  return setmetatable(t, { __jsonorder = order })
end

local function point_json(p)
  if not p then return json.null end
  if p.how then return ordered({ year = p.year, value = p.value, how = p.how }, { "year", "value", "how" }) end
  return ordered({ year = p.year, value = p.value }, { "year", "value" })
end

local function nullable(x) if x == nil then return json.null end return x end

--- The JSON of the CLI contract; extra keys (status_why, why) come after the contract's.
function Progress:to_table()
  local inds = setmetatable({}, json.array_meta)
  for _, ind in ipairs(self.indicators) do
    local targets = setmetatable({}, json.array_meta)
    for _, t in ipairs(ind.targets) do
      local o = { year = t.year, text = nullable(t.text), shape = t.shape, op = nullable(t.op),
        value = nullable(t.value), stretch = nullable(t.stretch), ref = nullable(t.ref),
        window = t.window and setmetatable({ t.window[1], t.window[2] }, json.array_meta) or json.null,
        resolved = nullable(t.resolved), status = t.status, status_why = t.status_why }
      local order = { "year", "text", "shape", "op", "value", "stretch", "window", "ref", "resolved" }
      for _, q in ipairs(M.QUANTITIES) do
        o[q] = t[q] == nil and json.null or t[q]
        order[#order + 1] = q
      end
      order[#order + 1] = "status"
      o.schedule_gap = t.schedule_gap == nil and json.null or t.schedule_gap
      order[#order + 1] = "schedule_gap"
      order[#order + 1] = "status_why"
      if next(t.why) then o.why = t.why; order[#order + 1] = "why" end
      if t.rank then
        local r = t.rank
        o.rank = ordered({ regions = r.regions, year = nullable(r.year), rank = nullable(r.rank),
          own_value = nullable(r.own_value), needed = nullable(r.needed), note = nullable(r.note),
          why = next(r.why) and r.why or nil },
          { "regions", "year", "rank", "own_value", "needed", "note", "why" })
        order[#order + 1] = "rank"
      end
      targets[#targets + 1] = ordered(o, order)
    end
    inds[#inds + 1] = ordered({ id = ind.id, name = ind.name, unit = ind.unit, direction = ind.direction,
      measure = ind.measure, base = point_json(ind.base), latest = point_json(ind.latest), targets = targets },
      { "id", "name", "unit", "direction", "measure", "base", "latest", "targets" })
  end
  -- The JSON's title is the plan's own (its header or set_title), null when it has none: a file
  -- name is not a title.
  local top = { as_of = self.as_of, title = nullable(self.header_title), base_year = nullable(self.base_year),
    indicators = inds }
  local order = { "as_of", "title", "base_year" }
  if self.peers then   -- the regions rank targets were ranked among
    top.region = nullable(self.region)
    top.peers = setmetatable({ table.unpack(self.peers) }, json.array_meta)
    order[#order + 1] = "region"
    order[#order + 1] = "peers"
  end
  order[#order + 1] = "indicators"
  return ordered(top, order)
end

function Progress:to_json() return json.encode(self:to_table(), true) end

-- The chart of one indicator: actuals, targets, the path the plan requires (straight from the base
-- to each target in turn) and the projection from the latest actual to each target year.
function Progress:chart(ind)
  local svg = require "tuiyan.svg"
  local actual = {}
  for _, a in ipairs(self.plan:actuals(ind.id)) do
    if a.year <= self.as_of then actual[#actual + 1] = { a.year, a.value } end
  end
  local series, markers = {}, {}
  if #actual > 0 then series[#series + 1] = { name = "actual 实际", points = actual, dots = true, color = svg.PALETTE[1] } end
  local path = ind.base and { { ind.base.year, ind.base.value } } or {}
  local proj = ind.latest and { { ind.latest.year, ind.latest.value } } or {}
  for _, t in ipairs(ind.targets) do
    -- A window's sum, a rank, a milestone or an unresolved threshold is not a point on the value axis.
    local on_axis = t.value ~= nil and t.shape ~= "window" and t.shape ~= "rank" and t.shape ~= "milestone"
    if on_axis then
      markers[#markers + 1] = { x = t.year, y = t.value, label = ("%d: %s"):format(t.year, t.text or format.value(t.value)) }
      if ind.base and t.year > ind.base.year then path[#path + 1] = { t.year, t.value } end
    end
    if t.projected and ind.latest and t.year > ind.latest.year then proj[#proj + 1] = { t.year, t.projected } end
  end
  if #path > 1 then series[#series + 1] = { name = "required path 目标路径", points = path, style = "dashed", color = "#c0392b" } end
  if #proj > 1 then series[#series + 1] = { name = "projected 趋势预计", points = proj, style = "dotted", color = svg.PALETTE[2] } end
  return svg.line{ title = ("%s (%s)"):format(ind.name, ind.unit), series = series, markers = markers }
end

--- charts() -> { {id =, chart = Chart}, ... }: one chart per indicator with targets, for slides.
function Progress:charts()
  local svg = require "tuiyan.svg"
  local out = {}
  for _, ind in ipairs(self.indicators) do
    if #ind.targets > 0 then out[#out + 1] = { id = ind.id, chart = svg.chart(ind.name, self:chart(ind)) } end
  end
  return out
end

-- The gap to a target, in the direction the indicator should move (nil where a gap in the unit
-- means nothing: a window's sum, a rank, a milestone, no latest actual, or none left).
local function gap_of(ind, t)
  if not (t and t.value and ind.latest) or t.shape == "window" or t.shape == "milestone" or t.shape == "rank" then return nil end
  local g = ind.direction == "down" and (ind.latest.value - t.value) or (t.value - ind.latest.value)
  if g <= 0 then return nil end
  return g
end

-- x in its unit, for a sentence; a change of a % indicator (diff = true) in percentage points.
local function in_unit(x, unit, diff)
  local s = format.display(x, unit)
  if unit == "%" then return diff and (s .. " 个百分点 pp") or (s .. "%") end
  if unit == nil or unit == "" or unit == "1" then return s end
  return s .. " " .. unit
end

--- leader_section() -> the page a bureau leader reads first: the targets behind, regressing or
--- missed, by name and in urgency order, with the gap and the growth now required per year;
--- those not yet judged; then, compactly, what is on track and achieved.
function Progress:leader_section()
  local html = require "tuiyan.html"
  local esc = html.escape
  local groups = { {}, {}, {}, {}, {}, {} }
  for _, r in ipairs(self:urgent_rows()) do
    local list = groups[r.group]
    list[#list + 1] = r
  end
  local function chip(st)
    return ('<span class="status %s">%s</span>'):format(html.STATUS_CLASS[st] or "st-none", esc(M.STATUS_LABEL[st] or st))
  end
  local function item(r)
    local ind, t = r.indicator, r.target
    local parts = { ('<span class="what">%s</span> %d 目标 %s'):format(esc(ind.name), t.year, esc(M.target_display(t))),
      chip(t.status) }
    if ind.latest then
      parts[#parts + 1] = ("最新 latest %s (%d)"):format(esc(in_unit(ind.latest.value, ind.unit)), ind.latest.year)
    end
    local g = gap_of(ind, t)
    if g then parts[#parts + 1] = "差距 gap " .. esc(in_unit(g, ind.unit, true)) end
    if t.year > self.as_of then
      local need = {}
      if t.required_change then need[#need + 1] = esc(in_unit(t.required_change, ind.unit, true)) .. "/年" end
      if t.required_rate then need[#need + 1] = esc(format.display(t.required_rate, format.SHARE)) .. " a year 年均增速" end
      if #need > 0 then parts[#parts + 1] = "需 required " .. table.concat(need, ", ") end
      if t.progress then parts[#parts + 1] = "进度 P " .. esc(format.display(t.progress, format.SHARE)) end
    end
    return "<li>" .. table.concat(parts, " · ") .. "</li>\n"
  end
  local out = {}
  local urgent = #groups[1] + #groups[2]
  out[#out + 1] = ("<h3>需要关注 Needs attention (%d), most urgent first</h3>\n"):format(urgent)
  if urgent == 0 then
    out[#out + 1] = "<p class=\"compact\">None: no target is behind, regressing, stalled or missed.</p>\n"
  else
    out[#out + 1] = '<ol class="urgent">\n'
    for g = 1, 2 do for _, r in ipairs(groups[g]) do out[#out + 1] = item(r) end end
    out[#out + 1] = "</ol>\n"
  end
  if #groups[3] > 0 then
    out[#out + 1] = ("<h3>尚无法判断 Not yet judged (%d): the growth now required</h3>\n<p class=\"compact\">"):format(#groups[3])
    local t = {}
    for _, r in ipairs(groups[3]) do
      local rate = r.target.required_rate and format.display(r.target.required_rate, format.SHARE) .. "/年" or nil
      t[#t + 1] = ("%s %d%s (%s)"):format(esc(r.indicator.name), r.target.year, rate and (" " .. esc(rate)) or "",
        esc(M.STATUS_LABEL[r.target.status] or r.target.status))
    end
    out[#out + 1] = table.concat(t, "; ") .. "</p>\n"
  end
  for _, g in ipairs{ { 4, "进度正常 On track" }, { 5, "已完成 Achieved" } } do
    local list = groups[g[1]]
    if #list > 0 then
      local t = {}
      for _, r in ipairs(list) do t[#t + 1] = ("%s %d"):format(esc(r.indicator.name), r.target.year) end
      out[#out + 1] = ('<h3>%s (%d)</h3>\n<p class="compact">%s</p>\n'):format(g[2], #list, table.concat(t, "; "))
    end
  end
  out[#out + 1] = '<p class="rule">Order: missed first (the larger shortfall first), then behind, stalled and '
    .. "regressing by how far progress P falls short of 1, then the higher growth rate now required; "
    .. "P = (projected − base) / (target − base). The table below is in the same order.</p>\n"
  return { title = ("致领导 For the bureau leader — %s, as of %d"):format(self.title, self.as_of),
    html = table.concat(out), class = "leader", sources = { require("tuiyan.html").plan_source(self.plan) } }
end

--- A self-contained HTML report: the leader's page, the table in urgency order with status colours
--- and 序时进度, and a chart per indicator.
function Progress:html_sections()
  local html = require "tuiyan.html"
  local T = self:tabular{ urgency = true }
  for _, col in ipairs(T.columns) do
    if col.key == "status" then
      col.html = function(st)
        return ('<span class="status %s">%s</span>'):format(html.STATUS_CLASS[st] or "st-none", html.escape(M.STATUS_LABEL[st] or st))
      end
    elseif col.key == "schedule_gap" then
      col.html = function(g)
        return ('<span class="%s">%s</span>'):format(g >= 0 and "ahead" or "behindsched", html.escape(format.display(g, format.POINTS)))
      end
    end
  end
  local charts = {}
  for _, ind in ipairs(self.indicators) do
    if #ind.targets > 0 then charts[#charts + 1] = html.figure(self:chart(ind)) end
  end
  return {
    self:leader_section(),
    { title = "指标进展 Indicators, most urgent first", html = T:to_html_fragment() },
    { title = "图表 Charts", html = html.charts(charts) },
  }
end

--- to_html() -> the progress report as one self-contained HTML document.
function Progress:to_html()
  return require("tuiyan.html").document{ title = self.title,
    subtitle = ("进展评估 progress as of %d%s — 序时进度: completion − time share, in percentage points"):format(
      self.as_of, self.base_year and ("; base year %d / 基期%d年"):format(self.base_year, self.base_year) or ""),
    sections = self:html_sections() }
end

--- xlsx_sheets() -> the progress table as a sheet (every number as in the JSON, shown through the
--- number format of its unit; statuses in the HTML report's colours).
function Progress:xlsx_sheets()
  local function unit(row) return row.unit end
  local T = tabular.new{ title = heading(self), columns = {
    { key = "id", title = "id" }, { key = "name", title = "指标 indicator" }, { key = "unit", title = "单位 unit" },
    { key = "base_year", title = "基期 base year" }, { key = "base_value", title = "基期值 base", unit = unit },
    { key = "latest_year", title = "最新 latest year" }, { key = "latest_value", title = "最新值 latest", unit = unit },
    { key = "target_year", title = "目标年 target year" }, { key = "target_text", title = "目标 as written" },
    { key = "target_value", title = "目标值 threshold", unit = unit },
    { key = "required_change", title = "年需增 req/yr", unit = unit },
    { key = "required_rate", title = "需增速 req rate", unit = format.SHARE },
    { key = "actual_rate", title = "实际增速 rate", unit = format.SHARE },
    { key = "projected", title = "预计 projected", unit = unit },
    { key = "progress", title = "进度 P", unit = format.SHARE },
    { key = "completion", title = "任务进度 completion", unit = format.SHARE },
    { key = "time_share", title = "时间进度 time share", unit = format.SHARE },
    { key = "schedule_gap", title = "序时差 pp", unit = format.POINTS },
    { key = "status", title = "状态 status", status = true, fmt = function(s) return M.STATUS_LABEL[s] or s end },
    { key = "status_why", title = "why" },
  } }
  for _, r in ipairs(self:rows()) do
    local ind, t = r.indicator, r.target
    local row = { id = ind.id, name = ind.name, unit = ind.unit,
      base_year = ind.base and ind.base.year, base_value = ind.base and ind.base.value,
      latest_year = ind.latest and ind.latest.year, latest_value = ind.latest and ind.latest.value }
    if t then
      row.target_year, row.target_value, row.status, row.schedule_gap = t.year, t.value, t.status, t.schedule_gap
      row.target_text, row.status_why = t.text, t.status_why
      for _, q in ipairs(M.QUANTITIES) do row[q] = t[q] end
    end
    T:add(row)
  end
  for _, n in ipairs(self:tabular().notes) do T:note(n) end
  return { { name = "进展 progress", table = T } }
end

--- to_xlsx() -> the bytes of an .xlsx workbook with the progress sheet.
function Progress:to_xlsx() return require("tuiyan.xlsx").workbook(self) end

Progress.__tostring = Progress.to_text
Progress.__name = "tuiyan.Progress"

M.Progress = Progress
return M
