"""Managers' writes on people and places: organizations, users and queues."""

from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cases.errors import Forbidden, InvalidInput
from cases.models import Organization, Queue, User
from cases.roles import Role, role_of
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
