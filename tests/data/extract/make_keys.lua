-- tests/data/extract/make_keys.lua — writes the answer keys of tests/lua/test_extract.lua from the
-- hand-entered example plans: one line per target cell, with the paragraphs of the source text
-- that state it (every 「quote」 of the cell's note found in the text; a table cell 主要指標表
-- 序號N「name」 at the table's paragraph holding exactly that name).
--   tuiyan run tests/data/extract/make_keys.lua   (then read the keys against the documents)
local PAIRS = {
  { plan = "examples/plans/wuwei_2022_2025.csv", doc = "examples/plans/sources/wuwei_2022_2025_plan.txt",
    key = "tests/data/extract/wuwei_2022_2025.key.csv" },
  { plan = "examples/plans/xiangxi_2022.csv", doc = "examples/plans/sources/xiangxi_2022_workpoints.txt",
    key = "tests/data/extract/xiangxi_2022.key.csv" },
}

-- Paragraphs as tuiyan.extract numbers them: non-empty lines; a paged text (lines "N、…") by page,
-- searched as one joined text.
local function paragraphs(text)
  local list = {}
  for line in (text .. "\n"):gmatch("([^\n]*)\n") do if line:match("%S") then list[#list + 1] = line end end
  local paged = #list >= 3
  for k, l in ipairs(list) do if tonumber(l:match("^%s*(%d+)、")) ~= k then paged = false end end
  local out = {}
  for k, l in ipairs(list) do
    out[k] = { n = k, text = paged and (l:gsub("^%s*%d+、", "", 1):gsub("%s+$", "")) or (l:gsub("^%s+", ""):gsub("%s+$", "")) }
  end
  return out, paged
end

local function find_paras(paras, paged, quote, table_name)
  local found = {}
  if table_name then
    for _, p in ipairs(paras) do if p.text == quote then found[#found + 1] = p.n end end
    return found
  end
  if paged then
    local joined, starts = {}, {}
    local pos = 1
    for _, p in ipairs(paras) do starts[#starts + 1] = { pos, p.n } joined[#joined + 1] = p.text pos = pos + #p.text end
    local all = table.concat(joined)
    local init = 1
    while true do
      local a = all:find(quote, init, true)
      if not a then break end
      local n
      for _, s in ipairs(starts) do if s[1] <= a then n = s[2] end end
      found[#found + 1] = n
      init = a + 1
    end
    return found
  end
  for _, p in ipairs(paras) do if p.text:find(quote, 1, true) then found[#found + 1] = p.n end end
  return found
end

for _, pair in ipairs(PAIRS) do
  local f = assert(io.open(pair.doc, "rb"))
  local text = f:read("a")
  f:close()
  local paras, paged = paragraphs(text)
  local plan = assert(tuiyan.plan.load(pair.plan))
  local out = { "id,year,unit,shape,op,a,b,from,to,paras,cell" }
  for _, id in ipairs(plan:ids()) do
    local unit = plan:info(id).unit
    for y = 2020, 2030 do
      local spec = plan:target_spec(id, y)
      if spec then
        local note = plan:target_note(id, y) or ""
        local ps, seen = {}, {}
        local function add(list) for _, n in ipairs(list) do if not seen[n] then seen[n] = true ps[#ps + 1] = n end end end
        -- table quotes: 主要指標表 序號N「name」
        for name in note:gmatch("主要指標表 序號%d+「(.-)」") do add(find_paras(paras, paged, name, true)) end
        local stripped = note:gsub("主要指標表 序號%d+「.-」%d+年目標值「.-」", "")
        for q in stripped:gmatch("「(.-)」") do add(find_paras(paras, paged, q)) end
        if #ps == 0 then error(("%s %s %d: no paragraph of the text holds the note's quotes: %s"):format(pair.plan, id, y, note)) end
        table.sort(ps)
        local function num(x) return x == nil and "" or string.format("%.10g", x) end
        local ps_s = {}
        for i, n in ipairs(ps) do ps_s[i] = tostring(n) end
        out[#out + 1] = table.concat({ id, y, unit, spec.shape, spec.op or "", num(spec.a), num(spec.b),
          spec.from or "", spec.to or "", table.concat(ps_s, " "), spec.text }, ",")
      end
    end
  end
  local w = assert(io.open(pair.key, "wb"))
  w:write(table.concat(out, "\n"), "\n")
  w:close()
  print(pair.key, #out - 1)
end
