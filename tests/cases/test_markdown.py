"""What people write is shown as Markdown, and nothing hostile in it survives: no script, no event
handler, no `javascript:` address, whatever the spelling. The text part of an email reads the
same Markdown as plain text (`markdown_to_text`)."""

from html import escape
from html.parser import HTMLParser

import pytest
from django.template import engines
from django.utils.safestring import SafeString

from cases.text import literal_markdown, markdown_to_text, render_markdown

HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '![x](https://example.com/x.png" onerror="alert(1))',
    '<svg onload="alert(1)">',
    "<iframe src=https://evil.example></iframe>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '[x](https://example.com "title" onmouseover="alert(1)")',
    "<details open ontoggle=alert(1)>",
    "``` \n</code><script>alert(1)</script>\n```",
    "<<script>script>alert(1)<</script>/script>",
    "<!--<script>alert(1)</script>-->",
]


class _Elements(HTMLParser):
    """The elements a browser would build from the HTML: (tag, {attribute: value})."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, {name: value or "" for name, value in attrs}))


ALLOWED_TAGS = {"p", "br", "hr", "strong", "em", "s", "del", "code", "pre", "blockquote"}
ALLOWED_TAGS |= {"ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6"}
ALLOWED_TAGS |= {"table", "thead", "tbody", "tr", "th", "td"}
# No event handler (`on...`), no style, no class: only these.
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "rel"}, "ol": {"start"}}


@pytest.mark.parametrize("text", HOSTILE)
def test_every_element_left_is_on_the_allow_list(text):
    elements = _Elements(str(render_markdown(text))).found

    assert {tag for tag, _ in elements} <= ALLOWED_TAGS
    for tag, attributes in elements:
        assert set(attributes) <= ALLOWED_ATTRIBUTES.get(tag, set())


@pytest.mark.parametrize("text", HOSTILE)
def test_no_link_leads_anywhere_but_the_web_or_mail(text):
    elements = _Elements(str(render_markdown(text))).found
    addresses = [attributes["href"] for _, attributes in elements if "href" in attributes]

    assert all(address.startswith(("https://", "http://", "mailto:")) for address in addresses)


def test_raw_html_is_shown_as_text():
    assert str(render_markdown("<b>bold</b>")) == "<p>&lt;b&gt;bold&lt;/b&gt;</p>\n"


def test_markdown_is_rendered():
    html = str(render_markdown("**Bold**, *slanted*, `code`\n\n- one\n- two"))

    assert html == (
        "<p><strong>Bold</strong>, <em>slanted</em>, <code>code</code></p>\n"
        "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"
    )


def test_a_line_break_is_kept():
    assert str(render_markdown("first line\nsecond line")) == "<p>first line<br>\nsecond line</p>\n"


@pytest.mark.parametrize(
    "address", ["https://example.com/a?b=c", "http://example.com/", "mailto:help@example.com"]
)
def test_links_keep_web_and_mail_addresses_and_open_nothing_of_ours(address):
    html = str(render_markdown(f"[there]({address})"))

    assert html == (
        f'<p><a href="{address.replace("&", "&amp;")}" rel="noopener noreferrer nofollow">'
        "there</a></p>\n"
    )


@pytest.mark.parametrize("address", ["/admin/", "../secret", "#top", "ftp://example.com/x"])
def test_links_lose_any_other_address(address):
    html = str(render_markdown(f"[there]({address})"))

    assert "href" not in html
    assert "there" in html


def test_an_image_becomes_a_link_to_it():
    html = str(render_markdown("![the screen](https://example.com/screen.png)"))

    assert html == (
        '<p>!<a href="https://example.com/screen.png" rel="noopener noreferrer nofollow">'
        "the screen</a></p>\n"
    )


def test_the_result_is_marked_safe():
    assert isinstance(render_markdown("hello"), SafeString)


def test_the_markdown_filter_renders_and_sanitizes():
    template = engines["django"].from_string("{% load text %}{{ body|markdown }}")

    html = template.render({"body": "**Hi** <script>alert(1)</script>"})

    assert html == "<p><strong>Hi</strong> &lt;script&gt;alert(1)&lt;/script&gt;</p>\n"


def test_the_markdown_filter_shows_nothing_for_nothing():
    template = engines["django"].from_string("{% load text %}[{{ body|markdown }}]")

    assert template.render({"body": None}) == "[]"


# --- as plain text (the text part of an email) ----------------------------------------------


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        (
            "**Bold**, __bold__, *slanted*, _slanted_, ~~gone~~",
            "Bold, bold, slanted, slanted, gone",
        ),
        ("Run `make run` now", "Run make run now"),
        ("# Steps\n\nFirst this.", "Steps\n\nFirst this."),
        (
            "See [the guide](https://example.com/guide).",
            "See the guide (https://example.com/guide).",
        ),
        (
            "Write to <help@example.com> or <https://example.com>",
            "Write to help@example.com or https://example.com",
        ),
        ("- one\n- **two**\n- three", "- one\n- two\n- three"),
        ("* one\n* two", "- one\n- two"),
        ("3. third\n4. fourth", "3. third\n4. fourth"),
        ("- outer\n  - inner\n  - more", "- outer\n  - inner\n  - more"),
        ("> Quoted **words**\n> on two lines", "> Quoted words\n> on two lines"),
        ("```\nvpn --reset\n  --force\n```", "    vpn --reset\n      --force"),
        ("first line\nsecond line", "first line\nsecond line"),
        ("Above\n\n---\n\nBelow", "Above\n\n---\n\nBelow"),
        ("| Name | Size |\n|---|---|\n| a.png | 2 KB |", "Name | Size\na.png | 2 KB"),
        ("\\*not emphasis\\* &amp; <b>raw</b>", "*not emphasis* & <b>raw</b>"),
        ("", ""),
    ],
)
def test_markdown_reads_as_plain_text(markdown, text):
    assert markdown_to_text(markdown) == text


def test_a_list_item_of_several_paragraphs_stays_under_its_marker():
    markdown = "1. Open the settings.\n\n   Then the network tab.\n\n2. Restart."

    assert markdown_to_text(markdown) == (
        "1. Open the settings.\n\n   Then the network tab.\n\n2. Restart."
    )


def test_a_reply_as_people_write_it_reads_without_a_single_mark():
    markdown = (
        "Hello **Chris**,\n\nPlease try:\n\n1. Open *Settings*\n2. Run `vpn --reset`\n\n"
        "See [our guide](https://help.example.com/vpn).\n\nAvery"
    )

    assert markdown_to_text(markdown) == (
        "Hello Chris,\n\nPlease try:\n\n1. Open Settings\n2. Run vpn --reset\n\n"
        "See our guide (https://help.example.com/vpn).\n\nAvery"
    )


def test_an_address_the_html_would_not_link_stays_as_it_was_written():
    """Plain text runs nothing, so it hides nothing either: what the HTML shows as words (a
    `javascript:` link refused) reads as those words."""
    assert markdown_to_text("[click](javascript:alert(1))") == "[click](javascript:alert(1))"


@pytest.mark.parametrize(
    "plain",
    [
        r"\\fileserver\share\Rechnungen",
        r"C:\Users\Müller\*.txt",
        r"printf 'a\nb' and \\ two",
        r"regex \d+\.\d+ and \[brackets\]",
    ],
)
def test_plain_text_made_literal_renders_every_backslash_it_holds(plain):
    markdown = literal_markdown(plain)

    assert markdown_to_text(markdown) == plain
    assert str(render_markdown(markdown)) == f"<p>{escape(plain, quote=False)}</p>\n"


def test_plain_text_without_escapes_is_left_as_it_is():
    assert literal_markdown(r"C:\Users\Temp *bold*") == r"C:\Users\Temp *bold*"
