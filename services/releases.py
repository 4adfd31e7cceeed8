"""Releases (release_tracking): creating one and putting done cases into it. Delivering it is a
transition of every case at once: `workflows.transitions.deliver_release`."""

from django.db import transaction

from cases.errors import Conflict, Forbidden, InvalidInput
from cases.models import Queue, Release, ReleaseItem, User
from cases.roles import is_staff_role, role_of
from cases.text import MAX_NAME, clean_text
from workflows.metadata import all_workflows, describe
from workflows.transitions import conflict, lock_case


def release_create(*, actor: User, name: str, queue: Queue) -> Release:
    if not is_staff_role(role_of(actor)):
        raise Forbidden("Only agents create releases.")
    name = clean_text("name", name, required=True, limit=MAX_NAME)
    if describe(queue.workflow).release_transition is None:
        takers = [info.name for info in all_workflows() if info.release_transition is not None]
        raise InvalidInput.field("queue", f"Releases belong to {' or '.join(takers)} queues.")
    if Release.objects.filter(queue=queue, name=name).exists():
        raise InvalidInput.field("name", "This queue already has a release with this name.")
    return Release.objects.create(name=name, queue=queue, created_by=actor)


def release_add_case(*, release_id: int, case_id: int, actor: User) -> Release:
    """Put a case that is done, awaiting release, into an undelivered release."""
    if not is_staff_role(role_of(actor)):
        raise Forbidden("Only agents add cases to releases.")
    with transaction.atomic():
        locked_release = Release.objects.select_for_update().get(pk=release_id)
        locked = lock_case(case_id, actor)
        if locked_release.is_delivered:
            raise Conflict("A delivered release cannot be changed.")
        if locked.queue_id != locked_release.queue_id:
            raise conflict(locked, actor, "The case belongs to another queue than the release.")
        info = describe(locked.workflow)
        shipping = info.release_transition
        if shipping is None or locked.status not in shipping.sources:
            # In the workflow's words ("Done Awaiting Release"): the pages show this message.
            labels = dict(info.statuses)
            ready = (
                " or ".join(labels.get(status, status) for status in shipping.sources)
                if shipping
                else "ready for a release"
            )
            raise conflict(locked, actor, f"Only cases that are {ready} can join a release.")
        waiting_elsewhere = ReleaseItem.objects.filter(
            case=locked, release__delivered_at__isnull=True
        ).exclude(release=locked_release)
        if waiting_elsewhere.exists():
            raise conflict(locked, actor, "The case already waits in another release.")
        ReleaseItem.objects.get_or_create(
            release=locked_release, case=locked, defaults={"added_by": actor}
        )
    return locked_release
