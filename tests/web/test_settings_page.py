"""Your settings (/accounts/settings/): a signed-in person chooses the time zone they read times
in, from a list grouped by region, linked from the account menu of every page."""

import re
from datetime import UTC, datetime

import pytest
import time_machine

from tests.portal.html import parse

pytestmark = pytest.mark.django_db

PAGE = "/accounts/settings/"
# Winter in Europe and North America: Berlin is UTC+1, New York UTC-5.
DECEMBER = datetime(2026, 12, 1, 14, 5, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _december():
    with time_machine.travel(DECEMBER, tick=False):
        yield


def selected(html: str) -> list[str]:
    return re.findall(r'<option value="([^"]*)" selected>', html)


def test_the_account_menu_links_to_your_settings(client_for, customer):
    html = client_for(customer).get("/accounts/password_change/").content.decode()

    panel = html[html.index('class="menu__panel"') :]
    panel = panel[: panel.index("</div>")]
    assert '<a href="/accounts/settings/">Your settings</a>' in panel
    assert "Change password" in panel


def test_the_page_offers_a_time_zone_with_a_save_button(client_for, customer):
    page = parse(client_for(customer).get(PAGE).content)

    assert page.find("h1").text() == "Your settings"
    assert page.field("Time zone").tag == "select"
    assert "Save" in page.buttons()


def test_the_zones_are_grouped_by_region_with_todays_offset(client_for, customer):
    html = client_for(customer).get(PAGE).content.decode()

    assert '<optgroup label="Europe">' in html and '<optgroup label="America">' in html
    assert '<option value="Europe/Berlin">Berlin (UTC+1)</option>' in html
    assert '<option value="America/New_York">New York (UTC-5)</option>' in html
    assert (
        '<option value="America/Argentina/Buenos_Aires">Buenos Aires, Argentina (UTC-3)</option>'
        in html
    )
    assert '<option value="US/Eastern">' not in html  # an old alias of New York


def test_someone_who_chose_no_zone_has_the_sites_chosen(client_for, customer):
    html = client_for(customer).get(PAGE).content.decode()

    assert selected(html) == ["site"]
    assert "The site&#x27;s time zone: UTC" in html


def test_the_current_zone_is_chosen_even_an_old_alias(client_for, customer):
    customer.time_zone = "US/Eastern"
    customer.save()

    html = client_for(customer).get(PAGE).content.decode()

    assert selected(html) == ["US/Eastern"]


def test_saving_a_zone_keeps_it_and_says_so_at_the_top(client_for, customer):
    client = client_for(customer)

    response = client.post(PAGE, {"time_zone": "Europe/Berlin"}, follow=True)

    customer.refresh_from_db()
    assert customer.time_zone == "Europe/Berlin"
    assert response.redirect_chain == [(PAGE, 302)]
    html = response.content.decode()
    assert (
        '<div class="message message--success" role="status"><p>Your settings are saved. '
        "Times are now shown in Europe/Berlin (CET).</p>" in html
    )
    assert selected(html) == ["Europe/Berlin"]
    assert "1 December 2026, 15:05 CET" in html  # the page itself already reads in it


def test_choosing_the_sites_zone_again_empties_the_setting(client_for, customer):
    customer.time_zone = "Asia/Tokyo"
    customer.save()

    response = client_for(customer).post(PAGE, {"time_zone": "site"}, follow=True)

    customer.refresh_from_db()
    assert customer.time_zone == ""
    assert "Times are now shown in UTC.</p>" in response.content.decode()


@pytest.mark.parametrize("value", ["Mars/Olympus_Mons", "", "Europe", "site\x00"])
def test_a_zone_not_on_the_list_is_refused_beside_the_field(value, client_for, customer):
    customer.time_zone = "Asia/Tokyo"
    customer.save()

    response = client_for(customer).post(PAGE, {"time_zone": value})

    assert response.status_code == 200
    page = parse(response.content)
    field = page.find("div", class_="field--error")
    expected = "This field is required." if not value else "Choose a time zone from the list."
    assert expected in field.text()
    customer.refresh_from_db()
    assert customer.time_zone == "Asia/Tokyo"


def test_signed_out_the_page_asks_to_sign_in(client):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={PAGE}"


@pytest.mark.parametrize("role", ["customer", "agent", "manager"])
def test_everyone_has_settings(role, client_for, request):
    assert client_for(request.getfixturevalue(role)).get(PAGE).status_code == 200
