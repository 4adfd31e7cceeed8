"""The admin's index as managers think of it: groups named for their work, each model under the
name a manager would give it, and the technical models (tokens, sign-in records, Django's groups,
the schedules nobody here uses) in a group of their own that only superusers see.

A model registered on the site but named in no managers' group is technical: a package added
later shows up for superusers only until it is given a place here (mailboxes go under Queues).
"""

from dataclasses import dataclass

from django.db.models import Model


@dataclass(frozen=True)
class Group:
    slug: str
    name: str
    description: str
    # (model label, name shown): the label as `Model._meta.label_lower`.
    models: tuple[tuple[str, str], ...]


GROUPS = (
    Group(
        "cases",
        "Cases",
        "Every case with its conversation and history; run a transition, restore a deleted "
        "case; the history of changes and satisfaction surveys.",
        (
            ("cases.case", "Cases"),
            ("cases.comment", "Comments"),
            ("cases.historyentry", "History of changes"),
            ("cases.survey", "Satisfaction surveys"),
            ("cases.attachment", "Attachments"),
        ),
    ),
    Group(
        "people",
        "People and organizations",
        "Customers, agents and managers: their role, organization and sign-in; the customers' "
        "organizations.",
        (("cases.user", "People"), ("cases.organization", "Organizations")),
    ),
    Group(
        "queues",
        "Queues",
        "Each queue's workflow, what customers see of it, how soon support answers, and the "
        "timers that remind customers and close cases; the mailboxes that feed them.",
        # Mailboxes belong here: the queue they feed.
        (("cases.queue", "Queues"), ("cases.mailbox", "Mailboxes")),
    ),
    Group(
        "releases",
        "Releases",
        "Releases that deliver fixes to the cases waiting for them (release tracking queues).",
        (("cases.release", "Releases"),),
    ),
    Group(
        "saved-replies",
        "Saved replies",
        "Reply texts every agent can insert in a case, kept here for the whole team.",
        (("cases.savedreply", "Shared saved replies"),),
    ),
    Group(
        "notifications",
        "Notifications",
        "Every email and in-app notice: what was sent, what waits, and what keeps failing; "
        "every email received and what became of it.",
        (
            ("notifications.notification", "Outbox"),
            ("cases.inboundmessage", "Received email"),
        ),
    ),
    Group(
        "schedule",
        "The schedule",
        "When the automations run (closing, reminders, late first answers, sending emails), "
        "and the cases they could not act on, tried again later.",
        (
            ("django_celery_beat.periodictask", "Scheduled jobs"),
            ("django_celery_beat.intervalschedule", "Intervals"),
            ("django_celery_beat.crontabschedule", "Crontab timings"),
            ("workflows.sweepfailure", "Cases the automations could not act on"),
        ),
    ),
)
TECHNICAL = Group(
    "technical",
    "Technical (superusers only)",
    "API tokens, sign-in attempts, Django's groups and the schedule types the helpdesk does "
    "not use.",
    (
        ("api.apitoken", "API tokens"),
        ("axes.accessattempt", "Sign-in lockouts"),
        ("axes.accessfailurelog", "Failed sign-ins"),
        ("axes.accesslog", "Sign-in log"),
        ("auth.group", "Django groups (roles decide instead)"),
        ("django_celery_beat.solarschedule", "Solar schedules"),
        ("django_celery_beat.clockedschedule", "One-off (clocked) schedules"),
    ),
)

_FOR_MANAGERS = {label for group in GROUPS for label, _ in group.models}


def for_superusers_only(model: type[Model]) -> bool:
    """Whether `model` is technical: in no managers' group."""
    return model._meta.label_lower not in _FOR_MANAGERS
