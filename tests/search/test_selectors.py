"""The search as its callers see it: what is found, by whom, and at what cost in queries.

Runs on SQLite (the search in Python) and on PostgreSQL (full-text search over `unaccent`):
the same expectations hold on both."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse

from cluster import services as cluster_services
from cluster.models import EmulationYear, Person
from reports import services as report_services
from reports.enums import DocumentKind
from scoring.models import Criterion, Scorecard
from search import selectors
from search.selectors import search

User = get_user_model()
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's full-text search")


def found(results, key):
    """The titles of one group's hits."""
    return [hit.title for group in results.groups if group.key == key for hit in group.hits]


def group(results, key):
    return next((g for g in results.groups if g.key == key), None)


def test_without_diacritics_finds_thai_nguyen(demo_2014, demo_user):
    results = search(demo_user("yenbai"), demo_2014, "thai nguyen")
    assert found(results, "provinces") == ["Thái Nguyên"]
    assert found(results, "scorecards") == ["Thái Nguyên – 2014"]
    assert found(results, "nominations") == ["Cờ thi đua của Chính phủ: Thái Nguyên"]
    card = Scorecard.objects.get(province__code="19", emulation_year__year=2014)
    assert group(results, "scorecards").hits[0].url == reverse("scoring:scorecard", args=[card.pk])
    assert "Phạm Thị Dung" in found(results, "people")  # the post says "… tỉnh Thái Nguyên"


@pytest.mark.parametrize("query", ["bac kan", "BAC KAN", "Bắc Kạn", "bắc kan", "bac k"])
def test_bac_kan_however_it_is_typed(demo_2014, demo_user, query):
    results = search(demo_user("yenbai"), demo_2014, query)
    assert found(results, "provinces") == ["Bắc Kạn"]
    assert found(results, "scorecards") == ["Bắc Kạn – 2014"]


def test_a_criterion_by_its_code_and_by_a_word_without_marks(demo_2014, demo_user):
    user = demo_user("yenbai")
    by_code = group(search(user, demo_2014, "a1"), "criteria")
    assert [hit.title.split(".")[0] for hit in by_code.hits] == ["A1", "A1"]  # 2015 first, then 2014
    assert "2015 · A. Thực hiện" in by_code.hits[0].detail and "2014 · A. Thực hiện" in by_code.hits[1].detail
    assert by_code.hits[1].url == reverse("scoring:criteria", args=[demo_2014.pk, 2014])
    assert found(search(user, demo_2014, "ho ngheo 2014"), "criteria") == ["A3. Giảm tỷ lệ hộ nghèo theo kế hoạch"]
    assert found(search(user, demo_2014, "d1 2014"), "criteria") == [  # Đ1 too: đ is read as d
        "D1. Tham dự đầy đủ các hội nghị, hoạt động của Cụm",
        "Đ1. Có mô hình mới, cách làm sáng tạo được Trung ương ghi nhận",
    ]


def test_a_document_by_its_number(demo_2014, demo_user):
    minutes = report_services.report_request(
        kind=DocumentKind.MINUTES, emulation_year=demo_2014.years.get(year=2014), user=demo_user("phutho")
    )
    results = search(demo_user("yenbai"), demo_2014, "01/BB")
    assert found(results, "documents") == ["Biên bản hội nghị tổng kết 01/BB-CTĐ"]
    assert group(results, "documents").hits[0].url == reverse("reports:report", args=[minutes.pk])
    assert found(search(demo_user("yenbai"), demo_2014, "bien ban 2014"), "documents") == [
        "Biên bản hội nghị tổng kết 01/BB-CTĐ"
    ]
    assert not found(search(demo_user("yenbai"), demo_2014, "01/BB 2015"), "documents")


def test_a_person_by_name_without_marks(demo_2014, demo_user):
    results = search(demo_user("yenbai"), demo_2014, "do thi hanh")
    hits = group(results, "people").hits
    assert [hit.title for hit in hits] == ["Đỗ Thị Hạnh", "Đỗ Thị Hạnh"]  # a person of each year
    assert hits[0].detail.startswith("Trưởng Ban Thi đua - Khen thưởng tỉnh Bắc Giang · Bắc Giang · ")
    assert hits[0].detail.endswith("2015") and hits[1].detail.endswith("2014")
    assert hits[0].url == reverse("cluster:people", args=[demo_2014.pk, 2015])
    assert [g.key for g in results.groups] == ["people"]  # not "Ban hành … phát động … thi đua"


def test_another_clusters_rows_never_show(demo_2014, demo_user, small_cluster):
    other = small_cluster["year"]
    cluster_services.person_save(
        emulation_year=other,
        user=small_cluster["admin"],
        province=small_cluster["provinces"][0],
        full_name="Phạm Thị Dung",
    )
    admin = demo_user("admin")
    in_demo = search(admin, demo_2014, "pham thi dung")
    assert {hit.url for hit in group(in_demo, "people").hits} == {
        reverse("cluster:people", args=[demo_2014.pk, year]) for year in (2014, 2015)
    }
    in_other = search(admin, small_cluster["cluster"], "pham thi dung")
    assert [hit.url for hit in group(in_other, "people").hits] == [
        reverse("cluster:people", args=[small_cluster["cluster"].pk, 2020])
    ]
    assert not search(admin, small_cluster["cluster"], "thai nguyen").groups
    # A member of the demo cluster searching the other cluster finds nothing of it at all.
    assert not search(demo_user("yenbai"), small_cluster["cluster"], "tinh").groups
    assert search(small_cluster["admin"], small_cluster["cluster"], "tinh 1").groups


@pytest.mark.parametrize(
    ("username", "years"),
    [
        ("yenbai", [2014]),  # Bắc Kạn's 2015 scorecard is a draft: its own province's
        ("bacgiang", [2014]),  # the chair sees it once submitted
        ("backan", [2015, 2014]),
        ("admin", [2015, 2014]),
    ],
)
def test_a_draft_scorecard_only_for_its_province(scoring_demo, demo_user, username, years):
    hits = group(search(demo_user(username), scoring_demo, "bac kan"), "scorecards").hits
    assert [hit.title for hit in hits] == [f"Bắc Kạn – {year}" for year in years]


@pytest.mark.parametrize("username", ["yenbai", "backan", "bacgiang", "thainguyen", "admin"])
def test_the_scorecards_found_are_those_the_rules_let_one_read(scoring_demo, demo_user, username):
    """Every scorecard of the cluster (each has its year in its text), against the rule itself."""
    user = demo_user(username)
    results = search(user, scoring_demo, "20", group="scorecards")
    readable = [
        c for c in Scorecard.objects.select_related("emulation_year") if user.has_perm("scoring.view_scorecard", c)
    ]
    assert sorted(hit.url for hit in group(results, "scorecards").hits) == sorted(
        reverse("scoring:scorecard", args=[c.pk]) for c in readable
    )
    assert group(results, "scorecards").count == len(readable)


def test_outside_the_cluster_nothing_is_found(demo_2014):
    from tests.factories import ProvinceFactory, UserFactory

    outsider = UserFactory(province=ProvinceFactory(code="95", name="Tỉnh Ngoài"))
    assert search(outsider, demo_2014, "thai nguyen").groups == []
    assert search(outsider, demo_2014, "tinh ngoai").groups == []


def test_at_most_a_page_per_group_with_its_count(demo_2014, demo_user):
    user = demo_user("yenbai")
    total = Criterion.objects.filter(section__emulation_year__cluster=demo_2014).count()
    criteria = group(search(user, demo_2014, "20"), "criteria")
    assert (len(criteria.hits), criteria.count, criteria.more) == (selectors.PER_GROUP, total, total - 10)
    assert "2015 · A." in criteria.hits[0].detail
    whole = search(user, demo_2014, "20", group="criteria")
    assert [g.key for g in whole.groups] == ["criteria"] and len(whole.groups[0].hits) == total == whole.count


@pytest.mark.parametrize("query", ["", "   ", "%", "_", "'", '"', "\\", "%_'\";--"])
def test_an_empty_or_odd_query_finds_nothing_and_fails_nowhere(demo_2014, demo_user, query, django_assert_num_queries):
    user = demo_user("yenbai")
    with django_assert_num_queries(0):
        results = search(user, demo_2014, query)
    assert results.groups == [] and results.terms == []


@pytest.mark.parametrize("query", ["' OR 1=1 --", "thai%", "thai_nguyen", "'thai' & !nguyen", "thai:* | nguyen"])
def test_quotes_and_operators_are_only_spaces(demo_2014, demo_user, query):
    results = search(demo_user("yenbai"), demo_2014, query)
    assert all(term.isalnum() for term in results.terms)
    if "thai" in query:
        assert "Thái Nguyên" in found(results, "provinces")


def test_a_very_long_query_is_cut(demo_2014, demo_user):
    results = search(demo_user("yenbai"), demo_2014, "thai nguyen " + "x" * 10_000)
    assert results.truncated and len(results.query) == 200 and results.groups == []
    results = search(demo_user("yenbai"), demo_2014, "thai " * 2_000)
    assert results.truncated and found(results, "provinces") == ["Thái Nguyên"]


def _grow(cluster):
    """Many more rows in every group: people, documents, criteria of a third year."""
    year = EmulationYear.objects.get(cluster=cluster, year=2015)
    Person.objects.bulk_create(
        Person(emulation_year=year, full_name=f"Người Thử {i} 2015", post="Chuyên viên") for i in range(60)
    )
    report_services.report_request(
        kind=DocumentKind.SCORE_SUMMARY,
        emulation_year=cluster.years.get(year=2014),
        user=User.objects.get(username="phutho"),
    )


@pytest.mark.parametrize("username", ["yenbai", "admin"])
def test_the_same_number_of_queries_at_two_sizes(demo_2014, demo_user, username, django_assert_max_num_queries):
    """Years, memberships, then one query per group: 8, whatever the cluster holds."""
    user = demo_user(username)
    with django_assert_max_num_queries(8):
        small = search(user, demo_2014, "20")
    _grow(demo_2014)
    with django_assert_max_num_queries(8):
        large = search(user, demo_2014, "20")
    assert {g.key for g in small.groups} <= {g.key for g in large.groups}
    assert group(large, "people").count == group(small, "people").count + 60


@on_postgresql
@pytest.mark.parametrize("query", ["thai nguyen", "bac kan", "a1", "d1", "01/BB", "do thi hanh", "20", "ban", "19"])
def test_postgresql_and_the_python_fallback_agree(year_2015, demo_user, query):
    cluster = year_2015.cluster
    report_services.report_request(
        kind=DocumentKind.MINUTES, emulation_year=cluster.years.get(year=2014), user=demo_user("phutho")
    )
    for username in ("yenbai", "admin"):
        user = demo_user(username)
        by_sql = search(user, cluster, query, engine="postgresql")
        in_python = search(user, cluster, query, engine="python")
        assert by_sql.groups == in_python.groups


@on_postgresql
def test_postgresql_folds_every_vietnamese_letter_as_python_does(db):
    from search import text

    letters = [chr(c) for c in range(0x1EA0, 0x1EFA)] + list("ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúýĂăĐđĨĩŨũƠơƯư")
    with connection.cursor() as cursor:
        cursor.execute("SELECT lower(unaccent(%s))", [" ".join(letters)])
        (folded,) = cursor.fetchone()
    assert folded.split() == [text.fold(letter) for letter in letters]
