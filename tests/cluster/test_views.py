import re

import pytest
from django.urls import reverse

from cluster.enums import Role
from cluster.models import EmulationYear, Membership
from provinces.models import Province


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def admin_client(client, demo, demo_user):
    client.force_login(demo_user("admin"))
    return client


def test_every_page_requires_login(client, demo):
    for url in [
        reverse("cluster:home"),
        reverse("cluster:dashboard", args=[demo.pk, 2015]),
        reverse("cluster:history", args=[demo.pk]),
        reverse("provinces:detail", args=["24"]),
        reverse("cluster:rotation", args=[demo.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_login_page_is_in_vietnamese(client, db):
    page = text(client.get(reverse("login")))
    assert "Đăng nhập" in page
    assert "Tên đăng nhập" in page and "Mật khẩu" in page


def test_login_with_wrong_password_says_so_in_vietnamese(client, demo):
    response = client.post(reverse("login"), {"username": "bacgiang", "password": "sai"})
    assert "Vui lòng điền vào Tên đăng nhập và mật khẩu chính xác" in text(response)


def test_dashboard_shows_members_term_and_phase(client, demo, demo_user):
    client.force_login(demo_user("backan"))
    page = text(client.get(reverse("cluster:dashboard", args=[demo.pk, 2015])))
    assert "Năm thi đua 2015" in page
    assert 'data-testid="chair">Bắc Giang' in page
    assert 'data-testid="vice-chair">Bắc Kạn' in page
    assert "7 thành viên" in page
    for name in ["Bắc Giang", "Bắc Kạn", "Hòa Bình", "Phú Thọ", "Thái Nguyên", "Tuyên Quang", "Yên Bái"]:
        assert name in page
    assert "Đang diễn ra" in page


def test_home_redirects_to_latest_open_year(client, demo, demo_user):
    client.force_login(demo_user("phutho"))
    response = client.get(reverse("cluster:home"))
    assert response["Location"] == reverse("cluster:dashboard", args=[demo.pk, 2015])


def test_dashboard_tells_the_chair_province_what_to_do(client, demo, demo_user):
    client.force_login(demo_user("bacgiang"))
    page = text(client.get(reverse("cluster:dashboard", args=[demo.pk, 2015])))
    assert "Tỉnh của bạn là Cụm trưởng năm nay" in page


def test_dashboard_tells_admin_to_open_next_year(admin_client, demo):
    page = text(admin_client.get(reverse("cluster:dashboard", args=[demo.pk, 2015])))
    assert "Mở năm 2016 và xác nhận Cụm trưởng, Cụm phó." in page


def test_unknown_year_is_404(admin_client, demo):
    assert admin_client.get(reverse("cluster:dashboard", args=[demo.pk, 1999])).status_code == 404


def test_history_lists_every_year(client, demo, demo_user):
    client.force_login(demo_user("yenbai"))
    page = text(client.get(reverse("cluster:history", args=[demo.pk])))
    assert re.search(r">2015</a></td> <td>Bắc Giang</td> <td>Bắc Kạn</td>", page)
    assert re.search(r">2014</a></td> <td>Phú Thọ</td> <td>Bắc Giang</td>", page)


def test_rotation_page_shows_the_proposal(admin_client, demo):
    page = text(admin_client.get(reverse("cluster:rotation", args=[demo.pk])))
    assert "Mở năm thi đua 2016" in page
    assert "Cụm trưởng Bắc Kạn, Cụm phó Hòa Bình." in page


def test_rotation_is_for_admins_only(client, demo, demo_user):
    client.force_login(demo_user("bacgiang"))
    assert client.get(reverse("cluster:rotation", args=[demo.pk])).status_code == 403
    response = client.post(reverse("cluster:rotation", args=[demo.pk]), {})
    assert response.status_code == 403
    assert not EmulationYear.objects.filter(year=2016).exists()


def rotation_post(demo, **overrides):
    data = {}
    for membership in Membership.objects.filter(year=2015).select_related("province"):
        data[f"member_{membership.province_id}"] = "on"
        data[f"order_{membership.province_id}"] = str(membership.rotation_order)
    data["chair"] = Membership.objects.get(year=2015, province__code="06").province_id
    data["vice_chair"] = Membership.objects.get(year=2015, province__code="17").province_id
    data.update(overrides)
    return data


def test_rotation_opens_the_year_with_its_term(admin_client, demo):
    response = admin_client.post(reverse("cluster:rotation", args=[demo.pk]), rotation_post(demo), follow=True)
    page = text(response)
    assert "Năm thi đua 2016 đã được mở" in page
    assert 'data-testid="chair">Bắc Kạn' in page and 'data-testid="vice-chair">Hòa Bình' in page
    assert Membership.objects.filter(year=2016).count() == 7
    assert Membership.objects.get(year=2016, role=Role.CHAIR).province.code == "06"


def test_rotation_with_bad_input_keeps_what_was_typed(admin_client, demo):
    bac_kan = Membership.objects.get(year=2015, province__code="06").province_id
    data = rotation_post(demo, vice_chair=str(bac_kan))
    data[f"order_{bac_kan}"] = "-3"
    response = admin_client.post(reverse("cluster:rotation", args=[demo.pk]), data)
    page = text(response)
    assert "Cụm trưởng và Cụm phó phải là hai tỉnh khác nhau." in page
    assert "Đảm bảo giá trị này lớn hơn hoặc bằng với 0" in page
    assert f'name="order_{bac_kan}" id="id_order_{bac_kan}" value="-3"' in page
    assert not EmulationYear.objects.filter(year=2016).exists()


def test_rotation_refuses_a_chair_that_is_not_ticked(admin_client, demo):
    bac_kan = Membership.objects.get(year=2015, province__code="06").province_id
    data = rotation_post(demo)
    del data[f"member_{bac_kan}"]
    page = text(admin_client.post(reverse("cluster:rotation", args=[demo.pk]), data))
    assert "Bắc Kạn chưa được đánh dấu là thành viên." in page
    assert not EmulationYear.objects.filter(year=2016).exists()


def test_rule_set_is_read_only_for_members(client, demo, demo_user):
    client.force_login(demo_user("yenbai"))
    url = reverse("cluster:rule_set", args=[demo.pk, 2015])
    page = text(client.get(url))
    assert "Bộ quy tắc của năm" in page and "disabled" in page
    assert client.post(url, {"quorum_percent": "50"}).status_code == 403


def test_chair_changes_the_rule_set_with_decimal_comma(client, demo, demo_user):
    client.force_login(demo_user("bacgiang"))
    url = reverse("cluster:rule_set", args=[demo.pk, 2015])
    data = {
        "quorum_percent": "66,67",
        "vote_threshold_percent": "70",
        "vote_threshold_strict": "",
        "vote_base": "valid_ballots",
        "ballot_tie_rule": "ranking",
        "ranking_tie_rule": "same_rank",
        "flag_quota": "1",
        "certificate_quota": "2",
    }
    page = text(client.post(url, data, follow=True))
    assert "Đã lưu bộ quy tắc." in page
    rule_set = EmulationYear.objects.get(year=2015).rule_set
    assert str(rule_set.quorum_percent) == "66.67" and rule_set.certificate_quota == 2


def test_rule_set_bad_input_is_refused_next_to_the_field(client, demo, demo_user):
    client.force_login(demo_user("bacgiang"))
    url = reverse("cluster:rule_set", args=[demo.pk, 2015])
    data = {
        "quorum_percent": "150",
        "vote_threshold_percent": "abc",
        "vote_base": "members",
        "ballot_tie_rule": "new_round",
        "ranking_tie_rule": "same_rank",
        "flag_quota": "1",
        "certificate_quota": "1",
    }
    page = text(client.post(url, data))
    assert "Đảm bảo giá trị này là nhỏ hơn hoặc bằng với 100" in page
    assert "Nhập một số." in page
    assert 'value="150"' in page and 'value="abc"' in page
    assert str(EmulationYear.objects.get(year=2015).rule_set.quorum_percent) == "100.00"


def test_language_switch_to_english(client, demo, demo_user):
    client.force_login(demo_user("backan"))
    url = reverse("cluster:dashboard", args=[demo.pk, 2015])
    client.post(reverse("set_language"), {"language": "en", "next": url})
    page = text(client.get(url))
    assert "Emulation year 2015" in page and "Vice-chair" in page


RULES = {
    "vote_threshold_percent": "70",
    "vote_threshold_strict": "",
    "vote_base": "valid_ballots",
    "ballot_tie_rule": "ranking",
    "ranking_tie_rule": "same_rank",
    "flag_quota": "1",
    "certificate_quota": "2",
}


@pytest.mark.parametrize(
    ("language", "typed", "stored", "shown"),
    [
        ("vi", "66,67", "66.67", 'value="66,67"'),
        ("vi", "66.67", "66.67", 'value="66,67"'),
        ("en", "66.67", "66.67", 'value="66.67"'),
        ("en", "66,67", "66.67", 'value="66.67"'),
    ],
)
def test_rule_set_percentages_show_and_save_in_both_languages(client, demo, demo_user, language, typed, stored, shown):
    """Text boxes with a decimal keyboard, never number inputs (which show nothing for "66,67")."""
    client.force_login(demo_user("bacgiang"))
    client.cookies["django_language"] = language
    url = reverse("cluster:rule_set", args=[demo.pk, 2015])
    assert client.post(url, {**RULES, "quorum_percent": typed}).status_code == 302
    assert str(EmulationYear.objects.get(year=2015).rule_set.quorum_percent) == stored
    page = client.get(url).content.decode()
    field = re.search(r'<input[^>]*name="quorum_percent"[^>]*>', page).group(0)
    assert shown in field and 'type="text"' in field and 'inputmode="decimal"' in field
    assert 'value="70"' in re.search(r'<input[^>]*name="vote_threshold_percent"[^>]*>', page).group(0)


def members_data(year, codes):
    data = {}
    for province in Province.objects.all():
        if province.code in codes:
            data[f"member_{province.pk}"] = "on"
            data[f"order_{province.pk}"] = codes.index(province.code) + 1
    return data


def test_admin_changes_the_members_of_a_year_on_its_page(client, demo, demo_user):
    client.force_login(demo_user("admin"))
    url = reverse("cluster:members", args=[demo.pk, 2015])
    page = text(client.get(url))
    assert "Thành viên của năm" in page and "Lạng Sơn" in page
    codes = ["24", "06", "17", "25", "19", "08", "15", "20"]  # Lạng Sơn joins
    response = client.post(url, members_data(2015, codes), follow=True)
    assert "Đã lưu các thành viên năm 2015." in text(response)
    assert sorted(Membership.objects.filter(year=2015).values_list("province__code", flat=True)) == sorted(codes)


def test_a_province_of_another_cluster_is_refused_and_nothing_changes(client, demo, demo_user):
    from tests.factories import ClusterFactory

    other = ClusterFactory(name="Cụm biên giới")
    from cluster import services

    services.emulation_year_open(
        cluster=other,
        year=2015,
        members=[(Province.objects.get(code="20"), 1), (Province.objects.get(code="02"), 2)],
    )
    client.force_login(demo_user("admin"))
    url = reverse("cluster:members", args=[demo.pk, 2015])
    before = sorted(
        Membership.objects.filter(emulation_year__cluster=demo, year=2015).values_list("province_id", flat=True)
    )
    page = text(client.post(url, members_data(2015, ["24", "06", "17", "25", "19", "08", "15", "20"])))
    assert "Lạng Sơn đã là thành viên của Cụm biên giới trong năm 2015." in page
    after = sorted(
        Membership.objects.filter(emulation_year__cluster=demo, year=2015).values_list("province_id", flat=True)
    )
    assert after == before


@pytest.mark.parametrize("username", ["bacgiang", "yenbai"])
def test_only_admins_change_members(client, demo, demo_user, username):
    client.force_login(demo_user(username))
    url = reverse("cluster:members", args=[demo.pk, 2015])
    assert client.get(url).status_code == 403
    assert client.post(url, members_data(2015, ["24", "06"])).status_code == 403
    assert Membership.objects.filter(year=2015).count() == 7
