"""The signed-in user, and managers' organizations, users and queues."""

from typing import TypeVar

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import api_view
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from api.permissions import IsManager, IsStaff, acting_user
from api.serializers.fields import ID_PATTERN
from api.serializers.people import (
    MeSerializer,
    OrganizationSerializer,
    QueueSerializer,
    UserSerializer,
)
from cases.errors import NotVisible
from cases.models import Organization, Queue, User
from services import accounts

NOT_FOUND = {404: OpenApiResponse(description="No such organization or queue.")}


@extend_schema(responses=MeSerializer)
@api_view(["GET"])
def me(request: Request) -> Response:
    return Response(MeSerializer(acting_user(request)).data)


@extend_schema_view(
    partial_update=extend_schema(
        summary="Change an organization's name or email domains",
        responses={200: OrganizationSerializer, **NOT_FOUND},
    )
)
class OrganizationViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Organization],
):
    queryset = Organization.objects.order_by("name", "id")
    serializer_class = OrganizationSerializer
    http_method_names = ("get", "post", "patch", "head", "options")
    lookup_value_regex = ID_PATTERN

    def get_permissions(self) -> list[BasePermission]:
        if self.action in ("create", "partial_update"):
            return [IsAuthenticated(), IsManager()]
        return [IsAuthenticated(), IsStaff()]

    def get_object(self) -> Organization:
        return _found(self.get_queryset(), self.kwargs["pk"], "No such organization.")

    def perform_create(self, serializer: BaseSerializer[Organization]) -> None:
        serializer.instance = accounts.organization_create(
            actor=acting_user(self.request), **serializer.validated_data
        )

    def perform_update(self, serializer: BaseSerializer[Organization]) -> None:
        assert serializer.instance is not None
        serializer.instance = accounts.organization_update(
            actor=acting_user(self.request),
            organization_id=serializer.instance.pk,
            changes=serializer.validated_data,
        )


class UserViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[User]):
    queryset = User.objects.select_related("organization").order_by("username", "id")
    serializer_class = UserSerializer
    permission_classes = (IsAuthenticated, IsManager)

    def perform_create(self, serializer: BaseSerializer[User]) -> None:
        serializer.instance = accounts.user_create(
            actor=acting_user(self.request), **serializer.validated_data
        )


@extend_schema_view(
    partial_update=extend_schema(
        summary="Change a queue's name, email address or timers (its workflow while it has no "
        "case)",
        responses={200: QueueSerializer, **NOT_FOUND},
    )
)
class QueueViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Queue],
):
    queryset = Queue.objects.order_by("name", "id")
    serializer_class = QueueSerializer
    http_method_names = ("get", "post", "patch", "head", "options")
    lookup_value_regex = ID_PATTERN

    def get_permissions(self) -> list[BasePermission]:
        if self.action in ("create", "partial_update"):
            return [IsAuthenticated(), IsManager()]
        return [IsAuthenticated()]

    def get_object(self) -> Queue:
        return _found(self.get_queryset(), self.kwargs["pk"], "No such queue.")

    def perform_create(self, serializer: BaseSerializer[Queue]) -> None:
        serializer.instance = accounts.queue_create(
            actor=acting_user(self.request), **serializer.validated_data
        )

    def perform_update(self, serializer: BaseSerializer[Queue]) -> None:
        assert serializer.instance is not None
        serializer.instance = accounts.queue_update(
            actor=acting_user(self.request),
            queue_id=serializer.instance.pk,
            changes=serializer.validated_data,
        )


M = TypeVar("M", Organization, Queue)


def _found(rows: QuerySet[M], pk: str, missing: str) -> M:
    """The row of a path's id (404 with `missing` otherwise): PATCH is for managers, who see
    every organization and queue."""
    row = rows.filter(pk=pk).first()
    if row is None:
        raise NotVisible(missing)
    return row
