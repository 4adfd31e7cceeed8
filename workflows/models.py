"""The workflow proxy models of Case and the sweeps' failure records, imported here so that Django
registers them."""

from workflows.customer_service import CustomerServiceCase
from workflows.release_tracking import ReleaseTrackingCase
from workflows.support_center import SupportCenterCase
from workflows.sweep_failures import SweepFailure
from workflows.technical_support import TechnicalSupportCase

__all__ = [
    "CustomerServiceCase",
    "ReleaseTrackingCase",
    "SupportCenterCase",
    "SweepFailure",
    "TechnicalSupportCase",
]
