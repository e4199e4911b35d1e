"""The load benchmark reads the worker's CPU per request from a standard Server-Timing header."""

import re

from django.http import HttpResponse
from django.test import RequestFactory

from common.timing import ServerTimingMiddleware


def test_the_header_carries_the_cpu_the_request_cost():
    def view(request):
        sum(i * i for i in range(200_000))  # some CPU
        return HttpResponse("ok")

    response = ServerTimingMiddleware(view)(RequestFactory().get("/"))
    match = re.fullmatch(r"cpu;dur=([0-9]+\.[0-9]{2})", response["Server-Timing"])
    assert match and float(match.group(1)) > 0


def test_it_is_off_unless_asked_for(settings):
    assert "common.timing.ServerTimingMiddleware" not in settings.MIDDLEWARE
