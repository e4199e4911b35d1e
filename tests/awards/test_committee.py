"""The vote-counting committee (ban kiểm phiếu): elected among the people present after the
attendance, before the first ballot round, by the chair of the year or an admin."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from awards import selectors, services
from awards.models import AwardType, CountingCommitteeMember
from cluster import services as cluster_services
from cluster.models import Person
from tests.awards.test_services import everyone_present, ready_for_ballot


def person(year, name):
    return Person.objects.get(emulation_year=year, full_name=name)


def attendance_only(meeting, except_codes=()):
    """The attendance without the committee (everyone_present elects one)."""
    delegations = list(meeting.delegations.select_related("province"))
    return services.attendance_confirm(
        meeting=meeting,
        present={d.province_id for d in delegations if d.province.code not in except_codes},
        delegates={d.province_id: [(f"Đại biểu {d.province.name}", "")] for d in delegations},
        guests=[],
    )


def committee(meeting):
    return list(CountingCommitteeMember.objects.filter(meeting=meeting).values_list("role", "full_name", "post"))


def test_the_demo_2014_meeting_elected_its_committee_head_first(full_demo):
    from awards.models import ReviewMeeting

    meeting = ReviewMeeting.objects.get(emulation_year__year=2014)
    rows = list(meeting.committee_members.all())
    assert [(m.role, m.full_name, m.province.name) for m in rows] == [
        ("head", "Nguyễn Đức Mạnh", "Phú Thọ"),
        ("member", "Dương Văn Hùng", "Thái Nguyên"),
        ("member", "Ma Văn Khánh", "Bắc Kạn"),
    ]
    assert rows[0].post == "Trưởng Ban Thi đua - Khen thưởng tỉnh Phú Thọ"


def test_the_ballot_waits_for_the_committee(meeting_2015):
    year = meeting_2015.emulation_year
    meeting = attendance_only(meeting_2015)
    services.ranking_adopt(meeting=meeting)
    services.nominations_propose_defaults(meeting=meeting)
    services.nominations_confirm(meeting=meeting)
    meeting.refresh_from_db()
    assert services.ballot_blockers(meeting) == ["Chưa bầu Ban kiểm phiếu."]
    step = next(s for s in selectors.console_steps(year) if s.key == "ballot")
    assert not step.done and step.blocker == "Chưa bầu Ban kiểm phiếu."
    flag = AwardType.objects.get(code="flag")
    candidate = next(n for n in selectors.nominations_of(year) if n.award_type_id == flag.pk)
    counts = {"issued": 7, "returned": 7, "valid": 7, "invalid": 0, "votes": {candidate.pk: 7}}
    with pytest.raises(ValidationError, match="Chưa bầu Ban kiểm phiếu"):
        services.ballot_round_record(meeting=meeting, award_type=flag, **counts)
    assert not meeting.ballot_rounds.exists()

    services.counting_committee_elect(
        meeting=meeting,
        head=person(year, "Đỗ Thị Hạnh"),
        members=[person(year, "Nông Thị Mai"), person(year, "Trần Thị Hà")],  # a central delegate may sit on it
    )
    assert committee(meeting) == [
        ("head", "Đỗ Thị Hạnh", "Trưởng Ban Thi đua - Khen thưởng tỉnh Bắc Giang"),
        ("member", "Nông Thị Mai", "Trưởng Ban Thi đua - Khen thưởng tỉnh Tuyên Quang"),
        ("member", "Trần Thị Hà", person(year, "Trần Thị Hà").post),
    ]
    services.ballot_round_record(meeting=meeting, award_type=flag, **counts)
    # Once a round is counted, the committee that signed it stays.
    with pytest.raises(ValidationError, match="không thể thay đổi Ban kiểm phiếu"):
        services.counting_committee_elect(
            meeting=meeting, head=person(year, "Nông Thị Mai"), members=[person(year, "Đỗ Thị Hạnh")]
        )
    assert committee(meeting)[0][:2] == ("head", "Đỗ Thị Hạnh")


def test_no_committee_before_the_attendance_with_its_quorum(meeting_2015):
    year = meeting_2015.emulation_year
    head, member = person(year, "Đỗ Thị Hạnh"), person(year, "Nông Thị Mai")
    with pytest.raises(ValidationError, match="Chưa xác nhận thành phần tham dự"):
        services.counting_committee_elect(meeting=meeting_2015, head=head, members=[member])
    meeting = attendance_only(meeting_2015, except_codes=("15",))  # 100% asked: no quorum
    with pytest.raises(ValidationError, match="Không đủ điều kiện tiến hành"):
        services.counting_committee_elect(meeting=meeting, head=head, members=[member])
    assert committee(meeting) == []


@pytest.mark.parametrize(
    ("head", "members", "field", "message"),
    [
        (None, ["Nông Thị Mai"], "head", "Hãy chọn Trưởng Ban kiểm phiếu."),
        ("Đỗ Thị Hạnh", [], "members", "Ban kiểm phiếu có ít nhất hai người: Trưởng ban và một thành viên."),
        ("Đỗ Thị Hạnh", ["Đỗ Thị Hạnh"], "members", "Mỗi người chỉ có tên một lần trong Ban kiểm phiếu"),
        ("Đỗ Thị Hạnh", ["Hà Văn Nam"], "members", "Hà Văn Nam không thuộc các đoàn có mặt"),  # Yên Bái absent
        ("Hà Văn Nam", ["Nông Thị Mai"], "head", "Hà Văn Nam không thuộc các đoàn có mặt"),
    ],
)
def test_a_wrong_committee_is_refused_next_to_its_field(meeting_2015, head, members, field, message):
    from cluster.models import RuleSet

    year = meeting_2015.emulation_year
    RuleSet.objects.filter(emulation_year=year).update(quorum_percent=80)
    meeting = attendance_only(meeting_2015, except_codes=("15",))
    assert meeting.quorum_met
    with pytest.raises(ValidationError) as refused:
        services.counting_committee_elect(
            meeting=meeting,
            head=person(year, head) if head else None,
            members=[person(year, name) for name in members],
        )
    assert message in " ".join(refused.value.message_dict[field])
    assert committee(meeting) == []


def test_a_new_election_replaces_the_committee_and_history_keeps_both(meeting_2015, demo_user):
    year = meeting_2015.emulation_year
    meeting = attendance_only(meeting_2015)
    chair = demo_user("bacgiang")
    names = ("Đỗ Thị Hạnh", "Nông Thị Mai", "Hà Văn Nam")
    services.counting_committee_elect(
        meeting=meeting, head=person(year, names[0]), members=[person(year, n) for n in names[1:]], user=chair
    )
    services.counting_committee_elect(
        meeting=meeting, head=person(year, "Ma Văn Khánh"), members=[person(year, names[0])], user=chair
    )
    assert [(role, name) for role, name, _post in committee(meeting)] == [
        ("head", "Ma Văn Khánh"),
        ("member", "Đỗ Thị Hạnh"),
    ]
    history = CountingCommitteeMember.history.filter(meeting_id=meeting.pk)
    assert history.filter(history_type="-").count() == 3
    assert set(history.values_list("history_user__username", flat=True)) == {"bacgiang"}


@pytest.mark.parametrize(("username", "allowed"), [("bacgiang", True), ("admin", True), ("yenbai", False)])
def test_only_the_chair_of_the_year_or_an_admin_records_the_committee(meeting_2015, demo_user, username, allowed):
    year = meeting_2015.emulation_year
    meeting = attendance_only(meeting_2015)
    elect = lambda: services.counting_committee_elect(  # noqa: E731 (called in two branches)
        meeting=meeting,
        head=person(year, "Đỗ Thị Hạnh"),
        members=[person(year, "Nông Thị Mai")],
        user=demo_user(username),
    )
    if allowed:
        elect()
        assert len(committee(meeting)) == 2
    else:
        with pytest.raises(ValidationError, match="Chỉ Cụm trưởng của năm hoặc quản trị viên"):
            elect()
        assert committee(meeting) == []


def test_a_member_marked_absent_later_leaves_the_committee(meeting_2015):
    from cluster.models import RuleSet

    year = meeting_2015.emulation_year
    RuleSet.objects.filter(emulation_year=year).update(quorum_percent=80)
    meeting = attendance_only(meeting_2015)
    services.counting_committee_elect(
        meeting=meeting,
        head=person(year, "Đỗ Thị Hạnh"),
        members=[person(year, "Nông Thị Mai"), person(year, "Hà Văn Nam")],
    )
    attendance_only(meeting, except_codes=("15",))
    assert [name for _role, name, _post in committee(meeting)] == ["Đỗ Thị Hạnh", "Nông Thị Mai"]


def test_a_committee_member_is_kept_among_the_people_once_a_round_is_counted(meeting_2015):
    meeting = ready_for_ballot(meeting_2015)
    member = CountingCommitteeMember.objects.filter(meeting=meeting).last().person
    flag = AwardType.objects.get(code="flag")
    candidate = selectors.nominations_of(meeting.emulation_year)[0]
    services.ballot_round_record(
        meeting=meeting, award_type=flag, issued=7, returned=7, valid=7, invalid=0, votes={candidate.pk: 7}
    )
    with pytest.raises(ValidationError, match="có tên trên một văn bản đã ký hoặc đã xác nhận"):
        cluster_services.person_remove(person=member)
    assert Person.objects.filter(pk=member.pk).exists()


# --- The page ------------------------------------------------------------------------------------------


def test_the_chair_elects_the_committee_on_its_page_and_the_console_shows_it(client, meeting_2015, demo_user):
    year = meeting_2015.emulation_year
    attendance_only(meeting_2015, except_codes=())
    client.force_login(demo_user("bacgiang"))
    console = reverse("awards:console", args=[year.cluster_id, 2015])
    url = reverse("awards:committee", args=[year.cluster_id, 2015])
    assert f'href="{url}">' in client.get(console).content.decode()
    page = client.get(url).content.decode()
    assert "Đỗ Thị Hạnh – Trưởng Ban Thi đua - Khen thưởng tỉnh Bắc Giang (Bắc Giang)" in page
    assert "Trần Thị Hà" in page  # the central delegate too

    head, member = person(year, "Đỗ Thị Hạnh"), person(year, "Nông Thị Mai")
    refused = client.post(url, {"head": head.pk})
    assert refused.status_code == 400
    assert "Ban kiểm phiếu có ít nhất hai người" in refused.content.decode()
    response = client.post(url, {"head": head.pk, "members": [member.pk]}, follow=True)
    page = response.content.decode()
    assert "Đã ghi nhận Ban kiểm phiếu." in page
    listed = page[page.index('data-testid="committee"') :]
    assert listed.index("Đỗ Thị Hạnh, Trưởng Ban Thi đua") < listed.index("Nông Thị Mai, Trưởng Ban Thi đua")


def test_a_member_follows_the_committee_but_cannot_elect_it(client, meeting_2015, demo_user):
    everyone_present(meeting_2015)
    client.force_login(demo_user("yenbai"))
    year = meeting_2015.emulation_year
    console = client.get(reverse("awards:console", args=[year.cluster_id, 2015])).content.decode()
    assert 'data-testid="committee"' in console
    url = reverse("awards:committee", args=[year.cluster_id, 2015])
    assert f'href="{url}"' not in console
    assert client.get(url).status_code == 403
