"""`load_demo_data` creates a superuser and people with a published password: with DEBUG off (a
real site) it refuses, exiting non-zero, unless forced with `--force`, which warns."""

import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cases.models import User

ROOT = Path(__file__).resolve().parents[2]


def test_with_debug_off_it_refuses_and_creates_nobody(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="Refusing to load demo data with DEBUG off"):
        call_command("load_demo_data", stdout=StringIO(), stderr=StringIO())

    assert not User.objects.exists()


def test_the_refusal_says_how_to_go_on(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError) as refusal:
        call_command("load_demo_data", stdout=StringIO(), stderr=StringIO())

    assert "DEBUG=true" in str(refusal.value)
    assert "--force" in str(refusal.value)


def test_the_command_line_exits_non_zero(tmp_path):
    """As an operator runs it on a production host: no stack trace, a message and status 1."""
    env = {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "false",
        "SECRET_KEY": "a-test-secret-key-that-is-long-enough-for-the-checks-0123456789",
        "HELPDESK_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "load_demo_data"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 1
    assert "Refusing to load demo data with DEBUG off" in result.stderr
    assert "Traceback" not in result.stderr


def test_forced_it_loads_and_warns(db, settings, monkeypatch):
    settings.DEBUG = False
    loaded = []
    monkeypatch.setattr("demo.loader.load", lambda: loaded.append(True) or _Nothing())
    monkeypatch.setattr("demo.loader.login_table", lambda: [])
    err = StringIO()

    call_command("load_demo_data", "--force", stdout=StringIO(), stderr=err)

    assert loaded == [True]
    assert "Warning: loading demo data with DEBUG off" in err.getvalue()


def test_in_development_it_loads_without_a_warning(db, settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setattr("demo.loader.load", lambda: _Nothing())
    monkeypatch.setattr("demo.loader.login_table", lambda: [])
    err = StringIO()

    call_command("load_demo_data", stdout=StringIO(), stderr=err)

    assert err.getvalue() == ""


class _Nothing:
    """What the loader reports when the demo data is already there."""

    created = False
    cases = 0
    users_created: tuple[str, ...] = ()
    saved_replies_created: tuple[str, ...] = ()
