"""Rebuild the scorer models (claims/extraction/scorer_model.json, scorer_transcript.json) from
the ClaimBuster crowdsourced training CSV.

Usage: python bench/train_scorer.py [TRAIN_CSV] [--dev DEV_CSV] [--out PATH] [--transcript-out PATH]

The news model is word unigrams and bigrams; the transcript model adds character n-grams of each
word (claims.extraction.scorer.char_features), a second block with its own L2 norm, trained together.

Trains only on the training file (Arslan et al. 2020, ClaimBuster, CC BY 4.0). The dev sample is
used only to report a figure; hyper-parameters are fixed below (chosen on the dev sample). The run is
deterministic on one machine: the same CSV gives the same JSON byte for byte. On another CPU the
vocabulary and idf are the same (the vocabulary cut breaks ties by the term, not by NumPy's sort),
and the solver's arithmetic may round a coefficient differently in its last kept decimal;
tests/claims/extraction/test_scorer.py checks the shipped file against a rebuild within that.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claims.extraction.scorer import (  # noqa: E402
    CHAR_MAX,
    CHAR_MIN,
    TRANSCRIPT_MODEL_PATH,
    char_features,
    features,
)

# ../shared/data/checkworthiness next to the repository (a worktree sits one level deeper)
DATA = next(
    (
        base / "shared" / "data" / "checkworthiness"
        for base in (ROOT.parent, ROOT.parent.parent)
        if (base / "shared" / "data" / "checkworthiness").is_dir()
    ),
    ROOT.parent / "shared" / "data" / "checkworthiness",
)
DEFAULT_TRAIN = DATA / "claimbuster_crowdsourced_train.csv"
DEFAULT_DEV = DATA / "claimbuster_crowdsourced_sample3000.csv"
DEFAULT_OUT = ROOT / "claims" / "extraction" / "scorer_model.json"
DEFAULT_TRANSCRIPT_OUT = TRANSCRIPT_MODEL_PATH

C = 3.0
MIN_DF = 2
MAX_FEATURES = 12000
# The transcript model, chosen on the dev sample: character 4-grams give average precision 0.763
# against 0.752 for the words alone (F1 at p >= 0.5: 0.694 against 0.678); 3- to 5-grams 0.764 at
# three times the lookups; C 1, 2, 3, 10 and 10,000 or 50,000 n-grams were tried too.
TRANSCRIPT_C = 2.0
CHAR_MIN_DF = 3
CHAR_MAX_FEATURES = 20000


def read_csv(path: Path) -> tuple[list[str], list[int]]:
    """Texts and 0/1 labels of an ``id,text,label`` CSV."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [r["text"] for r in rows], [int(r["label"]) for r in rows]


def vocabulary(
    texts: list[str], max_features: int = MAX_FEATURES, analyzer=features, min_df: int = MIN_DF
) -> list[str]:
    """The ``max_features`` terms most often used, among those in at least ``min_df`` texts.

    Terms used equally often are taken in alphabetical order, so that every CPU picks the same
    ones: scikit-learn's own cut (``max_features``) orders them with NumPy's unstable argsort,
    whose vectorised implementation breaks ties differently from one CPU to another.
    """
    import numpy as np
    from sklearn.feature_extraction.text import CountVectorizer

    counts = CountVectorizer(analyzer=analyzer, min_df=min_df)
    totals = np.asarray(counts.fit_transform(texts).sum(axis=0)).ravel()
    terms = counts.get_feature_names_out()
    ranked = sorted(range(len(terms)), key=lambda i: (-int(totals[i]), str(terms[i])))
    return sorted(str(terms[i]) for i in ranked[:max_features])


def train(train_csv: Path, c: float = C, max_features: int = MAX_FEATURES):
    """Fit the vectorizer and the logistic regression; return (vectorizer, classifier)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts, labels = read_csv(train_csv)
    vec = TfidfVectorizer(
        analyzer=features, sublinear_tf=True, vocabulary=vocabulary(texts, max_features)
    )
    x = vec.fit_transform(texts)
    clf = LogisticRegression(C=c, max_iter=2000, solver="liblinear", class_weight="balanced")
    clf.fit(x, labels)
    return vec, clf


def train_transcript(train_csv: Path, c: float = TRANSCRIPT_C):
    """Fit the transcript model: words and character n-grams, each block L2-normalised, one
    logistic regression; return (word vectorizer, character vectorizer, classifier)."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts, labels = read_csv(train_csv)
    words = TfidfVectorizer(analyzer=features, sublinear_tf=True, vocabulary=vocabulary(texts))
    chars = TfidfVectorizer(
        analyzer=char_features,
        sublinear_tf=True,
        vocabulary=vocabulary(texts, CHAR_MAX_FEATURES, char_features, CHAR_MIN_DF),
    )
    x = hstack([words.fit_transform(texts), chars.fit_transform(texts)]).tocsr()
    clf = LogisticRegression(C=c, max_iter=3000, solver="liblinear", class_weight="balanced")
    clf.fit(x, labels)
    return words, chars, clf


def transcript_decision(words, chars, clf, texts: list[str]):
    """scikit-learn's decision values of the transcript model (for checks and the dev figure)."""
    from scipy.sparse import hstack

    return clf.decision_function(hstack([words.transform(texts), chars.transform(texts)]).tocsr())


def export_transcript(words, chars, clf, train_csv: Path, out: Path) -> None:
    """Write the transcript model: the word block as ``vocabulary``, the n-grams as ``chars``."""
    coef = clf.coef_[0]
    n_words = len(words.vocabulary_)
    data = {
        "meta": {
            "kind": "two tfidf-sublinear-l2 blocks + logistic regression (class_weight=balanced)",
            "features": "word unigrams+bigrams of claims.extraction.scorer.tokens; character "
            f"{CHAR_MIN}-{CHAR_MAX}-grams of each word (claims.extraction.scorer.char_features)",
            "C": TRANSCRIPT_C,
            "min_df": MIN_DF,
            "char_min_df": CHAR_MIN_DF,
            "max_features": n_words,
            "char_max_features": len(chars.vocabulary_),
            "train_file": train_csv.name,
            "train_sha256": hashlib.sha256(train_csv.read_bytes()).hexdigest(),
            "credit": "ClaimBuster dataset, Arslan et al. 2020, ICWSM, CC BY 4.0",
        },
        "intercept": round(float(clf.intercept_[0]), 5),
        "vocabulary": {
            term: [round(float(words.idf_[i]), 5), round(float(coef[i]), 5)]
            for term, i in sorted(words.vocabulary_.items())
        },
        "chars": {
            gram: [round(float(chars.idf_[i]), 4), round(float(coef[n_words + i]), 4)]
            for gram, i in sorted(chars.vocabulary_.items())
        },
    }
    out.write_text(
        json.dumps(data, separators=(",", ":"), sort_keys=True, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )


def export(vec, clf, train_csv: Path, out: Path) -> None:
    """Write vocabulary, idf and coefficients as compact, sorted JSON."""
    coef = clf.coef_[0]
    vocab = {
        term: [round(float(vec.idf_[i]), 5), round(float(coef[i]), 5)]
        for term, i in sorted(vec.vocabulary_.items())
    }
    digest = hashlib.sha256(train_csv.read_bytes()).hexdigest()
    data = {
        "meta": {
            "kind": "tfidf-sublinear-l2 + logistic regression (class_weight=balanced)",
            "features": "word unigrams+bigrams of claims.extraction.scorer.tokens",
            "C": C,
            "min_df": MIN_DF,
            "max_features": len(vocab),
            "train_file": train_csv.name,
            "train_sha256": digest,
            "credit": "ClaimBuster dataset, Arslan et al. 2020, ICWSM, CC BY 4.0",
        },
        "intercept": round(float(clf.intercept_[0]), 5),
        "vocabulary": vocab,
    }
    out.write_text(json.dumps(data, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("train_csv", nargs="?", type=Path, default=DEFAULT_TRAIN)
    parser.add_argument("--dev", type=Path, default=DEFAULT_DEV)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--transcript-out", type=Path, default=DEFAULT_TRANSCRIPT_OUT)
    args = parser.parse_args()
    vec, clf = train(args.train_csv)
    export(vec, clf, args.train_csv, args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KiB)")
    words, chars, tclf = train_transcript(args.train_csv)
    export_transcript(words, chars, tclf, args.train_csv, args.transcript_out)
    print(f"wrote {args.transcript_out} ({args.transcript_out.stat().st_size / 1024:.0f} KiB)")
    if args.dev.exists():
        from sklearn.metrics import average_precision_score, f1_score

        texts, labels = read_csv(args.dev)
        news = clf.decision_function(vec.transform(texts))
        spoken = transcript_decision(words, chars, tclf, texts)
        for name, s in (("news", news), ("transcript", spoken)):
            print(
                f"{name} model on the dev sample (sklearn): F1 at p>=0.5 "
                f"{f1_score(labels, s >= 0):.3f}, average precision "
                f"{average_precision_score(labels, s):.3f}"
            )


if __name__ == "__main__":
    main()
