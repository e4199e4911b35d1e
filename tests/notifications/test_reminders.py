"""Reminders 7 days before each deadline, the day before and on the day, to the people who must
act; the job run twice sends nothing twice; its queries do not grow with the data."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cluster.enums import DeadlineKey
from cluster.models import EmulationYear, YearDeadline
from notifications.models import Notification
from notifications.reminders import reminders_send
from scoring import services as scoring
from tests.notifications.builders import build_clusters
from tests.notifications.conftest import SITE_URL
from tests.scoring.test_services import card, fill_all

DEADLINE = datetime.date(2015, 12, 15)
DAY = datetime.timedelta(days=1)
STAFF_2015 = {"bacgiang", "backan", "hoabinh", "phutho", "thainguyen", "tuyenquang", "yenbai"}


@pytest.fixture
def year(scoring_demo, with_addresses):
    with_addresses()
    return EmulationYear.objects.get(year=2015)


def set_deadline(year, key, day):
    """Only this deadline of the year falls on `day`; the others are months away."""
    YearDeadline.objects.filter(emulation_year=year).exclude(key=key).update(closes_on=day + 100 * DAY, opens_on=None)
    if key == DeadlineKey.DOSSIER:
        year.rule_set.dossier_deadline = day
        year.rule_set.save(update_fields=["dossier_deadline"])
    else:
        YearDeadline.objects.update_or_create(
            emulation_year=year, key=key, defaults={"closes_on": day, "opens_on": None}
        )


def recipients(smtp):
    return sorted(address.split("@")[0] for rcpts, _m in smtp.messages for address in rcpts)


def test_self_scoring_reminds_the_members_not_submitted_7_days_before_the_day_before_and_on_the_day(
    smtp, year, demo_user
):
    set_deadline(year, DeadlineKey.SELF_SCORING, DEADLINE)
    fill_all(card(2015, "06"), demo_user("backan"))
    scoring.scorecard_submit(scorecard=card(2015, "06"), user=demo_user("backan"))
    smtp.messages.clear()  # the chair's "submitted" e-mail
    days = {7: [], 6: [], 1: [], 0: []}
    for before in days:
        reminders_send(today=DEADLINE - before * DAY)
        days[before] = recipients(smtp)
        smtp.messages.clear()
    expected = sorted(STAFF_2015 - {"backan"})  # Bắc Kạn has submitted
    assert days == {7: expected, 6: [], 1: expected, 0: expected}


def test_the_reminder_says_in_vietnamese_what_to_do_by_when_and_links_to_the_page(smtp, year):
    set_deadline(year, DeadlineKey.SELF_SCORING, DEADLINE)
    reminders_send(today=DEADLINE - 7 * DAY)
    reminders_send(today=DEADLINE - DAY)
    reminders_send(today=DEADLINE)
    subjects = [smtp.subject(m) for m in smtp.to("yenbai@thidua.test")]
    assert subjects == [
        "[Cụm thi đua] Tự chấm điểm (2015): còn 7 ngày, hạn chót là 15/12/2015",
        "[Cụm thi đua] Tự chấm điểm (2015): ngày mai, 15/12/2015, là hạn chót",
        "[Cụm thi đua] Tự chấm điểm (2015): hôm nay, 15/12/2015, là hạn chót",
    ]
    text = smtp.text(smtp.to("yenbai@thidua.test")[0])
    assert "Bảng điểm của tỉnh chưa được gửi: hãy hoàn thiện và gửi bảng điểm." in text
    assert f"{SITE_URL}{reverse('scoring:scorecards', args=[year.cluster_id, 2015])}" in text


def test_running_the_job_twice_sends_nothing_twice(smtp, year):
    set_deadline(year, DeadlineKey.REVIEW_CONFERENCE, DEADLINE)
    first = reminders_send(today=DEADLINE - DAY)
    second = reminders_send(today=DEADLINE - DAY)
    assert (first["notifications"], second["notifications"]) == (7, 0)
    assert recipients(smtp) == sorted(STAFF_2015)
    assert Notification.objects.count() == 7


def test_two_deadlines_due_the_same_day_come_in_one_email(smtp, year):
    set_deadline(year, DeadlineKey.REVIEW_CONFERENCE, DEADLINE)
    set_deadline(year, DeadlineKey.DOSSIER, DEADLINE)
    YearDeadline.objects.filter(emulation_year=year, key=DeadlineKey.REVIEW_CONFERENCE).update(closes_on=DEADLINE)
    reminders_send(today=DEADLINE - DAY)
    (mail,) = smtp.to("bacgiang@thidua.test")  # the chair: both deadlines
    assert smtp.subject(mail) == (
        "[Cụm thi đua] 2 thông báo: Hội nghị tổng kết (2015): ngày mai, 15/12/2015, là hạn chót; …"
    )
    text = smtp.text(mail)
    assert "Hồ sơ đề nghị khen thưởng (2015): ngày mai, 15/12/2015, là hạn chót" in text
    assert "Hãy gửi hồ sơ đề nghị khen thưởng về Ban Thi đua - Khen thưởng Trung ương." in text
    assert Notification.objects.filter(recipient__username="bacgiang", email_status="sent").count() == 2
    assert len(smtp.to("yenbai@thidua.test")) == 1  # a member: the conference only


def test_a_deadline_moved_reminds_again_for_its_new_date(smtp, year):
    set_deadline(year, DeadlineKey.REVIEW_CONFERENCE, DEADLINE)
    reminders_send(today=DEADLINE)
    set_deadline(year, DeadlineKey.REVIEW_CONFERENCE, DEADLINE + DAY)
    reminders_send(today=DEADLINE)
    assert len(smtp.to("phutho@thidua.test")) == 2


@pytest.mark.parametrize(
    ("key", "who"),
    [
        (DeadlineKey.APPRAISAL, ["bacgiang"]),  # the chair of 2015
        (DeadlineKey.DOSSIER, ["bacgiang"]),
        (DeadlineKey.PREPARATORY_MEETING, sorted(STAFF_2015)),
        (DeadlineKey.REVIEW_CONFERENCE, sorted(STAFF_2015)),
        (DeadlineKey.EXPLANATIONS, []),  # no score changed yet: nobody has to explain
    ],
)
def test_each_deadline_reminds_the_people_responsible(smtp, year, key, who):
    set_deadline(year, key, DEADLINE)
    reminders_send(today=DEADLINE)
    assert recipients(smtp) == who


def test_the_explanations_remind_the_province_whose_score_was_changed(smtp, year, demo_user):
    from tests.scoring.test_services import leaves

    fill_all(card(2015, "06"), demo_user("backan"))
    scoring.scorecard_submit(scorecard=card(2015, "06"), user=demo_user("backan"))
    crit = leaves(2015)
    entries = {crit["A1"].pk: ("0,5", "Chưa có số liệu thống kê")}
    submitted = card(2015, "06")
    scoring.scorecard_save_agreed(
        scorecard=submitted, user=demo_user("bacgiang"), version=submitted.version, entries=entries
    )
    smtp.messages.clear()
    set_deadline(year, DeadlineKey.EXPLANATIONS, DEADLINE)
    reminders_send(today=DEADLINE)
    assert recipients(smtp) == ["backan"]


def test_no_reminder_about_the_scoring_once_it_is_locked(smtp, year_2015, with_addresses):
    with_addresses()
    year = EmulationYear.objects.get(year=2015)
    set_deadline(year, DeadlineKey.APPRAISAL, DEADLINE)
    reminders_send(today=DEADLINE)
    assert smtp.messages == []


def test_the_command_runs_the_job_for_a_day_given_in_vietnamese_order(smtp, year, capsys):
    set_deadline(year, DeadlineKey.REVIEW_CONFERENCE, DEADLINE)
    call_command("send_reminders", "--today", "14/12/2015")
    call_command("send_reminders", "--today", "14/12/2015")
    assert capsys.readouterr().out.splitlines() == [
        "14/12/2015: 1 deadline(s) due for a reminder, 7 notification(s) sent",
        "14/12/2015: 1 deadline(s) due for a reminder, 0 notification(s) sent",
    ]
    assert len(smtp.messages) == 7
    with pytest.raises(CommandError, match=r"Ngày không hợp lệ: '2015-12-14'\. Hãy ghi theo dạng dd/mm/yyyy"):
        call_command("send_reminders", "--today", "2015-12-14")


def test_the_celery_task_calls_the_same_job(smtp, year, settings):
    from notifications.tasks import send_reminders

    set_deadline(year, DeadlineKey.REVIEW_CONFERENCE, DEADLINE)
    assert send_reminders.delay(today=DEADLINE.isoformat()).get() == {"deadlines": 1, "notifications": 7}
    assert settings.CELERY_BEAT_SCHEDULE["send-reminders"]["task"] == "notifications.tasks.send_reminders"


def test_email_off_means_the_inbox_only(smtp, year, demo_user):
    from notifications import services

    services.preference_save(user=demo_user("yenbai"), email_enabled=False)
    set_deadline(year, DeadlineKey.REVIEW_CONFERENCE, DEADLINE)
    reminders_send(today=DEADLINE)
    assert "yenbai" not in recipients(smtp) and len(smtp.messages) == 6
    assert Notification.objects.filter(recipient__username="yenbai", email_status="off").count() == 1


def test_the_job_makes_the_same_number_of_queries_at_two_sizes(db, monkeypatch):
    """The same reads whatever the number of clusters and people; only the multi-row INSERTs of
    the notifications come in more batches. (The e-mails go out in tasks of EMAIL_BATCH ids, a
    claim, a read and an update each: left out here.)"""
    from notifications import services

    queued = []
    monkeypatch.setattr(services, "_queue_emails", queued.extend)
    today = datetime.date(2025, 12, 15)
    build_clusters(count=2, today=today, year=2025, staff_per_member=1, prefix="Nhỏ")
    with CaptureQueriesContext(connection) as small:
        small_result = reminders_send(today=today)
    Notification.objects.all().delete()
    build_clusters(count=8, today=today, year=2026, staff_per_member=2, seed=7, prefix="Lớn")
    with CaptureQueriesContext(connection) as large:
        large_result = reminders_send(today=today)
    assert large_result["notifications"] > 4 * small_result["notifications"] > 0
    assert len(queued) == small_result["notifications"] + large_result["notifications"]

    def reads(context):
        return [q["sql"] for q in context.captured_queries if not q["sql"].startswith("INSERT")]

    assert len(reads(large)) == len(reads(small)), reads(large)
    assert len(large.captured_queries) < large_result["notifications"] / 10
