/* target_text.c — reads a target cell as written (docs/targets.md) into a TyTargetSpec, and
 * writes a spec back in its normalised ASCII form.
 *
 * The cell is read left to right by a cursor over its UTF-8 bytes. Words (以上, 突破, 新增...)
 * are matched from the tables below, longest first where one is the start of another. Every
 * number goes through number_parse, the one strict number reader, so a target reads full-width
 * digits and U+2212 exactly as an actual does; this file only finds where a number ends.
 *
 * Words and units are matched in either script: before comparing, each character of the cell and
 * of the word (or the row's unit) goes through `traditional`, a small table of the traditional
 * characters the grammar's words and common units use (達到 = 达到, 億元 = 亿元). The cell itself
 * is never rewritten: offsets and messages refer to the text as written.
 *
 * Grammar (after trimming blanks; an empty cell or a missing word of number_parse is no target):
 *   cell      := filler* form
 *   filler    := 达到 | 达 | 完成 | 确保 | 力争 | 实现                       (add nothing)
 *   form      := milestone                                                  MILESTONE
 *              | "rank" ("<=" | "≤") N                                      RANK
 *              | ("x" | "X" | "×") N                                        MULTIPLE (N > 0)
 *              | 倍增 | 翻番 | 翻一番 | 翻两番 | 翻二番 | 翻三番               MULTIPLE 2, 2, 2, 4, 4, 8
 *              | [排名 | 进入 | 位居 | 位列] (前 N [位|名] [以内] | 第 N [位|名])  RANK (whole N >= 1)
 *              | (新增 | 新培育) [pre] N [unit] [suf] [window] [suf]       WINDOW (N >= 0)
 *              | [同比] verb [pre] N (个百分点 | 百分点 | pp | %) [suf]       POINTS or GROWTH
 *              | [cmp] "+" N ("pp" | "%" | [unit] ["@" years | "(" years ")"])
 *                                                                            POINTS, GROWTH or WINDOW
 *              | pre ident                                                   BENCHMARK
 *              | [pre] N [unit] [suf]                                        LEVEL
 *              | N [unit] sep N [unit]                                       RANGE (the numbers differ)
 *   pre       := cmp | 不低于 | 不少于 | 突破 | 超过 | 高于 | 多于 | 不高于 | 不超过 | 控制在 | 低于 | 少于 ...
 *   cmp       := ">=" | "≥" | ">" | "<=" | "≤" | "<" (and full-width ＞ ＜)
 *   suf       := 以上 (>=) | 以内 (<=) | 以下 (<=)
 *   sep       := ".." | "-" | "~" | "～" | "—" | "–" | 至 | 到 | 力争
 *   years     := YYYY [年] sep YYYY [年], ending in the target's year
 *   verb      := 增长 | 提高 | 提升 | 增加 (+)  |  下降 | 降低 | 减少 (−, and the comparison flips);
 *                增长 and 下降 with % are growth in any row, the others are refused with % in a % row
 *   milestone := 完成 | 通过验收 | 成功验收 | 建成 | 建成投用 | 获批 | 投入使用 | 挂牌 | 创立 | 启动
 *              | 全覆盖 | "done"                                              (the whole rest)
 *   unit      := the row's unit, or % / ％ in a % row
 * A leading "+" always means an increase (window, points or growth), never a level. */
#include "target_text.h"
#include "number.h"
#include "utf8.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* A word of the cell grammar and what it stands for (an op, a factor, a sign...). */
typedef struct Word {
    const char *text;
    int value;
} Word;

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Before a number they add nothing: 达到100家 is 100. 达到 before 达 (longest first). */
static const Word fillers[] = {
    {"达到", 0}, {"达", 0}, {"完成", 0}, {"确保", 0}, {"力争", 0}, {"实现", 0},
};

/* A whole cell (after fillers) that is one of these is a milestone. */
static const Word milestones[] = {
    {"完成", 0}, {"通过验收", 0}, {"成功验收", 0}, {"建成", 0}, {"建成投用", 0}, {"获批", 0},
    {"投入使用", 0}, {"挂牌", 0}, {"创立", 0}, {"启动", 0}, {"全覆盖", 0},
};

/* Comparisons written before the number. Where one word starts another the longer comes first
 * (">=" before ">"); 不高于 and 高于 start differently, so their order does not matter. */
static const Word prefix_ops[] = {
    {"不低于", TY_OP_GE}, {"不少于", TY_OP_GE}, {"不小于", TY_OP_GE},
    {"不高于", TY_OP_LE}, {"不超过", TY_OP_LE}, {"不多于", TY_OP_LE}, {"不大于", TY_OP_LE},
    {"控制在", TY_OP_LE},
    {"突破", TY_OP_GT}, {"超过", TY_OP_GT}, {"高于", TY_OP_GT}, {"多于", TY_OP_GT}, {"大于", TY_OP_GT},
    {"低于", TY_OP_LT}, {"少于", TY_OP_LT}, {"小于", TY_OP_LT},
    {">=", TY_OP_GE}, {"\xE2\x89\xA5" /* ≥ */, TY_OP_GE}, {"\xEF\xBC\x9E\xEF\xBC\x9D" /* ＞＝ */, TY_OP_GE},
    {">", TY_OP_GT}, {"\xEF\xBC\x9E" /* ＞ */, TY_OP_GT},
    {"<=", TY_OP_LE}, {"\xE2\x89\xA4" /* ≤ */, TY_OP_LE}, {"\xEF\xBC\x9C\xEF\xBC\x9D" /* ＜＝ */, TY_OP_LE},
    {"<", TY_OP_LT}, {"\xEF\xBC\x9C" /* ＜ */, TY_OP_LT},
};

/* Comparisons written after the number (and its unit). */
static const Word suffix_ops[] = {
    {"以上", TY_OP_GE}, {"以内", TY_OP_LE}, {"以下", TY_OP_LE},
};

static const Word multiple_words[] = {
    {"倍增", 2}, {"翻一番", 2}, {"翻两番", 4}, {"翻二番", 4}, {"翻三番", 8}, {"翻番", 2},
};

/* Verbs of change: positive raises, negative lowers (the number is negated and the comparison
 * flips, since 下降5%以上 asks for a value at most 0.95 of the year before). 增长N% and 下降N%
 * are always growth; the others with % are growth too except in a % row, where 提高1.5% could
 * mean points. */
enum { VERB_GROWTH = 2 };
static const Word verbs[] = {
    {"增长", +VERB_GROWTH}, {"提高", +1}, {"提升", +1}, {"增加", +1},
    {"下降", -VERB_GROWTH}, {"降低", -1}, {"减少", -1},
};

/* The words that open a window: 新培育30家 is 新增30家. */
static const Word window_words[] = { {"新增", 0}, {"新培育", 0} };

static const Word rank_leads[] = { {"排名", 0}, {"进入", 0}, {"位居", 0}, {"位列", 0} };

/* Between the two numbers of a range; also between the two years of a window. */
static const Word range_seps[] = {
    {"..", 0}, {"-", 0}, {"~", 0}, {"\xEF\xBD\x9E" /* ～ */, 0}, {"\xE2\x80\x94" /* — */, 0},
    {"\xE2\x80\x93" /* – */, 0}, {"\xEF\xBC\x8D" /* － */, 0}, {"\xE2\x88\x92" /* − */, 0},
    {"至", 0}, {"到", 0},
};

static const Word point_units[] = { {"个百分点", 0}, {"百分点", 0} };

/* Chinese numerals where a number is expected earn "write digits", not the generic message. */
static const uint32_t numerals[] = {
    0x3007, 0x4E00, 0x4E8C, 0x4E09, 0x56DB, 0x4E94, 0x516D, 0x4E03, 0x516B, 0x4E5D, 0x5341,
    0x767E, 0x5343, 0x4E07, 0x4EBF, 0x4E24, 0x96F6,   /* 〇一二三四五六七八九十百千万亿两零 */
};

/* Traditional -> simplified, only for the characters of this file's words and of common units
 * (个 户 项 亿元 万元 吨 亩 千瓦时 条 间 张 辆 场 门 册 台), sorted by the traditional code point.
 * Not a general converter: a character missing here only means a word using it is not read. */
static const uint32_t traditional[][2] = {
    {0x500B, 0x4E2A}, /* 個 个 */   {0x5104, 0x4EBF}, /* 億 亿 */   {0x5167, 0x5185}, /* 內 内 */
    {0x5169, 0x4E24}, /* 兩 两 */   {0x518A, 0x518C}, /* 冊 册 */   {0x5275, 0x521B}, /* 創 创 */
    {0x52D5, 0x52A8}, /* 動 动 */   {0x5553, 0x542F}, /* 啓 启 */   {0x555F, 0x542F}, /* 啟 启 */
    {0x5678, 0x5428}, /* 噸 吨 */   {0x5834, 0x573A}, /* 場 场 */   {0x5BE6, 0x5B9E}, /* 實 实 */
    {0x5F35, 0x5F20}, /* 張 张 */   {0x6236, 0x6237}, /* 戶 户 */   {0x639B, 0x6302}, /* 掛 挂 */
    {0x65BC, 0x4E8E}, /* 於 于 */   {0x6607, 0x5347}, /* 昇 升 */   {0x6642, 0x65F6}, /* 時 时 */
    {0x689D, 0x6761}, /* 條 条 */   {0x6E1B, 0x51CF}, /* 減 减 */   {0x722D, 0x4E89}, /* 爭 争 */
    {0x7372, 0x83B7}, /* 獲 获 */   {0x73FE, 0x73B0}, /* 現 现 */   {0x755D, 0x4EA9}, /* 畝 亩 */
    {0x78BA, 0x786E}, /* 確 确 */   {0x81FA, 0x53F0}, /* 臺 台 */   {0x842C, 0x4E07}, /* 萬 万 */
    {0x84CB, 0x76D6}, /* 蓋 盖 */   {0x8F1B, 0x8F86}, /* 輛 辆 */   {0x9032, 0x8FDB}, /* 進 进 */
    {0x904E, 0x8FC7}, /* 過 过 */   {0x9054, 0x8FBE}, /* 達 达 */   {0x9577, 0x957F}, /* 長 长 */
    {0x9580, 0x95E8}, /* 門 门 */   {0x9593, 0x95F4}, /* 間 间 */   {0x9805, 0x9879}, /* 項 项 */
    {0x9A57, 0x9A8C}, /* 驗 验 */   {0x9EDE, 0x70B9}, /* 點 点 */
};

/* The simplified form of cp when the table has it, else cp. */
static uint32_t simplified(uint32_t cp)
{
    size_t lo = 0, hi = COUNT(traditional);
    if (cp < traditional[0][0]) return cp;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (traditional[mid][0] == cp) return traditional[mid][1];
        if (traditional[mid][0] < cp) lo = mid + 1;
        else hi = mid;
    }
    return cp;
}

static const char accepted_forms[] =
    "expected a number (100), a comparison (>=100, 100以上, 突破600), a range (3-5), 新增N, "
    "提高N个百分点, 增长N%, 倍增, 前N位, 高于<row id> or 完成";

typedef struct Parser {
    const char *s;             /* the text as given: offsets are into it */
    size_t start, end;         /* the trimmed cell */
    size_t i;                  /* the cursor */
    const char *unit;          /* the row's unit, never NULL */
    int year;                  /* the target's year, 0 when unknown */
    int percent_row;
    char *why;
    size_t whysize;
    size_t *err_offset;
} Parser;

/* ---- characters ------------------------------------------------------------------------ */

/* The code point at byte j (0 at the end), its length in *n. */
static uint32_t cp_at(const Parser *p, size_t j, int *n)
{
    uint32_t cp = 0;
    int len = 0;
    if (j < p->end) len = utf8_decode(p->s + j, p->end - j, &cp);
    if (n) *n = len;
    return cp;
}

static int is_blank_cp(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' || cp == 0x3000;
}

static int is_digit_cp(uint32_t cp)
{
    return (cp >= '0' && cp <= '9') || (cp >= 0xFF10 && cp <= 0xFF19);
}

static int is_point_cp(uint32_t cp) { return cp == '.' || cp == 0xFF0E; }
static int is_minus_cp(uint32_t cp) { return cp == '-' || cp == 0x2212 || cp == 0xFF0D; }
static int is_percent_cp(uint32_t cp) { return cp == '%' || cp == 0xFF05; }
static int is_ident_start(uint32_t cp) { return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') || cp == '_'; }
static int is_ident_char(uint32_t cp) { return is_ident_start(cp) || (cp >= '0' && cp <= '9'); }

static int is_numeral(uint32_t cp)
{
    cp = simplified(cp);   /* 萬 億 兩 */
    for (size_t k = 0; k < COUNT(numerals); k++)
        if (numerals[k] == cp) return 1;
    return 0;
}

static void skip_blanks(Parser *p)
{
    int n;
    while (p->i < p->end && is_blank_cp(cp_at(p, p->i, &n))) p->i += (size_t)n;
}

static int at_end(Parser *p)
{
    skip_blanks(p);
    return p->i == p->end;
}

/* How many bytes of the cell at j spell the word lit, character by character in either script
 * (simplified()); 0 when it is not there. lit is not empty. */
static size_t match_at(const Parser *p, size_t j, const char *lit)
{
    size_t n = strlen(lit), k = 0, m = j;
    while (k < n) {
        uint32_t want, got;
        if (m >= p->end) return 0;
        k += (size_t)utf8_decode(lit + k, n - k, &want);
        m += (size_t)utf8_decode(p->s + m, p->end - m, &got);
        if (simplified(got) != simplified(want)) return 0;
    }
    return m - j;
}

static int starts_with(const Parser *p, size_t j, const char *lit)
{
    return match_at(p, j, lit) > 0;
}

/* ASCII words (done, rank, pp) are read in any case. */
static int starts_with_ci(const Parser *p, size_t j, const char *lit)
{
    size_t n = strlen(lit);
    if (p->end - j < n) return 0;
    for (size_t k = 0; k < n; k++) {
        char c = p->s[j + k];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != lit[k]) return 0;
    }
    return 1;
}

/* Skips blanks and eats the first word of the table found at the cursor: its index, or -1
 * (cursor after the blanks). */
static int eat_word(Parser *p, const Word *table, size_t count)
{
    skip_blanks(p);
    for (size_t k = 0; k < count; k++) {
        size_t n = match_at(p, p->i, table[k].text);
        if (n) {
            p->i += n;
            return (int)k;
        }
    }
    return -1;
}

static int eat(Parser *p, const char *lit)
{
    skip_blanks(p);
    size_t n = match_at(p, p->i, lit);
    if (!n) return 0;
    p->i += n;
    return 1;
}

/* ---- messages -------------------------------------------------------------------------- */

/* s[0..len) for a message: at most ~40 bytes of whole characters, control characters and
 * invalid bytes as '?', so the message stays one line of valid UTF-8. */
static void excerpt(char *dst, size_t cap, const char *s, size_t len)
{
    size_t o = 0, i = 0;
    while (i < len) {
        uint32_t cp;
        int n = utf8_decode(s + i, len - i, &cp);
        int invalid = n == 1 && cp == 0xFFFD;
        if (o >= 40 || o + (size_t)n + 4 > cap) {
            memcpy(dst + o, "...", 3);
            o += 3;
            break;
        }
        if (invalid || cp < 0x20 || cp == 0x7F || cp == '"') dst[o++] = cp == '"' ? '\'' : '?';
        else { memcpy(dst + o, s + i, (size_t)n); o += (size_t)n; }
        i += (size_t)n;
    }
    dst[o] = '\0';
}

/* Copies src into why, cutting at a character boundary if it does not fit. */
static void copy_message(const Parser *p, const char *src)
{
    if (!p->why || p->whysize == 0) return;
    size_t n = strlen(src);
    if (n >= p->whysize) {
        n = p->whysize - 1;
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80) n--;   /* not inside a character */
    }
    memcpy(p->why, src, n);
    p->why[n] = '\0';
}

/* Reports a problem at byte `at`: "cannot read target "<cell>": <reason>". Returns -1. */
static int fail(Parser *p, size_t at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(Parser *p, size_t at, const char *fmt, ...)
{
    char cell[64], reason[640], msg[768];
    va_list ap;
    excerpt(cell, sizeof cell, p->s + p->start, p->end - p->start);
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    snprintf(msg, sizeof msg, "cannot read target \"%s\": %s", cell, reason);
    copy_message(p, msg);
    if (p->err_offset) *p->err_offset = at;
    return -1;
}

/* The generic message: what was found (from `at` on) and the forms accepted. */
static int fail_expected(Parser *p, size_t at)
{
    if (at <= p->start) return fail(p, at, "%s", accepted_forms);
    if (at >= p->end) return fail(p, at, "it ends too early; %s", accepted_forms);
    char rest[64];
    excerpt(rest, sizeof rest, p->s + at, p->end - at);
    return fail(p, at, "found \"%s\"; %s", rest, accepted_forms);
}

/* ---- numbers, units, comparisons ------------------------------------------------------- */

/* Where a number written at j ends: [minus] digits [point digits] [e [sign] digits], digits
 * ASCII or full-width. A point followed by another point is a range's "..", not a decimal
 * point. Returns j when no number starts there. */
static size_t number_end(const Parser *p, size_t j, int allow_minus)
{
    int n;
    size_t k = j;
    uint32_t cp = cp_at(p, k, &n);
    if (allow_minus && is_minus_cp(cp)) { k += (size_t)n; cp = cp_at(p, k, &n); }
    /* "100...120": the third point is not the start of .120 */
    if (is_point_cp(cp) && k > p->start && p->s[k - 1] == '.') return j;
    size_t digits = 0;
    int seen_point = 0;
    for (;;) {
        if (is_digit_cp(cp)) digits++;
        else if (is_point_cp(cp) && !seen_point) {
            int m;
            if (is_point_cp(cp_at(p, k + (size_t)n, &m))) break;
            seen_point = 1;
        } else break;
        k += (size_t)n;
        cp = cp_at(p, k, &n);
    }
    if (digits == 0) return j;
    if (cp == 'e' || cp == 'E') {
        size_t e = k + 1;
        int m;
        uint32_t c2 = cp_at(p, e, &m);
        if (c2 == '+' || is_minus_cp(c2)) { e += (size_t)m; c2 = cp_at(p, e, &m); }
        if (c2 >= '0' && c2 <= '9') {
            k = e;
            while (k < p->end && p->s[k] >= '0' && p->s[k] <= '9') k++;
        }
    }
    return k;
}

/* Reads a number at the cursor: 1 and *v, 0 when none starts there (cursor after blanks), or
 * -1 after reporting a number that is there but wrong. */
static int read_number(Parser *p, int allow_minus, double *v, size_t *at)
{
    skip_blanks(p);
    size_t j = p->i;
    if (at) *at = j;
    int n;
    uint32_t cp = cp_at(p, j, &n);
    if (is_numeral(cp)) {
        size_t k = j;
        while (k < p->end && is_numeral(cp_at(p, k, &n))) k += (size_t)n;
        char found[64];
        excerpt(found, sizeof found, p->s + j, k - j);
        return fail(p, j, "write numbers in digits, found \"%s\"", found);
    }
    size_t k = number_end(p, j, allow_minus);
    if (k == j) return 0;
    TyNumResult r;
    if (number_parse(p->s + j, k - j, 0, &r) != NUM_VALUE) return fail(p, j, "%s", r.why);
    uint32_t next = cp_at(p, k, &n);
    if (next == ',' && is_digit_cp(cp_at(p, k + 1, NULL)))
        return fail(p, k, "write numbers without thousands separators");
    if ((next == 'x' || next == 'X') && k - j == 1 && p->s[j] == '0') {
        size_t e = k + 1;
        while (e < p->end && is_ident_char((unsigned char)p->s[e])) e++;
        char found[64];
        excerpt(found, sizeof found, p->s + j, e - j);
        return fail(p, j, "\"%s\" is not a decimal number", found);
    }
    p->i = k;
    *v = r.value;
    return 1;
}

/* Is a word that can follow a number (and so ends a unit) written at j? */
static int unit_stops_at(const Parser *p, size_t j)
{
    static const char *const stops[] = { "以上", "以内", "以下", "力争", "左右", "至", "到" };
    for (size_t k = 0; k < COUNT(stops); k++)
        if (starts_with(p, j, stops[k])) return 1;
    return 0;
}

/* A character that can be part of a unit word: letters, '/', '^' and characters that are not
 * punctuation, digits or blanks. */
static int is_unit_cp(uint32_t cp)
{
    if (cp < 0x80) return is_ident_start(cp) || cp == '/' || cp == '^';
    if (cp >= 0xFF00 && cp <= 0xFF65) return 0;     /* full-width digits and punctuation */
    if (cp >= 0x3000 && cp <= 0x303F) return 0;     /* CJK punctuation 、。（ */
    if (cp >= 0x2010 && cp <= 0x2027) return 0;     /* dashes and quotes */
    return cp != 0x2212 && cp != 0xFFFD;
}

/* An optional unit after a number: the row's own unit, or %/％ in a % row. Any other unit word
 * is an error naming both units: 120亿元 in a 万元 row must not be a silent 120. Returns 1 when
 * a unit was read, 0 when none is written, -1 on error. */
static int read_unit(Parser *p)
{
    skip_blanks(p);
    int n;
    uint32_t cp = cp_at(p, p->i, &n);
    if (is_percent_cp(cp)) {
        if (!p->percent_row)
            return fail(p, p->i, "a %% sign is only read in a %% row (this row's unit is %s)", p->unit);
        p->i += (size_t)n;
        return 1;
    }
    size_t len;
    if (p->unit[0] && strcmp(p->unit, "1") != 0 && !p->percent_row && (len = match_at(p, p->i, p->unit))) {
        p->i += len;   /* 億元 in a 亿元 row, 亿元 in a 億元 row */
        return 1;
    }
    size_t k = p->i;
    while (k < p->end && !unit_stops_at(p, k) && is_unit_cp(cp_at(p, k, &n))) k += (size_t)n;
    if (k == p->i) return 0;
    char word[64];
    excerpt(word, sizeof word, p->s + p->i, k - p->i);
    return fail(p, p->i, "the unit %s is not the row's unit %s", word, p->unit[0] ? p->unit : "1");
}

/* A comparison written before a number: which one and where, for messages. */
typedef struct Prefix {
    TyTargetOp op;            /* TY_OP_DEFAULT when none is written */
    const char *text;
} Prefix;

static Prefix read_prefix_op(Parser *p)
{
    int k = eat_word(p, prefix_ops, COUNT(prefix_ops));
    Prefix pre = { TY_OP_DEFAULT, "" };
    if (k >= 0) {
        pre.op = (TyTargetOp)prefix_ops[k].value;
        pre.text = prefix_ops[k].text;
    }
    return pre;
}

/* Reads an optional comparison after a number and combines it with the one before: 突破600以上
 * is still >, 控制在0.5以内 is <=, but 不低于100以下 contradicts itself. Returns 1 when a
 * suffix was read, 0 when none, -1 on error; *op is the combined comparison. */
static int read_suffix_op(Parser *p, Prefix pre, TyTargetOp *op)
{
    skip_blanks(p);
    size_t at = p->i;
    int k = eat_word(p, suffix_ops, COUNT(suffix_ops));
    *op = pre.op;
    if (k < 0) return 0;
    TyTargetOp suf = (TyTargetOp)suffix_ops[k].value;
    if (pre.op == TY_OP_DEFAULT) {
        *op = suf;
        return 1;
    }
    int pre_up = pre.op == TY_OP_GE || pre.op == TY_OP_GT;
    if (pre_up != (suf == TY_OP_GE))
        return fail(p, at, "%s contradicts %s", suffix_ops[k].text, pre.text);
    return 1;
}

static TyTargetOp flip(TyTargetOp op)
{
    switch (op) {
    case TY_OP_GE: return TY_OP_LE;
    case TY_OP_GT: return TY_OP_LT;
    case TY_OP_LE: return TY_OP_GE;
    case TY_OP_LT: return TY_OP_GT;
    default: return op;
    }
}

static int expect_end(Parser *p)
{
    if (at_end(p)) return 0;
    return fail_expected(p, p->i);
}

/* ---- the forms ------------------------------------------------------------------------- */

/* One year of a window: a whole number of four digits, optionally followed by 年. */
static int read_year(Parser *p, int *year)
{
    double v;
    size_t at;
    int r = read_number(p, 0, &v, &at);
    if (r < 0) return -1;
    if (r == 0 || v != floor(v) || v < 1000 || v > 9999)
        return fail(p, at, "a window's years are written like (2023-2025)");
    *year = (int)v;
    eat(p, "年");
    return 0;
}

/* An optional window "(YYYY-YYYY)", "（YYYY—YYYY年）" or "@YYYY..YYYY". It must end in the
 * target's year: a three-year total belongs in its last year's column. */
static int read_window(Parser *p, TyTargetSpec *out)
{
    skip_blanks(p);
    size_t at = p->i;
    int bracket;
    if (eat(p, "@")) bracket = 0;
    else if (eat(p, "(") || eat(p, "\xEF\xBC\x88" /* （ */)) bracket = 1;
    else return 0;
    int from, to;
    if (read_year(p, &from) < 0) return -1;
    if (eat_word(p, range_seps, COUNT(range_seps)) < 0) return fail_expected(p, p->i);
    if (read_year(p, &to) < 0) return -1;
    if (bracket && !eat(p, ")") && !eat(p, "\xEF\xBC\x89" /* ） */)) return fail_expected(p, p->i);
    if (from > to) return fail(p, at, "the window %d-%d runs backwards", from, to);
    if (p->year && to != p->year)
        return fail(p, at, "the window ends in %d but the target is for %d (a window must end in "
                    "its target's year)", to, p->year);
    out->from = from;
    out->to = to;
    return 1;
}

/* 新增 [pre] N [unit] [suf] [window] [suf] — after 新增 or 新培育 (word, for messages). */
static int parse_window(Parser *p, const char *word, TyTargetSpec *out)
{
    Prefix pre = read_prefix_op(p);
    double v;
    size_t at;
    int r = read_number(p, 1, &v, &at);
    if (r <= 0) return r < 0 ? -1 : fail_expected(p, p->i);
    if (v < 0) return fail(p, at, "%s needs a number of at least 0", word);
    if (read_unit(p) < 0) return -1;
    TyTargetOp op;
    int suffix = read_suffix_op(p, pre, &op);
    if (suffix < 0 || read_window(p, out) < 0) return -1;
    if (!suffix && read_suffix_op(p, pre, &op) < 0) return -1;   /* 新增300(2023-2025)以上 */
    out->shape = TY_SHAPE_WINDOW;
    out->op = op;
    out->a = v;
    return expect_end(p);
}

/* Eats "pp" in any case. */
static int eat_pp(Parser *p)
{
    skip_blanks(p);
    if (!starts_with_ci(p, p->i, "pp")) return 0;
    p->i += 2;
    return 1;
}

/* A verb of change (提高, 增长, 下降...) then N 个百分点 (points) or N% (growth). */
static int parse_change(Parser *p, const Word *verb, TyTargetSpec *out)
{
    int sign = verb->value < 0 ? -1 : 1;
    int growth_verb = verb->value == VERB_GROWTH || verb->value == -VERB_GROWTH;
    Prefix pre = read_prefix_op(p);
    double v;
    size_t at;
    int r = read_number(p, sign > 0, &v, &at);
    if (r <= 0) return r < 0 ? -1 : fail_expected(p, p->i);
    skip_blanks(p);
    size_t unit_at = p->i;
    int n;
    if (eat_word(p, point_units, COUNT(point_units)) >= 0 || eat_pp(p)) {
        out->shape = TY_SHAPE_POINTS;
    } else if (is_percent_cp(cp_at(p, p->i, &n))) {
        if (!growth_verb && p->percent_row)
            return fail(p, unit_at, "%s with %% is ambiguous in a %% row: write %sN个百分点 for a "
                        "change in points or %sN%% for growth", verb->text, verb->text,
                        sign < 0 ? "下降" : "增长");
        p->i += (size_t)n;
        out->shape = TY_SHAPE_GROWTH;
    } else {
        return fail(p, unit_at, "%s needs a percent (%s15%%) or points (%s1.5个百分点)",
                    verb->text, verb->text, verb->text);
    }
    TyTargetOp op;
    if (read_suffix_op(p, pre, &op) < 0) return -1;
    out->op = sign < 0 ? flip(op) : op;
    out->a = sign * v;
    return expect_end(p);
}

/* "+" N then pp (points), % (growth) or a window, with the comparison op written before. */
static int parse_plus(Parser *p, TyTargetOp op, TyTargetSpec *out)
{
    double v;
    size_t at;
    int r = read_number(p, 1, &v, &at);
    if (r <= 0) return r < 0 ? -1 : fail_expected(p, p->i);
    skip_blanks(p);
    int n;
    out->op = op;
    out->a = v;
    if (eat_pp(p)) {
        out->shape = TY_SHAPE_POINTS;
    } else if (is_percent_cp(cp_at(p, p->i, &n))) {
        p->i += (size_t)n;
        out->shape = TY_SHAPE_GROWTH;
    } else {
        if (v < 0) return fail(p, at, "a window total (+N) needs a number of at least 0");
        if (read_unit(p) < 0 || read_window(p, out) < 0) return -1;
        out->shape = TY_SHAPE_WINDOW;
    }
    return expect_end(p);
}

/* 前N[位|名][以内], 第N[位|名] — after 前 or 第; or N after rank<=. */
static int parse_rank(Parser *p, int top, TyTargetSpec *out)
{
    double v;
    size_t at;
    int r = read_number(p, 1, &v, &at);
    if (r <= 0) return r < 0 ? -1 : fail_expected(p, p->i);
    if (v < 1 || v != floor(v)) {
        char found[64];
        excerpt(found, sizeof found, p->s + at, p->i - at);
        return fail(p, at, "a rank is a whole number from 1 (前3位), found %s", found);
    }
    if (!eat(p, "位")) eat(p, "名");
    if (top) eat(p, "以内");
    out->shape = TY_SHAPE_RANK;
    out->op = TY_OP_LE;
    out->a = v;
    return expect_end(p);
}

/* The words strtod would take for a number: never a number here, nor a row id. */
static int is_not_a_number_word(const Parser *p, size_t j, size_t len)
{
    static const char *const words[] = { "inf", "infinity", "nan" };
    for (size_t k = 0; k < COUNT(words); k++)
        if (len == strlen(words[k]) && starts_with_ci(p, j, words[k])) return 1;
    return 0;
}

/* A benchmark: another row's id after a comparison. */
static int parse_benchmark(Parser *p, TyTargetOp op, TyTargetSpec *out)
{
    size_t j = p->i;
    while (j < p->end && is_ident_char((unsigned char)p->s[j])) j++;
    size_t len = j - p->i;
    char found[64];
    excerpt(found, sizeof found, p->s + p->i, len);
    if (len >= TY_TARGET_REF_MAX)
        return fail(p, p->i, "a row id is at most %d characters, found \"%s\"", TY_TARGET_REF_MAX - 1, found);
    if (is_not_a_number_word(p, p->i, len))
        return fail(p, p->i, "\"%s\" is not a number (a benchmark names another row's id)", found);
    memcpy(out->ref, p->s + p->i, len);
    out->ref[len] = '\0';
    p->i = j;
    out->shape = TY_SHAPE_BENCHMARK;
    out->op = op;
    return expect_end(p);
}

/* The second number of a range, after its separator. */
static int parse_range_rest(Parser *p, double first, size_t first_at, TyTargetSpec *out)
{
    double v;
    size_t at;
    int r = read_number(p, 1, &v, &at);
    if (r <= 0) return r < 0 ? -1 : fail_expected(p, p->i);
    if (read_unit(p) < 0) return -1;
    if (v == first) {
        char n[40];
        return fail(p, first_at, "a range needs two different numbers (write %s for one number)",
                    number_format(v, n, sizeof n));
    }
    out->shape = TY_SHAPE_RANGE;
    out->a = first;
    out->b = v;
    return expect_end(p);
}

/* Before 力争 in 确保100、力争120 a comma is part of the separator. */
static const Word commas[] = {
    {"\xEF\xBC\x8C" /* ， */, 0}, {",", 0}, {"\xE3\x80\x81" /* 、 */, 0},
};

/* Eats a range separator: one of range_seps, or [，,、] 力争. */
static int eat_range_sep(Parser *p)
{
    size_t before = p->i;
    eat_word(p, commas, COUNT(commas));
    if (eat(p, "力争")) return 1;
    p->i = before;
    return eat_word(p, range_seps, COUNT(range_seps)) >= 0;
}

/* [pre] N [unit] [suf] — a level, or a range when a separator follows the first number. */
static int parse_level(Parser *p, Prefix pre, TyTargetSpec *out)
{
    double v;
    size_t at;
    int r = read_number(p, 1, &v, &at);
    if (r < 0) return -1;
    if (r == 0) {
        int n;
        uint32_t cp = cp_at(p, p->i, &n);
        if (pre.op != TY_OP_DEFAULT && cp >= 0x80 && is_unit_cp(cp)) {
            /* 高于全省平均: the benchmark must be a row of the plan, named by its id. */
            size_t k = p->i;
            while (k < p->end && !is_blank_cp(cp_at(p, k, &n))) k += (size_t)n;
            char found[64];
            excerpt(found, sizeof found, p->s + p->i, k - p->i);
            return fail(p, p->i, "a benchmark names another row by its id (高于province_avg), "
                        "found \"%s\"", found);
        }
        size_t k = p->i;
        while (k < p->end && is_ident_char((unsigned char)p->s[k])) k++;
        if (is_not_a_number_word(p, p->i, k - p->i)) {
            char found[16];
            excerpt(found, sizeof found, p->s + p->i, k - p->i);
            return fail(p, p->i, "\"%s\" is not a number", found);
        }
        return fail_expected(p, p->i);
    }
    if (read_unit(p) < 0) return -1;
    if (pre.op == TY_OP_DEFAULT && eat_range_sep(p)) return parse_range_rest(p, v, at, out);
    TyTargetOp op;
    if (read_suffix_op(p, pre, &op) < 0) return -1;
    out->shape = TY_SHAPE_LEVEL;
    out->op = op;
    out->a = v;
    return expect_end(p);
}

/* Is the rest of the cell exactly one of the milestone words (or "done")? */
static int rest_is_milestone(Parser *p)
{
    skip_blanks(p);
    size_t j = p->i;
    for (size_t k = 0; k < COUNT(milestones); k++) {
        p->i = j;
        if (eat(p, milestones[k].text) && at_end(p)) return 1;
    }
    p->i = j;
    if (starts_with_ci(p, j, "done")) {
        p->i = j + 4;
        if (at_end(p)) return 1;
    }
    p->i = j;
    return 0;
}

static int parse_form(Parser *p, TyTargetSpec *out)
{
    for (;;) {
        if (rest_is_milestone(p)) {
            out->shape = TY_SHAPE_MILESTONE;
            return 0;
        }
        if (eat_word(p, fillers, COUNT(fillers)) < 0) break;
    }
    skip_blanks(p);
    size_t here = p->i;
    int n, k;
    uint32_t cp = cp_at(p, here, &n);

    if (starts_with_ci(p, here, "rank")) {
        p->i += 4;
        if (eat_word(p, (const Word[]){ {"<=", 0}, {"\xE2\x89\xA4" /* ≤ */, 0} }, 2) < 0)
            return fail_expected(p, p->i);
        return parse_rank(p, 1, out);
    }
    if ((cp == 'x' || cp == 'X' || cp == 0xD7 /* × */)
        && number_end(p, here + (size_t)n, 0) > here + (size_t)n) {
        double v;
        size_t at;
        p->i += (size_t)n;
        if (read_number(p, 0, &v, &at) < 0) return -1;
        if (!(v > 0)) return fail(p, at, "a multiple (x2) must be greater than 0");
        out->shape = TY_SHAPE_MULTIPLE;
        out->a = v;
        return expect_end(p);
    }
    if ((k = eat_word(p, multiple_words, COUNT(multiple_words))) >= 0) {
        out->shape = TY_SHAPE_MULTIPLE;
        out->a = multiple_words[k].value;
        return expect_end(p);
    }
    if ((k = eat_word(p, window_words, COUNT(window_words))) >= 0)
        return parse_window(p, window_words[k].text, out);
    int same_period = eat(p, "同比");
    if ((k = eat_word(p, verbs, COUNT(verbs))) >= 0) return parse_change(p, &verbs[k], out);
    if (same_period) return fail_expected(p, p->i);
    int lead = eat_word(p, rank_leads, COUNT(rank_leads)) >= 0;
    if (eat(p, "前")) return parse_rank(p, 1, out);
    if (eat(p, "第")) return parse_rank(p, 0, out);
    if (lead) return fail_expected(p, p->i);

    Prefix pre = read_prefix_op(p);
    skip_blanks(p);
    cp = cp_at(p, p->i, &n);
    if (cp == '+' || cp == 0xFF0B /* ＋ */) {
        p->i += (size_t)n;
        return parse_plus(p, pre.op, out);
    }
    if (pre.op != TY_OP_DEFAULT && is_ident_start(cp)) return parse_benchmark(p, pre.op, out);
    return parse_level(p, pre, out);
}

TyTargetParse target_text_parse(const char *text, size_t len, const TyTargetContext *ctx,
                                TyTargetSpec *out, char *why, size_t whysize, size_t *err_offset)
{
    memset(out, 0, sizeof *out);
    out->shape = TY_SHAPE_LEVEL;
    out->op = TY_OP_DEFAULT;
    out->a = out->b = NAN;
    if (why && whysize) why[0] = '\0';
    if (err_offset) *err_offset = 0;
    if (!text) len = 0;

    Parser p = {
        .s = text, .start = 0, .end = len, .i = 0,
        .unit = ctx && ctx->unit ? ctx->unit : "", .year = ctx ? ctx->year : 0,
        .why = why, .whysize = whysize, .err_offset = err_offset,
    };
    p.percent_row = strcmp(p.unit, "%") == 0;
    skip_blanks(&p);
    p.start = p.i;
    int n;
    while (p.end > p.start) {   /* trailing blanks: step back over whole characters */
        size_t j = p.end - 1;
        while (j > p.start && ((unsigned char)text[j] & 0xC0) == 0x80) j--;
        uint32_t cp = cp_at(&p, j, &n);
        if (!is_blank_cp(cp) || j + (size_t)n != p.end) break;
        p.end = j;
    }

    /* Missing is decided by the number parser's own list, so a target cell and an actual cell
     * agree on what "no value" looks like. */
    TyNumResult r;
    if (number_parse(text + p.start, p.end - p.start, 0, &r) == NUM_MISSING) return TARGET_MISSING;

    if (parse_form(&p, out) < 0) {
        memset(out, 0, sizeof *out);
        out->a = out->b = NAN;
        return TARGET_ERROR;
    }
    return TARGET_SPEC;
}

/* ---- the normalised form ----------------------------------------------------------------- */

static const char *num(double x, char *buf, size_t size)
{
    if (!isfinite(x)) return "nan";
    return number_format(x, buf, size);
}

void target_text_format(const TyTargetSpec *spec, char *buf, size_t size)
{
    char a[40], b[40];
    const char *op = target_op_symbol(spec->op);
    if (!buf || size == 0) return;
    switch (spec->shape) {
    case TY_SHAPE_LEVEL:
        snprintf(buf, size, "%s%s", op, num(spec->a, a, sizeof a));
        break;
    case TY_SHAPE_RANGE:
        snprintf(buf, size, "%s..%s", num(spec->a, a, sizeof a), num(spec->b, b, sizeof b));
        break;
    case TY_SHAPE_WINDOW:
        if (spec->from || spec->to)
            snprintf(buf, size, "%s+%s@%d..%d", op, num(spec->a, a, sizeof a), spec->from, spec->to);
        else
            snprintf(buf, size, "%s+%s", op, num(spec->a, a, sizeof a));
        break;
    case TY_SHAPE_POINTS:
        snprintf(buf, size, "%s+%spp", op, num(spec->a, a, sizeof a));
        break;
    case TY_SHAPE_GROWTH:
        snprintf(buf, size, "%s+%s%%", op, num(spec->a, a, sizeof a));
        break;
    case TY_SHAPE_MULTIPLE:
        snprintf(buf, size, "x%s", num(spec->a, a, sizeof a));
        break;
    case TY_SHAPE_BENCHMARK:
        snprintf(buf, size, "%s%.*s", op, TY_TARGET_REF_MAX - 1, spec->ref);
        break;
    case TY_SHAPE_RANK:
        snprintf(buf, size, "rank<=%s", num(spec->a, a, sizeof a));
        break;
    case TY_SHAPE_MILESTONE:
        snprintf(buf, size, "done");
        break;
    default:
        snprintf(buf, size, "?");
        break;
    }
}
