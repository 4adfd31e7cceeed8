"""A small reader of the pages' HTML (the standard library's parser), so that tests find things
the way people and the browser suite do: a region by its heading, a button by its name, a field
by its label."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


BLOCKS = {
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "header",
    "legend",
    "li",
    "main",
    "nav",
    "ol",
    "option",
    "p",
    "section",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)
    parent: Node | None = None

    def text(self) -> str:
        """The words as a reader gets them: blocks apart, inline elements run into their
        neighbours ("<time>…</time>." stays "….")."""
        return " ".join(self._raw().split())

    def _raw(self) -> str:
        parts: list[str] = []
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
            elif child.tag in BLOCKS:
                parts.append(f" {child._raw()} ")
            else:
                parts.append(child._raw())
        return "".join(parts)

    def iter(self) -> Iterator[Node]:
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Node]:
        """Descendants by tag and attributes (`data_label` stands for data-label, `class_` for
        class: every class named must be among the node's)."""
        return [
            node
            for node in self.iter()
            if (tag is None or node.tag == tag)
            and all(node._matches(name, value) for name, value in attrs.items())
        ]

    def _matches(self, name: str, value: str) -> bool:
        attribute = name.rstrip("_").replace("_", "-")
        if attribute == "class":
            return set(value.split()) <= set(self.attrs.get("class", "").split())
        return self.attrs.get(attribute) == value

    def find_or_none(self, tag: str | None = None, **attrs: str) -> Node | None:
        found = self.find_all(tag, **attrs)
        return found[0] if found else None

    def find(self, tag: str | None = None, **attrs: str) -> Node:
        """The first match; a test that needs one fails here when there is none."""
        found = self.find_or_none(tag, **attrs)
        if found is None:
            raise LookupError(f"No <{tag or '*'}> with {attrs}")
        return found

    def exists(self, tag: str | None = None, **attrs: str) -> bool:
        return self.find_or_none(tag, **attrs) is not None

    def by_id(self, id_: str) -> Node:
        found = next((node for node in self.iter() if node.attrs.get("id") == id_), None)
        if found is None:
            raise LookupError(f"No element with id {id_!r}")
        return found

    def root(self) -> Node:
        node = self
        while node.parent is not None:
            node = node.parent
        return node

    def region_or_none(self, name: str) -> Node | None:
        """The <section> whose aria-labelledby heading reads `name` exactly."""
        for section in self.find_all("section"):
            labelled = section.attrs.get("aria-labelledby")
            if not labelled:
                continue
            heading = self.root().find_or_none(id=labelled)
            if heading is not None and heading.text() == name:
                return section
        return None

    def region(self, name: str) -> Node:
        found = self.region_or_none(name)
        if found is None:
            raise LookupError(f"No region named {name!r}")
        return found

    def has_region(self, name: str) -> bool:
        return self.region_or_none(name) is not None

    def buttons(self) -> list[str]:
        """The names of the buttons a person can press here (not those inside a closed
        <dialog>, which only its opener shows)."""
        return [
            button.text()
            for button in self.find_all("button")
            if not any(ancestor.tag == "dialog" for ancestor in button.ancestors())
        ]

    def ancestors(self) -> Iterator[Node]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def links(self) -> list[Node]:
        return self.find_all("a")

    def field(self, label: str) -> Node:
        """The input, select or textarea whose <label> reads `label` exactly, or that a heading
        reading `label` labels (aria-labelledby)."""
        for tag in self.find_all("label"):
            if tag.text() == label and tag.attrs.get("for"):
                return self.root().by_id(tag.attrs["for"])
        for tag in self.iter():
            labelled = tag.attrs.get("aria-labelledby")
            if tag.tag in ("input", "select", "textarea") and labelled:
                heading = self.root().find_or_none(id=labelled)
                if heading is not None and heading.text() == label:
                    return tag
        raise LookupError(f"No field labelled {label!r}")


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.document = Node("#document", {})
        self.current = self.document

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {name: value or "" for name, value in attrs}, parent=self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {name: value or "" for name, value in attrs}, parent=self.current)
        self.current.children.append(node)

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse(content: bytes | str) -> Node:
    builder = _Builder()
    builder.feed(content.decode() if isinstance(content, bytes) else content)
    builder.close()
    return builder.document
