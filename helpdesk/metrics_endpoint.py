"""/metrics: what Prometheus scrapes from a web process, behind a bearer token.

It answers with the metrics of every gunicorn worker of this machine when they share
PROMETHEUS_MULTIPROC_DIR (gunicorn.conf.py), else of the process that answers, plus the backlogs
read from the database at that moment (helpdesk/backlog.py). Without METRICS_TOKEN it answers 404:
the figures (request rates, backlogs) are nobody's business but the operator's.
"""

import hmac
import os

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from helpdesk.backlog import BacklogCollector

# A registry of its own, so that it is read once per scrape whichever registry the process uses.
_backlog = CollectorRegistry()
_backlog.register(BacklogCollector())


def _registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = REGISTRY
    return registry


def _authorized(request: HttpRequest) -> bool:
    expected = f"Bearer {settings.METRICS_TOKEN}"
    given = request.headers.get("Authorization", "")
    return hmac.compare_digest(given.encode(), expected.encode())


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not settings.METRICS_TOKEN:
        raise Http404
    if not _authorized(request):
        response = HttpResponse("A bearer token is required.\n", status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    body = generate_latest(_registry()) + generate_latest(_backlog)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
