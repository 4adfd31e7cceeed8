"""URLs of the shared web pages (the accounts pages come from django.contrib.auth.urls)."""

from django.urls import path

from web import views
from web.attachments import attachment_download

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "attachments/<int:attachment_id>/<str:filename>",
        attachment_download,
        name="attachment",
    ),
]
