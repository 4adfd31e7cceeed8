"""A download (`services.attachments.attachment_download`), as the pages' entrance
(`web.attachments.download`, /attachments/<id>/<filename>) gives it: the same file and headers as
the API, 404 for whoever may not see it, the sign-in page for nobody."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import RequestFactory
from rest_framework.test import APIClient

from cases.errors import NotVisible
from services.attachments import attachment_add, attachment_download
from services.conversation import comment_post
from tests.uploads import PNG, upload
from web.attachments import download


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def note_file(make_case, agent):
    case = make_case()
    note = comment_post(
        case_id=case.pk, actor=agent, body="Internal.", internal=True, files=[upload("n.txt", b"n")]
    )
    return note.attachments.get()


@pytest.fixture
def picture(make_case, customer):
    return attachment_add(case_id=make_case().pk, actor=customer, file=upload("shot.png"))


def page_get(user, attachment, method="get"):
    request = getattr(RequestFactory(), method)(f"/attachments/{attachment.pk}/x")
    request.user = user
    return download(request, attachment_id=attachment.pk, filename=attachment.filename)


def test_the_page_sends_the_file_as_the_api_does(customer, picture):
    page = page_get(customer, picture)
    client = APIClient()
    client.force_authenticate(customer)
    api = client.get(f"/api/attachments/{picture.pk}/")

    assert page.getvalue() == api.getvalue() == PNG
    for header in ("Content-Type", "Content-Disposition", "X-Content-Type-Options"):
        assert page[header] == api[header]


def test_the_page_answers_404_for_an_internal_notes_file(customer, note_file):
    with pytest.raises(Http404):
        page_get(customer, note_file)


def test_the_page_answers_404_for_another_organizations_file(other_customer, picture):
    with pytest.raises(Http404):
        page_get(other_customer, picture)


def test_the_page_lets_an_agent_have_an_internal_notes_file(agent, note_file):
    assert page_get(agent, note_file).status_code == 200


def test_the_page_sends_nobody_signed_out_to_sign_in(picture):
    response = page_get(AnonymousUser(), picture)

    assert response.status_code == 302


def test_the_page_refuses_to_change_anything(customer, picture):
    assert page_get(customer, picture, method="post").status_code == 405


def test_a_file_gone_from_the_storage_is_404(customer, picture, media):
    (media / picture.file.name).unlink()

    with pytest.raises(NotVisible):
        attachment_download(actor=customer, attachment_id=picture.pk)


def test_a_download_is_private_and_sandboxed(customer, picture):
    response = page_get(customer, picture)

    assert response["Cache-Control"] == "private, no-cache"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Content-Length"] == str(len(PNG))
