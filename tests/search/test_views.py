"""The search box and the results page as a signed-in user meets them."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from search import selectors


def page(response):
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def signed_in(client, demo_2014, demo_user):
    client.force_login(demo_user("yenbai"))
    return client


def test_every_page_has_the_search_box(signed_in, demo_2014):
    html = page(signed_in.get(reverse("cluster:dashboard", args=[demo_2014.pk, 2015])))
    box = re.search(r'<form[^>]*role="search"[^>]*>.*?</form>', html).group(0)
    assert f'action="{reverse("search:results")}"' in box and 'method="get"' in box
    assert '<label class="visually-hidden" for="nav-search">' in box and 'id="nav-search" name="q"' in box


def test_the_results_link_to_what_was_found(signed_in, demo_2014):
    html = page(signed_in.get(reverse("search:results"), {"q": "thai nguyen"}))
    assert 'data-testid="group-provinces"' in html and 'data-testid="group-scorecards"' in html
    assert f'<a href="{reverse("provinces:detail", args=["19"])}">Thái Nguyên</a>' in html
    assert ">Thái Nguyên – 2014</a>" in html and ">Cờ thi đua của Chính phủ: Thái Nguyên</a>" in html
    assert 'value="thai nguyen"' in html  # the query stays in the box, to refine it


def test_empty_query_shows_what_can_be_searched(signed_in):
    html = page(signed_in.get(reverse("search:results")))
    assert 'data-testid="search-empty"' in html and 'data-testid="group-' not in html
    assert 'data-testid="search-empty"' in page(signed_in.get(reverse("search:results"), {"q": "   "}))


def test_nothing_found_says_so(signed_in):
    html = page(signed_in.get(reverse("search:results"), {"q": "khong co gi ca xyz"}))
    assert 'data-testid="search-nothing"' in html and "khong co gi ca xyz" in html


@pytest.mark.parametrize("query", ["%", "_", "'\"", "<script>alert(1)</script>", "%%%_", "\\"])
def test_odd_queries_are_answered_not_failed(signed_in, query):
    html = page(signed_in.get(reverse("search:results"), {"q": query}))
    assert "<script>alert" not in html  # escaped wherever it is shown
    assert 'data-testid="search-no-words"' in html or 'data-testid="search-nothing"' in html


def test_a_very_long_query_is_cut_and_said_to_be(signed_in):
    html = page(signed_in.get(reverse("search:results"), {"q": "thai nguyen " + "x" * 10_000}))
    assert 'data-testid="search-truncated"' in html
    assert re.search(r'id="search-q" name="q" value="(thai nguyen x*)"', html).group(1) == ("thai nguyen " + "x" * 188)
    assert 'data-testid="search-nothing"' in html


def test_a_full_group_behind_its_link(signed_in, demo_2014):
    html = page(signed_in.get(reverse("search:results"), {"q": "20"}))
    assert '<a href="?q=20&amp;group=criteria">' in html
    criteria = re.search(r'data-testid="group-criteria".*?</section>', html).group(0)
    assert criteria.count("<li") == selectors.PER_GROUP
    html = page(signed_in.get(reverse("search:results"), {"q": "20", "group": "criteria"}))
    assert 'data-testid="group-scorecards"' not in html and html.count("/criteria/") > selectors.PER_GROUP
    # An unknown group is the whole search.
    assert 'data-testid="group-scorecards"' in page(signed_in.get(reverse("search:results"), {"q": "20", "group": "x"}))


def test_outside_any_cluster_there_is_nothing_to_search(client, demo_2014):
    from tests.factories import ProvinceFactory, UserFactory

    client.force_login(UserFactory(province=ProvinceFactory(code="95", name="Tỉnh Ngoài")))
    html = page(client.get(reverse("search:results"), {"q": "thai nguyen"}))
    assert 'data-testid="search-no-cluster"' in html and "Thái Nguyên –" not in html


def test_the_page_makes_the_same_number_of_queries_whatever_it_finds(signed_in):
    counts = []
    for query in ("thai nguyen", "20", "a"):
        with CaptureQueriesContext(connection) as queries:
            page(signed_in.get(reverse("search:results"), {"q": query}))
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2]
