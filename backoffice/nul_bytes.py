"""Input no query can carry: PostgreSQL refuses a NUL byte in a string ("A string literal cannot
contain NUL (0x00) characters"), so a list's search or filter holding one would fail as a server
error. Every list of the site ignores such a parameter with a message (mixed into every
ModelAdmin by `backoffice.site`); the autocomplete answers that nothing matches.
"""

from typing import Any

from django.contrib import messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict

NUL = "\x00"
IGNORED = "Ignored a filter value that is not valid ({names})."


def with_nul_bytes(query: QueryDict) -> list[str]:
    """The names of the parameters whose name or value holds a NUL byte."""
    return [key for key, values in query.lists() if NUL in key or any(NUL in v for v in values)]


def without(request: HttpRequest, names: list[str]) -> HttpResponseRedirect:
    """The same page without those parameters, saying which were ignored."""
    messages.warning(request, IGNORED.format(names=", ".join(sorted(names))))
    query = request.GET.copy()
    for name in names:
        del query[name]
    return HttpResponseRedirect(f"{request.path}?{query.urlencode()}")


class RefusesNulBytes:
    """A list that ignores parameters holding a NUL byte, and a search that drops them."""

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        bad = with_nul_bytes(request.GET)
        if bad:
            return without(request, bad)
        response: HttpResponse = super().changelist_view(  # type: ignore[misc]
            request, extra_context
        )
        return response

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Model], search_term: str
    ) -> tuple[QuerySet[Model], bool]:
        found: tuple[QuerySet[Model], bool] = super().get_search_results(  # type: ignore[misc]
            request, queryset, search_term.replace(NUL, "")
        )
        return found
