-- tests/lua/test_tabular.lua — result tables: machine-only columns, CSV headers, and numbers that
-- cannot be shown (inf, NaN) refused where the script makes them.
local T = dofile("tests/lua/harness.lua")
local tabular = tuiyan.tabular

T.test("inf and NaN are refused when a row is added, naming row and column", function()
  local t = tabular.new{ columns = { { key = "a", title = "a" }, { key = "b", title = "b" } } }
  t:add{ a = 1, b = nil }
  T.raises(function() t:add{ a = 2, b = math.huge } end, "tabular row 2, column 'b': inf is not a finite number")
  T.raises(function() t:add{ a = 0 / 0 } end, "column 'a': ")
  T.raises(function() t:add{ a = -math.huge } end, "-inf is not a finite number")
  T.eq(#t.rows, 1)
  T.eq(t:to_csv(), "a,b\r\n1,\r\n")
end)

T.test("a machine column is in CSV and JSON, not in what people read", function()
  local t = tabular.new{ columns = { { key = "id", machine = true }, { key = "name", title = "名称", csv = "name" } } }
  t:add{ id = "rd", name = "研发" }
  T.eq(t:to_csv(), "id,name\r\nrd,研发\r\n")
  T.truthy(not t:to_text():find("rd", 1, true), t:to_text())
  T.truthy(not t:to_md():find("rd", 1, true), t:to_md())
  T.truthy(t:to_json():find('"id": "rd"', 1, true) or t:to_json():find('"id":"rd"', 1, true), t:to_json())
end)

T.done()
