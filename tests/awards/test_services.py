import datetime
import re
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from awards import selectors, services
from awards.enums import NominationStatus
from awards.models import AwardType, BallotResult, BallotRound, Nomination, ReviewMeeting
from cluster.models import EmulationYear, Membership
from covenants.models import Covenant


def everyone_present(meeting, except_codes=()):
    present = {
        d.province_id for d in meeting.delegations.select_related("province") if d.province.code not in except_codes
    }
    delegates = {
        d.province_id: [(f"Đại biểu {d.province.name}", "Phó Chủ tịch UBND tỉnh")]
        for d in meeting.delegations.select_related("province")
    }
    meeting = services.attendance_confirm(
        meeting=meeting, present=present, delegates=delegates, guests=[("Khách mời", "Ban TĐKT Trung ương")]
    )
    if meeting.quorum_met:  # the meeting then elects its vote-counting committee
        elect_committee(meeting)
    return meeting


def elect_committee(meeting, count=3):
    """Elect a committee of `count` among the people present (the demo's people of the year)."""
    head, *members = selectors.committee_candidates(meeting)[:count]
    return services.counting_committee_elect(meeting=meeting, head=head, members=members)


def ready_for_ballot(meeting):
    everyone_present(meeting)
    meeting.refresh_from_db()
    services.ranking_adopt(meeting=meeting)
    services.nominations_propose_defaults(meeting=meeting)
    meeting.refresh_from_db()
    services.nominations_confirm(meeting=meeting)
    meeting.refresh_from_db()
    return meeting


def flag():
    return AwardType.objects.get(code="flag")


def test_demo_2014_meeting_facts(full_demo):
    year = EmulationYear.objects.get(year=2014)
    meeting = ReviewMeeting.objects.get(emulation_year=year)
    assert meeting.starts_at.strftime("%d/%m/%Y") == "04/03/2015" and meeting.host_province.name == "Phú Thọ"
    assert meeting.delegations.filter(present=True).count() == 7
    assert meeting.guests.get().full_name == "Trần Thị Hà"
    proposed = {
        (n.award_type.code, n.province.name)
        for n in Nomination.objects.filter(emulation_year=year, status=NominationStatus.PROPOSED)
    }
    assert proposed == {("flag", "Thái Nguyên"), ("certificate", "Phú Thọ")}
    assert year.is_closed
    assert Covenant.objects.get(emulation_year__year=2015).status == "signed"
    assert Membership.objects.get(year=2015, role="chair").province.name == "Bắc Giang"
    assert all(step.done for step in selectors.console_steps(year))


def test_no_quorum_keeps_the_ballot_closed(meeting_2015):
    meeting = everyone_present(meeting_2015, except_codes=("15",))  # rule set: 100% of members
    assert meeting.quorum_met is False
    blockers = services.ballot_blockers(meeting)
    assert blockers[0] == "Không đủ điều kiện tiến hành: có 6/7 thành viên có mặt, bộ quy tắc yêu cầu 100%."
    with pytest.raises(ValidationError):
        services.ballot_round_record(
            meeting=meeting, award_type=flag(), issued=6, returned=6, valid=6, invalid=0, votes={}
        )
    assert not BallotRound.objects.filter(meeting=meeting).exists()


def test_ranking_cannot_be_adopted_before_the_scoring_is_locked(full_demo, demo_user):
    import datetime
    import zoneinfo

    from provinces.models import Province

    year = EmulationYear.objects.get(year=2015)
    meeting = services.meeting_save(
        emulation_year=year,
        starts_at=datetime.datetime(2016, 3, 1, 8, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")),
        place="Bắc Giang",
        host_province=Province.objects.get(code="24"),
        presiding_name="A",
        secretary_name="B",
    )
    everyone_present(meeting)
    with pytest.raises(ValidationError, match="Phải khóa việc chấm điểm"):
        services.ranking_adopt(meeting=ReviewMeeting.objects.get(pk=meeting.pk))


def test_default_nominations_follow_the_ranking(meeting_2015):
    meeting = ready_for_ballot(meeting_2015)
    nominations = {
        (n.award_type.code, n.province.name) for n in Nomination.objects.filter(emulation_year=meeting.emulation_year)
    }
    assert nominations == {("flag", "Thái Nguyên"), ("certificate", "Bắc Giang")}


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        (
            {"issued": 7, "returned": 8, "valid": 8, "invalid": 0},
            "Số phiếu thu vào (8) nhiều hơn số phiếu phát ra (7).",
        ),
        ({"issued": 7, "returned": 7, "valid": 5, "invalid": 1}, "phải bằng"),
        (
            {"issued": 9, "returned": 7, "valid": 7, "invalid": 0},
            "Số phiếu phát ra (9) nhiều hơn số đoàn đại biểu có mặt (7).",
        ),
    ],
)
def test_impossible_counts_are_refused_and_nothing_is_stored(meeting_2015, counts, message):
    meeting = ready_for_ballot(meeting_2015)
    tn = Nomination.objects.get(emulation_year=meeting.emulation_year, award_type__code="flag")
    with pytest.raises(ValidationError) as error:
        services.ballot_round_record(meeting=meeting, award_type=flag(), votes={tn.pk: 5}, **counts)
    assert message in " ".join(error.value.messages)
    assert not BallotRound.objects.exists() or not BallotRound.objects.filter(meeting=meeting).exists()
    assert Nomination.objects.get(pk=tn.pk).status == NominationStatus.CANDIDATE


def test_nobody_reaching_the_threshold_elects_nobody(meeting_2015):
    meeting = ready_for_ballot(meeting_2015)
    year = meeting.emulation_year
    from provinces.models import Province

    # The nominations are confirmed: no candidate can be added any more.
    with pytest.raises(ValidationError):
        services.nomination_save(
            meeting=meeting, award_type=flag(), province=Province.objects.get(code="25"), rationale="x"
        )
    # Re-open the nominations (as a fresh meeting would be) to add a second candidate.
    ReviewMeeting.objects.filter(pk=meeting.pk).update(nominations_confirmed_at=None)
    meeting.refresh_from_db()
    second = services.nomination_save(
        meeting=meeting,
        award_type=flag(),
        province=Province.objects.get(code="24"),
        rationale="Hạng 2",
        departure_reason="Hội nghị đề nghị bỏ phiếu giữa hai tỉnh dẫn đầu",
    )
    services.nominations_confirm(meeting=meeting)
    meeting.refresh_from_db()
    first = Nomination.objects.get(emulation_year=year, award_type__code="flag", province__code="19")
    round_1 = services.ballot_round_record(
        meeting=meeting, award_type=flag(), issued=7, returned=7, valid=7, invalid=0, votes={first.pk: 3, second.pk: 3}
    )
    # 3/7 = 42,9%: nobody passes "more than 50%": no tie at the cut-off, nobody elected
    assert not round_1.needs_new_round
    assert set(
        Nomination.objects.filter(emulation_year=year, award_type__code="flag").values_list("status", flat=True)
    ) == {"not_proposed"}


def test_tie_at_the_cut_off_then_new_round(meeting_2015):
    """Two seats for the certificate, three candidates, a tie for the second seat."""
    from awards.models import AwardQuota
    from provinces.models import Province

    meeting = meeting_2015
    year = meeting.emulation_year
    certificate = AwardType.objects.get(code="certificate")
    AwardQuota.objects.create(emulation_year=year, award_type=certificate, count=2)
    everyone_present(meeting)
    meeting.refresh_from_db()
    services.ranking_adopt(meeting=meeting)
    for code in ("24", "25", "17"):
        services.nomination_save(
            meeting=meeting, award_type=certificate, province=Province.objects.get(code=code), rationale="Đề nghị"
        )
    services.nominations_confirm(meeting=meeting)
    meeting.refresh_from_db()
    by_code = {n.province.code: n for n in Nomination.objects.filter(emulation_year=year).select_related("province")}
    round_1 = services.ballot_round_record(
        meeting=meeting,
        award_type=certificate,
        issued=7,
        returned=7,
        valid=7,
        invalid=0,
        votes={by_code["24"].pk: 6, by_code["25"].pk: 4, by_code["17"].pk: 4},
    )
    assert round_1.needs_new_round
    assert Nomination.objects.get(pk=by_code["24"].pk).status == NominationStatus.PROPOSED
    steps = {s.key: s for s in selectors.console_steps(year)}
    assert not steps["ballot"].done and "vòng mới" in steps["ballot"].blocker
    assert [n.province.code for n in selectors.candidates_for_next_round(meeting, certificate)] == ["25", "17"] or {
        n.province.code for n in selectors.candidates_for_next_round(meeting, certificate)
    } == {"25", "17"}
    round_2 = services.ballot_round_record(
        meeting=meeting,
        award_type=certificate,
        issued=7,
        returned=7,
        valid=7,
        invalid=0,
        votes={by_code["25"].pk: 5, by_code["17"].pk: 2},
    )
    assert round_2.number == 2 and round_2.seats == 1 and not round_2.needs_new_round
    statuses = dict(Nomination.objects.filter(emulation_year=year).values_list("province__code", "status"))
    assert statuses == {"24": "proposed", "25": "proposed", "17": "not_proposed"}
    result = BallotResult.objects.get(ballot_round=round_2, nomination=by_code["25"])
    assert selectors.explain(result, year.rule_set) == "5/7 = 71,4% > 50% trên tổng số thành viên → được suy tôn"


def test_confirmed_round_is_immutable_and_a_correction_needs_a_reason(meeting_2015):
    meeting = ready_for_ballot(meeting_2015)
    tn = Nomination.objects.get(emulation_year=meeting.emulation_year, award_type__code="flag")
    services.ballot_round_record(
        meeting=meeting, award_type=flag(), issued=7, returned=7, valid=7, invalid=0, votes={tn.pk: 6}
    )
    with pytest.raises(ValidationError, match="đã có kết quả"):
        services.ballot_round_record(
            meeting=meeting, award_type=flag(), issued=7, returned=7, valid=7, invalid=0, votes={tn.pk: 5}
        )
    correction = services.ballot_round_record(
        meeting=meeting,
        award_type=flag(),
        issued=7,
        returned=7,
        valid=7,
        invalid=0,
        votes={tn.pk: 5},
        correction_reason="Ban kiểm phiếu đếm lại",
    )
    assert correction.number == 2 and correction.corrects.number == 1
    assert BallotResult.objects.get(ballot_round__number=1, ballot_round__meeting=meeting).votes == 6  # kept as counted


def test_closing_needs_every_step_and_locks_the_year(year_2015, meeting_2015, demo_user):
    with pytest.raises(ValidationError, match="Chưa thể khóa sổ"):
        services.emulation_year_close(emulation_year=year_2015)
    assert not EmulationYear.objects.get(pk=year_2015.pk).is_closed


def test_reopen_needs_a_reason_and_is_recorded(full_demo, demo_user):
    year = EmulationYear.objects.get(year=2014)
    with pytest.raises(ValidationError):
        services.emulation_year_reopen(emulation_year=year, reason=" ", user=demo_user("admin"))
    services.emulation_year_reopen(emulation_year=year, reason="Sửa sai sót số liệu", user=demo_user("admin"))
    year.refresh_from_db()
    assert not year.is_closed
    assert year.history.first().history_change_reason == "Sửa sai sót số liệu"
    assert year.history.first().history_user.username == "admin"


def test_decision_recorded_after_closing(full_demo, demo_user):
    import datetime

    tn = Nomination.objects.get(emulation_year__year=2014, award_type__code="flag")
    services.nomination_record_progress(
        nomination=tn,
        user=demo_user("admin"),
        sent_on=datetime.date(2015, 3, 20),
        decision_number="123/QĐ-TTg",
        decision_date=datetime.date(2015, 5, 5),
        outcome="awarded",
    )
    tn.refresh_from_db()
    assert (tn.status, tn.decision_number, tn.outcome) == ("decided", "123/QĐ-TTg", "awarded")
    with pytest.raises(ValidationError):
        services.nomination_record_progress(nomination=tn, outcome="awarded", decision_number="", decision_date=None)


def test_threshold_percent_is_a_decimal(year_2015):
    assert year_2015.rule_set.vote_threshold_percent == D("50")


def test_a_meeting_cannot_end_before_it_starts(meeting_2015):
    from django.db import IntegrityError, transaction

    from awards.models import ReviewMeeting

    starts = meeting_2015.starts_at
    with pytest.raises(ValidationError) as error:
        services.meeting_save(emulation_year=meeting_2015.emulation_year, ends_at=starts - datetime.timedelta(hours=1))
    assert error.value.message_dict == {"ends_at": ["Thời điểm kết thúc phải sau thời điểm bắt đầu."]}
    # The database refuses it too, whoever writes.
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewMeeting.objects.filter(pk=meeting_2015.pk).update(ends_at=starts)
    assert ReviewMeeting.objects.get(pk=meeting_2015.pk).ends_at is None


def test_the_flag_goes_to_the_leading_unit_unless_the_meeting_says_why(meeting_2015):
    from provinces.models import Province

    everyone_present(meeting_2015)
    meeting_2015.refresh_from_db()
    services.ranking_adopt(meeting=meeting_2015)
    bac_giang = Province.objects.get(code="24")  # ranked 2nd in 2015; Thái Nguyên leads
    with pytest.raises(ValidationError) as refused:
        services.nomination_save(meeting=meeting_2015, award_type=flag(), province=bac_giang, rationale="Hạng 2")
    assert list(refused.value.message_dict) == ["departure_reason"]
    assert "dẫn đầu" in refused.value.message_dict["departure_reason"][0]
    nomination = services.nomination_save(
        meeting=meeting_2015,
        award_type=flag(),
        province=bac_giang,
        rationale="Hạng 2",
        departure_reason="Tỉnh Thái Nguyên đang trong thời gian thanh tra",
    )
    assert (nomination.rank, nomination.departure_reason) == (2, "Tỉnh Thái Nguyên đang trong thời gian thanh tra")
    leader = services.nomination_save(
        meeting=meeting_2015,
        award_type=flag(),
        province=Province.objects.get(code="19"),
        rationale="Hạng 1",
        departure_reason="không cần",
    )
    assert leader.departure_reason == ""  # the leading unit needs no reason


def test_a_round_sent_twice_is_recorded_once(meeting_2015):
    meeting = ready_for_ballot(meeting_2015)
    leader = Nomination.objects.get(emulation_year=meeting.emulation_year, award_type__code="flag")
    counts = {"issued": 7, "returned": 7, "valid": 7, "invalid": 0, "votes": {leader.pk: 7}, "expected_number": 1}
    services.ballot_round_record(meeting=meeting, award_type=flag(), **counts)
    with pytest.raises(ValidationError, match="đã được ghi nhận"):
        services.ballot_round_record(meeting=meeting, award_type=flag(), **counts)
    assert BallotRound.objects.filter(meeting=meeting).count() == 1


def test_default_nominations_write_their_points_with_a_decimal_comma(meeting_2015):
    everyone_present(meeting_2015)
    meeting_2015.refresh_from_db()
    services.ranking_adopt(meeting=meeting_2015)
    services.nominations_propose_defaults(meeting=meeting_2015)
    flag_nomination = Nomination.objects.get(emulation_year=meeting_2015.emulation_year, award_type__code="flag")
    # Prose: a decimal comma and no trailing zeros ("99,5", "100").
    assert re.fullmatch(r"Xếp thứ 1 với \d+(,\d*[1-9])? điểm thống nhất trong năm 2015\.", flag_nomination.rationale)
