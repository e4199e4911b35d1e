"""The review meeting as its users see it: the console, the forms that refuse bad input
and keep what was typed, re-opening a year, recording the government's decision."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from awards import services
from awards.enums import NominationStatus
from awards.models import AwardQuota, AwardType, BallotRound, Delegate, Nomination, ReviewMeeting
from cluster.models import EmulationYear
from covenants import services as covenant_services
from provinces.models import Province
from tests.awards.test_services import everyone_present, ready_for_ballot


def text(response):
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def field_error(page, name):
    """The error shown under the field `name` (crispy's invalid-feedback), '' when none."""
    match = re.search(rf'<div id="id_{name}_error" class="invalid-feedback">(.*?)</div>', page)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""


def django_vi(message, **params):
    with translation.override("vi"):
        return translation.gettext(message) % params if params else translation.gettext(message)


def console(client, cluster_id, year):
    return text(client.get(reverse("awards:console", args=[cluster_id, year])))


# --- The console -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["yenbai", "phutho", "thainguyen"])
def test_the_2014_console_shows_the_whole_meeting(client, full_demo, demo_user, who):
    client.force_login(demo_user(who))
    page = console(client, full_demo.pk, 2014)
    assert page.count('data-done="yes"') == 10 and 'data-done="no"' not in page
    committee = page[page.index('data-testid="committee"') : page.index("</ul>", page.index('data-testid="committee"'))]
    assert committee.index("Nguyễn Đức Mạnh, Trưởng Ban Thi đua - Khen thưởng tỉnh Phú Thọ") < committee.index(
        "Dương Văn Hùng, Trưởng Ban Thi đua - Khen thưởng tỉnh Thái Nguyên"
    )  # the head first
    assert "Khóa sổ năm thi đua" in page and "đã xong" in page and "chưa làm" not in page
    assert 'data-testid="meeting-time">08:00 04/03/2015 – 11:30 04/03/2015<' in page
    assert '<dd class="col-sm-8">Trụ sở UBND tỉnh Phú Thọ</dd>' in page
    assert '<dd class="col-sm-8">Phú Thọ</dd>' in page  # host
    assert "Chu Ngọc Anh, Chủ tịch UBND tỉnh Phú Thọ" in page
    assert "Đủ điều kiện tiến hành" in page and "Trần Thị Hà" in page
    nominations = page[
        page.index('data-testid="nominations"') : page.index("</table>", page.index('data-testid="nominations"'))
    ]
    assert re.search(
        r"<td>Cờ thi đua của Chính phủ</td><td>Thái Nguyên</td><td>1</td> <td>Được cụm đề nghị", nominations
    )
    assert re.search(
        r"<td>Bằng khen của Thủ tướng Chính phủ</td><td>Phú Thọ</td><td>2</td> <td>Được cụm đề nghị", nominations
    )
    assert "<strong>Thái Nguyên</strong>: 6/7 = 85,7% > 50% trên tổng số thành viên → được suy tôn" in page
    assert "<strong>Phú Thọ</strong>: 7/7 = 100% > 50% trên tổng số thành viên → được suy tôn" in page
    assert "Đã khóa sổ ngày" in page
    # Only 2014's chair records the government's decision on the proposals.
    decision_links = [
        reverse("awards:decision", args=[n.pk]) for n in Nomination.objects.filter(emulation_year__year=2014)
    ]
    assert all((f'href="{url}"' in page) is (who == "phutho") for url in decision_links)
    # Read-only for everyone: no button of the meeting's steps.
    for name in ("meeting_edit", "attendance", "ranking_adopt", "nominations", "next_term", "close_year"):
        assert reverse(f"awards:{name}", args=[full_demo.pk, 2014]) not in page, name


def next_step(page):
    return re.search(r'list-group-item-primary" data-step="(\w+)"', page).group(1)


def test_the_2015_console_before_anything_says_what_blocks_the_next_step(client, full_demo, demo_user):
    client.force_login(demo_user("bacgiang"))
    page = console(client, full_demo.pk, 2015)
    assert next_step(page) == "meeting"
    assert page.count('data-done="no"') == 10
    steps = page[page.index('data-testid="steps"') : page.index("</ol>")]
    assert (
        'Thiết lập hội nghị tổng kết</div> <div class="small text-muted">Chưa thiết lập hội nghị tổng kết.</div>'
        in steps
    )
    assert "Phải khóa việc chấm điểm của năm trước khi hội nghị thông qua kết quả xếp hạng." in steps
    close = steps[steps.index('data-step="close"') :]
    assert "Chưa có kết quả bỏ phiếu." in close  # the year closes after the results, not just "it is open"
    assert f'href="{reverse("awards:meeting_edit", args=[full_demo.pk, 2015])}">Thiết lập hội nghị</a>' in page


def test_once_the_meeting_is_set_up_the_attendance_is_next(client, meeting_2015, demo_user):
    client.force_login(demo_user("bacgiang"))
    page = console(client, meeting_2015.emulation_year.cluster_id, 2015)
    assert next_step(page) == "attendance"
    assert (
        "Thành phần tham dự và điều kiện tiến hành</div> "
        '<div class="small text-muted">Chưa xác nhận thành phần tham dự.</div>' in page
    )
    assert "Trụ sở UBND tỉnh Bắc Giang" in page and "08:00 10/03/2016" in page
    assert (
        f'href="{reverse("awards:attendance", args=[meeting_2015.emulation_year.cluster_id, 2015])}">'
        "Ghi nhận thành phần tham dự</a>" in page
    )


# --- The ballot form ------------------------------------------------------------------------------


def ballot_url(meeting, award="flag"):
    return reverse("awards:ballot", args=[meeting.emulation_year.cluster_id, meeting.emulation_year.year, award])


def flag_candidate(meeting):
    return Nomination.objects.get(emulation_year=meeting.emulation_year, award_type__code="flag")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        pytest.param(
            {"issued": "bảy", "votes": "sáu"},
            {"issued": "Hãy nhập số phiếu là một số nguyên.", "votes": "Hãy nhập số phiếu là một số nguyên."},
            id="letters",
        ),
        pytest.param(
            {"invalid": "-1", "votes": "-2"},
            {"invalid": "Số phiếu không được là số âm.", "votes": "Số phiếu không được là số âm."},
            id="negative",
        ),
    ],
)
def test_ballot_form_shows_field_errors_keeps_the_typed_values_and_stores_nothing(
    client, meeting_2015, demo_user, typed, expected
):
    meeting = ready_for_ballot(meeting_2015)
    candidate = flag_candidate(meeting)
    data = {"issued": "7", "returned": "7", "valid": "7", "invalid": "0", "votes": "6", **typed}
    post = {k: v for k, v in data.items() if k != "votes"} | {
        f"votes_{candidate.pk}": data["votes"],
        "confirm": "on",
        "round_number": "1",
        "correction_reason": "",
    }
    client.force_login(demo_user("bacgiang"))
    response = client.post(ballot_url(meeting), post)
    page = text(response)
    assert response.status_code == 400
    for name, value in post.items():
        if name not in ("confirm", "correction_reason"):
            assert re.search(rf'name="{name}" value="{re.escape(value)}"', page), name
    for name, message in expected.items():
        field = f"votes_{candidate.pk}" if name == "votes" else name
        assert field_error(page, field) == message, name
        assert re.search(rf'name="{field}" value="[^"]*" [^>]*class="[^"]*is-invalid', page), name
    assert field_error(page, "returned") == ""
    assert not BallotRound.objects.filter(meeting=meeting).exists()
    assert Nomination.objects.get(pk=candidate.pk).status == NominationStatus.CANDIDATE


def test_ballot_form_refuses_more_ballots_returned_than_issued(client, meeting_2015, demo_user):
    meeting = ready_for_ballot(meeting_2015)
    candidate = flag_candidate(meeting)
    client.force_login(demo_user("bacgiang"))
    response = client.post(
        ballot_url(meeting),
        {
            "issued": "7",
            "returned": "8",
            "valid": "8",
            "invalid": "0",
            f"votes_{candidate.pk}": "6",
            "confirm": "on",
            "round_number": "1",
            "correction_reason": "",
        },
    )
    page = text(response)
    assert response.status_code == 400
    errors = page[page.index('data-testid="count-errors"') :]
    assert errors.startswith(
        'data-testid="count-errors"><div>Số phiếu thu vào (8) nhiều hơn số phiếu phát ra (7).</div>'
    )
    assert (
        'name="issued" value="7"' in page and 'name="returned" value="8"' in page and 'name="valid" value="8"' in page
    )
    assert f'name="votes_{candidate.pk}" value="6"' in page
    assert not BallotRound.objects.filter(meeting=meeting).exists()
    assert Nomination.objects.get(pk=candidate.pk).status == NominationStatus.CANDIDATE


def test_ballot_round_needs_the_confirmation_tick(client, meeting_2015, demo_user):
    meeting = ready_for_ballot(meeting_2015)
    candidate = flag_candidate(meeting)
    client.force_login(demo_user("bacgiang"))
    page = text(
        client.post(
            ballot_url(meeting),
            {
                "issued": "7",
                "returned": "7",
                "valid": "7",
                "invalid": "0",
                f"votes_{candidate.pk}": "6",
                "correction_reason": "",
            },
        )
    )
    assert field_error(page, "confirm") == "Hãy đánh dấu để xác nhận: vòng bỏ phiếu đã xác nhận thì không sửa được."
    assert not BallotRound.objects.filter(meeting=meeting).exists()


def test_a_correct_ballot_is_recorded_and_explained_on_the_console(client, meeting_2015, demo_user):
    meeting = ready_for_ballot(meeting_2015)
    candidate = flag_candidate(meeting)
    client.force_login(demo_user("bacgiang"))
    response = client.post(
        ballot_url(meeting),
        {
            "issued": "7",
            "returned": "7",
            "valid": "7",
            "invalid": "0",
            f"votes_{candidate.pk}": "6",
            "confirm": "on",
            "round_number": "1",
            "correction_reason": "",
        },
        follow=True,
    )
    page = text(response)
    assert "Đã ghi nhận và xác nhận vòng 1." in page
    assert "<strong>Thái Nguyên</strong>: 6/7 = 85,7% > 50% trên tổng số thành viên → được suy tôn" in page
    assert Nomination.objects.get(pk=candidate.pk).status == NominationStatus.PROPOSED


# --- Attendance ---------------------------------------------------------------------------------------


def test_a_delegation_present_without_delegates_is_refused_and_the_form_keeps_what_was_typed(
    client, meeting_2015, demo_user
):
    meeting = meeting_2015
    ids = dict(meeting.delegations.values_list("province__code", "province_id"))
    data = {f"present_{pk}": "on" for pk in ids.values()}
    data.update(
        {f"delegates_{pk}": f"Đại biểu {code} – Phó Chủ tịch UBND tỉnh" for code, pk in ids.items() if code != "15"}
    )
    data[f"delegates_{ids['15']}"] = "   "
    data["guests"] = "Trần Thị Hà – Thứ trưởng Bộ Nội vụ"
    client.force_login(demo_user("bacgiang"))
    page = text(client.post(reverse("awards:attendance", args=[meeting.emulation_year.cluster_id, 2015]), data))
    assert "Yên Bái được đánh dấu có mặt: hãy ghi ít nhất một đại biểu." in page
    assert re.search(rf'name="present_{ids["15"]}" id="id_present_{ids["15"]}" checked', page)
    assert ">Đại biểu 19 – Phó Chủ tịch UBND tỉnh</textarea>" in page
    assert "Trần Thị Hà – Thứ trưởng Bộ Nội vụ</textarea>" in page
    meeting = ReviewMeeting.objects.get(pk=meeting.pk)
    assert meeting.attendance_confirmed_at is None and meeting.quorum_met is None
    assert not meeting.delegations.filter(present=True).exists()
    assert not Delegate.objects.filter(delegation__meeting=meeting).exists() and not meeting.guests.exists()


def test_attendance_is_recorded_and_shown(client, meeting_2015, demo_user):
    meeting = meeting_2015
    ids = dict(meeting.delegations.values_list("province__code", "province_id"))
    data = {f"present_{pk}": "on" for pk in ids.values()}
    data.update({f"delegates_{pk}": f"Đại biểu {code} – Phó Chủ tịch UBND tỉnh" for code, pk in ids.items()})
    client.force_login(demo_user("bacgiang"))
    page = text(
        client.post(reverse("awards:attendance", args=[meeting.emulation_year.cluster_id, 2015]), data, follow=True)
    )
    assert "Đã xác nhận thành phần tham dự; hội nghị đủ điều kiện tiến hành." in page
    assert "Yên Bái: Đại biểu 15 (Phó Chủ tịch UBND tỉnh)" in page
    assert next_step(page) == "ranking"


# --- Re-opening, decisions -------------------------------------------------------------------------------


def test_reopening_2014_needs_a_reason(client, full_demo, demo_user):
    client.force_login(demo_user("admin"))
    url = reverse("awards:reopen_year", args=[full_demo.pk, 2014])
    page = text(client.post(url, {"reason": "  "}, follow=True))
    assert "Hãy nêu lý do mở lại năm thi đua." in page
    assert EmulationYear.objects.get(year=2014).is_closed
    assert "Đã khóa sổ ngày" in page and 'name="reason"' in page

    page = text(client.post(url, {"reason": "Sửa sai sót số liệu điểm của Yên Bái"}, follow=True))
    assert "Đã mở lại năm thi đua 2014." in page
    year = EmulationYear.objects.get(year=2014)
    assert not year.is_closed and year.history.first().history_change_reason == "Sửa sai sót số liệu điểm của Yên Bái"
    assert "Đã khóa sổ ngày" not in page and 'name="reason"' not in page
    assert (
        '<li class="list-group-item d-flex justify-content-between align-items-start list-group-item-primary" '
        'data-step="close" data-done="no">' in page
    )
    assert "Năm thi đua đang mở." in page
    assert f'action="{reverse("awards:close_year", args=[full_demo.pk, 2014])}"' in page
    # Re-opened, the chair of 2014 runs its meeting again.
    client.force_login(demo_user("phutho"))
    assert "Bạn chỉ được xem diễn biến hội nghị" not in console(client, full_demo.pk, 2014)


def test_the_decision_form_records_the_government_decision(client, full_demo, demo_user):
    flag = Nomination.objects.get(emulation_year__year=2014, award_type__code="flag")
    client.force_login(demo_user("phutho"))
    url = reverse("awards:decision", args=[flag.pk])
    page = text(client.get(url))
    assert "Cờ thi đua của Chính phủ: Thái Nguyên" in page and "Được cụm đề nghị" in page
    page = text(
        client.post(
            url,
            {
                "sent_on": "20/03/2015",
                "decision_number": "123/QĐ-TTg",
                "decision_date": "05/05/2015",
                "outcome": "awarded",
            },
            follow=True,
        )
    )
    assert "Đã cập nhật đề nghị của Thái Nguyên." in page
    assert 'Đã có quyết định<div class="small">Quyết định số 123/QĐ-TTg ngày 05/05/2015: Được khen thưởng</div>' in page
    flag.refresh_from_db()
    assert (
        flag.status,
        flag.decision_number,
        flag.decision_date.isoformat(),
        flag.sent_on.isoformat(),
        flag.outcome,
    ) == ("decided", "123/QĐ-TTg", "2015-05-05", "2015-03-20", "awarded")
    page = text(client.get(url))
    assert 'name="decision_date" value="05/05/2015"' in page and 'name="sent_on" value="20/03/2015"' in page


def test_the_decision_form_refuses_an_outcome_without_its_decision(client, full_demo, demo_user):
    flag = Nomination.objects.get(emulation_year__year=2014, award_type__code="flag")
    client.force_login(demo_user("admin"))
    page = text(
        client.post(
            reverse("awards:decision", args=[flag.pk]),
            {"decision_number": "123/QĐ-TTg", "decision_date": "2015/05/05", "outcome": "awarded"},
        )
    )
    assert field_error(page, "decision_date") == django_vi("Enter a valid date.")
    assert 'name="decision_number" value="123/QĐ-TTg"' in page
    flag.refresh_from_db()
    assert flag.status == NominationStatus.PROPOSED and flag.decision_number == ""


# --- Query count ---------------------------------------------------------------------------------------


def bigger_2015(meeting):
    """2015 with seven nominations and four rounds (a correction, a tie then a new round),
    its next term recorded and the 2016 covenant drawn up: everything but the closing."""
    year = meeting.emulation_year
    by_code = {p.code: p for p in Province.objects.filter(code__in=["06", "08", "15", "17", "19", "24", "25"])}
    flag, certificate = AwardType.objects.get(code="flag"), AwardType.objects.get(code="certificate")
    AwardQuota.objects.create(emulation_year=year, award_type=certificate, count=3)
    everyone_present(meeting)
    meeting.refresh_from_db()
    services.ranking_adopt(meeting=meeting)
    for award_type, codes in ((flag, ["19", "24", "25"]), (certificate, ["24", "25", "17", "08"])):
        for code in codes:
            services.nomination_save(
                meeting=meeting,
                award_type=award_type,
                province=by_code[code],
                rationale="Đề nghị",
                departure_reason="Hội nghị bỏ phiếu giữa các tỉnh",
            )
    services.nominations_confirm(meeting=meeting)
    meeting.refresh_from_db()
    n = {
        (x.award_type.code, x.province.code): x.pk
        for x in Nomination.objects.filter(emulation_year=year).select_related("award_type", "province")
    }
    counts = {"issued": 7, "returned": 7, "valid": 7, "invalid": 0}
    services.ballot_round_record(
        meeting=meeting, award_type=flag, votes={n["flag", "19"]: 6, n["flag", "24"]: 1, n["flag", "25"]: 0}, **counts
    )
    services.ballot_round_record(
        meeting=meeting,
        award_type=flag,
        votes={n["flag", "19"]: 5, n["flag", "24"]: 2, n["flag", "25"]: 0},
        correction_reason="Ban kiểm phiếu đếm lại",
        **counts,
    )
    tie = services.ballot_round_record(
        meeting=meeting,
        award_type=certificate,
        **counts,
        votes={
            n["certificate", "24"]: 7,
            n["certificate", "25"]: 6,
            n["certificate", "17"]: 4,
            n["certificate", "08"]: 4,
        },
    )
    assert tie.needs_new_round
    services.ballot_round_record(
        meeting=meeting, award_type=certificate, votes={n["certificate", "17"]: 5, n["certificate", "08"]: 2}, **counts
    )
    services.next_term_record(meeting=meeting, chair=by_code["06"], vice_chair=by_code["17"])
    covenant_services.covenant_create(
        emulation_year=EmulationYear.objects.get(year=2016), title="Giao ước thi đua năm 2016"
    )
    return year


def test_the_console_makes_the_same_number_of_queries_at_two_sizes(
    client, meeting_2015, demo_user, django_assert_num_queries
):
    """2014: two nominations, two rounds. 2015: seven nominations, four rounds. Seen by a member
    who may not record decisions (the per-row permission check must not query)."""
    client.force_login(demo_user("yenbai"))
    cluster_id = meeting_2015.emulation_year.cluster_id
    client.get(reverse("awards:console", args=[cluster_id, 2014]))  # warm the session
    with CaptureQueriesContext(connection) as small:
        page = text(client.get(reverse("awards:console", args=[cluster_id, 2014])))
    assert page.count('data-testid="round"') == 2
    year = bigger_2015(meeting_2015)
    assert Nomination.objects.filter(emulation_year=year).count() == 7
    with django_assert_num_queries(len(small)):
        page = text(client.get(reverse("awards:console", args=[cluster_id, 2015])))
    assert page.count('data-testid="round"') == 4 and "đính chính vòng 1" in page


def test_a_closing_time_before_the_start_is_refused_next_to_the_field(client, meeting_2015, demo_user):
    client.force_login(demo_user("bacgiang"))
    url = reverse("awards:meeting_edit", args=[meeting_2015.emulation_year.cluster_id, 2015])
    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(starts_at="10/03/2016 08:00", ends_at="10/03/2016 07:00", host_province=form["host_province"].value())
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["ends_at"] == ["Thời điểm kết thúc phải sau thời điểm bắt đầu."]
    assert 'value="10/03/2016 07:00"' in response.content.decode()
