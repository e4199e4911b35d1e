import datetime

from django.core.management.base import BaseCommand

from reports import services


class Command(BaseCommand):
    help = (
        "Recover documents after a broker or worker failure: re-send renders still queued, "
        "fail renders lost with their worker."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than", type=int, default=None, help="seconds a render may wait before it is sent again"
        )

    def handle(self, *args, older_than, **options):
        delay = datetime.timedelta(seconds=older_than) if older_than is not None else None
        sent = services.reports_requeue_waiting(older_than=delay)
        failed = services.reports_fail_stale()
        self.stdout.write(f"re-sent {sent} queued render(s); marked {failed} lost render(s) as failed")
