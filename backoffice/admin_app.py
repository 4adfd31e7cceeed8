"""Django's admin app, configured with the helpdesk's own site.

Listed in INSTALLED_APPS in the place of "django.contrib.admin" (a module of its own: an
`apps.py` holding two configurations would make Django guess which one "backoffice" means).
"""

from django.contrib.admin.apps import AdminConfig


class HelpdeskAdminConfig(AdminConfig):
    """The default site, the one every package registers on (`admin.site`), is the
    helpdesk's (`backoffice.site`)."""

    default_site = "backoffice.site.HelpdeskAdminSite"
