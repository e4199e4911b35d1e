"""The inbox page, its badge in the navbar, marking read, and the e-mail setting: each person sees
and changes only their own."""

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications import services
from notifications.enums import NotificationKind
from notifications.models import Notification, Preference


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def entries(demo, demo_user):
    """Two notifications for Bắc Kạn's staff, one for Yên Bái's."""
    backan, yenbai = demo_user("backan"), demo_user("yenbai")
    services.notify(
        users=[backan],
        kind=NotificationKind.SCORECARD_RETURNED,
        title="Bảng điểm năm 2015 của tỉnh đã bị trả lại",
        body="Lý do: Thiếu minh chứng B2",
        link=reverse("cluster:home"),
        dedupe_key="t1",
    )
    services.notify(
        users=[backan, yenbai],
        kind=NotificationKind.SCORING_LOCKED,
        title="Việc chấm điểm năm 2015 đã được khóa",
        link="",
        dedupe_key="t2",
    )
    return {"backan": backan, "yenbai": yenbai}


def test_the_inbox_shows_ones_own_notifications_newest_first_and_the_badge_counts_them(entries):
    page = client_of(entries["backan"]).get(reverse("notifications:inbox")).content.decode()
    assert page.index("Việc chấm điểm năm 2015 đã được khóa") < page.index("Bảng điểm năm 2015 của tỉnh đã bị trả lại")
    assert "Lý do: Thiếu minh chứng B2" in page
    assert 'data-testid="notifications-badge"' in page and '>2<span class="visually-hidden">' in page
    other = client_of(entries["yenbai"]).get(reverse("notifications:inbox")).content.decode()
    assert "Việc chấm điểm năm 2015 đã được khóa" in other and "bị trả lại" not in other


def test_opening_a_notification_marks_it_read_and_follows_its_link(entries):
    client = client_of(entries["backan"])
    returned = Notification.objects.get(recipient=entries["backan"], dedupe_key="t1")
    response = client.post(reverse("notifications:mark_read", args=[returned.pk]), {"next": "link"})
    assert response["Location"] == reverse("cluster:home")
    returned.refresh_from_db()
    assert returned.read_at is not None
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert '>1<span class="visually-hidden">' in page  # one left unread


def test_mark_all_read_clears_the_badge(entries):
    client = client_of(entries["backan"])
    response = client.post(reverse("notifications:mark_all_read"), follow=True)
    page = response.content.decode()
    assert "Đã đánh dấu mọi thông báo là đã đọc." in page
    assert 'visually-hidden"> chưa đọc' not in page
    assert Notification.objects.filter(recipient=entries["backan"], read_at__isnull=True).count() == 0
    # Yên Bái's stays unread.
    assert Notification.objects.filter(recipient=entries["yenbai"], read_at__isnull=True).count() == 1


def test_nobody_reads_or_marks_another_persons_notification(entries):
    theirs = Notification.objects.get(recipient=entries["backan"], dedupe_key="t1")
    client = client_of(entries["yenbai"])
    assert client.post(reverse("notifications:mark_read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert "bị trả lại" not in client.get(reverse("notifications:inbox")).content.decode()


def test_the_inbox_needs_a_login(demo):
    response = Client().get(reverse("notifications:inbox"))
    assert response["Location"].startswith(reverse("login"))


def test_turning_email_off_is_kept_and_said(demo, demo_user):
    user = demo_user("backan")
    user.email = "backan@thidua.test"
    user.save(update_fields=["email"])
    client = client_of(user)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "Gửi cho tôi cả thư điện tử" in page and "checked" in page
    response = client.post(reverse("notifications:preferences"), {}, follow=True)
    assert "Bạn sẽ không nhận thư điện tử nữa: thông báo vẫn có trong hộp thông báo." in response.content.decode()
    assert Preference.objects.get(user=user).email_enabled is False
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert "Bạn đã chọn không nhận thư điện tử: thông báo chỉ có ở đây." in inbox
    assert "Mỗi thông báo cũng được gửi cho bạn qua thư điện tử." not in inbox


def test_a_refused_address_is_shown_in_the_inbox_in_vietnamese(smtp, demo, demo_user):
    user = demo_user("backan")
    user.email = "khong-ton-tai@thidua.test"
    user.save(update_fields=["email"])
    smtp.refused.add(user.email)
    with transaction.atomic():
        services.notify(users=[user], kind=NotificationKind.MEETING_SET, title="Hội nghị bình xét", dedupe_key="m1")
    page = client_of(user).get(reverse("notifications:inbox")).content.decode()
    assert "Hội nghị bình xét" in page
    assert "Máy chủ thư từ chối địa chỉ khong-ton-tai@thidua.test (550" in page
    assert "Đề nghị quản trị viên sửa địa chỉ thư điện tử của tài khoản." in page


def test_the_inbox_makes_the_same_number_of_queries_at_two_sizes(demo, demo_user):
    user = demo_user("backan")
    client = client_of(user)
    counts = []
    for size in (3, 40):
        services.notify_many(
            messages=[
                services.Message(
                    user=user,
                    kind=NotificationKind.DEADLINE_NEAR,
                    title=f"Nhắc hạn {i}",
                    body="",
                    link="",
                    dedupe_key=f"{size}-{i}",
                )
                for i in range(size)
            ]
        )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("notifications:inbox")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
