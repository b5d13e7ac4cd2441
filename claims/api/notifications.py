"""The REST API of notifications (the caller's inbox) and webhooks (editors' endpoints)."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from claims import selectors
from claims.api.permissions import IsMember
from claims.api.serializers import UserSummarySerializer
from claims.api.throttling import MentionThrottle
from claims.api.views import ApiView
from claims.models import EventType, Notification, Webhook, WebhookDelivery, WebhookPauseReason
from claims.services import mail, notify, webhooks
from claims.services.errors import ValidationError

INBOX_LIMIT = 100

# What a notification points at (the schema names these NotificationObjectKindEnum).
OBJECT_KINDS = ("claim", "verdict", "comment", "article", "webhook")


def notification_object(event) -> dict:
    """What a notification is about: the kind, the id and the API address of the object."""
    if event.type == EventType.WEBHOOK_PAUSED:
        webhook_id = event.payload["id"]
        url = reverse("api:webhook-detail", kwargs={"pk": webhook_id})
        return {"kind": "webhook", "id": webhook_id, "url": url}
    if event.comment_id is not None:
        url = reverse("api:claim-comments", kwargs={"claim_pk": event.claim_id})
        return {"kind": "comment", "id": event.comment_id, "url": url}
    if event.verdict_id is not None:
        url = reverse("api:verdict-detail", kwargs={"pk": event.verdict_id})
        return {"kind": "verdict", "id": event.verdict_id, "url": url}
    if event.claim_id is None:  # article.revised: about the article
        article_id = (event.payload or {}).get("article")
        url = reverse("api:article-detail", kwargs={"pk": article_id})
        return {"kind": "article", "id": article_id, "url": url}
    url = reverse("api:claim-detail", kwargs={"pk": event.claim_id})
    return {"kind": "claim", "id": event.claim_id, "url": url}


class UserSummary(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


class NotificationObject(serializers.Serializer):
    kind = serializers.ChoiceField(choices=OBJECT_KINDS)
    id = serializers.IntegerField()
    url = serializers.CharField()


class NotificationSerializer(serializers.ModelSerializer):
    type = serializers.ChoiceField(choices=EventType.choices)
    read = serializers.SerializerMethodField()
    actor = serializers.SerializerMethodField()
    object = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "type", "created_at", "read", "actor", "object", "text"]
        read_only_fields = fields

    def get_read(self, obj) -> bool:
        return obj.read_at is not None

    @extend_schema(responses=UserSummary(allow_null=True))
    def get_actor(self, obj) -> dict | None:
        actor = obj.event.actor
        return None if actor is None else {"id": actor.pk, "username": actor.get_username()}

    @extend_schema(responses=NotificationObject)
    def get_object(self, obj) -> dict:
        return notification_object(obj.event)


INBOX = inline_serializer(
    "Inbox",
    {
        "unread": serializers.IntegerField(),
        "results": NotificationSerializer(many=True),
    },
)
MARK_READ = inline_serializer(
    "MarkRead",
    {
        "ids": serializers.ListField(child=serializers.IntegerField(), required=False),
        "all": serializers.BooleanField(required=False),
    },
)
MARKED = inline_serializer(
    "Marked", {"marked": serializers.IntegerField(), "unread": serializers.IntegerField()}
)


class NotificationListView(ApiView, APIView):
    """The caller's notifications, newest first (`?before=<id>` for older ones)."""

    permission_classes = [IsMember]

    @extend_schema(summary="Your notifications, newest first", responses=INBOX)
    def get(self, request):
        inbox = selectors.notification_list(user=request.user)
        before = request.query_params.get("before")
        if before is not None:
            if not before.isdigit():
                raise ValidationError("before", "A notification id (a whole number).")
            inbox = inbox.filter(pk__lt=int(before))
        items = NotificationSerializer(inbox[:INBOX_LIMIT], many=True).data
        unread = selectors.notification_unread_count(user=request.user)
        return Response({"unread": unread, "results": items})


class NotificationReadView(ApiView, APIView):
    """Mark notifications read: `{"ids": [...]}` or `{"all": true}`."""

    permission_classes = [IsMember]

    @extend_schema(summary="Mark notifications read", request=MARK_READ, responses=MARKED)
    def post(self, request):
        data = request.data if isinstance(request.data, dict) else {}
        mark_all = data.get("all", False)
        if mark_all not in (True, False):
            raise ValidationError("all", "true or false.")
        marked = notify.notification_mark_read(
            actor=request.user, ids=data.get("ids"), mark_all=mark_all
        )
        unread = selectors.notification_unread_count(user=request.user)
        return Response({"marked": marked, "unread": unread})


EMAIL_CHOICES = inline_serializer(
    "EmailChoices",
    {
        "email": serializers.DictField(
            child=serializers.ChoiceField(choices=["immediate", "digest", "off"])
        )
    },
)


class EmailChoicesView(ApiView, APIView):
    """Your e-mail per event type: `immediate`, `digest` (daily) or `off`."""

    permission_classes = [IsMember]

    @extend_schema(summary="Your e-mail choices", responses=EMAIL_CHOICES)
    def get(self, request):
        return Response({"email": mail.email_modes(request.user)})

    @extend_schema(
        summary="Change some of your e-mail choices", request=EMAIL_CHOICES, responses=EMAIL_CHOICES
    )
    def patch(self, request):
        data = request.data if isinstance(request.data, dict) else {}
        modes = mail.email_preferences_set(actor=request.user, modes=data.get("email"))
        return Response({"email": modes})


MENTIONS = inline_serializer(
    "Mentionable",
    {
        "results": inline_serializer(
            "MentionableUser",
            {"username": serializers.CharField(), "name": serializers.CharField()},
            many=True,
        )
    },
)


class MentionListView(ApiView, APIView):
    """Whom you may @mention: `?q=<prefix>` of a username, first or last name; at most 10."""

    permission_classes = [IsMember]
    throttle_classes = [*ApiView.throttle_classes, MentionThrottle]

    @extend_schema(
        summary="People you may @mention",
        parameters=[
            OpenApiParameter("q", str, description="the start of a name (an @ is ignored)")
        ],
        responses=MENTIONS,
    )
    def get(self, request):
        found = selectors.mention_candidates(
            user=request.user, prefix=request.query_params.get("q", "")
        )
        return Response({"results": found})


# --- Webhooks -------------------------------------------------------------------------------------


class EmptyAsNullField(serializers.CharField):
    """A text column that is empty while it does not apply, shown as null then."""

    def to_representation(self, value):
        return value or None


@extend_schema_field(serializers.ChoiceField(choices=WebhookPauseReason.choices, allow_null=True))
class PauseReasonField(EmptyAsNullField):
    """A paused webhook's reason code; null while it is active."""


class WebhookSerializer(serializers.ModelSerializer):
    """A webhook as the API shows it (never its secret, after the create call). `active` is
    false while it is paused: it gets no deliveries then, until an editor takes it over."""

    created_by = UserSummarySerializer(allow_null=True, read_only=True)
    active = serializers.BooleanField(read_only=True)
    paused_reason = PauseReasonField(read_only=True, allow_null=True)
    paused_detail = EmptyAsNullField(read_only=True, allow_null=True)

    class Meta:
        model = Webhook
        fields = [
            "id",
            "url",
            "events",
            "created_by",
            "active",
            "paused_at",
            "paused_reason",
            "paused_detail",
            "created_at",
        ]
        read_only_fields = fields


class WebhookCreatedSerializer(WebhookSerializer):
    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookCreateSerializer(serializers.Serializer):
    url = serializers.CharField()
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=[webhooks.ALL_EVENTS, *webhooks.WEBHOOK_EVENT_TYPES])
    )


class DeliverySerializer(serializers.ModelSerializer):
    event_type = serializers.CharField(source="event.type")
    event = serializers.IntegerField(source="event_id")

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event",
            "event_type",
            "status",
            "attempts",
            "response_code",
            "response_body",
            "error",
            "next_attempt_at",
            "delivered_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class DeliveryPageSerializer(serializers.Serializer):
    """A page of deliveries, as the project's pagination answers every list."""

    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = DeliverySerializer(many=True)


class WebhookViewSet(
    ApiView,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Editors register endpoints that receive signed events (Standard Webhooks)."""

    serializer_class = WebhookSerializer
    permission_classes = [IsMember]
    lookup_value_regex = r"\d+"
    queryset = Webhook.objects.none()  # the schema's type of {id}; reads use get_queryset

    def get_queryset(self):
        return selectors.webhook_list(user=self.request.user)

    def get_object(self):
        return selectors.webhook_get(user=self.request.user, webhook_id=self.kwargs["pk"])

    @extend_schema(
        summary="Register a webhook (the secret is shown once)",
        request=WebhookCreateSerializer,
        responses={201: WebhookCreatedSerializer},
    )
    def create(self, request, *args, **kwargs):
        data = self.parse(WebhookCreateSerializer)
        hook = webhooks.webhook_create(actor=request.user, url=data["url"], events=data["events"])
        return Response(WebhookCreatedSerializer(hook).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        webhooks.webhook_delete(actor=self.request.user, webhook=instance)

    @extend_schema(
        summary="Take a paused webhook over: it becomes yours and active again",
        request=None,
        responses=WebhookSerializer,
    )
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        hook = webhooks.webhook_resume(actor=request.user, webhook=self.get_object())
        return Response(WebhookSerializer(hook).data)

    @extend_schema(summary="A webhook's deliveries, newest first", responses=DeliveryPageSerializer)
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        hook = self.get_object()
        page = self.paginate_queryset(
            selectors.webhook_delivery_list(user=request.user, webhook=hook)
        )
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)

    @extend_schema(summary="Send a delivery again", request=None, responses=DeliverySerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path=r"deliveries/(?P<delivery_pk>\d+)/redeliver",
    )
    def redeliver(self, request, pk=None, delivery_pk=None):
        hook = self.get_object()
        delivery = selectors.webhook_delivery_get(
            user=request.user, webhook=hook, delivery_id=delivery_pk
        )
        delivery = webhooks.webhook_redeliver(actor=request.user, delivery=delivery)
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
