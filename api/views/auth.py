"""Token sign-in."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken

from api.parsers import LimitedJSONParser


class TokenView(ObtainAuthToken):
    """Exchange a username and password for the token to send as `Authorization: Token ...`."""

    authentication_classes = []
    parser_classes = [LimitedJSONParser]
    throttle_classes = []

    @extend_schema(
        operation_id="auth_token_create",
        request=inline_serializer(
            "Credentials",
            {"username": serializers.CharField(), "password": serializers.CharField()},
        ),
        responses={200: inline_serializer("Token", {"token": serializers.CharField()})},
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)
