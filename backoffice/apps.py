from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "backoffice"
    verbose_name = "Back office"

    def ready(self) -> None:
        # After the admin's autodiscovery (this app comes after django.contrib.admin and the
        # packages that register admins): the site's rules and every admin's by role.
        from django.contrib import admin

        from backoffice.admin.site import install

        install(admin.site)
