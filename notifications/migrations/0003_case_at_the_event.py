"""Each row records the case as it was at the cause (status, sub-status, their labels, the entry
into the status); the reminder index moves from `created_at` to that entry."""

from django.db import migrations, models
from django.utils.dateparse import parse_datetime

BATCH_SIZE = 1000


def record_the_entry(apps, schema_editor):
    """Old rows name their entry only in their key ("kind:case:recipient:occasion", the occasion
    being the entry's status_changed_at unless the cause named another, e.g. "breach" or a
    comment): copy it into `case_status_changed_at`, so that an entry reminded before this
    migration is not reminded again. What the status and its labels were at the cause was never
    recorded: those stay blank, and the emails leave the status out."""
    Notification = apps.get_model("notifications", "Notification")
    last = 0
    while True:
        batch = list(
            Notification.objects.filter(pk__gt=last).order_by("pk").only("pk", "key")[:BATCH_SIZE]
        )
        if not batch:
            return
        changed = []
        for row in batch:
            try:
                entered = parse_datetime(row.key.split(":", 3)[-1])
            except ValueError:
                entered = None
            if entered is not None:
                row.case_status_changed_at = entered
                changed.append(row)
        Notification.objects.bulk_update(changed, ["case_status_changed_at"])
        last = batch[-1].pk


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0002_delivery_backoff"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="case_status",
            field=models.CharField(blank=True, default="", max_length=40),
        ),
        migrations.AddField(
            model_name="notification",
            name="case_sub_status",
            field=models.CharField(blank=True, default="", max_length=40),
        ),
        migrations.AddField(
            model_name="notification",
            name="case_status_label",
            field=models.CharField(blank=True, default="", max_length=100),
        ),
        migrations.AddField(
            model_name="notification",
            name="case_sub_status_label",
            field=models.CharField(blank=True, default="", max_length=100),
        ),
        migrations.AddField(
            model_name="notification",
            name="case_status_changed_at",
            field=models.DateTimeField(
                blank=True,
                help_text="The case's entry into that status (its status_changed_at): a reminder "
                "belongs to this entry, whatever moment the run that wrote it was told.",
                null=True,
            ),
        ),
        migrations.RunPython(record_the_entry, migrations.RunPython.noop, elidable=True),
        migrations.RemoveIndex(
            model_name="notification",
            name="notification_case_kind_idx",
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(
                fields=["case", "kind", "case_status_changed_at"], name="notification_entry_idx"
            ),
        ),
    ]
