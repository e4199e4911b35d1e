"""The appraisal save reads and writes in bulk: its number of queries does not grow with the
number of criteria, and every score it sets or confirms is marked as the appraisal's."""

from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cluster.enums import ScoringMode
from cluster.models import RuleSet
from scoring import services
from scoring.enums import AgreedSource, ScorecardStatus
from scoring.models import Score, Scorecard
from tests.factories import UserFactory
from tests.scoring.builders import build_scored_year


def _appraisal(members, criteria, year):
    from tests.factories import UserFactory

    _cluster, emulation_year = build_scored_year(members=members, criteria=criteria, year=year, prefix=f"q{year} ")
    chair = emulation_year.memberships.get(role="chair").province
    card = Scorecard.objects.filter(emulation_year=emulation_year).exclude(province=chair).order_by("pk").first()
    Score.objects.filter(scorecard=card).update(agreed_score=None)
    return card, UserFactory(province=chair)


def _queries(service, **arguments):
    with CaptureQueriesContext(connection) as ctx:
        service(**arguments)
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_appraisal_save_query_count_does_not_grow_with_the_criteria():
    # Sizes under 49: SQLite splits an insert of history rows every ~49 rows (its limit of 999
    # parameters); PostgreSQL writes them in one statement whatever the number.
    counts = []
    for size, criteria in enumerate((10, 40)):
        card, user = _appraisal(3, criteria, 2040 + size)
        scores = list(Score.objects.filter(scorecard=card).select_related("criterion").order_by("pk"))
        # Every criterion agreed; the first three changed with a reason, at both sizes.
        entries = {s.criterion_id: (str(s.self_score).replace(".", ","), "") for s in scores}
        for s in scores[:3]:
            other = Decimal("10") if s.self_score != Decimal("10") else Decimal("0")
            entries[s.criterion_id] = (str(other), "Thiếu minh chứng")
        count = _queries(
            services.scorecard_save_agreed, scorecard=card, user=user, version=card.version, entries=entries
        )
        card.refresh_from_db()
        assert card.status == ScorecardStatus.AGREED
        assert not Score.objects.filter(scorecard=card).exclude(agreed_source=AgreedSource.APPRAISAL).exists()
        assert Score.history.filter(scorecard_id=card.pk, history_type="~").count() == criteria
        changed = Score.objects.filter(scorecard=card, agreed_reason="Thiếu minh chứng")
        assert changed.count() == 3 and all(s.is_changed_with_reason for s in changed)
        # Saving the same again writes nothing but the version.
        card.refresh_from_db()
        again = _queries(
            services.scorecard_save_agreed, scorecard=card, user=user, version=card.version, entries=entries
        )
        assert Score.history.filter(scorecard_id=card.pk, history_type="~").count() == criteria
        counts.append((count, again))
    assert counts[0] == counts[1], counts


@pytest.mark.django_db
def test_agree_unchanged_query_count_does_not_grow_with_the_criteria():
    counts = []
    for size, criteria in enumerate((10, 40)):
        card, user = _appraisal(3, criteria, 2050 + size)
        count = _queries(services.scorecard_agree_unchanged, scorecard=card, user=user, version=card.version)
        card.refresh_from_db()
        assert card.status == ScorecardStatus.AGREED
        for score in Score.objects.filter(scorecard=card):
            assert score.agreed_score == score.self_score and score.agreed_source == AgreedSource.APPRAISAL
        counts.append(count)
    assert counts[0] == counts[1], counts


@pytest.mark.django_db
def test_a_confirmed_cross_score_becomes_the_appraisal_s_where_the_appraisal_decides():
    card, user = _appraisal(3, 10, 2060)
    RuleSet.objects.filter(emulation_year=card.emulation_year).update(scoring_mode=ScoringMode.BOTH)
    score = Score.objects.filter(scorecard=card).order_by("pk").first()
    Score.objects.filter(pk=score.pk).update(agreed_score=score.self_score, agreed_source=AgreedSource.PEER)
    services.scorecard_agree_unchanged(scorecard=card, user=user, version=card.version)
    score.refresh_from_db()
    assert score.agreed_score == score.self_score and score.agreed_source == AgreedSource.APPRAISAL


@pytest.mark.django_db
def test_in_a_cross_scoring_year_the_chair_s_confirmation_keeps_the_cross_score_s_source():
    card, user = _appraisal(3, 10, 2061)
    RuleSet.objects.filter(emulation_year=card.emulation_year).update(scoring_mode=ScoringMode.PEER)
    first, second = Score.objects.filter(scorecard=card).order_by("pk")[:2]
    for score in (first, second):
        Score.objects.filter(pk=score.pk).update(agreed_score=score.self_score, agreed_source=AgreedSource.PEER)
    entries = {s.criterion_id: (str(s.self_score).replace(".", ","), "") for s in Score.objects.filter(scorecard=card)}
    other = Decimal("0") if second.self_score else Decimal("1")
    entries[second.criterion_id] = (str(other), "Sau giải trình: minh chứng chưa đủ")
    services.scorecard_save_agreed(scorecard=card, user=user, version=card.version, entries=entries)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.agreed_source == AgreedSource.PEER  # read and confirmed: still the cross-scoring's
    assert second.agreed_source == AgreedSource.APPRAISAL and second.agreed_score == other  # changed by the chair


@pytest.mark.django_db
def test_scorecard_save_query_count_does_not_grow_with_the_criteria_and_only_changes_are_written():
    from tests.factories import UserFactory

    counts = []
    for size, criteria in enumerate((10, 40)):
        _cluster, year = build_scored_year(members=3, criteria=criteria, year=2070 + size, prefix=f"s{size} ")
        card = Scorecard.objects.filter(emulation_year=year).order_by("pk").first()
        Scorecard.objects.filter(pk=card.pk).update(status=ScorecardStatus.DRAFT)
        card.refresh_from_db()
        user = UserFactory(province=card.province)
        scores = list(Score.objects.filter(scorecard=card).order_by("pk"))
        entries = {s.criterion_id: (str(s.self_score).replace(".", ","), "") for s in scores}
        for s in scores[:3]:  # three changed, at both sizes
            entries[s.criterion_id] = ("0", "Chưa có số liệu")
        count = _queries(services.scorecard_save_self, scorecard=card, user=user, version=card.version, entries=entries)
        counts.append(count)
        assert Score.history.filter(scorecard_id=card.pk, history_type="~").count() == 3  # only what changed
        assert Score.objects.filter(scorecard=card, self_score=0, note="Chưa có số liệu").count() == 3
    assert counts[0] == counts[1], counts


def test_a_typed_text_is_escaped_on_the_scorecard_page(client, db):
    from django.urls import reverse

    from tests.factories import UserFactory

    _cluster, year = build_scored_year(members=3, criteria=3, year=2080, prefix="x ")
    card = Scorecard.objects.filter(emulation_year=year).order_by("pk").first()
    Scorecard.objects.filter(pk=card.pk).update(status=ScorecardStatus.DRAFT)
    client.force_login(UserFactory(province=card.province))
    data = {"version": str(card.version), "save": "1"}
    for s in Score.objects.filter(scorecard=card):
        data[f"score_{s.criterion_id}"] = '"><script>alert(1)</script>'
        data[f"note_{s.criterion_id}"] = "</textarea><script>alert(2)</script>"
    response = client.post(reverse("scoring:scorecard", args=[card.pk]), data)
    body = response.content.decode()
    assert response.status_code == 400  # refused, kept in the form, escaped
    assert "<script>alert" not in body
    assert "&quot;&gt;&lt;script&gt;alert(1)" in body and "&lt;/textarea&gt;&lt;script&gt;alert(2)" in body


def test_the_scorecard_page_shows_a_criterion_changed_since_it_was_last_shown(client, db, settings):
    """The rows' criterion cells are kept per criteria version and language: a change of the
    criteria (a new version) and a change of language each show through."""
    from django.urls import reverse

    from scoring.models import Criterion
    from tests.factories import UserFactory

    _cluster, year = build_scored_year(members=3, criteria=3, year=2081, prefix="n ", status=ScorecardStatus.DRAFT)
    card = Scorecard.objects.filter(emulation_year=year).order_by("pk").first()
    client.force_login(UserFactory(province=card.province))
    url = reverse("scoring:scorecard", args=[card.pk])
    criterion = Criterion.objects.filter(section__emulation_year=year).order_by("pk").last()
    assert criterion.title in client.get(url).content.decode()
    criterion.title, criterion.guidance = "Tiêu chí & đổi tên", "Hướng dẫn <mới>"
    services.criterion_save(criterion=criterion)
    body = client.get(url).content.decode()
    assert "Tiêu chí &amp; đổi tên" in body and "Hướng dẫn &lt;mới&gt;" in body
    assert 'data-label="Điểm tối đa"' in body
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(url).content.decode()
    assert 'data-label="Maximum"' in body and "Điểm tối đa" not in body


@pytest.mark.django_db
def test_the_cached_criteria_table_follows_every_change_of_the_criteria():
    from scoring import selectors
    from scoring.models import Criterion

    _cluster, year = build_scored_year(members=3, criteria=5, year=2095, prefix="c ", status=ScorecardStatus.DRAFT)
    first = selectors.criteria_table(year)
    with CaptureQueriesContext(connection) as ctx:
        again = selectors.criteria_table(year)
    assert len(ctx.captured_queries) == 1  # the key of the year's criteria, then the cache
    assert "JOIN" not in ctx.captured_queries[0]["sql"]
    with mock.patch.object(selectors.cache, "get") as shared:
        assert selectors.criteria_table(year) is again  # this process's copy: no round trip, no unpickling
    shared.assert_not_called()
    assert [c.title for c in again.leaves] == [c.title for c in first.leaves]
    criterion = Criterion.objects.get(pk=first.leaves[0].pk)
    criterion.title = "Tiêu chí đã sửa"
    services.criterion_save(criterion=criterion)
    assert selectors.criteria_table(year).leaves[0].title == "Tiêu chí đã sửa"
    added = Criterion(
        section=criterion.section, code="Z9", title="Mới", kind="points", max_points=Decimal("1"), order=99
    )
    services.criterion_save(criterion=added)
    assert len(selectors.criteria_table(year).leaves) == len(first.leaves) + 1


@pytest.mark.django_db
def test_the_live_scoreboard_reads_the_totals_kept_at_each_save_not_every_score():
    from scoring import selectors

    _cluster, year = build_scored_year(members=4, criteria=12, year=2096, prefix="l ")
    chair = UserFactory(province=year.memberships.get(role="chair").province)
    cards = list(Scorecard.objects.filter(emulation_year=year).exclude(province=chair.province).order_by("pk"))
    for card in cards:  # through the services: the kept totals are those of the current version
        entries = {
            s.criterion_id: (str(s.self_score).replace(".", ","), "") for s in Score.objects.filter(scorecard=card)
        }
        first = next(iter(entries))
        entries[first] = ("0", "Thiếu minh chứng")
        services.scorecard_save_agreed(scorecard=card, user=chair, version=card.version, entries=entries)
    expected = selectors.compute_year_results(year, visible_only=True)
    Scorecard.objects.filter(emulation_year=year).update(live_version=None)  # forget: computed from the scores
    from_scores = selectors.compute_year_results(year, visible_only=True)
    assert {k: (v["agreed_total"], v["self_total"], v["rank"]) for k, v in expected.items()} == {
        k: (v["agreed_total"], v["self_total"], v["rank"]) for k, v in from_scores.items()
    }
    for card in Scorecard.objects.filter(emulation_year=year):  # the chair's own too (built without the services)
        services.scorecard_recalculate(scorecard=card)
    with CaptureQueriesContext(connection) as ctx:
        selectors.scoreboard_rows(year)
    assert not [q for q in ctx.captured_queries if 'FROM "scoring_score" ' in q["sql"]]  # no score read


@pytest.mark.django_db
def test_the_scorecard_read_brings_its_criteria_version_and_a_change_in_the_request_still_shows():
    """The criteria version read with the scorecard spares the table its own read; a service
    that changes the criteria later in the same request makes the table read it again."""
    from common.memo import RequestMemoMiddleware
    from scoring import selectors
    from scoring.models import Criterion

    _cluster, year = build_scored_year(members=3, criteria=5, year=2097, prefix="v ", status=ScorecardStatus.DRAFT)
    card = Scorecard.objects.filter(emulation_year=year).order_by("pk").first()
    user = UserFactory(province=card.province)

    def one_request(_request):
        read = selectors.scorecard_get_for_user(user, card.pk)
        with CaptureQueriesContext(connection) as ctx:
            before = selectors.criteria_table(read.emulation_year)
        criterion = Criterion.objects.get(pk=before.leaves[0].pk)
        criterion.title = "Đổi trong cùng yêu cầu"
        services.criterion_save(criterion=criterion)
        return ctx.captured_queries, before, selectors.criteria_table(read.emulation_year)

    queries, before, after = RequestMemoMiddleware(one_request)(None)
    assert not [q for q in queries if '"criteria_key" AS "criteria_key"' in q["sql"]]
    assert before.leaves[0].title != "Đổi trong cùng yêu cầu" == after.leaves[0].title
