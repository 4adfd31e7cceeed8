"""/health/ for a load balancer: 200 when the database, cache, broker and storage answer, 500
naming what failed otherwise; no sign-in, no redirect to HTTPS."""

import pytest
from django.core.files.storage import FileSystemStorage

from helpdesk import health

pytestmark = pytest.mark.django_db


def test_a_healthy_node_answers_200_with_each_check(client):
    response = client.get("/health/")

    assert response.status_code == 200
    body = response.content.decode()
    for check in ("Database", "Cache", "Broker", "AttachmentStorage"):
        assert f"{check}(" in body
    assert "OK" in body
    assert response["Content-Type"].startswith("text/plain")


def test_an_unreachable_broker_fails_the_probe(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError

    monkeypatch.setattr(health.celery_app, "connection_for_write", refuse)

    response = client.get("/health/")

    assert response.status_code == 500
    assert "broker unreachable: ConnectionRefusedError" in response.content.decode()


def test_an_unreadable_storage_fails_the_probe(client, monkeypatch):
    def broken(self, name):
        raise PermissionError(name)

    monkeypatch.setattr(FileSystemStorage, "exists", broken)

    response = client.get("/health/")

    assert response.status_code == 500
    assert "storage unreachable: PermissionError" in response.content.decode()


def test_the_probe_is_not_redirected_to_https_nor_asked_to_sign_in(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    response = client.get("/health/")

    assert response.status_code == 200
    assert "sessionid" not in response.cookies
