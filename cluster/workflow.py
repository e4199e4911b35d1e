"""The year's workflow: which step is done, and what blocks each, from the facts of a year.

Pure Python, no ORM: `awards.selectors.year_facts` reads the facts, the services call `require`
before they move the year (and refuse with the missing step's message), and the console, the
dashboard and the templates show `year_steps`. Table-tested in tests/cluster/test_workflow.py.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class YearFacts:
    """What a year holds, as counts and flags."""

    closed: bool = False
    criteria: int = 0
    members: int = 0
    scorecards_submitted: int = 0  # submitted, returned after submission, or agreed
    scorecards_agreed: int = 0
    scoring_locked: bool = False
    meeting_set_up: bool = False
    attendance_confirmed: bool = False
    quorum_met: bool = False
    delegations_present: int = 0
    delegations: int = 0
    quorum_text: str = ""  # the rule set's quorum, as shown ("100", "66,67")
    ranking_adopted: bool = False
    nominations: int = 0
    nominations_confirmed: bool = False
    committee_elected: bool = False  # the vote-counting committee (its head and members)
    awards_in_play: int = 0
    awards_decided: int = 0
    pending_tie: bool = False
    candidates_undecided: int = 0
    next_term_recorded: bool = False
    next_term_confirmed: bool = False
    next_covenant_drawn_up: bool = False
    next_covenant_signed: bool = False


#: Why a step cannot be taken yet, by code.
BLOCKERS = {
    "closed": _("The year is closed."),
    "no_criteria": _("The criteria of the year have not been adopted."),
    "no_scorecard_submitted": _("No scorecard has been submitted yet."),
    "scorecards_not_agreed": _("Not every member's scorecard has been appraised and agreed."),
    "scoring_not_locked": _("The scoring of the year must be locked before the meeting adopts the ranking."),
    "no_meeting": _("The review meeting has not been set up."),
    "attendance_not_confirmed": _("The attendance has not been confirmed."),
    "no_quorum": _("No quorum: %(present)s of %(members)s members present, the rule set asks for %(quorum)s%%."),
    "ranking_not_adopted": _("The meeting has not adopted the ranking yet."),
    "no_nomination": _("There is no nomination to put to the vote."),
    "nominations_not_confirmed": _("The nominations have not been confirmed."),
    "committee_not_elected": _("The vote-counting committee has not been elected."),
    "ballot_pending": _("Record the ballot of every award."),
    "tie_pending": _("A tie at the cut-off needs a new round."),
    "results_pending": _("The ballot is not decided yet."),
    "term_not_recorded": _("The meeting has not recorded next year's chair and vice-chair."),
    "term_not_confirmed": _("An admin has not confirmed next year's chair and vice-chair yet."),
    "covenant_not_drawn_up": _("Next year's covenant has not been drawn up."),
    "covenant_not_signed": _("Next year's covenant is not signed by every member yet."),
    "open": _("The year is open."),
}


def message(code, facts):
    """The Vietnamese (or English) sentence of a blocker code, with the year's figures."""
    text = str(BLOCKERS[code])
    if code == "no_quorum":
        return text % {"present": facts.delegations_present, "members": facts.delegations, "quorum": facts.quorum_text}
    return text


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    done: bool
    blockers: tuple = ()  # codes of BLOCKERS, the first one first
    facts: YearFacts = None

    @property
    def blocker(self):
        return message(self.blockers[0], self.facts) if self.blockers else ""


#: The steps in order: key, label, and the steps that must be done before it can be taken.
STEPS = [
    ("criteria", _("Adopt the criteria"), ()),
    ("scorecards", _("Members submit their scorecards"), ("criteria",)),
    ("appraisal", _("Appraise and agree every scorecard"), ("scorecards",)),
    ("scoring", _("Lock the scoring"), ("appraisal",)),
    ("meeting", _("Set up the review meeting"), ()),
    ("attendance", _("Attendance and quorum"), ("meeting",)),
    ("ranking", _("Adopt the ranking"), ("scoring", "attendance")),
    ("nominations", _("Nominations"), ("ranking",)),
    ("committee", _("Elect the vote-counting committee"), ("attendance",)),
    ("ballot", _("Secret ballot"), ("nominations", "attendance", "committee")),
    ("results", _("Results"), ("ballot",)),
    ("term", _("Elect next year's chair and vice-chair"), ("attendance",)),
    ("covenant", _("Sign next year's covenant"), ("term",)),
    ("close", _("Close the year"), ("results", "term", "covenant")),
]
LABELS = {key: label for key, label, _requires in STEPS}


def _own_blockers(key, f):
    """Codes of what is missing for the step itself to count as done."""
    if key == "criteria":
        return [] if f.criteria else ["no_criteria"]
    if key == "scorecards":
        return [] if f.scorecards_submitted else ["no_scorecard_submitted"]
    if key == "appraisal":
        return [] if f.members and f.scorecards_agreed >= f.members else ["scorecards_not_agreed"]
    if key == "scoring":
        return [] if f.scoring_locked else ["scoring_not_locked"]
    if key == "meeting":
        return [] if f.meeting_set_up else ["no_meeting"]
    if key == "attendance":
        if not f.attendance_confirmed:
            return ["attendance_not_confirmed"]
        return [] if f.quorum_met else ["no_quorum"]
    if key == "ranking":
        return [] if f.ranking_adopted else ["ranking_not_adopted"]
    if key == "nominations":
        if not f.nominations:
            return ["no_nomination"]
        return [] if f.nominations_confirmed else ["nominations_not_confirmed"]
    if key == "committee":
        return [] if f.committee_elected else ["committee_not_elected"]
    if key == "ballot":
        if f.awards_in_play and f.awards_decided >= f.awards_in_play:
            return []
        return ["tie_pending"] if f.pending_tie else ["ballot_pending"]
    if key == "results":
        decided = f.awards_in_play and f.awards_decided >= f.awards_in_play and not f.candidates_undecided
        return [] if decided else ["results_pending"]
    if key == "term":
        if not f.next_term_recorded:
            return ["term_not_recorded"]
        return [] if f.next_term_confirmed else ["term_not_confirmed"]
    if key == "covenant":
        if not f.next_covenant_drawn_up:
            return ["covenant_not_drawn_up"]
        return [] if f.next_covenant_signed else ["covenant_not_signed"]
    if key == "close":
        return [] if f.closed else ["open"]
    raise KeyError(key)


def year_steps(facts):
    """Every step of the year, done or not, with the codes of what blocks it: the earlier steps
    it needs that are not done, then what the step itself lacks. A done step has none."""
    own = {key: _own_blockers(key, facts) for key, _label, _requires in STEPS}
    steps = []
    for key, label, requires in STEPS:
        codes = [] if not own[key] else [*(code for required in requires for code in own[required][:1]), *own[key]]
        if key == "close" and len(codes) > 1:
            codes.remove("open")
        steps.append(Step(key, str(label), not own[key], tuple(dict.fromkeys(codes)), facts))
    return steps


class StepRefused(Exception):
    """A step was asked for before the steps it needs; `codes` say which are missing."""

    def __init__(self, step, codes, facts):
        super().__init__(step, codes)
        self.step, self.codes, self.facts = step, codes, facts

    @property
    def messages(self):
        return [message(code, self.facts) for code in self.codes]


def require(facts, step):
    """Raise StepRefused unless every step `step` needs is done and the year is open."""
    if facts.closed:
        raise StepRefused(step, ["closed"], facts)
    own = {key: _own_blockers(key, facts) for key, _label, _requires in STEPS}
    requires = next(requires for key, _label, requires in STEPS if key == step)
    missing = [code for required in requires for code in own[required][:1]]
    if missing:
        raise StepRefused(step, list(dict.fromkeys(missing)), facts)
