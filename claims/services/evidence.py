"""Evidence: a source URL attached to a claim with a stance and the passage relied on."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from claims.models import Claim, Evidence, Source
from claims.permissions import require_member
from claims.services.claims import claim_frozen_reason
from claims.services.errors import InvalidTransition, ValidationError
from claims.services.fetch import source_refetch
from claims.services.queue import EVIDENCE_CHECK_QUOTE, SOURCE_FETCH, enqueue
from claims.services.text import clean_text, max_length
from claims.urlnorm import URLError, url_normalize

UNFETCHED = frozenset({Source.FetchStatus.PENDING, Source.FetchStatus.FAILED})


def source_get_or_create(*, url: str) -> tuple[Source, bool]:
    """The Source row for this URL's normalized form, created if new (ValidationError on url)."""
    try:
        normalized = url_normalize(url)
    except URLError as exc:
        raise ValidationError("url", str(exc)) from None
    limit = max_length(Source, "normalized_url")
    if len(url.strip()) > limit or len(normalized) > limit:
        raise ValidationError("url", f"Ensure this field has no more than {limit} characters.")
    with transaction.atomic():
        source, created = Source.objects.get_or_create(
            normalized_url=normalized, defaults={"url": url.strip()}
        )
    return source, created


@transaction.atomic
def evidence_add(
    *,
    actor,
    claim: Claim,
    url: str,
    stance: str,
    quoted_passage: str = "",
    note: str = "",
) -> Evidence:
    """Attach a source to a claim; the source is created or reused, and fetched after commit."""
    require_member(actor, "add evidence")
    if stance not in Evidence.Stance.values:
        raise ValidationError(
            "stance",
            f"{stance!r} is not a valid stance: one of {', '.join(Evidence.Stance.values)}.",
        )
    quoted_passage = clean_text(Evidence, "quoted_passage", quoted_passage, allow_bidi=True)
    note = clean_text(Evidence, "note", note)
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.status == Claim.Status.DISMISSED:
        raise InvalidTransition("a dismissed claim takes no evidence", current_state=claim.status)
    frozen = claim_frozen_reason(claim=claim)
    if frozen is not None:
        raise InvalidTransition(frozen, current_state=claim.status)
    source, created = source_get_or_create(url=url)
    if Evidence.objects.filter(claim=claim, source=source).exists():
        raise ValidationError("url", "This source is already evidence for this claim.")
    try:
        with transaction.atomic():
            evidence = Evidence.objects.create(
                claim=claim,
                source=source,
                stance=stance,
                quoted_passage=quoted_passage,
                note=note,
                added_by=actor,
            )
    except IntegrityError:
        raise ValidationError("url", "This source is already evidence for this claim.") from None
    if source.fetch_status == Source.FetchStatus.FAILED:
        source_refetch(actor=actor, source=source)  # a new citation is a reason to try again
    elif created or source.fetch_status in UNFETCHED:
        enqueue(SOURCE_FETCH, source.pk)
    else:
        # Matching a quote against a long page is work for the worker, not for this request.
        enqueue(EVIDENCE_CHECK_QUOTE, evidence.pk)
    return evidence
