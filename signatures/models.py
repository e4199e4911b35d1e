import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    UPLOAD = "upload", _("Signed elsewhere and uploaded")
    SERVER = "server", _("Signed on the server")


def signed_copy_upload_to(instance, filename):
    return f"signed/{instance.report.emulation_year.year}/{uuid.uuid4().hex}.pdf"


def certificate_image_upload_to(instance, filename):
    return f"certificates/{uuid.uuid4().hex}.png"


class SignedCopy(models.Model):
    """A signed PDF of an issued document, kept with the result of its verification. Only a
    valid copy (every signature intact, covering the document and chaining to a trust root) may
    be the official one, at most one per document; a newer valid copy becomes official and the
    earlier ones are kept. Set only by `signatures.services`; never deleted."""

    report = models.ForeignKey(
        "reports.Report", on_delete=models.PROTECT, related_name="signed_copies", verbose_name=_("document")
    )
    file = models.FileField(_("file"), upload_to=signed_copy_upload_to, max_length=300)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    signer_subject = models.TextField(_("signer's certificate subject"))
    signer_common_name = models.CharField(_("signer"), max_length=300)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    intact = models.BooleanField(_("signature intact"), default=False)
    covers_document = models.BooleanField(_("unchanged since signing"), default=False)
    trusted = models.BooleanField(_("trusted certificate"), default=False)
    valid = models.BooleanField(_("valid"), default=False)
    #: One entry per signature in the file, in signing order (see `signatures.pdf.Verdict.as_json`).
    signatures = models.JSONField(_("signatures"), default=list)
    summary = models.TextField(_("summary"), blank=True)
    certificate = models.ForeignKey(
        "signatures.OrganisationCertificate",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="signed_copies",
        verbose_name=_("certificate"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    is_official = models.BooleanField(_("official copy"), default=False)

    class Meta:
        verbose_name = _("signed copy")
        verbose_name_plural = _("signed copies")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["report"], condition=models.Q(is_official=True), name="one_official_signed_copy"
            ),
            models.CheckConstraint(
                condition=models.Q(is_official=False) | models.Q(valid=True), name="official_signed_copy_is_valid"
            ),
        ]

    def __str__(self):
        return f"{self.report} – {self.signer_common_name}"

    def download_name(self):
        return self.report.download_name(suffix="-ky-so.pdf")


class OrganisationCertificate(models.Model):
    """A province's certificate for signing on the server the documents that province makes for
    the cluster (a year's documents when it chairs the year, the covenant its review signs): the
    PKCS#12 file and its passphrase are kept encrypted (Fernet, with a key from
    `settings.SIGNING_KEY`), never in clear. Its province's staff and admins manage it, whoever
    chairs now; at most one active certificate per province. `province` is empty only for a
    certificate stored before certificates had an owner whose owner could not be told (kept,
    inactive). Set only by `signatures.services`."""

    cluster = models.ForeignKey(
        "cluster.Cluster", on_delete=models.CASCADE, related_name="signing_certificates", verbose_name=_("cluster")
    )
    province = models.ForeignKey(
        "provinces.Province",
        null=True,
        on_delete=models.PROTECT,
        related_name="signing_certificates",
        verbose_name=_("province"),
    )
    label = models.CharField(_("label"), max_length=200)
    pkcs12 = models.BinaryField(_("PKCS#12 file (encrypted)"))
    passphrase = models.BinaryField(_("passphrase (encrypted)"))
    subject = models.TextField(_("certificate subject"))
    common_name = models.CharField(_("holder"), max_length=300)
    not_valid_after = models.DateTimeField(_("valid until"))
    signer_image = models.FileField(_("signer's image"), upload_to=certificate_image_upload_to, blank=True)
    seal_image = models.FileField(_("seal image"), upload_to=certificate_image_upload_to, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("signing certificate")
        verbose_name_plural = _("signing certificates")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["province"], condition=models.Q(active=True), name="one_active_certificate_per_province"
            ),
            models.CheckConstraint(
                condition=models.Q(active=False) | models.Q(province__isnull=False),
                name="active_certificate_has_province",
            ),
        ]

    def __str__(self):
        return self.label
