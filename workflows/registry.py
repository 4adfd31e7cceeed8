"""The four workflows by key: a queue names one, and every case runs on its proxy model."""

from cases.models import Case
from workflows.models import (
    CustomerServiceCase,
    ReleaseTrackingCase,
    SupportCenterCase,
    TechnicalSupportCase,
)

WORKFLOWS = {
    model.definition.key: model
    for model in (TechnicalSupportCase, SupportCenterCase, CustomerServiceCase, ReleaseTrackingCase)
}


def workflow_model(key: str):
    return WORKFLOWS[key]


def as_workflow_case(case: Case):
    """The same row seen through its workflow's state machine (no query)."""
    model = WORKFLOWS[case.workflow]
    if not isinstance(case, model):
        case.__class__ = model
    return case
