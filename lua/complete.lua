-- lua/complete.lua — Tab completion for the REPL. readline hands over the word before the cursor
-- (text) and the whole line; this returns the words that could replace it.
--
--   names       globals and keywords; after `a.b.` the fields of a.b, after `p:` the methods of
--               p (through its metatable's __index tables); functions get "(".
--               tuiyan's submodules are offered before they are loaded (tuiyan.pl → tuiyan.plan).
--   model       after `m.v.` the elements of model m.
--   strings     inside a string argument: for `plan:actual("`, `progress:get("` and the other
--               methods taking an indicator id, that plan's ids (a register's `reg:has("`: its
--               columns); for `run:get("`, `run:series("`,
--               `model:element("`, `scenario:value("` the model's elements; after `indicator = "`
--               the ids of every plan held in a global, after `element = "`/`lever = "` the
--               elements of every model held in a global; a Chinese name where an id goes
--               completes to the id (p:actual("高新<Tab> -> hte_count); any other string: file
--               names (readline's own completion, src/bind/readline.c).
--
-- Completion never runs the analyst's code: values are found by raw reads of tables and
-- metatables only (the one exception is calling ids()/element lists on tuiyan's own objects).
local M = {}

local KEYWORDS = { "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if",
  "in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while" }

-- Methods whose first argument is an indicator id (Plan, Progress, City).
local ID_METHODS = { actual = true, target = true, set_actual = true, set_target = true, info = true,
  set = true, get = true, years = true, actuals = true, targets = true, target_points = true,
  target_plus = true, target_growth = true, has = true, thresholds = true, target_note = true,
  values = true, aggregate_one = true, rank = true }
-- Methods whose first argument is a model element (Run, Model, Scenario).
local ELEMENT_METHODS = { get = true, series = true, element = true, value = true }

local function metaname(v)
  local mt = debug.getmetatable(v)
  return type(mt) == "table" and rawget(mt, "__name") or nil
end

-- Raw field read, then through __index tables (never an __index function).
local function field(v, k)
  if type(v) == "table" then
    local x = rawget(v, k)
    if x ~= nil then return x end
  end
  local mt = debug.getmetatable(v)
  for _ = 1, 8 do
    if type(mt) ~= "table" then return nil end
    local idx = rawget(mt, "__index")
    if type(idx) ~= "table" then return nil end
    local x = rawget(idx, k)
    if x ~= nil then return x end
    mt = debug.getmetatable(idx)
  end
  return nil
end

-- "a.b.c" from env, or nil.
local function lookup(env, path)
  local v = env
  for part in path:gmatch("[^%.:]+") do
    if not part:match("^[%a_][%w_]*$") then return nil end
    local nxt = field(v, part)
    if nxt == nil and v == rawget(package.loaded, "tuiyan") and package.preload["tuiyan." .. part] then
      local ok, mod = pcall(require, "tuiyan." .. part)   -- tuiyan's own lazy submodules
      nxt = ok and mod or nil
    end
    v = nxt
    if v == nil then return nil end
  end
  return v
end

-- Every string key of v: its own, its __index tables', and tuiyan's loadable submodules.
local function keys_of(v, methods_only)
  local out, seen = {}, {}
  local function add(t)
    for k, x in next, t do
      if type(k) == "string" and k:match("^[%a_][%w_]*$") and not seen[k]
          and (not methods_only or type(x) == "function") then
        seen[k] = true
        out[#out + 1] = { k, x }
      end
    end
  end
  if type(v) == "table" then add(v) end
  local mt = debug.getmetatable(v)
  for _ = 1, 8 do
    if type(mt) ~= "table" then break end
    local idx = rawget(mt, "__index")
    if type(idx) ~= "table" then break end
    add(idx)
    mt = debug.getmetatable(idx)
  end
  if v == rawget(package.loaded, "tuiyan") and not methods_only then
    for name in next, package.preload do
      local sub = name:match("^tuiyan%.([%a][%w_]*)$")
      if sub and not seen[sub] then seen[sub] = true; out[#out + 1] = { sub, {} } end
    end
  end
  return out
end

local function is_model(v)
  local ok, mod = pcall(require, "tuiyan.model")
  return ok and type(v) == "table" and getmetatable(v) == mod.Model
end

local function model_elements(m)
  local out = {}
  if type(m) ~= "table" or type(rawget(m, "elements")) ~= "table" then return out end
  for _, el in ipairs(rawget(m, "elements")) do
    if type(el) == "table" and type(el.name) == "string" then out[#out + 1] = el.name end
  end
  return out
end

-- The indicator ids or element names an object offers inside a string argument, or nil; and
-- the plan they come from (for completing a Chinese name to its id).
local function words_of(obj, method)
  local name = metaname(obj)
  if name == "tuiyan.Register" and method == "has" then return obj:columns() end   -- reg:has("rd_
  if ID_METHODS[method] then
    if name == "tuiyan.Plan" then return obj:ids(), obj end
    local plan = type(obj) == "table" and rawget(obj, "plan")
    if metaname(plan) == "tuiyan.Plan" then return plan:ids(), plan end
    if name == "tuiyan.City" then
      local ok, ids = pcall(obj.ids, obj)
      if ok then return ids end
    end
  end
  if ELEMENT_METHODS[method] then
    if is_model(obj) then return model_elements(obj) end
    if type(obj) == "table" and is_model(rawget(obj, "model")) then return model_elements(rawget(obj, "model")) end
  end
  return nil
end

-- Plans and models held in globals (one level deep: g and g.x), in sorted order.
local function held(env, want)
  local out = {}
  local names = {}
  for k in next, env do if type(k) == "string" then names[#names + 1] = k end end
  table.sort(names)
  local function visit(v)
    if want == "plan" and metaname(v) == "tuiyan.Plan" then out[#out + 1] = v
    elseif want == "model" and is_model(v) then out[#out + 1] = v end
  end
  for _, k in ipairs(names) do
    local v = rawget(env, k)
    visit(v)
    if type(v) == "table" and getmetatable(v) == nil and v ~= env and k ~= "package" and k ~= "_G" then
      for _, x in next, v do visit(x) end
    end
  end
  return out
end

-- The ids of a plan whose Chinese name starts with `partial` (else contains it): typing
-- p:actual("高新<Tab> completes to the id.
local function ids_by_name(plan, partial)
  if not partial:find("[\128-\255]") then return {} end
  local starts, contains = {}, {}
  for _, id in ipairs(plan:ids()) do
    local ok, info = pcall(plan.info, plan, id)
    local name = ok and type(info) == "table" and info.name or ""
    if name:sub(1, #partial) == partial then starts[#starts + 1] = id
    elseif name:find(partial, 1, true) then contains[#contains + 1] = id end
  end
  return #starts > 0 and starts or contains
end

local function filter(words, partial, prefix)
  local out, seen = {}, {}
  for _, w in ipairs(words) do
    if w:sub(1, #partial) == partial and not seen[w] then
      seen[w] = true
      out[#out + 1] = (prefix or "") .. w
    end
  end
  table.sort(out)
  return out
end

-- Completion inside a string: returns a list, or nil for "complete file names".
local function in_string(env, before, partial)
  local callee = before:match("([%a_][%w_%.:]*)%s*%(%s*[\"']$")
  if callee then
    local obj_path, method = callee:match("^(.*)[%.:]([%a_][%w_]*)$")
    if obj_path then
      local obj = lookup(env, obj_path)
      local words, plan
      if obj ~= nil then words, plan = words_of(obj, method) end
      if words then
        local by_name = plan and ids_by_name(plan, partial) or {}
        if #by_name > 0 then return by_name end
        return filter(words, partial)
      end
    end
    -- a method taking an id, on an object that is not a plain name (p:progress():get("): no guess
    if before:match("[%)%]]%s*[:%.]" .. callee .. "%s*%(%s*[\"']$") and (ID_METHODS[callee] or ELEMENT_METHODS[callee]) then
      return {}
    end
  end
  local key = before:match("([%a_][%w_]*)%s*=%s*[\"']$")
  if key == "indicator" or key == "id" then
    local words, by_name = {}, {}
    for _, p in ipairs(held(env, "plan")) do
      for _, id in ipairs(p:ids()) do words[#words + 1] = id end
      for _, id in ipairs(ids_by_name(p, partial)) do by_name[#by_name + 1] = id end
    end
    if #by_name > 0 then return filter(by_name, "") end
    return filter(words, partial)
  elseif key == "element" or key == "lever" then
    local words = {}
    for _, m in ipairs(held(env, "model")) do for _, n in ipairs(model_elements(m)) do words[#words + 1] = n end end
    return filter(words, partial)
  end
  return nil
end

--- names_after(env, src, name, kind) -> the names that could stand where the unknown `name`
--- stands in `src`: kind "method" (receiver:name), "field" (receiver.name) or "global".
function M.names_after(env, src, name, kind)
  local out = {}
  if kind == "global" then
    for _, kv in ipairs(keys_of(env)) do out[#out + 1] = kv[1] end
    return out
  end
  local sep = kind == "method" and ":" or "%."
  local receiver = src and src:match("([%a_][%w_%.]*)%s*" .. sep .. "%s*" .. name .. "[^%w_]")
    or src and src:match("([%a_][%w_%.]*)%s*" .. sep .. "%s*" .. name .. "$")
  local obj = receiver and lookup(env, receiver)
  if obj == nil then return out end
  for _, kv in ipairs(keys_of(obj, kind == "method")) do out[#out + 1] = kv[1] end
  return out
end

--- candidates(env, text, line, start) -> list, append: the completions of `text`, the word that
--- starts at byte offset `start` (0-based) of `line`; append is what readline adds after a single
--- match. Returns false, '"' to let readline complete a file name inside a string.
function M.candidates(env, text, line, start)
  local before = line:sub(1, start)
  if before:match("[\"']$") then
    local list = in_string(env, before, text)
    if list == nil then return false, '"' end
    return list, '"'
  end
  local path, sep, partial = text:match("^(.-)([%.:])([%a_]?[%w_]*)$")
  local words = {}
  local hide_private = not (partial or text):match("^_")
  if path and path ~= "" then
    local v = lookup(env, path)
    if v == nil then return {}, "" end
    if sep == "." and path:match("[%.]?v$") then
      local owner = lookup(env, (path:gsub("%.?v$", "")))
      if owner ~= nil and is_model(owner) and rawget(owner, "v") == v then
        return filter(model_elements(owner), partial, path .. sep), ""
      end
    end
    for _, kv in ipairs(keys_of(v, sep == ":")) do
      local k, x = kv[1], kv[2]
      if not (hide_private and k:match("^_")) then
        words[#words + 1] = k .. (type(x) == "function" and "(" or "")
      end
    end
    return filter(words, partial, path .. sep), ""
  elseif path then
    return {}, ""
  end
  for _, kv in ipairs(keys_of(env)) do
    local k, x = kv[1], kv[2]
    if not (hide_private and k:match("^_")) then words[#words + 1] = k .. (type(x) == "function" and "(" or "") end
  end
  for _, k in ipairs(KEYWORDS) do words[#words + 1] = k end
  return filter(words, text), ""
end

return M
