"""Benchmark: one nomination dossier's pack (the submission drafted and rendered, the achievement
report drafted, every part in PDF and Word, zipped with its manifest), target < 10 s.

Run: .venv/bin/python bench/_dossiers.py [--runs 3]
Uses a throw-away test database (SQLite by default, PostgreSQL with DATABASE_URL) and a temporary
folder for the files. `measure()` returns [(label, seconds)] for a caller that prints several
benches together; it needs a database with the migrations applied. Prints figures; asserts nothing.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def _issued_2014(user):
    """The 2014 demo with the minutes, the score summary and the flag's ballot-count records issued."""
    from awards.demo import load_awards_demo
    from awards.models import BallotRound, Nomination
    from cluster.demo import load_demo
    from cluster.models import EmulationYear
    from reports import services
    from reports.enums import DocumentKind
    from scoring.demo import load_scoring_demo

    cluster, _accounts = load_demo()
    load_scoring_demo(cluster)
    load_awards_demo(cluster)
    year = EmulationYear.objects.get(cluster=cluster, year=2014)
    wanted = [(DocumentKind.MINUTES, None), (DocumentKind.SCORE_SUMMARY, None)]
    wanted += [
        (DocumentKind.BALLOT_RECORD, r)
        for r in BallotRound.objects.filter(meeting__emulation_year=year, award_type__code="flag")
    ]
    for kind, ballot_round in wanted:
        if services.latest_issued(kind=kind, emulation_year=year, ballot_round=ballot_round) is None:
            report = services.report_request(kind=kind, emulation_year=year, user=user(), ballot_round=ballot_round)
            services.report_issue(report=report, user=user())
    return Nomination.objects.get(emulation_year=year, award_type__code="flag")


def measure(*, runs=3):
    """[(label, seconds)]: the time of building one dossier's pack of the 2014 demo (Thái Nguyên,
    Government emulation flag) first, then the median of `runs` builds again (each makes the
    submission's draft again). The files go to a temporary folder."""
    from django.conf import settings
    from django.test.utils import override_settings

    with tempfile.TemporaryDirectory() as folder:
        storage = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": folder}}
        with override_settings(STORAGES={**settings.STORAGES, "default": storage}):
            return _measure(runs)


def _measure(runs):
    from django.contrib.auth import get_user_model

    from dossiers import services

    def user():
        return get_user_model().objects.get(username="phutho")

    nomination = _issued_2014(user)
    files = []

    def build():
        dossier = services.dossier_build(nomination=nomination, user=user())
        files.append(len(dossier.manifest["files"]))

    started = time.perf_counter()
    build()
    first = time.perf_counter() - started
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        build()
        timings.append(time.perf_counter() - started)
    return [
        (f"dossier pack, first build ({files[0]} files + manifest; target < 10 s)", first),
        (f"dossier pack, built again, median of {runs} (target < 10 s)", statistics.median(timings)),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from _database import throwaway_database

    with throwaway_database() as connection:
        for label, seconds in measure(runs=args.runs):
            print(f"{label}: {seconds:.2f} s ({connection.vendor})")


if __name__ == "__main__":
    main()
