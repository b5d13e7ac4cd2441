"""The seed article: the claims a reviewer must find marked, and the furniture that must not be."""

from pathlib import Path

import pytest

from claims.extraction import analyse, extract_claims

SEED = Path(__file__).resolve().parents[3] / "seeds" / "000_5fe590b60e8f00fa.txt"


@pytest.fixture(scope="module")
def text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def suggestions(text):
    return extract_claims(text)


def _containing(suggestions, fragment):
    found = [s for s in suggestions if fragment in s.text]
    assert found, f"no suggestion contains {fragment!r}"
    return found[0]


def test_every_suggestion_matches_the_text_and_has_reasons(text, suggestions):
    assert suggestions
    for s in suggestions:
        assert text[s.start : s.end] == s.text
        assert s.suggested and s.rejected_as is None
        assert s.reasons
        assert 0.0 <= s.checkworthiness <= 1.0


def test_the_troops_accusation_is_a_quantity_claimed_by_the_us_and_south_korea(suggestions):
    s = _containing(suggestions, "more than 10,000 troops")
    assert s.claim_type == "quantity"
    assert s.claimant == "The US and South Korea"
    assert "more than 10,000 troops" in s.quantities
    assert "contains a quantity: more than 10,000 troops" in s.reasons
    assert "attributed to The US and South Korea (accused)" in s.reasons


def test_the_treaty_ratification_is_an_event(suggestions):
    s = _containing(suggestions, "recently ratified the mutual defense treaty")
    assert s.claim_type == "event"
    assert "June" in s.dates


def test_zelenskys_statement_of_november_7_is_a_quote_by_zelensky(suggestions):
    s = _containing(suggestions, "Volodymyr Zelensky said")
    assert s.claim_type == "quote"
    assert s.claimant == "Volodymyr Zelensky"
    assert s.attribution_verb == "said"
    assert "November 7" in s.dates
    assert "attributed to Volodymyr Zelensky (said)" in s.reasons


def test_kim_jong_un_meeting_the_natural_resources_minister(suggestions):
    s = _containing(suggestions, "Kim Jong-un met with Russia's natural resources minister")
    assert s.claim_type == "event"


def test_the_foreign_ministers_visit_to_moscow_and_her_words(suggestions):
    visit = _containing(suggestions, "Choe Son-hye recently visited Moscow")
    assert visit.claimant == "Choe Son-hye"
    assert visit.claim_type in ("event", "quote")
    words = _containing(suggestions, '"holy struggle"')
    assert words.claimant == "Choe Son-hye"  # "She" resolved to the minister named before
    assert words.claim_type == "quote"


@pytest.mark.parametrize(
    "fragment",
    [
        "Nov 20, 2024 07:00 209",
        "FAKTI.BG publishes opinions",
        "Tech Support",
        "Translation from French: Asen Georgiev, BTA",
    ],
)
def test_page_furniture_is_not_suggested(suggestions, text, fragment):
    assert not any(fragment in s.text for s in suggestions)
    rejected = [s for s in analyse(text) if fragment in s.text]
    assert rejected and not rejected[0].suggested and rejected[0].rejected_as


def test_the_dateline_and_translation_credit_are_rejected_as_boilerplate(text):
    by_text = {s.text: s for s in analyse(text)}
    assert by_text["Nov 20, 2024 07:00 209"].rejected_as == "boilerplate"
    assert by_text["Translation from French: Asen Georgiev, BTA"].rejected_as == "boilerplate"


def test_speculation_about_russia_is_rejected_as_prediction(text):
    s = next(s for s in analyse(text) if s.text.startswith("Russia could also allow"))
    assert not s.suggested
    assert s.rejected_as == "prediction"
    assert s.reasons[0].startswith("not suggested: prediction or speculation")
