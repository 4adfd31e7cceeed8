"""Routes of the REST API (docs/api.md), its schema and its docs."""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from api.views import attachments, cases, inbound, notifications, people, releases, workflows
from api.views.auth import MyTokenViewSet, TokenView


@csrf_exempt  # it changes nothing; a POST without a CSRF token still deserves a JSON 404
def not_found(request: HttpRequest) -> JsonResponse:
    hint = "" if request.path.endswith("/") else " Every API path ends with a slash."
    return JsonResponse({"detail": f"Not found.{hint}"}, status=404)


router = DefaultRouter()
router.register("organizations", people.OrganizationViewSet, basename="organization")
router.register("users", people.UserViewSet, basename="user")
router.register("queues", people.QueueViewSet, basename="queue")
router.register("workflows", workflows.WorkflowViewSet, basename="workflow")
router.register("cases", cases.CaseViewSet, basename="case")
router.register("attachments", attachments.AttachmentViewSet, basename="attachment")
router.register("releases", releases.ReleaseViewSet, basename="release")
router.register("notifications", notifications.MyNotificationViewSet, basename="notification")
router.register("inbound", inbound.InboundMessageViewSet, basename="inbound")
# One's own API tokens (their keys never: they are shown once, at sign-in).
router.register("auth/tokens", MyTokenViewSet, basename="auth-tokens")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("me/", people.me, name="me"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Made for the pages' CSP: the script comes from a URL of its own, the style from a file.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
    path("", include(router.urls)),
    # Last: any other /api/ path is a JSON 404, in DEBUG too (Django's debug page is HTML), and a
    # POST that forgot its trailing slash gets a clear answer instead of a redirect it can't follow.
    re_path(r"^", not_found),
]
