-- tests/lua/test_plan.lua — the Lua API of plans and progress: loading, relative targets,
-- progress objects, formats, and the exact texts of errors.
local T = dofile("tests/lua/harness.lua")
local json = require "_tuiyan.json"

T.test("the embedded plan has the 15 Wuwei indicators in source order", function()
  local p = assert(tuiyan.plan.load())
  T.eq(#p, 15)
  local ids = p:ids()
  T.eq(ids[1], "sci_progress_contribution")
  T.eq(ids[13], "hte_count")
  T.eq(p:actual("rd_intensity", 2020), 0.62)
  T.eq(p:actual("rd_intensity", 2021), nil)
  T.eq(p:target("hte_count", 2025), 100)
  T.eq(p:info("county_fiscal_st_share").note, "源表无基期值 / no base value in the source table")
  T.eq(p:info("sci_progress_contribution").aggregate, "none")
end)

T.test("required change and rate from the latest actual", function()
  local pr = tuiyan.plan.load():progress()
  T.eq(pr.as_of, 2021)
  local t = pr:get("rd_intensity", 2025)
  T.near(t.required_change, (1.5 - 0.62) / 5)
  T.near(t.required_rate, (1.5 / 0.62) ^ (1 / 5) - 1)
  T.eq(t.status, "no_trend")
  T.eq(t.progress, nil)
  T.truthy(t.why.progress, "an undefined quantity carries its reason")
end)

T.test("relative targets: points, plus and growth against a reference year", function()
  local p = tuiyan.plan.new("t")
  p:add{ id = "share", name = "占比", unit = "%" }
  p:add{ id = "count", name = "数量", unit = "家" }
  p:set_actual("share", 2021, 0.56)
  p:set_actual("count", 2021, 59)
  p:target_points("share", 2025, 1.5, 2021)
  p:target_plus("count", 2022, 30, 2021)
  p:target_growth("count", 2025, 10, 2021)
  T.near(p:target("share", 2025), 2.06)
  T.eq(p:target("count", 2022), 89)
  T.near(p:target("count", 2025), 64.9)
  -- the note says where the threshold comes from, not a number frozen when it was set
  T.eq(p:target_note("share", 2025), "point change: actual 2021 + 1.5")
end)

-- Issue 11: relative targets were frozen numbers; now they follow the actuals they refer to.
-- share: 0.56 (2021) + 1.5 = 2.06; after set_actual 0.60: 2.10. count: 59 + 30 = 89 -> 61 + 30 = 91;
-- growth 10 % on 2021: 59 * 1.1 = 64.9 -> 61 * 1.1 = 67.1.
T.test("relative targets follow set_actual", function()
  local p = tuiyan.plan.new("t")
  p:add{ id = "share", name = "占比", unit = "%" }
  p:add{ id = "count", name = "数量", unit = "家" }
  p:set_actual("share", 2021, 0.56)
  p:set_actual("count", 2021, 59)
  p:target_points("share", 2025, 1.5, 2021)
  p:target_plus("count", 2022, 30, 2021)
  p:target_growth("count", 2025, 10, 2021)
  p:set_actual("share", 2021, 0.60)
  p:set_actual("count", 2021, 61)
  T.near(p:target("share", 2025), 2.10)
  T.eq(p:target("count", 2022), 91)
  T.near(p:target("count", 2025), 67.1)
  T.eq(p:target_spec("share", 2025).shape, "points")
  T.eq(p:target_spec("share", 2025).from, 2021)
  -- and progress resolves it the same way: 2022 actual 100 >= 91 -> achieved
  p:set_actual("count", 2022, 100)
  local t = p:progress(2022):get("count", 2022)
  T.eq(t.value, 91)
  T.eq(t.status, "achieved")
  T.eq(t.resolved, "base 2021 actual 61 + 30")
end)

-- Issue 11: target_plus silently replaced an existing target.
T.test("target_plus refuses to replace a target", function()
  local p = tuiyan.plan.load()
  T.raises(function() p:target_plus("hte_count", 2025, 30, 2021) end,
    "target_plus: hte_count already has a target for 2025 (100); remove it first")
  T.eq(p:target("hte_count", 2025), 100)
  p:set_target("hte_count", 2025, nil)
  p:target_plus("hte_count", 2025, 30, 2021)
  T.eq(p:target("hte_count", 2025), 89)   -- 59 (2021) + 30
end)

-- set_target takes a cell as written: parsed against the row's unit, kept with its words.
-- 突破600 is > 600; 新增300(2023-2025) a window; 提高1.5个百分点 points on the base year 2020:
-- 2.0 + 1.5 = 3.5, then 2.2 + 1.5 = 3.7 once the 2020 actual changes.
T.test("set_target reads a string as written", function()
  local p = tuiyan.plan.new("t")
  p:add{ id = "hte", name = "高企", unit = "家" }
  p:add{ id = "rd", name = "强度", unit = "%" }
  p:set_target("hte", 2023, "突破600", "总量突破600家")
  local spec = p:target_spec("hte", 2023)
  T.eq(spec.shape, "level")
  T.eq(spec.op, ">")
  T.eq(spec.a, 600)
  T.eq(spec.text, "突破600")
  T.eq(p:target_text("hte", 2023), "突破600")
  T.eq(p:target_note("hte", 2023), "总量突破600家")
  T.eq(p:target("hte", 2023), 600)
  p:set_target("hte", 2025, "新增300(2023-2025)")
  spec = p:target_spec("hte", 2025)
  T.eq(spec.shape, "window")
  T.eq(spec.from, 2023)
  T.eq(spec.to, 2025)
  p:set_base_year(2020)
  T.eq(p:base_year(), 2020)
  T.eq(p:base_year("rd"), 2020)
  p:set_actual("rd", 2020, 2.0)
  p:set_target("rd", 2025, "提高1.5个百分点")
  T.near(p:target("rd", 2025), 3.5)
  p:set_actual("rd", 2020, 2.2)
  T.near(p:target("rd", 2025), 3.7)
  p:set_target("hte", 2024, 650)   -- a number stays a plain level without words
  T.eq(p:target_text("hte", 2024), nil)
  T.eq(p:target_spec("hte", 2024).shape, "level")
  T.raises(function() p:set_target("hte", 2026, "120亿元") end, "indicator hte: target 2026: ")
  T.eq(p:target_spec("hte", 2026), nil)
end)

T.test("a plan file's title and base year, and the new row fields in progress rows", function()
  local text = table.concat({
    "# title: 手写目标",
    "# base_year: 2020",
    "id,name,unit,flow_of,actual_2020,actual_2021,actual_2022,target_2023,target_2025",
    "total,总量,家,,500,540,580,突破600,>=700",
    "new,新增,家,total,,,,新增30,新增100(2023-2025)",
  }, "\n")
  local p = assert(tuiyan.plan.parse(text, "t.csv"))
  T.eq(p:title(), "手写目标")
  T.eq(p:base_year(), 2020)
  T.eq(p:info("new").measure, "flow")
  local rows = p:progress_rows(2022)
  T.eq(rows[1].base.year, 2020)
  T.eq(rows[1].base.how, "declared base year 2020")
  local t = rows[1].targets[1]
  T.eq(t.text, "突破600")
  T.eq(t.shape, "level")
  T.eq(t.op, ">")
  T.eq(t.value, 600)
  -- flows of the flow_of row: 40 (2021), 40 (2022); the declared 2020 has none
  T.eq(rows[2].base.value, 40)
  T.eq(rows[2].base.how, "declared base year 2020 has no actual; earliest actual 2021 used")
  local w = rows[2].targets[2]
  T.eq(w.shape, "window")
  T.eq(w.window[1], 2023)
  T.eq(w.window.to, 2025)
  T.eq(w.value, 100)
  local _, err = tuiyan.plan.parse("# title: x\nid,name,unit,target_2025\nr,名,家,很多\n", "bad.csv")
  T.eq(err.code, 3)
  T.eq(err.line, 3)
  T.eq(err.col, 4)
end)

T.test("relative target without the reference actual is an error", function()
  local p = tuiyan.plan.new("t")
  p:add{ id = "share", name = "占比", unit = "%" }
  T.raises(function() p:target_points("share", 2025, 1.5, 2021) end,
    "target_points: share has no actual for 2021 to measure the target from")
end)

T.test("statuses follow actuals added in a script", function()
  local p = tuiyan.plan.load()
  p:set_actual("hte_count", 2022, 71)
  p:set_actual("hte_count", 2023, 80)
  local pr = p:progress{ as_of = 2023 }
  T.eq(pr:get("hte_count", 2022).status, "achieved")
  T.eq(pr:get("hte_count", 2025).status, "on_track")
  p:set_actual("tech_smes", 2022, 120)
  T.eq(p:progress(2022):get("tech_smes", 2025).status, "regressing")
end)

-- tests/data/plans/bad_targets/EXPECT: each file's place and message, worked out by hand.
T.test("bad targets-as-written plans are exit 3 at file:line:col", function()
  local dir = "tests/data/plans/bad_targets/"
  local n = 0
  for line in io.lines(dir .. "EXPECT") do
    local file, want = line:match("^([^#|][^|]*)|(.*)$")
    if file then
      local p, err = tuiyan.plan.load(dir .. file)
      T.eq(p, nil)
      T.eq(err.code, 3)
      T.truthy(tostring(err):find(dir .. want, 1, true), file .. ": " .. tostring(err))
      n = n + 1
    end
  end
  T.eq(n, 10)
end)

-- JSON: title, base year, a string target, a note, flow_of and a milestone's words.
-- total: base 2020 500; new: flows 40 (2021), 40 (2022); lab: done 2023-06-30 -> achieved 2023.
T.test("a JSON plan with targets as written", function()
  local p = assert(tuiyan.plan.load("tests/data/plans/good/targets_as_written.json"))
  T.eq(p:title(), "JSON 目标")
  T.eq(p:base_year(), 2020)
  T.eq(p:target_spec("total", 2023).op, ">")
  T.eq(p:target_note("total", 2023), "总量突破600家")
  T.eq(p:info("new").measure, "flow")
  T.eq(p:actual("lab", 2023), 1)
  T.eq(p:actual("lab", 2022), 0)
  local pr = p:progress(2023)
  T.eq(pr:get("lab", 2023).status, "achieved")
  T.eq(pr:get("new", 2025).window[1], 2023)
end)

T.test("misuse raises with the argument named", function()
  local p = tuiyan.plan.load()
  T.raises(function() p:actual("nope", 2021) end, "no indicator 'nope' in plan")
  T.raises(function() p:set_actual("hte_count", 2021.5, 1) end, "bad argument #2 to 'set_actual' (number has no integer representation)")
  T.raises(function() p:set_actual("hte_count", 1800, 1) end, "bad argument #2 to 'set_actual' (year out of range 1900..2200)")
  T.raises(function() p:add{ id = "x", name = "名", unit = "%", catgory = "typo" } end, "add: unknown field 'catgory'")
  T.raises(function() p:add{ id = "hte_count", name = "名", unit = "家" } end, "duplicate indicator id \"hte_count\"")
  T.raises(function() p:set("hte_count", "direction", "sideways") end, "indicator hte_count: bad direction 'sideways'")
  T.raises(function() p:progress(true) end, "bad argument #1 to 'progress' (integer year expected, got boolean)")
end)

T.test("a bad file is nil plus an error object with exit code 3 and the place", function()
  local p, err = tuiyan.plan.load("tests/data/plans/bad/hex.csv")
  T.eq(p, nil)
  T.eq(err.code, 3)
  T.eq(err.line, 2)
  T.eq(err.col, 4)
  T.eq(tostring(err), 'tests/data/plans/bad/hex.csv:2:4: expected a number, found "0x10"')
  local _, err2 = tuiyan.plan.load("tests/data/plans/none.csv")
  T.eq(err2.code, 2)
end)

T.test("JSON output: contract keys in order, null for undefined", function()
  local text = tuiyan.plan.load():progress():to_json()
  local v = assert(json.decode(text))
  T.eq(v.as_of, 2021)
  T.eq(#v.indicators, 15)
  local ind = v.indicators[6]
  T.eq(ind.id, "county_fiscal_st_share")
  T.eq(ind.base, json.null)
  T.eq(ind.targets[1].required_rate, json.null)
  T.eq(ind.targets[1].status, "no_data")
  T.truthy(text:find('"year": 2022,\n%s*"text": "0.5",\n%s*"shape": "level",\n%s*"op": ">=",\n%s*"value": 0.5,'),
    "key order of the contract")
end)

T.test("json round trip keeps order, arrays and exact numbers", function()
  local v = assert(json.decode('{"b": [], "a": 0.1, "c": [1, 2.5, null]}'))
  T.eq(json.encode(v, false), '{"b":[],"a":0.1,"c":[1,2.5,null]}')
  T.eq(json.encode({ z = 1, a = 0.1 + 0.2 }, false), '{"a":0.30000000000000004,"z":1}')
  T.eq(json.encode(0 / 0), "null\n")
  local _, err = json.decode('{"a": 1, "a": 2}', "x.json")
  T.truthy(tostring(err):find("^x%.json:1:%d+: duplicate key"), tostring(err))
  T.raises(function() local t = {}; t.t = t; json.encode(t) end, "nesting deeper than 100")
end)

T.test("display width counts CJK as two columns", function()
  local text = require "_tuiyan.text"
  T.eq(text.width("高新技术企业"), 12)
  T.eq(text.width("R&D人员"), 7)
  T.eq(require("tuiyan.format").pad("家", 4), "家  ")
end)

T.done()
