"""Every answer carries a request id, the proxy's when well formed, and so does every log record
written while serving it; LOG_FORMAT=json writes each record as one JSON object."""

import io
import json
import logging

import pytest
from django.http import HttpResponse, HttpResponseBase
from django.test import RequestFactory
from pythonjsonlogger.json import JsonFormatter

from helpdesk.request_id import RequestIdFilter, RequestIdMiddleware

log = logging.getLogger("tests.request")


def serve(headers: dict[str, str] | None = None) -> tuple[HttpResponseBase, list[str]]:
    """Serve one request whose view logs a line; the ids its records carried."""
    seen: list[str] = []

    def view(request):
        record = logging.LogRecord("tests", logging.INFO, __file__, 1, "serving", None, None)
        RequestIdFilter().filter(record)
        seen.append(record.request_id)
        return HttpResponse("ok")

    request = RequestFactory().get("/", headers=headers or {})
    return RequestIdMiddleware(view)(request), seen


def test_a_well_formed_id_from_the_proxy_is_kept():
    response, seen = serve({"X-Request-ID": "Root=1-67891233-abcdef012345678912345678"})

    assert response["X-Request-ID"] == "Root=1-67891233-abcdef012345678912345678"
    assert seen == ["Root=1-67891233-abcdef012345678912345678"]


@pytest.mark.parametrize("offered", ["", "short", "has space in it", 'quote"forged', "x" * 200])
def test_a_missing_or_ill_formed_id_is_replaced_by_a_new_one(offered):
    response, seen = serve({"X-Request-ID": offered} if offered else None)

    assert response["X-Request-ID"] != offered
    assert len(response["X-Request-ID"]) == 32
    assert seen == [response["X-Request-ID"]]


def test_records_outside_a_request_say_so():
    record = logging.LogRecord("tests", logging.INFO, __file__, 1, "beat", None, None)
    RequestIdFilter().filter(record)

    assert record.request_id == "-"


def test_json_lines_carry_the_level_logger_message_and_request_id(settings):
    config = settings.LOGGING["formatters"]["json"]
    formatter = JsonFormatter(config["fmt"], rename_fields=config["rename_fields"])
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    handler.addFilter(RequestIdFilter())
    log.addHandler(handler)
    try:
        serve_logging(log)
    finally:
        log.removeHandler(handler)

    line = json.loads(stream.getvalue().splitlines()[0])
    assert line["level"] == "WARNING"
    assert line["logger"] == "tests.request"
    assert line["message"] == "slow answer"
    assert line["request_id"] == "fedcba9876543210"


def serve_logging(logger: logging.Logger) -> None:
    def view(request):
        logger.warning("slow answer")
        return HttpResponse("ok")

    request = RequestFactory().get("/", headers={"X-Request-ID": "fedcba9876543210"})
    RequestIdMiddleware(view)(request)
