"""Form rendering: every `{{ form }}` and `{{ field.as_field_group }}` draws the product's field
(label above, hint, inline error, the input) and an error summary, from templates/forms/."""

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
