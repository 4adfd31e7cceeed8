"""The signed-in user's own notifications (the in-app list)."""

from django.db.models import QuerySet
from rest_framework import mixins, viewsets

from api.permissions import acting_user
from api.serializers.conversation import NotificationSerializer
from notifications.models import Notification
from notifications.selectors import notifications_for


class MyNotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Notification]):
    serializer_class = NotificationSerializer

    def get_queryset(self) -> QuerySet[Notification]:
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return notifications_for(acting_user(self.request))
