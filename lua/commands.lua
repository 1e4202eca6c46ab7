-- lua/commands.lua — every command and option of the command line, in one table, and the one
-- parser that reads them. The same table gives `tuiyan --help`, `tuiyan help CMD` (= `CMD --help`),
-- the man page (tools/manpage.lua reads those texts) and the bash completion (completion/tuiyan.bash
-- asks `tuiyan --complete`), so none of them can disagree with what a command accepts.
--
-- Adding a command is one entry in COMMANDS: its name, `module` (a host module whose main(args)
-- runs it; args[1] is the command's name) or `fn` (a function of lua/cli.lua), `usage` lines,
-- `summary` (the line of --help), `args` (min, max positionals), `options` (names from OPTIONS, or
-- { name, "this command's help line" }), `formats` when it takes --format, `files` (what its
-- positionals complete to) and `help` (the text after the usage and before the options).
-- A new option is one entry in OPTIONS. Unknown commands, options and topics get a "did you
-- mean" (core/suggest.c through _tuiyan.text.closest).
local host = require "_tuiyan.host"

local M = {}

local function usage_error(fmt, ...)
  error(host.error(host.exit.usage, string.format(fmt, ...) .. " (see tuiyan --help)"), 0)
end
M.usage_error = usage_error

--- hint(word, names) -> "; did you mean 'x'?" for the name closest to a misspelt word, or "".
function M.hint(word, names, prefix)
  local best = require("_tuiyan.text").closest(word, names)
  return best and ("; did you mean '%s%s'?"):format(prefix or "", best) or ""
end

-- ---------------------------------------------------------------------------------------------
-- Options: name -> { value = "WHAT" (takes a value), repeatable, short = "o", help, complete }.
-- complete: what the value completes to: "dir", "file", a list of extensions, or nil (nothing).

M.OPTIONS = {
  out = { value = "DIR", complete = "dir", help = "write results into DIR (atomically; nothing on failure)" },
  format = { value = "FMT", help = "the output format" },
  ["no-bom"] = { help = "CSV without the UTF-8 byte order mark (which Excel needs to read Chinese)" },
  ["as-of"] = { value = "YEAR", help = "measure progress as of YEAR (default: latest actual)" },
  set = { value = "NAME=VALUE", repeatable = true, help = "override a parameter or lever (repeatable)" },
  seed = { value = "N", help = "random seed (default 1, every script starts from it)" },
  samples = { value = "N", help = "Monte Carlo samples" },
  data = { value = "DIR", complete = "dir", help = "a county's data directory: a package scenario reads its files there first" },
  limit = { value = "NAME=VALUE", repeatable = true,
    help = "a sandbox limit for a package scenario (cpu_seconds, wall_seconds, memory_mb, ...)" },
  force = { help = "replace existing result files" },
  quiet = { help = "no progress messages on stderr" },
  wide = { help = "text tables with every column at full width (else they fit COLUMNS or the terminal)" },
  wait = { help = "when another run is writing into --out, wait for it instead of stopping" },
  peers = { value = "FILE", complete = { "csv" }, help = "other regions' values (region,id,actual_YYYY...) to rank rank targets among" },
  region = { value = "NAME", help = "this plan's region in the --peers file (left out of its peers)" },
  shard = { value = "I/N", help = "the I-th of N parts of the run's units (scripts, items of tuiyan.shard lists); join with tuiyan merge" },
  ["samples-range"] = { value = "A..B", help = "samples A..B-1 of every Monte Carlo run, as mergeable state (tuiyan merge)" },
  check = { help = "compare the text with a plan instead of drafting one" },
  param = { value = "NAME=LO..HI", repeatable = true, help = "a parameter to fit, within its bounds (repeatable)" },
  years = { value = "A-B", help = "the years of actuals to fit to (e.g. 2016-2021)" },
  weight = { value = "ID=W", repeatable = true, help = "the weight of an indicator's relative errors in the fit (default 1; 0 leaves it out)" },
  criteria = { value = "hte|tsme", help = "the criteria: hte (high-tech enterprise) or tsme (科技型中小企业)" },
  policy = { value = "NAME", help = "the support policy whose rules register pay applies firm by firm (wuwei)" },
  reform = { value = "REFORM.lua", complete = { "lua" }, help = "a reform: the policy with changed rule parameters, compared firm by firm" },
  output = { value = "FILE", short = "o", complete = "file", help = "the package file to write" },
  key = { value = "SECRET.key", complete = { "key" }, help = "the secret key that signs (from tuiyan keygen)" },
  trust = { value = "PUB.pub", repeatable = true, complete = { "pub" },
    help = "also trust this public key (repeatable); install saves it to the trusted keys" },
  ["allow-downgrade"] = { help = "accept an older version, or other content under an installed version" },
  ["allow-expired"] = { help = "accept a package past its expiry date" },
  ["max-bytes"] = { value = "N", help = "refuse a package of more than N bytes in all (default 256 MiB)" },
  ["max-file-bytes"] = { value = "N", help = "refuse a package with a file of more than N bytes" },
  ["max-files"] = { value = "N", help = "refuse a package of more than N files (default 4096)" },
}

-- Every command takes --help and -h (its help text, exit 0); they are not in its list.
local HELP_OPTION = { help = "this text" }

local ALL_FORMATS = { "text", "csv", "json", "md", "html", "svg", "xlsx" }

-- The formats a command writes: its list, or (formats = "module") those its module's FORMATS
-- table names, so a command that learns a format says so in one place.
local function formats_of(cmd)
  local f = cmd.formats
  if f ~= "module" then return f end
  local ok, mod = pcall(require, cmd.module)
  local t = ok and type(mod) == "table" and rawget(mod, "FORMATS")
  local out = {}
  for _, name in ipairs(ALL_FORMATS) do if type(t) == "table" and t[name] then out[#out + 1] = name end end
  return out
end
M.formats_of = formats_of

-- ---------------------------------------------------------------------------------------------
-- Commands, in the order `tuiyan --help` lists them.

M.COMMANDS = {
  { name = "repl", fn = "repl", args = { 0, 0 },
    usage = { "tuiyan repl", "tuiyan" }, summary = "interactive REPL (also: tuiyan alone); help() inside it",
    options = {},
    help = [[
An interactive session with the global `tuiyan`.
  an expression prints its value; a statement not yet finished continues on the next line (>>)
  help() lists the modules; help(x) documents a function, module or object: help(tuiyan.plan.load)
  Tab completes globals, fields, methods (p:pro<Tab>), model elements (m.v.<Tab>), inside a
  string argument the indicator ids of the plan (p:actual("rd<Tab>), a Chinese indicator name
  to its id (p:actual("高新<Tab>) or the model's elements; any other string: file names
  objects print as an analyst reads them: a plan as its title and indicators, a model as its
  elements and assumptions, a scenario as its overrides, a policy as its rules, a city as its
  regions; `p = tuiyan.plan.load("x.csv")` that fails shows the error at once
  Ctrl-C stops running code or clears the line; Ctrl-D leaves
  history: $XDG_DATA_HOME/tuiyan/history (default ~/.local/share/tuiyan/history), last 1000 entries
When standard input is not a terminal, lines are read plainly: no prompt, no echo, no history;
the exit code is then that of the first error (0 if none).
]] },

  { name = "run", fn = "run", args = { 1, math.huge, need = "a script" }, files = { "lua" }, packages = true,
    usage = { "tuiyan run SCRIPT.lua [ARGS...] [options]", "tuiyan run A.lua B.lua ... [-- ARGS...] [options]",
      "tuiyan run NAME[@VERSION]:SCENARIO [ARGS...] [--data DIR] [--limit NAME=VALUE]... [options]" },
    summary = "run a script, a batch, or a package's scenario (sandboxed)",
    options = { "out", "format", "no-bom", "wide", "set", "seed", "samples", "as-of", "data", "limit",
      "force", "quiet", "wait", "shard", "samples-range" },
    formats = ALL_FORMATS,
    help = [[
The script is ordinary Lua 5.4 with the global `tuiyan` and `arg` ({[0]=script, ...}).
tuiyan.report.emit(obj, "name") prints a result, or with --out DIR stages DIR/name.<ext>;
staged results are written only if the script succeeds. Which formats a result can take depends
on the object (a Progress: not svg); one that cannot is exit 2 naming the object and the format.

Several scripts: when every word before `--` ends in .lua, each is a script of one batch, run in
order, each in its own global environment, each starting from the same seed (--seed N, default 1).
Words after `--` are the scripts' `arg` (so `tuiyan run a.lua -- b.lua` passes b.lua to a.lua).
A failing script does not stop the batch; the exit code is that of the first failure.
With --out DIR a batch writes DIR/SCRIPT/name.<ext> per script (one script: DIR/name.<ext>) and
DIR/manifest.json: tuiyan's version, the command, the seed, every input (scripts, plans and data
files read) and output with its SHA-256, and each script's status or error. A failed script's
results are not written; the manifest says "complete": false and names it. The manifest is written
last, and an old one is removed first, so a manifest never describes results that are not there.
--quiet: no "wrote" lines and no progress bar (the bar shows on a terminal for batches).

NAME[@VERSION]:SCENARIO runs an installed package's scenario in the sandbox (tuiyan help package);
a word with a '/' or ending in .lua is always a script.

Shards: --shard I/N --out DIR runs the I-th of N parts. Units, numbered in order: each script,
except that a script calling tuiyan.shard(list) in its own text runs in every shard and each item
of its lists is a unit (tuiyan.shard returns this shard's items); unit u goes to shard
(u - 1) % N + 1. --samples-range A..B runs samples A..B-1 (A and B multiples of 8192, or B the
run's samples) of every Monte Carlo run and writes their mergeable state instead of the reports.
Join the parts with tuiyan merge (tuiyan help merge).
]] },

  { name = "merge", module = "_host.merge", args = { 1, math.huge, need = "the shards' folders" }, files = "dir",
    usage = { "tuiyan merge DIR... --out OUT [--force] [--quiet] [--wait]" },
    summary = "join the results of --shard / --samples-range runs",
    options = { "out", "force", "quiet", "wait" },
    help = [[
Checks every shard's files against its manifest (exit 3 naming the file for a hash mismatch, a
missing or duplicate shard, shards of different runs) and writes what one run would have: the
same files, byte for byte, and its manifest (with SOURCE_DATE_EPOCH set, identical to an
unsharded run's given --out OUT in the same place of the command). The settings (--set, --seed,
--samples, --format) are the shards' own.
]] },

  { name = "progress", fn = "progress", args = { 0, 1, most = "at most one plan file" }, files = { "csv", "json", "xlsx" },
    usage = { "tuiyan progress [PLAN] [options]" },
    summary = "where a plan stands (default: the embedded Wuwei plan)",
    options = { "as-of", "format", "no-bom", "wide", "out", "force", "peers", "region", "quiet", "wait" },
    formats = { "text", "csv", "json", "md", "html", "xlsx" },
    help = [[
PLAN: a .csv, .json or .xlsx plan file (book.xlsx#Sheet for another sheet; tuiyan help plan).
For each indicator and target: base and latest actual, the change needed per year and the growth
rate needed from the latest actual to reach the target, the actual rate so far, the projection to
the target year, progress P = (projected − base)/(target − base), completion − time share (序时进度),
and a status: achieved, exceeded (a range's stretch met), on_track (P ≥ 0.95), behind
(0.10 ≤ P < 0.95), stalled, regressing, no_trend (only one actual), missed (the target year has
passed and its own actual falls short), no_data (no actual for the target year, or none at all),
pending / overdue (milestones). Every target shows the words it was written in beside the
threshold they resolve to (tuiyan help targets).
Rank targets (前3位): without peers the row's values are published ranks. With --peers, a CSV of
the other regions' values (region,id,actual_YYYY...), a rank target's row holds the indicator's
values and is ranked among the peers each year (1 + the peers strictly better; a year a peer
lacks is not ranked); each region is projected to the target year by the row's trend, giving the
projected rank and the value that reaches rank N. --region names this plan's own row in the
peers file (it is left out).
With --out DIR the report is written to DIR/progress.<ext>; xlsx needs --out.
]] },

  { name = "check", module = "_host.check", args = { 1, math.huge, need = "at least one file" }, files = "file",
    usage = { "tuiyan check FILE... [--quiet]" },
    summary = "validate plans, data files and scripts without running them",
    options = { "quiet" },
    help = [[
Validates without running an analysis, and lists every problem of every file as file:line:col:
  .csv    a plan, read as tuiyan.plan.load reads it; every bad cell is listed, not only the first
  .xlsx   a plan in a workbook (book.xlsx#Sheet): its first problem, at its sheet and cell
  .json   a plan when it has "indicators" (every bad actual or target value listed), else
          any strict JSON document
  .lua    compiled, never run. A module (a file whose last statement is `return ...`) is loaded,
          and when it returns a model, or a table whose build() makes one, the model is built and
          compiled (units, cycles, unknown names). Local modules a file requires and plan files it
          names literally (tuiyan.plan.load("plan.csv")) are checked too. Inside a package (a
          tuiyan-package.json above the file) modules are those its manifest names.
Exit 0 when all is well, else the most severe code found: 3 (bad data) over 1 (a script or model
does not compile) over 2 (a file is missing or of an unknown kind).
]] },

  { name = "extract", module = "_host.extract_cli", args = { 1, 2, need = "a document" }, files = { "txt", "docx", "csv" },
    usage = { "tuiyan extract DOC.txt|DOC.docx [--out DIR] [--format FMT] [--force] [--quiet]",
      "tuiyan extract --check DOC.txt PLAN.csv" },
    summary = "draft a plan file from a plan's Chinese text",
    options = { "check", "out", "format", "force", "quiet" },
    formats = "module",   -- lua/extract_cli.lua's FORMATS
    help = [[
Reads a plan's text (UTF-8; GB18030/GBK or UTF-16 with a BOM converted, with a notice; or a
Word .docx, one line per paragraph) and writes a draft plan (--format xlsx, with --out: a
workbook whose first sheet is the plan, tuiyan progress reads it):
one row per indicator, each quantitative target in its target_YYYY column in the cell forms
of `tuiyan help targets` (达到100家, 突破600家, 新增30家以上, 提高1.5个百分点, 增长20%, 1-2个,
获批), and target_YYYY_note giving ¶paragraph, line, a confidence and the sentence. Every cell is
checked with the plan reader's own parser; targets seen but not written are listed (--format md
or json; with --out, DIR/NAME_unparsed.csv). Add the actuals and `tuiyan progress` reads it.
--check: the text's targets the plan lacks, and the plan's targets the text does not support
(exit 0 when they agree, 1 when not). In Lua: tuiyan.extract.text(s [, opts]). See docs/extract.md.
]] },

  { name = "calibrate", module = "_host.calibrate_cli", args = { 2, 2, need = "a model and a plan" },
    files = { "lua", "csv", "json", "xlsx" },
    usage = { "tuiyan calibrate MODEL PLAN [--param NAME=LO..HI]... [--years A-B] [--weight ID=W]... [options]" },
    summary = "fit a model's parameters to a plan's actuals",
    options = { "param", "years", "weight", "set", "format", "no-bom", "wide", "out", "force", "quiet", "wait" },
    formats = ALL_FORMATS,
    help = [[
MODEL: a standard model's name (wuwei) or a .lua file returning a model (or a table whose
build(opts) makes one). PLAN: the plan whose actuals the model is fitted to. Weighted least
squares on relative errors, (fitted - actual) / actual, over the indicator-years of --years
(default: every year with an actual); the model runs from the first year with its starting
points set to the plan's actuals of that year, and residuals count from the next year.
--param NAME=LO..HI fits NAME within [LO, HI]; --param NAME takes the range of its judgement
distribution; without --param, the model's own default set. --set NAME=VALUE fixes a value for
the fit (the start year's GDP, say). The report gives each parameter's estimate ± standard error
(s²(JᵀJ)⁻¹), the bounds that bind, the strongest correlation, the residual of every
indicator-year and (html, svg) charts of fitted against actual. --format json is the fit file;
with --out DIR it is also written to DIR/fit.json, which Monte Carlo reads back:
tuiyan run scenarios/wuwei_uncertainty.lua DIR/fit.json. csv and svg need --out.
An unknown parameter or LO >= HI: exit 2; too few actuals for the parameters: exit 3.
]] },

  { name = "register", module = "_host.register_cli", args = { 1, 1, need = "a register file" },
    files = { "csv", "xlsx" }, subcommands = { "check", "pay", "pipeline" },
    usage = { "tuiyan register check FILE.csv|FILE.xlsx [--criteria hte|tsme] [options]",
              "tuiyan register pay FILE.csv|FILE.xlsx [--policy wuwei] [--reform REFORM.lua] [options]",
              "tuiyan register pipeline FILE.csv|FILE.xlsx [--criteria hte|tsme] [options]" },
    summary = "check a firm register against the high-tech criteria; price the support policy firm by firm; the pipeline's rates",
    options = { "criteria", "policy", "reform", "format", "no-bom", "wide", "out", "force", "quiet", "wait" },
    formats = { "text", "csv", "json", "md", "html", "xlsx" },
    help = [[
Every firm's verdict against the high-tech enterprise criteria (--criteria hte, the default) or
the 科技型中小企业 criteria (tsme), its shortfalls, and the 高企后备 list. Text, Markdown and
HTML show both tables; JSON is the firms in file order; CSV and xlsx need --out (CSV: one file
per table). See docs/registers.md.
FILE: one row per firm and application year: credit_code, name, year (required), county,
registered, applied, staff, st_staff, revenue_1..3, rd_1..3 (_3 the latest year), rd_domestic,
hitech_revenue, assets, ip_core or ip_invention/ip_utility/ip_design/ip_software, score,
tsme_score, hte_certified, hte_year, award, rd_institution, standard_led, x_… (or 统一社会信用代码,
企业名称, 研发费用_1…). Amounts in 万元, or 元 declared in the header: rd_1(元). A bad
统一社会信用代码 (GB 32100-2015 check character), number, date or unit, an unknown or missing
column, or a firm twice in one year: exit 3 at file:line:col. The criteria, each with its
article: stdlib/tuiyan/criteria/hte.lua, tsme.lua. The 后备 rank, within each year: fewest
criteria unmet, then the smallest share of the thresholds missing.
register pay: the support policy's firm-level rules (stdlib/tuiyan/policy/wuwei_firms.lua: R7a
20 万元 once per firm meeting every 高企 criterion, paid the next year; R8's steps on rd_3, paid
in the R&D year), each firm-year's amount by rule and payment year, totals by rule and by county;
the rules a register cannot price are listed with why. --reform REFORM.lua (returns { name =,
changes = { R7a = { amount = 30 } } }): the reform against the policy, firm by firm: the cost
change by rule and county, winners and losers (examples/reforms/wuwei_r7a30.lua). Every
assumption is labelled in the output. A bad reform file: exit 3 at file:line.
register pipeline: a register of several years (with hte_certified, and hte_year for renewals)
joined year to year on the credit code: promotion from the pool, pool exits, high-tech exits,
renewals and entries, each k of n with its 95 % interval (Wilson; exact Poisson for counts),
pooled and by year; the chance of certification by criteria unmet (--criteria); and next year's
high-tech count summed firm by firm. In Lua, P:use_in(model) puts the rates in the standard
model (docs/registers.md, "From the pool to the plan").
]] },

  { name = "keygen", module = "_host.package_cli", args = { 1, 1, need = "a NAME for NAME.key and NAME.pub" },
    usage = { "tuiyan keygen NAME [--quiet]" },
    summary = "a signing key pair: NAME.key (secret) and NAME.pub",
    options = { "quiet" },
    help = [[
Makes a key pair once, for a city bureau that signs packages: NAME.key (secret: keep it private,
it signs your packages; written mode 0600) and NAME.pub (public: give it to the counties). An
existing file of either name is never overwritten. Prints the key's fingerprint.
]] },

  { name = "pack", module = "_host.package_cli", args = { 1, 1, need = "the package directory" }, files = "dir",
    usage = { "tuiyan pack DIR -o FILE.tpkg --key SECRET.key [options]" },
    summary = "sign a package directory into FILE.tpkg",
    options = { "output", "key", { "force", "replace an existing FILE.tpkg" }, "quiet",
      "max-bytes", "max-file-bytes", "max-files" },
    help = [[
Signs DIR, which holds tuiyan-package.json (name, version, publisher, expires, scenarios,
modules, data) and the files it names, into one FILE.tpkg. The secret key must be readable by
its owner only (chmod 600). FILE.tpkg may not be inside DIR. A package past its expiry date is
packed with a warning: counties refuse it without --allow-expired.
]] },

  { name = "verify", module = "_host.package_cli", args = { 1, 1, need = "a package file" }, files = { "tpkg" },
    usage = { "tuiyan verify FILE.tpkg [--trust PUB.pub]... [options]" },
    summary = "check a package without installing it",
    options = { "trust", "allow-downgrade", "allow-expired", "quiet", "max-bytes", "max-file-bytes", "max-files" },
    help = [[
Checks FILE.tpkg against the trusted keys ($XDG_CONFIG_HOME/tuiyan/trusted, and --trust) without
installing it: the signature, every file's hash and size, safe paths (no links, devices, ..),
the version against what is installed, and the expiry date. Exit 4 when it does not verify.
]] },

  { name = "install", module = "_host.package_cli", args = { 1, 1, need = "a package file" }, files = { "tpkg" },
    usage = { "tuiyan install FILE.tpkg [--trust PUB.pub]... [options]" },
    summary = "verify a package, then install it",
    options = { "trust", "allow-downgrade", "allow-expired", "quiet", "max-bytes", "max-file-bytes", "max-files" },
    help = [[
Verifies FILE.tpkg as tuiyan verify does, then installs it into $XDG_DATA_HOME/tuiyan/packages
(one version beside another; the same content again is a no-op). --trust adds the key to the
trusted keys ($XDG_CONFIG_HOME/tuiyan/trusted) once the install succeeded. Exit 4 when it does
not verify or policy refuses it (an older version: --allow-downgrade; expired: --allow-expired).
]] },

  { name = "list", module = "_host.package_cli", args = { 0, 0 },
    usage = { "tuiyan list" },
    summary = "the installed packages",
    options = {},
    help = [[
One line per installed package version. Run one of its scenarios with
tuiyan run NAME[@VERSION]:SCENARIO (tuiyan help package).
]] },

  { name = "remove", module = "_host.package_cli", args = { 1, 1, need = "a package NAME[@VERSION]" }, packages = "names",
    usage = { "tuiyan remove NAME[@VERSION] [--quiet]" },
    summary = "remove an installed package (or one version)",
    options = { "quiet" },
    help = [[
Removes one version (NAME@VERSION) or every version of an installed package, each in one rename
and then from the registry, so a package is never half there.
]] },

  { name = "help", fn = "help", args = { 0, 1, most = "one topic" }, topics = true,
    usage = { "tuiyan help [TOPIC | COMMAND | LUA.NAME]" },
    summary = "this text, a command's or a topic's",
    options = {},
    help = [[
Without a topic: tuiyan --help. A command: the same text as tuiyan COMMAND --help. A topic: plan,
targets, package, exit. A Lua name: its documentation (tuiyan help tuiyan.plan.load). An unknown
topic is exit 2.
]] },

  { name = "version", fn = "version", args = { 0, 0 },
    usage = { "tuiyan version" }, summary = "tuiyan's version (also --version, -v)",
    options = {},
    help = "Prints tuiyan's version and the Lua it embeds.\n" },
}

M.BY_NAME = {}
for _, c in ipairs(M.COMMANDS) do M.BY_NAME[c.name] = c end

--- available(cmd) -> true when this build has the command (its module is compiled in).
function M.available(cmd)
  return cmd.fn ~= nil or package.preload[cmd.module] ~= nil
end

--- command_names() -> { name, ... } every command this build has, in --help order.
function M.command_names()
  local out = {}
  for _, c in ipairs(M.COMMANDS) do if M.available(c) then out[#out + 1] = c.name end end
  return out
end

-- The options of a command: list of { name, spec, help } in its order.
local function options_of(cmd)
  local out = {}
  for _, o in ipairs(cmd.options) do
    local name, help = o, nil
    if type(o) == "table" then name, help = o[1], o[2] end
    local spec = assert(M.OPTIONS[name], "commands.lua: no option " .. tostring(name))
    out[#out + 1] = { name = name, spec = spec, help = help or spec.help }
  end
  return out
end
M.options_of = options_of

-- "text, csv or json"
local function word_list(list, conj)
  if #list == 1 then return list[1] end
  return table.concat(list, ", ", 1, #list - 1) .. " " .. (conj or "or") .. " " .. list[#list]
end
M.word_list = word_list

local function format_help(cmd)
  local s = word_list(formats_of(cmd))
  for _, f in ipairs(formats_of(cmd)) do
    if f == "xlsx" then s = s .. " (xlsx needs --out)" end
    if f == "svg" then s = s .. "; svg: charts" end
  end
  return s
end

-- ---------------------------------------------------------------------------------------------
-- The parser

--- parse(cmd_name, args, first) -> opts, positionals, n_before.
--- Options may come anywhere after the command; "--" ends them (n_before: positionals before it,
--- all of them when there is none). Values are strings (a repeatable option: a list); flags true.
--- -h / --help are seen before (wants_help) and give the command's help text.
--- Refused, exit 2: an option this command does not take ("progress does not take --samples"),
--- an unknown option (with a did-you-mean among the command's options), a value missing, a flag
--- given a value, an option given twice, too few or too many positionals, a --format the command
--- does not write.
function M.parse(cmd_name, args, first)
  local cmd = M.BY_NAME[cmd_name]
  if not cmd then usage_error("unknown command '%s'%s", tostring(cmd_name), M.hint(tostring(cmd_name), M.command_names())) end
  local allowed, short, names = {}, {}, {}
  for _, o in ipairs(options_of(cmd)) do
    allowed[o.name] = o.spec
    names[#names + 1] = o.name
    if o.spec.short then short[o.spec.short] = o.name end
  end
  local opts, pos = {}, {}
  for name, spec in pairs(allowed) do if spec.repeatable then opts[name] = {} end end
  local n_before = nil
  local i = first or 2
  while i <= #args do
    local a = args[i]
    if a == "--" then
      n_before = #pos
      for j = i + 1, #args do pos[#pos + 1] = args[j] end
      break
    end
    local name, inline = a:match("^%-%-([%w][%w%-]*)=(.*)$")
    if not name then name = a:match("^%-%-([%w][%w%-]*)$") end
    if not name and a:match("^%-%a$") then
      if a == "-h" then name = "help" else name = short[a:sub(2)] end
      if not name then
        usage_error("%s does not take %s%s", cmd.name, a, M.hint(a:sub(2), names, "--"))
      end
    end
    if name == "help" then
      usage_error("%s: --help is not an option here (tuiyan help %s)", cmd.name, cmd.name)
    elseif name then
      local spec = allowed[name]
      if not spec then
        if M.OPTIONS[name] then usage_error("%s does not take --%s", cmd.name, name) end
        usage_error("unknown option --%s%s", name, M.hint(name, names, "--"))
      end
      local value
      if spec.value then
        value = inline
        if value == nil then
          i = i + 1
          value = args[i]
          if value == nil then usage_error("--%s needs a value (%s)", name, spec.value) end
        end
        if value == "" then usage_error("--%s needs a value (%s)", name, spec.value) end
      elseif inline then
        usage_error("--%s takes no value", name)
      else
        value = true
      end
      if spec.repeatable then
        opts[name][#opts[name] + 1] = value
      else
        if opts[name] ~= nil then usage_error("--%s given twice", name) end
        opts[name] = value
      end
    elseif a:match("^%-%-") or (a:match("^%-") and a ~= "-" and not a:match("^%-%d")) then
      usage_error("unknown option %s%s", a, M.hint((a:gsub("^%-+", "")), names, "--"))
    else
      pos[#pos + 1] = a
    end
    i = i + 1
  end
  local lo, hi = cmd.args[1], cmd.args[2]
  if #pos < lo then
    usage_error("%s needs %s: %s", cmd.name, cmd.args.need or "more arguments", cmd.usage[1])
  elseif #pos > hi then
    usage_error("%s takes %s, got %d: %s", cmd.name, hi == 0 and "no arguments"
      or cmd.args.most or ("at most %d argument%s"):format(hi, hi == 1 and "" or "s"), #pos, cmd.usage[1])
  end
  if opts.format then
    local ok = false
    local formats = formats_of(cmd) or {}
    for _, f in ipairs(formats) do if f == opts.format then ok = true end end
    if not ok then
      local known = false
      for _, f in ipairs(ALL_FORMATS) do if f == opts.format then known = true end end
      usage_error("%s writes %s, not %s%s", cmd.name, word_list(formats), opts.format,
        known and "" or M.hint(opts.format, formats))
    end
  end
  return opts, pos, n_before or #pos
end

--- wants_help(args, first) -> true when -h or --help comes among the options (before "--"; never
--- as the value of an option that takes one): the dispatcher prints the command's help instead.
function M.wants_help(args, first)
  local i = first or 2
  while i <= #args do
    local a = args[i]
    if a == "--" then return false end
    if a == "-h" or a == "--help" then return true end
    local name = a:match("^%-%-([%w][%w%-]*)$")
    local spec = name and M.OPTIONS[name] or (a == "-o" and M.OPTIONS.output)
    if spec and spec.value then i = i + 1 end
    i = i + 1
  end
  return false
end

-- ---------------------------------------------------------------------------------------------
-- Help texts

local function option_lines(cmd, with_help)
  local lines, rows = {}, {}
  for _, o in ipairs(options_of(cmd)) do
    local left = (o.spec.short and ("-" .. o.spec.short .. ", ") or "") .. "--" .. o.name
      .. (o.spec.value and (" " .. o.spec.value) or "")
    local help = o.name == "format" and cmd.formats and format_help(cmd) or o.help
    rows[#rows + 1] = { left, help }
  end
  if with_help then rows[#rows + 1] = { "-h, --help", HELP_OPTION.help } end
  local w = 0
  for _, r in ipairs(rows) do w = math.max(w, #r[1]) end
  w = math.max(w, 20)
  for _, r in ipairs(rows) do lines[#lines + 1] = ("  %-" .. w .. "s  %s"):format(r[1], r[2]) end
  return table.concat(lines, "\n")
end

--- command_help(name) -> the text of `tuiyan help NAME` and `tuiyan NAME --help`, or nil.
function M.command_help(name)
  local cmd = M.BY_NAME[name]
  if not cmd then return nil end
  local out = { table.concat(cmd.usage, "\n"), "", (cmd.help:gsub("\n$", "")) }
  out[#out + 1] = ""
  out[#out + 1] = "options:"
  out[#out + 1] = option_lines(cmd, true)
  return table.concat(out, "\n") .. "\n"
end

--- usage_block() -> the lines of --help's "usage:" block: each command's first usage and summary.
function M.usage_block()
  local rows = {}
  for _, c in ipairs(M.COMMANDS) do
    if M.available(c) then rows[#rows + 1] = { c.usage[1]:gsub(" %[options%]$", ""):gsub(" %[%-%-quiet%]$", ""), c.summary } end
  end
  local lines = {}
  for _, r in ipairs(rows) do
    if #r[1] <= 36 then lines[#lines + 1] = ("  %-36s %s"):format(r[1], r[2])
    else lines[#lines + 1] = "  " .. r[1]; lines[#lines + 1] = ("  %-36s %s"):format("", r[2]) end
  end
  return table.concat(lines, "\n")
end

--- options_block() -> every option once, with its help and the commands that take it.
function M.options_block()
  local users, order = {}, {}
  for _, c in ipairs(M.COMMANDS) do
    for _, o in ipairs(M.available(c) and options_of(c) or {}) do
      if not users[o.name] then users[o.name] = {}; order[#order + 1] = o.name end
      local u = users[o.name]
      u[#u + 1] = c.name
    end
  end
  table.sort(order)
  local lines = {}
  for _, name in ipairs(order) do
    local spec = M.OPTIONS[name]
    -- "--name VALUE  text" (tools/manpage.lua reads these lines; a short form goes in the text)
    local left = "--" .. name .. (spec.value and (" " .. spec.value) or "")
    local help = name == "format" and "the output format (each command's help lists those it writes)" or spec.help
    if spec.short then help = ("(-%s) %s"):format(spec.short, help) end
    local u = users[name]
    local who = #u > 5 and "" or (" [" .. table.concat(u, ", ") .. "]")   -- the few that take it
    lines[#lines + 1] = ("  %-22s %s%s"):format(left, help, who)
  end
  lines[#lines + 1] = ("  %-22s %s"):format("--help", "(-h) a command's help: tuiyan COMMAND --help = tuiyan help COMMAND")
  return table.concat(lines, "\n")
end

-- ---------------------------------------------------------------------------------------------
-- Completion: `tuiyan --complete CWORD WORD...` (completion/tuiyan.bash). Prints what the word at
-- CWORD may become: a first line naming the files that fit ("-" none, "file" any, "dir"
-- folders, or extensions "csv json"), then candidate words, one a line.

local function installed_packages()
  local ok, store = pcall(require, "_host.package_store")
  if not ok then return {} end
  local ok2, entries = pcall(store.read_registry)
  if not ok2 or type(entries) ~= "table" then return {} end
  local names, seen = {}, {}
  for _, e in ipairs(entries) do
    if type(e.name) == "string" and not seen[e.name] then seen[e.name] = true; names[#names + 1] = e.name end
  end
  table.sort(names)
  return names
end

--- complete(cword, words) -> files, { word, ... }: words[1] is "tuiyan", words[cword + 1] the word
--- being completed (bash's COMP_WORDS and COMP_CWORD).
function M.complete(cword, words)
  local cur = words[cword + 1] or ""
  local prev = words[cword]
  local cmd
  local i = 2
  while i <= cword do
    local w = words[i]
    if w:match("^%-") then
      local name = w:match("^%-%-([%w%-]+)$")
      if name and M.OPTIONS[name] and M.OPTIONS[name].value then i = i + 1 end
    else
      cmd = M.BY_NAME[w] and M.available(M.BY_NAME[w]) and w or false
      break
    end
    i = i + 1
  end
  if cmd == false then return "-", {} end
  -- the value of the option before the cursor
  local pname = prev and prev:match("^%-%-([%w%-]+)$")
  if prev == "-o" then pname = "output" end
  local pspec = pname and M.OPTIONS[pname]
  if pspec and pspec.value then
    if pname == "format" then
      local c = cmd and M.BY_NAME[cmd]
      return "-", (c and formats_of(c)) or ALL_FORMATS
    end
    local comp = pspec.complete
    if comp == nil then return "-", {} end
    if type(comp) == "table" then return table.concat(comp, " "), {} end
    return comp, {}
  end
  if not cmd then
    if cur:match("^%-") then return "-", { "--help", "--version" } end
    return "-", M.command_names()
  end
  local c = M.BY_NAME[cmd]
  if cur:match("^%-") then
    local out = {}
    for _, o in ipairs(options_of(c)) do
      if o.spec.short then out[#out + 1] = "-" .. o.spec.short end
      out[#out + 1] = "--" .. o.name
    end
    return "-", out
  end
  if c.topics then
    local help = require "_host.help"
    local out = {}
    for _, t in ipairs(help.TOPIC_NAMES) do out[#out + 1] = t end
    for _, n in ipairs(M.command_names()) do out[#out + 1] = n end
    return "-", out
  end
  if c.subcommands then
    -- its first word names what to do (register check|pay|pipeline): offered until one is there
    local given = false
    for j = i + 1, cword do
      local w, before = words[j], words[j - 1]:match("^%-%-([%w%-]+)$")
      local is_value = before and M.OPTIONS[before] and M.OPTIONS[before].value
      if not w:match("^%-") and not is_value then given = true end
    end
    if not given then return "-", c.subcommands end
  end
  local files = c.files
  files = type(files) == "table" and table.concat(files, " ") or files or "-"
  local out = {}
  if c.packages == "names" then
    out = installed_packages()
  elseif c.packages then
    for _, n in ipairs(installed_packages()) do out[#out + 1] = n .. ":" end
  end
  return files, out
end

function M.complete_main(args)
  local cword = math.tointeger(tonumber(args[2] or ""))
  if not cword then return 2 end
  local words = {}
  for j = 3, #args do words[#words + 1] = args[j] end
  local files, list = M.complete(cword, words)
  io.stdout:write(files, "\n")
  for _, w in ipairs(list) do io.stdout:write(w, "\n") end
  return 0
end

return M
