"""Cross-scoring (chấm chéo, domain §11): the only writer of `PeerReview` and `PeerScore`, and of
the agreed scores that come out of them (`Score.agreed_source` = peer).

Each public function is one transaction; a refused change raises ValidationError (Vietnamese
message) and leaves the stored data as it was. Permissions are checked here, not in the views.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from cluster import selectors as cluster_selectors
from cluster.enums import PeerAssignment, ScoringMode
from common.bulk import update_with_history
from common.history import set_change_reason

from . import calculations
from .enums import AgreedSource, ScorecardStatus
from .models import PeerReview, PeerScore, Score, Scorecard
from .services import ConcurrentEditError, _checked_entries, _ensure_scoring_open, _leaf_criteria, _save_next_version

SUBMITTED = (ScorecardStatus.SUBMITTED, ScorecardStatus.AGREED)


def _ensure_peer_mode(emulation_year):
    if not emulation_year.rule_set.is_cross_scored:
        raise ValidationError(
            _("The members do not cross-score each other in %(year)s.") % {"year": emulation_year.year}
        )


def _ensure_chair(emulation_year, user):
    if not (
        user is not None
        and (user.is_superuser or cluster_selectors.chair_province_id(emulation_year) == user.province_id)
    ):
        raise ValidationError(_("Only the chair of the year can do this."))


def _ensure_may_score(scorecard, user):
    """The scorer is a member's staff, never the scored province's; the scorecard is submitted;
    in pairs mode only an assigned pair."""
    if user is None or user.province_id is None:
        raise ValidationError(_("Only the staff of a member province cross-score."))
    if user.province_id == scorecard.province_id:
        raise ValidationError(_("Nobody cross-scores their own province's scorecard."))
    year = scorecard.emulation_year
    if user.province_id not in cluster_selectors.member_province_ids(year):
        raise ValidationError(_("Only the staff of a member province cross-score."))
    if scorecard.status not in SUBMITTED:
        raise ValidationError(_("This scorecard has not been submitted: it cannot be cross-scored yet."))
    if (
        year.rule_set.peer_assignment == PeerAssignment.PAIRS
        and not PeerReview.objects.filter(scorecard=scorecard, scorer_id=user.province_id).exists()
    ):
        raise ValidationError(_("The chair has not asked your province to cross-score this scorecard."))


@transaction.atomic
def peer_pairs_assign(*, emulation_year, user, pairs, replace=False):
    """The chair assigns who scores whom (pairs mode): `pairs` [(scorer province id, scorecard)].
    A pair naming the scorecard's own province is refused. With `replace`, `pairs` is the whole
    assignment: a pair left out is removed unless its scorer has started (then it stays, and the
    pairs kept so are returned as the second value)."""
    _ensure_scoring_open(emulation_year)
    _ensure_peer_mode(emulation_year)
    _ensure_chair(emulation_year, user)
    members = cluster_selectors.member_province_ids(emulation_year)
    created = []
    for scorer_id, scorecard in pairs:
        if scorecard.emulation_year_id != emulation_year.pk or scorer_id not in members:
            raise ValidationError(_("A pair names a province or a scorecard outside the year."))
        if scorer_id == scorecard.province_id:
            raise ValidationError(_("Nobody cross-scores their own province's scorecard."))
        review, is_new = PeerReview.objects.get_or_create(scorecard=scorecard, scorer_id=scorer_id)
        if is_new:
            created.append(review)
    if not replace:
        return created
    wanted = {(scorer_id, scorecard.pk) for scorer_id, scorecard in pairs}
    kept = []
    reviews = (
        PeerReview.objects.filter(scorecard__emulation_year=emulation_year)
        .select_related("scorer", "scorecard__province")
        .annotate(saved=Count("scores"))
    )
    for review in reviews:
        if (review.scorer_id, review.scorecard_id) in wanted:
            continue
        if review.submitted_at or review.saved:
            kept.append(review)
        else:
            review.delete()
    return created, kept


@transaction.atomic
def peer_review_get_or_create(*, scorecard, user):
    """The scorer's review of a scorecard (created when it starts, in the all-others mode)."""
    scorecard = Scorecard.objects.select_related("emulation_year__rule_set").get(pk=scorecard.pk)
    _ensure_scoring_open(scorecard.emulation_year)
    _ensure_peer_mode(scorecard.emulation_year)
    _ensure_may_score(scorecard, user)
    review, _created = PeerReview.objects.get_or_create(scorecard=scorecard, scorer_id=user.province_id)
    return review


def _own_open_review(review, user, version, *, submitted):
    """The scorer's own review, locked, still open: the scorecard may be cross-scored by this
    user (`_ensure_may_score`), the review is the user's province's and not submitted yet."""
    _ensure_scoring_open(review.scorecard.emulation_year)
    current = _lock_review(review, version)
    _ensure_peer_mode(current.scorecard.emulation_year)
    _ensure_may_score(current.scorecard, user)
    if user.province_id != current.scorer_id:
        raise ValidationError(_("This cross-scoring belongs to another province."))
    if current.submitted_at:
        raise ValidationError(submitted)
    return current


def _lock_review(review, version):
    current = (
        PeerReview.objects.select_for_update(of=("self",))
        .select_related("scorecard__emulation_year__rule_set")
        .get(pk=review.pk)
    )
    if version is not None and current.version != version:
        raise ConcurrentEditError(
            _("Somebody else saved this cross-scoring while you were editing it: check the values and save again.")
        )
    return current


@transaction.atomic
def peer_review_save(*, review, user, version, entries):
    """Save cross-scores: `entries` {criterion id: (typed value, reason)}. Each value is checked
    against the criterion's range; a reason is required wherever it differs from the self-score.
    All or nothing: a refused entry saves none (errors keyed "peer_<id>" / "reason_<id>")."""
    current = _own_open_review(
        review, user, version, submitted=_("This cross-scoring has been submitted: it can no longer change.")
    )
    scorecard = current.scorecard
    leaves = _leaf_criteria(scorecard.emulation_year)
    scores = {s.criterion_id: s for s in Score.objects.filter(scorecard=scorecard)}
    values = _checked_entries(
        leaves,
        entries,
        scores,
        field="peer",
        reason_missing=_("Give the reason for a score that differs from the self-score."),
    )
    existing = {p.score.criterion_id: p for p in PeerScore.objects.filter(review=current).select_related("score")}
    missing = [c for c in values if c not in scores and c not in existing]
    if missing:  # a criterion the province never scored (a blank bonus line): its row first
        Score.objects.bulk_create([Score(scorecard=scorecard, criterion_id=c) for c in missing])
        scores.update({s.criterion_id: s for s in Score.objects.filter(scorecard=scorecard, criterion_id__in=missing)})
    history_user = user if getattr(user, "pk", None) else None
    created, updated = [], []
    for criterion_id, (value, reason) in values.items():
        peer = existing.get(criterion_id)
        if peer is None:
            peer = PeerScore(review=current, score=scores[criterion_id])
            created.append(peer)
        elif peer.value == value and peer.reason == reason:
            continue
        else:
            updated.append(peer)
        peer.value, peer.reason = value, reason
        set_change_reason(peer, _("Cross-score saved"), user)
    if created:
        bulk_create_with_history(created, PeerScore, default_user=history_user)
    if updated:
        update_with_history(updated, PeerScore, ["value", "reason"], default_user=history_user)
    current.version += 1
    current.save(update_fields=["version"])
    return current


@transaction.atomic
def peer_review_submit(*, review, user):
    """The scorer submits its cross-scoring: every leaf criterion must have a value."""
    current = _own_open_review(review, user, None, submitted=_("This cross-scoring has already been submitted."))
    scorecard = current.scorecard
    leaves = _leaf_criteria(scorecard.emulation_year)
    done = set(
        PeerScore.objects.filter(review=current, value__isnull=False).values_list("score__criterion_id", flat=True)
    )
    missing = [leaves[c].code for c in leaves if c not in done]
    if missing:
        raise ValidationError(
            _("Cross-score every criterion first; missing: %(codes)s.") % {"codes": ", ".join(missing)}
        )
    current.submitted_at, current.submitted_by = timezone.now(), user
    current.version += 1
    set_change_reason(current, _("Cross-scoring submitted"), user)
    current.save(update_fields=["submitted_at", "submitted_by", "version"])
    return current


@transaction.atomic
def peer_aggregate(*, scorecard, user):
    """The agreed score of each criterion of one scorecard from its submitted cross-scores, by
    the year's rule (`calculations.aggregate_peer`); flags a spread over the year's limit.
    Idempotent: running it twice writes the same values. Returns the number of criteria set."""
    scorecard = (
        Scorecard.objects.select_for_update(of=("self",))
        .select_related("emulation_year__rule_set")
        .get(pk=scorecard.pk)
    )
    year = scorecard.emulation_year
    _ensure_scoring_open(year)
    _ensure_peer_mode(year)
    _ensure_chair(year, user)
    if scorecard.status not in SUBMITTED:
        raise ValidationError(_("This scorecard has not been submitted: it cannot be cross-scored yet."))
    rule = year.rule_set
    by_score = {}
    for peer in PeerScore.objects.filter(
        review__scorecard=scorecard, review__submitted_at__isnull=False, value__isnull=False
    ):
        by_score.setdefault(peer.score_id, []).append(peer.value)
    if not by_score:
        raise ValidationError(_("No member has submitted a cross-scoring of this scorecard yet."))
    label = {
        "mean": _("Mean of the cross-scores of %(count)s members"),
        "trimmed_mean": _("Mean of the cross-scores of %(count)s members without the highest and the lowest"),
        "median": _("Median of the cross-scores of %(count)s members"),
    }[rule.peer_aggregation]
    count = 0
    for score in Score.objects.filter(pk__in=list(by_score)):
        values = by_score[score.pk]
        agreed = calculations.aggregate_peer(values, rule.peer_aggregation)
        reason = label % {"count": len(values)} if agreed != score.self_score else ""
        flagged = calculations.peer_spread_flagged(values, rule.peer_spread_limit)
        if (score.agreed_score, score.agreed_reason, score.agreed_source, score.peer_spread_flagged) == (
            agreed,
            reason,
            AgreedSource.PEER,
            flagged,
        ):
            count += 1
            continue
        score.agreed_score, score.agreed_reason = agreed, reason
        score.agreed_source, score.peer_spread_flagged = AgreedSource.PEER, flagged
        score.explanation_read_at, score.explanation_read_by = None, None
        set_change_reason(score, _("Agreed from the cross-scoring"), user)
        score.save()
        count += 1
    leaves = _leaf_criteria(year)
    agreed_ids = set(
        Score.objects.filter(scorecard=scorecard, agreed_score__isnull=False).values_list("criterion_id", flat=True)
    )
    if rule.scoring_mode == ScoringMode.PEER and all(c in agreed_ids for c in leaves):
        scorecard.status = ScorecardStatus.AGREED
    _save_next_version(scorecard, ["status"])
    return count


# --- Reads --------------------------------------------------------------------------------


def peer_scores_visible_to(scorecard, user):
    """The cross-scores of a scorecard a user may read: nothing until the user's province has
    submitted its own cross-scoring of it ("see others after your own"); the chair, an admin
    and the scored province (for its explanations) see the submitted ones."""
    submitted = PeerScore.objects.filter(
        review__scorecard=scorecard, review__submitted_at__isnull=False
    ).select_related("review__scorer", "score__criterion")
    if user is None or not user.is_authenticated:
        return PeerScore.objects.none()
    year = scorecard.emulation_year
    if user.is_superuser or user.province_id in (scorecard.province_id, cluster_selectors.chair_province_id(year)):
        return submitted
    if PeerReview.objects.filter(scorecard=scorecard, scorer_id=user.province_id, submitted_at__isnull=False).exists():
        return submitted
    return PeerScore.objects.filter(review__scorecard=scorecard, review__scorer_id=user.province_id).select_related(
        "review__scorer", "score__criterion"
    )
