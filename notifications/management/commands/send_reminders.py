import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from notifications.reminders import reminders_send


def parse_day(text):
    try:
        return datetime.datetime.strptime(text, "%d/%m/%Y").date()  # noqa: DTZ007 (a calendar day, no time)
    except ValueError:
        raise CommandError(f"Ngày không hợp lệ: {text!r}. Hãy ghi theo dạng dd/mm/yyyy, ví dụ 30/06/2026.") from None


class Command(BaseCommand):
    help = (
        "Send the reminders of the deadlines closing in 7 days, tomorrow and today (the job the schedule runs "
        "daily). Running it twice on a day sends nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", type=parse_day, default=None, help="the day to run for, dd/mm/yyyy")

    def handle(self, *args, today, **options):
        day = today or timezone.localdate()
        result = reminders_send(today=day)
        self.stdout.write(
            f"{day:%d/%m/%Y}: {result['deadlines']} deadline(s) due for a reminder, "
            f"{result['notifications']} notification(s) sent"
        )
