"""URLs of the shared web pages (the accounts pages come from django.contrib.auth.urls)."""

from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

from web import attachments, views
from web.settings_page import account_settings

urlpatterns = [
    path("", views.home, name="home"),
    # Beside Django's own accounts pages (helpdesk/urls.py includes them under accounts/ first).
    path("accounts/settings/", account_settings, name="account_settings"),
    # Browsers ask for /favicon.ico on pages that name no icon (the Django admin's).
    path("favicon.ico", RedirectView.as_view(url=static("img/favicon.svg"), permanent=True)),
    path(
        "attachments/<int:attachment_id>/<str:filename>",
        attachments.download,
        name="attachment",
    ),
]
