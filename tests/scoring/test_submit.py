"""Submitting a scorecard: refused values summarised at the top with links to each criterion,
bonus and deduction lines left blank counting 0, and a confirmation with the totals and what is
still missing before the irreversible submit."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from scoring import selectors, services
from scoring.enums import ScorecardStatus
from scoring.models import Score, Scorecard

PDF = b"%PDF-1.4\n%%EOF\n"
#: Every ordinary criterion of Bắc Kạn's 2015 draft (total 88); the bonus (Đ) and deduction (E)
#: lines are left blank.
POINTS = {
    "A1": "9",
    "A2": "8,5",
    "A3": "9",
    "A4.1": "4,5",
    "A4.2": "4",
    "A5": "8,5",
    "B1": "4,5",
    "B2": "4",
    "B3": "5",
    "B4": "48",  # a target criterion: the reported share (%), 48 of the 60 % target = 8 points
    "C1": "4",
    "C2": "4,5",
    "C3": "5",
    "D1": "5",
    "D2": "4,5",
}


@pytest.fixture
def draft(scoring_demo, media):
    return Scorecard.objects.get(emulation_year__year=2015, province__code="06")


@pytest.fixture
def leaves(draft):
    return {c.code: c for c in selectors.criteria_table(draft.emulation_year).leaves}


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def form_data(draft, leaves, scores, **extra):
    draft.refresh_from_db()
    return {"version": draft.version, **{f"score_{leaves[code].pk}": value for code, value in scores.items()}, **extra}


def attach_required_evidence(draft, leaves, user):
    for code in ("B1", "B4"):  # the criteria of 2015 that require evidence
        services.evidence_upload(
            scorecard=draft, criterion_id=leaves[code].pk, upload=SimpleUploadedFile("mc.pdf", PDF), user=user
        )


def test_refused_values_are_summarised_at_the_top_with_links_to_each_criterion(client, draft, leaves, demo_user):
    client.force_login(demo_user("backan"))
    response = client.post(
        reverse("scoring:scorecard", args=[draft.pk]),
        form_data(draft, leaves, {**POINTS, "B2": "50", "C1": "abc"}, save="1"),
    )
    assert response.status_code == 400
    page = text(response)
    summary = page[page.index('data-testid="error-summary"') : page.index("</ul>", page.index("error-summary"))]
    assert "2 giá trị bị từ chối: chưa lưu gì." in summary
    b2, c1 = leaves["B2"], leaves["C1"]
    links = re.findall(r'<a class="alert-link" href="#(criterion-\d+)">([^<]+)</a>', summary)
    assert links == [
        (f"criterion-{b2.pk}", f"B2. {b2.title}: Điểm không được vượt quá điểm tối đa 5,00."),
        (f"criterion-{c1.pk}", f"C1. {c1.title}: Hãy nhập một số, ví dụ 8,5."),
    ]
    for anchor, _text in links:
        assert f'id="{anchor}"' in page  # each link jumps to its criterion's card
    assert page.index("error-summary") < page.index(f'id="criterion-{leaves["A1"].pk}"')  # above the form


def test_blank_bonus_and_deduction_lines_count_zero_when_submitted(client, draft, leaves, demo_user):
    backan = demo_user("backan")
    attach_required_evidence(draft, leaves, backan)
    client.force_login(backan)
    client.post(reverse("scoring:scorecard", args=[draft.pk]), form_data(draft, leaves, POINTS, save="1"))
    draft.refresh_from_db()
    assert services.scorecard_missing(draft) == []  # Đ1, Đ2, E1, E2 blank: nothing missing

    page = text(client.get(reverse("scoring:scorecard", args=[draft.pk])))
    assert page.count("Để trống nghĩa là 0 điểm.") == 4  # said next to each bonus and deduction line

    response = client.post(reverse("scoring:scorecard_submit", args=[draft.pk]), {"confirmed": "1"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ScorecardStatus.SUBMITTED
    assert draft.self_total == 88
    blank = Score.objects.filter(scorecard=draft, criterion__code__in=["Đ1", "Đ2", "E1", "E2"])
    assert sorted(blank.values_list("self_score", flat=True)) == [0, 0, 0, 0]
    history = text(client.get(reverse("scoring:scorecard_history", args=[draft.pk])))
    assert "Đ1 – Điểm tự chấm" in history and "Để trống: tính 0 điểm" in history


def test_a_blank_ordinary_criterion_still_blocks_submitting(client, draft, leaves, demo_user):
    backan = demo_user("backan")
    attach_required_evidence(draft, leaves, backan)
    client.force_login(backan)
    scores = {code: value for code, value in POINTS.items() if code != "A5"}
    client.post(reverse("scoring:scorecard", args=[draft.pk]), form_data(draft, leaves, scores, save="1"))
    response = client.post(reverse("scoring:scorecard_submit", args=[draft.pk]), {"confirmed": "1"}, follow=True)
    page = text(response)
    assert "Bảng điểm chưa đầy đủ:" in page and "A5: chưa tự chấm điểm." in page
    assert "Đ1: chưa tự chấm điểm." not in page
    draft.refresh_from_db()
    assert draft.status == ScorecardStatus.DRAFT


def test_save_and_submit_asks_first_with_the_totals_and_what_is_missing(client, draft, leaves, demo_user):
    client.force_login(demo_user("backan"))
    response = client.post(reverse("scoring:scorecard", args=[draft.pk]), form_data(draft, leaves, POINTS, submit="1"))
    assert response.status_code == 200
    page = text(response)
    assert "Nộp bảng điểm của Bắc Kạn cho Cụm trưởng" in page
    assert "Không thể hoàn tác." in page
    summary = page[page.index('data-testid="summary"') :]
    assert "A. Thực hiện các chỉ tiêu phát triển kinh tế - xã hội: 43,50 / 50,00" in summary
    assert "Tổng điểm tự chấm: 88,00 / 100,00" in summary
    assert "Còn thiếu (chưa thể nộp cho đến khi bổ sung xong):" in summary
    assert "B1: bắt buộc có minh chứng." in summary and "B4: bắt buộc có minh chứng." in summary
    assert f'action="{reverse("scoring:scorecard_submit", args=[draft.pk])}"' in page
    assert 'name="confirmed" value="1"' in page
    draft.refresh_from_db()
    assert draft.status == ScorecardStatus.DRAFT  # the draft is saved, not submitted
    assert draft.self_total == 88


def test_a_complete_scorecard_is_confirmed_then_submitted(client, draft, leaves, demo_user):
    backan = demo_user("backan")
    attach_required_evidence(draft, leaves, backan)
    client.force_login(backan)
    asked = text(
        client.post(reverse("scoring:scorecard", args=[draft.pk]), form_data(draft, leaves, POINTS, submit="1"))
    )
    assert "Không còn thiếu gì. Các dòng điểm thưởng và điểm trừ để trống được tính là 0." in asked
    draft.refresh_from_db()
    assert draft.status == ScorecardStatus.DRAFT
    # The submit button of the scorecard's own page asks too.
    assert "Nộp bảng điểm của Bắc Kạn" in text(client.post(reverse("scoring:scorecard_submit", args=[draft.pk])))
    draft.refresh_from_db()
    assert draft.status == ScorecardStatus.DRAFT

    done = client.post(reverse("scoring:scorecard_submit", args=[draft.pk]), {"confirmed": "1"}, follow=True)
    assert "Đã nộp bảng điểm cho Cụm trưởng." in text(done)
    draft.refresh_from_db()
    assert draft.status == ScorecardStatus.SUBMITTED
