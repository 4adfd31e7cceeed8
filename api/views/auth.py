"""Token sign-in, throttled like every other entrance (helpdesk/throttling.py), and the signed-in
person's own tokens: listed without their keys, revoked one by one (api/tokens.py)."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotAuthenticated, NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import tokens
from api.authentication import HashedTokenAuthentication
from api.models import ApiToken
from api.parsers import LimitedJSONParser
from api.permissions import acting_user
from api.serializers.fields import ID_PATTERN
from api.serializers.tokens import ApiTokenSerializer, CredentialsSerializer
from helpdesk.sign_in_limits import remember_sign_in
from helpdesk.throttling import lockout_message, retry_after, was_refused

LOCKED_OUT = OpenApiResponse(
    inline_serializer("LockedOut", {"detail": serializers.CharField()}),
    description="Too many failed attempts: for this username from this address (refused for 15 "
    "minutes, whatever the password), or from this address or for this username across many "
    "(refused until the failures of the last hour fall under the limit, from an address that "
    "never signed in as this user). `Retry-After` in seconds.",
)


class TokenView(APIView):
    """POST: exchange a username and password for a new token to send as `Authorization: Token
    ...`. DELETE: revoke the token this request is signed in with.

    After 5 failed attempts for one username from one address, each within 15 minutes of the one
    before, that pair is refused for 15 minutes (429), whatever the password; the failures count
    together with those on the sign-in pages."""

    # Signing in reads no credentials but the body's: a stale token in the header must not stop
    # a client from getting a new one, so authentication happens only when DELETE asks for it.
    authentication_classes = (HashedTokenAuthentication,)
    permission_classes = ()
    parser_classes = (LimitedJSONParser,)
    throttle_classes = ()

    def perform_authentication(self, request: Request) -> None:
        """Lazy: only `delete` reads who signs in (DRF's documented way to defer it)."""

    @extend_schema(
        operation_id="auth_token_create",
        request=inline_serializer(
            "Credentials",
            {"username": serializers.CharField(), "password": serializers.CharField()},
        ),
        responses={
            200: inline_serializer(
                "Token",
                {
                    "token": serializers.CharField(
                        help_text="A new token, shown this once. It expires after "
                        "API_TOKEN_LIFETIME (30 days unless the site says otherwise)."
                    )
                },
            ),
            429: LOCKED_OUT,
        },
        auth=[],
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # The serializer passes the request to `authenticate()`, so django-axes sees this
        # entrance. Wrong credentials answer 400, the failure that reaches the limit included.
        serializer = CredentialsSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            if was_refused(request):
                return Response(
                    {"detail": lockout_message(request)},
                    status=status.HTTP_429_TOO_MANY_REQUESTS,
                    headers={"Retry-After": retry_after(request)},
                )
            raise ValidationError(serializer.errors)
        user = serializer.validated_data["user"]
        remember_sign_in(request, user)
        return Response({"token": tokens.issue(user)})

    @extend_schema(
        operation_id="auth_token_destroy",
        summary="Revoke the token this request is signed in with",
        request=None,
        responses={204: None},
    )
    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        token = request.auth
        if not isinstance(token, ApiToken):
            raise NotAuthenticated("Send the token to revoke as `Authorization: Token ...`.")
        tokens.revoke(token)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyTokenViewSet(
    mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet[ApiToken]
):
    """The signed-in person's own tokens, newest first, without their keys; DELETE revokes one
    (404 for a token of someone else)."""

    serializer_class = ApiTokenSerializer
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[ApiToken]:
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()
        return tokens.owned_by(acting_user(self.request))

    def get_object(self) -> ApiToken:
        try:
            return self.get_queryset().get(pk=self.kwargs["pk"])
        except ApiToken.DoesNotExist:
            raise NotFound("No such token.") from None

    @extend_schema(summary="Your API tokens (never their keys)")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="Revoke one of your API tokens", responses={204: None})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        tokens.revoke(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
