"""Attachments as the API shows them, and the shape of an upload."""

from django.conf import settings
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.fields import IdField
from cases.models import Attachment


class AttachmentSerializer(serializers.ModelSerializer[Attachment]):
    """`url` downloads the file (GET /api/attachments/{id}/)."""

    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = (
            "id",
            "filename",
            "size",
            "content_type",
            "comment",
            "uploaded_by",
            "created_at",
            "url",
        )
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, attachment: Attachment) -> str:
        path = reverse("attachment-detail", args=[attachment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class AttachmentUploadSerializer(serializers.Serializer[None]):
    file = serializers.FileField(
        help_text=f"At most {settings.ATTACHMENTS_MAX_SIZE / 2**20:g} MiB; documents, pictures, "
        "logs and archives (programs and web pages are refused)."
    )
    comment = IdField(
        required=False,
        allow_null=True,
        help_text="One of your messages on this case, to attach the file to; none: the case.",
    )
