"""Releases of release_tracking queues: created, filled with finished cases, delivered at once."""

from typing import Any

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api.permissions import IsStaff, acting_user
from api.serializers.fields import ID_PATTERN
from api.serializers.follow_up import ReleaseCaseSerializer, ReleaseSerializer
from cases.errors import NotVisible
from cases.models import Case, Release
from services.releases import release_add_case, release_create
from workflows.transitions import deliver_release

REFUSALS = {
    400: OpenApiResponse(description="Invalid input."),
    403: OpenApiResponse(description="Only agents and managers."),
    404: OpenApiResponse(description="No such release or case."),
    409: OpenApiResponse(description="The release is delivered, or a case is not ready."),
}


class ReleaseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Release],
):
    # The serializer lists each release's case ids: one query for all of them, not one each.
    queryset = Release.objects.prefetch_related(
        Prefetch("cases", queryset=Case.objects.only("pk").order_by("pk"))
    ).order_by("-created_at", "-id")
    serializer_class = ReleaseSerializer
    permission_classes = (IsAuthenticated, IsStaff)
    lookup_value_regex = ID_PATTERN

    def get_object(self) -> Release:
        try:
            return self.get_queryset().get(pk=self.kwargs["pk"])
        except Release.DoesNotExist:
            raise NotVisible("No such release.") from None

    def _answer(self, release: Release, code: int = status.HTTP_200_OK) -> Response:
        return Response(ReleaseSerializer(self.get_queryset().get(pk=release.pk)).data, status=code)

    @extend_schema(responses={201: ReleaseSerializer, **REFUSALS})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = ReleaseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        release = release_create(actor=acting_user(request), **serializer.validated_data)
        return self._answer(release, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Add a case that is done, awaiting release",
        request=ReleaseCaseSerializer,
        responses={200: ReleaseSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def cases(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        release = self.get_object()
        serializer = ReleaseCaseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        release_add_case(
            release_id=release.pk,
            case_id=serializer.validated_data["case"],
            actor=acting_user(request),
        )
        return self._answer(release)

    @extend_schema(
        summary="Deliver the release: every case in it moves to release_delivered at once",
        request=None,
        responses={200: ReleaseSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def deliver(
        self, request: Request, pk: str | None = None, format: str | None = None
    ) -> Response:
        release = deliver_release(release_id=self.get_object().pk, actor=acting_user(request))
        return self._answer(release)
