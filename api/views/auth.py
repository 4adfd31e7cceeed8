"""Token sign-in, throttled like every other entrance (helpdesk/throttling.py)."""

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from api.parsers import LimitedJSONParser
from helpdesk.throttling import lockout_message, retry_after, was_refused


class TokenView(ObtainAuthToken):
    """Exchange a username and password for the token to send as `Authorization: Token ...`.

    After 5 failed attempts for one username from one address, each within 15 minutes of the one
    before, that pair is refused for 15 minutes (429), whatever the password; the failures count
    together with those on the sign-in pages."""

    # DRF's AuthTokenSerializer passes the request to `authenticate()`, so django-axes sees this
    # entrance. Wrong credentials answer 400, the failure that reaches the limit included.
    authentication_classes = ()
    parser_classes = (LimitedJSONParser,)
    throttle_classes = ()

    @extend_schema(
        operation_id="auth_token_create",
        request=inline_serializer(
            "Credentials",
            {"username": serializers.CharField(), "password": serializers.CharField()},
        ),
        responses={
            200: inline_serializer("Token", {"token": serializers.CharField()}),
            429: OpenApiResponse(
                inline_serializer("LockedOut", {"detail": serializers.CharField()}),
                description="Too many failed attempts for this username from this address: "
                "refused for 15 minutes, whatever the password (`Retry-After` in seconds).",
            ),
        },
        auth=[],
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            if was_refused(request):
                return Response(
                    {"detail": lockout_message()},
                    status=status.HTTP_429_TOO_MANY_REQUESTS,
                    headers={"Retry-After": retry_after()},
                )
            raise ValidationError(serializer.errors)
        token, _ = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})
