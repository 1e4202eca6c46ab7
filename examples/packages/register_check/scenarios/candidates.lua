-- candidates — the 高企后备 list itself: firm by firm, with names and credit codes. Firm-level
-- data: it runs only in a package whose manifest declares "firm_level_outputs": true; this one
-- does not, so the county's sandbox refuses its result (exit 4).
--   tuiyan run wuwei_registers:candidates [REGISTER.csv] --data DIR
local reg = assert(tuiyan.register.load(arg[1] or "register.csv"))
local check = assert(reg:check("hte"))
return { candidates = check:candidates_table(20) }
