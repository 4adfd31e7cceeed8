"""How a demo story becomes a list of service calls: the path through its workflow, who acts,
with what payload, and when.

Paths and payload requirements are read from `workflows.metadata`, never from a table of our own,
so the demo keeps following the workflow modules when they change. Each planned action carries the
status the case should be in afterwards; the loader checks it, so a story that no longer fits its
workflow fails loudly instead of leaving a case somewhere unexpected.
"""

import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import pairwise

from django.db.models import DurationField

from cases.models import Channel, Priority, Queue
from cases.roles import SYSTEM, Role
from workflows.declarations import ASSIGNEE, CLOSE_NOTES, NOTE, SUB_STATUS
from workflows.metadata import TransitionInfo, describe
from workflows.registry import workflow_model

# Stand-ins a story uses for its cast, resolved per story.
REQUESTER = "requester"
OWNER = "owner"

# Said by the requester when a path needs an automatic transition that a customer reply fires.
CUSTOMER_NUDGE = "Here is the information you asked for. Let me know if you need anything else."

DEFAULT_NOTES = {
    "propose_solution": "Here is what fixes it; please try it and let us know.",
    "provide_answer": "Here is the answer; please confirm that it solves the problem.",
    "block": "Waiting on another team before we can go on.",
    "close": "Resolved; see the conversation.",
}
DEFAULT_CLOSE_NOTES = "Resolved; see the conversation."


class StoryError(ValueError):
    """A story that does not fit its workflow or its timeline: a bug in the demo catalogue."""


@dataclass
class Step:
    """One line of a story, before it is expanded into actions."""

    kind: str
    target: str = ""
    by: str | None = None
    text: str = ""
    payload: dict[str, str] = field(default_factory=dict)
    at: float | None = None
    rating: int = 0


def go(status: str, *, by: str | None = None, at: float | None = None, **payload: str) -> Step:
    """Walk to `status` by the shortest path; `payload` goes to the path's last transition."""
    return Step("go", status, by, payload=payload, at=at)


def do(transition: str, *, by: str | None = None, at: float | None = None, **payload: str) -> Step:
    return Step("do", transition, by, payload=payload, at=at)


def reply(by: str, text: str, *, at: float | None = None) -> Step:
    return Step("reply", by=by, text=text, at=at)


def note(by: str, text: str, *, at: float | None = None) -> Step:
    return Step("note", by=by, text=text, at=at)


def assign(to: str, *, by: str = "manager") -> Step:
    """A manager sets the assignee (customer_service: the agent must then accept)."""
    return Step("assign", to, by)


def delete(by: str) -> Step:
    return Step("delete", by=by)


def add_to_release(by: str = OWNER) -> Step:
    return Step("release", by=by)


def delivered() -> Step:
    """The moment the story's release is delivered; it is pinned to the release's time."""
    return Step("deliver")


def auto_close(*, at: float | None = None) -> Step:
    return Step("auto_close", at=at)


def survey(rating: int, comment: str = "") -> Step:
    return Step("survey", by=REQUESTER, text=comment, rating=rating)


@dataclass(frozen=True)
class FollowUp:
    """A repeat (clone) case opened from the story's closed case once everything else is done."""

    by: str
    subject: str
    description: str


@dataclass
class Story:
    workflow: str
    subject: str
    description: str
    requester: str
    # (started, until) in days before now: the case is created at `started`, and its actions
    # not pinned with `at=` are spread between that and `until`.
    days: tuple[float, float]
    steps: list[Step] = field(default_factory=list)
    priority: int = Priority.NORMAL
    channel: str = Channel.PORTAL
    owner: str = "agent"
    release: str | None = None
    follow_up: FollowUp | None = None
    # The owner's acknowledgement, posted half way through the First Response target so that
    # the case reads as answered on time.
    first_reply: str | None = None


@dataclass
class Action:
    """One service call of a story, with the status the case is in once it has run."""

    kind: str
    actor: str | None
    expect: str
    transition: str = ""
    payload: dict[str, str] = field(default_factory=dict)
    text: str = ""
    internal: bool = False
    rating: int = 0
    target: str = ""
    at: float | None = None
    when: datetime | None = None


def drivable(transition: TransitionInfo) -> bool:
    """Transitions a path may use: the manual ones, and the automatic ones that a customer's reply
    fires. Release deliveries and the automations' own moves are only ever written explicitly."""
    if transition.manual:
        return True
    return transition.rules.automatic and Role.CUSTOMER in transition.roles


def find_path(workflow: str, source: str, target: str) -> list[TransitionInfo]:
    """The shortest path of drivable transitions (breadth first, in the table's order)."""
    outgoing: dict[str, list[TransitionInfo]] = {}
    for transition in describe(workflow).transitions:
        if drivable(transition):
            for status in transition.sources:
                outgoing.setdefault(status, []).append(transition)
    reached: dict[str, tuple[str, TransitionInfo] | None] = {source: None}
    pending = deque([source])
    while pending and target not in reached:
        status = pending.popleft()
        for transition in outgoing.get(status, ()):
            if transition.target not in reached:
                reached[transition.target] = (status, transition)
                pending.append(transition.target)
    if target not in reached:
        raise StoryError(f"{workflow}: no path from {source} to {target}")
    path = []
    status = target
    while (previous := reached[status]) is not None:
        status, transition = previous
        path.append(transition)
    return path[::-1]


def status_after_message(workflow: str, status: str, role: str, *, edit: bool = False) -> str:
    """Where a public reply (or an edit) by someone in `role` takes the case: the first automatic
    transition of the workflow's triggers that leaves from `status`, as the service fires it."""
    model = workflow_model(workflow)
    by_role = model.edit_triggers if edit else model.reply_triggers
    if role == Role.MANAGER and role not in by_role:
        role = Role.AGENT  # a manager may do whatever an agent may
    for trigger in by_role.get(role, ()):
        if trigger.only_from is not None and status not in trigger.only_from:
            continue
        transition = describe(workflow).transition(trigger.transition)
        if transition is not None and status in transition.sources:
            return transition.target
    return status


def plan(story: Story, roles: dict[str, str], releases: dict[str, float | None]) -> list[Action]:
    """Expand the story into actions, following the case's status as they would move it."""
    planner = _Planner(story, roles, releases)
    if story.first_reply:
        setting = Queue._meta.get_field(f"first_response_{Priority(story.priority).key}")
        if not isinstance(setting, DurationField):
            raise StoryError(f"Queue.{setting.name} is not a duration")
        at = story.days[0] - setting.default / timedelta(days=1) / 2
        planner.expand(reply(OWNER, story.first_reply, at=at))
    for step in story.steps:
        planner.expand(step)
    return planner.actions


class _Planner:
    def __init__(self, story: Story, roles: dict[str, str], releases: dict[str, float | None]):
        self.story = story
        self.roles = roles
        self.releases = releases
        self.info = describe(story.workflow)
        self.status = self.info.initial_status
        self.actions: list[Action] = []

    def person(self, name: str | None) -> str:
        if name is None:
            raise StoryError(f"{self.story.subject!r}: a step names nobody")
        person = {REQUESTER: self.story.requester, OWNER: self.story.owner}.get(name, name)
        if person not in self.roles:
            raise StoryError(f"{self.story.subject!r}: nobody called {name!r}")
        return person

    def add(self, action: Action) -> None:
        self.actions.append(action)
        self.status = action.expect

    def expand(self, step: Step) -> None:
        handler = getattr(self, f"_{step.kind}")
        handler(step)

    def _go(self, step: Step) -> None:
        path = find_path(self.story.workflow, self.status, step.target)
        if not path:
            raise StoryError(f"{self.story.subject!r}: already {step.target}")
        for transition in path:
            last = transition is path[-1]
            self.transition(
                transition,
                step.by if last else None,
                step.payload if last else {},
                step.at if last else None,
            )

    def _do(self, step: Step) -> None:
        transition = self.info.transition(step.target)
        if transition is None or self.status not in transition.sources:
            raise StoryError(f"{self.story.subject!r}: no {step.target} from {self.status}")
        self.transition(transition, step.by, step.payload, step.at)

    def transition(
        self,
        transition: TransitionInfo,
        by: str | None,
        payload: dict[str, str],
        at: float | None,
    ) -> None:
        if not drivable(transition):
            raise StoryError(f"{self.story.subject!r}: {transition.name} is never asked for")
        if transition.rules.automatic:
            # A customer's reply fires it, exactly as it happens in real use.
            self._reply(Step("reply", by=by or REQUESTER, text=CUSTOMER_NUDGE, at=at))
            if self.status != transition.target:
                raise StoryError(f"{self.story.subject!r}: a reply does not fire {transition.name}")
            return
        actor = self.person(by) if by else self.default_actor(transition)
        role = self.roles[actor]
        unknown = set(payload) - set(transition.rules.fields)
        if unknown:
            raise StoryError(f"{transition.name} takes no {', '.join(sorted(unknown))}")
        values = {
            name: self.default(name, transition) for name in transition.rules.required_for(role)
        }
        values.update(payload)
        if ASSIGNEE in values:
            values[ASSIGNEE] = self.person(values[ASSIGNEE])
        self.add(
            Action(
                "transition",
                actor,
                transition.target,
                transition=transition.name,
                payload=values,
                at=at,
            )
        )

    def default_actor(self, transition: TransitionInfo) -> str:
        """The story's owner when staff may act (a manager may do what an agent may), otherwise
        the requester."""
        owner = self.story.owner
        if self.roles[owner] in transition.roles:
            return owner
        if Role.CUSTOMER in transition.roles:
            return self.story.requester
        raise StoryError(f"{self.story.subject!r}: who performs {transition.name}?")

    def default(self, name: str, transition: TransitionInfo) -> str:
        if name == NOTE:
            return DEFAULT_NOTES.get(transition.name, f"{transition.label}.")
        if name == CLOSE_NOTES:
            return DEFAULT_CLOSE_NOTES
        if name == SUB_STATUS:
            return self.info.sub_statuses[transition.target][0][0]
        if name == ASSIGNEE:
            return OWNER
        raise StoryError(f"No default for {name}")

    def _reply(self, step: Step) -> None:
        author = self.person(step.by)
        after = status_after_message(self.story.workflow, self.status, self.roles[author])
        self.add(Action("comment", author, after, text=step.text, at=step.at))

    def _note(self, step: Step) -> None:
        author = self.person(step.by)
        self.add(Action("comment", author, self.status, text=step.text, internal=True, at=step.at))

    def _assign(self, step: Step) -> None:
        actor = self.person(step.by)
        after = status_after_message(self.story.workflow, self.status, self.roles[actor], edit=True)
        self.add(Action("assign", actor, after, target=self.person(step.target)))

    def _delete(self, step: Step) -> None:
        self.add(Action("delete", self.person(step.by), self.status))

    def _release(self, step: Step) -> None:
        if self.story.release not in self.releases:
            raise StoryError(f"{self.story.subject!r}: no release to join")
        self.add(Action("release", self.person(step.by), self.status))

    def _deliver(self, step: Step) -> None:
        days = self.releases.get(self.story.release) if self.story.release else None
        if days is None:
            raise StoryError(f"{self.story.subject!r}: its release is never delivered")
        transition = self.automatic(lambda t: t.rules.via_release)
        self.add(Action("deliver", None, transition.target, transition=transition.name, at=days))

    def _auto_close(self, step: Step) -> None:
        transition = self.automatic(lambda t: t.roles == (SYSTEM,))
        self.add(
            Action("auto_close", None, transition.target, transition=transition.name, at=step.at)
        )

    def automatic(self, kind: Callable[[TransitionInfo], bool]) -> TransitionInfo:
        for transition in self.info.transitions:
            if kind(transition) and self.status in transition.sources:
                return transition
        raise StoryError(f"{self.story.subject!r}: nothing of that kind from {self.status}")

    def _survey(self, step: Step) -> None:
        self.add(
            Action("survey", self.person(step.by), self.status, text=step.text, rating=step.rating)
        )


def schedule(story: Story, actions: list[Action], now: datetime) -> datetime:
    """Give every action its time and return the case's creation time.

    Actions pinned with `at` keep their time; the others are spread evenly between their pinned
    neighbours (the creation and `until` at the ends), with a little jitter so the history does not
    look machine-made. Times strictly increase along the story and all lie before `now`.
    """
    started, until = story.days
    anchors = [(-1, started)]
    anchors += [(index, action.at) for index, action in enumerate(actions) if action.at is not None]
    if not actions or actions[-1].at is None:
        anchors.append((len(actions), until))
    for (_, earlier), (_, later) in pairwise(anchors):
        if not earlier > later >= 0:
            raise StoryError(f"{story.subject!r}: its times must run forward and stay in the past")
    jitter = random.Random(story.subject)
    for (first, earlier), (last, later) in pairwise(anchors):
        slot = (earlier - later) / (last - first)
        for index in range(first + 1, last):
            days = earlier - slot * (index - first) + jitter.uniform(-0.3, 0.3) * slot
            actions[index].when = _days_ago(now, days)
        if last < len(actions):
            actions[last].when = _days_ago(now, later)
    return _days_ago(now, started)


def _days_ago(now: datetime, days: float) -> datetime:
    return now - timedelta(days=days)
