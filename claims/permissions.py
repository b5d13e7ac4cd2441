"""Roles and visibility, in one place: who may see what and take which action, in which state.

Roles are Django groups (claims.reference): reviewers; editors (who are also reviewers);
superusers are admins and count as editors. Every signed-in member of the newsroom sees every
article and claim; a draft verdict only its author and editors; anonymous readers see published
fact-checks only. Services, selectors, the audit reads, the API, the admin and the UI ask the
functions here; no other module compares a group name or a role.

Each action question has two halves kept side by side: the role (and authorship) rule, which a
service enforces with ``require_*`` (PermissionDenied), and the states the action starts from,
which the services check against the tables below (InvalidTransition). ``claim_actions`` and
``verdict_actions`` combine both, for the screens that offer only what would succeed.
"""

from __future__ import annotations

from enum import StrEnum

from django.db.models import Exists, OuterRef, Q, QuerySet

from claims.models import Article, Claim, Comment, ReviewAssignment, Verdict, WebhookPauseReason
from claims.reference import EDITORS, REVIEWERS
from claims.services.errors import PermissionDenied


class Role(StrEnum):
    """A user's highest role; NONE for anonymous users and accounts without a newsroom role."""

    NONE = ""
    REVIEWER = "reviewer"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def is_member(self) -> bool:
        return self is not Role.NONE

    @property
    def is_editor(self) -> bool:
        return self in (Role.EDITOR, Role.ADMIN)


# The groups an account of each role belongs to (admins are superusers as well).
ROLE_GROUPS: dict[Role, tuple[str, ...]] = {
    Role.REVIEWER: (REVIEWERS,),
    Role.EDITOR: (REVIEWERS, EDITORS),
    Role.ADMIN: (REVIEWERS, EDITORS),
}


def role_from(*, is_superuser: bool, group_names) -> Role:
    """The role of an account with these flags and group names."""
    if is_superuser:
        return Role.ADMIN
    names = set(group_names)
    if EDITORS in names:
        return Role.EDITOR
    if REVIEWERS in names:
        return Role.REVIEWER
    return Role.NONE


def role_of(user) -> Role:
    """The user's role, computed once per user object (groups cost a query)."""
    if user is None or not user.is_authenticated:
        return Role.NONE
    cached = getattr(user, "_factcheck_role", None)
    if cached is None:
        cached = role_from(
            is_superuser=user.is_superuser, group_names=(g.name for g in user.groups.all())
        )
        user._factcheck_role = cached
    return Role(cached)


def remember_role(user, *, is_superuser: bool, group_names) -> None:
    """Cache the role of a user whose groups were read with the user (the token query)."""
    user._factcheck_role = role_from(is_superuser=is_superuser, group_names=group_names)


def is_member(user) -> bool:
    """Signed in with a newsroom role (reviewer, editor or admin)."""
    return role_of(user).is_member


def is_editor(user) -> bool:
    """An editor or an admin."""
    return role_of(user).is_editor


def is_admin(user) -> bool:
    """An admin (a superuser)."""
    return role_of(user) is Role.ADMIN


def require_admin(user, action: str) -> None:
    """Refuse unless the user is an admin."""
    if not is_admin(user):
        raise PermissionDenied(f"only admins may {action}")


def may_use_admin(user) -> bool:
    """The moderation admin: active staff editors and admins (a reviewer marked staff stays out)."""
    return bool(user.is_active and user.is_staff) and is_editor(user)


def members_filter() -> Q:
    """A filter on users: the accounts that hold a newsroom role."""
    return Q(groups__name__in=(REVIEWERS, EDITORS)) | Q(is_superuser=True)


def editors_filter() -> Q:
    """A filter on users: editors and admins."""
    return Q(groups__name=EDITORS) | Q(is_superuser=True)


def admins_filter() -> Q:
    """A filter on users: admins (superusers)."""
    return Q(is_superuser=True)


# --- webhooks --------------------------------------------------------------------------------


def webhook_owner_refusal(user) -> str | None:
    """Why this account cannot carry a webhook, as a `WebhookPauseReason`, or None.

    A webhook acts with its owner's rights (it sends what they may see), so its owner must be an
    active editor or admin: the one rule behind registering a webhook, taking one over
    (`webhooks.webhook_resume`) and the dispatch, which pauses a webhook whose owner fails it
    (deleted: ``None``; deactivated; no longer an editor). Computing the role reads the user's
    groups: the dispatch prefetches them for all owners at once."""
    if user is None:
        return WebhookPauseReason.CREATOR_DELETED
    if not user.is_active:
        return WebhookPauseReason.CREATOR_INACTIVE
    if not is_editor(user):
        return WebhookPauseReason.CREATOR_NOT_EDITOR
    return None


def require_webhook_owner(user, action: str) -> None:
    """Refuse unless the user may own a webhook (an active editor or admin)."""
    if not user.is_authenticated or webhook_owner_refusal(user) is not None:
        raise PermissionDenied(f"only active editors may {action}")


def auto_reviewers(users: QuerySet) -> QuerySet:
    """The users a default double review may pick automatically: active reviewers who are not
    editors (so that an editor who is neither of the two is always there to adjudicate)."""
    editors = users.model.objects.filter(editors_filter()).values("pk")
    return users.filter(is_active=True, is_superuser=False, groups__name=REVIEWERS).exclude(
        pk__in=editors
    )


def require_double_review_defaults(user) -> None:
    """Setting the desk's or an article's default double review is an editor's decision; any
    member may read it."""
    require_editor(user, "set the default double review")


def mentionable_filter(user) -> Q:
    """A filter on users: whom this user may name as @username in a comment (active members
    but themselves; nobody for a user without a role). The autocomplete lists exactly these, and
    a mention of anyone else does nothing (services.notify)."""
    if not is_member(user):
        return Q(pk__in=[])
    return members_filter() & Q(is_active=True) & ~Q(pk=user.pk)


def require_member(user, action: str) -> None:
    """Refuse unless the user is a newsroom member."""
    if not is_member(user):
        raise PermissionDenied(f"only reviewers and editors may {action}")


def require_editor(user, action: str) -> None:
    """Refuse unless the user is an editor."""
    if not is_editor(user):
        raise PermissionDenied(f"only editors may {action}")


# --- articles --------------------------------------------------------------------------------


def article_revise_refusal(user, article: Article) -> PermissionDenied | None:
    """Why this user may not give the article a new body (correct it, re-fetch it), or None.

    Any member may: the text is what the publisher says, and whoever notices a correction records
    it. What was published stays frozen all the same: a revision never edits a verdict, and a
    claim whose checked text changed or was lost under a submitted, approved or published verdict
    is flagged for review (``Claim.anchor_review``), not changed in silence. (The service also
    waits for the article to be ready: a state, answered 409, not a role.)"""
    if not is_member(user):
        return PermissionDenied("only reviewers and editors may correct an article's text")
    return None


def may_revise_article(user, article: Article) -> bool:
    """Offer "correct the text" and "re-fetch" (role, and the article ready)?"""
    return (
        article_revise_refusal(user, article) is None
        and article.ingest_status == Article.IngestStatus.READY
    )


def require_article_revise(user, article: Article) -> None:
    refusal = article_revise_refusal(user, article)
    if refusal is not None:
        raise refusal


def claim_anchor_refusal(user, claim: Claim) -> PermissionDenied | None:
    """Why this user may not confirm or re-place a claim's anchor after a revision, or None.

    Members may on claims they may edit; on a published claim (final) or one frozen by a verdict
    under review, only editors: it changes where the claim points in the new text, never the
    verdict or the checked text it rated (kept in ``quote_before``)."""
    if not is_member(user):
        return PermissionDenied("only reviewers and editors may confirm a claim's place")
    if claim.status == Claim.Status.DISMISSED:
        return PermissionDenied("a dismissed claim has no place to confirm")
    settled = claim.status in (
        Claim.Status.IN_REVIEW,
        Claim.Status.APPROVED,
        Claim.Status.PUBLISHED,
    )
    if settled and not is_editor(user):
        return PermissionDenied(
            "only editors may confirm the place of a claim under review or published"
        )
    return None


# --- claims ----------------------------------------------------------------------------------


class ClaimAction(StrEnum):
    EDIT = "edit"
    ACCEPT = "accept"
    ASSIGN = "assign"
    DISMISS = "dismiss"
    ADD_EVIDENCE = "add_evidence"
    DRAFT_VERDICT = "draft_verdict"
    COMMENT = "comment"


CLAIM_FINAL_STATES = frozenset({Claim.Status.PUBLISHED, Claim.Status.DISMISSED})
# A claim takes verdicts once accepted, until it is dismissed.
CLAIM_STATES_FOR_VERDICTS = frozenset(
    {
        Claim.Status.OPEN,
        Claim.Status.IN_PROGRESS,
        Claim.Status.IN_REVIEW,
        Claim.Status.APPROVED,
        Claim.Status.PUBLISHED,
    }
)
_ALL_CLAIM_STATES = frozenset(Claim.Status.values)
CLAIM_ACTION_STATES: dict[ClaimAction, frozenset[str]] = {
    ClaimAction.EDIT: _ALL_CLAIM_STATES - CLAIM_FINAL_STATES,
    ClaimAction.ACCEPT: frozenset({Claim.Status.SUGGESTED}),
    ClaimAction.ASSIGN: _ALL_CLAIM_STATES - CLAIM_FINAL_STATES - {Claim.Status.SUGGESTED},
    ClaimAction.DISMISS: _ALL_CLAIM_STATES - CLAIM_FINAL_STATES,
    ClaimAction.ADD_EVIDENCE: _ALL_CLAIM_STATES - {Claim.Status.DISMISSED},
    ClaimAction.DRAFT_VERDICT: CLAIM_STATES_FOR_VERDICTS,
    ClaimAction.COMMENT: _ALL_CLAIM_STATES,
}


def claim_refusal(user, claim: Claim, action: ClaimAction) -> PermissionDenied | None:
    """Why this user's role does not allow the action on this claim, or None if it does."""
    if action is ClaimAction.ASSIGN:
        return None if is_editor(user) else PermissionDenied("only editors may assign claims")
    if not is_member(user):
        return PermissionDenied(f"only reviewers and editors may {_CLAIM_PHRASES[action]}")
    # Any reviewer may turn down one of the extractor's suggestions; dismissing a claim someone
    # accepted is an editor's decision.
    accepted = claim.status != Claim.Status.SUGGESTED
    if action is ClaimAction.DISMISS and accepted and not is_editor(user):
        return PermissionDenied("only editors may dismiss claims that were accepted")
    return None


_CLAIM_PHRASES = {
    ClaimAction.EDIT: "edit claims",
    ClaimAction.ACCEPT: "accept claims",
    ClaimAction.ASSIGN: "assign claims",
    ClaimAction.DISMISS: "dismiss claims",
    ClaimAction.ADD_EVIDENCE: "add evidence",
    ClaimAction.DRAFT_VERDICT: "draft verdicts",
    ClaimAction.COMMENT: "comment",
}


def require_claim_action(user, claim: Claim, action: ClaimAction) -> None:
    """Refuse (PermissionDenied) unless the user's role allows the action on this claim."""
    refusal = claim_refusal(user, claim, action)
    if refusal is not None:
        raise refusal


def claim_actions(user, claim: Claim) -> frozenset[ClaimAction]:
    """The actions this user may take on this claim now, by role and by the claim's state."""
    return frozenset(
        action
        for action in ClaimAction
        if claim.status in CLAIM_ACTION_STATES[action]
        and claim_refusal(user, claim, action) is None
    )


# --- verdicts --------------------------------------------------------------------------------


class VerdictAction(StrEnum):
    EDIT = "edit"
    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"
    PUBLISH = "publish"


PUBLIC_VERDICT_STATES = frozenset({Verdict.Status.PUBLISHED, Verdict.Status.SUPERSEDED})
VERDICT_EDITABLE_STATES = frozenset({Verdict.Status.DRAFT, Verdict.Status.REJECTED})
VERDICT_ACTION_STATES: dict[VerdictAction, frozenset[str]] = {
    VerdictAction.EDIT: VERDICT_EDITABLE_STATES,
    VerdictAction.SUBMIT: VERDICT_EDITABLE_STATES,
    VerdictAction.APPROVE: frozenset({Verdict.Status.SUBMITTED}),
    VerdictAction.REJECT: frozenset({Verdict.Status.SUBMITTED}),
    VerdictAction.PUBLISH: frozenset({Verdict.Status.APPROVED}),
}


def can_see_verdict(user, verdict: Verdict) -> bool:
    """Drafts: their author and editors; other states: members; published ones: everyone; a
    double review's verdicts stay blind until both reviewers submitted."""
    if verdict.status in PUBLIC_VERDICT_STATES:
        return True
    if not is_member(user):
        return False
    if verdict.status == Verdict.Status.DRAFT and not (
        verdict.author_id == user.pk or is_editor(user)
    ):
        return False
    return not _hidden_by_double_review(user, verdict)


# Blind double review: until both assigned reviewers of a claim have submitted, each one's verdict
# is seen only by its author and by the editors who are not one of the two (an editor assigned as
# a reviewer is as blind as a reviewer). Every other member is kept out too, so nobody can pass it
# on. Published verdicts are never blind: approving needs both submissions (double_review).
def double_review_state(claim_id: int) -> tuple[frozenset[int], bool]:
    """A claim's double review: the two reviewers' ids (empty if none), and whether both
    submitted (the reveal)."""
    rows = list(
        ReviewAssignment.objects.filter(claim_id=claim_id).values_list(
            "reviewer_id", "submitted_at"
        )
    )
    return frozenset(r for r, _ in rows), all(submitted is not None for _, submitted in rows)


def verdict_is_blind(verdict: Verdict) -> bool:
    """Is this one of an unrevealed blind double review's verdicts (only its author and the
    editors who are neither of the two may see it)? Then no channel that reaches other people
    (webhooks: a newsroom system, a chat channel the desk reads) may carry what it says."""
    if verdict.status in PUBLIC_VERDICT_STATES:
        return False
    assigned, revealed = double_review_state(verdict.claim_id)
    return verdict.author_id in assigned and not revealed


def _hidden_by_double_review(user, verdict: Verdict) -> bool:
    assigned, revealed = double_review_state(verdict.claim_id)
    unrevealed = not revealed
    if verdict.author_id not in assigned or not unrevealed or verdict.author_id == user.pk:
        return False
    return not is_editor(user) or user.pk in assigned


def _double_review_hidden_q(user) -> Q:
    assignments = ReviewAssignment.objects.filter(claim_id=OuterRef("claim_id"))
    hidden = (
        Q(Exists(assignments.filter(reviewer_id=OuterRef("author_id"))))
        & Q(Exists(assignments.filter(submitted_at__isnull=True)))
        & ~Q(author_id=user.pk)
        & ~Q(status__in=PUBLIC_VERDICT_STATES)
    )
    if is_editor(user):
        hidden &= Q(Exists(assignments.filter(reviewer_id=user.pk)))
    return hidden


def visible_verdicts(user, queryset: QuerySet[Verdict]) -> QuerySet[Verdict]:
    """The verdicts of ``queryset`` this user may see (the filter form of ``can_see_verdict``)."""
    if not is_member(user):
        return queryset.filter(status__in=PUBLIC_VERDICT_STATES)
    unblind = ~_double_review_hidden_q(user)
    if is_editor(user):
        return queryset.filter(unblind)
    return queryset.filter(~Q(status=Verdict.Status.DRAFT) | Q(author_id=user.pk)).filter(unblind)


# Claim memory: our verdicts offered as earlier fact-checks (matches, "same claim as" links) are
# the published ones and nothing else, whoever asks. Matches are computed by the worker and kept
# for every member to see, so they may hold only what the least of their readers may see: never
# a draft, a verdict under review, nor a blind double review's verdict (never published while
# blind). A link made to a published verdict still shows once a correction supersedes it.
MATCHED_VERDICT_STATES = frozenset({Verdict.Status.PUBLISHED})


def matchable_verdicts(queryset: QuerySet[Verdict]) -> QuerySet[Verdict]:
    """The verdicts of ``queryset`` that may be offered as an earlier fact-check."""
    return visible_verdicts(None, queryset).filter(status__in=MATCHED_VERDICT_STATES)


def shown_links(queryset: QuerySet) -> QuerySet:
    """The "same claim as" links (``ClaimLink``) of ``queryset`` that may be shown, to anyone and
    on every surface (pages, ClaimReview ``isBasedOn``, the DataFeed, the links API): never to an
    imported fact-check a moderator hid, and to one of our verdicts only while anyone may see it
    (published, or superseded by a published correction)."""
    return queryset.exclude(claim_review__is_hidden=True).filter(
        Q(verdict__isnull=True) | Q(verdict__status__in=PUBLIC_VERDICT_STATES)
    )


def visible_comments(user, queryset: QuerySet[Comment]) -> QuerySet[Comment]:
    """The comments of ``queryset`` this user may read: members; hidden ones editors only."""
    if not is_member(user):
        return queryset.none()
    if is_editor(user):
        return queryset
    return queryset.filter(is_hidden=False)


def verdict_refusal(user, verdict: Verdict, action: VerdictAction) -> PermissionDenied | None:
    """Why this user's role (or authorship) does not allow the action, or None if it does."""
    if action in (VerdictAction.EDIT, VerdictAction.SUBMIT):
        if is_member(user) and (verdict.author_id == user.pk or is_editor(user)):
            return None
        verb = "change" if action is VerdictAction.EDIT else "submit"
        return PermissionDenied(f"only its author or an editor may {verb} a verdict")
    if not is_editor(user):
        return PermissionDenied(f"only editors may {action} verdicts")
    if action in (VerdictAction.APPROVE, VerdictAction.REJECT):
        # Four eyes: the reviewer is a second person to everyone who wrote or changed the
        # verdict's content and to whoever submitted it (the database holds the same rule: see
        # Verdict's triggers). An editor who disagrees with a draft rejects it, or writes their own.
        if verdict.author_id == user.pk:
            return PermissionDenied(f"nobody may {action} their own verdict")
        if user.pk in (verdict.content_editors or []) or verdict.content_changed_by_id == user.pk:
            return PermissionDenied(
                "you changed this verdict's content, so another editor must review it"
            )
        if verdict.submitted_by_id == user.pk:
            return PermissionDenied("you submitted this verdict, so another editor must review it")
    if action is VerdictAction.APPROVE:
        # Adjudicating a blind double review (approving one of its verdicts, or the final one an
        # editor drafted) is for an editor who is neither of the two reviewers.
        assigned, _ = double_review_state(verdict.claim_id)
        if user.pk in assigned:
            return PermissionDenied(
                "one of the two reviewers may not adjudicate their double review"
            )
    return None


def verdict_reviewers_filter(verdict: Verdict) -> Q:
    """A filter on users: the editors and admins four eyes lets approve or reject this verdict
    (everyone ``verdict_refusal`` refuses below is left out: its author, whoever wrote or changed
    its content, its submitter, and the two reviewers of the claim's blind double review, who may
    neither adjudicate it nor see the other's verdict before both submitted)."""
    barred = {verdict.author_id, verdict.content_changed_by_id, verdict.submitted_by_id}
    barred.update(verdict.content_editors or [])
    barred.update(double_review_state(verdict.claim_id)[0])
    barred.discard(None)
    return editors_filter() & ~Q(pk__in=barred)


def can_change_verdict(user, verdict: Verdict) -> bool:
    """May this user change the verdict's text (its author, or an editor)?"""
    return verdict_refusal(user, verdict, VerdictAction.EDIT) is None


def require_verdict_action(user, verdict: Verdict, action: VerdictAction) -> None:
    """Refuse (PermissionDenied) unless the user may take the action on this verdict."""
    refusal = verdict_refusal(user, verdict, action)
    if refusal is not None:
        raise refusal


def verdict_actions(user, verdict: Verdict) -> frozenset[VerdictAction]:
    """The workflow steps this user may take on this verdict now, and no others."""
    if not can_see_verdict(user, verdict):
        return frozenset()
    return frozenset(
        action
        for action in VerdictAction
        if verdict.status in VERDICT_ACTION_STATES[action]
        and verdict_refusal(user, verdict, action) is None
    )


def may_approve_verdict(user, verdict: Verdict) -> str | None:
    """Why this user may not approve this verdict (None: they may, as far as roles and four eyes
    go): the sentence the approve button shows in its place."""
    refusal = verdict_refusal(user, verdict, VerdictAction.APPROVE)
    return None if refusal is None else refusal.message
