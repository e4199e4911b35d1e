import pytest

from awards.models import BallotRound, Nomination
from cluster.models import EmulationYear
from reports import services as report_services
from reports.enums import DocumentKind, ReportStatus


def issue(kind, emulation_year, user, ballot_round=None):
    report = report_services.report_request(
        kind=kind, emulation_year=emulation_year, user=user, ballot_round=ballot_round
    )
    assert report.status == ReportStatus.DONE, report.error
    return report_services.report_issue(report=report, user=user)


@pytest.fixture
def year_2014(demo_2014):
    return EmulationYear.objects.select_related("cluster", "rule_set").get(year=2014)


@pytest.fixture
def flag_nomination(year_2014):
    """Thái Nguyên, proposed for the Government emulation flag of 2014."""
    return Nomination.objects.select_related("emulation_year", "province", "award_type").get(
        emulation_year=year_2014, award_type__code="flag"
    )


@pytest.fixture
def issued_2014(year_2014, demo_user, media):
    """The 2014 documents a flag dossier needs, issued by the chair (Phú Thọ)."""
    chair = demo_user("phutho")
    documents = {
        "minutes": issue(DocumentKind.MINUTES, year_2014, chair),
        "score_summary": issue(DocumentKind.SCORE_SUMMARY, year_2014, chair),
    }
    documents["ballot_records"] = [
        issue(DocumentKind.BALLOT_RECORD, year_2014, chair, r)
        for r in BallotRound.objects.filter(meeting__emulation_year=year_2014, award_type__code="flag")
    ]
    return documents
