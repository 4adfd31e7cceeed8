"""The case tests share the workflow tests' fixtures (fast hashing, the cast by role)."""

from tests.workflows.conftest import _fast_password_hashing, cast

__all__ = ["_fast_password_hashing", "cast"]
