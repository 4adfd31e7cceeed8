"""The four workflows, as read off the code that enforces them."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from api.serializers.workflows import WorkflowSerializer
from cases.errors import NotVisible
from workflows.metadata import all_workflows, as_json, describe
from workflows.registry import WORKFLOWS


class WorkflowViewSet(viewsets.ViewSet):
    lookup_field = "key"
    lookup_value_regex = r"[a-z_]{1,40}"
    serializer_class = WorkflowSerializer

    @extend_schema(responses=WorkflowSerializer(many=True))
    def list(self, request: Request, format: str | None = None) -> Response:
        return Response([as_json(info) for info in all_workflows()])

    @extend_schema(
        responses={200: WorkflowSerializer, 404: OpenApiResponse(description="No such workflow.")}
    )
    def retrieve(
        self, request: Request, key: str | None = None, format: str | None = None
    ) -> Response:
        if key not in WORKFLOWS:
            raise NotVisible("No such workflow.")
        return Response(as_json(describe(key)))
