from django.db import models
from django.utils.translation import gettext_lazy as _


class DossierState(models.TextChoices):
    PREPARING = "preparing", _("Being prepared")
    COMPLETE = "complete", _("Complete")
    SENT = "sent", _("Sent")


class PaperKind(models.TextChoices):
    CERTIFIED_REPORT = "certified_achievement_report", _("Achievement report certified by the province")
    OTHER = "other", _("Other paper")
