"""Surveys and releases."""

from rest_framework import serializers

from api.serializers.fields import IdField
from cases.models import Case, Queue, Release, Survey
from cases.text import MAX_NAME, MAX_TEXT


class SurveySerializer(serializers.ModelSerializer[Survey]):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=MAX_TEXT
    )

    class Meta:
        model = Survey
        fields = ("id", "case", "rating", "comment", "created_at")
        read_only_fields = ("id", "case", "created_at")


class ReleaseSerializer(serializers.ModelSerializer[Release]):
    queue = serializers.PrimaryKeyRelatedField(queryset=Queue.objects.all())
    cases = serializers.PrimaryKeyRelatedField[Case](many=True, read_only=True)
    name = serializers.CharField(max_length=MAX_NAME)

    class Meta:
        model = Release
        fields = ("id", "name", "queue", "delivered_at", "cases")
        read_only_fields = ("id", "delivered_at", "cases")
        validators = ()


class ReleaseCaseSerializer(serializers.Serializer[None]):
    case = IdField()
