"""The four roles of the spec and how a user (or the automations) maps onto one."""

from django.db import models

SYSTEM = "system"


class Role(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    AGENT = "agent", "Agent"
    MANAGER = "manager", "Manager"


def role_of(user) -> str:
    """The acting role; `None` stands for the scheduled automations, a superuser is a manager."""
    if user is None:
        return SYSTEM
    if user.is_superuser:
        return Role.MANAGER
    return user.role


def is_staff_role(role: str) -> bool:
    """Agents and managers: support staff, who see every case and internal notes."""
    return role in (Role.AGENT, Role.MANAGER)
