import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .enums import DocumentKind, ReportStatus


class DocumentCounter(models.Model):
    """The last number issued per cluster, year and kind: numbers are never issued twice
    (see `reports.services.document_number_issue`)."""

    cluster = models.ForeignKey("cluster.Cluster", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("document counter")
        verbose_name_plural = _("document counters")
        constraints = [models.UniqueConstraint(fields=["cluster", "year", "kind"], name="one_counter_per_kind")]

    def __str__(self):
        return f"{self.cluster_id}/{self.year}/{self.kind}: {self.last_number}"


def report_upload_to(instance, filename):
    suffix = ".docx" if filename.endswith(".docx") else ".pdf"
    return f"reports/{instance.emulation_year.year}/{uuid.uuid4().hex}{suffix}"


class Report(models.Model):
    """A numbered document. Its render goes queued → running → done or failed; it is a draft
    (made again under the same number, `version` counting the makings) until it is issued
    (`issued_at`): an issued document is never renumbered or re-rendered, and a replacement is
    a new document that `replaces` it. Every field is set only by `reports.services`."""

    kind = models.CharField(_("document"), max_length=20, choices=DocumentKind.choices)
    emulation_year = models.ForeignKey(
        "cluster.EmulationYear", on_delete=models.CASCADE, related_name="reports", verbose_name=_("emulation year")
    )
    ballot_round = models.ForeignKey(
        "awards.BallotRound",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reports",
        verbose_name=_("ballot round"),
    )
    nomination = models.ForeignKey(
        "awards.Nomination",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reports",
        verbose_name=_("nomination"),
    )
    number = models.PositiveIntegerField(_("number"))
    number_text = models.CharField(_("document number"), max_length=40)
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    error = models.TextField(_("error"), blank=True)
    file = models.FileField(_("file"), upload_to=report_upload_to, blank=True, max_length=300)
    docx_file = models.FileField(_("Word file"), upload_to=report_upload_to, blank=True, max_length=300)
    pages = models.PositiveSmallIntegerField(_("pages"), null=True, blank=True)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    rendered_version = models.PositiveSmallIntegerField(_("rendered version"), default=0)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("issued by")
    )
    replaces = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
        verbose_name=_("replaces"),
    )
    replacement_reason = models.TextField(_("reason for the replacement"), blank=True)
    #: Where the render put things a signature needs, e.g. {"signature": {"page": 0, "x": .., "y": ..,
    #: "width": .., "height": .., "page_width": .., "page_height": ..}} in CSS px from the top-left.
    layout = models.JSONField(_("layout"), default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["emulation_year", "kind"],
                condition=models.Q(issued_at__isnull=True, ballot_round__isnull=True, nomination__isnull=True),
                name="one_draft_per_year_document",
            ),
            models.UniqueConstraint(
                fields=["emulation_year", "kind", "ballot_round"],
                condition=models.Q(issued_at__isnull=True, ballot_round__isnull=False),
                name="one_draft_per_round_document",
            ),
            models.UniqueConstraint(
                fields=["emulation_year", "kind", "nomination"],
                condition=models.Q(issued_at__isnull=True, nomination__isnull=False),
                name="one_draft_per_nomination_document",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number_text}"

    @property
    def is_issued(self):
        return self.issued_at is not None

    def download_name(self, suffix=".pdf"):
        return f"{self.kind}-{self.emulation_year.year}-{self.number:02d}{suffix}"


class DocumentText(models.Model):
    """A part of a document the people write (the minutes' opening, the central delegate's
    guidance, the report's strengths…), per year and kind; the app drafts it from the year's
    facts until someone saves it (`reports.services.document_texts_save`)."""

    emulation_year = models.ForeignKey(
        "cluster.EmulationYear",
        on_delete=models.CASCADE,
        related_name="document_texts",
        verbose_name=_("emulation year"),
    )
    kind = models.CharField(_("document"), max_length=20, choices=DocumentKind.choices)
    key = models.CharField(_("part"), max_length=40)
    text = models.TextField(_("text"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("updated by")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("document text")
        verbose_name_plural = _("document texts")
        constraints = [models.UniqueConstraint(fields=["emulation_year", "kind", "key"], name="one_text_per_part")]

    def __str__(self):
        return f"{self.emulation_year} {self.kind} {self.key}"
