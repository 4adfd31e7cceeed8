"""Template tags every page uses: times, people and status pills (`{% load web %}`)."""

from datetime import UTC, datetime, timedelta
from functools import lru_cache

from django import template
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

register = template.Library()

# Past this, a relative time ("9 days ago") says less than the date itself.
RELATIVE_LIMIT = timedelta(days=7)
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
EXACT_FORMAT = "j F Y, H:i T"


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


@lru_cache(maxsize=4096)
def _formatted(local: datetime, style: str, language: str | None) -> str:
    """A local time to the minute in one of the formats, once per minute, format and language
    (`language` is the cache's key: date_format reads the active one): a list formats the same
    few minutes over and over, and Django's formatter is slow next to a dictionary."""
    return date_format(local, style)


def _format(local: datetime, style: str) -> str:
    return _formatted(local.replace(second=0, microsecond=0), style, get_language())


@register.simple_tag(name="time")
def time_tag(value: datetime | None, style: str = "relative") -> SafeString | str:
    """`<time>` in the reader's time zone, its exact moment as the title.

    style: "relative" ("2 hours ago", "in 3 days"; the date once more than a week away),
    "date" ("15 December 2026") or "datetime" ("3 December 2026, 14:00"). Relative times carry
    `data-relative` so app.js keeps them fresh on a page left open.
    """
    if value is None:
        return ""
    local = timezone.localtime(value)
    iso = value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    exact = _format(local, EXACT_FORMAT)
    if style == "date":
        text = _format(local, DATE_FORMAT)
    elif style == "datetime":
        text = _format(local, DATETIME_FORMAT)
    else:
        now = timezone.now()
        if abs(now - value) < RELATIVE_LIMIT:
            return format_html(
                '<time datetime="{}" title="{}" data-relative>{}</time>',
                iso,
                exact,
                _relative(value, now),
            )
        text = _format(local, DATE_FORMAT)
    return format_html('<time datetime="{}" title="{}">{}</time>', iso, exact, text)


@register.filter
def person(user: AbstractBaseUser | None) -> str:
    """How people are shown everywhere: their full name, or their username when there is none."""
    if user is None:
        return ""
    full_name = getattr(user, "get_full_name", lambda: "")()
    return str(full_name or user.get_username())


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
