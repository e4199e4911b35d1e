import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .enums import (
    Authority,
    BallotTieRule,
    DeadlineKey,
    PeerAggregation,
    PeerAssignment,
    RankingTieRule,
    Role,
    ScoringMode,
    VoteBase,
)


class Cluster(models.Model):
    """An emulation cluster (cụm thi đua) of provinces."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=100, blank=True, help_text=_("Used in document headers."))
    header_people_committee = models.BooleanField(
        _("chair's People's Committee above the cluster in headers"),
        default=False,
        help_text=_(
            "Where the cluster's rules want it, the chair province's People's Committee stands above the "
            "cluster in the header of its documents (written out, never abbreviated)."
        ),
    )
    signature_people_committee = models.BooleanField(
        _("chair's post in the People's Committee under the signature"),
        default=False,
        help_text=_('Adds the chair\'s post in the province ("CHỦ TỊCH UBND TỈNH …") under "CỤM TRƯỞNG".'),
    )

    class Meta:
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        ordering = ["name"]

    def __str__(self):
        return self.name


def new_criteria_key():
    return uuid.uuid4().hex


class EmulationYear(models.Model):
    """One emulation year (năm thi đua) of a cluster: membership, term and rule set."""

    cluster = models.ForeignKey(Cluster, verbose_name=_("cluster"), on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    term_confirmed_at = models.DateTimeField(_("term confirmed at"), null=True, blank=True)
    term_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("term confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    criteria_copied_from = models.PositiveSmallIntegerField(
        _("criteria copied from"),
        null=True,
        blank=True,
        help_text=_("The year whose criteria this year started with when it opened (set by emulation_year_open)."),
    )
    # A new random value whenever the year's criteria may change (scoring.services): the key
    # under which its criteria table is cached (scoring.selectors.criteria_table). Random, not a
    # counter, so that a cache outliving a database (a restore, a new demo) never matches.
    criteria_key = models.CharField(_("criteria version"), max_length=32, default=new_criteria_key, editable=False)
    history = HistoricalRecords(excluded_fields=["term_confirmed_at", "term_confirmed_by", "criteria_key"])

    class Meta:
        verbose_name = _("emulation year")
        verbose_name_plural = _("emulation years")
        ordering = ["cluster", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "year"],
                name="one_emulation_year_per_cluster_and_year",
                violation_error_message=_("This cluster already has this emulation year."),
            )
        ]

    def __str__(self):
        return f"{self.cluster} – {self.year}"

    @property
    def is_closed(self):
        return self.closed_at is not None


class Membership(models.Model):
    """A province's membership of a cluster in one emulation year, with its role in the term.

    The term of a year (chair and vice-chair) is held here as roles, so the database
    itself guarantees that the chair and vice-chair are members that year, are two
    different provinces and that a year has one term (one chair, one vice-chair).
    `year` repeats `emulation_year.year` (set by `cluster.services`) so that the
    database can refuse a province in two clusters in the same year.
    """

    emulation_year = models.ForeignKey(
        EmulationYear,
        verbose_name=_("emulation year"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    province = models.ForeignKey(
        "provinces.Province",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    rotation_order = models.PositiveSmallIntegerField(
        _("rotation order"),
        default=0,
        help_text=_("Breaks ties when proposing the next chair and vice-chair (lower first)."),
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["rotation_order", "province__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["emulation_year", "province"],
                name="membership_once_per_year",
                violation_error_message=_("This province is already a member this year."),
            ),
            models.UniqueConstraint(
                fields=["province", "year"],
                name="membership_one_cluster_per_year",
                violation_error_message=_("A province can be a member of only one cluster in a year."),
            ),
            models.UniqueConstraint(
                fields=["emulation_year"],
                condition=Q(role=Role.CHAIR),
                name="one_chair_per_year",
                violation_error_message=_("This year already has a chair."),
            ),
            models.UniqueConstraint(
                fields=["emulation_year"],
                condition=Q(role=Role.VICE_CHAIR),
                name="one_vice_chair_per_year",
                violation_error_message=_("This year already has a vice-chair."),
            ),
        ]

    def __str__(self):
        return f"{self.province} ({self.year})"


class RuleSet(models.Model):
    """The rules the cluster applies in one emulation year: data, never constants in code.

    Written by `cluster.services.rule_set_copy_for`, `rule_set_update` and
    `rule_set_apply_preset` until the review meeting confirms its attendance
    (`cluster.selectors.rule_set_frozen`); every change is kept in `history`.
    """

    emulation_year = models.OneToOneField(
        EmulationYear, verbose_name=_("emulation year"), on_delete=models.CASCADE, related_name="rule_set"
    )
    source_document = models.CharField(
        _("document the rules follow"),
        max_length=200,
        blank=True,
        help_text=_("For example: Nghị định 98/2023/NĐ-CP, Điều 30 khoản 7."),
    )
    operating_rules_number = models.CharField(
        _("number of the cluster's operating rules"),
        max_length=50,
        blank=True,
        help_text=_("The cluster's own operating rules (quy chế), for example 01/QC-CTĐ."),
    )
    operating_rules_date = models.DateField(_("date of the cluster's operating rules"), null=True, blank=True)
    quorum_percent = models.DecimalField(
        _("quorum (percent of members present)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("100"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("100"))],
        help_text=_("Of all the members of the year: the meeting votes only when at least this share is present."),
    )
    vote_threshold_percent = models.DecimalField(
        _("vote threshold (percent)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("50"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("100"))],
    )
    vote_threshold_strict = models.BooleanField(
        _("more than the threshold"),
        default=True,
        help_text=_("Ticked: more than the threshold is needed. Unticked: at least the threshold."),
    )
    vote_base = models.CharField(_("threshold base"), max_length=16, choices=VoteBase.choices, default=VoteBase.MEMBERS)
    written_votes_allowed = models.BooleanField(
        _("absent members may vote in writing"),
        default=False,
        help_text=_(
            "Ticked: an absent member may send a written opinion (ý kiến bằng văn bản). The attendance records it, "
            "the minutes print it and the ballot counts it as one ballot."
        ),
    )
    ballot_tie_rule = models.CharField(
        _("tie at the cut-off"), max_length=16, choices=BallotTieRule.choices, default=BallotTieRule.NEW_ROUND
    )
    ranking_tie_rule = models.CharField(
        _("tie in the score ranking"),
        max_length=16,
        choices=RankingTieRule.choices,
        default=RankingTieRule.SECTION_A_THEN_SAME,
    )
    flag_quota = models.PositiveSmallIntegerField(_("Government emulation flag proposals"), default=1)
    certificate_quota = models.PositiveSmallIntegerField(
        _("Prime Minister's certificate of merit proposals"), default=1
    )
    dossier_deadline = models.DateField(
        _("deadline of the nomination dossiers"),
        null=True,
        blank=True,
        help_text=_("The day the dossiers for the Government's awards are due (under decree 98/2023: 30/6)."),
    )
    scoring_mode = models.CharField(
        _("scoring mode"), max_length=12, choices=ScoringMode.choices, default=ScoringMode.APPRAISAL
    )
    peer_assignment = models.CharField(
        _("who scores whom"), max_length=12, choices=PeerAssignment.choices, default=PeerAssignment.ALL_OTHERS
    )
    peer_aggregation = models.CharField(
        _("agreed score from the cross-scoring"),
        max_length=14,
        choices=PeerAggregation.choices,
        default=PeerAggregation.MEAN,
    )
    peer_spread_limit = models.DecimalField(
        _("largest spread of the cross-scores (points)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_(
            "A criterion whose highest and lowest cross-score differ by more than this is flagged for the "
            "preparatory meeting; empty: never flagged."
        ),
    )
    explanation_shows_scorer = models.BooleanField(
        _("the scored member sees who scored"),
        default=False,
        help_text=_("Ticked: a member reading the scores given to it sees the scoring member's name."),
    )
    history = HistoricalRecords()

    chair_appraiser = models.ForeignKey(
        "provinces.Province",
        verbose_name=_("appraiser of the chair's scorecard"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The member that appraises the chair province's own scorecard; empty: the vice-chair."),
    )

    class Meta:
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")
        constraints = [
            models.CheckConstraint(
                condition=Q(quorum_percent__gt=0) & Q(quorum_percent__lte=100),
                name="rule_set_quorum_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(vote_threshold_percent__gt=0) & Q(vote_threshold_percent__lte=100),
                name="rule_set_threshold_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(written_votes_allowed=False) | ~Q(vote_base=VoteBase.PRESENT),
                name="rule_set_written_votes_need_a_base_that_counts_them",
                violation_error_code="written_votes_with_present_base",
                violation_error_message=_(
                    "With the base “members present” only the members at the meeting vote: written opinions of "
                    "absent members cannot count. Choose another base, or do not allow written votes."
                ),
            ),
        ]

    def __str__(self):
        return str(_("Rule set %(year)s") % {"year": self.emulation_year.year})

    @property
    def is_cross_scored(self):
        """The members score each other this year (cross-scoring alone, or before the appraisal)."""
        return self.scoring_mode in (ScoringMode.PEER, ScoringMode.BOTH)

    def clean(self):
        # The constraint above, said next to the field (the database keeps it for any writer).
        if self.written_votes_allowed and self.vote_base == VoteBase.PRESENT:
            raise ValidationError(
                {"written_votes_allowed": self._meta.constraints[2].violation_error_message},
                code="written_votes_with_present_base",
            )

    #: Fields copied from one year's rule set to the next, in the order the rule set page shows them.

    COPIED_FIELDS = (
        "source_document",
        "operating_rules_number",
        "operating_rules_date",
        "quorum_percent",
        "vote_threshold_percent",
        "vote_threshold_strict",
        "vote_base",
        "written_votes_allowed",
        "ballot_tie_rule",
        "ranking_tie_rule",
        "flag_quota",
        "certificate_quota",
        "scoring_mode",
        "peer_assignment",
        "peer_aggregation",
        "peer_spread_limit",
        "explanation_shows_scorer",
    )
    #: Rules of this year only: set on its rule set page, not copied to the next year.
    #: Set for one year (the dossier deadline is copied shifted a year by rule_set_copy_for).
    YEAR_FIELDS = ("chair_appraiser", "dossier_deadline")


class Person(models.Model):
    """Someone of the year a form picks instead of typing the name again: a member province's
    leader or official (a delegate, the covenant's representative, a counting committee member),
    or, without a province, a central delegate or guest. Kept per year (`people_of`); a new year
    starts with a copy of the previous year's people (`cluster.services.people_copy_for`).
    Forms that pick a person copy the name and post onto their own row, so a signed record keeps
    the words it was signed with."""

    emulation_year = models.ForeignKey(
        EmulationYear, verbose_name=_("emulation year"), on_delete=models.CASCADE, related_name="people"
    )
    province = models.ForeignKey(
        "provinces.Province",
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: a central delegate or a guest."),
    )
    full_name = models.CharField(_("full name"), max_length=150)
    post = models.CharField(
        _("post"), max_length=200, blank=True, help_text=_("For example: Phó Chủ tịch UBND tỉnh Bắc Giang.")
    )
    authority = models.CharField(_("signs as"), max_length=16, choices=Authority.choices, default=Authority.OWN_POST)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["order", "full_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["emulation_year", "province", "full_name"],
                condition=Q(province__isnull=False),
                name="person_once_per_province_and_year",
                violation_error_message=_("This person is already among the people of the province this year."),
            ),
            models.UniqueConstraint(
                fields=["emulation_year", "full_name"],
                condition=Q(province__isnull=True),
                name="central_person_once_per_year",
                violation_error_message=_("This person is already among the central delegates this year."),
            ),
        ]

    def __str__(self):
        return f"{self.full_name} – {self.post}" if self.post else self.full_name


class YearDeadline(models.Model):
    """One dated phase of a year's calendar: self-scoring, the appraisal or cross-scoring, the
    explanations, the preparatory meeting, the review conference. Written only by
    `cluster.services.calendar_copy_for` (when the year opens: the previous year's, a year on)
    and `deadline_save` (the year's chair or an admin, while the deadline is not past).

    The dossier's deadline is not stored here: it is the rule set's `dossier_deadline`, which the
    dossiers app reads; the calendar shows it as its last phase and `deadline_save` writes it there."""

    emulation_year = models.ForeignKey(
        EmulationYear, verbose_name=_("emulation year"), on_delete=models.CASCADE, related_name="deadlines"
    )
    key = models.CharField(_("phase"), max_length=24, choices=DeadlineKey.choices)
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    closes_on = models.DateField(_("deadline"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deadline of the year")
        verbose_name_plural = _("deadlines of the year")
        ordering = ["closes_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["emulation_year", "key"],
                name="one_deadline_per_phase_and_year",
                violation_error_message=_("This phase already has its deadline this year."),
            ),
            models.CheckConstraint(
                condition=Q(opens_on__isnull=True) | Q(opens_on__lte=models.F("closes_on")),
                name="deadline_not_before_its_phase_opens",
                violation_error_code="deadline_before_opening",
                violation_error_message=_("The deadline cannot be before the day its phase opens."),
            ),
            models.CheckConstraint(
                condition=~Q(key=DeadlineKey.DOSSIER),
                name="dossier_deadline_lives_in_the_rule_set",
            ),
        ]

    def __str__(self):
        return f"{self.get_key_display()} {self.emulation_year.year}"

    def clean(self):
        # The constraint above, said next to the field (the database keeps it for any writer).
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError(
                {"closes_on": self._meta.constraints[1].violation_error_message}, code="deadline_before_opening"
            )
