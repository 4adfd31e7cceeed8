"""Your settings (`/accounts/settings/`): what a signed-in person sets for themselves, today the
time zone they read times in, on the pages and in their emails (empty: the site's)."""

from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import User
from cases.times import known_zones, utc_offset, zone_label, zone_named, zone_of
from web.forms import Select

# The value of "the site's time zone", stored as an empty time_zone. Not "": a choice that is
# always made is a required field, not an "optional" one.
SITE_ZONE = "site"
# The regions of the tz database's current names; the rest are old aliases ("US/Eastern",
# "Etc/GMT+5", "EST5EDT") that duplicate them, offered only to someone who already has one.
REGIONS = (
    *("Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia"),
    *("Europe", "Indian", "Pacific"),
)
OTHER = gettext_lazy("Other")

Choices = list[tuple[str, Any]]


@cache
def _zones_by_region() -> dict[str, tuple[str, ...]]:
    by_region: dict[str, list[str]] = {region: [] for region in REGIONS}
    for name in known_zones():
        region = name.split("/", 1)[0]
        if "/" in name and region in by_region:
            by_region[region].append(name)
    return {region: tuple(names) for region, names in by_region.items()}


def _place(name: str) -> str:
    """The place a zone is named for, city first, which is what people type to find it:
    "Europe/Berlin" is "Berlin", "America/Argentina/Buenos_Aires" "Buenos Aires, Argentina"."""
    parts = [part.replace("_", " ") for part in name.split("/")[1:]] or [name]
    return ", ".join(reversed(parts))


def _option(name: str, now: datetime) -> tuple[str, str]:
    return name, f"{_place(name)} ({utc_offset(now.astimezone(ZoneInfo(name)))})"


def time_zone_choices(current: str, now: datetime) -> Choices:
    """The site's zone first, then every zone by region, each with its offset from UTC today;
    `current` (what the person has now) is always among them, even an old alias."""
    site = _("The site's time zone: %(zone)s") % {"zone": settings.TIME_ZONE}
    choices: Choices = [(SITE_ZONE, site)]
    for region, names in _zones_by_region().items():
        options = sorted((_option(name, now) for name in names), key=lambda option: option[1])
        choices.append((region, options))
    other = [("UTC", "UTC")]
    if zone_named(current) and current != "UTC" and current.split("/", 1)[0] not in REGIONS:
        other.append((current, current))
    choices.append((str(OTHER), other))
    return choices


class SettingsForm(forms.Form):
    time_zone = forms.ChoiceField(
        label=gettext_lazy("Time zone"),
        help_text=gettext_lazy(
            "Times on the pages and in your emails are shown in this time zone."
        ),
        error_messages={"invalid_choice": gettext_lazy("Choose a time zone from the list.")},
        widget=Select(),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"time_zone": user.time_zone or SITE_ZONE})
        super().__init__(*args, **kwargs)
        self.user = user
        field = self.fields["time_zone"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = time_zone_choices(user.time_zone, timezone.now())

    def save(self) -> None:
        """Store the choice, as Django's own account forms do (PasswordChangeForm): a setting of
        one's own, with no rule of the helpdesk to check beyond the list."""
        chosen = self.cleaned_data["time_zone"]
        self.user.time_zone = "" if chosen == SITE_ZONE else chosen
        self.user.save(update_fields=["time_zone"])


@login_required
def account_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # login_required: never the anonymous user
    form = SettingsForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        form.save()
        # The next request activates the new zone (web.timezones); this message is read there.
        name = user.time_zone or settings.TIME_ZONE
        label = zone_label(timezone.localtime(timezone.now(), zone_of(user)))
        shown = name if label == name else f"{name} ({label})"
        messages.success(
            request,
            _("Your settings are saved. Times are now shown in %(zone)s.") % {"zone": shown},
        )
        return redirect("account_settings")
    return render(request, "registration/settings.html", {"form": form, "now": timezone.now()})
