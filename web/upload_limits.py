"""Refuse a request body larger than any form or endpoint accepts before a byte of it is read.

The largest body the product takes is a message with its files: ATTACHMENTS_MAX_FILES files of
ATTACHMENTS_MAX_SIZE bytes each, plus the form's other fields (DATA_UPLOAD_MAX_MEMORY_SIZE) and
the multipart framing. Without this middleware Django's multipart parser reads the whole body
into temporary files, and the attachment service refuses it only once it is all there (a 200 MiB
upload was received in full before its 413). The declared `Content-Length` is known when the
request arrives, so a body above the limit is answered 413 at once: JSON with a `detail` under
/api/ (docs/api.md), a page that says what is allowed elsewhere. The reverse proxy should refuse
it even earlier (docs/deploy.md, "Request size limits").

A body under the limit is still checked field by field and file by file as before (the API's 1
MiB for JSON in api/parsers.py, the attachment service's limits in services/attachments.py).
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.shortcuts import render

API_PREFIX = "/api/"
MIB = 1024 * 1024
# The multipart framing of each file (boundary, headers naming the field, file and type).
FRAMING_PER_FILE = 16 * 1024


def largest_body() -> int:
    """The largest request body any page or endpoint accepts, in bytes."""
    files: int = settings.ATTACHMENTS_MAX_FILES * (settings.ATTACHMENTS_MAX_SIZE + FRAMING_PER_FILE)
    fields: int = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return files + fields


def declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # Django reads a garbled length as no body at all


class UploadLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if declared_length(request) > largest_body():
            return too_large(request)
        return self.get_response(request)


def limits_in_words() -> str:
    files: int = settings.ATTACHMENTS_MAX_FILES
    size = f"{settings.ATTACHMENTS_MAX_SIZE / MIB:g} MiB"
    return f"at most {files} files of {size} each"


def too_large(request: HttpRequest) -> HttpResponseBase:
    detail = f"The request is too large: a message takes {limits_in_words()}. Nothing was saved."
    if request.path_info.startswith(API_PREFIX):
        response: HttpResponseBase = JsonResponse({"detail": detail}, status=413)
    else:
        context = {"limits": limits_in_words()}
        response = render(request, "413.html", context, status=413)
    return response
