"""The conversation of a case: public replies and internal notes."""

from typing import ClassVar

from django.conf import settings
from django.db import models


class MessageChannel(models.TextChoices):
    """Where a message of the conversation was written (the API's `channel` on comments)."""

    WEB = "web", "The pages"
    EMAIL = "email", "Email"
    API = "api", "The API"


class Comment(models.Model):
    # No index of its own: comment_case_idx begins with it.
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="comments", db_index=False
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    internal = models.BooleanField(
        default=False, help_text="Internal notes are seen by agents and managers only."
    )
    channel = models.CharField(
        max_length=8, choices=MessageChannel.choices, default=MessageChannel.WEB
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "id"]
        indexes = (models.Index(fields=["case", "created_at", "id"], name="comment_case_idx"),)

    def __str__(self) -> str:
        kind = "note" if self.internal else "reply"
        return f"{kind} on case {self.case_id} by {self.author_id}"
