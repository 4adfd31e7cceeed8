"""Who acts on a case, worked out once per request (or per automation) and carried down: the
person (None for the automations), the role they act in, and every role whose rights that gives
them (a manager may do whatever an agent may). The door and the services ask this object, never
the user's fields again."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from cases.models import User
from cases.roles import SYSTEM, Role, is_staff_role, role_of, roles_held


@dataclass(frozen=True)
class Actor:
    user: User | None
    role: str
    held: tuple[str, ...]

    @classmethod
    def of(cls, who: "Actor | User | AbstractBaseUser | AnonymousUser | None") -> "Actor":
        """The actor for a person (or None: the automations); an actor stays as it is."""
        if isinstance(who, Actor):
            return who
        role = role_of(who)
        user = who if isinstance(who, User) else None
        return cls(user=user, role=role, held=roles_held(role))

    @property
    def is_staff(self) -> bool:
        return is_staff_role(self.role)

    @property
    def is_customer(self) -> bool:
        return self.role == Role.CUSTOMER

    @property
    def is_system(self) -> bool:
        return self.role == SYSTEM

    @property
    def pk(self) -> int | None:
        return self.user.pk if self.user is not None else None

    def holds(self, roles: "frozenset[str] | set[str] | tuple[str, ...]") -> bool:
        """Whether any role this actor holds is among `roles`."""
        return bool(set(self.held) & set(roles))
