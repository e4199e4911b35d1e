"""Benchmark: the search box on the national data set (40 clusters × 12 years).

  1. DATABASE_URL=postgres://postgres@127.0.0.1:5432/cum_thi_dua_bench .venv/bin/python bench/national_data.py
  2. DATABASE_URL=postgres://postgres@127.0.0.1:5432/cum_thi_dua_bench .venv/bin/python bench/search.py [--runs 15]

For a few searches of one cluster (12 years, 1,440 criteria, its scorecards and nominations;
people added for the run: 5 per member and year, rolled back at the end), as a member's staff
and as an admin, prints the median time and the number of queries of `search.selectors.search`
with PostgreSQL's full-text search and with the Python fallback SQLite uses, on the same rows.
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

QUERIES = ["don vi do tai 01-03", "a1", "nhom tieu chi 12", "a1 2020", "co thi dua", "thai nguyen", "20"]


class Rollback(Exception):
    pass


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--cluster", default="Cụm đo tải 01")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to the national data set (bench/national_data.py builds it on PostgreSQL).")
    try:
        with transaction.atomic():
            run(args)
            raise Rollback
    except Rollback:
        pass


def run(args):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cluster.models import Cluster, Membership, Person
    from search.selectors import search

    cluster = Cluster.objects.filter(name=args.cluster).first()
    if cluster is None:
        sys.exit(f"No cluster named {args.cluster!r}: build the national data set first.")
    memberships = list(Membership.objects.filter(emulation_year__cluster=cluster).select_related("province"))
    Person.objects.bulk_create(
        Person(
            emulation_year_id=m.emulation_year_id,
            province=m.province,
            full_name=f"Nguyễn Văn Thử {m.province.code}-{i}",
            post=f"Phó Chủ tịch UBND {m.province.name}" if i == 0 else "Chuyên viên",
        )
        for m in memberships
        for i in range(5)
    )
    User = get_user_model()
    staff = User.objects.filter(province=memberships[0].province).first()
    admin = User.objects.create(username="bench-search-admin", is_superuser=True, is_staff=True)
    years = len({m.emulation_year_id for m in memberships})
    print(f"{cluster.name}: {years} years, {len(memberships)} memberships, {Person.objects.count()} people added")
    print(f"{'query':22s} {'user':6s} {'postgresql':>14s} {'python':>14s}  queries  hits (count per group)")
    for query in QUERIES:
        for label, user in (("staff", staff), ("admin", admin)):
            figures = {}
            for engine in ("postgresql", "python"):
                search(user, cluster, query, engine=engine)  # warm
                timings = []
                for _ in range(args.runs):
                    started = time.perf_counter()
                    results = search(user, cluster, query, engine=engine)
                    timings.append((time.perf_counter() - started) * 1000)
                with CaptureQueriesContext(connection) as queries:
                    search(user, cluster, query, engine=engine)
                figures[engine] = (statistics.median(timings), len(queries), results)
            results = figures["postgresql"][2]
            groups = ", ".join(f"{g.key} {g.count}" for g in results.groups) or "nothing"
            print(
                f"{query:22s} {label:6s} {figures['postgresql'][0]:11.1f} ms {figures['python'][0]:11.1f} ms"
                f"  {figures['postgresql'][1]:3d}/{figures['python'][1]:<3d}  {groups}"
            )


if __name__ == "__main__":
    main()
