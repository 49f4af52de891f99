"""XML in and out: small, fast documents of the S3 namespace, and tolerant parsing of bodies."""

import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable
from typing import Any
from xml.sax.saxutils import escape

from apis.obs.errors import malformed_xml

NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/"
DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


class Markup(str):
    """Elements already written as XML (long listings render their entries in one go): put in
    a document as they are, under no element of their own."""


# An element's content: text, a number, or child elements (name, content); None omits it.
Content = str | int | None | Iterable[tuple[str, "Content"]]


def _write(parts: list[str], name: str, content: Content) -> None:
    if content is None:
        return
    if isinstance(content, Markup):
        parts.append(content)
        return
    if isinstance(content, bool):
        content = "true" if content else "false"
    if isinstance(content, str | int):
        parts.append(f"<{name}>{escape(str(content))}</{name}>")
        return
    parts.append(f"<{name}>")
    for child, value in content:
        _write(parts, child, value)
    parts.append(f"</{name.partition(' ')[0]}>")  # a name may carry attributes


def document(root: str, children: Iterable[tuple[str, Content]], namespace: bool = True) -> bytes:
    parts = [DECLARATION, f'<{root} xmlns="{NAMESPACE}">' if namespace else f"<{root}>"]
    for name, value in children:
        _write(parts, name, value)
    parts.append(f"</{root}>")
    return "".join(parts).encode()


def element(name: str, text: str) -> str:
    """`<name>text</name>`, the text escaped."""
    return f"<{name}>{escape(text)}</{name}>"


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def parse(body: bytes, root: str) -> ElementTree.Element:
    """The root element, which must be named `root` (any namespace), else MalformedXML."""
    try:
        element = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        raise malformed_xml() from None
    if _local(element.tag) != root:
        raise malformed_xml()
    return element


def children(element: ElementTree.Element, name: str) -> list[ElementTree.Element]:
    return [child for child in element if _local(child.tag) == name]


def text(element: ElementTree.Element, name: str) -> str | None:
    found = children(element, name)
    return (found[0].text or "") if found else None


def texts(element: ElementTree.Element) -> dict[str, str]:
    """The text of each child by name, as `text` reads it (the first child of a name)."""
    found: dict[str, str] = {}
    for child in element:
        found.setdefault(_local(child.tag), child.text or "")
    return found


def text_document(root: str, text: str) -> bytes:
    """A document whose root holds only text (`<LocationConstraint>eu-west-0</...>`)."""
    return f'{DECLARATION}<{root} xmlns="{NAMESPACE}">{escape(text)}</{root}>'.encode()


# [name, text] or [name, [children]]: an element kept as JSON, rendered back in the same order.
Tree = list[Any]


def tree(element: ElementTree.Element) -> Tree:
    nested = list(element)
    return [
        _local(element.tag),
        [tree(child) for child in nested] if nested else element.text or "",
    ]


def content(trees: list[Tree]) -> list[tuple[str, Content]]:
    """Trees as the children of a document."""
    return [(name, value if isinstance(value, str) else content(value)) for name, value in trees]
