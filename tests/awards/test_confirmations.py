"""Steps that cannot be undone go through a confirmation that says what they freeze."""

import re

from django.urls import reverse

from awards.models import ReviewMeeting
from cluster.models import EmulationYear
from scoring.models import Scoreboard
from tests.awards.test_services import everyone_present


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def test_adopting_the_ranking_asks_first_and_shows_it(client, meeting_2015, demo_user):
    everyone_present(meeting_2015)
    client.force_login(demo_user("bacgiang"))
    url = reverse("awards:ranking_adopt", args=[meeting_2015.emulation_year.cluster_id, 2015])
    page = text(client.post(url))
    assert "Không thể hoàn tác." in page and "1. Thái Nguyên – " in page
    assert 'name="confirmed" value="1"' in page
    assert ReviewMeeting.objects.get(pk=meeting_2015.pk).ranking_adopted_at is None
    client.post(url, {"confirmed": "1"})
    assert ReviewMeeting.objects.get(pk=meeting_2015.pk).ranking_adopted_at is not None


def test_locking_the_scoring_asks_first(client, scoring_demo, demo_user):
    year = EmulationYear.objects.get(year=2015)
    client.force_login(demo_user("bacgiang"))
    url = reverse("scoring:scoreboard_lock", args=[year.cluster_id, 2015])
    page = text(client.post(url))
    assert "Khóa kết quả chấm điểm năm 2015" in page and "Không thể hoàn tác." in page
    assert not Scoreboard.objects.filter(emulation_year=year, locked_at__isnull=False).exists()


def test_closing_the_year_asks_first_and_names_the_nominations(client, full_demo, demo_user):
    from awards import services

    year = EmulationYear.objects.get(year=2014)
    services.emulation_year_reopen(emulation_year=year, reason="Kiểm tra", user=demo_user("admin"))
    client.force_login(demo_user("phutho"))
    url = reverse("awards:close_year", args=[year.cluster_id, 2014])
    page = text(client.post(url))
    assert "Khóa sổ năm thi đua 2014" in page and "Cờ thi đua của Chính phủ: Thái Nguyên (hạng 1)" in page
    assert not EmulationYear.objects.get(pk=year.pk).is_closed
    client.post(url, {"confirmed": "1"})
    assert EmulationYear.objects.get(pk=year.pk).is_closed
