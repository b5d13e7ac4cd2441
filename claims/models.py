"""The domain model: articles, the claims in them, sources, evidence, verdicts and comments.

Invariants are enforced by PostgreSQL itself (check and unique constraints, and deferred constraint
triggers for the span rule, which spans two tables), so no code path can store a broken row.
"""

from __future__ import annotations

import hashlib

import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Left, Length
from knox.models import AbstractAuthToken
from pghistory.models import Event as PghistoryEvent

from claims import webhook_secrets
from claims.audit import audit_event_model


def _choices_check(
    field: str, choices: type[models.TextChoices], name: str
) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{field}__in": choices.values}), name=name)


# The span rule, checked at commit (DEFERRABLE INITIALLY DEFERRED) so a body correction and the
# re-anchoring of its claims can happen in one transaction.
#
# One claim at a time, the check reads the article body for the claim (substr walks it from the
# start): storing the n suggestions of a long article that way reads its body n times. A writer of
# many claims at once sets ``claims.span_check_batch`` (``SPAN_CHECK_BATCH_SQL``): the first check
# of an article at commit then runs ``claims_span_first_mismatch`` over all its claims in one pass
# (migration 0009) and notes each claim's row version (ctid) in a temporary table, and the checks
# of the other rows find theirs there. A row changed after that pass has another ctid and is
# checked again. The setting chooses how the rule is checked, never whether.
SPAN_CHECK_BATCH_SQL = "SELECT set_config('claims.span_check_batch', 'on', true)"

# A writer of many claims into articles whose body is final (the suggestions of
# services.extraction, the claims re-anchored by services.revisions after the new body is saved)
# has them checked at the end of its INSERT, COPY or UPDATE, by a statement-level trigger over its
# transition table (``claims_span_mismatch_among``, migration 0030, one pass over each body),
# instead of queueing one deferred check per row: ``SPAN_CHECK_BY_STATEMENT_SQL`` before the
# statement, ``SPAN_CHECK_BY_STATEMENT_RESET_SQL`` after it. The rows written while it is set
# are checked by the statement triggers and only by them.
SPAN_CHECK_BY_STATEMENT_SQL = "SELECT set_config('claims.span_check_by_statement', 'on', true)"
SPAN_CHECK_BY_STATEMENT_RESET_SQL = "SELECT set_config('claims.span_check_by_statement', '', true)"
_SPAN_BY_STATEMENT = (
    "current_setting('claims.span_check_by_statement', true) IS NOT DISTINCT FROM 'on'"
)

_CLAIM_SPAN_CHECK = """
    DECLARE cur record; art bigint; lost boolean; bad record;
    BEGIN
        IF current_setting('claims.span_check_batch', true) = 'on' THEN
            IF to_regclass('pg_temp.claims_span_checked') IS NOT NULL THEN
                PERFORM 1 FROM pg_temp.claims_span_checked k
                  JOIN claims_claim c ON c.id = k.id AND c.ctid = k.row_version
                 WHERE k.id = NEW.id;
                IF FOUND THEN
                    RETURN NULL;
                END IF;
            END IF;
            SELECT c.article_id, c.start IS NULL AS lost INTO art, lost
              FROM claims_claim c WHERE c.id = NEW.id;
            IF NOT FOUND OR lost THEN
                RETURN NULL;
            END IF;
            SELECT * INTO bad FROM claims_span_first_mismatch(art, TRUE);
            IF bad.claim_id IS NULL THEN
                RETURN NULL;
            END IF;
            SELECT bad.claim_id AS id, bad.claim_start AS start, bad.claim_end AS "end",
                   bad.outside, bad.body_chars INTO cur;
        ELSE
            -- Deferred: check the row as it stands at commit, not as this event saw it; a claim
            -- (or its article) deleted later in the same transaction has nothing left to check,
            -- and a lost claim (no span in the current body) has no span to check.
            SELECT c.id, c.start, c."end", c."end" > char_length(a.body) AS outside,
                   char_length(a.body) AS body_chars,
                   substr(a.body, c.start + 1, c."end" - c.start) IS NOT DISTINCT FROM c.quote
                   AS matches
              INTO cur
              FROM claims_claim c JOIN claims_article a ON a.id = c.article_id
             WHERE c.id = NEW.id;
            IF NOT FOUND OR cur.start IS NULL OR (NOT cur.outside AND cur.matches) THEN
                RETURN NULL;
            END IF;
        END IF;
        PERFORM claims_span_violation(cur.id, cur.start, cur."end", cur.outside, cur.body_chars);
        RETURN NULL;
    END;
"""

# The statement-level check: ``changed`` is the transition table of new rows (inserted or updated).
_CLAIMS_WRITTEN_SPAN_CHECK = """
    DECLARE g record; bad record;
    BEGIN
        FOR g IN SELECT n.article_id, array_agg(n.id ORDER BY n.id) AS ids,
                        array_agg(n.start ORDER BY n.id) AS starts,
                        array_agg(n."end" ORDER BY n.id) AS ends,
                        array_agg(n.quote ORDER BY n.id) AS quotes
                   FROM changed n WHERE n.start IS NOT NULL GROUP BY n.article_id LOOP
            SELECT * INTO bad
              FROM claims_span_mismatch_among(g.article_id, g.ids, g.starts, g.ends, g.quotes);
            IF bad.claim_id IS NOT NULL THEN
                PERFORM claims_span_violation(bad.claim_id, bad.claim_start, bad.claim_end,
                                              bad.outside, bad.body_chars);
            END IF;
        END LOOP;
        RETURN NULL;
    END;
"""

_ARTICLE_BODY_CHECK = """
    DECLARE bad record;
    BEGIN
        SELECT * INTO bad FROM claims_span_first_mismatch(NEW.id, FALSE);
        IF bad.claim_id IS NOT NULL THEN
            RAISE EXCEPTION 'article % body change breaks claim % at [%, %): re-anchor it first',
                NEW.id, bad.claim_id, bad.claim_start, bad.claim_end
                USING ERRCODE = 'check_violation', CONSTRAINT = 'claim_quote_matches_body';
        END IF;
        RETURN NULL;
    END;
"""


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class ArticleIngestStatus(models.TextChoices):
    READY = "ready", "Ready"
    PENDING = "pending", "Waiting to fetch"
    FETCHING = "fetching", "Fetching"
    EXTRACTING = "extracting", "Finding claims in"
    FAILED = "failed", "Fetch failed"


class ArticleKind(models.TextChoices):
    ARTICLE = "article", "Article"
    TRANSCRIPT = "transcript", "Transcript (debate, speech, interview)"


# The longest body an article may have, in characters (code points): a fetched page's text is
# capped at the same (claims.fetching.extract.MAX_TEXT_CHARS), so a reviewer can always send back
# the text of an article added by URL. The byte limits in front of the services (the API's, the
# forms') are set so that a body of this length fits whatever its spelling (factcheck/settings.py).
ARTICLE_BODY_MAX_CHARS = 2_000_000


class Article(TimeStamped):
    """A published article; its body is the coordinate system of every claim in it."""

    IngestStatus = ArticleIngestStatus
    Kind = ArticleKind
    # What may change after creation: everything but the body (the claims' coordinate system).
    METADATA_FIELDS = ("title", "url", "publisher", "byline", "published_at", "language", "note")

    title = models.CharField(max_length=500)
    url = models.URLField(max_length=2000, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    byline = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=20, blank=True, help_text="BCP 47 tag, e.g. en")
    note = models.TextField(blank=True, help_text="Editorial note, e.g. that it is a translation.")
    body = models.TextField(
        blank=True,
        max_length=ARTICLE_BODY_MAX_CHARS,
        help_text="Plain text; claims index into it by code point.",
    )
    body_sha256 = models.CharField(max_length=64, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ARTICLE)
    turns = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="A transcript's speaker turns as ranges of the body: "
        '[{"speaker", "start", "end", "cues": [[start, end, seconds or null], ...]}].',
    )
    seed_key = models.CharField(
        max_length=100,
        null=True,
        blank=True,
        unique=True,
        help_text="Identifies an article loaded from seeds/, so loading is idempotent.",
    )
    ingest_status = models.CharField(
        max_length=20, choices=IngestStatus.choices, default=IngestStatus.READY
    )
    ingest_error = models.TextField(blank=True)
    ingest_requeues = models.PositiveIntegerField(
        default=0, help_text="Times the sweeper sent this article's fetch or extraction again."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, help_text="Bumped on every change (ETag).")
    revision = models.PositiveIntegerField(
        default=1, help_text="The number of the body's current revision (1: as first stored)."
    )
    refetched_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the scheduled re-fetch last took the article (ARTICLE_REFETCH_*).",
    )
    refetch_error = models.TextField(
        blank=True,
        help_text="Why the last scheduled re-fetch did not finish (code: message); empty once "
        "one finishes. The article keeps its body and claims.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(version__gte=1), name="article_version_positive"),
            models.CheckConstraint(condition=Q(revision__gte=1), name="article_revision_positive"),
            _choices_check("ingest_status", ArticleIngestStatus, "article_ingest_status_valid"),
            _choices_check("kind", ArticleKind, "article_kind_valid"),
            models.CheckConstraint(
                # a transcript has its turns; any other kind has none
                condition=(Q(kind="transcript") & ~Q(turns=[]))
                | (~Q(kind="transcript") & Q(turns=[])),
                name="article_turns_iff_transcript",
            ),
            models.CheckConstraint(
                condition=~Q(ingest_status="ready") | ~Q(body=""), name="article_ready_has_body"
            ),
        ]
        triggers = [
            # The hash is derived in the database too, so bulk updates and raw SQL keep it true.
            pgtrigger.Trigger(
                name="article_body_sha256",
                operation=pgtrigger.Insert | pgtrigger.Update,
                when=pgtrigger.Before,
                func="NEW.body_sha256 := encode(sha256(convert_to(NEW.body, 'UTF8')), 'hex'); RETURN NEW;",
            ),
            pgtrigger.Trigger(
                name="article_body_keeps_claims",
                operation=pgtrigger.Update,
                when=pgtrigger.After,
                timing=pgtrigger.Deferred,
                condition=pgtrigger.Q(old__body__df=pgtrigger.F("new__body")),
                func=_ARTICLE_BODY_CHECK,
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        # Derived, never set by hand (the database trigger computes the same value).
        self.body_sha256 = hashlib.sha256(self.body.encode("utf-8")).hexdigest()
        if kwargs.get("update_fields") is not None and "body" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_sha256"}
        super().save(*args, **kwargs)

    def spoken_at(self, offsets: list[int]) -> list[tuple[str | None, float | None]]:
        """(speaker, cue start in seconds) at each of ``offsets`` (sorted) in a transcript's body;
        (None, None) outside its turns or in an article. One pass over turns and offsets."""
        out: list[tuple[str | None, float | None]] = []
        turns = self.turns or []
        t = c = 0
        for offset in offsets:
            while t < len(turns) and turns[t]["end"] <= offset:
                t, c = t + 1, 0
            if t == len(turns) or offset < turns[t]["start"]:
                out.append((None, None))
                continue
            cues = turns[t]["cues"]
            while c + 1 < len(cues) and cues[c + 1][0] <= offset:
                c += 1
            out.append((turns[t]["speaker"], cues[c][2]))
        return out


class ArticleRevisionReason(models.TextChoices):
    ORIGINAL = "original", "As first stored"
    CORRECTION = "correction", "Manual correction"
    PUBLISHER_UPDATE = "publisher_update", "Publisher update (re-fetched from its URL)"


class ArticleRevision(models.Model):
    """One version of an article's body: who, when and why. Kept for ever (never updated).

    Revision 1 (the body as first stored) is written when the body first changes, so an article
    never revised costs no second copy of its body."""

    Reason = ArticleRevisionReason

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    body = models.TextField()
    body_sha256 = models.CharField(max_length=64)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = models.CharField(max_length=1000, blank=True, help_text="Why, in the editor's words.")
    source_url = models.URLField(
        max_length=2000, blank=True, help_text="The URL the body was fetched from, if it was."
    )
    anchoring = models.JSONField(
        default=dict,
        blank=True,
        help_text='What re-anchoring did to the claims: {"moved": n, "changed": n, "lost": n, '
        '"kept": n, "removed_suggestions": n}.',
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["article_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "number"], name="articlerevision_one_per_number"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="articlerevision_number_positive"
            ),
            _choices_check("reason", ArticleRevisionReason, "articlerevision_reason_valid"),
        ]
        triggers = [
            # Append-only: a revision is what the article said; nothing rewrites it.
            pgtrigger.Protect(name="articlerevision_append_only", operation=pgtrigger.Update),
        ]

    def __str__(self) -> str:
        return f"article {self.article_id} revision {self.number}"


class ClaimType(models.TextChoices):
    QUANTITY = "quantity", "Quantity"
    EVENT = "event", "Event"
    QUOTE = "quote", "Quote"
    COMPARISON = "comparison", "Comparison"
    CAUSAL = "causal", "Causal"
    OTHER = "other", "Other"


class ClaimOrigin(models.TextChoices):
    SUGGESTED = "suggested", "Suggested by the extractor"
    MANUAL = "manual", "Created by a reviewer"


class ClaimStatus(models.TextChoices):
    SUGGESTED = "suggested", "Suggested"
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"
    DISMISSED = "dismissed", "Dismissed"


class ClaimDismissalReason(models.TextChoices):
    NOT_CHECKABLE = "not_checkable", "Not checkable"
    DUPLICATE = "duplicate", "Duplicate"
    OUT_OF_SCOPE = "out_of_scope", "Out of scope"


class ClaimAnchorStatus(models.TextChoices):
    EXACT = "exact", "Exact: placed on this text"
    MOVED = "moved", "Moved: same text, carried to a new revision"
    CHANGED = "changed", "Changed: its text changed in a new revision"
    LOST = "lost", "Lost: not found in the current revision"


class ClaimantKind(models.TextChoices):
    PERSON = "person", "Person"
    ORGANIZATION = "organization", "Organization"


# The search reads this much of a claim's statement and quote: a tsvector holds at most 1 MB, and
# the words that find a claim are in its first sentences.
CLAIM_SEARCH_CHARS = 20_000


def claim_search_vector() -> SearchVector:
    """A claim's words for text search, as its GIN index and the search query both write it."""
    return SearchVector(
        Left("statement", CLAIM_SEARCH_CHARS),
        Left("quote", CLAIM_SEARCH_CHARS),
        "claimant",
        config="english",
    )


# Our own verdicts for claim matching (claims.selectors_matching): the claim's text (weight A) and
# the verdict's summary (C), in the newsroom's text search configuration (English, as the claim
# search), derived once when a verdict or its claim's text changes instead of on every search.
OWN_SEARCH_CONFIG = "english"
_OWN_SEARCH_UPSERT = (
    "INSERT INTO claims_verdictsearch AS s"  # noqa: S608 (constants only)
    " (verdict_id, claim_id, status, claim_text, search, length_a, length_c)"
    " SELECT d.id, d.claim_id, d.status, d.claim_text, d.search,"
    " (SELECT coalesce(sum(cardinality(u.positions)), 0) FROM unnest(d.search) u"
    "  WHERE u.weights[1] = 'A'),"
    " (SELECT coalesce(sum(cardinality(u.positions)), 0) FROM unnest(d.search) u"
    "  WHERE u.weights[1] = 'C')"
    " FROM (SELECT v.id, v.claim_id, v.status, t.claim_text,"
    f" setweight(to_tsvector('{OWN_SEARCH_CONFIG}'::regconfig, t.claim_text), 'A')"
    f" || setweight(to_tsvector('{OWN_SEARCH_CONFIG}'::regconfig, coalesce(v.summary, '')), 'C')"
    " AS search"
    " FROM claims_verdict v JOIN claims_claim c ON c.id = v.claim_id"
    f" CROSS JOIN LATERAL (SELECT left(coalesce(nullif(c.statement, ''), c.quote, ''),"
    f" {CLAIM_SEARCH_CHARS}) AS claim_text) t"
    " WHERE {where}) d ORDER BY d.id"
    " ON CONFLICT (verdict_id) DO UPDATE SET claim_id = EXCLUDED.claim_id,"
    " status = EXCLUDED.status, claim_text = EXCLUDED.claim_text, search = EXCLUDED.search,"
    " length_a = EXCLUDED.length_a, length_c = EXCLUDED.length_c;"
)


def _own_search_trigger_func(where: str) -> str:
    """A trigger function refreshing the VerdictSearch rows of the verdicts ``where`` selects."""
    return "BEGIN " + _OWN_SEARCH_UPSERT.replace("{where}", where) + " RETURN NULL; END;"


class Claim(TimeStamped):
    """A checkable statement: a span [start, end) of an article body, in code points."""

    Type = ClaimType
    Origin = ClaimOrigin
    Status = ClaimStatus
    DismissalReason = ClaimDismissalReason
    ClaimantKind = ClaimantKind
    AnchorStatus = ClaimAnchorStatus
    # Field groups that the API, the admin and the exports list in the same order.
    SPAN_FIELDS = ("start", "end", "quote", "prefix", "suffix")
    # Where re-anchoring after a revision put the span, and whether a reviewer must look.
    ANCHOR_FIELDS = (
        "anchor_status",
        "anchor_confidence",
        "revision",
        "anchor_review",
        "quote_before",
    )
    DESCRIPTION_FIELDS = ("statement", "claimant", "claimant_kind", "claim_type")
    WORKFLOW_FIELDS = ("origin", "status", "dismissal_reason", "dismissal_note")
    CONTEXT_FIELDS = ("claim_date", "appearance_url")  # where and when the claim was made

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="claims")
    start = models.PositiveIntegerField(
        null=True, blank=True, help_text="First code point of the span in the body (null: lost)."
    )
    end = models.PositiveIntegerField(
        null=True, blank=True, help_text="One past the last code point (exclusive; null: lost)."
    )
    quote = models.TextField(
        help_text="Exactly body[start:end]; a lost claim keeps the text where it was last found."
    )
    prefix = models.CharField(max_length=64, blank=True, help_text="Text just before the span.")
    suffix = models.CharField(max_length=64, blank=True, help_text="Text just after the span.")
    statement = models.TextField(
        max_length=10_000, blank=True, help_text="The checkable claim in the reviewer's words."
    )
    claimant = models.CharField(max_length=300, blank=True, help_text="Who made the claim.")
    claimant_kind = models.CharField(max_length=20, choices=ClaimantKind.choices, blank=True)
    claim_type = models.CharField(max_length=20, choices=Type.choices, blank=True)
    claim_date = models.DateField(
        null=True,
        blank=True,
        help_text="When the claim was made (ClaimReview itemReviewed.datePublished); "
        "empty: the article's publication time.",
    )
    appearance_url = models.URLField(
        max_length=2000,
        blank=True,
        help_text="Where the claim first appeared, when not in the article itself "
        "(a speech, a post): ClaimReview firstAppearance.",
    )
    checkworthiness = models.FloatField(null=True, blank=True, help_text="Extractor score, 0..1.")
    reasons = models.JSONField(
        default=list, blank=True, help_text="Why the extractor suggested it."
    )
    details = models.JSONField(
        default=dict,
        blank=True,
        help_text="Extractor findings: quantities, dates, attribution verb.",
    )
    origin = models.CharField(max_length=20, choices=Origin.choices, default=Origin.MANUAL)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    dismissal_reason = models.CharField(max_length=20, choices=DismissalReason.choices, blank=True)
    dismissal_note = models.TextField(max_length=10_000, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_claims",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, help_text="Bumped on every change (ETag).")
    anchor_status = models.CharField(
        max_length=10, choices=AnchorStatus.choices, default=AnchorStatus.EXACT
    )
    anchor_confidence = models.FloatField(
        default=1.0, help_text="How sure the re-anchoring is of the span, 0..1."
    )
    revision = models.PositiveIntegerField(
        default=1, help_text="The article revision in which the claim was last found."
    )
    anchor_review = models.BooleanField(
        default=False,
        help_text="The checked text changed or was lost under a submitted, approved or "
        "published verdict: a reviewer must look.",
    )
    quote_before = models.TextField(
        blank=True, help_text="The text as it was checked, before the revision that changed it."
    )

    class Meta:
        ordering = ["article_id", "start", "end", "id"]
        indexes = [
            # An article's claims in body order (Meta.ordering): list pages and exports, no sort.
            models.Index(fields=["article", "start", "end", "id"], name="claim_article_order_idx"),
            models.Index(fields=["status"]),
            models.Index(fields=["assignee", "status"]),
            # Text search (claims.selectors.claim_list): the query uses this same expression.
            GinIndex(claim_search_vector(), name="claim_search_gin"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="claim_start_before_end"),
            models.CheckConstraint(
                condition=Q(end=F("start") + Length("quote")),
                name="claim_quote_length_matches_span",
            ),
            models.CheckConstraint(
                condition=Q(checkworthiness__isnull=True)
                | Q(checkworthiness__gte=0, checkworthiness__lte=1),
                name="claim_checkworthiness_in_unit_range",
            ),
            _choices_check("status", ClaimStatus, "claim_status_valid"),
            _choices_check("origin", ClaimOrigin, "claim_origin_valid"),
            models.CheckConstraint(
                condition=Q(claim_type="") | Q(claim_type__in=ClaimType.values),
                name="claim_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(claimant_kind="") | Q(claimant_kind__in=ClaimantKind.values),
                name="claim_claimant_kind_valid",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status="dismissed") & Q(dismissal_reason__in=ClaimDismissalReason.values)
                )
                | (~Q(status="dismissed") & Q(dismissal_reason="")),
                name="claim_dismissed_iff_reason",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="claim_version_positive"),
            _choices_check("anchor_status", ClaimAnchorStatus, "claim_anchor_status_valid"),
            models.CheckConstraint(
                condition=Q(anchor_confidence__gte=0, anchor_confidence__lte=1),
                name="claim_anchor_confidence_in_unit_range",
            ),
            models.CheckConstraint(
                # a span exactly when the claim is not lost
                condition=(Q(anchor_status="lost") & Q(start__isnull=True) & Q(end__isnull=True))
                | (~Q(anchor_status="lost") & Q(start__isnull=False) & Q(end__isnull=False)),
                name="claim_span_iff_not_lost",
            ),
            models.CheckConstraint(condition=Q(revision__gte=1), name="claim_revision_positive"),
            models.UniqueConstraint(
                fields=["article", "start", "end"],
                condition=Q(origin="suggested"),
                name="claim_one_suggestion_per_span",
            ),
        ]
        triggers = [
            # One deferred check per row, unless the writer asked for the check at the end of
            # its statement (SPAN_CHECK_BY_STATEMENT_SQL), which the next two triggers then make.
            pgtrigger.Trigger(
                name="claim_span_matches_body",
                operation=pgtrigger.Insert | pgtrigger.Update,
                when=pgtrigger.After,
                timing=pgtrigger.Deferred,
                condition=pgtrigger.Condition(f"NOT ({_SPAN_BY_STATEMENT})"),
                func=_CLAIM_SPAN_CHECK,
            ),
            *(
                pgtrigger.Trigger(
                    name=f"claims_{name}_span_check",
                    operation=operation,
                    when=pgtrigger.After,
                    level=pgtrigger.Statement,
                    referencing=pgtrigger.Referencing(new="changed"),
                    condition=pgtrigger.Condition(_SPAN_BY_STATEMENT),
                    func=_CLAIMS_WRITTEN_SPAN_CHECK,
                )
                for name, operation in (
                    ("inserted", pgtrigger.Insert),
                    ("updated", pgtrigger.Update),
                )
            ),
            # Claim matching's copy of the claim's verdicts (VerdictSearch) follows its text.
            pgtrigger.Trigger(
                name="claim_verdict_search_text",
                operation=pgtrigger.Update,
                when=pgtrigger.After,
                condition=pgtrigger.AnyChange("statement", "quote"),
                func=_own_search_trigger_func("v.claim_id = NEW.id"),
            ),
        ]

    def __str__(self) -> str:
        return self.statement or self.quote[:80]

    @property
    def checked_quote(self) -> str:
        """The text as it was checked: ``quote_before`` when a revision of the article changed or
        lost it since, else the quote. What a published fact-check shows and is named by."""
        return self.quote_before or self.quote


class SourceFetchStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    FETCHING = "fetching", "Fetching"
    FETCHED = "fetched", "Fetched"
    FAILED = "failed", "Failed"


class SourceLinkStatus(models.TextChoices):
    UNCHECKED = "unchecked", "Not checked yet"
    OK = "ok", "Unchanged"
    CHANGED = "changed", "Content changed"
    MOVED = "moved", "Moved"
    GONE = "gone", "Gone"


class Source(TimeStamped):
    """A web page or document cited as evidence: one row per normalized URL."""

    FetchStatus = SourceFetchStatus
    LinkStatus = SourceLinkStatus

    url = models.URLField(max_length=2000, help_text="The URL as first submitted.")
    normalized_url = models.CharField(max_length=2000, unique=True)
    final_url = models.URLField(max_length=2000, blank=True, help_text="After redirects.")
    title = models.CharField(max_length=1000, blank=True)
    publisher = models.CharField(max_length=300, blank=True, help_text="Site name.")
    author = models.CharField(max_length=300, blank=True)
    published_date = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=20, blank=True)
    text = models.TextField(blank=True, help_text="Main text extracted from the latest snapshot.")
    content_sha256 = models.CharField(max_length=64, blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=200, blank=True)
    fetch_status = models.CharField(
        max_length=20, choices=FetchStatus.choices, default=FetchStatus.PENDING
    )
    error_code = models.CharField(max_length=50, blank=True)
    error_message = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    worker_losses = models.PositiveIntegerField(
        default=0, help_text="Times a fetch was found abandoned by a lost worker."
    )
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    link_status = models.CharField(
        max_length=20, choices=LinkStatus.choices, default=LinkStatus.UNCHECKED
    )
    link_moved_to = models.URLField(
        max_length=2000, blank=True, help_text="Where the page now redirects, when it moved."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["fetch_status", "updated_at"])]
        constraints = [
            _choices_check("fetch_status", SourceFetchStatus, "source_fetch_status_valid"),
            _choices_check("link_status", SourceLinkStatus, "source_link_status_valid"),
            models.CheckConstraint(
                condition=~Q(fetch_status="failed") | ~Q(error_code=""),
                name="source_failed_has_error_code",
            ),
            models.CheckConstraint(
                condition=~Q(normalized_url=""), name="source_normalized_url_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.normalized_url


class SourceSnapshot(models.Model):
    """An archived copy of a source: the raw bytes (compressed) and the extracted text."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="snapshots")
    fetched_at = models.DateTimeField()
    final_url = models.URLField(max_length=2000)
    http_status = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=200)
    content_sha256 = models.CharField(max_length=64)
    raw_gzip = models.BinaryField(help_text="The response body as received, gzip-compressed.")
    raw_size = models.PositiveIntegerField(help_text="Uncompressed size in bytes.")
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["-fetched_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "content_sha256"], name="snapshot_one_per_source_content"
            )
        ]

    def __str__(self) -> str:
        return f"{self.final_url} @ {self.fetched_at:%Y-%m-%d %H:%M}"


class EvidenceStance(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    REFUTES = "refutes", "Refutes"
    CONTEXT = "context", "Context"


class Evidence(TimeStamped):
    """A source attached to a claim, with its stance and the passage the reviewer relies on."""

    Stance = EvidenceStance

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="evidence")
    stance = models.CharField(max_length=20, choices=Stance.choices)
    quoted_passage = models.TextField(max_length=20_000, blank=True)
    quote_found = models.BooleanField(
        null=True,
        blank=True,
        help_text="Whether the passage is in the fetched text (null: unchecked).",
    )
    quote_start = models.PositiveIntegerField(null=True, blank=True)
    quote_end = models.PositiveIntegerField(null=True, blank=True)
    quote_score = models.FloatField(null=True, blank=True, help_text="Match similarity, 0..1.")
    note = models.TextField(max_length=10_000, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "evidence"
        ordering = ["claim_id", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "source"], name="evidence_one_per_claim_source"
            ),
            _choices_check("stance", EvidenceStance, "evidence_stance_valid"),
            models.CheckConstraint(
                condition=Q(quote_start__isnull=True, quote_end__isnull=True)
                | Q(quote_start__lt=F("quote_end")),
                name="evidence_quote_offsets_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stance_display()}: {self.source}"


class RatingScale(models.Model):
    """A newsroom's rating scale; ClaimReview needs its best and worst numeric values."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    best_rating = models.IntegerField()
    worst_rating = models.IntegerField()
    is_default = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="rating_scale_one_default"
            ),
            models.CheckConstraint(
                condition=Q(best_rating__gt=F("worst_rating")), name="rating_scale_best_above_worst"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Rating(models.Model):
    """One step of a scale. ``value`` is null for ratings off the numeric scale (Misleading)."""

    scale = models.ForeignKey(RatingScale, on_delete=models.CASCADE, related_name="ratings")
    slug = models.SlugField()
    label = models.CharField(max_length=100, help_text="ClaimReview alternateName.")
    value = models.IntegerField(null=True, blank=True, help_text="ClaimReview ratingValue.")
    description = models.TextField(blank=True, help_text="What the rating means, for readers.")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["scale_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "slug"], name="rating_slug_unique_in_scale"),
        ]

    def __str__(self) -> str:
        return self.label


class VerdictStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    PUBLISHED = "published", "Published"
    SUPERSEDED = "superseded", "Superseded"


_VERDICT_FOUR_EYES = """
    BEGIN
        IF NEW.content_changed_by_id IS NOT NULL
           AND NOT (NEW.content_changed_by_id = ANY(NEW.content_editors)) THEN
            NEW.content_editors := array_append(NEW.content_editors, NEW.content_changed_by_id);
        END IF;
        IF TG_OP = 'UPDATE' AND NOT (NEW.content_editors @> OLD.content_editors) THEN
            RAISE EXCEPTION 'verdict %: the list of who changed its content only grows', NEW.id
                USING ERRCODE = 'check_violation', CONSTRAINT = 'verdict_content_editors_grow';
        END IF;
        IF NEW.reviewed_by_id IS NOT NULL AND (
               NEW.reviewed_by_id = NEW.submitted_by_id
            OR NEW.reviewed_by_id = NEW.content_changed_by_id
            OR NEW.reviewed_by_id = ANY(NEW.content_editors)) THEN
            RAISE EXCEPTION 'verdict %: user % wrote, changed or submitted it and cannot review it',
                NEW.id, NEW.reviewed_by_id
                USING ERRCODE = 'check_violation', CONSTRAINT = 'verdict_four_eyes_content';
        END IF;
        RETURN NEW;
    END;
"""


class Verdict(TimeStamped):
    """A reviewer's rating of a claim, approved by another person before it is published."""

    Status = VerdictStatus

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="verdicts")
    rating = models.ForeignKey(Rating, on_delete=models.PROTECT, related_name="verdicts")
    summary = models.TextField(
        max_length=5_000, blank=True, help_text="One or two sentences readers see first."
    )
    claim_summary = models.TextField(
        max_length=500,
        blank=True,
        help_text="The claim in short for search engines (ClaimReview claimReviewed; best under "
        "75 characters, never cut); empty: the claim's statement.",
    )
    rationale = models.TextField(max_length=50_000, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="authored_verdicts"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    rejection_reason = models.TextField(max_length=5_000, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviewed_verdicts",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
        help_text="The published verdict this one corrects.",
    )
    correction_note = models.TextField(max_length=5_000, blank=True)
    content_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who last wrote or changed the rating, summary, rationale or correction note.",
    )
    content_editors = ArrayField(
        models.BigIntegerField(),
        default=list,
        blank=True,
        help_text="Every user who wrote or changed the content (kept by the database; only grows).",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who last submitted it for approval.",
    )
    version = models.PositiveIntegerField(default=1, help_text="Bumped on every change (ETag).")

    class Meta:
        ordering = ["claim_id", "created_at", "id"]
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            # The public index and feeds read published verdicts newest first.
            models.Index(fields=["status", "published_at"], name="verdict_status_published_idx"),
        ]
        triggers = [
            # Four eyes, beyond the author: nobody reviews a verdict whose content they wrote or
            # changed, or that they submitted. The editors list only grows, and takes in every
            # content_changed_by, so no code path can forget or erase a contributor.
            pgtrigger.Trigger(
                name="verdict_reviewer_is_a_second_person",
                operation=pgtrigger.Insert | pgtrigger.Update,
                when=pgtrigger.Before,
                func=_VERDICT_FOUR_EYES,
            ),
            # Claim matching's copy (VerdictSearch) follows the verdict.
            pgtrigger.Trigger(
                name="verdict_search_insert",
                operation=pgtrigger.Insert,
                when=pgtrigger.After,
                func=_own_search_trigger_func("v.id = NEW.id"),
            ),
            pgtrigger.Trigger(
                name="verdict_search_update",
                operation=pgtrigger.Update,
                when=pgtrigger.After,
                condition=pgtrigger.AnyChange("status", "summary", "claim"),
                func=_own_search_trigger_func("v.id = NEW.id"),
            ),
            pgtrigger.Trigger(
                name="verdict_search_delete",
                operation=pgtrigger.Delete,
                when=pgtrigger.After,
                func="BEGIN DELETE FROM claims_verdictsearch WHERE verdict_id = OLD.id;"
                " RETURN NULL; END;",
            ),
        ]
        constraints = [
            _choices_check("status", VerdictStatus, "verdict_status_valid"),
            models.CheckConstraint(
                condition=Q(reviewed_by__isnull=True) | ~Q(reviewed_by=F("author")),
                name="verdict_four_eyes",
                violation_error_message="Nobody reviews their own verdict.",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="verdict_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(correction_note=""),
                name="verdict_correction_has_note",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "published", "superseded"])
                | Q(reviewed_by__isnull=False),
                name="verdict_approved_has_reviewer",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["published", "superseded"])
                | Q(published_at__isnull=False),
                name="verdict_published_has_date",
            ),
            models.UniqueConstraint(
                fields=["claim"],
                condition=Q(status="published"),
                name="verdict_one_published_per_claim",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="verdict_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.rating} ({self.get_status_display()})"


class VerdictSearch(models.Model):
    """The first stage's copy of each verdict for claim matching: its claim's text and the words
    searched, under a GIN index, so that a search reads the verdicts that match rather than
    deriving the words of every published verdict. Every verdict has one (the search filters by
    ``status`` with ``permissions.MATCHED_VERDICT_STATES``: the rule stays in one place); kept by
    triggers on Verdict (insert, a change of status, summary or claim, delete) and on Claim (a
    change of statement or quote), in the statement that writes."""

    verdict = models.OneToOneField(
        Verdict,
        primary_key=True,
        on_delete=models.DO_NOTHING,  # the delete trigger removes the row
        db_constraint=False,
        related_name="+",
    )
    claim = models.ForeignKey(
        Claim, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    status = models.CharField(max_length=20)
    claim_text = models.TextField(help_text="The claim's statement, or its quote (first 20,000).")
    search = SearchVectorField()
    length_a = models.PositiveIntegerField()
    length_c = models.PositiveIntegerField()

    class Meta:
        indexes = [GinIndex(fields=["search"], name="verdictsearch_gin")]

    def __str__(self) -> str:
        return f"search row of verdict {self.verdict_id}"


class Comment(TimeStamped):
    """A line of discussion on a claim. Moderators hide abusive ones; the text is kept."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    body = models.TextField(max_length=10_000)
    is_hidden = models.BooleanField(default=False)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["claim_id", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="comment_body_not_empty"),
        ]

    def __str__(self) -> str:
        return self.body[:60]


class ReviewAssignment(models.Model):
    """One of the two reviewers of a blind double review of a claim (claims/services/double_review).

    Until every assignment of a claim has ``submitted_at``, each assigned reviewer's verdict is
    hidden from everyone but its author and the editors who are not assigned to the claim
    (claims.permissions.visible_verdicts). ``rating`` keeps the rating the reviewer submitted
    blind, the first time, so later rework cannot change the agreement figures.
    """

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="review_assignments")
    slot = models.PositiveSmallIntegerField(help_text="1 or 2: the first or second reviewer.")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    verdict = models.ForeignKey(
        "Verdict", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rating = models.ForeignKey(
        Rating,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The rating first submitted, blind.",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["claim_id", "slot"]
        indexes = [models.Index(fields=["submitted_at"])]
        constraints = [
            models.UniqueConstraint(fields=["claim", "slot"], name="review_assignment_two_slots"),
            models.UniqueConstraint(
                fields=["claim", "reviewer"], name="review_assignment_distinct_reviewers"
            ),
            models.CheckConstraint(
                condition=Q(slot__in=[1, 2]), name="review_assignment_slot_valid"
            ),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True, rating__isnull=True, verdict__isnull=True)
                | Q(submitted_at__isnull=False, rating__isnull=False, verdict__isnull=False),
                name="review_assignment_submitted_with_rating",
            ),
        ]

    def __str__(self) -> str:
        return f"claim {self.claim_id}, reviewer {self.slot}"


class DoubleReviewDefault(models.Model):
    """Whether claims are put under blind double review without an editor naming them one by one:
    one desk-wide row (``scope`` desk) and at most one row per article, which overrides the desk's
    (claims/services/double_review.double_review_defaults_apply).

    ``choice`` says how the two reviewers are chosen: ``named`` (the two fixed reviewers below) or
    ``least_loaded`` (for each claim, the two active reviewers with the fewest open assignments
    at that moment; ties go to the username in alphabetical order).
    """

    class Scope(models.TextChoices):
        DESK = "desk", "the whole desk"
        ARTICLE = "article", "one article"

    class Choice(models.TextChoices):
        LEAST_LOADED = "least_loaded", "automatically: the two least loaded reviewers"
        NAMED = "named", "the two reviewers named"

    scope = models.CharField(max_length=10, choices=Scope.choices)
    article = models.OneToOneField(
        Article,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="double_review_default",
    )
    enabled = models.BooleanField(
        default=False, help_text="Every open claim without a submitted verdict is double reviewed."
    )
    choice = models.CharField(max_length=20, choices=Choice.choices, default=Choice.LEAST_LOADED)
    first_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    second_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope"], condition=Q(scope="desk"), name="double_review_default_one_desk"
            ),
            models.CheckConstraint(
                condition=Q(scope="desk", article__isnull=True)
                | Q(scope="article", article__isnull=False),
                name="double_review_default_scope_article",
            ),
            models.CheckConstraint(
                condition=Q(
                    choice="least_loaded",
                    first_reviewer__isnull=True,
                    second_reviewer__isnull=True,
                )
                | (
                    Q(choice="named", first_reviewer__isnull=False, second_reviewer__isnull=False)
                    & ~Q(first_reviewer=F("second_reviewer"))
                ),
                name="double_review_default_reviewers",
            ),
        ]

    def __str__(self) -> str:
        where = "the desk" if self.scope == self.Scope.DESK else f"article {self.article_id}"
        return f"double review default of {where}: {'on' if self.enabled else 'off'}"


class DeskWeek(models.Model):
    """The desk's weekly figures of one closed week (Monday to Sunday, UTC), computed from the
    audit trail by claims.services.stats.desk_weeks_refresh (hourly, Celery beat). The audit
    tables are append-only and stamped with the time of writing, so a week that ended is final;
    the desk page reads these rows and computes only the weeks not yet here."""

    week = models.DateField(unique=True, help_text="The Monday the week starts on.")
    figures = models.JSONField(help_text="{column: value} as claims.selectors_stats computes them.")
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["week"]
        constraints = [
            models.CheckConstraint(condition=Q(week__week_day=2), name="desk_week_starts_on_monday")
        ]

    def __str__(self) -> str:
        return f"week of {self.week}"


class WorkerHeartbeat(models.Model):
    """Written by the Celery worker (periodically and on request), so health checks see it work."""

    token = models.CharField(max_length=100, unique=True)
    hostname = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.hostname} at {self.created_at:%Y-%m-%d %H:%M:%S}"


class ApiToken(AbstractAuthToken):
    """An API token (django-rest-knox): only its SHA-512 digest is stored, never the secret.

    A user may hold several, each with a name and an expiry. ``password_fingerprint`` is the
    user's session-auth hash when the token was made: a password change by any path (the UI, the
    admin, manage.py, ``set_password()`` in code, raw SQL) makes it stale and the token answers 401.
    """

    id = models.BigAutoField(primary_key=True)
    digest = models.CharField(max_length=128, unique=True, editable=False)
    name = models.CharField(max_length=100, blank=True, help_text="What the token is for.")
    password_fingerprint = models.CharField(max_length=128, editable=False)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name or 'token'} {self.token_key[:8]}… ({self.user})"


# --- Notifications and webhooks -----------------------------------------------------------------
# The outbox: services write an Event (and its inbox Notifications) in the same transaction as the
# change; the worker delivers it after commit (webhooks), and a sweep finds what it missed.


class EventType(models.TextChoices):
    CLAIM_ASSIGNED = "claim.assigned"
    VERDICT_SUBMITTED = "verdict.submitted"
    VERDICT_APPROVED = "verdict.approved"
    VERDICT_REJECTED = "verdict.rejected"
    VERDICT_PUBLISHED = "verdict.published"
    COMMENT_CREATED = "comment.created"
    ARTICLE_REVISED = "article.revised"
    SOURCE_LINK_CHANGED = "source.link_changed"
    # Inbox only: a comment naming its recipient as @username.
    COMMENT_MENTION = "comment.mention"
    # Inbox only: the dispatch paused a webhook (its creator may no longer carry it); to admins.
    WEBHOOK_PAUSED = "webhook.paused"


class Event(models.Model):
    """Something happened that people or systems hear about; dispatched once to webhooks."""

    type = models.CharField(max_length=40, choices=EventType.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claim = models.ForeignKey(Claim, null=True, on_delete=models.CASCADE, related_name="+")
    verdict = models.ForeignKey(Verdict, null=True, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(Comment, null=True, on_delete=models.CASCADE, related_name="+")
    payload = models.JSONField(help_text="The webhook body's data: the object as the API shows it.")
    created_at = models.DateTimeField(auto_now_add=True)
    dispatched_at = models.DateTimeField(
        null=True, blank=True, help_text="When its webhook deliveries were created; null: not yet."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(dispatched_at__isnull=True),
                name="event_undispatched",
            )
        ]
        constraints = [
            models.CheckConstraint(condition=Q(type__in=EventType.values), name="event_type_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.type} #{self.pk}"


class NotificationEmail(models.TextChoices):
    PENDING = "pending"
    DIGEST = "digest"
    SENT = "sent"
    SKIPPED = "skipped"


class EmailMode(models.TextChoices):
    """How a person hears of one event type by e-mail."""

    IMMEDIATE = "immediate"
    DIGEST = "digest"
    OFF = "off"


class Notification(models.Model):
    """One person's inbox line about an event (never the event's own actor)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="notifications")
    type = models.CharField(max_length=40, choices=EventType.choices)
    text = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email = models.CharField(
        max_length=10,
        choices=NotificationEmail.choices,
        default=NotificationEmail.PENDING,
        help_text="Its e-mail: pending (not yet decided), digest (waits for the daily digest), "
        "sent, or skipped (off, no address, or no longer visible to its recipient).",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
            models.Index(
                fields=["created_at"],
                condition=Q(email__in=["pending", "digest"]),
                name="notification_email_due",
            ),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "recipient"], name="notification_once_per_event"
            ),
            models.CheckConstraint(
                condition=Q(type__in=EventType.values), name="notification_type_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class NotificationPreference(models.Model):
    """One person's e-mail choice for one event type (no row: the type's default)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    type = models.CharField(max_length=40, choices=EventType.choices)
    email = models.CharField(max_length=10, choices=EmailMode.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "type"], name="preference_once_per_type"),
            models.CheckConstraint(
                condition=Q(type__in=EventType.values), name="preference_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(email__in=EmailMode.values), name="preference_email_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.type}: {self.email}"


class WebhookPauseReason(models.TextChoices):
    """Why the dispatch paused a webhook: its creator, whose rights it acts with, may no longer
    carry it (permissions.webhook_owner_refusal)."""

    CREATOR_NOT_EDITOR = "creator_not_editor", "its creator is no longer an editor"
    CREATOR_INACTIVE = "creator_inactive", "its creator was deactivated"
    CREATOR_DELETED = "creator_deleted", "its creator's account was deleted"


class Webhook(TimeStamped):
    """A REST client's endpoint that receives signed events (Standard Webhooks). It acts with its
    creator's rights; when they lapse, the dispatch pauses it (paused_at, paused_reason) until an
    editor takes it over."""

    PauseReason = WebhookPauseReason

    url = models.URLField(max_length=2000)
    events = models.JSONField(help_text='Event types it receives; ["*"] for all.')
    secret_encrypted = models.CharField(
        max_length=300,
        editable=False,
        help_text="The whsec_ secret, encrypted: fernet:<token> (claims.webhook_secrets).",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    paused_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the dispatch paused it (it gets no deliveries while paused); null: active.",
    )
    paused_reason = models.CharField(
        max_length=30, choices=WebhookPauseReason.choices, blank=True, default=""
    )
    paused_detail = models.CharField(
        max_length=300, blank=True, default="", help_text="Why it was paused, in a sentence."
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                # A Fernet token (its version byte, 0x80, is "gA" in base64), never a secret.
                condition=Q(secret_encrypted__regex=r"^fernet:gA[A-Za-z0-9_-]+=*$"),  # noqa: S106
                name="webhook_secret_encrypted",
            ),
            # Paused exactly when there is a reason (and a known one).
            models.CheckConstraint(
                condition=Q(paused_at__isnull=True, paused_reason="", paused_detail="")
                | Q(paused_at__isnull=False, paused_reason__in=WebhookPauseReason.values),
                name="webhook_paused_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.url

    @property
    def active(self) -> bool:
        return self.paused_at is None

    # The plaintext secret is never stored: it is set and read through this property, which
    # encrypts and decrypts (claims.webhook_secrets; reading raises SecretUnreadable when no key
    # in force decrypts it). The create response reads it; the signer, which reads the column in
    # its claim statement, calls the same webhook_secrets.unseal. (The docstring is the API's.)
    @property
    def secret(self) -> str:
        """whsec_<base64>; shown once at creation."""
        return webhook_secrets.unseal(self.secret_encrypted)

    @secret.setter
    def secret(self, value: str) -> None:
        self.secret_encrypted = webhook_secrets.seal(value)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending"
    SENDING = "sending"
    DELIVERED = "delivered"
    FAILED = "failed"


class WebhookDelivery(TimeStamped):
    """One event sent to one webhook: attempts, the last response, and when to try again."""

    Status = DeliveryStatus

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=20, choices=DeliveryStatus.choices, default="pending")
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(
        help_text="Pending: not before this time. Sending: the lease's end (a lost worker's)."
    )
    response_code = models.PositiveIntegerField(null=True, blank=True)
    response_body = models.CharField(max_length=1000, blank=True)
    error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["pending", "sending"]),
                name="delivery_due",
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["webhook", "event"], name="delivery_once_per_event"),
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="delivery_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="delivered") | Q(delivered_at__isnull=False),
                name="delivery_delivered_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.webhook} ({self.status})"


# --- Claim memory: earlier fact-checks (other newsrooms' ClaimReview) and links to them ----------

# The search vector is derived in the database, so every write path (bulk upserts, raw SQL) keeps
# it true: the claim reviewed weighs most (A), then the review's title (B), then its summary (C).
# Each part's length in lexemes is kept for the BM25 re-rank (claims.matching.rank).
_CLAIMREVIEW_SEARCH = """
    DECLARE a tsvector; b tsvector; c tsvector;
    BEGIN
        a := to_tsvector(NEW.search_config::regconfig, coalesce(NEW.claim_reviewed, ''));
        b := to_tsvector(NEW.search_config::regconfig, coalesce(NEW.title, ''));
        c := to_tsvector(NEW.search_config::regconfig, coalesce(NEW.description, ''));
        NEW.length_a := (SELECT coalesce(sum(cardinality(positions)), 0) FROM unnest(a));
        NEW.length_b := (SELECT coalesce(sum(cardinality(positions)), 0) FROM unnest(b));
        NEW.length_c := (SELECT coalesce(sum(cardinality(positions)), 0) FROM unnest(c));
        NEW.search := setweight(a, 'A') || setweight(b, 'B') || setweight(c, 'C');
        RETURN NEW;
    END;
"""


# (The trigger SQL below is built from constants: transition table names and signs.)
def _corpus_delta(sign: str, table: str) -> str:
    return (
        f"UPDATE claims_claimreviewcorpus SET"  # noqa: S608
        f" documents = documents {sign} (SELECT count(*) FROM {table}),"
        f" length_a = length_a {sign} (SELECT coalesce(sum(length_a), 0) FROM {table}),"
        f" length_b = length_b {sign} (SELECT coalesce(sum(length_b), 0) FROM {table}),"
        f" length_c = length_c {sign} (SELECT coalesce(sum(length_c), 0) FROM {table})"
        f" WHERE id = 1;"
    )


def _term_delta(*parts: tuple[str, str]) -> str:
    """Document frequencies changed by one statement, from its transition tables, in one upsert
    (in lexeme order, so concurrent imports lock the same rows in the same order)."""
    rows = " UNION ALL ".join(
        f"SELECT u.lexeme, {sign}1 AS delta FROM {table} r, unnest(r.search) u"  # noqa: S608
        for sign, table in parts
    )
    corpus = " ".join(_corpus_delta(sign, table) for sign, table in parts)
    return (
        "BEGIN INSERT INTO claims_claimreviewterm AS t (lexeme, documents)"  # noqa: S608
        f" SELECT lexeme, sum(delta) FROM ({rows}) d GROUP BY lexeme HAVING sum(delta) <> 0"
        " ORDER BY lexeme"
        " ON CONFLICT (lexeme) DO UPDATE SET documents = t.documents + EXCLUDED.documents; "
        f"{corpus} RETURN NULL; END;"
    )


# The visible rows of a statement's transition table into the first stage's table (an update
# writes only rows whose searched parts changed).
_FIRST_STAGE_UPSERT = (
    "INSERT INTO claims_claimreviewsearch AS s"
    " (claim_review_id, search, length_a, length_b, length_c, embedding)"
    " SELECT id, search, length_a, length_b, length_c, embedding FROM new_rows"
    " WHERE NOT is_hidden ORDER BY id"
    " ON CONFLICT (claim_review_id) DO UPDATE SET search = EXCLUDED.search,"
    " length_a = EXCLUDED.length_a, length_b = EXCLUDED.length_b,"
    " length_c = EXCLUDED.length_c, embedding = EXCLUDED.embedding"
    " WHERE (s.search, s.length_a, s.length_b, s.length_c, s.embedding) IS DISTINCT FROM"
    " (EXCLUDED.search, EXCLUDED.length_a, EXCLUDED.length_b, EXCLUDED.length_c,"
    " EXCLUDED.embedding);"
)


class ClaimReview(TimeStamped):
    """An earlier fact-check published by another newsroom, imported from schema.org ClaimReview."""

    url = models.URLField(max_length=2000, unique=True, help_text="The review's url: its identity.")
    claim_reviewed = models.TextField(help_text="claimReviewed: the claim that was checked.")
    title = models.TextField(blank=True, help_text="The review's name or headline.")
    description = models.TextField(blank=True, help_text="The review's description.")
    rating_value = models.CharField(max_length=100, blank=True, help_text="As given.")
    best_rating = models.CharField(max_length=100, blank=True, help_text="As given.")
    worst_rating = models.CharField(max_length=100, blank=True, help_text="As given.")
    rating_name = models.CharField(
        max_length=300, blank=True, help_text="reviewRating.alternateName, as given."
    )
    author = models.CharField(max_length=300, blank=True, help_text="The reviewing organisation.")
    claimant = models.CharField(max_length=300, blank=True, help_text="itemReviewed.author.")
    claim_date = models.DateField(null=True, blank=True, help_text="itemReviewed.datePublished.")
    date_published = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=20, blank=True, help_text="inLanguage, BCP 47.")
    raw = models.JSONField(help_text="The item as imported.")
    search_config = models.CharField(
        max_length=30, default="english", help_text="PostgreSQL text search configuration."
    )
    search = SearchVectorField(null=True, editable=False)
    length_a = models.PositiveIntegerField(default=0, editable=False)
    length_b = models.PositiveIntegerField(default=0, editable=False)
    length_c = models.PositiveIntegerField(default=0, editable=False)
    embedding = models.BinaryField(
        null=True, editable=False, help_text="Static sentence embedding (float16) for the re-rank."
    )
    # Moderation: a hidden fact-check is kept (and re-imports leave it hidden) but never offered
    # as a match, linked or shown; who hid it, when and why are in its audit trail too.
    is_hidden = models.BooleanField(
        default=False, help_text="Hidden by a moderator: never offered as a match."
    )
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-date_published", "-id"]
        # No index on ``search`` here: the first stage reads ClaimReviewSearch, the narrow copy.
        constraints = [
            models.CheckConstraint(
                condition=~Q(claim_reviewed=""), name="claimreview_claim_not_empty"
            ),
            models.CheckConstraint(condition=~Q(url=""), name="claimreview_url_not_empty"),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="claimreview_search",
                operation=pgtrigger.Insert | pgtrigger.Update,
                when=pgtrigger.Before,
                func=_CLAIMREVIEW_SEARCH,
            ),
            pgtrigger.Trigger(
                name="claimreview_terms_insert",
                operation=pgtrigger.Insert,
                when=pgtrigger.After,
                level=pgtrigger.Statement,
                referencing=pgtrigger.Referencing(new="new_rows"),
                func=_term_delta(("+", "new_rows")),
            ),
            pgtrigger.Trigger(
                name="claimreview_terms_update",
                operation=pgtrigger.Update,
                when=pgtrigger.After,
                level=pgtrigger.Statement,
                referencing=pgtrigger.Referencing(old="old_rows", new="new_rows"),
                func=_term_delta(("+", "new_rows"), ("-", "old_rows")),
            ),
            pgtrigger.Trigger(
                name="claimreview_terms_delete",
                operation=pgtrigger.Delete,
                when=pgtrigger.After,
                level=pgtrigger.Statement,
                referencing=pgtrigger.Referencing(old="old_rows"),
                func=_term_delta(("-", "old_rows")),
            ),
            # The first stage's narrow copy follows every write, in the same statement.
            pgtrigger.Trigger(
                name="claimreview_first_stage_insert",
                operation=pgtrigger.Insert,
                when=pgtrigger.After,
                level=pgtrigger.Statement,
                referencing=pgtrigger.Referencing(new="new_rows"),
                func=f"BEGIN {_FIRST_STAGE_UPSERT} RETURN NULL; END;",
            ),
            pgtrigger.Trigger(
                name="claimreview_first_stage_update",
                operation=pgtrigger.Update,
                when=pgtrigger.After,
                level=pgtrigger.Statement,
                referencing=pgtrigger.Referencing(old="old_rows", new="new_rows"),
                func=(
                    "BEGIN DELETE FROM claims_claimreviewsearch s USING new_rows n"  # noqa: S608
                    " WHERE s.claim_review_id = n.id AND n.is_hidden;"
                    f" {_FIRST_STAGE_UPSERT} RETURN NULL; END;"
                ),
            ),
            pgtrigger.Trigger(
                name="claimreview_first_stage_delete",
                operation=pgtrigger.Delete,
                when=pgtrigger.After,
                level=pgtrigger.Statement,
                referencing=pgtrigger.Referencing(old="old_rows"),
                func=(
                    "BEGIN DELETE FROM claims_claimreviewsearch s USING old_rows o"
                    " WHERE s.claim_review_id = o.id; RETURN NULL; END;"
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.claim_reviewed[:80]


class ClaimReviewSearch(models.Model):
    """The first stage's narrow copy of each visible imported fact-check: what the search and the
    re-rank read (about 850 bytes a row, where the ClaimReview row with its raw JSON is about
    two kilobytes), under the GIN index. Kept by ClaimReview's triggers in the statement that
    changes a fact-check (import, hide, unhide, delete), so it is never out of step; a hidden
    fact-check has no row, so the search needs no filter."""

    claim_review = models.OneToOneField(
        ClaimReview,
        primary_key=True,
        on_delete=models.DO_NOTHING,  # the delete trigger removes the row
        db_constraint=False,
        related_name="+",
    )
    search = SearchVectorField()
    length_a = models.PositiveIntegerField()
    length_b = models.PositiveIntegerField()
    length_c = models.PositiveIntegerField()
    embedding = models.BinaryField(null=True)

    class Meta:
        indexes = [GinIndex(fields=["search"], name="claimreviewsearch_gin")]

    def __str__(self) -> str:
        return f"search row of fact-check {self.claim_review_id}"


class ClaimReviewTerm(models.Model):
    """How many imported fact-checks hold a lexeme (kept by ClaimReview's triggers)."""

    lexeme = models.TextField(primary_key=True)
    documents = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.lexeme}: {self.documents}"


class ClaimReviewCorpus(models.Model):
    """The one row of corpus totals for BM25: documents and lexemes per weighted part."""

    documents = models.BigIntegerField(default=0)
    length_a = models.BigIntegerField(default=0)
    length_b = models.BigIntegerField(default=0)
    length_c = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="claimreviewcorpus_one_row")]

    def __str__(self) -> str:
        return f"{self.documents} fact-checks"


class ClaimMatchResult(models.Model):
    """A claim's earlier fact-checks as last computed (by the worker, or on request)."""

    claim = models.OneToOneField(Claim, on_delete=models.CASCADE, related_name="match_result")
    results = models.JSONField(default=list, help_text="The matches, best first (API shape).")
    best_score = models.FloatField(null=True, blank=True)
    same_claim = models.BooleanField(default=False, help_text="The best match is the same claim.")
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"matches of claim {self.claim_id}"


class ClaimLink(models.Model):
    """A reviewer's decision that a claim is the same claim as an earlier fact-check."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="links")
    claim_review = models.ForeignKey(
        ClaimReview, null=True, blank=True, on_delete=models.PROTECT, related_name="links"
    )
    verdict = models.ForeignKey(
        Verdict, null=True, blank=True, on_delete=models.PROTECT, related_name="links"
    )
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["claim_id", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(claim_review__isnull=True, verdict__isnull=False)
                | Q(claim_review__isnull=False, verdict__isnull=True),
                name="claimlink_one_target",
            ),
            models.UniqueConstraint(
                fields=["claim", "claim_review"],
                condition=Q(claim_review__isnull=False),
                name="claimlink_unique_review",
            ),
            models.UniqueConstraint(
                fields=["claim", "verdict"],
                condition=Q(verdict__isnull=False),
                name="claimlink_unique_verdict",
            ),
        ]

    def __str__(self) -> str:
        return f"claim {self.claim_id} = {self.claim_review_id or self.verdict_id}"


# --- Audit trail ---------------------------------------------------------------------------------
# PostgreSQL triggers (django-pghistory) append a row to <Model>Event for every insert, update and
# delete of the tracked tables, whatever code path or SQL makes it: the row as inserted, updated
# or deleted, the time, the context (actor, user, url or task) and, for updates, the before and
# after of each changed column. The event tables refuse UPDATE and DELETE (append-only trigger).


class AuditEvent(PghistoryEvent):
    """Base of the event models; ``pgh_label`` is the operation: insert, update or delete."""

    pgh_changes = models.JSONField(
        null=True,
        blank=True,
        help_text="For updates: {column: [before, after]} of every column that changed.",
    )

    class Meta:
        abstract = True


# An article's body is kept in its revisions (ArticleRevision, append-only: the body as first
# stored becomes revision 1 when it first changes) and its turns are read from the body: its events
# record a change of either by length and md5, not a copy of the text before and after.
class ArticleEvent(audit_event_model(Article, base_model=AuditEvent, summarised=("body", "turns"))):
    pass


# An article's suggestions are inserted by the thousand in one statement, and a revision of its
# body moves every claim in one UPDATE: one event set for each such statement.
_ClaimEventBase = audit_event_model(
    Claim, base_model=AuditEvent, bulk_inserts=True, bulk_updates=True
)


class ClaimEvent(_ClaimEventBase):
    class Meta(_ClaimEventBase.Meta):
        # The desk's figures read events by time (claims.selectors_stats).
        indexes = [models.Index(fields=["pgh_created_at"], name="claimevent_created_at")]


# A source's text is kept in its snapshots (append-only, one per content): its events record a
# change of text by length and md5, not a copy of the page at every state change of a fetch.
class SourceEvent(audit_event_model(Source, base_model=AuditEvent, summarised=("text",))):
    pass


class EvidenceEvent(audit_event_model(Evidence, base_model=AuditEvent)):
    pass


_VerdictEventBase = audit_event_model(Verdict, base_model=AuditEvent)


class VerdictEvent(_VerdictEventBase):
    class Meta(_VerdictEventBase.Meta):
        indexes = [models.Index(fields=["pgh_created_at"], name="verdictevent_created_at")]


class CommentEvent(audit_event_model(Comment, base_model=AuditEvent)):
    pass


class ClaimLinkEvent(audit_event_model(ClaimLink, base_model=AuditEvent)):
    pass


# Imported fact-checks arrive by the ten thousand and keep their document as received: their
# trail is moderation alone (hidden, shown again, deleted), not every import.
class ClaimReviewEvent(
    audit_event_model(
        ClaimReview,
        base_model=AuditEvent,
        inserts=False,
        update_condition=pgtrigger.Condition(
            'OLD."is_hidden" IS DISTINCT FROM NEW."is_hidden"'
            ' OR OLD."hidden_reason" IS DISTINCT FROM NEW."hidden_reason"'
        ),
        exclude=("raw", "search", "embedding"),
    )
):
    pass
