"""What the rehearsal starts from, written in its fresh database before the load: people with a
password of the run's own, a queue for the load, a queue with the shortest timers holding cases
that fall due for auto-close before and during the run, and the IMAP mailbox mail arrives in."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from cases.models import Case, Mailbox, Organization, Queue, User
from cases.models.mail import Security
from cases.roles import Role
from rehearsal.load import Person
from workflows.support_center import AWAITING_CUSTOMER_CONFIRMATION

# The shortest a queue's timer may be (cases.models.queues.TIMER_MIN).
SHORT_TIMER = timedelta(minutes=1)
IMAP_PASSWORD_VARIABLE = "REHEARSAL_IMAP_PASSWORD"
AGENT_NAMES = (("Ada", "Lovelace"), ("Alan", "Turing"), ("Grace", "Hopper"))


@dataclass(frozen=True)
class Seeded:
    customers: list[Person]
    agents: list[Person]
    queue: int
    due: list[str]


def seed(
    password: str, *, customers: int, due_cases: int, due_until: float, backlog: int
) -> Seeded:
    """`due_cases` cases fall due for auto-close from two minutes before now to `due_until`
    seconds after it, evenly; `backlog` more fell due an hour ago, as after an outage: more than
    a sweep's batch, so that the first sweep asks the other worker to help (and the delivery
    sweep too, with their closure notices)."""
    organization = Organization.objects.create(name="Rehearsal customers")
    people = [
        _person(f"customer-{n}", Role.CUSTOMER, password, organization, ("", ""))
        for n in range(1, customers + 1)
    ]
    agents = [
        _person(f"agent-{n}", Role.AGENT, password, None, names)
        for n, names in enumerate(AGENT_NAMES, start=1)
    ]
    queue = Queue.objects.create(name="Rehearsal", workflow="support_center")
    timed = Queue.objects.create(
        name="Rehearsal timers",
        workflow="support_center",
        confirmation_auto_close_after=SHORT_TIMER,
        closure_notification_after=SHORT_TIMER,
    )
    now = timezone.now()
    requesters = list(User.objects.filter(role=Role.CUSTOMER))

    def awaiting(n: int, entered: datetime, reference: str, subject: str) -> Case:
        """A case awaiting the customer's confirmation since `entered`, due SHORT_TIMER after."""
        return Case(
            queue=timed,
            workflow=timed.workflow,
            subject=subject,
            requester=requesters[n % len(requesters)],
            organization=organization,
            status=AWAITING_CUSTOMER_CONFIRMATION,
            status_changed_at=entered,
            created_at=entered - timedelta(hours=1),
            first_responded_at=entered - timedelta(minutes=30),
            reference=reference,
        )

    spread = (due_until + 120) / max(1, due_cases - 1)
    overdue = now - timedelta(hours=1) - SHORT_TIMER
    cases = [
        *(
            awaiting(
                n,
                now + timedelta(seconds=-120 + spread * n) - SHORT_TIMER,
                f"RH-{n + 1:06d}",
                f"Solved, awaiting confirmation {n}",
            )
            for n in range(due_cases)
        ),
        *(
            awaiting(
                n,
                overdue - timedelta(microseconds=n),
                f"RH-B{n + 1:06d}",
                f"Solved during the outage {n}",
            )
            for n in range(backlog)
        ),
    ]
    due = [str(case.reference) for case in Case.objects.bulk_create(cases)]
    return Seeded(people, agents, queue.pk, due)


def mailbox(queue: int, port: int, folder: str) -> None:
    Mailbox.objects.create(
        address="support@helpdesk.example",
        queue_id=queue,
        host="127.0.0.1",
        port=port,
        security=Security.NONE,
        username="demouser",
        password_variable=IMAP_PASSWORD_VARIABLE,
        folder=folder,
        processed_folder=f"{folder}-processed",
    )


def _person(
    username: str,
    role: str,
    password: str,
    organization: Organization | None,
    names: tuple[str, str],
) -> Person:
    user = User(
        username=username,
        email=f"{username}@customer.example" if role == Role.CUSTOMER else f"{username}@hd.example",
        role=role,
        organization=organization,
        first_name=names[0],
        last_name=names[1],
    )
    user.set_password(password)
    user.save()
    return Person(username, password, user.email, user.display_name)
