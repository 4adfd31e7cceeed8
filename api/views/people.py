"""The signed-in user, and managers' organizations, users and queues."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import api_view
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api.permissions import IsManager, IsStaff
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
def me(request):
    return Response(MeSerializer(request.user).data)


class OrganizationViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    queryset = Organization.objects.order_by("name", "id")
    serializer_class = OrganizationSerializer

    def get_permissions(self):
        return [IsAuthenticated(), IsManager() if self.action == "create" else IsStaff()]

    def perform_create(self, serializer):
        serializer.instance = accounts.organization_create(
            actor=self.request.user, name=serializer.validated_data["name"]
        )


class UserViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    queryset = User.objects.select_related("organization").order_by("username", "id")
    serializer_class = UserSerializer
    permission_classes = [IsAuthenticated, IsManager]

    def perform_create(self, serializer):
        serializer.instance = accounts.user_create(
            actor=self.request.user, **serializer.validated_data
        )


class QueueViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    queryset = Queue.objects.order_by("name", "id")
    serializer_class = QueueSerializer

    def get_permissions(self):
        if self.action == "create":
            return [IsAuthenticated(), IsManager()]
        return [IsAuthenticated()]

    def perform_create(self, serializer):
        serializer.instance = accounts.queue_create(
            actor=self.request.user, **serializer.validated_data
        )
