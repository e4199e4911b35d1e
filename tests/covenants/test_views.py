"""The covenant as its users see it: the signed 2015 covenant, a member recording its own
signature, the scan of the signed copy."""

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from covenants.models import Covenant, Signatory
from tests.covenants.test_services import PDF, PNG, draft_covenant_2016


def text(response):
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def field_error(page, name):
    match = re.search(rf'<div id="id_{name}_error" class="invalid-feedback">(.*?)</div>', page)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""


@pytest.fixture
def covenant_2016(full_demo):
    return draft_covenant_2016(full_demo)


def row(covenant, code):
    return Signatory.objects.get(covenant=covenant, province__code=code)


def test_the_2015_covenant_lists_seven_signatures(client, full_demo, demo_user):
    client.force_login(demo_user("yenbai"))
    page = text(client.get(reverse("covenants:covenant", args=[full_demo.pk, 2015])))
    assert "Giao ước thi đua năm 2015 của Cụm thi đua 7 tỉnh trung du và miền núi phía Bắc" in page
    assert re.search(r'data-testid="covenant-status">Đã ký</span>', page)
    assert "Phú Thọ, 04/03/2015 · Phú Thọ đăng cai" in page
    table = page[
        page.index('data-testid="signatories"') : page.index("</table>", page.index('data-testid="signatories"'))
    ]
    assert table.count("<tr><td>") == 7 and table.count("✔ 04/03/2015") == 7 and "chưa ký" not in table
    assert "<tr><td>Yên Bái</td><td>Vũ Thị Giang</td><td>Phó Chủ tịch UBND tỉnh Yên Bái</td>" in table
    assert "<tr><td>Thái Nguyên</td><td>Phạm Thị Dung</td>" in table
    # A signed text and signed rows are not edited any more (an admin corrects a row, with a reason).
    assert "Sửa nội dung" not in page
    assert table.count(">Sửa</a>") == 0


def test_the_chair_draws_up_the_covenant(client, full_demo, demo_user):
    from cluster import services as cluster_services
    from cluster.models import EmulationYear

    year_2015 = EmulationYear.objects.get(year=2015)
    members = [(m.province, m.rotation_order) for m in year_2015.memberships.select_related("province")]
    by_code = {p.code: p for p, _order in members}
    cluster_services.emulation_year_open_with_term(
        cluster=full_demo, year=2016, members=members, chair=by_code["06"], vice_chair=by_code["17"], user=None
    )
    url = reverse("covenants:covenant", args=[full_demo.pk, 2016])
    client.force_login(demo_user("yenbai"))
    page = text(client.get(url))
    assert "Chưa soạn thảo giao ước thi đua năm 2016." in page
    assert "Soạn thảo giao ước thi đua" not in page
    assert client.post(url).status_code == 403
    client.force_login(demo_user("backan"))  # 2016's chair: the covenant is the 2015 chair's until signed
    assert client.post(url).status_code == 403
    client.force_login(demo_user("bacgiang"))
    page = text(client.post(url, follow=True))
    assert "Đã tạo giao ước thi đua, mỗi thành viên có một dòng chữ ký." in page
    assert page.count("chưa ký") == 7 and 'data-testid="covenant-status">Bản nháp</span>' in page
    covenant = Covenant.objects.get(emulation_year__year=2016)
    # Signed at the 2015 review meeting: hosted by 2015's chair.
    assert covenant.title == "Giao ước thi đua năm 2016" and covenant.host_province.name == "Bắc Giang"


def test_a_signature_without_its_date_and_representative_is_refused(client, covenant_2016, demo_user):
    signatory = row(covenant_2016, "15")
    client.force_login(demo_user("yenbai"))
    response = client.post(
        reverse("covenants:signatory_edit", args=[signatory.pk]),
        {"representative": "", "post": "Phó Chủ tịch UBND tỉnh Yên Bái", "signed": "on", "signed_on": ""},
    )
    page = text(response)
    assert field_error(page, "representative") == "Hãy nhập tên người đại diện đã ký."
    assert field_error(page, "signed_on") == "Hãy nhập ngày ký."
    assert 'value="Phó Chủ tịch UBND tỉnh Yên Bái"' in page
    assert re.search(r'<input type="checkbox" name="signed"[^>]* checked', page)
    signatory.refresh_from_db()
    assert (signatory.signed, signatory.representative, signatory.post) == (False, "", "")


def test_a_member_records_its_signature(client, covenant_2016, demo_user):
    signatory = row(covenant_2016, "15")
    client.force_login(demo_user("yenbai"))
    page = text(
        client.post(
            reverse("covenants:signatory_edit", args=[signatory.pk]),
            {
                "representative": "Vũ Thị Giang",
                "post": "Phó Chủ tịch UBND tỉnh Yên Bái",
                "signed": "on",
                "signed_on": "10/03/2016",
            },
            follow=True,
        )
    )
    assert "Đã ghi nhận chữ ký của Yên Bái." in page
    assert (
        "<tr><td>Yên Bái</td><td>Vũ Thị Giang</td><td>Phó Chủ tịch UBND tỉnh Yên Bái</td> "
        '<td><span class="text-success">✔ 10/03/2016</span>' in page
    )
    assert page.count("chưa ký") == 6
    # ...and cannot touch another member's row.
    assert client.get(reverse("covenants:signatory_edit", args=[row(covenant_2016, "19").pk])).status_code == 403


def test_a_scan_that_is_not_a_pdf_or_a_picture_is_refused(client, covenant_2016, demo_user, media):
    signatory = row(covenant_2016, "15")
    client.force_login(demo_user("yenbai"))
    upload = SimpleUploadedFile("giao-uoc.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    page = text(
        client.post(
            reverse("covenants:signatory_edit", args=[signatory.pk]),
            {"representative": "Vũ Thị Giang", "post": "", "signed": "on", "signed_on": "10/03/2016", "scan": upload},
        )
    )
    assert field_error(page, "scan") == "Tệp giao-uoc.pdf không phải là tệp PDF hoặc ảnh (JPG, PNG)."
    assert 'value="Vũ Thị Giang"' in page and 'value="10/03/2016"' in page
    signatory.refresh_from_db()
    assert not signatory.signed and not signatory.scan
    assert not list(media.rglob("*.*"))


@pytest.mark.parametrize(
    ("name", "content", "extension", "content_type"),
    [
        ("ban ky Yen Bai.pdf", PDF, "pdf", "application/pdf"),
        ("anh-chup.png", PNG, "png", "image/png"),
    ],
)
def test_the_scan_is_downloaded_as_an_attachment(
    client, covenant_2016, demo_user, media, name, content, extension, content_type
):
    signatory = row(covenant_2016, "15")
    client.force_login(demo_user("yenbai"))
    page = text(
        client.post(
            reverse("covenants:signatory_edit", args=[signatory.pk]),
            {
                "representative": "Vũ Thị Giang",
                "post": "",
                "signed": "on",
                "signed_on": "10/03/2016",
                "scan": SimpleUploadedFile(name, content),
            },
            follow=True,
        )
    )
    assert "Đã ghi nhận chữ ký của Yên Bái." in page
    scan_url = reverse("covenants:signatory_scan", args=[signatory.pk])
    assert f'<a href="{scan_url}">tải về</a>' in page
    client.force_login(demo_user("thainguyen"))  # every member reads the covenant and its scans
    response = client.get(scan_url)
    assert response["Content-Disposition"] == f'attachment; filename="giao-uoc-2016-15.{extension}"'
    assert response["Content-Type"] == content_type
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == content
    response.close()


def test_no_scan_no_download(client, covenant_2016, demo_user):
    client.force_login(demo_user("yenbai"))
    assert client.get(reverse("covenants:signatory_scan", args=[row(covenant_2016, "15").pk])).status_code == 404


def test_a_member_picks_its_representative_among_its_people_of_the_year(client, covenant_2016, demo_user):
    from cluster.models import Person

    signatory = row(covenant_2016, "15")
    client.force_login(demo_user("yenbai"))
    url = reverse("covenants:signatory_edit", args=[signatory.pk])
    page = text(client.get(url))
    options = re.findall(r"<option value=\"\d+\">([^<]+)</option>", page)
    assert options == [
        "Vũ Thị Giang – Phó Chủ tịch UBND tỉnh Yên Bái",
        "Hà Văn Nam – Trưởng Ban Thi đua - Khen thưởng tỉnh Yên Bái",
    ]
    leader = Person.objects.get(emulation_year__year=2016, full_name="Vũ Thị Giang")
    client.post(url, {"person": leader.pk, "signed": "on", "signed_on": "10/03/2016"})
    signatory.refresh_from_db()
    assert (signatory.signed, signatory.representative, signatory.post, signatory.authority) == (
        True,
        "Vũ Thị Giang",
        "Phó Chủ tịch UBND tỉnh Yên Bái",
        "vice_chairman",
    )
