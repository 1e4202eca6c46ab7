-- lua/package_cli.lua — the package commands: keygen, pack, verify, install, list, remove.
-- A city bureau makes a key pair once (`keygen`), signs each release (`pack`); a county checks
-- (`verify`) and installs it (`install`) against the keys it trusts. Everything that decides
-- whether bytes are genuine is in C (_tuiyan.package); the policy is in _host.package_store.
-- Exit codes: 2 usage, 3 a bad source directory for pack, 4 a package that does not verify or
-- that policy refuses, 6 nothing could be written.
local host = require "_tuiyan.host"
local io_native = require "_tuiyan.io"
local crypto = require "_tuiyan.crypto"
local pkg = require "_tuiyan.package"
local store = require "_host.package_store"

local M = {}
local ok, fail = store.ok, store.fail

local function usage_error(fmt, ...)
  error(host.error(host.exit.usage, string.format(fmt, ...) .. " (see tuiyan --help)"), 0)
end

-- ---------------------------------------------------------------- options

-- The commands' options and positionals are declared in lua/commands.lua (the parser, help
-- and completion of every command); the limits' values are checked here.
local LIMIT_OPTIONS = { "max-bytes", "max-file-bytes", "max-files" }

local function parse(cmd, args)
  local opts, pos = require("_host.commands").parse(cmd, args, 2)
  opts.trust = opts.trust or {}
  local limits = {}
  for _, name in ipairs(LIMIT_OPTIONS) do
    local v = opts[name]
    if v then
      local n = v:match("^%d+$") and math.tointeger(tonumber(v))
      if not n or n < 1 then usage_error("--%s expects a positive whole number, got '%s'", name, v) end
      limits[name:gsub("%-", "_")] = n
    end
  end
  opts.limits = limits
  return opts, pos
end

local function say(opts, fmt, ...)
  if not opts.quiet then io.stdout:write(string.format(fmt, ...), "\n") end
end

local function read_options(opts, keys, dest, keep_lua)
  return { trusted = keys.hex, dest = dest, keep_lua = keep_lua, max_bytes = opts.limits.max_bytes,
    max_file_bytes = opts.limits.max_file_bytes, max_files = opts.limits.max_files }
end

local function signer(keys, info)
  local k = keys[info.key_index]
  return string.format("key %s (%s)", store.fingerprint(info.key), k and k.name or "?")
end

-- ---------------------------------------------------------------- keygen

function M.keygen(args)
  local opts, pos = parse("keygen", args)
  local name = pos[1]
  if not name:match("^[%w][%w_.%-]*$") or #name > 64 or name:find("..", 1, true) then
    usage_error("keygen NAME: NAME is a file name for NAME.key and NAME.pub (letters, digits, _ . -)")
  end
  local secret_path, public_path = name .. ".key", name .. ".pub"
  for _, p in ipairs { secret_path, public_path } do
    if io_native.kind(p) ~= nil then usage_error("%s exists; refusing to overwrite a key", p) end
  end
  local public, secret = crypto.sign_keypair()
  ok(io_native.write_atomic(secret_path, store.SECRET_PREFIX .. secret .. "\n", true))
  ok(io_native.write_atomic(public_path, store.PUBLIC_PREFIX .. public .. "\n"))
  say(opts, "wrote %s (secret: keep it private, it signs your packages) and %s (public: give it "
    .. "to the counties)", secret_path, public_path)
  say(opts, "key %s", store.fingerprint(public))
  return 0
end

-- ---------------------------------------------------------------- pack

function M.pack(args)
  local opts, pos = parse("pack", args)
  local dir = pos[1]:gsub("(.)/+$", "%1")
  if not opts.output then usage_error("pack needs -o FILE.tpkg") end
  if not opts.key then usage_error("pack needs --key SECRET.key") end
  if io_native.kind(dir) ~= "dir" then usage_error("%s is not a directory", dir) end
  local kind = io_native.kind(opts.output)
  if kind == "dir" then usage_error("-o %s is a directory", opts.output) end
  if kind ~= nil and not opts.force then usage_error("%s exists; use --force to replace it", opts.output) end
  if io_native.same_file(opts.output:match("^(.*)/[^/]*$") or ".", dir) then
    usage_error("-o %s is inside %s: the next pack would find it there, unlisted", opts.output, dir)
  end
  local secret = store.read_key(opts.key, "secret")
  local mode = pkg.mode(opts.key)
  if mode and mode & 0x3f ~= 0 then
    usage_error("%s can be read by other users (mode %o); chmod 600 it first", opts.key, mode)
  end
  local info = ok(pkg.pack(dir, secret, opts.output, opts.limits))
  if info.expires < store.today() then
    store.warn("%s %s expired on %s: counties will refuse it without --allow-expired", info.name,
      info.version, info.expires)
  end
  say(opts, "packed %s %s: %d files, %d bytes, signed by key %s -> %s (%d bytes)", info.name,
    info.version, #info.files, info.total_bytes, store.fingerprint(info.key), opts.output,
    info.archive_bytes)
  return 0
end

-- ---------------------------------------------------------------- verify and install

-- Reads and verifies a .tpkg (unpacking into dest when given) and applies the whole policy.
-- Returns info, action, notes.
local function check(file, opts, keys, dest)
  local info = ok(pkg.read(file, read_options(opts, keys, dest)))
  local notes = store.check_package(info, file, opts["allow-expired"])
  local action, more = store.check_installed(info, store.read_registry(), file, opts["allow-downgrade"])
  for _, n in ipairs(more) do notes[#notes + 1] = n end
  return info, action, notes
end

-- What a county must know before it installs: whether results may carry its firms' data. Said
-- only when declared, so the output of packages without registers is as it was.
local FIRM_LEVEL = "%s %s declares firm_level_outputs: its results may carry firm names, credit "
  .. "codes and per-firm rows of your register (without it, only aggregates leave)"
local function say_privacy(opts, info)
  if info.firm_level_outputs then say(opts, FIRM_LEVEL, info.name, info.version) end
end

function M.verify(args)
  local opts, pos = parse("verify", args)
  local file = pos[1]
  local keys = store.load_trusted(opts.trust)
  local info, action = check(file, opts, keys)
  say(opts, "verified %s %s from %s: %d files, %d bytes, signed by %s, expires %s%s", info.name,
    info.version, info.publisher, #info.files, info.total_bytes, signer(keys, info), info.expires,
    action == "same" and " (already installed)" or "")
  say_privacy(opts, info)
  return 0
end

function M.install(args)
  local opts, pos = parse("install", args)
  local file = pos[1]
  if io_native.kind(file) == nil then usage_error("cannot open %s: no such file", file) end
  local keys = store.load_trusted(opts.trust)
  for _, k in ipairs(keys) do
    if k.extra then store.trust_target(k) end      -- a name clash is found before anything changes
  end
  local dir = store.packages_dir()
  ok(io_native.mkdir_p(dir))
  local lock <close> = ok(pkg.lock(dir))
  store.clean_temp(dir)
  local tmp = ok(pkg.mkdtemp(dir))
  local done, err = pcall(function()
    local info, action, notes = check(file, opts, keys, tmp)
    local target = dir .. "/" .. info.name .. "/" .. info.version
    if action == "same" then
      -- Identical only if the installed copy still verifies: a copy changed on disk (a result
      -- written into it, a file swapped) is installed again from this package, not kept.
      local installed, why = pkg.verify_dir(target, { trusted = keys.hex })
      if installed and installed.manifest_sha256 == info.manifest_sha256 then
        say(opts, "%s %s is already installed (identical)", info.name, info.version)
        return
      end
      store.warn("the installed %s %s no longer verifies (%s); installing it again", info.name, info.version,
        host.is_error(why) and why.message or tostring(why))
      notes[#notes + 1] = store.today() .. " installed again: the installed copy no longer verified"
    end
    ok(io_native.mkdir_p(dir .. "/" .. info.name))
    local entries = store.read_registry()
    -- Same version, other content (allowed above): the entry is replaced; a stale directory of
    -- an unregistered version is replaced too.
    local kept = {}
    for _, e in ipairs(entries) do
      if not (e.name == info.name and e.version == info.version) then kept[#kept + 1] = e end
    end
    local prior
    for _, e in ipairs(entries) do
      if e.name == info.name and e.version == info.version then prior = e end
    end
    local log = prior and prior.log or {}
    for _, n in ipairs(notes) do log[#log + 1] = n end
    kept[#kept + 1] = { name = info.name, version = info.version, manifest_sha256 = info.manifest_sha256,
      key = info.key, publisher = info.publisher, expires = info.expires,
      firm_level_outputs = info.firm_level_outputs or nil, log = log }
    local exchanged = ok(pkg.move_dir(tmp, target))
    local wrote, werr = pcall(store.write_registry, kept, entries.newest)
    if not wrote then
      -- Put things back as they were: the registry and the directories must agree.
      if exchanged then pkg.move_dir(tmp, target) else pkg.move_dir(target, tmp) end
      error(werr, 0)
    end
    say(opts, "installed %s %s from %s, signed by %s, into %s", info.name, info.version, info.publisher,
      signer(keys, info), target)
    say_privacy(opts, info)
    local k = keys[info.key_index]
    if k and k.extra then
      local saved = store.record_trust(k)
      if saved and not opts.quiet then
        io.stderr:write(string.format("tuiyan: now trusting key %s (saved as %s)\n",
          store.fingerprint(k.hex), saved))
      end
    end
  end)
  pkg.remove_tree(tmp)
  if not done then error(err, 0) end
  return 0
end

-- ---------------------------------------------------------------- list and remove

function M.list(args)
  parse("list", args)
  local entries = store.read_registry()
  if #entries == 0 then
    io.stderr:write("tuiyan: no packages installed\n")
    return 0
  end
  local today = store.today()
  io.stdout:write(string.format("%-24s %-10s %-21s %-16s %s\n", "name", "version", "expires", "key", "publisher"))
  for _, e in ipairs(entries) do
    io.stdout:write(string.format("%-24s %-10s %-21s %-16s %s\n", e.name, e.version,
      e.expires .. (e.expires < today and " (expired)" or ""), store.fingerprint(e.key), e.publisher))
    if e.firm_level_outputs then
      io.stdout:write("  firm-level outputs declared: its results may carry firm names, codes and per-firm rows\n")
    end
  end
  return 0
end

function M.remove(args)
  local opts, pos = parse("remove", args)
  local name, version = pos[1]:match("^([^@]+)@(.+)$")
  name = name or pos[1]
  if not name:match("^[a-z][a-z0-9_%-]*$") or (version and not store.version_parse(version)) then
    usage_error("remove NAME[@VERSION]: '%s' is not a package name", pos[1])
  end
  local dir = store.packages_dir()
  if io_native.kind(dir) ~= "dir" then usage_error("package %s is not installed", pos[1]) end
  local lock <close> = ok(pkg.lock(dir))
  store.clean_temp(dir)
  local entries = store.read_registry()
  local kept, gone = {}, {}
  for _, e in ipairs(entries) do
    if e.name == name and (version == nil or e.version == version) then gone[#gone + 1] = e
    else kept[#kept + 1] = e end
  end
  if #gone == 0 then usage_error("package %s is not installed (tuiyan list shows what is)", pos[1]) end
  -- Each version leaves in one rename, then the registry forgets it, then its files go.
  local moved = {}
  for _, e in ipairs(gone) do
    local target = dir .. "/" .. e.name .. "/" .. e.version
    local aside = dir .. "/.tmp-removed-" .. e.name .. "-" .. e.version
    if io_native.kind(target) == "dir" then
      ok(pkg.move_dir(target, aside))
      moved[#moved + 1] = aside
    end
  end
  store.write_registry(kept, entries.newest)
  for _, p in ipairs(moved) do ok(pkg.remove_tree(p)) end
  local remaining = store.installed(kept, name)
  if #remaining == 0 and #ok(pkg.list_dir(dir .. "/" .. name)) == 0 then
    ok(pkg.remove_tree(dir .. "/" .. name))
  end
  for _, e in ipairs(gone) do say(opts, "removed %s %s", e.name, e.version) end
  return 0
end

local COMMANDS = { keygen = true, pack = true, verify = true, install = true, list = true, remove = true }

function M.main(args)
  local f = M[args[1]]
  if not COMMANDS[args[1]] or not f then usage_error("unknown package command '%s'", tostring(args[1])) end
  return f(args)
end

return M
