from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    SCORECARD_SUBMITTED = "scorecard_submitted", _("Scorecard submitted")
    SCORECARD_RETURNED = "scorecard_returned", _("Scorecard returned")
    SCORE_CHANGED = "score_changed", _("Score changed")
    EXPLANATION_REQUESTED = "explanation_requested", _("Explanation asked")
    EXPLANATION_ANSWERED = "explanation_answered", _("Explanation answered")
    SCORING_LOCKED = "scoring_locked", _("Scoring locked")
    MEETING_SET = "meeting_set", _("Meeting set")
    DOCUMENT_READY = "document_ready", _("Document ready")
    DEADLINE_NEAR = "deadline_near", _("Deadline near")


class EmailStatus(models.TextChoices):
    OFF = "off", _("No e-mail")
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Not delivered")
