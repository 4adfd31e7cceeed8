from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = "Workflows"

    def ready(self) -> None:
        # Registers each workflow's key and name with the queues (see cases.models.queues).
        from workflows import registry  # noqa: F401
