"""`{{ form }}` and `{{ field.as_field_group }}` draw the product's fields: a visible label, the
hint and the errors tied to the input, and an error summary for the whole form."""

import re

from django import forms
from django.template import engines


class ReplyForm(forms.Form):
    body = forms.CharField(label="Reply", widget=forms.Textarea, help_text="Markdown works.")
    note = forms.CharField(label="Note", required=False)
    internal = forms.BooleanField(label="Internal note", required=False)
    rating = forms.ChoiceField(
        label="Rating", choices=[("1", "1 - Very dissatisfied")], widget=forms.RadioSelect
    )


class RefusingForm(ReplyForm):
    def clean(self):
        raise forms.ValidationError("This case changed since you opened it.")


def render(source, **context):
    return engines["django"].from_string(source).render(context)


def test_a_field_has_a_visible_label_tied_to_its_input():
    html = render("{{ form.note.as_field_group }}", form=ReplyForm())

    assert '<label class="field__label" for="id_note">Note</label>' in html
    assert '<input type="text" name="note" id="id_note">' in html


def test_an_optional_field_says_so_outside_its_label():
    html = render("{{ form.note.as_field_group }}", form=ReplyForm())

    assert '</label> <span class="field__optional">optional</span>' in html


def test_a_hint_is_named_by_the_input():
    html = render("{{ form.body.as_field_group }}", form=ReplyForm())

    assert '<div class="field__hint" id="id_body_helptext">Markdown works.</div>' in html
    assert re.search(r'<textarea[^>]*aria-describedby="id_body_helptext"', html)


def test_a_field_with_an_error_is_marked_and_names_its_message():
    form = ReplyForm(data={"body": "", "rating": "1"})
    form.is_valid()

    html = render("{{ form.body.as_field_group }}", form=form)

    assert '<div class="field field--error">' in html
    assert '<ul class="field__error" id="id_body_error">' in html
    assert "This field is required." in html
    textarea = re.search(r"<textarea[^>]*>", html)[0]
    assert 'aria-invalid="true"' in textarea
    assert 'aria-describedby="id_body_helptext id_body_error"' in textarea


def test_a_checkbox_comes_before_its_label():
    html = render("{{ form.internal.as_field_group }}", form=ReplyForm())

    assert re.search(
        r'<div class="field field--checkbox">\s*<div class="field__choice">'
        r'<input type="checkbox"[^>]*id="id_internal"> '
        r'<label class="field__label" for="id_internal">Internal note</label>',
        html,
    )


def test_a_group_of_choices_is_a_fieldset_with_a_legend():
    html = render("{{ form.rating.as_field_group }}", form=ReplyForm())

    assert '<fieldset class="field field--group">' in html
    assert '<legend class="field__label">Rating</legend>' in html


def test_a_form_wide_refusal_opens_an_error_summary_alert_that_links_to_the_fields():
    form = RefusingForm(data={"body": ""})
    form.is_valid()

    html = render("{{ form }}", form=form)

    summary = re.search(r'<div class="error-summary" role="alert".*?</div>', html, re.S)[0]
    assert "There is a problem" in summary
    assert "<li>This case changed since you opened it.</li>" in summary
    assert '<a href="#id_body">Check “Reply”</a>' in summary
    # The field's own message stays beside the field, once.
    assert html.count("This field is required.") == 2  # body and rating
    assert "This field is required." not in summary


def test_a_form_without_errors_has_no_summary():
    assert "error-summary" not in render("{{ form }}", form=ReplyForm())
