"""The satisfaction survey a workflow offers its customer after a closing."""

from cases.actors import Actor
from cases.errors import Forbidden, InvalidInput
from cases.models import Survey, User
from cases.text import clean_text
from workflows.transitions import change_case


def survey_submit(
    *, case_id: int, actor: User | Actor, rating: object, comment: str = ""
) -> Survey:
    """customer_service offers it once the customer accepts the solution; one per case.
    Refusals in the API's order: 404, 403, 400, 409."""
    who = Actor.of(actor)
    with change_case(case_id=case_id, actor=who) as change:
        locked = change.case
        if not who.is_customer or who.user is None:
            raise Forbidden("Only the customer answers the satisfaction survey.")
        if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
            raise InvalidInput.field("rating", "Must be a whole number from 1 to 5.")
        comment = clean_text("comment", comment, required=False)
        closing = locked.history.filter(target=locked.definition.closed).last()
        offered_after = locked.definition.survey_after
        if offered_after is None or closing is None or closing.transition != offered_after:
            raise change.refusal(
                "A survey is offered only once the customer has accepted the solution."
            )
        if Survey.objects.filter(case=locked).exists():
            raise change.refusal("This case already has its survey.")
        return Survey.objects.create(
            case=locked, respondent=who.user, rating=rating, comment=comment
        )
