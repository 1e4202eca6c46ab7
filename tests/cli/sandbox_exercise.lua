-- sandbox_exercise.lua — a package scenario that reaches every system call the sandbox child's
-- allow-list has (tests/data/sandbox_syscalls.txt) through what package code may use: the
-- clocks (os.clock, os.date), big allocations that grow and are freed (mmap, mremap, munmap),
-- a Monte Carlo run asking for threads (pthread_create tries clone3 and is told EAGAIN: the run
-- goes on with one thread), a county file read through tuiyan.plan.load. Run by
-- tests/cli/test_sandbox.sh under strace -f; the SIGXCPU handler is reached by a second run.
local mc, M, S = tuiyan.mc, tuiyan.model, tuiyan.scenario
local t0 = os.clock()
local year = os.date("%Y")
local parts = {}
for i = 1, 24 do parts[i] = string.rep("x", 1 << 20) .. i end
local grow = {}
for i = 1, 1 << 19 do grow[i] = i end
parts, grow = nil, nil
local m = M.new{ name = "toy", first_year = 2024, last_year = 2026 }
m:param("x", 10, { unit = "1", dist = mc.normal(10, 2) })
m:aux("y", 2 * m.v.x, { unit = "1", indicator = "ind_y" })
local p = tuiyan.plan.new("toy plan")
p:add{ id = "ind_y", name = "两倍", unit = "1" }
p:set_target("ind_y", 2025, 24)
local r = mc.run{ scenario = S.new{ name = "base", model = m }, plan = p, samples = 20000, seed = 1, threads = 2 }
local county = tuiyan.plan.load("plan.csv")
return { exercised = ("%s %.3f %s %d"):format(year, os.clock() - t0 >= 0 and 1 or 0,
  tostring(r:probability("ind_y", 2025) > 0), county and 1 or 0) }
