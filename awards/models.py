import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .enums import BallotMethod, CommitteeRole, NominationStatus, Outcome

FLAG, CERTIFICATE = "flag", "certificate"


class AwardType(models.Model):
    """A national award the cluster proposes members for. The Government emulation flag and
    the Prime Minister's certificate of merit are seeded; admins may add others."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("award type")
        verbose_name_plural = _("award types")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class AwardQuota(models.Model):
    """How many proposals of a type the cluster may make in a year, for award types other
    than the two of the rule set (which carries the flag and certificate quotas)."""

    emulation_year = models.ForeignKey(
        "cluster.EmulationYear", on_delete=models.CASCADE, related_name="award_quotas", verbose_name=_("emulation year")
    )
    award_type = models.ForeignKey(
        AwardType, on_delete=models.CASCADE, related_name="quotas", verbose_name=_("award type")
    )
    count = models.PositiveSmallIntegerField(_("number of proposals"), default=0)

    class Meta:
        verbose_name = _("award quota")
        verbose_name_plural = _("award quotas")
        constraints = [
            models.UniqueConstraint(fields=["emulation_year", "award_type"], name="one_quota_per_type_and_year")
        ]

    def __str__(self):
        return f"{self.award_type} × {self.count}"


class ReviewMeeting(models.Model):
    """The annual review conference (hội nghị tổng kết) of an emulation year.

    The step timestamps are set only by `awards.services`; each step's state on the
    chair's console derives from them.
    """

    emulation_year = models.OneToOneField(
        "cluster.EmulationYear",
        on_delete=models.CASCADE,
        related_name="review_meeting",
        verbose_name=_("emulation year"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300)
    host_province = models.ForeignKey(
        "provinces.Province", on_delete=models.PROTECT, related_name="+", verbose_name=_("host province")
    )
    presiding_name = models.CharField(_("presiding person"), max_length=150)
    presiding_post = models.CharField(_("post of the presiding person"), max_length=200, blank=True)
    secretary_name = models.CharField(_("secretary"), max_length=150)
    secretary_post = models.CharField(_("post of the secretary"), max_length=200, blank=True)
    # The people picked for the two names above (the names stay: the minutes print them).
    presiding_person = models.ForeignKey(
        "cluster.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("presiding person"),
    )
    secretary_person = models.ForeignKey(
        "cluster.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("secretary"),
    )
    attendance_confirmed_at = models.DateTimeField(_("attendance confirmed at"), null=True, blank=True)
    quorum_met = models.BooleanField(_("quorum met"), null=True, blank=True)
    ranking_adopted_at = models.DateTimeField(_("ranking adopted at"), null=True, blank=True)
    nominations_confirmed_at = models.DateTimeField(_("nominations confirmed at"), null=True, blank=True)
    term_recorded_at = models.DateTimeField(_("next term recorded at"), null=True, blank=True)
    # The secret of the projector's link (awards:screen): the screen needs no login beyond it.
    screen_token = models.CharField(_("live screen link"), max_length=64, blank=True)
    history = HistoricalRecords(excluded_fields=["screen_token"])

    #: Its presiding person and secretary are final once the attendance is confirmed.
    PERSON_FROZEN = Q(attendance_confirmed_at__isnull=False)

    class Meta:
        verbose_name = _("review meeting")
        verbose_name_plural = _("review meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="meeting_ends_after_it_starts",
                violation_error_code="ends_before_start",
                violation_error_message=_("The meeting must end after it starts."),
            )
        ]

    def __str__(self):
        return str(_("Review meeting %(year)s") % {"year": self.emulation_year.year})

    def clean(self):
        # The constraint below, said next to the closing time (the database keeps it for any writer).
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError(
                {"ends_at": self._meta.constraints[0].violation_error_message}, code="ends_before_start"
            )


class Delegation(models.Model):
    """A member's delegation at the meeting; an absent member is recorded as absent."""

    meeting = models.ForeignKey(
        ReviewMeeting, on_delete=models.CASCADE, related_name="delegations", verbose_name=_("meeting")
    )
    province = models.ForeignKey(
        "provinces.Province", on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    present = models.BooleanField(_("present"), default=False)
    written_opinion = models.BooleanField(
        _("sent a written opinion"),
        default=False,
        help_text=_("Only an absent member, when the year's rule set allows written votes."),
    )
    # Check-in (điểm danh) by the delegation's own code: only its SHA-256 is kept.
    checkin_digest = models.CharField(_("check-in code (digest)"), max_length=64, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["checkin_digest"])

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["province__name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "province"], name="one_delegation_per_member"),
            # A member present votes at the meeting: it never also votes in writing.
            models.CheckConstraint(
                condition=Q(present=False) | Q(written_opinion=False), name="written_opinion_only_when_absent"
            ),
        ]

    def __str__(self):
        return str(self.province)

    def written_choices(self):
        """[(award type, [provinces])] of the written opinion, by award; uses prefetched
        `written_votes` (with `award_type` and `province`)."""
        by_award = {}
        for vote in self.written_votes.all():
            by_award.setdefault(vote.award_type, []).append(vote.province)
        return sorted(by_award.items(), key=lambda item: (item[0].order, item[0].pk))


class WrittenVote(models.Model):
    """A member an absent delegation's written opinion agrees to propose for an award (one
    row per award and member; at most the year's seats of that award). Written by
    `awards.services.attendance_confirm` only."""

    delegation = models.ForeignKey(
        Delegation, on_delete=models.CASCADE, related_name="written_votes", verbose_name=_("delegation")
    )
    award_type = models.ForeignKey(AwardType, on_delete=models.PROTECT, related_name="+", verbose_name=_("award type"))
    province = models.ForeignKey(
        "provinces.Province", on_delete=models.PROTECT, related_name="+", verbose_name=_("proposed member")
    )

    class Meta:
        verbose_name = _("written vote")
        verbose_name_plural = _("written votes")
        ordering = ["award_type__order", "province__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["delegation", "award_type", "province"], name="one_written_vote_per_member_and_award"
            )
        ]

    def __str__(self):
        return f"{self.delegation}: {self.award_type} – {self.province}"


class Delegate(models.Model):
    delegation = models.ForeignKey(
        Delegation, on_delete=models.CASCADE, related_name="delegates", verbose_name=_("delegation")
    )
    person = models.ForeignKey(
        "cluster.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("person")
    )
    full_name = models.CharField(_("full name"), max_length=150)
    post = models.CharField(_("post"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    PERSON_FROZEN = Q(delegation__meeting__attendance_confirmed_at__isnull=False)

    class Meta:
        verbose_name = _("delegate")
        verbose_name_plural = _("delegates")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.full_name


class CountingCommitteeMember(models.Model):
    """A member of the vote-counting committee (ban kiểm phiếu) the meeting elected: its head
    and members sign each ballot-count record. Written by `awards.services.counting_committee_elect`
    only; the name, post and province are copied from the person picked, so the records keep them.
    Final once the first ballot round is recorded."""

    meeting = models.ForeignKey(
        ReviewMeeting, on_delete=models.CASCADE, related_name="committee_members", verbose_name=_("meeting")
    )
    person = models.ForeignKey(
        "cluster.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("person")
    )
    full_name = models.CharField(_("full name"), max_length=150)
    post = models.CharField(_("post"), max_length=200, blank=True)
    province = models.ForeignKey(
        "provinces.Province",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("province"),
    )
    role = models.CharField(_("role"), max_length=8, choices=CommitteeRole.choices, default=CommitteeRole.MEMBER)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    PERSON_FROZEN = Q(meeting__ballot_rounds__isnull=False)

    class Meta:
        verbose_name = _("member of the vote-counting committee")
        verbose_name_plural = _("vote-counting committee")
        # The head first ("head" < "member"), then the members in their order.
        ordering = ["role", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting"],
                condition=Q(role=CommitteeRole.HEAD),
                name="one_committee_head_per_meeting",
                violation_error_message=_("The vote-counting committee has one head."),
            ),
            models.UniqueConstraint(
                fields=["meeting", "full_name"],
                name="committee_member_once",
                violation_error_message=_("This person is already on the vote-counting committee."),
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()}: {self.full_name}"


class Guest(models.Model):
    meeting = models.ForeignKey(
        ReviewMeeting, on_delete=models.CASCADE, related_name="guests", verbose_name=_("meeting")
    )
    person = models.ForeignKey(
        "cluster.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("person")
    )
    full_name = models.CharField(_("full name"), max_length=150)
    post = models.CharField(_("post"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    PERSON_FROZEN = Q(meeting__attendance_confirmed_at__isnull=False)

    class Meta:
        verbose_name = _("guest")
        verbose_name_plural = _("guests")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.full_name


class Nomination(models.Model):
    """A member nominated for an award for the emulation year; the ballot decides whether
    the cluster proposes it, the government's decision closes it."""

    emulation_year = models.ForeignKey(
        "cluster.EmulationYear", on_delete=models.CASCADE, related_name="nominations", verbose_name=_("emulation year")
    )
    award_type = models.ForeignKey(
        AwardType, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("award type")
    )
    province = models.ForeignKey(
        "provinces.Province", on_delete=models.PROTECT, related_name="nominations", verbose_name=_("province")
    )
    rationale = models.TextField(_("rationale"))
    departure_reason = models.TextField(
        _("reason for departing from the ranking"),
        blank=True,
        help_text=_(
            "Required when the Government emulation flag is proposed for a member that does not lead the ranking."
        ),
    )
    rank = models.PositiveSmallIntegerField(_("rank in the scoring"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=NominationStatus.choices, default=NominationStatus.CANDIDATE
    )
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=50, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["award_type__order", "rank", "province__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["emulation_year", "award_type", "province"],
                name="one_nomination_per_type",
                violation_error_message=_("This member is already nominated for this award."),
            ),
            models.CheckConstraint(
                condition=~Q(status=NominationStatus.DECIDED) | (Q(decision_date__isnull=False) & ~Q(outcome="")),
                name="decided_needs_decision",
                violation_error_message=_("A decided nomination needs the decision's date and outcome."),
            ),
        ]

    def __str__(self):
        return f"{self.award_type}: {self.province}"


class BallotRound(models.Model):
    """One round of the secret ballot for one award type, as the vote-counting committee
    counted it. Confirmed rounds never change: a correction is a new round with a reason."""

    meeting = models.ForeignKey(
        ReviewMeeting, on_delete=models.CASCADE, related_name="ballot_rounds", verbose_name=_("meeting")
    )
    award_type = models.ForeignKey(AwardType, on_delete=models.PROTECT, related_name="+", verbose_name=_("award type"))
    number = models.PositiveSmallIntegerField(_("round"))
    seats = models.PositiveSmallIntegerField(_("seats"))
    issued = models.PositiveSmallIntegerField(_("ballots issued"))
    returned = models.PositiveSmallIntegerField(_("ballots returned"))
    valid = models.PositiveSmallIntegerField(_("valid ballots"))
    invalid = models.PositiveSmallIntegerField(_("invalid ballots"))
    corrects = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
        verbose_name=_("corrects round"),
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    needs_new_round = models.BooleanField(_("needs a new round"), default=False)
    written_ballots = models.PositiveSmallIntegerField(
        _("written opinions counted"),
        default=0,
        help_text=_("Absent members' written opinions counted as ballots in this round."),
    )
    method = models.CharField(_("ballot"), max_length=12, choices=BallotMethod.choices, default=BallotMethod.PAPER)
    blank = models.PositiveSmallIntegerField(
        _("blank ballots"), default=0, help_text=_("Valid ballots that chose no candidate.")
    )
    confirmed_at = models.DateTimeField(_("confirmed at"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("confirmed by")
    )

    class Meta:
        verbose_name = _("ballot round")
        verbose_name_plural = _("ballot rounds")
        ordering = ["award_type__order", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "award_type", "number"], name="one_round_number_per_award"),
            models.CheckConstraint(condition=Q(returned__lte=models.F("issued")), name="ballot_returned_le_issued"),
            models.CheckConstraint(
                condition=Q(returned=models.F("valid") + models.F("invalid")), name="ballot_valid_plus_invalid"
            ),
            models.CheckConstraint(
                condition=Q(corrects__isnull=True) | ~Q(correction_reason=""), name="correction_has_reason"
            ),
            models.CheckConstraint(condition=Q(blank__lte=F("valid")), name="ballot_blank_le_valid"),
        ]

    def __str__(self):
        return f"{self.award_type} – {self.number}"


class BallotResult(models.Model):
    """A candidate's votes in a round and the decision they led to (stored at confirmation)."""

    ballot_round = models.ForeignKey(
        BallotRound, on_delete=models.CASCADE, related_name="results", verbose_name=_("round")
    )
    nomination = models.ForeignKey(
        Nomination, on_delete=models.PROTECT, related_name="ballot_results", verbose_name=_("nomination")
    )
    votes = models.PositiveSmallIntegerField(_("votes"), help_text=_("Ballots at the meeting plus written votes."))
    written_votes = models.PositiveSmallIntegerField(_("written votes"), default=0)
    base = models.PositiveSmallIntegerField(_("base"))
    percent = models.DecimalField(_("percent"), max_digits=5, decimal_places=1)
    passes = models.BooleanField(_("reaches the threshold"))
    elected = models.BooleanField(_("elected"))
    decided_by_ranking = models.BooleanField(_("decided by the ranking"), default=False)
    tied = models.BooleanField(_("tied at the cut-off"), default=False)
    decided_by_chair = models.BooleanField(_("decided by the presiding chair's vote"), default=False)

    class Meta:
        verbose_name = _("ballot result")
        verbose_name_plural = _("ballot results")
        ordering = ["-votes", "nomination__province__name"]
        constraints = [
            models.UniqueConstraint(fields=["ballot_round", "nomination"], name="one_result_per_candidate"),
            models.CheckConstraint(condition=Q(written_votes__lte=F("votes")), name="ballot_written_votes_le_votes"),
        ]

    def __str__(self):
        return f"{self.nomination}: {self.votes}"


class ElectronicBallotQuerySet(models.QuerySet):
    def open(self):
        """The rounds delegates may still vote in (a cancelled round is closed too)."""
        return self.filter(closed_at__isnull=True)


class ElectronicBallot(models.Model):
    """An electronic round of the secret ballot for one award (domain §6, issue 13).

    The chair opens it for the round `number` the paper count would have; delegates vote with
    one-time codes (`BallotCode`) printed on slips handed out at random; closing it tallies
    the `ElectronicVote`s into the same `BallotRound` a paper count makes (`ballot_round`).
    Written by `awards.electronic` only. Not in the history: nothing here may be timed finer
    than the round.
    """

    meeting = models.ForeignKey(
        ReviewMeeting, on_delete=models.CASCADE, related_name="electronic_ballots", verbose_name=_("meeting")
    )
    award_type = models.ForeignKey(AwardType, on_delete=models.PROTECT, related_name="+", verbose_name=_("award type"))
    number = models.PositiveSmallIntegerField(_("round"))
    seats = models.PositiveSmallIntegerField(_("seats"))
    candidates = models.ManyToManyField(Nomination, related_name="+", verbose_name=_("candidates"))
    codes_issued = models.PositiveSmallIntegerField(_("codes issued"), default=0)
    codes_used = models.PositiveSmallIntegerField(_("codes used"), default=0)
    opened_at = models.DateTimeField(_("opened at"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("opened by")
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    ballot_round = models.OneToOneField(
        BallotRound,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="electronic",
        verbose_name=_("ballot-count record"),
    )

    objects = ElectronicBallotQuerySet.as_manager()

    class Meta:
        verbose_name = _("electronic ballot")
        verbose_name_plural = _("electronic ballots")
        ordering = ["award_type__order", "number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "award_type"],
                condition=Q(closed_at__isnull=True),
                name="one_open_electronic_ballot_per_award",
                violation_error_message=_("An electronic ballot of this award is already open."),
            ),
            models.CheckConstraint(condition=Q(codes_used__lte=F("codes_issued")), name="electronic_used_le_issued"),
        ]

    def __str__(self):
        return f"{self.award_type} – {self.number}"

    @property
    def is_open(self):
        return self.closed_at is None


class BallotCode(models.Model):
    """A one-time ballot code of an electronic ballot: only its SHA-256 digest is kept, and
    whether it was used. Nothing links it to a delegation (the slips are handed out at random)
    or to the vote it cast (`ElectronicVote` holds no code)."""

    ballot = models.ForeignKey(
        ElectronicBallot, on_delete=models.CASCADE, related_name="codes", verbose_name=_("electronic ballot")
    )
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    spent = models.BooleanField(_("used"), default=False)

    class Meta:
        verbose_name = _("ballot code")
        verbose_name_plural = _("ballot codes")

    def __str__(self):
        return self.digest[:8]


class ElectronicVote(models.Model):
    """One ballot cast electronically: the round and the choice, nothing else — no code, no
    user, no address, no time (a random key, so not even the order of the votes shows)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(
        ElectronicBallot, on_delete=models.CASCADE, related_name="votes", verbose_name=_("electronic ballot")
    )
    #: The nomination ids chosen, sorted; empty for a blank ballot.
    choices = models.JSONField(_("choices"), default=list, blank=True)

    class Meta:
        verbose_name = _("electronic vote")
        verbose_name_plural = _("electronic votes")

    def __str__(self):
        return str(self.ballot)
