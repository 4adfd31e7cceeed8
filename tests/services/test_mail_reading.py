"""Reading a raw email (services/mail_reading.py): the corpus of message shapes, read as bytes,
gives the sender's own words, the headers decoded and unfolded, and the files; any bytes at all
are read without an error."""

from io import BytesIO

import pytest

from services.mail_reading import case_subject, header_block, read_headers, read_message
from tests.mail import corpus


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (corpus.gmail_reply(), "Thanks, that fixed it."),
        (corpus.outlook_reply(), "It still fails after the restart."),
        (corpus.apple_mail_reply(), "Works now!\n\nAlice"),
    ],
    ids=["gmail", "outlook", "apple_mail"],
)
def test_a_reply_keeps_only_the_senders_words(raw, words):
    read = read_message(raw)

    assert read.text == words
    assert "turning it off and on" in read.full_text


def test_a_folded_subject_is_read_unfolded():
    read = read_message(corpus.folded_subject_reply("CS-000042"))

    assert read.subject == (
        "Re: Your case about the printer on the third floor that keeps catching fire "
        "[CS-000042] was answered"
    )


def test_latin1_8bit_text_keeps_its_accents_and_backslashes():
    assert read_message(corpus.latin1_message()).text == corpus.LATIN1_TEXT


@pytest.mark.parametrize(
    ("charset", "subject"),
    [("utf-8", corpus.ENCODED_SUBJECT), ("iso-8859-1", corpus.ENCODED_SUBJECT_LATIN1)],
)
def test_encoded_words_are_decoded(charset, subject):
    read = read_message(corpus.encoded_words_message(charset=charset))

    assert (read.subject, read.sender_name) == (subject, corpus.ENCODED_NAME)


def test_html_only_mail_is_read_as_text_without_its_script_or_style():
    text = read_message(corpus.html_only()).text

    assert "The invoice is wrong & late." in text
    assert "alert" not in text
    assert "color" not in text
    assert "<" not in text


def test_a_forwarded_message_is_kept_whole():
    text = read_message(corpus.forwarded()).text

    assert "See below" in text
    assert "Error 42: the fuser is on fire." in text


def test_files_are_read_with_their_names_and_types():
    raw = corpus.with_attachments([("screen.png", "image/png", corpus.PNG)])

    (file,) = read_message(raw).files

    assert (file.filename, file.content_type, file.content) == (
        "screen.png",
        "image/png",
        corpus.PNG,
    )


def test_the_html_form_of_the_text_is_no_file():
    assert read_message(corpus.gmail_reply()).files == []


@pytest.mark.parametrize(
    "raw",
    [corpus.garbage(), corpus.garbage(100_000, seed=3), b"", corpus.no_headers(), b"\x00" * 64],
    ids=["garbage", "more_garbage", "empty", "no_headers", "nuls"],
)
def test_any_bytes_are_read_without_error(raw):
    read = read_message(raw)

    assert "\x00" not in read.text + read.subject + read.sender


def test_message_ids_are_read_with_brackets_and_references_bare():
    raw = corpus.message(
        message_id="<new@mail.example.com>",
        in_reply_to="<b@helpdesk.example>",
        references=["<a@helpdesk.example>", "<b@helpdesk.example>"],
    )

    headers = read_message(raw).headers

    assert headers.message_id == "<new@mail.example.com>"
    assert headers.in_reply_to == ("b@helpdesk.example",)
    assert headers.references == ("a@helpdesk.example", "b@helpdesk.example")


def test_header_block_stops_at_the_first_empty_line():
    stream = BytesIO(corpus.message(subject="Hello") + b"X" * 1000)

    headers = read_headers(header_block(stream))

    assert headers.subject == "Hello"
    assert stream.tell() < 1000


def test_recipients_are_read_in_the_contracts_order():
    raw = corpus.message(
        to="to@helpdesk.example",
        cc="cc@helpdesk.example",
        headers={"Delivered-To": "delivered@helpdesk.example"},
    )

    assert read_message(raw).headers.recipients == (
        "delivered@helpdesk.example",
        "to@helpdesk.example",
        "cc@helpdesk.example",
    )


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Re: Fwd: AW: [CS-000042] Printer", "Printer"),
        ("RE[2]: Printer", "Printer"),
        ("", "(no subject)"),
        ("[cs-000042]", "(no subject)"),
        ("x" * 300, "x" * 255),
    ],
)
def test_case_subject_drops_prefixes_and_reference(subject, expected):
    assert case_subject(subject) == expected


def test_a_large_message_read_from_a_stream_reads_as_from_its_bytes():
    """A stream is read chunk by chunk, its long base64 bodies decoded into files as they pass:
    what it gives is exactly what the same bytes parsed whole give."""
    raw = corpus.large_message(size=2 * 1024 * 1024)

    whole, streamed = read_message(raw), read_message(BytesIO(raw))

    assert (streamed.text, streamed.full_text) == (whole.text, whole.full_text)
    assert [(f.filename, f.content_type, f.size) for f in streamed.files] == [
        (f.filename, f.content_type, f.size) for f in whole.files
    ]
    assert streamed.files[0].content == whole.files[0].content
    assert streamed.files[0].content.startswith(b"Printer log line: the fuser is warm")
    # Decoded into a temporary file while read, never held in memory.
    assert not isinstance(streamed.files[0].source, BytesIO)


def test_a_large_base64_body_ends_at_the_first_line_that_is_not_base64():
    """Text after a base64 body that lacks its boundary is the parser's, as always; a body
    whose padding is missing is decoded as the standard library would."""
    body = b"QUJD" * 19 + b"\r\n"
    raw = (
        b"From: alice@example.com\r\nSubject: Log\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="B"\r\n\r\n'
        b"--B\r\nContent-Type: text/plain\r\n\r\nThe log.\r\n"
        b"--B\r\nContent-Type: application/octet-stream\r\n"
        b'Content-Disposition: attachment; filename="a.log"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n" + body * 5000 + b"QUI\r\n" + b"--B--\r\n"
    )

    whole, streamed = read_message(raw), read_message(BytesIO(raw))

    assert streamed.text == whole.text == "The log."
    assert streamed.files[0].content == whole.files[0].content == b"ABC" * 19 * 5000 + b"AB"
