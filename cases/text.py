"""Limits on what people type, the one check of a text field that every writer uses, and the one
way their Markdown becomes HTML."""

from functools import lru_cache
from importlib.util import find_spec

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

from cases.errors import InvalidInput

# One message (a description, a reply, a note) may be long, but not unbounded.
MAX_TEXT = 20_000
MAX_SUBJECT = 255
MAX_NAME = 100


def clean_text(name: str, value: object, *, required: bool, limit: int = MAX_TEXT) -> str:
    """The text stripped of surrounding blanks; `InvalidInput` naming `name` when it is not a
    string, is missing but required, or is longer than `limit`. None counts as missing."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput.field(name, "Must be a string.")
    if required and not value.strip():
        raise InvalidInput.field(name, "This field is required.")
    if len(value) > limit:
        raise InvalidInput.field(name, f"At most {limit} characters.")
    return value.strip()


# Markdown as people write it in a support conversation: raw HTML stays text ("js-default"), a
# line break is kept as one, and bare web addresses become links where linkify-it-py is
# installed. An image would load from anywhere (and the pages' CSP blocks it anyway): with the
# image rule off, `![name](url)` reads as "!" and a link to the picture.
_markdown = MarkdownIt(
    "js-default", {"breaks": True, "linkify": find_spec("linkify_it") is not None}
)
_markdown.disable("image")

# Whatever the renderer lets through is then cut down to this list by nh3, so that no tag,
# attribute or address that can run script (`<script>`, `onerror=`, `javascript:`) survives a
# renderer bug or option. No style or class attributes: the pages' CSP refuses inline styles.
_sanitizer = nh3.Cleaner(
    tags={
        *("p", "br", "hr", "strong", "em", "s", "del", "code", "pre", "blockquote"),
        *("ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6"),
        *("table", "thead", "tbody", "tr", "th", "td"),
    },
    attributes={"a": {"href", "title"}, "ol": {"start"}},
    url_schemes={"http", "https", "mailto"},
    url_relative="deny",
    link_rel="noopener noreferrer nofollow",
)


@lru_cache(maxsize=1024)
def render_markdown(text: str) -> SafeString:
    """`text` (a description, a reply, a note) as sanitized HTML, safe to put in a page or an
    email as it is. The same text always gives the same HTML, so the last thousand are kept: a
    case page shows the same conversation on every visit and every poll."""
    return mark_safe(_sanitizer.clean(_markdown.render(text)))
