"""The 2015 review with one province absent, in Vietnamese: the chair (Bắc Giang's staff) sets
the 2015 rule set to decree 98/2023 art. 30(7) (at least 80% of all members, absent members in
writing) with a quorum of 80%, records the attendance with Yên Bái absent and agreeing in
writing to propose Bắc Giang for the flag, adopts the ranking, nominates Bắc Giang (ranked 2nd)
for the flag instead of Thái Nguyên — refused without a reason, then saved with it — records
the flag round (the written opinion added by the app: 6/7), and makes the minutes, which print
both the written vote and the reason for departing from the ranking."""

import re

import pytest
from playwright.sync_api import expect

from awards.enums import NominationStatus
from awards.models import BallotResult, BallotRound, Delegation, Nomination, WrittenVote
from cluster.demo import DEMO_PASSWORD
from cluster.models import RuleSet
from tests.reports.pdfcheck import pdf_text

pytestmark = pytest.mark.django_db(transaction=True)

FLAG = "Cờ thi đua của Chính phủ"
CERTIFICATE = "Bằng khen của Thủ tướng Chính phủ"
PRESET = "Từ 80% tổng số thành viên trở lên, thành viên vắng mặt gửi ý kiến bằng văn bản"
SOURCE = "Nghị định 98/2023/NĐ-CP, Điều 30 khoản 7"
DEPARTURE = "Tỉnh Thái Nguyên đang trong thời gian thanh tra"
#: Province → "Full name – post" of its delegate (fictional demo names); Yên Bái is absent.
DELEGATIONS = {
    "Bắc Giang": "Nguyễn Văn An – Phó Chủ tịch UBND tỉnh Bắc Giang",
    "Bắc Kạn": "Trần Thị Bình – Phó Chủ tịch UBND tỉnh Bắc Kạn",
    "Hòa Bình": "Lê Văn Cường – Phó Chủ tịch UBND tỉnh Hòa Bình",
    "Phú Thọ": "Chu Ngọc Anh – Chủ tịch UBND tỉnh Phú Thọ",
    "Thái Nguyên": "Phạm Thị Dung – Phó Chủ tịch UBND tỉnh Thái Nguyên",
    "Tuyên Quang": "Hoàng Văn Đức – Phó Chủ tịch UBND tỉnh Tuyên Quang",
}


def field(page, label):
    """The field labelled `label` (crispy adds "*" to required fields' labels)."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def alert(page):
    return page.get_by_role("alert")


def step(page, key):
    return page.locator(f'[data-testid="steps"] [data-step="{key}"]')


def test_an_absent_members_written_vote_and_a_departure_from_the_ranking_reach_the_minutes(
    page, login, screenshot, meeting_2015, tmp_path
):
    year_2015 = meeting_2015.emulation_year
    cluster = year_2015.cluster

    # 1. The chair sets the 2015 rule set: the decree 98/2023 preset, then a quorum of 80%.
    login("bacgiang", DEMO_PASSWORD)
    page.goto(f"/clusters/{cluster.pk}/years/2015/")
    page.get_by_role("link", name="Bộ quy tắc", exact=True).click()
    expect(page.get_by_role("heading", name="Bộ quy tắc của năm")).to_be_visible()
    preset = page.get_by_test_id("presets").locator('[data-preset="decree_98_2023_art_30_7"]')
    expect(preset).to_contain_text(PRESET)
    expect(preset).to_contain_text(SOURCE)
    preset.get_by_role("button", name="Áp dụng mẫu này").click()
    expect(page.get_by_test_id("rule-source")).to_contain_text(f"Các quy tắc này căn cứ: {SOURCE}.")
    expect(field(page, "Thành viên vắng mặt được gửi ý kiến bằng văn bản")).to_be_checked()
    field(page, "Số thành viên tối thiểu có mặt (phần trăm)").fill("80")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(alert(page).filter(has_text="Đã lưu bộ quy tắc.")).to_be_visible()
    expect(page.get_by_test_id("rule-source")).to_contain_text(f"Các quy tắc này căn cứ: {SOURCE}.")
    expect(page.get_by_test_id("rule-history")).to_contain_text(f"Áp dụng mẫu: {PRESET}")
    screenshot("absence-1-rule-set")
    rule_set = RuleSet.objects.get(emulation_year=year_2015)
    assert rule_set.source_document == SOURCE
    assert rule_set.written_votes_allowed and rule_set.vote_threshold_strict is False
    assert rule_set.vote_threshold_percent == 80 and rule_set.quorum_percent == 80

    # 2. Attendance: six present with their delegate, Yên Bái absent and agreeing in writing
    #    to propose Bắc Giang for the flag.
    page.get_by_role("link", name="Hội nghị tổng kết", exact=True).click()
    expect(page.get_by_test_id("quorum-requirement")).to_contain_text(
        "Cần ít nhất 6/7 thành viên có mặt theo quy chế (≥ 80%)."
    )
    page.get_by_role("link", name="Ghi nhận thành phần tham dự").click()
    expect(page.get_by_test_id("quorum-requirement")).to_contain_text("Cần ít nhất 6/7 thành viên có mặt")
    attendance = page.get_by_role("table").first
    for province, delegate in DELEGATIONS.items():
        field(attendance, province).check()
        page.get_by_label(delegate, exact=True).check()  # among the province's people of the year
    expect(field(attendance, "Yên Bái")).not_to_be_checked()
    # Yên Bái's row of the written opinions: "sent" (its second cell: the template labels that
    # checkbox with the province's name only, like every "Yên Bái" choice), then Bắc Giang for the flag.
    yen_bai_flag = page.get_by_role("group", name=f"Yên Bái: {FLAG}")
    yen_bai_row = page.get_by_test_id("written-opinions").get_by_role("row").filter(has=yen_bai_flag)
    yen_bai_row.get_by_role("cell").nth(1).get_by_role("checkbox").check()
    yen_bai_flag.get_by_label("Bắc Giang", exact=True).check()
    screenshot("absence-2-attendance")
    page.get_by_role("button", name="Xác nhận thành phần tham dự").click()
    expect(
        alert(page).filter(has_text="Đã xác nhận thành phần tham dự; hội nghị đủ điều kiện tiến hành.")
    ).to_be_visible()
    expect(page.get_by_test_id("quorum")).to_have_text("Đủ điều kiện tiến hành")
    expect(page.locator("#attendance")).to_contain_text(
        f"Yên Bái: vắng mặt, gửi ý kiến bằng văn bản: {FLAG} – Bắc Giang"
    )
    expect(step(page, "attendance")).to_have_attribute("data-done", "yes")
    yen_bai = Delegation.objects.get(meeting=meeting_2015, province__name="Yên Bái")
    assert yen_bai.present is False and yen_bai.written_opinion is True
    assert list(WrittenVote.objects.filter(delegation=yen_bai).values_list("award_type__name", "province__name")) == [
        (FLAG, "Bắc Giang")
    ]
    meeting_2015.refresh_from_db()
    assert meeting_2015.quorum_met is True

    # The rule set is now frozen.
    page.get_by_role("link", name="Bộ quy tắc", exact=True).click()
    expect(page.get_by_test_id("rule-frozen")).to_be_visible()
    page.get_by_role("link", name="Hội nghị tổng kết", exact=True).click()

    # 3. The ranking, through its confirmation page.
    page.get_by_role("button", name="Thông qua kết quả xếp hạng theo điểm thống nhất").click()
    expect(page.get_by_test_id("frozen")).to_contain_text("Không thể hoàn tác.")
    expect(page.get_by_test_id("summary")).to_contain_text("1. Thái Nguyên")
    expect(page.get_by_test_id("summary")).to_contain_text("2. Bắc Giang")
    page.get_by_role("button", name="Xác nhận", exact=True).click()
    expect(alert(page).filter(has_text="Hội nghị đã thông qua kết quả xếp hạng.")).to_be_visible()

    # 4. Nominations: the defaults, Thái Nguyên's flag removed, Bắc Giang (2nd) for the flag.
    page.get_by_role("link", name="Lập danh sách đề nghị").click()
    page.get_by_role("button", name="Lập danh sách đề nghị theo kết quả xếp hạng").click()
    expect(alert(page).filter(has_text="Đã lập danh sách đề nghị theo kết quả xếp hạng.")).to_be_visible()
    table = page.get_by_test_id("nominations")
    expect(table.get_by_role("row").filter(has_text="Thái Nguyên")).to_contain_text(FLAG)
    expect(table.get_by_role("row").filter(has_text="Bắc Giang")).to_contain_text(CERTIFICATE)
    table.get_by_role("row").filter(has_text="Thái Nguyên").get_by_role("button", name="Xóa").click()
    expect(alert(page).filter(has_text="Đã xóa đề nghị.")).to_be_visible()
    expect(table.get_by_role("row").filter(has_text="Thái Nguyên")).to_have_count(0)

    rationale = "Xếp thứ 2, dẫn đầu các tỉnh không trong thời gian thanh tra."
    field(page, "Hình thức khen thưởng").select_option(label=FLAG)
    field(page, "Thành viên").select_option(label="Bắc Giang")
    field(page, "Lý do đề nghị").fill(rationale)
    page.get_by_role("button", name="Thêm", exact=True).click()
    # Refused without a reason, next to the field, the form kept as typed.
    refusal = (
        "Cờ thi đua của Chính phủ dành cho đơn vị dẫn đầu xếp hạng: hãy nêu lý do hội nghị đề nghị "
        "Bắc Giang (biên bản sẽ ghi lý do này)."
    )
    reason = field(page, "Lý do đề nghị khác với kết quả xếp hạng")
    expect(page.locator("#div_id_departure_reason")).to_contain_text(refusal)
    expect(reason).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(field(page, "Lý do đề nghị")).to_have_value(rationale)
    expect(field(page, "Thành viên").locator("option:checked")).to_have_text("Bắc Giang")
    screenshot("absence-3-departure-refused")
    assert not Nomination.objects.filter(emulation_year=year_2015, award_type__code="flag").exists()
    # ... then with the reason.
    reason.fill(DEPARTURE)
    page.get_by_role("button", name="Thêm", exact=True).click()
    expect(alert(page).filter(has_text="Đã lưu đề nghị.")).to_be_visible()
    flag_rows = table.get_by_role("row").filter(has_text=FLAG)
    expect(flag_rows).to_have_count(1)
    expect(flag_rows).to_contain_text("Bắc Giang")
    page.get_by_role("button", name="Xác nhận danh sách đề nghị và tiến hành bỏ phiếu").click()
    expect(page.get_by_test_id("summary")).to_contain_text(f"{FLAG}: Bắc Giang (hạng 2)")
    page.get_by_role("button", name="Xác nhận", exact=True).click()
    expect(alert(page).filter(has_text="Đã xác nhận danh sách đề nghị: có thể tiến hành bỏ phiếu.")).to_be_visible()
    expect(step(page, "nominations")).to_have_attribute("data-done", "yes")

    # 4b. The vote-counting committee, among the delegations present: nobody of absent Yên Bái.
    page.get_by_role("link", name="Bầu Ban kiểm phiếu").click()
    head = field(page, "Trưởng Ban kiểm phiếu")
    expect(head.locator("option", has_text="Yên Bái")).to_have_count(0)
    head.select_option(label="Dương Văn Hùng – Trưởng Ban Thi đua - Khen thưởng tỉnh Thái Nguyên (Thái Nguyên)")
    page.get_by_label("Ma Văn Khánh – Trưởng Ban Thi đua - Khen thưởng tỉnh Bắc Kạn (Bắc Kạn)", exact=True).check()
    page.get_by_role("button", name="Ghi nhận Ban kiểm phiếu").click()
    expect(alert(page).filter(has_text="Đã ghi nhận Ban kiểm phiếu.")).to_be_visible()
    expect(step(page, "committee")).to_have_attribute("data-done", "yes")

    # 5. The flag round: the paper ballots only, the written opinion is added by the app.
    page.get_by_role("link", name=f"Ghi nhận vòng bỏ phiếu: {FLAG}").click()
    expect(page.get_by_test_id("written-opinions")).to_contain_text("Yên Bái: Bắc Giang")
    field(page, "Số phiếu phát ra").fill("6")
    field(page, "Số phiếu thu vào").fill("6")
    field(page, "Số phiếu hợp lệ").fill("6")
    field(page, "Số phiếu không hợp lệ").fill("0")
    field(page, "Số phiếu bầu cho Bắc Giang").fill("5")
    field(page, "Đây là các số liệu trong biên bản kiểm phiếu của ban kiểm phiếu.").check()
    page.get_by_role("button", name="Ghi nhận và xác nhận vòng bỏ phiếu").click()
    expect(alert(page).filter(has_text="Đã ghi nhận và xác nhận vòng 1.")).to_be_visible()
    flag_round = page.get_by_test_id("round").filter(has_text=f"{FLAG} – vòng 1")
    expect(flag_round).to_contain_text(
        "Bắc Giang: 6/7 = 85,7% ≥ 80% trên tổng số thành viên, trong đó có 1 ý kiến bằng văn bản → được suy tôn"
    )
    screenshot("absence-4-flag-elected")
    result = BallotResult.objects.get(ballot_round__meeting=meeting_2015, ballot_round__award_type__code="flag")
    assert (result.votes, result.written_votes, result.base, result.elected) == (6, 1, 7, True)
    assert BallotRound.objects.get(meeting=meeting_2015, award_type__code="flag").written_ballots == 1
    flag = Nomination.objects.get(emulation_year=year_2015, award_type__code="flag")
    assert flag.province.name == "Bắc Giang" and flag.rank == 2
    assert flag.status == NominationStatus.PROPOSED and flag.departure_reason == DEPARTURE

    # 6. The minutes print the written vote and the reason for departing from the ranking.
    page.get_by_role("link", name="Văn bản", exact=True).click()
    expect(page.get_by_role("heading", name="Tạo văn bản")).to_be_visible()
    item = page.get_by_test_id("available").locator("li", has_text="Biên bản hội nghị tổng kết")
    item.get_by_role("button", name="Tạo văn bản").click()
    expect(page.get_by_test_id("report-status")).to_have_attribute("data-status", "done")
    with page.expect_download() as download_info:
        page.get_by_test_id("download").click()
    target = tmp_path / "bien-ban.pdf"
    download_info.value.save_as(target)
    text = " ".join(pdf_text(target.read_bytes()).split())
    assert "Tỉnh Yên Bái: vắng mặt (gửi ý kiến bằng văn bản)." in text
    assert f"Tỉnh Yên Bái vắng mặt, gửi ý kiến bằng văn bản: đồng ý đề nghị tỉnh Bắc Giang ({FLAG})." in text
    assert "Tỉnh Bắc Giang đạt 6/7 phiếu (85,7%), trong đó 1 ý kiến bằng văn bản" in text
    assert f"{FLAG}: tỉnh Bắc Giang (xếp hạng thứ 2; lý do đề nghị khác với kết quả xếp hạng: {DEPARTURE})." in text
    assert f"căn cứ {SOURCE}" in text
