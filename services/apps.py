from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "services"
    verbose_name = "Services"

    def ready(self) -> None:
        # The receivers that forget the cached receiving addresses when a queue or mailbox
        # changes: connected in every process (the web app, the worker, ingest_email).
        from services import mail_addresses  # noqa: F401
