"""The services refuse what the year's workflow refuses, whoever asks (the chair included)."""

import zoneinfo

import pytest
from django.core.exceptions import ValidationError

from awards import services
from awards.models import AwardType, BallotRound, Nomination
from cluster.models import EmulationYear
from provinces.models import Province
from tests import demo_levels
from tests.awards.test_services import everyone_present

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def unscored_meeting(full_demo, demo_user):
    """2015 with its meeting set up and everyone present, but no scorecard submitted."""
    meeting = demo_levels.meeting_2015(EmulationYear.objects.get(year=2015))  # the same meeting, unscored
    everyone_present(meeting)
    meeting.refresh_from_db()
    return meeting


def test_the_chair_cannot_nominate_vote_or_adopt_a_ranking_before_the_scoring(unscored_meeting, demo_user):
    chair = demo_user("bacgiang")
    flag = AwardType.objects.get(code="flag")
    with pytest.raises(ValidationError) as refused:
        services.ranking_adopt(meeting=unscored_meeting, user=chair)
    assert refused.value.messages == [
        "Chưa thể thực hiện bước “Thông qua kết quả xếp hạng”:",
        "Phải khóa việc chấm điểm của năm trước khi hội nghị thông qua kết quả xếp hạng.",
    ]
    with pytest.raises(ValidationError, match="Hội nghị chưa thông qua kết quả xếp hạng"):
        services.nomination_save(
            meeting=unscored_meeting,
            award_type=flag,
            province=Province.objects.get(code="24"),
            rationale="Tự đề cử",
            user=chair,
        )
    with pytest.raises(ValidationError, match="Hội nghị chưa thông qua kết quả xếp hạng"):
        services.nominations_confirm(meeting=unscored_meeting, user=chair)
    with pytest.raises(ValidationError):
        services.ballot_round_record(
            meeting=unscored_meeting, award_type=flag, issued=7, returned=7, valid=7, invalid=0, votes={}, user=chair
        )
    unscored_meeting.refresh_from_db()
    assert unscored_meeting.ranking_adopted_at is None and unscored_meeting.nominations_confirmed_at is None
    assert not Nomination.objects.filter(emulation_year__year=2015).exists()
    assert not BallotRound.objects.filter(meeting=unscored_meeting).exists()


def test_adopting_the_ranking_twice_changes_nothing(meeting_2015):
    everyone_present(meeting_2015)
    meeting_2015.refresh_from_db()
    first = services.ranking_adopt(meeting=meeting_2015).ranking_adopted_at
    meeting_2015.refresh_from_db()
    assert services.ranking_adopt(meeting=meeting_2015).ranking_adopted_at == first


def test_next_year_s_term_is_elected_only_by_a_meeting_with_its_quorum(meeting_2015):
    everyone_present(meeting_2015, except_codes=("15",))  # the rule set asks for 100 %
    meeting_2015.refresh_from_db()
    with pytest.raises(ValidationError, match="Không đủ điều kiện tiến hành: có 6/7 thành viên có mặt"):
        services.next_term_record(
            meeting=meeting_2015, chair=Province.objects.get(code="06"), vice_chair=Province.objects.get(code="17")
        )
    assert not EmulationYear.objects.filter(year=2016).exists()
