from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from cluster.views import apply_validation_error
from common.confirm import confirmation_page, is_confirmed
from common.downloads import private_file_response

from . import selectors, services
from .forms import PaperForm, SentForm
from .models import DossierPaper


def _context(request, nomination, *, paper_form=None, sent_form=None):
    dossier = selectors.dossier_of(nomination)
    documents = selectors.pack_documents(nomination)
    user = request.user
    return {
        "nomination": nomination,
        "emulation_year": nomination.emulation_year,
        "cluster": nomination.emulation_year.cluster,
        "dossier": dossier,
        "checklist": selectors.checklist(nomination, dossier, documents),
        "blockers": selectors.build_blockers(nomination, documents),
        "documents": documents,
        "papers": list(dossier.papers.select_related("uploaded_by")) if dossier else [],
        "can_build": user.has_perm("dossiers.build_dossier", nomination),
        "can_upload": user.has_perm("dossiers.upload_paper", nomination),
        "paper_form": paper_form or PaperForm(),
        "sent_form": sent_form or SentForm(),
    }


def _invalid(request, nomination, **forms):
    return render(request, "dossiers/dossier.html", _context(request, nomination, **forms), status=400)


def _sent_confirmation(request, nomination, form, cancel_url):
    data = form.cleaned_data
    return confirmation_page(
        request,
        title=_("Record that the dossier of %(province)s was sent") % {"province": nomination.province.name},
        frozen=_("Once sent, the dossier no longer changes: no build, no upload."),
        lines=[
            _("Sent on %(day)s, reference %(reference)s")
            % {"day": data["sent_on"].strftime("%d/%m/%Y"), "reference": data["reference"]}
        ],
        fields={"action": "sent", "sent_on": request.POST.get("sent_on", ""), "reference": data["reference"]},
        cancel_url=cancel_url,
    )


def dossier_detail(request, pk):
    """The dossier of a nomination: its checklist and deadline, the pack, the papers, the sending."""
    nomination = selectors.nomination_get_for_user(request.user, pk)
    here = redirect("dossiers:dossier", pk=nomination.pk)
    if request.method != "POST":
        return render(request, "dossiers/dossier.html", _context(request, nomination))
    action = request.POST.get("action")
    permission = "dossiers.upload_paper" if action == "upload" else "dossiers.build_dossier"
    if not request.user.has_perm(permission, nomination):
        raise PermissionDenied
    try:
        if action == "build":
            services.dossier_build(nomination=nomination, user=request.user)
            messages.success(request, _("The dossier's pack is built."))
        elif action == "issue_submission":
            if not is_confirmed(request):
                return confirmation_page(
                    request,
                    title=_("Issue the submission for %(province)s") % {"province": nomination.province.name},
                    frozen=_("The submission becomes the official document: its number and file never change again."),
                    lines=[f"{nomination.award_type.name}: {nomination.province.name}"],
                    fields={"action": "issue_submission"},
                    cancel_url=here.url,
                )
            services.dossier_submission_issue(nomination=nomination, user=request.user)
            messages.success(request, _("The submission is issued: build the pack again to carry it."))
        elif action == "upload":
            form = PaperForm(request.POST, request.FILES)
            if not form.is_valid():
                return _invalid(request, nomination, paper_form=form)
            try:
                services.dossier_paper_upload(
                    nomination=nomination,
                    upload=form.cleaned_data["upload"],
                    note=form.cleaned_data["note"],
                    user=request.user,
                )
            except ValidationError as error:
                if not hasattr(error, "error_dict"):
                    error = ValidationError({"upload": error.messages})
                apply_validation_error(form, error)
                return _invalid(request, nomination, paper_form=form)
            messages.success(request, _("The paper is added to the dossier."))
        elif action == "sent":
            form = SentForm(request.POST)
            if not form.is_valid():
                return _invalid(request, nomination, sent_form=form)
            if not is_confirmed(request):
                return _sent_confirmation(request, nomination, form, here.url)
            try:
                services.dossier_mark_sent(nomination=nomination, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    apply_validation_error(form, error)
                    return _invalid(request, nomination, sent_form=form)
                raise
            messages.success(request, _("The dossier is recorded as sent."))
        else:
            raise Http404
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return here


def pack_download(request, pk):
    nomination = selectors.nomination_get_for_user(request.user, pk)
    dossier = selectors.dossier_of(nomination)
    if dossier is None or not dossier.pack:
        raise Http404
    name = f"ho-so-{nomination.emulation_year.year}-{nomination.award_type.code}-{nomination.province.code}.zip"
    return private_file_response(dossier.pack.open("rb"), filename=name, content_type="application/zip")


def paper_download(request, pk):
    paper = get_object_or_404(DossierPaper.objects.select_related("dossier__nomination__emulation_year"), pk=pk)
    if not request.user.has_perm("dossiers.view_dossier", paper.dossier.nomination):
        raise Http404
    return private_file_response(paper.file.open("rb"), filename=paper.original_name, content_type="application/pdf")
