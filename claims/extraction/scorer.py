"""Learned check-worthiness scorer: TF-IDF + logistic regression, evaluated in pure Python.

The weights are trained by ``bench/train_scorer.py`` on the ClaimBuster crowdsourced data
(Arslan et al. 2020, CC BY 4.0) and shipped as ``scorer_model.json``. No scikit-learn, pickle or
network access at run time: the JSON holds the vocabulary, idf and coefficients.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain, compress, pairwise
from operator import attrgetter, itemgetter
from pathlib import Path

try:  # Counter's own counting loop, in C; the same function in pure Python elsewhere
    from collections import _count_elements
except ImportError:  # pragma: no cover - every CPython has it

    def _count_elements(mapping: dict, iterable) -> None:
        for elem in iterable:
            mapping[elem] = mapping.get(elem, 0) + 1


MODEL_PATH = Path(__file__).with_name("scorer_model.json")
# Transcript mode's model: the same words plus character n-grams of each word, trained together.
TRANSCRIPT_MODEL_PATH = Path(__file__).with_name("scorer_transcript.json")
CHAR_MIN, CHAR_MAX = 4, 4
# Words whose character features are remembered (a word's are looked up once); past this many
# distinct words, new ones are computed each time, so hostile text cannot grow memory.
CHAR_CACHE_MAX = 50_000

# A word [a-z]+(?:'[a-z]+)?, a number \d+(?:[.,]\d+)* or one of %$€£?" -- written to start with a
# character class, so that the regex engine scans ahead for the next token instead of trying the
# pattern at every position; a look-behind tells which kind of token its first character begins.
# The apostrophe part is (?:...|), not (?:...)?: the same match without the engine's setup for a
# repeated group at every word.
_TOKEN_RE = re.compile(r"[a-z\d%$€£?\"](?:(?<=[a-z])[a-z]*(?:'[a-z]+|)|(?<=\d)\d*(?:[.,]\d+)*|)")
# The same tokens in ASCII text, where \d is [0-9] and € and £ do not occur: the engine then tests
# a character against a plain bitmap, without looking up whether it is a Unicode digit.
_ASCII_TOKEN_RE = re.compile(
    r"[a-z0-9%$?\"](?:(?<=[a-z])[a-z]*(?:'[a-z]+|)|(?<=[0-9])[0-9]*(?:[.,][0-9]+)*|)"
)
_YEAR_RE = re.compile(r"(?:1[89]|20)\d\d")


_DIGIT_RE = re.compile(r"\d")


def tokens(text: str, has_digit: bool | None = None) -> list[str]:
    """Lower-cased word tokens; numbers become <year> or <num> so the model learns their shape.

    ``has_digit`` is whether ``text`` holds a digit (``\\d``), when the caller knows already."""
    lower = text.lower()  # tested for ASCII after lower-casing, which can make ASCII letters
    toks = (_ASCII_TOKEN_RE if lower.isascii() else _TOKEN_RE).findall(lower)
    if has_digit is None:
        has_digit = _DIGIT_RE.search(text) is not None
    if has_digit:
        # only number tokens start with a digit
        return [
            ("<year>" if _YEAR_RE.fullmatch(t) else "<num>") if t[0].isdigit() else t for t in toks
        ]
    return toks


def features(text: str) -> list[str]:
    """Unigrams and bigrams of ``tokens``: the analyzer shared by training and inference."""
    toks = tokens(text)
    return toks + [f"{a} {b}" for a, b in pairwise(toks)]


def char_grams(tok: str) -> list[str]:
    """Character n-grams (CHAR_MIN to CHAR_MAX) of one token padded with a space each side; a
    padded token no longer than n is taken whole, once, and longer n are not tried."""
    w = f" {tok} "
    size = len(w)
    out: list[str] = []
    for n in range(CHAR_MIN, CHAR_MAX + 1):
        if size <= n:
            out.append(w)
            break
        out.extend([w[i : i + n] for i in range(size - n + 1)])
    return out


def char_features(text: str) -> list[str]:
    """The character features of ``text``: ``char_grams`` of each token of ``tokens`` but the
    number shapes (<num>, <year>). The analyzer shared by training and inference."""
    return [g for t in tokens(text) if t[0] != "<" for g in char_grams(t)]


class _Weight:
    """A feature's name, idf squared and idf * coefficient, hashed by identity."""

    __slots__ = ("idf2", "idfc", "name", "positive")

    def __init__(self, name: str, idf2: float, idfc: float) -> None:
        self.name, self.idf2, self.idfc, self.positive = name, idf2, idfc, idfc > 0


_IDF2 = attrgetter("idf2")
_IDFC = attrgetter("idfc")
_POSITIVE = attrgetter("positive")


_MORE_THAN_ONCE = (1).__lt__


def _repeated(counts: dict[_Weight, int]):
    """The features counted more than once, in the order of ``counts``; chosen in C, since most
    are counted once."""
    return compress(counts, map(_MORE_THAN_ONCE, counts.values()))


def _block(feats: list[_Weight]) -> tuple[float, dict]:
    """One L2-normalised block's dot product for its features as found (repeats included), and
    the features once each, in order of first occurrence (with their counts)."""
    # Counter(feats) as a plain dict, counted in C: the same counts in the same order (of first
    # occurrence), without Counter's construction (an ABC check for a mapping per call).
    counts: dict[_Weight, int] = {}
    _count_elements(counts, feats)
    norm = sum(map(_IDF2, counts))
    dot = sum(map(_IDFC, counts))
    if len(counts) != len(feats):  # sublinear tf: a feature seen n times weighs 1 + log(n)
        # in order of first occurrence, as counts' keys
        repeated = [(f, counts[f]) for f in _repeated(counts)]
        repeated.sort(key=itemgetter(1), reverse=True)  # the order of Counter.most_common
        for feat, n in repeated:
            scale = 1.0 + math.log(n)
            norm += feat.idf2 * (scale * scale - 1.0)
            dot += feat.idfc * (scale - 1.0)
    return dot / math.sqrt(norm), counts


def _counted_block(found: list[tuple[_Weight, ...]]) -> float | None:
    """``_block`` for features that often repeat (the character n-grams of each word, in
    ``found``), in the order of their counts (first occurrence), not of their counts sorted;
    None without any."""
    size = sum(map(len, found))
    if not size:
        return None
    counts: dict[_Weight, int] = {}
    _count_elements(counts, chain.from_iterable(found))
    norm = sum(map(_IDF2, counts))
    dot = sum(map(_IDFC, counts))
    if len(counts) != size:
        for feat in _repeated(counts):
            scale = 1.0 + math.log(counts[feat])
            norm += feat.idf2 * (scale * scale - 1.0)
            dot += feat.idfc * (scale - 1.0)
    return dot / math.sqrt(norm)


@dataclass(frozen=True)
class ScorerModel:
    """A linear model over sublinear TF-IDF features, L2-normalised."""

    idf: dict[str, float]
    coef: dict[str, float]
    intercept: float
    meta: dict
    # Derived for speed: idf squared (for the norm), idf * coefficient, bigrams as token pairs.
    idf2: dict[str, float] = field(default_factory=dict, repr=False)
    idfc: dict[str, float] = field(default_factory=dict, repr=False)
    bigrams: frozenset = field(default_factory=frozenset, repr=False)
    weights: dict[str, _Weight] = field(default_factory=dict, repr=False)
    bigram_weights: dict[tuple[str, str], _Weight] = field(default_factory=dict, repr=False)
    # Character n-grams, a second block with its own L2 norm: {n-gram: (idf, coefficient)}.
    chars: dict[str, tuple[float, float]] = field(default_factory=dict, repr=False)
    char_weights: dict[str, _Weight] = field(default_factory=dict, repr=False)
    char_cache: dict[str, tuple[_Weight, ...]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.idf2.update({t: v * v for t, v in self.idf.items()})
        self.idfc.update({t: v * self.coef.get(t, 0.0) for t, v in self.idf.items()})
        pairs = frozenset(tuple(t.split(" ")) for t in self.idf if " " in t)
        object.__setattr__(self, "bigrams", pairs)
        self.weights.update({t: _Weight(t, self.idf2[t], self.idfc[t]) for t in self.idf})
        self.bigram_weights.update({p: self.weights[" ".join(p)] for p in pairs})
        self.char_weights.update({g: _Weight(g, i * i, i * c) for g, (i, c) in self.chars.items()})

    def logit(self, text: str) -> float:
        """Raw decision value for ``text``."""
        counts: dict[str, int] = {}
        for feat in features(text):
            if feat in self.idf:
                counts[feat] = counts.get(feat, 0) + 1
        value = self.intercept
        if counts:
            norm = 0.0
            dot = 0.0
            idf, coef = self.idf, self.coef
            for feat, n in counts.items():
                v = (1.0 + math.log(n)) * idf[feat]
                norm += v * v
                dot += v * coef.get(feat, 0.0)
            value += dot / math.sqrt(norm)
        if self.chars:
            grams = Counter(g for g in char_features(text) if g in self.chars)
            if grams:
                norm = dot = 0.0
                for g, n in grams.items():
                    i, c = self.chars[g]
                    v = (1.0 + math.log(n)) * i
                    norm += v * v
                    dot += v * c
                value += dot / math.sqrt(norm)
        return value

    def explain(self, text: str, k: int = 3) -> tuple[float, list[str]]:
        """Decision value and the present features that push it up most."""
        return self.explain_tokens(tokens(text), k)

    def explain_tokens(self, toks: list[str], k: int = 3) -> tuple[float, list[str]]:
        """``explain`` from the output of ``tokens``, so callers can tokenize once."""
        logit, present = self.weigh_tokens(toks)
        return logit, self.top_features(present, k)

    def weigh_tokens(self, toks: list[str]) -> tuple[float, dict]:
        """Decision value for the output of ``tokens``, and the features present for
        ``top_features`` (which a caller that only needs the value does not compute)."""
        # One lookup per token and per token pair; the features are summed in order of first
        # occurrence, unigrams then bigrams, as ``features`` lists them.
        feats = list(filter(None, map(self.weights.get, toks)))
        feats.extend(filter(None, map(self.bigram_weights.get, pairwise(toks))))
        value, uniq = self.intercept, {}
        if feats:
            dot, uniq = _block(feats)
            value += dot
        if self.char_weights:
            cache = self.char_cache
            found = list(map(cache.get, toks))
            if None in found:  # words not seen yet: their n-grams looked up once
                table = self.char_weights
                for i, tok in enumerate(toks):
                    if found[i] is None:
                        got = (
                            ()
                            if tok[0] == "<"
                            else tuple(filter(None, map(table.get, char_grams(tok))))
                        )
                        if len(cache) < CHAR_CACHE_MAX:
                            cache[tok] = got
                        found[i] = got
            chars = _counted_block(found)
            if chars is not None:
                value += chars
        return value, uniq

    @staticmethod
    def top_features(present: dict, k: int = 3) -> list[str]:
        """The ``k`` features of ``weigh_tokens`` that push the value up most."""
        top = list(filter(_POSITIVE, present))
        top.sort(key=_IDFC, reverse=True)
        return [f.name for f in top[:k]]

    def top_terms(self, text: str, k: int = 3) -> list[str]:
        """The present features that push the score up most, for the reviewer to read."""
        seen = {f for f in features(text) if self.coef.get(f, 0.0) > 0}
        ranked = sorted(seen, key=lambda f: (-self.coef[f] * self.idf[f], f))
        return [f for f in ranked[:k]]


def sigmoid(x: float) -> float:
    """Numerically safe logistic function."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


@lru_cache(maxsize=4)
def load_model(path: str | None = None) -> ScorerModel | None:
    """Load a model once (the news model by default); None when the file is absent (rules still
    work)."""
    p = Path(path) if path else MODEL_PATH
    if not p.exists():
        return None
    data = json.loads(p.read_text(encoding="utf-8"))
    vocab = data["vocabulary"]  # {term: [idf, coef]}
    idf = {t: v[0] for t, v in vocab.items()}
    coef = {t: v[1] for t, v in vocab.items() if v[1] != 0}
    chars = {g: (v[0], v[1]) for g, v in data.get("chars", {}).items()}
    return ScorerModel(
        idf=idf, coef=coef, intercept=data["intercept"], meta=data.get("meta", {}), chars=chars
    )
