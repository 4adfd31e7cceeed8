"""The web tests' helpers: a client signed in as anyone, and in-app notifications to count."""

import itertools

import pytest
from django.test import Client
from django.utils import timezone

from notifications.models import Notification

_keys = itertools.count()


@pytest.fixture
def client_for():
    """`client_for(user)`: a browser session signed in as `user`."""

    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def notify_in_app():
    """`notify_in_app(user, case, read=False)`: one in-app notification, due now."""

    def make(user, case, *, read=False):
        now = timezone.now()
        return Notification.objects.create(
            kind="public_reply",
            case=case,
            recipient=user,
            key=f"test-{next(_keys)}",
            created_at=now,
            scheduled_for=now,
            read_at=now if read else None,
        )

    return make
