-- lua/package_store.lua — where a county's packages live and whom it trusts; the install
-- policy shared by `tuiyan verify`, `install` and `run NAME:SCENARIO`.
--
--   trusted keys   $XDG_CONFIG_HOME/tuiyan/trusted/*.pub   (default ~/.config/tuiyan/trusted)
--   packages       $XDG_DATA_HOME/tuiyan/packages/NAME/VERSION/   (default ~/.local/share/...)
--   registry       .../packages/registry.json: what is installed, its manifest's SHA-256 and
--                  the key that signed it, with a log of every policy override.
-- The security-critical checks (archive, signature, hashes, paths) are in C (_tuiyan.package);
-- this file decides what a verified package may do to what is installed.
local host = require "_tuiyan.host"
local io_native = require "_tuiyan.io"
local json = require "_tuiyan.json"
local pkg = require "_tuiyan.package"

local M = {}

local function fail(kind, fmt, ...)
  error(host.error(host.exit[kind], string.format(fmt, ...)), 0)
end
M.fail = fail

--- ok(value, err) -> value, or raises err (a tuiyan.Error from a binding) unchanged.
function M.ok(v, err)
  if v == nil then error(err, 0) end
  return v
end

function M.warn(fmt, ...)
  io.stderr:write("tuiyan: warning: ", string.format(fmt, ...), "\n")
end

-- ---------------------------------------------------------------- places

-- $VAR/tuiyan when VAR is an absolute path (the XDG rule), else ~/FALLBACK/tuiyan.
local function base_dir(var, fallback)
  local v = os.getenv(var)
  if v and v:sub(1, 1) == "/" then return (v:gsub("/+$", "")) .. "/tuiyan" end
  local home = os.getenv("HOME")
  if not home or home:sub(1, 1) ~= "/" then
    fail("usage", "neither %s nor HOME is set to an absolute path: cannot find tuiyan's %s", var,
      var == "XDG_CONFIG_HOME" and "trusted keys" or "packages")
  end
  return (home:gsub("/+$", "")) .. "/" .. fallback .. "/tuiyan"
end

function M.trusted_dir() return base_dir("XDG_CONFIG_HOME", ".config") .. "/trusted" end
function M.packages_dir() return base_dir("XDG_DATA_HOME", ".local/share") .. "/packages" end

-- ---------------------------------------------------------------- keys

M.PUBLIC_PREFIX = "tuiyan-ed25519-public "
M.SECRET_PREFIX = "tuiyan-ed25519-secret "

--- parse_key(text, "public"|"secret", path) -> hex. One line: the prefix and the key in
--- lower-case hex; a final newline (LF or CRLF) is optional.
function M.parse_key(text, kind, path)
  local prefix = kind == "public" and M.PUBLIC_PREFIX or M.SECRET_PREFIX
  local digits = kind == "public" and 64 or 128
  local body = text:gsub("\r?\n$", "", 1)
  if body:sub(1, #prefix) == prefix then
    local hex = body:sub(#prefix + 1)
    if #hex == digits and hex:match("^[0-9a-f]+$") then return hex end
  end
  local other = kind == "public" and M.SECRET_PREFIX or M.PUBLIC_PREFIX
  if text:sub(1, #other) == other then
    fail(kind == "public" and "package" or "usage",
      "%s is a %s key; %s", path, kind == "public" and "secret" or "public",
      kind == "public" and "trust the publisher's .pub file (and keep .key files private)"
        or "packing needs the secret .key file")
  end
  fail(kind == "public" and "package" or "usage",
    "%s is not a tuiyan %s key (expected one line \"%s<%d hex digits>\")", path, kind, prefix, digits)
end

function M.read_key(path, kind)
  local text, err = io_native.read_file(path, 4096)
  if not text then
    if host.is_error(err) and err.code == host.exit.data then
      fail(kind == "public" and "package" or "usage", "%s is not a tuiyan %s key (%s)", path, kind, err.msg)
    end
    error(err, 0)
  end
  return M.parse_key(text, kind, path)
end

function M.fingerprint(hex) return hex:sub(1, 16) end

--- load_trusted(extra) -> keys: every trusted/*.pub (sorted by file name), then each file given
--- with --trust. keys[i] = { hex = ..., name = "wuwei-city", path = ..., extra = true|nil };
--- keys.hex is the list of hex keys in the same order, as _tuiyan.package wants it.
function M.load_trusted(extra)
  local keys, hexes = {}, {}
  local dir = M.trusted_dir()
  for _, name in ipairs(M.ok(pkg.list_dir(dir))) do
    if name:match("%.pub$") then
      local path = dir .. "/" .. name
      keys[#keys + 1] = { hex = M.read_key(path, "public"), name = name:sub(1, -5), path = path }
    end
  end
  for _, path in ipairs(extra or {}) do
    local base = path:match("([^/]+)$") or path
    keys[#keys + 1] = { hex = M.read_key(path, "public"), name = base:gsub("%.pub$", ""), path = path,
      extra = true }
  end
  for i, k in ipairs(keys) do hexes[i] = k.hex end
  keys.hex = hexes
  return keys
end

--- Saves a key given with --trust into trusted/ (install records whom it trusted). Returns the
--- path written, or nil when that key is already trusted.
function M.record_trust(key)
  local dir = M.trusted_dir()
  for _, name in ipairs(M.ok(pkg.list_dir(dir))) do
    if name:match("%.pub$") and M.read_key(dir .. "/" .. name, "public") == key.hex then return nil end
  end
  M.ok(io_native.mkdir_p(dir))
  local path = M.trust_target(key)
  M.ok(io_native.write_atomic(path, M.PUBLIC_PREFIX .. key.hex .. "\n"))
  return path
end

--- Where record_trust would save key; fails (usage) if a different key already has that name.
function M.trust_target(key)
  local name = key.name
  if not name:match("^[%w][%w_.%-]*$") or #name > 64 then name = M.fingerprint(key.hex) end
  local path = M.trusted_dir() .. "/" .. name .. ".pub"
  if io_native.kind(path) then
    local ok, old = pcall(M.read_key, path, "public")
    if not ok or old ~= key.hex then
      fail("usage", "%s already holds a different key; rename the key file you give with --trust", path)
    end
  end
  return path
end

-- ---------------------------------------------------------------- versions and dates

function M.version_parse(s)
  if type(s) ~= "string" then return nil end
  local a, b, c = s:match("^(%d+)%.(%d+)%.(%d+)$")
  if not a then return nil end
  for _, part in ipairs { a, b, c } do
    if #part > 9 or (#part > 1 and part:sub(1, 1) == "0") then return nil end
  end
  return { math.tointeger(tonumber(a)), math.tointeger(tonumber(b)), math.tointeger(tonumber(c)) }
end

function M.version_cmp(a, b)
  local x, y = M.version_parse(a), M.version_parse(b)
  for i = 1, 3 do
    if x[i] ~= y[i] then return x[i] < y[i] and -1 or 1 end
  end
  return 0
end

--- Today's date in China Standard Time (UTC+8), whatever TZ says: a package is valid through
--- its expiry date, Beijing time.
function M.today()
  return os.date("!%Y-%m-%d", os.time() + 8 * 3600)
end

-- ---------------------------------------------------------------- the registry

-- firm_level_outputs: present (true) only for a package whose signed manifest declares that its
-- results may carry firm-level register data, so `tuiyan list` can say so without a verify.
local ENTRY_ORDER = { "name", "version", "manifest_sha256", "key", "publisher", "expires",
  "firm_level_outputs", "log" }
local ENTRY_KEYS = {}
for _, k in ipairs(ENTRY_ORDER) do ENTRY_KEYS[k] = true end

function M.registry_path() return M.packages_dir() .. "/registry.json" end

--- read_registry() -> { entries sorted by name, then version }. A missing file is empty; a
--- damaged one is bad data (exit 3): tuiyan never guesses what is installed.
function M.read_registry()
  local path = M.registry_path()
  if io_native.kind(path) == nil then return {} end
  local text = M.ok(io_native.read_file(path, 64 << 20))
  local reg = M.ok(json.decode(text, path))
  local function bad(fmt, ...) fail("data", "%s: " .. fmt, path, ...) end
  if type(reg) ~= "table" or reg.format ~= 1 or type(reg.packages) ~= "table" then
    bad("expected {\"format\": 1, \"packages\": [...]}")
  end
  for k in pairs(reg) do
    if k ~= "format" and k ~= "packages" and k ~= "newest" then bad("unknown key \"%s\"", tostring(k)) end
  end
  -- The newest version of each package ever installed here (by the key that signed it): kept
  -- after `remove`, so that removing a version does not open the door to a rollback.
  local newest = {}
  for i, n in ipairs(type(reg.newest) == "table" and reg.newest or {}) do
    if type(n) ~= "table" or type(n.name) ~= "string" or not M.version_parse(n.version)
      or type(n.key) ~= "string" or not n.key:match("^" .. ("[0-9a-f]"):rep(64) .. "$") then
      bad("newest[%d]: damaged entry", i)
    end
    newest[n.name] = { version = n.version, key = n.key }
  end
  local entries = {}
  for i, e in ipairs(reg.packages) do
    if type(e) ~= "table" then bad("packages[%d]: expected an object", i) end
    for k in pairs(e) do
      if not ENTRY_KEYS[k] then bad("packages[%d]: unknown key \"%s\"", i, tostring(k)) end
    end
    if type(e.name) ~= "string" or not e.name:match("^[a-z][a-z0-9_%-]*$")
      or not M.version_parse(e.version)
      or type(e.manifest_sha256) ~= "string" or not e.manifest_sha256:match("^" .. ("[0-9a-f]"):rep(64) .. "$")
      or type(e.key) ~= "string" or not e.key:match("^" .. ("[0-9a-f]"):rep(64) .. "$")
      or type(e.publisher) ~= "string" or type(e.expires) ~= "string"
      or (e.firm_level_outputs ~= nil and e.firm_level_outputs ~= true) then
      bad("packages[%d]: damaged entry", i)
    end
    local log = {}
    for j, line in ipairs(e.log or {}) do
      if type(line) ~= "string" then bad("packages[%d].log[%d]: expected a string", i, j) end
      log[j] = line
    end
    entries[#entries + 1] = { name = e.name, version = e.version, manifest_sha256 = e.manifest_sha256,
      key = e.key, publisher = e.publisher, expires = e.expires, firm_level_outputs = e.firm_level_outputs,
      log = log }
  end
  M.sort_entries(entries)
  entries.newest = newest
  return entries
end

function M.sort_entries(entries)
  table.sort(entries, function(a, b)
    if a.name ~= b.name then return a.name < b.name end
    return M.version_cmp(a.version, b.version) < 0
  end)
end

--- write_registry(entries [, newest]) : newest (name -> {version, key}, as read) is raised to
--- every entry's version and written with them.
function M.write_registry(entries, newest)
  newest = newest or entries.newest or {}
  for _, e in ipairs(entries) do
    local n = newest[e.name]
    if not n or n.key ~= e.key or M.version_cmp(e.version, n.version) > 0 then
      newest[e.name] = { version = e.version, key = e.key }
    end
  end
  local names = {}
  for name in pairs(newest) do names[#names + 1] = name end
  table.sort(names)
  local newest_list = setmetatable({}, { __jsonarray = true })
  for i, name in ipairs(names) do
    newest_list[i] = setmetatable({ name = name, version = newest[name].version, key = newest[name].key },
      { __jsonorder = { "name", "version", "key" } })
  end
  M.sort_entries(entries)
  local order = { __jsonorder = ENTRY_ORDER }
  local list = setmetatable({}, { __jsonarray = true })
  for i, e in ipairs(entries) do
    local log = setmetatable({}, { __jsonarray = true })
    for j, line in ipairs(e.log or {}) do log[j] = line end
    list[i] = setmetatable({ name = e.name, version = e.version, manifest_sha256 = e.manifest_sha256,
      key = e.key, publisher = e.publisher, expires = e.expires, firm_level_outputs = e.firm_level_outputs or nil,
      log = log }, order)
  end
  local doc = setmetatable({ format = 1, packages = list, newest = newest_list },
    { __jsonorder = { "format", "packages", "newest" } })
  M.ok(io_native.write_atomic(M.registry_path(), json.encode(doc, true)))
end

--- The entries of one package, lowest version first.
function M.installed(entries, name)
  local out = {}
  for _, e in ipairs(entries) do
    if e.name == name then out[#out + 1] = e end
  end
  return out
end

-- ---------------------------------------------------------------- policy

local function label(info) return info.name .. " " .. info.version end

--- Checks that do not depend on what is installed: this tuiyan is new enough; the package has
--- not expired (refused unless allow_expired, which warns). Returns a list of log notes.
function M.check_package(info, where, allow_expired)
  local notes = {}
  if M.version_cmp(info.min_tuiyan, host.version) > 0 then
    fail("package", "%s: %s needs tuiyan %s or later; this is tuiyan %s", where, label(info),
      info.min_tuiyan, host.version)
  end
  local today = M.today()
  if info.expires < today then
    if not allow_expired then
      fail("package", "%s: %s expired on %s (its publisher, %s, set that date); ask them for a newer "
        .. "version, or accept it anyway with --allow-expired", where, label(info), info.expires, info.publisher)
    end
    M.warn("%s expired on %s; accepted because of --allow-expired", label(info), info.expires)
    notes[#notes + 1] = today .. " accepted after its expiry date " .. info.expires .. " (--allow-expired)"
  end
  return notes
end

--- Checks against what is installed: the same publisher key as before; no older version than
--- the newest installed and no different content under an installed version, unless
--- allow_downgrade (which warns and is logged). Returns action, notes: action is "same"
--- (identical version already there), "replace" (same version, other content) or "add".
function M.check_installed(info, entries, where, allow_downgrade)
  local mine = M.installed(entries, info.name)
  local notes, today = {}, M.today()
  local action = "add"
  for _, e in ipairs(mine) do
    if e.key ~= info.key then
      fail("package", "%s: %s is installed from key %s, but this package is signed by key %s; "
        .. "to change publisher, `tuiyan remove %s` first", where, info.name, M.fingerprint(e.key),
        M.fingerprint(info.key), info.name)
    end
  end
  for _, e in ipairs(mine) do
    if e.version == info.version then
      if e.manifest_sha256 == info.manifest_sha256 then return "same", notes end
      if not allow_downgrade then
        fail("package", "%s: %s is already installed with different content (manifest sha256 %s..., "
          .. "this one %s...): refused, a version's content never changes; --allow-downgrade replaces it",
          where, label(info), e.manifest_sha256:sub(1, 16), info.manifest_sha256:sub(1, 16))
      end
      M.warn("replacing the installed %s (manifest %s...) with different content (%s...) because of "
        .. "--allow-downgrade", label(info), e.manifest_sha256:sub(1, 16), info.manifest_sha256:sub(1, 16))
      notes[#notes + 1] = string.format("%s replaced content with manifest sha256 %s (--allow-downgrade)",
        today, e.manifest_sha256)
      action = "replace"
    end
  end
  -- The newest version installed now, or installed before by the same key and removed since.
  local newest, removed = mine[#mine] and mine[#mine].version, false
  local seen = entries.newest and entries.newest[info.name]
  if seen and seen.key == info.key and (not newest or M.version_cmp(seen.version, newest) > 0) then
    newest, removed = seen.version, true
  end
  if newest and M.version_cmp(info.version, newest) < 0 then
    local what = removed and ("%s, installed here before and removed since"):format(newest)
      or ("the installed %s"):format(newest)
    if not allow_downgrade then
      fail("package", "%s: %s is older than %s (a rollback): refused; "
        .. "--allow-downgrade installs it anyway", where, label(info), what)
    end
    M.warn("installing %s although it is older than %s, because of --allow-downgrade (run it as %s@%s)",
      label(info), what, info.name, info.version)
    notes[#notes + 1] = string.format("%s installed although %s was installed (--allow-downgrade)",
      today, newest)
  end
  return action, notes
end

--- Removes leftovers of interrupted installs and removals (call with the lock held).
function M.clean_temp(dir)
  for _, name in ipairs(M.ok(pkg.list_dir(dir))) do
    if name:match("^%.tmp%-") then pkg.remove_tree(dir .. "/" .. name) end
  end
end

return M
