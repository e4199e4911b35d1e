"""Who sees and changes scorecards. A draft is its province's own; once submitted every
member reads it; the year's chair appraises and agrees the scores (the vice-chair those of the
chair's own province: nobody confirms their own scores); after the lock nobody edits.

The predicates are pure, so a rule's order is free: the ones read off the scorecard itself
(its status, its province) come before those that read the year's members, so that a
province's own draft page and its save never read them."""

import rules

from cluster import selectors as cluster_selectors
from cluster.rules import can_view_year, is_admin, is_chair_of_year, is_member_of_year

from .enums import ScorecardStatus
from .models import Scoreboard

EDITABLE_BY_PROVINCE = (ScorecardStatus.DRAFT, ScorecardStatus.RETURNED)
SUBMITTED = (ScorecardStatus.SUBMITTED, ScorecardStatus.AGREED)


def _year(scorecard):
    return scorecard.emulation_year


def _locked(emulation_year):
    if emulation_year.is_closed:
        return True
    try:
        return emulation_year.scoreboard.is_locked
    except Scoreboard.DoesNotExist:
        return False


@rules.predicate
def is_own_province(user, scorecard):
    return user.is_authenticated and user.province_id is not None and user.province_id == scorecard.province_id


@rules.predicate
def is_submitted(user, scorecard):
    return scorecard is not None and scorecard.status in SUBMITTED


@rules.predicate
def is_editable_by_province(user, scorecard):
    return scorecard.status in EDITABLE_BY_PROVINCE


@rules.predicate
def is_scorecard_open(user, scorecard):
    return not _locked(_year(scorecard))


@rules.predicate
def is_member_of_its_year(user, scorecard):
    return is_member_of_year(user, _year(scorecard))


@rules.predicate
def is_chair_of_its_year(user, scorecard):
    return is_chair_of_year(user, _year(scorecard))


@rules.predicate
def is_appraiser_of_it(user, scorecard):
    """Staff of the province that appraises this scorecard (the chair; the vice-chair for the
    chair's own): never the scorecard's own province."""
    if not user.is_authenticated or user.province_id is None or user.province_id == scorecard.province_id:
        return False
    return cluster_selectors.appraiser_province_id(_year(scorecard), scorecard.province_id) == user.province_id


@rules.predicate
def is_scoring_open(user, emulation_year):
    return emulation_year is not None and not _locked(emulation_year)


can_view_scorecard = is_admin | is_own_province | (is_submitted & (is_member_of_its_year | is_chair_of_its_year))

rules.add_perm("scoring.view_scorecard", can_view_scorecard)
rules.add_perm("scoring.edit_self_score", is_own_province & is_editable_by_province & is_scorecard_open)
rules.add_perm("scoring.submit_scorecard", is_own_province & is_editable_by_province & is_scorecard_open)
rules.add_perm("scoring.return_scorecard", is_submitted & is_appraiser_of_it & is_scorecard_open)
rules.add_perm("scoring.agree_scores", is_submitted & is_appraiser_of_it & is_scorecard_open)
rules.add_perm("scoring.view_history", can_view_scorecard)
# Explanations (giải trình) of changed scores: the province answers, its appraiser reads.
rules.add_perm("scoring.explain_score", is_submitted & is_own_province & ~is_admin & is_scorecard_open)
rules.add_perm("scoring.read_explanation", is_submitted & (is_admin | is_appraiser_of_it) & is_scorecard_open)
# Year-level actions (the object is the emulation year).
rules.add_perm("scoring.edit_criteria", (is_admin | is_chair_of_year) & is_scoring_open)
rules.add_perm("scoring.lock_scoring", (is_admin | is_chair_of_year) & is_scoring_open)
rules.add_perm("scoring.view_scoreboard", can_view_year)


def _cross_scored(emulation_year):
    rule_set = getattr(emulation_year, "rule_set", None) if emulation_year is not None else None
    return rule_set is not None and rule_set.is_cross_scored


@rules.predicate
def is_peer_year_of_it(user, scorecard):
    return _cross_scored(_year(scorecard))


@rules.predicate
def is_peer_year(user, emulation_year):
    return _cross_scored(emulation_year)


# Cross-scoring (chấm chéo): members score each other's submitted scorecards, never their own;
# the chair follows it and aggregates the agreed scores. The pairs mode is checked in the service.
rules.add_perm("scoring.view_cross_scoring", is_peer_year & (is_admin | is_member_of_year))
rules.add_perm(
    "scoring.cross_score",
    is_submitted & ~is_own_province & is_member_of_its_year & is_scorecard_open & is_peer_year_of_it,
)
rules.add_perm(
    "scoring.aggregate_cross_scores",
    is_submitted & (is_admin | is_chair_of_its_year) & is_scorecard_open & is_peer_year_of_it,
)
rules.add_perm("scoring.follow_cross_scoring", is_peer_year & (is_admin | is_chair_of_year))
# The cross-scores given to a scorecard, for its explanations: its province, the chair, admins.
rules.add_perm(
    "scoring.read_cross_scores_given", is_peer_year_of_it & (is_admin | is_own_province | is_chair_of_its_year)
)
rules.add_perm("scoring.assign_cross_scoring", (is_admin | is_chair_of_year) & is_scoring_open & is_peer_year)
rules.add_perm("scoring.view_cross_scores", is_submitted & (is_admin | is_chair_of_its_year) & is_peer_year_of_it)
