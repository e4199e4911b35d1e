import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.queries import by_key
from provinces.models import Province
from tests.factories import ProvinceFactory


@pytest.mark.django_db
def test_a_read_by_key_gives_the_row_or_none_with_no_order_by():
    province = ProvinceFactory()  # Province's Meta ordering is by name: `.first()` would add ORDER BY
    with CaptureQueriesContext(connection) as queries:
        assert by_key(Province.objects.filter(pk=province.pk)) == province
        assert by_key(Province.objects.filter(pk=-1)) is None
    assert len(queries) == 2
    assert not any("ORDER BY" in q["sql"] for q in queries.captured_queries)
