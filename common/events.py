"""Events the apps announce for whoever must react to them (the notifications app listens).

Each signal is sent by the one service that makes the change, inside its transaction; a
receiver that writes or sends must wait for the commit (`transaction.on_commit`), so a change
that is rolled back announces nothing. The apps below `notifications` in the import arrow send
them without knowing who listens. Keyword arguments of each signal are listed beside it.
"""

from django.dispatch import Signal

#: scorecard, user — a province submitted its scorecard (scoring.services.scorecard_submit).
scorecard_submitted = Signal()
#: scorecard, user, reason — the appraiser returned it (scoring.services.scorecard_return).
scorecard_returned = Signal()
#: scorecard, user, scores — agreed scores that differ from the self-score, each with its reason
#: (scoring.services.scorecard_save_agreed; only the scores changed by this save).
scores_changed = Signal()
#: scorecard, criterion, text, key — a province is asked to explain a score (giải trình): `text` is
#: the question or the scorer's reason, `key` identifies the request (its id) so that it is told once.
explanation_requested = Signal()
#: scorecard, criterion, text, key — the province answered (`text`: the answer) the request `key`.
explanation_answered = Signal()
#: emulation_year, user — the year's scoring is locked (scoring.services.scoreboard_lock).
scoring_locked = Signal()
#: meeting, user, created — the review meeting was set or changed (awards.services.meeting_save).
meeting_set = Signal()
#: report — a document was rendered and can be downloaded (reports.services.report_render).
document_ready = Signal()
