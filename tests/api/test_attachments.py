"""Attachments in the API: POST /api/cases/{id}/attachments/ (multipart), GET
/api/attachments/{id}/ (the file, with safe headers), the `attachments` of case and comment
objects, and who sees which (404, and absent from every list, for a file one may not see)."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Attachment
from services.attachments import attachment_add
from services.conversation import comment_post
from tests.uploads import PNG, PROGRAM, upload

MIB = 1024 * 1024
ATTACHMENT_FIELDS = {
    "id", "filename", "size", "content_type", "comment", "uploaded_by", "created_at", "url",
}  # fmt: skip


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def post_file(client, case, file, **fields):
    return client.post(
        f"/api/cases/{case.pk}/attachments/", {"file": file, **fields}, format="multipart"
    )


def test_a_customer_attaches_a_file_to_their_case(api, customer, make_case):
    case = make_case()

    response = post_file(api(customer), case, upload("screen shot.png"))

    assert response.status_code == 201
    body = response.json()
    assert set(body) == ATTACHMENT_FIELDS
    assert (body["filename"], body["size"], body["content_type"]) == (
        "screen shot.png",
        len(PNG),
        "image/png",
    )
    assert (body["comment"], body["uploaded_by"]) == (None, customer.pk)
    assert body["url"] == f"http://testserver/api/attachments/{body['id']}/"


def test_a_file_goes_to_ones_own_message_when_named(api, customer, make_case):
    case = make_case()
    comment = comment_post(case_id=case.pk, actor=customer, body="Here it comes.")

    response = post_file(api(customer), case, upload(), comment=comment.pk)

    assert (response.status_code, response.json()["comment"]) == (201, comment.pk)


def test_a_file_for_someone_elses_message_is_400(api, customer, agent, make_case):
    case = make_case()
    comment = comment_post(case_id=case.pk, actor=agent, body="Mine.")

    response = post_file(api(customer), case, upload(), comment=comment.pk)

    assert response.status_code == 400
    assert "comment" in response.json()


def test_a_file_of_a_refused_kind_is_400(api, customer, make_case):
    response = post_file(api(customer), make_case(), upload("setup.exe", PROGRAM))

    assert response.status_code == 400
    assert response.json()["detail"] == "file: setup.exe: this kind of file is not accepted."


def test_a_file_over_10_mib_is_413(api, customer, make_case, media):
    big = upload("dump.log", b"x" * (10 * MIB + 1), "text/plain")

    response = post_file(api(customer), make_case(), big)

    assert response.status_code == 413
    assert response.json()["detail"] == "file: dump.log is larger than 10 MiB."
    assert Attachment.objects.count() == 0


def test_a_file_over_the_1_mib_json_limit_is_accepted(api, customer, make_case):
    """DATA_UPLOAD_MAX_MEMORY_SIZE counts the fields of a multipart body, never its files."""
    log = upload("dump.log", b"x" * 3 * MIB, "text/plain")

    response = post_file(api(customer), make_case(), log)

    assert (response.status_code, response.json()["size"]) == (201, 3 * MIB)


def test_a_json_body_is_415(api, customer, make_case):
    response = api(customer).post(
        f"/api/cases/{make_case().pk}/attachments/", {"file": "x"}, format="json"
    )

    assert response.status_code == 415


def test_no_file_is_400(api, customer, make_case):
    response = api(customer).post(
        f"/api/cases/{make_case().pk}/attachments/", {}, format="multipart"
    )

    assert (response.status_code, list(response.json())) == (400, ["detail", "file"])


def test_a_case_of_another_organization_is_404(api, other_customer, make_case):
    response = post_file(api(other_customer), make_case(), upload())

    assert response.status_code == 404


def test_a_case_that_takes_no_replies_is_409(api, customer, case_in):
    case = case_in("technical_support", "closed")

    response = post_file(api(customer), case, upload())

    assert response.status_code == 409


@pytest.fixture
def files(make_case, customer, agent):
    """A case with a file of its own, one on a public reply and one on an internal note."""
    case = make_case()
    own = attachment_add(
        case_id=case.pk, actor=customer, file=upload("manual.pdf", b"%PDF-1.7", "x")
    )
    reply = comment_post(case_id=case.pk, actor=agent, body="Try this.", files=[upload("r.png")])
    note = comment_post(
        case_id=case.pk,
        actor=agent,
        body="Their licence.",
        internal=True,
        files=[upload("licence-key.txt", b"SECRET", "text/plain")],
    )
    return {
        "case": case,
        "own": own,
        "reply": reply.attachments.get(),
        "note": note.attachments.get(),
    }


def test_a_document_is_downloaded_never_shown_and_never_sniffed(api, customer, files):
    response = api(customer).get(f"/api/attachments/{files['own'].pk}/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="manual.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_picture_is_shown_in_the_browser(api, customer, files):
    response = api(customer).get(f"/api/attachments/{files['reply'].pk}/")

    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'inline; filename="r.png"'
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("accept", ["application/octet-stream", "image/png", "text/html"])
def test_the_file_is_sent_whatever_the_client_accepts(api, customer, files, accept):
    client = api(customer)

    found = client.get(f"/api/attachments/{files['reply'].pk}/", HTTP_ACCEPT=accept)
    missing = client.get(f"/api/attachments/{files['note'].pk}/", HTTP_ACCEPT=accept)

    assert (found.status_code, found["Content-Type"]) == (200, "image/png")
    assert missing.status_code == 404


def test_an_svg_picture_is_downloaded_not_shown(api, customer, make_case):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    case = make_case()
    attachment = attachment_add(
        case_id=case.pk, actor=customer, file=upload("chart.svg", svg, "image/svg+xml")
    )

    response = api(customer).get(f"/api/attachments/{attachment.pk}/")

    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Disposition"] == 'attachment; filename="chart.svg"'
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_name_with_quotes_and_accents_is_sent_safely(api, customer, make_case):
    case = make_case()
    attachment = attachment_add(
        case_id=case.pk, actor=customer, file=upload('rapport "final" été.pdf', b"%PDF", "x")
    )

    response = api(customer).get(f"/api/attachments/{attachment.pk}/")

    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''rapport%20%22final%22%20%C3%A9t%C3%A9.pdf"
    )


@pytest.mark.parametrize("person", ["agent", "manager"])
def test_support_staff_download_an_internal_notes_file(api, cast, files, person):
    response = api(cast[person]).get(f"/api/attachments/{files['note'].pk}/")

    assert response.status_code == 200


def test_a_customer_gets_404_for_an_internal_notes_file(api, customer, files):
    response = api(customer).get(f"/api/attachments/{files['note'].pk}/")

    assert response.status_code == 404
    assert response.json() == {"detail": "No such attachment."}


@pytest.mark.parametrize("name", ["own", "reply", "note"])
def test_a_customer_of_another_organization_gets_404(api, other_customer, files, name):
    response = api(other_customer).get(f"/api/attachments/{files[name].pk}/")

    assert response.status_code == 404


def test_an_unknown_attachment_is_404(api, customer, files):
    assert api(customer).get("/api/attachments/999999/").status_code == 404


def test_no_one_signed_out_downloads_anything(api, files):
    assert api().get(f"/api/attachments/{files['own'].pk}/").status_code == 401


def test_a_case_object_carries_its_own_files_only(api, customer, files):
    body = api(customer).get(f"/api/cases/{files['case'].pk}/").json()

    assert [a["id"] for a in body["attachments"]] == [files["own"].pk]
    assert set(body["attachments"][0]) == ATTACHMENT_FIELDS


def test_each_comment_object_carries_its_files(api, agent, files):
    comments = api(agent).get(f"/api/cases/{files['case'].pk}/comments/").json()

    assert [[a["id"] for a in comment["attachments"]] for comment in comments] == [
        [files["reply"].pk],
        [files["note"].pk],
    ]


def test_a_posted_comment_answers_with_no_files(api, customer, make_case):
    response = api(customer).post(
        f"/api/cases/{make_case().pk}/comments/", {"body": "Hi."}, format="json"
    )

    assert response.json()["attachments"] == []


def test_a_customer_never_meets_an_internal_notes_file_in_any_list(api, customer, files):
    client = api(customer)
    case_id = files["case"].pk
    answers = [
        client.get("/api/cases/").json(),
        client.get(f"/api/cases/{case_id}/").json(),
        client.get(f"/api/cases/{case_id}/comments/").json(),
        client.get(f"/api/cases/{case_id}/history/").json(),
    ]

    text = json.dumps(answers)

    assert "licence-key.txt" not in text
    assert f"/api/attachments/{files['note'].pk}/" not in text
    assert "manual.pdf" in text  # the files the customer may see are there


def test_the_case_list_costs_the_same_with_1_or_20_cases_with_files(api, customer, make_case):
    client = api(customer)

    def with_files(count):
        for _ in range(count):
            case = make_case()
            attachment_add(case_id=case.pk, actor=customer, file=upload())
            attachment_add(case_id=case.pk, actor=customer, file=upload("b.png"))

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/api/cases/", {"page_size": 50})
        assert response.status_code == 200
        return len(captured.captured_queries), len(response.json()["results"])

    with_files(1)
    one, listed = queries()
    with_files(19)
    twenty, listed_later = queries()

    assert (one, listed, listed_later) == (twenty, 1, 20)
