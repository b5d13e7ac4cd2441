"""Comments on claims."""

from __future__ import annotations

import pytest

from claims.services.comments import comment_add
from claims.services.errors import PermissionDenied, ValidationError
from tests.factories import ClaimFactory, ReviewerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_reviewer_comments_on_a_claim():
    comment = comment_add(actor=ReviewerFactory(), claim=ClaimFactory(), body="  Which budget? ")
    assert comment.body == "Which budget?"


def test_an_empty_comment_is_refused_by_field():
    with pytest.raises(ValidationError) as exc:
        comment_add(actor=ReviewerFactory(), claim=ClaimFactory(), body="   ")
    assert exc.value.field == "body"


def test_someone_without_a_role_cannot_comment():
    with pytest.raises(PermissionDenied):
        comment_add(actor=UserFactory(), claim=ClaimFactory(), body="hi")
