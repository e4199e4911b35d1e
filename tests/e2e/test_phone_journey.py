"""The scorecard, the appraisal form and the scoreboard on a phone (390 × 844, touch): one card per
criterion, the totals and save buttons in reach, the scoreboard as a ranked list, and never a
page wider than the screen."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from cluster.demo import DEMO_PASSWORD
from scoring import selectors, services
from scoring.enums import ScorecardStatus
from scoring.models import Evidence, Scorecard
from tests.e2e.test_scoring_journey import SELF_SCORES, score_label

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def page(browser, live_server):
    """A phone instead of the laptop of tests/e2e/conftest.py (`login` and `screenshot` use it)."""
    context = browser.new_context(
        base_url=live_server.url, locale="vi-VN", viewport=PHONE, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def assert_no_horizontal_scrolling(page):
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"the page is {width} px wide on a {inner} px screen"


def card(page, code):
    return page.locator(f'tr[data-criterion="{code}"]')


def bac_kan_2015():
    return Scorecard.objects.get(emulation_year__year=2015, province__code="06")


def test_a_province_fills_and_submits_its_scorecard_on_a_phone(page, login, screenshot, scoring_demo, tmp_path):
    scorecard = bac_kan_2015()
    pdf = tmp_path / "ke-hoach.pdf"
    pdf.write_bytes(PDF)
    login("backan", DEMO_PASSWORD)
    page.goto(f"/scorecards/{scorecard.pk}/")
    expect(page.get_by_role("heading", name="Bảng điểm của Bắc Kạn, năm 2015")).to_be_visible()
    assert_no_horizontal_scrolling(page)

    a1 = card(page, "A1")
    expect(a1).to_contain_text("A1. Tốc độ tăng trưởng kinh tế")
    labels = a1.locator("td[data-label]").evaluate_all(
        "cells => cells.map(c => getComputedStyle(c, '::before').content)"
    )
    assert labels[:3] == ['"Điểm tối đa"', '"Điểm tự chấm"', '"Ghi chú"']  # each card names its fields
    score = page.get_by_label("Điểm tự chấm A1", exact=True)
    assert score.get_attribute("inputmode") == "decimal"
    box = a1.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]  # a card, not a wide row
    expect(page.get_by_label("Chụp ảnh B1", exact=True)).to_have_attribute("capture", "environment")
    expect(page.get_by_test_id("evidence-audience")).to_contain_text("cán bộ tỉnh bạn và quản trị viên")

    for code, value in SELF_SCORES.items():
        if code[0] not in "ĐE":  # bonus and deduction lines left blank: 0
            page.get_by_label(score_label(code), exact=True).fill(value)
    page.get_by_label("Điểm tự chấm B2", exact=True).fill("abc")
    for code in ("B1", "B4"):
        page.get_by_label(f"Minh chứng {code}", exact=True).set_input_files(pdf)
        expect(card(page, code).get_by_test_id("evidence-status")).to_have_text("Đã tải lên ke-hoach.pdf.")
    # A file that cannot be stored says why, in Vietnamese; what was typed stays.
    note = tmp_path / "ghi-chu.txt"
    note.write_text("không phải minh chứng")
    page.get_by_label("Minh chứng C1", exact=True).set_input_files(note)
    expect(card(page, "C1").get_by_test_id("evidence-status")).to_contain_text("Tệp ghi-chu.txt không phải là tệp PDF")
    expect(page.get_by_label("Điểm tự chấm C1", exact=True)).to_have_value("4")
    # Half-way down the long page the totals and the save buttons are still at the thumb.
    card(page, "C1").scroll_into_view_if_needed()
    bar = page.get_by_test_id("save-bar")
    bar_box = bar.bounding_box()
    assert bar_box["y"] + bar_box["height"] <= PHONE["height"] + 1 and bar_box["y"] > PHONE["height"] / 2
    expect(bar).to_contain_text("Tổng cộng")
    screenshot("phone-1-scorecard")
    page.get_by_role("button", name="Lưu nháp").click()

    # B2 is refused: the summary links to its card; the uploaded files are still there.
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_contain_text("B2. Phát hiện, bồi dưỡng")
    summary.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"#criterion-\d+$"))
    expect(card(page, "B1").get_by_role("link", name="ke-hoach.pdf")).to_be_visible()
    assert_no_horizontal_scrolling(page)
    screenshot("phone-2-refused")
    page.get_by_label("Điểm tự chấm B2", exact=True).fill("4")
    page.get_by_role("button", name="Lưu và nộp").click()

    summary = page.get_by_test_id("summary")
    expect(summary).to_contain_text("Tổng điểm tự chấm: 88,00 / 100,00")
    expect(summary).to_contain_text("Không còn thiếu gì.")
    assert_no_horizontal_scrolling(page)
    screenshot("phone-3-confirm")
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_test_id("status")).to_have_text("Đã nộp")
    scorecard.refresh_from_db()
    assert scorecard.status == ScorecardStatus.SUBMITTED and scorecard.self_total == 88
    assert Evidence.objects.filter(score__scorecard=scorecard).count() == 2


def upload_bac_kan_files(scorecard, leaves, user):
    """Bắc Kạn's two files, B1.pdf and B4.pdf, on their criteria."""
    for code in ("B1", "B4"):
        services.evidence_upload(
            scorecard=scorecard,
            criterion_id=leaves[code].pk,
            upload=SimpleUploadedFile(f"{code}.pdf", PDF),
            user=user,
        )


def test_a_province_removes_a_file_of_its_draft_on_a_phone(page, login, scoring_demo, tmp_path):
    """Each file's remove button, the page's and the one the upload script adds, sends the page's
    one removal form to that file: asked first, then only that file is gone."""
    scorecard = bac_kan_2015()
    leaves = {c.code: c for c in selectors.criteria_table(scorecard.emulation_year).leaves}
    upload_bac_kan_files(scorecard, leaves, scorecard.province.staff.get(username="backan"))
    pdf = tmp_path / "ke-hoach.pdf"
    pdf.write_bytes(PDF)
    login("backan", DEMO_PASSWORD)
    page.goto(f"/scorecards/{scorecard.pk}/")
    card(page, "B4").get_by_role("button", name="Xóa").click()
    expect(page.get_by_role("heading", name="Xóa tệp minh chứng B4.pdf")).to_be_visible()
    page.get_by_role("button", name="Xác nhận").click()
    expect(card(page, "B1").get_by_role("link", name="B1.pdf")).to_be_visible()
    expect(card(page, "B4").get_by_role("link", name="B4.pdf")).to_have_count(0)
    # A file just uploaded by the script gets its own remove button, addressed the same way.
    page.get_by_label("Minh chứng B1", exact=True).set_input_files(pdf)
    expect(card(page, "B1").get_by_test_id("evidence-status")).to_have_text("Đã tải lên ke-hoach.pdf.")
    card(page, "B1").get_by_role("listitem").filter(has_text="ke-hoach.pdf").get_by_role("button", name="Xóa").click()
    expect(page.get_by_role("heading", name="Xóa tệp minh chứng ke-hoach.pdf")).to_be_visible()
    page.get_by_role("button", name="Xác nhận").click()
    expect(card(page, "B1").get_by_role("link", name="ke-hoach.pdf")).to_have_count(0)
    names = Evidence.objects.filter(score__scorecard=scorecard).values_list("original_name", flat=True)
    assert list(names) == ["B1.pdf"]


def submit_bac_kan():
    scorecard = bac_kan_2015()
    leaves = {c.code: c for c in selectors.criteria_table(scorecard.emulation_year).leaves}
    from django.contrib.auth import get_user_model

    backan = get_user_model().objects.get(username="backan")
    services.scorecard_save_self(
        scorecard=scorecard,
        user=backan,
        version=scorecard.version,
        entries={leaves[code].pk: (value, "") for code, value in SELF_SCORES.items()},
    )
    upload_bac_kan_files(scorecard, leaves, backan)
    return services.scorecard_submit(scorecard=scorecard, user=backan)


def test_the_chair_appraises_on_a_phone(page, login, screenshot, scoring_demo):
    scorecard = submit_bac_kan()
    login("bacgiang", DEMO_PASSWORD)
    page.goto(f"/scorecards/{scorecard.pk}/cross-check/")
    b4 = card(page, "B4")
    expect(b4).to_contain_text("8,00")  # the self-score
    expect(b4.get_by_role("link", name="B4.pdf")).to_be_visible()
    assert_no_horizontal_scrolling(page)
    page.get_by_label("Điểm thống nhất B4", exact=True).fill("7")
    page.get_by_label("Lý do điều chỉnh B4", exact=True).fill("Tỷ lệ đạt 41%")
    b4.get_by_text("Xem").click()  # the evidence opens in the page, next to its criterion
    expect(b4.locator("iframe.evidence-frame")).to_be_visible()
    assert_no_horizontal_scrolling(page)
    screenshot("phone-4-appraisal")
    bar = page.get_by_test_id("save-bar")
    expect(bar).to_be_in_viewport()
    bar.get_by_role("button", name="Lưu điểm thống nhất").click()
    expect(page.get_by_role("alert")).to_contain_text("Đã lưu điểm thống nhất.")
    assert_no_horizontal_scrolling(page)


def test_the_scoreboard_is_a_ranked_list_on_a_phone(page, login, screenshot, scoring_demo):
    login("yenbai", DEMO_PASSWORD)
    page.goto(f"/clusters/{scoring_demo.pk}/years/2014/scoreboard/")
    ranked = page.get_by_test_id("ranked-list")
    expect(ranked).to_be_visible()
    expect(page.get_by_test_id("scoreboard")).to_be_hidden()  # the wide table is for larger screens
    first = ranked.get_by_role("listitem").first
    expect(first).to_contain_text("Thái Nguyên")
    expect(first).to_contain_text("1")
    chart = page.get_by_role("img", name="Tổng điểm thống nhất")
    expect(chart).to_be_visible()
    # Legible: the province names are drawn at least 11 px high on the phone.
    heights = chart.locator("text").evaluate_all("els => els.map(e => e.getBoundingClientRect().height)")
    assert min(heights) >= 11
    assert_no_horizontal_scrolling(page)
    screenshot("phone-5-scoreboard")
