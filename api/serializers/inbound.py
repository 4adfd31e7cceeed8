"""Received email: each message with what became of it, and what an agent decides about one that
was held (post it on a case, or open a case with it)."""

from typing import Any

from rest_framework import serializers

from api.serializers.fields import IdField
from cases.models import Case, Comment, InboundMessage, Outcome

# Every outcome the contract names, and ours besides: `pending` (stored, not handled yet) and
# `discarded` (held, then discarded by an agent).
OUTCOME_CHOICES = list(Outcome.values)


class InboundMessageSerializer(serializers.ModelSerializer[InboundMessage]):
    outcome = serializers.ChoiceField(choices=OUTCOME_CHOICES, read_only=True)
    case = serializers.PrimaryKeyRelatedField[Case](read_only=True, allow_null=True)
    comment = serializers.PrimaryKeyRelatedField[Comment](read_only=True, allow_null=True)

    class Meta:
        model = InboundMessage
        fields = (
            "id",
            "message_id",
            "sender",
            "recipient",
            "subject",
            "received_at",
            "outcome",
            "case",
            "comment",
            "reason",
        )
        read_only_fields = fields


class InboundReleaseSerializer(serializers.Serializer[None]):
    """Where a held message goes: `{"case": id}` (posted on that case as its sender, or as the
    case's requester when the sender has no account) or `{"new_case": true, "queue": id}`."""

    case = IdField(required=False, help_text="The case to post the message on.")
    new_case = serializers.BooleanField(
        required=False, help_text="True to open a case with the message, in `queue`."
    )
    queue = IdField(required=False, help_text="The queue of the new case (with `new_case`).")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        case, new_case, queue = attrs.get("case"), attrs.get("new_case"), attrs.get("queue")
        if case is not None and (new_case or queue is not None):
            raise serializers.ValidationError(
                "Give either `case`, or `new_case` with `queue`, not both."
            )
        if case is not None:
            return {"case_id": case}
        if new_case and queue is not None:
            return {"queue_id": queue}
        if new_case:
            raise serializers.ValidationError({"queue": ["Give the queue of the new case."]})
        if queue is not None:
            raise serializers.ValidationError(
                {"new_case": ["Must be true to open a case in `queue`."]}
            )
        raise serializers.ValidationError(
            'Give {"case": id} to post the message on a case, or {"new_case": true, '
            '"queue": id} to open one.'
        )
