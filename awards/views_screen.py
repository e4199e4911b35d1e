"""The meeting room: the projector's live screen (no login beyond its link), the check-in page
the delegations' phones open (no login), and the chair's actions that make their links."""

import base64

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from . import checkin
from .views import MeetingMixin


def _meeting_or_404(token):
    meeting = checkin.meeting_for_screen(token)
    if meeting is None:
        raise Http404(_("This screen link does not work (it may have been renewed)."))
    return meeting


@login_not_required
@never_cache
def screen(request, token):
    meeting = _meeting_or_404(token)
    return render(request, "awards/screen/screen.html", checkin.screen_state(meeting) | {"token": token})


@login_not_required
@never_cache
def screen_state(request, token):
    meeting = _meeting_or_404(token)
    return render(request, "awards/screen/_state.html", checkin.screen_state(meeting) | {"token": token})


class ScreenLinkView(MeetingMixin, View):
    """The chair creates or renews the projector's link (the old one stops working)."""

    def post(self, request, *args, **kwargs):
        meeting = self.meeting_or_back()
        if meeting is None:
            return self.back()
        return self.run(
            lambda: checkin.screen_link_renew(meeting=meeting, user=request.user),
            _("The live screen link is ready; a link made before no longer works."),
        )


class ConsoleAttendanceView(MeetingMixin, View):
    """The console's live attendance (htmx polls it while the delegations check in)."""

    is_action = False

    def get(self, request, *args, **kwargs):
        meeting = self.meeting_or_back()
        if meeting is None:
            raise Http404
        return render(request, "awards/checkin_attendance.html", {"attendance": checkin.attendance_of(meeting)})


def _qr_data_uri(url):
    svg = segno.make(url, error="m").svg_inline(scale=4, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


class CheckinSheetView(MeetingMixin, View):
    """New check-in codes for every delegation, as a PDF to print (codes printed before stop
    working). POST only: printing the sheet changes the codes."""

    def post(self, request, *args, **kwargs):
        meeting = self.meeting_or_back()
        if meeting is None:
            return self.back()
        try:
            issued = checkin.checkin_codes_issue(meeting=meeting, user=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return self.back()
        page = request.build_absolute_uri(reverse("awards:checkin"))
        slips = [
            {"province": d.province.name, "code": code, "qr": _qr_data_uri(f"{page}#{code}")} for d, code in issued
        ]
        html = render_to_string(
            "awards/checkin_sheet.html",
            {"meeting": meeting, "slips": slips, "page": page, "emulation_year": self.emulation_year},
            request=request,
        )
        from weasyprint import HTML

        pdf = HTML(string=html).write_pdf()
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="diem-danh-{self.emulation_year.year}.pdf"'
        response["Cache-Control"] = "no-store"
        return response


@method_decorator(login_not_required, name="dispatch")
@method_decorator(never_cache, name="dispatch")
class CheckinView(View):
    """A delegation checks in with its code: scanned (the code comes in the URL's fragment,
    which never reaches the server; checkin.js puts it in the form) or typed."""

    template_name = "awards/checkin.html"

    def get(self, request):
        return render(request, self.template_name, {})

    def post(self, request):
        code = request.POST.get("code", "")[:100]
        try:
            delegation = checkin.checkin(code=code)
        except ValidationError as error:
            return render(
                request, self.template_name, {"code": code, "errors": error.message_dict.get("code", error.messages)}
            )
        return render(request, self.template_name, {"delegation": delegation})
