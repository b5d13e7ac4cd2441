"""Role rules, in one place: who may see and do what. Services enforce them; selectors filter by them.

Roles are Django groups (claims.reference): reviewers; editors (also reviewers); superusers count as
editors. Every signed-in member of the newsroom sees every article and claim; anonymous users see
published fact-checks only.
"""

from __future__ import annotations

from claims.models import Verdict
from claims.services.errors import PermissionDenied
from claims.services.users import user_role

MEMBER_ROLES = frozenset({"reviewer", "editor", "admin"})
EDITOR_ROLES = frozenset({"editor", "admin"})
PUBLIC_VERDICT_STATES = frozenset({Verdict.Status.PUBLISHED, Verdict.Status.SUPERSEDED})


def role_of(user) -> str:
    """The user's role, computed once per user object (groups cost a query)."""
    if user is None or not user.is_authenticated:
        return ""
    cached = getattr(user, "_factcheck_role", None)
    if cached is None:
        cached = user_role(user)
        user._factcheck_role = cached
    return cached


def is_member(user) -> bool:
    """Signed in with a newsroom role (reviewer, editor or admin)."""
    return role_of(user) in MEMBER_ROLES


def is_editor(user) -> bool:
    """An editor or an admin."""
    return role_of(user) in EDITOR_ROLES


def require_member(user, action: str) -> None:
    """Refuse unless the user is a newsroom member."""
    if not is_member(user):
        raise PermissionDenied(f"only reviewers and editors may {action}")


def require_editor(user, action: str) -> None:
    """Refuse unless the user is an editor."""
    if not is_editor(user):
        raise PermissionDenied(f"only editors may {action}")


def can_see_verdict(user, verdict: Verdict) -> bool:
    """Drafts: their author and editors; other states: members; published ones: everyone."""
    if verdict.status in PUBLIC_VERDICT_STATES:
        return True
    if not is_member(user):
        return False
    if verdict.status == Verdict.Status.DRAFT:
        return verdict.author_id == user.pk or is_editor(user)
    return True


def can_change_verdict(user, verdict: Verdict) -> bool:
    """A verdict's text is changed by its author or an editor."""
    return is_member(user) and (verdict.author_id == user.pk or is_editor(user))


def may_approve_verdict(user, verdict: Verdict) -> str | None:
    """Why this user may not approve this verdict (None: they may, as far as four eyes go).

    Four eyes: the approver is a second person to everyone who wrote or changed its content and
    to whoever submitted it. An editor who disagrees with a draft rejects it with a reason, or
    writes their own verdict. The same holds for rejecting (a review too), so the database can
    refuse any reviewed_by equal to one of them: see Verdict's triggers.
    """
    if not is_editor(user):
        return "only editors may approve verdicts"
    if verdict.author_id == user.pk:
        return "nobody may approve their own verdict"
    if user.pk in (verdict.content_editors or []) or verdict.content_changed_by_id == user.pk:
        return "you changed this verdict's content, so another editor must review it"
    if verdict.submitted_by_id == user.pk:
        return "you submitted this verdict, so another editor must review it"
    return None
