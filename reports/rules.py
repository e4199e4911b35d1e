"""Documents: the documents of a year belong to that year's chair (also when made the year
after), the covenant's to the province whose review signs it (the chair of the year before);
admins too; every member reads them. reports.services.report_request checks the kind."""

import rules

from cluster.rules import can_view_year, is_admin, is_chair_of_year, is_covenant_owner

rules.add_perm("reports.request_document", is_admin | is_chair_of_year | is_covenant_owner)
rules.add_perm("reports.view_document", can_view_year)
