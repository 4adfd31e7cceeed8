"""Customers' organizations and the users of the helpdesk, each with one role."""

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Upper

from cases.roles import Role, role_of


class Organization(models.Model):
    name = models.CharField(max_length=200, unique=True)
    email_domains = models.JSONField(
        default=list,
        blank=True,
        help_text="Mail domains (e.g. acme.example) whose unknown senders join this organization "
        "as customers when they write to a queue's address.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return self.name


class People(UserManager["User"]):
    """Who holds which role, asked once here (a superuser is a manager: `role_of`)."""

    def staff(self) -> models.QuerySet["User"]:
        """Agents and managers: support staff."""
        return self.filter(
            models.Q(role__in=(Role.AGENT, Role.MANAGER)) | models.Q(is_superuser=True)
        )

    def assignable(self) -> models.QuerySet["User"]:
        """Whom a case may be assigned to: the active agents and managers, by name."""
        return self.staff().filter(is_active=True).order_by(*User.BY_NAME)

    def managers(self) -> models.QuerySet["User"]:
        return self.filter(models.Q(role=Role.MANAGER) | models.Q(is_superuser=True))

    def customers(self) -> models.QuerySet["User"]:
        return self.filter(role=Role.CUSTOMER, is_superuser=False)


class User(AbstractUser):
    """Django's own user, plus the role that decides what its holder may see and do."""

    # People listed by name, as everywhere they are shown by it (`display_name`).
    BY_NAME = ("first_name", "last_name", "username")

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.CUSTOMER)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        help_text="Customers only: they see every case of their organization.",
    )
    email_undeliverable_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Mail to this address bounced: nothing is sent to it until the person writes "
        "again or a manager clears this.",
    )
    email_undeliverable_reason = models.CharField(max_length=300, blank=True)
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        help_text="The time zone this person reads times in (e.g. Europe/Paris); empty: the "
        "site's.",
    )

    objects = People()  # type: ignore[misc]

    class Meta:
        indexes = (
            models.Index(fields=["role"], name="user_role_idx"),
            # Mail that comes in finds its sender's accounts by address, whatever its case.
            models.Index(Upper("email"), name="user_email_upper_idx"),
        )

    @property
    def display_name(self) -> str:
        """How people are shown everywhere: their full name, or their username when there is
        none."""
        return self.get_full_name() or self.get_username()

    @property
    def is_customer(self) -> bool:
        return role_of(self) == Role.CUSTOMER

    @property
    def effective_role(self) -> str:
        return role_of(self)

    def clean(self) -> None:
        super().clean()
        if self.organization_id and self.role != Role.CUSTOMER:
            raise ValidationError({"organization": "Only customers belong to an organization."})
