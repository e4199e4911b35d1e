"""What an official reads in the documents: margins, header and signature blocks from their
parts, the vote-counting committee, corrections, the written parts, issue and replacement."""

import datetime
import io
import re

import docx
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from awards import services as award_services
from awards.models import AwardType, BallotRound, Nomination
from cluster.enums import Authority
from cluster.models import Cluster, EmulationYear
from reports import formatting, selectors, services, signing
from reports.enums import DocumentKind, ReportStatus
from reports.models import DocumentText, Report
from tests.reports.pdfcheck import glyph_extents, page_sizes, pdf_text


def year(number):
    return EmulationYear.objects.get(year=number)


def flat(text):
    return re.sub(r"\s+", " ", text)


def make(kind, emulation_year, user, ballot_round=None):
    report = services.report_request(kind=kind, emulation_year=emulation_year, user=user, ballot_round=ballot_round)
    assert report.status == ReportStatus.DONE, report.error
    return report


def flag_round_2014():
    return BallotRound.objects.get(meeting__emulation_year__year=2014, award_type__code="flag", corrects=None)


@pytest.mark.parametrize(
    "kind", [DocumentKind.MINUTES, DocumentKind.YEAR_REPORT, DocumentKind.SCORE_SUMMARY, DocumentKind.BALLOT_RECORD]
)
def test_margins_sit_inside_decree_30_measured_from_the_glyphs(demo_2014, demo_user, kind):
    ballot_round = flag_round_2014() if kind == DocumentKind.BALLOT_RECORD else None
    report = make(kind, year(2014), demo_user("phutho"), ballot_round)
    pages = glyph_extents(report.file.read())
    assert 29.9 <= pages[0][2] <= 35 and 15 <= pages[0][4] <= 20  # the first page's text fills the frame
    for number, (_width, height, left, top, right, bottom) in enumerate(pages, start=1):
        assert left >= 29.9 and right >= 15, (number, left, right)  # nothing runs into the margins
        assert 19.9 <= top <= 25, (number, top)
        assert bottom >= 19.9, (number, bottom)
        if number < len(pages):  # no page left two-thirds empty by a table pushed to the next one
            assert bottom < height / 2, (number, bottom)


def test_the_covenant_page_is_not_left_empty_by_its_signatures(demo_2014, demo_user):
    report = make(DocumentKind.COVENANT, year(2015), demo_user("phutho"))
    pages = glyph_extents(report.file.read())
    for _width, height, _left, _top, _right, bottom in pages[:-1]:
        assert bottom < height / 2


def test_the_header_names_the_cluster_and_the_chair_committee_above_it_when_the_cluster_wants(demo_2014, demo_user):
    chair = demo_user("phutho")
    text = flat(pdf_text(make(DocumentKind.SCORE_SUMMARY, year(2014), chair).file.read()))
    assert text.startswith("CỤM THI ĐUA 7 TỈNH TRUNG DU")
    assert "ỦY BAN NHÂN DÂN" not in text.split("Số:")[0] and "UBND" not in text.split("Số:")[0]

    Cluster.objects.update(header_people_committee=True, signature_people_committee=True)
    text = flat(pdf_text(make(DocumentKind.SCORE_SUMMARY, year(2014), chair).file.read()))
    header = text.split("Số:")[0]
    # Written out, above the cluster: ỦY BAN NHÂN DÂN / TỈNH PHÚ THỌ / CỤM THI ĐUA …
    assert header.index("ỦY BAN NHÂN DÂN") < header.index("TỈNH PHÚ THỌ") < header.index("CỤM THI ĐUA 7 TỈNH")
    assert "TM. CỤM THI ĐUA 7 TỈNH TRUNG DU VÀ MIỀN NÚI PHÍA BẮC CỤM TRƯỞNG CHỦ TỊCH UBND TỈNH PHÚ THỌ" in text


def test_a_document_is_headed_by_the_chair_in_office_on_its_date(demo_2014):
    cluster = Cluster.objects.get()
    review_2014 = datetime.date(2015, 3, 4)
    # The 2014 review is still Phú Thọ's (2014's chair) — and so is the 2015 covenant signed there.
    assert selectors.chair_in_office(cluster, review_2014).name == "Phú Thọ"
    assert selectors.chair_in_office(cluster, review_2014 + datetime.timedelta(days=1)).name == "Bắc Giang"
    assert selectors.chair_in_office(cluster, datetime.date(2014, 6, 1)).name == "Phú Thọ"
    assert selectors.chair_in_office(cluster, datetime.date(1990, 1, 1)) is None


def test_the_covenant_is_headed_by_the_chair_whose_review_signed_it(demo_2014, demo_user):
    Cluster.objects.update(header_people_committee=True)
    text = flat(pdf_text(make(DocumentKind.COVENANT, year(2015), demo_user("phutho")).file.read()))
    header = text.split("Số:")[0]
    assert header.startswith("ỦY BAN NHÂN DÂN") and "TỈNH PHÚ THỌ" in header and "BẮC GIANG" not in header


def test_the_ballot_count_record_is_signed_by_the_vote_counting_committee(demo_2014, demo_user):
    report = make(DocumentKind.BALLOT_RECORD, year(2014), demo_user("phutho"), flag_round_2014())
    text = flat(pdf_text(report.file.read()))
    meeting = flag_round_2014().meeting
    committee = list(meeting.committee_members.order_by("role", "order"))
    assert committee and committee[0].role == "head"
    assert f"Đồng chí {committee[0].full_name}" in text and "Trưởng ban" in text
    signatures = text.split("Biên bản kiểm phiếu được lập và công bố trước Hội nghị.")[-1]
    # Under the committee's heading, its head and its members sign.
    assert "BAN KIỂM PHIẾU" in signatures and "TRƯỞNG BAN" in signatures and signatures.count("THÀNH VIÊN") == 2
    for member in committee:
        assert member.full_name in signatures
    assert "THƯ KÝ" not in text and "CHỦ TRÌ HỘI NGHỊ" not in text
    assert "vòng" not in text  # one vote only: no "round"


def test_an_electronic_round_s_record_says_how_it_was_voted_and_counts_the_blank_ballots(demo_2014, demo_user):
    paper = flat(
        pdf_text(make(DocumentKind.BALLOT_RECORD, year(2014), demo_user("phutho"), flag_round_2014()).file.read())
    )
    assert "điện tử" not in paper and "phiếu trắng" not in paper
    BallotRound.objects.filter(pk=flag_round_2014().pk).update(method="electronic", blank=1)
    report = make(DocumentKind.BALLOT_RECORD, year(2014), demo_user("phutho"), flag_round_2014())
    text = flat(pdf_text(report.file.read()))
    assert "Hình thức bỏ phiếu: bỏ phiếu kín điện tử bằng mã phiếu dùng một lần" in text
    assert "Trong đó phiếu trắng 1" in text


def test_a_counting_correction_says_which_record_it_corrects_and_supersedes_it(demo_2014, demo_user):
    chair, admin = demo_user("phutho"), demo_user("admin")
    first_round = flag_round_2014()
    first = make(DocumentKind.BALLOT_RECORD, year(2014), chair, first_round)
    first = services.report_issue(report=first, user=chair)
    award_services.emulation_year_reopen(emulation_year=year(2014), reason="Đính chính kiểm phiếu", user=admin)
    nomination = Nomination.objects.get(emulation_year__year=2014, award_type__code="flag")
    correction = award_services.ballot_round_record(
        meeting=first_round.meeting,
        award_type=AwardType.objects.get(code="flag"),
        issued=7,
        returned=7,
        valid=7,
        invalid=0,
        votes={nomination.pk: 7},
        correction_reason="Ban kiểm phiếu đếm sót một phiếu.",
        user=admin,
    )
    record = make(DocumentKind.BALLOT_RECORD, year(2014), chair, correction)
    text = flat(pdf_text(record.file.read()))
    assert "Đính chính Biên bản số 01/BBKP-CTĐ" in text
    assert "với lý do: Ban kiểm phiếu đếm sót một phiếu. Kết quả" in text  # no doubled full stop
    assert "vòng" not in text  # a correction is not a second vote

    # The corrected record is marked on every page of every print; the stored file is unchanged.
    mark = "ĐÃ ĐƯỢC ĐÍNH CHÍNH BẰNG BIÊN BẢN SỐ 02/BBKP-CTĐ"
    assert selectors.superseded_mark(first) == mark
    printed = services.print_copy(Report.objects.get(pk=first.pk)).decode("latin-1")
    pages = pdf_text(printed.encode("latin-1")).split("\f")
    assert all(mark in flat(page) for page in pages if page.strip()), pages
    assert mark not in flat(pdf_text(Report.objects.get(pk=first.pk).file.read()))

    client = _client(chair)
    page = client.get(reverse("reports:report", args=[first.pk])).content.decode()
    assert mark in page
    downloaded = b"".join(client.get(reverse("reports:download", args=[first.pk])).streaming_content)
    assert mark in flat(pdf_text(downloaded))
    word = b"".join(client.get(reverse("reports:download", args=[first.pk]) + "?format=docx").streaming_content)
    document = docx.Document(io.BytesIO(word))
    assert all(mark in " ".join(p.text for p in s.header.paragraphs) for s in document.sections)

    minutes = flat(pdf_text(make(DocumentKind.MINUTES, year(2014), chair).file.read()))
    assert "Biên bản kiểm phiếu số 02/BBKP-CTĐ, đính chính Biên bản số 01/BBKP-CTĐ" in minutes
    assert "Tỉnh Thái Nguyên đạt 7/7 phiếu (100%), được suy tôn đề nghị Chính phủ tặng Cờ thi đua" in minutes
    assert "6/7" not in minutes  # the superseded count is not reported as a result


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_a_second_vote_is_called_a_round():
    class Round:
        def __init__(self, pk, award, number, corrects=None):
            self.pk, self.award_type_id, self.number, self.corrects_id = pk, award, number, corrects

    rounds = [Round(1, "flag", 1), Round(2, "flag", 2), Round(3, "flag", 3, corrects=2), Round(4, "cert", 1)]
    assert selectors.round_labels(rounds) == {1: 1, 2: 2, 3: 2, 4: None}


def test_the_minutes_hold_every_part_and_the_written_parts_come_from_the_app(demo_2014, demo_user):
    chair = demo_user("phutho")
    text = flat(pdf_text(make(DocumentKind.MINUTES, year(2014), chair).file.read()))
    for part in [
        "1. Đại biểu Trung ương",
        "Khai mạc hội nghị",
        "Báo cáo tổng kết năm 2014, phương hướng, nhiệm vụ năm 2015",
        "Tham luận, thảo luận",
        "Bầu Ban kiểm phiếu",
        "Phát biểu chỉ đạo của đại biểu Trung ương",
        "Bầu Cụm trưởng, Cụm phó năm 2015 và bàn giao",
        "Tỉnh Phú Thọ bàn giao nhiệm vụ Cụm trưởng cho tỉnh Bắc Giang",
        "Ký kết giao ước thi đua năm 2015",
        "Đại diện lãnh đạo 7/7 tỉnh thành viên ký kết Giao ước thi đua năm 2015",
        "Kết luận hội nghị",
        "Hội nghị kết thúc vào hồi 11 giờ 30 phút cùng ngày",
        "lập thành 09 bản",
    ]:
        assert part in text, part
    assert "Tỉnh Thái Nguyên dẫn đầu Cụm với 100,5 điểm" in text  # drafted from the data
    assert ",00 điểm" not in text and "Khách mời" not in text and "CHỦ TỌA" not in text

    services.document_texts_save(
        emulation_year=year(2014),
        kind=DocumentKind.MINUTES,
        texts={"guidance": "Đồng chí Thứ trưởng đề nghị các tỉnh nhân rộng điển hình.\nCụm cần đổi mới hình thức."},
        user=chair,
    )
    text = flat(pdf_text(make(DocumentKind.MINUTES, year(2014), chair).file.read()))
    assert "Đồng chí Thứ trưởng đề nghị các tỉnh nhân rộng điển hình. Cụm cần đổi mới hình thức." in text
    assert "Đồng chí Chu Ngọc Anh kết luận hội nghị" in text  # the other parts keep their drafts


def test_the_year_report_has_every_part_of_domain_10(demo_2014, demo_user):
    report = make(DocumentKind.YEAR_REPORT, year(2014), demo_user("phutho"))
    text = flat(pdf_text(report.file.read()))
    for part in [
        "I. TÌNH HÌNH CHUNG",
        "Kết quả trên các lĩnh vực",
        "Các phong trào thi đua",
        "Kết quả chấm điểm, xếp hạng",
        "Kết quả bình xét, suy tôn",
        "Ưu điểm",
        "Hạn chế",
        "Nguyên nhân",
        "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2015",
        "V. KIẾN NGHỊ, ĐỀ XUẤT",
        "bình quân",
    ]:
        assert part in text, part
    assert report.pages >= 3


def test_written_parts_are_checked_and_only_the_chair_writes_them(demo_2014, demo_user):
    with pytest.raises(ValidationError):
        services.document_texts_save(
            emulation_year=year(2014), kind=DocumentKind.MINUTES, texts={"speech": "x"}, user=demo_user("phutho")
        )
    with pytest.raises(ValidationError):
        services.document_texts_save(
            emulation_year=year(2014), kind=DocumentKind.MINUTES, texts={"opening": "x"}, user=demo_user("bacgiang")
        )
    with pytest.raises(ValidationError):
        services.document_texts_save(
            emulation_year=year(2014), kind=DocumentKind.COVENANT, texts={"opening": "x"}, user=demo_user("phutho")
        )
    assert not DocumentText.objects.exists()


def test_the_texts_page_starts_from_the_draft_and_keeps_what_was_typed(demo_2014, demo_user):
    url = reverse("reports:texts", args=[Cluster.objects.get().pk, 2014, "minutes"])
    client = _client(demo_user("phutho"))
    page = client.get(url).content.decode()
    assert "phát biểu chỉ đạo hội nghị" in page
    response = client.post(url, {"opening": "Khai mạc lúc 8 giờ.", "contributions": "x" * 20001})
    assert response.status_code == 200 and "x" * 20001 in response.content.decode()  # nothing typed is lost
    assert not DocumentText.objects.exists()
    response = client.post(url, {"opening": "Khai mạc lúc 8 giờ."})
    assert response.status_code == 302
    assert DocumentText.objects.get(key="opening").text == "Khai mạc lúc 8 giờ."
    assert DocumentText.objects.get(key="opening").history.count() == 1
    assert _client(demo_user("bacgiang")).post(url, {"opening": "x"}).status_code == 403
    assert _client(demo_user("bacgiang")).get(url).status_code == 200  # members read them


def test_issuing_asks_for_a_confirmation_then_freezes_the_number(demo_2014, demo_user):
    chair = demo_user("phutho")
    report = make(DocumentKind.SCORE_SUMMARY, year(2014), chair)
    client = _client(chair)
    url = reverse("reports:report", args=[report.pk])
    page = client.post(url, {"action": "issue"})
    assert page.status_code == 200 and "Không thể hoàn tác" in page.content.decode()
    assert Report.objects.get(pk=report.pk).issued_at is None
    client.post(url, {"action": "issue", "confirmed": "1"})
    assert Report.objects.get(pk=report.pk).issued_at is not None
    response = client.post(url, {"action": "replace", "reason": " "})
    assert Report.objects.filter(kind=DocumentKind.SCORE_SUMMARY).count() == 1
    response = client.post(url, {"action": "replace", "reason": "Sai điểm của tỉnh Bắc Kạn"})
    replacement = Report.objects.exclude(pk=report.pk).get(kind=DocumentKind.SCORE_SUMMARY)
    assert response.url == reverse("reports:report", args=[replacement.pk])
    text = flat(pdf_text(replacement.file.read()))
    assert "Văn bản này thay thế bảng tổng hợp điểm số 01/BTH-CTĐ (Sai điểm của tỉnh Bắc Kạn)." in text
    services.report_issue(report=replacement, user=chair)
    assert selectors.superseded_mark(report) == "ĐÃ ĐƯỢC THAY THẾ BẰNG VĂN BẢN SỐ 02/BTH-CTĐ"
    assert _client(demo_user("bacgiang")).post(url, {"action": "issue", "confirmed": "1"}).status_code == 403


def test_the_word_file_comes_with_the_pdf(demo_2014, demo_user):
    report = make(DocumentKind.MINUTES, year(2014), demo_user("phutho"))
    response = _client(demo_user("bacgiang")).get(reverse("reports:download", args=[report.pk]) + "?format=docx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
    assert response["Content-Disposition"].endswith('.docx"')
    assert b"".join(response.streaming_content)[:2] == b"PK"


def test_signature_blocks_are_built_from_their_parts():
    vice = signing.province_block(name="Nguyễn Văn A", post="Phó Chủ tịch UBND tỉnh Bắc Giang")
    assert (vice.authority, vice.post, vice.name) == (
        ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"),
        "PHÓ CHỦ TỊCH",
        "Nguyễn Văn A",
    )
    chairman = signing.province_block(name="B", post="Chủ tịch UBND tỉnh", authority=Authority.CHAIRMAN)
    assert (chairman.authority, chairman.post) == (("TM. ỦY BAN NHÂN DÂN",), "CHỦ TỊCH")
    acting = signing.province_block(name="C", post="Quyền Chủ tịch UBND tỉnh")
    assert acting.post == "Q. CHỦ TỊCH"
    delegated = signing.province_block(name="D", post="Giám đốc Sở Nội vụ", authority=Authority.AUTHORISED)
    assert (delegated.authority[-1], delegated.post) == ("TUQ. CHỦ TỊCH", "GIÁM ĐỐC SỞ NỘI VỤ")
    assert signing.province_block(name="E", post="Giám đốc Sở Nội vụ").authority == ()


def test_numbers_and_user_text_in_prose():
    assert formatting.vn_amount(100) == "100"
    assert formatting.vn_amount("99.50") == "99,5"
    assert formatting.vn_amount("1234.25") == "1.234,25"
    assert formatting.sentence("Đếm lại.  ") == "Đếm lại"
    assert formatting.sentence("a;.") == "a"


def test_a_superseded_print_is_the_issued_file_marked_not_a_new_render(demo_2014, demo_user):
    chair = demo_user("phutho")
    year_2014 = year(2014)
    services.document_texts_save(
        emulation_year=year_2014, kind=DocumentKind.YEAR_REPORT, texts={"proposals": "Nội dung ban đầu."}, user=chair
    )
    first = services.report_issue(report=make(DocumentKind.YEAR_REPORT, year_2014, chair), user=chair)
    services.document_texts_save(
        emulation_year=year_2014, kind=DocumentKind.YEAR_REPORT, texts={"proposals": "Nội dung mới."}, user=chair
    )
    replacement = services.report_request(
        kind=DocumentKind.YEAR_REPORT, emulation_year=year_2014, user=chair, replaces=first, reason="Bổ sung"
    )
    services.report_issue(report=replacement, user=chair)
    printed = flat(pdf_text(services.print_copy(Report.objects.get(pk=first.pk))))
    assert "Nội dung ban đầu." in printed and "Nội dung mới." not in printed  # what was issued, as issued
    assert printed.count("ĐÃ ĐƯỢC THAY THẾ BẰNG VĂN BẢN SỐ 02/BC-CTĐ") == first.pages
    word = docx.Document(io.BytesIO(services.print_copy(Report.objects.get(pk=first.pk), word=True)))
    assert "Nội dung ban đầu." in " ".join(p.text for p in word.paragraphs)


def test_a_superseded_landscape_document_is_marked_on_its_pages_too(demo_2014, demo_user):
    """The mark's page has the document's own size: on the landscape score summary it stays on
    the page (a portrait overlay put it 87 mm above the landscape page's top edge)."""
    chair = demo_user("phutho")
    year_2014 = year(2014)
    first = services.report_issue(report=make(DocumentKind.SCORE_SUMMARY, year_2014, chair), user=chair)
    replacement = services.report_request(
        kind=DocumentKind.SCORE_SUMMARY, emulation_year=year_2014, user=chair, replaces=first, reason="Sửa số liệu"
    )
    services.report_issue(report=replacement, user=chair)
    printed = services.print_copy(Report.objects.get(pk=first.pk))
    assert set(page_sizes(printed)) == {(297, 210)}
    assert flat(pdf_text(printed)).count("ĐÃ ĐƯỢC THAY THẾ BẰNG VĂN BẢN SỐ") == first.pages
