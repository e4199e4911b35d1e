"""The demo at the levels the tests start from, each containing the one before.

| level          | what it holds                                                                 |
|----------------|-------------------------------------------------------------------------------|
| demo           | the seed article's cluster: seven members, 2014 (chair Phú Thọ), 2015 (Bắc Giang) |
| scoring        | + scoring: 2014 agreed and locked, 2015 criteria, Bắc Kạn's 2015 draft         |
| full           | + the 2014 review of 04/3/2015, the 2015 covenant signed, 2014 closed           |
| year_2015      | + 2015 scored, agreed and locked: ready for its review meeting                  |
| meeting_2015   | + the 2015 review meeting set up at Bắc Giang                                   |

`tests/snapshots.py` builds each level once per test process and copies it into each test.
"""

import datetime
import zoneinfo

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from cluster.models import EmulationYear

LEVELS = ["demo", "scoring", "full", "year_2015", "meeting_2015"]

#: 2015 A1 self-scores: the agreed ranking of 2015 follows this order.
A1_2015 = {"19": "10", "24": "9,5", "25": "9", "17": "8,5", "08": "8", "06": "7,5", "15": "7"}


def score_year_2015(cluster):
    """Fill, submit, agree and lock every 2015 scorecard (chair: Bắc Giang)."""
    from scoring import selectors as scoring_selectors
    from scoring import services as scoring_services

    User = get_user_model()
    year = EmulationYear.objects.get(cluster=cluster, year=2015)
    chair, vice_chair = User.objects.get(username="bacgiang"), User.objects.get(username="backan")
    leaves = scoring_selectors.criteria_table(year).leaves
    for membership in year.memberships.select_related("province"):
        province = membership.province
        card = scoring_services.scorecard_get_or_create(emulation_year=year, province=province)
        entries, typed = {}, {}
        for c in leaves:
            value = "0" if c.kind == "deduction" else ("1" if c.kind == "bonus" else "4")
            if c.code == "A1":
                value = A1_2015[province.code]
            entries[c.pk] = (value, "")
            # A target criterion (B4) takes the reported share: 24 % of the 60 % target = 4 points.
            typed[c.pk] = ("24", "") if c.kind == "target" else (value, "")
        files = {c.pk: [SimpleUploadedFile(f"{c.code}.pdf", b"%PDF-1.4 demo")] for c in leaves if c.evidence_required}
        staff = User.objects.filter(province=province).first()
        scoring_services.scorecard_save_self(
            scorecard=card, user=staff, version=card.version, entries=typed, files=files
        )
        card.refresh_from_db()
        scoring_services.scorecard_submit(scorecard=card, user=staff)
        card.refresh_from_db()
        appraiser = vice_chair if province.code == "24" else chair  # the chair's own: the vice-chair
        scoring_services.scorecard_save_agreed(scorecard=card, user=appraiser, version=card.version, entries=entries)
    scoring_services.scoreboard_lock(emulation_year=year, user=chair)
    return year


def meeting_2015(year):
    from awards import services
    from provinces.models import Province

    return services.meeting_save(
        emulation_year=year,
        user=get_user_model().objects.get(username="bacgiang"),
        starts_at=datetime.datetime(2016, 3, 10, 8, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")),
        place="Trụ sở UBND tỉnh Bắc Giang",
        host_province=Province.objects.get(code="24"),
        presiding_name="Nguyễn Văn An",
        presiding_post="Phó Chủ tịch UBND tỉnh Bắc Giang",
        secretary_name="Trần Văn Bảo",
        secretary_post="Chuyên viên Ban Thi đua - Khen thưởng tỉnh Bắc Giang",
    )


def _demo(_previous):
    from cluster.demo import load_demo

    cluster, _accounts = load_demo()
    return cluster


def _scoring(cluster):
    from scoring.demo import load_scoring_demo

    load_scoring_demo(cluster)
    return cluster


def _full(cluster):
    from awards.demo import load_awards_demo

    load_awards_demo(cluster)
    return cluster


#: What builds each level from what the level below returned.
STEPS = [_demo, _scoring, _full, score_year_2015, meeting_2015]
