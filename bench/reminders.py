"""Benchmark: the daily reminder job for the national data set's shape (40 clusters of 7–12
members, two staff accounts each), on a day when every deadline of every cluster is due a
reminder (the worst day). The e-mails are delivered to a real SMTP server on a local port
(aiosmtpd, in a process of its own as a mail server would be), so the figure includes sending them.

Run: .venv/bin/python bench/reminders.py [--clusters 40] [--staff 2]
Uses a throw-away test database (SQLite by default, PostgreSQL with DATABASE_URL). Prints
figures; it asserts nothing (timings on shared machines are noisy). Target: under 30 s.
"""

import argparse
import datetime
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# On SQLite the throw-away database is a file outside the checkout.
os.environ.setdefault("DJANGO_TEST_DB", str(Path(tempfile.gettempdir()) / "cum-thi-dua-bench-reminders.sqlite3"))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clusters", type=int, default=40)
    parser.add_argument("--staff", type=int, default=2, help="staff accounts per member")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    from tests.notifications.conftest import free_port

    port = free_port()
    smtp = subprocess.Popen(  # a sink: accepts every message and keeps nothing
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Sink"]
    )
    for _attempt in range(50):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""

        from notifications.models import Notification
        from notifications.reminders import reminders_send
        from tests.notifications.builders import build_clusters

        today = datetime.date(2025, 12, 15)
        started = time.perf_counter()
        staff = build_clusters(count=args.clusters, today=today, staff_per_member=args.staff)
        print(
            f"data: {args.clusters} clusters, {staff} staff accounts, 6 deadlines each due today "
            f"(built in {time.perf_counter() - started:.1f} s, {connection.vendor})"
        )
        for run in ("first run", "second run (idempotent)"):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                result = reminders_send(today=today)
                elapsed = time.perf_counter() - started
            print(
                f"reminders_send, {run}: {elapsed:.2f} s, {result['deadlines']} deadlines, "
                f"{result['notifications']} notifications, {len(queries)} queries"
            )
        sent = Notification.objects.filter(email_status="sent")
        people = sent.values("recipient_id").distinct().count()
        print(
            f"notifications e-mailed (accepted by the SMTP server): {sent.count()}, to {people} people "
            "(one e-mail per person and run); target: the first run under 30 s"
        )
    finally:
        smtp.terminate()
        smtp.wait()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
