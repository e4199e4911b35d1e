from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    MINUTES = "minutes", _("Minutes of the review conference")
    BALLOT_RECORD = "ballot_record", _("Ballot-count record")
    SCORE_SUMMARY = "score_summary", _("Score summary table")
    COVENANT = "covenant", _("Emulation covenant")
    YEAR_REPORT = "year_report", _("Year-end report")
    SCORE_DETAIL = "score_detail", _("Detailed score table")
    SUBMISSION = "submission", _("Submission for an award")


#: The symbol in a document's number ("03/BB-CTĐ"); each kind has its own sequence.
SYMBOLS = {
    DocumentKind.MINUTES: "BB",
    DocumentKind.BALLOT_RECORD: "BBKP",
    DocumentKind.SCORE_SUMMARY: "BTH",
    DocumentKind.COVENANT: "GƯ",
    DocumentKind.YEAR_REPORT: "BC",
    DocumentKind.SCORE_DETAIL: "BTHCT",
    DocumentKind.SUBMISSION: "TTr",
}


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Rendering")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")
