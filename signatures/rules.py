"""Signatures: a document is signed by whoever makes it (the year's chair; the covenant's owner
for a covenant) and admins; every member of the cluster sees the signed copies. A signing
certificate is its province's: that province's staff and admins manage it, whoever chairs the
cluster now; the staff of any province of the cluster keep their province's certificates."""

import rules

from cluster.rules import can_view_year, is_admin, is_chair_of_year, is_covenant_owner
from reports.enums import DocumentKind


@rules.predicate
def is_document_owner(user, report):
    if report is None:
        return False
    if report.kind == DocumentKind.COVENANT:
        return is_covenant_owner(user, report.emulation_year)
    return is_chair_of_year(user, report.emulation_year)


@rules.predicate
def can_view_document(user, report):
    return report is not None and can_view_year(user, report.emulation_year)


@rules.predicate
def is_cluster_province(user, cluster):
    """The user's province is (or was) a member of the cluster."""
    from . import selectors

    if cluster is None or not user.is_authenticated or user.province_id is None:
        return False
    return user.province_id in selectors.cluster_province_ids(cluster)


@rules.predicate
def is_certificate_province(user, certificate):
    return bool(
        certificate is not None
        and user.is_authenticated
        and user.province_id is not None
        and user.province_id == certificate.province_id
    )


rules.add_perm("signatures.sign_document", is_admin | is_document_owner)
rules.add_perm("signatures.view_signed_copy", can_view_document)
#: The certificates page of a cluster: admins see all, a province's staff their own province's.
rules.add_perm("signatures.manage_certificates", is_admin | is_cluster_province)
rules.add_perm("signatures.manage_certificate", is_admin | is_certificate_province)
