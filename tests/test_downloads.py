"""Every private file is downloaded as an attachment that no cache may keep."""

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def phutho(full_demo, demo_user):
    client = Client()
    client.force_login(demo_user("phutho"))
    return client


def evidence_url(full_demo, request):
    from scoring.models import Evidence

    evidence = Evidence.objects.filter(score__scorecard__emulation_year__year=2014).first()
    return reverse("scoring:evidence_download", args=[evidence.pk])


def scan_url(full_demo, request):
    from covenants.models import Signatory

    request.getfixturevalue("media")  # the scan is written in a storage of the test's own
    signatory = Signatory.objects.filter(covenant__emulation_year__year=2015, province__code="19").get()
    signatory.scan.save("giao-uoc.pdf", ContentFile(PDF), save=True)
    return reverse("covenants:signatory_scan", args=[signatory.pk])


def document_url(full_demo, request):
    request.getfixturevalue("media")
    from reports.enums import DocumentKind, ReportStatus
    from reports.models import Report

    report = Report.objects.create(
        kind=DocumentKind.MINUTES,
        emulation_year=full_demo.years.get(year=2014),
        number=1,
        number_text="01/BB-CTĐ",
        status=ReportStatus.DONE,
    )
    report.file.save("minutes.pdf", ContentFile(PDF), save=True)
    return reverse("reports:download", args=[report.pk])


def scoreboard_url(full_demo, request):
    return reverse("scoring:scoreboard_xlsx", args=[full_demo.pk, 2014])


def scorecard_url(full_demo, request):
    from scoring.models import Scorecard

    scorecard = Scorecard.objects.get(emulation_year__year=2014, province__code="19")
    return reverse("scoring:scorecard_xlsx", args=[scorecard.pk])


@pytest.mark.parametrize(
    ("url_of", "starts"),
    [
        (evidence_url, b"%PDF"),
        (scan_url, b"%PDF"),
        (document_url, b"%PDF"),
        (scoreboard_url, b"PK"),
        (scorecard_url, b"PK"),
    ],
    ids=["evidence", "covenant-scan", "document", "scoreboard-xlsx", "scorecard-xlsx"],
)
def test_a_private_file_is_never_cached(phutho, full_demo, request, url_of, starts):
    response = phutho.get(url_of(full_demo, request))
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content).startswith(starts)
    response.close()


def test_every_file_response_of_the_code_goes_through_the_helper():
    """A new download view must use common.downloads.private_file_response."""
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR)
    offenders = [
        str(path.relative_to(root))
        for folder in ("accounts", "archive", "awards", "cluster", "common", "covenants", "provinces", "reports")
        + ("scoring", "demo", "config")
        for path in (root / folder).rglob("*.py")
        if "FileResponse(" in path.read_text() and path != root / "common" / "downloads.py"
    ]
    assert offenders == []
