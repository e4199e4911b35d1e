"""Documents: the documents of a year belong to that year's chair (also when made the year
after); the chair of the year before holds nothing of it. Admins too; every member reads them."""

import rules

from cluster.rules import can_view_year, is_admin, is_chair_of_year

rules.add_perm("reports.request_document", is_admin | is_chair_of_year)
rules.add_perm("reports.view_document", can_view_year)
