"""The folding both sides of a search go through: marks, đ, case, punctuation."""

import pytest

from search import text


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Thái Nguyên", "thai nguyen"),
        ("Bắc Kạn", "bac kan"),
        ("ĐỖ THỊ HẠNH", "do thi hanh"),
        ("Đ1", "d1"),
        ("01/BB-CTĐ", "01 bb ctd"),
        ("02/GƯ-CTĐ", "02 gu ctd"),
        ("Hòa Bình, Yên Bái", "hoa binh yen bai"),
        ("Ỹ ỹ Ự ự Ẫ ẫ", "y y u u a a"),
        ("  ", ""),
    ],
)
def test_fold(typed, folded):
    assert text.fold(typed) == folded


@pytest.mark.parametrize(
    ("terms", "haystack", "found"),
    [
        (["thai", "nguyen"], "thai nguyen 2014", True),
        (["nguyen", "thai"], "thai nguyen 2014", True),  # any order
        (["ng"], "thai nguyen", True),  # the last word may be the beginning of one
        (["thai", "ng"], "thai nguyen", True),
        (["th", "nguyen"], "thai nguyen", False),  # the others are whole words
        (["do", "thi", "hanh"], "ban hanh ke hoach phat dong cac phong trao thi dua", False),
        (["guyen"], "thai nguyen", False),  # never the middle of one
        (["thai", "2015"], "thai nguyen 2014", False),  # every word must be there
        (["01", "bb"], "bien ban 01 bb ctd 2014", True),
    ],
)
def test_every_term_is_a_word_the_last_may_be_begun(terms, haystack, found):
    assert text.matches(terms, haystack) is found


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("", []),
        ("%", []),
        ("_ ' \" \\ ; --", []),
        ("100%", ["100"]),
        ("a' OR 1=1 --", ["a", "or", "1"]),
        ("Thái  THÁI thai", ["thai"]),
        ("x" * 10_000, ["x" * text.MAX_TERM_LENGTH]),
        (" ".join(f"w{i}" for i in range(50)), [f"w{i}" for i in range(text.MAX_TERMS)]),
    ],
)
def test_query_terms_are_letters_and_digits_only_and_bounded(query, terms):
    assert text.query_terms(query) == terms


def test_tsquery_takes_prefixes_and_refuses_anything_else():
    assert text.tsquery(["thai", "nguyen"]) == "thai & nguyen:*"
    assert text.tsquery(["a1"]) == "a1:*"
    with pytest.raises(ValueError, match="ASCII"):
        text.tsquery(["thai' | nguyen"])
