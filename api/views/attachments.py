"""Downloading an attachment: the file itself, for whoever may see it (404 otherwise)."""

from typing import Any

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request

from api.permissions import acting_user
from api.serializers.fields import ID_PATTERN
from services.attachments import attachment_download


class AttachmentViewSet(viewsets.GenericViewSet[Any]):
    lookup_value_regex = ID_PATTERN

    def perform_content_negotiation(
        self, request: Request, force: bool = False
    ) -> tuple[BaseRenderer, str]:
        # The answer is the file, whatever the client accepts; only an error is JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        summary="Download an attachment",
        description="The file, with the content type it was stored with, `Content-Disposition: "
        "attachment` (inline for pictures other than SVG) and `X-Content-Type-Options: nosniff`. "
        "404 for an attachment this user may not see (a customer never sees an internal note's).",
        responses={
            (200, "*/*"): OpenApiResponse(OpenApiTypes.BINARY, description="The file."),
            404: OpenApiResponse(description="No such attachment for this user."),
        },
    )
    def retrieve(
        self, request: Request, pk: str | None = None, format: str | None = None
    ) -> FileResponse:
        if format is not None:
            # The answer is the file itself: a suffix (`.json`) names no other form of it.
            raise NotFound("No such attachment.")
        download = attachment_download(actor=acting_user(request), attachment_id=pk or "")
        return FileResponse(download.file, **download.options())
