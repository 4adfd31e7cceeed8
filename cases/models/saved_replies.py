"""Saved replies: reply texts an agent keeps for reuse (their own), and shared ones that managers
keep for every agent (no owner)."""

from django.conf import settings
from django.db import models


class SavedReply(models.Model):
    title = models.CharField(max_length=100)
    body = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="saved_replies",
        help_text="Empty for a reply shared with every agent.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = (models.Index(fields=("owner", "title"), name="saved_reply_owner_title"),)
        verbose_name_plural = "saved replies"

    def __str__(self) -> str:
        return self.title

    @property
    def is_shared(self) -> bool:
        return self.owner_id is None
