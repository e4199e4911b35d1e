"""The year's workflow as a table: facts in, each step's state and what blocks it out."""

from dataclasses import replace

import pytest

from cluster import workflow
from cluster.workflow import YearFacts

NOTHING = YearFacts(members=7)
SCORED = replace(NOTHING, criteria=30, scorecards_submitted=7, scorecards_agreed=7, scoring_locked=True)
MET = replace(SCORED, meeting_set_up=True, attendance_confirmed=True, quorum_met=True)
RANKED = replace(MET, ranking_adopted=True)
NOMINATED = replace(RANKED, nominations=3, nominations_confirmed=True, awards_in_play=2, committee_elected=True)
VOTED = replace(NOMINATED, awards_decided=2)
ELECTED = replace(VOTED, next_term_recorded=True, next_term_confirmed=True)
SIGNED = replace(ELECTED, next_covenant_drawn_up=True, next_covenant_signed=True)


def state(facts):
    return {step.key: (step.done, step.blockers) for step in workflow.year_steps(facts)}


@pytest.mark.parametrize(
    ("facts", "key", "done", "blockers"),
    [
        (NOTHING, "criteria", False, ("no_criteria",)),
        (NOTHING, "scorecards", False, ("no_criteria", "no_scorecard_submitted")),
        (replace(NOTHING, criteria=30, scorecards_submitted=3), "appraisal", False, ("scorecards_not_agreed",)),
        (replace(SCORED, scoring_locked=False), "scoring", False, ("scoring_not_locked",)),
        (SCORED, "meeting", False, ("no_meeting",)),
        (replace(SCORED, meeting_set_up=True), "attendance", False, ("attendance_not_confirmed",)),
        (replace(MET, quorum_met=False), "attendance", False, ("no_quorum",)),
        (replace(MET, scoring_locked=False), "ranking", False, ("scoring_not_locked", "ranking_not_adopted")),
        (replace(MET, quorum_met=False), "ranking", False, ("no_quorum", "ranking_not_adopted")),
        (MET, "ranking", False, ("ranking_not_adopted",)),
        (NOTHING, "nominations", False, ("ranking_not_adopted", "no_nomination")),
        (replace(RANKED, nominations=2), "nominations", False, ("nominations_not_confirmed",)),
        (NOMINATED, "ballot", False, ("ballot_pending",)),
        (
            replace(SCORED, meeting_set_up=True),
            "committee",
            False,
            ("attendance_not_confirmed", "committee_not_elected"),
        ),
        (MET, "committee", False, ("committee_not_elected",)),
        (replace(MET, committee_elected=True), "committee", True, ()),
        (replace(NOMINATED, committee_elected=False), "ballot", False, ("committee_not_elected", "ballot_pending")),
        (replace(NOMINATED, pending_tie=True, awards_decided=1), "ballot", False, ("tie_pending",)),
        (replace(VOTED, candidates_undecided=1), "results", False, ("results_pending",)),
        (VOTED, "results", True, ()),
        (VOTED, "term", False, ("term_not_recorded",)),
        (replace(VOTED, next_term_recorded=True), "term", False, ("term_not_confirmed",)),
        (ELECTED, "covenant", False, ("covenant_not_drawn_up",)),
        (replace(ELECTED, next_covenant_drawn_up=True), "covenant", False, ("covenant_not_signed",)),
        (replace(SIGNED, next_term_confirmed=False), "close", False, ("term_not_confirmed",)),
        (replace(SIGNED, awards_decided=1), "close", False, ("results_pending",)),
        (SIGNED, "close", False, ("open",)),
        (replace(SIGNED, closed=True), "close", True, ()),
    ],
)
def test_each_step_says_whether_it_is_done_and_what_blocks_it(facts, key, done, blockers):
    assert state(facts)[key] == (done, blockers)


@pytest.mark.parametrize(
    ("facts", "step", "missing"),
    [
        (NOTHING, "scorecards", ["no_criteria"]),
        (NOTHING, "ranking", ["scoring_not_locked", "attendance_not_confirmed"]),
        (replace(MET, scoring_locked=False), "ranking", ["scoring_not_locked"]),
        (MET, "nominations", ["ranking_not_adopted"]),
        (replace(RANKED, nominations=2), "ballot", ["nominations_not_confirmed", "committee_not_elected"]),
        (replace(NOMINATED, quorum_met=False), "ballot", ["no_quorum"]),
        (replace(NOMINATED, committee_elected=False), "ballot", ["committee_not_elected"]),
        (replace(MET, quorum_met=False), "committee", ["no_quorum"]),
        (replace(SCORED, meeting_set_up=True), "term", ["attendance_not_confirmed"]),
        (VOTED, "covenant", ["term_not_recorded"]),
        (replace(SIGNED, closed=True), "attendance", ["closed"]),
    ],
)
def test_a_step_asked_for_too_early_is_refused_with_what_is_missing(facts, step, missing):
    with pytest.raises(workflow.StepRefused) as refused:
        workflow.require(facts, step)
    assert refused.value.codes == missing
    assert all(message for message in refused.value.messages)


@pytest.mark.parametrize(
    ("facts", "step"),
    [
        (NOTHING, "criteria"),
        (NOTHING, "meeting"),
        (MET, "ranking"),
        (MET, "committee"),
        (RANKED, "nominations"),
        (NOMINATED, "ballot"),
    ],
)
def test_a_step_whose_requirements_are_done_may_be_taken(facts, step):
    workflow.require(facts, step)


def test_every_blocker_has_a_message_and_every_step_a_label():
    codes = {
        code
        for facts in (NOTHING, SCORED, MET, NOMINATED, SIGNED)
        for s in workflow.year_steps(facts)
        for code in s.blockers
    }
    assert codes <= set(workflow.BLOCKERS)
    assert [s.key for s in workflow.year_steps(NOTHING)] == [key for key, _label, _requires in workflow.STEPS]
