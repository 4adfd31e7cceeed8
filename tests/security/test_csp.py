"""The Content Security Policy: every page is sent with the strict policy, and nothing we serve
needs more (no inline script or style in our templates, the API docs load their script and style
from files)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

POLICY = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
}

# What a template may not hold under that policy. E-mails are not served under it.
INLINE = {
    "an inline <script>": re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>"),
    "a <style> element": re.compile(r"<style\b"),
    "a style attribute": re.compile(r"\sstyle\s*="),
    "an event handler attribute": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "an hx-on attribute (htmx evaluates it)": re.compile(r"\shx-on"),
    "a javascript: URL": re.compile(r"=\s*[\"']?\s*javascript:", re.IGNORECASE),
}
COMMENTS = re.compile(r"{#.*?#}|{% comment %}.*?{% endcomment %}|<!--.*?-->", re.DOTALL)
# Emails are no pages: mail clients drop <style>, so their styles are inline.
EMAILS = (Path("templates/notifications/email"), Path("templates/notifications/mail_notice"))


def policy_of(response) -> dict[str, set[str]]:
    directives = [part.split() for part in response["Content-Security-Policy"].split(";")]
    return {name: set(sources) for name, *sources in directives if name}


def our_templates() -> list[Path]:
    root = Path(settings.BASE_DIR)
    folders = [root / "templates", *(path for path in root.glob("*/templates") if path.is_dir())]
    return sorted(
        path.relative_to(root)
        for folder in folders
        for path in folder.rglob("*.html")
        if not any(path.relative_to(root).is_relative_to(emails) for emails in EMAILS)
    )


@pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/password_reset/", "/admin/login/"])
def test_pages_are_sent_with_the_strict_policy(db, url):
    response = Client().get(url)

    assert response.status_code == 200
    assert policy_of(response) == POLICY


def test_a_signed_in_page_is_sent_with_the_strict_policy(customer):
    client = Client()
    client.force_login(customer)

    response = client.get("/", follow=True)

    assert response.status_code == 200
    assert policy_of(response) == POLICY


def test_the_admin_works_under_the_same_policy(root):
    client = Client()
    client.force_login(root)

    response = client.get("/admin/cases/case/")

    assert response.status_code == 200
    assert policy_of(response) == POLICY


def test_the_api_docs_allow_no_inline_script_or_style(db):
    response = Client().get("/api/docs/")
    html = response.content.decode()

    assert response.status_code == 200
    assert "'unsafe-inline'" not in policy_of(response)["script-src"]
    assert policy_of(response) == POLICY
    assert not INLINE["an inline <script>"].search(html)
    assert not INLINE["a <style> element"].search(html)


def test_the_api_docs_script_is_a_file_of_our_own(db):
    html = Client().get("/api/docs/").content.decode()
    script_url = re.search(r'<script src="(/api/docs/\?[^"]*)"', html)

    assert script_url, html
    script = Client().get(script_url.group(1).replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


def test_the_policy_keeps_other_sites_from_framing_the_pages(db):
    response = Client().get("/accounts/login/")

    assert response["X-Frame-Options"] == "DENY"
    assert policy_of(response)["frame-ancestors"] == {"'none'"}


@pytest.mark.parametrize("path", our_templates(), ids=str)
def test_no_template_needs_inline_script_or_style(path):
    text = COMMENTS.sub("", (Path(settings.BASE_DIR) / path).read_text())

    found = [what for what, pattern in INLINE.items() if pattern.search(text)]

    assert not found, f"{path} has {', '.join(found)}: the CSP blocks it (settings: CSP)"
