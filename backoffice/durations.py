"""Durations as managers think of them: entered as days and hours, shown as "14 days", "8 hours",
"1 day 12 hours", never as Django's "14 00:00:00".

Hours may have decimals ("0.5" is half an hour) so that a short first-response target can be
set; a duration is kept to the minute. The bounds are the field's to give (a queue's timers pass
TIMER_MIN and TIMER_MAX of `cases.models.queues`) and are said in the same words.
"""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)
REQUIRED = "Give a number of days, of hours, or both."
NEGATIVE = "Days and hours cannot be negative."
# Far beyond any bound a field sets, and within what a timedelta holds.
MOST_MINUTES = 1_000_000 * 24 * 60


def _plural(count: int | Decimal, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def in_words(duration: timedelta | None) -> str:
    """ "14 days", "8 hours", "1 day 12 hours", "1 hour 30 minutes", "0 minutes"; "" for None."""
    if duration is None:
        return ""
    if duration < timedelta(0):
        return f"minus {in_words(-duration)}"
    minutes = round(duration / MINUTE)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [
        _plural(count, unit)
        for count, unit in ((days, "day"), (hours, "hour"), (minutes, "minute"))
        if count
    ]
    return " ".join(parts) or "0 minutes"


def days_and_hours(duration: timedelta | None) -> tuple[int | None, Decimal | None]:
    """The whole days and the hours left, with up to two decimals for the minutes."""
    if duration is None:
        return None, None
    days, rest = divmod(duration, DAY)
    hours = (Decimal(rest.total_seconds()) / 3600).quantize(Decimal("0.01"))
    whole = hours == hours.to_integral_value()
    return days, hours.quantize(Decimal(1)) if whole else hours.normalize()


class DaysHoursWidget(forms.MultiWidget):
    """Two number inputs, "days" and "hours", each with its own visible label."""

    template_name = "backoffice/widgets/days_hours.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets = (
            forms.NumberInput(attrs={"min": "0", "step": "1", "class": "duration-days"}),
            forms.NumberInput(attrs={"min": "0", "step": "any", "class": "duration-hours"}),
        )
        super().__init__(widgets, attrs)

    def id_for_label(self, id_: str) -> str:
        # The field's label names the days input (Django's MultiWidget names none), which its
        # "days" says too; the hours input is named "hours", described by the help text.
        return f"{id_}_0" if id_ else ""

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, timedelta):
            return list(days_and_hours(value))
        return [None, None]


class DaysHoursField(forms.MultiValueField):
    """A duration typed as days and hours, within `minimum` and `maximum` (when given)."""

    widget = DaysHoursWidget

    def __init__(
        self,
        *,
        minimum: timedelta | None = None,
        maximum: timedelta | None = None,
        **kwargs: Any,
    ) -> None:
        self.minimum, self.maximum = minimum, maximum
        number = {"invalid": "Type a number."}
        fields = (
            forms.IntegerField(required=False, error_messages=number),
            forms.DecimalField(
                required=False,
                max_digits=12,
                decimal_places=2,
                error_messages={**number, "max_decimal_places": "At most two decimals."},
            ),
        )
        kwargs["error_messages"] = {"required": REQUIRED, **kwargs.get("error_messages", {})}
        super().__init__(fields, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[Any]) -> timedelta | None:
        days, hours = [*data_list, None, None][:2]
        if days in (None, "") and hours in (None, ""):
            return None
        days, hours = days or 0, hours or 0
        if days < 0 or hours < 0:
            raise ValidationError(NEGATIVE, code="negative")
        # To the minute, so that a duration shown with rounded hours (20 minutes: 0.33) and saved
        # again stays what it was.
        minutes = round(days * 24 * 60 + hours * 60)
        if minutes > MOST_MINUTES:
            raise ValidationError(self._too_long(), code="max_value")
        return timedelta(minutes=minutes)

    def clean(self, value: Any) -> timedelta | None:
        duration: timedelta | None = super().clean(value)
        if duration is None:
            return None
        if self.minimum is not None and duration < self.minimum:
            raise ValidationError(
                f"At least {in_words(self.minimum)}: a shorter timer would act at once.",
                code="min_value",
            )
        if self.maximum is not None and duration > self.maximum:
            raise ValidationError(self._too_long(), code="max_value")
        return duration

    def _too_long(self) -> str:
        if self.maximum is None:
            return "That is too long."
        return f"At most {in_words(self.maximum)}."
