"""Build a scored year of any size quickly (bulk inserts), for query-count tests and benchmarks."""

import random
from decimal import Decimal

from cluster import services as cluster_services
from cluster.models import Cluster
from provinces.models import Province
from scoring.enums import ScorecardStatus
from scoring.models import Criterion, Score, Scorecard, Section


def build_scored_year(*, members, criteria, year=2030, status=ScorecardStatus.SUBMITTED, seed=1, prefix=""):
    """A cluster with `members` provinces and `criteria` leaf criteria (in groups of 5 under
    sections A–D), every scorecard filled. Returns (cluster, emulation_year)."""
    rng = random.Random(seed)
    taken = set(Province.objects.values_list("code", flat=True))
    free = [f"{n:02d}" for n in range(100) if f"{n:02d}" not in taken]
    provinces = Province.objects.bulk_create(
        [Province(code=free[i], name=f"{prefix}Tỉnh đo {free[i]}") for i in range(members)]
    )
    cluster = Cluster.objects.create(name=f"{prefix}Cụm đo {members}×{criteria} {year}")
    emulation_year = cluster_services.emulation_year_open_with_term(
        cluster=cluster,
        year=year,
        members=[(p, i) for i, p in enumerate(provinces)],
        chair=provinces[0],
        vice_chair=provinces[1],
        user=None,
    )
    sections = Section.objects.bulk_create(
        [
            Section(emulation_year=emulation_year, code=code, title=f"Phần {code}", order=i)
            for i, code in enumerate("ABCD")
        ]
    )
    groups = []
    leaves = []
    per_section = max(1, criteria // 4)
    for s_index, section in enumerate(sections):
        count = per_section if s_index < 3 else criteria - per_section * 3
        for g in range(0, count, 5):
            groups.append(Criterion(section=section, code=f"{section.code}{g // 5 + 1}", title="Nhóm", order=g))
    Criterion.objects.bulk_create(groups)
    by_section = {}
    for group in groups:
        by_section.setdefault(group.section_id, []).append(group)
    for s_index, section in enumerate(sections):
        count = per_section if s_index < 3 else criteria - per_section * 3
        for i in range(count):
            parent = by_section[section.pk][i // 5]
            leaves.append(
                Criterion(
                    section=section,
                    parent=parent,
                    code=f"{parent.code}.{i % 5 + 1}",
                    title=f"Tiêu chí {i}",
                    max_points=Decimal("10"),
                    order=i,
                )
            )
    Criterion.objects.bulk_create(leaves)
    cards = Scorecard.objects.bulk_create(
        [Scorecard(emulation_year=emulation_year, province=p, status=status) for p in provinces]
    )
    Score.objects.bulk_create(
        [
            Score(
                scorecard=card,
                criterion=c,
                self_score=Decimal(rng.randint(0, 20)) / 2,
                agreed_score=Decimal(rng.randint(0, 20)) / 2,
                note="",
            )
            for card in cards
            for c in leaves
        ],
        batch_size=2000,
    )
    return cluster, emulation_year
