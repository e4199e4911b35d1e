from django.db import models
from django.utils.translation import gettext_lazy as _


class CriterionKind(models.TextChoices):
    POINTS = "points", _("Points")
    TARGET = "target", _("Target figure")
    PASS_FAIL = "pass_fail", _("Pass or fail")
    OCCURRENCE = "occurrence", _("Per occurrence")
    BONUS = "bonus", _("Bonus")
    DEDUCTION = "deduction", _("Deduction")


#: Criteria whose score follows from a figure the province reports (`scoring.calculations`).
COMPUTED_KINDS = (CriterionKind.TARGET, CriterionKind.PASS_FAIL, CriterionKind.OCCURRENCE)


class AgreedSource(models.TextChoices):
    """What produced a score's agreed value: the chair's appraisal (thẩm định), or the members'
    cross-scoring (chấm chéo) aggregated by the year's rule."""

    APPRAISAL = "appraisal", _("Appraisal")
    PEER = "peer", _("Cross-scoring")


class ScorecardStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    AGREED = "agreed", _("Agreed")
