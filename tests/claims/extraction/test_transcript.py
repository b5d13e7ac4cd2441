"""Transcripts: turns, speakers and cue times read as ranges of the body; claims per turn."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claims.extraction import NEWS, TRANSCRIPT, analyse
from claims.extraction.transcript import (
    TranscriptError,
    analyse_transcript,
    analysis_text,
    decode,
    detect_format,
    extract_transcript,
    parse,
)

HERE = Path(__file__).parent / "transcripts"
FILES = sorted(HERE.iterdir())
# A speaker label written in each test transcript: a plain-text label or a caption voice tag.
_LABEL = re.compile(r"^(?:<v ([^>]+)>|([A-Z][A-Za-z .'-]*?):\s)", re.M)


def _speaker_before(text: str, offset: int, aliases: dict[str, str]) -> str:
    """The speaker whose label comes last before ``offset`` (read independently of the parser)."""
    name = None
    for m in _LABEL.finditer(text, 0, offset):
        name = m.group(1) or m.group(2)
    return aliases.get(name, name)


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_suggested_claim_is_claimed_by_the_speaker_of_its_turn(path):
    text = path.read_text(encoding="utf-8")
    transcript, claims = extract_transcript(text)
    speakers = {t.speaker for t in transcript.turns}
    assert len(speakers) >= 4  # three or more speakers and an interviewer or moderator
    assert len(claims) >= 3  # the town hall holds three claims, one per council member
    aliases = {"OKAFOR": "Grace Okafor", "LINDQVIST": "Erik Lindqvist"}
    for claim in claims:
        assert claim.claimant == claim.speaker == _speaker_before(text, claim.start, aliases)


def test_a_speaker_has_one_spelling_per_transcript():
    text = (HERE / "panel_interview.txt").read_text(encoding="utf-8")
    transcript = parse(text)
    names = [t.speaker for t in transcript.turns]
    assert "OKAFOR" not in names and "LINDQVIST" not in names
    assert names.count("Grace Okafor") == 2 and names.count("Erik Lindqvist") == 2


def test_the_heading_before_the_first_label_belongs_to_no_turn():
    text = (HERE / "panel_interview.txt").read_text(encoding="utf-8")
    transcript, claims = extract_transcript(text)
    assert transcript.turns[0].speaker == "INTERVIEWER"
    assert all(c.start > text.index("INTERVIEWER") for c in claims)


def test_continuation_lines_belong_to_the_last_speaker():
    text = "ANA: Taxes rose by 4 percent in 2020.\nAnd debt doubled since 2015.\nBEN: No.\n"
    turns = parse(text).turns
    assert [t.speaker for t in turns] == ["ANA", "BEN"]
    assert text[turns[0].start : turns[0].end] == (
        "Taxes rose by 4 percent in 2020.\nAnd debt doubled since 2015."
    )


def test_webvtt_cues_keep_their_start_times_and_a_sentence_may_run_across_cues():
    text = (HERE / "debate_captions.vtt").read_text(encoding="utf-8")
    transcript, claims = extract_transcript(text)
    assert transcript.format == "webvtt"
    hale = next(c for c in claims if c.speaker == "Ann Hale")
    assert hale.time == 8.5
    assert hale.text.startswith("Unemployment fell to 3.9 percent in May, the lowest rate")
    assert "-->" in text[hale.start : hale.end]  # the range is over the body as received
    cole = next(c for c in claims if c.speaker == "Iris Cole")
    assert cole.time == 69.5


def test_srt_cues_with_name_prefixes():
    text = (HERE / "town_hall.srt").read_text(encoding="utf-8")
    transcript, claims = extract_transcript(text)
    assert transcript.format == "srt"
    assert [(c.speaker, c.time) for c in claims if c.speaker != "HOST"] == [
        ("MARIA DIAZ", 3.5),
        ("SAM PARK", 10.5),
        ("LE NGUYEN", 17.5),
    ]


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_no_segment_spans_two_turns_and_the_analysis_text_keeps_offsets(path):
    text = path.read_text(encoding="utf-8")
    turns = parse(text).as_list()
    assert len(analysis_text(text, turns)) == len(text)
    for s in analyse_transcript(text, turns):
        turn = turns[s.turn]
        assert turn["start"] <= s.start < s.end <= turn["end"]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["ANA", "Ben Cole", "DR. RUIZ", "Q"]),
            st.text(st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1, max_size=80),
        ),
        min_size=1,
        max_size=8,
    )
)
@settings(max_examples=60, deadline=None, derandomize=True)
def test_plain_turns_never_overlap_and_claims_stay_inside_them(turns):
    text = "".join(f"{name}: {words}\n" for name, words in turns)
    try:
        parsed = parse(text).as_list()
    except TranscriptError:
        assume_blank = all(not w.strip() for _, w in turns)
        assert assume_blank
        return
    ends = 0
    for turn in parsed:
        assert ends <= turn["start"] < turn["end"] <= len(text)
        ends = turn["end"]
    for s in analyse_transcript(text, parsed):
        assert parsed[s.turn]["start"] <= s.start < s.end <= parsed[s.turn]["end"]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("WEBVTT\n\n00:00:01.000 --> 00:00:0x.000\nHello there.\n", 3, "broken WebVTT timing"),
        ("WEBVTT\n\n1\n00:00:01.000 - 00:00:02.000\nHi.\n", 4, "broken WebVTT timing"),
        ("WEBVTT\n\n00:00:05.000 --> 00:00:02.000\nHi.\n", 3, "ends before it starts"),
        ("1\n00:00:01,000 -> 00:00:02,000\nHi.\n", 2, "SRT timing"),
        ("1\n00:00:01,000 --> 00:00:02,000\nHi.\n\n2\nHello.\n", 6, "SRT timing"),
        ("1\n00:00:01,000 --> 00:00:02,000\nHi.\n\nfree text\n", 5, "SRT cue number"),
    ],
)
def test_a_broken_caption_file_is_refused_naming_the_line(text, line, words):
    with pytest.raises(TranscriptError, match=words) as caught:
        parse(text)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"line {line}:")


def test_bytes_in_another_encoding_and_empty_files_are_refused():
    with pytest.raises(TranscriptError, match="0 bytes"):
        decode(b"")
    with pytest.raises(TranscriptError, match="not UTF-8") as caught:
        decode("ANA: Hi.\nBEN: Caf\u00e9 prices rose.\n".encode("latin-1"))
    assert caught.value.line == 2
    with pytest.raises(TranscriptError, match="empty"):
        parse(" \n\t\n")
    assert decode(b"ANA: Hi.\n") == "ANA: Hi.\n"


def test_formats_are_detected():
    assert detect_format("\ufeffWEBVTT\n\n") == "webvtt"
    assert detect_format("1\n00:00:01,000 --> 00:00:02,000\nHi\n") == "srt"
    assert detect_format("WEBVTTish: no\n") == "plain"
    assert detect_format("ANA: Hello.\n") == "plain"


def test_transcript_mode_has_no_forecast_veto_and_news_mode_keeps_it():
    sentence = "They are going to raise your taxes."
    assert not analyse(sentence, mode=NEWS, threshold=0.0)[0].suggested
    assert analyse(sentence, mode=TRANSCRIPT, threshold=0.0)[0].suggested
    assert TRANSCRIPT.model_weight > NEWS.model_weight and TRANSCRIPT.w_first_person == 0.0


def test_context_weights_score_a_sentence_with_the_sentence_before():
    from dataclasses import replace

    from claims.extraction.scorer import load_model

    answer = "We worked hard on the deficit every single day."
    asked = "MODERATOR: What did you do about the deficit?\n\nANA: " + answer + "\n"
    plain = "MODERATOR: Thank you all for coming tonight.\n\nANA: " + answer + "\n"
    turns = parse(asked).as_list()

    def score(text, mode):
        segs = analyse(analysis_text(text, parse(text).as_list()), mode=mode, threshold=0.0)
        return next(s for s in segs if s.text == answer)

    # Off (the shipped weights): the sentence before changes nothing.
    assert TRANSCRIPT.w_context == TRANSCRIPT.w_answer == 0.0
    assert score(asked, TRANSCRIPT).checkworthiness == score(plain, TRANSCRIPT).checkworthiness
    assert score(asked, TRANSCRIPT).reasons == score(plain, TRANSCRIPT).reasons
    # An answer to a question gains w_answer; the reasons say so.
    answering = replace(TRANSCRIPT, w_answer=1.5)
    a, b = score(asked, answering), score(plain, answering)
    assert a.checkworthiness > b.checkworthiness
    assert any("context" in r for r in a.reasons)
    assert not any("context" in r for r in b.reasons)
    # w_context follows the model's logit of the sentence before, centred on context_mean.
    model = load_model(TRANSCRIPT.model)
    before = "Thank you all for coming tonight."
    centred = replace(TRANSCRIPT, w_context=1.0, context_mean=model.logit(before))
    assert score(plain, centred).checkworthiness == score(plain, TRANSCRIPT).checkworthiness
    lifted = replace(centred, context_mean=model.logit(before) - 2.0)
    assert score(plain, lifted).checkworthiness > score(plain, TRANSCRIPT).checkworthiness
    # The first sentence of a transcript has nothing before it.
    first = analyse(analysis_text(asked, turns), mode=answering, threshold=0.0)[0]
    assert first.text.startswith("What did") and not any("context" in r for r in first.reasons)


def test_a_speaker_change_on_every_line_is_refused_naming_the_line():
    from claims.extraction.transcript import CHARS_PER_TURN

    text = "A: x\nB: y\n" * 20_000  # 200,000 characters, 40,000 turns
    with pytest.raises(TranscriptError) as info:
        parse(text)
    limit = len(text) // CHARS_PER_TURN
    assert info.value.line == limit + 1
    assert f"more than {limit:,} speaker turns" in str(info.value)
    # A debate of the same size, with turns as long as spoken turns are, is read.
    debate = "ANN HALE: Unemployment fell to 3.9 percent in May.\nTOM BROOKS: That is wrong.\n"
    turns = parse(debate * (len(text) // len(debate))).turns
    assert len(turns) == 2 * (len(text) // len(debate))


def test_too_many_lines_for_the_text_are_refused():
    from claims.extraction.transcript import CHARS_PER_CUE

    text = "A: " + "x\n" * 100_000
    with pytest.raises(TranscriptError, match=r"lines or cues in .* \(one per 10 characters"):
        parse(text)
    assert CHARS_PER_CUE == 10


def test_markup_bidi_controls_and_a_transcript_without_labels_are_read_as_text():
    html = "ANA: <script>alert(1)</script> Jobs rose by 3 percent in 2023.\n"
    (turn,) = parse(html).turns
    assert turn.speaker == "ANA" and turn.cues[0].start == len("ANA: ")
    bidi = "ANA: \u202eJobs rose 3%\u202c in 2023.\n"
    assert parse(bidi).turns[0].cues[0].start == len("ANA: ")
    speech = "The state lost 20,000 jobs in 2023.\nWages fell by 2 percent.\n"
    (turn,) = parse(speech).turns
    assert turn.speaker is None and len(turn.cues) == 2
