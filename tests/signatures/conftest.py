import io

import pytest
from PIL import Image

from cluster.models import EmulationYear
from reports import services as report_services
from reports.enums import DocumentKind, ReportStatus
from tests.signatures import pki


@pytest.fixture(scope="session")
def authority():
    return pki.make_authority()


@pytest.fixture(scope="session")
def holder(authority):
    return pki.make_holder(authority, "Nguyễn Văn An")


@pytest.fixture(scope="session")
def stranger():
    """A signer whose certification authority the server does not trust."""
    return pki.make_holder(pki.make_authority("CA không tin cậy"), "Người Lạ")


@pytest.fixture
def trust(settings, tmp_path, authority):
    """The server trusts the tests' CA and can keep certificates encrypted."""
    path = tmp_path / "ca.pem"
    path.write_bytes(authority.pem)
    settings.SIGNATURE_TRUST_ROOTS = [str(path)]
    settings.SIGNING_KEY = "khoa-ky-so-cua-bo-kiem-thu-0123456789"
    return path


def png(colour, size=(300, 120)):
    out = io.BytesIO()
    Image.new("RGBA", size, colour).save(out, "PNG")
    return out.getvalue()


BLUE = (0, 0, 200, 255)
RED = (220, 0, 0, 255)


def issue(kind, year, user):
    report = report_services.report_request(kind=kind, emulation_year=EmulationYear.objects.get(year=year), user=user)
    assert report.status == ReportStatus.DONE, report.error
    return report_services.report_issue(report=report, user=user)


@pytest.fixture
def issued(demo_2014, demo_user, media):
    """The 2014 year-end report (its chair's signature space in its layout), issued by Phú Thọ."""
    return issue(DocumentKind.YEAR_REPORT, 2014, demo_user("phutho"))


@pytest.fixture
def draft(demo_2014, demo_user, media):
    report = report_services.report_request(
        kind=DocumentKind.MINUTES, emulation_year=EmulationYear.objects.get(year=2014), user=demo_user("phutho")
    )
    assert report.status == ReportStatus.DONE, report.error
    return report
