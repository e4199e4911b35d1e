"""`{% signature_panel report %}`: the signed copies of a document on its page, with what the
signed-in user may do (upload a signed PDF, sign on the server)."""

from django import template

from .. import selectors, services
from ..forms import SignedCopyForm

register = template.Library()


@register.inclusion_tag("signatures/panel.html", takes_context=True)
def signature_panel(context, report):
    from reports.selectors import superseded_mark

    request = context["request"]
    user = request.user
    copies = selectors.signed_copies_of(report) if report.is_issued else []
    superseded = superseded_mark(report) if report.is_issued else ""
    can_sign = report.is_issued and not superseded and user.has_perm("signatures.sign_document", report)
    for copy in copies:
        copy.lines = services.result_lines(copy)
        copy.notes = services.result_notes(copy)
    certificate = selectors.certificate_for(report) if can_sign else None
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "report": report,
        "official": next((copy for copy in copies if copy.is_official), None),
        "others": [copy for copy in copies if not copy.is_official],
        "can_sign": can_sign,
        "certificate": certificate,
        "no_certificate": services.no_certificate_message(report) if can_sign and not certificate else "",
        "superseded": superseded,
        "invisible": not (report.layout or {}).get("signature"),
        "configured": services.signing_configured(),
        "can_manage": user.has_perm("signatures.manage_certificates", report.emulation_year.cluster),
        "form": SignedCopyForm(),
    }
