-- lua/outdir.lua — where a run's results may go, decided on canonical paths, never on spellings.
--
-- `--out county/../x` is refused as written: a `..` through a directory that does not exist yet
-- would be created by mkdir_p and then resolve somewhere the checks never looked. Without `..`,
-- the canonical form of a path that does not exist yet is the realpath of its longest existing
-- prefix plus the plain names after it (a name that does not exist cannot be a link), so every
-- check is exact before anything is created.
local host = require "_tuiyan.host"
local io_native = require "_tuiyan.io"

local M = {}

local function usage_error(fmt, ...)
  error(host.error(host.exit.usage, string.format(fmt, ...)), 0)
end

--- check_spelling(path, option): refuses an empty path and any `..` component (exit 2).
function M.check_spelling(path, option)
  if path == "" then usage_error("%s needs a directory", option) end
  for part in path:gmatch("[^/]+") do
    if part == ".." then
      usage_error("%s %s: a path with '..' is refused (name the directory itself)", option, path)
    end
  end
end

--- canonical(path) -> the absolute canonical path, whether or not it exists yet.
function M.canonical(path)
  local rest = {}
  local p = path
  while true do
    local real = io_native.realpath(p)
    if real then
      if #rest == 0 then return real end
      local tail = {}
      for i = #rest, 1, -1 do tail[#tail + 1] = rest[i] end
      return (real == "/" and "" or real) .. "/" .. table.concat(tail, "/")
    end
    local up, name = p:match("^(.*)/([^/]+)/*$")
    if not up then up, name = ".", p end
    if name ~= "." then rest[#rest + 1] = name end
    if up == "" then up = "/" end
    if up == p then return nil end
    p = up
  end
end

--- inside(path, dir) -> true when path is dir or beneath it (both canonical, dir may not exist).
function M.inside(path, dir)
  local a, b = M.canonical(path), M.canonical(dir)
  if not a or not b then return false end
  return a == b or a:sub(1, #b + 1) == (b == "/" and "/" or b .. "/")
end

--- check(opts): the rules for every command with --out: no `..`; never inside --data (the
--- county's inputs), the package store or the trusted keys (a result there would replace data,
--- break a verified package, or plant a key).
function M.check(opts)
  if opts.data then M.check_spelling(opts.data, "--data") end
  if not opts.out then return end
  M.check_spelling(opts.out, "--out")
  if opts.data and M.inside(opts.out, opts.data) then
    usage_error("--out %s is inside --data %s: results must go elsewhere", opts.out, opts.data)
  end
  local store = require "_host.package_store"
  local ok_p, packages = pcall(store.packages_dir)
  local ok_t, trusted = pcall(store.trusted_dir)
  if ok_p and M.inside(opts.out, packages:match("^(.*)/[^/]+$")) then
    usage_error("--out %s is inside tuiyan's package store %s: results must go elsewhere", opts.out, packages)
  end
  if ok_t and M.inside(opts.out, trusted) then
    usage_error("--out %s is inside tuiyan's trusted keys %s: results must go elsewhere", opts.out, trusted)
  end
  -- Nor may --out hold them: a result path or an earlier manifest's stale list (removed with
  -- --force) would then reach into them from above.
  if opts.data and M.inside(opts.data, opts.out) then
    usage_error("--out %s contains --data %s: results must go elsewhere", opts.out, opts.data)
  end
  if ok_p and M.inside(packages, opts.out) then
    usage_error("--out %s contains tuiyan's package store %s: results must go elsewhere", opts.out, packages)
  end
  if ok_t and M.inside(trusted, opts.out) then
    usage_error("--out %s contains tuiyan's trusted keys %s: results must go elsewhere", opts.out, trusted)
  end
end

--- lock(opts): one run at a time writes into --out. Takes the directory's writer lock for the
--- rest of the process (the kernel drops it when the process ends, however it ends): with
--- --wait a second run waits for the first, else it stops at once (exit 6) naming the holder.
--- Then removes the temps that killed runs left in the directory and its script folders.
function M.lock(opts)
  if not opts.out then return end
  -- The lock is named after the canonical path: two spellings of one directory (a link to it,
  -- a relative and an absolute path) must meet at the same lock.
  local canon = M.canonical(opts.out)
  if not canon then error(host.error(host.exit.output, ("--out %s: cannot resolve its path"):format(opts.out)), 0) end
  local parent = canon:match("^(.*)/[^/]+$")
  if parent and parent ~= "" then
    local ok, err = io_native.mkdir_p(parent)
    if not ok then error(err, 0) end
  end
  local held, holder = io_native.lock_out(canon, false)
  if not held and opts.wait then
    -- a wait with no word looks like a hang
    if not opts.quiet then
      io.stderr:write(("tuiyan: --out %s: waiting for another tuiyan run%s to finish\n"):format(opts.out,
        (holder and holder > 0) and (" (pid " .. holder .. ")") or ""))
    end
    held, holder = io_native.lock_out(canon, true)
  end
  if not held then
    error(host.error(host.exit.output, string.format("--out %s: another tuiyan run%s is writing there; "
      .. "wait for it to finish, or add --wait to wait for it", opts.out,
      (holder and holder > 0) and (" (pid " .. holder .. ")") or "")), 0)
  end
  io_native.sweep_temps(opts.out)
end

return M
