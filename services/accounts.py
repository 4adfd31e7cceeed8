"""Writes on people and places: managers' organizations, users and queues; anyone's request for
a password reset email."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cases.errors import Forbidden, InvalidInput
from cases.models import Organization, Queue, User
from cases.roles import Role, role_of
from notifications.models import AccountEmail, AccountEmailKind
from notifications.outbox import record_password_reset
from workflows.registry import WORKFLOWS


def _require_manager(actor: User) -> None:
    if role_of(actor) != Role.MANAGER:
        raise Forbidden("Only managers may do this.")


def organization_create(*, actor: User, name: str) -> Organization:
    _require_manager(actor)
    name = name.strip()
    if not name:
        raise InvalidInput.field("name", "This field is required.")
    if Organization.objects.filter(name__iexact=name).exists():
        raise InvalidInput.field("name", "An organization with this name exists.")
    return Organization.objects.create(name=name)


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


def queue_create(*, actor: User, name: str, workflow: str, **timers: timedelta) -> Queue:
    _require_manager(actor)
    if workflow not in WORKFLOWS:
        raise InvalidInput.field("workflow", f"Must be one of {', '.join(WORKFLOWS)}.")
    name = name.strip()
    if not name:
        raise InvalidInput.field("name", "This field is required.")
    if Queue.objects.filter(name__iexact=name).exists():
        raise InvalidInput.field("name", "A queue with this name exists.")
    return Queue.objects.create(name=name, workflow=workflow, **timers)


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
