"""Benchmark table: members (7, 20, 50) × criteria (50, 150, 500) for the scorecard page, its save,
the appraisal page and its save, the live and the locked scoreboard and the score summary PDF,
with each one's queries, beside the empty view (/healthz/) in the same run.

Run: .venv/bin/python bench/scoring_table.py [--runs 3] [--members 7 20 50] [--criteria 50 150 500]
In-process with the test client, on a throw-away test database (SQLite by default, PostgreSQL
with DATABASE_URL). Each figure is the median of `--runs` with its spread (fastest–slowest) and
its ratio to the empty view's median; saves write every criterion (the scores are set back
before each run, outside the timing) and post as the browser does (a plain form: the page's
script uploads the files as they are chosen). The PDF is rendered in-process (WeasyPrint), as the
worker does. Prints figures; it asserts nothing (timings on a shared machine are noisy).
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

COLUMNS = (
    "scorecard page",
    "scorecard save",
    "appraisal page",
    "appraisal save",
    "live scoreboard",
    "locked scoreboard",
    "score summary PDF",
)


def measure(size, members, criteria, runs):
    from django.urls import reverse
    from django.utils import timezone
    from scoring_sizes import scoring_requests, timed

    from reports import selectors as report_selectors
    from reports import services as report_services
    from reports.enums import DocumentKind
    from reports.models import Report
    from scoring import services
    from scoring.enums import ScorecardStatus
    from scoring.models import Scoreboard, Scorecard

    year, chair_client, requests = scoring_requests(size, members, criteria, prefix="t")
    figures = {name: timed(runs, call, before) for name, (call, before) in requests.items()}
    board_url = reverse("scoring:scoreboard", args=[year.cluster_id, year.year])
    figures["live scoreboard"] = timed(runs, lambda: chair_client.get(board_url))
    Scorecard.objects.filter(emulation_year=year).update(status=ScorecardStatus.AGREED)
    services.scoreboard_rank(emulation_year=year)
    Scoreboard.objects.filter(emulation_year=year).update(locked_at=timezone.now())
    figures["locked scoreboard"] = timed(runs, lambda: chair_client.get(board_url))
    summary = Report(kind=DocumentKind.SCORE_SUMMARY, emulation_year=year, number=1, number_text="01/BTH-CTĐ")
    template = report_services.TEMPLATES[DocumentKind.SCORE_SUMMARY]
    figures["score summary PDF"] = timed(
        runs, lambda: report_services.render_pdf(template, report_selectors.document_context(summary))
    )
    empty = timed(runs, lambda: chair_client.get("/healthz/"))
    return empty, figures


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--members", type=int, nargs="+", default=[7, 20, 50])
    parser.add_argument("--criteria", type=int, nargs="+", default=[50, 150, 500])
    args = parser.parse_args()
    if len(args.members) * len(args.criteria) > 1:
        # One process and one throw-away database per size: the builder's provinces take two-digit
        # codes, 100 in all.
        import subprocess

        for members in args.members:
            for criteria in args.criteria:
                command = [sys.executable, __file__, "--runs", str(args.runs), "--members", str(members)]
                subprocess.run([*command, "--criteria", str(criteria)], check=True)
        return
    from _database import throwaway_database

    with throwaway_database():
        from django.conf import settings
        from django.db import connection

        settings.ALLOWED_HOSTS = ["*"]
        print(f"database: {connection.vendor}; median of {args.runs} (fastest–slowest) ms, × the empty view, queries")
        sys.stdout.flush()
        size = 0
        for members in args.members:
            for criteria in args.criteria:
                empty, figures = measure(size, members, criteria, args.runs)
                size += 1
                spread = f"{empty[1]:.2f}–{empty[2]:.2f}"
                print(f"\n{members} members × {criteria} criteria   empty view {empty[0]:.2f} ms ({spread})")
                for name in COLUMNS:
                    median, low, high, queries = figures[name]
                    ratio = median / empty[0]
                    print(f"  {name:<18} {median:>8.1f} ms ({low:.1f}–{high:.1f})  ×{ratio:>6.0f}  {queries:>4} q")


if __name__ == "__main__":
    main()
