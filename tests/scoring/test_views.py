import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scoring.models import Evidence, Score, Scorecard
from tests.scoring.builders import build_scored_year


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def bac_kan_2015():
    return Scorecard.objects.get(emulation_year__year=2015, province__code="06")


def test_scoreboard_2014_shows_the_agreed_ranking(client, scoring_demo, demo_user):
    client.force_login(demo_user("yenbai"))
    page = text(client.get(reverse("scoring:scoreboard", args=[scoring_demo.pk, 2014])))
    assert "Đã khóa chấm điểm ngày" in page
    table = page[page.index('data-testid="scoreboard"') :]
    assert table.index("Thái Nguyên") < table.index("Phú Thọ") < table.index("Yên Bái")
    assert re.search(r"<strong>1</strong></td> <td><a [^>]+>Thái Nguyên</a>", page)
    assert "89,00" in page and "90,00" in page and "-1,00" in page  # Bắc Giang: agreed 89,00 vs self 90,00
    assert "<svg" in page and "<rect" in page


def test_scoreboard_shows_ties(client, db, demo_user):
    from tests.factories import AdminFactory

    _cluster, year = build_scored_year(members=3, criteria=4)
    Score.objects.filter(scorecard__emulation_year=year).update(self_score=5, agreed_score=5)
    client.force_login(AdminFactory())
    page = text(client.get(reverse("scoring:scoreboard", args=[year.cluster_id, year.year])))
    phone_list, table = page.split('data-testid="ranked-list"')[1].split('data-testid="scoreboard"')
    assert phone_list.count("đồng hạng</span>") == 3  # the ranked list shown on a phone
    assert table.count("đồng hạng</span>") == 3


def test_drafts_are_private_to_their_province(client, scoring_demo, demo_user):
    url = reverse("scoring:scorecard", args=[bac_kan_2015().pk])
    client.force_login(demo_user("bacgiang"))
    assert client.get(url).status_code == 404
    client.force_login(demo_user("backan"))
    page = text(client.get(url))
    assert "Bảng điểm của Bắc Kạn, năm 2015" in page and "Bản nháp" in page
    assert 'value="8,50"' in page  # the demo draft's A2, shown with a decimal comma


def test_bad_input_keeps_every_typed_value_and_saves_nothing(client, scoring_demo, demo_user):
    scorecard = bac_kan_2015()
    before = sorted(Score.objects.filter(scorecard=scorecard).values_list("criterion_id", "self_score", "note"))
    crit = {
        c.criterion.code: c.criterion.pk
        for b in __import__("scoring.selectors", fromlist=["x"]).criteria_table(scorecard.emulation_year).sections
        for c in b.rows
    }
    client.force_login(demo_user("backan"))
    data = {
        "version": scorecard.version,
        f"score_{crit['A1']}": "12",
        f"score_{crit['A2']}": "abc",
        f"score_{crit['A3']}": "7,5",
        f"note_{crit['A3']}": "Đạt 98% kế hoạch",
        f"score_{crit['C1']}": "4,25",
        "save": "1",
    }
    response = client.post(reverse("scoring:scorecard", args=[scorecard.pk]), data)
    page = text(response)
    assert response.status_code == 400
    assert "2 giá trị bị từ chối: chưa lưu gì. Hãy sửa rồi lưu lại." in page  # the summary at the top
    assert "Điểm không được vượt quá điểm tối đa 10,00." in page
    assert "Hãy nhập một số, ví dụ 8,5." in page
    assert 'value="7,5"' in page and 'value="abc"' in page and 'value="4,25"' in page
    assert "Đạt 98% kế hoạch</textarea>" in page
    assert sorted(Score.objects.filter(scorecard=scorecard).values_list("criterion_id", "self_score", "note")) == before


def test_second_saver_keeps_what_it_typed_and_sees_what_was_saved(client, scoring_demo, demo_user):
    scorecard = bac_kan_2015()
    from scoring import selectors

    a1 = next(c for c in selectors.criteria_table(scorecard.emulation_year).leaves if c.code == "A1")
    client.force_login(demo_user("backan"))
    url = reverse("scoring:scorecard", args=[scorecard.pk])
    opened = scorecard.version
    client.post(url, {"version": opened, f"score_{a1.pk}": "9,5", "save": "1"})
    response = client.post(
        url, {"version": opened, f"score_{a1.pk}": "2", f"note_{a1.pk}": "Số liệu quý IV", "save": "1"}
    )
    page = text(response)
    assert response.status_code == 409
    assert "Người khác đã lưu bảng điểm này trong lúc bạn đang sửa." in page
    assert f'name="score_{a1.pk}" id="id_score_{a1.pk}" value="2"' in page  # what this person typed
    assert "Số liệu quý IV</textarea>" in page
    assert "Đã lưu trong lúc đó: 9,50" in page  # and what was saved meanwhile
    scorecard.refresh_from_db()
    assert f'name="version" value="{scorecard.version}"' in page  # saving again is now possible
    assert Score.objects.get(scorecard=scorecard, criterion=a1).self_score == 9.5


def test_evidence_download_checks_the_reader(client, scoring_demo, demo_user):
    evidence = Evidence.objects.filter(
        score__scorecard__emulation_year__year=2014, score__scorecard__province__code="19"
    ).first()
    url = reverse("scoring:evidence_download", args=[evidence.pk])
    client.force_login(demo_user("yenbai"))  # a member: the 2014 scorecard was submitted
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.logout()
    assert client.get(url).status_code == 302  # login first


def test_draft_evidence_is_hidden_from_other_provinces(client, scoring_demo, demo_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from scoring import selectors, services

    scorecard = bac_kan_2015()
    b1 = next(c for c in selectors.criteria_table(scorecard.emulation_year).leaves if c.code == "B1")
    services.scorecard_save_self(
        scorecard=scorecard,
        user=demo_user("backan"),
        version=scorecard.version,
        entries={},
        files={b1.pk: [SimpleUploadedFile("kh.pdf", b"%PDF-1.4 x")]},
    )
    evidence = Evidence.objects.get(score__scorecard=scorecard)
    client.force_login(demo_user("thainguyen"))
    assert client.get(reverse("scoring:evidence_download", args=[evidence.pk])).status_code == 404


def test_cross_check_is_for_the_chair_only(client, scoring_demo, demo_user):
    tn_2014 = Scorecard.objects.get(emulation_year__year=2014, province__code="19")
    client.force_login(demo_user("phutho"))  # chair of 2014, but 2014 is locked
    assert client.get(reverse("scoring:cross_check", args=[tn_2014.pk])).status_code == 403


def test_province_results_across_years(client, scoring_demo, demo_user):
    client.force_login(demo_user("thainguyen"))
    page = text(client.get(reverse("scoring:province_results", args=["19"])))
    assert "Kết quả của Thái Nguyên qua các năm" in page
    assert re.search(
        r">2014</a></td><td>Cụm thi đua 7 tỉnh trung du và miền núi phía Bắc</td> <td>Đã thống nhất</td>"
        r"<td class=\"num\">100,50</td> <td class=\"num\">100,50</td><td class=\"num\">1</td>",
        page,
    )


def test_criteria_page_shows_consistent_totals(client, scoring_demo, demo_user):
    client.force_login(demo_user("bacgiang"))
    page = text(client.get(reverse("scoring:criteria", args=[scoring_demo.pk, 2015])))
    assert 'data-testid="grand-max">100,00' in page
    assert 'data-testid="section-max-A">50,00' in page and 'data-testid="section-max-B">25,00' in page
    assert "Thêm tiêu chí" in page


def test_chair_adds_a_criterion_with_decimal_comma(client, scoring_demo, demo_user):
    from scoring.models import Criterion, Section

    client.force_login(demo_user("bacgiang"))
    section = Section.objects.get(emulation_year__year=2015, code="D")
    response = client.post(
        reverse("scoring:criterion_new", args=[scoring_demo.pk, 2015]),
        {
            "section": section.pk,
            "code": "D3",
            "title": "Đăng cai hội nghị của Cụm",
            "kind": "points",
            "max_points": "2,5",
            "order": "3",
        },
        follow=True,
    )
    assert "Đã lưu." in text(response)
    assert str(Criterion.objects.get(section=section, code="D3").max_points) == "2.50"
    page = text(client.get(reverse("scoring:criteria", args=[scoring_demo.pk, 2015])))
    assert 'data-testid="grand-max">102,50' in page and 'data-testid="section-max-D">12,50' in page


def test_criterion_with_a_positive_deduction_is_refused(client, scoring_demo, demo_user):
    from scoring.models import Section

    client.force_login(demo_user("bacgiang"))
    section = Section.objects.get(emulation_year__year=2015, code="E")
    page = text(
        client.post(
            reverse("scoring:criterion_new", args=[scoring_demo.pk, 2015]),
            {
                "section": section.pk,
                "code": "E3",
                "title": "Vi phạm",
                "kind": "deduction",
                "max_points": "5",
                "order": "3",
            },
        )
    )
    assert "Mức điểm trừ phải là số âm" in page
    assert 'value="Vi phạm"' in page


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["scoreboard", "scorecard", "cross_check", "scorecards"])
def test_query_count_does_not_grow_with_the_data(client, db, page):
    from tests.factories import UserFactory

    counts = []
    for size, (members, criteria) in enumerate([(3, 8), (12, 60)]):
        _cluster, year = build_scored_year(members=members, criteria=criteria, year=2030 + size, prefix=f"s{size} ")
        chair_province = year.memberships.get(role="chair").province
        card = Scorecard.objects.filter(emulation_year=year).exclude(province=chair_province).order_by("pk").first()
        client.force_login(UserFactory(province=chair_province))
        url = {
            "scoreboard": reverse("scoring:scoreboard", args=[year.cluster_id, year.year]),
            "scorecard": reverse("scoring:scorecard", args=[card.pk]),
            "cross_check": reverse("scoring:cross_check", args=[card.pk]),
            "scorecards": reverse("scoring:scorecards", args=[year.cluster_id, year.year]),
        }[page]
        counts.append(_count(client, url))
    assert counts[0] == counts[1], counts


def test_province_results_hide_other_provinces_drafts(client, scoring_demo, demo_user):
    client.force_login(demo_user("yenbai"))
    page = text(client.get(reverse("scoring:province_results", args=["06"])))
    assert ">2014</a>" in page and ">2015</a>" not in page  # Bắc Kạn's 2015 scorecard is a draft
    client.force_login(demo_user("backan"))
    assert ">2015</a>" in text(client.get(reverse("scoring:province_results", args=["06"])))


def test_a_provinces_own_draft_page_and_save_do_not_read_the_years_members(client, scoring_demo, demo_user):
    """The rules test the scorecard's own status and province before the year's members
    (`scoring.rules`): a province's draft page and its save need no membership read; another
    member's submitted scorecard does need one."""
    draft = Scorecard.objects.get(emulation_year__cluster=scoring_demo, emulation_year__year=2015, province__code="06")
    url = reverse("scoring:scorecard", args=[draft.pk])
    client.force_login(demo_user("backan"))

    def member_reads(call):
        with CaptureQueriesContext(connection) as ctx:
            response = call()
        return response, [q["sql"] for q in ctx.captured_queries if '"cluster_membership"."role"' in q["sql"]]

    page, reads = member_reads(lambda: client.get(url))
    assert page.status_code == 200 and 'name="save"' in page.content.decode() and reads == []
    saved, reads = member_reads(lambda: client.post(url, {"version": draft.version, "save": "1"}))
    assert saved.status_code == 302 and reads == []
    submitted = Scorecard.objects.get(
        emulation_year__cluster=scoring_demo, emulation_year__year=2014, province__code="24"
    )
    other, reads = member_reads(lambda: client.get(reverse("scoring:scorecard", args=[submitted.pk])))
    assert other.status_code == 200 and len(reads) == 1
