from django.dispatch import Signal

#: Sent by the dashboard so that each app adds what the signed-in user should do next in
#: the year: receivers get `user` and `emulation_year` and return a list of (text, url).
#: (The cluster app cannot import the apps built on it; they answer through this signal.)
collect_next_steps = Signal()
