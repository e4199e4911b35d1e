"""Reads of the cross-scoring (chấm chéo, domain §11) and of what produced each agreed score.

Every function runs a fixed number of queries, whatever the number of criteria or members.
"""

from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.utils.translation import gettext as _

from cluster import selectors as cluster_selectors
from cluster.enums import PeerAssignment

from . import calculations
from .enums import AgreedSource, ScorecardStatus
from .models import PeerReview, PeerScore, Score, Scorecard

SUBMITTED = (ScorecardStatus.SUBMITTED, ScorecardStatus.AGREED)


def differing_peer_scores(score):
    """The submitted cross-scores of one score that differ from its self-score."""
    return (
        PeerScore.objects.filter(score=score, review__submitted_at__isnull=False, value__isnull=False)
        .exclude(value=F("score__self_score"))
        .select_related("review__scorer")
        .order_by("review_id")
    )


@dataclass
class GivenScore:
    """A cross-score as the scored province reads it: the scorer's name, or "Member 2" when the
    year's rules hide it (the same number for the same scorer throughout the scorecard)."""

    scorer: str
    value: object
    reason: str


def cross_scores_for_explanation(scorecard):
    """{criterion id: [GivenScore]} of the submitted cross-scores that differ from the self-score,
    for the scored province's explanations. Two queries."""
    shows_scorer = scorecard.emulation_year.rule_set.explanation_shows_scorer
    reviews = list(
        PeerReview.objects.filter(scorecard=scorecard, submitted_at__isnull=False)
        .select_related("scorer")
        .order_by("pk")
    )
    names = {
        r.pk: (r.scorer.name if shows_scorer else _("Member %(number)s") % {"number": index})
        for index, r in enumerate(reviews, start=1)
    }
    given = {}
    for peer in (
        PeerScore.objects.filter(review__in=[r.pk for r in reviews], value__isnull=False)
        .exclude(value=F("score__self_score"))
        .select_related("score")
        .order_by("review_id")
    ):
        given.setdefault(peer.score.criterion_id, []).append(GivenScore(names[peer.review_id], peer.value, peer.reason))
    return given


# --- The cross-scoring list of the year ---------------------------------------------------------


@dataclass
class PeerTask:
    """A scorecard the signed-in member cross-scores (or may), with its review if started."""

    scorecard: Scorecard
    review: PeerReview | None

    @property
    def state(self):
        if self.review is None:
            return "todo"
        return "submitted" if self.review.submitted_at else "draft"


@dataclass
class PeerProgress:
    """One scorecard as the chair follows its cross-scoring."""

    scorecard: Scorecard
    expected: int
    submitted: int
    flagged: int
    peer_agreed: int


def peer_tasks(emulation_year, province_id):
    """The submitted scorecards a member cross-scores this year: every other member's, or in
    pairs mode those the chair assigned; with the member's own review of each."""
    reviews = {
        r.scorecard_id: r
        for r in PeerReview.objects.filter(scorecard__emulation_year=emulation_year, scorer_id=province_id)
    }
    cards = Scorecard.objects.filter(emulation_year=emulation_year, status__in=SUBMITTED).exclude(
        province_id=province_id
    )
    if emulation_year.rule_set.peer_assignment == PeerAssignment.PAIRS:
        cards = cards.filter(pk__in=list(reviews))
    return [
        PeerTask(card, reviews.get(card.pk)) for card in cards.select_related("province").order_by("province__name")
    ]


def peer_progress(emulation_year):
    """Every scorecard of the year with the number of cross-scorings expected and submitted,
    its criteria flagged for a wide spread and those agreed from the cross-scoring."""
    members = cluster_selectors.member_province_ids(emulation_year)
    pairs = emulation_year.rule_set.peer_assignment == PeerAssignment.PAIRS
    cards = list(
        Scorecard.objects.filter(emulation_year=emulation_year)
        .select_related("province")
        .annotate(
            reviews_submitted=Count("peer_reviews", filter=Q(peer_reviews__submitted_at__isnull=False), distinct=True),
            reviews_assigned=Count("peer_reviews", distinct=True),
        )
        .order_by("province__name")
    )
    flags, peer_counts = {}, {}
    for scorecard_id, flagged, peer in (
        Score.objects.filter(scorecard__emulation_year=emulation_year)
        .values("scorecard_id")
        .annotate(
            flagged=Count("pk", filter=Q(peer_spread_flagged=True)),
            peer=Count("pk", filter=Q(agreed_source=AgreedSource.PEER)),
        )
        .values_list("scorecard_id", "flagged", "peer")
    ):
        flags[scorecard_id], peer_counts[scorecard_id] = flagged, peer
    return [
        PeerProgress(
            scorecard=card,
            expected=card.reviews_assigned if pairs else max(len(members) - 1, 0),
            submitted=card.reviews_submitted,
            flagged=flags.get(card.pk, 0),
            peer_agreed=peer_counts.get(card.pk, 0),
        )
        for card in cards
    ]


def assigned_pairs(emulation_year):
    """{(scorer province id, scorecard id)} the chair has assigned (or that have started)."""
    return set(
        PeerReview.objects.filter(scorecard__emulation_year=emulation_year).values_list("scorer_id", "scorecard_id")
    )


# --- One scorecard's cross-scores, as the chair aggregates them ---------------------------------


@dataclass
class PeerLine:
    criterion: object
    self_score: object
    values: list  # the submitted cross-scores, in the scorers' order (None where missing)
    reasons: list
    preview: object  # the agreed score the year's rule gives from them
    spread: object
    flagged: bool
    agreed: object
    agreed_source: str

    @property
    def cells(self):
        return list(zip(self.values, self.reasons, strict=True))

    @property
    def agreed_source_label(self):
        return AgreedSource(self.agreed_source).label if self.agreed_source else ""


def peer_lines(scorecard, leaves, scorers):
    """For each leaf criterion, the submitted cross-scores of `scorers` (their reviews, in the
    columns' order), the agreed score the year's rule gives and whether the spread is too wide."""
    rule = scorecard.emulation_year.rule_set
    column = {review.pk: index for index, review in enumerate(scorers)}
    scores = {s.criterion_id: s for s in Score.objects.filter(scorecard=scorecard)}
    values = {}
    for peer in PeerScore.objects.filter(review__in=list(column), value__isnull=False).select_related("score"):
        values.setdefault(peer.score.criterion_id, {})[column[peer.review_id]] = peer
    lines = []
    for criterion in leaves:
        score = scores.get(criterion.pk)
        given = values.get(criterion.pk, {})
        row = [given.get(i) for i in range(len(scorers))]
        numbers = [p.value for p in row if p is not None]
        lines.append(
            PeerLine(
                criterion=criterion,
                self_score=score.self_score if score else None,
                values=[p.value if p else None for p in row],
                reasons=[p.reason if p else "" for p in row],
                preview=calculations.aggregate_peer(numbers, rule.peer_aggregation) if numbers else None,
                spread=calculations.peer_spread(numbers) if numbers else None,
                flagged=bool(numbers) and calculations.peer_spread_flagged(numbers, rule.peer_spread_limit),
                agreed=score.agreed_score if score else None,
                agreed_source=score.agreed_source if score else "",
            )
        )
    return lines


# --- Which mode produced the agreed scores ------------------------------------------------------


@dataclass
class AgreedBy:
    """How the agreed scores of a year came about: the year's mode and rule, and how many
    agreed scores came from the cross-scoring and how many from the appraisal."""

    mode: str
    aggregation: str
    peer: int
    appraisal: int

    @property
    def aggregation_label(self):
        from cluster.enums import PeerAggregation

        return PeerAggregation(self.aggregation).label

    @property
    def text(self):
        """The line the scoreboard, the detailed table and the documents print (in the active
        language: the documents render in Vietnamese); empty while nothing is agreed."""
        rule = self.aggregation_label.lower()
        if self.peer and self.appraisal:
            return _(
                "Agreed scores: from the members' cross-scoring (%(rule)s) for %(peer)s criteria, from the "
                "appraisal for %(appraisal)s criteria."
            ) % {"rule": rule, "peer": self.peer, "appraisal": self.appraisal}
        if self.peer:
            return _("Agreed scores: from the members' cross-scoring (%(rule)s).") % {"rule": rule}
        if self.appraisal:
            return _("Agreed scores: from the appraisal by the chair (the vice-chair for the chair's own scorecard).")
        return ""


def agreed_by(emulation_year):
    """One query: the agreed scores of the year by their source. A score agreed before sources
    were recorded counts as the appraisal's (the only mode then)."""
    rule = emulation_year.rule_set
    counts = Score.objects.filter(scorecard__emulation_year=emulation_year, agreed_score__isnull=False).aggregate(
        peer=Count("pk", filter=Q(agreed_source=AgreedSource.PEER)),
        appraisal=Count("pk", filter=~Q(agreed_source=AgreedSource.PEER)),
    )
    return AgreedBy(rule.scoring_mode, rule.peer_aggregation, counts["peer"], counts["appraisal"])
