-- lua/merge.lua — `tuiyan merge DIR... --out OUT`: joins the --out folders of a run's shards
-- (`tuiyan run ... --shard I/N`, `--samples-range A..B`; lua/batch.lua) into the folder one run
-- of the whole would have written: the same files, byte for byte, and its manifest.
--
-- Checks, each a data error (exit 3) naming the file or the shard, before anything is written:
--   * every DIR has a shard's manifest.json ("shard": { index, count, samples, units, of });
--   * every file a manifest lists is there with the SHA-256 and size it records (and is read
--     once more, and checked again, as it is copied);
--   * the shards are of one run: the same tuiyan version, seed, count, number of units and
--     command (apart from --shard, --samples-range and the --out folder), and agree on the hash
--     of every input two of them read; every shard is complete (no script failed);
--   * every shard 1..N is there exactly once (a sample-range shard: its ranges tile 0.. without a
--     gap or an overlap), and the shards' units are 1..of, each once.
--
-- Shards of units: their files are copied. Shards of samples: the scripts are run again (they
-- and their inputs must be where they were, with the hashes the manifests record) with every
-- Monte Carlo run given the merged state of its ranges instead of drawing (stdlib/tuiyan/mc.lua,
-- src/core/mc.c mc_merge): moments merged in chunk order, kept values in sample order, histograms
-- and counts added, so the reports are the bytes a run of all the samples writes.
--
-- The merged manifest is the manifest of the run without shards: its command is a shard's with
-- --shard and --samples-range taken out and the --out value replaced by merge's --out value, so it
-- equals an unsharded run's when that run named the same --out in the same place (and, as for any
-- re-run, SOURCE_DATE_EPOCH fixes "created").
local host = require "_tuiyan.host"
local io_native = require "_tuiyan.io"
local crypto = require "_tuiyan.crypto"
local json = require "_tuiyan.json"
local cli = require "_host.cli"
local batch = require "_host.batch"

local M = {}

local usage_error = cli.usage_error

local function data_error(fmt, ...)
  error(host.error(host.exit.data, "merge: " .. string.format(fmt, ...)), 0)
end

local function int(x) return math.type(x) == "float" and math.tointeger(x) or x end

local function safe_rel(p)
  return type(p) == "string" and p ~= "" and p:sub(1, 1) ~= "/" and not ("/" .. p .. "/"):find("/%.%.?/")
end

-- The command without --shard and --samples-range, and with the --out value as `out` (a word of
-- its own or --out=...): what the manifest of the run without shards records.
local function unsharded_command(command, out)
  local c, i = {}, 1
  while i <= #command do
    local a = command[i]
    if a == "--" then
      for j = i, #command do c[#c + 1] = command[j] end
      break
    elseif a == "--shard" or a == "--samples-range" then i = i + 1
    elseif a:match("^%-%-shard=") or a:match("^%-%-samples%-range=") then -- dropped
    elseif a == "--out" then
      c[#c + 1] = a
      c[#c + 1] = out
      i = i + 1
    elseif a:match("^%-%-out=") then c[#c + 1] = "--out=" .. out
    else c[#c + 1] = a end
    i = i + 1
  end
  return c
end

-- The raw --out word of merge's own command line (as a run records it).
local function raw_out(args)
  for i, a in ipairs(args) do
    if a == "--" then break end
    if a == "--out" then return args[i + 1] end
    local v = a:match("^%-%-out=(.*)$")
    if v then return v end
  end
end

-- Reads DIR/manifest.json and checks every file it lists. -> { dir, path, doc }
local function read_shard(dir)
  local mpath = dir .. "/" .. batch.MANIFEST
  local kind = io_native.kind(dir)
  if kind ~= "dir" then data_error("%s: no such folder (a shard's --out folder expected)", dir) end
  local text = io_native.read_file(mpath, 256 << 20)
  if not text then data_error("%s: missing: %s is not the --out folder of a tuiyan run", mpath, dir) end
  local ok, doc = pcall(json.decode, text, mpath)
  if not ok then error(doc, 0) end
  if type(doc) ~= "table" or type(doc.shard) ~= "table" then
    data_error("%s: not a shard's manifest (no \"shard\"; was it run with --shard or --samples-range?)", mpath)
  end
  local sh = doc.shard
  for _, k in ipairs{ "index", "count", "of" } do
    if math.type(int(sh[k])) ~= "integer" then data_error("%s: \"shard\" has no integer %s", mpath, k) end
    sh[k] = int(sh[k])
  end
  if sh.index < 1 or sh.index > sh.count then data_error("%s: shard %d of %d", mpath, sh.index, sh.count) end
  if sh.samples == json.null then sh.samples = nil end
  if sh.samples ~= nil and (type(sh.samples) ~= "table" or #sh.samples ~= 2) then
    data_error("%s: \"samples\" is not [A, B]", mpath)
  end
  if type(sh.units) ~= "table" or type(doc.outputs) ~= "table" or type(doc.inputs) ~= "table"
      or type(doc.scripts) ~= "table" or type(doc.command) ~= "table" then
    data_error("%s: not a complete manifest (units, scripts, inputs, outputs, command)", mpath)
  end
  if doc.complete ~= true then
    local failed = {}
    for _, s in ipairs(doc.scripts) do if s.status == "failed" then failed[#failed + 1] = tostring(s.script) end end
    data_error("%s: shard %d/%d is incomplete (%s failed); run it again before merging", mpath, sh.index,
      sh.count, #failed > 0 and table.concat(failed, ", ") or "a script")
  end
  local listed = {}
  for _, o in ipairs(doc.outputs) do
    if type(o) ~= "table" or not safe_rel(o.path) or type(o.sha256) ~= "string" then
      data_error("%s: an output that is not a plain relative path with a SHA-256", mpath)
    end
    o.bytes = int(o.bytes)
    local h, bytes = crypto.sha256_file(dir .. "/" .. o.path)
    if not h then data_error("%s/%s: missing (listed in %s)", dir, o.path, mpath) end
    if h ~= o.sha256 or bytes ~= o.bytes then
      data_error("%s/%s: SHA-256 does not match %s (the file changed after the shard ran)", dir, o.path, mpath)
    end
    listed[o.path] = o
  end
  return { dir = dir, path = mpath, doc = doc, listed = listed }
end

-- A file of a shard, read and checked against its manifest once more.
local function read_checked(s, rel)
  local o = s.listed[rel]
  if not o then data_error("%s/%s: missing (not listed in %s)", s.dir, rel, s.path) end
  local data = io_native.read_file(s.dir .. "/" .. rel, 1 << 40)
  if not data or crypto.sha256(data) ~= o.sha256 then
    data_error("%s/%s: SHA-256 does not match %s (the file changed after the shard ran)", s.dir, rel, s.path)
  end
  return data
end

local function same_list(a, b)
  if #a ~= #b then return false end
  for i = 1, #a do if a[i] ~= b[i] then return false end end
  return true
end

-- The shards are of one run; every shard is there once. -> groups[index] = { shards sorted by A }
local function check_run(shards, out)
  local ref = shards[1]
  local ref_cmd = table.concat(unsharded_command(ref.doc.command, "OUT"), "\0")
  for _, s in ipairs(shards) do
    local d, r = s.doc, ref.doc
    if d.tuiyan ~= r.tuiyan then
      data_error("%s: written by tuiyan %s, %s by %s", s.path, tostring(d.tuiyan), ref.path, tostring(r.tuiyan))
    end
    if int(d.seed) ~= int(r.seed) then
      data_error("%s: seed %s, %s has seed %s: shards of different runs", s.path, tostring(d.seed), ref.path, tostring(r.seed))
    end
    if table.concat(unsharded_command(d.command, "OUT"), "\0") ~= ref_cmd then
      data_error("%s: a shard of another command than %s (%s)", s.path, ref.path, table.concat(d.command, " "))
    end
    if d.shard.count ~= r.shard.count or d.shard.of ~= r.shard.of then
      data_error("%s: shard %d of %d (%d units), %s is of %d (%d units)", s.path, d.shard.index, d.shard.count,
        d.shard.of, ref.path, r.shard.count, r.shard.of)
    end
    if (d.shard.samples == nil) ~= (r.shard.samples == nil) then
      data_error("%s and %s: one is a shard of samples, the other not", s.path, ref.path)
    end
  end
  local n = ref.doc.shard.count
  local groups = {}
  for _, s in ipairs(shards) do
    local i = s.doc.shard.index
    groups[i] = groups[i] or {}
    for _, t in ipairs(groups[i]) do
      local a, b = s.doc.shard.samples, t.doc.shard.samples
      if a == nil or (int(a[1]) < int(b[2]) and int(b[1]) < int(a[2])) then
        data_error("%s and %s are both shard %d/%d%s", t.path, s.path, i, n,
          a and (" with samples " .. int(a[1]) .. ".." .. int(a[2]) .. " and " .. int(b[1]) .. ".." .. int(b[2])) or "")
      end
    end
    groups[i][#groups[i] + 1] = s
  end
  for i = 1, n do
    if not groups[i] then data_error("shard %d/%d is missing: no folder given has it", i, n) end
    local g = groups[i]
    if g[1].doc.shard.samples then
      table.sort(g, function(x, y) return int(x.doc.shard.samples[1]) < int(y.doc.shard.samples[1]) end)
      local at = 0
      for _, s in ipairs(g) do
        local a = int(s.doc.shard.samples[1])
        if a ~= at then
          data_error("samples %d..%d of shard %d/%d are missing: no folder given has them", at, a, i, n)
        end
        at = int(s.doc.shard.samples[2])
        if not same_list(s.doc.shard.units, g[1].doc.shard.units) then
          data_error("%s and %s: the same shard with other units", s.path, g[1].path)
        end
      end
    end
  end
  -- units 1..of, each in one shard
  local seen = {}
  for i = 1, n do
    for _, u in ipairs(groups[i][1].doc.shard.units) do
      u = int(u)
      if math.type(u) ~= "integer" or u < 1 or u > ref.doc.shard.of then
        data_error("%s: unit %s is not among 1..%d", groups[i][1].path, tostring(u), ref.doc.shard.of)
      end
      if seen[u] then data_error("%s and %s both ran unit %d", seen[u], groups[i][1].path, u) end
      seen[u] = groups[i][1].path
    end
  end
  for u = 1, ref.doc.shard.of do
    if not seen[u] then data_error("unit %d of %d is in no shard given", u, ref.doc.shard.of) end
  end
  return groups
end

-- The inputs every shard read, by path; two shards must agree on each one's hash.
local function merged_inputs(shards)
  local by_path, list = {}, {}
  for _, s in ipairs(shards) do
    for _, i in ipairs(s.doc.inputs) do
      local prev = by_path[i.path]
      if prev and (prev.sha256 ~= i.sha256 or prev.bytes ~= int(i.bytes)) then
        data_error("input %s: %s and %s record different SHA-256 (it changed between the shards)", i.path,
          prev.from, s.path)
      elseif not prev then
        by_path[i.path] = { path = i.path, sha256 = i.sha256, bytes = int(i.bytes), from = s.path }
        list[#list + 1] = by_path[i.path]
      end
    end
  end
  table.sort(list, function(a, b) return a.path < b.path end)
  return list, by_path
end

--- main(args) -> exit code: tuiyan merge DIR... --out OUT [--force] [--quiet] [--wait]
function M.main(args)
  local opts, pos = cli.parse(args, 2)
  if #pos == 0 then usage_error("merge needs the shards' folders: tuiyan merge DIR... --out OUT") end
  if not opts.out then usage_error("merge needs --out OUT: the folder the merged results go to") end
  for _, k in ipairs{ "shard", "samples_range", "format", "seed", "samples", "data", "as_of" } do
    if opts[k] ~= nil then usage_error("merge takes only --out, --force, --quiet and --wait: the rest comes from the shards") end
  end
  if #opts.set > 0 then usage_error("merge takes no --set: the shards' settings are used") end
  local seen_dir = {}
  for _, d in ipairs(pos) do
    local c = io_native.realpath(d) or d
    if seen_dir[c] then usage_error("%s is given twice", d) end
    seen_dir[c] = true
    if io_native.same_file(opts.out, d) then usage_error("--out %s is one of the shards", opts.out) end
  end
  local shards = {}
  for i, d in ipairs(pos) do shards[i] = read_shard((d:gsub("(.)/+$", "%1"))) end
  local groups = check_run(shards, opts.out)
  local ref = shards[1].doc
  local n = ref.shard.count
  local inputs, input_by_path = merged_inputs(shards)
  local out_word = raw_out(args) or opts.out
  local command = unsharded_command(ref.command, out_word)

  -- Per script (by place in the command): status, outputs; and the files to write.
  local nscripts = #ref.scripts
  local script_outs, files, file_from = {}, {}, {}
  for j = 1, nscripts do script_outs[j] = {} end
  local function add_file(j, rel, data, from)
    if file_from[rel] then data_error("%s and %s both wrote %s", file_from[rel], from, rel) end
    file_from[rel] = from
    files[#files + 1] = { path = opts.out .. "/" .. rel, rel = rel, data = data }
    local so = script_outs[j]
    so[#so + 1] = rel
  end
  for _, s in ipairs(shards) do
    if #s.doc.scripts ~= nscripts then data_error("%s: %d scripts, %s has %d", s.path, #s.doc.scripts, shards[1].path, nscripts) end
    for j, sc in ipairs(s.doc.scripts) do
      if sc.script ~= ref.scripts[j].script or sc.sha256 ~= ref.scripts[j].sha256 then
        data_error("%s: script %d is %s (%s), %s has %s", s.path, j, tostring(sc.script), tostring(sc.sha256),
          shards[1].path, tostring(ref.scripts[j].script))
      end
    end
  end

  require("_host.interrupt").catch()
  local sampled = ref.shard.samples ~= nil
  if not sampled then
    -- Shards of units: each script's outputs are the union of its shards' outputs.
    for i = 1, n do
      local s = groups[i][1]
      for j, sc in ipairs(s.doc.scripts) do
        for _, rel in ipairs(type(sc.outputs) == "table" and sc.outputs or {}) do
          add_file(j, rel, read_checked(s, rel), s.path)
        end
      end
    end
  else
    -- Shards of samples: replay the scripts on the merged states, shard by shard.
    local cmd = unsharded_command(ref.command, "")
    local rargs, k = {}, 2
    while k <= #cmd do
      if cmd[k] == "--out" then k = k + 1 elseif not cmd[k]:match("^%-%-out=") then rargs[#rargs + 1] = cmd[k] end
      k = k + 1
    end
    if rargs[1] ~= "run" then data_error("%s: not the manifest of tuiyan run", shards[1].path) end
    local ropts, rpos, rn = cli.parse(rargs, 2)
    ropts.out, ropts.force, ropts.quiet = opts.out, opts.force, opts.quiet
    local scripts, script_args, out_dirs = batch.prepare(ropts, rpos, rn)
    for j, sname in ipairs(scripts) do
      if crypto.sha256_file(sname) ~= ref.scripts[j].sha256 then
        data_error("%s: changed since the shards ran (its SHA-256 is not the one %s records)", sname, shards[1].path)
      end
    end
    require("tuiyan").options = ropts
    require("_tuiyan.mc").set_progress(not opts.quiet)
    local snap = batch.snapshot_globals()
    for i = 1, n do
      local pieces = groups[i]
      local sharding = { i = i, n = n, counter = 0, units = {}, replay = function(j, run, samples)
        local last = int(pieces[#pieces].doc.shard.samples[2])
        if last < samples then
          data_error("samples %d..%d of shard %d/%d are missing: no folder given has them (the run has %d)",
            last, samples, i, n, samples)
        end
        local sub = out_dirs[j]:sub(#opts.out + 2)
        local rel = (sub ~= "" and sub .. "/" or "") .. "mc-state-" .. run .. ".tymc"
        local list = {}
        for _, p in ipairs(pieces) do list[#list + 1] = read_checked(p, rel) end
        return list
      end }
      batch.restore_globals(snap)
      local records, failure = batch.run_all(ropts, scripts, script_args, out_dirs, int(ref.seed), sharding)
      if failure then error(failure.err, 0) end
      if not same_list(sharding.units, pieces[1].doc.shard.units) then
        data_error("replaying shard %d/%d ran other units than %s records", i, n, pieces[1].path)
      end
      for j, r in ipairs(records) do
        for _, inp in ipairs(r.inputs or {}) do
          local rec = input_by_path[inp.path]
          if rec and rec.sha256 ~= inp.sha256 then
            data_error("input %s: changed since the shards ran (%s records another SHA-256)", inp.path, rec.from)
          end
        end
        for _, f in ipairs(r.files) do
          add_file(j, f.path:sub(#opts.out + 2), f.data, pieces[1].path)
        end
      end
    end
  end

  -- The manifest of the run without shards.
  local ordered, array = batch.ordered, batch.array
  local scripts_out = {}
  for j, sc in ipairs(ref.scripts) do
    local outs = script_outs[j]
    table.sort(outs)
    scripts_out[j] = ordered({ script = sc.script, sha256 = sc.sha256, status = "ok", outputs = array(outs) },
      { "script", "sha256", "status", "outputs" })
  end
  table.sort(files, function(a, b) return a.rel < b.rel end)
  local outputs, input_list = {}, {}
  for _, f in ipairs(files) do
    outputs[#outputs + 1] = ordered({ path = f.rel, sha256 = crypto.sha256(f.data), bytes = #f.data },
      { "path", "sha256", "bytes" })
  end
  for _, i in ipairs(inputs) do
    input_list[#input_list + 1] = ordered({ path = i.path, sha256 = i.sha256, bytes = i.bytes }, { "path", "sha256", "bytes" })
  end
  local manifest = { path = opts.out .. "/" .. batch.MANIFEST, data = batch.encode_manifest{ tuiyan = ref.tuiyan,
    command = array(command), seed = int(ref.seed), complete = true, created = batch.created(),
    scripts = array(scripts_out), inputs = array(input_list), outputs = array(outputs) } }
  local input_paths = {}
  for _, s in ipairs(shards) do input_paths[#input_paths + 1] = s.path end
  local previous = batch.previous_outputs(opts.out)
  local interrupt = require "_host.interrupt"
  interrupt.hold(true)
  local ok, err = pcall(function()
    local written = require("tuiyan.report")._publish(input_paths, opts.force, files, manifest)
    if not opts.quiet then
      io.stderr:write(("merged %d shards (%d files) into %s\n"):format(#shards, #files, opts.out))
    end
    batch.remove_stale(opts.out, previous, written, opts.quiet)
  end)
  interrupt.hold(false)
  if not ok then error(err, 0) end
  return 0
end

return M
