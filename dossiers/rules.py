"""Dossiers: the year's chair (and admins) build and send them, the nominated province's staff
upload their certified achievement report, every member of the cluster reads them."""

import rules

from cluster.rules import can_view_year, is_admin, is_chair_of_year


@rules.predicate
def can_view_nomination_year(user, nomination):
    return can_view_year(user, nomination.emulation_year)


@rules.predicate
def is_chair_of_nomination_year(user, nomination):
    return is_chair_of_year(user, nomination.emulation_year)


@rules.predicate
def is_nominee_staff(user, nomination):
    return bool(user.is_authenticated and user.province_id and user.province_id == nomination.province_id)


rules.add_perm("dossiers.view_dossier", can_view_nomination_year)
rules.add_perm("dossiers.build_dossier", is_admin | is_chair_of_nomination_year)
rules.add_perm("dossiers.upload_paper", is_admin | is_nominee_staff)
