"""The helpdesk project: settings, URLs and the Celery application."""

from helpdesk.celery import app as celery_app

__all__ = ("celery_app",)
