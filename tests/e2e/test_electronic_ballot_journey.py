"""The electronic secret ballot in the meeting room of 2015 (issue 13 point 7): the meeting is
ready (through the services: attendance, committee, ranking, nominations are not the point
here), the chair opens the flag's electronic round on its console, the codes are issued
through the service, the projector shows the live screen, three delegates vote on phones
(390 × 844) with `/vote/#CODE` (one blank), the screen counts the ballots received without any
partial result, the chair closes the round on the console (after its confirmation page), the
screen shows the result with the rule applied, and a spent code is refused in Vietnamese."""

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from awards import checkin, electronic, services
from awards.models import FLAG, AwardType, ElectronicBallot, Nomination
from cluster import selectors as cluster_selectors
from cluster.demo import DEMO_PASSWORD
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
    # The chair opens the round on the console of the flag's electronic ballot.
    console_context = browser.new_context(
        base_url=live_server.url, locale="vi-VN", viewport={"width": 1366, "height": 768}
    )
    console = console_context.new_page()
    console.set_default_timeout(15000)
    console.goto("/login/")
    console.get_by_label("Tên đăng nhập").fill("bacgiang")
    console.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    console.get_by_role("button", name="Đăng nhập").click()
    console.goto(f"/clusters/{meeting_2015.emulation_year.cluster_id}/years/2015/meeting/electronic/{FLAG}/")
    console.locator('form:has(input[name="action"][value="open"]) button[type="submit"]').click()
    expect(console.locator('input[name="action"][value="close"]')).to_have_count(1)
    ballot = ElectronicBallot.objects.get(meeting=meeting_2015, award_type=flag, closed_at__isnull=True)
    # The codes come from the service (the console prints them as a PDF of QR slips).
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
    console.locator('form:has(input[name="action"][value="close"]) button[type="submit"]').click()
    # Closing asks for a confirmation first (no code can vote after it), then counts.
    console.locator('form:has(input[name="confirmed"][value="1"]) button[type="submit"]').click()
    expect(console.locator('input[name="action"][value="close"]')).to_have_count(0)
    console_context.close()
    ballot.refresh_from_db()
    assert not ballot.is_open
    record = ballot.ballot_round
    assert (record.returned, record.valid, record.blank) == (3, 3, 1)
    results = page.get_by_test_id("screen-results")
    expect(results).to_contain_text(candidate.province.name, timeout=10000)
    expect(results).to_contain_text(f"2/{present}")  # the rule applied: votes / base = percent, against the threshold
    expect(results).to_contain_text("%")
    expect(page.get_by_test_id("screen-count")).to_have_count(0)
    screenshot("electronic-ballot-screen-result")
