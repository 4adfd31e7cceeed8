"""Releases (release_tracking): named packages of fixed cases, delivered all at once."""

from typing import ClassVar

from django.conf import settings
from django.db import models


class Release(models.Model):
    name = models.CharField(max_length=100)
    queue = models.ForeignKey("cases.Queue", on_delete=models.PROTECT, related_name="releases")
    cases = models.ManyToManyField(
        "cases.Case", through="cases.ReleaseItem", related_name="releases"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        constraints = (
            models.UniqueConstraint(fields=["queue", "name"], name="release_name_unique_per_queue"),
        )

    def __str__(self) -> str:
        return self.name

    @property
    def is_delivered(self) -> bool:
        return self.delivered_at is not None


class ReleaseItem(models.Model):
    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="release_items")
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["added_at", "id"]
        constraints = (
            models.UniqueConstraint(fields=["release", "case"], name="release_item_unique"),
        )

    def __str__(self) -> str:
        return f"case {self.case_id} in release {self.release_id}"
