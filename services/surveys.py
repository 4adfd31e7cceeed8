"""The satisfaction survey a workflow offers its customer after a closing."""

from django.db import transaction

from cases.errors import Forbidden, InvalidInput
from cases.models import Survey, User
from cases.roles import Role, role_of
from cases.text import clean_text
from workflows.transitions import conflict, lock_case


def survey_submit(*, case_id: int, actor: User, rating: object, comment: str = "") -> Survey:
    """customer_service offers it once the customer accepts the solution; one per case.
    Refusals in the API's order: 404, 403, 400, 409."""
    with transaction.atomic():
        locked = lock_case(case_id, actor)
        if role_of(actor) != Role.CUSTOMER:
            raise Forbidden("Only the customer answers the satisfaction survey.")
        if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
            raise InvalidInput.field("rating", "Must be a whole number from 1 to 5.")
        comment = clean_text("comment", comment, required=False)
        closing = locked.history.filter(target=locked.definition.closed).last()
        offered_after = locked.definition.survey_after
        if offered_after is None or closing is None or closing.transition != offered_after:
            raise conflict(
                locked,
                actor,
                "A survey is offered only once the customer has accepted the solution.",
            )
        if Survey.objects.filter(case=locked).exists():
            raise conflict(locked, actor, "This case already has its survey.")
        return Survey.objects.create(case=locked, respondent=actor, rating=rating, comment=comment)
