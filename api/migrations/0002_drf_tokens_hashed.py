"""DRF's `authtoken` app is gone: its tokens, kept in clear text in `authtoken_token`, are carried
over as hashes (so the clients holding them keep working until they expire, 30 days from now),
then its table and its rows in `django_migrations` are dropped. Nothing to do on a database that
never had it; the reverse leaves the new tokens as they are."""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import migrations
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

OLD_TABLE = "authtoken_token"


def carry_over_and_drop(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("api", "ApiToken")
    quoted = schema_editor.quote_name(OLD_TABLE)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, user_id, created FROM {quoted}")
        rows = cursor.fetchall()
    now = timezone.now()
    lifetime = getattr(settings, "API_TOKEN_LIFETIME", timedelta(days=30))
    ApiToken.objects.bulk_create(
        ApiToken(
            user_id=user_id,
            key_hash=hashlib.sha256(key.encode()).hexdigest(),
            prefix=key[:8],
            created_at=created or now,
            expires_at=now + lifetime,
        )
        for key, user_id, created in rows
    )
    schema_editor.execute(f"DROP TABLE {quoted}")
    MigrationRecorder(connection).migration_qs.filter(app="authtoken").delete()


class Migration(migrations.Migration):
    dependencies = [("api", "0001_api_tokens")]

    operations = [migrations.RunPython(carry_over_and_drop, migrations.RunPython.noop)]
