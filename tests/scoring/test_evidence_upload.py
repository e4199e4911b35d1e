"""Evidence is never lost: each file is stored on its own as soon as it is chosen (a JSON
endpoint the page's script calls), previewed in the page under a sandboxing policy, its upload
and removal in the scorecard's history, its removal confirmed first."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from scoring import selectors, services
from scoring.models import Evidence, Scorecard

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


@pytest.fixture
def draft(scoring_demo, media):
    """Bắc Kạn's 2015 draft."""
    return Scorecard.objects.get(emulation_year__year=2015, province__code="06")


def leaf(scorecard, code):
    return next(c for c in selectors.criteria_table(scorecard.emulation_year).leaves if c.code == code)


def upload_url(scorecard, code):
    return reverse("scoring:evidence_upload", args=[scorecard.pk, leaf(scorecard, code).pk])


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def test_a_chosen_file_is_stored_at_once_and_answered_in_json(client, draft, demo_user):
    client.force_login(demo_user("backan"))
    version = draft.version
    response = client.post(upload_url(draft, "B1"), {"file": SimpleUploadedFile("Kế hoạch thi đua.pdf", PDF)})
    assert response.status_code == 201
    answer = response.json()
    evidence = Evidence.objects.get(pk=answer["id"])
    assert answer["name"] == "Kế hoạch thi đua.pdf" == evidence.original_name
    assert answer["size"] == len(PDF)
    assert answer["preview_url"] == reverse("scoring:evidence_preview", args=[evidence.pk])
    assert answer["message"] == "Đã tải lên Kế hoạch thi đua.pdf."
    assert evidence.score.criterion.code == "B1" and evidence.uploaded_by.username == "backan"
    assert evidence.file.read() == PDF
    draft.refresh_from_db()
    assert draft.version == version  # the form open in the page still saves


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00" + b"\x00" * 100, "không phải là tệp PDF"),
        ("trong.pdf", b"", "Tệp trong.pdf rỗng."),
        ("anh.pdf", PNG, "không đúng với phần mở rộng của tên tệp"),
    ],
)
def test_a_refused_file_gets_a_vietnamese_message_and_nothing_is_stored(
    client, draft, demo_user, name, content, message
):
    client.force_login(demo_user("backan"))
    response = client.post(upload_url(draft, "B1"), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not Evidence.objects.filter(score__scorecard=draft).exists()


def test_an_upload_without_a_file_or_to_a_group_is_refused(client, draft, demo_user):
    client.force_login(demo_user("backan"))
    assert client.post(upload_url(draft, "B1")).json()["error"] == "Hãy chọn một tệp để tải lên."
    group = next(
        row.criterion
        for b in selectors.criteria_table(draft.emulation_year).sections
        for row in b.rows
        if not row.is_leaf
    )
    response = client.post(
        reverse("scoring:evidence_upload", args=[draft.pk, group.pk]), {"file": SimpleUploadedFile("a.pdf", PDF)}
    )
    assert response.status_code == 400 and "Hãy tải lại trang." in response.json()["error"]


@pytest.mark.parametrize(
    ("username", "status"),
    [("thainguyen", 404), ("bacgiang", 404), ("admin", 403)],  # a draft: its province's own
)
def test_only_the_province_adds_evidence_to_its_draft(client, draft, demo_user, username, status):
    client.force_login(demo_user(username))
    response = client.post(upload_url(draft, "B1"), {"file": SimpleUploadedFile("a.pdf", PDF)})
    assert response.status_code == status
    if status == 403:
        assert response.json()["error"] == "Bạn không thể thêm minh chứng vào bảng điểm này."
    assert not Evidence.objects.filter(score__scorecard=draft).exists()


def test_nobody_adds_evidence_to_a_submitted_scorecard(client, scoring_demo, media, demo_user):
    agreed = Scorecard.objects.get(emulation_year__year=2014, province__code="19")
    client.force_login(demo_user("thainguyen"))
    response = client.post(upload_url(agreed, "B1"), {"file": SimpleUploadedFile("a.pdf", PDF)})
    assert response.status_code == 403
    client.logout()
    assert client.post(upload_url(agreed, "B1"), {"file": SimpleUploadedFile("a.pdf", PDF)}).status_code == 302


def test_a_later_form_error_keeps_the_uploaded_file(client, draft, demo_user):
    client.force_login(demo_user("backan"))
    b1, b2 = leaf(draft, "B1"), leaf(draft, "B2")
    page = client.get(reverse("scoring:scorecard", args=[draft.pk]))
    version = re.search(r'name="version" value="(\d+)"', page.content.decode()).group(1)
    client.post(upload_url(draft, "B1"), {"file": SimpleUploadedFile("ke-hoach.pdf", PDF)})

    refused = client.post(
        reverse("scoring:scorecard", args=[draft.pk]),
        {"version": version, f"score_{b1.pk}": "4,5", f"score_{b2.pk}": "50", "save": "1"},
    )
    assert refused.status_code == 400
    assert "ke-hoach.pdf" in text(refused)  # still attached, shown next to B1
    assert Evidence.objects.filter(score__criterion=b1, score__scorecard=draft).count() == 1

    saved = client.post(
        reverse("scoring:scorecard", args=[draft.pk]),
        {"version": version, f"score_{b1.pk}": "4,5", f"score_{b2.pk}": "5", "save": "1"},
    )
    assert saved.status_code == 302  # the upload did not make the open form stale
    assert Evidence.objects.get(score__criterion=b1, score__scorecard=draft).score.self_score == 4.5


def test_the_form_says_who_will_see_the_files_and_loads_the_upload_script(client, draft, demo_user):
    client.force_login(demo_user("backan"))
    page = text(client.get(reverse("scoring:scorecard", args=[draft.pk])))
    assert "cán bộ tỉnh bạn và quản trị viên; sau khi nộp bảng điểm, cả cán bộ của mọi tỉnh thành viên" in page
    assert '<script src="/static/js/evidence-upload.js" defer></script>' in page
    b1 = leaf(draft, "B1")
    assert f'data-upload-url="{upload_url(draft, "B1")}"' in page
    # The script's messages, translated, "{name}" standing for the file's name.
    assert 'data-msg-failed="Không tải lên được tệp {name}. Những gì đã nhập khác không bị mất' in page
    # Too large a file is refused before it is sent, with the limit.
    assert 'data-max-bytes="10485760"' in page
    assert "Tệp này lớn hơn giới hạn 10,0 MB nên chưa được tải lên." in page
    assert f'id="id_evidence_{b1.pk}_camera" accept="image/*" capture="environment"' in page
    assert re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", page) == []  # no inline script


def _stored(draft, user, code="B1", name="ke-hoach.pdf", content=PDF):
    return services.evidence_upload(
        scorecard=draft, criterion_id=leaf(draft, code).pk, upload=SimpleUploadedFile(name, content), user=user
    )


def test_readers_preview_a_pdf_inline_under_a_sandbox(client, draft, demo_user):
    evidence = _stored(draft, demo_user("backan"))
    url = reverse("scoring:evidence_preview", args=[evidence.pk])
    client.force_login(demo_user("backan"))
    page = text(client.get(reverse("scoring:scorecard", args=[draft.pk])))
    assert f'<iframe class="evidence-frame" src="{url}" loading="lazy" title="ke-hoach.pdf">' in page
    assert "<summary>Xem</summary>" in page

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    policy = [part.strip() for part in response["Content-Security-Policy"].split(";")]
    assert "sandbox" in policy and "default-src 'none'" in policy and "plugin-types application/pdf" in policy
    assert "img-src 'self'" in policy and "object-src 'self'" in policy
    assert "script-src 'self'" not in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == PDF


def test_an_image_is_previewed_and_office_files_are_not(client, draft, demo_user):
    backan = demo_user("backan")
    image = _stored(draft, backan, name="anh.png", content=PNG)
    client.force_login(backan)
    page = text(client.get(reverse("scoring:scorecard", args=[draft.pk])))
    url = reverse("scoring:evidence_preview", args=[image.pk])
    assert f'<img class="evidence-frame" src="{url}" loading="lazy" alt="anh.png">' in page
    assert client.get(url)["Content-Type"] == "image/png"
    docx = Evidence.objects.create(
        score=image.score,
        file=image.file.name,
        original_name="b.docx",
        extension="docx",
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        size=3,
    )
    assert client.get(reverse("scoring:evidence_preview", args=[docx.pk])).status_code == 404


@pytest.mark.parametrize(("username", "status"), [("thainguyen", 404), ("bacgiang", 404), ("admin", 200)])
def test_the_preview_is_for_readers_of_the_scorecard(client, draft, demo_user, username, status):
    evidence = _stored(draft, demo_user("backan"))
    client.force_login(demo_user(username))
    assert client.get(reverse("scoring:evidence_preview", args=[evidence.pk])).status_code == status


def test_a_member_previews_the_evidence_of_a_submitted_scorecard(client, scoring_demo, demo_user):
    thai_nguyen = Scorecard.objects.get(emulation_year__year=2014, province__code="19")
    evidence = Evidence.objects.filter(score__scorecard=thai_nguyen, extension="pdf").first()
    client.force_login(demo_user("yenbai"))  # a member reads a submitted scorecard's evidence
    assert client.get(reverse("scoring:evidence_preview", args=[evidence.pk])).status_code == 200


def test_removing_asks_first_and_history_shows_upload_and_removal(client, draft, demo_user):
    backan = demo_user("backan")
    evidence = _stored(draft, backan)
    client.force_login(backan)
    url = reverse("scoring:evidence_delete", args=[evidence.pk])

    asked = text(client.post(url))
    assert "Xóa tệp minh chứng ke-hoach.pdf" in asked
    assert "Tệp sẽ bị xóa khỏi tiêu chí B1" in asked
    assert 'name="confirmed" value="1"' in asked
    assert Evidence.objects.filter(pk=evidence.pk).exists()  # nothing removed yet

    response = client.post(url, {"confirmed": "1"})
    assert response.status_code == 302
    assert response.url.endswith(f"#criterion-{evidence.score.criterion_id}")
    assert not Evidence.objects.filter(pk=evidence.pk).exists()

    history = text(client.get(reverse("scoring:scorecard_history", args=[draft.pk])))
    rows = re.findall(r"<tr>(.*?)</tr>", history)
    evidence_rows = [r for r in rows if "B1 – Tệp minh chứng" in r]
    assert len(evidence_rows) == 2
    removal, upload = evidence_rows  # newest first
    assert 'ke-hoach.pdf</span> → <span class="fw-semibold">—' in removal and "Xóa minh chứng" in removal
    assert '—</span> → <span class="fw-semibold">ke-hoach.pdf' in upload and "Tải lên minh chứng" in upload
    assert backan.full_name in removal and backan.full_name in upload


def test_the_chair_cannot_remove_a_province_file(client, scoring_demo, media, demo_user):
    thai_nguyen = Scorecard.objects.get(emulation_year__year=2014, province__code="19")
    evidence = Evidence.objects.filter(score__scorecard=thai_nguyen).first()
    client.force_login(demo_user("phutho"))
    assert client.post(reverse("scoring:evidence_delete", args=[evidence.pk]), {"confirmed": "1"}).status_code == 403
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_without_the_script_the_files_go_with_the_form(client, draft, demo_user):
    """No JavaScript: the file input and the phone's camera input (same name) are sent with the form."""
    client.force_login(demo_user("backan"))
    b1 = leaf(draft, "B1")
    response = client.post(
        reverse("scoring:scorecard", args=[draft.pk]),
        {
            "version": draft.version,
            f"score_{b1.pk}": "4",
            f"evidence_{b1.pk}": [SimpleUploadedFile("ke-hoach.pdf", PDF), SimpleUploadedFile("anh.png", PNG)],
            "save": "1",
        },
    )
    assert response.status_code == 302
    names = Evidence.objects.filter(score__scorecard=draft, score__criterion=b1).values_list("original_name", flat=True)
    assert sorted(names) == ["anh.png", "ke-hoach.pdf"]


def test_every_remove_button_sends_the_one_removal_form_to_its_own_file(client, draft, demo_user):
    """The page holds one removal form, not one per file: each file's button sends it to that
    file's address, which asks first, as before."""
    backan = demo_user("backan")
    first, second = _stored(draft, backan), _stored(draft, backan)
    client.force_login(backan)
    page = text(client.get(reverse("scoring:scorecard", args=[draft.pk])))
    forms = re.findall(r'<form id="delete-evidence"[^>]*>(.*?)</form>', page)
    assert len(forms) == 1 and "delete-evidence-" not in page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', forms[0]).group(1)
    buttons = re.findall(r'<button type="submit" form="delete-evidence" formaction="([^"]+)"', page)
    assert sorted(buttons) == sorted(reverse("scoring:evidence_delete", args=[e.pk]) for e in (first, second))
    asked = text(client.post(buttons[0], {"csrfmiddlewaretoken": token}))
    assert 'name="confirmed" value="1"' in asked
    assert Evidence.objects.filter(pk__in=[first.pk, second.pk]).count() == 2  # nothing removed before asked
