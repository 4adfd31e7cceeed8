"""Releases (release_tracking): creating one and putting done cases into it. Delivering it is a
transition of every case at once: `workflows.transitions.deliver_release`."""

from django.db import transaction

from cases.actors import Actor
from cases.errors import Conflict, Forbidden, InvalidInput
from cases.models import Queue, Release, ReleaseItem, User
from cases.text import MAX_NAME, clean_text
from workflows.metadata import all_workflows, describe
from workflows.transitions import change_case


def release_create(*, actor: User | Actor, name: str, queue: Queue) -> Release:
    who = Actor.of(actor)
    if not who.is_staff or who.user is None:
        raise Forbidden("Only agents create releases.")
    name = clean_text("name", name, required=True, limit=MAX_NAME)
    if describe(queue.workflow).release_transition is None:
        takers = [info.name for info in all_workflows() if info.release_transition is not None]
        raise InvalidInput.field("queue", f"Releases belong to {' or '.join(takers)} queues.")
    if Release.objects.filter(queue=queue, name=name).exists():
        raise InvalidInput.field("name", "This queue already has a release with this name.")
    return Release.objects.create(name=name, queue=queue, created_by=who.user)


def release_add_case(*, release_id: int, case_id: int, actor: User | Actor) -> Release:
    """Put a case that is done, awaiting release, into an undelivered release."""
    who = Actor.of(actor)
    if not who.is_staff or who.user is None:
        raise Forbidden("Only agents add cases to releases.")
    with transaction.atomic():
        locked_release = Release.objects.select_for_update().get(pk=release_id)
        with change_case(case_id=case_id, actor=who) as change:
            case = change.case
            if locked_release.is_delivered:
                raise Conflict("A delivered release cannot be changed.")
            if case.queue_id != locked_release.queue_id:
                raise change.refusal("The case belongs to another queue than the release.")
            info = describe(case.workflow)
            shipping = info.release_transition
            if shipping is None or case.status not in shipping.sources:
                # In the workflow's words ("Done Awaiting Release"): the pages show this.
                ready = (
                    " or ".join(info.label(status) for status in shipping.sources)
                    if shipping
                    else "ready for a release"
                )
                raise change.refusal(f"Only cases that are {ready} can join a release.")
            waiting_elsewhere = ReleaseItem.objects.filter(
                case=case, release__delivered_at__isnull=True
            ).exclude(release=locked_release)
            if waiting_elsewhere.exists():
                raise change.refusal("The case already waits in another release.")
            ReleaseItem.objects.get_or_create(
                release=locked_release, case=case, defaults={"added_by": who.user}
            )
    return locked_release
