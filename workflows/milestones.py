"""The First Response milestone (every workflow): when support's first customer-facing message is
due, and how a change of priority moves that promise."""

from datetime import datetime

from cases.models import Case


def first_response_due_after_priority_change(
    case: Case, *, previous: int, now: datetime
) -> datetime | None:
    """The first-response due time once the case's priority changed from `previous`.

    A case already answered, or already past its due time, keeps the due time it had: the
    milestone was met or missed under the priority it had then. Otherwise the target of the new
    priority counts from the case's creation, but never ends before a full target from the
    change itself, so that raising the priority never makes a case overdue on the spot (an
    Urgent case gets its hour from the moment it became urgent); and a raise never gives more
    time than the case had left (the earlier of the two wins).
    """
    due = case.first_response_due_at
    if case.first_responded_at is not None or (due is not None and due <= now):
        return due
    target = case.queue.first_response_target(case.priority)
    aimed = case.created_at + target
    if aimed <= now:
        aimed = now + target
    if due is not None and case.priority > previous:
        return min(due, aimed)
    return aimed
