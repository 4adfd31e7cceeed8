"""The four workflows by key: a queue names one, and every case runs on its proxy model."""

from django.db.models import ForeignKey

from cases.models import Case
from cases.models.queues import register_workflow
from workflows.base import WorkflowCase
from workflows.models import (
    CustomerServiceCase,
    ReleaseTrackingCase,
    SupportCenterCase,
    TechnicalSupportCase,
)

WORKFLOWS: dict[str, type[WorkflowCase]] = {
    model.definition.key: model
    for model in (TechnicalSupportCase, SupportCenterCase, CustomerServiceCase, ReleaseTrackingCase)
}
for _key, _model in WORKFLOWS.items():
    register_workflow(_key, _model.definition.name)


def workflow_model(key: str) -> type[WorkflowCase]:
    return WORKFLOWS[key]


def as_workflow_case(case: Case) -> WorkflowCase:
    """The same row seen through its workflow's state machine, without a query: the case itself
    when it already is one, else a proxy instance made from its field values (`Model.from_db`,
    Django's documented way to build an instance from a row), keeping the related rows it has
    read (its queue, requester, assignee…)."""
    model = WORKFLOWS[case.workflow]
    if isinstance(case, model):
        return case
    fields = [field.attname for field in Case._meta.concrete_fields]
    proxy = model.from_db(case._state.db, fields, [getattr(case, name) for name in fields])
    for field in Case._meta.concrete_fields:
        if isinstance(field, ForeignKey) and field.is_cached(case):
            setattr(proxy, field.name, getattr(case, field.name))
    return proxy
