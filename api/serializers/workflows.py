"""The shape of a workflow object (the data itself comes from `workflows.metadata`)."""

from rest_framework import serializers

from api.serializers.fields import ACTOR_ROLE_CHOICES, STATUS_CHOICES, TRANSITION_CHOICES


class SubStatusSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()


class StatusSerializer(serializers.Serializer):
    key = serializers.ChoiceField(choices=STATUS_CHOICES)
    label = serializers.CharField()
    sub_statuses = SubStatusSerializer(many=True)


class PayloadSerializer(serializers.Serializer):
    fields = serializers.ListField(child=serializers.CharField())
    required = serializers.ListField(child=serializers.CharField())
    required_for_staff = serializers.ListField(child=serializers.CharField())


class TransitionSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=TRANSITION_CHOICES)
    label = serializers.CharField()
    sources = serializers.ListField(child=serializers.ChoiceField(choices=STATUS_CHOICES))
    target = serializers.ChoiceField(choices=STATUS_CHOICES)
    roles = serializers.ListField(child=serializers.ChoiceField(choices=ACTOR_ROLE_CHOICES))
    automatic = serializers.BooleanField(help_text="Fires only by itself; never requested.")
    manual = serializers.BooleanField(help_text="May be requested by name.")
    payload = PayloadSerializer()
    conditions = serializers.ListField(child=serializers.CharField())


class WorkflowSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    initial_status = serializers.ChoiceField(choices=STATUS_CHOICES)
    statuses = StatusSerializer(many=True)
    transitions = TransitionSerializer(many=True)
