"""Article revisions: a new body, and every claim re-anchored in it, in one transaction.

``article_revise`` is the one road for a body change after creation (a reviewer's correction
through the API or the UI, a re-fetch from the article's URL, the scheduled re-fetch). It keeps
every revision (``ArticleRevision``), moves each claim with ``claims.anchoring`` and writes the
outcome on the claim (``anchor_status``, ``anchor_confidence``, ``revision``), flags the claims
whose checked text changed or was lost under a submitted, approved or published verdict, replaces
the extractor's suggestions nobody touched, and records an ``article.revised`` event. The database
checks at commit that every claim that is not lost still quotes the new body exactly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from claims import fetching
from claims.anchoring import Anchor, Placement, reanchor
from claims.extraction.transcript import TranscriptError, parse
from claims.fetching import FetchError
from claims.models import (
    SPAN_CHECK_BY_STATEMENT_RESET_SQL,
    SPAN_CHECK_BY_STATEMENT_SQL,
    Article,
    ArticleRevision,
    Claim,
    ClaimEvent,
    Comment,
    Evidence,
    Verdict,
)
from claims.permissions import (
    article_revise_refusal,
    claim_anchor_refusal,
    require_article_revise,
)
from claims.services import notify
from claims.services.claims import (
    SPAN_COLUMNS,
    VERSION_FIELDS,
    article_for_span,
    set_span,
    settled_quote_before,
)
from claims.services.concurrency import check_version, lock, save_bumped
from claims.services.errors import InvalidTransition, ValidationError
from claims.services.extraction import article_suggest_claims
from claims.services.fetch import fetch_config, page_extract, page_from_payload, page_payload
from claims.services.queue import ARTICLE_EXTRACT, ARTICLE_REFETCH, ARTICLE_REFETCH_PARSE, enqueue
from claims.services.text import clean_text, clean_web_url, normalize_newlines

logger = logging.getLogger(__name__)
CONTEXT_CHARS = 32
Reason = ArticleRevision.Reason
Anchor_ = Claim.AnchorStatus
# A claim whose checked text changed or was lost under one of these verdicts needs a reviewer.
CHECKED_VERDICT_STATES = (
    Verdict.Status.SUBMITTED,
    Verdict.Status.APPROVED,
    Verdict.Status.PUBLISHED,
)
ARTICLE_VERSION_FIELDS = (*Article.METADATA_FIELDS, "body_sha256", "revision", "version")


@dataclass
class RevisionOutcome:
    article: Article
    revision: ArticleRevision | None  # None: the body was the same, nothing was recorded
    counts: dict[str, int] = field(default_factory=dict)
    flagged: list[int] = field(default_factory=list)


def clean_body(body) -> str:
    """A new body as stored: text cleaning, one LF per line end, not blank."""
    if not isinstance(body, str):
        raise ValidationError("body", "A string is required.")
    # Line ends first: a textarea sends CRLF, and the length limit is the stored body's.
    body = normalize_newlines(body)
    return clean_text(Article, "body", body, required=True, strip=False, allow_bidi=True)


@transaction.atomic
def article_revise(
    *,
    actor,
    article: Article,
    body,
    expected_version: int | None = None,
    reason: str = Reason.CORRECTION,
    note: str = "",
    source_url: str = "",
) -> RevisionOutcome:
    """Give the article a new body as revision n+1, its claims re-anchored (see the module).

    ``actor`` None is the system (the scheduled re-fetch). A body equal to the current one records
    nothing. Refused: a non-member (403), an older ``expected_version`` (412), an article not
    ready (409), a blank body or a transcript that cannot be read (400)."""
    if actor is not None:
        require_article_revise(actor, article)
    if reason not in (Reason.CORRECTION, Reason.PUBLISHER_UPDATE):
        raise ValidationError("reason", "Choose correction or publisher_update.")
    new_body = clean_body(body)
    note = clean_text(ArticleRevision, "note", note)
    source_url = clean_web_url(ArticleRevision, "source_url", source_url)
    locked = _locked_ready(article, expected_version, "its text can be corrected")
    old_body = locked.body
    if new_body == old_body:
        return RevisionOutcome(article=locked, revision=None)
    turns = locked.turns
    if locked.kind == Article.Kind.TRANSCRIPT:
        try:
            turns = parse(new_body).as_list()
        except TranscriptError as exc:
            raise ValidationError("body", f"This transcript cannot be read: {exc}") from None

    # Every claim of the article, locked: a claim edit in flight finishes first (and its writer
    # then gets 412: the claim moved), or waits and re-reads.
    claims = list(
        Claim.objects.select_for_update()
        .filter(article=locked)
        .order_by("id")
        .only(*SPAN_COLUMNS, "id", "origin", "status", "version", "article_id")
    )
    anchors = [Anchor(c.pk, c.start, c.end, c.quote, c.prefix, c.suffix) for c in claims]
    placements = {p.id: p for p in reanchor(old_body, new_body, anchors)}

    now = timezone.now()
    if not locked.revisions.exists():  # the body as first stored becomes revision 1 now
        ArticleRevision.objects.create(
            article=locked,
            number=locked.revision,
            body=old_body,
            body_sha256=locked.body_sha256,
            reason=Reason.ORIGINAL,
            source_url=locked.url,
            created_by=locked.created_by,
            created_at=locked.created_at,
        )
    number = locked.revision + 1

    checked = set(
        Verdict.objects.filter(
            claim__in=[c.pk for c in claims], status__in=CHECKED_VERDICT_STATES
        ).values_list("claim_id", flat=True)
    )
    untouched = _untouched_suggestions(locked.pk)
    removed: list[int] = []
    rows: list[dict] = []
    counts = {"moved": 0, "changed": 0, "lost": 0, "kept_lost": 0}
    flagged: list[int] = []
    taken: set[tuple[int, int]] = set()  # suggestions' spans (one suggestion per span)
    for claim in claims:
        place = placements[claim.pk]
        if claim.pk in untouched and place.status != "moved":
            removed.append(claim.pk)  # the extractor suggests afresh for the new text
            continue
        if claim.origin == Claim.Origin.SUGGESTED and place.start is not None:
            if (place.start, place.end) in taken:
                place = Placement(claim.pk, "lost")
            else:
                taken.add((place.start, place.end))
        row = _anchor_row(claim, place, new_body, number, checked=claim.pk in checked)
        if row is None:
            counts["kept_lost"] += 1
            continue
        counts[place.status] += 1
        if row["anchor_review"] and not claim.anchor_review:
            flagged.append(claim.pk)
        rows.append(row)

    if removed:
        Claim.objects.filter(pk__in=removed).delete()
    revision = ArticleRevision.objects.create(
        article=locked,
        number=number,
        body=new_body,
        body_sha256=_sha256(new_body),
        reason=reason,
        note=note,
        source_url=source_url,
        anchoring={**counts, "removed_suggestions": len(removed), "flagged": flagged},
        created_by=actor,
        created_at=now,
    )
    locked.body = new_body
    locked.turns = turns
    locked.revision = number
    locked.version += 1
    locked.save(update_fields=["body", "body_sha256", "turns", "revision", "version", "updated_at"])
    _update_claims(rows, now)
    _suggest_again(locked)
    notify.article_revised(actor=actor, article=locked, revision=revision, flagged=flagged)
    return RevisionOutcome(article=locked, revision=revision, counts=counts, flagged=flagged)


def _locked_ready(article: Article, expected_version: int | None, what: str) -> Article:
    """The article under its row lock, at the version the caller saw (412) and ready (409:
    "<what> once it is ready")."""
    locked = Article.objects.select_for_update().get(pk=article.pk)
    check_version(locked, expected_version, ARTICLE_VERSION_FIELDS)
    if locked.ingest_status != Article.IngestStatus.READY:
        raise InvalidTransition(
            f"the article is {locked.get_ingest_status_display().lower()}: {what} once it is ready",
            current_state=locked.ingest_status,
        )
    return locked


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _anchor_row(claim: Claim, place: Placement, body: str, number: int, *, checked: bool):
    """The claim's new anchor columns, or None when a lost claim stays lost (nothing to write)."""
    under_review = claim.anchor_review
    if place.status == "lost":
        if claim.anchor_status == Anchor_.LOST:
            return None
        return {
            "id": claim.pk,
            "start": None,
            "end": None,
            "quote": claim.quote,  # the text where it was last found
            "prefix": claim.prefix,
            "suffix": claim.suffix,
            "anchor_status": Anchor_.LOST,
            "anchor_confidence": 0.0,
            "revision": claim.revision,  # the revision where it was last found
            "anchor_review": under_review or checked,
            "quote_before": claim.checked_quote,
        }
    quote = body[place.start : place.end]
    status, confidence = place.status, place.confidence
    if under_review and status == "moved":
        # still to be looked at: what it says now differs from what was checked
        status = Anchor_.CHANGED if claim.quote_before != quote else Anchor_.MOVED
        confidence = min(confidence, claim.anchor_confidence or confidence)
    changed = status == Anchor_.CHANGED
    review = under_review or (changed and checked)
    return {
        "id": claim.pk,
        "start": place.start,
        "end": place.end,
        "quote": quote,
        "prefix": body[max(0, place.start - CONTEXT_CHARS) : place.start],
        "suffix": body[place.end : place.end + CONTEXT_CHARS],
        "anchor_status": status,
        "anchor_confidence": float(confidence),
        "revision": number,
        "anchor_review": review,
        "quote_before": claim.checked_quote if (changed or review) else settled_quote_before(claim),
    }


def _update_claims(rows: list[dict], now) -> None:
    """Every re-anchored claim in one UPDATE from one JSON document, each version bumped. The
    new body is saved already, so the span rule is checked at the end of the UPDATE, over its
    rows in one pass (SPAN_CHECK_BY_STATEMENT_SQL), not by a deferred check per row."""
    if not rows:
        return
    qn = connection.ops.quote_name
    fields = [Claim._meta.get_field(name) for name in SPAN_COLUMNS]
    record = ", ".join(["id bigint", *(f"{qn(f.column)} {f.db_type(connection)}" for f in fields)])
    sets = ", ".join(f"{qn(f.column)} = r.{qn(f.column)}" for f in fields)
    table = qn(Claim._meta.db_table)
    sql = (
        f"UPDATE {table} AS c SET {sets}, version = c.version + 1, updated_at = %s"  # noqa: S608
        f" FROM jsonb_to_recordset(%s::jsonb) AS r({record}) WHERE c.id = r.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(SPAN_CHECK_BY_STATEMENT_SQL)
        cursor.execute(sql, [now, json.dumps(rows)])
        cursor.execute(SPAN_CHECK_BY_STATEMENT_RESET_SQL)


def _untouched_suggestions(article_id: int) -> set[int]:
    """The article's suggestions no reviewer touched: still suggested, no evidence, no comment,
    and no update in their audit trail other than re-anchoring's."""
    claim_t = Claim._meta.db_table
    event_t = ClaimEvent._meta.db_table
    evidence_t = Evidence._meta.db_table
    comment_t = Comment._meta.db_table
    machine = [*SPAN_COLUMNS, "version", "updated_at"]
    sql = f"""
        SELECT c.id FROM {claim_t} c
         WHERE c.article_id = %s AND c.status = 'suggested' AND c.origin = 'suggested'
           AND NOT EXISTS (SELECT 1 FROM {evidence_t} e WHERE e.claim_id = c.id)
           AND NOT EXISTS (SELECT 1 FROM {comment_t} m WHERE m.claim_id = c.id)
           AND NOT EXISTS (
               SELECT 1 FROM {event_t} ev
                WHERE ev.pgh_obj_id = c.id AND ev.pgh_label = 'update'
                  AND (ev.pgh_changes - %s::text[]) <> '{{}}'::jsonb)
    """  # noqa: S608 - table names from the models
    with connection.cursor() as cursor:
        cursor.execute(sql, [article_id, machine])
        return {row[0] for row in cursor.fetchall()}


def _suggest_again(article: Article) -> None:
    """The extractor reads the new body: at once, or by the worker for a long one."""
    if len(article.body) > settings.ARTICLE_SYNC_MAX_CHARS:
        Article.objects.filter(pk=article.pk).update(ingest_status=Article.IngestStatus.EXTRACTING)
        article.ingest_status = Article.IngestStatus.EXTRACTING
        enqueue(ARTICLE_EXTRACT, article.pk)
        return
    article_suggest_claims(article=article)


@transaction.atomic
def claim_anchor_confirm(
    *,
    actor,
    claim: Claim,
    expected_version: int | None = None,
    start: int | None = None,
    end: int | None = None,
) -> Claim:
    """A person vouches for a claim's place after a revision: as it is (a moved or changed
    claim), or at [start, end) of the current body (any claim, and the only way back for a lost
    one). The anchor becomes exact and the review flag is cleared; ``quote_before`` is cleared
    too (the audit trail keeps it), except on a published claim, whose fact-check stays named by
    the text it rated (``settled_quote_before``). Verdicts are never touched."""
    locked = lock(Claim, claim.pk)
    refusal = claim_anchor_refusal(actor, locked)
    if refusal is not None:
        raise refusal
    check_version(locked, expected_version, VERSION_FIELDS)
    if start is not None or end is not None:
        if start is None or end is None:
            raise ValidationError("start" if start is None else "end", "Give both start and end.")
        set_span(locked, article_for_span(locked.article_id), start, end, None)
    else:
        if locked.anchor_status == Anchor_.LOST:
            raise ValidationError(
                "start", "This claim is lost: give its start and end in the text."
            )
        locked.anchor_status = Anchor_.EXACT
        locked.anchor_confidence = 1.0
        locked.anchor_review = False
        locked.quote_before = settled_quote_before(locked)
    save_bumped(locked, SPAN_COLUMNS)
    return locked


@transaction.atomic
def article_refetch(*, actor, article: Article, expected_version: int | None = None) -> Article:
    """Ask for the article's URL to be fetched again now; a changed text becomes a publisher
    update recorded under ``actor``'s name. Nothing is fetched in the caller's request: the fetch
    queue fetches (``article_refetch_fetch``), the parse queue reads and revises
    (``article_refetch_parse``), as for the scheduled re-fetch. Refused: a non-member (403), an
    older ``expected_version`` (412), an article not ready or asked again within
    ARTICLE_REFETCH_MIN_INTERVAL_SECONDS (409), no URL or a transcript (400)."""
    require_article_revise(actor, article)
    if not article.url:
        raise ValidationError("url", "This article has no URL to fetch its text from.")
    if article.kind == Article.Kind.TRANSCRIPT:
        raise ValidationError("url", "A transcript is corrected by its text, not re-fetched.")
    locked = _locked_ready(article, expected_version, "it can be fetched again")
    now = timezone.now()
    wait = dt.timedelta(seconds=settings.ARTICLE_REFETCH_MIN_INTERVAL_SECONDS)
    if locked.refetched_at is not None and now - locked.refetched_at < wait:
        raise InvalidTransition(
            "a re-fetch of this article was started less than "
            f"{settings.ARTICLE_REFETCH_MIN_INTERVAL_SECONDS} seconds ago: "
            "its result appears in the revisions",
            current_state="refetching",
        )
    Article.objects.filter(pk=locked.pk).update(refetched_at=now, refetch_error="")
    enqueue(ARTICLE_REFETCH, locked.pk, actor.pk)
    locked.refetched_at, locked.refetch_error = now, ""
    return locked


def article_refetch_due() -> list[int]:
    """Enqueue the re-fetch of the articles whose turn has come (scheduled, beat): added by URL,
    ready, not fetched again for ARTICLE_REFETCH_INTERVAL_HOURS; at most ARTICLE_REFETCH_BATCH a
    sweep, oldest first. Each is marked taken now, so the next sweep skips it. Off (0): none."""
    hours = settings.ARTICLE_REFETCH_INTERVAL_HOURS
    if hours <= 0:
        return []
    now = timezone.now()
    due = now - dt.timedelta(hours=hours)
    with transaction.atomic():
        rows = (
            Article.objects.select_for_update(skip_locked=True)
            .filter(kind=Article.Kind.ARTICLE, ingest_status=Article.IngestStatus.READY)
            .exclude(url="")
            .filter(Q(refetched_at__isnull=True) | Q(refetched_at__lt=due))
            .order_by(F("refetched_at").asc(nulls_first=True), "id")
        )
        ids = list(rows.values_list("pk", flat=True)[: settings.ARTICLE_REFETCH_BATCH])
        Article.objects.filter(pk__in=ids).update(refetched_at=now)
        for article_id in ids:
            enqueue(ARTICLE_REFETCH, article_id)
    return ids


# The scheduled re-fetch is split like an article's first fetch: the network I/O on the fetch
# queue (article_refetch_fetch), the page's extraction, the revision and its re-anchoring on the
# parse queue under its time and memory limits (article_refetch_parse). The article stays ready
# throughout; why the last round did not finish is kept in `refetch_error` ("code: message"),
# written here or, for a parse stopped at a limit, by the task's failure handler
# (article_refetch_stopped), and cleared by the next round that finishes.


def _refetchable(article: Article | None) -> bool:
    return (
        article is not None
        and article.ingest_status == Article.IngestStatus.READY
        and bool(article.url)
        and article.kind != Article.Kind.TRANSCRIPT
    )


def article_refetch_fetch(*, article_id: int, actor_id: int | None = None) -> str:
    """A re-fetch's fetch (fetch queue): the article's URL through the SSRF-safe fetcher, the
    page handed to ``article_refetch_parse``. ``actor_id``: the member who asked (None: the
    schedule). "parsing", "skipped" or "failed: code"."""
    article = Article.objects.filter(pk=article_id).first()
    if not _refetchable(article):
        return "skipped"
    try:
        result = fetching.fetch(article.url, fetch_config())
    except FetchError as exc:
        article_refetch_stopped(article_id=article_id, code=exc.code, message=exc.message)
        return f"failed: {exc.code}"
    enqueue(ARTICLE_REFETCH_PARSE, article_id, page_payload(result), actor_id)
    return "parsing"


def article_refetch_parse(*, article_id: int, payload: dict, actor_id: int | None = None) -> str:
    """A re-fetch's reading (parse queue): extract the fetched page and, when its text differs
    from the body, record it as a publisher update with the claims re-anchored, under the name of
    the member who asked (who must still be one; None: the schedule, the system).
    "revised", "unchanged", "skipped" or "failed: code"."""
    article = Article.objects.filter(pk=article_id).first()
    if not _refetchable(article):
        return "skipped"
    actor = None
    if actor_id is not None:
        actor = get_user_model().objects.filter(pk=actor_id, is_active=True).first()
        if actor is None or article_revise_refusal(actor, article) is not None:
            article_refetch_stopped(
                article_id=article_id,
                code="forbidden",
                message="the member who asked for it may no longer correct this article",
            )
            return "failed: forbidden"
    page = page_from_payload(payload)
    try:
        extracted = page_extract(page)
        text = extracted.text.replace("\x00", "")
        if not text.strip():
            raise FetchError("empty_text", "No article text could be extracted from the page.")
        outcome = article_revise(
            actor=actor,
            article=article,
            body=text,
            reason=Reason.PUBLISHER_UPDATE,
            source_url=page.requested_url,
        )
    except FetchError as exc:
        article_refetch_stopped(article_id=article_id, code=exc.code, message=exc.message)
        return f"failed: {exc.code}"
    except (ValidationError, InvalidTransition) as exc:
        logger.info("article %s not re-fetched: %s", article_id, exc.message)
        article_refetch_stopped(article_id=article_id, code=exc.code, message=exc.message)
        return f"failed: {exc.code}"
    Article.objects.filter(pk=article_id).exclude(refetch_error="").update(refetch_error="")
    return "unchanged" if outcome.revision is None else "revised"


def article_refetch_stopped(*, article_id: int, code: str, message: str) -> bool:
    """Record why a re-fetch of an article (scheduled or asked) did not finish: its fetch failed,
    its parse stopped at a worker limit (``parse_timeout``, ``parse_killed``...), or the member
    who asked may no longer correct it (``forbidden``). The article, its
    body and its claims are left as they were. True if the article exists."""
    return bool(
        Article.objects.filter(pk=article_id).update(refetch_error=f"{code}: {message}"[:2000])
    )
