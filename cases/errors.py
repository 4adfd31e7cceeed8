"""Typed refusals raised by the services; the API and the views turn each into its HTTP answer."""


class ServiceError(Exception):
    status_code = 400

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotVisible(ServiceError):
    """404: the case does not exist for this user (customers never learn that it exists)."""

    status_code = 404


class UnknownTransition(ServiceError):
    status_code = 404


class Forbidden(ServiceError):
    """403: the user's role may not do this."""

    status_code = 403


class Conflict(ServiceError):
    """409: not possible in the current state of the case (or release)."""

    status_code = 409

    def __init__(
        self, detail: str, *, status: str | None = None, available: list[str] | None = None
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.available_transitions = available


class NewMessages(Conflict):
    """409: public messages reached the case after the page the reply was written on was drawn;
    sent now, the reply could cross them (two contradictory answers). Nothing was posted."""


class InvalidInput(ServiceError):
    """400: a payload field is missing or invalid; `errors` maps each field to its messages."""

    status_code = 400

    def __init__(self, errors: dict[str, list[str]]) -> None:
        first_field, messages = next(iter(errors.items()))
        super().__init__(f"{first_field}: {messages[0]}")
        self.errors = errors

    @classmethod
    def field(cls, name: str, message: str) -> "InvalidInput":
        return cls({name: [message]})


class TooLarge(InvalidInput):
    """413: the files sent are too big or too many; an `InvalidInput` too, so that a form shows
    the message beside its field like any other."""

    status_code = 413
