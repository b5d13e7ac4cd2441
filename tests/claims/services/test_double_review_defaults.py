"""Default double review for an article or the whole desk: who is chosen, which claims get it
(existing open ones at once, later ones on accept or create), and who may set it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import Claim, DoubleReviewDefault, ReviewAssignment
from claims.services.claims import claim_accept, claim_create
from claims.services.double_review import (
    claim_double_review_start,
    double_review_default_clear,
    double_review_default_for,
    double_review_default_set,
)
from claims.services.errors import PermissionDenied, ValidationError
from claims.services.verdicts import verdict_create, verdict_submit
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EditorFactory,
    ReviewerFactory,
    SourcedClaimFactory,
)

pytestmark = pytest.mark.django_db


def _pairs(claims) -> dict[int, list[str]]:
    rows = ReviewAssignment.objects.filter(claim__in=claims).order_by("claim_id", "slot")
    pairs: dict[int, list[str]] = {}
    for row in rows.values_list("claim_id", "reviewer__username"):
        pairs.setdefault(row[0], []).append(row[1])
    return pairs


def test_an_article_default_with_named_reviewers_covers_its_open_claims_and_later_ones():
    editor, a, b = EditorFactory(), ReviewerFactory(), ReviewerFactory()
    article = ArticleFactory(body="The mayor said crime fell by 40 percent. " * 5)
    open_ = ClaimFactory(article=article, status=Claim.Status.OPEN)
    suggested = ClaimFactory(article=article, status=Claim.Status.SUGGESTED, origin="suggested")
    submitted = SourcedClaimFactory(article=article, status=Claim.Status.OPEN)
    verdict_submit(
        actor=a, verdict=verdict_create(actor=a, claim=submitted, rating="false", summary="S.")
    )
    elsewhere = ClaimFactory(status=Claim.Status.OPEN)

    row, applied = double_review_default_set(
        actor=editor,
        article=article,
        enabled=True,
        choice="named",
        reviewers=[a.username, b.username],
    )
    assert applied == 1 and row.scope == "article"
    assert _pairs([open_, suggested, submitted, elsewhere]) == {open_.pk: [a.username, b.username]}
    open_.refresh_from_db()
    assert open_.status == Claim.Status.IN_PROGRESS
    assert ReviewAssignment.objects.get(claim=open_, slot=1).assigned_by == editor

    accepted = claim_accept(actor=ReviewerFactory(), claim=suggested)
    assert accepted.status == Claim.Status.IN_PROGRESS
    added = claim_create(actor=a, article=article, start=0, end=20)
    assert _pairs([accepted, added]) == {
        accepted.pk: [a.username, b.username],
        added.pk: [a.username, b.username],
    }
    # A claim of another article is not covered (the desk has no default).
    other = claim_create(actor=a, article=elsewhere.article, start=0, end=5)
    assert not other.review_assignments.exists() and other.status == Claim.Status.OPEN


def test_least_loaded_picks_the_two_reviewers_with_fewest_open_assignments_and_spreads_work():
    editor = EditorFactory()
    busy, *idle = (ReviewerFactory(username=n) for n in ("busy", "c", "a", "b"))
    EditorFactory(username="0-editor")  # editors are never picked automatically
    # An approved claim waits for an editor: not an open assignment of its reviewer.
    ClaimFactory(status=Claim.Status.APPROVED, assignee=idle[1])
    for _ in range(3):
        ClaimFactory(status=Claim.Status.IN_REVIEW, assignee=busy)  # not eligible
    claims = [ClaimFactory(status=Claim.Status.OPEN) for _ in range(3)]
    _, applied = double_review_default_set(actor=editor, article=None, enabled=True)
    assert applied == 3
    pairs = _pairs(claims)
    # Loads 0,0,0,3: a+b (then 1,1), c+a (c 0 < a 1... ties by name), then b+c.
    assert pairs == {
        claims[0].pk: ["a", "b"],
        claims[1].pk: ["c", "a"],
        claims[2].pk: ["b", "c"],
    }
    assert "busy" not in {name for pair in pairs.values() for name in pair}


def test_the_bulk_application_costs_a_fixed_number_of_queries():
    editor = EditorFactory()
    ReviewerFactory(), ReviewerFactory(), ReviewerFactory()
    ClaimFactory.create_batch(3, status=Claim.Status.OPEN)
    double_review_default_set(actor=editor, article=None, enabled=False)
    few = ClaimFactory.create_batch(2, status=Claim.Status.OPEN)
    with CaptureQueriesContext(connection) as small:
        double_review_default_set(actor=editor, article=None, enabled=True)
    many = ClaimFactory.create_batch(40, status=Claim.Status.OPEN)
    double_review_default_set(actor=editor, article=None, enabled=False)
    with CaptureQueriesContext(connection) as large:
        _, applied = double_review_default_set(actor=editor, article=None, enabled=True)
    assert applied == 40 and len(_pairs(many)) == 40 and len(_pairs(few)) == 2
    assert len(large) == len(small)


def test_an_article_setting_overrides_the_desk_and_clearing_it_restores_the_desk():
    editor, a, b = EditorFactory(), ReviewerFactory(), ReviewerFactory()
    article = ArticleFactory()
    double_review_default_set(actor=editor, article=article, enabled=False)
    claim = ClaimFactory(article=article, status=Claim.Status.OPEN)
    _, applied = double_review_default_set(actor=editor, article=None, enabled=True)
    assert applied == 0 and not claim.review_assignments.exists()
    assert double_review_default_for(article=article).enabled is False
    assert double_review_default_for(article=None).enabled is True
    double_review_default_clear(actor=editor, article=article)
    assert sorted(_pairs([claim])[claim.pk]) == sorted([a.username, b.username])
    assert double_review_default_for(article=article).scope == "desk"


def test_a_claim_already_under_double_review_is_left_alone():
    editor, a, b, c, d = EditorFactory(), *(ReviewerFactory() for _ in range(4))
    claim = ClaimFactory(status=Claim.Status.OPEN)
    claim_double_review_start(actor=editor, claim=claim, reviewers=[c.username, d.username])
    double_review_default_set(
        actor=editor, article=None, enabled=True, choice="named", reviewers=[a.username, b.username]
    )
    assert _pairs([claim]) == {claim.pk: [c.username, d.username]}


def test_bad_settings_are_refused_with_the_field_named():
    editor, a = EditorFactory(), ReviewerFactory()
    cases = [
        ({"choice": "named", "reviewers": [a.username, a.username]}, "reviewers"),
        ({"choice": "named", "reviewers": [a.username]}, "reviewers"),
        ({"choice": "named", "reviewers": [a.username, "nobody-here"]}, "reviewers"),
        ({"choice": "least_loaded", "reviewers": [a.username, "x"]}, "reviewers"),
        ({"choice": "round_robin"}, "choice"),
        ({"choice": "least_loaded"}, "choice"),  # only one reviewer is active
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as caught:
            double_review_default_set(actor=editor, article=None, enabled=True, **kwargs)
        assert caught.value.field == field, kwargs
    assert not DoubleReviewDefault.objects.filter(enabled=True).exists()


def test_only_editors_set_the_default():
    for actor in (ReviewerFactory(), None):
        with pytest.raises(PermissionDenied):
            double_review_default_set(actor=actor, article=None, enabled=True)
        with pytest.raises(PermissionDenied):
            double_review_default_clear(actor=actor, article=ArticleFactory())


def test_a_named_reviewer_who_left_is_not_assigned():
    editor, a, b = EditorFactory(), ReviewerFactory(), ReviewerFactory()
    article = ArticleFactory(body="x" * 50)
    double_review_default_set(
        actor=editor,
        article=article,
        enabled=True,
        choice="named",
        reviewers=[a.username, b.username],
    )
    b.is_active = False
    b.save()
    claim = claim_create(actor=a, article=article, start=0, end=10)
    assert not claim.review_assignments.exists()
