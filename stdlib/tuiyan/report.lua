-- tuiyan.report — turning results into text and files. Objects that know how to show themselves
-- (a Progress, a comparison, a tabular) have to_text / to_csv / to_json / to_md methods; this
-- module picks the format and the destination.
--
-- During a run (`tuiyan run`, `tuiyan progress`) files are staged, not written: the CLI publishes
-- them only when the whole run succeeded, each atomically, after checking that none would
-- overwrite an input and that existing results are replaced only with --force. Outside a run
-- (the REPL) report.write writes at once, atomically. A run also records the files it read
-- (report.input, called by the loaders such as tuiyan.plan.load) with their SHA-256, for the
-- batch manifest.
local io_native = require "_tuiyan.io"
local host = require "_tuiyan.host"

local M = {}

M.FORMATS = { text = "txt", csv = "csv", json = "json", md = "md", html = "html", svg = "svg", xlsx = "xlsx" }
M.FORMAT_NAMES = "text, csv, json, md, html, svg or xlsx"

-- CSV starts with a UTF-8 byte order mark unless --no-bom: without it Excel on a Chinese
-- Windows reads the file as GBK and shows the Chinese garbled. tuiyan's own readers skip it.
M.BOM = "\239\187\191"

local staging = nil     -- list of { path =, data = } while a run is in progress
local inputs = nil      -- list of { path =, sha256 =, bytes = } read during the run

local function fail(kind, fmt, ...)
  error(host.error(host.exit[kind], string.format(fmt, ...)), 3)
end

local function options()
  return require("tuiyan").options
end

--- render(obj [, format]) -> string. format defaults to the run's --format, then "text". CSV
--- gets a UTF-8 BOM unless the run has --no-bom; xlsx is the bytes of a workbook.
function M.render(obj, fmt)
  fmt = fmt or options().format or "text"
  if M.FORMATS[fmt] == nil then fail("usage", "unknown format '%s' (%s)", fmt, M.FORMAT_NAMES) end
  if fmt == "csv" and not options()["no-bom"] then return M.BOM .. M.render_plain(obj, fmt) end
  return M.render_plain(obj, fmt)
end

--- render_plain(obj, format) -> as render, without a BOM.
function M.render_plain(obj, fmt)
  if type(obj) == "string" then
    if fmt ~= "text" then fail("usage", "a plain string can only be written as text") end
    return obj
  end
  local method = obj["to_" .. fmt]
  if method == nil and fmt == "xlsx" and type(obj) == "table" then
    return require("tuiyan.xlsx").workbook(obj)
  end
  if type(method) ~= "function" then
    -- named by its kind, never by its text (a Progress's tostring is the whole table)
    local mt = getmetatable(obj)
    local kind = type(mt) == "table" and type(rawget(mt, "__name")) == "string" and rawget(mt, "__name")
    local can = {}
    for _, f in ipairs{ "text", "csv", "json", "md", "html", "svg", "xlsx" } do
      local ok, m = pcall(function() return obj["to_" .. f] end)
      if ok and type(m) == "function" then can[#can + 1] = f end
    end
    fail("usage", "a %s cannot be written as %s%s", kind and kind:gsub("^tuiyan%.", "") or type(obj), fmt,
      #can > 0 and (" (it can be: " .. table.concat(can, ", ") .. ")") or "")
  end
  return method(obj)
end

local function xlsx_needs_a_file(what)
  fail("usage", "%s: xlsx is a binary workbook, not for a terminal; give --out DIR (or write it with tuiyan.report.write(obj, \"x.xlsx\"))", what)
end

--- print(obj [, format]) : to standard output.
function M.print(obj, fmt)
  if (fmt or options().format) == "xlsx" then xlsx_needs_a_file("report.print") end
  io.stdout:write(M.render(obj, fmt))
end

local function stage_or_write(path, data)
  if staging then
    for _, s in ipairs(staging) do
      if s.path == path then fail("usage", "two results of this run would both be written to %s", path) end
    end
    staging[#staging + 1] = { path = path, data = data }
    return path
  end
  local ok, err = io_native.write_atomic(path, data)
  if not ok then error(err, 3) end
  return path
end

--- write(obj, path [, format]) : a result file; the format follows the extension unless given.
function M.write(obj, path, fmt)
  if not fmt then
    local ext = path:match("%.(%w+)$")
    for f, e in pairs(M.FORMATS) do if e == ext then fmt = f end end
    fmt = fmt or "text"
  end
  return stage_or_write(path, M.render(obj, fmt))
end

-- A bundle: several results that belong together, written as one document (one JSON object keyed
-- by part name; text and Markdown one after the other). CSV holds one table per file, so a bundle
-- in CSV becomes NAME_PART.csv files and needs --out.
local Bundle = {}
Bundle.__index = Bundle

--- bundle{ {name, obj}, ... } -> one result made of parts.
function M.bundle(parts)
  for i, p in ipairs(parts) do
    if type(p[1]) ~= "string" or p[2] == nil then error(("bundle: part %d must be {name, obj}"):format(i), 2) end
  end
  return setmetatable({ parts = parts }, Bundle)
end

function Bundle:to_text()
  local out = {}
  for i, p in ipairs(self.parts) do out[i] = M.render(p[2], "text") end
  return table.concat(out, "\n")
end

function Bundle:to_md()
  local out = {}
  for i, p in ipairs(self.parts) do out[i] = M.render(p[2], "md") end
  return table.concat(out, "\n")
end

--- sections() of every part, each part's title first: one HTML document.
function Bundle:html_sections()
  local out = {}
  for _, p in ipairs(self.parts) do
    local obj = p[2]
    if type(obj) == "table" and obj.html_sections then
      for _, sec in ipairs(obj:html_sections()) do out[#out + 1] = sec end
    else
      out[#out + 1] = { title = p[1], html = "<pre>" .. require("tuiyan.html").escape(M.render(obj, "text")) .. "</pre>" }
    end
  end
  return out
end

function Bundle:to_html()
  return require("tuiyan.html").document{ title = self.title or "tuiyan", sections = self:html_sections() }
end

--- to_xlsx() -> one workbook: every part's tables, each on its own sheet.
function Bundle:to_xlsx()
  return require("tuiyan.xlsx").workbook(self)
end

function Bundle:to_json()
  local json = require "_tuiyan.json"
  local obj, order = {}, {}
  for i, p in ipairs(self.parts) do
    obj[p[1]] = assert(json.decode(M.render(p[2], "json")))
    order[i] = p[1]
  end
  return json.encode(setmetatable(obj, { __jsonorder = order }), true)
end

--- emit(obj, name [, format]) : the result called `name` of a run. With --out DIR it becomes
--- DIR/name.<ext>; without, it is printed.
function M.emit(obj, name, fmt)
  fmt = fmt or options().format or "text"
  local out = options().out
  if getmetatable(obj) == Bundle and fmt == "csv" then
    if out == nil then fail("usage", "%s has several tables: CSV needs --out DIR (one file per table)", name) end
    for _, p in ipairs(obj.parts) do M.emit(p[2], name .. "_" .. p[1], fmt) end
    return nil
  end
  if out == nil and fmt == "xlsx" then xlsx_needs_a_file(tostring(name)) end
  local data = M.render(obj, fmt)
  if out == nil then
    io.stdout:write(data)
    return nil
  end
  if type(name) ~= "string" or not name:match("^[%w_%-%.]+$") then
    error("bad argument #2 to 'emit' (a file name of letters, digits, _ - . expected)", 2)
  end
  return stage_or_write(out .. "/" .. name .. "." .. M.FORMATS[fmt], data)
end

--- input(path [, data]) : records a file the current run read, with its SHA-256, for the
--- manifest of `tuiyan run --out` (loaders call it; a script that reads a file itself may too).
--- With `data`, that is what was read (embedded data: path "embedded:stdlib/data/..."). Outside
--- a run, or for a path already recorded or unreadable, it does nothing.
function M.input(path, data)
  if inputs == nil or type(path) ~= "string" then return end
  for _, i in ipairs(inputs) do if i.path == path then return end end
  local crypto = require "_tuiyan.crypto"
  local hash, bytes
  if type(data) == "string" then
    hash, bytes = crypto.sha256(data), #data
  else
    hash, bytes = crypto.sha256_file(path)
  end
  if hash then inputs[#inputs + 1] = { path = path, sha256 = hash, bytes = bytes } end
end

--- Starts staging (the CLI calls this before a run): results are held, inputs recorded.
function M._begin()
  staging, inputs = {}, {}
end

--- Ends staging and returns what the run staged and read: { files = { {path, data} },
--- inputs = { {path, sha256, bytes} } }, in the order they happened. Nothing is written.
function M._finish()
  local run = { files = staging or {}, inputs = inputs or {} }
  staging, inputs = nil, nil
  return run
end

--- Publishes what was staged (or `files`, from _finish): checks everything first, then writes
--- each file atomically. inputs: paths the run read; force: replace existing results.
--- manifest (optional): { path =, data = } written last, after an existing file at that path is
--- removed first, so a manifest never describes results that are not all in place.
--- Returns the paths written.
function M._publish(input_paths, force, files, manifest)
  files = files or staging or {}
  staging, inputs = nil, nil
  local all = {}
  for _, f in ipairs(files) do all[#all + 1] = f end
  if manifest then all[#all + 1] = manifest end
  for _, f in ipairs(all) do
    for _, input in ipairs(input_paths) do
      if io_native.same_file(f.path, input) then
        fail("usage", "refusing to write %s: it is an input of this run (%s)", f.path, input)
      end
    end
    local kind = io_native.kind(f.path)
    if kind == "dir" or kind == "other" then
      fail("output", "cannot write %s: it exists and is not a regular file", f.path)
    elseif kind == "file" and not force then
      fail("usage", "%s exists; use --force to replace it", f.path)
    end
  end
  if manifest and io_native.kind(manifest.path) == "file" then
    local ok, err = os.remove(manifest.path)
    if not ok then fail("output", "cannot replace %s: %s", manifest.path, err) end
  end
  local written = {}
  for _, f in ipairs(all) do
    local dir = f.path:match("^(.*)/[^/]*$")
    if dir and dir ~= "" then
      local ok, err = io_native.mkdir_p(dir)
      if not ok then error(err, 0) end
    end
    written[#written + 1] = f.path
  end
  -- All or nothing: every file is written and synced beside its target before any replaces it
  -- (the manifest, last in the list, last of all).
  local ok, err = io_native.write_all(all)
  if not ok then error(err, 0) end
  return written
end

--- Drops what was staged (a failed run publishes nothing).
function M._discard()
  staging, inputs = nil, nil
end

return M
