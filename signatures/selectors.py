"""Reading signed copies and certificates."""

from cluster import selectors as cluster_selectors
from cluster.models import Membership
from provinces.models import Province
from reports.enums import DocumentKind

from .models import OrganisationCertificate, SignedCopy


def cluster_province_ids(cluster):
    """The provinces that are or were members of the cluster (cached on the cluster)."""
    if not hasattr(cluster, "_province_ids"):
        cluster._province_ids = frozenset(
            Membership.objects.filter(emulation_year__cluster=cluster).values_list("province_id", flat=True)
        )
    return cluster._province_ids


def cluster_provinces(cluster):
    return list(Province.objects.filter(pk__in=cluster_province_ids(cluster)).order_by("name"))


def owner_province_id(report):
    """The province whose document this is, the one whose certificate signs it on the server: a
    year's documents are its chair's, its covenant the province's whose review signs it (as
    `reports.services._ensure_owner`); None until the year's term is confirmed."""
    if report.kind == DocumentKind.COVENANT:
        return cluster_selectors.covenant_owner_province_id(report.emulation_year)
    return cluster_selectors.chair_province_id(report.emulation_year)


def signed_copies_of(report):
    """The report's signed copies, the official one first, then newest first."""
    return list(
        SignedCopy.objects.filter(report=report)
        .select_related("uploaded_by")
        .order_by("-is_official", "-created_at", "-pk")
    )


def official_copy(report):
    return SignedCopy.objects.filter(report=report, is_official=True).first()


def active_certificate(province_id):
    """The province's certificate in use (None without a province or an active certificate)."""
    if province_id is None:
        return None
    return OrganisationCertificate.objects.filter(province_id=province_id, active=True).first()


def certificate_for(report):
    """The certificate that signs `report` on the server: its owner province's active one."""
    return active_certificate(owner_province_id(report))


def certificates_of(cluster, user):
    """The cluster's certificates the user manages: all of them for an admin, else those of the
    user's province."""
    certificates = OrganisationCertificate.objects.filter(cluster=cluster).select_related("uploaded_by", "province")
    if not user.is_superuser:
        certificates = certificates.filter(province_id=user.province_id)
    return list(certificates)
