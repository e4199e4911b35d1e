"""The chair opens the year's calendar from the year's navigation, types a deadline before its
phase opens, reads why it is refused next to the field with everything typed still there,
corrects it and saves; the banner of the year's pages follows. The page passes axe-core."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cluster.demo import DEMO_PASSWORD
from cluster.enums import DeadlineKey
from cluster.models import EmulationYear, YearDeadline

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def page(browser, live_server):
    """A page allowed to run axe (the app's CSP refuses injected scripts)."""
    context = browser.new_context(
        base_url=live_server.url, locale="vi-VN", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def d(days):
    return (timezone.localdate() + datetime.timedelta(days=days)).strftime("%d/%m/%Y")


def test_the_chair_corrects_a_deadline_before_its_opening_and_saves_the_calendar(page, login, demo, screenshot):
    from tests.e2e.test_accessibility import Audit

    year = EmulationYear.objects.get(year=2015)
    today = timezone.localdate()
    for offset, key in enumerate(DeadlineKey.values[:-1]):
        YearDeadline.objects.filter(emulation_year=year, key=key).update(
            opens_on=today + datetime.timedelta(days=10 * offset - 5),
            closes_on=today + datetime.timedelta(days=10 * offset + 4),
        )
    login("bacgiang", DEMO_PASSWORD)
    expect(page.get_by_test_id("year-phase")).to_contain_text("Tự chấm điểm")
    page.get_by_role("link", name="Lịch", exact=True).click()
    expect(page.get_by_role("heading", name="Lịch của năm")).to_be_visible()

    page.get_by_label("Thẩm định, chấm chéo: ngày bắt đầu").fill(d(30))
    page.get_by_label("Thẩm định, chấm chéo: hạn chót").fill(d(25))
    page.get_by_label("Hồ sơ đề nghị khen thưởng: hạn chót").fill(d(200))
    page.get_by_role("button", name="Lưu lịch").click()
    expect(page.get_by_test_id("error-appraisal")).to_contain_text(
        f"Hạn chót ({d(25)}) trước ngày bắt đầu của giai đoạn ({d(30)})"
    )
    expect(page.get_by_label("Thẩm định, chấm chéo: ngày bắt đầu")).to_have_value(d(30))
    expect(page.get_by_label("Hồ sơ đề nghị khen thưởng: hạn chót")).to_have_value(d(200))
    screenshot("calendar-refused")
    audit = Audit(page)
    audit.check("calendar")

    page.get_by_label("Thẩm định, chấm chéo: hạn chót").fill(d(35))
    page.get_by_role("button", name="Lưu lịch").click()
    expect(page.get_by_role("alert")).to_contain_text("Đã lưu lịch của năm.")
    expect(page.get_by_label("Thẩm định, chấm chéo: hạn chót")).to_have_value(d(35))
    expect(page.get_by_label("Hồ sơ đề nghị khen thưởng: hạn chót")).to_have_value(d(200))
    expect(page.get_by_test_id("year-phase")).to_contain_text(re.compile(r"Tự chấm điểm[\s\S]*còn 4 ngày"))
    screenshot("calendar-saved")
    audit.check("calendar")
    audit.assert_clean()
    assert year.rule_set.__class__.objects.get(emulation_year=year).dossier_deadline.strftime("%d/%m/%Y") == d(200)
