"""The scoring journey of 2015, in Vietnamese: Bắc Kạn fills in and submits its scorecard
(after one refused save), the chair Bắc Giang returns it with a reason, Bắc Kạn corrects
and submits again, the chair cross-checks it (refused once without a reason) and the
scoreboard shows Bắc Kạn's agreed total in the table and in the bar chart."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from cluster.demo import DEMO_PASSWORD
from scoring.enums import ScorecardStatus
from scoring.models import Evidence, Score, Scorecard

pytestmark = pytest.mark.django_db(transaction=True)

#: Bắc Kạn's self-scores of 2015 (A1–A3 are already in the demo draft: 9; 8,5; 9).
SELF_SCORES = {
    "A1": "9",
    "A2": "8,5",
    "A3": "9",
    "A4.1": "4,5",
    "A4.2": "4",
    "A5": "8,5",
    "B1": "4,5",
    "B2": "4",
    "B3": "5",
    "B4": "48",  # a target criterion: the reported share (%), 48 of the 60 % target = 8 points
    "C1": "4",
    "C2": "4,5",
    "C3": "5",
    "D1": "5",
    "D2": "4,5",
    "Đ1": "0",
    "Đ2": "0",
    "E1": "0",
    "E2": "0",
}  # total 88
RETURN_REASON = "Thiếu minh chứng tiêu chí B2"
CHANGE_REASON = "Tỷ lệ khen thưởng người lao động trực tiếp đạt 41%, chưa đủ cho mức tối đa."


@pytest.fixture
def logout(page):
    def sign_out():
        page.get_by_role("button", name="Đăng xuất").click()
        page.wait_for_load_state()
        expect(page.get_by_test_id("signed-in-as")).to_have_count(0)

    return sign_out


@pytest.fixture
def pdf(tmp_path):
    path = tmp_path / "minh-chung.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    return path


def row(page, code):
    return page.locator(f'tr[data-criterion="{code}"]')


#: Criteria whose input is the reported figure, not the score (B4: the share of awards to direct workers).
FIGURES = {"B4"}


def score_label(code):
    return f"Số liệu báo cáo {code}" if code in FIGURES else f"Điểm tự chấm {code}"


def self_score(page, code):
    return page.get_by_label(score_label(code), exact=True)


def open_own_scorecard(page):
    page.goto("/")
    page.get_by_role("link", name="Bảng điểm", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("2015"))).to_be_visible()
    page.get_by_role("row").filter(has_text="Bắc Kạn").get_by_role("link").click()
    expect(page.get_by_role("heading", name="Bảng điểm của Bắc Kạn, năm 2015")).to_be_visible()


def test_scorecard_submitted_returned_cross_checked_and_ranked(page, login, logout, screenshot, scoring_demo, pdf):
    card = Scorecard.objects.get(emulation_year__year=2015, province__code="06")

    # 1. Bắc Kạn fills in its draft.
    login("backan", DEMO_PASSWORD)
    open_own_scorecard(page)
    expect(page.get_by_test_id("status")).to_have_text("Bản nháp")
    expect(self_score(page, "A2")).to_have_value("8,50")
    for code, value in SELF_SCORES.items():
        self_score(page, code).fill(value)
    self_score(page, "A5").fill("12")
    self_score(page, "B2").fill("abc")
    page.get_by_label("Ghi chú B3", exact=True).fill("Khen thưởng kịp thời 100% trường hợp")
    page.get_by_role("button", name="Lưu nháp").click()

    summary = page.get_by_test_id("error-summary")
    expect(summary).to_contain_text("2 giá trị bị từ chối: chưa lưu gì.")
    expect(summary.get_by_role("link")).to_have_count(2)
    expect(row(page, "A5")).to_contain_text("Điểm không được vượt quá điểm tối đa 10,00.")
    expect(row(page, "B2")).to_contain_text("Hãy nhập một số, ví dụ 8,5.")
    expect(self_score(page, "A5")).to_have_value("12")
    expect(self_score(page, "B2")).to_have_value("abc")
    for code in ("A4.1", "B1", "C2", "E1"):
        expect(self_score(page, code)).to_have_value(SELF_SCORES[code])
    expect(page.get_by_label("Ghi chú B3", exact=True)).to_have_value("Khen thưởng kịp thời 100% trường hợp")
    screenshot("scoring-1-refused")
    assert Score.objects.filter(scorecard=card).count() == 3
    assert Scorecard.objects.get(pk=card.pk).version == card.version

    self_score(page, "A5").fill("8,5")
    self_score(page, "B2").fill("4")
    # Each file is stored as soon as it is chosen, before the form is saved.
    for code in ("B1", "B4"):
        page.get_by_label(f"Minh chứng {code}", exact=True).set_input_files(pdf)
        expect(row(page, code).get_by_test_id("evidence-status")).to_have_text("Đã tải lên minh-chung.pdf.")
        expect(row(page, code).get_by_role("link", name="minh-chung.pdf")).to_be_visible()
    assert Evidence.objects.filter(score__scorecard=card).count() == 2
    page.get_by_role("button", name="Lưu và nộp").click()
    # Before the irreversible step: the totals and what is still missing.
    expect(page.get_by_test_id("summary")).to_contain_text("Tổng điểm tự chấm: 88,00 / 100,00")
    expect(page.get_by_test_id("summary")).to_contain_text("Không còn thiếu gì.")
    page.get_by_role("button", name="Xác nhận").click()

    expect(page.get_by_test_id("status")).to_have_text("Đã nộp")
    expect(page.get_by_role("alert")).to_contain_text("Đã nộp bảng điểm cho Cụm trưởng.")
    expect(page.get_by_test_id("self-total")).to_have_text("88,00")
    expect(row(page, "B1").get_by_role("link", name="minh-chung.pdf")).to_be_visible()
    screenshot("scoring-2-submitted")
    card.refresh_from_db()
    assert card.status == ScorecardStatus.SUBMITTED
    assert card.self_total == Decimal("88")
    assert Evidence.objects.filter(score__scorecard=card).count() == 2
    logout()

    # 2. The chair returns it.
    login("bacgiang", DEMO_PASSWORD)
    open_own_scorecard(page)
    expect(page.get_by_test_id("status")).to_have_text("Đã nộp")
    page.get_by_label("Lý do trả lại").fill(RETURN_REASON)
    page.get_by_role("button", name="Trả lại với lý do này").click()
    # The returned scorecard is the province's again: the chair lands on the year's list.
    expect(page.get_by_role("alert")).to_contain_text("Đã trả lại bảng điểm cho tỉnh kèm lý do.")
    expect(page).to_have_url(re.compile(r"/years/2015/scorecards/$"))
    expect(page.get_by_role("row").filter(has_text="Bắc Kạn").get_by_test_id("status")).to_have_text("Trả lại để sửa")
    card.refresh_from_db()
    assert card.status == ScorecardStatus.RETURNED and card.return_reason == RETURN_REASON
    screenshot("scoring-2b-list-after-return")
    logout()

    # 3. Bắc Kạn reads the reason, corrects B2 and submits again.
    login("backan", DEMO_PASSWORD)
    open_own_scorecard(page)
    expect(page.get_by_test_id("return-reason")).to_contain_text(RETURN_REASON)
    expect(self_score(page, "B2")).to_have_value("4,00")
    self_score(page, "B2").fill("4,5")
    page.get_by_label("Ghi chú B2", exact=True).fill("Bổ sung minh chứng")
    page.get_by_label("Minh chứng B2", exact=True).set_input_files(pdf)
    expect(row(page, "B2").get_by_test_id("evidence-status")).to_have_text("Đã tải lên minh-chung.pdf.")
    screenshot("scoring-3-returned")
    page.get_by_role("button", name="Lưu và nộp").click()
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_test_id("status")).to_have_text("Đã nộp")
    expect(page.get_by_test_id("self-total")).to_have_text("88,50")
    expect(page.get_by_test_id("return-reason")).to_have_count(0)
    logout()

    # 4. The chair cross-checks: the form starts empty; B4 lowered from 8 to 7, first without
    # a reason; then every other score agreed as self-scored with the explicit button.
    login("bacgiang", DEMO_PASSWORD)
    open_own_scorecard(page)
    page.get_by_role("link", name="Thẩm định").click()
    agreed_b4 = page.get_by_label("Điểm thống nhất B4", exact=True)
    expect(agreed_b4).to_have_value("")
    agreed_b4.fill("7")
    page.get_by_role("button", name="Lưu điểm thống nhất").click()
    expect(row(page, "B4")).to_contain_text("Hãy nêu lý do điều chỉnh điểm tự chấm.")
    expect(page.get_by_label("Điểm thống nhất B4", exact=True)).to_have_value("7")
    assert not Score.objects.filter(scorecard=card, agreed_score__isnull=False).exists()
    screenshot("scoring-4-cross-check-refused")

    page.get_by_label("Lý do điều chỉnh B4", exact=True).fill(CHANGE_REASON)
    page.get_by_role("button", name="Lưu điểm thống nhất").click()
    expect(page.get_by_role("alert")).to_contain_text("Đã lưu điểm thống nhất.")
    expect(page.get_by_test_id("status")).to_have_text("Đã nộp")
    page.get_by_role("button", name="Thống nhất mọi điểm không thay đổi theo điểm tự chấm").click()
    expect(page.get_by_role("alert").first).to_contain_text(
        "đã được thống nhất theo điểm tự chấm, ghi nhận dưới tên bạn"
    )
    expect(page.get_by_role("alert").nth(1)).to_contain_text("Đã thống nhất điểm mọi tiêu chí của bảng điểm này.")
    expect(page.get_by_test_id("status")).to_have_text("Đã thống nhất")
    card.refresh_from_db()
    assert card.status == ScorecardStatus.AGREED
    assert Score.objects.get(scorecard=card, criterion__code="B4").agreed_reason == CHANGE_REASON

    # The scoreboard of 2015.
    page.get_by_role("link", name=re.compile(r"· 2015$")).click()
    page.get_by_role("link", name="Bảng tổng hợp điểm", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("2015"))).to_be_visible()
    board_row = page.get_by_test_id("scoreboard").get_by_role("row").filter(has_text="Bắc Kạn")
    expect(board_row).to_contain_text("87,50")
    expect(board_row).to_contain_text("88,50")
    chart = page.get_by_role("img", name="Tổng điểm thống nhất")
    expect(chart).to_contain_text("Bắc Kạn")
    expect(chart).to_contain_text("87,50")
    screenshot("scoring-5-scoreboard")
