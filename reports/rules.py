"""Documents: the year's chair (or the chair of the year before, who hosts the signing of
this year's covenant) and admins ask for them; every signed-in member reads them."""

import rules

from cluster import selectors as cluster_selectors
from cluster.rules import can_view_year, is_admin


@rules.predicate
def is_chair_of_year_or_previous(user, emulation_year):
    from cluster.models import EmulationYear

    if not user.is_authenticated or user.province_id is None:
        return False
    if cluster_selectors.chair_province_id(emulation_year) == user.province_id:
        return True
    previous = EmulationYear.objects.filter(cluster_id=emulation_year.cluster_id, year=emulation_year.year - 1).first()
    return previous is not None and cluster_selectors.chair_province_id(previous) == user.province_id


rules.add_perm("reports.request_document", is_admin | is_chair_of_year_or_previous)
rules.add_perm("reports.view_document", can_view_year)
