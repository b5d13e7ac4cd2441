import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claims.fetching import find_quote, normalize, quotes

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
        found = normalize(text[match.start : match.end]).strip()
        splits_a_cluster = end < len(text) and unicodedata.combining(text[end])
        if splits_a_cluster or unicodedata.combining(text[start]):
            # A match cannot end inside a character and its combining marks: it takes them whole.
            assert normalize(quote).strip() in found
        else:
            assert found == normalize(quote).strip()


def test_a_quote_is_found_where_it_stands_rather_than_inside_an_expanded_character():
    # NFKC expands "¼" to "1", U+2044, "4": a "1" found inside it would map back to the whole "¼".
    text = "¼ cup and 1 spoon"
    match = find_quote("1", text)
    assert match.found and text[match.start : match.end] == "1"


def _long_text_and_quote(n_words: int, typo_every: int = 20) -> tuple[str, str]:
    words = [f"w{(i * 7919) % 5003}" for i in range(n_words * 3)]
    quoted = [
        w + "x" if i % typo_every == 0 else w for i, w in enumerate(words[n_words : 2 * n_words])
    ]
    return " ".join(words), " ".join(quoted)


def test_a_long_quote_with_slips_is_found_within_a_band_of_bounded_width(monkeypatch):
    calls = []
    real = quotes._word_cost
    monkeypatch.setattr(quotes, "_word_cost", lambda a, b: calls.append(1) or real(a, b))
    text, quote = _long_text_and_quote(600)
    match = find_quote(quote, text)
    assert match.found and not match.exact and match.score > 0.9
    assert text[match.start : match.end].split()[0] == quote.split()[0].removesuffix("x")
    # words x (2 x band + 1) cells per candidate, at most 8 candidates: linear in the quote
    assert len(calls) <= 8 * 600 * (2 * quotes.ALIGN_BAND + 1)


def test_a_quote_of_more_than_a_thousand_words_is_matched_exactly_or_not_at_all():
    text, quote = _long_text_and_quote(1200)
    assert not find_quote(quote, text).found
    exact = " ".join(text.split()[100:1300])
    assert find_quote(exact, text).exact


def test_words_longer_than_the_limit_are_compared_whole():
    assert quotes._word_cost("a" * 5000, "a" * 4999 + "b") == 1.0
    assert quotes._word_cost("a" * 5000, "a" * 5000) == 0.0
