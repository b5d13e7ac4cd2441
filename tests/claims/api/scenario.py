"""A newsroom with one object in every state, built through the services."""

from __future__ import annotations

from dataclasses import dataclass

from claims.models import Article, Claim, Source, Verdict
from claims.services.claims import claim_create
from claims.services.verdicts import (
    verdict_approve,
    verdict_create,
    verdict_publish,
    verdict_submit,
    verdict_update,
)
from tests.factories import (
    AdminFactory,
    ArticleFactory,
    ClaimFactory,
    EditorFactory,
    EvidenceFactory,
    ReviewerFactory,
    SourceFactory,
)

SENTENCES = (
    "The city council approved a budget of 4.2 million euros on Tuesday.",
    "Unemployment fell to 5.1 percent last year, the statistics office said.",
    "Critics fear the plan may fail.",
)


@dataclass
class Scenario:
    users: dict
    article: Article
    open_claim: Claim
    suggested_claim: Claim
    published_claim: Claim
    draft: Verdict
    submitted: Verdict
    approved: Verdict
    published: Verdict
    source: Source
    review_claim: Claim  # the submitted verdict's claim: frozen while it is under review
    edited_submitted: Verdict  # the reviewer's, its text changed by the editor, then submitted
    editor_submitted: Verdict  # the reviewer's, submitted by the editor
    bare_draft: Verdict  # the reviewer's draft on a claim with no evidence


def build_scenario() -> Scenario:
    reviewer, other, editor, admin = (
        ReviewerFactory(),
        ReviewerFactory(),
        EditorFactory(),
        AdminFactory(),
    )
    second_editor = EditorFactory()
    article = ArticleFactory(url="https://example.test/budget")
    body = article.body

    def span_claim(sentence: int) -> Claim:
        text = SENTENCES[sentence]
        start = body.index(text)
        return claim_create(actor=reviewer, article=article, start=start, end=start + len(text))

    open_claim = span_claim(0)
    suggested = ClaimFactory(
        article=article,
        start=0,
        end=8,
        status=Claim.Status.SUGGESTED,
        origin=Claim.Origin.SUGGESTED,
    )
    published_claim = span_claim(1)
    published_claim.statement = "Unemployment fell to 5.1 percent last year."
    published_claim.claimant = "Statistics office"
    published_claim.claimant_kind = "organization"
    published_claim.save()

    def make(claim, stage):
        EvidenceFactory(claim=claim, added_by=reviewer)  # sources before verdicts
        verdict = verdict_create(actor=reviewer, claim=claim, rating="false", summary="Wrong.")
        if stage == "draft":
            return verdict
        verdict = verdict_submit(actor=reviewer, verdict=verdict)
        if stage == "submitted":
            return verdict
        verdict = verdict_approve(actor=second_editor, verdict=verdict)
        if stage == "approved":
            return verdict
        return verdict_publish(actor=second_editor, verdict=verdict)

    published = make(published_claim, "published")
    third = span_claim(2)
    draft = make(open_claim, "draft")
    submitted = make(third, "submitted")
    fourth_claim = claim_create(actor=reviewer, article=article, start=4, end=8)
    approved = make(fourth_claim, "approved")

    def sourced(start: int) -> Claim:
        claim = claim_create(actor=reviewer, article=article, start=start, end=start + 6)
        EvidenceFactory(claim=claim, added_by=reviewer)
        return claim

    edited = verdict_create(actor=reviewer, claim=sourced(10), rating="false", summary="Wrong.")
    edited = verdict_update(actor=editor, verdict=edited, summary="Wrong, says the editor.")
    edited_submitted = verdict_submit(actor=reviewer, verdict=edited)
    handed = verdict_create(actor=reviewer, claim=sourced(20), rating="false", summary="Wrong.")
    editor_submitted = verdict_submit(actor=editor, verdict=handed)
    bare = claim_create(actor=reviewer, article=article, start=30, end=36)
    bare_draft = verdict_create(actor=reviewer, claim=bare, rating="false", summary="Wrong.")
    open_claim.refresh_from_db()
    return Scenario(
        users={
            "anonymous": None,
            "reviewer": reviewer,
            "other": other,
            "editor": editor,
            "admin": admin,
        },
        article=article,
        open_claim=open_claim,
        suggested_claim=suggested,
        published_claim=published_claim,
        draft=draft,
        submitted=submitted,
        approved=approved,
        published=published,
        source=SourceFactory(),
        review_claim=Claim.objects.get(pk=submitted.claim_id),
        edited_submitted=edited_submitted,
        editor_submitted=editor_submitted,
        bare_draft=bare_draft,
    )
