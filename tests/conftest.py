from unittest import mock

import pytest
from django.contrib.auth import get_user_model

from cluster import services
from cluster.models import EmulationYear
from tests import demo_levels, snapshots
from tests.factories import AdminFactory, ClusterFactory, ProvinceFactory, UserFactory


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.LANGUAGE_CODE = "vi"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: the database is a fresh copy, and a test may change
    rows (criteria) directly, without the services that renew the cache keys."""
    from django.core.cache import cache

    from common.memo import Versioned

    cache.clear()
    Versioned.clear()


@pytest.fixture(autouse=True)
def _services_commit(request):
    """Run what a service queues with `transaction.on_commit` when its transaction would commit.

    A test runs inside a transaction that is rolled back, so the transaction a service opens is
    only a savepoint and never commits: a document render queued "after commit" would never be
    sent. Here, callbacks run when the outermost atomic block opened *by the code under test*
    exits cleanly, exactly where production commits (a block rolled back drops its callbacks, as
    Django does). Tests with real commits (browser journeys, `transaction=True`) and tests that
    inspect the callbacks themselves (`django_capture_on_commit_callbacks`) are left alone.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = (
        marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    ) or any(name in request.fixturenames for name in ("transactional_db", "live_server"))
    uses_db = marker is not None or "db" in request.fixturenames
    if not uses_db or transactional or "django_capture_on_commit_callbacks" in request.fixturenames:
        yield
        return
    request.getfixturevalue("db")
    from django.db import connection
    from django.db.transaction import Atomic

    test_level = len(connection.atomic_blocks)
    exit_block = Atomic.__exit__

    def exit_and_commit(self, exc_type, exc_value, traceback):
        result = exit_block(self, exc_type, exc_value, traceback)
        if exc_type is None and len(connection.atomic_blocks) == test_level and not connection.needs_rollback:
            while connection.run_on_commit:
                _savepoints, callback, _robust = connection.run_on_commit.pop(0)
                callback()
        return result

    # Not through the test's `monkeypatch`, which a test may undo.
    with mock.patch.object(Atomic, "__exit__", exit_and_commit):
        yield


@pytest.fixture(scope="session")
def demo_snapshots(django_db_setup, django_db_blocker):
    """Every level of the demo, built once in this test process (tests/snapshots.py)."""
    with django_db_blocker.unblock():
        return snapshots.build(demo_levels.LEVELS, demo_levels.STEPS)


def _level(request, level):
    return snapshots.restore(request.getfixturevalue("demo_snapshots"), level, request.node.nodeid)


@pytest.fixture
def demo(db, request):
    """The seed article's cluster: seven members, 2014 (chair Phú Thọ) and 2015 (chair Bắc Giang)."""
    return _level(request, "demo")


@pytest.fixture
def scoring_demo(db, request):
    """The demo plus scoring: 2014 agreed and locked, 2015 criteria, Bắc Kạn's 2015 draft."""
    return _level(request, "scoring")


@pytest.fixture
def demo_2014(db, request):
    """The full demo: 2014 reviewed on 04/3/2015, 2015 covenant signed, 2014 closed."""
    return _level(request, "full")


@pytest.fixture
def full_demo(db, request):
    """The same as `demo_2014`: the demo with its 2014 meeting and 2015 covenant."""
    return _level(request, "full")


@pytest.fixture
def year_2015(db, request):
    """The full demo with 2015 scored, agreed and locked: ready for its review meeting."""
    return _level(request, "year_2015")


@pytest.fixture
def meeting_2015(db, request):
    """`year_2015` with its review meeting set up at Bắc Giang on 10/3/2016."""
    return _level(request, "meeting_2015")


@pytest.fixture
def media(settings, tmp_path):
    """An empty storage of its own for the files this test uploads; returns its folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media"), "base_url": None},
        },
    }
    return tmp_path / "media"


@pytest.fixture
def demo_user():
    def get(username):
        return get_user_model().objects.get(username=username)

    return get


@pytest.fixture
def small_cluster(db):
    """A cluster of four provinces with year 2020 open: chair P1, vice-chair P2."""
    provinces = [ProvinceFactory(code=f"{60 + i}", name=f"Tỉnh {i}") for i in range(1, 5)]
    cluster = ClusterFactory()
    admin = AdminFactory()
    year = services.emulation_year_open_with_term(
        cluster=cluster,
        year=2020,
        members=[(p, i) for i, p in enumerate(provinces, start=1)],
        chair=provinces[0],
        vice_chair=provinces[1],
        user=admin,
    )
    return {"cluster": cluster, "year": year, "provinces": provinces, "admin": admin}


@pytest.fixture
def year_of():
    def get(cluster, year):
        return EmulationYear.objects.get(cluster=cluster, year=year)

    return get


__all__ = ["UserFactory"]
