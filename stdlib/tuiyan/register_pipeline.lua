-- tuiyan.register_pipeline — the pool feeds the plan (issue 16 item 4; docs/registers.md "From the
-- pool to the plan"): a register of several years, joined year to year on the 统一社会信用代码,
-- gives the pipeline's counts (entry, promotion, exit, renewal), their rates with confidence
-- intervals, the chance of certification by how much a candidate lacks, the standard model's
-- parameters estimated from them, and the next year's high-tech count projected firm by firm.
--
-- A row is the firm on the register that year; hte_certified says it holds a certificate then and
-- hte_year the year that certificate was issued (re-certification due three years on). What a
-- join cannot tell (a firm gone: closed or moved away) is counted as an exit, as the model does.
local host = require "_tuiyan.host"

local M = {}

-- nil, a data error (exit 3) naming the register: what load() and check() return for a bad file.
local function bad(fmt, ...) return nil, host.error(host.exit.data, string.format(fmt, ...)) end

local function z_of(level) return require("tuiyan.mc").normal(0, 1):quantile(1 - (1 - level) / 2) end

--- wilson(k, n, level) -> lo, hi: the Wilson score interval for a proportion k/n. Chosen over
--- Clopper–Pearson because its coverage is close to the nominal level on average (Clopper–Pearson
--- is above it, wider than needed), and over the Wald interval, which is empty at k = 0 or n.
function M.wilson(k, n, level)
  if n == 0 then return nil, nil end
  local z = z_of(level or 0.95)
  local z2, p = z * z, k / n
  local centre = (p + z2 / (2 * n)) / (1 + z2 / n)
  local half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
  return math.max(0, centre - half), math.min(1, centre + half)
end

-- P(X <= k) for X ~ Poisson(mu), summed in logs (no underflow for large mu).
local function poisson_cdf(k, mu)
  if mu <= 0 then return 1 end
  local logs, top, lf = {}, -math.huge, 0
  for i = 0, k do
    if i > 0 then lf = lf + math.log(i) end
    logs[i + 1] = -mu + i * math.log(mu) - lf
    if logs[i + 1] > top then top = logs[i + 1] end
  end
  local s = 0
  for _, l in ipairs(logs) do s = s + math.exp(l - top) end
  return math.min(1, s * math.exp(top))
end

local function bisect(f, lo, hi)   -- f increasing on [lo, hi], f(lo) < 0 < f(hi)
  for _ = 1, 200 do
    local mid = (lo + hi) / 2
    if f(mid) < 0 then lo = mid else hi = mid end
  end
  return (lo + hi) / 2
end

--- garwood(k, level) -> lo, hi: the exact (Garwood) interval for a Poisson mean given a count k:
--- lo solves P(X >= k) = α/2, hi solves P(X <= k) = α/2.
function M.garwood(k, level)
  local a = (1 - (level or 0.95)) / 2
  local top = k + 10 * math.sqrt(k + 1) + 10
  local lo = k == 0 and 0 or bisect(function(mu) return (1 - poisson_cdf(k - 1, mu)) - a end, 0, top)
  local hi = bisect(function(mu) return a - poisson_cdf(k, mu) end, 0, top)
  return lo, hi
end

local Pipeline = {}
Pipeline.__index = Pipeline

-- A proportion's record: k of n, the rate and its interval.
local function prop(k, n, level)
  local lo, hi = M.wilson(k, n, level)
  return { k = k, n = n, rate = n > 0 and k / n or nil, lo = lo, hi = hi }
end

-- The kinds of count and what each is (docs/registers.md has the same words).
M.RATES = {
  { id = "promotion", what = "pool firms certified the next year (of the pool)" },
  { id = "pool_exit", what = "pool firms gone from the register the next year (of the pool)" },
  { id = "hte_exit", what = "certified firms gone or without a certificate the next year, apart from lapses at renewal (of the certified)" },
  { id = "renewal", what = "certificates due (issued three years before) renewed, of those due whose firm stayed" },
}

--- Register:pipeline([opts]) -> Pipeline | nil, err. opts.level (0.95): the intervals' level;
--- opts.criteria ("hte"): what the candidates' shortfall is measured against; opts.min_n (20): a
--- band of candidates with fewer firm-years uses the pooled promotion rate (too few to say more).
function M.pipeline(reg, opts)
  opts = opts or {}
  local level = opts.level or 0.95
  if not reg:has("hte_certified") then
    return bad("register %s: the pipeline needs hte_certified (高企证书) to tell certified firms from the pool", reg:name())
  end
  local check, err = reg:check(opts.criteria or "hte")
  if not check then return nil, err end
  local by_year, years = {}, {}
  local has_year = reg:has("hte_year")
  for i = 1, #reg do
    local row = reg:row(i)
    local y = row.year
    -- An empty cell is missing, never "no" (docs/registers.md): a firm whose status is not known
    -- cannot be counted either way, so the register is refused there rather than guessed.
    if row.hte_certified == nil then
      return bad("%s:%d: hte_certified is empty: the pipeline cannot tell whether the firm holds a certificate", reg:name(), row.line)
    end
    if has_year and row.hte_certified == 1 and row.hte_year == nil then
      return bad("%s:%d: hte_year is empty for a certified firm: when its certificate is due cannot be told", reg:name(), row.line)
    end
    if not by_year[y] then by_year[y] = {}; years[#years + 1] = y end
    local _, unmet, gap = check.native:firm(i)
    by_year[y][row.credit_code] = { i = i, cert = row.hte_certified == 1, hte_year = row.hte_year,
      unmet = unmet, gap = gap, name = row.name }
  end
  table.sort(years)
  local P = setmetatable({ register = reg, check = check, level = level, years = years, by_year = by_year,
    min_n = opts.min_n or 20, has_hte_year = has_year, steps = {}, bands = {} }, Pipeline)
  -- Bands of candidates by criteria unmet (0, 1, 2, 3 or more): the chance of certification by
  -- how much a firm lacks, as binned rates (a logistic fit would claim a shape the few firms of a
  -- county's pool cannot show).
  local band_k, band_n = { 0, 0, 0, 0 }, { 0, 0, 0, 0 }
  local tot = { promotion = { 0, 0 }, pool_exit = { 0, 0 }, hte_exit = { 0, 0 }, renewal = { 0, 0 }, entry = 0, arrived = 0 }
  for j = 1, #years - 1 do
    local y0, y1 = years[j], years[j + 1]
    if y1 ~= y0 + 1 then
      return bad("register %s: years %d and %d are not consecutive: the rates are a year's", reg:name(), y0, y1)
    end
    local now, nxt = by_year[y0], by_year[y1]
    local c = { year = y1, pool = 0, promoted = 0, pool_exits = 0, certified = 0, hte_exits = 0, due = 0,
      due_exits = 0, renewed = 0, lapsed = 0, lost = 0, entries = 0, arrived = 0 }
    for code, f in pairs(now) do
      local g = nxt[code]
      if f.cert then
        c.certified = c.certified + 1
        local due = has_year and f.hte_year == y1 - 3
        if due then c.due = c.due + 1 end
        if not g then
          c.hte_exits = c.hte_exits + 1
          if due then c.due_exits = c.due_exits + 1 end
        elseif due then
          if g.cert and g.hte_year == y1 then c.renewed = c.renewed + 1 else c.lapsed = c.lapsed + 1 end
        elseif not g.cert then
          -- With hte_year, a certificate lost before its time (revoked) leaves the count: an exit.
          -- Without, it may be a lapse at renewal: counted apart, not as an exit.
          if has_year then c.hte_exits = c.hte_exits + 1 else c.lost = c.lost + 1 end
        end
      else
        c.pool = c.pool + 1
        local b = math.min(f.unmet, 3) + 1
        band_n[b] = band_n[b] + 1
        if not g then c.pool_exits = c.pool_exits + 1
        elseif g.cert then
          c.promoted = c.promoted + 1
          band_k[b] = band_k[b] + 1
        end
      end
    end
    for code, g in pairs(nxt) do
      if not now[code] then
        if g.cert then c.arrived = c.arrived + 1 else c.entries = c.entries + 1 end
      end
    end
    c.promotion = prop(c.promoted, c.pool, level)
    c.pool_exit = prop(c.pool_exits, c.pool, level)
    c.hte_exit = prop(c.hte_exits, c.certified, level)
    c.renewal = prop(c.renewed, c.due - c.due_exits, level)
    P.steps[j] = c
    local function add(id, k, n) tot[id][1], tot[id][2] = tot[id][1] + k, tot[id][2] + n end
    add("promotion", c.promoted, c.pool)
    add("pool_exit", c.pool_exits, c.pool)
    add("hte_exit", c.hte_exits, c.certified)
    add("renewal", c.renewed, c.due - c.due_exits)
    tot.entry, tot.arrived = tot.entry + c.entries, tot.arrived + c.arrived
  end
  local T = #P.steps
  if T == 0 then return bad("register %s: one year only (%s): the pipeline needs two or more consecutive years", reg:name(), tostring(years[1])) end
  P.rates = {}
  for _, r in ipairs(M.RATES) do
    P.rates[r.id] = prop(tot[r.id][1], tot[r.id][2], level)
    P.rates[r.id].id, P.rates[r.id].what = r.id, r.what
  end
  if not has_year then
    P.rates.renewal.missing = "no hte_year column: which certificates were due cannot be told"
    P.rates.hte_exit.what = "certified firms gone the next year (of the certified; without hte_year a certificate lost by a firm that stays is not counted: it may be a lapse)"
  end
  local function counted(id, k, what)
    local lo, hi = M.garwood(k, level)
    return { id = id, what = what, k = k, years = T, rate = k / T, lo = lo / T, hi = hi / T }
  end
  P.rates.entry = counted("entry", tot.entry, "firms new to the register, not certified (a year)")
  P.rates.arrived = counted("arrived", tot.arrived, "firms new to the register already certified (a year)")
  local labels = { "0 (meets all)", "1", "2", "3 or more" }
  for b = 1, 4 do
    local p = prop(band_k[b], band_n[b], level)
    p.label, p.unmet = labels[b], b - 1
    P.bands[b] = p
  end
  return P
end

--- Pipeline:span() -> "2022–2024": the years the counts come from.
function Pipeline:span() return ("%d–%d"):format(self.years[1], self.years[#self.years]) end

--- Pipeline:band(unmet) -> the probability of certification next year of a candidate with `unmet`
--- criteria not met, and where it comes from: its band's rate, or the pooled rate when the band
--- has fewer than min_n firm-years (an assumption: the band is too small to differ).
function Pipeline:band(unmet)
  local b = self.bands[math.min(unmet, 3) + 1]
  if b.n >= self.min_n then return b.rate, "band " .. b.label end
  return self.rates.promotion.rate, ("pooled (band %s: n=%d < %d)"):format(b.label, b.n, self.min_n)
end


-- ---- into the model ------------------------------------------------------------------------------

--- The standard model's parameters each rate estimates (stdlib/tuiyan/models/wuwei.lua).
M.MODEL = { promotion = "prov_promotion_rate", pool_exit = "prov_exit_rate", hte_exit = "hte_exit_rate",
  renewal = "hte_renewal_rate", entry = "prov_new_direct" }
local ORDER = { "promotion", "pool_exit", "hte_exit", "renewal" }

local function pct(x) return require("tuiyan.format").percent(x, 1) end
local function num(x) return require("tuiyan._mcreport").num(x) end

--- Pipeline:label(n) -> "estimated from register FILE (n=…, years …)": what every parameter taken
--- from the register says in the assumptions list, in place of "judgement".
function Pipeline:label(n)
  return ("estimated from register %s (n=%d, years %s)"):format(self.register:name(), n, self:span())
end

--- Pipeline:use_in(model [, opts]) -> model, used, kept. Sets in `model` (a fresh definition, e.g.
--- tuiyan.models.wuwei.build()) each parameter of M.MODEL a rate estimates: its value the rate
--- k/n, its Monte Carlo distribution the Jeffreys posterior Beta(k+½, n−k+½) (as a normal of its
--- mean and sd, kept within 0–1: tuiyan.mc has no beta), its assumption text naming the register.
--- A rate with nothing counted keeps its judgement (listed in kept, with why). opts.entry = true
--- also sets prov_new_direct from the register's entries a year (Gamma(K+½, T) as a normal): they
--- include firms the model brings in from 科技型中小企业 (sme_promotions), so this counts those twice
--- unless the register's entries are direct ones — off by default.
function Pipeline:use_in(model, opts)
  opts = opts or {}
  local mc = require "tuiyan.mc"
  local used, kept = {}, {}
  local lv = ("%g%%"):format(self.level * 100)
  local function set(name, value, dist, text)
    local el = model:element(name)
    if not el or el.kind ~= "param" then error(("use_in: the model has no parameter '%s'"):format(name), 3) end
    el.body, el.opts.dist, el.opts.assumption = value, dist, text
    used[#used + 1] = { name = name, value = value, dist = dist, assumption = text }
  end
  for _, id in ipairs(ORDER) do
    local r, name = self.rates[id], M.MODEL[id]
    if r.missing or r.n == 0 then
      kept[#kept + 1] = { name = name, why = r.missing or "nothing to count in the register" }
    else
      local label = self:label(r.n)
      local a, b = r.k + 0.5, r.n - r.k + 0.5
      local mean = a / (a + b)
      local sd = math.sqrt(mean * (1 - mean) / (a + b + 1))
      local pool = (id == "promotion" or id == "pool_exit") and "; the register's pool (firms without a certificate) taken as the model's provincial pool (an assumption)" or ""
      set(name, r.rate, mc.normal(mean, sd, { lo = 0, hi = 1,
          assumption = ("%s: Jeffreys posterior Beta(%s, %s) as a normal (mean %s, sd %s), kept within 0–1"):format(label, num(a), num(b), num(mean), num(sd)) }),
        ("%s: %s, %d of %d = %s (%s Wilson interval %s–%s)%s"):format(label, r.what, r.k, r.n, pct(r.rate), lv, pct(r.lo), pct(r.hi), pool))
    end
  end
  if opts.entry then
    local r = self.rates.entry
    local label = ("estimated from register %s (%d entries over %d years, %s)"):format(self.register:name(), r.k, r.years, self:span())
    set(M.MODEL.entry, r.rate, mc.normal((r.k + 0.5) / r.years, math.sqrt(r.k + 0.5) / r.years, { lo = 0,
        assumption = label .. ": Gamma(K+½, years) posterior as a normal, kept ≥ 0" }),
      ("%s: %s a year (%s exact Poisson interval %s–%s); includes firms from 科技型中小企业, which the model adds as sme_promotions (an overstatement unless the register's entries are direct)")
        :format(label, num(r.rate), lv, num(r.lo), num(r.hi)))
  end
  model.compiled = nil   -- the definition changed: compile again
  return model, used, kept
end

-- ---- the register projected forward ------------------------------------------------------------

-- The distribution of a sum of independent Bernoulli(p_i) (Poisson-binomial) plus Poisson(lambda),
-- as probabilities of 0, 1, 2, ...: exact by convolution.
local function count_distribution(ps, lambda)
  local d = { 1 }
  for _, p in ipairs(ps) do
    local e = {}
    for j = 1, #d + 1 do e[j] = (d[j] or 0) * (1 - p) + (d[j - 1] or 0) * p end
    d = e
  end
  if lambda > 0 then
    local top = math.ceil(lambda + 12 * math.sqrt(lambda) + 12)
    local pois, t = {}, math.exp(-lambda)
    for k = 0, top do pois[k + 1] = t; t = t * lambda / (k + 1) end
    local e = {}
    for i = 1, #d do for k = 1, #pois do e[i + k - 1] = (e[i + k - 1] or 0) + d[i] * pois[k] end end
    d = e
  end
  return d
end

local function quantile(d, q)   -- the least count whose cumulative probability reaches q
  local acc = 0
  for i, p in ipairs(d) do
    acc = acc + p
    if acc >= q - 1e-12 then return i - 1 end
  end
  return #d - 1
end

M.EXACT_MAX = 5000   -- firms; beyond, the interval is the normal approximation (the exact sum is O(n²))

--- Pipeline:project([opts]) -> the register's high-tech count the year after its last, firm by
--- firm: a certified firm stays with 1 − hte_exit (one whose certificate is due with
--- (1 − hte_exit) × renewal; without hte_year each is due with chance 1/3, an assumption, and
--- opts.renewal must give the renewal rate the register cannot), a candidate is certified with its band's rate (Pipeline:band), and
--- firms arrive certified at the register's yearly rate. Independent firms: the count is a
--- Poisson-binomial plus a Poisson; mean Σp + λ, variance Σp(1 − p) + λ, and the interval its
--- exact quantiles (opts.level, default the pipeline's). The rates are taken as known: their own
--- uncertainty is not in this interval (the model's Monte Carlo carries it).
--- -> { year, from, certified_now, mean, var, sd, lo, hi, level, parts = {kept, renewed, candidates, arrived}, candidates = {...} }
function Pipeline:project(opts)
  opts = opts or {}
  local level = opts.level or self.level
  local last = self.years[#self.years]
  local y1 = last + 1
  local e, r = self.rates.hte_exit.rate or 0, self.rates.renewal.rate or opts.renewal
  if not r then error("project: the register cannot tell renewals (" .. tostring(self.rates.renewal.missing) .. "): give opts.renewal", 2) end
  local firms = {}
  for code, f in pairs(self.by_year[last]) do firms[#firms + 1] = { code = code, f = f } end
  table.sort(firms, function(a, b) return a.f.i < b.f.i end)   -- file order, not the hash's
  local ps, parts, cands = {}, { kept = 0, renewed = 0, candidates = 0, arrived = self.rates.arrived.rate }, {}
  local certified_now = 0
  for _, x in ipairs(firms) do
    local f, p = x.f, nil
    if f.cert then
      certified_now = certified_now + 1
      if not self.has_hte_year then
        -- due unknown: a third of certificates are due in a year (an assumption: ages equally spread)
        p = (1 - e) * (1 - (1 - r) / 3)
        parts.kept = parts.kept + p
      elseif f.hte_year == y1 - 3 then
        p = (1 - e) * r
        parts.renewed = parts.renewed + p
      else
        p = 1 - e
        parts.kept = parts.kept + p
      end
    else
      local from
      p, from = self:band(f.unmet)
      parts.candidates = parts.candidates + p
      cands[#cands + 1] = { credit_code = x.code, name = f.name, unmet = f.unmet, gap = f.gap, p = p, from = from }
    end
    ps[#ps + 1] = p
  end
  local mean, var = parts.arrived, parts.arrived
  for _, p in ipairs(ps) do mean, var = mean + p, var + p * (1 - p) end
  local a = (1 - level) / 2
  local lo, hi
  if #ps <= M.EXACT_MAX then
    local d = count_distribution(ps, parts.arrived)
    lo, hi = quantile(d, a), quantile(d, 1 - a)
  else
    local z = z_of(level)
    lo, hi = math.max(0, mean - z * math.sqrt(var)), mean + z * math.sqrt(var)
  end
  table.sort(cands, function(x, y) if x.p ~= y.p then return x.p > y.p end return x.gap < y.gap end)
  return { year = y1, from = last, certified_now = certified_now, mean = mean, var = var, sd = math.sqrt(var), lo = lo, hi = hi, level = level,
    parts = parts, candidates = cands, exact = #ps <= M.EXACT_MAX }
end

-- ---- tables ------------------------------------------------------------------------------------

local function shown(v) return v == nil and "—" or pct(v) end

--- Pipeline:rates_table() -> a tuiyan.tabular: each rate pooled over the years, then year by year
--- (the later year of each pair), with k, n and the interval.
function Pipeline:rates_table()
  local tabular = require "tuiyan.tabular"
  local lv = ("%g%%"):format(self.level * 100)
  local T = tabular.new{ title = ("Pipeline rates — register %s, %s"):format(self.register:name(), self:span()),
    columns = {
      { key = "rate_id", title = "rate" },
      { key = "year", title = "year", fmt = function(v) return tostring(v) end },
      { key = "k", title = "k", align = "right", fmt = function(v) return tostring(v) end },
      { key = "n", title = "n", align = "right", fmt = function(v) return tostring(v) end },
      { key = "rate", title = "rate", align = "right", fmt = function(v, row) return row.count and num(v) or shown(v) end },
      { key = "lo", title = lv .. " lo", align = "right", fmt = function(v, row) return row.count and num(v) or shown(v) end },
      { key = "hi", title = lv .. " hi", align = "right", fmt = function(v, row) return row.count and num(v) or shown(v) end },
      { key = "model", title = "model parameter" },
    } }
  local step_keys = { promotion = "promotion", pool_exit = "pool_exit", hte_exit = "hte_exit", renewal = "renewal" }
  for _, id in ipairs(ORDER) do
    local r = self.rates[id]
    T:add{ rate_id = id, year = "pooled", k = r.k, n = r.n, rate = r.rate, lo = r.lo, hi = r.hi, model = M.MODEL[id] }
    for _, c in ipairs(self.steps) do
      local s = c[step_keys[id]]
      T:add{ rate_id = "", year = c.year, k = s.k, n = s.n, rate = s.rate, lo = s.lo, hi = s.hi, model = "" }
    end
  end
  for _, id in ipairs{ "entry", "arrived" } do
    local r = self.rates[id]
    T:add{ rate_id = id, year = "pooled", k = r.k, n = r.years, rate = r.rate, lo = r.lo, hi = r.hi, count = true,
      model = id == "entry" and "(prov_new_direct with entry = true)" or "" }
  end
  for _, id in ipairs(ORDER) do T:note(("%s: %s."):format(id, self.rates[id].what)) end
  T:note(("Proportions: k of n with the %s Wilson score interval; entry and arrived: firms a year (k over n years) with the exact Poisson (Garwood) interval."):format(lv))
  if self.rates.renewal.missing then T:note("renewal: " .. self.rates.renewal.missing .. ".") end
  return T
end

--- Pipeline:bands_table() -> a tuiyan.tabular: the chance a candidate is certified the next year
--- by the number of criteria it does not meet, with its interval and what the projection uses.
function Pipeline:bands_table()
  local tabular = require "tuiyan.tabular"
  local lv = ("%g%%"):format(self.level * 100)
  local T = tabular.new{ title = ("Certification the next year by criteria unmet — %s"):format(self.register:name()),
    columns = {
      { key = "label", title = "criteria unmet" },
      { key = "k", title = "certified", align = "right", fmt = function(v) return tostring(v) end },
      { key = "n", title = "candidates", align = "right", fmt = function(v) return tostring(v) end },
      { key = "rate", title = "rate", align = "right", fmt = shown },
      { key = "lo", title = lv .. " lo", align = "right", fmt = shown },
      { key = "hi", title = lv .. " hi", align = "right", fmt = shown },
      { key = "used", title = "projection uses" },
    } }
  for b, band in ipairs(self.bands) do
    local p, from = self:band(b - 1)
    T:add{ label = band.label, k = band.k, n = band.n, rate = band.rate, lo = band.lo, hi = band.hi,
      used = ("%s (%s)"):format(shown(p), from) }
  end
  T:note(("Candidate-years (firms without a certificate) by the %s criteria they do not meet that year; binned rates, not a fitted curve: a band with fewer than %d uses the pooled rate."):format(self.check.set.id or "", self.min_n))
  return T
end

--- Pipeline:projection_table([opts]) -> a tuiyan.tabular of Pipeline:project(opts): next year's
--- high-tech count from the register, firm by firm; nil and the reason when renewals are unknown.
function Pipeline:projection_table(opts)
  local ok, pr = pcall(self.project, self, opts)
  if not ok then return nil, tostring(pr):gsub("^[^:]*:%d+: ", "") end
  local tabular = require "tuiyan.tabular"
  local lv = ("%g%%"):format(pr.level * 100)
  local T = tabular.new{ title = ("高新技术企业 %d projected from the register — %s"):format(pr.year, self.register:name()),
    columns = {
      { key = "year", title = "year", fmt = function(v) return tostring(v) end },
      { key = "now", title = ("certified %d"):format(pr.from), align = "right", fmt = function(v) return tostring(v) end },
      { key = "mean", title = "expected", align = "right", fmt = num },
      { key = "sd", title = "sd", align = "right", fmt = num },
      { key = "lo", title = lv .. " lo", align = "right", fmt = num },
      { key = "hi", title = lv .. " hi", align = "right", fmt = num },
    } }
  T:add{ year = pr.year, now = pr.certified_now, mean = pr.mean, sd = pr.sd, lo = pr.lo, hi = pr.hi }
  T:note(("Each firm's chance summed: certified firms kept (1 − hte_exit), those due renewed ((1 − hte_exit) × renewal), candidates by criteria unmet (the table above), and firms arriving certified; the interval is %s and takes the rates as known."):format(pr.exact and "the exact count distribution" or "normal"))
  return T
end

--- Pipeline:report() -> a report bundle: rates, bands and (when renewals are known) the projection.
function Pipeline:report()
  local parts = { { "rates", self:rates_table() }, { "bands", self:bands_table() } }
  local proj, why = self:projection_table()
  if proj then parts[#parts + 1] = { "projection", proj }
  else parts[2][2]:note("No projection: " .. why .. ".") end
  local b = require("tuiyan.report").bundle(parts)
  b.title = ("Pipeline rates from register %s, %s"):format(self.register:name(), self:span())
  return b
end

M.Pipeline = Pipeline
return M
