"""The conversation, the history and the notifications of a case."""

from rest_framework import serializers

from api.permissions import acting_user
from api.serializers.attachments import AttachmentSerializer
from api.serializers.fields import (
    ACTOR_ROLE_CHOICES,
    MESSAGE_CHANNEL_CHOICES,
    NOTIFICATION_KIND_CHOICES,
    STATUS_CHOICES,
    TRANSITION_CHOICES,
)
from cases.models import Comment, HistoryEntry
from cases.selectors import history_note_visible_to
from cases.text import MAX_TEXT
from notifications.models import Notification


class CommentSerializer(serializers.ModelSerializer[Comment]):
    body = serializers.CharField(max_length=MAX_TEXT)
    internal = serializers.BooleanField(required=False, default=False)
    # Where it was written (the pages, an email, the API): set by the way it came in, never sent.
    channel = serializers.ChoiceField(choices=MESSAGE_CHANNEL_CHOICES, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Comment
        fields: tuple[str, ...] = (
            "id",
            "body",
            "internal",
            "channel",
            "author",
            "created_at",
            "attachments",
        )
        read_only_fields = ("id", "channel", "author", "created_at", "attachments")


class PostedCommentSerializer(CommentSerializer):
    """The answer to a new comment: `case_status` is the status after any automatic transition
    the comment caused."""

    case_status = serializers.ChoiceField(
        choices=STATUS_CHOICES, source="case.status", read_only=True
    )

    class Meta(CommentSerializer.Meta):
        fields = (*CommentSerializer.Meta.fields, "case_status")


class HistoryEntrySerializer(serializers.ModelSerializer[HistoryEntry]):
    transition = serializers.ChoiceField(choices=TRANSITION_CHOICES)
    # A declared field: DRF's metaclass moves it off the class, so it never shadows Field.source.
    source = serializers.ChoiceField(choices=STATUS_CHOICES)  # type: ignore[assignment]
    target = serializers.ChoiceField(choices=STATUS_CHOICES)
    actor_role = serializers.ChoiceField(choices=ACTOR_ROLE_CHOICES)
    note = serializers.SerializerMethodField()

    class Meta:
        model = HistoryEntry
        fields = (
            "id",
            "transition",
            "source",
            "target",
            "actor",
            "actor_role",
            "note",
            "created_at",
        )
        read_only_fields = fields

    def get_note(self, entry: HistoryEntry) -> str | None:
        return history_note_visible_to(acting_user(self.context["request"]), entry)


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    kind = serializers.ChoiceField(choices=NOTIFICATION_KIND_CHOICES)
    # The Message-ID of its email, <…@site>; null on notifications recorded before emails had
    # one and not yet sent.
    message_id = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Notification
        fields = (
            "id",
            "kind",
            "case",
            "recipient",
            "scheduled_for",
            "sent_at",
            "read_at",
            "message_id",
        )
        read_only_fields = fields
