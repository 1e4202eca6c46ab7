-- lua/help_extra.lua — documentation, for help(), of stdlib functions that carry none at their
-- definition: those written in C (src/bind/*.c), those made in a loop (the model's operators) and
-- a few small Lua methods. Each `---` block starts with the qualified name: Class:method(...) or
-- module.function(...). A `---` block written at the definition itself wins over the one here, so
-- the better home for a Lua function's documentation is above its definition; this file is read
-- as text by lua/help.lua and never run.

-- ---- Register (src/bind/register.c; docs/registers.md) ----

--- Register:name() -> the register's file name.

--- Register:title() -> the `# title: …` the file gives, or nil.

--- Register:columns() -> { name, ... } the register's columns: credit_code, name, county (when
--- given), then the file's others in its order and derived ones (ip_core) last.

--- Register:row(i) -> { credit_code, name, county, line, <column> = value, ... } the i-th firm-year
--- (amounts in 万元, dates as YYYY-MM-DD, yes/no as 1/0; empty cells absent).

--- Register:has(column) -> whether the register has that column.

-- ---- Plan (src/bind/plan.c) ----

--- Plan:name() -> the plan's name (its file name, or the name given to tuiyan.plan.new).

--- Plan:title() -> the title used in reports: the file's (`# title: …` in CSV, "title" in JSON),
--- the embedded plan's Chinese title, or one set by set_title; else the plan's name.

--- Plan:set_title(text) -> the plan: sets the title reports use.

--- Plan:header_title() -> the title the file gives or set_title set, or nil (never the name).

--- Plan:base_year([id]) -> the declared base year in force (the row's own, else the plan's), or nil.

--- Plan:set_base_year(year | nil [, id]) : declares the base year of the plan, or of one row.

--- Plan:target_spec(id, year) -> { shape, op, a, b, from, to, ref, text } | nil: the target as read
--- (docs/targets.md; op only when written).

--- Plan:target_text(id, year) -> the target cell as written, or nil (a number set from Lua).

--- Plan:actual_note(id, year) -> the note of that actual, or nil.

--- Plan:ids() -> { id, ... } every indicator id, in plan order.

--- Plan:has(id) -> true if the plan has an indicator with this id.

--- Plan:add{ id =, name =, unit =, [category =, direction =, measure =, trend =, aggregate =,
---   owner =, note =] } : adds an indicator (direction up|down, measure level|flow,
---   trend cagr|linear|wls, aggregate sum|ratio|mean|none).

--- Plan:set(id, field, value) : sets one attribute of an indicator (a field of add{}).

--- Plan:info(id) -> { id, name, unit, category, direction, measure, trend, aggregate, owner, note,
---   thresholds = { on_track, behind } | nil }

--- Plan:actual(id, year) -> the actual value of indicator `id` in `year`, or nil when missing.

--- Plan:target(id, year) -> the threshold of indicator `id`'s target for `year`, resolved from the
--- data (a relative target follows the actuals), or nil: no target, a milestone, or not resolvable yet.

--- Plan:set_actual(id, year, value | nil [, note]) : sets (or, with nil, removes) an actual; a
--- milestone row also takes true/false, 是/否, yes/no or a date of that year.

--- Plan:set_target(id, year, value | text | nil [, note]) : sets (or removes) a target: a number is
--- a level, a string a target cell as written (突破600, 提高1.5个百分点, 新增30...; see help targets),
--- with an optional note saying where it comes from.

--- Plan:target_note(id, year) -> the note of that target, or nil.

--- Plan:years(id, "actual" | "target") -> { year, ... } ascending: the years that have a value.

--- Plan:thresholds([id]) -> { on_track, behind }: the status thresholds in force for the plan, or
--- for one indicator.

--- Plan:set_thresholds(on_track, behind [, id]) : status thresholds for the plan or one indicator
--- (progress P >= on_track is on_track; behind <= P < on_track is behind).

--- Plan:latest_year() -> the most recent year with any actual, or nil.

--- Plan:clone() -> an independent copy of the plan (change it without touching the original).

--- Plan:progress_rows(as_of [, peers]) -> the raw rows behind plan:progress(): one table per indicator with
--- base, latest and targets = { {year, value, required_rate, ...}, ... }. Use plan:progress().

-- ---- Schedule (src/bind/schedule.c), made by tuiyan.policy.schedule{...} ----

--- Schedule:eval(x) -> the amount the schedule pays on x; eval({x1, x2, ...}) -> {a1, a2, ...}.

--- Schedule:cost_by_year(first_year, { v1, v2, ... }) -> { [year] = cost }: the cost of yearly
--- values from first_year on, with the rule's recurrence and lag applied.

--- Schedule:eval_range(x) -> lo, hi: the amount at both ends of the schedule's band (a rate band
--- such as R3's 10 %–20 %); lo = hi for the other shapes; hi is inf for a band open above
--- ("不低于 X", no top) when x > 0.

--- Schedule:spread(first_year, { a1, a2, ... }) -> { [year] = cost }: amounts already evaluated
--- (a1 arising in first_year), placed in the years they are paid by the rule's recurrence and lag.

--- Schedule:info() -> { id, shape, unit, description, lag, recurring, band, open, rate_choice }

-- ---- module functions bound from C ----

--- tuiyan.is_error(v) -> true if v is a tuiyan.Error (an error carrying an exit code, a file,
--- line and column: err.code, err.msg, err.file, err.line, err.col, tostring(err)).

--- tuiyan.format.width(s) -> the display width of s in terminal columns (Chinese counts two).

--- tuiyan.mc.now() -> seconds on a monotonic clock (for timing a run).

--- tuiyan.mc.peak_memory() -> the process's peak resident memory in bytes.

--- tuiyan.mc.is_dist(x) -> true if x is a distribution made by one of tuiyan.mc's constructors
--- (tuiyan.mc.triangular and the others).

-- ---- the model's operators (stdlib/tuiyan/model.lua), used in model expressions ----

--- tuiyan.model.min(a, b, ...) -> the smallest of the expressions (units must agree).

--- tuiyan.model.max(a, b, ...) -> the largest of the expressions (units must agree).

--- tuiyan.model.clamp(x, lo, hi) -> x limited to [lo, hi].

--- tuiyan.model.abs(x) -> |x|.

--- tuiyan.model.exp(x) -> e^x (x without a unit).

--- tuiyan.model.log(x) -> the natural logarithm of x (x without a unit).

--- tuiyan.model.sqrt(x) -> the square root of x.

--- tuiyan.model.floor(x) -> x rounded down to a whole number.

--- tuiyan.model.pow(a, b) -> a^b (the same as a ^ b in an expression).

--- tuiyan.model.sum(a, b, ...) -> a + b + ... (units must agree).

--- tuiyan.model.step(year, v) -> 0 before `year`, v from `year` on.

--- tuiyan.model.ramp(slope, y0 [, y1]) -> 0 before y0, slope × (year − y0) up to y1, constant after.

--- tuiyan.model.growth(base, rate) -> base × (1 + rate)^(year − first year).

--- tuiyan.model.if_(c, a, b) -> a where the condition c holds (is non-zero), else b.

--- tuiyan.model.lt(a, b) -> 1 where a < b, else 0 (Lua turns `<` into a boolean, so comparisons
--- in a model are functions).

--- tuiyan.model.le(a, b) -> 1 where a <= b, else 0.

--- tuiyan.model.gt(a, b) -> 1 where a > b, else 0.

--- tuiyan.model.ge(a, b) -> 1 where a >= b, else 0.

--- tuiyan.model.eq(a, b) -> 1 where a == b, else 0.

--- tuiyan.model.ne(a, b) -> 1 where a ~= b, else 0.

--- tuiyan.model.and_(a, b) -> 1 where both a and b are non-zero, else 0.

--- tuiyan.model.or_(a, b) -> 1 where a or b is non-zero, else 0.

--- tuiyan.model.not_(a) -> 1 where a is zero, else 0.

-- ---- Lua methods without a comment of their own ----

--- tuiyan.progress.new(plan, as_of, rows) -> a Progress (plan:progress{as_of = Y} makes one).

--- Progress:tabular() -> the progress as a tuiyan.tabular table (text/md/csv/json).

--- Progress:to_text() -> the aligned text table (Chinese counted as two columns).

--- Progress:to_md() -> the progress as a Markdown table.

--- Progress:to_json() -> the JSON of the CLI contract (undefined quantities are null).

--- Comparison:indicator_table() -> a tabular: each indicator and year, the target and every
--- scenario's value, the change from the first scenario, met ✓ or not ✗.

--- Comparison:cost_table() -> a tabular of the policy cost by scenario, rule and year, or nil
--- when the comparison has no policy.

--- Comparison:to_text() -> the indicator table, then the cost table, as aligned text.

--- Comparison:to_md() -> the indicator and cost tables as Markdown.

--- Comparison:to_table() -> the comparison as plain tables (what to_json writes).

--- Comparison:to_json() -> the comparison as JSON.

--- Tabular:add(row) -> the tabular: adds a row ({ key = raw value }, nil for undefined).

--- Tabular:note(s) -> the tabular: adds a note printed under the table.

--- tuiyan.scenarios.wuwei.build() -> { model, baseline, hte, fiscal, both, list = {...} }: the
--- standard Wuwei scenarios on the standard model (lever sizes: EXTRA_HTE, FISCAL_RAISE_PCT).

--- City:ids() -> { id, ... } the indicator ids of the regions' plans.

--- Fit:to_text() -> the calibration as aligned text: each parameter's estimate ± standard error
--- and bounds, then the residual of every indicator-year.

--- Fit:to_md() -> the same tables as Markdown.

--- Fit:to_html() -> an HTML report of the fit: the tables and a chart of fitted against actual
--- per indicator.

--- Fit:html_sections() -> the sections of that report, for a bundle of several results.

--- Fit:to_xlsx() -> a workbook: the parameters and the residuals, a sheet each.

return nil
