"""The re-rank: BM25 over the weighted parts of each candidate, a static-embedding similarity,
and a logistic model over both that turns them into a score in 0..1 (the chance that the
candidate is the same claim). Its parameters are in ``model.json``, chosen by
``bench/matching_eval.py`` on the train and dev splits only.
"""

from __future__ import annotations

import functools
import json
import math
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
    coef: tuple[float, float, float] = (3.0, 6.0, 3.0)  # relative BM25, cosine, query coverage
    intercept: float = -7.0
    threshold: float = 0.5

    @classmethod
    def from_json(cls, data: dict) -> Params:
        return cls(
            k1=data["k1"],
            b=data["b"],
            weights=tuple(data["weights"]),
            coef=tuple(data["coef"]),
            intercept=data["intercept"],
            threshold=data["threshold"],
        )

    def as_json(self) -> dict:
        return {
            "k1": self.k1,
            "b": self.b,
            "weights": list(self.weights),
            "coef": list(self.coef),
            "intercept": self.intercept,
            "threshold": self.threshold,
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
    features: tuple[float, float, float] = (0.0, 0.0, 0.0)
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
    for c in candidates:
        c.features = (c.bm25 / top, c.cosine, min(c.bm25 / full, 1.5))


def score(candidates: list[Candidate], p: Params) -> list[Candidate]:
    """Scores in 0..1 from the features; best first."""
    for c in candidates:
        z = p.intercept + sum(w * x for w, x in zip(p.coef, c.features, strict=True))
        c.score = _sigmoid(z)
    return sorted(candidates, key=lambda c: (-c.score, c.key))
