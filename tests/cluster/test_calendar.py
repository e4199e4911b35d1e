"""The year's calendar: copied a year on, changed by the chair and admins while not past, shown
on every year page (the current phase, the days left, the late phases) and on the dashboard's
steps (by when), for each role and phase."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cluster import selectors, services
from cluster.enums import DeadlineKey, DeadlineState
from cluster.models import EmulationYear, RuleSet, YearDeadline
from provinces.models import Province


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def year(number):
    return EmulationYear.objects.select_related("cluster", "rule_set").get(year=number)


def today():
    return timezone.localdate()


def days(n):
    return today() + datetime.timedelta(days=n)


def d(value):
    return value.strftime("%d/%m/%Y")


def set_phase(emulation_year, key, opens_on, closes_on):
    """Put a phase where a test needs it, as the data a user would have saved earlier."""
    YearDeadline.objects.update_or_create(
        emulation_year=emulation_year, key=key, defaults={"opens_on": opens_on, "closes_on": closes_on}
    )


def calendar_url(number=2015):
    return reverse("cluster:calendar", args=[year(number).cluster_id, number])


def dashboard_url(number=2015):
    return reverse("cluster:dashboard", args=[year(number).cluster_id, number])


# --- Copied a year on -------------------------------------------------------------------------------


def test_a_new_clusters_first_year_gets_the_default_calendar(small_cluster):
    rows = {row.key: (row.opens_on, row.closes_on) for row in small_cluster["year"].deadlines.all()}
    assert rows == {
        "self_scoring": (datetime.date(2020, 11, 15), datetime.date(2020, 12, 15)),
        "appraisal": (datetime.date(2020, 12, 16), datetime.date(2020, 12, 31)),
        "explanations": (datetime.date(2021, 1, 2), datetime.date(2021, 1, 10)),
        "preparatory_meeting": (datetime.date(2021, 1, 11), datetime.date(2021, 1, 20)),
        "review_conference": (datetime.date(2021, 2, 1), datetime.date(2021, 3, 15)),
    }


def test_the_next_year_starts_with_the_calendar_a_year_later_29_february_becoming_28(small_cluster):
    first = small_cluster["year"]
    set_phase(first, DeadlineKey.EXPLANATIONS, datetime.date(2021, 1, 5), datetime.date(2021, 1, 25))
    set_phase(first, DeadlineKey.REVIEW_CONFERENCE, datetime.date(2021, 2, 20), datetime.date(2021, 3, 1))
    set_phase(first, DeadlineKey.PREPARATORY_MEETING, datetime.date(2020, 2, 29), datetime.date(2021, 1, 30))
    RuleSet.objects.filter(emulation_year=first).update(dossier_deadline=datetime.date(2021, 6, 30))

    second = services.emulation_year_open(
        cluster=small_cluster["cluster"], year=2021, members=[(p, i) for i, p in enumerate(small_cluster["provinces"])]
    )

    rows = {row.key: (row.opens_on, row.closes_on) for row in second.deadlines.all()}
    assert rows["explanations"] == (datetime.date(2022, 1, 5), datetime.date(2022, 1, 25))
    assert rows["review_conference"] == (datetime.date(2022, 2, 20), datetime.date(2022, 3, 1))
    assert rows["preparatory_meeting"] == (datetime.date(2021, 2, 28), datetime.date(2022, 1, 30))
    assert rows["self_scoring"] == (datetime.date(2021, 11, 15), datetime.date(2021, 12, 15))
    # The dossier's deadline is the rule set's, a year on too; the calendar shows it last.
    second = EmulationYear.objects.select_related("rule_set").get(pk=second.pk)
    entries = selectors.calendar_of(second)
    assert [e.key for e in entries][-1] == "dossier"
    assert entries[-1].closes_on == datetime.date(2022, 6, 30)


# --- Changing a deadline -----------------------------------------------------------------------------


@pytest.fixture
def open_2015(demo):
    """2015 with a calendar around today: self-scoring open, the rest to come."""
    emulation_year = year(2015)
    set_phase(emulation_year, DeadlineKey.SELF_SCORING, days(-10), days(5))
    set_phase(emulation_year, DeadlineKey.APPRAISAL, days(6), days(20))
    set_phase(emulation_year, DeadlineKey.EXPLANATIONS, days(21), days(30))
    set_phase(emulation_year, DeadlineKey.PREPARATORY_MEETING, days(31), days(40))
    set_phase(emulation_year, DeadlineKey.REVIEW_CONFERENCE, days(41), days(60))
    RuleSet.objects.filter(emulation_year=emulation_year).update(dossier_deadline=days(150))
    return year(2015)


def test_the_chair_moves_a_deadline_and_the_history_keeps_it(open_2015, demo_user):
    services.deadline_save(
        emulation_year=open_2015,
        key=DeadlineKey.APPRAISAL,
        opens_on=days(6),
        closes_on=days(25),
        user=demo_user("bacgiang"),
    )
    row = open_2015.deadlines.get(key="appraisal")
    assert row.closes_on == days(25)
    assert row.history.first().history_user == demo_user("bacgiang")


def test_the_dossier_deadline_is_the_rule_sets(open_2015, demo_user):
    services.deadline_save(
        emulation_year=open_2015, key=DeadlineKey.DOSSIER, closes_on=days(120), user=demo_user("admin")
    )
    assert RuleSet.objects.get(emulation_year=open_2015).dossier_deadline == days(120)
    assert not open_2015.deadlines.filter(key="dossier").exists()


@pytest.mark.parametrize(
    ("username", "allowed"),
    [("admin", True), ("bacgiang", True), ("backan", False), ("phutho", False)],
)
def test_only_the_chair_and_admins_change_the_calendar(open_2015, demo_user, username, allowed):
    def save():
        services.deadline_save(
            emulation_year=open_2015,
            key=DeadlineKey.REVIEW_CONFERENCE,
            opens_on=days(41),
            closes_on=days(70),
            user=demo_user(username),
        )

    if allowed:
        save()
        assert open_2015.deadlines.get(key="review_conference").closes_on == days(70)
    else:
        with pytest.raises(PermissionDenied):
            save()
        assert open_2015.deadlines.get(key="review_conference").closes_on == days(60)


def test_a_closed_year_keeps_its_calendar(full_demo, demo_user):
    with pytest.raises(ValidationError):
        services.deadline_save(
            emulation_year=year(2014), key=DeadlineKey.SELF_SCORING, closes_on=days(10), user=demo_user("admin")
        )


def test_a_past_deadline_no_longer_changes(open_2015, demo_user):
    set_phase(open_2015, DeadlineKey.SELF_SCORING, days(-20), days(-1))
    with pytest.raises(ValidationError) as refused:
        services.deadline_save(
            emulation_year=open_2015,
            key=DeadlineKey.SELF_SCORING,
            opens_on=days(-20),
            closes_on=days(10),
            user=demo_user("admin"),
        )
    assert "closes_on" in refused.value.error_dict
    assert open_2015.deadlines.get(key="self_scoring").closes_on == days(-1)


def test_a_deadline_before_its_phase_opens_is_refused_next_to_the_field(open_2015, demo_user):
    with pytest.raises(ValidationError) as refused:
        services.deadline_save(
            emulation_year=open_2015,
            key=DeadlineKey.APPRAISAL,
            opens_on=days(30),
            closes_on=days(25),
            user=demo_user("bacgiang"),
        )
    assert "closes_on" in refused.value.error_dict
    # The database refuses it too, for any writer.
    with pytest.raises(ValidationError):
        YearDeadline(emulation_year=open_2015, key="appraisal", opens_on=days(30), closes_on=days(25)).clean()


def test_the_calendar_page_refuses_a_deadline_before_its_opening_in_vietnamese_and_keeps_what_was_typed(
    client, open_2015, demo_user
):
    client.force_login(demo_user("bacgiang"))
    data = {}
    for entry in selectors.calendar_of(open_2015):
        if entry.key != "dossier":
            data[f"{entry.key}-opens_on"] = d(entry.opens_on)
        data[f"{entry.key}-closes_on"] = d(entry.closes_on)
    data["appraisal-opens_on"] = d(days(30))
    data["appraisal-closes_on"] = d(days(25))
    data["review_conference-closes_on"] = d(days(90))  # a valid change, kept in the form, not saved alone
    page = text(client.post(calendar_url(), data))
    assert "Hạn chót (" + d(days(25)) + ") trước ngày bắt đầu của giai đoạn (" + d(days(30)) + ")" in page
    assert "Lịch chưa được lưu" in page
    assert f'value="{d(days(30))}"' in page and f'value="{d(days(25))}"' in page
    assert f'value="{d(days(90))}"' in page
    # All or nothing: the valid change waits for the wrong one to be corrected.
    assert open_2015.deadlines.get(key="review_conference").closes_on == days(60)
    assert open_2015.deadlines.get(key="appraisal").closes_on == days(20)

    data["appraisal-closes_on"] = d(days(35))
    response = client.post(calendar_url(), data)
    assert response.status_code == 302
    assert open_2015.deadlines.get(key="appraisal").closes_on == days(35)
    assert open_2015.deadlines.get(key="review_conference").closes_on == days(90)
    assert "Đã lưu lịch của năm." in text(client.get(response["Location"]))


def test_a_wrong_date_is_said_in_vietnamese(client, open_2015, demo_user):
    client.force_login(demo_user("admin"))
    page = text(client.post(calendar_url(), {"self_scoring-opens_on": "31/02/2015", "self_scoring-closes_on": ""}))
    assert "Nhập ngày theo dạng dd/mm/yyyy." in page
    assert "Nhập hạn chót (dd/mm/yyyy)." in page
    assert 'value="31/02/2015"' in page


def test_a_member_sees_the_calendar_without_inputs_to_change_it(client, open_2015, demo_user):
    client.force_login(demo_user("phutho"))
    page = text(client.get(calendar_url()))
    assert "Lịch của năm" in page
    assert "Lưu lịch" not in page
    assert client.post(calendar_url(), {"appraisal-closes_on": d(days(9))}).status_code == 403


def test_a_past_phase_is_shown_but_not_offered_for_change(client, open_2015, demo_user):
    set_phase(open_2015, DeadlineKey.SELF_SCORING, days(-20), days(-1))
    client.force_login(demo_user("bacgiang"))
    page = client.get(calendar_url()).content.decode()
    row = re.search(r'<tr data-phase="self_scoring".*?</tr>', page, re.S).group(0)
    assert "disabled" in row and "Đã qua: không thay đổi nữa." in row
    appraisal = re.search(r'<tr data-phase="appraisal".*?</tr>', page, re.S).group(0)
    assert "disabled" not in appraisal


# --- States ---------------------------------------------------------------------------------------------


def test_states_come_from_the_dates_and_the_years_facts(scoring_demo):
    emulation_year = year(2015)
    set_phase(emulation_year, DeadlineKey.SELF_SCORING, days(-10), days(-2))
    set_phase(emulation_year, DeadlineKey.APPRAISAL, days(-1), days(5))
    set_phase(emulation_year, DeadlineKey.EXPLANATIONS, days(6), days(9))
    states = {entry.key: entry.state for entry in selectors.calendar_of(emulation_year)}
    assert states["self_scoring"] == DeadlineState.LATE  # Bắc Kạn's scorecard is still a draft
    assert states["appraisal"] == DeadlineState.OPEN
    assert states["explanations"] == DeadlineState.UPCOMING
    assert selectors.current_phase(emulation_year).key == "self_scoring"

    # 2014's scoring is locked: its appraisal and explanations are done whatever the dates say.
    locked = year(2014)
    set_phase(locked, DeadlineKey.APPRAISAL, days(-30), days(-20))
    states = {entry.key: entry.state for entry in selectors.calendar_of(locked)}
    assert states["self_scoring"] == states["appraisal"] == states["explanations"] == DeadlineState.DONE


def test_the_reminder_job_reads_the_deadlines_closing_in_a_window(open_2015):
    closing = selectors.deadlines_closing(on_or_before=days(6), after=today())
    assert [(entry.emulation_year.year, entry.key, entry.closes_on) for entry in closing] == [
        (2015, "self_scoring", days(5))
    ]
    assert selectors.deadlines_closing(on_or_before=days(150), after=days(149))[0].key == "dossier"
    assert selectors.deadlines_closing(on_or_before=days(4), after=today()) == []


# --- The banner on every year page ---------------------------------------------------------------------


@pytest.mark.parametrize("page", ["cluster:dashboard", "cluster:people", "scoring:scorecards", "awards:console"])
def test_every_year_page_shows_the_current_phase_its_days_left_and_the_late_phases(client, open_2015, demo_user, page):
    client.force_login(demo_user("phutho"))
    url = reverse(page, args=[open_2015.cluster_id, 2015])
    banner = re.search(r'data-testid="year-phase".*?</div>', text(client.get(url))).group(0)
    assert "Giai đoạn hiện tại:</span> <strong>Tự chấm điểm</strong>" in banner
    assert f"hạn {d(days(5))} (còn 5 ngày)" in banner
    assert "Quá hạn" not in banner

    set_phase(open_2015, DeadlineKey.SELF_SCORING, days(-10), days(-3))
    banner = re.search(r'data-testid="year-phase".*?</div>', text(client.get(url))).group(0)
    assert f"hạn {d(days(-3))} (quá hạn 3 ngày)" in banner
    assert "Quá hạn:</strong> Tự chấm điểm (3 ngày)" in banner


def test_the_banner_costs_one_query_whatever_the_years_size(client, open_2015, demo_user, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from scoring import services as scoring_services

    client.force_login(demo_user("phutho"))
    url = calendar_url()
    client.get(url)  # warm the caches of the session and the site
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    assert sum("cluster_yeardeadline" in q["sql"] for q in small.captured_queries) == 1
    for membership in open_2015.memberships.select_related("province"):
        scoring_services.scorecard_get_or_create(emulation_year=open_2015, province=membership.province)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url)


# --- The dashboard: what to do next, and by when --------------------------------------------------------


def steps(client, number=2015):
    page = client.get(dashboard_url(number)).content.decode()
    block = re.search(r'data-testid="next-steps">(.*?)</ul>', page, re.S).group(1)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", block)).strip()


def test_a_member_in_self_scoring_is_told_to_submit_by_the_deadline(client, open_2015, demo_user):
    client.force_login(demo_user("phutho"))
    assert f"Hãy điền bảng điểm của tỉnh và nộp. hạn {d(days(5))} (còn 5 ngày)" in steps(client)


def test_a_member_past_the_self_scoring_deadline_is_told_it_is_late(client, open_2015, demo_user):
    set_phase(open_2015, DeadlineKey.SELF_SCORING, days(-10), days(-2))
    client.force_login(demo_user("phutho"))
    assert f"hạn {d(days(-2))} (quá hạn 2 ngày)" in steps(client)


def test_the_appraiser_is_told_to_cross_check_by_the_appraisal_deadline(client, year_2015, demo_user):
    from scoring.models import Scoreboard

    Scoreboard.objects.filter(emulation_year__year=2015).update(locked_at=None)
    emulation_year = year(2015)
    emulation_year.scorecards.exclude(province__code="24").update(status="submitted")
    set_phase(emulation_year, DeadlineKey.APPRAISAL, days(-3), days(4))
    client.force_login(demo_user("bacgiang"))
    assert f"Có 6 bảng điểm đã nộp đang chờ thẩm định. hạn {d(days(4))} (còn 4 ngày)" in steps(client)
    client.force_login(demo_user("phutho"))
    assert "chờ thẩm định" not in steps(client)


def test_after_the_review_the_outgoing_chair_is_sent_to_the_dossiers_by_their_deadline(client, full_demo, demo_user):
    from awards.models import Nomination

    RuleSet.objects.filter(emulation_year__year=2014).update(dossier_deadline=days(12))
    proposed = Nomination.objects.filter(emulation_year__year=2014, status="proposed").select_related("province")
    assert proposed, "the demo's 2014 review proposes nominations"
    client.force_login(demo_user("phutho"))  # Phú Thọ chaired 2014; the home page shows 2015
    page = client.get(dashboard_url(2015)).content.decode()
    for nomination in proposed:
        assert reverse("dossiers:dossier", args=[nomination.pk]) in page
    assert f"hạn {d(days(12))} (còn 12 ngày)" in steps(client)
    assert "Gửi hồ sơ đề nghị" in steps(client, 2014)

    # Once sent, the decision is what remains.
    first = proposed[0]
    Nomination.objects.filter(pk=first.pk).update(status="sent")
    page = client.get(dashboard_url(2015)).content.decode()
    assert reverse("awards:decision", args=[first.pk]) in page
    assert "Ghi nhận quyết định của Chính phủ" in steps(client)
    # The new chair (Bắc Giang) has no 2014 dossiers to send.
    client.force_login(demo_user("bacgiang"))
    assert "Gửi hồ sơ" not in steps(client)


def test_a_new_years_criteria_are_copied_when_it_opens_with_a_notice(client, scoring_demo, demo_user):
    from scoring.models import Criterion

    admin = demo_user("admin")
    members = [(m.province, m.rotation_order) for m in year(2015).memberships.select_related("province")]
    services.emulation_year_open_with_term(
        cluster=year(2015).cluster,
        year=2016,
        members=members,
        chair=Province.objects.get(code="06"),
        vice_chair=Province.objects.get(code="17"),
        user=admin,
    )
    copied = Criterion.objects.filter(section__emulation_year__year=2016)
    assert copied.count() == Criterion.objects.filter(section__emulation_year__year=2015).count() > 0
    assert year(2016).criteria_copied_from == 2015
    assert year(2016).deadlines.count() == 5

    client.force_login(demo_user("backan"))  # the new chair
    page = text(client.get(dashboard_url(2016)))
    assert "Khi mở năm 2016, bộ tiêu chí được sao chép từ năm 2015." in page
    assert "Bộ tiêu chí được sao chép từ năm 2015 khi mở năm" in steps(client, 2016)
    client.force_login(demo_user("phutho"))  # a member: the notice, not the chair's step
    assert "Khi mở năm 2016" in text(client.get(dashboard_url(2016)))
    assert "Bộ tiêu chí được sao chép" not in steps(client, 2016)


def test_a_member_whose_scorecard_is_submitted_is_told_to_watch_its_appraisal(client, year_2015, demo_user):
    from scoring.models import Scoreboard

    Scoreboard.objects.filter(emulation_year__year=2015).update(locked_at=None)
    emulation_year = year(2015)
    emulation_year.scorecards.update(status="submitted")
    set_phase(emulation_year, DeadlineKey.APPRAISAL, days(-3), days(4))
    client.force_login(demo_user("phutho"))
    assert f"theo dõi kết quả thẩm định và giải trình nếu có điểm bị thay đổi. hạn {d(days(4))} (còn 4 ngày)" in steps(
        client
    )
    assert "Hãy điền bảng điểm" not in steps(client)
