"""Loading the demo: the cast, queues and shared saved replies (get or create), then the stories,
played through the services exactly as people and the automations would have played them over
the past weeks.

Everything happens in one transaction, so a failed load leaves nothing half-made behind and a
second run finds either nothing or everything.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cases.errors import ServiceError
from cases.models import (
    Case,
    Channel,
    Organization,
    Queue,
    Release,
    ReleaseItem,
    SavedReply,
    Survey,
    User,
)
from cases.roles import role_of
from demo import stories
from demo.planning import REQUESTER, Action, Story, StoryError, plan, schedule
from notifications.models import Notification
from services.cases import case_create, case_delete, case_repeat, case_update
from services.conversation import comment_post
from services.releases import release_add_case, release_create
from services.saved_replies import saved_reply_create
from services.surveys import survey_submit
from workflows.declarations import ASSIGNEE
from workflows.transitions import change_case, deliver_release, perform_transition


@dataclass
class Result:
    created: bool
    cases: int
    users_created: list[str] = field(default_factory=list)
    saved_replies_created: list[str] = field(default_factory=list)


@dataclass
class _Run:
    """One story in play: its case and the actions still to perform."""

    story: Story
    actions: list[Action]
    created_at: datetime
    case_id: int = 0

    @property
    def delivery(self) -> int:
        """Actions before this index happen before the story's release is delivered."""
        for index, action in enumerate(self.actions):
            if action.kind == "deliver":
                return index
        return len(self.actions)

    @property
    def last_time(self) -> datetime:
        return _time_of(self.actions[-1]) if self.actions else self.created_at


def _time_of(action: Action) -> datetime:
    """When a scheduled action happens (`planning.schedule` gives every action its time)."""
    if action.when is None:
        raise StoryError(f"{action.kind} {action.transition} was never scheduled")
    return action.when


def load(*, now: datetime | None = None) -> Result:
    now = now or timezone.now()
    with transaction.atomic():
        organizations = {
            name: Organization.objects.get_or_create(name=name)[0] for name in stories.ORGANIZATIONS
        }
        users, users_created = _people(organizations)
        queues = _queues()
        replies_created = _saved_replies(users["manager"])
        existing = Case.objects.filter(queue__in=queues.values()).count()
        if existing:
            return Result(
                created=False,
                cases=existing,
                users_created=users_created,
                saved_replies_created=replies_created,
            )
        _Player(users, queues, now).play(stories.STORIES)
        count = Case.objects.filter(queue__in=queues.values()).count()
    return Result(
        created=True,
        cases=count,
        users_created=users_created,
        saved_replies_created=replies_created,
    )


def _people(organizations: dict[str, Organization]) -> tuple[dict[str, User], list[str]]:
    users: dict[str, User] = {}
    created: list[str] = []
    password = None
    for person in stories.PEOPLE:
        user = User.objects.filter(username=person.username).select_related("organization").first()
        if user is not None and (
            role_of(user) != person.role
            or getattr(user.organization, "name", None) != person.organization
        ):
            raise StoryError(
                f"User {person.username!r} exists but is not the demo's {person.summary}; "
                "load the demo into a fresh database."
            )
        if user is None:
            # Hashing is deliberately slow; one hash serves every demo account.
            password = password or make_password(stories.PASSWORD)
            user = User.objects.create(
                username=person.username,
                first_name=person.first_name,
                last_name=person.last_name,
                email=f"{person.username}@example.com",
                role=person.role,
                organization=organizations.get(person.organization or ""),
                is_staff=person.superuser,
                is_superuser=person.superuser,
                password=password,
            )
            created.append(person.username)
        users[person.username] = user
    return users, created


def _saved_replies(manager: User) -> list[str]:
    """The shared saved replies, made by the manager through the service as in the admin; those
    whose title is already shared are left as they are (like the demo's people, a missing one
    is made again, so a demo loaded before they existed gets them too)."""
    shared = set(SavedReply.objects.filter(owner=None).values_list("title", flat=True))
    created = []
    for title, body in stories.SAVED_REPLIES:
        if title not in shared:
            saved_reply_create(actor=manager, title=title, body=body, shared=True)
            created.append(title)
    return created


def _queues() -> dict[str, Queue]:
    queues = {}
    for name, workflow, public_name, public_description in stories.QUEUES:
        queue, _ = Queue.objects.get_or_create(
            name=name,
            defaults={
                "workflow": workflow,
                "public_name": public_name,
                "public_description": public_description,
            },
        )
        if queue.workflow != workflow:
            raise StoryError(
                f"Queue {name!r} exists with workflow {queue.workflow}, not {workflow}"
            )
        queues[workflow] = queue
    return queues


class _Player:
    def __init__(self, users: dict[str, User], queues: dict[str, Queue], now: datetime) -> None:
        self.users = users
        self.queues = queues
        self.now = now
        self.releases: dict[str, Release] = {}
        # Wall-clock stamps the services take no `now` for, to be set to the story's time.
        self.release_added: dict[int, datetime] = {}
        self.surveyed: dict[int, datetime] = {}

    def play(self, catalogue: list[Story]) -> None:
        roles = {person.username: person.role for person in stories.PEOPLE}
        runs = []
        for story in catalogue:
            actions = plan(story, roles, stories.RELEASES)
            runs.append(_Run(story, actions, schedule(story, actions, self.now)))
        # Created oldest first, so that references grow with creation times as in real use.
        runs.sort(key=lambda run: run.created_at)
        for run in runs:
            run.case_id = self.create(run).pk

        for name in stories.RELEASES:
            self.releases[name] = release_create(
                actor=self.users["agent"], name=name, queue=self.queues[stories.RELEASE_QUEUE]
            )
        for run in runs:
            for action in run.actions[: run.delivery]:
                self.perform(run, action)
        for name, days_ago in stories.RELEASES.items():
            if days_ago is not None:
                deliver_release(
                    release_id=self.releases[name].pk,
                    actor=self.users["agent"],
                    now=self.now - timedelta(days=days_ago),
                )
        for run in runs:
            for action in run.actions[run.delivery :]:
                self.perform(run, action)

        for run in runs:
            follow_up = run.story.follow_up
            if follow_up is None:
                continue
            by = run.story.requester if follow_up.by == REQUESTER else run.story.owner
            case_repeat(
                case_id=run.case_id,
                actor=self.users[by],
                subject=follow_up.subject,
                description=follow_up.description,
            )
        self.match_clock(runs)

    def create(self, run: _Run) -> Case:
        story = run.story
        requester = self.users[story.requester]
        # Phone calls and cases agents write up are opened by staff on the customer's behalf.
        by_staff = story.channel in (Channel.PHONE, Channel.AGENT)
        return case_create(
            actor=self.users[story.owner] if by_staff else requester,
            queue=self.queues[story.workflow],
            subject=story.subject,
            description=story.description,
            priority=story.priority,
            channel=story.channel,
            requester=requester if by_staff else None,
            now=run.created_at,
        )

    def perform(self, run: _Run, action: Action) -> None:
        try:
            self.call(run, action)
        except ServiceError as error:
            raise StoryError(
                f"{run.story.subject!r}: {action.kind} {action.transition} was refused: "
                f"{error.detail}"
            ) from error
        status = Case.objects.values_list("status", flat=True).get(pk=run.case_id)
        if status != action.expect:
            raise StoryError(
                f"{run.story.subject!r}: after {action.kind} {action.transition} the case is "
                f"{status}, not {action.expect}"
            )

    def call(self, run: _Run, action: Action) -> None:
        actor = self.users[action.actor] if action.actor else None
        case_id, when = run.case_id, _time_of(action)
        if action.kind == "transition":
            # The service's raw payload: the planned texts, with the assignee as a user.
            payload: dict[str, Any] = dict(action.payload)
            if ASSIGNEE in action.payload:
                payload[ASSIGNEE] = self.users[action.payload[ASSIGNEE]]
            perform_transition(
                case_id=case_id, name=action.transition, actor=actor, now=when, **payload
            )
            return
        if action.kind == "auto_close":
            # What the automations do once the timer has run out: the system acts, unchecked
            # by visibility, through the same checks and history as every transition.
            with change_case(case_id=case_id, actor=None, now=when) as change:
                change.transition(action.transition, automatic=True)
            return
        if action.kind == "deliver":
            return  # done for the whole release at once; `perform` checks its outcome
        if actor is None:
            raise StoryError(f"{run.story.subject!r}: nobody does {action.kind}")
        if action.kind == "comment":
            comment_post(
                case_id=case_id, actor=actor, body=action.text, internal=action.internal, now=when
            )
        elif action.kind == "assign":
            assignee = self.users[action.target]
            case_update(case_id=case_id, actor=actor, changes={"assignee": assignee}, now=when)
        elif action.kind == "delete":
            case_delete(case_id=case_id, actor=actor, now=when)
        elif action.kind == "release" and run.story.release is not None:
            release = self.releases[run.story.release]
            release_add_case(release_id=release.pk, case_id=case_id, actor=actor)
            self.release_added[case_id] = when
        elif action.kind == "survey":
            survey_submit(case_id=case_id, actor=actor, rating=action.rating, comment=action.text)
            self.surveyed[case_id] = when
        else:
            raise StoryError(f"{run.story.subject!r}: cannot play {action.kind}")

    def match_clock(self, runs: list[_Run]) -> None:
        """Give what the services stamp with the wall clock the time of its story.

        `updated_at` (auto_now), release and survey creation take no `now`; left alone they would
        say that weeks-old cases changed today and that a release was made after its delivery.
        Notifications whose time has passed count as sent back then: the demo's past should not
        flood the console with emails on the first `make run`.
        """
        for run in runs:
            Case.objects.filter(pk=run.case_id).update(updated_at=run.last_time)
        for case_id, when in self.release_added.items():
            ReleaseItem.objects.filter(case_id=case_id).update(added_at=when)
        for release in self.releases.values():
            first = min(
                (self.release_added[item.case_id] for item in release.items.all()),
                default=self.now,
            )
            Release.objects.filter(pk=release.pk).update(created_at=first - timedelta(hours=2))
        for case_id, when in self.surveyed.items():
            Survey.objects.filter(case_id=case_id).update(created_at=when + timedelta(minutes=3))
        Notification.objects.filter(
            case_id__in=[run.case_id for run in runs],
            sent_at__isnull=True,
            scheduled_for__lte=self.now,
        ).update(sent_at=F("scheduled_for"), attempts=1)


def login_table() -> list[tuple[str, str]]:
    """(username, what they are) for every demo account."""
    return [(person.username, person.summary) for person in stories.PEOPLE]
