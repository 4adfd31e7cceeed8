"""The signed-in user, and managers' organizations, users and queues."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import api_view
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from api.permissions import IsManager, IsStaff, acting_user
from api.serializers.people import (
    MeSerializer,
    OrganizationSerializer,
    QueueSerializer,
    UserSerializer,
)
from cases.models import Organization, Queue, User
from services import accounts


@extend_schema(responses=MeSerializer)
@api_view(["GET"])
def me(request: Request) -> Response:
    return Response(MeSerializer(acting_user(request)).data)


class OrganizationViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[Organization]
):
    queryset = Organization.objects.order_by("name", "id")
    serializer_class = OrganizationSerializer

    def get_permissions(self) -> list[BasePermission]:
        return [IsAuthenticated(), IsManager() if self.action == "create" else IsStaff()]

    def perform_create(self, serializer: BaseSerializer[Organization]) -> None:
        serializer.instance = accounts.organization_create(
            actor=acting_user(self.request), name=serializer.validated_data["name"]
        )


class UserViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[User]):
    queryset = User.objects.select_related("organization").order_by("username", "id")
    serializer_class = UserSerializer
    permission_classes = (IsAuthenticated, IsManager)

    def perform_create(self, serializer: BaseSerializer[User]) -> None:
        serializer.instance = accounts.user_create(
            actor=acting_user(self.request), **serializer.validated_data
        )


class QueueViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[Queue]):
    queryset = Queue.objects.order_by("name", "id")
    serializer_class = QueueSerializer

    def get_permissions(self) -> list[BasePermission]:
        if self.action == "create":
            return [IsAuthenticated(), IsManager()]
        return [IsAuthenticated()]

    def perform_create(self, serializer: BaseSerializer[Queue]) -> None:
        serializer.instance = accounts.queue_create(
            actor=acting_user(self.request), **serializer.validated_data
        )
