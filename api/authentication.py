"""`Authorization: Token <key>`, checked against the tokens' hashes (api/tokens.py).

DRF's own TokenAuthentication parses the header and answers a missing or malformed one; this
class looks the key up by its hash and refuses a token that expired or was revoked, or whose user
was deactivated, with 401 and `WWW-Authenticate: Token` like any bad token (docs/api.md).
"""

from rest_framework import authentication, exceptions

from api import tokens
from api.models import ApiToken
from cases.models import User


class HashedTokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key: str) -> tuple[User, ApiToken]:
        token = tokens.find(key)
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        state = tokens.state_of(token)
        if state != "active":
            raise exceptions.AuthenticationFailed(
                f"This token {'has expired' if state == 'expired' else 'was revoked'}: "
                "sign in again at /api/auth/token/."
            )
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        tokens.mark_used(token)
        return token.user, token
