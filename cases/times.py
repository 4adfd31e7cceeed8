"""How a moment is written for people, the same on every page and in every email ("6 December
2026", "6 December 2026, 14:00 CET": the time always with its zone), and which time zone each
person reads times in (their own, else the site's).

It lives at the bottom so that the pages (`web`'s `time` tag) and the emails (`notifications`)
share one format rather than two copies of it.
"""

from datetime import date, datetime, tzinfo
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language

from cases.models import User

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"


@cache
def known_zones() -> frozenset[str]:
    """Every IANA time zone name this machine knows (read once: it walks the tz database)."""
    return frozenset(available_timezones())


def zone_named(name: str) -> ZoneInfo | None:
    """The time zone called `name` (e.g. "Europe/Paris"); None for an empty or unknown name,
    which is never an error: a zone can leave the tz database, or be mistyped in the admin."""
    return ZoneInfo(name) if name in known_zones() else None


def site_zone() -> tzinfo:
    return ZoneInfo(settings.TIME_ZONE)


def zone_of(user: User) -> tzinfo:
    """The zone `user` reads times in: their own, or the site's when they chose none (or one
    that no longer exists)."""
    return zone_named(user.time_zone) or site_zone()


def utc_offset(local: datetime) -> str:
    """The offset of a local time from UTC as people write it: "UTC", "UTC+1", "UTC-3",
    "UTC+5:30"."""
    offset = local.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    if not minutes:
        return "UTC"
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{minutes:02d}" if minutes else "")


def zone_label(local: datetime) -> str:
    """The zone of a local time as people know it: its abbreviation ("CET", "EST", "UTC"), or
    its offset from UTC where the tz database has no abbreviation but digits ("+04" is shown
    as "UTC+4", "+0545" as "UTC+5:45")."""
    name = local.tzname() or ""
    if name and name[0] not in "+-":
        return name
    return utc_offset(local)


@lru_cache(maxsize=4096)
def _formatted(wall_clock: date, style: str, language: str | None) -> str:
    """A naive local time to the minute in one format, once per minute, format and language
    (`language` is part of the key because date_format reads the active one): a list formats
    the same few minutes over and over, and Django's formatter is slow next to a dictionary.
    Naive on purpose: two aware times of the same instant in different zones compare equal, so
    a key with the zone in it would hand one reader another's wall clock."""
    return date_format(wall_clock, style)


def _local(value: datetime) -> datetime:
    return timezone.localtime(value).replace(second=0, microsecond=0)


def format_date(value: date) -> str:
    """A day, or the day of a moment in the active time zone: "6 December 2026"."""
    day = _local(value).replace(tzinfo=None) if isinstance(value, datetime) else value
    return _formatted(day, DATE_FORMAT, get_language())


def format_datetime(value: datetime) -> str:
    """`value` to the minute in the active time zone, with the zone, so that nobody has to guess
    whose 14:00 it is: "6 December 2026, 14:00 CET"."""
    local = _local(value)
    text = _formatted(local.replace(tzinfo=None), DATETIME_FORMAT, get_language())
    return f"{text} {zone_label(local)}"
