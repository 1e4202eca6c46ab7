-- tests/lua/test_format.lua — the display rule (tuiyan.format.display / round / xlsx_format): one
-- precision per unit for every writer; expected strings written by hand from the rule in README.
local T = dofile("tests/lua/harness.lua")
local f = require "tuiyan.format"

T.test("counts are whole numbers, grouped in text, not in CSV", function()
  T.eq(f.display(64.183, "家"), "64")
  T.eq(f.display(64.5001, "个"), "65")
  T.eq(f.display(1040, "项"), "1,040")
  T.eq(f.display(1040, "项", "csv"), "1040")
  T.eq(f.round(82.183, "家"), 82)
  T.truthy(f.rounded_count(64.183, "家"), "a fractional count is flagged for the note")
  T.eq(f.rounded_count(64, "家"), false)
end)

T.test("万元 and 亿元: 2 decimals, grouped in text, never in CSV", function()
  T.eq(f.display(248746.0101, "万元"), "248,746.01")
  T.eq(f.display(248746.0101, "万元", "csv"), "248746.01")
  T.eq(f.display(1234567.5, "亿元"), "1,234,567.50")
  T.eq(f.display(-1234.5, "万元"), "-1,234.50")
  T.eq(f.display(0.0001, "亿元"), "0.00")
end)

T.test("% has 2 decimals; 2.6499999999999986 is 2.65, never its binary digits", function()
  T.eq(f.display(2.6499999999999986, "%"), "2.65")
  T.eq(f.display(2.6499999999999986, "%", "csv"), "2.65")
  T.eq(f.display(58, "%"), "58.00")
  T.eq(f.display(-0.001, "%"), "0.00")   -- no "-0.00"
end)

T.test("shares and rates: 1 decimal of a percent; CSV the fraction to 3 decimals", function()
  T.eq(f.display(0.04787714543812105, f.SHARE), "4.8%")
  T.eq(f.display(0.04787714543812105, f.SHARE, "csv"), "0.048")
  T.eq(f.display(-0.052, f.POINTS), "-5.2")
  T.eq(f.display(0.052, f.POINTS), "+5.2")
end)

T.test("other units: 2 decimals from 1 up, 3 significant digits below, trailing zeros dropped", function()
  T.eq(f.display(37.3178, "1"), "37.32")
  T.eq(f.display(4.906, "家/年"), "4.91")
  T.eq(f.display(10, "家/年"), "10")
  T.eq(f.display(0.055, "1"), "0.055")
  T.eq(f.display(0.65349, "件"), "0.653")
  T.eq(f.display(nil, "%"), "—")
  T.eq(f.display(nil, "%", "csv"), "")
end)

T.test("xlsx number formats say the same rule", function()
  T.eq(f.xlsx_format("家"), "#,##0")
  T.eq(f.xlsx_format("万元"), "#,##0.00")
  T.eq(f.xlsx_format("%"), "0.00")
  T.eq(f.xlsx_format(f.SHARE), "0.0%")
end)

T.test("a tabular uses the rule in text and CSV, and notes a rounded count", function()
  local t = tuiyan.tabular.new{ columns = { { key = "n", title = "n", unit = "家" },
    { key = "m", title = "m", unit = function(r) return r.u end } } }
  t:add{ n = 64.183, m = 248746.0101, u = "万元" }
  local text = t:to_text()
  T.truthy(text:find("64  248,746.01", 1, true), text)
  T.truthy(text:find(f.COUNT_NOTE, 1, true), "the note on rounded counts")
  T.eq(t:to_csv(), "n,m\r\n64,248746.01\r\n")
  T.truthy(t:to_json():find("64.183", 1, true), "JSON keeps full precision")
end)

T.done()

-- The CSV cell in C (_tuiyan.text.rounded, which format.display uses for a float) is the bytes of
-- the Lua rule it stands for, round then exact, for every kind of unit, on values near every
-- rounding edge, at every magnitude, of both signs, and at zero, and on 100,000 random floats
-- (shown to fail with the "other" rule's 8 decimals as 9, with x written instead of the rounded
-- value read back, with the text-only shortcut taking 17 significant digits, or a first digit
-- below 1e-4, or one at 1e15, and with the integer "%.<d>f" rounding ties away from zero).
T.test("the CSV cell in C is the bytes of round then exact", function()
  local rounded = require("_tuiyan.text").rounded
  local units = { "家", "万元", "%", f.SHARE, f.POINTS, "件", "1", nil }
  local fixed = { ["家"] = 0, ["万元"] = 2, ["%"] = 2, [f.SHARE] = 3, [f.POINTS] = 3 }
  local xs = { 0.0, -0.0, 0.5, -0.5, 1.5, 2.5, 0.125, 0.0005, -0.0005, 0.00049999999999999, 0.995, 0.9995,
    1e-300, 5e-324, -1e-9, 1e15, 1e17, 1.7976931348623157e308, -2.6499999999999986, 64.183, 0.055, 0.653,
    2.5, 3.5, -2.5, 0.125, 0.375, -0.625, 0.0625, 0.03125, 1.00048828125, 12345678.125, 2 ^ 52 + 0.5, 2 ^ 60 }  -- ties
  local seed = 12345
  local function rnd()   -- a small LCG: the same values every run
    seed = (seed * 6364136223846793005 + 1442695040888963407) & 0x7fffffffffffffff
    return (seed >> 11) / (1 << 52)
  end
  for _ = 1, 100000 do
    local x = (rnd() - 0.5) * 10.0 ^ math.floor(rnd() * 40 - 20)
    if rnd() < 0.2 then x = math.floor(x * 1000 + 0.5) / 1000 + (rnd() < 0.5 and 5e-4 or -5e-4) end
    xs[#xs + 1] = x
  end
  local checked = 0
  for _, x in ipairs(xs) do
    for k = 1, #units + 1 do
      local unit = units[k]
      local want = f.exact(f.round(x, unit))
      local got = rounded(x, fixed[unit] or -1)
      if got ~= want then error(("%.17g in %s: C %s, Lua %s"):format(x, tostring(unit), tostring(got), want)) end
      checked = checked + 1
    end
  end
  T.truthy(checked > 800000, "every value in every unit")
  T.eq(rounded(3, 2), nil)                  -- an integer: the Lua path
  T.eq(rounded(1 / 0, 2), nil)              -- not finite: the Lua path
  T.eq(f.display(1 / 0, "万元", "csv"), f.exact(f.round(1 / 0, "万元")))
end)
