"""The signed-in user's own notifications (the in-app list)."""

from rest_framework import mixins, viewsets

from api.serializers.conversation import NotificationSerializer
from notifications.models import Notification


class MyNotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = NotificationSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        from notifications.selectors import notifications_for  # TEMP: lazy until it lands

        return notifications_for(self.request.user)
