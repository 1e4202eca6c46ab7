-- A reform of the Wuwei support policy, for `tuiyan register pay REGISTER --reform` (an example
-- to show winners and losers, not a proposal): R7a raised from 20 to 30 万元 per newly
-- recognised high-tech enterprise; R8 given a lower first step (300 万元 of R&D → 5 万元) and its
-- 10 万元 step moved up from 500 to 600 万元 (a firm with 500–600 万元 of R&D gets 5, not 10).
return {
  name = "R7a 30; R8 steps 300/600",
  changes = {
    R7a = { amount = 30 },
    R8 = { thresholds = { 300, 600, 1000, 2000, 10000 }, amounts = { 5, 10, 20, 50, 100 } },
  },
}
