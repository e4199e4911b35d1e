"""The review meeting of 2015, in Vietnamese: the chair (Bắc Giang's staff) sets up the
meeting, records the attendance (first without Yên Bái: no quorum, then all seven with
their delegates and a guest), adopts the ranking, nominates from it and adds Hòa Bình for
the certificate, elects the vote-counting committee among the people present (refused with
its head alone), records the flag round, a refused and then a tied certificate round and
the second round between the tied, elects 2016's chair and vice-chair, draws up the 2016
covenant, which each member signs picking its leader among the people of 2016, and closes
2015; the closed year then refuses changes with a 403 page."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from awards.enums import NominationStatus
from awards.models import BallotRound, Delegate, Guest, Nomination, ReviewMeeting
from cluster.demo import ADMIN_PASSWORD, DEMO_PASSWORD
from cluster.demo import PROVINCES as DEMO_PROVINCES
from cluster.enums import Role
from cluster.models import EmulationYear, Membership, Person, RuleSet
from covenants.models import Covenant, CovenantStatus
from scoring.models import Scorecard

pytestmark = pytest.mark.django_db(transaction=True)

FLAG = "Cờ thi đua của Chính phủ"
CERTIFICATE = "Bằng khen của Thủ tướng Chính phủ"
#: Province → "Full name – post" lines of its delegation (fictional demo names).
DELEGATIONS = {
    "Bắc Giang": "Nguyễn Văn An – Phó Chủ tịch UBND tỉnh Bắc Giang\nĐỗ Thị Lan – Trưởng ban Thi đua - Khen thưởng tỉnh",
    "Bắc Kạn": "Trần Thị Bình – Phó Chủ tịch UBND tỉnh Bắc Kạn",
    "Hòa Bình": "Lê Văn Cường – Phó Chủ tịch UBND tỉnh Hòa Bình",
    "Phú Thọ": "Chu Ngọc Anh – Chủ tịch UBND tỉnh Phú Thọ",
    "Thái Nguyên": "Phạm Thị Dung – Phó Chủ tịch UBND tỉnh Thái Nguyên",
    "Tuyên Quang": "Hoàng Văn Đức – Phó Chủ tịch UBND tỉnh Tuyên Quang",
    "Yên Bái": "Vũ Thị Giang – Phó Chủ tịch UBND tỉnh Yên Bái",
}
GUEST = "Trần Thị Hà – Phó Trưởng Ban Thi đua - Khen thưởng Trung ương"
#: The vote-counting committee the meeting elects (the head first), among 2015's people.
COMMITTEE = [
    "Đỗ Thị Hạnh – Trưởng Ban Thi đua - Khen thưởng tỉnh Bắc Giang",
    "Nông Thị Mai – Trưởng Ban Thi đua - Khen thưởng tỉnh Tuyên Quang",
    "Hà Văn Nam – Trưởng Ban Thi đua - Khen thưởng tỉnh Yên Bái",
]
COMMITMENT = "Tham gia đầy đủ các hoạt động của Cụm, gửi báo cáo đúng thời hạn theo quy chế."
SIGNERS = {name: lines.splitlines()[0].split(" – ") for name, lines in DELEGATIONS.items()}


@pytest.fixture
def year_2015(year_2015):
    """2015 scored, agreed and locked (tests/demo_levels.py), with two certificates allowed."""
    RuleSet.objects.filter(emulation_year=year_2015).update(certificate_quota=2)
    return year_2015


def field(page, label):
    """The field labelled `label` (crispy adds "*" to required fields' labels)."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def alert(page):
    return page.get_by_role("alert")


def step(page, key):
    return page.locator(f'[data-testid="steps"] [data-step="{key}"]')


def fill_round(page, *, issued, returned, valid, invalid, votes):
    field(page, "Số phiếu phát ra").fill(str(issued))
    field(page, "Số phiếu thu vào").fill(str(returned))
    field(page, "Số phiếu hợp lệ").fill(str(valid))
    field(page, "Số phiếu không hợp lệ").fill(str(invalid))
    for province, count in votes.items():
        field(page, f"Số phiếu bầu cho {province}").fill(str(count))
    field(page, "Đây là các số liệu trong biên bản kiểm phiếu của ban kiểm phiếu.").check()
    page.get_by_role("button", name="Ghi nhận và xác nhận vòng bỏ phiếu").click()


def rounds(page):
    return page.get_by_test_id("round")


def signed_in(browser, base_url, username, password=DEMO_PASSWORD):
    """Another person's browser, signed in."""
    context = browser.new_context(base_url=base_url, locale="vi-VN", viewport={"width": 1280, "height": 900})
    other = context.new_page()
    other.set_default_timeout(15000)
    other.goto("/login/")
    other.get_by_label("Tên đăng nhập").fill(username)
    other.get_by_label("Mật khẩu").fill(password)
    other.get_by_role("button", name="Đăng nhập").click()
    return context, other


def sign_own_row(browser, base_url, covenant_url, username, province, name, post):
    """A member's staff sign their own row of the covenant, in a browser of their own."""
    context, member = signed_in(browser, base_url, username)
    member.goto(covenant_url)
    rows = member.get_by_test_id("signatories").get_by_role("row")
    expect(rows.get_by_role("link", name="Sửa")).to_have_count(1)  # its own row, nobody else's
    rows.filter(has_text=province).get_by_role("link", name="Sửa").click()
    expect(member.get_by_role("heading", name=f"Chữ ký của {province}")).to_be_visible()
    # 2016 started with a copy of 2015's people: the member picks its leader, typed nowhere.
    field(member, "Người đại diện").select_option(label=f"{name} – {post}")
    field(member, "Đã ký").check()
    field(member, "Ngày ký").fill("10/03/2016")
    member.get_by_role("button", name="Lưu").click()
    expect(alert(member).filter(has_text=f"Đã ghi nhận chữ ký của {province}.")).to_be_visible()
    context.close()


USERNAMES = {name: username for _code, name, _successor, username in DEMO_PROVINCES if username}


def test_chair_runs_the_2015_review_meeting_to_closing(page, login, screenshot, year_2015, browser, live_server):
    cluster = year_2015.cluster

    # 1. The chair opens the meeting tab of 2015 and sets the meeting up.
    login("bacgiang", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Năm thi đua 2015")).to_be_visible()
    page.get_by_role("link", name="Hội nghị tổng kết", exact=True).click()
    expect(step(page, "meeting")).to_have_attribute("data-done", "no")
    page.get_by_role("link", name="Thiết lập hội nghị").click()
    expect(field(page, "Địa điểm")).to_have_value("Trụ sở Ủy ban nhân dân tỉnh Bắc Giang")
    field(page, "Thời điểm bắt đầu").fill("10/03/2016 08:00")
    field(page, "Thời điểm kết thúc").fill("10/03/2016 11:30")
    field(page, "Địa điểm").fill("Trụ sở UBND tỉnh Bắc Giang, thành phố Bắc Giang")
    field(page, "Tỉnh đăng cai").select_option(label="Bắc Giang")
    # The presiding person and the secretary are picked among Bắc Giang's people, not typed.
    field(page, "Người chủ trì hội nghị").select_option(
        label="Nguyễn Văn An – Phó Chủ tịch UBND tỉnh Bắc Giang (Bắc Giang)"
    )
    field(page, "Thư ký").select_option(
        label="Trần Văn Bảo – Chuyên viên Ban Thi đua - Khen thưởng tỉnh Bắc Giang (Bắc Giang)"
    )
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_test_id("meeting-time")).to_have_text("08:00 10/03/2016 – 11:30 10/03/2016")
    expect(step(page, "meeting")).to_have_attribute("data-done", "yes")
    expect(page.locator("#meeting")).to_contain_text("Nguyễn Văn An, Phó Chủ tịch UBND tỉnh Bắc Giang")
    expect(page.locator("#meeting")).to_contain_text("Trần Văn Bảo, Chuyên viên Ban Thi đua - Khen thưởng tỉnh")

    # 2. Attendance without Yên Bái: recorded, but no quorum (the rule set asks 100%).
    page.get_by_role("link", name="Ghi nhận thành phần tham dự").click()
    # Each delegation's leader is ticked among the province's people; a new delegate is typed once.
    for province, lines in DELEGATIONS.items():
        if province != "Yên Bái":
            field(page, province).check()
            leader, *others = lines.splitlines()
            page.get_by_label(leader, exact=True).check()
            if others:
                field(page, f"Đại biểu khác của {province}").fill("\n".join(others))
    expect(field(page, "Yên Bái")).not_to_be_checked()
    page.get_by_role("button", name="Xác nhận thành phần tham dự").click()
    no_quorum = "Không đủ điều kiện tiến hành: có 6/7 thành viên có mặt, bộ quy tắc yêu cầu 100%."
    expect(alert(page).filter(has_text=no_quorum)).to_be_visible()
    expect(page.get_by_test_id("quorum")).to_have_text("Không đủ điều kiện tiến hành")
    expect(step(page, "attendance")).to_contain_text(no_quorum)
    expect(page.locator("#attendance")).to_contain_text("Yên Bái: vắng mặt")
    meeting = ReviewMeeting.objects.get(emulation_year=year_2015)
    assert meeting.quorum_met is False

    # ... then all seven, with their delegates and a guest.
    page.get_by_role("link", name="Ghi nhận thành phần tham dự").click()
    # The delegate typed the first time is now one of Bắc Giang's people, ticked like the leader.
    for line in DELEGATIONS["Bắc Giang"].splitlines():
        expect(page.get_by_label(line, exact=True)).to_be_checked()
    expect(field(page, "Đại biểu khác của Bắc Giang")).to_have_value("")
    field(page, "Yên Bái").check()
    page.get_by_label(DELEGATIONS["Yên Bái"], exact=True).check()
    field(page, "Khách mời khác").fill(GUEST)  # typed: she is already a central delegate of the year
    page.get_by_role("button", name="Xác nhận thành phần tham dự").click()
    expect(
        alert(page).filter(has_text="Đã xác nhận thành phần tham dự; hội nghị đủ điều kiện tiến hành.")
    ).to_be_visible()
    expect(page.get_by_test_id("quorum")).to_have_text("Đủ điều kiện tiến hành")
    expect(page.locator("#attendance")).to_contain_text("Yên Bái: Vũ Thị Giang (Phó Chủ tịch UBND tỉnh Yên Bái)")
    expect(page.locator("#attendance")).to_contain_text(GUEST)
    meeting.refresh_from_db()
    assert meeting.quorum_met is True
    assert meeting.delegations.filter(present=True).count() == 7
    assert Delegate.objects.filter(delegation__meeting=meeting).count() == 8
    assert not Delegate.objects.filter(delegation__meeting=meeting, person=None).exists()
    assert Person.objects.get(emulation_year=year_2015, full_name="Đỗ Thị Lan").province.name == "Bắc Giang"
    guest = Guest.objects.get(meeting=meeting)
    assert guest.post == "Phó Trưởng Ban Thi đua - Khen thưởng Trung ương"  # as typed for this meeting
    assert guest.person == Person.objects.get(emulation_year=year_2015, province=None, full_name="Trần Thị Hà")

    # 3. Ranking, nominations from it, Hòa Bình added for the certificate, confirmed.
    page.get_by_role("button", name="Thông qua kết quả xếp hạng theo điểm thống nhất").click()
    expect(page.get_by_test_id("frozen")).to_contain_text("Không thể hoàn tác.")
    expect(page.get_by_test_id("summary")).to_contain_text("1. Thái Nguyên")
    page.get_by_role("button", name="Xác nhận", exact=True).click()
    expect(alert(page).filter(has_text="Hội nghị đã thông qua kết quả xếp hạng.")).to_be_visible()
    page.get_by_role("link", name="Lập danh sách đề nghị").click()
    expect(page.get_by_text(f"{CERTIFICATE}: tối đa 2 đề nghị")).to_be_visible()
    page.get_by_role("button", name="Lập danh sách đề nghị theo kết quả xếp hạng").click()
    expect(alert(page).filter(has_text="Đã lập danh sách đề nghị theo kết quả xếp hạng.")).to_be_visible()
    table = page.get_by_test_id("nominations")
    expect(table.get_by_role("row").filter(has_text="Thái Nguyên")).to_contain_text(FLAG)
    expect(table.get_by_role("row").filter(has_text="Bắc Giang")).to_contain_text(CERTIFICATE)
    expect(table.get_by_role("row").filter(has_text="Phú Thọ")).to_contain_text(CERTIFICATE)
    expect(table.get_by_role("row").filter(has_text="Hòa Bình")).to_have_count(0)
    field(page, "Hình thức khen thưởng").select_option(label=CERTIFICATE)
    field(page, "Thành viên").select_option(label="Hòa Bình")
    field(page, "Lý do đề nghị").fill("Hội nghị giới thiệu thêm: xếp thứ 4, nhiều mô hình thi đua tiêu biểu.")
    page.get_by_role("button", name="Thêm", exact=True).click()
    expect(alert(page).filter(has_text="Đã lưu đề nghị.")).to_be_visible()
    expect(table.get_by_role("row").filter(has_text="Hòa Bình")).to_contain_text(CERTIFICATE)
    page.get_by_role("button", name="Xác nhận danh sách đề nghị và tiến hành bỏ phiếu").click()
    expect(page.get_by_test_id("summary")).to_contain_text("Cờ thi đua của Chính phủ: Thái Nguyên (hạng 1)")
    page.get_by_role("button", name="Xác nhận", exact=True).click()
    expect(alert(page).filter(has_text="Đã xác nhận danh sách đề nghị: có thể tiến hành bỏ phiếu.")).to_be_visible()
    expect(step(page, "nominations")).to_have_attribute("data-done", "yes")
    assert Nomination.objects.filter(emulation_year=year_2015).count() == 4

    # 3b. No ballot before the vote-counting committee: the meeting elects it among the people present.
    expect(page.get_by_test_id("ballot-blockers")).to_contain_text("Chưa bầu Ban kiểm phiếu.")
    expect(page.get_by_role("link", name=f"Ghi nhận vòng bỏ phiếu: {FLAG}")).to_have_count(0)
    page.get_by_role("link", name="Bầu Ban kiểm phiếu").click()
    field(page, "Trưởng Ban kiểm phiếu").select_option(label=f"{COMMITTEE[0]} (Bắc Giang)")
    page.get_by_role("button", name="Ghi nhận Ban kiểm phiếu").click()
    # Alone, the head is refused, next to the members, the choice kept.
    expect(page.locator("#div_id_members")).to_contain_text("Ban kiểm phiếu có ít nhất hai người")
    expect(field(page, "Trưởng Ban kiểm phiếu").locator("option:checked")).to_have_text(f"{COMMITTEE[0]} (Bắc Giang)")
    page.get_by_label(f"{COMMITTEE[1]} (Tuyên Quang)", exact=True).check()
    page.get_by_label(f"{COMMITTEE[2]} (Yên Bái)", exact=True).check()
    page.get_by_role("button", name="Ghi nhận Ban kiểm phiếu").click()
    expect(alert(page).filter(has_text="Đã ghi nhận Ban kiểm phiếu.")).to_be_visible()
    committee = page.get_by_test_id("committee")
    expect(committee).to_contain_text(f"Trưởng Ban kiểm phiếu: {COMMITTEE[0].replace(' – ', ', ')}")
    expect(committee).to_contain_text(f"Thành viên Ban kiểm phiếu: {COMMITTEE[2].replace(' – ', ', ')}")
    expect(step(page, "committee")).to_have_attribute("data-done", "yes")
    assert list(meeting.committee_members.values_list("role", "full_name")) == [
        ("head", "Đỗ Thị Hạnh"),
        ("member", "Nông Thị Mai"),
        ("member", "Hà Văn Nam"),
    ]

    # 4a. The flag: Thái Nguyên 6/7.
    page.get_by_role("link", name=f"Ghi nhận vòng bỏ phiếu: {FLAG}").click()
    expect(page.get_by_role("heading", name=f"Bỏ phiếu kín: {FLAG}")).to_be_visible()
    fill_round(page, issued=7, returned=7, valid=7, invalid=0, votes={"Thái Nguyên": 6})
    expect(alert(page).filter(has_text="Đã ghi nhận và xác nhận vòng 1.")).to_be_visible()
    expect(rounds(page).filter(has_text=FLAG)).to_contain_text(
        "Thái Nguyên: 6/7 = 85,7% > 50% trên tổng số thành viên → được suy tôn"
    )

    # 4b. The certificate, round 1: an impossible count is refused, nothing stored.
    page.get_by_role("link", name=f"Ghi nhận vòng bỏ phiếu: {CERTIFICATE}").click()
    votes_1 = {"Bắc Giang": 6, "Phú Thọ": 4, "Hòa Bình": 4}
    fill_round(page, issued=7, returned=8, valid=7, invalid=1, votes=votes_1)
    expect(page.get_by_test_id("count-errors")).to_contain_text("Số phiếu thu vào (8) nhiều hơn số phiếu phát ra (7).")
    expect(field(page, "Số phiếu thu vào")).to_have_value("8")
    expect(field(page, "Số phiếu không hợp lệ")).to_have_value("1")
    expect(field(page, "Số phiếu bầu cho Hòa Bình")).to_have_value("4")
    assert not BallotRound.objects.filter(meeting=meeting, award_type__code="certificate").exists()

    # ... then the true count: Bắc Giang elected, Phú Thọ and Hòa Bình tied for the second seat.
    fill_round(page, issued=7, returned=7, valid=7, invalid=0, votes=votes_1)
    expect(
        alert(page).filter(has_text="Đã ghi nhận vòng 1: có bằng phiếu tại ngưỡng, cần bỏ phiếu vòng mới.")
    ).to_be_visible()
    certificate_round_1 = rounds(page).filter(has_text=f"{CERTIFICATE} – vòng 1")
    expect(certificate_round_1).to_contain_text("Bắc Giang: 6/7 = 85,7% > 50% trên tổng số thành viên → được suy tôn")
    expect(certificate_round_1).to_contain_text(
        "Phú Thọ: 4/7 = 57,1% > 50% trên tổng số thành viên → bằng phiếu tại ngưỡng: bỏ phiếu vòng mới"
    )
    expect(certificate_round_1).to_contain_text(
        "Hòa Bình: 4/7 = 57,1% > 50% trên tổng số thành viên → bằng phiếu tại ngưỡng: bỏ phiếu vòng mới"
    )
    expect(step(page, "ballot")).to_contain_text("Có bằng phiếu tại ngưỡng: cần bỏ phiếu vòng mới.")
    expect(step(page, "ballot")).to_have_attribute("data-done", "no")
    screenshot("meeting-1-tie")
    first = BallotRound.objects.get(meeting=meeting, award_type__code="certificate")
    assert first.needs_new_round and first.seats == 2

    # 4c. Round 2 between the tied only, for the one seat left.
    page.get_by_role("link", name=f"Ghi nhận vòng bỏ phiếu: {CERTIFICATE}").click()
    expect(field(page, "Số phiếu bầu cho Bắc Giang")).to_have_count(0)
    expect(page.get_by_text(re.compile(r"Ngưỡng 50% trên tổng số thành viên; 1 suất\."))).to_be_visible()
    fill_round(page, issued=7, returned=7, valid=7, invalid=0, votes={"Phú Thọ": 5, "Hòa Bình": 2})
    expect(alert(page).filter(has_text="Đã ghi nhận và xác nhận vòng 2.")).to_be_visible()
    certificate_round_2 = rounds(page).filter(has_text=f"{CERTIFICATE} – vòng 2")
    expect(certificate_round_2).to_contain_text("Phú Thọ: 5/7 = 71,4% > 50% trên tổng số thành viên → được suy tôn")
    expect(certificate_round_2).to_contain_text(
        "Hòa Bình: 2/7 = 28,6% ≤ 50% trên tổng số thành viên → không được suy tôn"
    )
    expect(step(page, "ballot")).to_have_attribute("data-done", "yes")
    expect(step(page, "results")).to_have_attribute("data-done", "yes")
    statuses = dict(Nomination.objects.filter(emulation_year=year_2015).values_list("province__name", "status"))
    assert statuses == {
        "Thái Nguyên": NominationStatus.PROPOSED,
        "Bắc Giang": NominationStatus.PROPOSED,
        "Phú Thọ": NominationStatus.PROPOSED,
        "Hòa Bình": NominationStatus.NOT_PROPOSED,
    }

    # 5a. 2016's chair and vice-chair: the rotation proposal is accepted.
    page.get_by_role("link", name="Bầu Cụm trưởng, Cụm phó năm 2016").click()
    expect(page.get_by_test_id("proposal")).to_contain_text("Cụm trưởng Bắc Kạn, Cụm phó Hòa Bình.")
    page.get_by_role("button", name="Ghi nhận kết quả bầu của hội nghị").click()
    expect(alert(page).filter(has_text="Đã ghi nhận Cụm trưởng, Cụm phó năm sau.")).to_be_visible()
    # Elected, not yet in office: an admin confirms the 2016 term.
    expect(step(page, "term")).to_have_attribute("data-done", "no")
    expect(step(page, "term")).to_contain_text("Quản trị viên chưa xác nhận Cụm trưởng, Cụm phó năm sau.")
    context, admin = signed_in(browser, live_server.url, "admin", ADMIN_PASSWORD)
    admin.goto(f"/clusters/{cluster.pk}/years/2016/term/")
    admin.get_by_role("button", name="Xác nhận nhiệm kỳ").click()
    expect(alert(admin).filter(has_text="Đã xác nhận Cụm trưởng và Cụm phó.")).to_be_visible()
    context.close()
    page.reload()
    expect(step(page, "term")).to_have_attribute("data-done", "yes")
    assert Membership.objects.get(year=2016, role=Role.CHAIR).province.name == "Bắc Kạn"
    assert Membership.objects.get(year=2016, role=Role.VICE_CHAIR).province.name == "Hòa Bình"

    # 5b. The 2016 covenant, drawn up by the 2015 chair and signed by every member.
    page.get_by_role("link", name="Giao ước thi đua năm 2016").click()
    page.get_by_role("button", name="Soạn thảo giao ước thi đua").click()
    expect(alert(page).filter(has_text="Đã tạo giao ước thi đua, mỗi thành viên có một dòng chữ ký.")).to_be_visible()
    expect(page.get_by_test_id("covenant-status")).to_have_text("Bản nháp")
    # Signed at the 2015 review meeting: Bắc Giang hosts it, not 2016's chair.
    expect(page.get_by_text("Bắc Giang đăng cai")).to_be_visible()
    page.get_by_role("link", name="Sửa nội dung").click()
    field(page, "Địa điểm ký kết").fill("Bắc Giang")
    field(page, "Ngày ký kết").fill("10/03/2016")
    field(page, "Nội dung cam kết").first.fill(COMMITMENT)
    page.get_by_role("button", name="Lưu").click()
    expect(alert(page).filter(has_text="Đã lưu giao ước thi đua.")).to_be_visible()
    expect(page.get_by_text("Bắc Giang, 10/03/2016 · Bắc Giang đăng cai")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text=COMMITMENT)).to_be_visible()
    # Each member's staff sign their own row (the chair cannot sign for them).
    signatories = page.get_by_test_id("signatories")
    expect(signatories.get_by_role("link", name="Sửa")).to_have_count(1)
    for province, (name, post) in SIGNERS.items():
        sign_own_row(browser, live_server.url, page.url, USERNAMES[province], province, name, post)
    page.reload()
    for province, (name, _post) in SIGNERS.items():
        expect(signatories.get_by_role("row").filter(has_text=province)).to_contain_text(name)
    expect(page.get_by_test_id("covenant-status")).to_have_text("Đã ký")
    screenshot("meeting-2-covenant-2016")
    covenant = Covenant.objects.get(emulation_year__cluster=cluster, emulation_year__year=2016)
    assert covenant.status == CovenantStatus.SIGNED
    assert covenant.host_province.name == "Bắc Giang" and covenant.commitments.count() == 1
    assert covenant.signatories.filter(signed=True, signed_on=datetime.date(2016, 3, 10)).count() == 7

    # 6. Back to 2015 by the year selector: close the year.
    field(page, "Năm").select_option("2015")
    page.get_by_role("button", name="Xem").click()
    page.get_by_role("link", name="Hội nghị tổng kết", exact=True).click()
    expect(step(page, "covenant")).to_have_attribute("data-done", "yes")
    page.get_by_role("button", name="Khóa sổ năm thi đua").click()
    expect(page.get_by_test_id("frozen")).to_contain_text("chỉ còn để xem")
    screenshot("meeting-3-close-confirmation")
    page.get_by_role("button", name="Xác nhận", exact=True).click()
    expect(alert(page).filter(has_text="Năm thi đua 2015 đã khóa sổ.")).to_be_visible()
    expect(page.get_by_test_id("closed")).to_contain_text("mọi dữ liệu của năm này chỉ xem được, không sửa được.")
    expect(step(page, "close")).to_have_attribute("data-done", "yes")
    expect(page.get_by_role("link", name="Sửa", exact=True)).to_have_count(0)
    screenshot("meeting-3-closed")
    year_2015.refresh_from_db()
    assert year_2015.is_closed

    page.get_by_role("main").get_by_role("link", name="Tổng quan", exact=True).click()
    expect(page.get_by_test_id("phase")).to_have_text("Đã khóa sổ")

    # The closed year refuses changes: the meeting edit page and a cross-check.
    for url in (
        f"/clusters/{cluster.pk}/years/2015/meeting/edit/",
        f"/scorecards/{Scorecard.objects.get(emulation_year=year_2015, province__code='06').pk}/cross-check/",
    ):
        response = page.goto(url)
        assert response.status == 403, url
        expect(page.get_by_role("heading", name="Bạn không có quyền thực hiện thao tác này")).to_be_visible()
    ends_at = EmulationYear.objects.get(pk=year_2015.pk).review_meeting.ends_at
    assert timezone.localtime(ends_at).strftime("%H:%M") == "11:30"
