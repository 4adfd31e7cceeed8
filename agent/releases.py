"""What the releases pages (/agent/releases/) read and the forms they take: the releases grouped
by queue with their case counts, a release's cases with their status in words, and the cases
that may join it. Which queues take releases, and which statuses a case must be in to join one,
come from the workflows' own declarations (`workflows.metadata`); the services enforce them."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Count, F, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from agent.access import case_url, workspace_cases
from cases.models import Case, Queue, Release, ReleaseItem, User
from cases.text import MAX_NAME
from web.case_progress import StatusView, status_of
from workflows.metadata import TransitionInfo, describe
from workflows.registry import WORKFLOWS


def release_workflows() -> list[str]:
    """The workflows whose cases are delivered by releases (release_tracking)."""
    return [key for key in WORKFLOWS if describe(key).release_transition is not None]


def queues_taking_releases() -> QuerySet[Queue]:
    return Queue.objects.filter(workflow__in=release_workflows()).order_by("name", "pk")


def shipping_of(release: Release) -> TransitionInfo | None:
    """The transition delivering `release` performs on each of its cases."""
    return describe(release.queue.workflow).release_transition


# --- the list --------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueReleases:
    """A queue that takes releases, and its releases: open ones first, then the latest
    delivered."""

    queue: Queue
    releases: list[Release]


def releases_by_queue() -> list[QueueReleases]:
    """Every queue that takes releases with its releases, each annotated with `case_count`: two
    queries, whatever the number of releases and cases."""
    queues = list(queues_taking_releases())
    releases = (
        Release.objects.filter(queue__in=[queue.pk for queue in queues])
        .select_related("delivered_by")
        .annotate(case_count=Count("items"))
        .order_by(F("delivered_at").desc(nulls_first=True), "-created_at", "-id")
    )
    grouped: dict[int, list[Release]] = {queue.pk: [] for queue in queues}
    for release in releases:
        grouped[release.queue_id].append(release)
    return [QueueReleases(queue, grouped[queue.pk]) for queue in queues]


# --- one release -----------------------------------------------------------------------------


def release_or_404(pk: int) -> Release:
    return get_object_or_404(
        Release.objects.select_related("queue", "created_by", "delivered_by"), pk=pk
    )


@dataclass(frozen=True)
class ReleaseCase:
    """A row of a release's case table."""

    case: Case
    url: str
    status: StatusView


def release_cases(user: User, release: Release) -> list[ReleaseCase]:
    """The release's cases this agent sees, in the order they were added: one query."""
    cases = (
        workspace_cases(user)
        .filter(release_items__release=release)
        .select_related("assignee")
        .order_by("release_items__added_at", "release_items__id")
    )
    return [ReleaseCase(case, case_url(case.reference or ""), status_of(case)) for case in cases]


def cases_ready_for(user: User, release: Release) -> QuerySet[Case]:
    """The cases that may join `release` now: live cases of its queue in the statuses its
    workflow delivers from, not already waiting in an undelivered release (this one included)."""
    shipping = shipping_of(release)
    if shipping is None or release.is_delivered:
        return Case.objects.none()
    waiting = ReleaseItem.objects.filter(release__delivered_at__isnull=True).values("case_id")
    return (
        workspace_cases(user)
        .filter(queue=release.queue, workflow=release.queue.workflow)
        .filter(status__in=shipping.sources)
        .exclude(pk__in=waiting)
        .order_by("pk")
    )


def ready_status_labels(release: Release) -> str:
    """The statuses a case must be in to join `release`, in words ("Done Awaiting Release")."""
    shipping = shipping_of(release)
    if shipping is None:
        return ""
    info = describe(release.queue.workflow)
    return ", ".join(info.label(status) for status in shipping.sources)


def delivered_status_label(release: Release) -> str:
    """The status delivering `release` moves its cases to, in words ("Release Delivered")."""
    shipping = shipping_of(release)
    if shipping is None:
        return ""
    return describe(release.queue.workflow).label(shipping.target)


def case_count(release: Release) -> int:
    return ReleaseItem.objects.filter(release=release).count()


def reference_of(case_id: int) -> str:
    """A case's reference, for a message about the case just added."""
    return Case.objects.filter(pk=case_id).values_list("reference", flat=True).first() or ""


# --- forms -----------------------------------------------------------------------------------


class ReleaseForm(forms.Form):
    """Create release: a name and a queue that takes releases."""

    name = forms.CharField(
        label=_("Name"),
        max_length=MAX_NAME,
        error_messages={"required": _("Enter a name for the release.")},
        help_text=_("Unique in its queue, e.g. a version number: 2026.12.1."),
    )
    queue = forms.ModelChoiceField(
        label=_("Queue"),
        queryset=Queue.objects.none(),
        empty_label=_("Choose a queue"),
        error_messages={
            "required": _("Choose the queue the release belongs to."),
            "invalid_choice": _("Choose a queue that takes releases."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        queue = self.fields["queue"]
        assert isinstance(queue, forms.ModelChoiceField)
        queue.queryset = queues_taking_releases()


class CaseChoiceField(forms.TypedChoiceField):
    """A case id, offered from the cases ready for the release. Only its shape is checked here:
    a case that is not (or no longer) ready is the service's to refuse, with its reason."""

    def valid_value(self, value: Any) -> bool:
        return True


class AddCaseForm(forms.Form):
    """Add case: one case of the release's queue that is ready to be delivered."""

    case = CaseChoiceField(
        label=_("Add case"),
        coerce=int,
        error_messages={
            "required": _("Choose a case to add."),
            "invalid_choice": _("Choose a case to add."),
        },
    )

    def offer(self, cases: Sequence[Case], statuses: str) -> None:
        """The cases the select lists (each by its reference and subject), and a hint saying
        which cases these are: those in `statuses` (in words)."""
        field = self.fields["case"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Choose a case")), *case_choices(cases)]
        hint = (
            _("Cases of this queue that are %(statuses)s and in no other open release.")
            if cases
            else _("No case of this queue is %(statuses)s and free to join: none to add now.")
        )
        # The hint is drawn as HTML (forms/field_notes.html): the labels are escaped here.
        field.help_text = escape(hint % {"statuses": statuses})


def case_choices(cases: Iterable[Case]) -> Sequence[tuple[int, str]]:
    return [(case.pk, f"{case.reference} · {case.subject}") for case in cases]
