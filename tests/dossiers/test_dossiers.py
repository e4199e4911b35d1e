import datetime
import hashlib
import io
import json
import re
import time
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from awards.enums import NominationStatus
from awards.models import Nomination
from dossiers import selectors, services
from dossiers.enums import DossierState
from dossiers.models import Dossier
from reports.enums import DocumentKind
from reports.models import Report
from tests.reports.pdfcheck import pdf_text

SENT_ON = datetime.date(2015, 6, 10)


def flat(text):
    return re.sub(r"\s+", " ", text)


def docx_text(data):
    from docx import Document

    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return flat(" ".join(parts))


def built_before(nomination, day):
    """Date the pack's build back to `day` (the demo's documents are 2015's, the build today's)."""
    built = datetime.datetime.combine(day, datetime.time(8), tzinfo=datetime.UTC)
    Dossier.objects.filter(nomination=nomination).update(built_at=built)


def open_pack(dossier):
    with dossier.pack.open("rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    return archive, json.loads(archive.read("manifest.json"))


def a_pdf(name="bao-cao-da-xac-nhan.pdf"):
    from reports.services import render_pdf_document

    pdf, _pages, _layout = render_pdf_document("<p>Báo cáo thành tích đã ký, đóng dấu</p>")
    return SimpleUploadedFile(name, pdf, content_type="application/pdf")


@pytest.fixture
def chair(demo_user):
    return demo_user("phutho")


@pytest.fixture
def nominee(demo_user):
    return demo_user("thainguyen")


def test_a_pack_holds_each_part_in_pdf_and_word_with_its_manifest(issued_2014, flag_nomination, chair):
    started = time.monotonic()
    dossier = services.dossier_build(nomination=flag_nomination, user=chair)
    print(f"\nOne dossier pack built in {time.monotonic() - started:.1f} s (target < 10 s)")
    archive, manifest = open_pack(dossier)
    names = archive.namelist()
    assert names == [
        "01-to-trinh.pdf",
        "01-to-trinh.docx",
        "02-bao-cao-thanh-tich-du-thao.pdf",
        "02-bao-cao-thanh-tich-du-thao.docx",
        "03-bien-ban-hoi-nghi.pdf",
        "03-bien-ban-hoi-nghi.docx",
        "04-bien-ban-kiem-phieu.pdf",
        "04-bien-ban-kiem-phieu.docx",
        "05-bang-tong-hop-diem.pdf",
        "05-bang-tong-hop-diem.docx",
        "manifest.json",
    ]
    assert all(name.isascii() for name in names)
    files = {f["name"]: f for f in manifest["files"]}
    assert set(files) == set(names) - {"manifest.json"}
    for name, entry in files.items():
        data = archive.read(name)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest() and entry["size"] == len(data)
    assert files["03-bien-ban-hoi-nghi.pdf"]["number_text"] == issued_2014["minutes"].number_text
    assert files["03-bien-ban-hoi-nghi.pdf"]["issued"] is True
    assert archive.read("03-bien-ban-hoi-nghi.pdf") == issued_2014["minutes"].file.open("rb").read()
    submission = Report.objects.get(kind=DocumentKind.SUBMISSION, nomination=flag_nomination)
    assert files["01-to-trinh.pdf"]["number_text"] == submission.number_text == "01/TTr-CTĐ"
    assert files["01-to-trinh.pdf"]["issued"] is False
    assert manifest["province"] == "Thái Nguyên" and manifest["year"] == 2014 and manifest["built_at"]

    to_trinh = flat(pdf_text(archive.read("01-to-trinh.pdf")))
    for expected in [
        "TỜ TRÌNH",
        "Về việc đề nghị tặng Cờ thi đua của Chính phủ năm 2014",
        "Kính gửi: Ban Thi đua - Khen thưởng Trung ương (Bộ Nội vụ)",
        "Số: 01/TTr-CTĐ",
        "Nghị định số 65/2014/NĐ-CP",
        "tỉnh Thái Nguyên",
        "xếp thứ 1/7 thành viên",
        "6/7 phiếu đồng ý, đạt 85,7%",
        f"Biên bản kiểm phiếu số {issued_2014['ballot_records'][0].number_text}",
        f"Bảng tổng hợp điểm số {issued_2014['score_summary'].number_text}",
        "Hồ sơ kèm theo",
        "CỤM TRƯỞNG",
    ]:
        assert expected in to_trinh, expected
    assert "152/2025" not in to_trinh  # a 2015 submission cites the law of its day
    report = flat(pdf_text(archive.read("02-bao-cao-thanh-tich-du-thao.pdf")))
    for expected in [
        "BÁO CÁO THÀNH TÍCH",
        "ĐỀ NGHỊ TẶNG CỜ THI ĐUA CỦA CHÍNH PHỦ",
        "ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN",
        "I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH",
        "1. Đặc điểm, tình hình",
        "2. Chức năng, nhiệm vụ",
        "II. THÀNH TÍCH ĐẠT ĐƯỢC",
        "100,50",
        "xếp thứ 1/7 thành viên",
        "III. CÁC HÌNH THỨC KHEN THƯỞNG ĐÃ ĐƯỢC GHI NHẬN",
        "XÁC NHẬN CỦA CẤP TRÌNH KHEN",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
    ]:
        assert expected in report, expected
    word = docx_text(archive.read("01-to-trinh.docx"))
    assert "TỜ TRÌNH" in word and "Kính gửi: Ban Thi đua - Khen thưởng Trung ương (Bộ Nội vụ)" in word
    assert "6/7 phiếu đồng ý, đạt 85,7%" in word
    word = docx_text(archive.read("02-bao-cao-thanh-tich-du-thao.docx"))
    assert "BÁO CÁO THÀNH TÍCH" in word and "II. THÀNH TÍCH ĐẠT ĐƯỢC" in word and "100,50" in word
    assert "BIÊN BẢN" in docx_text(archive.read("03-bien-ban-hoi-nghi.docx"))
    dossier.refresh_from_db()
    assert dossier.state == DossierState.PREPARING  # the submission is a draft, nothing uploaded


def test_nothing_issued_refuses_the_pack_with_what_is_missing(demo_2014, flag_nomination, chair, media):
    with pytest.raises(ValidationError) as refused:
        services.dossier_build(nomination=flag_nomination, user=chair)
    text = " ".join(refused.value.messages)
    assert "Biên bản" in text or "minutes" in text
    messages = refused.value.messages
    assert len(messages) == 4  # the heading, the minutes, the flag's ballot-count record, the score summary
    assert not Dossier.objects.filter(nomination=flag_nomination, pack__gt="").exists()
    assert not Report.objects.filter(kind=DocumentKind.SUBMISSION).exists()


def test_a_nomination_the_ballot_did_not_elect_has_no_submission(demo_2014, flag_nomination, chair):
    Nomination.objects.filter(pk=flag_nomination.pk).update(status=NominationStatus.NOT_PROPOSED)
    flag_nomination.refresh_from_db()
    assert selectors.submission_blockers(flag_nomination.emulation_year, flag_nomination)
    assert selectors.submission_blockers(flag_nomination.emulation_year, None)
    with pytest.raises(ValidationError):
        services.dossier_build(nomination=flag_nomination, user=chair)


@pytest.mark.parametrize(
    ("username", "view", "build", "upload"),
    [
        ("phutho", True, True, False),  # the chair of 2014
        ("thainguyen", True, False, True),  # the nominee
        ("bacgiang", True, False, False),  # another member
        ("admin", True, True, True),
    ],
)
def test_who_may_do_what_with_a_dossier(demo_2014, flag_nomination, demo_user, username, view, build, upload):
    user = demo_user(username)
    assert user.has_perm("dossiers.view_dossier", flag_nomination) is view
    assert user.has_perm("dossiers.build_dossier", flag_nomination) is build
    assert user.has_perm("dossiers.upload_paper", flag_nomination) is upload


def test_an_outsider_does_not_see_the_dossier(demo_2014, flag_nomination, client):
    from provinces.models import Province

    outsider = get_user_model().objects.create_user(
        "langson", password="x", province=Province.objects.get(name="Lạng Sơn")
    )
    assert not outsider.has_perm("dossiers.view_dossier", flag_nomination)
    client.force_login(outsider)
    assert client.get(reverse("dossiers:dossier", args=[flag_nomination.pk])).status_code == 404


def test_the_services_check_the_rights_themselves(issued_2014, flag_nomination, nominee, chair):
    with pytest.raises(PermissionDenied):
        services.dossier_build(nomination=flag_nomination, user=nominee)
    with pytest.raises(PermissionDenied):
        services.dossier_paper_upload(nomination=flag_nomination, upload=a_pdf(), user=chair)


def test_upload_issue_build_and_send(issued_2014, flag_nomination, chair, nominee):
    with pytest.raises(ValidationError, match="PDF"):
        services.dossier_paper_upload(
            nomination=flag_nomination, upload=SimpleUploadedFile("a.pdf", b"not a pdf at all"), user=nominee
        )
    paper = services.dossier_paper_upload(nomination=flag_nomination, upload=a_pdf(), user=nominee)
    assert paper.original_name == "bao-cao-da-xac-nhan.pdf"
    services.dossier_build(nomination=flag_nomination, user=chair)
    with pytest.raises(ValidationError) as refused:
        services.dossier_mark_sent(nomination=flag_nomination, sent_on=SENT_ON, reference="123/CTĐ", user=chair)
    assert any("tờ trình" in m.lower() for m in refused.value.messages)
    services.dossier_submission_issue(nomination=flag_nomination, user=chair)
    dossier = Dossier.objects.get(nomination=flag_nomination)
    checklist = selectors.checklist(flag_nomination, dossier)
    assert [item.key for item in checklist.missing] == ["pack"]  # issued since the build
    dossier = services.dossier_build(nomination=flag_nomination, user=chair)
    assert dossier.state == DossierState.COMPLETE
    archive, manifest = open_pack(dossier)
    assert "07-bao-cao-thanh-tich-da-xac-nhan.pdf" in archive.namelist()
    assert {f["name"]: f for f in manifest["files"]}["01-to-trinh.pdf"]["issued"] is True
    with pytest.raises(ValidationError) as refused:
        services.dossier_mark_sent(nomination=flag_nomination, sent_on=SENT_ON, reference=" ", user=chair)
    assert "reference" in refused.value.error_dict
    with pytest.raises(ValidationError) as refused:  # built today, so not sent on 10/06/2015
        services.dossier_mark_sent(nomination=flag_nomination, sent_on=SENT_ON, reference="123/CTĐ", user=chair)
    assert "ngày gửi không thể sớm hơn" in " ".join(refused.value.message_dict["sent_on"])
    assert Dossier.objects.get(nomination=flag_nomination).state == DossierState.COMPLETE
    built_before(flag_nomination, SENT_ON)
    dossier = services.dossier_mark_sent(nomination=flag_nomination, sent_on=SENT_ON, reference="123/CTĐ", user=chair)
    assert dossier.state == DossierState.SENT
    flag_nomination.refresh_from_db()
    assert flag_nomination.status == NominationStatus.SENT and flag_nomination.sent_on == SENT_ON
    pack = dossier.pack.name
    with pytest.raises(ValidationError):
        services.dossier_build(nomination=flag_nomination, user=chair)
    with pytest.raises(ValidationError):
        services.dossier_paper_upload(nomination=flag_nomination, upload=a_pdf(), user=nominee)
    dossier.refresh_from_db()
    assert dossier.pack.name == pack and dossier.pack.storage.exists(pack)


def test_a_failed_build_shows_its_error_keeps_the_pack_and_can_be_retried(
    issued_2014, flag_nomination, chair, monkeypatch
):
    dossier = services.dossier_build(nomination=flag_nomination, user=chair)
    pack = dossier.pack.name

    def broken(nomination):
        raise RuntimeError("font missing")

    monkeypatch.setattr(services, "achievement_report_files", broken)
    with pytest.raises(ValidationError, match="font missing"):
        services.dossier_build(nomination=flag_nomination, user=chair)
    dossier.refresh_from_db()
    assert "font missing" in dossier.build_error and dossier.pack.name == pack
    monkeypatch.undo()
    dossier = services.dossier_build(nomination=flag_nomination, user=chair)
    assert dossier.build_error == "" and dossier.pack


def test_the_checklist_counts_the_days_to_the_deadline(issued_2014, flag_nomination, year_2014):
    from django.utils import timezone

    rule_set = year_2014.rule_set
    rule_set.dossier_deadline = timezone.localdate() + datetime.timedelta(days=5)
    rule_set.save(update_fields=["dossier_deadline"])
    flag_nomination.emulation_year.rule_set.dossier_deadline = rule_set.dossier_deadline
    checklist = selectors.checklist(flag_nomination)
    assert checklist.days_left == 5 and not checklist.late
    flag_nomination.emulation_year.rule_set.dossier_deadline = timezone.localdate() - datetime.timedelta(days=2)
    checklist = selectors.checklist(flag_nomination)
    assert checklist.late and checklist.days_late == 2


def test_the_dossier_page_and_the_state_on_the_console(issued_2014, flag_nomination, chair, nominee, client):
    url = reverse("dossiers:dossier", args=[flag_nomination.pk])
    client.force_login(nominee)
    page = client.get(url).content.decode()
    assert 'data-item="minutes" data-present="yes"' in page
    assert 'data-item="certified_report" data-present="no"' in page
    assert 'name="action" value="build"' not in page  # the nominee uploads, the chair builds
    response = client.post(url, {"action": "upload", "upload": a_pdf(), "note": ""})
    assert response.status_code == 302
    assert 'data-item="certified_report" data-present="yes"' in client.get(url).content.decode()
    assert client.post(url, {"action": "build"}).status_code == 403

    client.force_login(chair)
    response = client.post(url, {"action": "build"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert reverse("dossiers:pack", args=[flag_nomination.pk]) in page
    download = client.get(reverse("dossiers:pack", args=[flag_nomination.pk]))
    assert download["Content-Type"] == "application/zip"
    assert "manifest.json" in zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()
    client.post(url, {"action": "issue_submission", "confirmed": "1"})
    client.post(url, {"action": "build"})
    built_before(flag_nomination, SENT_ON)
    response = client.post(url, {"action": "sent", "sent_on": "10/06/2015", "reference": "123/CTĐ"})
    assert "123/CTĐ" in response.content.decode()  # the confirmation first
    client.post(url, {"action": "sent", "sent_on": "10/06/2015", "reference": "123/CTĐ", "confirmed": "1"})
    assert 'data-testid="sent"' in client.get(url).content.decode()
    year = flag_nomination.emulation_year
    console = client.get(reverse("awards:console", args=[year.cluster_id, year.year])).content.decode()
    assert 'data-dossier-state="sent"' in console
    assert "10/06/2015" in console and "123/CTĐ" in console
    assert console.count('data-testid="dossier-link"') == 2  # the flag and the certificate
    assert 'data-dossier-state="preparing"' in console  # Phú Thọ's certificate: nothing yet


def test_a_file_that_is_not_a_pdf_is_refused_next_to_its_field(demo_2014, flag_nomination, nominee, client):
    client.force_login(nominee)
    url = reverse("dossiers:dossier", args=[flag_nomination.pk])
    response = client.post(url, {"action": "upload", "upload": SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00 exe")})
    assert response.status_code == 400
    page = response.content.decode()
    assert "bao-cao.pdf" in page and 'id="id_upload"' in page and "invalid-feedback" in page
    assert not Dossier.objects.filter(nomination=flag_nomination, papers__isnull=False).exists()


def test_the_certificates_dossier_carries_its_own_ballot(issued_2014, year_2014, chair):
    from awards.models import BallotRound
    from tests.dossiers.conftest import issue

    certificate = Nomination.objects.get(emulation_year=year_2014, award_type__code="certificate")
    with pytest.raises(ValidationError) as refused:
        services.dossier_build(nomination=certificate, user=chair)
    assert len(refused.value.messages) == 2  # only the certificate's ballot-count record is missing
    for ballot_round in BallotRound.objects.filter(meeting__emulation_year=year_2014, award_type__code="certificate"):
        issue(DocumentKind.BALLOT_RECORD, year_2014, chair, ballot_round)
    dossier = services.dossier_build(nomination=certificate, user=chair)
    archive, _manifest = open_pack(dossier)
    to_trinh = flat(pdf_text(archive.read("01-to-trinh.pdf")))
    assert "Về việc đề nghị tặng Bằng khen của Thủ tướng Chính phủ năm 2014" in to_trinh
    assert "tỉnh Phú Thọ" in to_trinh and "7/7 phiếu đồng ý, đạt 100%" in to_trinh
    assert "Số: 01/TTr-CTĐ" in to_trinh  # the first submission of the year
    report = flat(pdf_text(archive.read("02-bao-cao-thanh-tich-du-thao.pdf")))
    assert "ĐỀ NGHỊ TẶNG BẰNG KHEN CỦA THỦ TƯỚNG CHÍNH PHỦ" in report and "ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ" in report


def test_the_pack_carries_the_official_signed_copy_of_a_document(issued_2014, flag_nomination, chair):
    from django.core.files.base import ContentFile

    from signatures.models import SignedCopy, Source

    minutes = issued_2014["minutes"]
    with minutes.file.open("rb") as handle:
        signed = handle.read() + b"\n% chu ky so\n"
    copy = SignedCopy(
        report=minutes,
        sha256=hashlib.sha256(signed).hexdigest(),
        source=Source.UPLOAD,
        signer_subject="CN=Nguyễn Văn An",
        signer_common_name="Nguyễn Văn An",
        intact=True,
        covers_document=True,
        trusted=True,
        valid=True,
        is_official=True,
    )
    copy.file.save("minutes.pdf", ContentFile(signed), save=False)
    copy.save()
    archive, manifest = open_pack(services.dossier_build(nomination=flag_nomination, user=chair))
    files = {f["name"]: f for f in manifest["files"]}
    assert archive.read("03-bien-ban-hoi-nghi.pdf") == signed
    assert files["03-bien-ban-hoi-nghi.pdf"]["signed"] is True
    assert files["03-bien-ban-hoi-nghi.pdf"]["sha256"] == hashlib.sha256(signed).hexdigest()
    assert files["03-bien-ban-hoi-nghi.docx"]["signed"] is False
    assert files["05-bang-tong-hop-diem.pdf"]["signed"] is False  # no signed copy: the issued PDF
