"""The map after 1 July 2025: a new year proposes the successor of a member that no longer
exists, shows the change, and the rotation names only next year's members."""

import re

import pytest
from django.urls import reverse

from cluster import selectors, services
from cluster.models import EmulationYear
from provinces.models import Province
from tests.factories import ClusterFactory

OLD_MEMBERS = ["24", "06", "19", "25", "17", "08", "15"]  # the seven of 2025, before the merger


@pytest.fixture
def cluster_2025(demo, demo_user):
    by_code = {p.code: p for p in Province.objects.filter(code__in=OLD_MEMBERS)}
    cluster = ClusterFactory(name="Cụm thi đua trung du 2025")
    services.emulation_year_open_with_term(
        cluster=cluster,
        year=2025,
        members=[(by_code[code], i) for i, code in enumerate(OLD_MEMBERS, start=1)],
        chair=by_code["19"],
        vice_chair=by_code["24"],
        user=demo_user("admin"),
    )
    return cluster


def test_members_for_2026_follow_their_successors(cluster_2025):
    year = EmulationYear.objects.get(cluster=cluster_2025, year=2025)
    members, changes = selectors.members_for_year(
        [(m.province, m.rotation_order) for m in year.memberships.select_related("province")], 2026
    )
    assert [p.code for p, _order in members] == ["27", "19", "25", "08", "10"]
    assert {(old.code, new.code) for old, new in changes} == {("24", "27"), ("06", "19"), ("17", "25"), ("15", "10")}
    assert {p.code: order for p, order in members}["19"] == 2  # the first of the two orders is kept


def test_the_rotation_page_proposes_the_successors_and_says_so(client, cluster_2025, demo_user):
    client.force_login(demo_user("admin"))
    page = re.sub(r"\s+", " ", client.get(reverse("cluster:rotation", args=[cluster_2025.pk])).content.decode())
    assert "Các thành viên không còn tồn tại năm 2026" in page
    assert "Bắc Giang đã hợp nhất vào Bắc Ninh từ 01/07/2025: đề nghị Bắc Ninh thay thế." in page
    ticked = {
        Province.objects.get(pk=int(pk)).code
        for pk in re.findall(r'name="member_(\d+)" id="id_member_\d+" checked', page)
    }
    assert ticked == {"27", "19", "25", "08", "10"}
    proposal = page[page.index('data-testid="proposal"') :][:600]
    named = {name for name in ("Bắc Giang", "Bắc Kạn", "Hòa Bình", "Yên Bái") if name in proposal}
    assert not named, f"the proposal names a province that no longer exists: {named}"
