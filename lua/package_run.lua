-- lua/package_run.lua — `tuiyan run NAME[@VERSION]:SCENARIO`: finds the installed package
-- (the newest version unless @VERSION), verifies it again from disk (signature by a key that is
-- still trusted, the manifest the registry recorded, every file's size and hash, nothing
-- extra), and hands it to the sandbox. Package code never runs outside the sandbox: a build
-- without _host.sandbox refuses (exit 4).
local host = require "_tuiyan.host"
local io_native = require "_tuiyan.io"
local pkg = require "_tuiyan.package"
local store = require "_host.package_store"

local M = {}

local function usage_error(fmt, ...)
  error(host.error(host.exit.usage, string.format(fmt, ...)), 0)
end

--- Resolves and re-verifies NAME[@VERSION]; returns info (with .sources: the verified text of
--- every .lua file, and .data_bytes: the verified bytes of every data file, by path; the sandbox
--- runs on these and never reads the store again) and the package directory.
function M.resolve(spec_name, version)
  local entries = store.installed(store.read_registry(), spec_name)
  if #entries == 0 then
    usage_error("package %s is not installed (tuiyan list shows what is)", spec_name)
  end
  local entry
  if version then
    for _, e in ipairs(entries) do
      if e.version == version then entry = e end
    end
    if not entry then
      local have = {}
      for i, e in ipairs(entries) do have[i] = e.version end
      usage_error("%s %s is not installed (installed: %s)", spec_name, version, table.concat(have, ", "))
    end
  else
    entry = entries[#entries]
  end
  local dir = store.packages_dir() .. "/" .. entry.name .. "/" .. entry.version
  local keys = store.load_trusted()
  local info = store.ok(pkg.verify_dir(dir, { trusted = keys.hex, keep_lua = true, keep_data = true }))
  if info.manifest_sha256 ~= entry.manifest_sha256 or info.key ~= entry.key then
    store.fail("package", "%s: the installed %s %s is not what was installed (its manifest changed); "
      .. "install it again", dir, entry.name, entry.version)
  end
  return info, dir
end

--- help(word) -> the text of `tuiyan run NAME[@VERSION][:SCENARIO] --help`: the installed
--- package (verified as for a run), its description, publisher, expiry and scenarios, and how to
--- run one; nil when the word does not name a package.
function M.help(word)
  local head = word:match("^([^:/]+):[%w_%-]*$")
  local name, version = (head or ""):match("^([^@]+)@(.+)$")
  name = name or head
  if not name or not name:match("^[a-z][a-z0-9_%-]*$") then return nil end
  local info = M.resolve(name, version)
  local names = {}
  for n, path in pairs(info.scenarios) do names[#names + 1] = ("  %-20s %s"):format(n, path) end
  table.sort(names)
  local desc = type(info.description) == "string" and info.description ~= "" and (" — " .. info.description) or ""
  return table.concat({
    ("tuiyan run %s:SCENARIO [ARGS...] [--data DIR] [--limit NAME=VALUE]... [--out DIR] [--format FMT]"):format(name),
    "",
    ("%s %s%s"):format(info.name, info.version, desc),
    ("published by %s, expires %s; runs in the sandbox, verified again before every run"):format(
      tostring(info.publisher), tostring(info.expires)),
    "scenarios:",
    table.concat(names, "\n"),
    "",
    "--data DIR is the county's data (read first); tuiyan help run and tuiyan help package for the rest.",
  }, "\n") .. "\n"
end

--- main(opts, pos [, argv]) -> exit code. argv: the command line after `tuiyan`, for the manifest.
function M.main(opts, pos, argv)
  local spec = pos[1]
  local head, scenario = spec:match("^(.+):([^:]+)$")
  local name, version = (head or ""):match("^([^@]+)@(.+)$")
  name = name or head
  if not name or not name:match("^[a-z][a-z0-9_%-]*$") or (version and not store.version_parse(version)) then
    usage_error("run: '%s' is not NAME[@VERSION]:SCENARIO", spec)
  end
  local info, dir = M.resolve(name, version)
  local label = info.name .. " " .. info.version
  if store.version_cmp(info.min_tuiyan, host.version) > 0 then
    store.fail("package", "%s needs tuiyan %s or later; this is tuiyan %s", label, info.min_tuiyan, host.version)
  end
  -- Policy: an installed package that has since expired still runs, with a warning each time
  -- (the county accepted it; verify and install refuse expired packages).
  if info.expires < store.today() then
    store.warn("%s expired on %s; ask %s for a newer version", label, info.expires, info.publisher)
  end
  if not info.scenarios[scenario] then
    local names = {}
    for n in pairs(info.scenarios) do names[#names + 1] = n end
    table.sort(names)
    local best = require("_tuiyan.text").closest(scenario, names)
    usage_error("%s has no scenario '%s'%s (it has: %s)", label, scenario,
      best and ("; did you mean '" .. best .. "'?") or "", table.concat(names, ", "))
  end
  if not package.preload["_host.sandbox"] then
    store.fail("package", "sandbox not available in this build: package %s cannot run (package code "
      .. "never runs unsandboxed)", label)
  end
  if opts.out and io_native.kind(opts.out) == "file" then
    usage_error("--out %s is a file, not a directory", opts.out)
  end
  -- The county's data is an input: results never go into it (a package could otherwise name a
  -- result after a file it read and replace the county's own data); nor into the store or the
  -- keys. cli.parse checked it already; checked again here for callers that come another way.
  require("_host.outdir").check(opts)
  local args = {}
  for i = 2, #pos do args[i - 1] = pos[i] end
  opts.seed = opts.seed or 1           -- as for scripts: every run starts from a known seed
  local ok, result = pcall(require("_host.sandbox").run, {
    root = dir, manifest = info, scenario = scenario, data = opts.data, options = opts, args = args,
  })
  if not ok then
    if type(result) == "table" and type(result.log) == "string" then io.stdout:write(result.log) end
    error(result, 0)
  end
  return M.publish(result, opts, dir, info, { scenario = scenario, argv = argv or {} })
end

-- What left the county, from the sandbox's privacy check (lua/sandbox_child.lua): "aggregates
-- only", or "firm-level" with each such result, why it is, and a CSV's columns. Absent when the
-- run read no register, so the manifests of other packages stay as they were.
local function privacy_record(p, info)
  if type(p) ~= "table" or (p.registers or 0) == 0 then return nil end
  local batch, json = require "_host.batch", require "_tuiyan.json"
  local ordered, array = batch.ordered, batch.array
  local list = {}
  for i, f in ipairs(p.firm_level or {}) do
    list[i] = ordered({ path = f.path, why = f.why, columns = f.columns and array(f.columns) or json.null },
      { "path", "why", "columns" })
  end
  return ordered({ firm_level_outputs_declared = info.firm_level_outputs == true,
    left = #list > 0 and "firm-level" or "aggregates only", firm_level = array(list) },
    { "firm_level_outputs_declared", "left", "firm_level" })
end

-- DIR/manifest.json of a package run: which package (and the key that signed it) made these
-- results, from which files (the county's data or the package's own, with their SHA-256), and
-- the results' hashes. Deterministic apart from "created" (SOURCE_DATE_EPOCH fixes that too).
-- No file is read again here: a package file's hash is the one verified, a county file's the
-- one the sandbox computed of the bytes it parsed.
local function manifest_text(result, opts, dir, info, run)
  local batch, crypto, json = require "_host.batch", require "_tuiyan.crypto", require "_tuiyan.json"
  local ordered, array = batch.ordered, batch.array
  local verified = {}
  for _, f in ipairs(info.files) do verified[f.path] = f end
  local inputs = {}
  for _, r in ipairs(result.reads or {}) do
    local h, bytes = r.sha256, r.bytes
    if r.origin ~= "data" then
      local f = verified[r.path]
      if not f or f.sha256 ~= h then
        error(host.error(host.exit.internal, ("%s: the sandbox read %s, which is not the verified file"):format(
          info.name, r.path)), 0)
      end
      h, bytes = f.sha256, f.size
    end
    inputs[#inputs + 1] = ordered({ path = r.origin == "data" and opts.data .. "/" .. r.path or r.path,
      origin = r.origin == "data" and "county data (--data)" or "package", sha256 = h or json.null,
      bytes = bytes or json.null }, { "path", "origin", "sha256", "bytes" })
  end
  local outputs = {}
  for _, o in ipairs(result.outputs or {}) do
    outputs[#outputs + 1] = ordered({ path = o.name, sha256 = crypto.sha256(o.data), bytes = #o.data },
      { "path", "sha256", "bytes" })
  end
  table.sort(outputs, function(a, b) return a.path < b.path end)
  local command = { "tuiyan" }
  for _, a in ipairs(run.argv) do command[#command + 1] = a end
  return json.encode(ordered({
    tuiyan = host.version,
    command = array(command),
    package = ordered({ name = info.name, version = info.version, publisher = info.publisher,
      key = info.key, manifest_sha256 = info.manifest_sha256 },
      { "name", "version", "publisher", "key", "manifest_sha256" }),
    scenario = run.scenario,
    seed = opts.seed or json.null,
    -- whether the kernel confined the child's reads to the package and --data (Landlock)
    sandbox = ordered({ landlock = result.landlock == true }, { "landlock" }),
    complete = true,
    created = batch.created(),
    inputs = array(inputs),
    outputs = array(outputs),
    privacy = privacy_record(result.privacy, info),
  }, { "tuiyan", "command", "package", "scenario", "seed", "sandbox", "complete", "created", "inputs",
    "outputs", "privacy" }), true)
end

--- Publishes what the sandbox returned ({ outputs = { {name, data}, ... }, log = text, reads }):
--- the log to stdout; each output to stdout, or with --out DIR as DIR/name beside
--- DIR/manifest.json, all checked before any is written, each written atomically (nothing if
--- any check fails). A sandbox that returns an exit code instead returns it unchanged.
function M.publish(result, opts, dir, info, run)
  if type(result) ~= "table" then return math.tointeger(result) or 0 end
  if type(result.log) == "string" then io.stdout:write(result.log) end
  local outputs = result.outputs or {}
  if not opts.out then
    -- shown, not stored: a package's text reaches the terminal without its escapes (the exact
    -- bytes are what --out writes)
    local escape = require("_host.termtext").escape
    for _, o in ipairs(outputs) do io.stdout:write(escape(o.data)) end
    return 0
  end
  local files, inputs = {}, {}
  for i, o in ipairs(outputs) do
    files[i] = { path = opts.out .. "/" .. o.name, data = o.data }
  end
  -- The package's own files are inputs: a result never overwrites one.
  for _, f in ipairs(info.files) do inputs[#inputs + 1] = dir .. "/" .. f.path end
  for _, r in ipairs(result.reads or {}) do
    if r.origin == "data" then inputs[#inputs + 1] = opts.data .. "/" .. r.path end
  end
  local manifest = { path = opts.out .. "/manifest.json",
    data = manifest_text(result, opts, dir, info, run or { argv = {} }) }
  for _, f in ipairs(files) do
    if f.path == manifest.path then   -- the sandbox refuses the name already; this is the backstop
      error(host.error(host.exit.script, ("%s: a result may not be named manifest.json: tuiyan writes the "
        .. "run's manifest there; name it otherwise"):format(info.name)), 0)
    end
  end
  local written = require("tuiyan.report")._publish(inputs, opts.force, files, manifest)
  if not opts.quiet then
    for _, p in ipairs(written) do io.stderr:write("wrote ", p, "\n") end
  end
  return 0
end

return M
