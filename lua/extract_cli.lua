-- lua/extract_cli.lua — `tuiyan extract DOC [--out DIR] [--format csv|json|md|xlsx]`: a draft plan
-- from a plan's Chinese text (DOC: .txt in UTF-8, GB18030 or UTF-16, or a Word .docx;
-- stdlib/tuiyan/extract.lua, docs/extract.md); and
-- `tuiyan extract --check DOC.txt PLAN.csv`: the text's targets the plan lacks, and the plan's
-- targets the text does not support (exit 0 when they agree, 1 when not).
local host = require "_tuiyan.host"
local io_native = require "_tuiyan.io"

local M = {}

local FORMATS = { csv = "csv", json = "json", md = "md", xlsx = "xlsx" }
M.FORMATS = FORMATS   -- what --format takes: tuiyan help extract lists these (lua/commands.lua)

local function stem(path)
  local base = path:match("([^/]+)$") or path
  base = base:gsub("%.[^.]*$", "")
  base = base:gsub("[^%w_%-%.]", "_")
  if base == "" then base = "draft" end
  return base
end

function M.main(args)
  local cli = require "_host.cli"
  local rest, check = {}, false
  for i = 2, #args do
    if args[i] == "--check" then check = true else rest[#rest + 1] = args[i] end
  end
  local opts, pos = cli.parse(rest, 1)
  local tuiyan = require "tuiyan"
  tuiyan.options = opts
  local extract = tuiyan.extract
  local fmt = opts.format or "csv"
  if not FORMATS[fmt] then cli.usage_error("extract writes csv, json, md or xlsx, not %s", fmt) end
  if check then
    if #pos ~= 2 then cli.usage_error("extract --check needs the text and the plan: tuiyan extract --check DOC.txt PLAN.csv") end
    local _, _, draft = extract.file(pos[1])
    local plan, err = tuiyan.plan.load(pos[2])
    if not plan then error(err, 0) end
    local missing, unsupported = extract.check(draft, plan)
    local out = {}
    out[#out + 1] = ("%d targets in the text, %d of them not in the plan:"):format(#draft.targets, #missing)
    for _, t in ipairs(missing) do
      out[#out + 1] = ("  %s ¶%d line %d %s %d %s  「%s」"):format(t.id, t.para or 0, t.line or 0, t.name, t.year, t.cell,
        t.sentence)
    end
    out[#out + 1] = ("%d targets of the plan not supported by the text:"):format(#unsupported)
    for _, p in ipairs(unsupported) do
      out[#out + 1] = ("  %s %d %s"):format(p.id, p.year, p.cell)
    end
    io.stdout:write(table.concat(out, "\n"), "\n")
    return (#missing == 0 and #unsupported == 0) and 0 or 1
  end
  if #pos ~= 1 then cli.usage_error("extract takes one document: tuiyan extract DOC.txt|DOC.docx [--out DIR] [--format csv|json|md|xlsx]") end
  local doc = pos[1]
  if io_native.kind(doc) == "dir" then cli.usage_error("%s is a directory, not a text file", doc) end
  local _, unparsed, draft = extract.file(doc)
  local text = fmt == "csv" and extract.csv(draft) or fmt == "json" and extract.json(draft)
    or fmt == "xlsx" and extract.xlsx(draft) or extract.md(draft)
  if opts.out then
    local report = tuiyan.report
    report._begin()
    local ok, err = pcall(function()
      local name = stem(doc)
      report.emit(text, name, "text")
    end)
    if not ok then report._discard() error(err, 0) end
    -- report.emit(text) writes .txt; the draft keeps its format's extension instead
    local run = report._finish()
    for _, f in ipairs(run.files) do f.path = f.path:gsub("%.txt$", "." .. fmt) end
    if fmt == "csv" and #unparsed > 0 then   -- json, md and xlsx hold them already
      local lines = { "para,line,reason,sentence" }
      local function q(s) s = tostring(s or "") return '"' .. s:gsub('"', '""') .. '"' end
      for _, u in ipairs(unparsed) do lines[#lines + 1] = table.concat({ u.para or "", u.line or "", q(u.reason), q(u.sentence) }, ",") end
      run.files[#run.files + 1] = { path = opts.out .. "/" .. stem(doc) .. "_unparsed.csv", data = table.concat(lines, "\n") .. "\n" }
    end
    local written = report._publish({ doc }, opts.force, run.files)
    if not opts.quiet then for _, p in ipairs(written) do io.stderr:write("wrote ", p, "\n") end end
  else
    io.stdout:write(text)
  end
  if not opts.quiet then
    io.stderr:write(("%s: %d targets in %d rows; %d seen but not normalised%s\n"):format(doc, #draft.targets,
      (function() local n, seen = 0, {} for _, t in ipairs(draft.targets) do if not seen[t.id] then seen[t.id] = true n = n + 1 end end return n end)(),
      #unparsed, (#unparsed > 0 and fmt == "csv" and not opts.out) and " (--format md or json lists them)" or ""))
  end
  return 0
end

return M
