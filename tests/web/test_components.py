"""The components of templates/components/, each with its documented arguments."""

import re
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory

from tests.web.showcase import render_showcase
from web.confirmation import carried_fields, is_confirmed


def include(component, request=None, **context):
    return render_to_string(f"components/{component}.html", context, request=request)


def test_pagination_links_are_named_previous_and_next_and_keep_the_filters():
    request = RequestFactory().get("/portal/?tab=closed&queue=3&page=2")
    page = Paginator(range(60), 25).page(2)

    html = include("pagination", request, page=page)

    previous = re.search(r"<a [^>]*>Previous</a>", html)[0]
    assert 'rel="prev" href="?tab=closed&amp;queue=3"' in previous
    assert 'href="?tab=closed&amp;queue=3&amp;page=3">Next</a>' in html
    assert '<p class="pagination__position">Page 2 of 3</p>' in html
    assert 'aria-label="Pages"' in html


def test_pagination_draws_nothing_for_a_single_page():
    request = RequestFactory().get("/portal/")

    html = include("pagination", request, page=Paginator(range(3), 25).page(1))

    assert html.strip() == ""


def test_pagination_on_the_first_and_last_page_has_only_the_way_onwards():
    request = RequestFactory().get("/portal/")
    pages = Paginator(range(60), 25)

    first = include("pagination", request, page=pages.page(1))
    last = include("pagination", request, page=pages.page(3))

    assert ">Next</a>" in first and ">Previous</a>" not in first
    assert ">Previous</a>" in last and ">Next</a>" not in last


def test_confirm_draws_the_button_and_its_dialog_with_yes_and_the_lowercased_label():
    html = include(
        "confirm",
        form_id="actions",
        label="Delete case",
        name="transition",
        value="delete",
        text="It disappears from your lists.",
        danger=True,
    )

    button = re.search(r'<button type="submit"[^>]*>Delete case</button>', html)[0]
    assert 'form="actions"' in button
    assert 'name="transition" value="delete"' in button
    assert 'data-confirm="actions-confirm"' in button
    assert (
        '<dialog class="dialog" id="actions-confirm" aria-labelledby="actions-confirm-title"'
        in html
    )
    assert '<h2 class="dialog__title" id="actions-confirm-title">Delete case?</h2>' in html
    assert re.search(r"<button[^>]*data-confirm-yes>Yes, delete case</button>", html)
    assert re.search(r"<button[^>]*data-dialog-close>Cancel</button>", html)


def test_confirm_takes_its_own_dialog_id_question_and_formaction():
    html = include(
        "confirm",
        form_id="actions",
        label="Close",
        dialog_id="close-dialog",
        question="Close this case?",
        formaction="/portal/cases/CS-000001/close/",
    )

    assert 'data-confirm="close-dialog"' in html
    assert 'formaction="/portal/cases/CS-000001/close/"' in html
    assert ">Close this case?</h2>" in html
    assert ">Yes, close</button>" in html


def test_the_confirmation_page_posts_the_same_fields_again_with_confirmed_yes():
    request = RequestFactory().post(
        "/portal/cases/CS-000001/transition/",
        {"transition": "close", "note": "Thanks <3", "csrfmiddlewaretoken": "x"},
    )

    html = include(
        "confirmation",
        request,
        action="/portal/cases/CS-000001/transition/",
        label="Close",
        fields=carried_fields(request),
        cancel_url="/portal/cases/CS-000001/",
    )

    assert 'name="csrfmiddlewaretoken"' in html
    assert '<input type="hidden" name="transition" value="close">' in html
    assert '<input type="hidden" name="note" value="Thanks &lt;3">' in html
    assert '<input type="hidden" name="confirmed" value="yes">' in html
    assert re.search(r'<button type="submit"[^>]*>Yes, close</button>', html)
    assert '<a class="button button--secondary" href="/portal/cases/CS-000001/">Cancel</a>' in html


def test_a_submission_is_confirmed_only_by_confirmed_yes():
    factory = RequestFactory()

    assert is_confirmed(factory.post("/", {"confirmed": "yes"}))
    assert not is_confirmed(factory.post("/", {"transition": "close"}))


def test_attachments_are_links_named_by_their_file_name_with_their_size():
    files = [SimpleNamespace(url="/attachments/7/error.png", name="error.png", size=2048)]

    html = include("attachments", attachments=files)

    assert '<ul class="attachments" aria-label="Attachments">' in html
    assert '<a href="/attachments/7/error.png" download>error.png</a>' in html
    assert '<span class="attachments__size">2.0\xa0KB</span>' in html
    assert include("attachments", attachments=[]).strip() == ""


def test_messages_are_status_for_success_and_alert_for_refusals():
    html = include(
        "messages",
        messages=[Message(constants.SUCCESS, "Case created."), Message(constants.ERROR, "No.")],
    )

    assert '<div class="message message--success" role="status"><p>Case created.</p></div>' in html
    assert '<div class="message message--error" role="alert"><p>No.</p></div>' in html


def test_badge_and_empty_state_draw_their_words():
    assert include("badge", label="Internal note", variant="internal").strip() == (
        '<span class="badge badge--internal">Internal note</span>'
    )
    empty = include(
        "empty",
        title="No cases",
        text="All caught up.",
        action_url="/new/",
        action_label="New case",
    )
    assert '<p class="empty__title">No cases</p>' in empty
    assert '<a class="button button--primary" href="/new/">New case</a>' in empty


@pytest.mark.django_db
def test_every_component_renders_together_on_the_showcase_page(customer):
    request = RequestFactory().get("/showcase/?queue=tech&page=2")
    request.user = customer

    html = render_showcase(request)

    for marker in (
        "pill--customer",
        "badge--internal",
        "<time ",
        "pagination__position",
        'role="alert"',
        "<dialog",
        "attachments__item",
        "error-summary",
        'aria-current="step"',
        "note--internal",
        "empty__title",
    ):
        assert marker in html, marker
    assert "style=" not in html and "<script>" not in html


def test_templates_use_no_inline_script_or_style():
    root = settings.BASE_DIR / "templates"
    for path in [
        *root.glob("base.html"),
        *root.glob("components/*.html"),
        *root.glob("registration/*.html"),
        *root.glob("forms/*.html"),
    ]:
        text = path.read_text()
        assert " style=" not in text, path
        assert "<script>" not in text and "<style" not in text, path
        assert not re.search(r"\son[a-z]+=", text), path
