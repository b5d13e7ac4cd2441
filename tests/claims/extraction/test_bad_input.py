"""Hostile or odd input gives a result or a clear ValueError, never a crash or a bad offset."""

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claims.extraction import ExtractionInputError, analyse, extract_claims


def check_offsets(text: str) -> list:
    result = analyse(text)
    prev_end = 0
    for s in result:
        assert 0 <= s.start < s.end <= len(text)
        assert s.start >= prev_end
        assert text[s.start : s.end] == s.text
        assert s.text == s.text.strip()
        assert 0.0 <= s.checkworthiness <= 1.0
        if s.suggested:
            assert s.reasons and s.rejected_as is None
        else:
            assert s.rejected_as
        prev_end = s.end
    return result


@pytest.mark.parametrize("text", ["", " ", "\n\r\n\t ", "\u2028\u2029", "\x0b\x0c\x85"])
def test_empty_and_blank_text_gives_no_segments(text):
    assert check_offsets(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "the council voted to close the road and the mayor said 40 people lost their jobs",
        "Парламентът ратифицира договора в петък. Безработицата падна до 4,1%.",
        "国会は金曜日に条約を批准した。失業率は4.1%に低下した。",
        "وقال الوزير إن البطالة انخفضت إلى 4.1% في مارس.",
        "Prices\x00 rose\x07 10% in\x0bMarch.\x1b[31m Red.",
        "Lone \ud800 surrogate said 5% \udfff rose.",
        "😀 Emoji 👍🏽 said 12% of 🇧🇬 rose. Next sentence here.",
        "e\u0301 combining accents, the minister said 3 people died.",
        '"""""' + "." * 100 + "?!?!" * 50,
        "A" * 10_000,
        "\x00\x01\x1f",
    ],
)
def test_odd_text_gives_matching_offsets(text):
    check_offsets(text)


def test_a_ten_megabyte_article_is_processed():
    para = (
        "The ministry said on Monday that 1,200 new nurses were hired in 2025. "
        "Critics may disagree. Subscribe now\n\n"
    )
    text = para * (10_000_000 // len(para) + 1)
    assert len(text) >= 10_000_000
    result = extract_claims(text)
    assert result
    first = result[0]
    assert text[first.start : first.end] == first.text


@pytest.mark.parametrize("bad", [None, b"bytes text", 42, ["a"]])
def test_non_text_is_a_clear_value_error(bad):
    with pytest.raises(ExtractionInputError, match="text must be str"):
        analyse(bad)
    assert issubclass(ExtractionInputError, ValueError)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_offsets_round_trip_for_arbitrary_unicode(text):
    check_offsets(text)


news_alphabet = st.sampled_from(
    [*"abcXYZ .,;:!?\"“”'’-–()%$\n\r\t0123456789", "Dr.", "U.S.", " said ", "\r\n", "\u2028"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(news_alphabet, max_size=200).map("".join))
def test_offsets_round_trip_for_punctuation_heavy_text(text):
    check_offsets(text)


def test_the_package_imports_nothing_from_django():
    code = (
        "import sys; import claims.extraction as x; x.extract_claims('The minister said 5% rose.');"
        "bad = [m for m in sys.modules if m == 'django' or m.startswith('django.')];"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
