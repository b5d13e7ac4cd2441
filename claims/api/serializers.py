"""Serializers: explicit fields; input serializers only parse, the services decide."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.contrib.auth import get_user_model
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from claims.api.pgjson import PageDocument, sql_object, sql_timestamp
from claims.models import (
    ApiToken,
    Article,
    ArticleRevision,
    Claim,
    Comment,
    Evidence,
    Rating,
    Source,
    Verdict,
)
from claims.services.text import max_length as limit


class UserSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = get_user_model()
        fields = ["id", "username"]
        read_only_fields = fields


# --- Articles -------------------------------------------------------------------------------------
_SURROGATE = re.compile("[\ud800-\udfff]")


class _SurrogateScan(ProhibitSurrogateCharactersValidator):
    """DRF's refusal of surrogate code points (JSON can spell a lone one, UTF-8 cannot store it),
    the same message and code for the same first one, found by the regular-expression engine
    instead of a Python loop over every character: 0.1 s less for an article of 1 MB."""

    def __call__(self, value):
        found = _SURROGATE.search(str(value))
        if found:
            message = self.message.format(code_point=ord(found.group()))
            raise serializers.ValidationError(message, code=self.code)


class LongTextMixin:
    """For serializers that take an article's text: their character fields check for surrogates
    with ``_SurrogateScan``."""

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            if isinstance(field, serializers.CharField):
                field.validators = [
                    _SurrogateScan() if isinstance(v, ProhibitSurrogateCharactersValidator) else v
                    for v in field.validators
                ]
        return fields


class ArticleSerializer(serializers.ModelSerializer):
    url = serializers.CharField(read_only=True)

    class Meta:
        model = Article
        read_only_fields = [
            "id",
            "kind",
            "body_sha256",
            "turns",
            "ingest_status",
            "revision",
            "refetched_at",
            "refetch_error",
            "version",
            "created_at",
            "updated_at",
        ]
        fields = ["id", *Article.METADATA_FIELDS, "body", *read_only_fields[1:]]
        extra_kwargs = {"body": {"trim_whitespace": False}}


class ArticleListSerializer(serializers.ModelSerializer):
    url = serializers.CharField(read_only=True)

    class Meta:
        model = Article
        fields = [
            "id",
            "title",
            "url",
            "publisher",
            "published_at",
            "language",
            "kind",
            "created_at",
        ]
        read_only_fields = fields


class ArticleUpdateSerializer(LongTextMixin, serializers.ModelSerializer):
    url = serializers.URLField(required=False, allow_blank=True, max_length=limit(Article, "url"))
    body = serializers.CharField(
        required=False,
        allow_blank=True,  # the service refuses a blank body, in its own words
        trim_whitespace=False,
        help_text="A corrected text: a new revision, the claims re-anchored in it "
        "(line ends are stored as LF).",
    )
    revision_note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=limit(ArticleRevision, "note"),
        help_text="Why the text changed (with `body`).",
    )

    class Meta:
        model = Article
        fields = [
            "title",
            "url",
            "publisher",
            "byline",
            "published_at",
            "language",
            "note",
            "body",
            "revision_note",
        ]


class ArticleRevisionSerializer(serializers.ModelSerializer):
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    # A string, not format "uri": it is "" for a revision that was typed or pasted, not fetched.
    source_url = serializers.CharField(
        read_only=True, help_text="The URL the body was fetched from; empty when it was not."
    )
    characters = serializers.SerializerMethodField()

    class Meta:
        model = ArticleRevision
        fields = [
            "number",
            "reason",
            "note",
            "source_url",
            "body_sha256",
            "characters",
            "anchoring",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields

    def get_characters(self, obj) -> int | None:
        return len(obj.body) if "body" in obj.__dict__ else None


class ArticleRevisionDetailSerializer(ArticleRevisionSerializer):
    class Meta(ArticleRevisionSerializer.Meta):
        fields = [*ArticleRevisionSerializer.Meta.fields, "body"]
        read_only_fields = fields


class ArticleCreateSerializer(LongTextMixin, serializers.ModelSerializer):
    url = serializers.URLField(required=False, allow_blank=True, max_length=limit(Article, "url"))
    file = serializers.FileField(
        required=False,
        allow_empty_file=True,  # the service refuses it, in the words it uses for every input
        write_only=True,
        help_text="Multipart only: the body as a UTF-8 file (e.g. a WebVTT or SRT caption file), "
        "instead of `body`.",
    )

    class Meta:
        model = Article
        fields = [
            "title",
            "kind",
            "body",
            "file",
            "url",
            "publisher",
            "byline",
            "published_at",
            "language",
            "note",
        ]
        extra_kwargs = {"body": {"trim_whitespace": False, "required": False, "allow_blank": True}}

    def validate(self, attrs):
        upload = attrs.pop("file", None)
        if upload is not None:
            if attrs.get("body"):
                raise serializers.ValidationError({"file": "Send the body or a file, not both."})
            limit = settings.FORM_MAX_BODY_BYTES
            if upload.size > limit:
                raise serializers.ValidationError(
                    {"file": f"The file is {upload.size:,} bytes; the limit is {limit:,}."}
                )
            attrs["body_bytes"] = upload.read()  # decoded by the service, which names a bad line
            attrs["body"] = ""
        elif "body" not in attrs:
            raise serializers.ValidationError({"body": "This field is required."})
        elif not attrs["body"]:
            raise serializers.ValidationError({"body": "This field may not be blank."})
        return attrs


def _iso(value: dt.datetime | None) -> str | None:
    """DRF's DateTimeField output (UTC, ISO 8601, 'Z'), without its per-call timezone lookups."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


# What a claim list fetches with .values(): no model instances, one join for the assignee's name.
# A claim's own columns, between its ids and its assignee, in the order the API shows them.
CLAIM_OWN_FIELDS = (
    *Claim.SPAN_FIELDS,
    *Claim.ANCHOR_FIELDS,
    *Claim.DESCRIPTION_FIELDS,
    "checkworthiness",
    "reasons",
    *Claim.WORKFLOW_FIELDS,
    *Claim.CONTEXT_FIELDS,
)
CLAIM_ROW_FIELDS = (
    "id",
    "article_id",
    *CLAIM_OWN_FIELDS,
    "assignee_id",
    "version",
    "created_at",
    "updated_at",
    "assignee__username",
)
_CLAIM_COLUMNS = CLAIM_ROW_FIELDS.index("assignee_id")  # id .. appearance_url: columns as they are


def claim_row_representation(row: dict, *, public: bool = False) -> dict:
    """A claim's API representation from a CLAIM_ROW_FIELDS row.

    ``public``: for readers outside the newsroom, who see no staff account names (assignee null).
    """
    assignee_id = None if public else row["assignee_id"]
    return {
        "id": row["id"],
        "article": row["article_id"],
        "start": row["start"],
        "end": row["end"],
        "quote": row["quote"],
        "prefix": row["prefix"],
        "suffix": row["suffix"],
        "anchor_status": row["anchor_status"],
        "anchor_confidence": row["anchor_confidence"],
        "revision": row["revision"],
        "anchor_review": row["anchor_review"],
        "quote_before": row["quote_before"],
        "statement": row["statement"],
        "claimant": row["claimant"],
        "claimant_kind": row["claimant_kind"],
        "claim_type": row["claim_type"],
        "checkworthiness": row["checkworthiness"],
        "reasons": row["reasons"],
        "origin": row["origin"],
        "status": row["status"],
        "dismissal_reason": row["dismissal_reason"],
        "dismissal_note": row["dismissal_note"],
        "claim_date": row["claim_date"].isoformat() if row["claim_date"] else None,
        "appearance_url": row["appearance_url"],
        "assignee": None
        if assignee_id is None
        else {"id": assignee_id, "username": row["assignee__username"]},
        "version": row["version"],
        "created_at": _iso(row["created_at"]),
        "updated_at": _iso(row["updated_at"]),
    }


def claim_page_document(*, public: bool = False) -> PageDocument:
    """claim_row_representation written by PostgreSQL (list pages; a test holds the two equal)."""
    columns = [f'c."{name}"' for name in CLAIM_ROW_FIELDS[:_CLAIM_COLUMNS]]
    keys = ["id", "article", *CLAIM_ROW_FIELDS[2:_CLAIM_COLUMNS]]
    assignee = sql_object([("id", 'c."assignee_id"'), ("username", 'u."username"')])
    select = sql_object(
        [
            *zip(keys, columns, strict=True),
            (
                "assignee",
                "NULL"
                if public
                else f'CASE WHEN c."assignee_id" IS NULL THEN NULL ELSE {assignee} END',
            ),
            ("version", 'c."version"'),
            ("created_at", sql_timestamp('c."created_at"')),
            ("updated_at", sql_timestamp('c."updated_at"')),
        ]
    )
    users = get_user_model()._meta.db_table
    return PageDocument(
        table=Claim._meta.db_table,
        select=select,
        joins=f'LEFT JOIN "{users}" u ON u."id" = c."assignee_id"',
    )


# --- Claims ---------------------------------------------------------------------------------------
class ClaimSerializer(serializers.ModelSerializer):
    assignee = UserSummarySerializer(read_only=True, allow_null=True)
    # A string, not format "uri": it is "" when the claim appeared nowhere else (as Article.url).
    appearance_url = serializers.CharField(
        read_only=True, help_text="Where the claim first appeared, when not in the article itself."
    )
    claimant_kind = serializers.ChoiceField(
        choices=Claim.ClaimantKind.choices, allow_blank=True, read_only=True
    )
    claim_type = serializers.ChoiceField(
        choices=Claim.Type.choices, allow_blank=True, read_only=True
    )
    dismissal_reason = serializers.ChoiceField(
        choices=Claim.DismissalReason.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = Claim
        fields = [
            "id",
            "article",
            *CLAIM_OWN_FIELDS,
            "assignee",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance: Claim | dict) -> dict:
        # Hand-written for speed (lists render 50 of these, from CLAIM_ROW_FIELDS rows); a test
        # holds it equal to DRF's generic rendering of the declared fields, which drive the schema.
        public = bool(self.context.get("public"))
        if isinstance(instance, dict):
            return claim_row_representation(instance, public=public)
        assignee = instance.assignee
        row = {name: getattr(instance, name) for name in CLAIM_ROW_FIELDS[:-1]}
        row["assignee__username"] = assignee.username if assignee is not None else None
        return claim_row_representation(row, public=public)

    def generic_representation(self, instance: Claim) -> dict:
        """DRF's own rendering of the declared fields (what the fast path must equal)."""
        return dict(super().to_representation(instance))


class ClaimTextSerializer(serializers.Serializer):
    """The words of a claim that a reviewer writes (creation and edits alike)."""

    statement = serializers.CharField(
        required=False, allow_blank=True, max_length=limit(Claim, "statement")
    )
    claimant = serializers.CharField(
        required=False, allow_blank=True, max_length=limit(Claim, "claimant")
    )
    claimant_kind = serializers.ChoiceField(
        choices=Claim.ClaimantKind.choices, required=False, allow_blank=True
    )
    claim_type = serializers.ChoiceField(
        choices=Claim.Type.choices, required=False, allow_blank=True
    )
    claim_date = serializers.DateField(
        required=False, allow_null=True, help_text="When the claim was made (null: unknown)."
    )
    appearance_url = serializers.URLField(
        required=False,
        allow_blank=True,
        max_length=limit(Claim, "appearance_url"),
        help_text="Where the claim first appeared, when not in the article itself.",
    )


class ClaimCreateSerializer(ClaimTextSerializer):
    article = serializers.IntegerField(min_value=1)
    start = serializers.IntegerField(min_value=0, max_value=2**31 - 1)
    end = serializers.IntegerField(min_value=0, max_value=2**31 - 1)
    quote = serializers.CharField(required=False, trim_whitespace=False, allow_blank=True)


class ClaimUpdateSerializer(ClaimTextSerializer):
    start = serializers.IntegerField(required=False, min_value=0, max_value=2**31 - 1)
    end = serializers.IntegerField(required=False, min_value=0, max_value=2**31 - 1)


class ClaimAnchorSerializer(serializers.Serializer):
    start = serializers.IntegerField(required=False, min_value=0)
    end = serializers.IntegerField(required=False, min_value=0)


class ClaimAssignSerializer(serializers.Serializer):
    assignee = serializers.IntegerField(
        allow_null=True, min_value=1, help_text="A user id, or null to unassign."
    )


class DoubleReviewSerializer(serializers.Serializer):
    reviewers = serializers.ListField(
        child=serializers.CharField(max_length=150),
        min_length=2,
        max_length=2,
        help_text="The usernames of the two (different) reviewers.",
    )


class DoubleReviewAssignmentSerializer(serializers.Serializer):
    slot = serializers.IntegerField()
    reviewer = serializers.CharField(source="reviewer.username")
    submitted = serializers.SerializerMethodField()

    def get_submitted(self, obj) -> bool:
        return obj.submitted_at is not None


class ClaimDismissSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=Claim.DismissalReason.choices)
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=limit(Claim, "dismissal_note")
    )


# --- Evidence and sources -------------------------------------------------------------------------
class SourceSerializer(serializers.ModelSerializer):
    url = serializers.CharField(read_only=True)
    final_url = serializers.CharField(read_only=True)
    # Blank until the link moves: a plain string, since "" is not a URI.
    link_moved_to = serializers.CharField(
        read_only=True, help_text="Where the page now redirects, when it moved."
    )

    class Meta:
        model = Source
        fields = [
            "id",
            "url",
            "normalized_url",
            "final_url",
            "title",
            "publisher",
            "author",
            "published_date",
            "language",
            "content_sha256",
            "http_status",
            "content_type",
            "fetch_status",
            "error_code",
            "error_message",
            "attempts",
            "fetched_at",
            "last_checked_at",
            "link_status",
            "link_moved_to",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SourceSummarySerializer(serializers.ModelSerializer):
    url = serializers.CharField(read_only=True)

    class Meta:
        model = Source
        fields = ["id", "url", "title", "publisher", "fetch_status", "link_status"]
        read_only_fields = fields


class EvidenceSerializer(serializers.ModelSerializer):
    source = SourceSummarySerializer(read_only=True)
    added_by = UserSummarySerializer(read_only=True)

    class Meta:
        model = Evidence
        fields = [
            "id",
            "claim",
            "source",
            "stance",
            "quoted_passage",
            "quote_found",
            "note",
            "added_by",
            "created_at",
        ]
        read_only_fields = fields


class EvidenceCreateSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=limit(Source, "normalized_url"))
    stance = serializers.ChoiceField(choices=Evidence.Stance.choices)
    quoted_passage = serializers.CharField(
        required=False, allow_blank=True, max_length=limit(Evidence, "quoted_passage")
    )
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=limit(Evidence, "note")
    )


# --- Ratings and verdicts -------------------------------------------------------------------------
class RatingSerializer(serializers.ModelSerializer):
    best_rating = serializers.IntegerField(source="scale.best_rating", read_only=True)
    worst_rating = serializers.IntegerField(source="scale.worst_rating", read_only=True)

    class Meta:
        model = Rating
        fields = [
            "slug",
            "label",
            "value",
            "description",
            "position",
            "best_rating",
            "worst_rating",
        ]
        read_only_fields = fields


class VerdictSerializer(serializers.ModelSerializer):
    rating = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    rating_label = serializers.CharField(source="rating.label", read_only=True)
    author = UserSummarySerializer(
        read_only=True, allow_null=True, help_text="Null for the public."
    )
    reviewed_by = UserSummarySerializer(read_only=True, allow_null=True)
    superseded_by = serializers.SerializerMethodField()

    class Meta:
        model = Verdict
        fields = [
            "id",
            "claim",
            "rating",
            "rating_label",
            "summary",
            "claim_summary",
            "rationale",
            "author",
            "status",
            "rejection_reason",
            "reviewed_by",
            "submitted_at",
            "reviewed_at",
            "published_at",
            "supersedes",
            "superseded_by",
            "correction_note",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance) -> dict:
        data = super().to_representation(instance)
        if self.context.get("public"):
            # Readers outside the newsroom see no staff account names (they are login names).
            data["author"] = data["reviewed_by"] = None
        return data

    def get_superseded_by(self, obj) -> int | None:
        successor = getattr(obj, "superseded_by", None)
        return successor.pk if successor is not None else None


class VerdictTextSerializer(serializers.Serializer):
    """The words of a verdict (drafting and edits alike)."""

    summary = serializers.CharField(
        required=False, allow_blank=True, max_length=limit(Verdict, "summary")
    )
    claim_summary = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=limit(Verdict, "claim_summary"),
        help_text="The claim in short for ClaimReview claimReviewed (best under 75 characters; "
        "empty: the claim's statement).",
    )
    rationale = serializers.CharField(
        required=False, allow_blank=True, max_length=limit(Verdict, "rationale")
    )
    correction_note = serializers.CharField(
        required=False, allow_blank=True, max_length=limit(Verdict, "correction_note")
    )


class VerdictCreateSerializer(VerdictTextSerializer):
    rating = serializers.CharField(max_length=50, help_text="A rating slug, e.g. mostly-false.")


class VerdictUpdateSerializer(VerdictTextSerializer):
    rating = serializers.CharField(required=False, max_length=50)


class VerdictRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=limit(Verdict, "rejection_reason"))


# --- Comments -------------------------------------------------------------------------------------
class CommentSerializer(serializers.ModelSerializer):
    author = UserSummarySerializer(read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "claim", "author", "body", "is_hidden", "created_at"]
        read_only_fields = fields


class CommentCreateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=limit(Comment, "body"))


# --- Audit trail (read-only) ----------------------------------------------------------------------
class AuditEntrySerializer(serializers.Serializer):
    """One recorded change (claims.selectors_audit.AuditEntry)."""

    id = serializers.CharField(read_only=True)
    at = serializers.DateTimeField(read_only=True)
    actor = serializers.CharField(
        read_only=True, help_text="A username, system:<task or command>, or unknown."
    )
    user_id = serializers.IntegerField(read_only=True, allow_null=True)
    operation = serializers.ChoiceField(choices=["insert", "update", "delete"], read_only=True)
    model = serializers.CharField(read_only=True, help_text="claim, verdict, evidence or comment")
    object_id = serializers.IntegerField(read_only=True)
    changes = serializers.JSONField(
        read_only=True, help_text="{column: [before, after]}; before is null on insert."
    )


# --- Documents (for the schema) -------------------------------------------------------------------
class ExtractClaimsResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    claims = ClaimSerializer(many=True)


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
    name = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text="What the token is for."
    )


class ApiTokenSerializer(serializers.ModelSerializer):
    """A token as listed: never its secret (only the digest is stored)."""

    prefix = serializers.SerializerMethodField()

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created", "expiry"]

    def get_prefix(self, token) -> str:
        return token.token_key[:8]


class TokenCreatedSerializer(ApiTokenSerializer):
    token = serializers.CharField(help_text="The secret: shown once, send as `Token <key>`.")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]
