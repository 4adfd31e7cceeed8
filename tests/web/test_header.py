"""The header of every page: the product, the person, their unread updates, Sign out."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from notifications.models import Notification

pytestmark = pytest.mark.django_db

# A simple signed-in page: the header is the only thing on it that reads the database.
PAGE = "/accounts/password_change/"


class _Element(HTMLParser):
    """The tag, attributes and inner HTML of the first element with a given class."""

    def __init__(self, css_class):
        super().__init__(convert_charrefs=True)
        self.css_class, self.depth, self.tag, self.attrs, self.inner = css_class, 0, None, {}, []

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.depth += 1
            self.inner.append(self.get_starttag_text())
        elif self.tag is None and self.css_class in (dict(attrs).get("class") or "").split():
            self.tag, self.attrs, self.depth = tag, dict(attrs), 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1
            if self.depth:
                self.inner.append(f"</{tag}>")

    def handle_data(self, data):
        if self.depth:
            self.inner.append(data)


def _updates_link(html):
    """(tag, attributes, inner HTML) of the header's Updates link."""
    parser = _Element("site-header__updates")
    parser.feed(html)
    assert parser.tag, "no Updates link in the header"
    return parser.tag, parser.attrs, "".join(parser.inner)


def _accessible_text(fragment):
    """The text a screen reader announces: what `aria-hidden` hides is left out."""
    shown = re.sub(r'<(\w+)[^>]*aria-hidden="true"[^>]*>.*?</\1>', "", fragment, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", shown)).strip()


def test_the_header_shows_the_full_name_of_the_signed_in_person(client_for, customer):
    customer.first_name, customer.last_name = "Alice", "Archer"
    customer.save()

    html = client_for(customer).get(PAGE).content.decode()

    assert '<header class="site-header">' in html
    assert re.search(r'<summary class="menu__toggle">.*Alice Archer</summary>', html)


def test_the_header_shows_the_username_of_someone_without_a_name(client_for, agent):
    html = client_for(agent).get(PAGE).content.decode()

    assert re.search(r'<summary class="menu__toggle">.*agnes</summary>', html)


def test_the_header_has_a_sign_out_button_posting_to_logout(client_for, customer):
    html = client_for(customer).get(PAGE).content.decode()

    form = re.search(r'<form class="site-header__signout"(.*?)</form>', html, re.S)
    assert 'method="post" action="/accounts/logout/"' in form[1]
    assert 'name="csrfmiddlewaretoken"' in form[1]
    assert re.search(r'<button type="submit"[^>]*>Sign out</button>', form[1])


def test_the_updates_link_of_a_customer_counts_their_unread_notifications(
    client_for, customer, other_customer, make_case, notify_in_app
):
    case = make_case()
    Notification.objects.all().delete()
    notify_in_app(customer, case)
    notify_in_app(customer, case)
    notify_in_app(customer, case, read=True)
    notify_in_app(other_customer, case)

    html = client_for(customer).get(PAGE).content.decode()

    tag, attrs, inner = _updates_link(html)
    assert tag == "a"
    assert attrs["href"] == "/portal/updates/"
    assert _accessible_text(inner) == "Updates (2 unread)"


def test_the_updates_link_says_zero_unread_without_drawing_a_badge(client_for, customer):
    html = client_for(customer).get(PAGE).content.decode()

    link = _updates_link(html)
    assert _accessible_text(link[2]) == "Updates (0 unread)"
    assert 'class="count count--zero"' in link[2]


def test_notifications_not_yet_due_are_not_counted(client_for, customer, make_case, notify_in_app):
    case = make_case()
    Notification.objects.all().delete()
    notify_in_app(customer, case)
    later = notify_in_app(customer, case)
    later.scheduled_for = timezone.now() + timedelta(days=1)
    later.save()

    html = client_for(customer).get(PAGE).content.decode()

    assert _accessible_text(_updates_link(html)[2]) == "Updates (1 unread)"


def test_staff_see_their_count_even_before_their_updates_page_exists(client_for, agent):
    html = client_for(agent).get(PAGE).content.decode()

    assert _accessible_text(_updates_link(html)[2]) == "Updates (0 unread)"


def test_signed_out_pages_have_the_product_name_and_no_account_controls(client):
    html = client.get("/accounts/login/").content.decode()

    assert '<a class="site-header__brand" href="/">' in html
    assert "Sign out" not in html
    assert "site-header__updates" not in html


def test_a_signed_in_page_runs_the_same_few_queries_however_many_notifications(
    client_for, customer, make_case, notify_in_app, django_assert_max_num_queries
):
    client = client_for(customer)
    case = make_case()
    Notification.objects.all().delete()  # the case's acknowledgement is not what this counts
    client.get(PAGE)  # warm up: first-request work (content types, etc.) is not the header's

    # The session, the user, and the one unread count.
    with django_assert_max_num_queries(3):
        client.get(PAGE)
    for _ in range(30):
        notify_in_app(customer, case)
    with django_assert_max_num_queries(3):
        html = client.get(PAGE).content.decode()

    assert _accessible_text(_updates_link(html)[2]) == "Updates (30 unread)"


def test_pages_that_do_not_draw_the_header_do_not_count_notifications(
    client_for, customer, django_assert_max_num_queries
):
    client = client_for(customer)

    # The front door only redirects: the session and the user, no count.
    with django_assert_max_num_queries(2):
        client.get("/")
