"""The inbox in the browser: the badge counts what waits, opening an entry goes to its page,
marking all read empties the badge, the e-mail setting is kept; both pages pass axe."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from notifications import services
from notifications.enums import NotificationKind
from tests.e2e.test_accessibility import Audit, page, url  # noqa: F401 (page: axe may run)

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_inbox_journey(page, login, demo, screenshot):  # noqa: F811 (the audited page)
    backan = get_user_model().objects.get(username="backan")
    services.notify(
        users=[backan],
        kind=NotificationKind.SCORECARD_RETURNED,
        title="Bảng điểm năm 2015 của tỉnh đã bị trả lại",
        body="Lý do: Thiếu minh chứng B2\nHãy chỉnh sửa và gửi lại.",
        link=url("cluster:home"),
        dedupe_key="e2e-1",
    )
    services.notify(
        users=[backan],
        kind=NotificationKind.DEADLINE_NEAR,
        title="Tự chấm điểm (2015): ngày mai, 15/12/2015, là hạn chót",
        body="Bảng điểm của tỉnh chưa được gửi: hãy hoàn thiện và gửi bảng điểm.",
        dedupe_key="e2e-2",
    )
    login("backan", "thidua2015")
    badge = page.get_by_test_id("notifications-badge")
    expect(badge).to_contain_text("2")
    badge.click()
    audit = Audit(page)
    audit.check("inbox")
    expect(page.get_by_test_id("notification")).to_have_count(2)
    screenshot("notifications-inbox")
    page.get_by_role("button", name="Mở trang").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("notifications-badge")).to_contain_text("1")
    page.goto(url("notifications:inbox"))
    page.get_by_test_id("mark-all-read").click()
    expect(page.get_by_role("alert")).to_contain_text("Đã đánh dấu mọi thông báo là đã đọc.")
    expect(page.get_by_test_id("notifications-badge")).not_to_contain_text("1")
    page.get_by_role("link", name="Cài đặt thư điện tử").click()
    audit.check("preferences")
    page.get_by_label("Gửi cho tôi cả thư điện tử").uncheck()
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("alert")).to_contain_text("Bạn sẽ không nhận thư điện tử nữa")
    expect(page.get_by_label("Gửi cho tôi cả thư điện tử")).not_to_be_checked()
    screenshot("notifications-preferences")
    audit.assert_clean()
