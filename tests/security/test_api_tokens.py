"""API tokens are kept as hashes: the key is returned once, at sign-in, and is nowhere after
(database, admin, API); DRF's clear-text tokens are carried over as hashes and their table
dropped."""

import hashlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from api import tokens
from api.models import ApiToken

PASSWORD = "secret-pass-123"  # what tests.factories gives every user


def sign_in(username: str) -> str:
    response = APIClient().post(
        "/api/auth/token/", {"username": username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    return response.json()["token"]


def works(key: str) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/me/").status_code == 200


def test_the_database_holds_the_keys_hash_never_the_key(customer):
    key = sign_in("alice")

    token = ApiToken.objects.get(user=customer)
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:8]
    stored = [str(value) for value in ApiToken.objects.values_list(flat=False).get()]
    assert not any(key in value for value in stored)


def test_a_key_is_long_and_random(customer):
    keys = {sign_in("alice") for _ in range(3)}

    assert len(keys) == 3
    assert all(len(key) >= 43 for key in keys)  # 256 bits


def test_a_key_hash_of_the_database_does_not_sign_in(customer):
    sign_in("alice")

    assert not works(ApiToken.objects.get(user=customer).key_hash)


def test_last_use_is_kept_to_the_minute(customer):
    key = sign_in("alice")
    assert ApiToken.objects.get().last_used_at is None

    works(key)

    assert ApiToken.objects.get().last_used_at is not None


def test_a_user_keeps_a_bounded_number_of_live_tokens(customer, settings):
    settings.API_TOKENS_PER_USER = 3
    first, *rest = [sign_in("alice") for _ in range(4)]

    assert not works(first)
    assert all(works(key) for key in rest)
    assert tokens.live(customer).count() == 3


def test_dead_tokens_are_forgotten_at_the_next_sign_in(customer):
    old = sign_in("alice")
    tokens.revoke(tokens.find(old))

    sign_in("alice")

    assert ApiToken.objects.filter(user=customer).count() == 1


def test_a_deleted_user_takes_their_tokens(customer):
    sign_in("alice")

    customer.delete()

    assert not ApiToken.objects.exists()


# The admin ---------------------------------------------------------------------------------------


def test_the_admin_lists_tokens_without_key_or_hash(root, customer):
    key = sign_in("alice")
    token = ApiToken.objects.get(user=customer)
    client = Client()
    client.force_login(root)

    listing = client.get("/admin/api/apitoken/")
    page = client.get(f"/admin/api/apitoken/{token.pk}/change/")

    assert listing.status_code == page.status_code == 200
    for html in (listing.content.decode(), page.content.decode()):
        assert f"{key[:8]}…" in html
        assert key not in html
        assert token.key_hash not in html


def test_the_admin_changes_no_token(root, customer):
    sign_in("alice")
    token = ApiToken.objects.get(user=customer)
    client = Client()
    client.force_login(root)

    assert client.get("/admin/api/apitoken/add/").status_code == 403
    page = client.get(f"/admin/api/apitoken/{token.pk}/change/").content.decode()
    assert 'name="_save"' not in page
    assert (
        client.post(f"/admin/api/apitoken/{token.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert ApiToken.objects.filter(pk=token.pk).exists()


# DRF's clear-text tokens, carried over --------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_hashes_drfs_tokens_and_drops_their_table(customer):
    executor = MigrationExecutor(connection)
    executor.migrate([("api", "0001_api_tokens")])
    old_key = "0123456789abcdef0123456789abcdef01234567"
    try:
        with connection.schema_editor() as editor:
            editor.execute(
                "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
                "created timestamp with time zone NOT NULL, user_id bigint NOT NULL)"
                if connection.vendor == "postgresql"
                else "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
                "created datetime NOT NULL, user_id bigint NOT NULL)"
            )
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO authtoken_token (key, created, user_id) VALUES (%s, %s, %s)",
                [old_key, timezone.now(), customer.pk],
            )
            cursor.execute(
                "INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, %s)",
                ["authtoken", "0001_initial", timezone.now()],
            )
    finally:
        MigrationExecutor(connection).migrate(
            MigrationExecutor(connection).loader.graph.leaf_nodes()
        )

    assert "authtoken_token" not in connection.introspection.table_names()
    token = ApiToken.objects.get(user=customer)
    assert token.key_hash == hashlib.sha256(old_key.encode()).hexdigest()
    assert works(old_key)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_migrations WHERE app = 'authtoken'")
        assert cursor.fetchone() == (0,)
