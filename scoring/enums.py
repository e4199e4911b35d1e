from django.db import models
from django.utils.translation import gettext_lazy as _


class CriterionKind(models.TextChoices):
    POINTS = "points", _("Points")
    BONUS = "bonus", _("Bonus")
    DEDUCTION = "deduction", _("Deduction")


class ScorecardStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    AGREED = "agreed", _("Agreed")
