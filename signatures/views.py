from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from cluster.models import Cluster
from common.confirm import confirmation_page, is_confirmed
from common.downloads import private_file_response
from reports.models import Report

from . import selectors, services
from .forms import CertificateForm, SignedCopyForm
from .models import OrganisationCertificate, SignedCopy


def _report_for(request, pk):
    report = get_object_or_404(Report.objects.select_related("emulation_year__cluster"), pk=pk)
    if not request.user.has_perm("signatures.view_signed_copy", report):
        raise Http404
    return report


def _show_errors(request, error):
    for message in error.messages:
        messages.error(request, message)


def _signable(request, pk):
    """The report, once the user may sign it (404 outside the cluster, 403 inside), for a POST."""
    report = _report_for(request, pk)
    if not request.user.has_perm("signatures.sign_document", report):
        raise PermissionDenied
    return report


def signed_copy_upload(request, pk):
    """Upload a PDF signed elsewhere: verified, then kept; a refusal says why on the page."""
    report = _signable(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = SignedCopyForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the signed PDF to upload."))
        return redirect("reports:report", pk=report.pk)
    try:
        copy = services.signed_copy_upload(report=report, upload=form.cleaned_data["file"], user=request.user)
    except ValidationError as error:
        _show_errors(request, error)
    else:
        if copy.is_official:
            messages.success(request, _("The signed copy was verified and is now the official copy."))
        else:
            result = "; ".join(services.result_lines(copy))
            messages.warning(request, _("The signed copy was kept but is not valid: %(result)s") % {"result": result})
    return redirect("reports:report", pk=report.pk)


def report_sign(request, pk):
    """Sign on the server, after a confirmation; a failure shows its reason and can be tried again."""
    report = _signable(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    certificate = selectors.certificate_for(report)
    if not is_confirmed(request):
        return confirmation_page(
            request,
            title=_("Sign %(document)s %(number)s on the server")
            % {"document": report.get_kind_display(), "number": report.number_text},
            frozen=_(
                "The signed copy is kept for good and becomes the official copy of the document; "
                "the issued file and earlier signed copies stay as they are."
            ),
            lines=[
                _("Certificate: %(label)s (%(holder)s)")
                % {"label": certificate.label, "holder": certificate.common_name}
                if certificate
                else services.no_certificate_message(report),
                _("The document has no signature space: the signature will be invisible (no stamp on the page).")
                if not (report.layout or {}).get("signature")
                else _("The stamp goes on the signature space, between the post and the name."),
            ],
            cancel_url=reverse("reports:report", args=[report.pk]),
        )
    try:
        services.report_sign_on_server(report=report, user=request.user)
    except ValidationError as error:
        _show_errors(request, error)
    else:
        messages.success(request, _("The document was signed on the server; the signed copy is now the official copy."))
    return redirect("reports:report", pk=report.pk)


def signed_copy_download(request, pk):
    copy = get_object_or_404(SignedCopy.objects.select_related("report__emulation_year"), pk=pk)
    if not request.user.has_perm("signatures.view_signed_copy", copy.report):
        raise Http404
    return private_file_response(copy.file.open("rb"), filename=copy.download_name(), content_type="application/pdf")


def _cluster_for(request, cluster_id):
    cluster = get_object_or_404(Cluster, pk=cluster_id)
    if not request.user.has_perm("signatures.manage_certificates", cluster):
        raise Http404
    return cluster


@sensitive_post_parameters("passphrase")
def certificates(request, cluster_id):
    """A province's signing certificates in the cluster (all of them for an admin): upload one (it
    replaces the province's active one), deactivate."""
    cluster = _cluster_for(request, cluster_id)
    provinces = selectors.cluster_provinces(cluster) if request.user.is_superuser else None
    form = CertificateForm(provinces=provinces)
    if request.method == "POST":
        form = CertificateForm(request.POST, request.FILES, provinces=provinces)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.certificate_store(
                    cluster=cluster,
                    user=request.user,
                    label=data["label"],
                    pkcs12_file=data["pkcs12_file"],
                    passphrase=data["passphrase"],
                    signer_image=data["signer_image"],
                    seal_image=data["seal_image"],
                    province=data.get("province"),
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, error)
            else:
                messages.success(request, _("The certificate was stored encrypted and is now the one in use."))
                return redirect("signatures:certificates", cluster_id=cluster.pk)
    return render(
        request,
        "signatures/certificates.html",
        {
            "cluster": cluster,
            "certificates": selectors.certificates_of(cluster, request.user),
            "form": form,
            "configured": services.signing_configured(),
        },
    )


def certificate_deactivate(request, pk):
    certificate = get_object_or_404(OrganisationCertificate.objects.select_related("cluster", "province"), pk=pk)
    _cluster_for(request, certificate.cluster_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.has_perm("signatures.manage_certificate", certificate):
        raise PermissionDenied
    services.certificate_deactivate(certificate=certificate, user=request.user)
    messages.success(request, _("The certificate is no longer used for signing."))
    return redirect("signatures:certificates", cluster_id=certificate.cluster_id)
