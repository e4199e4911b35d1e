"""Evidence files of a scorecard: uploaded one at a time as soon as they are chosen (JSON for the
page's script, static/js/evidence-upload.js), downloaded, previewed in the page, removed after a
confirmation. Readers are those of the scorecard (`scoring.view_scorecard`); only its province
changes them while it is a draft or returned (`scoring.edit_self_score`)."""

from csp.decorators import csp
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from common.confirm import confirmation_page, is_confirmed
from common.downloads import private_file_response

from . import selectors, services
from .models import Evidence


def evidence_download(request, pk):
    """Evidence is served only here, to readers of its scorecard, always as an attachment."""
    evidence = get_object_or_404(Evidence.objects.select_related("score__scorecard__emulation_year"), pk=pk)
    if not request.user.has_perm("scoring.view_scorecard", evidence.score.scorecard):
        raise Http404
    return private_file_response(
        evidence.file.open("rb"), filename=evidence.original_name, content_type=evidence.content_type
    )


#: The preview of a file inside the page: nothing in it runs (sandbox), it loads nothing but
#: itself, and only our own pages may frame it.
PREVIEW_CSP = {
    "sandbox": True,
    "default-src": ["'none'"],
    "img-src": ["'self'"],
    "object-src": ["'self'"],
    "plugin-types": ["application/pdf"],
    "frame-ancestors": ["'self'"],
}
#: What a browser shows by itself, without downloading.
PREVIEWABLE = ("pdf", "jpg", "png")


@xframe_options_sameorigin
@csp(PREVIEW_CSP)
def evidence_preview(request, pk):
    """A PDF or an image shown in the page next to its criterion, to readers of its scorecard."""
    evidence = get_object_or_404(Evidence.objects.select_related("score__scorecard__emulation_year"), pk=pk)
    if not request.user.has_perm("scoring.view_scorecard", evidence.score.scorecard):
        raise Http404
    if evidence.extension not in PREVIEWABLE:
        raise Http404
    response = private_file_response(
        evidence.file.open("rb"), filename=evidence.original_name, content_type=evidence.content_type
    )
    # Shown in the page, not saved: inline, under PREVIEW_CSP (set by the middleware from @csp).
    response["Content-Disposition"] = content_disposition_header(False, evidence.original_name)
    del response["Content-Security-Policy"]
    return response


def _evidence_json(evidence):
    return {
        "id": evidence.pk,
        "name": evidence.original_name,
        "size": evidence.size,
        "size_text": filesizeformat(evidence.size),
        "download_url": reverse("scoring:evidence_download", args=[evidence.pk]),
        "preview_url": (
            reverse("scoring:evidence_preview", args=[evidence.pk]) if evidence.extension in PREVIEWABLE else None
        ),
        "delete_url": reverse("scoring:evidence_delete", args=[evidence.pk]),
    }


@require_POST
def evidence_upload(request, pk, criterion_id):
    """One file for one criterion, stored at once (the page's script sends each file as soon as
    it is chosen): JSON with the stored file, or a JSON error in the reader's language."""
    scorecard = selectors.scorecard_get_for_user(request.user, pk)
    if not request.user.has_perm("scoring.edit_self_score", scorecard):
        return JsonResponse({"error": _("You cannot add evidence to this scorecard.")}, status=403)
    upload = request.FILES.get("file")
    if upload is None:
        return JsonResponse({"error": _("Choose a file to upload.")}, status=400)
    try:
        evidence = services.evidence_upload(
            scorecard=scorecard, criterion_id=criterion_id, upload=upload, user=request.user
        )
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    return JsonResponse(
        {**_evidence_json(evidence), "message": _("%(name)s is uploaded.") % {"name": evidence.original_name}},
        status=201,
    )


@require_POST
def evidence_delete(request, pk):
    """Removing a file asks first: the same POST comes back confirmed."""
    evidence = get_object_or_404(
        Evidence.objects.select_related("score__scorecard__emulation_year", "score__criterion"), pk=pk
    )
    scorecard = evidence.score.scorecard
    if not request.user.has_perm("scoring.view_scorecard", scorecard):
        raise Http404
    if not request.user.has_perm("scoring.edit_self_score", scorecard):
        raise PermissionDenied
    if not is_confirmed(request):
        return confirmation_page(
            request,
            title=_("Remove the evidence file %(name)s") % {"name": evidence.original_name},
            frozen=_("The file is removed from criterion %(code)s; the history keeps its name, not its content.")
            % {"code": evidence.score.criterion.code},
            lines=[
                _("%(code)s. %(title)s")
                % {"code": evidence.score.criterion.code, "title": evidence.score.criterion.title},
                _("%(name)s (%(size)s)") % {"name": evidence.original_name, "size": filesizeformat(evidence.size)},
            ],
            cancel_url=reverse("scoring:scorecard", args=[scorecard.pk]) + f"#criterion-{evidence.score.criterion_id}",
        )
    try:
        services.evidence_remove(evidence=evidence, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The evidence file %(name)s is removed.") % {"name": evidence.original_name})
    return redirect(reverse("scoring:scorecard", args=[scorecard.pk]) + f"#criterion-{evidence.score.criterion_id}")
