from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MEMBER = "member", _("Member")
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice-chair")


class VoteBase(models.TextChoices):
    MEMBERS = "members", _("of members")
    PRESENT = "present", _("of members present")
    VALID_BALLOTS = "valid_ballots", _("of valid ballots")


class BallotTieRule(models.TextChoices):
    NEW_ROUND = "new_round", _("A new ballot round")
    RANKING = "ranking", _("The score ranking decides")
    CHAIR_VOTE = "chair_vote", _("The presiding chair's vote decides")


class RankingTieRule(models.TextChoices):
    SECTION_A_THEN_SAME = "section_a", _("More points in section A, then the same rank")
    SAME_RANK = "same_rank", _("The same rank")


class Authority(models.TextChoices):
    """How a person signs for their province's People's Committee (decree 30/2020, annex I):
    the chairman signs "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH"; a vice-chairman for the chairman
    "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"; an acting chairman "Q. CHỦ TỊCH"; someone the chairman
    authorised "TUQ. CHỦ TỊCH" over their own post; anyone else under their own post only."""

    CHAIRMAN = "chairman", _("Chairman of the People's Committee")
    VICE_CHAIRMAN = "vice_chairman", _("Vice-chairman of the People's Committee")
    ACTING_CHAIRMAN = "acting_chairman", _("Acting chairman of the People's Committee")
    AUTHORISED = "authorised", _("Authorised by the chairman")
    OWN_POST = "own_post", _("Under their own post")


class DeadlineKey(models.TextChoices):
    """The dated phases of a year's calendar (`cluster.models.YearDeadline`), in their order.
    The dossier's deadline is the rule set's `dossier_deadline` (the dossiers app reads it there)."""

    SELF_SCORING = "self_scoring", _("Self-scoring")
    APPRAISAL = "appraisal", _("Appraisal or cross-scoring")
    EXPLANATIONS = "explanations", _("Explanations")
    PREPARATORY_MEETING = "preparatory_meeting", _("Preparatory meeting")
    REVIEW_CONFERENCE = "review_conference", _("Review conference")
    DOSSIER = "dossier", _("Nomination dossiers")


class DeadlineState(models.TextChoices):
    UPCOMING = "upcoming", _("Not open yet")
    OPEN = "open", _("Open")
    LATE = "late", _("Late")
    DONE = "done", _("Done")


class ScoringMode(models.TextChoices):
    """Who checks the self-scores (domain §11): the chair's appraisal, the members scoring each
    other (chấm chéo), or both (the cross-scoring first, then the appraisal confirms or changes)."""

    APPRAISAL = "appraisal", _("The chair's appraisal")
    PEER = "peer", _("Cross-scoring by the members")
    BOTH = "both", _("Cross-scoring, then the chair's appraisal")


class PeerAssignment(models.TextChoices):
    ALL_OTHERS = "all_others", _("Each member scores every other member")
    PAIRS = "pairs", _("The pairs the chair assigns")


class PeerAggregation(models.TextChoices):
    MEAN = "mean", _("Mean")
    TRIMMED_MEAN = "trimmed_mean", _("Mean without the highest and the lowest")
    MEDIAN = "median", _("Median")
