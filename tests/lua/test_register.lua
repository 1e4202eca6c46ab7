-- tests/lua/test_register.lua — enterprise registers: the 统一社会信用代码 check, and the hand-built
-- registers (tests/data/registers/hand_hte.csv, hand_tsme.csv) whose firms each sit on one side of
-- one threshold; every verdict, shortfall and 后备 rank below is worked by hand from the criteria
-- text (高新技术企业认定管理办法 第十一条 and its 工作指引; 科技型中小企业评价办法 第六条, 第八条),
-- not read from the code under test. docs/registers.md states the rules used (bands by revenue_3
-- with the edge in the lower band, "以上" including the number, the 后备 ranking).
local T = dofile("tests/lua/harness.lua")
local R = tuiyan.register

-- ---------------------------------------------------------------------------------------------
-- 统一社会信用代码 (GB 32100-2015)

T.test("the check character of a code worked by hand", function()
  -- 91620600MA7000001?: code-set values 9,1,6,2,0,6,0,0,M=21,A=10,7,0,0,0,0,0,1; weights 3^(i-1)
  -- mod 31 = 1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28. Σ = 9 + 3 + 54 + 54 + 0 + 156 + 0 + 0
  -- + 420 + 290 + 175 + 0 + 0 + 0 + 0 + 0 + 28 = 1189; 1189 mod 31 = 11 (31 × 38 = 1178);
  -- 31 − 11 = 20, the code-set character of value 20: 0-9, A B C D E F G H J K L -> L.
  T.eq(R.credit_code_valid("91620600MA7000001L"), true)
  local ok, why = R.credit_code_valid("91620600MA7000001K")
  T.eq(ok, false)
  T.truthy(why:find("its check character is 'K', the first 17 give 'L'", 1, true), why)
  -- the example code printed in GB 32100-2015 itself
  T.eq(R.credit_code_valid("91350100M000100Y43"), true)
end)

T.test("a code of the wrong length, with I/O/Z/S/V or in lower case is refused with the reason", function()
  local cases = {
    { "91620600MA700001L", "18 characters, found 17" },
    { "91620600MA7000001LX", "18 characters, found 19" },
    { "91620600MI7000001L", "character 10 of \"91620600MI7000001L\" ('I') is not in the code's set" },
    { "91620600MO7000001L", "('O') is not in the code's set" },
    { "91620600ma7000001L", "lower-case 'm'" },
  }
  for _, c in ipairs(cases) do
    local ok, why = R.credit_code_valid(c[1])
    T.eq(ok, false, c[1])
    T.truthy(why:find(c[2], 1, true), c[1] .. ": " .. tostring(why))
  end
end)

-- ---------------------------------------------------------------------------------------------
-- The hand-built high-tech register. The base firm F01: registered 2015-03-01, staff 100, S&T 20,
-- revenue 3000/3000/4000, R&D 200/200/300 (7 % in the 5 % band), R&D in China 700 (100 %),
-- high-tech revenue 3000 of 4000 (75 %), 3 core IP, score 80. Each other firm changes one thing.
-- Application year 2024, measured to 2024-12-31 unless `applied` is given.
-- qualifies = all met; unmet = { criterion = shortfall } (nil shortfall: no data to judge it).

local HTE = {
  F01 = { q = true },
  -- revenue_3 5000 is in the first band "5,000万元（含）以下" -> 5 %; Σrd 550 / Σrev 11000 = 5 % exactly
  F02 = { q = true },
  -- same band, Σrd 540: 5 % × 11000 = 550, 10 万元 short
  F03 = { unmet = { rd_ratio = 10 }, rank = 8 },
  -- 5000.01 is above the edge: the 4 % band; 450 / 11000.01 = 4.09 %
  F04 = { q = true },
  -- revenue_3 20000 is in "5,000万元至2亿元（含）" -> 4 %; Σrd 2000 / 50000 = 4 % exactly
  F05 = { q = true },
  -- Σrd 1990: 4 % × 50000 = 2000, 10 万元 short
  F06 = { unmet = { rd_ratio = 10 }, rank = 6 },
  -- revenue_3 25000 > 2亿 -> 3 %; Σrd 1800 / 60000 = 3 % exactly
  F07 = { q = true },
  -- Σrd 1799: 3 % × 60000 = 1800, 1 万元 short
  F08 = { unmet = { rd_ratio = 1 }, rank = 2 },
  -- revenue_3 20000.01 is above 2亿 -> 3 %; 1800 / 50000.01 = 3.6 %
  F09 = { q = true },
  -- S&T staff 11 / 110 = 10 % exactly ("不低于10%")
  F10 = { q = true },
  -- 9 / 110 = 8.2 %: 10 % of 110 is 11, 2 more people
  F11 = { unmet = { st_staff = 2 }, rank = 10 },
  -- high-tech revenue 2400 / 4000 = 60 % exactly
  F12 = { q = true },
  -- 2399: 60 % of 4000 is 2400, 1 万元 short
  F13 = { unmet = { hitech_revenue = 1 }, rank = 1 },
  -- registered 2023-12-31: 366 days to 2024-12-31 (2024 is a leap year)
  F14 = { q = true },
  -- 2024-01-02: 364 days, "365个日历天数以上" needs 1 more day
  F15 = { unmet = { registered = 1 }, rank = 4 },
  -- 2024-01-01: 365 days, "以上" includes the number
  F16 = { q = true },
  -- applied 2024-06-30, registered 2023-07-01: 365 days (29 February 2024 in between)
  F17 = { q = true },
  -- registered 2023-07-02: 364 days
  F18 = { unmet = { registered = 1 }, rank = 4 },
  -- no core IP: 1 项 needed
  F19 = { unmet = { ip = 1 }, rank = 12 },
  -- score 70 is not "70分以上（不含70分）": 1 point short
  F20 = { unmet = { score = 1 }, rank = 7 },
  F21 = { q = true },
  -- no score: not assessed, the firm qualifies on the rest
  F22 = { q = true, unknown = { "score" } },
  -- R&D in China 420 / 700 = 60 % exactly
  F23 = { q = true },
  -- 419: 60 % of 700 is 420, 1 万元 short
  F24 = { unmet = { rd_domestic = 1 }, rank = 3 },
  -- operating two years (revenue_1 and rd_1 empty): 500 / 7000 = 7.1 %, China 500 / 500
  F25 = { q = true },
  -- staff empty: the S&T share cannot be judged, so the firm does not qualify
  F26 = { unmet = { st_staff = false }, rank = 12 },
  -- S&T 5 / 100 (5 more people) and Σrd 450 / 10000 = 4.5 % (5 % of 10000 is 500: 50 万元)
  F27 = { unmet = { st_staff = 5, rd_ratio = 50 }, rank = 15 },
  -- rd_1 empty while revenue_1 is given: the three-year ratio cannot be judged
  F28 = { unmet = { rd_ratio = false }, rank = 12 },
  -- Σrd 450 / 10000: 50 万元 short
  F29 = { unmet = { rd_ratio = 50 }, rank = 9 },
  -- S&T 8 / 100: 2 more people
  F30 = { unmet = { st_staff = 2 }, rank = 11 },
}
-- The 后备 ranks, worked by hand: one criterion unmet each except F27 (two), ordered by the gap
-- (ratios: (threshold − value) / threshold; others: shortfall / threshold; no data: 1):
--   F13 (0.6 − 0.59975)/0.6 = 0.00042   F08 (0.03 − 0.029983)/0.03 = 0.00056   F24 0.0024
--   F15 = F18 1/365 = 0.0027 (tied: rank 4, 4)   F06 0.005   F20 1/70 = 0.014   F03 0.018
--   F29 0.1   F11 0.18   F30 0.2   F19, F26, F28: 1 (tied: 12)   then F27 (two unmet): 15.

local function by_prefix(check)
  local out = {}
  for i = 1, check.n do
    local f = check:firm(i)
    out[f.name:sub(1, 3)] = f
  end
  return out
end

T.test("the high-tech criteria on the hand-built register: every verdict and shortfall", function()
  local reg = assert(R.load("tests/data/registers/hand_hte.csv"))
  T.eq(#reg, 30)
  local check = assert(reg:check("hte"))
  local firms = by_prefix(check)
  for id, want in pairs(HTE) do
    local f = firms[id]
    T.truthy(f, "firm " .. id)
    T.eq(f.qualifies, want.q == true, id .. " qualifies")
    local unmet = 0
    for _, c in ipairs(f.criteria) do
      local w = want.unmet and want.unmet[c.id]
      if w == nil then
        local unknown = false
        for _, u in ipairs(want.unknown or {}) do unknown = unknown or u == c.id end
        if unknown then T.eq(c.met, nil, id .. " " .. c.id .. " not assessed")
        else T.eq(c.met, true, id .. " " .. c.id .. " met") end
      elseif w == false then
        unmet = unmet + 1
        T.eq(c.met, nil, id .. " " .. c.id .. " unknown")
        T.eq(c.shortfall, nil, id .. " " .. c.id .. " shortfall unknown")
      else
        unmet = unmet + 1
        T.eq(c.met, false, id .. " " .. c.id .. " not met")
        T.near(c.shortfall, w, 1e-9, id .. " " .. c.id .. " shortfall")
      end
    end
    T.eq(f.unmet, unmet, id .. " unmet")
    T.eq(f.rank, want.rank, id .. " rank")
  end
end)

T.test("the thresholds that apply: the R&D band by revenue_3, its edges in the lower band", function()
  local firms = by_prefix(assert(assert(R.load("tests/data/registers/hand_hte.csv")):check("hte")))
  local function rd(id)
    for _, c in ipairs(firms[id].criteria) do if c.id == "rd_ratio" then return c end end
  end
  T.eq(rd("F02").threshold, 0.05)   -- 5000
  T.eq(rd("F04").threshold, 0.04)   -- 5000.01
  T.eq(rd("F05").threshold, 0.04)   -- 20000
  T.eq(rd("F09").threshold, 0.03)   -- 20000.01
  T.eq(rd("F07").value, 0.03)       -- 1800 / 60000
  T.near(firms.F11.criteria[3].value, 9 / 110, 1e-15)
end)

T.test("the 后备 list: by rank, ties in file order, what each lacks in words", function()
  local check = assert(assert(R.load("tests/data/registers/hand_hte.csv")):check("hte"))
  local list = check:candidates()
  local names = {}
  for i, f in ipairs(list) do names[i] = f.name:sub(1, 3) end
  T.eq(table.concat(names, " "), "F13 F08 F24 F15 F18 F06 F20 F03 F29 F11 F30 F19 F26 F28 F27")
  local lacks = {}
  for _, c in ipairs(check:firm(11).criteria) do lacks[#lacks + 1] = R.describe(c) end
  T.eq(table.concat(lacks, "|"), "||S&T staff 8.18%, needs 10.00%: 2 人 more||||")   -- third of seven
  for _, c in ipairs(check:firm(3).criteria) do
    if c.id == "rd_ratio" then T.eq(R.describe(c), "R&D over three years 4.91%, needs 5.00%: 10.00 万元 more") end
  end
  T.eq(#check:candidates(3), 3)
end)

T.test("ranks are within each application year", function()
  local csv = table.concat({
    "credit_code,name,year,staff,st_staff",
    "91620600MA7000001L,a,2023,100,5",
    "91620600MA7000001L,a,2024,100,9",
    "91620600MA7000002P,b,2024,100,8",
    "91620600MA7000003T,c,2023,100,9",
  }, "\n")
  local crit = { id = "t", criteria = { { id = "st", kind = "ratio", num = "st_staff", den = "staff", op = ">=",
    threshold = 0.1, unit = "share", shortfall_unit = "人", integer = true } } }
  local check = assert(assert(R.parse(csv, "y.csv")):check(crit))
  local ranks = {}
  for i = 1, 4 do ranks[i] = check:firm(i).rank end
  T.eq(table.concat(ranks, ","), "2,1,2,1")
  local order = {}
  for i, f in ipairs(check:candidates()) do order[i] = f.row end
  T.eq(table.concat(order, ","), "4,1,2,3")   -- 2023 first, then 2024, each by rank
end)

T.test("amounts declared in 元 give the same check as in 万元", function()
  local text = assert(io.open("tests/data/registers/hand_hte.csv")):read("a")
  local lines = {}
  for l in text:gmatch("[^\n]+") do lines[#lines + 1] = l end
  local head = {}
  for h in (lines[2] .. ","):gmatch("([^,]*),") do head[#head + 1] = h end
  local amount = {}
  for c, h in ipairs(head) do
    if h:match("^revenue") or h:match("^rd") or h == "hitech_revenue" then
      amount[c] = true
      head[c] = h .. "(元)"
    end
  end
  local out = { lines[1], table.concat(head, ",") }
  for r = 3, #lines do
    local cells = {}
    for v in (lines[r] .. ","):gmatch("([^,]*),") do cells[#cells + 1] = v end
    for c in pairs(amount) do
      -- 5000.01 万元 -> 50000100 元: by digits, so no rounding enters the test's own figures
      if cells[c] ~= "" then
        local int, frac = cells[c]:match("^(%d+)%.?(%d*)$")
        cells[c] = (int .. (frac .. "0000"):sub(1, 4)):gsub("^0+(%d)", "%1")
      end
    end
    out[#out + 1] = table.concat(cells, ",")
  end
  local yuan = assert(R.parse(table.concat(out, "\n"), "tests/data/registers/hand_hte.csv"))
  local wan = assert(R.load("tests/data/registers/hand_hte.csv"))
  T.eq(yuan:row(4).revenue_3, 5000.01)
  T.eq(assert(yuan:check("hte")):to_json(), assert(wan:check("hte")):to_json())
end)

-- ---------------------------------------------------------------------------------------------
-- 科技型中小企业: base T01 staff 200, revenue 8000, assets 9000, score 70, no direct route.

local TSME = {
  T01 = { q = true },
  T02 = { q = true },                               -- staff 500: "不超过500人"
  T03 = { unmet = { staff = 1 } },                  -- 501: 1 too many
  T04 = { q = true },                               -- revenue 20000 万元 = 2亿
  T05 = { unmet = { revenue = 0.5 } },              -- 20000.5: 0.5 万元 too much
  T06 = { q = true },                               -- assets 2亿
  T07 = { unmet = { assets = 1 } },                 -- 20001
  T08 = { q = true },                               -- score 60: "不低于60分"
  T09 = { unmet = { score = 1 } },                  -- 59
  T10 = { q = true },                               -- 59 with a 高企 certificate: 第八条 direct
  T11 = { q = true },                               -- no score, a national award: direct
  T12 = { unmet = { score = false } },              -- no score, no direct route: cannot be judged
}

T.test("the 科技型中小企业 criteria on the hand-built register", function()
  local check = assert(assert(R.load("tests/data/registers/hand_tsme.csv")):check("tsme"))
  local firms = by_prefix(check)
  for id, want in pairs(TSME) do
    local f = firms[id]
    T.eq(f.qualifies, want.q == true, id)
    for _, c in ipairs(f.criteria) do
      local w = want.unmet and want.unmet[c.id]
      if w == nil then T.eq(c.met, true, id .. " " .. c.id)
      elseif w == false then T.eq(c.met, nil, id .. " " .. c.id)
      else
        T.eq(c.met, false, id .. " " .. c.id)
        T.near(c.shortfall, w, 1e-9, id .. " " .. c.id)
      end
    end
  end
  for _, c in ipairs(firms.T03.criteria) do
    if c.id == "staff" then T.eq(R.describe(c), "staff 501, needs at most 500: 1 人 too many") end
  end
end)

T.test("criteria that need a column the register lacks: nil, err naming both", function()
  local reg = assert(R.load("tests/data/registers/hand_tsme.csv"))
  local check, err = reg:check("hte")
  T.eq(check, nil)
  T.eq(err.code, 3)
  T.truthy(tostring(err):find('criterion registered needs column "registered", which the register does not have', 1, true),
    tostring(err))
  T.raises(function() reg:check("nonesuch") end, "unknown criteria 'nonesuch'")
  T.raises(function() reg:check{ id = "x", criteria = { { id = "a", op = "=>", num = "staff", threshold = 1 } } } end,
    "criterion a: op must be")
end)

T.test("a criteria table of one's own over an x_ column declared in 元", function()
  -- x_rd_staff_cost(元): 200,000 元 = 20 万元 and 50,000 元 = 5 万元; the rule: at least 10 万元 when
  -- staff <= 100, else at least 30 万元 (bands by staff, the edge in the lower band)
  local csv = table.concat({
    "credit_code,name,year,staff,x_rd_staff_cost(元)",
    "91620600MA7000001L,a,2024,100,200000",
    "91620600MA7000002P,b,2024,101,200000",
    "91620600MA7000003T,c,2024,50,50000",
  }, "\n")
  local reg = assert(R.parse(csv, "x.csv"))
  T.eq(reg:row(1).x_rd_staff_cost, 20)
  local crit = { id = "own", name = "own rule", criteria = {
    { id = "cost", kind = "value", num = "x_rd_staff_cost", op = ">=",
      bands = { by = "staff", edges = { 100 }, thresholds = { 10, 30 } }, unit = "万元", shortfall_unit = "万元" } } }
  local check = assert(reg:check(crit))
  local function get(i) return check:firm(i).criteria[1] end
  T.eq(get(1).met, true)
  T.eq(get(1).threshold, 10)
  T.eq(get(2).met, false)
  T.eq(get(2).shortfall, 10)        -- 30 − 20
  T.eq(get(3).shortfall, 5)         -- 10 − 5
  -- gaps (shortfall / threshold): b 10/30 = 0.33, c 5/10 = 0.5: b first
  T.eq(check:firm(2).rank, 1)
  T.eq(check:firm(3).rank, 2)
end)

T.test("in the REPL, reg:has(\" completes the register's columns", function()
  local C = require "_host.complete"
  local env = setmetatable({ reg = assert(R.load("tests/data/registers/hand_hte.csv")) }, { __index = _G })
  local line = 'reg:has("rd_'
  local list = C.candidates(env, line:sub(10), line, 9)
  T.eq(table.concat(list, " "), "rd_1 rd_2 rd_3 rd_domestic")
end)

T.test("the same register checked twice gives the same JSON, byte for byte", function()
  local a = assert(R.load("tests/data/registers/hand_hte.csv")):check("hte"):to_json()
  local b = assert(R.load("tests/data/registers/hand_hte.csv")):check("hte"):to_json()
  T.eq(a, b)
  local json = require("_tuiyan.json").decode(a)
  T.eq(#json.firms, 30)
  T.eq(json.firms[3].credit_code, "91620600MA7000003T")
  T.eq(json.firms[3].qualifies, false)
  T.eq(json.firms[3].criteria[4].id, "rd_ratio")
  T.eq(json.firms[3].criteria[4].shortfall_unit, "万元")
end)

T.done()
