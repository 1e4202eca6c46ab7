#!/bin/sh
# test_example_plans.sh BIN [BUILD] — the two real documents entered as plan files
# (examples/plans/, see its README): every target cell is one tuiyan reads (check exits 0), the
# number of target cells is the number counted in the document, every cell has its source
# sentence in target_YYYY_note (verbatim from the document, kept in examples/plans/sources/), and the
# progress JSON gives, for targets whose status is worked out by hand below from docs/targets.md,
# the original text, the shape, the threshold and the status.
. tests/cli/lib.sh

WUWEI=examples/plans/wuwei_2022_2025.csv
XIANGXI=examples/plans/xiangxi_2022.csv
DATA=examples/plans/sources

# Target cells counted in the documents (one cell per indicator and target year).
#
# Wuwei 强科技行动实施方案 2022—2025: 50 cells on 29 rows.
#   The indicator table (主要指标), 15 rows x (2022, 2025) = 30: 科技进步贡献率 58/65,
#   综合科技创新水平指数 50/65, 企业研发占比 63/65, 研发投入强度 0.85/1.5, 市本级财政科技支出占比
#   1.5/2, 县区财政科技支出占比 0.5/1, 规上工业企业研发占营收 1/1.3, 有研发活动占比 38/40,
#   万人R&D人员 8/10, 每万人高价值发明专利 0.75/1.2, 新产品销售收入占比 4/8, 技术合同成交额 19/28,
#   高新技术企业 70/100, 省级科技创新型企业 55/80, 科技型中小企业 130/160. Thirteen of the 2025
#   cells are restated in the text (达到65% x3, 达到1.5%, 分别达到2%、1%以上 (2), 达到1.3%以上,
#   达到40%以上, 达到1.2件, 达到28亿元, 达到100家以上, 达到80家, 达到160家) and are written in the
#   text's words: still one cell each (万人R&D人员 10 and 新产品销售收入占比 8 only in the table).
#   The text, 20 more: 新培育国家级野外站等平台2家以上, 新增野外科学观测研究站2家以上,
#   新增省级科技创新平台3家以上 (three windows 2022-2025); 纳统科研与技术推广单位达到45家;
#   科研单位研发经费投入达到1.5亿元; 2022 启动 / 2023 完成 平台优化整合 / 2025 基本建成基地体系
#   (three milestones); 组建企业创新联合体2个; 专精特新中小企业25户以上; 小巨人5户以上;
#   每年选派科技专员30名以上 (2022..2025: 4); 每年选派科技特派员500名以上 (4);
#   新培育省级科技成果转移转化示范机构3家 (a window 2022-2025).
WUWEI_TARGETS=50
# Xiangxi (某某市) 2022 work points: 37 cells on 38 rows (one benchmark row has no target), all 2022.
#   总体目标 12: 研发投入占GDP比重0.9%以上; 高企新增30家以上; 高新技术产业产值达220亿元以上;
#   增加值占GDP比重达10%以上; 科技型中小企业达500家以上; 完成国家高新区创立年度任务;
#   新增创新型县市1个; 新增省级以上创新平台5家以上; 外国高端人才和专业人才达12名;
#   科技成果登记30项以上; 技术合同交易额突破10亿元; 上争资金4000万元.
#   (一) 1: 每条产业链培育12家创新型领军企业.
#   (二) 8: 财政科技支出只增不减; 增速不低于全省二类地区平均; 企业研发经费投入占比85%;
#   规上工业企业研发经费支出占营收2%; 省级研发奖补资金增长20%; 科技型企业贷款家数、总金额同步增长 (2).
#   (三) 12: 泸溪县国家级创新型县市; 吉首市省级创新型县市; 国家高新区现场考察; 龙山县农业科技园区
#   验收; 保靖县省级高新区; 永顺县省级农业科技园区; 县市工作站1-2个; 孵化平台全覆盖;
#   国家级科技企业孵化器; 国家级众创空间; 异地孵化器某某窗口.  (五) 5: 国家火炬特色产业基地;
#   新材料高新技术产业基地; 技术转移示范机构1家以上; 技术经纪人20人以上; 省级以上科技奖励3项以上.
#   推进措施 1: 县市区科技管理部门5名以上.  (科技成果登记 and 技术合同交易额 in (五), 外国人才 in (四)
#   restate 总体目标 and are the same cells.)
XIANGXI_TARGETS=37

# Both files load, and every target cell in them is read.
run "$BIN" check "$WUWEI" "$XIANGXI"
expect_code 0 "check both example plans"

# Counts, and a note beside every target cell (and none without one).
python3 - "$WUWEI" "$WUWEI_TARGETS" "$XIANGXI" "$XIANGXI_TARGETS" >"$TMP/counts" <<'PY'
import csv, sys
args = sys.argv[1:]
for path, want in zip(args[0::2], args[1::2]):
    lines = [l for l in open(path, encoding="utf-8") if not l.startswith("#")]
    n = 0
    for r in csv.DictReader(lines):
        for k, v in r.items():
            if k.startswith("target_") and not k.endswith("_note"):
                note = (r.get(k + "_note") or "").strip()
                if v.strip():
                    n += 1
                    if not note: print(f"FAIL: {path}: {r['id']} {k}: target without a source note")
                elif note:
                    print(f"FAIL: {path}: {r['id']} {k}: a note without a target")
    if n != int(want): print(f"FAIL: {path}: {n} target cells, counted {want} in the document")
PY
checks=$((checks + 1))
if [ -s "$TMP/counts" ]; then failures=$((failures + 1)); cat "$TMP/counts"; fi

# Every 「quoted」 passage of a note is verbatim in the document (the Xiangxi text is one line per
# PDF page, each starting with its page number "N、": the pages are joined without them).
python3 - "$WUWEI" "$DATA/wuwei_2022_2025_plan.txt" "$XIANGXI" "$DATA/xiangxi_2022_workpoints.txt" \
        >"$TMP/quotes" <<'PY'
import csv, re, sys
a = sys.argv[1:]
for plan, src in ((a[0], a[1]), (a[2], a[3])):
    raw = open(src, encoding="utf-8").read()
    doc = "".join(re.sub(r"^\d+、", "", l) for l in raw.split("\n")) if "xiangxi" in src else raw
    lines = [l for l in open(plan, encoding="utf-8") if not l.startswith("#")]
    for r in csv.DictReader(lines):
        for k, v in r.items():
            if k == "note" or k.endswith("_note"):
                quotes = re.findall(r"「(.*?)」", v or "")
                if k != "note" and v and not quotes: print(f"FAIL: {plan}: {r['id']} {k}: no 「quote」")
                for q in quotes:
                    if q not in doc: print(f"FAIL: {plan}: {r['id']} {k}: not in the document: {q}")
PY
checks=$((checks + 1))
if [ -s "$TMP/quotes" ] || [ ! -f "$DATA/wuwei_2022_2025_plan.txt" ]; then failures=$((failures + 1)); cat "$TMP/quotes"; fi

# progress FILE --format json, with and without --as-of.
for spec in "$WUWEI:2021" "$WUWEI:2022" "$XIANGXI:2021" "$XIANGXI:2022" "$XIANGXI:2023"; do
    file=${spec%:*} asof=${spec##*:}
    run "$BIN" progress "$file" --as-of "$asof" --format json
    expect_code 0 "progress $file --as-of $asof"
    cp "$TMP/out" "$TMP/$(basename "$file" .csv)_$asof.json"
done
run "$BIN" progress "$WUWEI" --format json
expect_code 0 "progress $WUWEI"
cp "$TMP/out" "$TMP/$(basename "$WUWEI" .csv)_default.json"
# Xiangxi has no actuals: without --as-of there is no year to measure at (exit 3, what to do).
run "$BIN" progress "$XIANGXI" --format json
expect_code 3 "progress $XIANGXI without actuals or --as-of"
expect_err "no actual value in any row" "the plan without actuals says so"
for file in "$WUWEI" "$XIANGXI"; do
    for f in text csv md html; do
        run "$BIN" progress "$file" --as-of 2022 --format $f
        expect_code 0 "progress $file --format $f"
        # The words as written are shown in every format, beside the threshold they resolve to.
        if [ "$file" = "$XIANGXI" ]; then
            for words in 突破10亿元 新增30家以上 1-2个 0.9%以上; do expect_out "$words" "$f shows $words as written"; done
        fi
    done
done
run "$BIN" progress "$XIANGXI" --as-of 2022 --format text
expect_out "突破10亿元 → > 10" "text: the words beside the normalised threshold"
run "$BIN" progress "$XIANGXI" --as-of 2022
expect_out "突破10亿元" "the text report shows the target as written"
expect_out "新增30家以上" "the text report shows the target as written"

# Expectations: json-file|indicator id (- for the report)|target year (- for the indicator)|field|value
# Each is worked out by hand from docs/targets.md and the document, independently of tuiyan.
cat >"$TMP/expect" <<'EOF'
# Wuwei as of 2021. rd_intensity: base_year 2020 declared and its actual 0.62 (table, marked *) is
# the only actual. T=2025 > A=2021: open; latest = the most recent actual at or before 2021 = 2020
# = the base; 0.62 does not meet >= 1.5; t = b, so no_trend (time share and completion null).
wuwei_2022_2025_2021|-|-|title|"武威市强科技行动实施方案(2022—2025年)"
wuwei_2022_2025_2021|rd_intensity|-|base.year|2020
wuwei_2022_2025_2021|rd_intensity|-|base.value|0.62
wuwei_2022_2025_2021|rd_intensity|2025|text|"达到1.5%"
wuwei_2022_2025_2021|rd_intensity|2025|shape|"level"
wuwei_2022_2025_2021|rd_intensity|2025|value|1.5
wuwei_2022_2025_2021|rd_intensity|2025|status|"no_trend"
wuwei_2022_2025_2021|rd_intensity|2025|time_share|null
wuwei_2022_2025_2021|rd_intensity|2025|completion|null
# The 2022 cell is the table's plain number; same reasoning (0.62 < 0.85): no_trend.
wuwei_2022_2025_2021|rd_intensity|2022|text|"0.85"
wuwei_2022_2025_2021|rd_intensity|2022|status|"no_trend"
# hte_count: base 2021 = 59 (its only actual); 达到100家以上 is >= 100; 59 < 100, t = b: no_trend.
wuwei_2022_2025_2021|hte_count|-|base.year|2021
wuwei_2022_2025_2021|hte_count|-|base.value|59
wuwei_2022_2025_2021|hte_count|2025|text|"达到100家以上"
wuwei_2022_2025_2021|hte_count|2025|shape|"level"
wuwei_2022_2025_2021|hte_count|2025|op|">="
wuwei_2022_2025_2021|hte_count|2025|value|100
wuwei_2022_2025_2021|hte_count|2025|status|"no_trend"
# 达到28亿元 in the 亿元 row is 28; base 2021 14.1 only: no_trend.
wuwei_2022_2025_2021|tech_contract_turnover|2025|text|"达到28亿元"
wuwei_2022_2025_2021|tech_contract_turnover|2025|value|28
wuwei_2022_2025_2021|tech_contract_turnover|2025|status|"no_trend"
# 县区财政科技支出占比 has no base value in the table: no actual at all, so no latest: no_data.
wuwei_2022_2025_2021|county_fiscal_st_share|2025|text|"1%以上"
wuwei_2022_2025_2021|county_fiscal_st_share|2025|value|1
wuwei_2022_2025_2021|county_fiscal_st_share|2025|status|"no_data"
# A milestone with nothing reported: no_data.
wuwei_2022_2025_2021|platform_consolidation|2023|text|"完成"
wuwei_2022_2025_2021|platform_consolidation|2023|shape|"milestone"
wuwei_2022_2025_2021|platform_consolidation|2023|status|"no_data"
wuwei_2022_2025_2021|city_platform_system|2025|text|"建成"
wuwei_2022_2025_2021|city_platform_system|2025|shape|"milestone"
# 新增2家以上(2022-2025): a window of the plan's four years on a flow row, no flows: no_data.
wuwei_2022_2025_2021|field_stations_new|-|measure|"flow"
wuwei_2022_2025_2021|field_stations_new|2025|text|"新增2家以上(2022-2025)"
wuwei_2022_2025_2021|field_stations_new|2025|shape|"window"
wuwei_2022_2025_2021|field_stations_new|2025|value|2
wuwei_2022_2025_2021|field_stations_new|2025|window|[2022, 2025]
wuwei_2022_2025_2021|field_stations_new|2025|status|"no_data"
# 每年选派科技特派员500名以上: a flow row, one cell per year, no actuals: no_data.
wuwei_2022_2025_2021|st_special_envoys|2022|text|"500名以上"
wuwei_2022_2025_2021|st_special_envoys|2022|value|500
wuwei_2022_2025_2021|st_special_envoys|2022|status|"no_data"
wuwei_2022_2025_2021|innovation_consortia|2025|text|"2个"
wuwei_2022_2025_2021|zjtx_smes|2025|text|"达到25户以上"
# Every row with actuals has exactly one (its base) and it is below both its targets (55.35<58,
# 42.92<50, 61.34<63, 0.62<0.85, 0.56<1.5, 0.85<1, 36<38, 7.95<8, 0.58<0.75, 3.19<4, 14.1<19,
# 59<70, 44<55, 122<130): 14 rows x 2 = 28 no_trend; the other 22 cells have no actual: no_data.
wuwei_2022_2025_2021|-|-|count.no_trend|28
wuwei_2022_2025_2021|-|-|count.no_data|22
wuwei_2022_2025_2021|-|-|count.targets|50
# As of 2022 the 2022 targets have passed and there is no 2022 actual: no_data — the 2021 actual
# 55.35 never stands in. The 2025 targets stay no_trend (latest 2021 = base 2021).
wuwei_2022_2025_2022|sci_progress_contribution|2022|text|"58"
wuwei_2022_2025_2022|sci_progress_contribution|2022|status|"no_data"
wuwei_2022_2025_2022|sci_progress_contribution|2025|status|"no_trend"
wuwei_2022_2025_2022|platform_consolidation_start|2022|shape|"milestone"
wuwei_2022_2025_2022|platform_consolidation_start|2022|status|"no_data"
# 15 table cells of 2022 + 1 (county 2025) + 20 text cells: no_data; 14 table cells of 2025: no_trend.
wuwei_2022_2025_2022|-|-|count.no_trend|14
wuwei_2022_2025_2022|-|-|count.no_data|36
# Xiangxi has no actuals: before, in and after 2022 every target has no latest (open) or no 2022
# actual (passed), milestones have nothing reported, growth and benchmark cannot be resolved:
# every one of the 37 is no_data.
xiangxi_2022_2021|-|-|count.no_data|37
xiangxi_2022_2022|-|-|count.no_data|37
xiangxi_2022_2023|-|-|count.no_data|37
xiangxi_2022_2022|-|-|title|"某某市2022年全市科技创新工作要点"
xiangxi_2022_2022|rd_intensity|2022|text|"0.9%以上"
xiangxi_2022_2022|rd_intensity|2022|shape|"level"
xiangxi_2022_2022|rd_intensity|2022|op|">="
xiangxi_2022_2022|rd_intensity|2022|value|0.9
xiangxi_2022_2022|hte_new|-|measure|"flow"
xiangxi_2022_2022|hte_new|2022|text|"新增30家以上"
xiangxi_2022_2022|hte_new|2022|shape|"window"
xiangxi_2022_2022|hte_new|2022|value|30
xiangxi_2022_2022|hte_new|2022|status|"no_data"
xiangxi_2022_2022|tech_contract_turnover|2022|text|"突破10亿元"
xiangxi_2022_2022|tech_contract_turnover|2022|shape|"level"
xiangxi_2022_2022|tech_contract_turnover|2022|op|">"
xiangxi_2022_2022|tech_contract_turnover|2022|value|10
xiangxi_2022_2022|tech_contract_turnover|2022|status|"no_data"
xiangxi_2022_2022|hitech_output|2022|text|"达220亿元以上"
xiangxi_2022_2022|hitech_output|2022|value|220
xiangxi_2022_2022|funds_won|2022|text|"4000万元"
xiangxi_2022_2022|funds_won|2022|value|4000
xiangxi_2022_2022|market_workstations|2022|text|"1-2个"
xiangxi_2022_2022|market_workstations|2022|shape|"range"
xiangxi_2022_2022|market_workstations|2022|value|1
xiangxi_2022_2022|market_workstations|2022|stretch|2
xiangxi_2022_2022|longshan_agri_park_acceptance|2022|text|"通过验收"
xiangxi_2022_2022|longshan_agri_park_acceptance|2022|shape|"milestone"
xiangxi_2022_2022|longshan_agri_park_acceptance|2022|status|"no_data"
xiangxi_2022_2022|luxi_national_innovative_county|2022|shape|"milestone"
xiangxi_2022_2022|fiscal_st_growth|2022|text|"不低于prov2_fiscal_st_growth"
xiangxi_2022_2022|fiscal_st_growth|2022|shape|"benchmark"
xiangxi_2022_2022|fiscal_st_growth|2022|ref|"prov2_fiscal_st_growth"
xiangxi_2022_2022|fiscal_st_growth|2022|op|">="
xiangxi_2022_2022|prov_rd_award_funds|2022|text|"增长20%"
xiangxi_2022_2022|prov_rd_award_funds|2022|shape|"growth"
xiangxi_2022_2022|fiscal_st_spending|2022|text|"增长0%以上"
xiangxi_2022_2022|fiscal_st_spending|2022|shape|"growth"
xiangxi_2022_2022|fiscal_st_spending|2022|op|">="
xiangxi_2022_2022|tech_loan_amount|2022|text|"增长0%以上"
xiangxi_2022_2022|tech_loan_amount|2022|shape|"growth"
xiangxi_2022_2022|tech_loan_amount|2022|op|">="
xiangxi_2022_2022|leading_enterprises_per_chain|2022|text|"12家"
xiangxi_2022_2022|leading_enterprises_per_chain|2022|value|12
xiangxi_2022_2022|prov2_fiscal_st_growth|-|targets|[]
EOF
python3 - "$TMP" "$TMP/expect" >"$TMP/expect.out" <<'PY'
import json, sys
tmp, expect = sys.argv[1], sys.argv[2]
docs, n, bad = {}, 0, 0
def get(o, path):
    for k in path.split("."):
        if not isinstance(o, dict) or k not in o: raise KeyError(path)
        o = o[k]
    return o
for line in open(expect, encoding="utf-8"):
    line = line.rstrip("\n")
    if not line or line.startswith("#"): continue
    name, ind, year, field, want = line.split("|", 4)
    n += 1
    if name not in docs:
        try:
            docs[name] = json.load(open(f"{tmp}/{name}.json", encoding="utf-8"))
        except Exception as e:
            docs[name] = None
            print(f"FAIL: {name}.json is not a progress report ({type(e).__name__}: {e}); its checks fail")
    if docs[name] is None:
        bad += 1
        continue
    try:
        d = docs[name]
        if field.startswith("count."):
            ts = [t for i in d["indicators"] for t in i["targets"]]
            what = field[6:]
            got = len(ts) if what == "targets" else sum(t.get("status") == what for t in ts)
        else:
            o = d if ind == "-" else next(i for i in d["indicators"] if i["id"] == ind)
            if year != "-": o = next(t for t in o["targets"] if t["year"] == int(year))
            got = get(o, field)
    except Exception as e:
        got = f"<{type(e).__name__}: {e}>"
    w = json.loads(want)
    ok = got == w if not isinstance(w, float) else isinstance(got, (int, float)) and abs(got - w) < 1e-9
    if not ok:
        bad += 1
        print(f"FAIL: {name} {ind} {year} {field}: got {json.dumps(got, ensure_ascii=False)}, expected {want}")
print(f"{n} {bad}")
PY
sed '$d' "$TMP/expect.out"
set -- $(tail -n 1 "$TMP/expect.out")
checks=$((checks + ${1:-1}))
failures=$((failures + ${2:-1}))

finish
