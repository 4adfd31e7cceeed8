"""`manage.py ingest_email`, as a mail server runs it: one message on standard input, or a
Maildir; exit 0 once stored whatever becomes of it, 75 (EX_TEMPFAIL) only when it could not be
stored, never a traceback."""

import os
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import OperationalError

import mail.management.commands.ingest_email as ingest_email
import services.inbound
from cases.models import Case, InboundMessage, Outcome, Via
from services.cases import case_create
from tests.mail import corpus

pytestmark = pytest.mark.django_db


def ingest(raw: bytes, **options) -> None:
    call_command("ingest_email", stdin=BytesIO(raw), **options)


def test_a_message_on_standard_input_is_stored_and_handled(support, customer):
    ingest(corpus.message())

    row = InboundMessage.objects.get()
    assert (row.via, row.outcome) == (Via.PIPE, Outcome.NEW_CASE)
    assert Case.objects.get().requester == customer


def test_the_recipient_option_is_the_envelope_recipient(support, customer):
    ingest(corpus.message(to="alias@example.com"), recipient=corpus.SUPPORT)

    row = InboundMessage.objects.get()
    assert (row.envelope_recipient, row.outcome) == (corpus.SUPPORT, Outcome.NEW_CASE)


@pytest.mark.parametrize(
    "raw", [corpus.garbage(), b"", corpus.no_headers()], ids=["garbage", "empty", "no_headers"]
)
def test_any_bytes_are_stored_and_held(raw, support):
    ingest(raw)

    assert InboundMessage.objects.get().outcome == Outcome.HELD


def test_the_same_message_twice_changes_nothing(support, customer):
    raw = corpus.message()

    ingest(raw)
    ingest(raw)

    assert (InboundMessage.objects.count(), Case.objects.count()) == (1, 1)


def test_a_message_that_cannot_be_stored_exits_75(monkeypatch):
    def down(**kwargs):
        raise OperationalError("connection refused\nis the server running?")

    monkeypatch.setattr(ingest_email, "inbound_store", down)

    with pytest.raises(CommandError) as refused:
        ingest(corpus.message())

    assert refused.value.returncode == 75
    assert "\n" not in str(refused.value)
    assert "OperationalError: connection refused" in str(refused.value)


def test_a_failure_to_handle_still_exits_0_and_is_recorded(support, customer, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("broken")

    monkeypatch.setattr(services.inbound, "case_create", broken)

    ingest(corpus.message())

    row = InboundMessage.objects.get()
    assert (row.outcome, row.attempts, row.last_error) == (
        Outcome.PENDING,
        1,
        "RuntimeError: broken",
    )


def test_a_maildir_is_read_and_each_message_moved_to_cur(tmp_path, support, customer):
    for name in ("new", "cur", "tmp"):
        (tmp_path / name).mkdir()
    (tmp_path / "new" / "1.host").write_bytes(corpus.message(subject="One"))
    (tmp_path / "new" / "2.host:2,S").write_bytes(corpus.message(subject="Two"))

    call_command("ingest_email", maildir=str(tmp_path))

    assert not list((tmp_path / "new").iterdir())
    assert sorted(path.name for path in (tmp_path / "cur").iterdir()) == ["1.host:2,", "2.host:2,S"]
    assert sorted(Case.objects.values_list("subject", flat=True)) == ["One", "Two"]
    assert set(InboundMessage.objects.values_list("via", flat=True)) == {Via.MAILDIR}


def test_a_maildir_message_that_cannot_be_stored_stays_in_new(tmp_path, monkeypatch):
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "1.host").write_bytes(corpus.message())
    monkeypatch.setattr(ingest_email, "inbound_store", _down)

    with pytest.raises(CommandError) as refused:
        call_command("ingest_email", maildir=str(tmp_path))

    assert refused.value.returncode == 75
    assert [path.name for path in (tmp_path / "new").iterdir()] == ["1.host"]


def _down(**kwargs):
    raise OSError("No space left on device")


def test_a_folder_that_is_no_maildir_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="not a Maildir"):
        call_command("ingest_email", maildir=str(tmp_path))


# --- a real process, as the mail server runs it -------------------------------------------------


def run(database_url: str, raw: bytes, tmp_path: Path) -> subprocess.CompletedProcess[bytes]:
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "ingest_email"],
        input=raw,
        capture_output=True,
        cwd=django_settings.BASE_DIR,
        env=environment,
        timeout=120,
        check=False,
    )


def test_the_process_exits_75_in_one_line_when_the_database_is_down(tmp_path):
    done = run(f"sqlite:///{tmp_path}/missing/folder/db.sqlite3", corpus.message(), tmp_path)

    assert done.returncode == 75
    assert b"Traceback" not in done.stderr
    assert len(done.stderr.decode().strip().splitlines()) == 1


def test_the_process_exits_0_once_stored(tmp_path):
    database_url = f"sqlite:///{tmp_path}/db.sqlite3"
    environment = {**os.environ, "DATABASE_URL": database_url}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"],
        cwd=django_settings.BASE_DIR,
        env=environment,
        check=True,
        timeout=300,
    )

    done = run(database_url, corpus.garbage(), tmp_path)

    assert (done.returncode, done.stderr) == (0, b"")
    assert len(list((tmp_path / "media" / "inbound").rglob("*.eml"))) == 1


# --- the corpus, piped: each shape and what it becomes ------------------------------------------

SHAPES = {
    "gmail_reply": (lambda ref: corpus.gmail_reply(subject=f"Re: [{ref}] answered"), "reply"),
    "outlook_reply": (lambda ref: corpus.outlook_reply(subject=f"RE: [{ref}] answered"), "reply"),
    "apple_mail_reply": (lambda ref: corpus.apple_mail_reply(subject=f"Re: [{ref}] x"), "reply"),
    "folded_subject": (corpus.folded_subject_reply, "reply"),
    "latin1": (lambda ref: corpus.latin1_message(), "new_case"),
    "encoded_words": (
        lambda ref: corpus.encoded_words_message(address="alice@example.com"),
        "new_case",
    ),
    "html_only": (lambda ref: corpus.html_only(), "new_case"),
    "forwarded": (lambda ref: corpus.forwarded(), "new_case"),
    "bounce": (lambda ref: corpus.bounce("alice@example.com"), "bounce"),
    "out_of_office": (lambda ref: corpus.out_of_office(), "ignored"),
    "garbage": (lambda ref: corpus.garbage(), "held"),
    "stranger": (lambda ref: corpus.message(sender="eve@evil.example", subject=f"[{ref}]"), "held"),
    "large": (lambda ref: corpus.large_message(), "refused"),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_each_shape_piped_becomes_what_the_contract_says(shape, support, customer):
    case = case_create(actor=customer, queue=support, subject="Printer")
    build, outcome = SHAPES[shape]

    ingest(build(case.reference))

    row = InboundMessage.objects.get()
    assert row.outcome == outcome, row.reason
    if outcome == "reply":
        assert row.case_id == case.pk
