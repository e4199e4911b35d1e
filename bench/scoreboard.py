"""Benchmark: render the scoreboard and a scorecard page with 20 members × 150 criteria.

Run: .venv/bin/python bench/scoreboard.py [--members 20] [--criteria 150] [--runs 30]
Uses a throw-away test database (SQLite by default, PostgreSQL with DATABASE_URL).
Prints figures; it asserts nothing (timings on shared machines are noisy).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--criteria", type=int, default=150)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse

    settings.ALLOWED_HOSTS = ["*"]
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from scoring.models import Scorecard
        from tests.factories import UserFactory
        from tests.scoring.builders import build_scored_year

        started = time.perf_counter()
        _cluster, year = build_scored_year(members=args.members, criteria=args.criteria)
        print(
            f"data: {args.members} members × {args.criteria} criteria built in {time.perf_counter() - started:.2f} s "
            f"({connection.vendor})"
        )
        client = Client()
        client.force_login(UserFactory(province=year.memberships.get(role="chair").province))
        card = Scorecard.objects.filter(emulation_year=year).first()
        pages = {
            "scoreboard": reverse("scoring:scoreboard", args=[year.cluster_id, year.year]),
            "scorecard": reverse("scoring:scorecard", args=[card.pk]),
            "cross-check": reverse("scoring:cross_check", args=[card.pk]),
        }
        for name, url in pages.items():
            client.get(url)  # warm caches and templates
            timings = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            timings.sort()
            p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
            print(
                f"{name:12s} median {statistics.median(timings):7.1f} ms   p95 {p95:7.1f} ms   "
                f"queries {len(queries.captured_queries):3d}   size {len(response.content) // 1024} KiB"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
