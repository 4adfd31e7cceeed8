"""The accounts pages the product answers itself, included under accounts/ before
django.contrib.auth's own (helpdesk/urls.py), which answer the rest."""

from django.urls import path

from web.password_reset import PasswordResetView

urlpatterns = [
    path("password_reset/", PasswordResetView.as_view(), name="password_reset"),
]
