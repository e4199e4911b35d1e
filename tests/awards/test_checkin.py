"""Check-in: a delegation's own code marks it present until the attendance is confirmed."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from awards import checkin, services
from awards.models import Delegation, ReviewMeeting


def _meeting(year):
    return ReviewMeeting.objects.select_related("emulation_year__rule_set").get(emulation_year__year=year)


def test_codes_carry_at_least_64_bits_and_only_their_digest_is_stored(meeting_2015, demo_user):
    issued = checkin.checkin_codes_issue(meeting=_meeting(2015), user=demo_user("bacgiang"))
    assert len(issued) == Delegation.objects.filter(meeting__emulation_year__year=2015).count()
    for delegation, code in issued:
        assert len(checkin.normalise_code(code)) * 5 >= 64
        stored = Delegation.objects.get(pk=delegation.pk).checkin_digest
        assert stored == checkin.code_digest(code) and checkin.normalise_code(code) not in stored


def test_scanning_marks_present_and_fills_attendance_and_quorum(meeting_2015, demo_user):
    meeting = _meeting(2015)
    issued = checkin.checkin_codes_issue(meeting=meeting, user=demo_user("bacgiang"))
    for _delegation, code in issued[:6]:
        response = Client().post(reverse("awards:checkin"), {"code": code.lower().replace("-", " ")})
        assert 'data-testid="checked-in"' in response.content.decode()
    attendance = checkin.attendance_of(meeting)
    assert attendance.present == 6 and attendance.members == len(issued)
    assert attendance.quorum_met == (6 >= attendance.needed)
    # the attendance form of the secretary is ticked from the check-ins
    chair = Client()
    chair.force_login(demo_user("bacgiang"))
    page = chair.get(reverse("awards:attendance", args=[meeting.emulation_year.cluster_id, 2015])).content.decode()
    ticked = re.findall(r'name="present_(\d+)"[^>]*checked', page)
    assert {int(p) for p in ticked} == {d.province_id for d, _code in issued[:6]}
    live = chair.get(reverse("awards:checkin_live", args=[meeting.emulation_year.cluster_id, 2015]))
    assert f"6/{len(issued)}" in live.content.decode()


def test_a_wrong_code_is_refused_in_vietnamese(meeting_2015, demo_user):
    checkin.checkin_codes_issue(meeting=_meeting(2015), user=demo_user("bacgiang"))
    response = Client().post(reverse("awards:checkin"), {"code": "AAAA-BBBB-CCCC-DDDD"})
    assert response.status_code == 200 and 'id="id_code_error"' in response.content.decode()
    assert not Delegation.objects.filter(checked_in_at__isnull=False).exists()
    with pytest.raises(ValidationError):
        checkin.checkin(code="")


def test_old_codes_stop_working_when_new_ones_are_printed(meeting_2015, demo_user):
    first = checkin.checkin_codes_issue(meeting=_meeting(2015), user=demo_user("bacgiang"))
    checkin.checkin_codes_issue(meeting=_meeting(2015), user=demo_user("bacgiang"))
    with pytest.raises(ValidationError):
        checkin.checkin(code=first[0][1])


def test_a_code_after_the_attendance_is_confirmed_is_refused_and_hand_entry_still_works(meeting_2015, demo_user):
    meeting = _meeting(2015)
    issued = checkin.checkin_codes_issue(meeting=meeting, user=demo_user("bacgiang"))
    checkin.checkin(code=issued[0][1])
    delegations = list(meeting.delegations.select_related("province"))
    # by hand: the secretary records everybody but the one that checked in
    present = {d.province_id for d in delegations[1:]}
    services.attendance_confirm(
        meeting=meeting,
        present=present,
        delegates={pid: [("Đại biểu", "Phó Chủ tịch")] for pid in present},
        guests=[],
        user=demo_user("bacgiang"),
    )
    meeting.refresh_from_db()
    assert {d.province_id for d in Delegation.objects.filter(meeting=meeting, present=True)} == present
    assert checkin.attendance_of(meeting).present == len(present)
    with pytest.raises(ValidationError) as refused:
        checkin.checkin(code=issued[1][1])
    assert "điểm danh" in " ".join(refused.value.messages) or "attendance" in " ".join(refused.value.messages)
    with pytest.raises(ValidationError):
        checkin.checkin_codes_issue(meeting=meeting, user=demo_user("bacgiang"))


def test_the_check_in_sheet_is_a_pdf_for_the_chair_only(meeting_2015, demo_user):
    meeting = _meeting(2015)
    url = reverse("awards:checkin_sheet", args=[meeting.emulation_year.cluster_id, 2015])
    other = Client()
    other.force_login(demo_user("yenbai"))
    assert other.post(url).status_code == 403
    chair = Client()
    chair.force_login(demo_user("bacgiang"))
    response = chair.post(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_the_check_in_page_works_without_login_and_has_no_inline_script(db):
    html = Client().get(reverse("awards:checkin")).content.decode()
    assert 'name="code"' in html and "js/checkin.js" in html
