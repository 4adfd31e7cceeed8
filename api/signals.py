"""A new password revokes the user's API tokens.

Whoever changes or resets a password (the password change and reset pages, the admin's password
form, `manage.py changepassword`, a script) ends by saving the user with a new hash, so the check
sits on the user's `pre_save`, and a client holding a revoked token must sign in again with the new
password (the tokens stay listed, revoked, until then: api/tokens.py). Django's own sessions
already end: their hash comes from the password.

A change is what Django itself counts as one (`set_password()` since the last save, the case where
it calls the validators' `password_changed`), or a hash replaced directly, e.g. by
`set_unusable_password()`. Not a change: Django hashing the same password anew at sign-in when its
hasher changes (`check_password` clears the raw password and saves only the `password` field).
"""

from typing import Any

from api.tokens import revoke_all
from cases.models import User


def revoke_tokens_on_new_password(
    sender: type[User],
    instance: User,
    raw: bool = False,
    update_fields: frozenset[str] | None = None,
    **kwargs: Any,
) -> None:
    if raw or instance._state.adding:
        return  # fixtures load rows as they are; a new user has no token yet
    if getattr(instance, "_password", None) is None:
        if update_fields is not None:
            return  # `last_login` at sign-in, a hash upgrade: no change, and no query
        stored = User.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
        if stored in (None, instance.password):
            return
    revoke_all(instance.pk)
