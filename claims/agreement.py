"""Agreement statistics between reviewers: Cohen's kappa, Fleiss' kappa, Krippendorff's alpha and
the share of exact agreement. Pure functions over plain values; the database reads are in
claims.selectors_stats.

Cohen's and Fleiss' kappa are a few lines of arithmetic, written here and checked in the tests
against published worked examples (and against scikit-learn, a dev dependency only). Krippendorff's
alpha comes from the ``krippendorff`` package, checked against Krippendorff's own example.
An undefined statistic (no items, or every rating the same so chance agreement is total) is None.
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from collections.abc import Hashable, Sequence

import krippendorff
import numpy as np


def exact_share(pairs: Sequence[tuple[Hashable, Hashable]]) -> float | None:
    """The share of items on which both ratings are the same."""
    if not pairs:
        return None
    return sum(1 for a, b in pairs if a == b) / len(pairs)


def cohen_kappa(pairs: Sequence[tuple[Hashable, Hashable]]) -> float | None:
    """Cohen's kappa of two raters over nominal labels: (p_o - p_e) / (1 - p_e)."""
    n = len(pairs)
    if n == 0:
        return None
    observed = sum(1 for a, b in pairs if a == b) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[label] * second[label] for label in first) / (n * n)
    if math.isclose(expected, 1.0):
        return None
    return (observed - expected) / (1 - expected)


def fleiss_kappa(items: Sequence[Sequence[Hashable]]) -> float | None:
    """Fleiss' kappa over items each rated by the same number (>= 2) of raters, who may differ
    from item to item; for the desk, where each claim has its own pair of reviewers."""
    items = [list(item) for item in items]
    if not items:
        return None
    raters = len(items[0])
    if raters < 2 or any(len(item) != raters for item in items):
        raise ValueError("every item needs the same number (two or more) of ratings")
    totals: Counter = Counter()
    agreement = 0.0
    for item in items:
        counts = Counter(item)
        totals.update(counts)
        agreement += (sum(c * c for c in counts.values()) - raters) / (raters * (raters - 1))
    observed = agreement / len(items)
    all_ratings = len(items) * raters
    expected = sum((c / all_ratings) ** 2 for c in totals.values())
    if math.isclose(expected, 1.0):
        return None
    return (observed - expected) / (1 - expected)


def ordinal_alpha(
    reliability_data: Sequence[Sequence[float | None]], value_domain: Sequence[float]
) -> float | None:
    """Krippendorff's alpha, ordinal, over raters (rows) by items (columns); None is missing,
    and so is a value outside the domain (a rating of another scale), which the package would
    refuse."""
    domain = set(value_domain or ())
    if not reliability_data or len(domain) < 2:
        return None
    matrix = np.array(
        [
            [float(v) if v is not None and v in domain else np.nan for v in row]
            for row in reliability_data
        ],
        dtype=float,
    )
    # Items with fewer than two values are unpairable and carry no information.
    if int((np.sum(~np.isnan(matrix), axis=0) >= 2).sum()) == 0:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # 0/0 when every value is the same
        value = krippendorff.alpha(
            reliability_data=matrix,
            level_of_measurement="ordinal",
            value_domain=sorted(domain),
        )
    return None if math.isnan(value) else float(value)
