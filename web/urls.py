"""URLs of the shared web pages (the accounts pages come from django.contrib.auth.urls)."""

from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

from web import views
from web.attachments import attachment_download

urlpatterns = [
    path("", views.home, name="home"),
    # Browsers ask for /favicon.ico on pages that name no icon (the Django admin's).
    path("favicon.ico", RedirectView.as_view(url=static("img/favicon.svg"), permanent=True)),
    path(
        "attachments/<int:attachment_id>/<str:filename>",
        attachment_download,
        name="attachment",
    ),
]
