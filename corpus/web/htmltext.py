"""The text of HTML, line by line, as a reader sees it (no markup, no scripts).

A block element (a paragraph, a heading, a list item, a table cell...) or a
`<br>` ends a line; inline elements run on. Scripts, styles and comments are
not text. This is for short, known parts of a page (a listing's item, a feed
entry's summary); the main text of an article page is found by trafilatura.
"""

from __future__ import annotations

from collections.abc import Iterator

import lxml.html
from lxml import etree

BLOCKS = frozenset({"address", "article", "aside", "blockquote", "body", "dd", "details",
                    "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer",
                    "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
                    "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td",
                    "tfoot", "th", "thead", "tr", "ul"})
NOT_TEXT = frozenset({"script", "style", "noscript", "template", "head", "title", "svg",
                      "iframe", "object", "select", "button"})


def element_lines(element: etree._Element) -> list[str]:
    """The non-blank lines of text in `element`, white space collapsed within each."""
    pieces: list[str] = []
    _walk(element, pieces)
    return [line for line in (" ".join(part.split()) for part in "".join(pieces).split("\n"))
            if line]


def _walk(element: etree._Element, pieces: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag.lower() in NOT_TEXT or not tag:  # comments and processing instructions
        return
    block = tag.lower() in BLOCKS
    if block:
        pieces.append("\n")
    # A line break in the source is white space; lines end at blocks and <br> only.
    if element.text:
        pieces.append(_spaces(element.text))
    for child in element:
        if isinstance(child.tag, str) and child.tag.lower() == "br":
            pieces.append("\n")
        else:
            _walk(child, pieces)
        if child.tail:
            pieces.append(_spaces(child.tail))
    if block:
        pieces.append("\n")


def _spaces(text: str) -> str:
    return text.replace("\r", " ").replace("\n", " ")


def fragment_lines(fragment: str) -> list[str]:
    """The lines of text of an HTML fragment (a feed's summary or content); plain text with
    no markup comes back as its lines."""
    if "<" not in fragment and "&" not in fragment:
        return [line for line in (" ".join(part.split()) for part in fragment.splitlines())
                if line]
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    return element_lines(root)


def fragment_text(fragment: str, separator: str = "\n") -> str:
    """The text of an HTML fragment, its lines joined by `separator`."""
    return separator.join(fragment_lines(fragment))


def iter_text_elements(root: etree._Element, skip: frozenset[str]) -> Iterator[etree._Element]:
    """Every element under `root` in document order, leaving out the subtrees of the tags in
    `skip` (and scripts, styles and comments)."""
    stack = [root]
    while stack:
        element = stack.pop()
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if not tag or tag in skip or tag in NOT_TEXT:
            continue
        yield element
        stack.extend(reversed(list(element)))
