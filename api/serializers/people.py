"""People and places: the signed-in user, organizations, users, queues."""

from datetime import timedelta
from typing import Any, ClassVar

from rest_framework import serializers

from api.serializers.fields import ROLE_CHOICES, WORKFLOW_CHOICES
from cases.models import Organization, Queue, User
from services.email_settings import MAX_DOMAINS


class MeSerializer(serializers.ModelSerializer[User]):
    role = serializers.ChoiceField(choices=ROLE_CHOICES, source="effective_role", read_only=True)

    class Meta:
        model = User
        fields = ("id", "username", "email", "role", "organization")


class OrganizationSerializer(serializers.ModelSerializer[Organization]):
    email_domains = serializers.ListField(
        child=serializers.CharField(max_length=253),
        max_length=MAX_DOMAINS,
        required=False,
        help_text="Mail domains (e.g. acme.example) whose unknown senders join this organization "
        "as customers when they write to a queue's address: bare domains, stored lower-cased.",
    )

    class Meta:
        model = Organization
        fields = ("id", "name", "email_domains")


class UserSerializer(serializers.ModelSerializer[User]):
    role = serializers.ChoiceField(choices=ROLE_CHOICES)
    password = serializers.CharField(
        write_only=True, max_length=128, style={"input_type": "password"}
    )
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), allow_null=True, required=False
    )
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    username = serializers.CharField(max_length=150)

    class Meta:
        model = User
        fields = ("id", "username", "password", "email", "role", "organization")


TIMER_FIELDS = (
    "first_response_urgent",
    "first_response_high",
    "first_response_normal",
    "first_response_low",
    "confirmation_auto_close_after",
    "customer_input_auto_close_after",
    "customer_input_reminder_after",
    "closure_notification_after",
    "resolved_auto_close_after",
)


class QueueSerializer(serializers.ModelSerializer[Queue]):
    workflow = serializers.ChoiceField(choices=WORKFLOW_CHOICES)
    # Unique whatever its case: checked, and stored lower-cased, by the service.
    email_address = serializers.EmailField(
        allow_null=True,
        allow_blank=True,
        required=False,
        max_length=254,
        help_text="Mail to this address opens cases in this queue; null (or empty) for none.",
    )

    class Meta:
        model = Queue
        fields = ("id", "name", "workflow", "email_address", *TIMER_FIELDS)
        extra_kwargs: ClassVar[dict[str, dict[str, Any]]] = {
            "name": {"validators": []},
            **{
                name: {"min_value": timedelta(minutes=1), "max_value": timedelta(days=3650)}
                for name in TIMER_FIELDS
            },
        }
