"""/health/: whether this node can serve, for a load balancer, by django-health-check.

It checks what a request needs: the database (`SELECT 1`), the cache (a key written and read),
the broker (a connection) and the attachments' storage (an existence check). Each check is one
cheap round trip, none writes a row or a file, so a probe every few seconds costs nothing. It
answers 200 when all pass, 500 naming the failing ones otherwise; it needs no sign-in and opens
no session.
"""

import dataclasses
import datetime

from django.core.files.storage import default_storage
from django.http import HttpResponse
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

from helpdesk.celery import app as celery_app

PROBE_SECONDS = 2


@dataclasses.dataclass
class Broker(HealthCheck):  # type: ignore[misc]
    """The Celery broker accepts a connection: tasks can be queued."""

    timeout = datetime.timedelta(seconds=PROBE_SECONDS)

    def run(self) -> None:
        try:
            with celery_app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, timeout=PROBE_SECONDS)
        except Exception as error:
            raise ServiceUnavailable(f"broker unreachable: {type(error).__name__}") from error


@dataclasses.dataclass
class AttachmentStorage(HealthCheck):  # type: ignore[misc]
    """The attachments' storage answers (a folder, or S3 with its credentials): a HEAD-like
    existence check, not the library's write, read and delete of a file per probe."""

    timeout = datetime.timedelta(seconds=PROBE_SECONDS)

    def run(self) -> None:
        try:
            default_storage.exists("health-check")
        except Exception as error:
            raise ServiceUnavailable(f"storage unreachable: {type(error).__name__}") from error


CHECKS = (
    "health_check.checks.Database",
    "health_check.checks.Cache",
    Broker,
    AttachmentStorage,
)


class HealthView(HealthCheckView):  # type: ignore[misc]
    """Plain text where the library would draw its HTML page (a load balancer's probe asks for
    anything): no template, no context processors reading the session, nothing for the CSP."""

    def render_to_response(self, context: dict[str, object], **kwargs: object) -> HttpResponse:
        response: HttpResponse = self.render_to_response_text(kwargs.get("status", 200))
        return response


health = HealthView.as_view(checks=CHECKS)
