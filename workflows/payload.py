"""Validating what a caller sends along with a transition, against what the transition takes."""

from dataclasses import dataclass
from typing import Any

from cases.errors import InvalidInput
from cases.models import User
from cases.roles import is_staff_role, role_of
from workflows.declarations import ASSIGNEE, CLOSE_NOTES, NOTE, SUB_STATUS, Definition, Rules

MAX_TEXT = 20_000


@dataclass(frozen=True)
class Payload:
    note: str = ""
    close_notes: str | None = None
    sub_status: str = ""
    assignee: User | None = None

    def as_record(self) -> dict[str, str | int]:
        """What the history keeps of it."""
        record: dict[str, str | int] = {}
        if self.close_notes:
            record[CLOSE_NOTES] = self.close_notes
        if self.sub_status:
            record[SUB_STATUS] = self.sub_status
        if self.assignee is not None:
            record[ASSIGNEE] = self.assignee.pk
        return record


def _text(raw: dict[str, Any], name: str, errors: dict[str, list[str]]) -> str:
    value = raw.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        errors[name] = ["Must be a string."]
        return ""
    if len(value) > MAX_TEXT:
        errors[name] = [f"At most {MAX_TEXT} characters."]
        return ""
    return value.strip()


def staff_member(value: object, field: str) -> User:
    """An active agent or manager, given as a user or a user id."""
    if isinstance(value, User):
        user = value
    else:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise InvalidInput.field(field, "Choose an agent (their user id).")
        try:
            user = User.objects.get(pk=int(value))
        except (User.DoesNotExist, ValueError):
            raise InvalidInput.field(field, "No such person.") from None
    if not user.is_active or not is_staff_role(role_of(user)):
        raise InvalidInput.field(field, "Choose an active agent or manager.")
    return user


def clean_payload(
    *, rules: Rules, definition: Definition, target: str, role: str, raw: dict[str, Any]
) -> Payload:
    """The fields this transition takes, checked; fields it does not take are ignored."""
    errors: dict[str, list[str]] = {}
    taken = rules.fields
    required = rules.required_for(role)

    note = _text(raw, NOTE, errors) if NOTE in taken else ""
    close_notes = _text(raw, CLOSE_NOTES, errors) if CLOSE_NOTES in taken else ""
    texts = {NOTE: note, CLOSE_NOTES: close_notes}
    for name in (NOTE, CLOSE_NOTES):
        if name in required and not texts[name] and name not in errors:
            errors[name] = ["This field is required."]

    sub_status = ""
    if SUB_STATUS in taken:
        choices = definition.sub_status_keys(target)
        # In words, for people; the API's schema and /api/workflows/ give the keys.
        named = ", ".join(definition.sub_status_label(target, key) for key in choices)
        value = raw.get(SUB_STATUS)
        if value in (None, ""):
            if SUB_STATUS in required:
                errors[SUB_STATUS] = [f"Choose one: {named}."]
        elif value not in choices:
            errors[SUB_STATUS] = [f"Choose one of {named}."]
        else:
            sub_status = value

    assignee = None
    if ASSIGNEE in taken:
        value = raw.get(ASSIGNEE)
        if value in (None, ""):
            if ASSIGNEE in required:
                errors[ASSIGNEE] = ["Choose an agent."]
        else:
            try:
                assignee = staff_member(value, ASSIGNEE)
            except InvalidInput as invalid:
                errors.update(invalid.errors)

    if errors:
        raise InvalidInput(errors)
    return Payload(
        note=note, close_notes=close_notes or None, sub_status=sub_status, assignee=assignee
    )
