"""Agreement statistics against published worked examples and hand-computed cases."""

from __future__ import annotations

import pytest
from sklearn.metrics import cohen_kappa_score

from claims.agreement import cohen_kappa, exact_share, fleiss_kappa, ordinal_alpha


def _table(both_yes, yes_no, no_yes, both_no):
    return (
        [("yes", "yes")] * both_yes
        + [("yes", "no")] * yes_no
        + [("no", "yes")] * no_yes
        + [("no", "no")] * both_no
    )


def test_cohens_kappa_matches_the_textbook_example():
    # 50 proposals, both say yes to 20 and no to 15, disagree 5 and 10: p_o 0.7, p_e 0.5, 0.4.
    pairs = _table(20, 5, 10, 15)
    assert cohen_kappa(pairs) == pytest.approx(0.4)
    assert exact_share(pairs) == pytest.approx(0.7)


def test_cohens_kappa_agrees_with_scikit_learn_on_many_labels():
    labels = ["true", "false", "misleading", "half-true"]
    pairs = [(labels[i % 4], labels[(i * 7 + i // 3) % 4]) for i in range(40)]
    a, b = zip(*pairs, strict=True)
    assert cohen_kappa(pairs) == pytest.approx(cohen_kappa_score(a, b))


def test_perfect_agreement_is_one_and_a_single_label_is_undefined():
    assert cohen_kappa([("true", "true"), ("false", "false")]) == 1.0
    assert cohen_kappa([("true", "true")] * 5) is None  # chance agreement is total
    assert exact_share([("true", "true")] * 5) == 1.0


def test_chance_agreement_is_zero():
    # Each rater says yes half the time, independently: p_o = p_e = 0.5.
    pairs = _table(10, 10, 10, 10)
    assert cohen_kappa(pairs) == pytest.approx(0.0)
    assert fleiss_kappa([list(p) for p in pairs]) == pytest.approx(0.0)


def test_no_items_gives_no_figures():
    assert cohen_kappa([]) is None and exact_share([]) is None and fleiss_kappa([]) is None
    assert ordinal_alpha([], [1, 2]) is None


def test_fleiss_kappa_matches_the_published_worked_example():
    # Fleiss (1971) as worked in many textbooks: 10 subjects, 14 raters, 5 categories -> 0.210.
    counts = [
        [0, 0, 0, 0, 14],
        [0, 2, 6, 4, 2],
        [0, 0, 3, 5, 6],
        [0, 3, 9, 2, 0],
        [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0],
        [3, 2, 6, 3, 0],
        [2, 5, 3, 2, 2],
        [6, 5, 2, 1, 0],
        [0, 2, 2, 3, 7],
    ]
    items = [[cat for cat, n in enumerate(row) for _ in range(n)] for row in counts]
    assert fleiss_kappa(items) == pytest.approx(0.2099, abs=1e-4)


def test_fleiss_kappa_of_two_raters_is_symmetric_in_their_order():
    pairs = _table(20, 5, 10, 15)
    swapped = [(b, a) for a, b in pairs]
    assert fleiss_kappa([list(p) for p in pairs]) == fleiss_kappa([list(p) for p in swapped])


def test_ordinal_alpha_matches_krippendorffs_worked_example():
    # Krippendorff, "Computing Krippendorff's alpha-reliability" (2011): 4 coders, 12 units,
    # missing values; ordinal alpha 0.815.
    n = None
    data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, n, n, n],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, n, 3],
        [n, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, n],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, n],
    ]
    assert ordinal_alpha(data, [1, 2, 3, 4, 5]) == pytest.approx(0.815, abs=1e-3)


def test_ordinal_alpha_perfect_near_and_missing():
    assert ordinal_alpha([[1, 5, 3], [1, 5, 3]], [1, 2, 3, 4, 5]) == pytest.approx(1.0)
    near = ordinal_alpha([[1, 5, 3, 2], [2, 5, 3, 1]], [1, 2, 3, 4, 5])
    far = ordinal_alpha([[1, 5, 3, 2], [5, 1, 3, 1]], [1, 2, 3, 4, 5])
    assert 0 < near < 1 and far < near
    # A rating off the scale (Misleading) is missing: that item is unpairable and drops out.
    assert ordinal_alpha([[1, 5, None], [1, 5, 3]], [1, 2, 3, 4, 5]) == pytest.approx(1.0)
    assert ordinal_alpha([[None, 2], [3, None]], [1, 2, 3, 4, 5]) is None
    assert ordinal_alpha([[3, 3], [3, 3]], [1, 2, 3, 4, 5]) is None


def test_ordinal_alpha_matches_a_hand_computed_two_coder_example():
    # Units (1,2), (2,2), (3,3): coincidences o12 = o21 = 1, o22 = 2, o33 = 2; n1 1, n2 3, n3 2.
    # Ordinal distances: d12 = (4 - 2)^2 = 4, d13 = (6 - 1.5)^2 = 20.25, d23 = (5 - 2.5)^2 = 6.25.
    # alpha = 1 - (n - 1) * sum(o * d) / sum(nc * nk * d) = 1 - 5 * 8 / 180 = 7/9.
    assert ordinal_alpha([[1, 2, 3], [2, 2, 3]], [1, 2, 3, 4, 5]) == pytest.approx(7 / 9)


def test_alpha_does_not_depend_on_who_rated_so_two_rows_hold_the_desk():
    n = None
    by_reviewer = [[1, n, 2, n], [2, 3, n, n], [n, 3, 2, 5], [n, n, n, 4]]
    two_rows = [[1, 3, 2, 5], [2, 3, 2, 4]]
    assert ordinal_alpha(by_reviewer, [1, 2, 3, 4, 5]) == pytest.approx(
        ordinal_alpha(two_rows, [1, 2, 3, 4, 5])
    )


def test_a_value_outside_the_scale_is_missing_not_an_error():
    # A rating of another scale (value 9): that item is unpairable, as Misleading is.
    assert ordinal_alpha([[1, 2, 3, 9], [2, 2, 3, 9]], [1, 2, 3, 4, 5]) == pytest.approx(7 / 9)
    assert ordinal_alpha([[1, 2], [2, 2]], [3]) is None  # a domain of one value


def test_fleiss_kappa_of_one_label_is_undefined_and_of_perfect_agreement_one():
    assert fleiss_kappa([["true", "true"]] * 4) is None
    assert fleiss_kappa([["true", "true"], ["false", "false"]]) == pytest.approx(1.0)


@pytest.mark.parametrize("seed", range(5))
def test_cohens_kappa_agrees_with_scikit_learn_on_random_ratings(seed):
    import random

    rng = random.Random(seed)
    labels = ["true", "mostly-true", "half-true", "false", "misleading", "unverifiable"]
    pairs = [(rng.choice(labels), rng.choice(labels[: 2 + seed])) for _ in range(60)]
    a, b = zip(*pairs, strict=True)
    assert cohen_kappa(pairs) == pytest.approx(cohen_kappa_score(a, b))
