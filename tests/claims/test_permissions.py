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


# --- every question against a role x state table -------------------------------------------------
# Who asks: anonymous, an account without a role, the verdict's author (a reviewer), another
# reviewer, an editor who wrote the verdict, another editor, an admin.
ASKERS = ("anonymous", "norole", "author", "reviewer", "editor_author", "editor", "admin")

# For each verdict state: who sees it, and the actions each asker has ("-": sees it, no action;
# "x": does not see it). Written out by hand from the rules, not computed from them.
VERDICT_TABLE = {
    "draft": {
        "anonymous": "x",
        "norole": "x",
        "author": "edit submit",
        "reviewer": "x",
        "editor_author": "edit submit",
        "editor": "edit submit",
        "admin": "edit submit",
    },
    "submitted": {
        "anonymous": "x",
        "norole": "x",
        "author": "-",
        "reviewer": "-",
        "editor_author": "-",
        "editor": "approve reject",
        "admin": "approve reject",
    },
    "rejected": {
        "anonymous": "x",
        "norole": "x",
        "author": "edit submit",
        "reviewer": "-",
        "editor_author": "edit submit",
        "editor": "edit submit",
        "admin": "edit submit",
    },
    "approved": {
        "anonymous": "x",
        "norole": "x",
        "author": "-",
        "reviewer": "-",
        "editor_author": "publish",
        "editor": "publish",
        "admin": "publish",
    },
    "published": dict.fromkeys(ASKERS, "-"),
    "superseded": dict.fromkeys(ASKERS, "-"),
}

# For each claim state: the actions of a reviewer and of an editor (anonymous and role-less
# accounts have none anywhere).
CLAIM_TABLE = {
    "suggested": (
        "edit accept dismiss add_evidence comment",
        "edit accept dismiss add_evidence comment",
    ),
    "open": (
        "edit add_evidence draft_verdict comment",
        "edit assign dismiss add_evidence draft_verdict comment",
    ),
    "in_progress": (
        "edit add_evidence draft_verdict comment",
        "edit assign dismiss add_evidence draft_verdict comment",
    ),
    "in_review": (
        "edit add_evidence draft_verdict comment",
        "edit assign dismiss add_evidence draft_verdict comment",
    ),
    "approved": (
        "edit add_evidence draft_verdict comment",
        "edit assign dismiss add_evidence draft_verdict comment",
    ),
    "published": ("add_evidence draft_verdict comment", "add_evidence draft_verdict comment"),
    "dismissed": ("comment", "comment"),
}


@pytest.fixture
def askers():
    author, editor_author = ReviewerFactory(), EditorFactory()
    return {
        "anonymous": AnonymousUser(),
        "norole": UserFactory(),
        "author": author,
        "reviewer": ReviewerFactory(),
        "editor_author": editor_author,
        "editor": EditorFactory(),
        "admin": AdminFactory(),
    }


def _state_fields(state: str) -> dict:
    """What the database asks of a verdict in this state (a reviewer, a reason, a date)."""
    fields: dict = {}
    if state == "rejected":
        fields["rejection_reason"] = "Needs a source."
    if state in ("approved", "published", "superseded"):
        fields["reviewed_by"] = EditorFactory()
    if state in ("published", "superseded"):
        fields["published_at"] = "2026-01-01T00:00Z"
    return fields


def test_the_verdict_questions_answer_as_the_table_says(askers):
    from claims.models import Verdict
    from claims.permissions import can_see_verdict, verdict_actions, visible_verdicts

    mismatches = []
    for state, row in VERDICT_TABLE.items():
        for asker_name, expected in row.items():
            author = askers["editor_author" if asker_name == "editor_author" else "author"]
            verdict = VerdictFactory(status=state, author=author, **_state_fields(state))
            user = askers[asker_name]
            seen = can_see_verdict(user, verdict)
            in_list = visible_verdicts(user, Verdict.objects.filter(pk=verdict.pk)).exists()
            actions = " ".join(sorted(verdict_actions(user, verdict)))
            got = "x" if not seen else (actions or "-")
            if got != " ".join(sorted(expected.split())) or in_list != seen:
                mismatches.append((state, asker_name, expected, got, in_list))
    assert mismatches == []


def test_the_claim_questions_answer_as_the_table_says(askers):
    from claims.permissions import claim_actions
    from tests.factories import ClaimFactory

    mismatches = []
    for state, (reviewer_expects, editor_expects) in CLAIM_TABLE.items():
        reason = "duplicate" if state == "dismissed" else ""
        claim = ClaimFactory(status=state, dismissal_reason=reason)
        for asker_name, expected in (
            ("anonymous", ""),
            ("norole", ""),
            ("reviewer", reviewer_expects),
            ("editor", editor_expects),
            ("admin", editor_expects),
        ):
            got = " ".join(sorted(claim_actions(askers[asker_name], claim)))
            if got != " ".join(sorted(expected.split())):
                mismatches.append((state, asker_name, expected, got))
    assert mismatches == []


def test_hidden_comments_and_their_visibility_filter(askers):
    from claims.models import Comment
    from claims.permissions import visible_comments
    from tests.factories import CommentFactory

    shown, hidden = CommentFactory(), CommentFactory(is_hidden=True)
    expected = {
        "anonymous": set(),
        "norole": set(),
        "author": {shown.pk},
        "reviewer": {shown.pk},
        "editor_author": {shown.pk, hidden.pk},
        "editor": {shown.pk, hidden.pk},
        "admin": {shown.pk, hidden.pk},
    }
    got = {
        name: set(visible_comments(user, Comment.objects.all()).values_list("pk", flat=True))
        for name, user in askers.items()
    }
    assert got == expected


# The double review's API field is called "reviewers" (issue 22), like the group: its uses as a
# field name are not group comparisons.
FIELD_NAMED_REVIEWERS = __import__("re").compile(
    r"""ValidationError\(\s*"reviewers"|data\["reviewers"\]|name="reviewers"|"reviewers": """
)


def test_only_the_permissions_module_compares_group_names_or_roles():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    pattern = re.compile(r"""["'](reviewers|editors)["']|\b(REVIEWERS|EDITORS)\b|role\s*==""")
    offenders = []
    for folder in ("claims", "frontend", "factcheck"):
        for path in (root / folder).rglob("*"):
            if path.suffix not in (".py", ".html") or "migrations" in path.parts:
                continue
            relative = path.relative_to(root).as_posix()
            if relative in ("claims/permissions.py", "claims/reference.py"):
                continue
            lines = path.read_text(encoding="utf-8").splitlines()
            if any(
                pattern.search(line) and not FIELD_NAMED_REVIEWERS.search(line) for line in lines
            ):
                offenders.append(relative)
    assert offenders == []


# --- blind double review (issue 22) --------------------------------------------------------------
# A's submitted verdict on a claim that A and B double-review, before and after B submits: who
# sees it. "editor_b": an editor who is the second reviewer. Written out by hand from the rule.
BLIND_TABLE = {
    "before": {
        "anonymous": False,
        "a": True,
        "b": False,
        "editor_b": False,
        "reviewer": False,
        "editor": True,
        "admin": True,
    },
    "after": {
        "anonymous": False,
        "a": True,
        "b": True,
        "editor_b": True,
        "reviewer": True,
        "editor": True,
        "admin": True,
    },
}


@pytest.mark.parametrize("second", ["b", "editor_b"])
def test_a_double_review_verdict_is_blind_as_the_table_says(second):
    from claims.models import ReviewAssignment, Verdict
    from claims.permissions import visible_verdicts
    from tests.factories import ClaimFactory

    users = {
        "anonymous": AnonymousUser(),
        "a": ReviewerFactory(),
        "b": ReviewerFactory(),
        "editor_b": EditorFactory(),
        "reviewer": ReviewerFactory(),
        "editor": EditorFactory(),
        "admin": AdminFactory(),
    }
    claim = ClaimFactory(status="in_review")
    editor = users["editor"]
    first = ReviewAssignment.objects.create(
        claim=claim, slot=1, reviewer=users["a"], assigned_by=editor
    )
    ReviewAssignment.objects.create(claim=claim, slot=2, reviewer=users[second], assigned_by=editor)
    verdict = VerdictFactory(
        claim=claim, author=users["a"], status="submitted", submitted_at="2026-01-01T00:00Z"
    )
    ReviewAssignment.objects.filter(pk=first.pk).update(
        verdict=verdict, rating=verdict.rating, submitted_at="2026-01-01T00:00Z"
    )
    mismatches = []
    for moment, row in BLIND_TABLE.items():
        if moment == "after":
            theirs = VerdictFactory(
                claim=claim,
                author=users[second],
                status="submitted",
                submitted_at="2026-01-02T00:00Z",
            )
            ReviewAssignment.objects.filter(slot=2).update(
                verdict=theirs, rating=theirs.rating, submitted_at="2026-01-02T00:00Z"
            )
        for name, expected in row.items():
            if name in ("b", "editor_b") and name != second:
                continue
            user = users[name]
            seen = can_see_verdict(user, verdict)
            listed = visible_verdicts(user, Verdict.objects.filter(pk=verdict.pk)).exists()
            if seen != expected or listed != expected:
                mismatches.append((moment, name, expected, seen, listed))
    assert mismatches == []
