"""Cross-scoring (chấm chéo) in the demo's 2015, scored by the members (issue 13 points 2-3):
Bắc Kạn and Phú Thọ have submitted (through the services); Yên Bái cross-scores Bắc Kạn on a
phone (390 × 844) — a refused value keeps what was typed, a difference needs its reason — and
submits after the confirmation, then sees Bắc Giang's cross-scores; the chair (Bắc Giang) reads
every cross-score on a laptop, sees the wide spread flagged and agrees the scores by the year's
rule; Bắc Kạn reads the differing cross-scores with their reasons, the scorers' names hidden,
and explains one; the scoreboard says the agreed scores come from the cross-scoring."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from cluster.demo import DEMO_PASSWORD
from cluster.models import EmulationYear, RuleSet
from scoring import selectors, services, services_peer
from scoring.enums import AgreedSource
from scoring.models import PeerReview, Score, Scorecard
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def _submit(year, code, username):
    user = get_user_model().objects.get(username=username)
    card = services.scorecard_get_or_create(emulation_year=year, province=user.province)
    leaves = selectors.criteria_table(year).leaves
    entries = {
        c.pk: ("48" if c.kind == "target" else ("0" if c.kind in ("bonus", "deduction") else "4"), "") for c in leaves
    }
    files = {c.pk: [SimpleUploadedFile(f"{c.code}.pdf", b"%PDF-1.4 demo")] for c in leaves if c.evidence_required}
    services.scorecard_save_self(scorecard=card, user=user, version=card.version, entries=entries, files=files)
    card.refresh_from_db()
    services.scorecard_submit(scorecard=card, user=user)
    return Scorecard.objects.get(pk=card.pk), leaves


def test_members_cross_score_on_a_phone_and_the_chair_agrees(
    browser, live_server, page, login, screenshot, scoring_demo
):
    year = EmulationYear.objects.get(year=2015)
    RuleSet.objects.filter(emulation_year=year).update(
        scoring_mode="peer", peer_aggregation="mean", peer_spread_limit=Decimal("2"), explanation_shows_scorer=False
    )
    year = EmulationYear.objects.get(pk=year.pk)
    backan, leaves = _submit(year, "06", "backan")
    _submit(year, "25", "phutho")
    bacgiang = get_user_model().objects.get(username="bacgiang")
    review = services_peer.peer_review_get_or_create(scorecard=backan, user=bacgiang)
    entries = {
        c.pk: ("8" if c.kind == "target" else ("0" if c.kind in ("bonus", "deduction") else "4"), "") for c in leaves
    }
    entries[next(c.pk for c in leaves if c.code == "A1")] = ("1", "Chưa đạt kế hoạch GRDP")
    services_peer.peer_review_save(review=review, user=bacgiang, version=review.version, entries=entries)
    services_peer.peer_review_submit(review=review, user=bacgiang)

    # 1. Yên Bái on a phone: its list, then Bắc Kạn's scorecard.
    phone = _signed_in_phone(browser, live_server, "yenbai")
    phone.goto(f"/clusters/{year.cluster_id}/years/2015/cross-scoring/")
    tasks = phone.get_by_test_id("peer-tasks")
    expect(tasks.locator("tr[data-province]")).to_have_count(2)  # Bắc Kạn and Phú Thọ; never its own
    phone.screenshot(path=str(_shots() / "cross-scoring-0-phone-list.png"), full_page=True)
    tasks.locator('tr[data-province="Bắc Kạn"]').get_by_role("link", name="Chấm chéo").click()
    expect(phone.get_by_text("Điểm chấm chéo của các thành viên khác được ẩn")).to_be_visible()
    expect(phone.get_by_text("Chưa đạt kế hoạch GRDP")).to_have_count(0)  # Bắc Giang's: hidden for now
    for c in leaves:
        value = "8" if c.kind == "target" else ("0" if c.kind in ("bonus", "deduction") else "4")
        phone.get_by_label(f"Điểm của tỉnh bạn {c.code}", exact=True).fill(value)
    phone.get_by_label("Điểm của tỉnh bạn A1", exact=True).fill("12")
    phone.get_by_label("Điểm của tỉnh bạn A2", exact=True).fill("3")
    phone.get_by_role("button", name="Lưu nháp").click()
    # Both refusals at once, each next to its input: over the maximum, and a difference without its reason.
    expect(phone.get_by_test_id("error-summary")).to_contain_text("2 giá trị bị từ chối")
    expect(phone.locator('tr[data-criterion="A1"]')).to_contain_text("không được vượt quá điểm tối đa 10,00")
    expect(phone.locator('tr[data-criterion="A2"]')).to_contain_text("Hãy nêu lý do")
    expect(phone.get_by_label("Điểm của tỉnh bạn A1", exact=True)).to_have_value("12")
    expect(phone.get_by_label("Điểm của tỉnh bạn A2", exact=True)).to_have_value("3")
    box = phone.locator('tr[data-criterion="A2"]').bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]  # a card, not a wide row
    phone.screenshot(path=str(_shots() / "cross-scoring-1-phone-refused.png"), full_page=True)
    phone.get_by_label("Điểm của tỉnh bạn A1", exact=True).fill("4")
    assert not PeerReview.objects.filter(scorer__code="15", scores__isnull=False).exists()

    phone.get_by_label("Lý do chấm khác A2", exact=True).fill("Thu ngân sách chưa đạt dự toán")
    phone.get_by_role("button", name="Lưu và nộp").click()
    expect(phone.get_by_role("heading", name="Nộp bản chấm chéo bảng điểm của Bắc Kạn")).to_be_visible()
    phone.get_by_role("button", name="Xác nhận").click()
    expect(phone.get_by_test_id("peer-submitted")).to_be_visible()
    expect(phone.locator('tr[data-criterion="A1"]').get_by_test_id("other-cross-scores")).to_contain_text(
        "Chưa đạt kế hoạch GRDP"
    )
    phone.screenshot(path=str(_shots() / "cross-scoring-2-phone-submitted.png"), full_page=True)
    phone.context.close()

    # 2. The chair on a laptop: every cross-score, the wide spread flagged, the agreement.
    login("bacgiang", DEMO_PASSWORD)
    page.goto(f"/clusters/{year.cluster_id}/years/2015/cross-scoring/")
    expect(page.get_by_test_id("peer-progress").locator('tr[data-province="Bắc Kạn"]')).to_contain_text("2 / 6")
    # Its own cross-scoring of Bắc Kạn is submitted: to open, not to score again.
    expect(page.get_by_test_id("peer-tasks").locator('tr[data-province="Bắc Kạn"]').get_by_role("link")).to_have_text(
        "Mở"
    )
    screenshot("cross-scoring-2b-chair-list")
    page.get_by_test_id("peer-progress").locator('tr[data-province="Bắc Kạn"]').get_by_role("link").click()
    table = page.get_by_test_id("peer-results")
    expect(table.locator('tr[data-criterion="A1"]').get_by_test_id("spread-flag")).to_be_visible()  # 4 − 1 = 3 > 2
    expect(table.locator('tr[data-criterion="A1"]').get_by_test_id("rule-value")).to_have_text("2,50")
    screenshot("cross-scoring-3-chair")
    page.get_by_test_id("aggregate").click()
    expect(page.get_by_text("điểm thống nhất của Bắc Kạn được tính từ kết quả chấm chéo")).to_be_visible()
    a1 = Score.objects.get(scorecard=backan, criterion__code="A1")
    assert (a1.agreed_score, a1.agreed_source, a1.peer_spread_flagged) == (Decimal("2.50"), AgreedSource.PEER, True)
    page.get_by_role("button", name="Đăng xuất").click()

    # 3. Bắc Kạn reads the differing cross-scores, the scorers unnamed, and explains A1.
    login("backan", DEMO_PASSWORD)
    page.goto(f"/scorecards/{backan.pk}/")
    given = page.locator('tr[data-criterion="A1"]').get_by_test_id("given-cross-scores")
    expect(given).to_contain_text("Chưa đạt kế hoạch GRDP")
    expect(given).to_contain_text("Thành viên 1")
    expect(given).not_to_contain_text("Bắc Giang")
    page.get_by_label("Giải trình A1", exact=True).fill("GRDP đạt 7,2%, vượt kế hoạch (báo cáo Cục Thống kê)")
    page.locator('tr[data-criterion="A1"]').get_by_role("button", name="Gửi giải trình").click()
    expect(page.locator('tr[data-criterion="A1"]').get_by_test_id("explanation-text")).to_contain_text("GRDP đạt 7,2%")
    screenshot("cross-scoring-4-explained")
    page.goto(f"/clusters/{year.cluster_id}/years/2015/scoreboard/")
    expect(page.get_by_test_id("agreed-by")).to_contain_text("theo kết quả chấm chéo của các thành viên")
    screenshot("cross-scoring-5-scoreboard")
    # The chair's table of cross-scores on a phone: it scrolls sideways inside its frame.
    chair_phone = _signed_in_phone(browser, live_server, "bacgiang")
    chair_phone.goto(f"/scorecards/{backan.pk}/cross-scores/")
    expect(chair_phone.get_by_test_id("peer-results")).to_be_visible()
    assert chair_phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # the page itself does not
    tabs = chair_phone.get_by_test_id("scorecard-tabs").bounding_box()
    assert tabs["height"] < 60  # the scorecard's tabs stay one row (they scroll sideways)
    chair_phone.screenshot(path=str(_shots() / "cross-scoring-6-phone-chair.png"), full_page=True)
    chair_phone.context.close()


def _signed_in_phone(browser, live_server, username):
    """A page of a new phone-sized browser, signed in as `username`."""
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", viewport=PHONE, is_mobile=True)
    phone = context.new_page()
    sign_in(phone, username, DEMO_PASSWORD)
    return phone


def _shots():
    from tests.e2e.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
