"""Cases as the API shows them, and the shapes of what clients send to create or change one."""

from typing import Any, cast

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.permissions import acting_user
from api.serializers.attachments import AttachmentSerializer
from api.serializers.fields import (
    CHANNEL_CHOICES,
    STATUS_CHOICES,
    SUB_STATUS_CHOICES,
    TRANSITION_CHOICES,
    UPCOMING_ACTION_CHOICES,
    WAITING_ON_CHOICES,
    WORKFLOW_CHOICES,
    IdField,
    PriorityField,
)
from cases.models import Case, Organization, Queue, User
from cases.selectors import attachments_visible_to
from cases.text import MAX_SUBJECT, MAX_TEXT
from workflows.metadata import case_wait
from workflows.registry import as_workflow_case
from workflows.timers import Upcoming, upcoming
from workflows.transitions import available_transitions


class UpcomingSerializer(serializers.Serializer[Upcoming]):
    action = serializers.ChoiceField(choices=UPCOMING_ACTION_CHOICES)
    at = serializers.DateTimeField()


class CaseSerializer(serializers.ModelSerializer[Case]):
    """A case for the user who asked: `available_transitions` depends on who that is."""

    workflow = serializers.ChoiceField(choices=WORKFLOW_CHOICES, read_only=True)
    status = serializers.ChoiceField(choices=STATUS_CHOICES, read_only=True)
    status_label = serializers.SerializerMethodField()
    sub_status = serializers.SerializerMethodField()
    sub_status_label = serializers.SerializerMethodField()
    priority = PriorityField(read_only=True)
    channel = serializers.ChoiceField(choices=CHANNEL_CHOICES, read_only=True)
    upcoming = serializers.SerializerMethodField()
    available_transitions = serializers.SerializerMethodField()
    waiting_on = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = (
            "id",
            "reference",
            "queue",
            "workflow",
            "subject",
            "description",
            "status",
            "status_label",
            "sub_status",
            "sub_status_label",
            "priority",
            "channel",
            "organization",
            "requester",
            "assignee",
            "created_at",
            "updated_at",
            "status_changed_at",
            "first_response_due_at",
            "first_responded_at",
            "closed_at",
            "repeat_of",
            "close_notes",
            "deleted_at",
            "upcoming",
            "available_transitions",
            "waiting_on",
            "attachments",
        )
        read_only_fields = fields

    def get_status_label(self, case: Case) -> str:
        return as_workflow_case(case).definition.label(case.status)

    @extend_schema_field(serializers.ChoiceField(choices=SUB_STATUS_CHOICES, allow_null=True))
    def get_sub_status(self, case: Case) -> str | None:
        return case.sub_status or None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_sub_status_label(self, case: Case) -> str | None:
        if not case.sub_status:
            return None
        return as_workflow_case(case).definition.sub_status_label(case.status, case.sub_status)

    @extend_schema_field(UpcomingSerializer(many=True))
    def get_upcoming(self, case: Case) -> list[Upcoming]:
        return [{"action": item["action"], "at": item["at"]} for item in upcoming(case)]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(TRANSITION_CHOICES)))
    def get_available_transitions(self, case: Case) -> list[str]:
        return available_transitions(case, acting_user(self.context["request"]))

    @extend_schema_field(serializers.ChoiceField(choices=WAITING_ON_CHOICES, allow_null=True))
    def get_waiting_on(self, case: Case) -> str | None:
        return case_wait(case).side

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, case: Case) -> list[dict[str, Any]]:
        """The case's own files (those of no message), as the views prefetch them
        (`cases.selectors.case_attachments_prefetch`)."""
        request = self.context["request"]
        own = getattr(case, "own_attachments", None)
        if own is None:
            own = attachments_visible_to(request.user).filter(case=case, comment__isnull=True)
        return cast(
            list[dict[str, Any]], AttachmentSerializer(own, many=True, context=self.context).data
        )


class CaseCreateSerializer(serializers.Serializer[None]):
    queue = serializers.PrimaryKeyRelatedField(queryset=Queue.objects.all())
    subject = serializers.CharField(max_length=MAX_SUBJECT)
    description = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=MAX_TEXT
    )
    priority = PriorityField(required=False)
    channel = serializers.ChoiceField(choices=CHANNEL_CHOICES, required=False)
    requester = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.customers(), required=False
    )
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True
    )


class CaseUpdateSerializer(serializers.Serializer[None]):
    """The editable fields; which of them a role may change is the service's rule (403)."""

    subject = serializers.CharField(max_length=MAX_SUBJECT, required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT)
    priority = PriorityField(required=False)
    assignee = IdField(required=False, allow_null=True)
    expected_updated_at = serializers.DateTimeField(
        required=False,
        help_text="Optional: the case's `updated_at` as you last read it. If the case changed "
        "since, nothing is done and the answer is 409 (someone else got there first).",
    )


class TransitionPayloadSerializer(serializers.Serializer[None]):
    """Payload of a transition; which fields a transition requires is in its workflow."""

    note = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT)
    close_notes = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT)
    sub_status = serializers.ChoiceField(choices=SUB_STATUS_CHOICES, required=False)
    assignee = IdField(required=False)
    expected_updated_at = serializers.DateTimeField(
        required=False,
        help_text="Optional: the case's `updated_at` as you last read it. If the case changed "
        "since, nothing is done and the answer is 409 (someone else got there first).",
    )


class RepeatSerializer(serializers.Serializer[None]):
    subject = serializers.CharField(max_length=MAX_SUBJECT, required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT)
