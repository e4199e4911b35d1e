import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from reports.enums import DocumentKind
from signatures import services
from signatures.models import OrganisationCertificate, SignedCopy, Source
from tests.signatures import pki
from tests.signatures.conftest import BLUE, RED, issue, png


def upload(data, name="ky-so.pdf"):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def issued_bytes(report):
    with report.file.open("rb") as handle:
        return handle.read()


def store_certificate(cluster, user, holder, passphrase="mat-khau", **kwargs):  # noqa: S107 (a test passphrase)
    return services.certificate_store(
        cluster=cluster,
        user=user,
        province=kwargs.get("province"),
        label=kwargs.get("label", "Chứng thư số của Cụm"),
        pkcs12_file=SimpleUploadedFile("cum.p12", holder.pkcs12(b"mat-khau")),
        passphrase=passphrase,
        signer_image=SimpleUploadedFile("chu-ky.png", png(BLUE)),
        seal_image=SimpleUploadedFile("con-dau.png", png(RED, (200, 200))),
    )


# --- Signed elsewhere and uploaded ---------------------------------------------------------


def test_a_document_signed_elsewhere_becomes_the_official_copy(issued, trust, holder, demo_user):
    original = issued_bytes(issued)
    copy = services.signed_copy_upload(
        report=issued, upload=upload(pki.sign_elsewhere(original, holder)), user=demo_user("phutho")
    )
    assert copy.is_official and copy.valid and copy.trusted and copy.covers_document and copy.intact
    assert copy.signer_common_name == "Nguyễn Văn An"
    assert "Nguyễn Văn An" in copy.signer_subject and "Cụm thi đua kiểm thử" in copy.signer_subject
    assert copy.signed_at is not None
    assert copy.summary.startswith("Đã ký số bởi Nguyễn Văn An lúc ")
    assert copy.summary.endswith("; hợp lệ")
    assert copy.source == Source.UPLOAD
    with copy.file.open("rb") as handle:
        assert handle.read().startswith(original)
    issued.refresh_from_db()
    assert issued_bytes(issued) == original  # the issued file itself is never touched


def test_a_newer_valid_copy_becomes_official_and_the_earlier_one_is_kept(issued, trust, holder, demo_user):
    original = issued_bytes(issued)
    first = services.signed_copy_upload(
        report=issued, upload=upload(pki.sign_elsewhere(original, holder)), user=demo_user("phutho")
    )
    second = services.signed_copy_upload(
        report=issued, upload=upload(pki.sign_elsewhere(original, holder, "Chu-ky-2")), user=demo_user("phutho")
    )
    first.refresh_from_db()
    assert second.is_official and not first.is_official
    assert SignedCopy.objects.filter(report=issued).count() == 2


def test_the_same_file_twice_is_refused(issued, trust, holder, demo_user):
    data = pki.sign_elsewhere(issued_bytes(issued), holder)
    services.signed_copy_upload(report=issued, upload=upload(data), user=demo_user("phutho"))
    with pytest.raises(ValidationError, match="đã được lưu"):
        services.signed_copy_upload(report=issued, upload=upload(data), user=demo_user("phutho"))


def official_then(issued, holder, user):
    """An official copy is in place; returns it."""
    return services.signed_copy_upload(
        report=issued, upload=upload(pki.sign_elsewhere(issued_bytes(issued), holder)), user=user
    )


@pytest.mark.parametrize(
    ("forge", "reason"),
    [
        (lambda data, holder: pki.change_after_signing(pki.sign_elsewhere(data, holder)), "đã bị sửa sau khi ký"),
        (lambda data, holder: pki.sign_elsewhere(data, holder) + b"\n9 0 obj (them) endobj\n", "bị sửa sau khi ký"),
        (lambda data, holder: pki.sign_elsewhere(pki.change_after_signing(data), holder), "bị sửa sau khi ký"),
        (lambda data, holder: data, "không có chữ ký số"),
        (lambda data, holder: b"not a pdf at all", "không phải là tệp PDF"),
        (lambda data, holder: data[:-200], "không phải là văn bản số"),
        (lambda data, holder: data + b"\n7 0 obj\n<< /Type /Sig\nxref\ntrailer <<>>\n%%EOF", "Không đọc được tệp"),
    ],
    ids=[
        "changed-after-signing",
        "bytes-appended",
        "changed-then-signed",
        "unsigned",
        "not-a-pdf",
        "truncated",
        "broken-update",
    ],
)
def test_a_file_that_fails_verification_is_refused_and_the_official_copy_stays(
    issued, trust, holder, demo_user, forge, reason
):
    official = official_then(issued, holder, demo_user("phutho"))
    with pytest.raises(ValidationError) as refused:
        services.signed_copy_upload(
            report=issued, upload=upload(forge(issued_bytes(issued), holder)), user=demo_user("phutho")
        )
    message = " ".join(refused.value.messages)
    assert reason in message and "Bản chính thức giữ nguyên" in message
    assert list(SignedCopy.objects.filter(report=issued)) == [official]
    official.refresh_from_db()
    assert official.is_official


def test_an_altered_file_says_who_signed_it_and_that_it_was_changed(issued, trust, holder, demo_user):
    forged = pki.change_after_signing(pki.sign_elsewhere(issued_bytes(issued), holder))
    with pytest.raises(ValidationError) as refused:
        services.signed_copy_upload(report=issued, upload=upload(forged), user=demo_user("phutho"))
    assert "Đã ký số bởi Nguyễn Văn An lúc" in refused.value.messages[0]
    assert "đã bị sửa sau khi ký" in refused.value.messages[0]


def test_a_damaged_signature_is_refused(issued, trust, holder, demo_user):
    data = bytearray(pki.sign_elsewhere(issued_bytes(issued), holder))
    # Flip one byte inside the signature value (the hex string of /Contents).
    start = data.index(b"/Contents <", len(issued_bytes(issued))) + 400
    data[start] = ord("0") if data[start] != ord("0") else ord("1")
    with pytest.raises(ValidationError, match="bị hỏng"):
        services.signed_copy_upload(report=issued, upload=upload(bytes(data)), user=demo_user("phutho"))
    assert not SignedCopy.objects.exists()


def test_another_document_signed_is_refused(issued, trust, holder, demo_user):
    other = issue(DocumentKind.SCORE_SUMMARY, 2014, demo_user("phutho"))
    data = pki.sign_elsewhere(issued_bytes(other), holder)
    with pytest.raises(ValidationError, match=f"không phải là văn bản số {issued.number_text}"):
        services.signed_copy_upload(report=issued, upload=upload(data), user=demo_user("phutho"))
    assert not SignedCopy.objects.exists()


def test_an_untrusted_certificate_is_kept_as_not_valid_and_never_official(issued, trust, stranger, demo_user):
    copy = services.signed_copy_upload(
        report=issued, upload=upload(pki.sign_elsewhere(issued_bytes(issued), stranger)), user=demo_user("phutho")
    )
    assert copy.intact and copy.covers_document and not copy.trusted and not copy.valid
    assert not copy.is_official
    assert "không hợp lệ (chứng thư không thuộc tổ chức chứng thực tin cậy)" in copy.summary


def test_without_configured_trust_roots_nothing_is_trusted(issued, settings, holder, demo_user):
    settings.SIGNATURE_TRUST_ROOTS = []
    copy = services.signed_copy_upload(
        report=issued, upload=upload(pki.sign_elsewhere(issued_bytes(issued), holder)), user=demo_user("phutho")
    )
    assert not copy.trusted and not copy.is_official


def test_a_draft_cannot_be_signed(draft, trust, holder, demo_user):
    data = pki.sign_elsewhere(issued_bytes(draft), holder)
    with pytest.raises(ValidationError, match="ban hành"):
        services.signed_copy_upload(report=draft, upload=upload(data), user=demo_user("phutho"))


@pytest.mark.parametrize("username", ["bacgiang", "backan", "thainguyen"])
def test_only_the_chair_of_the_year_or_an_admin_may_sign(issued, trust, holder, demo_user, username):
    data = pki.sign_elsewhere(issued_bytes(issued), holder)
    with pytest.raises(PermissionDenied):
        services.signed_copy_upload(report=issued, upload=upload(data), user=demo_user(username))
    assert not SignedCopy.objects.exists()


def test_an_admin_may_sign(issued, trust, holder, demo_user, django_user_model):
    admin = django_user_model.objects.filter(is_superuser=True).first()
    data = pki.sign_elsewhere(issued_bytes(issued), holder)
    assert services.signed_copy_upload(report=issued, upload=upload(data), user=admin).is_official


# --- The organisation's certificate and the server's signature --------------------------------


def test_the_certificate_is_encrypted_at_rest(issued, trust, holder, demo_user):
    certificate = store_certificate(issued.emulation_year.cluster, demo_user("phutho"), holder)
    stored = bytes(OrganisationCertificate.objects.get(pk=certificate.pk).pkcs12)
    assert stored != holder.pkcs12(b"mat-khau") and b"mat-khau" not in stored
    assert b"mat-khau" not in bytes(certificate.passphrase)
    assert certificate.common_name == "Nguyễn Văn An" and certificate.active


def test_a_wrong_passphrase_is_a_clear_error(issued, trust, holder, demo_user):
    with pytest.raises(ValidationError) as refused:
        store_certificate(issued.emulation_year.cluster, demo_user("bacgiang"), holder, passphrase="sai")
    assert "mật khẩu" in " ".join(refused.value.message_dict["passphrase"])
    assert not OrganisationCertificate.objects.exists()


def test_an_untrusted_certificate_is_not_stored(issued, trust, stranger, demo_user):
    with pytest.raises(ValidationError) as refused:
        store_certificate(issued.emulation_year.cluster, demo_user("bacgiang"), stranger)
    assert "tin cậy" in " ".join(refused.value.message_dict["pkcs12_file"])


def test_without_a_signing_key_no_certificate_is_stored(issued, trust, settings, holder, demo_user):
    settings.SIGNING_KEY = ""
    with pytest.raises(ValidationError, match="SIGNING_KEY"):
        store_certificate(issued.emulation_year.cluster, demo_user("phutho"), holder)


def test_a_new_certificate_replaces_the_active_one(issued, trust, holder, demo_user):
    cluster = issued.emulation_year.cluster
    first = store_certificate(cluster, demo_user("bacgiang"), holder)
    second = store_certificate(cluster, demo_user("bacgiang"), holder, label="Mới")
    first.refresh_from_db()
    assert second.active and not first.active


def test_a_province_stores_its_own_certificate_and_only_its_documents_use_it(issued, trust, holder, demo_user):
    # Bắc Giang (2015's chair, the cluster's chair now) stores its certificate: it is Bắc Giang's,
    # and Phú Thọ's 2014 report is not signed with it, by Phú Thọ nor by an admin.
    cluster = issued.emulation_year.cluster
    certificate = store_certificate(cluster, demo_user("bacgiang"), holder)
    assert certificate.province == demo_user("bacgiang").province
    admin = type(demo_user("phutho")).objects.filter(is_superuser=True).first()
    for user in (demo_user("phutho"), admin):
        with pytest.raises(ValidationError, match="Phú Thọ"):
            services.report_sign_on_server(report=issued, user=user)
    assert not SignedCopy.objects.exists()
    own = store_certificate(cluster, demo_user("phutho"), holder, label="Chứng thư số của Phú Thọ")
    copy = services.report_sign_on_server(report=issued, user=admin)
    assert copy.certificate == own and copy.is_official
    certificate.refresh_from_db()
    assert certificate.active  # one active certificate per province, not per cluster


def test_an_outsider_stores_no_certificate(issued, trust, holder):
    from tests.factories import ProvinceFactory, UserFactory

    outsider = UserFactory(province=ProvinceFactory(code="93", name="Tỉnh Ngoài"))
    with pytest.raises(PermissionDenied):
        store_certificate(issued.emulation_year.cluster, outsider, holder)


def test_an_admin_stores_a_certificate_for_a_province_of_the_cluster(issued, trust, holder, demo_user):
    admin = type(demo_user("phutho")).objects.filter(is_superuser=True).first()
    cluster = issued.emulation_year.cluster
    with pytest.raises(ValidationError) as refused:
        store_certificate(cluster, admin, holder)
    assert "Hãy chọn tỉnh" in " ".join(refused.value.message_dict["province"])
    certificate = store_certificate(cluster, admin, holder, province=demo_user("phutho").province)
    assert certificate.province == demo_user("phutho").province and certificate.uploaded_by == admin


def test_the_certificate_stays_its_province_s_after_the_rotation(issued, trust, holder, demo_user):
    # Bắc Giang chairs 2015; whoever chairs later, Bắc Giang's staff keep control of its key and
    # the next chair does not gain it.
    certificate = store_certificate(issued.emulation_year.cluster, demo_user("bacgiang"), holder)
    with pytest.raises(PermissionDenied):
        services.certificate_deactivate(certificate=certificate, user=demo_user("backan"))
    with pytest.raises(PermissionDenied):
        services.certificate_deactivate(certificate=certificate, user=demo_user("phutho"))
    certificate.refresh_from_db()
    assert certificate.active
    services.certificate_deactivate(certificate=certificate, user=demo_user("bacgiang"))
    certificate.refresh_from_db()
    assert not certificate.active


def test_the_server_signs_with_the_stamp_on_the_signature_space(issued, trust, holder, demo_user):
    store_certificate(issued.emulation_year.cluster, demo_user("phutho"), holder)
    copy = services.report_sign_on_server(report=issued, user=demo_user("phutho"))
    assert copy.is_official and copy.valid and copy.source == Source.SERVER
    assert copy.summary.startswith("Đã ký số bởi Nguyễn Văn An") and copy.summary.endswith("hợp lệ")
    with copy.file.open("rb") as handle:
        data = handle.read()
    assert data.startswith(issued_bytes(issued))
    reader = PdfReader(io.BytesIO(data))
    space = issued.layout["signature"]
    widgets = [
        (index, annotation.get_object())
        for index, page in enumerate(reader.pages)
        for annotation in page.get("/Annots", [])
        if annotation.get_object().get("/FT") == "/Sig"
    ]
    assert len(widgets) == 1
    index, widget = widgets[0]
    assert index == space["page"]
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    page_height = space["page_height"] * 0.75
    space_top, space_bottom = page_height - space["y"] * 0.75, page_height - (space["y"] + space["height"]) * 0.75
    assert y1 < space_top and y2 > space_bottom  # the stamp covers the blank space
    assert space["x"] * 0.75 <= (x1 + x2) / 2 <= space["page_width"] * 0.75  # in the signer's column
    # The appearance carries the two pictures (composed into one transparent image).
    appearance = widget["/AP"]["/N"].get_object()
    images = [
        xobject.get_object() for xobject in _xobjects(appearance) if xobject.get_object().get("/Subtype") == "/Image"
    ]
    assert images and "/SMask" in images[0]
    colours = _colours(images[0])
    assert BLUE[:3] in colours and RED[:3] in colours


def _xobjects(xobject):
    resources = xobject.get("/Resources", {})
    for item in resources.get("/XObject", {}).values():
        item = item.get_object()
        yield item
        if item.get("/Subtype") == "/Form":
            yield from _xobjects(item)


def _colours(image_object):
    from PIL import Image

    assert image_object["/ColorSpace"] == "/DeviceRGB" and image_object["/BitsPerComponent"] == 8
    size = (int(image_object["/Width"]), int(image_object["/Height"]))
    image = Image.frombytes("RGB", size, image_object.get_data())
    return {colour for _count, colour in image.getcolors(maxcolors=1 << 24)}


def test_the_server_signature_keeps_a_signature_made_before(issued, trust, holder, demo_user):
    official = official_then(issued, holder, demo_user("phutho"))
    store_certificate(issued.emulation_year.cluster, demo_user("phutho"), holder)
    copy = services.report_sign_on_server(report=issued, user=demo_user("phutho"))
    official.refresh_from_db()
    assert copy.is_official and not official.is_official
    assert len(copy.signatures) == 2 and all(s["valid"] for s in copy.signatures)


def test_without_an_active_certificate_the_server_does_not_sign(issued, trust, demo_user):
    with pytest.raises(ValidationError, match="Phú Thọ.*chưa có chứng thư số"):
        services.report_sign_on_server(report=issued, user=demo_user("phutho"))


def test_a_failed_server_signature_changes_nothing_and_can_be_retried(issued, trust, holder, demo_user, monkeypatch):
    store_certificate(issued.emulation_year.cluster, demo_user("phutho"), holder)
    official = official_then(issued, holder, demo_user("phutho"))

    def broken(*args, **kwargs):
        raise OSError("thiết bị ký không trả lời")

    with monkeypatch.context() as patch:
        patch.setattr(services.pdf, "sign", broken)
        with pytest.raises(ValidationError) as refused:
            services.report_sign_on_server(report=issued, user=demo_user("phutho"))
    message = " ".join(refused.value.messages)
    assert "Không ký được văn bản trên máy chủ" in message and "thiết bị ký" not in message  # the error goes to the log
    official.refresh_from_db()
    assert official.is_official and SignedCopy.objects.count() == 1
    assert services.report_sign_on_server(report=issued, user=demo_user("phutho")).is_official


def test_a_changed_signing_key_is_a_clear_error(issued, trust, settings, holder, demo_user):
    store_certificate(issued.emulation_year.cluster, demo_user("phutho"), holder)
    settings.SIGNING_KEY = "mot-khoa-khac"
    with pytest.raises(ValidationError, match="SIGNING_KEY"):
        services.report_sign_on_server(report=issued, user=demo_user("phutho"))
    assert not SignedCopy.objects.exists()


def test_a_member_cannot_sign_on_the_server(issued, trust, holder, demo_user):
    store_certificate(issued.emulation_year.cluster, demo_user("phutho"), holder)
    with pytest.raises(PermissionDenied):
        services.report_sign_on_server(report=issued, user=demo_user("backan"))
    assert not SignedCopy.objects.exists()


def test_without_a_signature_space_the_server_signature_is_invisible(issued, trust, holder, demo_user):
    # A stamp anywhere but on the signature space could cover the text: none is drawn.
    type(issued).objects.filter(pk=issued.pk).update(layout={})
    issued.refresh_from_db()
    store_certificate(issued.emulation_year.cluster, demo_user("phutho"), holder)
    copy = services.report_sign_on_server(report=issued, user=demo_user("phutho"))
    assert copy.is_official and copy.valid
    with copy.file.open("rb") as handle:
        reader = PdfReader(handle)
        widgets = [
            a.get_object() for p in reader.pages for a in p.get("/Annots", []) if a.get_object().get("/FT") == "/Sig"
        ]
        assert len(widgets) == 1
        x1, y1, x2, y2 = (float(v) for v in widgets[0]["/Rect"])
        assert x1 == x2 and y1 == y2  # zero area: nothing painted


def test_an_uploaded_copy_whose_stamp_covers_the_page_is_refused(issued, trust, holder, demo_user):
    from tests.signatures.test_pdf_attacks import PAGE, sign

    forged = sign(issued_bytes(issued), holder, box=PAGE)
    with pytest.raises(ValidationError, match="bị sửa sau khi ký"):
        services.signed_copy_upload(report=issued, upload=upload(forged), user=demo_user("phutho"))
    assert not SignedCopy.objects.exists()


def test_an_expired_certificate_does_not_sign(issued, trust, holder, demo_user):
    import datetime

    from django.utils import timezone

    certificate = store_certificate(issued.emulation_year.cluster, demo_user("phutho"), holder)
    OrganisationCertificate.objects.filter(pk=certificate.pk).update(
        not_valid_after=timezone.now() - datetime.timedelta(days=1)
    )
    with pytest.raises(ValidationError, match="đã hết hiệu lực"):
        services.report_sign_on_server(report=issued, user=demo_user("phutho"))
    assert not SignedCopy.objects.exists()


# --- Superseded documents ----------------------------------------------------------------------


def supersede(report, user):
    from reports import services as report_services

    replacement = report_services.report_request(
        kind=report.kind, emulation_year=report.emulation_year, user=user, replaces=report, reason="Sai số liệu"
    )
    return report_services.report_issue(report=replacement, user=user)


def test_a_superseded_document_is_no_longer_signed_and_its_official_copy_stays(issued, trust, holder, demo_user):
    chair = demo_user("phutho")
    official = official_then(issued, holder, chair)
    store_certificate(issued.emulation_year.cluster, chair, holder)
    replacement = supersede(issued, chair)
    data = pki.sign_elsewhere(issued_bytes(issued), holder, "Chu-ky-2")
    with pytest.raises(ValidationError, match=f"THAY THẾ BẰNG VĂN BẢN SỐ {replacement.number_text}"):
        services.signed_copy_upload(report=issued, upload=upload(data), user=chair)
    with pytest.raises(ValidationError, match="bị thay thế"):
        services.report_sign_on_server(report=issued, user=chair)
    official.refresh_from_db()
    assert official.is_official and SignedCopy.objects.filter(report=issued).count() == 1


# --- Signing time and revocation -----------------------------------------------------------


def test_the_result_says_the_time_is_the_signer_s_own_and_revocation_is_not_checked(issued, trust, holder, demo_user):
    copy = official_then(issued, holder, demo_user("phutho"))
    assert copy.signatures[0]["timestamped"] is False and copy.signatures[0]["revocation"] == "not_checked"
    notes = " ".join(services.result_notes(copy))
    assert "công cụ ký của người ký" in notes and "Không kiểm tra" in notes
