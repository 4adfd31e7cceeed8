"""Customers' organizations and the users of the helpdesk, each with one role."""

from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from cases.roles import Role, role_of


class Organization(models.Model):
    name = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """Django's own user, plus the role that decides what its holder may see and do."""

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.CUSTOMER)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        help_text="Customers only: they see every case of their organization.",
    )
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        help_text="The time zone this person reads times in (e.g. Europe/Paris); empty: the "
        "site's.",
    )

    class Meta:
        indexes = (models.Index(fields=["role"], name="user_role_idx"),)

    @property
    def effective_role(self) -> str:
        return role_of(self)

    def clean(self) -> None:
        super().clean()
        if self.organization_id and self.role != Role.CUSTOMER:
            raise ValidationError({"organization": "Only customers belong to an organization."})
