"""Every model's admin, registered here (Django's autodiscovery imports this package)."""

from backoffice.admin import (
    cases,
    mail,
    notifications,
    people,
    queues,
    records,
    releases,
    saved_replies,
    sweep_failures,
    tokens,
)

__all__ = [
    "cases",
    "mail",
    "notifications",
    "people",
    "queues",
    "records",
    "releases",
    "saved_replies",
    "sweep_failures",
    "tokens",
]
