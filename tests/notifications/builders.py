"""Many clusters with a calendar whose every deadline is due a reminder on one day, built in bulk
(for the query-count test and bench/reminders.py)."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from cluster.enums import DeadlineKey
from cluster.models import Cluster, EmulationYear, Membership, RuleSet, YearDeadline
from provinces.models import Province
from scoring.models import Scorecard

#: The calendar's phases and the days from `today` to their deadline: each falls on a reminder day.
DUE = {
    DeadlineKey.SELF_SCORING: 0,
    DeadlineKey.APPRAISAL: 1,
    DeadlineKey.EXPLANATIONS: 7,
    DeadlineKey.PREPARATORY_MEETING: 1,
    DeadlineKey.REVIEW_CONFERENCE: 7,
}


def build_clusters(*, count, today, year=2025, staff_per_member=2, seed=2026, prefix="Cụm nhắc hạn"):
    """`count` clusters of 7–12 members (as the national data set), the open `year` with its term
    confirmed, every deadline of DUE (and the dossier's, on the day) due a reminder on `today`,
    `staff_per_member` accounts with an address per member, a third of the scorecards submitted.
    Returns the number of staff accounts."""
    rng = random.Random(seed)
    User = get_user_model()
    password = make_password(None)
    now = timezone.now()
    staff = 0
    offset = Province.objects.count()  # codes and start dates not taken yet
    for c in range(count):
        size = rng.randint(7, 12)
        cluster = Cluster.objects.create(name=f"{prefix} {c + 1:02d}")
        provinces = Province.objects.bulk_create(
            [
                Province(
                    code=f"{(offset + i) % 90 + 10:02d}",
                    name=f"Đơn vị nhắc hạn {c + 1:02d}-{i + 1:02d}",
                    valid_from=datetime.date(1900, 1, 1) + datetime.timedelta(days=offset + i),
                )
                for i in range(size)
            ]
        )
        offset += size
        ey = EmulationYear.objects.create(cluster=cluster, year=year, term_confirmed_at=now)
        RuleSet.objects.create(emulation_year=ey, dossier_deadline=today)
        Membership.objects.bulk_create(
            [
                Membership(
                    emulation_year=ey,
                    province=p,
                    year=year,
                    rotation_order=i,
                    role="chair" if i == 0 else "vice_chair" if i == 1 else "member",
                )
                for i, p in enumerate(provinces)
            ]
        )
        YearDeadline.objects.bulk_create(
            [
                YearDeadline(emulation_year=ey, key=key, closes_on=today + datetime.timedelta(days=days))
                for key, days in DUE.items()
            ]
        )
        Scorecard.objects.bulk_create(
            [
                Scorecard(emulation_year=ey, province=p, status="submitted" if i % 3 == 0 else "draft")
                for i, p in enumerate(provinces)
            ]
        )
        users = [
            User(
                username=f"nh-{p.pk}-{k}",
                email=f"nh-{p.pk}-{k}@thidua.test",
                password=password,
                province=p,
                full_name=f"Cán bộ {p.name}",
            )
            for i, p in enumerate(provinces)
            for k in range(staff_per_member)
        ]
        User.objects.bulk_create(users)
        staff += len(users)
    return staff
