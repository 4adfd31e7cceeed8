"""`{% load text %}`: the `markdown` filter, the one way pages and emails show what people wrote
(`cases.text.render_markdown`: rendered, then sanitized)."""

from django import template
from django.utils.safestring import SafeString

from cases.text import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown(value: object) -> SafeString:
    """`{{ comment.body|markdown }}`; None and the empty string render as nothing."""
    return render_markdown("" if value is None else str(value))
