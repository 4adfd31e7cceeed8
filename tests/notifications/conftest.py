"""The notification tests share the fast password hashing of the workflow tests."""

from tests.workflows.conftest import _fast_password_hashing

__all__ = ["_fast_password_hashing"]
