"""Reading signed copies and certificates."""

from cluster.models import EmulationYear

from .models import OrganisationCertificate, SignedCopy


def latest_confirmed_year(cluster):
    """The cluster's latest year whose term an admin has confirmed (cached on the cluster)."""
    if not hasattr(cluster, "_latest_confirmed_year"):
        cluster._latest_confirmed_year = (
            EmulationYear.objects.filter(cluster=cluster, term_confirmed_at__isnull=False).order_by("-year").first()
        )
    return cluster._latest_confirmed_year


def signed_copies_of(report):
    """The report's signed copies, the official one first, then newest first."""
    return list(
        SignedCopy.objects.filter(report=report)
        .select_related("uploaded_by")
        .order_by("-is_official", "-created_at", "-pk")
    )


def official_copy(report):
    return SignedCopy.objects.filter(report=report, is_official=True).first()


def active_certificate(cluster):
    return OrganisationCertificate.objects.filter(cluster=cluster, active=True).first()


def certificates_of(cluster):
    return list(OrganisationCertificate.objects.filter(cluster=cluster).select_related("uploaded_by"))
