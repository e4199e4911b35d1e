"""The detailed score table (bảng tổng hợp chi tiết): its figures, its queries, its Excel file."""

from decimal import Decimal as D
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from cluster.models import EmulationYear
from scoring import selectors
from scoring.enums import ScorecardStatus
from scoring.models import Score
from tests.factories import ProvinceFactory, UserFactory
from tests.scoring.builders import build_scored_year


def year(number):
    return EmulationYear.objects.select_related("cluster").get(year=number)


def member_index(detail, name):
    return [m.province.name for m in detail.members].index(name)


def line_of(detail, code):
    return next(line for block in detail.sections for line in block.lines if line.criterion.code == code)


def section_of(detail, code):
    return next(block for block in detail.sections if block.section.code == code)


def test_members_come_in_the_ranking_order_with_the_scoreboard_totals(demo_2014):
    detail = selectors.score_detail_table(year(2014))
    _table, rows = selectors.scoreboard_rows(year(2014))
    assert [m.province.name for m in detail.members] == [r.membership.province.name for r in rows]
    assert detail.members[0].province.name == "Thái Nguyên" and detail.members[0].rank == 1
    assert detail.totals == [(r.self_total, r.agreed_total) for r in rows]
    assert detail.totals[member_index(detail, "Bắc Giang")] == (D("90.00"), D("89.00"))
    assert detail.is_locked and detail.max_total == D("100")


def test_each_criterion_shows_the_self_and_the_agreed_score_of_each_member(demo_2014):
    detail = selectors.score_detail_table(year(2014))
    bac_giang, bac_kan = member_index(detail, "Bắc Giang"), member_index(detail, "Bắc Kạn")
    # The two changes agreed at the cross-check, as the scorecards hold them.
    assert line_of(detail, "B4").cells[bac_giang] == (D("9.00"), D("8.00"))
    assert line_of(detail, "D2").cells[bac_kan] == (D("4.00"), D("3.00"))
    stored = Score.objects.get(
        scorecard__emulation_year__year=2014, scorecard__province__name="Phú Thọ", criterion__code="A1"
    )
    assert line_of(detail, "A1").cells[member_index(detail, "Phú Thọ")] == (stored.self_score, stored.agreed_score)
    # A group of criteria adds up its children; a deduction keeps its sign.
    group = line_of(detail, "A4")
    assert not group.is_leaf and group.max_points == D("10")
    assert group.cells[bac_giang] == (D("9.00"), D("9.00"))
    assert line_of(detail, "E1").cells[member_index(detail, "Yên Bái")] == (D("-1.00"), D("-1.00"))


def test_section_subtotals_are_the_self_and_agreed_sums_of_the_section(demo_2014):
    detail = selectors.score_detail_table(year(2014))
    bac_giang = member_index(detail, "Bắc Giang")
    assert section_of(detail, "B").subtotals[bac_giang] == (D("22.50"), D("21.50"))
    assert section_of(detail, "B").max_points == D("25")
    assert section_of(detail, "E").max_points == D("-15")  # the deductions' bound
    assert section_of(detail, "E").subtotals[member_index(detail, "Yên Bái")] == (D("-1.00"), D("-1.00"))
    for index, (own, agreed) in enumerate(detail.totals):
        assert sum(block.subtotals[index][0] for block in detail.sections) == own
        assert sum(block.subtotals[index][1] for block in detail.sections) == agreed


def test_a_draft_that_members_may_not_read_leaves_its_columns_empty(scoring_demo):
    detail = selectors.score_detail_table(year(2015))
    assert Score.objects.filter(scorecard__province__name="Bắc Kạn", scorecard__emulation_year__year=2015).exists()
    bac_kan = member_index(detail, "Bắc Kạn")
    assert detail.members[bac_kan].scorecard is None and detail.members[bac_kan].rank is None
    assert line_of(detail, "A1").cells[bac_kan] == (None, None)
    assert all(block.subtotals[bac_kan] == (None, None) for block in detail.sections)


def test_twenty_members_are_printed_in_two_groups_of_ten(db):
    _cluster, emulation_year = build_scored_year(members=20, criteria=10)
    groups = selectors.score_detail_table(emulation_year).column_groups()
    assert [(g.first, g.last, len(g.members)) for g in groups] == [(1, 10, 10), (11, 20, 10)]
    assert all(len(line.cells) == 10 for g in groups for block in g.sections for line in block.lines)
    _cluster, small = build_scored_year(members=7, criteria=10, year=2031, prefix="Nhỏ ")
    assert len(selectors.score_detail_table(small).column_groups()) == 1


def _queries(emulation_year):
    emulation_year = EmulationYear.objects.get(pk=emulation_year.pk)
    with CaptureQueriesContext(connection) as queries:
        selectors.score_detail_table(emulation_year)
    return len(queries.captured_queries)


def test_the_table_takes_the_same_few_queries_for_3_by_10_and_20_by_150(db, django_assert_max_num_queries):
    _cluster, small = build_scored_year(members=3, criteria=10, year=2030, prefix="Nhỏ ")
    _cluster, big = build_scored_year(members=20, criteria=150, year=2031, prefix="Lớn ")
    assert _queries(small) == _queries(big)
    big = EmulationYear.objects.get(pk=big.pk)
    with django_assert_max_num_queries(10):
        detail = selectors.score_detail_table(big)
    assert len(detail.members) == 20
    assert sum(line.is_leaf for block in detail.sections for line in block.lines) == 150


# --- Excel ----------------------------------------------------------------------------------


def workbook_of(response):
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(BytesIO(b"".join(response.streaming_content)))


def detail_url(cluster, number):
    return reverse("scoring:scoreboard_detail_xlsx", args=[cluster.pk, number])


def test_the_excel_table_has_two_header_rows_numbers_and_prints_on_a4_landscape(client, demo_2014, demo_user):
    client.force_login(demo_user("backan"))
    board = client.get(reverse("scoring:scoreboard", args=[demo_2014.pk, 2014])).content.decode()
    assert detail_url(demo_2014, 2014) in board
    response = client.get(detail_url(demo_2014, 2014))
    assert 'filename="bang-diem-chi-tiet-2014.xlsx"' in response["Content-Disposition"]
    sheet = workbook_of(response).active

    assert "Bảng tổng hợp điểm chi tiết năm 2014" in sheet["A1"].value
    assert [sheet.cell(row=4, column=c).value for c in range(1, 8)] == [
        "Mã",
        "Tiêu chí",
        "Điểm tối đa",
        "Thái Nguyên",
        None,
        "Phú Thọ",
        None,
    ]
    assert "D4:E4" in {str(r) for r in sheet.merged_cells.ranges}
    assert [sheet.cell(row=5, column=c).value for c in range(4, 8)] == ["TC", "TN", "TC", "TN"]
    rows = {sheet.cell(row=r, column=1).value: r for r in range(6, sheet.max_row + 1)}
    bac_giang = [sheet.cell(row=4, column=c).value for c in range(1, sheet.max_column + 1)].index("Bắc Giang") + 1
    assert sheet.cell(row=rows["B4"], column=bac_giang).value == 9
    assert sheet.cell(row=rows["B4"], column=bac_giang + 1).value == 8
    assert sheet.cell(row=rows["B4"], column=bac_giang + 1).number_format == "0.00"
    labels = {sheet.cell(row=r, column=2).value: r for r in range(6, sheet.max_row + 1)}
    assert sheet.cell(row=labels["Cộng mục B"], column=bac_giang).value == 22.5
    assert sheet.cell(row=labels["TỔNG ĐIỂM"], column=bac_giang + 1).value == 89
    assert sheet.cell(row=labels["Xếp hạng"], column=4).value == 1

    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == str(sheet.PAPERSIZE_A4)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
    assert sheet.print_title_rows == "$4:$5"
    assert sheet.freeze_panes == "D6"


@pytest.mark.parametrize(
    ("who", "status"),
    [("member", 200), ("chair", 200), ("other cluster", 404), ("anonymous", 302)],
)
def test_who_may_download_the_excel_table(client, demo_2014, demo_user, who, status):
    if who == "member":
        client.force_login(demo_user("yenbai"))
    elif who == "chair":
        client.force_login(demo_user("phutho"))
    elif who == "other cluster":
        # A province no real code names: the factory's own sequence may fall on a member's code.
        client.force_login(UserFactory(province=ProvinceFactory(code="99", name="Tỉnh ngoài Cụm")))
    response = client.get(detail_url(demo_2014, 2014))
    assert response.status_code == status
    if status == 200:
        assert "Thái Nguyên" in [c.value for c in workbook_of(response).active[4]]
    elif status == 302:
        assert "login" in response["Location"]


def test_before_the_lock_the_excel_table_says_it_is_provisional(client, db):
    _cluster, emulation_year = build_scored_year(members=3, criteria=5, status=ScorecardStatus.SUBMITTED)
    client.force_login(UserFactory(province=emulation_year.memberships.get(role="chair").province))
    sheet = workbook_of(client.get(detail_url(emulation_year.cluster, emulation_year.year))).active
    assert sheet["A2"].value.startswith("Xếp hạng tạm thời")
