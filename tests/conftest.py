import pytest
from django.contrib.auth import get_user_model

from cluster import services
from cluster.demo import load_demo
from cluster.models import EmulationYear
from tests.factories import AdminFactory, ClusterFactory, ProvinceFactory, UserFactory


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.LANGUAGE_CODE = "vi"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo(db):
    """The seed article's cluster: seven members, 2014 (chair Phú Thọ) and 2015 (chair Bắc Giang)."""
    cluster, _accounts = load_demo()
    return cluster


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


@pytest.fixture
def scoring_demo(demo):
    """The demo plus scoring: 2014 agreed and locked, 2015 criteria, Bắc Kạn's 2015 draft."""
    from scoring.demo import load_scoring_demo

    load_scoring_demo(demo)
    return demo


@pytest.fixture
def demo_2014(db):
    """The full demo: 2014 reviewed on 04/3/2015, 2015 covenant signed, 2014 closed."""
    from awards.demo import load_awards_demo
    from cluster.demo import load_demo
    from scoring.demo import load_scoring_demo

    cluster, _accounts = load_demo()
    load_scoring_demo(cluster)
    load_awards_demo(cluster)
    return cluster
