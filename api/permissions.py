"""Role gates for whole endpoints; finer rules (per case, per transition) live in the services."""

from rest_framework.permissions import BasePermission

from cases.roles import Role, is_staff_role, role_of


class IsManager(BasePermission):
    message = "Only managers may do this."

    def has_permission(self, request, view):
        return role_of(request.user) == Role.MANAGER


class IsStaff(BasePermission):
    message = "Only agents and managers may do this."

    def has_permission(self, request, view):
        return is_staff_role(role_of(request.user))
