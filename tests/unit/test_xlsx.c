/* test_xlsx.c — the xlsx layer (io/xlsx.h): the zip (caps as data inflates, a missing entry, not
 * a zip), the XML (DOCTYPE and entities refused, depth capped), the cells (shared strings with
 * rich and phonetic runs, inline strings, numbers, booleans, dates in both date systems,
 * percentages, formulas with and without a saved value, merges), and the plan read from a
 * workbook equal to the one read from its CSV. Workbooks are zipped here with libarchive. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "io/planfile.h"
#include "io/xlsx.h"

/* ---- a zip in memory ---- */

typedef struct Part { const char *name; const char *data; size_t len; } Part;

static char *zip_parts(const Part *parts, size_t n, size_t *outlen)
{
    size_t cap = 1 << 22;
    char *buf = malloc(cap);
    assert_non_null(buf);
    struct archive *a = archive_write_new();
    assert_int_equal(archive_write_set_format_zip(a), ARCHIVE_OK);
    assert_int_equal(archive_write_open_memory(a, buf, cap, outlen), ARCHIVE_OK);
    for (size_t k = 0; k < n; k++) {
        struct archive_entry *e = archive_entry_new();
        size_t len = parts[k].len ? parts[k].len : strlen(parts[k].data);
        archive_entry_set_pathname(e, parts[k].name);
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_entry_set_size(e, (la_int64_t)len);
        assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
        assert_int_equal(archive_write_data(a, parts[k].data, len), (la_ssize_t)len);
        archive_entry_free(e);
    }
    assert_int_equal(archive_write_close(a), ARCHIVE_OK);
    archive_write_free(a);
    return buf;
}

#define NS "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
static const char *WORKBOOK =
    "<?xml version=\"1.0\"?><workbook " NS " xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<sheets><sheet name=\"封面\" sheetId=\"1\" r:id=\"rId1\"/><sheet name=\"Data 2\" sheetId=\"2\" r:id=\"rId2\"/></sheets></workbook>";
static const char *RELS =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"worksheet\" Target=\"/xl/worksheets/sheet2.xml\"/></Relationships>";
static const char *SHARED =
    "<sst " NS "><si><t>id</t></si><si><r><t>高新</t></r><r><rPr><b/></rPr><t>企业</t></r>"
    "<rPh sb=\"0\" eb=\"1\"><t>かな</t></rPh></si><si><t xml:space=\"preserve\"> 家 </t></si></sst>";
static const char *STYLES =
    "<styleSheet " NS "><numFmts><numFmt numFmtId=\"164\" formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\"/>"
    "<numFmt numFmtId=\"165\" formatCode=\"#,##0.00&quot;万元&quot;\"/></numFmts>"
    "<cellStyleXfs><xf numFmtId=\"14\"/></cellStyleXfs>"
    "<cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/><xf numFmtId=\"10\"/><xf numFmtId=\"165\"/></cellXfs></styleSheet>";
static const char *SHEET1 = "<worksheet " NS "><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>cover</t></is></c></row></sheetData></worksheet>";
static const char *SHEET2 =
    "<worksheet " NS "><sheetData>"
    "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>0</v></c><c r=\"B2\" t=\"s\"><v>1</v></c><c r=\"D2\" t=\"s\"><v>2</v></c></row>"
    "<row r=\"3\"><c r=\"A3\"><v>55.35</v></c><c r=\"B3\" s=\"4\"><v>141000</v></c><c r=\"C3\" t=\"b\"><v>1</v></c>"
    "<c r=\"D3\" s=\"1\"><v>44469</v></c><c r=\"E3\" s=\"2\"><v>44469.75</v></c><c r=\"F3\" s=\"3\"><v>0.0062</v></c>"
    "<c r=\"G3\"><f>A3*2</f><v>110.7</v></c><c r=\"H3\" t=\"e\"><v>#DIV/0!</v></c>"
    "<c r=\"I3\" t=\"inlineStr\"><is><r><t>a</t></r><r><t>b</t></r></is></c><c r=\"J3\" s=\"3\"><v>1.5E-3</v></c></row>"
    "<row r=\"4\"><c r=\"A4\" s=\"1\"/><c r=\"B4\" t=\"str\"><f>\"\"</f><v></v></c></row>"
    "</sheetData><mergeCells count=\"1\"><mergeCell ref=\"A5:C6\"/></mergeCells></worksheet>";

static char *workbook(const char *sheet2, const char *shared, size_t *len)
{
    Part parts[6] = {
        { "[Content_Types].xml", "<Types/>", 0 }, { "xl/workbook.xml", WORKBOOK, 0 },
        { "xl/_rels/workbook.xml.rels", RELS, 0 }, { "xl/styles.xml", STYLES, 0 },
        { "xl/worksheets/sheet1.xml", SHEET1, 0 }, { "xl/worksheets/sheet2.xml", sheet2, 0 },
    };
    Part all[7];
    memcpy(all, parts, sizeof parts);
    size_t n = 6;
    if (shared) all[n++] = (Part){ "xl/sharedStrings.xml", shared, 0 };
    return zip_parts(all, n, len);
}

static const char *cell(const TyXlsxSheet *s, int row, int col)
{
    for (size_t k = 0; k < s->ncells; k++)
        if (s->cells[k].row == row && s->cells[k].col == col) return s->cells[k].text;
    return NULL;
}

/* ---- tests ---- */

static void xlsx_should_read_every_kind_of_cell(void **state)
{
    size_t len;
    char *zip = workbook(SHEET2, SHARED, &len);
    TyXlsxSheet s;
    TyError err;
    ty_error_clear(&err);
    assert_int_equal(xlsx_read_sheet("b.xlsx", zip, len, "Data 2", NULL, &s, &err), TY_OK);
    assert_string_equal(s.name, "Data 2");
    assert_string_equal(cell(&s, 2, 1), "id");
    assert_string_equal(cell(&s, 2, 2), "高新企业");          /* runs joined, phonetic left out */
    assert_string_equal(cell(&s, 2, 4), " 家 ");              /* kept as written */
    assert_string_equal(cell(&s, 3, 1), "55.35");
    assert_string_equal(cell(&s, 3, 2), "141000");            /* a number format is only display */
    assert_string_equal(cell(&s, 3, 3), "TRUE");
    assert_string_equal(cell(&s, 3, 4), "2021-09-30");        /* built-in date format 14 */
    assert_string_equal(cell(&s, 3, 5), "2021-09-30");        /* custom date format, a time dropped */
    assert_string_equal(cell(&s, 3, 6), "0.62%");             /* percentage: the point moved exactly */
    assert_string_equal(cell(&s, 3, 7), "110.7");             /* a formula's saved value */
    assert_string_equal(cell(&s, 3, 8), "#DIV/0!");
    assert_string_equal(cell(&s, 3, 9), "ab");
    assert_string_equal(cell(&s, 3, 10), "1.5E-1%");
    assert_null(cell(&s, 4, 1));                              /* styled but empty: no cell */
    assert_null(cell(&s, 4, 2));                              /* a formula giving "" */
    assert_int_equal(s.nmerges, 1);
    assert_int_equal(s.merges[0].r1, 5);
    assert_int_equal(s.merges[0].c2, 3);
    xlsx_sheet_free(&s);
    /* the first sheet by default */
    assert_int_equal(xlsx_read_sheet("b.xlsx", zip, len, NULL, NULL, &s, &err), TY_OK);
    assert_string_equal(s.name, "封面");
    assert_string_equal(cell(&s, 1, 1), "cover");
    xlsx_sheet_free(&s);
    /* a sheet that is not there names those that are */
    assert_int_equal(xlsx_read_sheet("b.xlsx", zip, len, "Nope", NULL, &s, &err), TY_EDATA);
    assert_non_null(strstr(err.msg, "no sheet \"Nope\" in the workbook; its sheets: \"封面\", \"Data 2\""));
    free(zip);
}

static void xlsx_should_refuse_doctype_and_entities(void **state)
{
    size_t len;
    const char *laughs = "<?xml version=\"1.0\"?><!DOCTYPE sst [<!ENTITY a \"aaaaaaaaaa\">"
                         "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><sst " NS "><si><t>&b;</t></si></sst>";
    char *zip = workbook(SHEET2, laughs, &len);
    TyXlsxSheet s;
    TyError err;
    ty_error_clear(&err);
    assert_int_equal(xlsx_read_sheet("b.xlsx", zip, len, "Data 2", NULL, &s, &err), TY_EDATA);
    assert_non_null(strstr(err.msg, "xl/sharedStrings.xml: a DOCTYPE declaration"));
    free(zip);
    /* an undefined entity without a DOCTYPE is not well-formed XML */
    zip = workbook(SHEET2, "<sst " NS "><si><t>&x;</t></si></sst>", &len);
    assert_int_equal(xlsx_read_sheet("b.xlsx", zip, len, "Data 2", NULL, &s, &err), TY_EDATA);
    assert_non_null(strstr(err.msg, "not well-formed XML"));
    free(zip);
}

static void xlsx_should_cap_depth_text_and_columns(void **state)
{
    char deep[4096] = "<worksheet " NS "><sheetData>";
    for (int k = 0; k < 100; k++) strcat(deep, "<x>");
    for (int k = 0; k < 100; k++) strcat(deep, "</x>");
    strcat(deep, "</sheetData></worksheet>");
    size_t len;
    char *zip = workbook(deep, SHARED, &len);
    TyXlsxSheet s;
    TyError err;
    ty_error_clear(&err);
    assert_int_equal(xlsx_read_sheet("b.xlsx", zip, len, "Data 2", NULL, &s, &err), TY_EDATA);
    assert_non_null(strstr(err.msg, "elements nested deeper than 64"));
    free(zip);
    zip = workbook(SHEET2, SHARED, &len);
    TyXlsxLimits lim;
    xlsx_limits_default(&lim);
    lim.max_cell_bytes = 4;                    /* "高新企业" is 12 bytes */
    assert_int_equal(xlsx_read_sheet("b.xlsx", zip, len, "Data 2", &lim, &s, &err), TY_EDATA);
    assert_non_null(strstr(err.msg, "a text longer than 4 bytes"));
    xlsx_limits_default(&lim);
    lim.max_cols = 5;
    assert_int_equal(xlsx_read_sheet("b.xlsx", zip, len, "Data 2", &lim, &s, &err), TY_EDATA);
    assert_string_equal(err.file, "b.xlsx:'Data 2'!F3");
    assert_non_null(strstr(err.msg, "beyond column 5"));
    free(zip);
}

static void xlsx_should_refuse_unsaved_formulas_and_missing_shared_strings(void **state)
{
    size_t len;
    char *zip = workbook("<worksheet " NS "><sheetData><row r=\"7\"><c r=\"D7\"><f>1+1</f><v/></c></row></sheetData></worksheet>",
                         SHARED, &len);
    TyXlsxSheet s;
    TyError err;
    ty_error_clear(&err);
    assert_int_equal(xlsx_read_sheet("b.xlsx", zip, len, "Data 2", NULL, &s, &err), TY_EDATA);
    assert_string_equal(err.file, "b.xlsx:'Data 2'!D7");
    assert_non_null(strstr(err.msg, "a formula without a saved value"));
    free(zip);
    zip = workbook(SHEET2, NULL, &len);
    assert_int_equal(xlsx_read_sheet("b.xlsx", zip, len, "Data 2", NULL, &s, &err), TY_EDATA);
    assert_string_equal(err.file, "b.xlsx:'Data 2'!A2");
    assert_non_null(strstr(err.msg, "no xl/sharedStrings.xml"));
    free(zip);
}

static void xlsx_zip_should_stop_a_bomb_as_it_inflates(void **state)
{
    size_t big = (size_t)3 << 20;
    char *zeros = calloc(1, big);
    assert_non_null(zeros);
    Part p = { "xl/worksheets/sheet1.xml", zeros, big };
    size_t len;
    char *zip = zip_parts(&p, 1, &len);
    assert_true(len < big / 10);   /* it compressed */
    char *out;
    size_t outlen;
    int found;
    TyError err;
    ty_error_clear(&err);
    assert_int_equal(xlsx_zip_entry("b.xlsx", zip, len, "xl/worksheets/sheet1.xml", (size_t)1 << 20,
                                    &out, &outlen, &found, &err), TY_EDATA);
    assert_non_null(strstr(err.msg, "inflates to more than 1048576 bytes"));
    assert_null(out);
    /* at exactly its size it reads */
    assert_int_equal(xlsx_zip_entry("b.xlsx", zip, len, "xl/worksheets/sheet1.xml", big,
                                    &out, &outlen, &found, &err), TY_OK);
    assert_int_equal(outlen, big);
    ty_free(out);
    /* a missing entry is not found, not an error; a missing part of a workbook is */
    assert_int_equal(xlsx_zip_entry("b.xlsx", zip, len, "xl/nope.xml", big, &out, &outlen, &found, &err), TY_OK);
    assert_int_equal(found, 0);
    TyXlsxSheet s;
    assert_int_equal(xlsx_read_sheet("b.xlsx", zip, len, NULL, NULL, &s, &err), TY_EDATA);
    assert_non_null(strstr(err.msg, "the part xl/workbook.xml is missing"));
    free(zip);
    free(zeros);
    /* not a zip */
    const char *text = "id,name,unit\n";
    assert_int_equal(xlsx_zip_entry("b.xlsx", text, strlen(text), "xl/workbook.xml", big, &out, &outlen, &found, &err), TY_EDATA);
    assert_non_null(strstr(err.msg, "not a zip archive"));
}

static void xlsx_should_name_cells_and_days_as_excel_does(void **state)
{
    char b[64];
    xlsx_cell_name(7, 4, b, sizeof b);
    assert_string_equal(b, "D7");
    xlsx_cell_name(1, 27, b, sizeof b);
    assert_string_equal(b, "AA1");
    xlsx_cell_name(3, 16384, b, sizeof b);
    assert_string_equal(b, "XFD3");
    xlsx_place("Sheet1", 7, 4, b, sizeof b);
    assert_string_equal(b, "Sheet1!D7");
    xlsx_place("It's", 2, 0, b, sizeof b);
    assert_string_equal(b, "'It''s'!2:2");
    xlsx_place("指标", 2, 1, b, sizeof b);
    assert_string_equal(b, "指标!A2");
    assert_true(xlsx_serial_date(1, 0, b, sizeof b));
    assert_string_equal(b, "1900-01-01");
    assert_true(xlsx_serial_date(59, 0, b, sizeof b));
    assert_string_equal(b, "1900-02-28");
    assert_false(xlsx_serial_date(60, 0, b, sizeof b));     /* Excel's 1900-02-29 */
    assert_true(xlsx_serial_date(61, 0, b, sizeof b));
    assert_string_equal(b, "1900-03-01");
    assert_true(xlsx_serial_date(44469, 0, b, sizeof b));
    assert_string_equal(b, "2021-09-30");
    assert_true(xlsx_serial_date(0, 1, b, sizeof b));
    assert_string_equal(b, "1904-01-01");
    assert_true(xlsx_format_is_date("yyyy-mm-dd"));
    assert_true(xlsx_format_is_date("[$-804]yyyy\"年\"m\"月\""));
    assert_false(xlsx_format_is_date("#,##0\"万元\""));
    assert_false(xlsx_format_is_date("General"));
    assert_false(xlsx_format_is_date("0.00%"));
    assert_false(xlsx_format_is_date("[Red]0.00"));
}

static void xlsx_plan_should_equal_its_csv(void **state)
{
    const char *sheet =
        "<worksheet " NS "><sheetData>"
        "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t># title: 标题</t></is></c></row>"
        "<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>指标代码</t></is></c><c r=\"B3\" t=\"inlineStr\"><is><t>指标名称</t></is></c>"
        "<c r=\"C3\" t=\"inlineStr\"><is><t>单位</t></is></c><c r=\"D3\" t=\"inlineStr\"><is><t>2021年</t></is></c>"
        "<c r=\"E3\" t=\"inlineStr\"><is><t>2025年目标</t></is></c></row>"
        "<row r=\"4\"><c r=\"A4\" t=\"inlineStr\"><is><t>rd</t></is></c><c r=\"B4\" t=\"s\"><v>1</v></c>"
        "<c r=\"C4\" t=\"inlineStr\"><is><t>%</t></is></c><c r=\"D4\" s=\"3\"><v>0.0062</v></c>"
        "<c r=\"E4\" t=\"inlineStr\"><is><t>提高1.5个百分点</t></is></c></row>"
        "<row r=\"5\"><c r=\"A5\" t=\"inlineStr\"><is><t>x</t></is></c><c r=\"B5\" t=\"inlineStr\"><is><t>乙</t></is></c>"
        "<c r=\"C5\" t=\"inlineStr\"><is><t>家</t></is></c><c r=\"D5\" t=\"inlineStr\"><is><t>abc</t></is></c></row>"
        "</sheetData></worksheet>";
    size_t len;
    char *zip = workbook(sheet, SHARED, &len);
    TyError err;
    ty_error_clear(&err);
    /* row 5 holds "abc" in an actual column: the place is the cell */
    assert_null(planfile_read_xlsx("p.xlsx#Data 2", zip, len, &err));
    assert_string_equal(err.file, "p.xlsx:'Data 2'!D5");
    assert_int_equal(err.line, 0);
    assert_non_null(strstr(err.msg, "expected a number, found \"abc\""));
    free(zip);
    char fixed[4096];
    snprintf(fixed, sizeof fixed, "%.*s</sheetData></worksheet>", (int)(strstr(sheet, "<row r=\"5\">") - sheet), sheet);
    zip = workbook(fixed, SHARED, &len);
    TyPlan *x = planfile_read_xlsx("p.xlsx#Data 2", zip, len, &err);
    assert_non_null(x);
    const char *csv = "# title: 标题\n指标代码,指标名称,单位,2021年,2025年目标\nrd,高新企业,%,0.62%,提高1.5个百分点\n";
    TyPlan *c = planfile_read_csv("p.csv", csv, strlen(csv), &err);
    assert_non_null(c);
    assert_int_equal(x->n, 1);
    assert_string_equal(x->title, c->title);
    assert_string_equal(x->ind[0].id, c->ind[0].id);
    assert_string_equal(x->ind[0].name, c->ind[0].name);
    assert_true(series_has(&x->ind[0].actual, 2021) && series_has(&c->ind[0].actual, 2021));
    double vx = series_get(&x->ind[0].actual, 2021), vc = series_get(&c->ind[0].actual, 2021);
    assert_true(vx == vc && vx == 0.62);
    plan_free(x);
    plan_free(c);
    free(zip);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(xlsx_should_read_every_kind_of_cell),
        cmocka_unit_test(xlsx_should_refuse_doctype_and_entities),
        cmocka_unit_test(xlsx_should_cap_depth_text_and_columns),
        cmocka_unit_test(xlsx_should_refuse_unsaved_formulas_and_missing_shared_strings),
        cmocka_unit_test(xlsx_zip_should_stop_a_bomb_as_it_inflates),
        cmocka_unit_test(xlsx_should_name_cells_and_days_as_excel_does),
        cmocka_unit_test(xlsx_plan_should_equal_its_csv),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
