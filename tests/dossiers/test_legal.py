import datetime

import pytest

from dossiers import legal


@pytest.mark.parametrize(
    ("day", "law", "decree"),
    [
        (datetime.date(2015, 3, 4), "26 tháng 11 năm 2003", "65/2014/NĐ-CP"),
        (datetime.date(2018, 2, 1), "26 tháng 11 năm 2003", "91/2017/NĐ-CP"),
        (datetime.date(2024, 3, 1), "06/2022/QH15", "98/2023/NĐ-CP"),
        (datetime.date(2025, 6, 30), "06/2022/QH15", "98/2023/NĐ-CP"),
        (datetime.date(2025, 7, 1), "06/2022/QH15", "152/2025/NĐ-CP"),
    ],
)
def test_a_submission_cites_the_law_and_decree_of_its_day(day, law, decree):
    bases = legal.legal_bases(day)
    assert law in bases[0] and decree in bases[1]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("", ""),
        ("Nghị định 98/2023/NĐ-CP, Điều 30 khoản 7", ""),  # cited already
        ("Hướng dẫn 2745/HD-BTĐKT ngày 24/11/2015.", "Hướng dẫn 2745/HD-BTĐKT ngày 24/11/2015"),
        ("Quy chế của Cụm", "Quy chế của Cụm"),
    ],
)
def test_the_rule_sets_source_is_cited_once(source, expected):
    assert legal.source_basis(source, legal.legal_bases(datetime.date(2024, 3, 1))) == expected
