import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from awards.models import BallotRound
from cluster.models import EmulationYear
from reports import selectors, services
from reports.enums import DocumentKind, ReportStatus
from reports.models import DocumentCounter, Report
from tests.reports.conftest import use_broker
from tests.reports.pdfcheck import font_covers_vietnamese, font_names, page_sizes, pdf_text

MOTTO = "Độc lập - Tự do - Hạnh phúc"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"


def year(number):
    return EmulationYear.objects.get(year=number)


def make(kind, emulation_year, user, ballot_round=None):
    report = services.report_request(kind=kind, emulation_year=emulation_year, user=user, ballot_round=ballot_round)
    assert report.status == ReportStatus.DONE, report.error
    return report, report.file.read()


def flat(text):
    return re.sub(r"\s+", " ", text)


def test_minutes_of_the_2014_review(demo_2014, demo_user):
    report, data = make(DocumentKind.MINUTES, year(2014), demo_user("phutho"))
    text = flat(pdf_text(data))
    for expected in [
        "BIÊN BẢN",
        NATION,
        MOTTO,
        "Phú Thọ, ngày 04 tháng 3 năm 2015",
        "Số: 01/BB-CTĐ",
        "Trụ sở UBND tỉnh Phú Thọ",
        "Trần Thị Hà",
        "Tỉnh Thái Nguyên đạt 6/7 phiếu (85,7%), được suy tôn đề nghị Chính phủ tặng Cờ thi đua",
        "Tỉnh Phú Thọ đạt 7/7 phiếu (100%), được suy tôn đề nghị Thủ tướng Chính phủ tặng Bằng khen",
        "Cờ thi đua của Chính phủ: tỉnh Thái Nguyên",
        "Bằng khen của Thủ tướng Chính phủ: tỉnh Phú Thọ",
        "bầu tỉnh Bắc Giang làm Cụm trưởng và tỉnh Bắc Kạn làm Cụm phó",
        "7/7 thành viên có mặt, đủ điều kiện tiến hành hội nghị",
        "1. Đại biểu Trung ương",
        "(thang điểm 100)",
        "Biên bản đã được thông qua trước Hội nghị và được lập thành 09 bản",
        "THƯ KÝ",
        "CHỦ TRÌ HỘI NGHỊ",
        "Hòa Bình",
        "Tuyên Quang",
        "Yên Bái",
        "11 giờ 30 phút",
    ]:
        assert expected in text, expected
    sizes = page_sizes(data)
    assert set(sizes) == {(210, 297)}  # A4 portrait
    assert report.pages == len(sizes)


def test_page_numbers_start_on_page_two(demo_2014, demo_user):
    _report, data = make(DocumentKind.MINUTES, year(2014), demo_user("phutho"))
    pages = pdf_text(data).split("\f")
    assert pages[1].strip().startswith("2")
    assert not pages[0].strip().startswith("1")


def test_score_summary_is_landscape_with_every_member(demo_2014, demo_user):
    _report, data = make(DocumentKind.SCORE_SUMMARY, year(2014), demo_user("phutho"))
    text = flat(pdf_text(data, layout=True))
    assert "BẢNG TỔNG HỢP ĐIỂM" in text and "Số: 01/BTH-CTĐ" in text
    assert re.search(r"Thái Nguyên .*100,50 .*100,50 .*0,00 1", text)
    assert "89,00 -1,00 4" in text  # Bắc Giang: agreed 89,00, one point less than self-scored
    assert set(page_sizes(data)) == {(297, 210)}


def test_ballot_count_record(demo_2014, demo_user):
    flag_round = BallotRound.objects.get(meeting__emulation_year__year=2014, award_type__code="flag")
    _report, data = make(DocumentKind.BALLOT_RECORD, year(2014), demo_user("phutho"), flag_round)
    text = flat(pdf_text(data, layout=True))
    for expected in [
        "BIÊN BẢN KIỂM PHIẾU",
        "Số phiếu phát ra 7",
        "Số phiếu hợp lệ 7",
        "Thái Nguyên 6/7 85,7% Được suy tôn",
        "Số: 01/BBKP-CTĐ",
        "Phú Thọ, ngày 04 tháng 3 năm 2015",
    ]:
        assert expected in text, expected


def test_covenant_2015_with_seven_signatures(demo_2014, demo_user):
    # The 2015 covenant is the document of Phú Thọ, whose 2014 review signed it.
    with pytest.raises(ValidationError, match="Giao ước"):
        services.report_request(kind=DocumentKind.COVENANT, emulation_year=year(2015), user=demo_user("bacgiang"))
    _report, data = make(DocumentKind.COVENANT, year(2015), demo_user("phutho"))
    text = flat(pdf_text(data))
    assert "GIAO ƯỚC THI ĐUA" in text and "Phú Thọ, ngày 04 tháng 3 năm 2015" in text
    for province in ["BẮC GIANG", "BẮC KẠN", "HÒA BÌNH", "PHÚ THỌ", "THÁI NGUYÊN", "TUYÊN QUANG", "YÊN BÁI"]:
        assert f"TỈNH {province} TM. ỦY BAN NHÂN DÂN" in text, province
    assert "UBND" not in text.split("GIAO ƯỚC THI ĐUA")[0]  # never abbreviated in the header
    # A vice-chairman signs for the chairman: TM. / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH, then the name.
    assert "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH Vũ Thị Giang" in text
    for name in [
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Lê Văn Cường",
        "Chu Ngọc Anh",
        "Phạm Thị Dung",
        "Hoàng Văn Đức",
        "Vũ Thị Giang",
    ]:
        assert name in text, name
    assert "Chu Ngọc Anh" in text


def test_year_report_has_ranking_chart_and_nominations(demo_2014, demo_user):
    _report, data = make(DocumentKind.YEAR_REPORT, year(2014), demo_user("phutho"))
    text = flat(pdf_text(data))
    assert "BÁO CÁO" in text and "Số: 01/BC-CTĐ" in text
    assert "Tỉnh Thái Nguyên đạt 6/7 phiếu (85,7%), được suy tôn đề nghị Chính phủ tặng Cờ thi đua" in text
    assert "trình Chính phủ tặng Cờ thi đua của Chính phủ cho tỉnh Thái Nguyên" in text
    assert "trình Thủ tướng Chính phủ tặng Bằng khen của Thủ tướng Chính phủ cho tỉnh Phú Thọ" in text
    for heading in ["Ưu điểm", "Hạn chế", "Nguyên nhân", "PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2015", "KIẾN NGHỊ, ĐỀ XUẤT"]:
        assert heading in text, heading
    assert "TM. CỤM THI ĐUA 7 TỈNH TRUNG DU VÀ MIỀN NÚI PHÍA BẮC CỤM TRƯỞNG" in text


def test_only_a_font_covering_vietnamese_is_embedded(demo_2014, demo_user):
    _report, data = make(DocumentKind.MINUTES, year(2014), demo_user("phutho"))
    assert font_names(data) <= {
        "Cluster-Serif",
        "Cluster-Serif-Bold",
        "Cluster-Serif-Italic",
        "Cluster-Serif-BoldItalic",
    }
    assert font_covers_vietnamese(Path(settings.PDF_FONT_DIR) / "LiberationSerif-Regular.ttf")
    assert font_covers_vietnamese(Path(settings.PDF_FONT_DIR) / "LiberationSerif-Bold.ttf")


def test_a_draft_is_made_again_under_its_number_and_an_issued_one_is_never_replaced_silently(demo_2014, demo_user):
    chair = demo_user("phutho")
    first, _ = make(DocumentKind.MINUTES, year(2014), chair)
    again, _ = make(DocumentKind.MINUTES, year(2014), chair)
    summary, _ = make(DocumentKind.SCORE_SUMMARY, year(2014), chair)
    assert (first.pk, again.number_text, again.version) == (again.pk, "01/BB-CTĐ", 2)
    assert summary.number_text == "01/BTH-CTĐ"
    assert DocumentCounter.objects.get(kind=DocumentKind.MINUTES).last_number == 1

    issued = services.report_issue(report=again, user=chair)
    with pytest.raises(ValidationError) as error:
        services.report_request(kind=DocumentKind.MINUTES, emulation_year=year(2014), user=chair)
    assert "01/BB-CTĐ" in " ".join(error.value.messages)
    with pytest.raises(ValidationError):
        services.report_request(kind=DocumentKind.MINUTES, emulation_year=year(2014), user=chair, replaces=issued)
    with pytest.raises(ValidationError):
        services.report_issue(report=issued, user=chair)
    with pytest.raises(ValidationError):
        services.report_retry(report=issued, user=chair)
    issued_file = Report.objects.get(pk=issued.pk).file.name

    replacement = services.report_request(
        kind=DocumentKind.MINUTES, emulation_year=year(2014), user=chair, replaces=issued, reason="Sai tên đại biểu"
    )
    assert (replacement.number_text, replacement.replaces_id) == ("02/BB-CTĐ", issued.pk)
    assert Report.objects.get(pk=issued.pk).file.name == issued_file  # the issued copy stays as it was


def test_a_year_without_meeting_is_refused_with_what_is_missing(demo_2014, demo_user):
    with pytest.raises(ValidationError) as error:
        services.report_request(kind=DocumentKind.MINUTES, emulation_year=year(2015), user=demo_user("bacgiang"))
    messages = " ".join(error.value.messages)
    assert "Chưa thể tạo văn bản này:" in messages
    assert "Hội nghị tổng kết năm 2015 chưa được thiết lập." in messages
    assert "Việc chấm điểm năm 2015 chưa khóa: kết quả xếp hạng chưa chính thức." in messages
    assert not Report.objects.exists() and not DocumentCounter.objects.exists()


def test_broker_down_refuses_and_creates_nothing(demo_2014, demo_user, settings):
    with (
        use_broker("redis://127.0.0.1:1/0"),
        pytest.raises(services.BrokerUnavailable) as error,
    ):  # nothing listens there
        services.report_request(kind=DocumentKind.MINUTES, emulation_year=year(2014), user=demo_user("phutho"))
    assert "Chưa có gì được tạo" in " ".join(error.value.messages)
    assert not Report.objects.exists() and not DocumentCounter.objects.exists()


def test_rendering_twice_leaves_one_correct_file(demo_2014, demo_user):
    report, _data = make(DocumentKind.SCORE_SUMMARY, year(2014), demo_user("phutho"))
    first_name = report.file.name
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.QUEUED)
    services.report_render(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE and report.file.name != first_name
    assert not report.file.storage.exists(first_name)
    assert "BẢNG TỔNG HỢP ĐIỂM" in pdf_text(report.file.read())
    services.report_render(report_id=report.pk)  # already done: nothing changes
    report.refresh_from_db()
    assert report.file.storage.exists(report.file.name)


def test_a_failed_render_says_why_and_can_be_retried(demo_2014, demo_user, monkeypatch):
    def broken(html):
        raise RuntimeError("font cache unreadable")

    monkeypatch.setattr(services, "render_pdf_document", broken)
    report = services.report_request(kind=DocumentKind.MINUTES, emulation_year=year(2014), user=demo_user("phutho"))
    assert report.status == ReportStatus.FAILED and "font cache unreadable" in report.error
    monkeypatch.undo()
    services.report_retry(report=report, user=demo_user("phutho"))
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE and report.number_text == "01/BB-CTĐ"


def test_a_lost_render_does_not_stay_running(demo_2014, demo_user):
    import datetime

    from django.utils import timezone

    report, _ = make(DocumentKind.MINUTES, year(2014), demo_user("phutho"))
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.RUNNING, started_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert services.reports_fail_stale() == 1
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and report.error


def test_documents_share_one_font_configuration_and_keep_their_font(demo_2014, demo_user, settings, tmp_path):
    """The embedded font is loaded once per process, not per document: the documents' HTML
    declares no @font-face (each would be added to the shared configuration again), and every
    document, the second as the first, still embeds the Vietnamese-covering font only."""
    faces = {"Cluster-Serif", "Cluster-Serif-Bold", "Cluster-Serif-Italic", "Cluster-Serif-Bold-Italic"}
    first_config, _faces = services.document_fonts()
    for kind in (DocumentKind.MINUTES, DocumentKind.SCORE_SUMMARY, DocumentKind.MINUTES):
        report, data = make(kind, year(2014), demo_user("phutho"))
        html = services.render_html(services.TEMPLATES[kind], selectors.document_context(report))
        assert "@font-face" not in html
        # The shared rules are parsed once, not carried in every document's HTML.
        assert "table.data th" not in html and ".sig-name" not in html
        assert font_names(data) and font_names(data) <= faces
    # The mark laid over a superseded document's pages is rendered with the same fonts.
    marked = services._mark_pdf(data, "ĐÃ ĐƯỢC THAY THẾ")
    assert "ĐÃ ĐƯỢC THAY THẾ" in pdf_text(marked)
    assert "Cluster-Serif-Bold" in font_names(marked) and font_names(marked) <= faces
    assert services.document_fonts()[0] is first_config
    assert services.document_rules() is services.document_rules()
    # The fonts moved (a setting): a configuration of their own, from the new folder.
    for font in Path(settings.PDF_FONT_DIR).glob("LiberationSerif-*.ttf"):
        (tmp_path / font.name).write_bytes(font.read_bytes())
    settings.PDF_FONT_DIR = str(tmp_path)
    assert services.document_fonts()[0] is not first_config
    _report, data = make(DocumentKind.MINUTES, year(2014), demo_user("phutho"))
    assert font_names(data) and font_names(data) <= faces


def _boxes(box):
    box = getattr(box, "_box", box)  # an absolutely placed box (a list marker) behind its placeholder
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


def _layout_of(document):
    """Every box of every page: its kind, place, size, text and the style of its text."""
    return [
        [
            (
                type(box).__name__,
                box.element_tag,
                *(round(value or 0, 3) for value in (box.position_x, box.position_y, box.width, box.height)),
                getattr(box, "text", None),
                *(str(box.style[name]) for name in ("text_transform", "white_space", "font_variant_numeric")),
            )
            for box in _boxes(page._page_box)
        ]
        for page in document.pages
    ]


def test_documents_lay_out_as_with_weasyprints_own_stylesheet(demo_2014, demo_user):
    """The documents are rendered without the user-agent rules that style pseudo-elements they
    never have (footnote and note calls, markers outside lists): every document kind, and lists
    and quotations, are laid out box for box as with WeasyPrint's own stylesheet."""
    from weasyprint import HTML

    ua = services.document_ua_css()
    for dropped in ("::footnote-call", "::footnote-marker", "::note-call", "::note-marker", "::note-callback"):
        assert dropped not in ua
    assert ":is(li, summary)::marker {" in ua and "\n::marker" not in ua

    flag_round = BallotRound.objects.get(meeting__emulation_year__year=2014, award_type__code="flag")
    documents = [
        Report(kind=kind, emulation_year=year(2014), number=1, number_text=f"01/{kind}")
        for kind in (DocumentKind.MINUTES, DocumentKind.SCORE_SUMMARY, DocumentKind.YEAR_REPORT)
    ]
    documents += [
        Report(kind=DocumentKind.SCORE_DETAIL, emulation_year=year(2014), number=1, number_text="01/BCT"),
        Report(kind=DocumentKind.BALLOT_RECORD, emulation_year=year(2014), ballot_round=flag_round, number=1),
        Report(kind=DocumentKind.COVENANT, emulation_year=year(2015), number=1, number_text="01/GƯ-CTĐ"),
    ]
    pages = [services.render_html(services.TEMPLATES[r.kind], selectors.document_context(r)) for r in documents]
    pages.append(
        '<html lang="vi"><body style="font-family: \'Cluster Serif\'"><ol><li>Một</li><li>Hai</li></ol>'
        '<ul><li>Ba</li></ul><ol style="list-style-type: lower-alpha; text-transform: uppercase"><li>Bốn</li></ol>'
        "<p><q>Thi đua</q> là yêu nước<br>và <sup>1</sup></p></body></html>"
    )
    config, faces = services.document_fonts()
    for html in pages:
        ours = services._document_html_class()(string=html, url_fetcher=services.document_fetcher())
        theirs = HTML(string=html, url_fetcher=services.document_fetcher())
        kwargs = {"font_config": config, "stylesheets": [faces, services.document_rules()]}
        assert _layout_of(ours.render(**kwargs)) == _layout_of(theirs.render(**kwargs))
