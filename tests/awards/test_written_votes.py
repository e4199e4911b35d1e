"""Absence and quorum as the law and the cluster say (domain.md §9): the quorum the rule set
asks for, absent members' written opinions from the attendance to the count and the
documents, the base "members present", and a tie the presiding chair's vote decides."""

import html
import re
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from awards import selectors, services
from awards.enums import NominationStatus
from awards.models import AwardType, BallotResult, BallotRound, Delegation, Nomination, ReviewMeeting, WrittenVote
from cluster import services as cluster_services
from cluster.enums import BallotTieRule, VoteBase
from cluster.models import RuleSet
from provinces.models import Province
from reports import services as report_services
from reports.enums import DocumentKind, ReportStatus
from tests.awards.test_services import elect_committee
from tests.reports.pdfcheck import pdf_text


def text(response):
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def field_error(page, name):
    match = re.search(rf'<div id="id_{name}_error" class="invalid-feedback[^"]*">(.*?)</div>', page)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""


def province(code):
    return Province.objects.get(code=code)


def award(code):
    return AwardType.objects.get(code=code)


def rules(meeting, **values):
    """Set the year's rules through the service, as the chair does before the meeting."""
    rule_set = RuleSet.objects.get(emulation_year=meeting.emulation_year)
    cluster_services.rule_set_update(rule_set=rule_set, data=values)
    meeting.emulation_year.refresh_from_db()
    return ReviewMeeting.objects.get(pk=meeting.pk)


def decree_98(meeting, **more):
    """≥ 80% of all members, written votes of absent members, as the decree's preset sets them."""
    rule_set = RuleSet.objects.get(emulation_year=meeting.emulation_year)
    cluster_services.rule_set_apply_preset(rule_set=rule_set, preset_key="decree_98_2023_art_30_7")
    return rules(meeting, quorum_percent=D("80"), **more)


def attendance(meeting, *, absent=(), written=None):
    delegations = list(meeting.delegations.select_related("province"))
    present = {d.province_id for d in delegations if d.province.code not in absent}
    meeting = services.attendance_confirm(
        meeting=meeting,
        present=present,
        delegates={d.province_id: [(f"Đại biểu {d.province.name}", "")] for d in delegations},
        guests=[],
        written=written,
    )
    if meeting.quorum_met:
        elect_committee(meeting)
    return meeting


def yen_bai_writes(flag=("19",), certificate=("24",), sent=True):
    """Yên Bái's written opinion: agrees to propose Thái Nguyên for the flag, Bắc Giang for the certificate."""
    return {
        province("15").pk: {
            "sent": sent,
            "choices": {
                award("flag").pk: {province(code).pk for code in flag},
                award("certificate").pk: {province(code).pk for code in certificate},
            },
        }
    }


def to_the_ballot(meeting):
    meeting = ReviewMeeting.objects.get(pk=meeting.pk)
    services.ranking_adopt(meeting=meeting)
    services.nominations_propose_defaults(meeting=meeting)
    services.nominations_confirm(meeting=ReviewMeeting.objects.get(pk=meeting.pk))
    return ReviewMeeting.objects.get(pk=meeting.pk)


def candidate(meeting, award_code, code):
    return Nomination.objects.get(
        emulation_year=meeting.emulation_year, award_type__code=award_code, province__code=code
    )


def explained(ballot_round):
    rule_set = RuleSet.objects.get(emulation_year=ballot_round.meeting.emulation_year)
    return {r.nomination.province.name: selectors.explain(r, rule_set) for r in ballot_round.results.all()}


# --- The quorum the rule set asks for -----------------------------------------------------------------


def test_the_console_says_how_many_must_be_present_once_the_meeting_is_set_up(client, meeting_2015, demo_user):
    rules(meeting_2015, quorum_percent=D("80"))
    client.force_login(demo_user("bacgiang"))
    console = reverse("awards:console", args=[meeting_2015.emulation_year.cluster_id, 2015])
    page = text(client.get(console))
    assert 'data-testid="quorum-requirement">Cần ít nhất 6/7 thành viên có mặt theo quy chế (≥ 80%).' in page
    attendance_page = text(
        client.get(reverse("awards:attendance", args=[meeting_2015.emulation_year.cluster_id, 2015]))
    )
    assert "Cần ít nhất 6/7 thành viên có mặt theo quy chế (≥ 80%)." in attendance_page
    attendance(meeting_2015, absent=("15",))
    page = text(client.get(console))
    assert "quorum-requirement" not in page and "Đủ điều kiện tiến hành" in page


def test_the_console_says_so_under_the_default_quorum_of_all_members(client, meeting_2015, demo_user):
    client.force_login(demo_user("yenbai"))
    page = text(client.get(reverse("awards:console", args=[meeting_2015.emulation_year.cluster_id, 2015])))
    assert "Cần ít nhất 7/7 thành viên có mặt theo quy chế (≥ 100%)." in page
    assert "Thành viên vắng mặt được gửi ý kiến bằng văn bản" not in page


@pytest.mark.parametrize(("quorum", "absent", "met"), [("80", ("15",), True), ("80", ("15", "17"), False)])
def test_the_quorum_is_a_share_of_all_members(meeting_2015, quorum, absent, met):
    meeting = attendance(rules(meeting_2015, quorum_percent=D(quorum)), absent=absent)
    assert meeting.quorum_met is met


# --- Written opinions at the attendance ----------------------------------------------------------------


def test_an_absent_member_s_written_opinion_is_recorded_with_the_attendance(meeting_2015):
    meeting = attendance(decree_98(meeting_2015), absent=("15",), written=yen_bai_writes())
    yen_bai = Delegation.objects.get(meeting=meeting, province__code="15")
    assert (yen_bai.present, yen_bai.written_opinion) == (False, True)
    assert sorted(yen_bai.written_votes.values_list("award_type__code", "province__name")) == [
        ("certificate", "Bắc Giang"),
        ("flag", "Thái Nguyên"),
    ]
    assert meeting.quorum_met is True
    # Confirmed again (before any ballot): replaced, never added twice.
    attendance(ReviewMeeting.objects.get(pk=meeting.pk), absent=("15",), written=yen_bai_writes())
    assert WrittenVote.objects.filter(delegation__meeting=meeting).count() == 2


@pytest.mark.parametrize(
    ("setup", "absent", "written", "field", "message"),
    [
        pytest.param(
            "decree",
            (),
            "yen_bai",
            "written_{yb}",
            "Yên Bái được đánh dấu có mặt: thành viên có mặt bỏ phiếu tại hội nghị, không gửi ý kiến bằng văn bản.",
            id="present-member-writes",
        ),
        pytest.param(
            "decree",
            ("15",),
            "two_for_the_flag",
            "written_{yb}_flag",
            "Ý kiến bằng văn bản của Yên Bái nêu 2 thành viên cho Cờ thi đua của Chính phủ: tối đa 1, "
            "bằng số suất đề nghị của năm.",
            id="more-than-the-seats",
        ),
        pytest.param(
            "decree",
            ("15",),
            "not_ticked",
            "written_{yb}",
            "Hãy đánh dấu Yên Bái đã gửi ý kiến bằng văn bản, hoặc bỏ chọn các thành viên được nêu.",
            id="choices-without-the-tick",
        ),
        pytest.param(
            "default",
            ("15",),
            "yen_bai",
            "__all__",
            "Bộ quy tắc năm 2015 không cho phép ý kiến bằng văn bản: chỉ ghi nhận thành viên có mặt.",
            id="rule-set-refuses",
        ),
    ],
)
def test_a_wrong_written_opinion_is_refused_and_nothing_is_recorded(
    meeting_2015, setup, absent, written, field, message
):
    meeting = decree_98(meeting_2015) if setup == "decree" else meeting_2015
    opinions = {
        "yen_bai": yen_bai_writes(),
        "two_for_the_flag": yen_bai_writes(flag=("19", "25")),
        "not_ticked": yen_bai_writes(sent=False),
    }[written]
    with pytest.raises(ValidationError) as refused:
        attendance(meeting, absent=absent, written=opinions)
    assert refused.value.message_dict[field.format(yb=province("15").pk)] == [message]
    meeting = ReviewMeeting.objects.get(pk=meeting.pk)
    assert meeting.attendance_confirmed_at is None
    assert not Delegation.objects.filter(meeting=meeting, present=True).exists()
    assert not Delegation.objects.filter(meeting=meeting, written_opinion=True).exists()
    assert not WrittenVote.objects.exists()


def test_the_database_never_lets_a_present_member_vote_in_writing(meeting_2015):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Delegation.objects.filter(meeting=meeting_2015, province__code="15").update(present=True, written_opinion=True)


def attendance_post(meeting, *, absent=(), extra=None):
    ids = dict(meeting.delegations.values_list("province__code", "province_id"))
    data = {f"present_{pk}": "on" for code, pk in ids.items() if code not in absent}
    data.update({f"delegates_{pk}": f"Đại biểu {code}" for code, pk in ids.items() if code not in absent})
    data.update(extra or {})
    return ids, data


def test_the_attendance_page_records_written_opinions_and_refuses_bad_ones_next_to_the_field(
    client, meeting_2015, demo_user
):
    meeting = decree_98(meeting_2015)
    url = reverse("awards:attendance", args=[meeting.emulation_year.cluster_id, 2015])
    client.force_login(demo_user("bacgiang"))
    page = text(client.get(url))
    assert "Ý kiến bằng văn bản của thành viên vắng mặt" in page and "tối đa 1" in page
    ids, data = attendance_post(
        meeting,
        absent=("15",),
        extra={
            f"written_{province('15').pk}": "on",
            f"written_{province('15').pk}_flag": [str(province("19").pk), str(province("25").pk)],
        },
    )
    page = text(client.post(url, data))
    assert field_error(page, f"written_{ids['15']}_flag") == (
        "Ý kiến bằng văn bản của Yên Bái nêu 2 thành viên cho Cờ thi đua của Chính phủ: tối đa 1, "
        "bằng số suất đề nghị của năm."
    )
    assert re.search(rf'name="written_{ids["15"]}_flag" value="{ids["25"]}"[^>]*checked', page)  # kept as typed
    assert ReviewMeeting.objects.get(pk=meeting.pk).attendance_confirmed_at is None
    data[f"written_{ids['15']}_flag"] = [str(ids["19"])]
    page = text(client.post(url, data, follow=True))
    assert "Đã xác nhận thành phần tham dự; hội nghị đủ điều kiện tiến hành." in page
    assert (
        'Yên Bái: <span class="text-danger">vắng mặt</span>, gửi ý kiến bằng văn bản: '
        "Cờ thi đua của Chính phủ – Thái Nguyên</li>" in page
    )


def test_without_written_votes_the_attendance_page_asks_nothing_of_them(client, meeting_2015, demo_user):
    client.force_login(demo_user("bacgiang"))
    page = text(client.get(reverse("awards:attendance", args=[meeting_2015.emulation_year.cluster_id, 2015])))
    assert "written-opinions" not in page and "Gửi ý kiến bằng văn bản" not in page


# --- Written votes in the count ------------------------------------------------------------------------


def flag_round(meeting, votes, *, issued=6, valid=6, invalid=0, **kwargs):
    return services.ballot_round_record(
        meeting=meeting,
        award_type=award("flag"),
        issued=issued,
        returned=valid + invalid,
        valid=valid,
        invalid=invalid,
        votes=votes,
        **kwargs,
    )


def test_a_written_vote_counts_once_in_the_ballot_and_the_explanation_says_so(meeting_2015):
    meeting = to_the_ballot(attendance(decree_98(meeting_2015), absent=("15",), written=yen_bai_writes()))
    thai_nguyen = candidate(meeting, "flag", "19")
    ballot_round = flag_round(meeting, {thai_nguyen.pk: 5})  # 5 of the 6 ballots at the meeting
    result = BallotResult.objects.get(ballot_round=ballot_round)
    assert (result.votes, result.written_votes, result.base, result.percent) == (6, 1, 7, D("85.7"))
    assert ballot_round.written_ballots == 1 and result.elected
    assert explained(ballot_round) == {
        "Thái Nguyên": "6/7 = 85,7% ≥ 80% trên tổng số thành viên, trong đó có 1 ý kiến bằng văn bản → được suy tôn"
    }
    assert Nomination.objects.get(pk=thai_nguyen.pk).status == NominationStatus.PROPOSED


def test_without_the_written_vote_the_same_ballots_fall_short(meeting_2015):
    meeting = to_the_ballot(attendance(decree_98(meeting_2015), absent=("15",)))
    thai_nguyen = candidate(meeting, "flag", "19")
    ballot_round = flag_round(meeting, {thai_nguyen.pk: 5})
    assert explained(ballot_round) == {"Thái Nguyên": "5/7 = 71,4% < 80% trên tổng số thành viên → không được suy tôn"}
    assert Nomination.objects.get(pk=thai_nguyen.pk).status == NominationStatus.NOT_PROPOSED


def test_a_written_opinion_for_a_member_not_on_the_ballot_counts_for_nobody(meeting_2015):
    meeting = to_the_ballot(attendance(decree_98(meeting_2015), absent=("15",), written=yen_bai_writes(flag=("25",))))
    ballot_round = flag_round(meeting, {candidate(meeting, "flag", "19").pk: 6})
    result = BallotResult.objects.get(ballot_round=ballot_round)
    assert (result.votes, result.written_votes, ballot_round.written_ballots) == (6, 0, 1)


def test_under_valid_ballots_a_written_opinion_is_one_more_ballot(meeting_2015):
    meeting = decree_98(meeting_2015, vote_base=VoteBase.VALID_BALLOTS)
    meeting = to_the_ballot(attendance(meeting, absent=("15",), written=yen_bai_writes()))
    ballot_round = flag_round(meeting, {candidate(meeting, "flag", "19").pk: 4}, valid=5, invalid=1)
    assert explained(ballot_round) == {
        "Thái Nguyên": "5/6 = 83,3% ≥ 80% trên số phiếu hợp lệ, trong đó có 1 ý kiến bằng văn bản → được suy tôn"
    }


def test_the_base_of_members_present(meeting_2015):
    meeting = rules(meeting_2015, quorum_percent=D("80"), vote_threshold_percent=D("60"), vote_base=VoteBase.PRESENT)
    meeting = to_the_ballot(attendance(meeting, absent=("15",)))
    ballot_round = flag_round(meeting, {candidate(meeting, "flag", "19").pk: 4})
    assert explained(ballot_round) == {"Thái Nguyên": "4/6 = 66,7% > 60% trên số thành viên có mặt → được suy tôn"}


def test_the_rule_set_refuses_written_votes_under_the_base_of_members_present(meeting_2015):
    rule_set = RuleSet.objects.get(emulation_year=meeting_2015.emulation_year)
    with pytest.raises(ValidationError) as refused:
        cluster_services.rule_set_update(
            rule_set=rule_set, data={"written_votes_allowed": True, "vote_base": VoteBase.PRESENT}
        )
    assert "Với cơ sở tính “trên số thành viên có mặt”" in refused.value.message_dict["written_votes_allowed"][0]
    rule_set.refresh_from_db()
    assert (rule_set.written_votes_allowed, rule_set.vote_base) == (False, VoteBase.MEMBERS)


def test_the_documents_print_the_written_opinion(meeting_2015, demo_user):
    meeting = to_the_ballot(attendance(decree_98(meeting_2015), absent=("15",), written=yen_bai_writes()))
    ballot_round = flag_round(meeting, {candidate(meeting, "flag", "19").pk: 5})
    year = meeting.emulation_year

    def made(kind, **kwargs):
        report = report_services.report_request(kind=kind, emulation_year=year, user=demo_user("bacgiang"), **kwargs)
        assert report.status == ReportStatus.DONE, report.error
        return re.sub(r"\s+", " ", pdf_text(report.file.read()))

    minutes = made(DocumentKind.MINUTES)
    for expected in [
        "Tỉnh Yên Bái: vắng mặt (gửi ý kiến bằng văn bản).",
        "căn cứ Nghị định 98/2023/NĐ-CP, Điều 30 khoản 7",
        "thành viên vắng mặt được gửi ý kiến bằng văn bản",
        "Tỉnh Yên Bái vắng mặt, gửi ý kiến bằng văn bản: đồng ý đề nghị tỉnh Thái Nguyên (Cờ thi đua của Chính phủ)",
        "đồng ý đề nghị tỉnh Bắc Giang (Bằng khen của Thủ tướng Chính phủ)",
        "Tỉnh Thái Nguyên đạt 6/7 phiếu (85,7%), trong đó 1 ý kiến bằng văn bản, được suy tôn đề nghị "
        "Chính phủ tặng Cờ thi đua.",
    ]:
        assert expected in minutes, expected
    record = made(DocumentKind.BALLOT_RECORD, ballot_round=ballot_round)
    for expected in [
        "Số đoàn đại biểu thành viên có mặt: 6/7.",
        "Tỉnh Yên Bái vắng mặt, gửi ý kiến bằng văn bản: đồng ý đề nghị tỉnh Thái Nguyên.",
        "Số ý kiến bằng văn bản được tính 1",
        "6/7 (trong đó 1 ý kiến bằng văn bản)",
    ]:
        assert expected in record, expected
    assert "đề nghị tỉnh Bắc Giang" not in record  # the flag's record names the flag's choice only


def test_the_ballot_form_shows_the_written_opinions_it_adds(client, meeting_2015, demo_user):
    meeting = to_the_ballot(attendance(decree_98(meeting_2015), absent=("15",), written=yen_bai_writes()))
    client.force_login(demo_user("bacgiang"))
    page = text(client.get(reverse("awards:ballot", args=[meeting.emulation_year.cluster_id, 2015, "flag"])))
    assert "Chỉ nhập số phiếu bầu tại hội nghị." in page
    assert "<li>Yên Bái: Thái Nguyên</li>" in page


# --- A tie the presiding chair's vote decides ---------------------------------------------------------------


def tied_flag(meeting_2015):
    """Thái Nguyên and Phú Thọ for one flag, ≥ 40% of valid ballots, ties go to the presiding chair."""
    meeting = rules(
        meeting_2015,
        vote_threshold_percent=D("40"),
        vote_threshold_strict=False,
        vote_base=VoteBase.VALID_BALLOTS,
        ballot_tie_rule=BallotTieRule.CHAIR_VOTE,
    )
    attendance(meeting)
    meeting = ReviewMeeting.objects.get(pk=meeting.pk)
    services.ranking_adopt(meeting=meeting)
    services.nominations_propose_defaults(meeting=meeting)
    services.nomination_save(
        meeting=meeting,
        award_type=award("flag"),
        province=province("25"),
        rationale="Dẫn đầu phong trào thi đua",
        departure_reason="Hội nghị thống nhất đưa vào danh sách bỏ phiếu",
    )
    services.nominations_confirm(meeting=ReviewMeeting.objects.get(pk=meeting.pk))
    return ReviewMeeting.objects.get(pk=meeting.pk)


def test_a_tie_waits_for_the_presiding_chair_s_choice_then_it_decides(meeting_2015):
    meeting = tied_flag(meeting_2015)
    thai_nguyen, phu_tho = candidate(meeting, "flag", "19"), candidate(meeting, "flag", "25")
    votes = {thai_nguyen.pk: 3, phu_tho.pk: 3}
    with pytest.raises(ValidationError) as refused:
        flag_round(meeting, votes, issued=7, valid=6, invalid=1)
    (message,) = refused.value.message_dict["chair_choice"]
    assert "bằng phiếu tại ngưỡng, cùng 3 phiếu: hãy chọn ứng viên mà người chủ trì hội nghị đã chọn." in message
    assert "Thái Nguyên" in message and "Phú Thọ" in message
    assert not BallotRound.objects.filter(meeting=meeting).exists()
    with pytest.raises(ValidationError) as refused:
        flag_round(meeting, votes, issued=7, valid=6, invalid=1, chair_choice={thai_nguyen.pk, phu_tho.pk})
    assert "chair_choice" in refused.value.message_dict
    ballot_round = flag_round(meeting, votes, issued=7, valid=6, invalid=1, chair_choice={phu_tho.pk})
    assert not ballot_round.needs_new_round
    assert explained(ballot_round) == {
        "Phú Thọ": "3/6 = 50% ≥ 40% trên số phiếu hợp lệ → được suy tôn "
        "(bằng phiếu, theo ý kiến của người chủ trì hội nghị)",
        "Thái Nguyên": "3/6 = 50% ≥ 40% trên số phiếu hợp lệ → không được suy tôn "
        "(bằng phiếu, theo ý kiến của người chủ trì hội nghị)",
    }
    assert set(
        BallotResult.objects.filter(ballot_round=ballot_round, decided_by_chair=True).values_list(
            "nomination__province__code", "elected"
        )
    ) == {("25", True), ("19", False)}
    assert Nomination.objects.get(pk=phu_tho.pk).status == NominationStatus.PROPOSED
    assert Nomination.objects.get(pk=thai_nguyen.pk).status == NominationStatus.NOT_PROPOSED


def test_a_chair_s_choice_without_a_tie_is_refused(meeting_2015):
    meeting = tied_flag(meeting_2015)
    thai_nguyen, phu_tho = candidate(meeting, "flag", "19"), candidate(meeting, "flag", "25")
    with pytest.raises(ValidationError) as refused:
        flag_round(meeting, {thai_nguyen.pk: 4, phu_tho.pk: 2}, issued=7, valid=6, invalid=1, chair_choice={phu_tho.pk})
    assert refused.value.message_dict["chair_choice"] == [
        "Không có trường hợp bằng phiếu tại ngưỡng cần ý kiến của người chủ trì hội nghị: hãy để trống lựa chọn này."
    ]
    assert not BallotRound.objects.filter(meeting=meeting).exists()


def test_the_ballot_form_asks_for_the_chair_s_choice_next_to_the_field(client, meeting_2015, demo_user):
    meeting = tied_flag(meeting_2015)
    thai_nguyen, phu_tho = candidate(meeting, "flag", "19"), candidate(meeting, "flag", "25")
    url = reverse("awards:ballot", args=[meeting.emulation_year.cluster_id, 2015, "flag"])
    data = {
        "issued": "7",
        "returned": "7",
        "valid": "6",
        "invalid": "1",
        f"votes_{thai_nguyen.pk}": "3",
        f"votes_{phu_tho.pk}": "3",
        "confirm": "on",
        "correction_reason": "",
        "round_number": "1",
    }
    client.force_login(demo_user("bacgiang"))
    assert "Lựa chọn của người chủ trì hội nghị" in text(client.get(url))
    response = client.post(url, data)
    page = text(response)
    assert response.status_code == 400
    assert "bằng phiếu tại ngưỡng, cùng 3 phiếu: hãy chọn ứng viên mà người chủ trì hội nghị đã chọn." in field_error(
        page, "chair_choice"
    )
    assert f'name="votes_{phu_tho.pk}" value="3"' in page
    assert not BallotRound.objects.filter(meeting=meeting).exists()
    page = text(client.post(url, {**data, "chair_choice": [str(phu_tho.pk)]}, follow=True))
    assert "Đã ghi nhận và xác nhận vòng 1." in page
    assert (
        "<strong>Phú Thọ</strong>: 3/6 = 50% ≥ 40% trên số phiếu hợp lệ → được suy tôn "
        "(bằng phiếu, theo ý kiến của người chủ trì hội nghị)" in page
    )


def test_without_the_chair_s_vote_rule_the_form_has_no_such_field(client, meeting_2015, demo_user):
    meeting = to_the_ballot(attendance(meeting_2015))
    client.force_login(demo_user("bacgiang"))
    page = text(client.get(reverse("awards:ballot", args=[meeting.emulation_year.cluster_id, 2015, "flag"])))
    assert "chair_choice" not in page
