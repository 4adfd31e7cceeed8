"""Downloading an attachment from the pages: `/attachments/<id>/<filename>`, signed in with the
session, answered exactly as the API answers it (`services.attachments.attachment_download`)."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_safe

from cases.errors import NotVisible
from cases.models import User
from services.attachments import attachment_download


@require_safe
@login_required
def download(request: HttpRequest, attachment_id: int, filename: str) -> FileResponse:
    """`filename` is only there so that the link reads well and a saved file keeps its name; the
    id decides which file it is, and `attachment_download` who may have it (404 otherwise)."""
    user = request.user
    if not isinstance(user, User):
        raise Http404("No such attachment.")
    try:
        download = attachment_download(actor=user, attachment_id=attachment_id)
    except NotVisible:
        raise Http404("No such attachment.") from None
    return FileResponse(download.file, **download.options())
