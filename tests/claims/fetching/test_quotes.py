import pytest
from hypothesis import given
from hypothesis import strategies as st

from claims.fetching import find_quote, normalize

TEXT = (
    "Officials said on Tuesday that \u201cmore than 10,000 troops\u201d had arrived.\n\n"
    "Zelensky said the troops  engaged in hostilities \u2014 a first, according to Kyiv.\n"
    "The treaty was ratified by both parliaments earlier this year."
)


def test_an_exact_quote_is_found_with_offsets_into_the_original_text():
    match = find_quote("the treaty was ratified by both parliaments", TEXT)
    assert match.found and match.exact
    assert TEXT[match.start : match.end] == "The treaty was ratified by both parliaments"


def test_curly_quotes_dashes_and_whitespace_do_not_matter():
    match = find_quote('"more than 10,000 troops" had arrived', TEXT)
    assert match.found and match.exact
    assert TEXT[match.start : match.end] == "\u201cmore than 10,000 troops\u201d had arrived"
    match = find_quote("the troops engaged in hostilities - a first", TEXT)
    assert match.found
    assert TEXT[match.start : match.end] == "the troops  engaged in hostilities \u2014 a first"


def test_nfkc_equivalents_match():
    text = "The \ufb01nal report: \u2460 and caf\u0065\u0301."
    match = find_quote("the final report: 1 and caf\u00e9", text)
    assert match.found
    assert text[match.start : match.end] == "The \ufb01nal report: \u2460 and caf\u0065\u0301"


def test_a_small_slip_is_tolerated_but_marked_inexact():
    match = find_quote("Zelensky said that the troops engaged in hostilites, a first", TEXT)
    assert match.found and not match.exact
    assert 0.85 <= match.score < 1
    assert TEXT[match.start : match.end].startswith("Zelensky said the troops")


def test_a_different_passage_is_not_found():
    match = find_quote("the troops withdrew from the region after talks in Geneva", TEXT)
    assert not match.found and match.start is None


@pytest.mark.parametrize("quote", ["", "   ", "\u200b"])
def test_an_empty_quote_is_not_found(quote):
    assert not find_quote(quote, TEXT).found


def test_normalize_folds_typography():
    assert normalize("  \u201cA\u00a0 B\u201d \u2013 \u2018c\u2019 ") == "\"a b\" - 'c'"


@given(st.text(min_size=1, max_size=200), st.data())
def test_any_slice_of_a_text_is_found_at_an_equivalent_place(text, data):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    quote = text[start:end]
    match = find_quote(quote, text)
    if normalize(quote).strip():
        assert match.found and match.exact
        assert normalize(text[match.start : match.end]).strip() == normalize(quote).strip()
