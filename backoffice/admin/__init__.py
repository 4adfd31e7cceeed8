"""Every model's admin, registered here (Django's autodiscovery imports this package)."""

from backoffice.admin import cases, notifications, saved_replies

__all__ = ["cases", "notifications", "saved_replies"]
