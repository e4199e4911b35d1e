"""Text typed into a field must never stop a document from being made."""

from django.contrib.auth import get_user_model

from reports import services as report_services
from reports.docx import html_to_docx
from reports.enums import DocumentKind, ReportStatus
from tests.covenants.test_services import draft_covenant_2016, row, sign


def test_a_post_with_line_or_paragraph_separators_still_makes_the_covenant(full_demo, media):
    covenant = draft_covenant_2016(full_demo)
    sign(row(covenant, "15"), post="Giám đốc\u2029Sở Nội vụ\u2028\x85", representative="Lò Văn Mới")
    owner = get_user_model().objects.filter(province__code="24").first()  # the 2015 chair owns the 2016 covenant
    report = report_services.report_request(
        kind=DocumentKind.COVENANT, emulation_year=covenant.emulation_year, user=owner
    )
    assert report.status == ReportStatus.DONE, report.error
    assert report.docx_file


def test_the_word_writer_takes_separators_and_control_characters():
    data = html_to_docx("<html><body><p>Giám\u2029đốc\u2028Sở\x85Nội\x0bvụ</p></body></html>")
    assert data[:2] == b"PK"


def test_text_in_a_css_string_cannot_end_it():
    import tinycss2

    from reports.templatetags.vn_docs import css_string

    hostile = "SỐ 01\f} body{display:none} @page{ \"'\\\n<"
    css = f'@page {{ @top-right {{ content: "{css_string(hostile)}"; }} }}'
    rules = tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True)
    assert len(rules) == 1 and rules[0].at_keyword == "page"  # one rule: nothing broke out
    inner = [t for t in tinycss2.parse_blocks_contents(rules[0].content) if t.type == "at-rule"][0]
    declaration = tinycss2.parse_declaration_list(inner.content, skip_whitespace=True)[0]
    assert [t.type for t in declaration.value if t.type != "whitespace"] == ["string"]  # still one string


def test_a_retry_is_only_for_the_documents_owner(demo_2014, demo_user, monkeypatch):
    import pytest
    from django.core.exceptions import ValidationError

    from cluster.models import EmulationYear

    def broken(html):
        raise RuntimeError("font cache unreadable")

    monkeypatch.setattr(report_services, "render_pdf_document", broken)
    report = report_services.report_request(
        kind=DocumentKind.MINUTES, emulation_year=EmulationYear.objects.get(year=2014), user=demo_user("phutho")
    )
    monkeypatch.undo()
    with pytest.raises(ValidationError):
        report_services.report_retry(report=report, user=demo_user("bacgiang"))
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED


def test_a_pair_of_scores_lines_up_under_the_pair_above():
    from fontTools.ttLib import TTFont

    from reports.templatetags.vn_docs import vn_pair

    font = TTFont("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")
    cmap, metrics = font.getBestCmap(), font["hmtx"]

    def width(text):
        return sum(metrics[cmap[ord(c)]][0] for c in text)

    pairs = [vn_pair(9, 8), vn_pair("10.5", 0), vn_pair(None, "9.5"), vn_pair("0.5", "10")]
    assert len({width(p) for p in pairs}) == 1  # the same width: the figures stand in columns
    assert vn_pair(None, None) == "" and "-1,00" in vn_pair(-1, -1)
