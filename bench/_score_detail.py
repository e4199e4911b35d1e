"""Benchmark: the detailed score table (bảng tổng hợp chi tiết) of 20 members × 150 criteria,
as PDF (target < 5 s) and as Excel (target < 2 s), each timed from the data to the bytes.

Run: .venv/bin/python bench/_score_detail.py [--members 20] [--criteria 150] [--runs 3]
Uses a throw-away test database (SQLite by default, PostgreSQL with DATABASE_URL).
`measure()` returns [(label, seconds)] (median wall time, and the process's CPU time, which
says more on a shared machine) for a caller that prints several benches together; it needs a
database with the migrations applied. Prints figures; asserts nothing.
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def _locked_year(members, criteria, year):
    """A generated year, every scorecard agreed, ranked and locked (as the lock leaves it)."""
    from django.utils import timezone

    from scoring import services as scoring_services
    from scoring.enums import ScorecardStatus
    from scoring.models import Scoreboard, Scorecard
    from tests.scoring.builders import build_scored_year

    _cluster, emulation_year = build_scored_year(members=members, criteria=criteria, year=year, prefix="BTHCT ")
    Scorecard.objects.filter(emulation_year=emulation_year).update(status=ScorecardStatus.AGREED)
    scoring_services.scoreboard_rank(emulation_year=emulation_year)
    Scoreboard.objects.filter(emulation_year=emulation_year).update(locked_at=timezone.now())
    return emulation_year


def _median(fn, runs):
    """(median wall seconds, median CPU seconds of this process): on a shared machine the CPU
    time says what the code costs, the wall time what a user waits."""
    fn()  # warm: fonts, templates, WeasyPrint's caches
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(wall), statistics.median(cpu)


def measure(*, members=20, criteria=150, runs=3, year=2032):
    """[(label, seconds)]: the median time of the PDF (context, HTML, WeasyPrint) and of the
    Excel workbook (built and saved), for a generated year of `members` × `criteria`."""
    from reports import selectors, services
    from reports.enums import DocumentKind
    from reports.models import Report
    from scoring import excel

    emulation_year = _locked_year(members, criteria, year)
    report = Report.objects.create(
        kind=DocumentKind.SCORE_DETAIL, emulation_year=emulation_year, number=1, number_text="01/BTHCT-CTĐ"
    )
    template = services.TEMPLATES[DocumentKind.SCORE_DETAIL]
    pages = []

    def pdf():
        _data, count = services.render_pdf(template, selectors.document_context(report))
        pages.append(count)

    def xlsx():
        excel.score_detail_workbook(emulation_year).save(io.BytesIO())

    size = f"{members} members × {criteria} criteria"
    pdf_wall, pdf_cpu = _median(pdf, runs)
    xlsx_wall, xlsx_cpu = _median(xlsx, runs)
    return [
        (f"detailed score table PDF, {size}, {pages[-1]} pages", pdf_wall),
        ("detailed score table PDF, CPU time of the process", pdf_cpu),
        (f"detailed score table Excel, {size}", xlsx_wall),
        ("detailed score table Excel, CPU time of the process", xlsx_cpu),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--criteria", type=int, default=150)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from _database import throwaway_database

    with throwaway_database() as connection:
        for label, seconds in measure(members=args.members, criteria=args.criteria, runs=args.runs):
            target = "5 s" if "PDF" in label else "2 s"
            print(f"{label}: median {seconds:.2f} s   (target < {target})")
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        print(f"({connection.vendor}; load average {load} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
