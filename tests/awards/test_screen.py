"""The projector's live screen: a link the chair makes, no login, nothing but the meeting's state."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from awards import checkin
from awards.models import AwardType, BallotCode, ElectronicBallot, ElectronicVote, Nomination, ReviewMeeting


def _meeting(year):
    return ReviewMeeting.objects.select_related("emulation_year__rule_set").get(emulation_year__year=year)


def test_the_chair_makes_the_link_and_the_screen_needs_no_login(meeting_2015, demo_user):
    meeting = _meeting(2015)
    chair = Client()
    chair.force_login(demo_user("bacgiang"))
    response = chair.post(reverse("awards:screen_link", args=[meeting.emulation_year.cluster_id, 2015]))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert len(meeting.screen_token) >= 40
    page = Client().get(reverse("awards:screen", args=[meeting.screen_token]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="screen-attendance"' in html and "0/" in html
    assert "htmx/htmx.min.js" in html and 'hx-trigger="every 2s"' in html
    assert "script-src 'self'" in page["Content-Security-Policy"]
    state = Client().get(reverse("awards:screen_state", args=[meeting.screen_token]))
    assert state.status_code == 200 and "<html" not in state.content.decode()


def test_a_wrong_token_is_404_and_renewing_invalidates_the_old_link(meeting_2015, demo_user):
    meeting = _meeting(2015)
    assert Client().get(reverse("awards:screen", args=["nothing-here"])).status_code == 404
    old = checkin.screen_link_renew(meeting=meeting, user=demo_user("bacgiang"))
    new = checkin.screen_link_renew(meeting=meeting, user=demo_user("bacgiang"))
    assert old != new
    assert Client().get(reverse("awards:screen", args=[old])).status_code == 404
    assert Client().get(reverse("awards:screen_state", args=[old])).status_code == 404
    assert Client().get(reverse("awards:screen", args=[new])).status_code == 200


def test_only_the_chair_renews_the_link(meeting_2015, demo_user):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        checkin.screen_link_renew(meeting=_meeting(2015), user=demo_user("yenbai"))
    assert _meeting(2015).screen_token == ""


def test_an_open_electronic_ballot_shows_the_count_received_never_a_partial_result(meeting_2015, demo_user):
    meeting = _meeting(2015)
    flag = AwardType.objects.get(code="flag")
    ballot = ElectronicBallot.objects.create(
        meeting=meeting, award_type=flag, number=1, seats=1, codes_issued=7, opened_at=timezone.now()
    )
    BallotCode.objects.bulk_create([BallotCode(ballot=ballot, digest=f"{i:064x}", spent=i < 4) for i in range(7)])
    ballot.codes_used = 4
    ballot.save(update_fields=["codes_used"])
    candidate = Nomination.objects.filter(emulation_year=meeting.emulation_year, award_type=flag).first()
    if candidate is not None:
        ElectronicVote.objects.create(ballot=ballot, choices=[candidate.pk])
    token = checkin.screen_link_renew(meeting=meeting, user=demo_user("bacgiang"))
    html = Client().get(reverse("awards:screen_state", args=[token])).content.decode()
    assert 'data-testid="screen-count"' in html and "4/7" in html
    assert 'data-testid="screen-results"' not in html and "%" not in html


def test_the_result_is_shown_with_the_rule_applied(demo_2014):
    meeting = _meeting(2014)
    ReviewMeeting.objects.filter(pk=meeting.pk).update(screen_token="projector-2014")  # the year is closed
    html = Client().get(reverse("awards:screen_state", args=["projector-2014"])).content.decode()
    assert 'data-testid="screen-results"' in html
    assert "được suy tôn" in html
    assert "≥" in html or ">" in html
    assert "%" in html and "," in html  # decimal comma: 85,7%


def test_the_renewal_refuses_a_closed_year(demo_2014, demo_user):
    with pytest.raises(ValidationError):
        checkin.screen_link_renew(meeting=_meeting(2014), user=demo_user("admin"))


def test_screen_state_counts_checked_in_delegations_before_the_confirmation(meeting_2015):
    meeting = _meeting(2015)
    delegations = list(meeting.delegations.all()[:3])
    for d in delegations:
        d.checked_in_at = datetime.datetime(2016, 3, 10, 8, tzinfo=datetime.UTC)
        d.save(update_fields=["checked_in_at"])
    state = checkin.screen_state(meeting)
    assert state["attendance"].present == 3
    assert state["attendance"].text.startswith(f"3/{meeting.delegations.count()}")
