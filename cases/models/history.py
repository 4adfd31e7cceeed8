"""The append-only history of every status change, written with the change itself."""

from typing import Any, ClassVar, NoReturn

from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    """History is evidence: once written it is never edited or removed."""


class HistoryEntry(models.Model):
    # No index of its own: history_case_idx begins with it (a sweep writes a hundred thousand).
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="history", db_index=False
    )
    transition = models.CharField(max_length=60)
    source = models.CharField(max_length=40)
    target = models.CharField(max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the automations acted.",
    )
    actor_role = models.CharField(max_length=16)
    note = models.TextField(blank=True, default="")
    note_internal = models.BooleanField(
        default=False, help_text="The note is hidden from customers (e.g. the blocker of `block`)."
    )
    payload = models.JSONField(default=dict, blank=True)
    comment = models.OneToOneField(
        "cases.Comment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="history_entry",
        help_text="The public message the transition posted in the conversation (its note, or "
        "the solution or answer it carried), if any.",
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "id"]
        verbose_name_plural = "history entries"
        indexes = (models.Index(fields=["case", "created_at", "id"], name="history_case_idx"),)

    def __str__(self) -> str:
        return f"{self.transition}: {self.source} → {self.target}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Django's own mark of a row not yet in the database (the stubs type `pk` as never None).
        if not self._state.adding:
            raise AppendOnlyError("History entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("History entries cannot be deleted.")
