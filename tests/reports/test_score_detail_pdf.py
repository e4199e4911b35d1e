"""The detailed score table as a document: A4 landscape, header rows on every page."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cluster.models import EmulationYear
from reports import services
from reports.enums import DocumentKind, ReportStatus
from reports.models import Report
from scoring import selectors as scoring_selectors
from scoring import services as scoring_services
from scoring.enums import ScorecardStatus
from scoring.models import Scoreboard, Scorecard
from tests.factories import UserFactory
from tests.reports.pdfcheck import page_sizes, pdf_text
from tests.scoring.builders import build_scored_year


def make(emulation_year, user):
    report = services.report_request(kind=DocumentKind.SCORE_DETAIL, emulation_year=emulation_year, user=user)
    assert report.status == ReportStatus.DONE, report.error
    return report, report.file.read()


def flat(text):
    return re.sub(r"\s+", " ", text)


def test_the_2014_table_shows_every_criterion_of_every_member_on_a4_landscape(demo_2014, demo_user, media):
    report, data = make(EmulationYear.objects.get(year=2014), demo_user("phutho"))
    text = flat(pdf_text(data, layout=True))
    assert "BẢNG TỔNG HỢP ĐIỂM CHI TIẾT" in text and "Số: 01/BTHCT-CTĐ" in text
    assert "Thái Nguyên Phú Thọ Hòa Bình Bắc Giang Tuyên Quang Bắc Kạn Yên Bái" in text  # the ranking's order
    # Section B: Bắc Giang (4th) self-scored 9 for B4, the cluster agreed 8; its subtotal 22,50 → 21,50.
    assert re.search(r"B4 .*10,00 9,50 9,50 9,50 9,50 9,00 9,00 9,00 8,00 8,50 8,50", text)
    assert "Cộng mục B 25,00 24,50 24,50 23,00 23,00 22,50 22,50 22,50 21,50" in text
    assert "Cộng mục E -15,00 0,00 0,00" in text and "-1,00 -1,00" in text  # Yên Bái's deduction
    assert "TỔNG ĐIỂM 100,00 100,50 100,50 94,50 94,50 90,00 90,00 90,00 89,00" in text
    assert re.search(r"Xếp hạng 1 2 3 4 5 6 7", text)
    sizes = page_sizes(data)
    assert set(sizes) == {(297, 210)} and report.pages == len(sizes)


@pytest.fixture
def big_year(db):
    """20 members × 60 criteria, agreed, ranked and locked: two groups of ten, several pages."""
    _cluster, emulation_year = build_scored_year(members=20, criteria=60, year=2031)
    Scorecard.objects.filter(emulation_year=emulation_year).update(status=ScorecardStatus.AGREED)
    scoring_services.scoreboard_rank(emulation_year=emulation_year)
    Scoreboard.objects.filter(emulation_year=emulation_year).update(locked_at=timezone.now())
    return emulation_year


def test_twenty_members_fit_the_width_in_two_tables_whose_headers_repeat_on_every_page(big_year, media):
    chair = UserFactory(province=big_year.memberships.get(role="chair").province)
    _report, data = make(big_year, chair)
    assert set(page_sizes(data)) == {(297, 210)}
    groups = scoring_selectors.score_detail_table(big_year).column_groups()
    names = [[m.province.name for m in group.members] for group in groups]
    pages = [flat(page) for page in pdf_text(data, layout=True).split("\f") if page.strip()]
    assert len(pages) >= 4
    second = next(i for i, page in enumerate(pages) if "Phần 2/2" in page)
    assert "Phần 1/2: các tỉnh xếp thứ 1 đến 10" in pages[0] and 1 < second < len(pages)
    for number, page in enumerate(pages):
        group = names[0] if number < second else names[1]
        for header in (" ".join(group), "Mã Tiêu chí tối đa " + " ".join(["TC TN"] * 10)):
            assert header in page, f"page {number + 1}: {page[:600]}"
    assert "TỔNG ĐIỂM" in pages[second - 1] and "TỔNG ĐIỂM" in pages[-1]


def test_a_year_not_locked_is_refused_with_what_is_missing(demo_2014, demo_user):
    with pytest.raises(ValidationError) as error:
        services.report_request(
            kind=DocumentKind.SCORE_DETAIL,
            emulation_year=EmulationYear.objects.get(year=2015),
            user=demo_user("bacgiang"),
        )
    assert "Việc chấm điểm năm 2015 chưa khóa: kết quả xếp hạng chưa chính thức." in " ".join(error.value.messages)
    assert not Report.objects.filter(kind=DocumentKind.SCORE_DETAIL).exists()
