from django.dispatch import Signal

#: Sent by the dashboard so that each app adds what the signed-in user should do next in
#: the year: receivers get `user` and `emulation_year` and return a list of (text, url).
#: (The cluster app cannot import the apps built on it; they answer through this signal.)
collect_next_steps = Signal()

#: Sent by `cluster.services.emulation_year_open` once the new year has its members, rule set and
#: calendar: receivers get `emulation_year` and give it what it starts with from an earlier year
#: (scoring copies the criteria). A receiver that copied criteria returns
#: {"criteria_copied_from": <year>}; the dashboard says so.
year_opened = Signal()
