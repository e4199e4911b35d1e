"""Printing a page prints its content on A4: no navigation, no buttons, no year switch, links
as their text, and the wide tables (scoreboard, scorecard) within the 190 mm between the
margins. Chromium prints the pages to PDF as a user's "Print" would."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cluster.demo import DEMO_PASSWORD
from scoring.models import Scorecard
from tests.reports.pdfcheck import page_sizes, pdf_text

from .conftest import SCREENSHOTS

pytestmark = pytest.mark.django_db(transaction=True)

#: 190 mm (A4's 210 mm less two 10 mm margins) in CSS pixels (96 per inch).
PRINTABLE_WIDTH = round(190 / 25.4 * 96)


def printed(page, address, name):
    """The page at `address` laid out for print at A4's printable width; its PDF's text."""
    page.set_viewport_size({"width": PRINTABLE_WIDTH, "height": 1000})
    page.emulate_media(media="screen")
    page.goto(address)
    expect(page.locator("nav.app-navbar")).to_be_visible()  # on screen, the navbar
    page.emulate_media(media="print")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"print-{name}.png"), full_page=True)
    data = page.pdf(format="A4", print_background=True)
    assert set(page_sizes(data)) == {(210, 297)}
    return pdf_text(data)


def assert_fits(page, selector):
    table = page.locator(selector).first
    expect(table).to_be_visible()
    box = table.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PRINTABLE_WIDTH + 1, f"{selector} is {box} wide"
    overflow = table.evaluate("t => t.scrollWidth - t.clientWidth")
    assert overflow <= 1, f"{selector} overflows by {overflow}px"
    assert page.evaluate("document.documentElement.scrollWidth") <= PRINTABLE_WIDTH


def test_the_scoreboard_and_a_scorecard_print_on_a4_without_navigation(page, login, full_demo):
    login("phutho", DEMO_PASSWORD)

    text = printed(page, reverse("scoring:scoreboard", kwargs={"cluster_id": full_demo.pk, "year": 2014}), "scoreboard")
    for hidden in ("navigation", "button"):
        for element in page.get_by_role(hidden).all():
            assert not element.is_visible(), f"a {hidden} prints: {element.text_content()}"
    expect(page.get_by_role("link", name="Tổng quan")).to_be_hidden()  # the year's tabs
    expect(page.get_by_label("Năm", exact=True)).to_be_hidden()  # the year switch
    assert_fits(page, '[data-testid="scoreboard"]')
    thead = page.locator('[data-testid="scoreboard"] thead').evaluate("e => getComputedStyle(e).display")
    assert thead == "table-header-group"  # repeated on each page
    href_after = page.locator('[data-testid="scoreboard"] a').first.evaluate(
        "a => getComputedStyle(a, '::after').content"
    )
    assert href_after in ("none", "normal", '""')
    assert "Thái Nguyên" in text and "Tổng thống nhất" in text
    for absent in ("Đăng xuất", "Tải bảng điểm Excel", "Tiếng Việt", "English", "Tổng quan", "Phong trào thi đua"):
        assert absent not in text, f"{absent!r} is printed"

    card = Scorecard.objects.get(emulation_year__cluster=full_demo, emulation_year__year=2014, province__code="25")
    text = printed(page, reverse("scoring:scorecard", kwargs={"pk": card.pk}), "scorecard")
    assert_fits(page, "main table")
    assert "A1" in text and "Đăng xuất" not in text
