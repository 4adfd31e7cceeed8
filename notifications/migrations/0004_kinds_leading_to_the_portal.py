"""New kinds: the acknowledgement of a new case, a proposed solution, a request for information
(to the customer) and an assignment (to the assignee)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_case_at_the_event"),
    ]

    operations = [
        migrations.AlterField(
            model_name="notification",
            name="kind",
            field=models.CharField(
                choices=[
                    ("awaiting_confirmation", "Answer awaits your confirmation"),
                    ("reminder", "Reminder: we are waiting for your input"),
                    ("closure", "Case closed"),
                    ("solution_rejected", "Solution rejected"),
                    ("resolution", "Case resolved"),
                    ("release_delivered", "Fix delivered in a release"),
                    ("first_response_breach", "First response overdue"),
                    ("public_reply", "New reply"),
                    ("case_created", "Case received"),
                    ("solution_proposed", "Solution proposed"),
                    ("info_requested", "We need information from you"),
                    ("assigned", "Case assigned to you"),
                ],
                max_length=40,
            ),
        ),
    ]
