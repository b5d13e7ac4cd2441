"""The claim page: statement, assignee, evidence (live fetch state), verdicts, comments, history."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from claims import selectors
from claims.models import Claim, Evidence, Source, Verdict
from claims.permissions import (
    PUBLIC_VERDICT_STATES,
    ClaimAction,
    VerdictAction,
    claim_actions,
    claim_anchor_refusal,
    is_editor,
    verdict_actions,
)
from claims.selectors_audit import claim_history_for
from claims.services import claims as claim_services
from claims.services import comments as comment_services
from claims.services import double_review as double_review_services
from claims.services import evidence as evidence_services
from claims.services import verdicts as verdict_services
from claims.services.errors import DomainError, StaleVersion, ValidationError
from frontend.diffview import side_by_side
from frontend.views.common import form_errors, int_or_none, member_required, render_page

UNSETTLED = {Source.FetchStatus.PENDING, Source.FetchStatus.FETCHING}
FIELD_LABELS = {
    "statement": "Statement",
    "claimant": "Claimant",
    "claimant_kind": "Claimant kind",
    "claim_type": "Type",
    "claim_date": "Claim date",
    "appearance_url": "First appeared at",
    "status": "Status",
    "assignee": "Assignee",
    "start": "Start",
    "end": "End",
    "quote": "Quote",
    "rating": "Rating",
    "summary": "Summary",
    "claim_summary": "Claim in short",
    "rationale": "Rationale",
    "correction_note": "Correction note",
}


CLAIM_ORIG_FIELDS = (
    ("statement", "statement"),
    ("claimant", "claimant"),
    ("claimant_kind", "claimant_kind"),
    ("claim_type", "claim_type"),
    ("claim_date", "claim_date"),
    ("appearance_url", "appearance_url"),
    ("status", "status"),
    ("assignee", "assignee_id"),
    ("start", "start"),
    ("end", "end"),
)

# Bookkeeping columns every change touches; the history shows what a person changed.
HISTORY_NOISE = frozenset({"updated_at", "created_at", "version"})


def _history(request: HttpRequest, claim: Claim) -> list:
    """The claim's history as this user may read it (the API reads the same selector)."""
    return [
        {
            "at": entry.at,
            "actor": entry.actor,
            "operation": entry.operation,
            "model": entry.model,
            "changes": {k: v for k, v in entry.changes.items() if k not in HISTORY_NOISE},
        }
        for entry in claim_history_for(user=request.user, claim=claim)
    ]


def evidence_context(request: HttpRequest, claim: Claim) -> dict:
    evidence = list(selectors.evidence_list(user=request.user, claim_id=claim.pk))
    return {
        "claim": claim,
        "evidence": evidence,
        "evidence_settling": any(e.source.fetch_status in UNSETTLED for e in evidence),
        "stances": Evidence.Stance.choices,
    }


def _verdict_actions(user, verdict: Verdict, claim: Claim) -> frozenset[VerdictAction]:
    """The workflow steps this user may take on this verdict (claims.permissions), less those the
    desk's rules hold back for now (sources before verdicts).

    Where a step is held back, ``verdict.blocked[step]`` says why (shown where its button would
    be), and ``verdict.sources_warning`` warns an approver that no source is archived yet.
    """
    actions = set(verdict_actions(user, verdict))
    verdict.blocked, verdict.sources_warning = {}, None
    if VerdictAction.SUBMIT in actions:
        blocker = verdict_services.verdict_submit_blocker(claim=claim)
        if blocker is not None:
            actions.discard(VerdictAction.SUBMIT)
            verdict.blocked["submit"] = blocker
    if verdict.status == Verdict.Status.SUBMITTED and is_editor(user):
        blocker = verdict_services.verdict_approve_blocker(actor=user, verdict=verdict)
        if blocker is None:
            verdict.sources_warning = verdict_services.verdict_sources_warning(claim=claim)
        else:
            actions.discard(VerdictAction.APPROVE)
            verdict.blocked["approve"] = blocker
    return frozenset(actions)


def claim_context(request: HttpRequest, claim: Claim, **extra) -> dict:
    user = request.user
    verdicts = list(selectors.verdict_list(user=user, claim_id=claim.pk))
    for verdict in verdicts:
        verdict.actions = _verdict_actions(user, verdict, claim)
    in_flight = any(v.status not in PUBLIC_VERDICT_STATES for v in verdicts)
    published = any(v.status == Verdict.Status.PUBLISHED for v in verdicts)
    allowed = claim_actions(user, claim)
    editor = is_editor(user)
    frozen = claim_services.claim_frozen_reason(claim=claim)
    context = {
        "claim": claim,
        "verdicts": verdicts,
        "can_draft": ClaimAction.DRAFT_VERDICT in allowed and not in_flight,
        "drafting_correction": published,
        "ratings": list(selectors.rating_list()),
        "comments": list(selectors.comment_list(user=user, claim_id=claim.pk)),
        "history": _history(request, claim),
        "is_editor": editor,
        "can_edit_claim": ClaimAction.EDIT in allowed and frozen is None,
        "claim_frozen": frozen,
        "can_accept": ClaimAction.ACCEPT in allowed,
        "can_dismiss": ClaimAction.DISMISS in allowed,
        "can_assign": ClaimAction.ASSIGN in allowed,
        "members": selectors.member_list() if ClaimAction.ASSIGN in allowed else [],
        "double_review": double_review_services.double_review_assignments(claim=claim),
        "can_double_review": ClaimAction.ASSIGN in allowed
        and claim.status in double_review_services.DOUBLE_REVIEW_STATES,
        "claim_types": Claim.Type.choices,
        "claimant_kinds": Claim.ClaimantKind.choices,
        "dismissal_reasons": Claim.DismissalReason.choices,
        "form": {},
        "errors": {},
        # The values the claim form was loaded with, to tell a user what changed under them.
        "claim_orig": [
            (name, "" if getattr(claim, attr) is None else getattr(claim, attr))
            for name, attr in CLAIM_ORIG_FIELDS
        ],
    }
    if claim.anchor_review or claim.anchor_status in ("changed", "lost"):
        context["anchor_diff"] = side_by_side(claim.checked_quote, claim.quote)
    context["can_confirm_anchor"] = (
        claim.anchor_status != Claim.AnchorStatus.EXACT or claim.anchor_review
    ) and claim_anchor_refusal(user, claim) is None
    context |= evidence_context(request, claim)
    context |= extra
    _verdict_form_states(context)
    return context


def _verdict_form_states(context: dict) -> None:
    """Attach to each verdict form what was typed, the conflict and the errors, if it was sent."""
    sent_to = context.get("verdict_form_id") or "new" if "verdict_form" in context else None
    sent = {
        "f": context.get("verdict_form"),
        "conflict": context.get("verdict_conflict"),
        "errors": context.get("verdict_errors") or {},
        "version": context.get("verdict_form_version"),
    }
    empty = {"f": None, "conflict": None, "errors": {}, "version": None}
    for verdict in context["verdicts"]:
        verdict.form_state = sent if sent_to == verdict.pk else empty
    context["new_form_state"] = sent if sent_to == "new" else empty


@require_GET
@member_required
def claim_detail(request: HttpRequest, claim_id: int) -> HttpResponse:
    """Everything about one claim, with the actions the user may take."""
    claim = selectors.claim_get(user=request.user, claim_id=claim_id)
    return render_page(request, "frontend/claim_detail.html", claim_context(request, claim))


def _conflict(exc: StaleVersion, post) -> dict:
    """What someone else changed: stored values that differ from those the form was loaded with.

    Forms carry the values they showed as ``orig_<field>``; fields without one are not compared.
    """
    ratings = {r.pk: r.label for r in selectors.rating_list()}
    changed = []
    for field, value in exc.current.items():
        loaded = post.get(f"orig_{field}")
        if field not in FIELD_LABELS or loaded is None:
            continue
        if str(loaded) == str(value if value is not None else ""):
            continue
        shown = ratings.get(value, value) if field == "rating" else value
        changed.append((FIELD_LABELS[field], shown))
    return {"version": exc.current_version, "changed": changed}


def _rerender(request, claim_id: int, template: str, status: int, **extra) -> HttpResponse:
    claim = selectors.claim_get(user=request.user, claim_id=claim_id)
    context = claim_context(request, claim, **extra)
    return render_page(
        request, "frontend/claim_detail.html", context, partial=template, status=status
    )


@require_POST
@member_required
def claim_edit(request: HttpRequest, claim_id: int) -> HttpResponse:
    """Save the statement, claimant and type; a stale version is refused, the typed text kept."""
    claim = selectors.claim_get(user=request.user, claim_id=claim_id)
    form = {k: request.POST.get(k, "") for k in (*Claim.DESCRIPTION_FIELDS, *Claim.CONTEXT_FIELDS)}
    version = int_or_none(request.POST.get("version"))
    try:
        claim_services.claim_update(
            actor=request.user, claim=claim, expected_version=version, **form
        )
    except StaleVersion as exc:
        return _rerender(
            request,
            claim_id,
            "frontend/_claim_form.html",
            409,
            form=form,
            conflict=_conflict(exc, request.POST),
            form_version=exc.current_version,
        )
    except DomainError as exc:
        return _rerender(
            request,
            claim_id,
            "frontend/_claim_form.html",
            400,
            form=form,
            errors=form_errors(exc),
            form_version=version,
        )
    if request.htmx:
        return _rerender(request, claim_id, "frontend/_claim_form.html", 200, saved=True)
    messages.success(request, "Claim saved.")
    return redirect("frontend:claim", claim_id)


@require_POST
@member_required
def claim_assign(request: HttpRequest, claim_id: int) -> HttpResponse:
    """An editor assigns the claim to a member (or to nobody)."""
    claim = selectors.claim_get(user=request.user, claim_id=claim_id)
    assignee_id = int_or_none(request.POST.get("assignee"))
    try:
        assignee = selectors.user_get_assignable(user_id=assignee_id) if assignee_id else None
        claim_services.claim_assign(
            actor=request.user,
            claim=claim,
            assignee=assignee,
            expected_version=int_or_none(request.POST.get("version")),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("frontend:claim", claim_id)


@require_POST
@member_required
def claim_double_review(request: HttpRequest, claim_id: int) -> HttpResponse:
    """An editor puts the claim under blind double review by two members."""
    claim = selectors.claim_get(user=request.user, claim_id=claim_id)
    try:
        double_review_services.claim_double_review_start(
            actor=request.user,
            claim=claim,
            reviewers=[request.POST.get("first", ""), request.POST.get("second", "")],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("frontend:claim", claim_id)


@require_GET
@member_required
def evidence_panel(request: HttpRequest, claim_id: int) -> HttpResponse:
    """The evidence list alone (htmx polls it while a source is being fetched)."""
    claim = selectors.claim_get(user=request.user, claim_id=claim_id)
    return render_page(
        request,
        "frontend/claim_detail.html",
        claim_context(request, claim),
        partial="frontend/_evidence_list.html",
    )


@require_POST
@member_required
def evidence_add(request: HttpRequest, claim_id: int) -> HttpResponse:
    """Attach a source URL with a stance and a quote; the source is fetched in the background."""
    claim = selectors.claim_get(user=request.user, claim_id=claim_id)
    form = {k: request.POST.get(k, "") for k in ("url", "stance", "quoted_passage", "note")}
    try:
        evidence_services.evidence_add(actor=request.user, claim=claim, **form)
    except DomainError as exc:
        return _rerender(
            request,
            claim_id,
            "frontend/_evidence.html",
            400,
            evidence_form=form,
            evidence_errors=form_errors(exc),
        )
    if request.htmx:
        return _rerender(request, claim_id, "frontend/_evidence.html", 200)
    return redirect("frontend:claim", claim_id)


@require_POST
@member_required
def verdict_save(request: HttpRequest, claim_id: int) -> HttpResponse:
    """Draft a new verdict, or change a draft (with its version: stale saves are refused)."""
    claim = selectors.claim_get(user=request.user, claim_id=claim_id)
    form = {
        k: request.POST.get(k, "")
        for k in ("rating", "summary", "claim_summary", "rationale", "correction_note")
    }
    verdict_id = int_or_none(request.POST.get("verdict"))
    version = int_or_none(request.POST.get("version"))
    try:
        if verdict_id:
            verdict = selectors.verdict_get(user=request.user, verdict_id=verdict_id)
            changes = dict(form)
            if not verdict.supersedes_id:
                changes.pop("correction_note")
            verdict_services.verdict_update(
                actor=request.user, verdict=verdict, expected_version=version, **changes
            )
        else:
            if not form["correction_note"]:
                form.pop("correction_note")
            verdict_services.verdict_create(actor=request.user, claim=claim, **form)
    except StaleVersion as exc:
        return _rerender(
            request,
            claim_id,
            "frontend/_verdicts.html",
            409,
            verdict_form=form,
            verdict_conflict=_conflict(exc, request.POST),
            verdict_form_version=exc.current_version,
            verdict_form_id=verdict_id,
        )
    except DomainError as exc:
        return _rerender(
            request,
            claim_id,
            "frontend/_verdicts.html",
            400,
            verdict_form=form,
            verdict_errors=form_errors(exc),
            verdict_form_version=version,
            verdict_form_id=verdict_id,
        )
    messages.success(request, "Verdict saved.")
    return redirect("frontend:claim", claim_id)


VERDICT_STEPS = {
    "submit": verdict_services.verdict_submit,
    "approve": verdict_services.verdict_approve,
    "reject": verdict_services.verdict_reject,
    "publish": verdict_services.verdict_publish,
}


STEP_DONE = {
    "submit": "submitted",
    "approve": "approved",
    "reject": "rejected",
    "publish": "published",
}


@require_POST
@member_required
def verdict_step(request: HttpRequest, verdict_id: int, step: str) -> HttpResponse:
    """Submit, approve, reject (with a reason) or publish a verdict."""
    verdict = selectors.verdict_get(user=request.user, verdict_id=verdict_id)
    service = VERDICT_STEPS.get(step)
    kwargs = {"expected_version": int_or_none(request.POST.get("version"))}
    if step == "reject":
        kwargs["reason"] = request.POST.get("reason", "")
    try:
        if service is None:
            raise ValidationError("step", "Unknown step.")
        service(actor=request.user, verdict=verdict, **kwargs)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Verdict {STEP_DONE[step]}.")
    if request.POST.get("from") == "queue":
        return redirect("frontend:queue")
    return redirect("frontend:claim", verdict.claim_id)


@require_POST
@member_required
def comment_add(request: HttpRequest, claim_id: int) -> HttpResponse:
    """Add a line to the claim's discussion."""
    claim = selectors.claim_get(user=request.user, claim_id=claim_id)
    body = request.POST.get("body", "")
    try:
        comment_services.comment_add(actor=request.user, claim=claim, body=body)
    except DomainError as exc:
        return _rerender(
            request,
            claim_id,
            "frontend/_comments.html",
            400,
            comment_body=body,
            comment_error=exc.message,
        )
    if request.htmx:
        return _rerender(request, claim_id, "frontend/_comments.html", 200)
    return redirect("frontend:claim", claim_id)
