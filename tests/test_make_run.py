"""`make run` links its emails to the address it serves, and stops cleanly on Ctrl-C: the web
app, the Celery worker, its embedded beat and everything they started end, without the crash or
the flood of messages of the old `kill 0` trap.

The test starts the real `make run`, self-contained whatever the environment says (SQLite and the
filesystem broker in a temporary HELPDESK_VAR_DIR, a free port), in a process group of its own,
waits until the web app answers and the worker is ready, and then sends SIGINT to the whole group,
as a terminal's Ctrl-C does.

Exit status: the recipe exits 0 on Ctrl-C (a requested stop is no error, so make prints no
"make: ***" line); GNU make then ends itself with the SIGINT it received, which a shell reports as
130 (Python as -2). Accepted: 0, 130 or death by SIGINT; anything else (a crash, an error) fails.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Migrations, the beat schedule and the demo data come first: allow for a slow, busy CI machine.
STARTUP_TIMEOUT = 240
STOP_TIMEOUT = 30
# Processes that are already exiting when make ends may take a moment to be gone.
GONE_TIMEOUT = 5
ACCEPTED_STATUSES = {0, 130, -signal.SIGINT}

pytestmark = [
    pytest.mark.skipif(shutil.which("make") is None, reason="needs make"),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc"),
    # One `make run` at a time on a worker of its own (with `--dist loadgroup`); the free port and
    # the private var dir keep even concurrent test sessions apart.
    pytest.mark.xdist_group("make_run"),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _environment(var_dir: Path) -> dict[str, str]:
    """This environment without any setting of the project (every variable .env.example lists:
    DATABASE_URL, REDIS_URL...) nor the calling make's flags, plus the temporary var dir."""
    settings = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", (ROOT / ".env.example").read_text(), re.M))
    inherited = settings | {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"}
    env = {name: value for name, value in os.environ.items() if name not in inherited}
    env["HELPDESK_VAR_DIR"] = str(var_dir)
    return env


def _serves_http(port: int) -> bool:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/api/", timeout=2)
    except urllib.error.HTTPError:
        return True  # 401 without a token: the web app answers.
    except OSError:
        return False
    return True


def _processes() -> Iterator[tuple[int, str, int, Path]]:
    """(pid, state, process group, /proc folder) of every process, zombies included."""
    for folder in Path("/proc").iterdir():
        if not folder.name.isdigit():
            continue
        try:
            stat = (folder / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        # "pid (command) state ppid pgrp ...": the command may hold spaces and parentheses.
        state, _ppid, pgrp = stat[stat.rindex(")") + 2 :].split()[:3]
        yield int(folder.name), state, int(pgrp), folder


def _survivors(pgid: int, var_dir: Path) -> list[str]:
    """Live processes (not zombies waiting to be reaped) in the group, or anywhere with the
    test's var dir in their environment: whatever `make run` started and is still running."""
    marker = f"HELPDESK_VAR_DIR={var_dir}\0".encode()
    found = []
    for pid, state, pgrp, folder in _processes():
        if state == "Z":
            continue
        try:
            started_here = pgrp == pgid or marker in (folder / "environ").read_bytes()
            command = (folder / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if started_here:
            found.append(f"{pid} {state} {command}")
    return found


def _wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return condition()


def _links_under_make_run(tmp_path: Path, *arguments: str, **environment: str) -> set[str]:
    """The SITE_URL that the worker and the web app of `make run <arguments>` are started with
    (the worker sends the emails), read off stand-ins for the virtualenv's programs (`BIN=`)
    that note their environment and end: the real recipe, in about a second. The worker and the
    web app wait until both have noted theirs, since the recipe stops one when the other ends."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    record = tmp_path / "started.txt"
    for program in ("python", "celery"):
        stand_in = bin_dir / program
        stand_in.write_text(
            "#!/bin/sh\n"
            f'echo "$*|$SITE_URL" >> "{record}"\n'
            'case "$*" in *runserver*|*worker*)\n'
            "  for _ in $(seq 100); do\n"
            f'    [ "$(grep -c -e runserver -e worker "{record}")" -ge 2 ] && exit 0\n'
            "    sleep 0.05\n"
            "  done;;\n"
            "esac\n"
        )
        stand_in.chmod(0o755)
    env = _environment(tmp_path / "var") | environment
    subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-o",
            ".venv/.installed-stamp",
            "run",
            *arguments,
            f"BIN={bin_dir}",
        ],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=60,
        check=False,  # both stand-ins end at once, which the recipe reports as a failure
    )
    started = record.read_text().splitlines()
    served = [line for line in started if "runserver" in line or "worker" in line]
    assert len(served) == 2, started
    return {line.rsplit("|", 1)[1] for line in served}


def test_make_run_links_emails_to_the_port_it_serves(tmp_path: Path) -> None:
    assert _links_under_make_run(tmp_path, "PORT=8600") == {"http://127.0.0.1:8600"}


def test_make_run_links_to_a_browsable_host_when_it_listens_everywhere(tmp_path: Path) -> None:
    links = _links_under_make_run(tmp_path, "HOST=0.0.0.0", "PORT=8601")

    assert links == {"http://127.0.0.1:8601"}


def test_make_run_keeps_a_site_url_set_in_the_environment(tmp_path: Path) -> None:
    links = _links_under_make_run(tmp_path, "PORT=8600", SITE_URL="https://help.example.com")

    assert links == {"https://help.example.com"}


def test_ctrl_c_stops_make_run_and_everything_it_started(tmp_path: Path) -> None:
    port = _free_port()
    var_dir = tmp_path / "var"
    log_path = tmp_path / "make-run.log"
    with log_path.open("wb") as log:
        make = subprocess.Popen(
            # The test runs in the project's installed virtualenv: no reinstall from inside it.
            ["make", "--no-print-directory", "-o", ".venv/.installed-stamp", "run", f"PORT={port}"],
            cwd=ROOT,
            env=_environment(var_dir),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            process_group=0,
        )
    pgid = make.pid
    launched = time.monotonic()

    def output(start: int = 0) -> str:
        return log_path.read_bytes()[start:].decode(errors="replace")

    try:
        ready = _wait_until(
            lambda: (
                make.poll() is not None
                or (_serves_http(port) and re.search(r"celery@\S+ ready\.", output()) is not None)
            ),
            STARTUP_TIMEOUT,
        )
        assert make.poll() is None, f"make run ended by itself:\n{output()[-4000:]}"
        assert ready, f"not serving within {STARTUP_TIMEOUT}s:\n{output()[-4000:]}"

        up = time.monotonic() - launched
        stopping_at = log_path.stat().st_size
        started = time.monotonic()
        os.killpg(pgid, signal.SIGINT)
        try:
            status = make.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            pytest.fail(f"make run still running {STOP_TIMEOUT}s after Ctrl-C:\n{output()[-4000:]}")
        took = time.monotonic() - started

        shutdown = output(stopping_at)
        assert status in ACCEPTED_STATUSES, f"exit status {status}:\n{shutdown[-4000:]}"
        assert "Segmentation fault" not in shutdown
        assert "make: ***" not in shutdown, shutdown[-4000:]
        assert "Traceback" not in shutdown, shutdown[-4000:]
        # Each of Ctrl-C and the recipe's SIGTERM may say it once; the old trap said it thousands
        # of times.
        assert shutdown.count("Warm shutdown") <= 2, shutdown[-4000:]
        assert _wait_until(lambda: not _survivors(pgid, var_dir), GONE_TIMEOUT), (
            "still running after make run ended:\n" + "\n".join(_survivors(pgid, var_dir))
        )
        print(f"make run served after {up:.1f}s and stopped {took:.1f}s after Ctrl-C")
    finally:
        if make.poll() is None or _survivors(pgid, var_dir):
            for line in _survivors(pgid, var_dir):
                os.kill(int(line.split()[0]), signal.SIGKILL)
            make.kill()
            make.wait()
