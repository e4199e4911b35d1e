"""Documents: the year's chair (or the chair of the year before, who hosts the signing of
this year's covenant) and admins ask for them; every member of the cluster reads them."""

import rules

from cluster.rules import can_view_year, is_admin, is_chair_of_year_or_previous

rules.add_perm("reports.request_document", is_admin | is_chair_of_year_or_previous)
rules.add_perm("reports.view_document", can_view_year)
