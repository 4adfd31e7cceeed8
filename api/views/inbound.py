"""Received email for agents and managers: every message with what became of it, newest first,
and the two decisions about a held one, release (onto a case, or as a new case) and discard, each
taken by `services.inbound`."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api.permissions import IsStaff, acting_user
from api.serializers.fields import ID_PATTERN
from api.serializers.inbound import (
    OUTCOME_CHOICES,
    InboundMessageSerializer,
    InboundReleaseSerializer,
)
from cases.errors import NotVisible
from cases.models import InboundMessage
from cases.selectors import inbound_visible_to
from services.inbound import inbound_discard, inbound_release

NOT_HELD = OpenApiResponse(
    description="The message is not held (released or discarded already, or never held)."
)
NO_SUCH = OpenApiResponse(description="No such message.")


class InboundFilter(django_filters.FilterSet):
    outcome = django_filters.ChoiceFilter(
        choices=[(outcome, outcome) for outcome in OUTCOME_CHOICES],
        help_text="What became of the message.",
    )

    class Meta:
        model = InboundMessage
        fields = ("outcome",)


@extend_schema_view(
    list=extend_schema(summary="Received email, newest first"),
    retrieve=extend_schema(
        summary="One received message", responses={200: InboundMessageSerializer, 404: NO_SUCH}
    ),
)
class InboundMessageViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[InboundMessage]
):
    serializer_class = InboundMessageSerializer
    permission_classes = (IsAuthenticated, IsStaff)
    filter_backends = (DjangoFilterBackend,)
    filterset_class = InboundFilter
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[InboundMessage]:
        if getattr(self, "swagger_fake_view", False):
            return InboundMessage.objects.none()
        return inbound_visible_to(acting_user(self.request)).order_by("-received_at", "-id")

    def get_object(self) -> InboundMessage:
        message = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if message is None:
            raise NotVisible("No such message.")
        return message

    @extend_schema(
        summary="Release a held message: onto a case, or as a new case",
        request=InboundReleaseSerializer,
        responses={200: InboundMessageSerializer, 404: NO_SUCH, 409: NOT_HELD},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def release(self, request: Request, pk: str, format: str | None = None) -> Response:
        message = self.get_object()
        body = InboundReleaseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        where: dict[str, Any] = dict(body.validated_data)
        released = inbound_release(message_id=message.pk, actor=acting_user(request), **where)
        return Response(InboundMessageSerializer(released).data)

    @extend_schema(
        summary="Discard a held message: it is posted nowhere",
        request=None,
        responses={200: InboundMessageSerializer, 404: NO_SUCH, 409: NOT_HELD},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def discard(self, request: Request, pk: str, format: str | None = None) -> Response:
        message = self.get_object()
        discarded = inbound_discard(message_id=message.pk, actor=acting_user(request))
        return Response(InboundMessageSerializer(discarded).data)
