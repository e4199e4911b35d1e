"""Benchmark: the appraisal save (the chair's cross-check form, every criterion agreed) for
members (7, 20) × criteria (50, 150, 500), beside the empty view (/healthz/) in the same run.

Run: .venv/bin/python bench/scoring_sizes.py [--runs 3]
In-process with the test client, on a throw-away test database (SQLite by default, PostgreSQL
with DATABASE_URL). Each figure is the fastest of `--runs`; before each run the scorecard's agreed
scores are cleared (outside the timing), so every run writes every criterion. Prints figures; it
asserts nothing (timings on a shared machine are noisy).
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def fastest(runs, call, before=None):
    best, queries = None, 0
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(runs):
        if before:
            before()
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = call()
            elapsed = time.perf_counter() - start
        assert response.status_code in (200, 302), response.status_code
        best = elapsed if best is None else min(best, elapsed)
        queries = len(ctx.captured_queries)
    return best * 1000, queries


def measure(size, members, criteria, runs):
    """(empty view ms, appraisal save ms, the save's queries) for one size."""
    from django.test import Client
    from django.urls import reverse
    from django.utils.formats import number_format

    from scoring.models import Score, Scorecard
    from tests.factories import UserFactory
    from tests.scoring.builders import build_scored_year

    _cluster, year = build_scored_year(members=members, criteria=criteria, year=2030 + size, prefix=f"b{size} ")
    chair = year.memberships.get(role="chair").province
    card = Scorecard.objects.filter(emulation_year=year).exclude(province=chair).order_by("pk").first()
    client = Client()
    client.force_login(UserFactory(province=chair))
    url = reverse("scoring:cross_check", args=[card.pk])
    scores = list(Score.objects.filter(scorecard=card))

    def clear():
        Score.objects.filter(scorecard=card).update(agreed_score=None, agreed_source="")

    def save():
        data = {"version": str(Scorecard.objects.get(pk=card.pk).version)}
        for s in scores:
            data[f"agreed_{s.criterion_id}"] = number_format(s.self_score, 2)
            data[f"reason_{s.criterion_id}"] = ""
        return client.post(url, data)

    empty_ms, _queries = fastest(runs, lambda: client.get("/healthz/"))
    save_ms, queries = fastest(runs, save, before=clear)
    return empty_ms, save_ms, queries


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from _database import throwaway_database

    with throwaway_database():
        from django.conf import settings

        settings.ALLOWED_HOSTS = ["*"]
        print(f"{'members':>7} {'criteria':>8} {'empty ms':>9} {'save ms':>8} {'× empty':>8} {'queries':>8}")
        for size, (members, criteria) in enumerate((m, c) for m in (7, 20) for c in (50, 150, 500)):
            empty_ms, save_ms, queries = measure(size, members, criteria, args.runs)
            print(
                f"{members:>7} {criteria:>8} {empty_ms:>9.2f} {save_ms:>8.1f} {save_ms / empty_ms:>8.0f} {queries:>8}"
            )


if __name__ == "__main__":
    main()
