-- tests/lua/test_rank.lua — rank targets (前N位) among peers (docs/targets.md "Ranking among
-- peers"). The four counties and their numbers are illustrative, not data; every expected value
-- is worked out by hand in the comment above it.
local T = dofile("tests/lua/harness.lua")

-- A one-row plan: id, direction, trend, actuals { [year] = v }, targets { [year] = cell }.
local function plan(name, row)
  local p = tuiyan.plan.new(name)
  p:add{ id = row.id, name = row.name or row.id, unit = row.unit or "家", direction = row.direction,
    trend = row.trend }
  for y, v in pairs(row.actual or {}) do p:set_actual(row.id, y, v) end
  for y, cell in pairs(row.target or {}) do p:set_target(row.id, y, cell) end
  return p
end

local function peers_of(id, list)   -- { {name, { [year] = v }}, ... } -> { {name, plan}, ... }
  local out = {}
  for i, r in ipairs(list) do out[i] = { r[1], plan(r[1], { id = id, actual = r[2] }) } end
  return out
end

-- High-tech enterprises (up, cagr), 凉州区 against three counties:
--            2021  2023   projected 2025 = x2023 × (x2023 / x2021)
--   凉州区     40    50    62.5
--   民勤县     30    45    67.5
--   古浪县     20    50    125      (2023: a tie with 凉州区, which is not "better")
--   天祝县     50    60    72
-- Rank of 凉州区: 2021 only 天祝 is larger -> 2; 2023 天祝 60 > 50, 古浪 50 ties -> 2.
-- Projected 2025: 62.5 is below all three -> rank 4.
local HTE_PEERS = { { "民勤县", { [2021] = 30, [2023] = 45 } }, { "古浪县", { [2021] = 20, [2023] = 50 } },
  { "天祝县", { [2021] = 50, [2023] = 60 } } }

local function hte(target)
  return plan("凉州区", { id = "hte", actual = { [2021] = 40, [2023] = 50 }, target = { [2025] = target } })
end

T.test("前1位: rank 2 now, projected 4th, needs the best peer's projection", function()
  local P = hte("前1位"):progress{ as_of = 2023, peers = peers_of("hte", HTE_PEERS) }
  local t = P:get("hte", 2025)
  T.eq(t.rank.regions, 4)
  T.eq(t.rank.year, 2023)
  T.eq(t.rank.rank, 2)
  T.near(t.rank.own_value, 62.5, 1e-9)
  T.near(t.rank.needed, 125, 1e-9)          -- the 1st best peer projection (古浪县)
  T.eq(t.projected, 4)
  -- rank series 2 (2021) -> 2 (2023), V = 1: completion (2 - 2)/(1 - 2) = 0, time share 2/4,
  -- P = (4 - 2)/(1 - 2) = -2 < 0.10 and the rank did not get worse -> stalled
  T.near(t.completion, 0, 1e-12)
  T.near(t.time_share, 0.5, 1e-12)
  T.near(t.progress, -2, 1e-12)
  T.eq(t.status, "stalled")
  T.truthy(t.status_why:find("^among 4 regions: projected rank 4"), t.status_why)
end)

T.test("前3位: already within 3 (achieved); rank 3 needs the 3rd best peer projection", function()
  local t = hte("前3位"):progress{ as_of = 2023, peers = peers_of("hte", HTE_PEERS) }:get("hte", 2025)
  T.eq(t.status, "achieved")
  -- peers' projections best first: 125, 72, 67.5 -> 67.5
  T.near(t.rank.needed, 67.5, 1e-9)
end)

-- Energy use per unit of GDP (down, linear): smaller is better.
--            2021  2023   projected 2025 = x2023 + (x2023 - x2021)
--   own       1.0   0.8    0.6
--   P1        0.9   0.85   0.8
--   P2        1.2   0.7    0.2
--   P3        0.7   0.85   1.0
-- Rank: 2021 P1 0.9 and P3 0.7 are smaller than 1.0 -> 3; 2023 only P2 0.7 < 0.8 -> 2.
-- Projected: only P2 0.2 < 0.6 -> 2. 第1 (rank <= 1): completion (2 - 3)/(1 - 3) = 0.5,
-- P = (2 - 3)/(1 - 3) = 0.5 -> behind; needed: the smallest peer projection 0.2.
T.test("a down row: smaller is better, linear trend", function()
  local own = plan("own", { id = "energy", unit = "吨标煤/万元", direction = "down", trend = "linear",
    actual = { [2021] = 1.0, [2023] = 0.8 }, target = { [2025] = "第1" } })
  local peers = peers_of("energy", { { "P1", { [2021] = 0.9, [2023] = 0.85 } }, { "P2", { [2021] = 1.2, [2023] = 0.7 } },
    { "P3", { [2021] = 0.7, [2023] = 0.85 } } })
  local t = own:progress{ as_of = 2023, peers = peers }:get("energy", 2025)
  T.eq(t.rank.rank, 2)
  T.eq(t.projected, 2)
  T.near(t.completion, 0.5, 1e-12)
  T.near(t.progress, 0.5, 1e-12)
  T.eq(t.status, "behind")
  T.near(t.rank.needed, 0.2, 1e-9)
  T.near(t.rank.own_value, 0.6, 1e-9)
end)

-- A passed target is judged on the rank of its own year: 2024 values own 55, 民勤 58, 古浪 70,
-- 天祝 52 -> two peers larger -> rank 3; 前2位 missed; needed = the 2nd largest peer value, 58.
T.test("a passed target: the rank of the target year alone", function()
  local own = plan("凉州区", { id = "hte", actual = { [2021] = 40, [2024] = 55 }, target = { [2024] = "前2位" } })
  local peers = peers_of("hte", { { "民勤县", { [2021] = 30, [2024] = 58 } }, { "古浪县", { [2021] = 20, [2024] = 70 } },
    { "天祝县", { [2021] = 50, [2024] = 52 } } })
  local t = own:progress{ as_of = 2025, peers = peers }:get("hte", 2024)
  T.eq(t.status, "missed")
  T.eq(t.rank.rank, 3)
  T.eq(t.rank.year, 2024)
  T.near(t.rank.needed, 58, 1e-12)
  T.near(t.rank.own_value, 55, 1e-12)
  -- the same with 天祝县 missing 2024: that year is not ranked, so no_data, naming the county
  peers[3] = { "天祝县", plan("天祝县", { id = "hte", actual = { [2021] = 50 } }) }
  t = own:progress{ as_of = 2025, peers = peers }:get("hte", 2024)
  T.eq(t.status, "no_data")
  T.truthy(t.rank.note:find("天祝县 has no value for 2024", 1, true), t.rank.note)
  T.eq(t.rank.needed, nil)
  T.eq(t.rank.year, 2021)   -- 2021 is still ranked: 天祝 50 > 40 -> 2
  T.eq(t.rank.rank, 2)
end)

T.test("fewer peers than N: any value ranks within N, so no value is needed", function()
  local t = hte("前3位"):progress{ as_of = 2023, peers = peers_of("hte", { HTE_PEERS[1] }) }:get("hte", 2025)
  T.eq(t.rank.regions, 2)
  T.eq(t.rank.needed, nil)
  T.truthy(t.rank.why.needed:find("fewer peers than N"), t.rank.why.needed)
end)

T.test("a peer with one value: no projected rank, and the reason names the peer", function()
  local peers = peers_of("hte", { HTE_PEERS[1], { "新区", { [2023] = 10 } } })
  local t = hte("前1位"):progress{ as_of = 2023, peers = peers }:get("hte", 2025)
  -- 2021 is not ranked (新区 lacks it); 2023: 民勤 45 and 新区 10 are below 50 -> rank 1, already met
  T.eq(t.rank.year, 2023)
  T.eq(t.rank.rank, 1)
  T.eq(t.status, "achieved")
  T.eq(t.rank.needed, nil)
  T.truthy(t.rank.note:find("新区: a peer has one value", 1, true), t.rank.note)
end)

T.test("no peer has the row: the row's values are published ranks, as without peers", function()
  local own = plan("own", { id = "rank_pub", unit = "位", actual = { [2021] = 5, [2023] = 4 }, target = { [2025] = "前3位" } })
  local with = own:progress{ as_of = 2023, peers = peers_of("hte", HTE_PEERS) }:get("rank_pub", 2025)
  local without = own:progress{ as_of = 2023 }:get("rank_pub", 2025)
  T.eq(with.rank, nil)
  T.eq(with.status, without.status)
  T.eq(with.projected, without.projected)   -- 4 -> 3 by cagr: 4 × 4/5 = 3.2 -> 3
  T.eq(with.projected, 3)
end)

T.test("a region table as peers, the plan's own region left out", function()
  local own = hte("前1位")
  local regions = { { "凉州区", own } }
  for _, r in ipairs(peers_of("hte", HTE_PEERS)) do regions[#regions + 1] = r end
  local city = tuiyan.regions.new{ name = "武威市", regions = regions }
  local P = own:progress{ as_of = 2023, peers = city, region = "凉州区" }
  T.eq(P:get("hte", 2025).rank.regions, 4)
  T.eq(P:get("hte", 2025).projected, 4)
  T.eq(P.region, "凉州区")
  T.eq(table.concat(P.peers, ","), "民勤县,古浪县,天祝县")
  local doc = assert(require("_tuiyan.json").decode(P:to_json()))
  T.eq(doc.region, "凉州区")
  T.eq(doc.indicators[1].targets[1].rank.rank, 2)
  T.near(doc.indicators[1].targets[1].rank.needed, 125, 1e-9)
  T.truthy(P:to_csv():find("rank_needed", 1, true))
  T.truthy(P:to_text():find("hte 2025: rank 2 of 4 in 2023; projected rank 4", 1, true), P:to_text())
  T.raises(function() own:progress{ as_of = 2023, peers = city, region = "武威" } end, "not among the peers")
  T.raises(function() own:progress{ as_of = 2023, region = "凉州区" } end, "give peers too")
  -- the region table holds the plan itself: without region it would be its own peer
  T.raises(function() own:progress{ as_of = 2023, peers = city } end, "the plan is among its peers")
end)

T.test("a peers file: strict cells, every problem at file:line:col", function()
  local peers = tuiyan.peers.parse("region,id,actual_2021,2023年\n民勤县,hte,30,45\n古浪县,hte,20,\n", "p.csv")
  T.eq(#peers, 2)
  T.eq(peers[2][2]:actual("hte", 2023), nil)   -- empty: no value, never 0
  T.eq(peers[1][2]:actual("hte", 2023), 45)
  T.raises(function() tuiyan.peers.parse("region,id,actual_2021\nA,hte,3x\n", "p.csv") end, "p.csv:2:3:")
  T.raises(function() tuiyan.peers.parse("region,id,actual_2021,colour\nA,hte,3,red\n", "p.csv") end,
    "p.csv:1:4: unknown column 'colour'")
  T.raises(function() tuiyan.peers.parse("region,actual_2021\nA,3\n", "p.csv") end, "needs a 'id' column")
  T.raises(function() tuiyan.peers.parse("region,id,actual_2021\nA,hte,3\nA,hte,4\n", "p.csv") end,
    "p.csv:3:2: A hte given twice (first on line 2)")
end)

T.done()
