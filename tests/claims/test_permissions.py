"""Role rules."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from claims.permissions import can_change_verdict, can_see_verdict, is_editor, is_member, role_of
from tests.factories import (
    AdminFactory,
    EditorFactory,
    ReviewerFactory,
    UserFactory,
    VerdictFactory,
)

pytestmark = pytest.mark.django_db


def test_roles():
    assert [role_of(u) for u in (AnonymousUser(), UserFactory(), ReviewerFactory())] == [
        "",
        "",
        "reviewer",
    ]
    assert is_editor(EditorFactory()) and is_editor(AdminFactory())
    assert is_member(ReviewerFactory()) and not is_editor(ReviewerFactory())


def test_a_draft_is_visible_to_its_author_and_editors_only():
    draft = VerdictFactory()
    assert can_see_verdict(draft.author, draft) and can_change_verdict(draft.author, draft)
    assert can_see_verdict(EditorFactory(), draft)
    assert not can_see_verdict(ReviewerFactory(), draft)
    assert not can_see_verdict(AnonymousUser(), draft)


def test_published_verdicts_are_public():
    published = VerdictFactory(
        status="published", reviewed_by=EditorFactory(), published_at="2026-01-01T00:00Z"
    )
    assert can_see_verdict(AnonymousUser(), published)
    assert not can_change_verdict(ReviewerFactory(), published)
