"""Limits on what people type, the one check of a text field that every writer uses, and the one
way their Markdown becomes HTML (or, for the text part of an email, plain text)."""

import re
from functools import lru_cache
from importlib.util import find_spec

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

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


# A backslash before ASCII punctuation is an escape in Markdown: rendered, `\\server\share` and
# `*.txt\*` would each lose one.
_CONSUMED_BACKSLASH = re.compile(r"\\(?=[!-/:-@\[-`{-~])")


def literal_markdown(text: str) -> str:
    """Plain text (an email's words) as Markdown that renders every backslash it holds: each one
    Markdown would take for an escape is doubled, and nothing else changes, so a path or a
    quoted `\\n` reads on the page and in the email as the sender wrote it."""
    return _CONSUMED_BACKSLASH.sub(r"\\\\", text)


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


@lru_cache(maxsize=1024)
def markdown_to_text(text: str) -> str:
    """`text` read as Markdown, written back as plain text for the text part of an email: what
    the HTML would show, without the marks a reader would trip over. Emphasis and code lose
    their `**`, `_` and backticks, a link reads "text (address)", list items "- item" (or "1.
    item"), a quotation "> line", a code block is indented by four spaces, a table is one line a
    row. Parsed by the same renderer as `render_markdown`, so both parts tell the same thing."""
    lines = _blocks(SyntaxTreeNode(_markdown.parse(text)).children, tight=False)
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def _blocks(nodes: list[SyntaxTreeNode], *, tight: bool) -> list[str]:
    """The lines of a run of blocks, a blank line between two (none inside a tight list)."""
    lines: list[str] = []
    for node in nodes:
        block = _block(node)
        if not block:
            continue
        if lines and not tight:
            lines.append("")
        lines.extend(block)
    return lines


def _block(node: SyntaxTreeNode) -> list[str]:
    kind = node.type
    if kind in ("paragraph", "heading"):
        return _inline(node.children).split("\n")
    if kind in ("bullet_list", "ordered_list"):
        return _list(node)
    if kind == "blockquote":
        return [f"> {line}" if line else ">" for line in _blocks(node.children, tight=False)]
    if kind in ("fence", "code_block"):
        return ["    " + line if line else "" for line in node.content.rstrip("\n").split("\n")]
    if kind == "hr":
        return ["---"]
    if kind == "tr":
        return [" | ".join(_inline(cell.children) for cell in node.children)]
    if kind in ("table", "thead", "tbody"):
        return _blocks(node.children, tight=True)
    return _blocks(node.children, tight=False)


def _list(node: SyntaxTreeNode) -> list[str]:
    """Each item after its marker, what follows its first line indented under its text."""
    ordered = node.type == "ordered_list"
    start = int(str(node.attrs.get("start", 1))) if ordered else 0
    # A tight list's paragraphs are hidden in the HTML: its items stand one a line.
    tight = any(
        block.type == "paragraph" and block.hidden
        for item in node.children
        for block in item.children
    )
    lines: list[str] = []
    for number, item in enumerate(node.children, start=start):
        marker = f"{number}. " if ordered else "- "
        body = _blocks(item.children, tight=tight) or [""]
        if lines and not tight:
            lines.append("")
        lines.append(marker + body[0])
        lines.extend(" " * len(marker) + line if line else "" for line in body[1:])
    return lines


def _inline(nodes: list[SyntaxTreeNode]) -> str:
    parts: list[str] = []
    for node in nodes:
        kind = node.type
        if kind in ("text", "code_inline", "html_inline"):
            parts.append(node.content)
        elif kind in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif kind == "link":
            parts.append(_link(_inline(node.children), str(node.attrs.get("href", ""))))
        else:  # inline (the container), strong, em, s: their words without the marks
            parts.append(_inline(node.children))
    return "".join(parts)


def _link(words: str, address: str) -> str:
    """A link as "the guide (https://example.com/guide)"; a bare address, or an email address,
    once."""
    if not address or address in (words, f"mailto:{words}"):
        return words
    return f"{words} ({address})"
