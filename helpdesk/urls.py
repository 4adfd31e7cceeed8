"""URLs of the whole project."""

from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path
from django.views.defaults import page_not_found, server_error
from django.views.generic import RedirectView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    # Until the portals land, the front door is the API's interactive documentation.
    path("", RedirectView.as_view(pattern_name="docs", permanent=False)),
]


def not_found(request, exception):
    """API clients get JSON errors even for paths no view matches."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)


def crashed(request):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Internal server error."}, status=500)
    return server_error(request)


handler404 = not_found
handler500 = crashed
