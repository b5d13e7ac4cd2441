"""The re-rank: BM25 over the weighted parts of each candidate and a static-embedding
similarity order the candidates (a linear ranking tuned for MAP@5); a logistic model over the
same features plus how much of each side the other covers gives ``score`` in 0..1, the
confidence that a candidate is the same claim. Its parameters are in ``model.json``, chosen by
``bench/matching_eval.py`` on the train and dev splits only.
"""

from __future__ import annotations

import functools
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MODEL_PATH = Path(__file__).with_name("model.json")
PARTS = ("A", "B", "C")  # claim reviewed, title, description


@dataclass(frozen=True)
class Params:
    k1: float = 1.2
    b: float = 0.75
    weights: tuple[float, float, float] = (1.0, 1.0, 1.0)
    # Over the features: relative BM25, cosine, saturated query coverage, share of the query's
    # idf found in the candidate, share of the candidate claim's idf found in the query (this
    # last one only for the best candidates: see claim_coverage).
    coef: tuple[float, ...] = (0.35, 1.0, 0.5, 0.0, 0.0)  # the ranking
    same_coef: tuple[float, ...] = (0.0, 6.0, 0.0, 3.0, 3.0)  # the same-claim score
    same_intercept: float = -8.0
    threshold: float = 0.5
    # The same-claim score is multiplied by this when the query and the candidate's claim both
    # state numbers and share none ("cost 140 million" against "opens in 2026"): 1.0 is no veto.
    number_veto: float = 1.0
    # ... and by the same factor when less than this share of the candidate claim's idf is said
    # by the query (a near-topic claim: "teachers in Finland earn more than doctors" against
    # "Finland has the most teachers per pupil"); 0.0 is no gate.
    min_claim_said: float = 0.0

    @classmethod
    def from_json(cls, data: dict) -> Params:
        return cls(
            k1=data["k1"],
            b=data["b"],
            weights=tuple(data["weights"]),
            coef=tuple(data["coef"]),
            same_coef=tuple(data["same_coef"]),
            same_intercept=data["same_intercept"],
            threshold=data["threshold"],
            number_veto=data.get("number_veto", 1.0),
            min_claim_said=data.get("min_claim_said", 0.0),
        )

    def as_json(self) -> dict:
        return {
            "k1": self.k1,
            "b": self.b,
            "weights": list(self.weights),
            "coef": list(self.coef),
            "same_coef": list(self.same_coef),
            "same_intercept": self.same_intercept,
            "threshold": self.threshold,
            "number_veto": self.number_veto,
            "min_claim_said": self.min_claim_said,
        }


@functools.cache
def params() -> Params:
    """The shipped parameters."""
    return Params.from_json(json.loads(MODEL_PATH.read_text()))


@dataclass(frozen=True)
class Corpus:
    """Totals for BM25: number of documents and average lexemes per part."""

    documents: int
    avg_length: tuple[float, float, float]


@dataclass
class Candidate:
    """One first-stage hit: term counts per part for the query's lexemes, part lengths, vector."""

    key: tuple[str, int]
    tf: dict[str, tuple[int, int, int]]
    lengths: tuple[int, int, int]
    embedding: np.ndarray | None
    bm25: float = 0.0
    cosine: float = 0.0
    features: tuple[float, ...] = (0.0, 0.0, 0.0, 0.0, 0.0)
    rank_score: float = 0.0
    score: float = 0.0
    extra: dict = field(default_factory=dict)


def idf(documents: int, df: int) -> float:
    """BM25's idf, never negative."""
    return math.log(1.0 + (documents - df + 0.5) / (df + 0.5))


def bm25(candidate: Candidate, idfs: dict[str, float], corpus: Corpus, p: Params) -> float:
    """BM25F: each part's term count weighted and length-normalised, then saturated once."""
    total = 0.0
    norms = [
        p.weights[i] / (1.0 - p.b + p.b * candidate.lengths[i] / max(corpus.avg_length[i], 1.0))
        for i in range(3)
    ]
    for lexeme, counts in candidate.tf.items():
        weight = idfs.get(lexeme)
        if not weight:
            continue
        tf = counts[0] * norms[0] + counts[1] * norms[1] + counts[2] * norms[2]
        if tf > 0:
            total += weight * tf / (p.k1 + tf)
    return total


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, x))))


def features(
    candidates: list[Candidate],
    *,
    idfs: dict[str, float],
    corpus: Corpus,
    query_vector: np.ndarray | None,
    p: Params,
) -> None:
    """Fill in each candidate's BM25, cosine and feature vector."""
    for c in candidates:
        c.bm25 = bm25(c, idfs, corpus, p)
        if query_vector is not None and c.embedding is not None:
            c.cosine = float(np.dot(query_vector, c.embedding))
    top = max((c.bm25 for c in candidates), default=0.0) or 1.0
    # What a candidate matching every query lexeme in its claim, once, would score: the coverage.
    full = sum(w / (p.k1 + 1.0) for w in idfs.values()) or 1.0
    mass = sum(idfs.values()) or 1.0
    for c in candidates:
        found = sum(idfs.get(lex, 0.0) for lex, counts in c.tf.items() if any(counts))
        c.features = (
            c.bm25 / top,
            c.cosine,
            min(c.bm25 / full, 1.5),
            found / mass,
            0.0,  # claim_coverage fills it in for the best candidates
        )


def claim_coverage(candidates: list[Candidate], *, query_lexemes: set[str], corpus: Corpus) -> None:
    """Set the last feature: how much of each candidate's claim (idf-weighted) the query says,
    from the claim's lexemes and their document frequencies in ``extra["claim_lexemes"]``.
    A near-topic claim shares the topic's words but leaves much of either side unsaid."""
    for c in candidates:
        lexemes = c.extra.get("claim_lexemes")
        if not lexemes:
            continue
        weights = {lex: idf(corpus.documents, df) for lex, df in lexemes.items()}
        total = sum(weights.values()) or 1.0
        said = sum(w for lex, w in weights.items() if lex in query_lexemes)
        c.features = (*c.features[:4], said / total)
        c.extra["numbers_disagree"] = numbers_disagree(query_lexemes, set(lexemes))


_NUMBER = re.compile(r"^\d+(?:[.,]\d+)*$")


def numbers(lexemes: set[str]) -> set[str]:
    """The lexemes that are numbers (PostgreSQL keeps digits as they are: '140', '2026')."""
    return {lex for lex in lexemes if _NUMBER.match(lex)}


def numbers_disagree(query_lexemes: set[str], claim_lexemes: set[str]) -> bool:
    """Both state numbers and they share none: not the same claim, whatever the wording."""
    mine, theirs = numbers(query_lexemes), numbers(claim_lexemes)
    return bool(mine and theirs and not mine & theirs)


def _dot(weights: tuple[float, ...], features: tuple[float, ...]) -> float:
    return sum(w * x for w, x in zip(weights, features, strict=True))


def rank(candidates: list[Candidate], p: Params) -> list[Candidate]:
    """The candidates, best first."""
    for c in candidates:
        c.rank_score = _dot(p.coef[:4], c.features[:4])
    return sorted(candidates, key=lambda c: (-c.rank_score, c.key))


def score(candidates: list[Candidate], p: Params) -> list[Candidate]:
    """Each candidate's same-claim score in 0..1 (its features complete)."""
    for c in candidates:
        c.score = _sigmoid(p.same_intercept + _dot(p.same_coef, c.features))
        unsaid = "claim_lexemes" in c.extra and c.features[4] < p.min_claim_said
        if c.extra.get("numbers_disagree") or unsaid:
            c.score *= p.number_veto
    return candidates
