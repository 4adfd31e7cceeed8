"""A request id on every answer and every log record of its request, so that one request's lines
can be found among the interleaved lines of many processes, and matched to the proxy's log.

The id is the proxy's `X-Request-ID` when it sent a well-formed one (so both logs share it),
otherwise a new one; the answer carries it back in `X-Request-ID`, and gunicorn's access log
prints it (gunicorn.conf.py).
"""

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponseBase

HEADER = "X-Request-ID"
# Letters, digits and the punctuation of the usual formats (UUIDs, AWS's "Root=1-…", base64):
# never spaces, quotes or control characters that could forge or break a log line.
WELL_FORMED = re.compile(r"[A-Za-z0-9._:=+/-]{8,128}")
NONE = "-"

current_request_id: ContextVar[str] = ContextVar("current_request_id", default=NONE)


def request_id_from(request: HttpRequest) -> str:
    offered = request.headers.get(HEADER, "")
    if WELL_FORMED.fullmatch(offered):
        return offered
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request_id = request_id_from(request)
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Stamps each record with the id of the request being served ("-" outside one: the worker,
    beat, commands)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get()
        return True
