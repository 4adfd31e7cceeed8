"""URLs of the whole project."""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from django.views.defaults import server_error

from helpdesk.health import health
from helpdesk.metrics_endpoint import metrics

urlpatterns = [
    # For the load balancer and Prometheus: no sign-in, no session (docs/deploy.md).
    path("health/", health, name="health"),
    path("metrics", metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    # Sign in and out, password reset and change: Django's views with templates/registration/,
    # but the reset request, which web answers (limited, and sent through the outbox).
    path("accounts/", include("web.account_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("portal/", include("portal.urls")),
    path("agent/", include("agent.urls")),
    path("", include("web.urls")),
]


def crashed(request: HttpRequest) -> HttpResponse:
    """API clients get a JSON error even when the server fails (unknown /api/ paths are answered
    by `api.urls`' own catch-all)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Internal server error."}, status=500)
    return server_error(request)


handler500 = crashed
