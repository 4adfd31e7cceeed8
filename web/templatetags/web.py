"""Template tags every page uses: times, people and status pills (`{% load web %}`)."""

from datetime import UTC, datetime, timedelta

from django import template
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.models import User
from cases.times import format_date, format_datetime

register = template.Library()

# Past this, a relative time ("9 days ago") says less than the date itself.
RELATIVE_LIMIT = timedelta(days=7)


def _relative(value: datetime, now: datetime) -> str:
    seconds = (now - value).total_seconds()
    future = seconds < 0
    seconds = abs(seconds)
    if seconds < 60:
        return _("just now")
    if seconds < 3600:
        n = int(seconds // 60)
        span = ngettext("%(n)d minute", "%(n)d minutes", n) % {"n": n}
    elif seconds < 86400:
        n = int(seconds // 3600)
        span = ngettext("%(n)d hour", "%(n)d hours", n) % {"n": n}
    else:
        n = int(seconds // 86400)
        span = ngettext("%(n)d day", "%(n)d days", n) % {"n": n}
    return (_("in %(span)s") if future else _("%(span)s ago")) % {"span": span}


@register.simple_tag(name="time")
def time_tag(value: datetime | None, style: str = "relative") -> SafeString | str:
    """`<time>` in the reader's time zone (`web.timezones` activates it), its exact moment with
    the zone as the title.

    style: "relative" ("2 hours ago", "in 3 days"; the date once more than a week away),
    "date" ("15 December 2026") or "datetime" ("3 December 2026, 14:00 CET"): the formats of
    `cases.times`, which the emails use too. Relative times carry `data-relative` so app.js
    keeps them fresh on a page left open.
    """
    if value is None:
        return ""
    iso = value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    exact = format_datetime(value)
    if style == "date":
        text = format_date(value)
    elif style == "datetime":
        text = exact
    else:
        now = timezone.now()
        if abs(now - value) < RELATIVE_LIMIT:
            return format_html(
                '<time datetime="{}" title="{}" data-relative>{}</time>',
                iso,
                exact,
                _relative(value, now),
            )
        text = format_date(value)
    return format_html('<time datetime="{}" title="{}">{}</time>', iso, exact, text)


@register.filter
def person(user: AbstractBaseUser | None) -> str:
    """How people are shown everywhere: their full name, or their username when there is none."""
    if user is None:
        return ""
    if isinstance(user, User):
        return user.display_name
    return user.get_username()


@register.inclusion_tag("components/status_pill.html")
def status_pill(
    status: str, sub_status: str = "", waiting_on: str | None = None, breach: bool = False
) -> dict[str, object]:
    """The status pill: `waiting_on` ("customer", "support" or None for nobody) comes from the
    workflow metadata and picks the colour; the words are always there."""
    return {
        "status": status,
        "sub_status": sub_status,
        "waiting_on": waiting_on,
        "breach": breach,
    }
