"""Importing other newsrooms' fact-checks (schema.org ClaimReview) into the claim memory.

Accepted: one ClaimReview, a JSON array of them, a schema.org DataFeed
(``dataFeedElement[].item[]``) or JSON Lines. Every bad item is reported by its position with the
reason; the good ones are stored. Idempotent by the review's url: importing it again updates the
stored row. Rows are written with set-based upserts, a thousand at a time.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.db import connection, transaction
from django.db.models import ProtectedError, Q

from claims.matching import embedding
from claims.matching.jsonld import claimreviews_in_html
from claims.matching.text import search_config
from claims.models import ClaimReview
from claims.permissions import require_admin, require_editor
from claims.services.errors import ValidationError
from claims.services.moderation import hidden_set

BATCH = 1000
MAX_TEXT = 10_000
MAX_NAME = 300
MAX_URL = 2000
UPDATED_FIELDS = [
    "claim_reviewed",
    "title",
    "description",
    "rating_value",
    "best_rating",
    "worst_rating",
    "rating_name",
    "author",
    "claimant",
    "claim_date",
    "date_published",
    "language",
    "raw",
    "search_config",
    "embedding",
    "updated_at",
]


@dataclass
class ImportProblem:
    position: int
    reason: str

    def as_dict(self) -> dict:
        return {"position": self.position, "reason": self.reason}


@dataclass
class ImportReport:
    """What an import did. ``position`` counts items from 1 in document order (a JSON Lines
    item's position is its line number)."""

    created: int = 0
    updated: int = 0
    errors: list[ImportProblem] = field(default_factory=list)

    @property
    def stored(self) -> int:
        return self.created + self.updated

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "errors": [e.as_dict() for e in self.errors],
        }


class BadItem(Exception):
    """One item cannot be imported; the message says why."""


# --- Reading the document ------------------------------------------------------------------------


def _is_type(obj, name: str) -> bool:
    kind = obj.get("@type") if isinstance(obj, dict) else None
    return kind == name or (isinstance(kind, list) and name in kind)


def _feed_items(feed: dict, problems: list[ImportProblem], start: int) -> list[tuple[int, object]]:
    items: list[tuple[int, object]] = []
    elements = feed.get("dataFeedElement")
    if not isinstance(elements, list):
        raise ValidationError("data", "A DataFeed needs a dataFeedElement array.")
    position = start
    for element in elements:
        inner = element.get("item") if isinstance(element, dict) else None
        if _is_type(element, "ClaimReview"):
            inner = [element]
        elif isinstance(inner, dict):
            inner = [inner]
        if not isinstance(inner, list):
            position += 1
            problems.append(ImportProblem(position, "a dataFeedElement without an item"))
            continue
        for item in inner:
            position += 1
            items.append((position, item))
    return items


def claimreview_items(data: str | bytes) -> tuple[list[tuple[int, object]], list[ImportProblem]]:
    """The items of a document with their positions, and the problems found while reading it."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError("data", f"The document is not UTF-8: {exc}.") from None
    text = data.strip()
    if not text:
        raise ValidationError("data", "The document is empty.")
    problems: list[ImportProblem] = []
    try:
        document = json.loads(text)
    except RecursionError:
        raise ValidationError("data", "The document is nested too deeply.") from None
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data" and "\n" not in text:
            raise ValidationError(
                "data", f"Not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}."
            ) from None
        return _json_lines(text, problems), problems
    if isinstance(document, list):
        return list(enumerate(document, start=1)), problems
    if isinstance(document, dict) and (
        _is_type(document, "DataFeed") or "dataFeedElement" in document
    ):
        return _feed_items(document, problems, 0), problems
    if isinstance(document, dict) and isinstance(document.get("@graph"), list):
        return list(enumerate(document["@graph"], start=1)), problems
    return [(1, document)], problems


def _json_lines(text: str, problems: list[ImportProblem]) -> list[tuple[int, object]]:
    items = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            items.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            problems.append(ImportProblem(number, f"not JSON: {exc.msg} at column {exc.colno}"))
        except RecursionError:
            problems.append(ImportProblem(number, "nested too deeply"))
    return items


# --- One item --------------------------------------------------------------------------------------


def _text(obj: dict, key: str, *, limit: int = MAX_TEXT) -> str:
    value = obj.get(key)
    if value is None:
        return ""
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        value = value[0]
    if not isinstance(value, str):
        raise BadItem(f"{key} must be text")
    value = " ".join(value.split())
    if len(value) > limit:
        raise BadItem(f"{key} is longer than {limit} characters")
    return value


def _scalar(obj: dict, key: str) -> str:
    value = obj.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise BadItem(f"reviewRating.{key} must be a number or text")
    value = str(value).strip()
    if len(value) > 100:
        raise BadItem(f"reviewRating.{key} is longer than 100 characters")
    return value


def _name(value, key: str) -> str:
    """An author as schema.org gives it: a name, an object with a name, or a list of them."""
    if value is None:
        return ""
    if isinstance(value, list):
        names = [_name(v, key) for v in value]
        return ", ".join(n for n in names if n)[:MAX_NAME]
    if isinstance(value, str):
        return " ".join(value.split())[:MAX_NAME]
    if isinstance(value, dict):
        name = value.get("name") or value.get("alternateName") or ""
        if not isinstance(name, str):
            raise BadItem(f"{key}.name must be text")
        return " ".join(name.split())[:MAX_NAME]
    raise BadItem(f"{key} must be a name or an object with a name")


def _date(value, key: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise BadItem(f"{key} must be an ISO 8601 date")
    text = value.strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise BadItem(f"{key} is not an ISO 8601 date: {text[:40]!r}") from None


def _url(value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise BadItem("url is missing: a ClaimReview is identified by its url")
    url = value.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in url:
        raise BadItem(f"url is not an absolute http(s) URL: {url[:80]!r}")
    if len(url) > MAX_URL:
        raise BadItem(f"url is longer than {MAX_URL} characters")
    return url


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def claimreview_from_item(item) -> ClaimReview:
    """An unsaved ClaimReview from one JSON-LD item (BadItem says why not)."""
    if not isinstance(item, dict):
        raise BadItem("not a JSON object")
    if _has_nul(item):  # PostgreSQL stores no NUL character, in text or in jsonb
        raise BadItem("contains a NUL character (\\u0000)")
    if not _is_type(item, "ClaimReview"):
        kind = item.get("@type")
        raise BadItem(f"@type is {kind!r}, not ClaimReview" if kind else "@type is missing")
    url = _url(item.get("url"))
    claim = _text(item, "claimReviewed")
    if not claim:
        raise BadItem("claimReviewed is missing")
    rating = item.get("reviewRating") or {}
    if isinstance(rating, list):
        rating = rating[0] if rating else {}
    if not isinstance(rating, dict):
        raise BadItem("reviewRating must be an object")
    reviewed = item.get("itemReviewed") or {}
    if not isinstance(reviewed, dict):
        raise BadItem("itemReviewed must be an object")
    language = item.get("inLanguage") or ""
    if isinstance(language, dict):
        language = language.get("alternateName") or language.get("name") or ""
    if not isinstance(language, str) or len(language) > 20:
        raise BadItem("inLanguage must be a BCP 47 tag")
    return ClaimReview(
        url=url,
        claim_reviewed=claim,
        title=_text(item, "name") or _text(item, "headline"),
        description=_text(item, "description"),
        rating_value=_scalar(rating, "ratingValue"),
        best_rating=_scalar(rating, "bestRating"),
        worst_rating=_scalar(rating, "worstRating"),
        rating_name=_text(rating, "alternateName", limit=MAX_NAME),
        author=_name(item.get("author"), "author"),
        claimant=_name(reviewed.get("author"), "itemReviewed.author"),
        claim_date=_date(reviewed.get("datePublished"), "itemReviewed.datePublished"),
        date_published=_date(item.get("datePublished"), "datePublished"),
        language=language.strip(),
        raw=item,
        search_config=search_config(language),
    )


# --- Storing ---------------------------------------------------------------------------------------


def _store(reviews: list[ClaimReview], report: ImportReport) -> None:
    vectors = embedding.embed([embedding.document_text(r.claim_reviewed, r.title) for r in reviews])
    for review, vector in zip(reviews, vectors, strict=True):
        review.embedding = embedding.to_bytes(vector)
    existing = set(
        ClaimReview.objects.filter(url__in=[r.url for r in reviews]).values_list("url", flat=True)
    )
    ClaimReview.objects.bulk_create(
        reviews, update_conflicts=True, unique_fields=["url"], update_fields=UPDATED_FIELDS
    )
    report.updated += len(existing)
    report.created += len(reviews) - len(existing)


def _import(data: str | bytes) -> ImportReport:
    items, problems = claimreview_items(data)
    report = ImportReport(errors=problems)
    latest: dict[str, ClaimReview] = {}
    for position, item in items:
        try:
            review = claimreview_from_item(item)
        except BadItem as exc:
            report.errors.append(ImportProblem(position, str(exc)))
            continue
        latest.pop(review.url, None)  # the same url twice: the later item wins
        latest[review.url] = review
    report.errors.sort(key=lambda p: p.position)
    reviews = list(latest.values())
    with transaction.atomic():
        for i in range(0, len(reviews), BATCH):
            _store(reviews[i : i + BATCH], report)
    if reviews:
        _merge_pending_index()
    return report


def _merge_pending_index() -> None:
    # New rows wait in the GIN index's pending list until a vacuum; searching it is slow, so a
    # bulk import merges it at once rather than leaving the first searches to pay for it.
    with connection.cursor() as cursor:
        cursor.execute("SELECT gin_clean_pending_list('claimreviewsearch_gin'::regclass)")


def claimreview_import(*, actor, data: str | bytes) -> ImportReport:
    """An editor imports ClaimReview items; bad ones are reported, good ones stored."""
    require_editor(actor, "import fact-checks")
    return _import(data)


def claimreview_import_from_page(*, body: bytes, content_type: str) -> ImportReport | None:
    """Import the ClaimReview JSON-LD of a fetched HTML page, if it carries any (None if not)."""
    if "html" not in (content_type or "").lower():
        return None
    items = claimreviews_in_html(body)
    if not items:
        return None
    return _import(json.dumps(items))


def claimreview_import_trusted(*, data: str | bytes) -> ImportReport:
    """The same import for the system itself (a management command, a fetched page)."""
    return _import(data)


# --- Moderation ------------------------------------------------------------------------------------


@transaction.atomic
def claimreview_hide(*, actor, review: ClaimReview, reason: str = "") -> ClaimReview:
    """An editor hides an imported fact-check: kept, never offered as a match, linked or shown
    (a wrong or abusive item in someone's feed). A re-import leaves it hidden."""
    require_editor(actor, "hide imported fact-checks")
    locked = hidden_set(
        ClaimReview, review.pk, actor=actor, hide=True, noun="fact-check", reason=reason
    )
    _refresh_claims_matching([locked.pk])
    return locked


@transaction.atomic
def claimreview_unhide(*, actor, review: ClaimReview) -> ClaimReview:
    """An editor offers a hidden fact-check again (who hid it and why stays in the audit trail)."""
    require_editor(actor, "show hidden imported fact-checks again")
    locked = hidden_set(ClaimReview, review.pk, actor=actor, hide=False, noun="fact-check")
    _refresh_claims_matching([locked.pk], drop=False)
    return locked


@transaction.atomic
def claimreview_delete(*, actor, reviews: list[ClaimReview]) -> int:
    """An admin deletes imported fact-checks (the audit trail keeps each one as it was). One that
    a claim is linked to is refused: unlink it first, or hide it."""
    require_admin(actor, "delete imported fact-checks (editors hide them)")
    ids = [r.pk for r in reviews]
    try:
        deleted, _ = ClaimReview.objects.filter(pk__in=ids).delete()
    except ProtectedError:
        raise ValidationError(
            "id", "A claim is linked to this fact-check: unlink it first, or hide it."
        ) from None
    _refresh_claims_matching(ids)
    return deleted


def _refresh_claims_matching(review_ids: list[int], *, drop: bool = True) -> None:
    """Claims whose stored matches name these fact-checks have them computed again by the worker.
    With ``drop`` (hidden, deleted), the fact-checks also leave the stored matches now, in this
    transaction: the workbench's "checked before" mark reads them, and must not show a hidden one
    until the worker has run."""
    from claims.models import ClaimMatchResult
    from claims.services.matching import claim_matches_enqueue

    if not review_ids:
        return
    named = Q()
    for pk in review_ids:
        named |= Q(results__contains=[{"kind": "claimreview", "id": pk}])
    stored = list(ClaimMatchResult.objects.select_for_update().filter(named))
    if drop:
        gone = set(review_ids)
        for row in stored:
            row.results = [
                r for r in row.results if not (r["kind"] == "claimreview" and r["id"] in gone)
            ]
            best = row.results[0] if row.results else None
            row.best_score = best["score"] if best else None
            row.same_claim = bool(best and best["same_claim"])
        ClaimMatchResult.objects.bulk_update(stored, ["results", "best_score", "same_claim"])
    for row in stored:
        claim_matches_enqueue(claim_id=row.claim_id)
