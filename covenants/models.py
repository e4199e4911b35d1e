import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cluster.enums import Authority


class CovenantStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")


class Covenant(models.Model):
    """The emulation covenant (giao ước thi đua) of one emulation year.

    `status` is set only by `covenants.services`: signed once every member has signed.
    """

    emulation_year = models.OneToOneField(
        "cluster.EmulationYear", verbose_name=_("emulation year"), on_delete=models.CASCADE, related_name="covenant"
    )
    title = models.CharField(_("title"), max_length=300)
    place = models.CharField(_("place of signing"), max_length=200, blank=True)
    signing_date = models.DateField(_("signing date"), null=True, blank=True)
    host_province = models.ForeignKey(
        "provinces.Province",
        verbose_name=_("host province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=10, choices=CovenantStatus.choices, default=CovenantStatus.DRAFT)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("covenant")
        verbose_name_plural = _("covenants")

    def __str__(self):
        return self.title


class Commitment(models.Model):
    covenant = models.ForeignKey(
        Covenant, verbose_name=_("covenant"), on_delete=models.CASCADE, related_name="commitments"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.TextField(_("commitment"))
    section = models.ForeignKey(
        "scoring.Section",
        verbose_name=_("criteria section"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.text[:80]


def scan_upload_to(instance, filename):
    # `filename` is the checked safe name: it ends with the extension detected from the content.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "pdf"
    return f"covenants/{instance.covenant.emulation_year.year}/{uuid.uuid4().hex}.{extension}"


class Signatory(models.Model):
    """One member's signature of the covenant: its representative, signed or not, the scan."""

    covenant = models.ForeignKey(
        Covenant, verbose_name=_("covenant"), on_delete=models.CASCADE, related_name="signatories"
    )
    province = models.ForeignKey(
        "provinces.Province", verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "cluster.Person",
        verbose_name=_("representative"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A copy of the person's name, post and authority when the row was written: a signed row keeps them.
    representative = models.CharField(_("representative's full name"), max_length=150, blank=True)
    post = models.CharField(_("post"), max_length=200, blank=True)
    authority = models.CharField(_("signs as"), max_length=16, choices=Authority.choices, blank=True)
    signed = models.BooleanField(_("signed"), default=False)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    scan = models.FileField(_("scan of the signed copy"), upload_to=scan_upload_to, blank=True, max_length=300)
    history = HistoricalRecords(excluded_fields=["scan"])

    PERSON_FROZEN = models.Q(signed=True)

    class Meta:
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        ordering = ["province__name"]
        constraints = [
            models.UniqueConstraint(fields=["covenant", "province"], name="one_signatory_per_member"),
            models.CheckConstraint(
                condition=models.Q(signed=False) | (models.Q(signed_on__isnull=False) & ~models.Q(representative="")),
                name="signed_needs_date_and_representative",
                violation_error_message=_("A signature needs the representative's name and the date."),
            ),
        ]

    def __str__(self):
        return f"{self.province} – {self.covenant}"


class ReplacedScan(models.Model):
    """A scan a signatory row no longer shows: kept, never deleted, with who replaced it and why."""

    signatory = models.ForeignKey(
        Signatory, verbose_name=_("signatory"), on_delete=models.CASCADE, related_name="replaced_scans"
    )
    scan = models.FileField(_("scan"), max_length=300)
    replaced_at = models.DateTimeField(_("replaced at"), auto_now_add=True)
    replaced_by = models.ForeignKey(
        "accounts.User", verbose_name=_("replaced by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("replaced scan")
        verbose_name_plural = _("replaced scans")
        ordering = ["-replaced_at"]

    def __str__(self):
        return f"{self.signatory} – {self.scan.name}"
