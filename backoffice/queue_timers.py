"""A queue's timer settings in words: which ones a queue's workflow uses, what each does for a
person, and how it is labelled.

Read off the code that runs the timers, so that the page cannot offer a setting the workflow
ignores nor miss one it reads: the `Timer(...)` declarations of each workflow (`Timer.after`
names the Queue field), and `closure_notification_after` for a workflow whose closing notifies
the customer (the outbox delays that email by it: `notifications.outbox.delay_of`). The
first-response targets apply to every queue.
"""

from dataclasses import dataclass

from notifications.models import Kind
from workflows.declarations import AUTO_CLOSE, REMINDER, Timer
from workflows.metadata import WorkflowInfo, describe
from workflows.registry import WORKFLOWS

CLOSURE_NOTIFICATION = "closure_notification_after"


@dataclass(frozen=True)
class TimerSetting:
    field: str
    label: str
    help_text: str


FIRST_RESPONSE_TARGETS = tuple(
    TimerSetting(
        f"first_response_{key}",
        f"{label} cases",
        f"How soon support should first answer a new {label.lower()} case. A case still "
        "unanswered then is late: its agent (or, without one, the managers) is told.",
    )
    for key, label in (("urgent", "Urgent"), ("high", "High"), ("normal", "Normal"), ("low", "Low"))
)
FIRST_RESPONSE_FIELDS = tuple(setting.field for setting in FIRST_RESPONSE_TARGETS)


def _where(info: WorkflowInfo, timer: Timer) -> str:
    """The status the timer watches, by its label ("Pending: Customer Input", as a case's)."""
    status = dict(info.statuses)[timer.status]
    if timer.sub_status is None:
        return status
    sub_status = dict(info.sub_statuses.get(timer.status, ())).get(timer.sub_status, "")
    return f"{status}: {sub_status}"


def _setting(info: WorkflowInfo, timer: Timer) -> TimerSetting:
    where = _where(info, timer)
    waits_on_customer = info.waiting_on(timer.status, timer.sub_status or "") == "customer"
    waiting = "waiting for the customer " if waits_on_customer else ""
    if timer.action == AUTO_CLOSE:
        return TimerSetting(
            timer.after,
            f"Closes after ({where})",
            f"How long a case may stay {waiting}in “{where}” before it closes by itself.",
        )
    if timer.action == REMINDER:
        return TimerSetting(
            timer.after,
            f"Reminder after ({where})",
            f"How long a case may stay {waiting}in “{where}” before the customer gets an email "
            "reminding them (once each time the case comes back to it).",
        )
    raise ValueError(f"No words for the timer action {timer.action!r}")


def notifies_closure(key: str) -> bool:
    """Whether closing a case of this workflow emails the customer (delayed by the queue)."""
    return any(Kind.CLOSURE in t.rules.notifies for t in describe(key).transitions)


def workflow_timers(key: str) -> tuple[TimerSetting, ...]:
    """The settings of the timers workflow `key` runs, in the order it declares them."""
    info = describe(key)
    settings = [_setting(info, timer) for timer in WORKFLOWS[key].timers]
    if notifies_closure(key):
        settings.append(
            TimerSetting(
                CLOSURE_NOTIFICATION,
                "“Case closed” email after",
                "How long after a case closes the customer gets the email saying so: the wait "
                "leaves room for a last word before the case is reported closed.",
            )
        )
    return tuple(settings)


def every_timer() -> dict[str, TimerSetting]:
    """Every queue timer setting by field, first-response targets first."""
    settings = {setting.field: setting for setting in FIRST_RESPONSE_TARGETS}
    for key in WORKFLOWS:
        settings.update({setting.field: setting for setting in workflow_timers(key)})
    return settings
