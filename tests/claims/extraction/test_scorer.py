"""The learned scorer: its pure-Python inference agrees with scikit-learn, and the shipped model
file is what ``make model`` rebuilds from the training data."""

import csv
import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench import train_scorer
from claims.extraction.scorer import (
    MODEL_PATH,
    TRANSCRIPT_MODEL_PATH,
    ScorerModel,
    load_model,
    tokens,
)

TRAIN = train_scorer.DEFAULT_TRAIN
needs_data = pytest.mark.skipif(
    not TRAIN.exists(), reason=f"the ClaimBuster training file is not at {TRAIN}"
)


def _small_csv(tmp_path, rows: int):
    """The first ``rows`` rows of the training file, as a training CSV of their own."""
    with TRAIN.open(encoding="utf-8", newline="") as fh:
        head = [row for _, row in zip(range(rows), csv.DictReader(fh), strict=False)]
    path = tmp_path / "train.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["id", "text", "label"])
        writer.writeheader()
        writer.writerows(head)
    return path


@needs_data
def test_the_shipped_model_is_what_make_model_rebuilds_from_the_training_file(tmp_path):
    out = tmp_path / "model.json"
    vec, clf = train_scorer.train(TRAIN)
    train_scorer.export(vec, clf, TRAIN, out)
    rebuilt, shipped = json.loads(out.read_text()), json.loads(MODEL_PATH.read_text())
    hint = "claims/extraction/scorer_model.json is not what `make model` builds: rebuild it"
    assert rebuilt["meta"] == shipped["meta"], hint
    assert rebuilt["vocabulary"].keys() == shipped["vocabulary"].keys(), hint
    # The same vocabulary and idf; the solver's coefficients may differ in the last kept decimal
    # from one CPU to another (floating-point summation order), not more.
    for term, (idf, coef) in shipped["vocabulary"].items():
        assert rebuilt["vocabulary"][term][0] == idf, (hint, term)
        assert rebuilt["vocabulary"][term][1] == pytest.approx(coef, abs=1e-3), (hint, term)
    assert rebuilt["intercept"] == pytest.approx(shipped["intercept"], abs=1e-3), hint


@needs_data
def test_the_shipped_transcript_model_is_what_make_model_rebuilds(tmp_path):
    out = tmp_path / "transcript.json"
    words, chars, clf = train_scorer.train_transcript(TRAIN)
    train_scorer.export_transcript(words, chars, clf, TRAIN, out)
    rebuilt, shipped = json.loads(out.read_text()), json.loads(TRANSCRIPT_MODEL_PATH.read_text())
    hint = "claims/extraction/scorer_transcript.json is not what `make model` builds: rebuild it"
    assert rebuilt["meta"] == shipped["meta"], hint
    for block in ("vocabulary", "chars"):
        assert rebuilt[block].keys() == shipped[block].keys(), (hint, block)
        for term, (idf, coef) in shipped[block].items():
            assert rebuilt[block][term][0] == idf, (hint, term)
            assert rebuilt[block][term][1] == pytest.approx(coef, abs=1e-3), (hint, term)
    assert rebuilt["intercept"] == pytest.approx(shipped["intercept"], abs=1e-3), hint


@needs_data
def test_pure_python_transcript_scores_match_scikit_learn(tmp_path):
    train_csv = _small_csv(tmp_path, 4000)
    words, chars, clf = train_scorer.train_transcript(train_csv)
    out = tmp_path / "transcript.json"
    train_scorer.export_transcript(words, chars, clf, train_csv, out)
    model = load_model(str(out))
    assert model.chars
    texts, _ = train_scorer.read_csv(train_scorer.DEFAULT_DEV)
    texts = [*texts[:500], "", "???", "1999 1999 1999 and 42 42", "Tax tax tax tax.", "Ünïcödé €5"]
    expected = train_scorer.transcript_decision(words, chars, clf, texts)
    for text, want in zip(texts, expected, strict=True):
        # the JSON keeps 4 decimals of each n-gram's idf and coefficient
        assert model.logit(text) == pytest.approx(want, abs=2e-3), text
        assert model.weigh_tokens(tokens(text))[0] == pytest.approx(model.logit(text), abs=1e-9)


@needs_data
def test_pure_python_scores_match_scikit_learn(tmp_path):
    train_csv = _small_csv(tmp_path, 4000)
    vec, clf = train_scorer.train(train_csv)
    out = tmp_path / "model.json"
    train_scorer.export(vec, clf, train_csv, out)
    model = load_model(str(out))
    texts, _ = train_scorer.read_csv(train_scorer.DEFAULT_DEV)
    texts = [*texts[:500], "", "???", "1999 1999 1999 and 42 42", "Tax tax tax tax."]
    expected = clf.decision_function(vec.transform(texts))
    for text, want in zip(texts, expected, strict=True):
        # the JSON keeps 5 decimals of each idf and coefficient
        assert model.logit(text) == pytest.approx(want, abs=1e-3), text
        assert model.weigh_tokens(tokens(text))[0] == pytest.approx(model.logit(text), abs=1e-9)


def _shipped() -> ScorerModel:
    model = load_model()
    assert model is not None, f"no model at {MODEL_PATH}"
    return model


@settings(max_examples=300, deadline=None)
@given(
    st.text(max_size=300)
    | st.lists(st.sampled_from(["tax", "the", "1999", "jobs", "."])).map(" ".join)
)
def test_the_fast_path_gives_the_reference_value_for_any_text(text):
    model = _shipped()
    logit, present = model.weigh_tokens(tokens(text))
    assert math.isfinite(logit)
    assert logit == pytest.approx(model.logit(text), abs=1e-9)
    assert set(model.top_features(present)) <= {f.name for f in present}
    assert model.top_features(present) == model.top_terms(text)


@settings(max_examples=300, deadline=None)
@given(
    st.text(max_size=300)
    | st.lists(st.sampled_from(["tax", "the", "1999", "jobs", ".", "taxes", "Ü"])).map(" ".join)
)
def test_the_transcript_models_fast_path_gives_the_reference_value_for_any_text(text):
    model = load_model(str(TRANSCRIPT_MODEL_PATH))
    assert model is not None and model.chars
    logit, _ = model.weigh_tokens(tokens(text))
    assert math.isfinite(logit)
    assert logit == pytest.approx(model.logit(text), abs=1e-9)
    # a second time, from the cache of words' n-grams
    assert model.weigh_tokens(tokens(text))[0] == logit
