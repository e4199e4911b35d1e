"""The document pipeline as transactions expect: a render is queued only once the report's row is
committed, reading a document's page queues nothing, and one setting holds the time limits."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from cluster.models import EmulationYear
from reports import services
from reports.enums import DocumentKind, ReportStatus
from reports.models import Report
from reports.tasks import render_report


@pytest.fixture
def sent():
    """The renders sent to the queue, as the report ids they carry (nothing is rendered)."""
    with mock.patch.object(render_report, "apply_async") as apply_async:
        yield lambda: [call.kwargs["kwargs"]["report_id"] for call in apply_async.call_args_list]


def minutes_2014(user):
    return services.report_request(
        kind=DocumentKind.MINUTES, emulation_year=EmulationYear.objects.get(year=2014), user=user
    )


def test_the_render_is_queued_only_after_the_report_is_committed(
    demo_2014, demo_user, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        report = minutes_2014(demo_user("phutho"))
        assert sent() == []  # the transaction has not committed: the worker could not find the row yet
    assert report.status == ReportStatus.QUEUED and len(callbacks) == 1
    callbacks[0]()
    assert sent() == [report.pk]


def test_nothing_is_queued_when_the_transaction_around_the_request_rolls_back(
    demo_2014, demo_user, sent, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        minutes_2014(demo_user("phutho"))
        transaction.set_rollback(True)
    assert sent() == [] and not Report.objects.exists()


def test_opening_or_polling_a_document_page_queues_nothing(client, demo_2014, demo_user, sent):
    report = minutes_2014(demo_user("phutho"))
    assert sent() == [report.pk]
    # Older than DOCUMENTS_REQUEUE_AFTER (the page used to re-send it), younger than stale.
    Report.objects.filter(pk=report.pk).update(requested_at=timezone.now() - datetime.timedelta(minutes=3))
    client.force_login(demo_user("phutho"))
    for _poll in range(3):
        assert "Đang chờ xử lý" in client.get(reverse("reports:report", args=[report.pk])).content.decode()
    client.get(reverse("reports:documents", args=[demo_2014.pk, 2014]))
    assert sent() == [report.pk]


def test_a_broker_lost_after_the_commit_leaves_a_failed_document_to_render_again(demo_2014, demo_user):
    with mock.patch.object(render_report, "apply_async", side_effect=ConnectionError("broker gone")):
        report = minutes_2014(demo_user("phutho"))
    assert report.status == ReportStatus.FAILED
    assert "Dịch vụ tạo văn bản tạm thời không hoạt động" in report.error
    services.report_retry(report=report, user=demo_user("phutho"))
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE and report.number_text == "01/BB-CTĐ"


def test_one_setting_holds_the_render_time_limits(settings):
    limit = settings.DOCUMENT_RENDER_TIME_LIMIT
    assert render_report.time_limit == limit and render_report.soft_time_limit == limit - 30
    settings.DOCUMENT_RENDER_TIME_LIMIT = 600
    assert services.stale_after() == datetime.timedelta(seconds=660)
