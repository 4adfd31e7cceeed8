"""Production settings: with the environment .env.example documents for production,
`manage.py check --deploy` reports nothing; under DEBUG, development runs on plain HTTP."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.utils import get_random_secret_key

ROOT = Path(settings.BASE_DIR)
SECURITY_VARIABLES = {
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_PROXY_SSL_HEADER",
}


def documented_production_values() -> dict[str, str]:
    """`NAME=...  # ... production: VALUE` lines of .env.example."""
    lines = (ROOT / ".env.example").read_text().splitlines()
    found = (re.match(r"(\w+)=.*#.*\bproduction: (\S+)", line) for line in lines)
    return {match[1]: match[2] for match in found if match}


def environment(tmp_path: Path, **variables: str) -> dict[str, str]:
    """This process's environment without DEBUG, the database or any security variable; then
    `variables`."""
    unset = {*SECURITY_VARIABLES, "DEBUG", "DATABASE_URL"}
    kept = {name: value for name, value in os.environ.items() if name not in unset}
    return {**kept, "HELPDESK_VAR_DIR": str(tmp_path), **variables}


def check_deploy(tmp_path: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment(tmp_path, **variables),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_env_example_documents_every_security_variable_for_production():
    assert set(documented_production_values()) >= SECURITY_VARIABLES


def test_the_documented_production_environment_passes_check_deploy(tmp_path):
    result = check_deploy(
        tmp_path,
        DEBUG="false",
        SECRET_KEY=get_random_secret_key(),
        ALLOWED_HOSTS="helpdesk.example.com",
        **documented_production_values(),
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_with_debug_off_https_is_the_default(tmp_path):
    """Only the two settings that reach beyond this host are left to opt into."""
    result = check_deploy(
        tmp_path,
        DEBUG="false",
        SECRET_KEY=get_random_secret_key(),
        ALLOWED_HOSTS="helpdesk.example.com",
    )

    output = result.stdout + result.stderr
    reported = set(re.findall(r"security\.W\d+", output))
    assert reported == {"security.W005", "security.W021"}, output  # HSTS subdomains, preload


def settings_under(tmp_path: Path, **variables: str) -> Any:
    """The security settings as helpdesk/settings.py reads them from these variables."""
    script = (
        "import json, helpdesk.settings as s; "
        f"print(json.dumps({{name: getattr(s, name) for name in {sorted(SECURITY_VARIABLES)!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment(tmp_path, **variables),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def test_development_runs_on_plain_http(tmp_path):
    assert settings_under(tmp_path, DEBUG="true") == {
        "CSRF_COOKIE_SECURE": False,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_PROXY_SSL_HEADER": None,
        "SECURE_SSL_REDIRECT": False,
        "SESSION_COOKIE_SECURE": False,
    }


def test_the_proxy_ssl_header_is_a_header_and_a_value(tmp_path):
    values = settings_under(tmp_path, SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https")

    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_cookies_and_headers_are_locked_down_everywhere():
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.X_FRAME_OPTIONS == "DENY"
    assert settings.SECURE_REFERRER_POLICY == "same-origin"
