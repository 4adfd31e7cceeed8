"""Files that come with a case or with one of its messages, kept in Django's default storage."""

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


def stored_name(instance: "Attachment", filename: str) -> str:
    """Where a file is stored: a random name under the month it is stored in. Nothing the
    uploader chose (their file's name, its path, its extension) reaches the storage, so no upload
    can pick or guess another file's place; the name people see is `Attachment.filename`."""
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    # The composite index below serves every lookup by case.
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="attachments", db_index=False
    )
    comment = models.ForeignKey(
        "cases.Comment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        help_text="The message it came with; empty for the files of the case itself.",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(upload_to=stored_name)
    filename = models.CharField(
        max_length=255, help_text="The uploader's name for the file, cleaned; shown, never stored."
    )
    size = models.PositiveBigIntegerField(help_text="In bytes.")
    content_type = models.CharField(max_length=100)
    created_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "id"]
        indexes = (models.Index(fields=["case", "created_at", "id"], name="attachment_case_idx"),)

    def __str__(self) -> str:
        return f"{self.filename} on case {self.case_id}"
