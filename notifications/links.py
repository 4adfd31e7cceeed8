"""Where an email sends its reader: the case's page in the customer portal (customers) or in the
agent workspace (agents and managers), as an absolute address under the SITE_URL setting.

This layer may not import the URLconfs of `portal/` and `agent/` (they sit above it), so the two
paths of the case pages (portal/urls.py, agent/urls.py) are written here, and only here.
"""

from urllib.parse import quote

from django.conf import settings

from cases.models import Case, User
from cases.roles import is_staff_role, role_of

CUSTOMER_CASE_PATH = "/portal/cases/{reference}/"
STAFF_CASE_PATH = "/agent/cases/{reference}/"


def case_url(case: Case, recipient: User) -> str:
    """The page of `case` that `recipient` works on, e.g.
    "https://help.example.com/portal/cases/CS-000042/"."""
    path = STAFF_CASE_PATH if is_staff_role(role_of(recipient)) else CUSTOMER_CASE_PATH
    site = str(settings.SITE_URL).rstrip("/")
    if case.reference is None:  # set when the case is created, so never for a saved case
        raise ValueError(f"Case {case.pk} has no reference to link to.")
    return site + path.format(reference=quote(case.reference, safe=""))
