"""Build a national-scale data set on PostgreSQL (not shipped as a file):

40 clusters × 12 years (2014–2025), 7–12 members each, 120 criteria per year in nested
groups, every scorecard filled and agreed, evidence metadata, a review meeting with its
delegations, nominations and ballot rounds for every closed year; the last year open with
submitted scorecards, for the load benchmark. One staff account per member unit
(password "tai-thu-2026") and a chair account per cluster.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/cum_thi_dua_bench .venv/bin/python bench/national_data.py
(the database is dropped and created again: use a database of its own).
"""

import datetime
import os
import random
import sys
import time
import zoneinfo
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

CLUSTERS, YEARS, CRITERIA, PASSWORD = 40, list(range(2014, 2026)), 120, "tai-thu-2026"
PREFIX = "Cụm đo tải"


def ensure_database():
    import psycopg2

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL=postgres://... (the national data set is for PostgreSQL).")
    name = url.rsplit("/", 1)[1]
    connection = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    connection.autocommit = True
    if name in ("cum_thi_dua", "postgres", "template0", "template1"):
        sys.exit(f"Refusing to drop {name}: give the benchmark a database of its own.")
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def main():
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    build()
    keep_totals()
    print(f"built in {time.perf_counter() - started:.0f} s")


def keep_totals():
    """The open year's scorecards as the services leave them: with their kept totals (the rows
    above are written in bulk, around the services)."""
    from scoring.models import Scorecard
    from scoring.services import scorecard_recalculate

    for card in Scorecard.objects.filter(emulation_year__year=YEARS[-1]).select_related("emulation_year"):
        scorecard_recalculate(scorecard=card)


def build():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from awards.models import AwardType, BallotResult, BallotRound, Delegate, Delegation, Nomination, ReviewMeeting
    from awards.services import award_types_ensure
    from cluster.models import Cluster, EmulationYear, Membership, RuleSet
    from provinces.models import Province
    from scoring.models import Criterion, Evidence, Score, Scoreboard, Scorecard, Section

    rng = random.Random(2026)
    tz = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
    User = get_user_model()
    award_types_ensure()
    flag, certificate = AwardType.objects.get(code="flag"), AwardType.objects.get(code="certificate")
    password = make_password(PASSWORD)
    totals = {"scores": 0}
    for c in range(CLUSTERS):
        with transaction.atomic():
            cluster = Cluster.objects.create(name=f"{PREFIX} {c + 1:02d}")
            size = rng.randint(7, 12)
            units = Province.objects.bulk_create(
                [
                    Province(
                        code=f"{(c * 12 + i) % 90 + 10:02d}",
                        name=f"Đơn vị đo tải {c + 1:02d}-{i + 1:02d}",
                        valid_from=datetime.date(2000, 1, 1) + datetime.timedelta(days=c * 12 + i),
                    )
                    for i in range(size)
                ]
            )
            User.objects.bulk_create(
                [
                    User(
                        username=f"dt-{c + 1:02d}-{i + 1:02d}",
                        password=password,
                        province=u,
                        full_name=f"Cán bộ {u.name}",
                    )
                    for i, u in enumerate(units)
                ]
            )
            for y_index, year in enumerate(YEARS):
                open_year = year == YEARS[-1]
                ey = EmulationYear.objects.create(
                    cluster=cluster,
                    year=year,
                    term_confirmed_at=timezone.now(),
                    closed_at=None if open_year else timezone.now(),
                )
                RuleSet.objects.create(emulation_year=ey)
                chair_i, vice_i = y_index % size, (y_index + 1) % size
                Membership.objects.bulk_create(
                    [
                        Membership(
                            emulation_year=ey,
                            province=u,
                            year=year,
                            rotation_order=i,
                            role="chair" if i == chair_i else "vice_chair" if i == vice_i else "member",
                        )
                        for i, u in enumerate(units)
                    ]
                )
                sections = Section.objects.bulk_create(
                    [
                        Section(emulation_year=ey, code=code, title=f"Phần {code}", order=i)
                        for i, code in enumerate("ABCD")
                    ]
                )
                groups = Criterion.objects.bulk_create(
                    [
                        Criterion(
                            section=sections[g % 4],
                            code=f"{sections[g % 4].code}{g // 4 + 1}",
                            title=f"Nhóm tiêu chí {g + 1}",
                            order=g,
                        )
                        for g in range(CRITERIA // 5)
                    ]
                )
                leaves = Criterion.objects.bulk_create(
                    [
                        Criterion(
                            section=groups[i // 5].section,
                            parent=groups[i // 5],
                            code=f"{groups[i // 5].code}.{i % 5 + 1}",
                            title=f"Tiêu chí {i + 1}",
                            max_points=Decimal("10"),
                            evidence_required=i % 10 == 0,
                            order=i,
                        )
                        for i in range(CRITERIA)
                    ]
                )
                status = "submitted" if open_year else "agreed"
                # In the open year the first unit is still filling in its scorecard (the writers of the load test).
                cards = Scorecard.objects.bulk_create(
                    [
                        Scorecard(emulation_year=ey, province=u, status="draft" if open_year and i == 0 else status)
                        for i, u in enumerate(units)
                    ]
                )
                scores = []
                for card in cards:
                    base = rng.uniform(0.6, 0.95)
                    total = Decimal("0")
                    for leaf in leaves:
                        value = Decimal(min(20, max(0, round(base * 20 + rng.uniform(-3, 3))))) / 2
                        total += value
                        scores.append(
                            Score(
                                scorecard=card,
                                criterion=leaf,
                                self_score=value,
                                agreed_score=None if open_year else value,
                                note="",
                            )
                        )
                    card.self_total = total
                    card.agreed_total = None if open_year else total
                Score.objects.bulk_create(scores, batch_size=5000)
                totals["scores"] += len(scores)
                required = list(Score.objects.filter(scorecard__in=cards, criterion__evidence_required=True))
                Evidence.objects.bulk_create(
                    [
                        Evidence(
                            score=s,
                            file=f"evidence/{year}/bench-{s.pk}.pdf",
                            original_name=f"minh-chung-{s.pk}.pdf",
                            extension="pdf",
                            content_type="application/pdf",
                            size=120_000,
                        )
                        for s in required
                    ]
                )
                ranked = sorted(cards, key=lambda k: -k.self_total)
                for rank, card in enumerate(ranked, start=1):
                    card.rank = None if open_year else rank
                Scorecard.objects.bulk_update(cards, ["self_total", "agreed_total", "rank"])
                Scoreboard.objects.create(
                    emulation_year=ey,
                    locked_at=None if open_year else timezone.now(),
                    ranked_at=None if open_year else timezone.now(),
                )
                if open_year:
                    continue
                meeting = ReviewMeeting.objects.create(
                    emulation_year=ey,
                    starts_at=datetime.datetime(year + 1, 3, 4, 8, tzinfo=tz),
                    place="Hội trường",
                    host_province=units[chair_i],
                    presiding_name="Chủ trì",
                    secretary_name="Thư ký",
                    attendance_confirmed_at=timezone.now(),
                    quorum_met=True,
                    ranking_adopted_at=timezone.now(),
                    nominations_confirmed_at=timezone.now(),
                    term_recorded_at=timezone.now(),
                )
                delegations = Delegation.objects.bulk_create(
                    [Delegation(meeting=meeting, province=u, present=True) for u in units]
                )
                Delegate.objects.bulk_create(
                    [Delegate(delegation=d, full_name="Đại biểu", post="Phó Chủ tịch") for d in delegations]
                )
                nominations = Nomination.objects.bulk_create(
                    [
                        Nomination(
                            emulation_year=ey,
                            award_type=flag,
                            province=ranked[0].province,
                            rationale="Dẫn đầu",
                            rank=1,
                            status="proposed",
                        ),
                        Nomination(
                            emulation_year=ey,
                            award_type=certificate,
                            province=ranked[1].province,
                            rationale="Thứ hai",
                            rank=2,
                            status="proposed",
                        ),
                    ]
                )
                for n in nominations:
                    r = BallotRound.objects.create(
                        meeting=meeting,
                        award_type=n.award_type,
                        number=1,
                        seats=1,
                        issued=size,
                        returned=size,
                        valid=size,
                        invalid=0,
                        confirmed_at=timezone.now(),
                    )
                    BallotResult.objects.create(
                        ballot_round=r,
                        nomination=n,
                        votes=size - 1,
                        base=size,
                        percent=Decimal((size - 1) * 100) / size,
                        passes=True,
                        elected=True,
                    )
        print(f"cluster {c + 1}/{CLUSTERS}: {size} members, {totals['scores']} scores so far", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


if __name__ == "__main__":
    main()
