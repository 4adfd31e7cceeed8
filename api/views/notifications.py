"""The signed-in user's own notifications (the in-app list)."""

from rest_framework import mixins, viewsets

from api.serializers.conversation import NotificationSerializer
from notifications.models import Notification
from notifications.selectors import notifications_for


class MyNotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = NotificationSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return notifications_for(self.request.user)
