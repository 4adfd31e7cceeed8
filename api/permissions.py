"""Role gates for whole endpoints; finer rules (per case, per transition) live in the services."""

from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from cases.models import User
from cases.roles import Role, is_staff_role, role_of


def acting_user(request: Request) -> User:
    """The signed-in user a view acts for. Every endpoint that acts or reads for someone requires
    authentication (DEFAULT_PERMISSION_CLASSES), so an anonymous request never gets this far;
    should one, it answers 401."""
    user = request.user
    if not isinstance(user, User):
        raise NotAuthenticated()
    return user


class IsManager(BasePermission):
    message = "Only managers may do this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return role_of(request.user) == Role.MANAGER


class IsStaff(BasePermission):
    message = "Only agents and managers may do this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_staff_role(role_of(request.user))
