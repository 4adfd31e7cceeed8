"""gunicorn.conf.py starts the web app as documented: it serves /health/ and its access log
line carries the request id given back to the client."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_gunicorn_serves_health_and_logs_the_request_id(tmp_path):
    port = free_port()
    unset = {"DATABASE_URL", "DATABASE_POOLER", "REDIS_URL", "CELERY_BROKER_URL", "CACHE_URL"}
    env = {name: value for name, value in os.environ.items() if name not in unset}
    env.update(
        HELPDESK_VAR_DIR=str(tmp_path),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
        GUNICORN_THREADS="2",
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    log = tmp_path / "gunicorn.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [str(GUNICORN), "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/health/", headers={"X-Request-ID": "probe-0123456789"}
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    status, request_id = response.status, response.headers["X-Request-ID"]
                break
            except OSError:
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=40)

    assert status == 200
    assert request_id == "probe-0123456789"
    access = [line for line in log.read_text().splitlines() if "GET /health/" in line]
    assert access and access[0].endswith("probe-0123456789")
