"""Limits on every path: request bodies, uploads and evidence files per criterion."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from common.uploads import MAX_EVIDENCE_FILES, check_evidence_count
from scoring import selectors, services
from scoring.models import Evidence, Score, Scorecard

PDF = b"%PDF-1.4\n%%EOF\n"
REFUSED = "Yêu cầu này không được chấp nhận"


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def draft(scoring_demo):
    return Scorecard.objects.get(emulation_year__year=2015, province__code="06")


@pytest.fixture
def backan(scoring_demo, demo_user):
    client = Client()
    client.force_login(demo_user("backan"))
    return client


def leaf(scorecard, code):
    return next(c for c in selectors.criteria_table(scorecard.emulation_year).leaves if c.code == code)


def saved(scorecard):
    return sorted(Score.objects.filter(scorecard=scorecard).values_list("criterion_id", "self_score", "note"))


def test_the_request_sizes_are_set_explicitly():
    from config import settings as project

    assert project.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    assert project.FILE_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    assert project.UPLOAD_MAX_REQUEST_SIZE == 50 * 1024 * 1024
    assert project.FILE_UPLOAD_HANDLERS[0] == "common.uploads.RequestSizeLimitHandler"


def test_a_form_body_above_the_limit_is_refused_in_plain_words_and_saves_nothing(backan, draft):
    a1 = leaf(draft, "A1")
    before = saved(draft)
    response = backan.post(
        reverse("scoring:scorecard", args=[draft.pk]),
        {"version": draft.version, f"score_{a1.pk}": "9", f"note_{a1.pk}": "x" * 3_000_000, "save": "1"},
    )
    assert response.status_code == 400
    assert REFUSED in text(response) and "không có gì được lưu" in text(response)
    assert saved(draft) == before


def test_an_upload_above_the_request_limit_is_refused_before_it_is_read(backan, draft, settings, media):
    settings.UPLOAD_MAX_REQUEST_SIZE = 1024 * 1024
    b1 = leaf(draft, "B1")
    big = SimpleUploadedFile("ke-hoach.pdf", PDF + b"0" * (1024 * 1024))
    response = backan.post(
        reverse("scoring:scorecard", args=[draft.pk]),
        {"version": draft.version, f"score_{b1.pk}": "4", f"evidence_{b1.pk}": big, "save": "1"},
    )
    assert response.status_code == 400
    assert REFUSED in text(response)
    assert not Evidence.objects.filter(score__scorecard=draft).exists()
    assert not any(media.rglob("*.pdf"))

    small = SimpleUploadedFile("ke-hoach.pdf", PDF + b"0" * 1000)
    response = backan.post(
        reverse("scoring:scorecard", args=[draft.pk]),
        {"version": draft.version, f"score_{b1.pk}": "4", f"evidence_{b1.pk}": small, "save": "1"},
    )
    assert response.status_code == 302
    assert Evidence.objects.filter(score__scorecard=draft).count() == 1


@pytest.mark.parametrize(
    ("stored", "added", "refused"),
    [(0, MAX_EVIDENCE_FILES, False), (MAX_EVIDENCE_FILES - 1, 1, False), (MAX_EVIDENCE_FILES, 1, True), (3, 8, True)],
)
def test_a_criterion_holds_at_most_ten_evidence_files(stored, added, refused):
    if not refused:
        check_evidence_count(stored=stored, added=added)
        return
    with pytest.raises(ValidationError) as error:
        check_evidence_count(stored=stored, added=added)
    assert error.value.messages == [
        f"Mỗi tiêu chí có tối đa 10 tệp minh chứng và tiêu chí này đã có {stored} tệp: hãy xóa bớt trước khi thêm."
    ]
    check_evidence_count(stored=MAX_EVIDENCE_FILES + 5, added=0)  # removing or keeping is never refused


def test_the_scorecard_refuses_an_eleventh_evidence_file(draft, demo_user, media):
    b1 = leaf(draft, "B1")
    user = demo_user("backan")
    for number in range(MAX_EVIDENCE_FILES):
        draft.refresh_from_db()
        services.scorecard_save_self(
            scorecard=draft,
            user=user,
            version=draft.version,
            entries={},
            files={b1.pk: [SimpleUploadedFile(f"{number}.pdf", PDF)]},
        )
    draft.refresh_from_db()
    with pytest.raises(ValidationError, match="tối đa 10 tệp minh chứng"):
        services.scorecard_save_self(
            scorecard=draft,
            user=user,
            version=draft.version,
            entries={},
            files={b1.pk: [SimpleUploadedFile("11.pdf", PDF)]},
        )
    assert Evidence.objects.filter(score__scorecard=draft, score__criterion=b1).count() == MAX_EVIDENCE_FILES
