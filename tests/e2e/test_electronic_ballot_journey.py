"""The electronic secret ballot in the meeting room of 2015 (issue 13 point 7): the meeting is
ready (through the services: attendance, committee, ranking, nominations are not the point
here), the chair opens the flag's electronic round and issues the codes, the projector shows
the live screen, three delegates vote on phones (390 × 844) with `/vote/#CODE` (one blank),
the screen counts the ballots received without any partial result, the chair closes the round,
the screen shows the result with the rule applied, and a spent code is refused."""

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from awards import checkin, electronic, services
from awards.models import FLAG, AwardType, Nomination
from cluster import selectors as cluster_selectors
from tests.e2e.conftest import SCREENSHOTS

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def meeting_ready_for_the_ballot(meeting, chair):
    year = meeting.emulation_year
    members = list(cluster_selectors.members_of(year))
    services.attendance_confirm(
        meeting=meeting,
        present={m.province_id for m in members},
        delegates={m.province_id: [(f"Đại biểu {m.province.name}", "Phó Chủ tịch UBND tỉnh")] for m in members},
        guests=[],
        user=chair,
    )
    people = list(cluster_selectors.people_of(year).filter(full_name__startswith="Đại biểu")[:2])
    services.counting_committee_elect(meeting=meeting, head=people[0], members=people[1:], user=chair)
    services.ranking_adopt(meeting=meeting, user=chair)
    services.nominations_propose_defaults(meeting=meeting, user=chair)
    services.nominations_confirm(meeting=meeting, user=chair)
    return len(members)


def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="vi-VN", viewport=PHONE, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def test_three_phones_vote_and_the_projector_follows(browser, live_server, meeting_2015, demo_user, screenshot, page):
    chair = demo_user("bacgiang")
    present = meeting_ready_for_the_ballot(meeting_2015, chair)
    flag = AwardType.objects.get(code=FLAG)
    candidate = Nomination.objects.get(emulation_year=meeting_2015.emulation_year, award_type=flag)
    ballot = electronic.electronic_ballot_open(meeting=meeting_2015, award_type=flag, user=chair)
    codes = electronic.ballot_codes_issue(ballot=ballot, count=present, user=chair)
    token = checkin.screen_link_renew(meeting=meeting_2015, user=chair)

    # The projector (no login): the round is open, nothing received, no result shown.
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"/screen/{token}/")
    count = page.get_by_test_id("screen-count")
    expect(count).to_contain_text(f"0/{present}")
    expect(page.get_by_test_id("screen-results")).to_have_count(0)

    for number, code in enumerate(codes[:3], start=1):
        context, delegate = phone(browser, live_server)
        delegate.goto(f"/vote/#{code}")  # what scanning the slip's QR code opens
        form = delegate.locator("#vote-form")
        expect(form).to_contain_text(candidate.province.name)
        assert code not in delegate.url  # the code left the address bar
        if number == 3:
            delegate.locator('input[name="blank"]').check()
        else:
            form.get_by_label(candidate.province.name).check()
        if number == 1:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            delegate.screenshot(path=str(SCREENSHOTS / "electronic-ballot-phone.png"), full_page=True)
        form.locator('button[type="submit"]').click()
        expect(delegate.get_by_test_id("vote-cast")).to_be_visible()
        context.close()
        # The screen updates itself (htmx every 2 s): received n of N, still no partial result.
        expect(count).to_contain_text(f"{number}/{present}", timeout=10000)
        expect(page.get_by_test_id("screen-results")).to_have_count(0)
    screenshot("electronic-ballot-screen-open")

    # A spent code used again is refused, in Vietnamese, and counts nothing.
    context, again = phone(browser, live_server)
    again.goto(f"/vote/#{codes[0]}")
    with translation.override("vi"):
        refused = gettext("This code has already voted. Each code votes once.")
    expect(again.locator("#id_code_error")).to_have_text(refused)
    context.close()
    ballot.refresh_from_db()
    assert ballot.codes_used == 3

    # The chair closes the round: the tally goes through the paper count's rules.
    record = electronic.electronic_ballot_close(ballot=ballot, user=chair)
    assert (record.returned, record.valid, record.blank) == (3, 3, 1)
    results = page.get_by_test_id("screen-results")
    expect(results).to_contain_text(candidate.province.name, timeout=10000)
    expect(results).to_contain_text(f"2/{present}")  # the rule applied: votes / base = percent, against the threshold
    expect(results).to_contain_text("%")
    expect(page.get_by_test_id("screen-count")).to_have_count(0)
    screenshot("electronic-ballot-screen-result")
