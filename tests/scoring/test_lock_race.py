"""Locking the scoring while the chair saves a scorecard: the save that waits for the lock's
hold on the scorecards is refused once the lock commits, so nothing is written in a locked
year and the ranking stored at the lock is that of the scores as they stand (PostgreSQL: SQLite
serialises every writer)."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from scoring import selectors, services
from scoring.enums import ScorecardStatus
from scoring.models import Score, Scoreboard, Scorecard
from tests.factories import UserFactory
from tests.scoring.builders import build_scored_year


@pytest.mark.django_db(transaction=True)
def test_a_save_waiting_for_the_lock_is_refused_once_the_scoring_is_locked(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises every writer")
    _cluster, year = build_scored_year(members=3, criteria=5, year=2098, prefix="r ", status=ScorecardStatus.AGREED)
    chair = UserFactory(province=year.memberships.get(role="chair").province)
    card = Scorecard.objects.filter(emulation_year=year).exclude(province=chair.province).order_by("pk").first()
    stored = {s.criterion_id: s.agreed_score for s in Score.objects.filter(scorecard=card)}
    entries = {pk: (str(value).replace(".", ","), "Theo biên bản thẩm định") for pk, value in stored.items()}
    changed = next(iter(entries))
    entries[changed] = ("0", "Thiếu minh chứng")
    holding, saving, go, outcomes = threading.Event(), threading.Event(), threading.Event(), {}
    checks = services.scoreboard_lock_blockers

    def blockers_while_holding(emulation_year):
        holding.set()  # the lock holds every scorecard of the year now
        go.wait(10)
        return checks(emulation_year)

    monkeypatch.setattr(services, "scoreboard_lock_blockers", blockers_while_holding)

    def lock():
        try:
            services.scoreboard_lock(emulation_year=year, user=chair)
            outcomes["lock"] = "locked"
        finally:
            connections.close_all()

    def save():
        try:
            holding.wait(10)
            reread = Scorecard.objects.select_related("emulation_year").get(pk=card.pk)
            saving.set()
            services.scorecard_save_agreed(scorecard=reread, user=chair, version=reread.version, entries=entries)
            outcomes["save"] = "saved"
        except ValidationError as error:
            outcomes["save"] = " ".join(error.messages)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=lock), threading.Thread(target=save)]
    for thread in threads:
        thread.start()
    assert saving.wait(10)
    time.sleep(0.5)  # the save reaches the scorecard's row and waits for it
    go.set()
    for thread in threads:
        thread.join(20)

    assert outcomes["lock"] == "locked"
    assert "locked" in outcomes["save"] or "khóa" in outcomes["save"], outcomes
    assert Scoreboard.objects.get(emulation_year=year).locked_at is not None
    assert {s.criterion_id: s.agreed_score for s in Score.objects.filter(scorecard=card)} == stored
    ranked = {c.province_id: c.rank for c in Scorecard.objects.filter(emulation_year=year)}
    assert ranked == {p: row["rank"] for p, row in selectors.compute_year_results(year).items()}
