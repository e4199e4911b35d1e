"""The permission table: role × action × allowed. Chair powers follow the term."""

import pytest

from cluster import services
from tests.factories import AdminFactory, ProvinceFactory, UserFactory

ROLES = ["admin", "chair", "vice_chair", "member", "outsider"]


@pytest.fixture
def users(small_cluster):
    p = small_cluster["provinces"]
    return {
        "admin": small_cluster["admin"],
        "chair": UserFactory(province=p[0]),
        "vice_chair": UserFactory(province=p[1]),
        "member": UserFactory(province=p[2]),
        "outsider": UserFactory(province=ProvinceFactory(code="93", name="Tỉnh Ngoài Cụm")),
    }


TABLE = {
    #                        admin  chair  vice   member outsider
    "cluster.view_year": (True, True, True, True, False),  # a province outside the cluster sees nothing of it
    "cluster.open_year": (True, False, False, False, False),
    "cluster.assign_term": (True, False, False, False, False),
    "cluster.change_membership": (True, False, False, False, False),
    "cluster.change_rule_set": (True, True, False, False, False),
    "cluster.chair_year": (False, True, False, False, False),
}


@pytest.mark.parametrize("action", TABLE)
@pytest.mark.parametrize("role", ROLES)
def test_permission_table(users, small_cluster, action, role):
    expected = TABLE[action][ROLES.index(role)]
    assert users[role].has_perm(action, small_cluster["year"]) is expected


def test_chair_powers_follow_the_term(users, small_cluster):
    """Next year the vice-chair's province chairs: its staff gain the powers, last year's chair loses them."""
    p = small_cluster["provinces"]
    next_year = services.emulation_year_open_with_term(
        cluster=small_cluster["cluster"],
        year=2021,
        members=[(x, 1) for x in p],
        chair=p[1],
        vice_chair=p[2],
        user=small_cluster["admin"],
    )
    assert users["vice_chair"].has_perm("cluster.chair_year", next_year)
    assert not users["chair"].has_perm("cluster.chair_year", next_year)
    # ...and last year's powers stay with last year's chair.
    assert users["chair"].has_perm("cluster.chair_year", small_cluster["year"])


def test_nobody_changes_a_closed_year(users, small_cluster):
    from django.utils import timezone

    year = small_cluster["year"]
    year.closed_at = timezone.now()
    year.save()
    for role in ROLES:
        for action in (
            "cluster.assign_term",
            "cluster.change_rule_set",
            "cluster.change_membership",
            "cluster.chair_year",
        ):
            assert not users[role].has_perm(action, year), (role, action)


def test_anonymous_has_no_permission(small_cluster):
    from django.contrib.auth.models import AnonymousUser

    assert not AnonymousUser().has_perm("cluster.view_year", small_cluster["year"])


def test_admin_factory_is_admin():
    assert AdminFactory.build().is_superuser
