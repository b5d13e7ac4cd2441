"""The re-rank's same-claim vetoes, on hand-made candidates (pure Python)."""

from __future__ import annotations

from dataclasses import replace

from claims.matching import rank


def candidate(claim_lexemes: dict[str, int], said: float) -> rank.Candidate:
    c = rank.Candidate(key=("claimreview", 1), tf={}, lengths=(5, 0, 0), embedding=None)
    c.features = (1.0, 0.9, 1.0, 1.0, said)
    c.extra["claim_lexemes"] = claim_lexemes
    return c


def test_numbers_disagree_only_when_both_state_numbers_and_share_none():
    assert rank.numbers_disagree({"bridg", "2026"}, {"bridg", "140", "million"})
    assert not rank.numbers_disagree({"bridg", "140"}, {"bridg", "140", "million"})
    assert not rank.numbers_disagree({"bridg", "open"}, {"bridg", "140"})  # one side only
    assert not rank.numbers_disagree({"bridg"}, {"bridg"})
    assert rank.numbers({"4.2", "1,000", "covid-19", "abc", "19"}) == {"4.2", "1,000", "19"}


def test_the_veto_and_the_gate_scale_the_same_claim_score_only_when_switched_on():
    p = replace(rank.params(), same_coef=(1.0, 1.0, 0.0, 1.0, 1.0), same_intercept=0.0)
    query = {"bridg", "porto", "2026"}
    numbers_apart = candidate({"bridg": 3, "porto": 2, "140": 9}, said=0.9)
    little_said = candidate({"bridg": 60, "teacher": 2, "earn": 2, "doctor": 2}, said=0.1)
    for c in (numbers_apart, little_said):
        rank.claim_coverage([c], query_lexemes=query, corpus=rank.Corpus(100, (5.0, 5.0, 5.0)))
    assert little_said.features[4] < 0.3 < numbers_apart.features[4]
    assert numbers_apart.extra["numbers_disagree"] and not little_said.extra["numbers_disagree"]

    off = rank.score([numbers_apart, little_said], replace(p, number_veto=1.0))
    unvetoed = [c.score for c in off]
    on = rank.score([numbers_apart, little_said], replace(p, number_veto=0.5, min_claim_said=0.3))
    assert [c.score for c in on] == [s * 0.5 for s in unvetoed]
    gate_off = rank.score([little_said], replace(p, number_veto=0.5, min_claim_said=0.0))
    assert gate_off[0].score == unvetoed[1]
