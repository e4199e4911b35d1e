"""Who may sign a document, see its signed copies and keep the cluster's certificate."""

import pytest

from cluster.models import EmulationYear
from reports.enums import DocumentKind
from reports.models import Report
from tests.factories import ProvinceFactory, UserFactory

ROLES = ["admin", "chair_2014", "chair_2015", "member", "outsider"]
USERNAMES = {"admin": "admin", "chair_2014": "phutho", "chair_2015": "bacgiang", "member": "backan"}


@pytest.fixture
def users(full_demo, demo_user):
    result = {role: demo_user(name) for role, name in USERNAMES.items()}
    result["outsider"] = UserFactory(province=ProvinceFactory(code="93", name="Tỉnh Ngoài"))
    return result


def document(kind, year):
    """A row only: permissions read its kind and year, not its file."""
    return Report(kind=kind, emulation_year=EmulationYear.objects.get(year=year), number=99, number_text="99/X")


TABLE = {
    #                                                   admin  chair14 chair15 member outsider
    ("sign_document", DocumentKind.YEAR_REPORT, 2014): (True, True, False, False, False),
    ("sign_document", DocumentKind.MINUTES, 2014): (True, True, False, False, False),
    # The 2015 covenant is signed at the 2014 review: its owner is 2014's chair.
    ("sign_document", DocumentKind.COVENANT, 2015): (True, True, False, False, False),
    ("view_signed_copy", DocumentKind.YEAR_REPORT, 2014): (True, True, True, True, False),
}


@pytest.mark.parametrize(("action", "kind", "year"), list(TABLE))
def test_document_permission_table(users, action, kind, year):
    report = document(kind, year)
    allowed = dict(zip(ROLES, TABLE[(action, kind, year)], strict=True))
    for role, expected in allowed.items():
        assert users[role].has_perm(f"signatures.{action}", report) is expected, role


def test_every_province_of_the_cluster_keeps_its_certificates_and_admins_all(users):
    cluster = EmulationYear.objects.get(year=2015).cluster
    allowed = {"admin": True, "chair_2014": True, "chair_2015": True, "member": True, "outsider": False}
    for role, expected in allowed.items():
        assert users[role].has_perm("signatures.manage_certificates", cluster) is expected, role


def test_a_certificate_is_managed_by_its_province_and_admins_whoever_chairs(users):
    from signatures.models import OrganisationCertificate

    certificate = OrganisationCertificate(province=users["chair_2015"].province)
    allowed = {"admin": True, "chair_2014": False, "chair_2015": True, "member": False, "outsider": False}
    for role, expected in allowed.items():
        assert users[role].has_perm("signatures.manage_certificate", certificate) is expected, role
