"""API tokens, kept as a hash: the key itself is shown once, to whoever signed in for it."""

from typing import ClassVar

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """One sign-in's token (`POST /api/auth/token/`). The database holds the SHA-256 of the key,
    never the key: a reader of the database or of the admin cannot use it. The key is 256 random
    bits, so its hash needs no salt or slow hashing to resist guessing (api/tokens.py)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(
        max_length=8,
        editable=False,
        help_text="The key's first characters, to tell tokens apart; too few to use it.",
    )
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(
        null=True, blank=True, help_text="Kept to the minute: not written on every request."
    )
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API token"
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        indexes = (models.Index(fields=["user", "-created_at"], name="apitoken_user_idx"),)

    def __str__(self) -> str:
        return f"{self.prefix}… of user {self.user_id}"
