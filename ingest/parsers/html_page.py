"""Saved HTML pages: reduce to the text a reader sees, then read it with the text layouts.

Block elements become line breaks, entities are decoded, and page furniture (scripts, styles,
navigation, the site header and footer, forms, cookie banners, share links, hidden elements)
is dropped. ``ingest.detect`` runs the text layouts on the result and reports the layout as
``html/<layout>``; ``api_json`` reduces the HTML of API answers the same way. A page saved
as a single-file web archive (MHTML) is first taken out of its MIME wrapping (``mime``).

Read with lxml's HTML parser (libxml2, which copes with broken markup) into lxml's own tree,
then the text is gathered in one walk that skips furniture whole. BeautifulSoup on the same
parser built a Python object for every tag and string first, which made reading a saved
question page 2.5-3.7 ms of CPU where it is now 0.6, and an API answer's paragraphs 0.45 ms
where it is now 0.15 (most of that tidying the text's lines).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from ingest.parsers.common import Label, label_of, normalise_lines, normalise_space

_HTML_START_RE = re.compile(r"<!doctype html|<html[\s>]|<head[\s>]|<body[\s>]", re.IGNORECASE)
_FRAGMENT_RE = re.compile(r"<(?:p|div|br|span|table|h[1-6]|article|main|section)\b", re.IGNORECASE)
_XML_START_RE = re.compile(r"^\s*<\?xml\b", re.IGNORECASE)

_DROPPED = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "nav",
        "aside",
        "form",
        "button",
        "select",
        "textarea",
        "input",
        "svg",
        "iframe",
        "object",
        "embed",
        "canvas",
        "head",
        "dialog",
        "menu",
    }
)
# The page's banner and footer are furniture; an article's own header holds its heading.
_PAGE_LEVEL = frozenset({"header", "footer"})
_SECTIONING = frozenset({"article", "main", "section"})
_FURNITURE_ROLES = frozenset(
    {"navigation", "banner", "contentinfo", "search", "complementary", "dialog", "alertdialog"}
)
# Matched against each hyphen/underscore/camelCase-separated part of a class or id, so that
# "cookie-banner" and "cookieConsent" go but "shared-content" stays.
_FURNITURE_NAME_PARTS = frozenset(
    {
        "cookie",
        "cookies",
        "consent",
        "gdpr",
        "share",
        "sharing",
        "social",
        "breadcrumb",
        "breadcrumbs",
        "skip",
        "skiplink",
        "spinner",
        "advert",
        "advertisement",
        "newsletter",
        "pagination",
        "pager",
    }
)
# Whole class names for text kept for screen readers only: not visible on the page.
_HIDDEN_CLASSES = frozenset(
    {
        "sr-only",
        "visually-hidden",
        "visuallyhidden",
        "screen-reader-text",
        "screen-reader-only",
        "govuk-visually-hidden",
        "hidden",
        "d-none",
    }
)
# "d-none d-md-block" (Bootstrap), "hidden md:block" (Tailwind): hidden on a phone only.
_SHOWN_AT_WIDTH_RE = re.compile(r"d-(?:sm|md|lg|xl|xxl)-(?!none)|(?:sm|md|lg|xl|2xl):(?!hidden)")
_NAME_PART_RE = re.compile(r"[-_\s]+|(?<=[a-z0-9])(?=[A-Z])")
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_BLOCKS = frozenset(
    {
        "address",
        "article",
        "blockquote",
        "body",
        "caption",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "ul",
    }
)
_CELLS = frozenset({"td", "th"})
# Elements whose text is code or a fragment for scripts, never shown as it is.
_UNSHOWN = frozenset({"script", "style", "template"})


def sniff(text: str) -> bool:
    """An HTML page or fragment: starts with markup, and not that of an XML document."""
    head = text[:4096].lstrip()
    if not head.startswith("<"):
        return False
    # XHTML pages may open with an XML declaration too.
    if _HTML_START_RE.search(head):
        return True
    return not _XML_START_RE.match(head) and bool(_FRAGMENT_RE.search(head))


_MARKUP_RE = re.compile(r"<[a-zA-Z/!]|&#?\w+;")


def markup_to_text(text: str) -> str:
    """Text that may be HTML (an API's answers, markup escaped into an XML element) as the
    text it shows, one block a line; text without markup as it is."""
    # Most texts carry no markup at all; they skip the HTML parser.
    return html_to_text(text) if _MARKUP_RE.search(text) else text


def _is_member_card(aside: etree._Element) -> bool:
    """A sidebar is furniture, unless it is the card of the member who asked or answered:
    a line of it is an "Asked by" or "Answered by" label ("Other questions asked by …" is not).
    """
    return any(
        label_of(normalise_space(line)) in (Label.ASKED_BY, Label.ANSWERED_BY)
        for line in "\n".join(_strings(aside)).split("\n")
    )


def _strings(element: etree._Element) -> Iterator[str]:
    """Every piece of text in the element, bar comments' and what scripts, styles and
    templates hold (never shown as text)."""
    unshown = 0  # how many scripts, styles or templates the walk is inside
    for event, node in etree.iterwalk(element, events=("start", "end", "comment", "pi")):
        if event == "start":
            if node.tag in _UNSHOWN:
                unshown += 1
            elif not unshown and node.text:
                yield node.text
            continue
        if event == "end" and node.tag in _UNSHOWN:
            unshown -= 1
        if not unshown and node.tail and node is not element:
            yield node.tail


def read_page(markup: str) -> tuple[str, str]:
    """The page's title and its visible text, one block element a line."""
    top = _parse(markup)
    title = next((t for node in top for t in node.iter("title")), None)
    title_text = normalise_space("".join(title.itertext())) if title is not None else ""
    return title_text, _visible_text(top)


def html_to_text(markup: str) -> str:
    """The visible text of an HTML page or fragment, one block element a line."""
    return _visible_text(_parse(markup))


def _parse(markup: str) -> list[etree._Element]:
    """The document's top-level nodes: its root, and what libxml2 puts beside it (comments
    and, for markup after ``</html>``, a second root holding it)."""
    # A lone surrogate (an API record's JSON "\ud800") has no UTF-8: it becomes "?", where
    # libxml2 given the str would silently drop the rest of its text. Given bytes and their
    # encoding, it neither refuses an XML declaration (as in a str) nor follows the page's
    # own ``<meta charset>``: the text was decoded already.
    data = markup.encode("utf-8", errors="replace")
    # A parser per call (microseconds): lxml's parsers must not be shared between threads.
    # ``huge_tree`` lifts libxml2's nesting limit of 256 to 2,048.
    parser = etree.HTMLParser(encoding="utf-8", huge_tree=True)
    root = etree.fromstring(data, parser)
    if any(error.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT for error in parser.error_log):
        # Nested deeper still (unclosed tags, thousands of them), libxml2 drops the rest of
        # the page from its tree; the parsing events it reports go on, so build from those.
        return [
            etree.fromstring(
                data, etree.HTMLParser(encoding="utf-8", huge_tree=True, target=_Document())
            )
        ]
    if root is None:  # nothing but space or comments
        return []
    return [*reversed(list(root.itersiblings(preceding=True))), root, *root.itersiblings()]


class _Document:
    """A parser target building the elements the events open under one root of its own
    (an lxml tree has one root; markup after ``</html>`` opens a second)."""

    def __init__(self) -> None:
        self._builder = etree.TreeBuilder()
        self._builder.start("document", {})

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self._builder.start(tag, attrib)

    def end(self, tag: str) -> None:
        self._builder.end(tag)

    def data(self, text: str) -> None:
        self._builder.data(text)

    def comment(self, text: str) -> None:
        self._builder.comment(text)

    def pi(self, target: str, data: str | None = None) -> None:
        self._builder.pi(target, data)

    def close(self) -> etree._Element:
        self._builder.end("document")
        return self._builder.close()


def _visible_text(top: list[etree._Element]) -> str:
    parts: list[str] = []
    # An explicit stack rather than recursion: saved pages can nest deeper than Python recurses.
    # Each element is visited twice: on the way in (False) and after its children (True),
    # when the text that follows it in its parent (its ``tail``) comes. Walking the tree once,
    # skipping furniture whole, stays linear however deep or wide the page.
    stack: list[tuple[etree._Element, bool]] = [(node, False) for node in reversed(top)]
    while stack:
        node, closing = stack.pop()
        tag = node.tag
        if closing:
            if tag in _BLOCKS:
                parts.append("\n")
            elif tag in _CELLS:
                parts.append(" ")
        elif not isinstance(tag, str) or _is_furniture(node):
            pass  # comments, processing instructions: nothing of them shows; furniture neither
        elif tag == "br":
            parts.append("\n")
        else:
            if tag in _BLOCKS:
                parts.append("\n")
            if node.text:
                parts.append(node.text.replace("\n", " "))
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node))
            continue
        if node.tail:
            parts.append(node.tail.replace("\n", " "))
    # Source line breaks became spaces above, so the breaks left are the block boundaries.
    return normalise_lines("".join(parts))


def _is_furniture(tag: etree._Element) -> bool:
    name = tag.tag
    if name == "aside":
        return not _is_member_card(tag)
    if name in _DROPPED:
        return True
    if name in _PAGE_LEVEL and not any(parent.tag in _SECTIONING for parent in tag.iterancestors()):
        # A page-level header is the site's banner, unless the page's title is in it.
        return name != "header" or next(tag.iter("h1"), None) is None
    attrs = tag.attrib
    if not attrs:
        return False
    if "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    if attrs.get("role") in _FURNITURE_ROLES:
        return True
    style = attrs.get("style")
    if style and _HIDDEN_STYLE_RE.search(style):
        return True
    classes = (attrs.get("class") or "").lower().split()
    if any(name in _HIDDEN_CLASSES for name in classes) and not any(
        _SHOWN_AT_WIDTH_RE.match(name) for name in classes
    ):
        return True
    names = [*(attrs.get("class") or "").split(), attrs.get("id") or ""]
    return any(
        part.lower() in _FURNITURE_NAME_PARTS
        for name in names
        for part in _NAME_PART_RE.split(name)
    )
