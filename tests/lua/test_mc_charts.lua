-- tests/lua/test_mc_charts.lua — the charts of tuiyan.mc results: a fan's bands are the result's
-- quantiles year by year (and the SVG draws those numbers), identical fans are drawn once, a run
-- without quantiles draws its mean, table_years limits the tables only, and the tornado chart has
-- a bar per side for each parameter that moves the output.
local T = dofile("tests/lua/harness.lua")
local M, S, mc = tuiyan.model, tuiyan.scenario, tuiyan.mc
local format = tuiyan.format

-- x ~ normal(10, 2); y = x × (year − 2023) widens year by year; w = y + k, k fixed by a scenario.
local function model()
  local m = M.new{ name = "fan", first_year = 2024, last_year = 2026 }
  local v = m.v
  m:param("x", 10, { unit = "1", dist = mc.normal(10, 2) })
  m:param("k", 0, { unit = "1" })
  m:aux("y", v.x * (M.year() - 2023), { unit = "1", indicator = "ind_y" })
  m:aux("w", v.y + v.k, { unit = "1", indicator = "ind_w" })
  return m
end

local function plan()
  local p = tuiyan.plan.new("fan plan")
  p:add{ id = "ind_y", name = "扇形", unit = "1" }
  p:add{ id = "ind_w", name = "加杠杆", unit = "1" }
  p:set_actual("ind_y", 2023, 9)
  p:set_target("ind_y", 2025, 24)
  p:set_target("ind_w", 2026, 40)
  return p
end

local YEARS = { 2024, 2025, 2026 }

local function run(spec)
  local base = S.new{ name = "base", model = model() }
  local lever = base:derive{ name = "k=5", set = { k = 5 } }
  spec.scenarios, spec.plan, spec.years = { base, lever }, plan(), spec.years or YEARS
  spec.samples, spec.seed = spec.samples or 2000, 3
  return mc.run(spec)
end

local function count(s, pattern)
  local n = 0
  for _ in s:gmatch(pattern) do n = n + 1 end
  return n
end

T.test("a fan's bands and centre line are the result's quantiles, year by year", function()
  local r = run{}
  for _, scen in ipairs{ "base", "k=5" } do
    local fan = r:fan("ind_w", scen)
    T.eq(#fan.bands, 2)
    T.eq(fan.bands[1].name, "5–95%")
    T.eq(fan.bands[2].name, "25–75%")
    T.eq(fan.center.name, "median 中位数")
    for k, y in ipairs(YEARS) do
      local g = r:get("ind_w", y, scen)
      T.eq(fan.bands[1].lower[k][1], y)
      T.eq(fan.bands[1].lower[k][2], g.p5, scen .. " p5 " .. y)
      T.eq(fan.bands[1].upper[k][2], g.p95, scen .. " p95 " .. y)
      T.eq(fan.bands[2].lower[k][2], g.p25, scen .. " p25 " .. y)
      T.eq(fan.bands[2].upper[k][2], g.p75, scen .. " p75 " .. y)
      T.eq(fan.center.points[k][2], g.p50, scen .. " p50 " .. y)
    end
    -- the fan widens as y = x × (year − 2023) does
    T.truthy(fan.bands[1].upper[3][2] - fan.bands[1].lower[3][2] > fan.bands[1].upper[1][2] - fan.bands[1].lower[1][2])
  end
  T.raises(function() r:fan("nope") end, "mc result: no 'nope'")
  T.raises(function() r:fan("ind_w", "other") end, "mc result: no scenario 'other'")
end)

T.test("the chart draws the bands at the quantiles' values, one fan per distinct scenario", function()
  local r = run{}
  local svg = r:chart("ind_w")
  -- each band's tooltip reads back as its quantiles: "base 5–95%: 2024 a – b; 2025 ..."
  for _, scen in ipairs{ "base", "k=5" } do
    for _, band in ipairs{ { "5–95%", "p5", "p95" }, { "25–75%", "p25", "p75" } } do
      local tip = svg:match("<title>(" .. scen:gsub("%p", "%%%0") .. " " .. band[1]:gsub("%p", "%%%0") .. ": [^<]*)</title>")
      T.truthy(tip, "no band " .. scen .. " " .. band[1])
      for _, y in ipairs(YEARS) do
        local g = r:get("ind_w", y, scen)
        local want = ("%d %s – %s"):format(y, format.value(g[band[2]], 3), format.value(g[band[3]], 3))
        T.truthy(tip:find(want, 1, true), ("%s lacks %q"):format(tip, want))
      end
    end
  end
  T.eq(count(svg, "<polygon [^>]*fill%-opacity"), 4)           -- 2 bands × 2 scenarios
  T.truthy(svg:find("<title>加杠杆 (1)</title>", 1, true))
  T.truthy(svg:find(">2026: 40</text>", 1, true))               -- the target
  -- the lever does not reach y: one fan, named for both scenarios
  local y = r:chart("ind_y")
  T.eq(count(y, "<polygon [^>]*fill%-opacity"), 2)
  T.truthy(y:find(">base = k=5</text>", 1, true))
  T.truthy(y:find("<title>actual 实际 2023: 9</title>", 1, true))
  -- only the scenarios asked for
  T.eq(count(r:chart("ind_w", { "k=5" }), "<polygon [^>]*fill%-opacity"), 2)
  T.raises(function() r:chart("ind_w", { "nope" }) end, "mc result: no scenario 'nope'")
end)

T.test("charts() gives one standalone chart per indicator; the HTML has the leader's P(达标) table, the table, then them", function()
  local r = run{}
  local charts = r:charts()
  T.eq(#charts, 2)
  T.eq(charts[1].id, "ind_y")
  T.eq(charts[2].id, "ind_w")
  T.eq(charts[1].chart:to_svg():sub(1, 38), '<?xml version="1.0" encoding="UTF-8"?>')
  local sections = r:html_sections()
  T.eq(#sections, 3)
  T.eq(sections[1].class, "leader")
  T.eq(count(sections[1].html, "<svg "), 0)
  T.truthy(sections[2].html:find("<table>", 1, true))
  T.eq(count(sections[3].html, "<svg "), 2)
  T.eq(count(r:to_html(), "<svg "), 2)
end)

T.test("a run without quantiles draws the mean and no bands", function()
  local r = run{ quantiles = false }
  local fan = r:fan("ind_w", "base")
  T.eq(#fan.bands, 0)
  T.eq(fan.center.name, "mean 均值")
  T.eq(fan.center.points[2][2], r:get("ind_w", 2025, "base").mean)
  T.eq(count(r:chart("ind_w"), "<polygon [^>]*fill%-opacity"), 0)
end)

T.test("a run of one year draws each band as a bar", function()
  local r = run{ years = { 2025 } }
  local svg = r:chart("ind_w")
  T.eq(count(svg, "<polygon [^>]*fill%-opacity"), 4)
  local pts = svg:match('<polygon points="([^"]*)" fill="[^"]*" fill%-opacity')
  local x1, x2 = pts:match("^([%d.]+),[%d.]+ ([%d.]+),")
  T.near(tonumber(x2) - tonumber(x1), 10, 0.02)
end)

T.test("table_years limits the tables; CSV and JSON keep every year", function()
  local r = run{ table_years = { 2025 } }
  T.eq(#r:table().rows, 2 * 2)                                   -- 2 indicators × 2 scenarios
  T.truthy(r:to_text():find("The table shows 2025; the charts (--format html or svg), CSV and JSON have every year summarised (2024–2026).", 1, true))
  local csv = r:to_csv()
  T.eq(count(csv, "\n"), 1 + 2 * 3 * 2)                          -- header + 2 indicators × 3 years × 2 scenarios
  T.eq(#r:fan("ind_w").center.points, 3)
  T.raises(function() run{ table_years = { 2030 } } end, "mc.run: table year 2030 is not among the years summarised")
  T.eq(#run{}:table().rows, 2 * 3 * 2)
end)

-- y = 3a − 2b; c is uncertain but moves nothing.
T.test("the tornado chart: two bars for each parameter that moves the output, the others named", function()
  local m = M.new{ name = "lin", first_year = 2025, last_year = 2025 }
  m:param("a", 5, { dist = mc.uniform(0, 10) })
  m:param("b", 1, { dist = mc.triangular(0, 1, 2) })
  m:param("c", 1, { dist = mc.uniform(0, 2) })
  m:aux("y", 3 * m.v.a - 2 * m.v.b + 0 * m.v.c)
  local t = mc.tornado{ scenario = S.new{ name = "base", model = m }, output = "y", year = 2025 }
  local svg = t:chart()
  T.eq(count(svg, "<rect [^>]*><title>"), 4)
  -- rows widest first: a's bars come before b's
  T.truthy(svg:find("<title>a = 1 %(P10%): 1</title>") < svg:find("<title>b = "))
  T.truthy(svg:find(">base 基准 13</text>", 1, true))
  T.truthy(svg:find("<title>龙卷风图 Sensitivity: y, 2025, base</title>", 1, true))   -- no unit, no "()"
  T.truthy(t:chart_note():find("Not drawn, no effect on this output: c.", 1, true))
  T.eq(t:to_svg():sub(1, 38), '<?xml version="1.0" encoding="UTF-8"?>')
  T.eq(t:charts()[1].id, "y")
  local html = t:html_sections()[1].html
  T.truthy(html:find("<svg ", 1, true) < html:find("<table>", 1, true))
  T.eq(count(t:to_html(), "<svg "), 1)
end)

T.done()
