from django.apps import AppConfig
from django.db.models.signals import pre_save


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "REST API"

    def ready(self) -> None:
        from api.signals import revoke_tokens_on_new_password
        from cases.models import User

        pre_save.connect(
            revoke_tokens_on_new_password, sender=User, dispatch_uid="revoke_tokens_on_new_password"
        )
