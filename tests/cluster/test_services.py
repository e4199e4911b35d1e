from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cluster import selectors, services
from cluster.enums import BallotTieRule, Role, VoteBase
from cluster.models import EmulationYear, Membership, RuleSet
from tests.factories import ClusterFactory, ProvinceFactory


def messages_of(error):
    return " ".join(error.value.messages)


def test_open_year_copies_rule_set_of_previous_year(small_cluster):
    year = small_cluster["year"]
    services.rule_set_update(
        rule_set=year.rule_set,
        data={
            "vote_threshold_percent": Decimal("70"),
            "vote_base": VoteBase.VALID_BALLOTS,
            "ballot_tie_rule": BallotTieRule.RANKING,
            "certificate_quota": 2,
        },
    )
    members = [(p, 1) for p in small_cluster["provinces"]]
    new_year = services.emulation_year_open(cluster=small_cluster["cluster"], year=2021, members=members)
    rule_set = RuleSet.objects.get(emulation_year=new_year)
    assert rule_set.vote_threshold_percent == Decimal("70")
    assert rule_set.vote_base == VoteBase.VALID_BALLOTS
    assert rule_set.ballot_tie_rule == BallotTieRule.RANKING
    assert rule_set.certificate_quota == 2
    # the previous year's rules are untouched and separate
    assert RuleSet.objects.count() == 2


def test_chair_who_is_not_a_member_is_refused(small_cluster):
    outsider = ProvinceFactory(code="90", name="Tỉnh Ngoài")
    with pytest.raises(ValidationError) as error:
        services.term_assign(
            emulation_year=small_cluster["year"], chair=outsider, vice_chair=small_cluster["provinces"][1]
        )
    assert "Tỉnh Ngoài không phải là thành viên của cụm trong năm 2020" in messages_of(error)
    chair, vice = selectors.term_of(EmulationYear.objects.get(pk=small_cluster["year"].pk))
    assert (chair.province, vice.province) == tuple(small_cluster["provinces"][:2])


def test_chair_equal_to_vice_chair_is_refused(small_cluster):
    p = small_cluster["provinces"][2]
    with pytest.raises(ValidationError) as error:
        services.term_assign(emulation_year=small_cluster["year"], chair=p, vice_chair=p)
    assert "Cụm trưởng và Cụm phó phải là hai tỉnh khác nhau" in messages_of(error)


def test_database_refuses_two_chairs_in_one_year(small_cluster):
    """One term per year is kept by the database, not only by the service."""
    other = Membership.objects.get(emulation_year=small_cluster["year"], province=small_cluster["provinces"][2])
    other.role = Role.CHAIR
    with pytest.raises(IntegrityError), transaction.atomic():
        other.save()


def test_database_refuses_two_vice_chairs_in_one_year(small_cluster):
    other = Membership.objects.get(emulation_year=small_cluster["year"], province=small_cluster["provinces"][3])
    other.role = Role.VICE_CHAIR
    with pytest.raises(IntegrityError), transaction.atomic():
        other.save()


def test_model_validation_names_the_duplicate_chair(small_cluster):
    other = Membership.objects.get(emulation_year=small_cluster["year"], province=small_cluster["provinces"][2])
    other.role = Role.CHAIR
    with pytest.raises(ValidationError) as error:
        other.full_clean()
    assert "Năm này đã có Cụm trưởng" in messages_of(error)


def test_a_province_is_in_at_most_one_cluster_a_year(small_cluster):
    other_cluster = ClusterFactory()
    province = small_cluster["provinces"][0]
    newcomer = ProvinceFactory(code="91", name="Tỉnh Mới")
    with pytest.raises(ValidationError) as error:
        services.emulation_year_open(cluster=other_cluster, year=2020, members=[(province, 1), (newcomer, 2)])
    assert "đã là thành viên của" in messages_of(error)
    assert not EmulationYear.objects.filter(cluster=other_cluster).exists()
    # and the database says so too
    other_year = EmulationYear.objects.create(cluster=other_cluster, year=2020)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(emulation_year=other_year, province=province, year=2020)


def test_failed_rotation_leaves_nothing_behind(small_cluster):
    provinces = small_cluster["provinces"]
    outsider = ProvinceFactory(code="92", name="Tỉnh Khác")
    with pytest.raises(ValidationError):
        services.emulation_year_open_with_term(
            cluster=small_cluster["cluster"],
            year=2021,
            members=[(p, 1) for p in provinces],
            chair=outsider,
            vice_chair=provinces[0],
            user=small_cluster["admin"],
        )
    assert not EmulationYear.objects.filter(cluster=small_cluster["cluster"], year=2021).exists()
    assert not Membership.objects.filter(year=2021).exists()
    assert not RuleSet.objects.filter(emulation_year__year=2021).exists()


def test_opening_an_existing_year_is_refused(small_cluster):
    with pytest.raises(ValidationError) as error:
        services.emulation_year_open(
            cluster=small_cluster["cluster"], year=2020, members=[(p, 1) for p in small_cluster["provinces"]]
        )
    assert "Năm thi đua 2020 đã được mở" in messages_of(error)


def test_merged_province_cannot_join_after_its_merger(demo):
    from provinces.models import Province

    bac_giang = Province.objects.get(code="24")
    phu_tho = Province.objects.get(code="25")
    with pytest.raises(ValidationError) as error:
        services.emulation_year_open(cluster=demo, year=2026, members=[(bac_giang, 1), (phu_tho, 2)])
    assert "Bắc Giang không còn tồn tại trong năm 2026" in messages_of(error)


def test_term_change_moves_roles(small_cluster):
    p = small_cluster["provinces"]
    year = small_cluster["year"]
    with pytest.raises(ValidationError) as refused:  # the term is confirmed: a change needs its reason
        services.term_assign(emulation_year=year, chair=p[2], vice_chair=p[0], user=small_cluster["admin"])
    assert list(refused.value.message_dict) == ["reason"]
    services.term_assign(
        emulation_year=year, chair=p[2], vice_chair=p[0], user=small_cluster["admin"], reason="Tỉnh 1 xin thôi"
    )
    roles = dict(Membership.objects.filter(emulation_year=year).values_list("province__code", "role"))
    assert roles == {p[0].code: Role.VICE_CHAIR, p[1].code: Role.MEMBER, p[2].code: Role.CHAIR, p[3].code: Role.MEMBER}
    assert year.history.first().history_change_reason == "Tỉnh 1 xin thôi"


def test_demo_is_idempotent(demo):
    from cluster.demo import load_demo

    counts = (EmulationYear.objects.count(), Membership.objects.count(), RuleSet.objects.count())
    load_demo()
    assert (EmulationYear.objects.count(), Membership.objects.count(), RuleSet.objects.count()) == counts
    chairs = dict(
        Membership.objects.exclude(role=Role.MEMBER).values_list("year", "province__name").filter(role=Role.CHAIR)
    )
    assert chairs == {2014: "Phú Thọ", 2015: "Bắc Giang"}
    assert Membership.objects.get(year=2015, role=Role.VICE_CHAIR).province.name == "Bắc Kạn"
