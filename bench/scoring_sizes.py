"""Benchmark: the four scoring requests that grow with the criteria — the province's scorecard
page (with its inputs) and its save, the chair's appraisal page and its save — at a few sizes,
beside the empty view (/healthz/) in the same run, and each one's cost per criterion.

Run: .venv/bin/python bench/scoring_sizes.py [--runs 3] [--members 7] [--criteria 50 150 500]
In-process with the test client, on a throw-away test database (SQLite by default, PostgreSQL
with DATABASE_URL). Each figure is the fastest of `--runs`. Every save writes every criterion:
before each run the scores are set back (outside the timing) so that the posted values differ
from the stored ones. "per criterion" is the slope between the smallest and the largest size.
Prints figures; it asserts nothing (timings on a shared machine are noisy).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

REQUESTS = ("scorecard page", "scorecard save", "appraisal page", "appraisal save")
FORM = "application/x-www-form-urlencoded"


def timed(runs, call, before=None):
    """(median ms, fastest ms, slowest ms, queries of the last run) of `call`, `before` run
    outside the timing each time. Shared by scoring_table.py."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries = [], 0
    for _ in range(runs):
        if before:
            before()
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            result = call()
            elapsed = time.perf_counter() - start
        status = getattr(result, "status_code", 200)
        assert status in (200, 302), (status, getattr(result, "content", b"")[:500])
        times.append(elapsed * 1000)
        queries = len(ctx.captured_queries)
    return statistics.median(times), min(times), max(times), queries


def fastest(runs, call, before=None):
    """(fastest ms, queries)."""
    _median, best, _slowest, queries = timed(runs, call, before)
    return best, queries


def scoring_requests(size, members, criteria, prefix="b"):
    """A year of `members` × `criteria` and the four requests measured on it: (year, the chair's
    client, {request: (call, before)}), `before` setting the scores back so that a save writes
    every criterion. Shared by scoring_table.py and profile_scoring.py."""
    from decimal import Decimal
    from urllib.parse import urlencode

    from django.test import Client
    from django.urls import reverse
    from django.utils.formats import number_format

    from scoring import services
    from scoring.enums import ScorecardStatus
    from scoring.models import Score, Scorecard
    from tests.factories import UserFactory
    from tests.scoring.builders import build_scored_year

    _cluster, year = build_scored_year(members=members, criteria=criteria, year=2030 + size, prefix=f"{prefix}{size} ")
    for card in Scorecard.objects.filter(emulation_year=year):
        services.scorecard_recalculate(scorecard=card)  # as the services leave every scorecard
    chair = year.memberships.get(role="chair").province
    cards = Scorecard.objects.filter(emulation_year=year).exclude(province=chair).order_by("pk")
    appraised, draft = cards[0], cards[1]
    Scorecard.objects.filter(pk=draft.pk).update(status=ScorecardStatus.DRAFT)
    chair_client, staff_client = Client(), Client()
    chair_client.force_login(UserFactory(province=chair))
    staff_client.force_login(UserFactory(province=draft.province))
    scores = {card.pk: list(Score.objects.filter(scorecard=card)) for card in (appraised, draft)}

    def reset(card, field):
        return lambda: Score.objects.filter(scorecard=card).update(**{field: Decimal("0")})

    def post(client, name, card, prefix, text_prefix):
        def run():
            data = {"version": str(Scorecard.objects.get(pk=card.pk).version), "save": "1"}
            for s in scores[card.pk]:
                data[f"{prefix}_{s.criterion_id}"] = number_format(s.self_score, 2)
                data[f"{text_prefix}_{s.criterion_id}"] = ""
            # As the browser sends it: the scorecard page's script posts a plain form when every
            # file has been uploaded already (static/js/evidence-upload.js).
            return client.post(reverse(name, args=[card.pk]), urlencode(data), content_type=FORM)

        return run

    return (
        year,
        chair_client,
        {
            "scorecard page": (lambda: staff_client.get(reverse("scoring:scorecard", args=[draft.pk])), None),
            "scorecard save": (
                post(staff_client, "scoring:scorecard", draft, "score", "note"),
                reset(draft, "self_score"),
            ),
            "appraisal page": (lambda: chair_client.get(reverse("scoring:cross_check", args=[appraised.pk])), None),
            "appraisal save": (
                post(chair_client, "scoring:cross_check", appraised, "agreed", "reason"),
                reset(appraised, "agreed_score"),
            ),
        },
    )


def measure(size, members, criteria, runs):
    """{request: (ms, queries)} and the empty view's ms for one size."""
    _year, chair_client, requests = scoring_requests(size, members, criteria)
    figures = {name: fastest(runs, call, before) for name, (call, before) in requests.items()}
    empty_ms, _queries = fastest(runs, lambda: chair_client.get("/healthz/"))
    return empty_ms, figures


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--members", type=int, nargs="+", default=[7])
    parser.add_argument("--criteria", type=int, nargs="+", default=[50, 150, 500])
    args = parser.parse_args()
    from _database import throwaway_database

    with throwaway_database():
        from django.conf import settings

        settings.ALLOWED_HOSTS = ["*"]
        print(f"{'members':>7} {'criteria':>8} {'empty ms':>8}  " + "  ".join(f"{r:>22}" for r in REQUESTS))
        size = 0
        for members in args.members:
            rows = []
            for criteria in args.criteria:
                empty_ms, figures = measure(size, members, criteria, args.runs)
                size += 1
                rows.append((criteria, figures))
                cells = "  ".join(f"{figures[r][0]:>11.1f} ms {figures[r][1]:>4} q" for r in REQUESTS)
                print(f"{members:>7} {criteria:>8} {empty_ms:>8.2f}  {cells}")
            (small, first), (large, last) = rows[0], rows[-1]
            if large > small:
                slopes = "  ".join(f"{(last[r][0] - first[r][0]) / (large - small):>17.3f} ms/c" for r in REQUESTS)
                print(f"{members:>7} {'per crit.':>8} {'':>8}  {slopes}")


if __name__ == "__main__":
    main()
