"""django-prometheus's per-view middleware, made safe for a garbled `Content-Length`.

Its request hook reads the header with `int()`, so a client sending `Content-Length: nonsense`
would get a 500 from the metrics before Django's own answer. Such a request is counted without
its body size, and the request goes on to be answered as it would be without metrics."""

from django.http import HttpRequest
from django_prometheus.middleware import PrometheusAfterMiddleware
from django_prometheus.utils import Time


class RequestMetricsMiddleware(PrometheusAfterMiddleware):  # type: ignore[misc]
    def process_request(self, request: HttpRequest) -> None:
        try:
            super().process_request(request)
        except ValueError:
            request.prometheus_after_middleware_event = Time()  # type: ignore[attr-defined]
