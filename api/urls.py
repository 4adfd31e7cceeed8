"""Routes of the REST API (spec/api.md), its schema and its docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from api.views import cases, notifications, people, releases, workflows
from api.views.auth import TokenView

router = DefaultRouter()
router.register("organizations", people.OrganizationViewSet, basename="organization")
router.register("users", people.UserViewSet, basename="user")
router.register("queues", people.QueueViewSet, basename="queue")
router.register("workflows", workflows.WorkflowViewSet, basename="workflow")
router.register("cases", cases.CaseViewSet, basename="case")
router.register("releases", releases.ReleaseViewSet, basename="release")
router.register("notifications", notifications.MyNotificationViewSet, basename="notification")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("me/", people.me, name="me"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("", include(router.urls)),
]
