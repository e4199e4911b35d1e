from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from signatures import services
from signatures.models import OrganisationCertificate, SignedCopy
from tests.signatures import pki
from tests.signatures.conftest import BLUE, RED, png
from tests.signatures.test_services import issued_bytes, store_certificate, upload


def page(client, report):
    return client.get(reverse("reports:report", args=[report.pk])).content.decode()


def post_upload(client, report, data):
    return client.post(
        reverse("signatures:upload", args=[report.pk]),
        {"file": SimpleUploadedFile("da-ky.pdf", data, content_type="application/pdf")},
        follow=True,
    )


def test_the_chair_uploads_a_signed_copy_and_the_page_shows_who_signed_it(client, issued, trust, holder, demo_user):
    client.force_login(demo_user("phutho"))
    assert 'data-testid="signed-upload"' in page(client, issued)
    response = post_upload(client, issued, pki.sign_elsewhere(issued_bytes(issued), holder))
    text = response.content.decode()
    assert "đã được xác thực và là bản chính thức" in text
    assert 'data-testid="official-copy"' in text
    assert "Đã ký số bởi Nguyễn Văn An lúc" in text and "; hợp lệ" in text
    # What the result rests on: the time the signer's tool wrote, no revocation check offline.
    assert 'data-testid="signed-copy-notes"' in text and "do công cụ ký của người ký ghi" in text
    assert "máy chủ không tra cứu trực tuyến" in text
    copy = SignedCopy.objects.get()
    download = client.get(reverse("signatures:download", args=[copy.pk]))
    body = b"".join(download.streaming_content)
    assert body.startswith(issued_bytes(issued)) and len(body) > len(issued_bytes(issued))
    assert download["Cache-Control"] == "private, no-store"
    assert "ky-so.pdf" in download["Content-Disposition"]


def test_a_refused_upload_says_why_on_the_page_and_keeps_the_official_copy(client, issued, trust, holder, demo_user):
    client.force_login(demo_user("phutho"))
    post_upload(client, issued, pki.sign_elsewhere(issued_bytes(issued), holder))
    forged = pki.change_after_signing(pki.sign_elsewhere(issued_bytes(issued), holder))
    text = post_upload(client, issued, forged).content.decode()
    assert "Tệp ký số bị từ chối" in text and "đã bị sửa sau khi ký" in text
    assert "Bản chính thức giữ nguyên" in text
    assert SignedCopy.objects.count() == 1 and SignedCopy.objects.get().is_official


def test_an_untrusted_signature_is_shown_not_valid_among_the_kept_copies(client, issued, trust, stranger, demo_user):
    client.force_login(demo_user("phutho"))
    text = post_upload(client, issued, pki.sign_elsewhere(issued_bytes(issued), stranger)).content.decode()
    assert "Chưa có bản ký số hợp lệ." in text
    assert "Người Lạ" in text and "không hợp lệ (chứng thư không thuộc tổ chức chứng thực tin cậy)" in text


def test_a_draft_says_it_must_be_issued_first(client, draft, trust, demo_user):
    client.force_login(demo_user("phutho"))
    text = page(client, draft)
    assert 'data-testid="signature-draft"' in text and "ban hành" in text
    assert 'data-testid="signed-upload"' not in text


def test_a_member_sees_the_result_but_cannot_sign(client, issued, trust, holder, demo_user):
    services.signed_copy_upload(
        report=issued, upload=upload(pki.sign_elsewhere(issued_bytes(issued), holder)), user=demo_user("phutho")
    )
    client.force_login(demo_user("backan"))
    text = page(client, issued)
    assert "Đã ký số bởi Nguyễn Văn An" in text
    assert 'data-testid="signed-upload"' not in text and 'data-testid="server-sign"' not in text
    response = client.post(
        reverse("signatures:upload", args=[issued.pk]),
        {"file": SimpleUploadedFile("x.pdf", pki.sign_elsewhere(issued_bytes(issued), holder))},
    )
    assert response.status_code == 403 and SignedCopy.objects.count() == 1
    response = client.post(reverse("signatures:sign", args=[issued.pk]), {"confirmed": "1"})
    assert response.status_code == 403 and SignedCopy.objects.count() == 1


def test_the_server_signs_after_a_confirmation(client, issued, trust, holder, demo_user):
    store_certificate(issued.emulation_year.cluster, demo_user("phutho"), holder)
    client.force_login(demo_user("phutho"))
    assert "Ký số trên máy chủ" in page(client, issued)
    url = reverse("signatures:sign", args=[issued.pk])
    confirmation = client.post(url).content.decode()
    assert 'name="confirmed" value="1"' in confirmation and "Chứng thư số của Cụm" in confirmation
    assert not SignedCopy.objects.exists()
    text = client.post(url, {"confirmed": "1"}, follow=True).content.decode()
    assert "Đã ký số bởi Nguyễn Văn An" in text and SignedCopy.objects.get().is_official


def test_a_failed_server_signature_shows_its_error_and_the_button_stays(
    client, issued, trust, holder, demo_user, monkeypatch
):
    store_certificate(issued.emulation_year.cluster, demo_user("phutho"), holder)
    client.force_login(demo_user("phutho"))

    def broken(*args, **kwargs):
        raise OSError("hết thời gian chờ")

    monkeypatch.setattr(services.pdf, "sign", broken)
    text = client.post(reverse("signatures:sign", args=[issued.pk]), {"confirmed": "1"}, follow=True).content.decode()
    assert "Không ký được văn bản trên máy chủ" in text and "hãy thử lại" in text
    assert "hết thời gian chờ" not in text  # the raw error goes to the log only
    assert 'data-testid="server-sign"' in text and not SignedCopy.objects.exists()


def test_the_panel_makes_the_same_number_of_queries_with_more_copies(
    client, issued, trust, holder, demo_user, django_assert_max_num_queries
):
    client.force_login(demo_user("phutho"))
    original = issued_bytes(issued)
    services.signed_copy_upload(
        report=issued, upload=upload(pki.sign_elsewhere(original, holder)), user=demo_user("phutho")
    )
    client.get(reverse("reports:report", args=[issued.pk]))  # warm the session and caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        page(client, issued)
    for name in ("Chu-ky-2", "Chu-ky-3", "Chu-ky-4"):
        services.signed_copy_upload(
            report=issued, upload=upload(pki.sign_elsewhere(original, holder, name)), user=demo_user("phutho")
        )
    with CaptureQueriesContext(connection) as four:
        text = page(client, issued)
    assert text.count('data-testid="signed-copy"') == 4
    assert len(four) == len(one)


# --- The certificate page ------------------------------------------------------------------


def certificate_post(client, cluster, holder, passphrase="mat-khau"):  # noqa: S107 (a test passphrase)
    return client.post(
        reverse("signatures:certificates", args=[cluster.pk]),
        {
            "label": "Chứng thư số của Cụm",
            "pkcs12_file": SimpleUploadedFile("cum.p12", holder.pkcs12(b"mat-khau")),
            "passphrase": passphrase,
            "signer_image": SimpleUploadedFile("chu-ky.png", png(BLUE)),
            "seal_image": SimpleUploadedFile("con-dau.png", png(RED, (200, 200))),
        },
        follow=True,
    )


def test_the_chair_stores_and_deactivates_the_certificate(client, issued, trust, holder, demo_user):
    cluster = issued.emulation_year.cluster
    client.force_login(demo_user("bacgiang"))
    text = certificate_post(client, cluster, holder).content.decode()
    assert "đang dùng" in text and "Nguyễn Văn An" in text
    certificate = OrganisationCertificate.objects.get()
    client.post(reverse("signatures:deactivate", args=[certificate.pk]))
    certificate.refresh_from_db()
    assert not certificate.active


def test_a_wrong_passphrase_is_shown_next_to_its_field(client, issued, trust, holder, demo_user):
    client.force_login(demo_user("bacgiang"))
    text = certificate_post(client, issued.emulation_year.cluster, holder, passphrase="sai").content.decode()
    assert "mật khẩu không đúng" in text and 'id="error_1_id_passphrase"' in text
    assert not OrganisationCertificate.objects.exists()


def test_without_a_signing_key_the_page_says_server_signing_is_not_configured(
    client, issued, trust, settings, demo_user
):
    settings.SIGNING_KEY = ""
    client.force_login(demo_user("bacgiang"))
    text = client.get(reverse("signatures:certificates", args=[issued.emulation_year.cluster.pk])).content.decode()
    assert 'data-testid="not-configured"' in text and "SIGNING_KEY" in text
    assert 'data-testid="certificate-form"' not in text


def test_a_province_sees_only_its_own_certificates_and_cannot_stop_another_s(client, issued, trust, holder, demo_user):
    cluster = issued.emulation_year.cluster
    theirs = store_certificate(cluster, demo_user("bacgiang"), holder, label="Chứng thư Bắc Giang")
    client.force_login(demo_user("backan"))
    text = client.get(reverse("signatures:certificates", args=[cluster.pk])).content.decode()
    assert "Chứng thư Bắc Giang" not in text and 'data-testid="certificate-form"' in text
    assert client.post(reverse("signatures:deactivate", args=[theirs.pk])).status_code == 403
    theirs.refresh_from_db()
    assert theirs.active


def test_the_certificate_page_is_not_for_outsiders(client, issued, trust):
    from tests.factories import ProvinceFactory, UserFactory

    client.force_login(UserFactory(province=ProvinceFactory(code="93", name="Tỉnh Ngoài")))
    response = client.get(reverse("signatures:certificates", args=[issued.emulation_year.cluster.pk]))
    assert response.status_code == 404


def test_the_passphrase_is_kept_out_of_error_reports(client, issued, trust, holder, demo_user):
    from django.views.debug import SafeExceptionReporterFilter

    client.force_login(demo_user("bacgiang"))
    response = certificate_post(client, issued.emulation_year.cluster, holder, passphrase="bi-mat-sai")
    request = response.wsgi_request  # the form shown again with its error: the POST itself
    assert request.method == "POST" and request.sensitive_post_parameters == ("passphrase",)
    cleaned = SafeExceptionReporterFilter().get_post_parameters(request)
    assert cleaned["passphrase"] != "bi-mat-sai" and cleaned["label"] == "Chứng thư số của Cụm"


def test_a_superseded_document_shows_its_mark_and_no_signing(client, issued, trust, holder, demo_user):
    from tests.signatures.test_services import supersede

    chair = demo_user("phutho")
    store_certificate(issued.emulation_year.cluster, chair, holder)
    replacement = supersede(issued, chair)
    client.force_login(chair)
    text = page(client, issued)
    assert 'data-testid="signature-superseded"' in text and replacement.number_text in text
    assert 'data-testid="signed-upload"' not in text and 'data-testid="server-sign"' not in text


def test_the_page_says_whose_certificate_is_missing(client, issued, trust, holder, demo_user):
    store_certificate(issued.emulation_year.cluster, demo_user("bacgiang"), holder)
    client.force_login(demo_user("phutho"))
    text = page(client, issued)
    assert 'data-testid="server-sign"' not in text
    assert 'data-testid="no-certificate"' in text and "Phú Thọ" in text


def test_an_upload_without_a_file_asks_for_one(client, issued, trust, demo_user):
    client.force_login(demo_user("phutho"))
    text = client.post(reverse("signatures:upload", args=[issued.pk]), {}, follow=True).content.decode()
    assert "Hãy chọn tệp PDF đã ký số để tải lên." in text and not SignedCopy.objects.exists()
