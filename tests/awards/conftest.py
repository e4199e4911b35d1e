import datetime
import zoneinfo

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from cluster.models import EmulationYear
from scoring import selectors as scoring_selectors
from scoring import services as scoring_services

#: 2015 A1 self-scores: the agreed ranking of 2015 follows this order.
A1_2015 = {"19": "10", "24": "9,5", "25": "9", "17": "8,5", "08": "8", "06": "7,5", "15": "7"}


def score_year_2015(cluster):
    """Fill, submit, agree and lock every 2015 scorecard (chair: Bắc Giang)."""
    User = get_user_model()
    year = EmulationYear.objects.get(cluster=cluster, year=2015)
    chair = User.objects.get(username="bacgiang")
    leaves = scoring_selectors.criteria_table(year).leaves
    for membership in year.memberships.select_related("province"):
        province = membership.province
        card = scoring_services.scorecard_get_or_create(emulation_year=year, province=province)
        entries = {}
        for c in leaves:
            value = "0" if c.kind == "deduction" else ("1" if c.kind == "bonus" else "4")
            if c.code == "A1":
                value = A1_2015[province.code]
            entries[c.pk] = (value, "")
        files = {c.pk: [SimpleUploadedFile(f"{c.code}.pdf", b"%PDF-1.4 demo")] for c in leaves if c.evidence_required}
        staff = User.objects.filter(province=province).first()
        scoring_services.scorecard_save_self(
            scorecard=card, user=staff, version=card.version, entries=entries, files=files
        )
        card.refresh_from_db()
        scoring_services.scorecard_submit(scorecard=card, user=staff)
        card.refresh_from_db()
        scoring_services.scorecard_save_agreed(scorecard=card, user=chair, version=card.version, entries=entries)
    scoring_services.scoreboard_lock(emulation_year=year, user=chair)
    return year


@pytest.fixture
def full_demo(scoring_demo):
    from awards.demo import load_awards_demo

    load_awards_demo(scoring_demo)
    return scoring_demo


@pytest.fixture
def year_2015(full_demo):
    """The demo with 2015 scored, agreed and locked: ready for its review meeting."""
    return score_year_2015(full_demo)


@pytest.fixture
def meeting_2015(year_2015, demo_user):
    from awards import services
    from provinces.models import Province

    return services.meeting_save(
        emulation_year=year_2015,
        user=demo_user("bacgiang"),
        starts_at=datetime.datetime(2016, 3, 10, 8, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")),
        place="Trụ sở UBND tỉnh Bắc Giang",
        host_province=Province.objects.get(code="24"),
        presiding_name="Nguyễn Văn An",
        presiding_post="Phó Chủ tịch UBND tỉnh Bắc Giang",
        secretary_name="Trần Văn Bảo",
        secretary_post="Chuyên viên Ban Thi đua - Khen thưởng tỉnh Bắc Giang",
    )
