"""Writes on people and places: managers' organizations, users and queues; anyone's request for
a password reset email."""

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from cases.errors import Conflict, Forbidden, InvalidInput, NotVisible
from cases.models import Organization, Queue, User
from cases.roles import Role, role_of
from notifications.models import AccountEmail, AccountEmailKind
from notifications.outbox import record_password_reset
from services.email_settings import email_domains_cleaned, queue_address_cleaned
from workflows.registry import WORKFLOWS

Row = TypeVar("Row", Organization, Queue)


def _require_manager(actor: User) -> None:
    if role_of(actor) != Role.MANAGER:
        raise Forbidden("Only managers may do this.")


def organization_create(
    *, actor: User, name: str, email_domains: Iterable[str] = ()
) -> Organization:
    _require_manager(actor)
    name = _organization_name(name, organization_id=None)
    domains = email_domains_cleaned(email_domains, organization_id=None)
    return Organization.objects.create(name=name, email_domains=domains)


def organization_update(
    *, actor: User, organization_id: int, changes: Mapping[str, Any]
) -> Organization:
    """A manager's change of an organization's `name` or `email_domains` (the fields given)."""
    _require_manager(actor)
    with transaction.atomic():
        organization = Organization.objects.select_for_update().filter(pk=organization_id).first()
        if organization is None:
            raise NotVisible("No such organization.")
        if "name" in changes:
            organization.name = _organization_name(
                str(changes["name"]), organization_id=organization.pk
            )
        if "email_domains" in changes:
            organization.email_domains = email_domains_cleaned(
                changes["email_domains"] or (), organization_id=organization.pk
            )
        organization.save()
    return organization


def _organization_name(name: str, *, organization_id: int | None) -> str:
    name = name.strip()
    if not name:
        raise InvalidInput.field("name", "This field is required.")
    if _others(Organization.objects.filter(name__iexact=name), organization_id).exists():
        raise InvalidInput.field("name", "An organization with this name exists.")
    return name


def user_create(
    *,
    actor: User,
    username: str,
    password: str,
    email: str = "",
    role: str,
    organization: Organization | None = None,
) -> User:
    _require_manager(actor)
    if role not in Role.values:
        raise InvalidInput.field("role", f"Must be one of {', '.join(Role.values)}.")
    if organization is not None and role != Role.CUSTOMER:
        raise InvalidInput.field("organization", "Only customers belong to an organization.")
    username = _checked_username(username)
    if User.objects.filter(username__iexact=username).exists():
        raise InvalidInput.field("username", "A user with this username exists.")
    user = User(username=username, email=email, role=role, organization=organization)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise InvalidInput({"password": list(error.messages)}) from None
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise InvalidInput.field("username", "A user with this username exists.") from None
    return user


def _checked_username(username: str) -> str:
    """The username as Django's own forms take it (Unicode-normalized) once the model's field
    accepts it: required, at most its length, and Django's username validator (letters, digits
    and @ . + - _), which the admin's user forms and `createsuperuser` apply too."""
    username = User.normalize_username(username)
    try:
        User._meta.get_field("username").clean(username, None)
    except ValidationError as error:
        raise InvalidInput({"username": list(error.messages)}) from None
    return username


def queue_create(
    *,
    actor: User,
    name: str,
    workflow: str,
    email_address: str | None = None,
    **timers: timedelta,
) -> Queue:
    _require_manager(actor)
    if workflow not in WORKFLOWS:
        raise InvalidInput.field("workflow", f"Must be one of {', '.join(WORKFLOWS)}.")
    name = _queue_name(name, queue_id=None)
    address = queue_address_cleaned(email_address, queue_id=None)
    try:
        with transaction.atomic():
            return Queue.objects.create(
                name=name, workflow=workflow, email_address=address, **timers
            )
    except IntegrityError:
        raise _address_taken() from None


def queue_update(*, actor: User, queue_id: int, changes: Mapping[str, Any]) -> Queue:
    """A manager's change of a queue's `name`, `email_address` or timers (the fields given); its
    `workflow` only while it has no case, whose state machine it is."""
    _require_manager(actor)
    try:
        with transaction.atomic():
            queue = Queue.objects.select_for_update().filter(pk=queue_id).first()
            if queue is None:
                raise NotVisible("No such queue.")
            for field, value in changes.items():
                if field == "name":
                    queue.name = _queue_name(str(value), queue_id=queue.pk)
                elif field == "email_address":
                    queue.email_address = queue_address_cleaned(value, queue_id=queue.pk)
                elif field == "workflow":
                    _change_workflow(queue, str(value))
                else:
                    setattr(queue, field, value)
            queue.save()
    except IntegrityError:
        raise _address_taken() from None
    return queue


def _others(rows: QuerySet[Row], pk: int | None) -> QuerySet[Row]:
    """`rows` but the one being changed (none when it is being created)."""
    return rows if pk is None else rows.exclude(pk=pk)


def _queue_name(name: str, *, queue_id: int | None) -> str:
    name = name.strip()
    if not name:
        raise InvalidInput.field("name", "This field is required.")
    if _others(Queue.objects.filter(name__iexact=name), queue_id).exists():
        raise InvalidInput.field("name", "A queue with this name exists.")
    return name


def _change_workflow(queue: Queue, workflow: str) -> None:
    if workflow == queue.workflow:
        return
    if workflow not in WORKFLOWS:
        raise InvalidInput.field("workflow", f"Must be one of {', '.join(WORKFLOWS)}.")
    if queue.cases.exists():
        raise Conflict("The queue has cases: its workflow cannot change under them.")
    queue.workflow = workflow


def _address_taken() -> InvalidInput:
    # Another request gave the same address to another queue between the check and the write.
    return InvalidInput.field("email_address", "Another queue has this address already.")


def email_undeliverable_clear(*, actor: User, person_id: int) -> User:
    """A manager's word that a person's address works again (after a bounce marked it): email
    goes to it from now on. A bounce marks it again."""
    _require_manager(actor)
    person = User.objects.filter(pk=person_id).first()
    if person is None:
        raise NotVisible("No such person.")
    User.objects.filter(pk=person_id).update(
        email_undeliverable_since=None, email_undeliverable_reason=""
    )
    person.email_undeliverable_since = None
    person.email_undeliverable_reason = ""
    return person


def password_reset_request(
    *,
    email: str,
    users: Iterable[User],
    protocol: str,
    domain: str,
    requested_from: str | None,
    now: datetime,
) -> bool:
    """Record a reset email to each of `users` (the active people with a usable password whose
    address is `email`, as Django's reset form finds them), sent after the commit through the
    outbox; False, recording nothing, when the last PASSWORD_RESET_WINDOW already sent
    PASSWORD_RESETS_PER_EMAIL to that address or PASSWORD_RESETS_PER_CLIENT asked from that
    client address. Whoever asks is answered the same either way, so that nobody learns from the
    answer whether an account exists, or was limited."""
    users = list(users)
    if not users:
        return True
    with transaction.atomic():
        if _resets_over_limit(email=email, requested_from=requested_from, now=now):
            return False
        for user in users:
            record_password_reset(
                user=user,
                email=email,
                protocol=protocol,
                domain=domain,
                requested_from=requested_from,
                now=now,
            )
    return True


def _resets_over_limit(*, email: str, requested_from: str | None, now: datetime) -> bool:
    recent = AccountEmail.objects.filter(
        kind=AccountEmailKind.PASSWORD_RESET,
        created_at__gt=now - settings.PASSWORD_RESET_WINDOW,
    )
    if recent.filter(email=email.casefold()).count() >= settings.PASSWORD_RESETS_PER_EMAIL:
        return True
    if requested_from is None:
        return False
    by_client = recent.filter(requested_from=requested_from).count()
    return bool(by_client >= settings.PASSWORD_RESETS_PER_CLIENT)
