"""Signatures: a document is signed by whoever makes it (the year's chair; the covenant's owner
for a covenant) and admins; every member of the cluster sees the signed copies. The cluster's
certificate is managed by admins and the chair of the cluster's latest confirmed year."""

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
def is_current_chair(user, cluster):
    from . import selectors

    year = selectors.latest_confirmed_year(cluster) if cluster is not None else None
    return year is not None and is_chair_of_year(user, year)


rules.add_perm("signatures.sign_document", is_admin | is_document_owner)
rules.add_perm("signatures.view_signed_copy", can_view_document)
rules.add_perm("signatures.manage_certificates", is_admin | is_current_chair)
