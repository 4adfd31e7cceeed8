"""Fields and enums shared by the serializers, derived from the models and the workflows."""

from typing import Any

from rest_framework import serializers

from cases.models import Channel, MessageChannel, Priority
from cases.roles import SYSTEM, Role
from notifications.models import Kind
from workflows.declarations import CUSTOMER_SIDE, SUPPORT_SIDE
from workflows.metadata import all_workflows
from workflows.registry import WORKFLOWS
from workflows.timers import UPCOMING_ACTIONS

# Every enum of the API, named once here (see SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]).
WORKFLOW_CHOICES = list(WORKFLOWS)
STATUS_CHOICES = sorted({key for info in all_workflows() for key, _ in info.statuses})
SUB_STATUS_CHOICES = sorted(
    {key for info in all_workflows() for subs in info.sub_statuses.values() for key, _ in subs}
)
TRANSITION_CHOICES = sorted({t.name for info in all_workflows() for t in info.transitions})
ROLE_CHOICES = [*Role.values]
# Who a case waits on (null: nobody, a closed case).
WAITING_ON_CHOICES = [CUSTOMER_SIDE, SUPPORT_SIDE]

# Ids are 64-bit: anything longer is no id at all (and must not reach the database as one).
MAX_ID = 2**63 - 1
ID_PATTERN = r"[0-9]{1,18}"
# How the schema states an id in a path or a query (IdField says the same of body fields). A path
# id of more than 18 digits matches no route: it answers 404, as an id that does not exist.
ID_SCHEMA = {"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID}
ACTOR_ROLE_CHOICES = [*Role.values, SYSTEM]
PRIORITY_CHOICES = Priority.keys()
CHANNEL_CHOICES = list(Channel.values)
# Where a message of the conversation was written (a comment's `channel`), not a case's channel.
MESSAGE_CHANNEL_CHOICES = list(MessageChannel.values)
NOTIFICATION_KIND_CHOICES = list(Kind.values)
UPCOMING_ACTION_CHOICES = list(UPCOMING_ACTIONS)


class IdField(serializers.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class PriorityField(serializers.ChoiceField):
    """Priorities are stored as ranks (for ordering) and spoken by name."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=PRIORITY_CHOICES, **kwargs)

    def to_representation(self, value: str | int) -> str:
        return Priority(int(value)).key

    # The stubs fix a ChoiceField's value to the chosen string; this one's is the rank it names.
    def to_internal_value(self, data: Any) -> Priority:  # type: ignore[override]
        return Priority.from_key(super().to_internal_value(data))
