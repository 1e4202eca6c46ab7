/* test_docx.c — a .docx document's text (io/docx.h): one line per paragraph (empty ones too),
 * runs joined, tabs and line breaks, a table's cells in order, a text box read once, deleted text
 * and field codes left out, any namespace prefix and the strict namespace; and every hostile or
 * broken document refused at its file and part: not a zip, no word/document.xml, a DOCTYPE,
 * an external entity, too deep, a text over its cap, a bomb stopped as it inflates, bad XML.
 * Expected texts are written by hand from the XML in each test. Documents are zipped here with
 * libarchive. */
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
#include "io/docx.h"

static char *zip_one(const char *name, const char *data, size_t len, size_t *outlen)
{
    size_t cap = 1 << 22;
    char *buf = malloc(cap);
    assert_non_null(buf);
    struct archive *a = archive_write_new();
    assert_int_equal(archive_write_set_format_zip(a), ARCHIVE_OK);
    assert_int_equal(archive_write_open_memory(a, buf, cap, outlen), ARCHIVE_OK);
    struct archive_entry *e = archive_entry_new();
    if (!len) len = strlen(data);
    archive_entry_set_pathname(e, name);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, (la_int64_t)len);
    assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
    assert_int_equal(archive_write_data(a, data, len), (la_ssize_t)len);
    archive_entry_free(e);
    assert_int_equal(archive_write_close(a), ARCHIVE_OK);
    archive_write_free(a);
    return buf;
}

#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define MC_NS "http://schemas.openxmlformats.org/markup-compatibility/2006"

/* The text of document.xml `xml` (in a zip), or NULL with *err filled. */
static char *text_of(const char *xml, const TyDocxLimits *lim, TyError *err)
{
    size_t zlen;
    char *zip = zip_one("word/document.xml", xml, 0, &zlen);
    char *out = NULL;
    size_t outlen = 0;
    ty_error_clear(err);
    TyStatus st = docx_read_text("d.docx", zip, zlen, lim, &out, &outlen, err);
    free(zip);
    if (st != TY_OK) return NULL;
    assert_int_equal(strlen(out), outlen);
    return out;
}

static void docx_should_give_one_line_per_paragraph(void **state)
{
    TyError err;
    const char *xml =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"" W_NS "\"><w:body>"
        "<w:p><w:pPr><w:tabs><w:tab w:val=\"left\" w:pos=\"420\"/></w:tabs></w:pPr>"
        "<w:r><w:rPr><w:b/></w:rPr><w:t>到2025年，</w:t></w:r><w:proofErr w:type=\"spellStart\"/>"
        "<w:r><w:t xml:space=\"preserve\">高新技术企业 </w:t></w:r><w:r><w:t>达到100家</w:t></w:r></w:p>"
        "<w:p/>"
        "<w:p><w:r><w:t>一、</w:t><w:tab/><w:t>目标</w:t><w:br/><w:t>第二行</w:t><w:cr/><w:t>第三行</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>a&amp;b&lt;c</w:t><w:noBreakHyphen/><w:t>d</w:t></w:r></w:p>"
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>序号</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>指标</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>名称</w:t></w:r></w:p></w:tc></w:tr>"
        "<w:tr><w:tc><w:tbl><w:tr><w:tc><w:p><w:r><w:t>内</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p/></w:tc>"
        "<w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
        "<w:p><w:r><w:t>末段</w:t></w:r></w:p><w:sectPr/></w:body></w:document>";
    char *t = text_of(xml, NULL, &err);
    assert_non_null(t);
    assert_string_equal(t, "到2025年，高新技术企业 达到100家\n"
                           "\n"
                           "一、 目标\n第二行\n第三行\n"
                           "a&b<c-d\n"
                           "序号\n指标\n名称\n内\n\n1\n"
                           "末段\n");
    ty_free(t);
}

static void docx_should_leave_out_what_is_not_shown_text(void **state)
{
    TyError err;
    /* deleted text, a field code (its result stays), the fallback copy of a text box, whose
     * choice copy is one paragraph inside the paragraph (a space, not a line) */
    const char *xml =
        "<w:document xmlns:w=\"" W_NS "\" xmlns:mc=\"" MC_NS "\"><w:body>"
        "<w:p><w:r><w:t>新增</w:t></w:r><w:del w:id=\"1\" w:author=\"a\"><w:r><w:delText>999</w:delText></w:r></w:del>"
        "<w:ins w:id=\"2\" w:author=\"a\"><w:r><w:t>30</w:t></w:r></w:ins><w:r><w:t>家</w:t></w:r></w:p>"
        "<w:p><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText> PAGE 999 </w:instrText></w:r>"
        "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>7</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p>"
        "<w:p><w:r><w:t>前</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><w:txbxContent>"
        "<w:p><w:r><w:t>框</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice>"
        "<mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>框999</w:t></w:r></w:p></w:txbxContent></w:pict>"
        "</mc:Fallback></mc:AlternateContent></w:r><w:r><w:t>后</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>行内\n换行\t制表</w:t></w:r></w:p>"
        "</w:body></w:document>";
    char *t = text_of(xml, NULL, &err);
    assert_non_null(t);
    assert_string_equal(t, "新增30家\n7\n前 框后\n行内 换行 制表\n");
    ty_free(t);
}

static void docx_should_read_any_prefix_and_the_strict_namespace(void **state)
{
    TyError err;
    char *t = text_of("<x:document xmlns:x=\"" W_NS "\"><x:body><x:p><x:r><x:t>甲</x:t></x:r></x:p></x:body></x:document>",
                      NULL, &err);
    assert_non_null(t);
    assert_string_equal(t, "甲\n");
    ty_free(t);
    t = text_of("<document xmlns=\"http://purl.oclc.org/ooxml/wordprocessingml/main\"><body><p><r><t>乙</t></r></p>"
                "</body></document>", NULL, &err);
    assert_non_null(t);
    assert_string_equal(t, "乙\n");
    ty_free(t);
    /* another namespace's p and t are not Word's */
    t = text_of("<w:document xmlns:w=\"" W_NS "\" xmlns:a=\"urn:other\"><w:body><a:p><a:r><a:t>丙</a:t></a:r></a:p>"
                "</w:body></w:document>", NULL, &err);
    assert_non_null(t);
    assert_string_equal(t, "");
    ty_free(t);
}

static void docx_should_refuse_doctype_entities_depth_and_bad_xml(void **state)
{
    TyError err;
    const char *laughs = "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY a \"aaaaaaaaaa\">"
                         "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><w:document xmlns:w=\"" W_NS "\">"
                         "<w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>";
    assert_null(text_of(laughs, NULL, &err));
    assert_int_equal(err.code, TY_EDATA);
    assert_string_equal(err.file, "d.docx");
    assert_non_null(strstr(err.msg, "word/document.xml: a DOCTYPE declaration"));
    const char *xxe = "<!DOCTYPE w:document SYSTEM \"file:///etc/passwd\"><w:document xmlns:w=\"" W_NS "\"/>";
    assert_null(text_of(xxe, NULL, &err));
    assert_non_null(strstr(err.msg, "a DOCTYPE declaration"));
    /* an undefined entity without a DOCTYPE is not well-formed XML */
    assert_null(text_of("<w:document xmlns:w=\"" W_NS "\"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>",
                        NULL, &err));
    assert_non_null(strstr(err.msg, "word/document.xml: line 1: not well-formed XML"));
    assert_null(text_of("<w:document xmlns:w=\"" W_NS "\"><w:body>", NULL, &err));
    assert_non_null(strstr(err.msg, "not well-formed XML"));

    TyDocxLimits lim;
    docx_limits_default(&lim);
    lim.max_depth = 8;
    const char *seven = "<w:document xmlns:w=\"" W_NS "\"><w:body><w:tbl><w:tr><w:tc><w:p><w:r><w:t>7</w:t></w:r></w:p>"
                        "</w:tc></w:tr></w:tbl></w:body></w:document>";   /* 8 deep: allowed */
    char *t = text_of(seven, &lim, &err);
    assert_non_null(t);
    assert_string_equal(t, "7\n");
    ty_free(t);
    lim.max_depth = 7;
    assert_null(text_of(seven, &lim, &err));
    assert_non_null(strstr(err.msg, "word/document.xml: elements nested deeper than 7 (cap)"));

    docx_limits_default(&lim);
    lim.max_text = 5;   /* "12345" fits, its line's newline does not */
    assert_null(text_of("<w:document xmlns:w=\"" W_NS "\"><w:body><w:p><w:r><w:t>12345</w:t></w:r></w:p></w:body></w:document>",
                        &lim, &err));
    assert_non_null(strstr(err.msg, "a text longer than 5 bytes (cap)"));
    lim.max_text = 6;
    t = text_of("<w:document xmlns:w=\"" W_NS "\"><w:body><w:p><w:r><w:t>12345</w:t></w:r></w:p></w:body></w:document>",
                &lim, &err);
    assert_non_null(t);
    ty_free(t);
}

static void docx_should_refuse_a_bomb_a_missing_part_and_not_a_zip(void **state)
{
    /* a paragraph of 3 MiB of spaces compresses to a few KiB */
    size_t big = (size_t)3 << 20;
    char *xml = malloc(big + 200);
    assert_non_null(xml);
    size_t n = (size_t)sprintf(xml, "<w:document xmlns:w=\"" W_NS "\"><w:body><w:p><w:r><w:t>");
    memset(xml + n, ' ', big);
    n += big;
    n += (size_t)sprintf(xml + n, "</w:t></w:r></w:p></w:body></w:document>");
    size_t zlen;
    char *zip = zip_one("word/document.xml", xml, n, &zlen);
    assert_true(zlen < big / 10);
    TyDocxLimits lim;
    docx_limits_default(&lim);
    lim.max_entry = (size_t)1 << 20;
    char *out = NULL;
    size_t outlen;
    TyError err;
    ty_error_clear(&err);
    assert_int_equal(docx_read_text("d.docx", zip, zlen, &lim, &out, &outlen, &err), TY_EDATA);
    assert_string_equal(err.file, "d.docx");
    assert_non_null(strstr(err.msg, "word/document.xml: the part inflates to more than 1048576 bytes"));
    assert_null(out);
    lim.max_entry = n;   /* at its size it reads: one line of spaces */
    assert_int_equal(docx_read_text("d.docx", zip, zlen, &lim, &out, &outlen, &err), TY_OK);
    assert_int_equal(outlen, big + 1);
    ty_free(out);
    free(zip);
    free(xml);

    zip = zip_one("xl/workbook.xml", "<workbook/>", 0, &zlen);
    assert_int_equal(docx_read_text("book.docx", zip, zlen, NULL, &out, &outlen, &err), TY_EDATA);
    assert_non_null(strstr(err.msg, "no word/document.xml in the zip"));
    free(zip);

    const char *text = "到2025年，高新技术企业达到100家\n";
    assert_int_equal(docx_read_text("t.docx", text, strlen(text), NULL, &out, &outlen, &err), TY_EDATA);
    assert_string_equal(err.file, "t.docx");
    assert_non_null(strstr(err.msg, "not a .docx document (not a zip archive"));
    assert_non_null(strstr(err.msg, "save it from Word as .docx"));
    assert_null(strstr(err.msg, "xlsx"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(docx_should_give_one_line_per_paragraph),
        cmocka_unit_test(docx_should_leave_out_what_is_not_shown_text),
        cmocka_unit_test(docx_should_read_any_prefix_and_the_strict_namespace),
        cmocka_unit_test(docx_should_refuse_doctype_entities_depth_and_bad_xml),
        cmocka_unit_test(docx_should_refuse_a_bomb_a_missing_part_and_not_a_zip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
