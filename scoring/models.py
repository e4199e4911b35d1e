import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .enums import AgreedSource, CriterionKind, ScorecardStatus

SCORE_DIGITS = {"max_digits": 7, "decimal_places": 2}
#: A figure a province reports (a share in percent, a number of events): larger than a score.
FIGURE_DIGITS = {"max_digits": 14, "decimal_places": 2}

#: The longest note (self-score note, agreed-score reason) on every path: form, import, service.
NOTE_MAX_LENGTH = 2000


class Section(models.Model):
    """A section of the year's scorecard (A. socio-economic targets, B. …)."""

    emulation_year = models.ForeignKey(
        "cluster.EmulationYear",
        verbose_name=_("emulation year"),
        on_delete=models.CASCADE,
        related_name="sections",
    )
    code = models.CharField(_("code"), max_length=10)
    title = models.CharField(_("title"), max_length=300)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["emulation_year", "code"],
                name="section_code_unique_per_year",
                violation_error_message=_("This year already has a section with this code."),
            )
        ]

    def __str__(self):
        return f"{self.code}. {self.title}"


class Criterion(models.Model):
    """A criterion of a section; it may hold sub-criteria.

    Only leaf criteria are scored. A criterion with sub-criteria has no maximum of its
    own: its maximum is the sum of its children's (see `scoring.calculations`), so the
    totals are always consistent. A deduction's `max_points` is its (negative) bound.
    """

    section = models.ForeignKey(Section, verbose_name=_("section"), on_delete=models.CASCADE, related_name="criteria")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent criterion"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=500)
    guidance = models.TextField(_("guidance"), blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=CriterionKind.choices, default=CriterionKind.POINTS)
    max_points = models.DecimalField(
        _("maximum"),
        null=True,
        blank=True,
        help_text=_("For a deduction: the lowest score allowed (negative)."),
        **SCORE_DIGITS,
    )
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    # The figure a computed criterion asks for (see `scoring.calculations.computed_score`).
    unit = models.CharField(_("unit of the figure"), max_length=30, blank=True, help_text=_("For example: %, models."))
    target_value = models.DecimalField(
        _("target"),
        null=True,
        blank=True,
        help_text=_("Target figure: full points at or above it, in proportion below it."),
        **FIGURE_DIGITS,
    )
    floor_value = models.DecimalField(
        _("floor"),
        null=True,
        blank=True,
        help_text=_("Target figure: no points under it; empty: in proportion down to zero."),
        **FIGURE_DIGITS,
    )
    points_per_occurrence = models.DecimalField(
        _("points per occurrence"),
        null=True,
        blank=True,
        help_text=_("Per occurrence: the points of each event, up to the maximum."),
        **SCORE_DIGITS,
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["section__order", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["section", "code"],
                name="criterion_code_unique_per_section",
                violation_error_message=_("This section already has a criterion with this code."),
            ),
            models.CheckConstraint(
                condition=Q(max_points__isnull=True)
                | Q(kind=CriterionKind.DEDUCTION, max_points__lt=0)
                | (~Q(kind=CriterionKind.DEDUCTION) & Q(max_points__gt=0)),
                name="criterion_bound_sign_matches_kind",
                violation_error_message=_(
                    "A deduction's bound must be negative; a maximum of points or bonus must be positive."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(kind=CriterionKind.TARGET)
                | (
                    Q(target_value__gt=0)
                    & (Q(floor_value__isnull=True) | (Q(floor_value__gte=0) & Q(floor_value__lt=F("target_value"))))
                ),
                name="criterion_target_has_target_above_floor",
                violation_error_code="target_needs_target",
                violation_error_message=_(
                    "A target criterion needs a target above zero, and a floor (if any) below the target."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(kind=CriterionKind.OCCURRENCE) | Q(points_per_occurrence__gt=0),
                name="criterion_occurrence_has_points",
                violation_error_code="occurrence_needs_points",
                violation_error_message=_("A per-occurrence criterion needs the points of one occurrence."),
            ),
        ]

    def __str__(self):
        return f"{self.code}. {self.title}"

    @property
    def lower_bound(self):
        return self.max_points if self.kind == CriterionKind.DEDUCTION else Decimal("0")

    @property
    def upper_bound(self):
        return Decimal("0") if self.kind == CriterionKind.DEDUCTION else self.max_points


class Scoreboard(models.Model):
    """The scoring of one emulation year: its lock and its stored ranking's time."""

    emulation_year = models.OneToOneField(
        "cluster.EmulationYear",
        verbose_name=_("emulation year"),
        on_delete=models.CASCADE,
        related_name="scoreboard",
    )
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("locked by"),
    )
    ranked_at = models.DateTimeField(_("ranked at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scoreboard")
        verbose_name_plural = _("scoreboards")

    def __str__(self):
        return str(self.emulation_year)

    @property
    def is_locked(self):
        return self.locked_at is not None


class Scorecard(models.Model):
    """A member's scorecard for one year.

    `self_total`, `agreed_total`, `section_totals`, `rank` and the `live_*` totals are caches set
    only by the scoring services (`_save_next_version`, with each new version;
    `scorecard_recalculate`) and `scoreboard_rank`. `version` grows with every save so that two
    people saving at once never overwrite each other.
    """

    emulation_year = models.ForeignKey(
        "cluster.EmulationYear",
        verbose_name=_("emulation year"),
        on_delete=models.CASCADE,
        related_name="scorecards",
    )
    province = models.ForeignKey(
        "provinces.Province", verbose_name=_("province"), on_delete=models.PROTECT, related_name="scorecards"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ScorecardStatus.choices, default=ScorecardStatus.DRAFT
    )
    return_reason = models.TextField(_("reason for returning"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=0)
    self_total = models.DecimalField(_("self-score total"), default=Decimal("0"), **SCORE_DIGITS)
    agreed_total = models.DecimalField(_("agreed total"), null=True, blank=True, **SCORE_DIGITS)
    section_totals = models.JSONField(_("agreed section subtotals"), default=dict, blank=True)
    self_section_totals = models.JSONField(_("self-score section subtotals"), default=dict, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    # The provisional totals of the live scoreboard (the agreed score where there is one, the
    # self-score elsewhere), written with each new version (`_save_next_version`) and valid while
    # `live_version` equals `version`; otherwise the scoreboard computes them from the scores.
    live_total = models.DecimalField(_("provisional total"), null=True, blank=True, **SCORE_DIGITS)
    live_section_totals = models.JSONField(_("provisional section subtotals"), default=dict, blank=True)
    live_version = models.PositiveIntegerField(_("version of the provisional totals"), null=True, blank=True)
    history = HistoricalRecords(
        excluded_fields=[
            "version",
            "self_section_totals",
            "section_totals",
            "live_total",
            "live_section_totals",
            "live_version",
        ]
    )

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        constraints = [
            models.UniqueConstraint(
                fields=["emulation_year", "province"],
                name="one_scorecard_per_member_and_year",
                violation_error_message=_("This province already has a scorecard this year."),
            )
        ]

    def __str__(self):
        return f"{self.province} – {self.emulation_year.year}"


class Score(models.Model):
    """One criterion of one scorecard: the self-score with its note, and the agreed score."""

    scorecard = models.ForeignKey(
        Scorecard, verbose_name=_("scorecard"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="scores"
    )
    self_score = models.DecimalField(_("self-score"), null=True, blank=True, **SCORE_DIGITS)
    note = models.TextField(_("note"), blank=True)
    # The figure the province reports for a computed criterion (the self-score follows from it).
    reported_value = models.DecimalField(_("reported figure"), null=True, blank=True, **FIGURE_DIGITS)
    agreed_score = models.DecimalField(_("agreed score"), null=True, blank=True, **SCORE_DIGITS)
    agreed_reason = models.TextField(_("reason for the change"), blank=True)
    agreed_source = models.CharField(
        _("agreed by"), max_length=12, choices=AgreedSource.choices, blank=True, default=""
    )
    # Set with the aggregated cross-score: its spread went over the year's limit.
    peer_spread_flagged = models.BooleanField(_("cross-scores spread too far"), default=False)
    # The province's answer (giải trình) to a changed score, and the appraiser's reading of it.
    explanation = models.TextField(_("explanation"), blank=True)
    explained_at = models.DateTimeField(_("explained at"), null=True, blank=True)
    explained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("explained by"),
    )
    explanation_read_at = models.DateTimeField(_("explanation read at"), null=True, blank=True)
    explanation_read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("explanation read by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "criterion"], name="one_score_per_criterion"),
        ]

    def __str__(self):
        return f"{self.scorecard} – {self.criterion.code}"

    @property
    def is_changed_with_reason(self):
        """The appraiser changed the self-score and said why: the province may explain (giải trình)."""
        return self.agreed_score is not None and self.agreed_score != self.self_score and bool(self.agreed_reason)

    def is_explainable(self, differing_cross_scores):
        """The province may explain this score: the appraiser changed it with a reason, or
        members' cross-scores differ from the self-score (`differing_cross_scores`: those
        cross-scores, or whether there are any)."""
        return self.is_changed_with_reason or bool(differing_cross_scores)


def evidence_upload_to(instance, filename):
    """A generated name: nothing of the uploader's file name reaches the storage path."""
    extension = instance.extension or "bin"
    return f"evidence/{instance.score.scorecard.emulation_year.year}/{uuid.uuid4().hex}.{extension}"


class Evidence(models.Model):
    """An evidence file (minh chứng) attached to one criterion of a scorecard."""

    score = models.ForeignKey(Score, verbose_name=_("score"), on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_upload_to, max_length=300)
    original_name = models.CharField(_("original file name"), max_length=255)
    extension = models.CharField(_("type"), max_length=10)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["file"])

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["uploaded_at"]

    def __str__(self):
        return self.original_name


class PeerReview(models.Model):
    """One member's cross-scoring (chấm chéo) of another member's submitted scorecard.

    In the year's "pairs" mode the chair assigns the pairs by creating these rows; otherwise
    they are created when a scorer starts. Never the scorer's own scorecard
    (`scoring.services_peer` checks it: a database constraint cannot see the scorecard's province).
    Written by `scoring.services_peer` only.
    """

    scorecard = models.ForeignKey(
        Scorecard, verbose_name=_("scorecard"), on_delete=models.CASCADE, related_name="peer_reviews"
    )
    scorer = models.ForeignKey(
        "provinces.Province", verbose_name=_("scoring member"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    version = models.PositiveIntegerField(_("version"), default=0)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("cross-scoring")
        verbose_name_plural = _("cross-scorings")
        constraints = [
            models.UniqueConstraint(
                fields=["scorecard", "scorer"],
                name="one_peer_review_per_scorer",
                violation_error_message=_("This member already scores this scorecard."),
            )
        ]

    def __str__(self):
        return f"{self.scorer} → {self.scorecard}"


class PeerScore(models.Model):
    """The score one member gives one criterion of another member's scorecard, with its reason."""

    review = models.ForeignKey(
        PeerReview, verbose_name=_("cross-scoring"), on_delete=models.CASCADE, related_name="scores"
    )
    score = models.ForeignKey(Score, verbose_name=_("score"), on_delete=models.CASCADE, related_name="peer_scores")
    value = models.DecimalField(_("cross-score"), null=True, blank=True, **SCORE_DIGITS)
    reason = models.TextField(_("reason"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cross-score")
        verbose_name_plural = _("cross-scores")
        constraints = [
            models.UniqueConstraint(fields=["review", "score"], name="one_peer_score_per_criterion"),
        ]

    def __str__(self):
        return f"{self.review.scorer}: {self.score}"
