"""A signed-in person's API tokens, as they may see them: never the key, which was shown once."""

from typing import Any

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api import tokens
from api.models import ApiToken

STATE_CHOICES = ["active", "expired", "revoked"]


class CredentialsSerializer(serializers.Serializer[Any]):
    """What signing in for a token takes; `validate` checks the password through
    `authenticate()`, which the sign-in throttling watches (helpdesk/throttling.py)."""

    username = serializers.CharField(write_only=True)
    password = serializers.CharField(write_only=True, trim_whitespace=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        user = authenticate(
            self.context.get("request"), username=attrs["username"], password=attrs["password"]
        )
        if user is None:  # wrong credentials, an inactive user, or refused by the throttling
            raise serializers.ValidationError(
                "Unable to log in with provided credentials.", code="authorization"
            )
        return {**attrs, "user": user}


class ApiTokenSerializer(serializers.ModelSerializer[ApiToken]):
    state = serializers.SerializerMethodField()
    current = serializers.SerializerMethodField()

    class Meta:
        model = ApiToken
        fields = (
            "id",
            "prefix",
            "created_at",
            "last_used_at",
            "expires_at",
            "revoked_at",
            "state",
            "current",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=STATE_CHOICES))
    def get_state(self, token: ApiToken) -> str:
        return tokens.state_of(token)

    @extend_schema_field(serializers.BooleanField())
    def get_current(self, token: ApiToken) -> bool:
        """Whether this request was signed in with this very token."""
        request: Any = self.context.get("request")
        used = getattr(request, "auth", None)
        return isinstance(used, ApiToken) and used.pk == token.pk
