"""Who edits a covenant: the chair of the year before (whose review signs it; for a cluster's
first year, its own chair) and admins edit the text; each member's staff sign their own row, nobody else's; admins
correct a recorded signature, with a reason."""

import rules

from cluster.rules import can_view_year, is_admin, is_covenant_owner, is_year_open

from .models import CovenantStatus


@rules.predicate
def is_covenant_chair(user, covenant):
    return is_covenant_owner(user, covenant.emulation_year)


@rules.predicate
def is_signatory_province(user, signatory):
    return user.is_authenticated and user.province_id is not None and user.province_id == signatory.province_id


@rules.predicate
def covenant_year_open(user, obj):
    covenant = getattr(obj, "covenant", obj)
    return not covenant.emulation_year.is_closed


@rules.predicate
def can_view_covenant_year(user, obj):
    covenant = getattr(obj, "covenant", obj)
    return can_view_year(user, covenant.emulation_year)


rules.add_perm("covenants.view_covenant", can_view_covenant_year)


@rules.predicate
def is_draft(user, covenant):
    return covenant.status != CovenantStatus.SIGNED


rules.add_perm("covenants.change_covenant", (is_admin | is_covenant_chair) & covenant_year_open & is_draft)


@rules.predicate
def is_unsigned_row(user, signatory):
    return not signatory.signed


# Each member signs its own row; a recorded signature is corrected by an admin, with a reason.
rules.add_perm("covenants.change_signatory", is_signatory_province & covenant_year_open & is_unsigned_row)
rules.add_perm("covenants.correct_signatory", is_admin & covenant_year_open)
rules.add_perm("covenants.view_scan", can_view_covenant_year)


rules.add_perm("covenants.create_covenant", (is_admin | is_covenant_owner) & is_year_open)
