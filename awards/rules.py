"""The review meeting is run by the staff of the year's chair province (and admins);
every member follows it read-only. Decisions after the meeting: chair or admin."""

import rules

from cluster.rules import can_view_year, is_admin, is_chair_of_year, is_year_open


@rules.predicate
def is_chair_of_nomination_year(user, nomination):
    return is_chair_of_year(user, nomination.emulation_year)


@rules.predicate
def is_year_closed(user, emulation_year):
    return emulation_year is not None and emulation_year.is_closed


rules.add_perm("awards.view_meeting", can_view_year)
rules.add_perm("awards.run_meeting", (is_admin | is_chair_of_year) & is_year_open)
rules.add_perm("awards.record_decision", is_admin | is_chair_of_nomination_year)
rules.add_perm("awards.reopen_year", is_admin & is_year_closed)
