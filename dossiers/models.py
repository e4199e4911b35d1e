import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .enums import DossierState, PaperKind


def pack_upload_to(instance, filename):
    return f"dossiers/{uuid.uuid4().hex}.zip"


def paper_upload_to(instance, filename):
    return f"dossiers/papers/{uuid.uuid4().hex}.pdf"


class Dossier(models.Model):
    """The dossier of one nomination the cluster proposed. Every field is set only by
    `dossiers.services`: `dossier_build` writes the pack (a zip of the documents in PDF and Word
    with a manifest), `built_*` and `build_error`; `state` is "complete" when the last build or
    upload found every item of the checklist, "sent" once `dossier_mark_sent` recorded the day and
    reference (then nothing of it changes again)."""

    nomination = models.OneToOneField(
        "awards.Nomination", on_delete=models.PROTECT, related_name="dossier", verbose_name=_("nomination")
    )
    state = models.CharField(_("state"), max_length=10, choices=DossierState.choices, default=DossierState.PREPARING)
    pack = models.FileField(_("pack"), upload_to=pack_upload_to, blank=True, max_length=300)
    manifest = models.JSONField(_("manifest"), default=dict, blank=True)
    built_at = models.DateTimeField(_("built at"), null=True, blank=True)
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("built by")
    )
    build_error = models.TextField(_("error of the last build"), blank=True)
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    sent_reference = models.CharField(_("reference of the sending"), max_length=100, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("sent by")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("updated by")
    )

    class Meta:
        verbose_name = _("nomination dossier")
        verbose_name_plural = _("nomination dossiers")
        constraints = [
            models.CheckConstraint(
                condition=~Q(state=DossierState.SENT) | (Q(sent_on__isnull=False) & ~Q(sent_reference="")),
                name="sent_dossier_has_day_and_reference",
            )
        ]

    def __str__(self):
        return str(self.nomination)


class DossierPaper(models.Model):
    """A paper added to a dossier (the achievement report certified and sealed by the province,
    scanned back as PDF). Never replaced: a newer upload of the same kind is the one in use, the
    older stays listed. Written by `dossiers.services.dossier_paper_upload` only."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="papers", verbose_name=_("dossier"))
    kind = models.CharField(_("kind"), max_length=30, choices=PaperKind.choices)
    file = models.FileField(_("file"), upload_to=paper_upload_to, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    note = models.CharField(_("note"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("dossier paper")
        verbose_name_plural = _("dossier papers")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.original_name}"
