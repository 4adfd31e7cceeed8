"""The shape of a workflow object (the data itself comes from `workflows.metadata`).

Some of the contract's keys (`label`, `fields`, `required`) are also attributes of DRF's `Field`.
Declared here they are fields: DRF's metaclass takes them off the class, so they shadow nothing
at run time; the type checker, which sees only the class body, is told so line by line."""

from typing import Any

from rest_framework import serializers

from api.serializers.fields import (
    ACTOR_ROLE_CHOICES,
    STATUS_CHOICES,
    TRANSITION_CHOICES,
    WAITING_ON_CHOICES,
)

WAITING_ON_HELP = "Who a case in this status waits on; null: nobody (closed)."


class SubStatusSerializer(serializers.Serializer[dict[str, Any]]):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    waiting_on = serializers.ChoiceField(
        choices=WAITING_ON_CHOICES, allow_null=True, help_text=WAITING_ON_HELP
    )


class StatusSerializer(serializers.Serializer[dict[str, Any]]):
    key = serializers.ChoiceField(choices=STATUS_CHOICES)
    label = serializers.CharField()  # type: ignore[assignment]
    waiting_on = serializers.ChoiceField(
        choices=WAITING_ON_CHOICES,
        allow_null=True,
        help_text=f"{WAITING_ON_HELP} Where it depends on the sub-status, see `sub_statuses`.",
    )
    sub_statuses = SubStatusSerializer(many=True)


class PayloadSerializer(serializers.Serializer[dict[str, list[str]]]):
    fields = serializers.ListField(child=serializers.CharField())  # type: ignore[assignment]
    required = serializers.ListField(child=serializers.CharField())  # type: ignore[assignment]
    required_for_staff = serializers.ListField(child=serializers.CharField())


class TransitionSerializer(serializers.Serializer[dict[str, Any]]):
    name = serializers.ChoiceField(choices=TRANSITION_CHOICES)
    label = serializers.CharField()  # type: ignore[assignment]
    sources = serializers.ListField(child=serializers.ChoiceField(choices=STATUS_CHOICES))
    target = serializers.ChoiceField(choices=STATUS_CHOICES)
    roles = serializers.ListField(child=serializers.ChoiceField(choices=ACTOR_ROLE_CHOICES))
    automatic = serializers.BooleanField(help_text="Fires only by itself; never requested.")
    manual = serializers.BooleanField(help_text="May be requested by name.")
    payload = PayloadSerializer()
    conditions = serializers.ListField(child=serializers.CharField())


class WorkflowSerializer(serializers.Serializer[dict[str, Any]]):
    key = serializers.CharField()
    name = serializers.CharField()
    initial_status = serializers.ChoiceField(choices=STATUS_CHOICES)
    statuses = StatusSerializer(many=True)
    transitions = TransitionSerializer(many=True)
