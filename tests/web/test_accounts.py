"""The accounts pages under /accounts/: Django's views with the product's templates."""

import re

import pytest
from django.core import mail
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_sign_in_page_has_username_password_and_a_sign_in_button(client):
    html = client.get("/accounts/login/").content.decode()

    assert '<label class="field__label" for="id_username">Username</label>' in html
    assert '<label class="field__label" for="id_password">Password</label>' in html
    assert re.search(r'<button type="submit"[^>]*>Sign in</button>', html)
    assert 'href="/accounts/password_reset/">Forgot your password?</a>' in html


def test_the_sign_in_page_keeps_next_for_after_sign_in(client):
    html = client.get("/accounts/login/?next=/portal/updates/").content.decode()

    assert '<input type="hidden" name="next" value="/portal/updates/">' in html


def test_a_failed_sign_in_says_so_in_an_alert_and_keeps_the_username(client, customer):
    html = client.post(
        "/accounts/login/", {"username": "alice", "password": "wrong-password"}
    ).content.decode()

    assert 'class="error-summary" role="alert"' in html
    assert "Please enter a correct username and password" in html
    assert 'value="alice"' in html


def test_signing_out_is_a_post_that_lands_on_sign_in_with_a_message(client_for, customer):
    client = client_for(customer)

    response = client.post("/accounts/logout/", follow=True)

    assert response.redirect_chain == [("/accounts/login/", 302)]
    assert '<div class="message message--info" role="status"><p>You are signed out.</p>' in (
        response.content.decode()
    )
    assert "_auth_user_id" not in client.session


def test_signing_out_needs_the_csrf_token(customer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)

    assert client.post("/accounts/logout/").status_code == 403


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/accounts/password_reset/", "Reset your password"),
        ("/accounts/password_reset/done/", "Check your email"),
        ("/accounts/reset/MQ/not-a-token/", "This link no longer works"),
        ("/accounts/reset/done/", "Your new password is set"),
    ],
)
def test_the_password_reset_pages_render_for_anyone(client, path, heading):
    response = client.get(path)

    assert response.status_code == 200
    assert f"<h1>{heading}</h1>" in response.content.decode()


def ask_for_a_reset(client, email, capture):
    """The reset request, then its commit: the email goes out after it (the outbox)."""
    with capture(execute=True):
        return client.post("/accounts/password_reset/", {"email": email})


def test_the_password_reset_email_names_the_product_and_links_to_the_reset_page(
    client, customer, django_capture_on_commit_callbacks
):
    ask_for_a_reset(client, customer.email, django_capture_on_commit_callbacks)

    (email,) = mail.outbox
    assert email.subject == "Reset your Helpdesk password"
    assert "your Helpdesk account (alice)" in email.body
    assert re.search(r"http://testserver/accounts/reset/[\w-]+/[\w-]+/", email.body)
    assert "&amp;" not in email.body and "&#x27;" not in email.body


def test_a_valid_reset_link_asks_for_the_new_password_twice(
    client, customer, django_capture_on_commit_callbacks
):
    ask_for_a_reset(client, customer.email, django_capture_on_commit_callbacks)
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body)[1]

    html = client.get(link, follow=True).content.decode()

    assert "<h1>Choose a new password</h1>" in html
    assert 'for="id_new_password1">New password</label>' in html
    assert 'for="id_new_password2">New password confirmation</label>' in html


def test_changing_the_password_is_for_signed_in_people(client):
    response = client.get("/accounts/password_change/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/password_change/"


@pytest.mark.parametrize("role", ["customer", "agent", "manager"])
def test_the_password_change_pages_render_for_a_signed_in_person(client_for, cast, role):
    client = client_for(cast[role])

    form = client.get("/accounts/password_change/")
    done = client.get("/accounts/password_change/done/")

    assert form.status_code == 200
    assert "<h1>Change your password</h1>" in form.content.decode()
    assert 'for="id_old_password">Old password</label>' in form.content.decode()
    assert done.status_code == 200
    assert "<h1>Password changed</h1>" in done.content.decode()


def test_pages_load_their_scripts_from_static_files_only(client):
    html = client.get("/accounts/login/").content.decode()

    scripts = re.findall(r"<script[^>]*>(.*?)</script>", html, re.S)
    tags = re.findall(r"<script[^>]*>", html)
    assert '<script src="/static/js/app.js" defer>' in tags
    assert any("django_htmx/htmx-2.min.js" in tag for tag in tags)
    assert all(' src="/static/' in tag for tag in tags)
    assert all(body.strip() == "" for body in scripts)
    # htmx's own indicator <style> would break the style-src CSP.
    assert '"includeIndicatorStyles":false' in html
