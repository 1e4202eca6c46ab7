-- lua/batch.lua — `tuiyan run`: one script, or several as one batch, with their results staged
-- (stdlib/tuiyan/report.lua) and, with --out DIR, published with DIR/manifest.json.
--
-- Syntax: when every positional before `--` ends in .lua (and there are two or more), each is a
-- script of the batch and the words after `--` are every script's `arg`; otherwise the first is
-- the script and the rest its `arg` (so `tuiyan run a.lua -- b.lua` passes b.lua to a.lua).
--
-- Each script starts from the same state: the globals as they were before the batch, `arg`,
-- `tuiyan.options` (its own --out directory) and math.randomseed(seed), so its results do not
-- depend on its place in the batch. A failing script does not stop the batch. Its staged results
-- are dropped; the other scripts' results are published with a manifest that says
-- "complete": false and names the failure; the exit code is the first failure's. When no script
-- succeeded nothing is written at all (one script that fails publishes nothing, as before).
--
-- Inputs are the scripts and what the stdlib's loaders read (tuiyan.report.input): plan files by
-- path, the embedded default plan as "embedded:stdlib/data/...".
--
-- Ctrl-C (SIGINT) stops the run (src/host/interrupt.h): a Monte Carlo run in the core within a
-- block of samples, Lua code at its next instruction (a script's pcall cannot keep it), nothing
-- staged is published, and tuiyan exits 130 ("tuiyan: interrupted"). Publishing itself is held:
-- a Ctrl-C while the results are being written takes effect once they all are, so a folder is
-- never left half-written. A long Monte Carlo run shows a progress bar on a terminal's stderr
-- unless --quiet.
-- The manifest is deterministic apart from "created" (or entirely, with SOURCE_DATE_EPOCH): keys
-- in a fixed order, scripts in command-line order, inputs and outputs sorted by path.
--
-- Shards (--shard I/N, --samples-range A..B; both need --out; `tuiyan merge`, lua/merge.lua,
-- joins them). The units of a run are numbered 1, 2, ... in a fixed order: scripts in
-- command-line order; a script whose text calls `tuiyan.shard(` is *split*: every item of every
-- list it passes to tuiyan.shard is a unit, in list order; any other script is one unit. Unit u
-- belongs to shard ((u - 1) % N) + 1 (round robin, so a list sorted by province spreads evenly),
-- which depends only on the batch and its inputs: the same I/N always gets the same units. A split
-- script runs in every shard and tuiyan.shard(list) returns the items of this shard (outside a
-- sharded run, all of them); a script that is one unit runs only in its shard. --samples-range
-- A..B runs samples A..B-1 of every Monte Carlo run (stdlib/tuiyan/mc.lua) and publishes their
-- mergeable states (mc-state-K.tymc beside the script's results, K the run's number in the
-- script) instead of the reports, which merge rebuilds by replaying the scripts on the merged
-- states. A shard's manifest has a "shard" object { index, count, samples, units, of } (the units
-- it ran, of how many) after "seed"; scripts none of whose units are in the shard say
-- "status": "not in this shard".
local host = require "_tuiyan.host"
local io_native = require "_tuiyan.io"
local crypto = require "_tuiyan.crypto"
local json = require "_tuiyan.json"
local cli = require "_host.cli"

local M = {}

M.DEFAULT_SEED = 1
M.MANIFEST = "manifest.json"

local usage_error = cli.usage_error

--- split(pos, n_before) -> scripts, script_args
function M.split(pos, n_before)
  local batch = n_before >= 2
  for i = 1, n_before do
    if not pos[i]:match("%.lua$") then batch = false end
  end
  local scripts, args = {}, {}
  local first_arg = batch and n_before + 1 or 2
  for i = 1, batch and n_before or 1 do scripts[#scripts + 1] = pos[i] end
  for i = first_arg, #pos do args[#args + 1] = pos[i] end
  return scripts, args
end

local function stem(path)
  return (path:match("([^/]+)$"):gsub("%.lua$", ""))
end

-- The first line of an error, for the manifest (no traceback, no addresses of frames).
local function error_line(e)
  local s = host.is_error(e) and e.message or tostring(e)
  s = s:match("^(.-)\nstack traceback:") or s
  return s
end

local function error_code(e)
  if host.is_error(e) and math.type(e.code) == "integer" and e.code ~= 0 then return e.code end
  return host.exit.script
end

local previous_outputs, remove_stale     -- defined below, used by main

local function ordered(t, order) return setmetatable(t, { __jsonorder = order }) end
local function array(t) return setmetatable(t, json.array_meta) end

-- "created": UTC now, or SOURCE_DATE_EPOCH (reproducible builds' convention) when set.
local function created()
  local epoch = os.getenv("SOURCE_DATE_EPOCH")
  local t = epoch and epoch:match("^%d+$") and tonumber(epoch) or os.time()
  return os.date("!%Y-%m-%dT%H:%M:%SZ", t)
end
M.ordered, M.array, M.created = ordered, array, created   -- for the package run's manifest

-- ---------------------------------------------------------------------------------------------
-- Progress bar: stderr, only on a terminal, only for a batch, never with --quiet.

local Bar = {}
Bar.__index = Bar

local function new_bar(opts, n)
  local rl = require "_tuiyan.readline"
  local on = n > 1 and not opts.quiet and rl.isatty(2) and (opts.out ~= nil or not rl.isatty(1))
  return setmetatable({ on = on, n = n, t0 = os.time() }, Bar)
end

local function clock(s)
  s = math.floor(s + 0.5)
  if s >= 3600 then return ("%d:%02d:%02d"):format(s // 3600, s % 3600 // 60, s % 60) end
  return ("%d:%02d"):format(s // 60, s % 60)
end

function Bar:show(done, current)
  if not self.on then return end
  local width = 20
  local fill = math.floor(width * done / self.n)
  local elapsed = os.difftime(os.time(), self.t0)
  local eta = done > 0 and clock(elapsed / done * (self.n - done)) or "?"
  io.stderr:write(("\r\27[K[%s%s] %d/%d  %s  elapsed %s  ETA %s"):format(string.rep("#", fill),
    string.rep("-", width - fill), done, self.n, current or "", clock(elapsed), eta))
  io.stderr:flush()
end

function Bar:clear()
  if self.on then io.stderr:write("\r\27[K") io.stderr:flush() end
end

-- ---------------------------------------------------------------------------------------------

local function snapshot_globals()
  local snap = {}
  for k, v in next, _G do snap[k] = v end
  return snap
end

local function restore_globals(snap)
  local extra = {}
  for k in next, _G do if snap[k] == nil then extra[#extra + 1] = k end end
  for _, k in ipairs(extra) do _G[k] = nil end
  for k, v in next, snap do rawset(_G, k, v) end
end

-- A split script names tuiyan.shard in its own text (see the top of this file).
local function is_split(script)
  local text = io_native.read_file(script, 64 << 20) or ""
  return text:find("tuiyan%.shard%s*%(") ~= nil
end

-- tuiyan.shard(list) (stdlib/tuiyan/mc.lua) in the script being run: this shard's items, in order.
local function shard_function(sharding, script, split)
  if not sharding then return nil end
  return function(list)
    local out = {}
    if not split then
      error(("tuiyan.shard: called while running %s, whose own text does not call tuiyan.shard( "
        .. "(a split script must, so every shard knows to run it)"):format(script), 2)
    end
    for k = 1, #list do
      local u = sharding.counter + k
      if (u - 1) % sharding.n + 1 == sharding.i then
        out[#out + 1] = list[k]
        sharding.units[#sharding.units + 1] = u
      end
    end
    sharding.counter = sharding.counter + #list
    return out
  end
end

-- Runs one script with staging; returns a record { script, sha256, ok, err, files, inputs }.
-- sharding (or nil): { i, n, counter, units, split, range = {A, B} | nil, replay = fn | nil }.
local function run_one(script, script_args, opts, seed, out_dir, sharding, index)
  local tuiyan = require "tuiyan"
  local report = require "tuiyan.report"
  local mc = require "tuiyan.mc"
  tuiyan.shard = mc.shard
  mc._shard_context = shard_function(sharding, script, sharding and sharding.split)
  local states, k = {}, 0
  if sharding and sharding.range then
    mc._sampling = { range = sharding.range, state = function(bytes)
      k = k + 1
      states[#states + 1] = { path = (out_dir or ".") .. "/mc-state-" .. k .. ".tymc", data = bytes }
    end }
  elseif sharding and sharding.replay then
    mc._sampling = { replay = function(samples)
      k = k + 1
      return sharding.replay(index, k, samples)
    end }
  else
    mc._sampling = nil
  end
  local o = {}
  for k, v in next, opts do o[k] = v end
  o.out = out_dir
  tuiyan.options = o
  _G.tuiyan = tuiyan
  local a = { [0] = script }
  for i, v in ipairs(script_args) do a[i] = v end
  _G.arg = a
  math.randomseed(seed)
  local rec = { script = script, sha256 = crypto.sha256_file(script) }
  report._begin()
  local chunk, lerr = loadfile(script, "t")
  local ok, err
  if not chunk then
    ok, err = false, host.error(host.exit.script, lerr)
  else
    ok, err = xpcall(chunk, cli.traced, table.unpack(a, 1, #a))
    -- --set that nothing used would leave the analyst believing it changed the numbers
    if ok and #(o.set or {}) > 0 and not o.set_used then
      ok, err = false, host.error(host.exit.usage, ("--set %s: this script built no scenario, so nothing used it "
        .. "(--set overrides a model's params and levers)"):format(table.concat(o.set, ", ")))
    end
  end
  if not ok and host.is_error(err) and err.traced then
    -- the traceback ends at the script: the runner's own frames say nothing to the analyst
    err.message = err.message:gsub("\n\t%[C%]: in function 'xpcall'.*$", "")
  end
  local staged = report._finish()
  mc._sampling, mc._shard_context = nil, nil
  rec.ok, rec.err, rec.inputs = ok, (not ok) and err or nil, staged.inputs
  rec.files = ok and staged.files or {}
  -- A range of samples: the reports are of those samples alone; its states are its results.
  if ok and sharding and sharding.range then rec.files = states end
  return rec
end

local function manifest_text(argv, seed, records, out, sharding)
  local inputs, outputs, scripts, seen = {}, {}, {}, {}
  local complete = true
  local function add_input(i)
    if seen[i.path] then return end
    seen[i.path] = true
    inputs[#inputs + 1] = ordered({ path = i.path, sha256 = i.sha256, bytes = i.bytes }, { "path", "sha256", "bytes" })
  end
  for _, r in ipairs(records) do
    local h, bytes = crypto.sha256_file(r.script)
    add_input({ path = r.script, sha256 = h or r.sha256, bytes = bytes })
    for _, i in ipairs(r.inputs) do add_input(i) end
    local outs = {}
    for _, f in ipairs(r.files) do
      local rel = f.path:sub(1, #out + 1) == out .. "/" and f.path:sub(#out + 2) or f.path
      outs[#outs + 1] = rel
      outputs[#outputs + 1] = ordered({ path = rel, sha256 = crypto.sha256(f.data), bytes = #f.data },
        { "path", "sha256", "bytes" })
    end
    table.sort(outs)
    local s
    if r.skipped then
      s = ordered({ script = r.script, sha256 = r.sha256, status = "not in this shard" },
        { "script", "sha256", "status" })
    elseif r.ok then
      s = ordered({ script = r.script, sha256 = r.sha256, status = "ok", outputs = array(outs) },
        { "script", "sha256", "status", "outputs" })
    else
      complete = false
      s = ordered({ script = r.script, sha256 = r.sha256 or json.null, status = "failed",
        exit_code = error_code(r.err), error = error_line(r.err) },
        { "script", "sha256", "status", "exit_code", "error" })
    end
    scripts[#scripts + 1] = s
  end
  table.sort(inputs, function(a, b) return a.path < b.path end)
  table.sort(outputs, function(a, b) return a.path < b.path end)
  local command = { "tuiyan" }
  for _, a in ipairs(argv) do command[#command + 1] = a end
  local shard
  if sharding then
    shard = ordered({ index = sharding.i, count = sharding.n,
      samples = sharding.range and array{ sharding.range[1], sharding.range[2] } or json.null,
      units = array(sharding.units), of = sharding.counter },
      { "index", "count", "samples", "units", "of" })
  end
  return M.encode_manifest{ tuiyan = host.version, command = array(command), seed = seed, shard = shard,
    complete = complete, created = created(), scripts = array(scripts), inputs = array(inputs),
    outputs = array(outputs) }
end

--- encode_manifest{...} -> the manifest's text: keys in their fixed order ("shard" only in a
--- shard's), two-space indentation. lua/merge.lua writes the merged manifest with it.
function M.encode_manifest(t)
  local m = ordered(t, { "tuiyan", "command", "seed", "shard", "complete", "created", "scripts", "inputs",
    "outputs" })
  return json.encode(m, true)
end

-- The results the manifest already in DIR lists (paths relative to DIR), or {}: what an earlier
-- run published there.
function previous_outputs(dir)
  local text = io_native.read_file(dir .. "/" .. M.MANIFEST, 64 << 20)
  local ok, doc = pcall(json.decode, text or "", M.MANIFEST)
  local out = {}
  if not ok or type(doc) ~= "table" or type(doc.outputs) ~= "table" then return out end
  for _, o in ipairs(doc.outputs) do
    local p = type(o) == "table" and o.path
    -- only plain relative paths below DIR: a hand-edited manifest must not reach elsewhere
    if type(p) == "string" and p ~= "" and p:sub(1, 1) ~= "/" and not ("/" .. p .. "/"):find("/%.%.?/") then
      out[#out + 1] = p
    end
  end
  return out
end

-- After a run has replaced the results in DIR (which takes --force), the earlier run's results
-- that this run did not write (a script that failed this time, one no longer in the batch) are
-- removed: old numbers must not sit beside a manifest that does not list them.
function remove_stale(dir, previous, written, quiet)
  if not dir then return end
  local now = {}
  for _, p in ipairs(written) do now[p] = true end
  for _, rel in ipairs(previous) do
    local path = dir .. "/" .. rel
    if not now[path] and io_native.kind(path) == "file" then
      local ok, err = os.remove(path)
      if not ok then io.stderr:write("tuiyan: could not remove an earlier result ", tostring(err), "\n")
      elseif not quiet then io.stderr:write("removed ", path, " (an earlier run's result)\n") end
    end
  end
end

--- prepare(opts, pos, n_before) -> scripts, script_args, out_dirs (checked: files exist, --out
--- is usable, no two scripts write to one folder).
function M.prepare(opts, pos, n_before)
  local scripts, script_args = M.split(pos, n_before)
  local batch = #scripts > 1
  for _, s in ipairs(scripts) do
    local kind = io_native.kind(s)
    if kind == nil then usage_error("cannot open %s: no such file", s) end
    if kind ~= "file" then usage_error("%s is not a regular file", s) end
  end
  local out_dirs = {}
  if opts.out then
    if io_native.kind(opts.out) == "file" then usage_error("--out %s is a file, not a directory", opts.out) end
    local by_stem = {}
    for i, s in ipairs(scripts) do
      if io_native.same_file(opts.out, s) then usage_error("--out %s is an input of this run", opts.out) end
      if batch then
        local st = stem(s)
        if by_stem[st] then usage_error("%s and %s would both write to %s/%s/", by_stem[st], s, opts.out, st) end
        if st .. ".json" == M.MANIFEST then usage_error("a script may not be called %s", s) end
        by_stem[st] = s
        out_dirs[i] = opts.out .. "/" .. st
      else
        out_dirs[i] = opts.out
      end
    end
  end
  return scripts, script_args, out_dirs
end

--- run_all(opts, scripts, script_args, out_dirs, seed, sharding) -> records, first_failure: every
--- script run (or, in a shard, skipped) in order; one script's failure raises its error.
function M.run_all(opts, scripts, script_args, out_dirs, seed, sharding)
  local batch = #scripts > 1
  local snap = snapshot_globals()
  local bar = new_bar(opts, #scripts)
  local records, first_failure = {}, nil
  for i, s in ipairs(scripts) do
    if batch then restore_globals(snap) end
    bar:show(i - 1, s)
    local here = true
    if sharding then
      sharding.split = is_split(s)
      if not sharding.split then
        sharding.counter = sharding.counter + 1
        here = (sharding.counter - 1) % sharding.n + 1 == sharding.i
        if here then sharding.units[#sharding.units + 1] = sharding.counter end
      end
    end
    local rec
    if here then
      rec = run_one(s, script_args, opts, seed, out_dirs[i], sharding, i)
    else
      rec = { script = s, sha256 = crypto.sha256_file(s), ok = true, skipped = true, inputs = {}, files = {} }
    end
    records[i] = rec
    if not rec.ok then
      first_failure = first_failure or rec
      if not batch then
        bar:clear()
        error(rec.err, 0)                  -- one script: its error is the run's, as ever
      end
      bar:clear()
      io.stderr:write("tuiyan: ", tostring(rec.err), "\n")
    end
  end
  bar:clear()
  require("tuiyan").options = opts
  return records, first_failure
end

--- main(opts, pos, n_before, argv) -> exit code. argv: the command line after `tuiyan`.
function M.main(opts, pos, n_before, argv)
  local scripts, script_args, out_dirs = M.prepare(opts, pos, n_before)
  local batch = #scripts > 1
  local seed = opts.seed or M.DEFAULT_SEED
  opts.seed = seed
  local sharding
  if opts.shard or opts.samples_range then
    if not opts.out then
      usage_error("--shard and --samples-range need --out DIR: shards are joined from there by tuiyan merge")
    end
    sharding = { i = opts.shard and opts.shard[1] or 1, n = opts.shard and opts.shard[2] or 1, counter = 0,
      units = {}, range = opts.samples_range }
  end
  local interrupt = require "_host.interrupt"
  interrupt.catch()
  require("_tuiyan.mc").set_progress(not opts.quiet)
  local records, first_failure = M.run_all(opts, scripts, script_args, out_dirs, seed, sharding)
  local succeeded = false
  for _, r in ipairs(records) do if r.ok then succeeded = true end end
  -- Results a script wrote to explicit paths (report.write) are published with or without --out;
  -- the manifest describes an --out directory.
  local files, input_paths = {}, {}
  for _, r in ipairs(records) do
    input_paths[#input_paths + 1] = r.script
    for _, i in ipairs(r.inputs) do input_paths[#input_paths + 1] = i.path end
    for _, f in ipairs(r.files) do files[#files + 1] = f end
  end
  if succeeded and (opts.out or #files > 0) then
    local manifest = opts.out and { path = opts.out .. "/" .. M.MANIFEST,
      data = manifest_text(argv, seed, records, opts.out, sharding) }
    local previous = opts.out and previous_outputs(opts.out) or {}
    -- all of it or none of it: a Ctrl-C from here on takes effect after the last file
    interrupt.hold(true)
    local ok, err = pcall(function()
      local written = require("tuiyan.report")._publish(input_paths, opts.force, files, manifest)
      if not opts.quiet then
        for _, p in ipairs(written) do io.stderr:write("wrote ", p, "\n") end
      end
      remove_stale(opts.out, previous, written, opts.quiet)
    end)
    interrupt.hold(false)
    if not ok then error(err, 0) end
  end
  if first_failure then
    if batch then
      local failed = {}
      for _, r in ipairs(records) do if not r.ok then failed[#failed + 1] = r.script end end
      io.stderr:write(("tuiyan: %d of %d scripts failed: %s%s\n"):format(#failed, #records,
        table.concat(failed, ", "), (opts.out and succeeded) and " (see the manifest)" or ""))
    end
    return error_code(first_failure.err)
  end
  return 0
end

-- for lua/merge.lua
M.snapshot_globals, M.restore_globals = snapshot_globals, restore_globals
M.previous_outputs, M.remove_stale = previous_outputs, remove_stale

return M
