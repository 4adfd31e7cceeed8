"""What a sweep does when acting on one case raises: the case is skipped, the error is kept in a
`SweepFailure` row (which managers see in the admin, with the case and the error) and logged, and
the case is tried again by a later run once its backoff is over, while the rest of the sweep goes
on; each failure counts in the metrics (`helpdesk_sweep_failures`). A case the sweep later acts on
has its row deleted: the list shows only what still fails.

Without this a case whose action raises would stop the whole sweep, and, taken oldest first,
stop its queue at every later run.
"""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import models
from django.db.models import Exists, F, OuterRef

from cases.models import Case
from helpdesk.metrics import SWEEP_FAILURES
from notifications.batches import AnyOf

log = logging.getLogger(__name__)

FIRST_RETRY_AFTER = timedelta(minutes=5)
LONGEST_RETRY_AFTER = timedelta(days=1)


class SweepFailure(models.Model):
    """A case a sweep could not act on: the latest error, how often it failed, when it is tried
    again. One per case and sweep."""

    sweep = models.CharField(max_length=40, help_text="The automation that failed on the case.")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="sweep_failures")
    error = models.TextField()
    attempts = models.PositiveIntegerField(default=1)
    first_failed_at = models.DateTimeField()
    last_failed_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField(help_text="The sweep skips the case until then.")

    class Meta:
        ordering = ("-last_failed_at", "-id")
        constraints = (
            models.UniqueConstraint(fields=("case", "sweep"), name="sweep_failure_once_idx"),
        )
        indexes = (models.Index(fields=("sweep", "next_attempt_at"), name="sweep_failure_due_idx"),)

    def __str__(self) -> str:
        return f"{self.sweep} failed on case {self.case_id}"


def retry_delay(attempts: int) -> timedelta:
    """5, 10, 20... minutes after the 1st, 2nd, 3rd... failure, at most a day: a case that fails
    for a moment (a lock, a deploy) is soon done, one that fails for good costs little."""
    delay: timedelta = FIRST_RETRY_AFTER * 2 ** (attempts - 1)
    return min(delay, LONGEST_RETRY_AFTER)


def backing_off(sweep: str, now: datetime) -> Exists:
    """Whether the case (the outer query's row) failed this sweep and waits for its backoff
    (index sweep_failure_once_idx)."""
    return Exists(
        SweepFailure.objects.filter(case=OuterRef("pk"), sweep=sweep, next_attempt_at__gt=now)
    )


def record_failure(sweep: str, case: Case, error: Exception, now: datetime) -> SweepFailure:
    """Keep (or update) the case's failure row and log it; the caller has rolled back whatever
    the failed action wrote."""
    text = f"{type(error).__name__}: {error}"[:2000]
    SWEEP_FAILURES.labels(sweep).inc()
    log.error("%s failed on %s: %s", sweep, case.reference, text, exc_info=error)
    failure = SweepFailure.objects.filter(case=case, sweep=sweep).first()
    if failure is None:
        failure = SweepFailure(sweep=sweep, case=case, first_failed_at=now, attempts=0, error=text)
    failure.attempts += 1
    failure.error = text
    failure.last_failed_at = now
    failure.next_attempt_at = now + retry_delay(failure.attempts)
    failure.save()
    return failure


def clear_failures(sweep: str, case_ids: Iterable[int]) -> None:
    """The cases the sweep has now acted on fail no more."""
    ids = list(case_ids)
    if ids:
        SweepFailure.objects.filter(AnyOf(F("case_id"), ids), sweep=sweep).delete()
