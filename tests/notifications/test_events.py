"""What a person must react to reaches them: in the inbox and by e-mail, received here by a real
SMTP server, in Vietnamese, with links to the page to open."""

import datetime
import zoneinfo
from decimal import Decimal as D

import pytest
from django.db import transaction
from django.urls import reverse

from common import events
from notifications.enums import EmailStatus, NotificationKind
from notifications.models import Notification
from scoring import services as scoring
from scoring.models import Criterion
from tests.notifications.conftest import SITE_URL
from tests.scoring.test_services import card, fill_all, leaves

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def announce(signal, **kwargs):
    """Send an event as its service does: inside a transaction, which then commits."""
    with transaction.atomic():
        signal.send(sender=None, **kwargs)


def inbox(username):
    return list(Notification.objects.filter(recipient__username=username).order_by("pk"))


@pytest.fixture
def submitted(scoring_demo, demo_user, with_addresses):
    """Bắc Kạn's 2015 scorecard filled and submitted (the chair of 2015 is Bắc Giang)."""
    with_addresses()
    fill_all(card(2015, "06"), demo_user("backan"))
    scoring.scorecard_submit(scorecard=card(2015, "06"), user=demo_user("backan"))
    return card(2015, "06")


def test_a_submitted_scorecard_reaches_the_chairs_staff(smtp, submitted):
    (mail,) = smtp.to("bacgiang@thidua.test")
    assert smtp.subject(mail) == "[Cụm thi đua] Bắc Kạn đã gửi bảng điểm năm 2015"
    assert mail["From"] == "Cụm thi đua <thidua@example.gov.vn>"
    text = smtp.text(mail)
    assert "Hãy rà soát, thống nhất điểm hoặc trả lại bảng điểm kèm lý do." in text
    assert f"{SITE_URL}{reverse('scoring:cross_check', args=[submitted.pk])}" in text
    assert f"{SITE_URL}{reverse('notifications:preferences')}" in text
    # Nobody else is told: not the province itself, not the other members.
    assert [rcpts for rcpts, _m in smtp.messages] == [["bacgiang@thidua.test"]]
    (entry,) = inbox("bacgiang")
    assert (entry.kind, entry.email_status, entry.read_at) == (NotificationKind.SCORECARD_SUBMITTED, "sent", None)
    assert entry.emailed_at is not None


def test_a_returned_scorecard_reaches_the_province_with_its_reason(smtp, submitted, demo_user):
    scoring.scorecard_return(scorecard=submitted, user=demo_user("bacgiang"), reason="Thiếu minh chứng B2")
    (mail,) = smtp.to("backan@thidua.test")
    assert smtp.subject(mail) == "[Cụm thi đua] Bảng điểm năm 2015 của tỉnh đã bị trả lại"
    text = smtp.text(mail)
    assert "Lý do: Thiếu minh chứng B2" in text
    assert f"{SITE_URL}{reverse('scoring:scorecard', args=[submitted.pk])}" in text


def test_a_changed_score_reaches_the_province_with_the_old_and_new_score_and_the_reason(smtp, submitted, demo_user):
    crit = leaves(2015)
    entries = {c.pk: ("0" if code in ("E1", "E2") else "1", "") for code, c in crit.items()}
    entries[crit["B4"].pk] = ("0", "")  # a target criterion: the typed 1 % is under its floor, 0 points
    entries[crit["A1"].pk] = ("0,5", "Số liệu chưa được thống kê xác nhận")
    scoring.scorecard_save_agreed(
        scorecard=submitted, user=demo_user("bacgiang"), version=submitted.version, entries=entries
    )
    # Two e-mails: the changed score, and the request to explain it (giải trình).
    mail, asked = smtp.to("backan@thidua.test")
    assert smtp.subject(mail) == "[Cụm thi đua] Điểm trong bảng điểm năm 2015 của tỉnh đã được điều chỉnh"
    assert "A1: 1 → 0,5. Lý do: Số liệu chưa được thống kê xác nhận" in smtp.text(mail)
    assert "A1" in smtp.subject(asked) and "Số liệu chưa được thống kê xác nhận" in smtp.text(asked)
    # Agreeing the unchanged scores again changes nothing and tells nobody.
    scoring.scorecard_save_agreed(
        scorecard=card(2015, "06"), user=demo_user("bacgiang"), version=card(2015, "06").version, entries=entries
    )
    assert len(smtp.to("backan@thidua.test")) == 2


def test_a_refused_change_announces_nothing(smtp, scoring_demo, demo_user, with_addresses):
    with_addresses()
    with pytest.raises(Exception, match="chưa"):
        scoring.scorecard_submit(scorecard=card(2015, "06"), user=demo_user("backan"))
    assert smtp.messages == [] and not Notification.objects.exists()


def test_a_change_rolled_back_by_its_caller_announces_nothing(smtp, submitted, demo_user):
    before = Notification.objects.count()

    def return_then_fail():
        with transaction.atomic():
            scoring.scorecard_return(scorecard=submitted, user=demo_user("bacgiang"), reason="Thiếu")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        return_then_fail()
    assert Notification.objects.count() == before and smtp.to("backan@thidua.test") == []


def test_locking_the_scoring_tells_every_member(smtp, year_2015, with_addresses):
    from cluster.models import EmulationYear

    with_addresses()
    year = EmulationYear.objects.get(year=2015)
    announce(events.scoring_locked, emulation_year=year, user=None)
    members = set(year.memberships.values_list("province__staff__email", flat=True))
    assert {r for rcpts, _m in smtp.messages for r in rcpts} == members
    mail = smtp.to("yenbai@thidua.test")[0]
    assert smtp.subject(mail) == "[Cụm thi đua] Việc chấm điểm năm 2015 đã được khóa"
    assert f"{SITE_URL}{reverse('scoring:scoreboard', args=[year.cluster_id, 2015])}" in smtp.text(mail)


def test_the_meeting_set_reaches_every_member_once_per_time_and_place(smtp, full_demo, with_addresses):
    from awards import services as awards
    from cluster.models import EmulationYear
    from provinces.models import Province

    with_addresses()
    year = EmulationYear.objects.get(year=2015)
    fields = {
        "starts_at": datetime.datetime(2016, 3, 10, 8, 30, tzinfo=HCM),
        "place": "Hội trường UBND tỉnh Bắc Giang",
        "host_province": Province.objects.get(code="24"),
        "presiding_name": "Nguyễn Văn Linh",
        "secretary_name": "Trần Thị Hoa",
    }
    awards.meeting_save(emulation_year=year, **fields)
    mail = smtp.to("hoabinh@thidua.test")[0]
    assert (
        smtp.subject(mail) == "[Cụm thi đua] Hội nghị bình xét năm 2015: 10/03/2016 tại Hội trường UBND tỉnh Bắc Giang"
    )
    text = smtp.text(mail)
    assert "Bắt đầu lúc 08:30 ngày 10/03/2016, tại Hội trường UBND tỉnh Bắc Giang (đơn vị đăng cai: Bắc Giang)." in text
    assert f"{SITE_URL}{reverse('awards:console', args=[year.cluster_id, 2015])}" in text
    assert len(smtp.messages) == 7
    awards.meeting_save(emulation_year=year, **{**fields, "secretary_name": "Lê Văn Nam"})
    assert len(smtp.messages) == 7  # the same time and place: nothing new to tell
    awards.meeting_save(
        emulation_year=year, **{**fields, "starts_at": fields["starts_at"] + datetime.timedelta(days=1)}
    )
    assert len(smtp.messages) == 14


def test_a_document_ready_reaches_who_asked_for_it(smtp, demo_2014, demo_user, monkeypatch, with_addresses):
    from reports import services as reports
    from reports.enums import DocumentKind

    monkeypatch.setattr(reports, "render_pdf_document", lambda html: (b"%PDF-1.4", 1, {}))
    monkeypatch.setattr(reports, "render_docx", lambda html: b"PK")
    with_addresses()
    report = reports.report_request(
        kind=DocumentKind.MINUTES, emulation_year=demo_2014.years.get(year=2014), user=demo_user("phutho")
    )
    (mail,) = smtp.to("phutho@thidua.test")
    assert smtp.subject(mail).startswith("[Cụm thi đua] Văn bản đã sẵn sàng: Biên bản hội nghị")
    assert f"{SITE_URL}{reverse('reports:report', args=[report.pk])}" in smtp.text(mail)
    assert len(smtp.messages) == 1
    reports.report_render(report_id=report.pk)  # a redelivered render: nothing new
    assert len(smtp.messages) == 1


def test_an_explanation_asked_and_answered(smtp, submitted, demo_user):
    criterion = Criterion.objects.get(section__emulation_year__year=2015, code="A1")
    announce(
        events.explanation_requested,
        scorecard=submitted,
        criterion=criterion,
        text="Đề nghị làm rõ số liệu A1",
        key="7",
    )
    announce(
        events.explanation_answered,
        scorecard=submitted,
        criterion=criterion,
        text="Số liệu theo báo cáo của Cục Thống kê",
        key="7",
    )
    (asked,) = smtp.to("backan@thidua.test")
    assert smtp.subject(asked) == "[Cụm thi đua] Đề nghị giải trình tiêu chí A1 trong bảng điểm năm 2015"
    assert "Đề nghị làm rõ số liệu A1" in smtp.text(asked)
    answered = smtp.to("bacgiang@thidua.test")[-1]
    assert smtp.subject(answered) == "[Cụm thi đua] Bắc Kạn đã giải trình tiêu chí A1"
    assert f"{SITE_URL}{reverse('scoring:cross_check', args=[submitted.pk])}" in smtp.text(answered)


def test_email_off_keeps_the_inbox_only(smtp, scoring_demo, demo_user, with_addresses):
    from notifications import services

    with_addresses()
    services.preference_save(user=demo_user("bacgiang"), email_enabled=False)
    fill_all(card(2015, "06"), demo_user("backan"))
    scoring.scorecard_submit(scorecard=card(2015, "06"), user=demo_user("backan"))
    assert smtp.messages == []
    (entry,) = inbox("bacgiang")
    assert entry.email_status == EmailStatus.OFF and entry.title == "Bắc Kạn đã gửi bảng điểm năm 2015"


def test_a_refused_address_is_recorded_and_the_others_still_get_theirs(smtp, year_2015, with_addresses):
    from cluster.models import EmulationYear

    with_addresses()
    smtp.refused.add("hoabinh@thidua.test")
    year = EmulationYear.objects.get(year=2015)
    announce(events.scoring_locked, emulation_year=year, user=None)
    assert smtp.to("hoabinh@thidua.test") == []
    assert len(smtp.messages) == 6  # the six other members
    (refused,) = inbox("hoabinh")
    assert refused.email_status == EmailStatus.FAILED and refused.emailed_at is None
    assert "Máy chủ thư từ chối địa chỉ hoabinh@thidua.test (550" in refused.email_error
    assert inbox("yenbai")[0].email_status == EmailStatus.SENT


def test_an_unreachable_mail_server_loses_no_notification(settings, year_2015, with_addresses):
    from cluster.models import EmulationYear
    from tests.notifications.conftest import free_port

    with_addresses()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", free_port(), False
    announce(events.scoring_locked, emulation_year=EmulationYear.objects.get(year=2015), user=None)
    entries = list(Notification.objects.all())
    assert len(entries) == 7
    assert {e.email_status for e in entries} == {EmailStatus.FAILED}
    assert "không trả lời" in entries[0].email_error


def test_sending_twice_sends_nothing_twice(smtp, submitted):
    from notifications import services

    ids = list(Notification.objects.values_list("pk", flat=True))
    assert services.notifications_email(notification_ids=ids) == {"sent": 0, "failed": 0}
    assert len(smtp.messages) == 1


def test_a_score_has_its_decimal_comma():
    from notifications.receivers import number

    assert [number(D("0.50")), number(D("10.00")), number(D("7.25")), number(None)] == ["0,5", "10", "7,25", "—"]


def test_emails_whose_task_was_lost_go_out_with_the_next_scheduled_run(smtp, year_2015, with_addresses, monkeypatch):
    """The broker refused the task (or the worker died mid-way): the entries wait, nothing is lost,
    and the scheduled sweep sends each e-mail once."""
    import datetime as dt

    from cluster.models import EmulationYear
    from notifications import services, tasks

    with_addresses()

    def broker_down(*args, **kwargs):
        raise OSError("Connection refused")

    monkeypatch.setattr(tasks.send_emails, "apply_async", broker_down)
    announce(events.scoring_locked, emulation_year=EmulationYear.objects.get(year=2015), user=None)
    assert smtp.messages == []
    assert set(Notification.objects.values_list("email_status", flat=True)) == {EmailStatus.PENDING}
    monkeypatch.undo()
    # One e-mail claimed by a worker that died a while ago.
    lost = Notification.objects.filter(recipient__username="yenbai").get()
    Notification.objects.filter(pk=lost.pk).update(
        email_status=EmailStatus.SENDING, email_claim="dead", email_attempted_at=lost.created_at
    )
    Notification.objects.update(created_at=lost.created_at - dt.timedelta(minutes=20))
    Notification.objects.filter(pk=lost.pk).update(email_attempted_at=lost.created_at - dt.timedelta(minutes=20))
    assert services.notifications_email_pending() == 7
    assert services.notifications_email_pending() == 0
    assert len(smtp.messages) == 7 and len(smtp.to("yenbai@thidua.test")) == 1
    assert set(Notification.objects.values_list("email_status", flat=True)) == {EmailStatus.SENT}
