"""Limits on what people type, and the one check of a text field that every writer uses."""

from cases.errors import InvalidInput

# One message (a description, a reply, a note) may be long, but not unbounded.
MAX_TEXT = 20_000
MAX_SUBJECT = 255
MAX_NAME = 100


def clean_text(name: str, value: object, *, required: bool, limit: int = MAX_TEXT) -> str:
    """The text stripped of surrounding blanks; `InvalidInput` naming `name` when it is not a
    string, is missing but required, or is longer than `limit`. None counts as missing."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput.field(name, "Must be a string.")
    if required and not value.strip():
        raise InvalidInput.field(name, "This field is required.")
    if len(value) > limit:
        raise InvalidInput.field(name, f"At most {limit} characters.")
    return value.strip()
