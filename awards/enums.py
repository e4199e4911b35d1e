from django.db import models
from django.utils.translation import gettext_lazy as _


class NominationStatus(models.TextChoices):
    CANDIDATE = "candidate", _("Candidate")
    PROPOSED = "proposed", _("Proposed by the cluster")
    NOT_PROPOSED = "not_proposed", _("Not elected")
    SENT = "sent", _("Sent to the central board")
    DECIDED = "decided", _("Decided")


#: Nominations the cluster proposed: they go to the central board and get a decision.
PROPOSED_BY_THE_CLUSTER = (NominationStatus.PROPOSED, NominationStatus.SENT, NominationStatus.DECIDED)


class Outcome(models.TextChoices):
    AWARDED = "awarded", _("Awarded")
    NOT_AWARDED = "not_awarded", _("Not awarded")


class CommitteeRole(models.TextChoices):
    HEAD = "head", _("Head of the vote-counting committee")
    MEMBER = "member", _("Member of the vote-counting committee")


class BallotMethod(models.TextChoices):
    PAPER = "paper", _("Paper ballots")
    ELECTRONIC = "electronic", _("Electronic ballot")
