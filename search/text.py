"""Search text without diacritics: pure functions, no ORM.

Vietnamese is typed with or without its marks ("thai nguyen" for "Thái Nguyên"), so both the
query and the searched text are folded the same way: the marks dropped (NFD, then the combining
characters left out), đ/Đ (which has no decomposition) read as d, lower case, and anything but
ASCII letters and digits taken as a space. PostgreSQL folds in SQL with the same result for
Vietnamese text (`unaccent`, `lower`, `regexp_replace`: see `search.selectors`)."""

import re
import unicodedata

#: Longer queries are cut here (a search box, not a document).
MAX_QUERY_LENGTH = 200
#: Words of a query beyond this many are ignored.
MAX_TERMS = 8
#: A longer word is cut: nobody types a 50-letter word, and PostgreSQL lexemes stay small.
MAX_TERM_LENGTH = 50

_NOT_WORD = re.compile(r"[^a-z0-9]+")
_EXTRA = str.maketrans({"đ": "d", "Đ": "D"})


def fold(text):
    """'Biên bản 01/BB-CTĐ' -> 'bien ban 01 bb ctd'."""
    decomposed = unicodedata.normalize("NFD", str(text).translate(_EXTRA))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_WORD.sub(" ", bare.lower()).strip()


def words(text):
    return fold(text).split()


def query_terms(query):
    """The words a query searches for: folded, each once, in the order typed, at most
    MAX_TERMS of them, each at most MAX_TERM_LENGTH characters."""
    terms = []
    for word in words(str(query)[:MAX_QUERY_LENGTH]):
        word = word[:MAX_TERM_LENGTH]
        if word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


def matches(terms, haystack):
    """Every term is a word of the folded `haystack`, the last one the beginning of a word (as
    PostgreSQL's `a & b & c:*`): Vietnamese syllables are short, and "do" starting every word
    ("động", "đối", "đoàn"…) would find nearly everything; the last word is often still being typed."""
    padded = f" {haystack} "
    *whole, last = terms
    return all(f" {term} " in padded for term in whole) and f" {last}" in padded


def tsquery(terms):
    """A raw tsquery ANDing the terms, the last one as a prefix: 'thai & nguyen:*'. Safe as raw
    text: each term holds ASCII letters and digits only."""
    if not all(term.isascii() and term.isalnum() for term in terms):
        raise ValueError("terms come from query_terms: ASCII letters and digits only")
    *whole, last = terms
    return " & ".join([*whole, f"{last}:*"])
