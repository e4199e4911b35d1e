"""Who runs the review meeting, records decisions, re-opens a year and edits covenants:
role × action × allowed, then the same rules seen through the console's views."""

import pytest
from django.urls import reverse
from django.utils import timezone

from awards.enums import NominationStatus
from awards.models import BallotRound, Delegate, Nomination, ReviewMeeting
from cluster.models import EmulationYear
from covenants.models import Covenant, Signatory
from tests.awards.test_services import ready_for_ballot
from tests.covenants.test_services import draft_covenant_2016

#: 2014: chair Phú Thọ. 2015: chair Bắc Giang, vice-chair Bắc Kạn. 2016 (built here): chair Bắc Kạn.
ROLES = ["admin", "bacgiang", "phutho", "backan", "thainguyen", "yenbai", "outsider"]


@pytest.fixture
def users(full_demo, demo_user):
    from tests.factories import ProvinceFactory, UserFactory

    result = {role: demo_user(role) for role in ROLES if role != "outsider"}
    result["outsider"] = UserFactory(province=ProvinceFactory(code="94", name="Tỉnh Ngoài Cụm"))
    return result


def year(number):
    return EmulationYear.objects.get(year=number)


def flag_2014():
    return Nomination.objects.select_related("emulation_year").get(emulation_year__year=2014, award_type__code="flag")


AWARDS_TABLE = {
    #                                     admin  bacgiang phutho backan thainguyen yenbai outsider
    (2015, "awards.view_meeting"): (True, True, True, True, True, True, False),  # outside the cluster: nothing
    (2015, "awards.run_meeting"): (True, True, False, False, False, False, False),
    (2015, "awards.reopen_year"): (False, False, False, False, False, False, False),  # open
    (2014, "awards.view_meeting"): (True, True, True, True, True, True, False),
    (2014, "awards.run_meeting"): (False, False, False, False, False, False, False),  # closed
    (2014, "awards.reopen_year"): (True, False, False, False, False, False, False),
    ("flag 2014", "awards.record_decision"): (True, False, True, False, False, False, False),
}


@pytest.mark.parametrize(("obj", "action"), list(AWARDS_TABLE))
def test_awards_permission_table(users, obj, action):
    target = flag_2014() if obj == "flag 2014" else year(obj)
    got = tuple(users[role].has_perm(action, target) for role in ROLES)
    assert got == AWARDS_TABLE[(obj, action)]


def test_the_chair_powers_follow_the_term(users):
    """Phú Thọ ran 2014; in 2015 the powers are Bắc Giang's, and 2014's chair keeps recording its decisions."""
    assert users["bacgiang"].has_perm("awards.run_meeting", year(2015))
    assert not users["phutho"].has_perm("awards.run_meeting", year(2015))
    assert users["phutho"].has_perm("awards.record_decision", flag_2014())
    assert not users["bacgiang"].has_perm("awards.record_decision", flag_2014())


def covenant_target(obj):
    if obj == "year 2015":
        return year(2015)
    if obj == "year 2016":
        return year(2016)
    number, what = obj.split(" ", 1)
    covenant = Covenant.objects.get(emulation_year__year=int(number))
    if what == "covenant":
        return covenant
    code = {"row Yên Bái": "15", "row Thái Nguyên": "19"}[what]
    return Signatory.objects.select_related("covenant__emulation_year").get(covenant=covenant, province__code=code)


COVENANTS_TABLE = {
    #   2015: the signed covenant; it belonged to the chair of 2014 (Phú Thọ, host of the signing).
    #   (Who may edit; that a signed text no longer changes is the service's refusal, see tests/covenants.)
    #                                                  admin  bacgiang phutho backan thainguyen yenbai outsider
    # signed: its text no longer changes, for anybody
    ("2015 covenant", "covenants.change_covenant"): (False, False, False, False, False, False, False),
    # signed rows: nobody changes them any more (an admin corrects them, with a reason)
    ("2015 row Yên Bái", "covenants.change_signatory"): (False, False, False, False, False, False, False),
    ("2015 row Thái Nguyên", "covenants.change_signatory"): (False, False, False, False, False, False, False),
    ("2015 row Yên Bái", "covenants.correct_signatory"): (True, False, False, False, False, False, False),
    ("year 2015", "covenants.create_covenant"): (True, False, True, False, False, False, False),
    #   2016: a draft; it belongs to the chair of 2015 (Bắc Giang), whose review signs it, not
    #   to 2016's chair (Bắc Kạn) until it is signed.
    ("2016 covenant", "covenants.change_covenant"): (True, True, False, False, False, False, False),
    #   each member signs its own row only: not the chair, not an admin
    ("2016 row Yên Bái", "covenants.change_signatory"): (False, False, False, False, False, True, False),
    ("2016 row Thái Nguyên", "covenants.change_signatory"): (False, False, False, False, True, False, False),
    ("year 2016", "covenants.create_covenant"): (True, True, False, False, False, False, False),
}


@pytest.mark.parametrize(("obj", "action"), list(COVENANTS_TABLE))
def test_covenants_permission_table(users, full_demo, obj, action):
    draft_covenant_2016(full_demo)
    target = covenant_target(obj)
    got = tuple(users[role].has_perm(action, target) for role in ROLES)
    assert got == COVENANTS_TABLE[(obj, action)]


def test_nobody_changes_a_covenant_of_a_closed_year(users, full_demo):
    covenant = draft_covenant_2016(full_demo)
    EmulationYear.objects.filter(pk=covenant.emulation_year_id).update(closed_at=timezone.now())
    covenant = Covenant.objects.select_related("emulation_year").get(pk=covenant.pk)
    own_row = covenant.signatories.get(province__code="15")
    for role in ROLES:
        assert not users[role].has_perm("covenants.change_covenant", covenant), role
        assert not users[role].has_perm("covenants.change_signatory", own_row), role
        assert not users[role].has_perm("covenants.create_covenant", covenant.emulation_year), role
        assert users[role].has_perm("covenants.view_covenant", covenant) is (role != "outsider"), role


# --- The same rules through the views -------------------------------------------------------------


def console_urls(cluster_id, number):
    args = [cluster_id, number]
    return {
        "meeting_edit": reverse("awards:meeting_edit", args=args),
        "attendance": reverse("awards:attendance", args=args),
        "ranking": reverse("awards:ranking_adopt", args=args),
        "nominations": reverse("awards:nominations", args=args),
        "ballot": reverse("awards:ballot", args=[*args, "flag"]),
        "term": reverse("awards:next_term", args=args),
        "close": reverse("awards:close_year", args=args),
    }


def snapshot(emulation_year):
    meeting = ReviewMeeting.objects.get(emulation_year=emulation_year)
    return {
        "meeting": ReviewMeeting.objects.filter(pk=meeting.pk).values().get(),
        "present": sorted(meeting.delegations.values_list("province__code", "present")),
        "delegates": Delegate.objects.filter(delegation__meeting=meeting).count(),
        "nominations": sorted(
            Nomination.objects.filter(emulation_year=emulation_year).values_list(
                "province__code", "award_type__code", "status"
            )
        ),
        "rounds": BallotRound.objects.filter(meeting=meeting).count(),
        "closed_at": EmulationYear.objects.get(pk=emulation_year.pk).closed_at,
        "years": sorted(EmulationYear.objects.values_list("year", flat=True)),
    }


def posts_for(meeting, flag_candidate):
    """What a chair would post to each action of the console: valid data, so only the permission refuses."""
    data = {f"present_{d.province_id}": "on" for d in meeting.delegations.all()}
    data.update({f"delegates_{d.province_id}": "Nguyễn Văn Khách – Phó Chủ tịch" for d in meeting.delegations.all()})
    provinces = {p.province.code: p.province_id for p in meeting.delegations.select_related("province")}
    return {
        "meeting_edit": {
            "starts_at": "10/03/2016 08:00",
            "place": "Yên Bái",
            "host_province": provinces["15"],
            "presiding_name": "A",
            "secretary_name": "B",
        },
        "attendance": data,
        "ranking": {},
        "nominations": {"action": "defaults"},
        "ballot": {
            "issued": 7,
            "returned": 7,
            "valid": 7,
            "invalid": 0,
            f"votes_{flag_candidate}": 7,
            "confirm": "on",
            "correction_reason": "",
        },
        "term": {"chair": provinces["15"], "vice_chair": provinces["19"]},
        "close": {},
    }


@pytest.mark.parametrize("who", ["yenbai", "phutho", "outsider"])
def test_a_non_chair_province_cannot_act_on_the_console(client, meeting_2015, demo_user, who):
    """2015 is chaired by Bắc Giang: other members (last year's chair too) only follow."""
    from tests.factories import ProvinceFactory, UserFactory

    meeting = ready_for_ballot(meeting_2015)
    emulation_year = meeting.emulation_year
    flag = Nomination.objects.get(emulation_year=emulation_year, award_type__code="flag")
    before = snapshot(emulation_year)
    user = (
        UserFactory(province=ProvinceFactory(code="94", name="Tỉnh Ngoài Cụm")) if who == "outsider" else demo_user(who)
    )
    client.force_login(user)
    urls, posts = console_urls(emulation_year.cluster_id, 2015), posts_for(meeting, flag.pk)
    refused = 404 if who == "outsider" else 403  # outside the cluster the year is not even shown
    for name, url in urls.items():
        assert client.post(url, posts[name]).status_code == refused, name
        if name not in ("ranking", "close"):
            assert client.get(url).status_code == refused, name
    assert snapshot(emulation_year) == before
    assert Nomination.objects.get(pk=flag.pk).status == NominationStatus.CANDIDATE
    if who == "outsider":
        assert client.get(reverse("awards:console", args=[emulation_year.cluster_id, 2015])).status_code == 404
        return
    page = client.get(reverse("awards:console", args=[emulation_year.cluster_id, 2015])).content.decode()
    assert "Bạn chỉ được xem diễn biến hội nghị" in page
    for name, url in urls.items():
        assert f'href="{url}"' not in page and f'action="{url}"' not in page, name


@pytest.mark.parametrize("who", ROLES)
def test_nobody_edits_a_closed_year(client, users, full_demo, who):
    """2014 is closed: every action of its meeting is refused, the admin's included;
    only the admin re-opens it, and the government's decisions can still be recorded."""
    emulation_year = year(2014)
    meeting = ReviewMeeting.objects.get(emulation_year=emulation_year)
    flag = flag_2014()
    before = snapshot(emulation_year)
    client.force_login(users[who])
    urls, posts = console_urls(full_demo.pk, 2014), posts_for(meeting, flag.pk)
    refused = 404 if who == "outsider" else 403
    for name, url in urls.items():
        assert client.post(url, posts[name]).status_code == refused, name
        if name not in ("ranking", "close"):
            assert client.get(url).status_code == refused, name
    assert client.post(reverse("covenants:covenant", args=[full_demo.pk, 2014])).status_code == refused
    assert not Covenant.objects.filter(emulation_year=emulation_year).exists()
    assert snapshot(emulation_year) == before

    reopen = client.post(reverse("awards:reopen_year", args=[full_demo.pk, 2014]), {"reason": "Sửa số liệu"})
    decision = client.get(reverse("awards:decision", args=[flag.pk]))
    if who == "admin":
        assert reopen.status_code == 302 and not year(2014).is_closed
    else:
        assert reopen.status_code == refused and year(2014).is_closed
    if who in ("admin", "phutho"):
        assert decision.status_code == 200 and "Số quyết định" in decision.content.decode()
    else:
        assert decision.status_code == refused
