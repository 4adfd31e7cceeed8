"""Attachments through the services: the limits, the kinds of file refused, random storage names,
files of a new case and of a reply, adding a file later, and a failed write that leaves neither a
row nor a file behind."""

import re

import pytest
from django.core.files.storage import FileSystemStorage

from cases.errors import Conflict, InvalidInput, NotVisible, TooLarge
from cases.models import Attachment, Case, Comment
from services.attachments import attachment_add, display_name, uploads_checked
from services.cases import case_create
from services.conversation import comment_post
from tests.uploads import PNG, PROGRAM, stored_files, upload
from tests.workflows.walking import walk_to

MIB = 1024 * 1024


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_ten_files_a_message_are_accepted():
    assert len(uploads_checked([upload(f"shot{n}.png") for n in range(10)])) == 10


def test_an_eleventh_file_is_too_many():
    with pytest.raises(TooLarge) as refused:
        uploads_checked([upload(f"shot{n}.png") for n in range(11)])

    assert refused.value.status_code == 413
    assert refused.value.errors == {"attachments": ["At most 10 files a message."]}


def test_a_file_of_10_mib_is_accepted():
    (checked,) = uploads_checked([upload("big.txt", b"x" * (10 * MIB), "text/plain")])

    assert checked.size == 10 * MIB


def test_a_file_over_10_mib_is_too_large():
    with pytest.raises(TooLarge) as refused:
        uploads_checked([upload("big.txt", b"x" * (10 * MIB + 1), "text/plain")])

    assert refused.value.errors == {"attachments": ["big.txt is larger than 10 MiB."]}


def test_the_limits_come_from_the_settings(settings):
    settings.ATTACHMENTS_MAX_FILES = 1
    settings.ATTACHMENTS_MAX_SIZE = 10

    with pytest.raises(TooLarge):
        uploads_checked([upload(), upload()])
    with pytest.raises(TooLarge):
        uploads_checked([upload("notes.txt", b"eleven char", "text/plain")])


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("setup.exe", PROGRAM),
        ("run.bat", b"@echo off"),
        ("install.sh", b"#!/bin/sh\n"),
        ("page.html", b"<script>alert(1)</script>"),
        ("page.htm", b"<p>hi</p>"),
        ("tool.js", b"alert(1)"),
        ("macro.docm", b"PK\x03\x04"),
        ("README", b"plain words"),
        ("invoice.pdf", PROGRAM),
        ("screenshot.png", b"\x7fELF\x02\x01\x01"),
    ],
)
def test_programs_web_pages_and_unknown_kinds_are_refused(name, content):
    with pytest.raises(InvalidInput) as refused:
        uploads_checked([upload(name, content, "application/octet-stream")])

    assert refused.value.status_code == 400
    assert refused.value.errors == {"attachments": [f"{name}: this kind of file is not accepted."]}


def test_an_empty_file_is_refused():
    with pytest.raises(InvalidInput) as refused:
        uploads_checked([upload("empty.txt", b"", "text/plain")])

    assert refused.value.status_code == 400


def test_the_type_comes_from_the_extension_not_from_the_uploader():
    (checked,) = uploads_checked([upload("photo.JPG", b"\xff\xd8\xff\xe0", "text/html")])

    assert checked.content_type == "image/jpeg"


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("report.pdf", "report.pdf"),
        ("C:\\Users\\ann\\Desktop\\report.pdf", "report.pdf"),
        ("../../etc/passwd.txt", "passwd.txt"),
        ("fdp.\u202eexe.txt", "fdp.exe.txt"),
        ("line\nbreak\x00.txt", "linebreak.txt"),
        ("  spaced out.txt. ", "spaced out.txt"),
        ("..", "attachment"),
        ("", "attachment"),
        ("Cafe\u0301 menu.pdf", "Café menu.pdf"),
    ],
)
def test_the_shown_name_is_the_file_name_cleaned(given, shown):
    assert display_name(given) == shown


def test_a_very_long_name_keeps_its_extension():
    name = display_name("a" * 300 + ".pdf")

    assert (len(name), name[-4:]) == (255, ".pdf")


def test_a_file_is_stored_under_a_random_name_with_nothing_of_the_uploaders(
    make_case, customer, media
):
    case = make_case()

    comment = comment_post(
        case_id=case.pk,
        actor=customer,
        body="See the picture.",
        files=[upload("../../evil/../passwd.png")],
    )

    (attachment,) = Attachment.objects.filter(comment=comment)
    assert re.fullmatch(r"attachments/\d{4}/\d{2}/[0-9a-f]{32}", str(attachment.file.name))
    assert attachment.filename == "passwd.png"
    assert stored_files(media) == [media / attachment.file.name]
    assert (media / attachment.file.name).read_bytes() == PNG


def test_two_files_of_the_same_name_are_stored_apart(make_case, customer, media):
    case = make_case()

    comment_post(
        case_id=case.pk, actor=customer, body="Two.", files=[upload("a.png"), upload("a.png")]
    )

    assert len(stored_files(media)) == 2


def test_a_reply_carries_its_files(make_case, customer):
    case = make_case()

    comment = comment_post(
        case_id=case.pk,
        actor=customer,
        body="Logs attached.",
        files=[upload("app.log", b"boom", "text/plain"), upload()],
    )

    rows = list(comment.attachments.values_list("filename", "size", "content_type", "case_id"))
    assert rows == [
        ("app.log", 4, "text/plain", case.pk),
        ("screenshot.png", len(PNG), "image/png", case.pk),
    ]


def test_a_reply_of_files_alone_needs_no_text(make_case, customer):
    case = make_case()

    comment = comment_post(case_id=case.pk, actor=customer, body="", files=[upload()])

    assert (comment.body, comment.attachments.count()) == ("", 1)


def test_a_reply_with_neither_text_nor_files_is_refused(make_case, customer):
    case = make_case()

    with pytest.raises(InvalidInput):
        comment_post(case_id=case.pk, actor=customer, body="")


def test_an_agent_attaches_files_to_an_internal_note(make_case, agent):
    case = make_case()

    note = comment_post(
        case_id=case.pk, actor=agent, body="Their config.", internal=True, files=[upload()]
    )

    assert note.attachments.get().uploaded_by == agent


def test_a_new_case_carries_its_files_on_the_case_itself(queues, customer):
    case = case_create(
        actor=customer,
        queue=queues["technical_support"],
        subject="Printer",
        description="See the photo.",
        files=[upload("printer.jpg", b"\xff\xd8\xff\xe0", "image/jpeg")],
    )

    attachment = case.attachments.get()
    assert (attachment.comment, attachment.uploaded_by, attachment.filename) == (
        None,
        customer,
        "printer.jpg",
    )


def test_too_many_files_on_a_new_case_opens_no_case(queues, customer, media):
    with pytest.raises(TooLarge):
        case_create(
            actor=customer,
            queue=queues["technical_support"],
            subject="Printer",
            files=[upload(f"{n}.png") for n in range(11)],
        )

    assert (Case.objects.count(), stored_files(media)) == (0, [])


@pytest.fixture
def storage_fails_on_the_second_file(monkeypatch):
    saved: list[str] = []
    original = FileSystemStorage.save

    def save(self, name, content, max_length=None):
        if saved:
            raise OSError("No space left on device")
        saved.append(name)
        return original(self, name, content, max_length)

    monkeypatch.setattr(FileSystemStorage, "save", save)
    return saved


def test_a_reply_whose_files_cannot_all_be_stored_leaves_nothing(
    make_case, customer, media, storage_fails_on_the_second_file
):
    case = make_case()

    with pytest.raises(OSError):
        comment_post(case_id=case.pk, actor=customer, body="Two.", files=[upload(), upload()])

    assert storage_fails_on_the_second_file  # the first file was written, then taken back
    assert Comment.objects.filter(case=case).count() == 0
    assert Attachment.objects.count() == 0
    assert stored_files(media) == []


def test_a_reply_that_fails_after_its_files_were_stored_leaves_nothing(
    make_case, customer, media, monkeypatch
):
    case = make_case()

    def fail(*args, **kwargs):
        raise RuntimeError("the outbox is down")

    monkeypatch.setattr("workflows.transitions.notify", fail)

    with pytest.raises(RuntimeError):
        comment_post(case_id=case.pk, actor=customer, body="Two.", files=[upload(), upload()])

    assert Comment.objects.filter(case=case).count() == 0
    assert Attachment.objects.count() == 0
    assert stored_files(media) == []


def test_a_new_case_whose_files_cannot_be_stored_is_not_opened(
    queues, customer, media, storage_fails_on_the_second_file
):
    with pytest.raises(OSError):
        case_create(
            actor=customer,
            queue=queues["technical_support"],
            subject="Printer",
            files=[upload(), upload()],
        )

    assert (Case.objects.count(), Attachment.objects.count(), stored_files(media)) == (0, 0, [])


def test_a_file_is_added_to_the_case(make_case, customer):
    case = make_case()

    attachment = attachment_add(case_id=case.pk, actor=customer, file=upload())

    assert (attachment.case_id, attachment.comment_id) == (case.pk, None)


def test_a_file_is_added_to_ones_own_message(make_case, customer):
    case = make_case()
    comment = comment_post(case_id=case.pk, actor=customer, body="Forgot the file.")

    attachment = attachment_add(
        case_id=case.pk, actor=customer, file=upload(), comment_id=comment.pk
    )

    assert attachment.comment == comment


def test_an_agent_adds_a_file_to_their_internal_note(make_case, agent):
    case = make_case()
    note = comment_post(case_id=case.pk, actor=agent, body="Checking.", internal=True)

    attachment = attachment_add(case_id=case.pk, actor=agent, file=upload(), comment_id=note.pk)

    assert attachment.comment == note


def test_a_file_cannot_go_to_someone_elses_message(make_case, customer, colleague, media):
    case = make_case()
    comment = comment_post(case_id=case.pk, actor=colleague, body="Mine.")

    with pytest.raises(InvalidInput) as refused:
        attachment_add(case_id=case.pk, actor=customer, file=upload(), comment_id=comment.pk)

    assert list(refused.value.errors) == ["comment"]
    assert (Attachment.objects.count(), stored_files(media)) == (0, [])


def test_a_file_cannot_go_to_a_message_of_another_case(make_case, customer):
    case, other = make_case(), make_case()
    comment = comment_post(case_id=other.pk, actor=customer, body="Elsewhere.")

    with pytest.raises(InvalidInput):
        attachment_add(case_id=case.pk, actor=customer, file=upload(), comment_id=comment.pk)


def test_no_file_is_added_to_a_case_that_takes_no_replies(make_case, cast, customer):
    case = walk_to(make_case("technical_support"), "closed", cast)

    with pytest.raises(Conflict):
        attachment_add(case_id=case.pk, actor=customer, file=upload())


def test_no_file_is_added_to_a_case_one_may_not_see(make_case, other_customer):
    case = make_case()

    with pytest.raises(NotVisible):
        attachment_add(case_id=case.pk, actor=other_customer, file=upload())


def test_adding_a_file_of_a_refused_kind_stores_nothing(make_case, customer, media):
    case = make_case()

    with pytest.raises(InvalidInput) as refused:
        attachment_add(case_id=case.pk, actor=customer, file=upload("x.exe", PROGRAM))

    assert list(refused.value.errors) == ["file"]
    assert (Attachment.objects.count(), stored_files(media)) == (0, [])
