"""The rehearsal's processes: each started in a session of its own with its output in a log file
of the run folder, so that a kill takes the whole of it (a gunicorn master and its workers, a
Celery worker and its pool) as a machine's death would, and the outage is timed for the checks."""

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

STOP_SECONDS = 10


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(ready: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} not ready within {seconds:.0f}s")


def listens(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@dataclass
class Outage:
    """From the kill to the moment the restarted process was ready again (None: never)."""

    start: float
    end: float | None = None

    def overlaps(self, start: float, end: float, grace: float) -> bool:
        """Whether the span from `start` to `end` meets the outage, give or take `grace`."""
        down_until = float("inf") if self.end is None else self.end
        return start <= down_until + grace and end >= self.start - grace


@dataclass
class Process:
    """One node's process: `argv` run with `env`, its output appended to `log`; `port`, when it
    serves one, is how readiness is known."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log: Path
    port: int | None = None
    outages: list[Outage] = field(default_factory=list)
    popen: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as output:
            self.popen = subprocess.Popen(
                self.argv,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def wait_ready(self, seconds: float = 60) -> None:
        if self.port is None:
            return
        port = self.port

        def ready() -> bool:
            if not self.running():
                raise RuntimeError(f"{self.name} exited; see {self.log}")
            return listens(port)

        wait_until(ready, seconds, self.name)

    def kill(self) -> None:
        """SIGKILL to the whole process group: nothing of it gets to clean up."""
        if self.popen is None:
            return
        self.outages.append(Outage(time.monotonic()))
        self._signal_group(signal.SIGKILL)
        self.popen.wait()
        if self.port is not None:
            port = self.port
            wait_until(lambda: not listens(port), STOP_SECONDS, f"{self.name}'s port to close")

    def restart(self) -> None:
        self.start()
        self.wait_ready()
        if self.outages and self.outages[-1].end is None:
            self.outages[-1].end = time.monotonic()

    def stop(self) -> None:
        """SIGTERM to the group, then SIGKILL to whatever is left after STOP_SECONDS."""
        if self.popen is None:
            return
        if self.popen.poll() is None:
            self._signal_group(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=STOP_SECONDS)
        # A group's other members (a pool's children) may outlive its leader.
        self._signal_group(signal.SIGKILL)
        self.popen.wait()

    def _signal_group(self, signum: int) -> None:
        assert self.popen is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signum)
