"""Sentence segmentation on news text, with exact offsets."""

import pytest

from claims.extraction.segment import segment


def sentences(text: str) -> list[str]:
    spans = segment(text)
    for s in spans:
        assert text[s.start : s.end] == text[s.start : s.end].strip()
        assert s.start < s.end
    return [text[s.start : s.end] for s in spans]


@pytest.mark.parametrize(
    "text",
    [
        "Dr. Smith met Gen. Jones in Jan. last year.",
        "The U.S. Army sent 3.5 tonnes of aid.",
        "John F. Kennedy was elected in 1960.",
        "Prices rose 10,000.5 percent, said Mr. O'Neil of Acme Inc. in London.",
        "It was signed at 10 a.m. on Monday by Sen. Warren.",
        "The No. 2 official, St. Clair, resigned.",
    ],
)
def test_abbreviations_initials_and_numbers_do_not_end_a_sentence(text):
    assert sentences(text) == [text]


def test_a_sentence_ending_in_an_abbreviation_ends_before_a_typical_opener():
    assert sentences("Troops arrived from the U.S. The talks began.") == [
        "Troops arrived from the U.S.",
        "The talks began.",
    ]


def test_a_quotation_of_two_sentences_stays_with_its_attribution():
    text = '"We will not give up. We are ready," the minister said. Talks resume today.'
    assert sentences(text) == [
        '"We will not give up. We are ready," the minister said.',
        "Talks resume today.",
    ]


def test_headlines_bylines_datelines_and_captions_are_their_own_segments():
    text = (
        "Inflation slows to 3.1%\n\nBy Maria Petrova\n\nPhoto: Reuters\n\n"
        "SOFIA, Nov 19 (Newswire) - Inflation slowed to 3.1% in October. It was the lowest since 2022."
    )
    spans = segment(text)
    got = [(s.kind, text[s.start : s.end]) for s in spans]
    assert got == [
        ("headline", "Inflation slows to 3.1%"),
        ("headline", "By Maria Petrova"),
        ("headline", "Photo: Reuters"),
        ("dateline", "SOFIA, Nov 19 (Newswire) -"),
        ("sentence", "Inflation slowed to 3.1% in October."),
        ("sentence", "It was the lowest since 2022."),
    ]


@pytest.mark.parametrize(
    ("stamp", "entry"),
    [
        ("01:55 -", "Labour held Station Ward with 1,204 votes."),
        ("14:05 GMT –", "Paramedics treated 86 runners for heat exhaustion."),
        ("9:30 a.m. —", "Police closed the coastal road."),
        ("10.42am -", "The ferry service was suspended."),
    ],
)
def test_a_live_blog_entry_time_is_a_dateline_before_the_entry(stamp, entry):
    text = f"Live: results\r\n\r\n{stamp} {entry} Counting goes on."
    got = [(s.kind, text[s.start : s.end]) for s in segment(text)]
    assert got[1:3] == [("dateline", stamp), ("sentence", entry)]


def test_a_score_or_a_ratio_at_the_start_is_not_an_entry_time():
    assert sentences("3:2 - the home side won the replay.") == [
        "3:2 - the home side won the replay."
    ]


def test_list_items_are_segments_without_their_bullets():
    text = "Key figures:\n- Exports rose 4%\n* Imports fell 2%\n1. Debt is 60% of GDP"
    assert sentences(text) == [
        "Key figures:",
        "Exports rose 4%",
        "Imports fell 2%",
        "Debt is 60% of GDP",
    ]


def test_crlf_newlines_and_hard_wrapped_paragraphs():
    text = "Title line\r\n\r\nThe council voted on\r\nThursday to close the road. It reopens in May.\r\n"
    assert sentences(text) == [
        "Title line",
        "The council voted on\r\nThursday to close the road.",
        "It reopens in May.",
    ]


def test_questions_and_exclamations_end_sentences():
    assert sentences("Is it true? Yes! It is.") == ["Is it true?", "Yes!", "It is."]


def test_an_overlong_run_without_punctuation_is_cut_into_bounded_segments():
    text = "word " * 5000
    spans = segment(text)
    assert len(spans) > 1
    assert all(s.end - s.start <= 2000 for s in spans)
    assert "".join(text[s.start : s.end] + " " for s in spans) == text
