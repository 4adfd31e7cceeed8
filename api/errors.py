"""Every API error is a JSON object with a `detail` string; service refusals keep their code."""

from typing import Any

from django.core.exceptions import RequestDataTooBig
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from cases.errors import Conflict, InvalidInput, ServiceError


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is larger than 1 MiB."
    default_code = "payload_too_large"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ServiceError):
        return Response(service_error_body(exc), status=exc.status_code)
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    response.data = with_detail(response.data)
    return response


def service_error_body(exc: ServiceError) -> dict[str, Any]:
    body: dict[str, Any] = {"detail": exc.detail}
    if isinstance(exc, InvalidInput):
        body.update(exc.errors)
    if isinstance(exc, Conflict) and exc.status is not None:
        body["status"] = exc.status
        body["available_transitions"] = exc.available_transitions or []
    return body


def with_detail(data: object) -> dict[str, Any]:
    """DRF's field errors, with a `detail` summing them up in one sentence."""
    if isinstance(data, dict) and isinstance(data.get("detail"), str):
        return data
    if isinstance(data, dict):
        return {"detail": _first_message(data), **data}
    return {"detail": _first_message(data), "errors": data}


def _first_message(data: object) -> str:
    if isinstance(data, dict):
        for field, messages in data.items():
            text = _first_message(messages)
            return text if field in ("non_field_errors", "detail") else f"{field}: {text}"
    if isinstance(data, list) and data:
        return _first_message(data[0])
    return str(data) if data else "Invalid input."
