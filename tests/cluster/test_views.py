import html
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
        # The page posts every field of the form, the cross-scoring rules with them.
        "scoring_mode": "both",
        "peer_assignment": "all_others",
        "peer_aggregation": "trimmed_mean",
        "peer_spread_limit": "1,5",
        "explanation_shows_scorer": "on",
    }
    page = text(client.post(url, data, follow=True))
    assert "Đã lưu bộ quy tắc." in page
    rule_set = EmulationYear.objects.get(year=2015).rule_set
    assert str(rule_set.quorum_percent) == "66.67" and rule_set.certificate_quota == 2
    assert rule_set.scoring_mode == "both" and rule_set.peer_aggregation == "trimmed_mean"
    assert str(rule_set.peer_spread_limit) == "1.50" and rule_set.explanation_shows_scorer


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
    "scoring_mode": "appraisal",
    "peer_assignment": "all_others",
    "peer_aggregation": "mean",
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


# --- The rule set: presets, source, history, copy to the next year ----------------------------------


def rule_set_page(client, cluster, year=2015):
    return text(client.get(reverse("cluster:rule_set", args=[cluster.pk, year])))


def test_a_preset_applies_in_one_click_names_its_source_and_stays_editable(client, demo, demo_user):
    client.force_login(demo_user("bacgiang"))
    page = rule_set_page(client, demo)
    assert "Chưa nêu văn bản căn cứ của các quy tắc này." in page
    presets = page[page.index('data-testid="presets"') : page.index("</section>", page.index('data-testid="presets"'))]
    assert "Từ 80% tổng số thành viên trở lên, thành viên vắng mặt gửi ý kiến bằng văn bản" in presets
    assert "Văn bản căn cứ: Nghị định 98/2023/NĐ-CP, Điều 30 khoản 7" in presets
    assert "Trên 50% tổng số thành viên" in presets and "Văn bản căn cứ: Quy chế hoạt động của Cụm thi đua" in presets
    # 2015 was under decree 98/2023 all year: no warning that the source has been replaced.
    assert "có hiệu lực đến ngày" not in presets
    url = reverse("cluster:rule_set", args=[demo.pk, 2015])
    page = text(client.post(url, {"action": "preset", "preset": "decree_98_2023_art_30_7"}, follow=True))
    assert "Đã áp dụng mẫu: hãy kiểm tra các quy tắc còn lại, sửa những điểm khác và lưu." in page
    assert "Các quy tắc này căn cứ: Nghị định 98/2023/NĐ-CP, Điều 30 khoản 7." in page
    rule_set = EmulationYear.objects.get(year=2015).rule_set
    assert (rule_set.vote_threshold_percent, rule_set.vote_threshold_strict, rule_set.vote_base) == (
        80,
        False,
        "members",
    )
    assert rule_set.written_votes_allowed and rule_set.quorum_percent == 100  # the quorum is not the preset's
    history = page[page.index('data-testid="rule-history"') :]
    assert "Áp dụng mẫu: Từ 80% tổng số thành viên trở lên" in history and "Cán bộ thi đua Bắc Giang" in history
    assert "Ngưỡng phiếu bầu (phần trăm): 50 → 80" in history
    assert "Thành viên vắng mặt được gửi ý kiến bằng văn bản: không → có" in history
    # ...then edited like any rule: the quorum for the written votes to matter.
    data = {
        "source_document": rule_set.source_document,
        "operating_rules_number": "01/QC-CTĐ",
        "operating_rules_date": "15/01/2015",
        "quorum_percent": "80",
        "vote_threshold_percent": "80",
        "vote_base": "members",
        "written_votes_allowed": "on",
        "ballot_tie_rule": "chair_vote",
        "ranking_tie_rule": "section_a",
        "flag_quota": "1",
        "certificate_quota": "1",
        "scoring_mode": "appraisal",
        "peer_assignment": "all_others",
        "peer_aggregation": "mean",
    }
    page = text(client.post(url, data, follow=True))
    assert "Đã lưu bộ quy tắc." in page
    assert "Quy chế hoạt động của Cụm: số 01/QC-CTĐ ngày 15/01/2015." in page
    rule_set.refresh_from_db()
    assert (rule_set.quorum_percent, rule_set.ballot_tie_rule) == (80, "chair_vote")
    assert str(rule_set.operating_rules_date) == "2015-01-15"
    history = page[page.index('data-testid="rule-history"') :]
    assert history.index("Thay đổi bộ quy tắc") < history.index("Áp dụng mẫu")  # newest first
    assert "15/01/2015" in history and "Theo ý kiến của người chủ trì hội nghị" in history


def test_an_unknown_preset_changes_nothing(client, demo, demo_user):
    client.force_login(demo_user("bacgiang"))
    url = reverse("cluster:rule_set", args=[demo.pk, 2015])
    page = text(client.post(url, {"action": "preset", "preset": "nope"}, follow=True))
    assert "Mẫu này không tồn tại." in page
    assert EmulationYear.objects.get(year=2015).rule_set.source_document == ""


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ({"operating_rules_date": "31/02/2015"}, "operating_rules_date", "Nhập một ngày hợp lệ."),
        (
            {"vote_base": "present", "written_votes_allowed": "on"},
            "written_votes_allowed",
            "Với cơ sở tính “trên số thành viên có mặt”, chỉ thành viên có mặt tại hội nghị bỏ phiếu",
        ),
    ],
)
def test_bad_rules_are_refused_next_to_the_field_and_nothing_is_saved(client, demo, demo_user, typed, field, message):
    client.force_login(demo_user("bacgiang"))
    url = reverse("cluster:rule_set", args=[demo.pk, 2015])
    data = {**RULES, "quorum_percent": "80", "source_document": "Quy chế", **typed}
    page = html.unescape(client.post(url, data).content.decode())
    error = re.search(rf'<div id="id_{field}_error" class="invalid-feedback">(.*?)</div>', page, re.S)
    assert error and message in re.sub(r"<[^>]+>", "", error.group(1)), page
    rule_set = EmulationYear.objects.get(year=2015).rule_set
    assert (rule_set.quorum_percent, rule_set.source_document, rule_set.written_votes_allowed) == (100, "", False)


def test_next_year_starts_from_this_year_s_rules_and_their_source(client, demo, demo_user):
    from cluster import services

    year = EmulationYear.objects.get(year=2015)
    services.rule_set_apply_preset(rule_set=year.rule_set, preset_key="decree_98_2023_art_30_7")
    services.rule_set_update(rule_set=year.rule_set, data={"operating_rules_number": "01/QC-CTĐ"})
    members = [(m.province, m.rotation_order) for m in Membership.objects.filter(year=2015).select_related("province")]
    services.emulation_year_open(cluster=demo, year=2016, members=members)
    rule_set = EmulationYear.objects.get(year=2016).rule_set
    assert (rule_set.source_document, rule_set.operating_rules_number) == (
        "Nghị định 98/2023/NĐ-CP, Điều 30 khoản 7",
        "01/QC-CTĐ",
    )
    assert rule_set.written_votes_allowed and rule_set.vote_threshold_percent == 80
    assert rule_set.history.get().history_change_reason == "Sao chép từ bộ quy tắc năm 2015"
    client.force_login(demo_user("yenbai"))
    page = rule_set_page(client, demo, 2016)
    assert "Các quy tắc này căn cứ: Nghị định 98/2023/NĐ-CP, Điều 30 khoản 7." in page
    assert "Sao chép từ bộ quy tắc năm 2015" in page
    assert 'data-testid="presets"' not in page  # members read the rules, they do not change them


def test_a_replaced_source_is_flagged_on_a_later_year(client, demo, demo_user):
    from cluster import services

    year = EmulationYear.objects.get(year=2015)
    members = [(m.province, m.rotation_order) for m in Membership.objects.filter(year=2015).select_related("province")]
    for number in range(2016, 2026):
        services.emulation_year_open(cluster=demo, year=number, members=members)
    client.force_login(demo_user("admin"))
    page = rule_set_page(client, demo, 2025)
    decree = page[page.index('data-preset="decree_98_2023_art_30_7"') :]
    assert "Văn bản này có hiệu lực đến ngày 30/06/2025: hãy kiểm tra xem còn áp dụng cho năm này không." in decree
    assert year.rule_set.source_document == ""


def test_the_navigation_links_to_the_users_own_cluster_when_followed(client, demo, demo_user):
    """The navigation's History, Rotation and Settings links resolve the user's cluster when
    followed (no query for it on every page): staff reach their province's latest cluster,
    admins the cluster, a province with no cluster yet the home page that says so."""
    from tests.factories import UserFactory

    client.force_login(demo_user("backan"))
    page = client.get(reverse("provinces:list")).content.decode()
    mine = reverse("cluster:my_cluster", args=["history"])
    assert f'<a class="nav-link" href="{mine}">Lịch sử</a>' in page
    assert reverse("cluster:my_cluster", args=["rotation"]) not in page  # admins only
    response = client.get(mine)
    assert response.status_code == 302 and response["Location"] == reverse("cluster:history", args=[demo.pk])
    assert client.get(response["Location"]).status_code == 200
    assert client.get(reverse("cluster:my_cluster", args=["nothing"])).status_code == 404

    client.force_login(demo_user("admin"))
    for name in ("rotation", "settings"):
        assert reverse("cluster:my_cluster", args=[name]) in client.get(reverse("provinces:list")).content.decode()
        response = client.get(reverse("cluster:my_cluster", args=[name]))
        assert response["Location"] == reverse(f"cluster:{name}", args=[demo.pk])

    outsider = Province.objects.create(code="98", name="Tỉnh chưa vào cụm")
    client.force_login(UserFactory(province=outsider))
    response = client.get(mine)
    assert response.status_code == 302 and response["Location"] == reverse("cluster:home")
