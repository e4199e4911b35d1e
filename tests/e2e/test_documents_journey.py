"""The chair of 2014 makes the review's minutes from the browser and downloads the PDF."""

import pytest
from playwright.sync_api import expect

from cluster.demo import DEMO_PASSWORD
from tests.reports.pdfcheck import pdf_text

pytestmark = pytest.mark.django_db(transaction=True)


def test_chair_makes_and_downloads_the_minutes(page, login, demo_2014, screenshot, tmp_path):
    login("phutho", DEMO_PASSWORD)
    page.goto(f"/clusters/{demo_2014.pk}/years/2014/")
    page.get_by_role("link", name="Văn bản", exact=True).click()
    expect(page.get_by_role("heading", name="Tạo văn bản")).to_be_visible()
    item = page.get_by_test_id("available").locator("li", has_text="Biên bản hội nghị tổng kết")
    item.get_by_role("button", name="Tạo văn bản").click()
    expect(page.get_by_test_id("report-status")).to_have_attribute("data-status", "done")
    expect(page.get_by_text("Văn bản đã sẵn sàng")).to_be_visible()
    screenshot("documents-minutes-ready")
    with page.expect_download() as download_info:
        page.get_by_test_id("download").click()
    target = tmp_path / "bien-ban.pdf"
    download_info.value.save_as(target)
    text = pdf_text(target.read_bytes())
    assert "Phú Thọ, ngày 04 tháng 3 năm 2015" in text and "BIÊN BẢN" in text
    with page.expect_download() as download_info:
        page.get_by_test_id("download-docx").click()
    assert download_info.value.suggested_filename.endswith(".docx")

    # Issuing asks first, then the number and the file are final.
    page.get_by_test_id("issue").click()
    expect(page.get_by_test_id("frozen")).to_contain_text("Không thể hoàn tác")
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_test_id("report-state")).to_contain_text("Đã ban hành")
    expect(page.get_by_test_id("issue")).to_have_count(0)
    screenshot("documents-minutes-issued")


def test_a_member_cannot_make_documents(page, login, demo_2014):
    login("yenbai", DEMO_PASSWORD)
    page.goto(f"/clusters/{demo_2014.pk}/years/2014/documents/")
    expect(page.get_by_role("heading", name="Tạo văn bản")).to_be_visible()
    expect(page.get_by_role("button", name="Tạo văn bản")).to_have_count(0)
