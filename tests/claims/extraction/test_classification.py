"""Claim types, claimants, reasons, and why a sentence is not suggested."""

import json

import pytest

from claims.extraction import Suggestion, analyse, extract_claims


def one(text: str) -> Suggestion:
    result = analyse(text)
    assert len(result) == 1, [s.text for s in result]
    return result[0]


@pytest.mark.parametrize(
    ("text", "claim_type"),
    [
        (
            "Unemployment rose to 5.1% in March, the National Statistical Institute said.",
            "quantity",
        ),
        ("The government spent $2.5 billion on the new hospital last year.", "quantity"),
        ("The two leaders met in Geneva on Tuesday and signed a trade agreement.", "event"),
        ("Parliament ratified the treaty on Friday.", "event"),
        (
            '"We have never been so close to a deal," Prime Minister Jane Holt said on Monday.',
            "quote",
        ),
        ("It was the lowest unemployment rate since records began.", "comparison"),
        ("The bridge closed because of corrosion found in its cables.", "event"),
    ],
)
def test_claim_types(text, claim_type):
    s = one(text)
    assert s.suggested, s.reasons
    assert s.claim_type == claim_type


def test_a_claimant_named_in_the_sentence_and_its_verb():
    s = one("Unemployment rose to 5.1% in March, the National Statistical Institute said.")
    assert s.claimant == "the National Statistical Institute"
    assert s.attribution_verb == "said"
    assert "attributed to the National Statistical Institute (said)" in s.reasons
    assert "contains a quantity: 5.1%" in s.reasons


def test_according_to_and_titles_are_handled():
    s = one("According to Health Minister Dr. Ana Ruiz, 1,200 beds were added in 2025.")
    assert s.claimant == "Ana Ruiz"
    assert s.attribution_verb == "according to"
    assert "1,200 beds" in s.quantities
    assert "2025" in s.dates


@pytest.mark.parametrize(
    ("text", "claimant"),
    [
        ("Finance minister Ana Costa said the deficit fell to 2.1% last year.", "Ana Costa"),
        ("Airport chief executive Martin Huber said passenger numbers rose 12%.", "Martin Huber"),
        ("Opposition leader Martina Kral said turnout was 68.4%.", "Martina Kral"),
        (
            "The US and South Korea said more than 10,000 troops were sent.",
            "The US and South Korea",
        ),
    ],
)
def test_a_role_in_lower_case_before_a_name_is_not_the_claimant(text, claimant):
    s = one(text)
    assert s.claimant == claimant
    assert s.attribution_verb == "said"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("Will the government cut taxes before the election?", "question"),
        ("I think this policy is a disgrace and the minister should resign.", "opinion"),
        ("The central bank may cut interest rates later this year.", "prediction"),
        ("Experts fear that the virus could spread to neighbouring countries.", "prediction"),
        ("Subscribe to our newsletter for the latest updates.", "boilerplate"),
        ("Read also: Parliament approves budget", "boilerplate"),
        ("Photo: Reuters", "boilerplate"),
        ("Share this article", "boilerplate"),
        ("Tags: economy, inflation, prices", "boilerplate"),
        ("14 comments", "boilerplate"),
        ("By Maria Petrova", "boilerplate"),
        ("1,284 views", "boilerplate"),
    ],
)
def test_rejections_say_why(text, why):
    s = one(text)
    assert not s.suggested
    assert s.rejected_as == why
    assert s.reasons[0].startswith("not suggested:")


def test_a_quoted_opinion_or_forecast_is_not_suggested_for_being_a_quote():
    opinion = one(
        '"These results should worry anyone who cares about our rivers," '
        "said Professor Elena Novak, who led the study."
    )
    assert not opinion.suggested
    assert opinion.rejected_as == "opinion"
    assert opinion.claimant == "Elena Novak"
    forecast = one('"We will fix every leaking pipe by the summer," said Simon Ashdown.')
    assert not forecast.suggested
    assert forecast.rejected_as == "prediction"
    # a quoted statement of fact still is
    fact = one('"We replaced 140 kilometres of mains last year," said Simon Ashdown.')
    assert fact.suggested
    assert fact.claim_type == "quantity"
    assert fact.claimant == "Simon Ashdown"


def test_a_quotation_that_is_all_view_is_not_lifted_by_who_said_it():
    s = one(
        '"This is a victory for common sense and for everyone who lives under the flight path," '
        "said Eva Gruber."
    )
    assert not s.suggested
    assert s.claimant == "Eva Gruber"
    assert "attributed to Eva Gruber (said)" in s.reasons
    # a few quoted words inside reported speech keep the weight of the attribution
    words = one(
        'Choe Son-hye said Pyongyang believed in the "wise direction" of the Kremlin and called '
        'the war a "holy struggle".'
    )
    assert words.suggested
    assert words.claimant == "Choe Son-hye"


def _learned_words(s: Suggestion) -> list[str]:
    reason = next(r for r in s.reasons if r.startswith("learned score"))
    return reason.partition("words: ")[2].split(", ")


def test_a_direct_quotation_is_scored_by_what_it_says_not_by_the_word_said():
    direct = one(
        '"It is an industrial site in the middle of the countryside," said Anne Marsh, '
        "who organised the petition."
    )
    assert direct.claimant == "Anne Marsh"
    assert "said" not in _learned_words(direct)
    colon = one('Anne Marsh said: "It is an industrial site in the middle of the countryside."')
    assert "said" not in _learned_words(colon)
    # reported speech keeps the model's view of the whole sentence
    reported = one(
        "Anne Marsh said the site was an industrial one in the middle of the countryside."
    )
    assert "said" in _learned_words(reported)


def test_an_event_verb_under_a_hedged_modal_is_not_an_event():
    s = one("The committee would probably cut interest rates in the autumn.")
    assert not s.suggested
    assert s.rejected_as == "prediction"
    assert not any(r.startswith("reports an event") for r in s.reasons)


def test_a_past_plan_is_not_a_forecast():
    past = one("The ministry knew in March that the plant was going to close.")
    assert past.rejected_as != "prediction"
    assert not any(r.startswith("prediction") for r in past.reasons)
    future = one("The ministry knows that the plant is going to close.")
    assert future.rejected_as == "prediction"


def test_expect_with_its_object_before_to_is_a_forecast():
    s = one("Chief executive Ana Berg said the company expected freight to remain weak this year.")
    assert not s.suggested
    assert any(r.endswith("prediction or speculation: expected") for r in s.reasons)
    past = one("Retail sales grew much faster than economists had expected in the spring.")
    assert not any(r.startswith("prediction") for r in past.reasons)


def test_expected_in_the_passive_is_a_forecast():
    s = one("Further talks are expected later this week, a ministry spokesman said.")
    assert not s.suggested
    assert any(r.endswith("prediction or speculation: expected") for r in s.reasons)


def test_an_age_after_a_name_is_not_a_quantity():
    s = one('"It is always the same," said Elin Berg, 34, who was waiting at the station.')
    assert s.quantities == ()
    assert not any(r.startswith("contains a quantity") for r in s.reasons)
    counted = one("The fine was raised from 500 to 1,000 euros, 20, 30 and 40 cases were heard.")
    assert "20" in counted.quantities


def test_a_time_of_day_alone_does_not_date_a_claim():
    s = one("Patients can call the helpline on weekdays between 9am and 5pm.")
    assert s.dates == ("9am", "5pm")
    assert not any(r.startswith("dated") for r in s.reasons)
    dated = one("The council voted on Tuesday at 7 p.m. to close the pool.")
    assert "dated: on Tuesday" in dated.reasons


def test_a_sentence_with_two_claims_is_split_into_clauses():
    text = "Exports fell 4.2% in October; imports rose 1.5% over the same period."
    result = extract_claims(text)
    assert [s.text for s in result] == [
        "Exports fell 4.2% in October",
        "imports rose 1.5% over the same period.",
    ]
    for s in result:
        assert text[s.start : s.end] == s.text


def test_threshold_controls_what_is_suggested():
    text = "Parliament ratified the treaty on Friday."
    assert extract_claims(text, threshold=0.0)
    assert extract_claims(text, threshold=1.01) == []


def test_as_dict_is_json_ready():
    s = one("Parliament ratified the treaty on Friday.")
    data = json.loads(json.dumps(s.as_dict()))
    assert data["text"] == s.text
    assert data["reasons"] == list(s.reasons)
    assert set(data) >= {"start", "end", "claim_type", "checkworthiness", "claimant", "suggested"}


def test_the_learned_score_is_explained_by_the_words_behind_it():
    s = one("The government spent $2.5 billion on the new hospital last year.")
    assert any(r.startswith("learned score") for r in s.reasons)


def test_a_suggestion_is_built_as_its_class_builds_it():
    """The extractor fills a Suggestion's slots through a twin class (``core._make``), quicker
    than the frozen dataclass's ``__init__``: the instances are the same, in news and transcript
    modes, and each is one slotted object (no dict) that stays frozen."""
    import dataclasses
    from dataclasses import asdict, fields

    from claims.extraction.transcript import extract_transcript

    text = (
        "Unemployment rose to 5.1% in March, the National Statistical Institute said. "
        "It was the lowest rate since records began. Is it? Subscribe to our newsletter."
    )
    _, spoken = extract_transcript("ANA COSTA: We cut the deficit by 2% in 2023.\n")
    items = analyse(text) + extract_claims(text) + spoken
    assert len(items) >= 5 and spoken[0].speaker == "ANA COSTA"
    for s in items:
        rebuilt = Suggestion(**asdict(s))
        assert rebuilt == s and hash(rebuilt) == hash(s) and repr(rebuilt) == repr(s)
        assert type(s) is Suggestion and not hasattr(s, "__dict__")
        assert [getattr(s, f.name) for f in fields(Suggestion)] == list(asdict(rebuilt).values())
        with pytest.raises(dataclasses.FrozenInstanceError):
            s.start = 0


def test_whole_line_furniture_is_only_skipped_where_it_cannot_begin():
    """``boilerplate_reason`` tries the whole-line patterns (counters, bylines) only on a line
    that begins with a character of ``cues._WHOLE_STARTS`` or outside ASCII. Every ASCII first
    character before each word of those patterns, alone, after a count and before a name: where
    the patterns match, the gate lets the line through."""
    import re

    from claims.extraction import cues

    words = {w for p, _ in cues.BOILERPLATE_WHOLE for w in re.findall(r"[a-z]{2,}", p.pattern)}
    assert {"comments", "views", "reads"} <= {w + "s" for w in words} | words
    tried = matched = 0
    for word in sorted(words):
        for code in range(128):
            c = chr(code)
            for line in (c + word[1:], c + word[1:] + ": 12", c + word[1:] + " Maria Petrova"):
                tried += 1
                if cues._WHOLE_RE.match(line):
                    matched += 1
                    assert c in cues._WHOLE_STARTS, line
                    assert cues.boilerplate_reason(line) is not None
    assert matched > 20 and tried > 1000
    for line in ("14 comments", "By Maria Petrova", "1,284 views", "ſhares"):
        assert cues.boilerplate_reason(line) is not None, line
    assert cues.boilerplate_reason("Ab cd ef 12.") is None
