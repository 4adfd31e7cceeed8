"""The four roles (customer, agent, manager, and the automations' `system`) and how a user maps
onto one."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models

SYSTEM = "system"


class Role(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    AGENT = "agent", "Agent"
    MANAGER = "manager", "Manager"


def role_of(user: AbstractBaseUser | AnonymousUser | None) -> str:
    """The acting role; `None` stands for the scheduled automations, a superuser is a manager."""
    if user is None:
        return SYSTEM
    if getattr(user, "is_superuser", False):
        return Role.MANAGER
    return str(getattr(user, "role", ""))


# Who holds a role, as messages name them ("Customers may not …").
PEOPLE = {
    Role.CUSTOMER: "customers",
    Role.AGENT: "agents",
    Role.MANAGER: "managers",
    SYSTEM: "the automations",
}


def people_in(role: str) -> str:
    """The people who hold `role`, in words: "customers", "agents", "the automations"."""
    return PEOPLE.get(role, "people without a role")


def is_staff_role(role: str) -> bool:
    """Agents and managers: support staff, who see every case and internal notes."""
    return role in (Role.AGENT, Role.MANAGER)


def roles_held(role: str) -> tuple[str, ...]:
    """The roles whose rights `role` has: a manager may do whatever an agent may (docs/workflows.md,
    Vocabulary). Every rule that names roles asks this, so the rule is written once."""
    if role == Role.MANAGER:
        return (Role.MANAGER, Role.AGENT)
    return (role,)
