"""Benchmark the meeting documents: render times once warm, and twenty documents asked for
at once rendered by a real Celery worker with two processes over the local Redis.

Run: .venv/bin/python bench/documents.py [--runs 5] [--skip-worker]
Uses a throw-away test database (SQLite file by default, PostgreSQL with DATABASE_URL).
Prints figures; asserts nothing.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


def timed(fn, runs):
    fn()  # warm: fonts, templates, WeasyPrint's caches
    timings = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        timings.append(time.perf_counter() - t0)
    return statistics.median(timings), max(timings)


FLOOR_HTML = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>
@font-face {{ font-family: "Cluster Serif"; src: url("file://{font_dir}/LiberationSerif-Regular.ttf"); }}
@font-face {{ font-family: "Cluster Serif"; src: url("file://{font_dir}/LiberationSerif-Bold.ttf");
  font-weight: bold; }}
@page {{ size: A4 portrait; margin: 20mm 17mm 20mm 30mm; }}
html {{ font-family: "Cluster Serif"; font-size: 14pt; }}
</style></head><body><p><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b></p>
<p>Độc lập - Tự do - Hạnh phúc</p>{body}</body></html>"""


def floor_render():
    """WeasyPrint's own time for a one-page document in the documents' embedded font, as it
    comes (none of the documents' own rendering, their shared fonts included): the floor every
    document's time per page is compared with, in the same process and run."""
    from weasyprint import HTML

    from reports import services

    text = "<p>Cụm thi đua các tỉnh trung du và miền núi phía Bắc tổng kết phong trào thi đua yêu nước.</p>"
    html = FLOOR_HTML.format(font_dir=services._font_dir(), body=text * 12)

    def render():
        document = HTML(string=html, url_fetcher=services.document_fetcher()).render()
        return document.write_pdf(), len(document.pages)

    assert render()[1] == 1
    return render


def interleaved(calls, rounds):
    """{name: (median wall s, median CPU s, [CPU s of each round])}: the calls one after the other,
    round after round, so that a noisy moment of a shared machine falls on all of them alike."""
    wall, cpu = {name: [] for name in calls}, {name: [] for name in calls}
    for call in calls.values():
        call()  # warm: fonts, templates, WeasyPrint's caches
    for _ in range(rounds):
        for name, call in calls.items():
            w0, c0 = time.perf_counter(), time.process_time()
            call()
            cpu[name].append(time.process_time() - c0)
            wall[name].append(time.perf_counter() - w0)
    return {name: (statistics.median(wall[name]), statistics.median(cpu[name]), cpu[name]) for name in calls}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--documents", type=int, default=20)
    parser.add_argument("--skip-worker", action="store_true")
    args = parser.parse_args()

    from _database import throwaway_database

    with throwaway_database():
        run(args)


def run(args):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from awards.demo import load_awards_demo
    from cluster.demo import load_demo
    from cluster.models import EmulationYear
    from reports import selectors, services
    from reports.enums import DocumentKind
    from reports.models import Report
    from scoring import services as scoring_services
    from scoring.demo import load_scoring_demo
    from scoring.models import Scoreboard, Scorecard
    from tests.scoring.builders import build_scored_year

    cluster, _ = load_demo()
    load_scoring_demo(cluster)
    load_awards_demo(cluster)
    user = get_user_model().objects.get(username="phutho")
    year_2014 = EmulationYear.objects.get(cluster=cluster, year=2014)
    minutes = Report(kind=DocumentKind.MINUTES, emulation_year=year_2014, number=1, number_text="01/BB-CTĐ")
    one_page = floor_render()
    # The Celery worker's process is prepared so at its start (WeasyPrint loaded, the heap settled).
    from config.celery import prepare_worker_process

    prepare_worker_process()

    def against_floor(label, template, context, target):
        """The document's time (its context read and its render), and its render alone, per page
        as a multiple of the floor's, each round against the floor's of the same round."""
        pages = services.render_pdf(template, context)[1]
        html = services.render_html(template, context)
        times = interleaved(
            {
                "floor": one_page,
                "document": lambda: services.render_pdf(template, selectors.document_context(context["report"])),
                "render": lambda: services.render_pdf_document(html),
            },
            rounds=2 * args.runs,
        )
        ratios = {
            name: statistics.median(c / pages / f for c, f in zip(times[name][2], times["floor"][2], strict=True))
            for name in ("document", "render")
        }
        wall, cpu = times["document"][:2]
        print(
            f"{label}, {pages} pages (context + render): median {wall:.2f} s (target {target}), CPU {cpu:.2f} s; "
            f"per page {cpu / pages * 1000:.0f} ms of CPU = {ratios['document']:.1f}× the floor's "
            f"{times['floor'][1] * 1000:.0f} ms (the render alone {ratios['render']:.1f}×; target ≤ 3×)"
        )

    against_floor(
        "minutes, 7 members", services.TEMPLATES[DocumentKind.MINUTES], selectors.document_context(minutes), "< 1 s"
    )

    _big_cluster, big = build_scored_year(members=20, criteria=150, year=2031)
    Scorecard.objects.filter(emulation_year=big).update(status="agreed")
    scoring_services.scoreboard_rank(emulation_year=big)
    Scoreboard.objects.filter(emulation_year=big).update(locked_at=timezone.now())
    summary = Report(kind=DocumentKind.SCORE_SUMMARY, emulation_year=big, number=1, number_text="01/BTH-CTĐ")
    against_floor(
        "score summary, 20 members × 150 criteria",
        services.TEMPLATES[DocumentKind.SCORE_SUMMARY],
        selectors.document_context(summary),
        "< 3 s",
    )

    html = services.render_html(services.TEMPLATES[DocumentKind.MINUTES], selectors.document_context(minutes))
    median, worst = timed(lambda: services.render_docx(html), args.runs)
    print(f"minutes as Word (from the same HTML): median {median:.2f} s, worst {worst:.2f} s")

    # The other document benches, each in its own module (also runnable alone), on this database.
    sys.path.insert(0, str(ROOT / "bench"))
    import _dossiers
    import _score_detail
    import _signatures

    targets = {"PDF": "< 5 s", "Excel": "< 2 s", "pack": "< 10 s", "server": "< 1 s"}
    for module in (_score_detail, _dossiers, _signatures):
        for label, seconds in module.measure(runs=max(1, min(args.runs, 3))):
            target = next((t for key, t in targets.items() if key in label), "")
            print(f"{label}: {seconds:.2f} s" + (f"   (target {target})" if target else ""))

    if args.skip_worker:
        return
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except redis.RedisError:
        print(f"worker: skipped, Redis not reachable at {REDIS}")
        return
    from django.conf import settings

    from config.celery import app

    s = connection.settings_dict
    db_url = (
        f"sqlite:///{s['NAME']}"
        if connection.vendor == "sqlite"
        else (f"postgres://{s.get('USER') or ''}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}")
    )
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "CELERY_BROKER_URL": REDIS,
        "REDIS_URL": "",
        "CELERY_QUEUE": queue,
        "CELERY_RESULT_BACKEND": "",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--concurrency=2",
            "-Q",
            queue,
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "-l",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
    )
    app.conf.task_always_eager, app.conf.broker_url, app.conf.result_backend = False, REDIS, None
    app._pool = None
    app.amqp._producer_pool = None
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    try:
        time.sleep(3)  # let the two worker processes start
        kinds = [DocumentKind.MINUTES, DocumentKind.SCORE_SUMMARY, DocumentKind.YEAR_REPORT, DocumentKind.BALLOT_RECORD]
        from awards.models import BallotRound

        ballot_round = BallotRound.objects.filter(meeting__emulation_year=year_2014).first()
        started = time.perf_counter()
        ids = []
        for i in range(args.documents):
            kind = kinds[i % len(kinds)]
            report = services.report_request(
                kind=kind,
                emulation_year=year_2014,
                user=user,
                ballot_round=ballot_round if kind == DocumentKind.BALLOT_RECORD else None,
            )
            ids.append(report.pk)
        asked = time.perf_counter() - started
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            states = list(Report.objects.filter(pk__in=ids).values_list("status", flat=True))
            if all(state in ("done", "failed") for state in states):
                break
            time.sleep(0.2)
        total = time.perf_counter() - started
        done = sum(1 for state in states if state == "done")
        print(
            f"{args.documents} documents asked at once (asking took {asked:.2f} s): {done} done, "
            f"{len(states) - done} not done, all finished in {total:.2f} s with 2 worker processes"
        )
    finally:
        worker.terminate()
        worker.wait(timeout=30)


if __name__ == "__main__":
    main()
