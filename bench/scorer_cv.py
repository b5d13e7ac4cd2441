"""Compare check-worthiness scorer variants on the dev sets only (never on the test sets).

Usage: python bench/scorer_cv.py [--only NAME[,NAME...]] [--no-cv]

For each variant: trained on the ClaimBuster training file and scored on the dev sample (average
precision, F1 at p >= 0.5), then 5-fold stratified cross-validation on train + dev sample. The test
files (groundtruth, CheckThat! 2024, CLEF 2019) are not read. Needs scikit-learn (dev venv). Slow:
about a minute per word-level variant and several for char n-grams on one core.
"""

from __future__ import annotations

import argparse
import sys
import time
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from train_scorer import DEFAULT_DEV, DEFAULT_TRAIN, read_csv  # noqa: E402

from claims.extraction.scorer import tokens  # noqa: E402


def _words(text: str) -> list[str]:
    t = tokens(text)
    return t + [f"{a} {b}" for a, b in pairwise(t)]


def _trigrams(text: str) -> list[str]:
    t = tokens(text)
    return _words(text) + [f"{a} {b} {c}" for a, b, c in zip(t, t[1:], t[2:], strict=False)]


def _suffix(text: str) -> list[str]:
    t = tokens(text)
    return _words(text) + ["~" + w[-3:] for w in t if len(w) >= 5]


def _prefix_suffix(text: str) -> list[str]:
    t = tokens(text)
    return _words(text) + [a for w in t if len(w) >= 5 for a in (w[:4] + "~", "~" + w[-3:])]


VARIANTS = {
    "words_12k_C3 (shipped)": {"analyzer": _words, "max_features": 12000, "C": 3.0},
    "words_12k_C1": {"analyzer": _words, "max_features": 12000, "C": 1.0},
    "words_12k_C10": {"analyzer": _words, "max_features": 12000, "C": 10.0},
    "words_12k_C3_unbalanced": {"analyzer": _words, "max_features": 12000, "cw": None},
    "words_all_C5": {"analyzer": _words, "C": 5.0},
    "words_trigrams_all_C5": {"analyzer": _trigrams, "C": 5.0},
    "words_suffix3_all_C5": {"analyzer": _suffix, "C": 5.0},
    "words_prefix4_suffix3_all_C5": {"analyzer": _prefix_suffix, "C": 5.0},
    "words_12k_plus_char_wb2-5_C3": {"analyzer": _words, "max_features": 12000, "char": (2, 5)},
    # Static sentence embeddings (WordLlama, 256-d, the weights in its wheel) beside the sparse
    # features, scaled by "emb": 2026-12-06, dev AP 0.770 at 0.5 against 0.766 without (+0.004),
    # and 0.646 for the embeddings alone; not worth a second model in the scorer.
    "words_12k_plus_char_wb3-5_C3": {"analyzer": _words, "max_features": 12000, "char": (3, 5)},
    "words_12k_plus_char_wb3-5_wordllama0.5_C3": {
        "analyzer": _words,
        "max_features": 12000,
        "char": (3, 5),
        "emb": 0.5,
    },
    "words_12k_plus_char_wb3-5_wordllama1_C3": {
        "analyzer": _words,
        "max_features": 12000,
        "char": (3, 5),
        "emb": 1.0,
    },
}


def _fit_score(cfg: dict, xa, ya, xb):
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import normalize

    vecs = [
        TfidfVectorizer(
            analyzer=cfg["analyzer"],
            sublinear_tf=True,
            min_df=2,
            max_features=cfg.get("max_features"),
        )
    ]
    if cfg.get("char"):
        vecs.append(
            TfidfVectorizer(
                analyzer="char_wb",
                ngram_range=cfg["char"],
                sublinear_tf=True,
                min_df=3,
                max_features=50000,
            )
        )
    ma = normalize(hstack([v.fit_transform(xa) for v in vecs]).tocsr())
    mb = normalize(hstack([v.transform(xb) for v in vecs]).tocsr())
    if cfg.get("emb"):
        from scipy.sparse import csr_matrix

        from claims.matching.embedding import embed

        ma = hstack([ma, csr_matrix(embed(list(xa)) * cfg["emb"])]).tocsr()
        mb = hstack([mb, csr_matrix(embed(list(xb)) * cfg["emb"])]).tocsr()
    clf = LogisticRegression(
        C=cfg.get("C", 3.0),
        max_iter=3000,
        solver="liblinear",
        class_weight=cfg.get("cw", "balanced"),
    )
    clf.fit(ma, ya)
    return clf.decision_function(mb), sum(len(v.vocabulary_) for v in vecs)


def main() -> None:
    import numpy as np
    from sklearn.metrics import average_precision_score, f1_score
    from sklearn.model_selection import StratifiedKFold

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated variant names (prefixes match)")
    parser.add_argument("--no-cv", action="store_true", help="dev sample only, no cross-validation")
    args = parser.parse_args()
    names = list(VARIANTS)
    if args.only:
        wanted = args.only.split(",")
        names = [n for n in names if any(n.startswith(w) for w in wanted)]

    tr_x, tr_y = read_csv(DEFAULT_TRAIN)
    dv_x, dv_y = read_csv(DEFAULT_DEV)
    all_x, all_y = tr_x + dv_x, np.array(tr_y + dv_y)
    folds = list(StratifiedKFold(5, shuffle=True, random_state=0).split(all_x, all_y))
    for name in names:
        cfg = VARIANTS[name]
        t0 = time.process_time()
        s, n_feat = _fit_score(cfg, tr_x, tr_y, dv_x)
        line = (
            f"{name:34s} {n_feat:6d} features  dev AP={average_precision_score(dv_y, s):.3f}"
            f" F1={f1_score(dv_y, s >= 0):.3f}"
        )
        if not args.no_cv:
            oof = np.zeros(len(all_x))
            for a, b in folds:
                oof[b], _ = _fit_score(cfg, [all_x[i] for i in a], all_y[a], [all_x[i] for i in b])
            line += (
                f"  |  5-fold CV AP={average_precision_score(all_y, oof):.3f}"
                f" F1={f1_score(all_y, oof >= 0):.3f}"
            )
        print(f"{line}  ({time.process_time() - t0:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
