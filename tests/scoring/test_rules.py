"""Scoring permissions as a table: role × action × scorecard state → allowed."""

import pytest

from scoring import services
from scoring.models import Scorecard
from tests.scoring.test_services import fill_all

ROLES = ["admin", "own_staff", "chair", "other_member", "outsider"]
USERS = {"admin": "admin", "own_staff": "backan", "chair": "bacgiang", "other_member": "yenbai"}


@pytest.fixture
def users(scoring_demo, demo_user):
    from tests.factories import ProvinceFactory, UserFactory

    result = {role: demo_user(name) for role, name in USERS.items()}
    result["outsider"] = UserFactory(province=ProvinceFactory(code="94", name="Tỉnh Ngoài"))
    return result


def bac_kan_2015():
    return Scorecard.objects.select_related("emulation_year").get(emulation_year__year=2015, province__code="06")


def in_state(state, demo_user):
    scorecard = bac_kan_2015()
    if state == "draft":
        return scorecard
    fill_all(scorecard, demo_user("backan"))
    services.scorecard_submit(scorecard=bac_kan_2015(), user=demo_user("backan"))
    if state == "returned":
        services.scorecard_return(scorecard=bac_kan_2015(), user=demo_user("bacgiang"), reason="Bổ sung")
    return bac_kan_2015()


TABLE = {
    #                                    admin  own    chair  other  outsider
    ("draft", "scoring.view_scorecard"): (True, True, False, False, False),
    ("draft", "scoring.edit_self_score"): (False, True, False, False, False),
    ("draft", "scoring.submit_scorecard"): (False, True, False, False, False),
    ("draft", "scoring.agree_scores"): (False, False, False, False, False),
    ("draft", "scoring.return_scorecard"): (False, False, False, False, False),
    ("submitted", "scoring.view_scorecard"): (True, True, True, True, False),
    ("submitted", "scoring.edit_self_score"): (False, False, False, False, False),
    ("submitted", "scoring.agree_scores"): (False, False, True, False, False),
    ("submitted", "scoring.return_scorecard"): (False, False, True, False, False),
    ("returned", "scoring.view_scorecard"): (True, True, False, False, False),
    ("returned", "scoring.edit_self_score"): (False, True, False, False, False),
    ("returned", "scoring.agree_scores"): (False, False, False, False, False),
}


@pytest.mark.parametrize(("state", "action"), list(TABLE))
def test_scorecard_permission_table(users, demo_user, state, action):
    scorecard = in_state(state, demo_user)
    got = tuple(users[role].has_perm(action, scorecard) for role in ROLES)
    assert got == TABLE[(state, action)]


YEAR_TABLE = {
    #                                   admin  own(BK) chair  other  outsider
    (2015, "scoring.edit_criteria"): (True, False, True, False, False),
    (2015, "scoring.lock_scoring"): (True, False, True, False, False),
    (2014, "scoring.edit_criteria"): (False, False, False, False, False),  # locked
    (2014, "scoring.lock_scoring"): (False, False, False, False, False),
}


@pytest.mark.parametrize(("year", "action"), list(YEAR_TABLE))
def test_year_permission_table(users, year, action):
    emulation_year = Scorecard.objects.filter(emulation_year__year=year).first().emulation_year
    got = tuple(users[role].has_perm(action, emulation_year) for role in ROLES)
    assert got == YEAR_TABLE[(year, action)]


def test_locked_year_scorecards_are_read_only_for_everybody(users):
    scorecard = Scorecard.objects.get(emulation_year__year=2014, province__code="19")
    for role in ROLES:
        for action in (
            "scoring.edit_self_score",
            "scoring.agree_scores",
            "scoring.return_scorecard",
            "scoring.submit_scorecard",
        ):
            assert not users[role].has_perm(action, scorecard), (role, action)
    assert users["other_member"].has_perm("scoring.view_scorecard", scorecard)
