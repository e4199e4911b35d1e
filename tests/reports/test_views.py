import re

from django.urls import reverse

from reports.models import Report
from tests.reports.pdfcheck import pdf_text


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def test_chair_makes_the_minutes_from_the_browser(client, demo_2014, demo_user):
    client.force_login(demo_user("phutho"))
    url = reverse("reports:documents", args=[demo_2014.pk, 2014])
    page = text(client.get(url))
    assert "Biên bản hội nghị tổng kết" in page and "Tạo văn bản" in page
    response = client.post(url, {"kind": "minutes"})
    report = Report.objects.get()
    assert response["Location"] == reverse("reports:report", args=[report.pk])
    page = text(client.get(response["Location"]))
    assert "Văn bản đã sẵn sàng" in page and "Số 01/BB-CTĐ" in page
    download = client.get(reverse("reports:download", args=[report.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "Phú Thọ, ngày 04 tháng 3 năm 2015" in pdf_text(b"".join(download.streaming_content))


def test_missing_prerequisites_are_shown_and_the_button_disabled(client, demo_2014, demo_user):
    client.force_login(demo_user("bacgiang"))
    page = text(client.get(reverse("reports:documents", args=[demo_2014.pk, 2015])))
    assert "Hội nghị tổng kết năm 2015 chưa được thiết lập." in page
    assert "disabled" in page
    response = client.post(reverse("reports:documents", args=[demo_2014.pk, 2015]), {"kind": "minutes"}, follow=True)
    assert "Chưa thể tạo văn bản này:" in text(response)
    assert not Report.objects.exists()


def test_a_member_reads_but_does_not_request(client, demo_2014, demo_user):
    client.force_login(demo_user("phutho"))
    client.post(reverse("reports:documents", args=[demo_2014.pk, 2014]), {"kind": "score_summary"})
    report = Report.objects.get()
    client.force_login(demo_user("yenbai"))
    html = client.get(reverse("reports:documents", args=[demo_2014.pk, 2014])).content.decode()
    assert 'name="kind"' not in html and "01/BTH-CTĐ" in html  # no button to make a document
    assert client.get(reverse("reports:download", args=[report.pk])).status_code == 200
    assert client.post(reverse("reports:documents", args=[demo_2014.pk, 2014]), {"kind": "minutes"}).status_code == 403
    assert Report.objects.count() == 1


def test_status_page_refreshes_itself_while_waiting(client, demo_2014, demo_user):
    client.force_login(demo_user("phutho"))
    client.post(reverse("reports:documents", args=[demo_2014.pk, 2014]), {"kind": "minutes"})
    report = Report.objects.get()
    Report.objects.filter(pk=report.pk).update(status="queued")
    page = text(client.get(reverse("reports:report", args=[report.pk])))
    assert '<meta http-equiv="refresh" content="2">' in page and "Đang chờ xử lý…" in page
    assert client.get(reverse("reports:download", args=[report.pk])).status_code == 404
