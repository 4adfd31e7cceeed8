"""Overview (/agent/overview/): the charts an agent lead reads at a glance, each with its numbers
as a table. The numbers come from `agent.overview` (a fixed handful of SQL aggregates, however
many cases there are), their drawing from `agent.charts`."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from agent.access import staff_of, staff_only
from agent.charts import charts_for
from agent.overview import overview_shown_to


@require_GET
@staff_only
def overview(request: HttpRequest) -> HttpResponse:
    numbers = overview_shown_to(staff_of(request))
    return render(
        request,
        "agent/overview.html",
        {
            "overview": numbers,
            "charts": charts_for(numbers),
            "time_zone": timezone.get_current_timezone_name(),
        },
    )
