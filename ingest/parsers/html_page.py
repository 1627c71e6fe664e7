"""Saved HTML pages: reduce to the text a reader sees, then read it with the text layouts.

Block elements become line breaks, entities are decoded, and page furniture (scripts, styles,
navigation, the site header and footer, forms, cookie banners, share links, hidden elements)
is dropped. ``ingest.detect`` runs the text layouts on the result and reports the layout as
``html/<layout>``; ``api_json`` reduces the HTML of API answers the same way. A page saved
as a single-file web archive (MHTML) is first taken out of its MIME wrapping (``mime``).

Read with BeautifulSoup (beautifulsoup4, the stack's HTML text extractor) on its lxml tree
builder, the fastest it has; libxml2 copes with broken markup. BeautifulSoup builds a Python
object for every tag and string, and that is about 90% of the time: some 6 ms of CPU for a
27 KB saved page, where lxml.html alone took 1.5 ms. The text is then gathered in one walk
of the tree that skips furniture whole (under 1 ms).
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from bs4.element import NavigableString, PageElement, PreformattedString, Tag

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
# BeautifulSoup warns that markup opening with an XML declaration (some XHTML pages) may be
# XML; ``sniff`` has already decided that it is HTML.
_XML_DECLARATION_RE = re.compile(r"^\s*<\?xml[^>]*>", re.IGNORECASE)


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


def _is_member_card(aside: Tag) -> bool:
    """A sidebar is furniture, unless it is the card of the member who asked or answered:
    a line of it is an "Asked by" or "Answered by" label ("Other questions asked by …" is not).
    """
    return any(
        label_of(normalise_space(line)) in (Label.ASKED_BY, Label.ANSWERED_BY)
        for line in aside.get_text("\n").split("\n")
    )


def read_page(markup: str) -> tuple[str, str]:
    """The page's title and its visible text, one block element a line."""
    soup = _parse(markup)
    title = soup.title
    return normalise_space(title.get_text()) if title else "", _visible_text(soup)


def html_to_text(markup: str) -> str:
    """The visible text of an HTML page or fragment, one block element a line."""
    return _visible_text(_parse(markup))


def _parse(markup: str) -> BeautifulSoup:
    markup = _XML_DECLARATION_RE.sub("", markup, count=1)
    try:
        return _soup(markup)
    except UnicodeEncodeError:
        # A lone surrogate (an API record's JSON "\ud800") cannot be handed to libxml2.
        return _soup(markup.encode("utf-8", errors="replace").decode("utf-8"))


def _soup(markup: str) -> BeautifulSoup:
    return BeautifulSoup(
        markup,
        "lxml",
        # Lifts libxml2's nesting limit (256), past which it silently drops the rest of a page.
        huge_tree=True,
        # Attribute values as written: ``_is_furniture`` splits the class list itself, and
        # BeautifulSoup's splitting of every class attribute is time spent for nothing.
        multi_valued_attributes=None,
    )


def _visible_text(soup: BeautifulSoup) -> str:
    parts: list[str] = []
    # An explicit stack rather than recursion: saved pages can nest deeper than Python recurses.
    # Each tag is visited twice: on the way in (False) and after its children (True). Walking
    # the tree once, skipping furniture whole, stays linear however deep or wide the page;
    # decomposing furniture and inserting break strings for ``get_text`` costs BeautifulSoup
    # a walk down the tree per insertion, which deeply nested pages turn quadratic.
    stack: list[tuple[PageElement, bool]] = [(soup, False)]
    while stack:
        node, closing = stack.pop()
        if not isinstance(node, Tag):
            # Text; comments, the doctype and processing instructions are not shown.
            if isinstance(node, NavigableString) and not isinstance(node, PreformattedString):
                parts.append(node.replace("\n", " "))
        elif closing:
            if node.name in _BLOCKS:
                parts.append("\n")
            elif node.name in _CELLS:
                parts.append(" ")
        elif _is_furniture(node):
            pass  # nothing of it shows
        elif node.name == "br":
            parts.append("\n")
        else:
            if node.name in _BLOCKS:
                parts.append("\n")
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node.contents))
    # Source line breaks became spaces above, so the breaks left are the block boundaries.
    return normalise_lines("".join(parts))


def _is_furniture(tag: Tag) -> bool:
    if tag.name == "aside":
        return not _is_member_card(tag)
    if tag.name in _DROPPED:
        return True
    if tag.name in _PAGE_LEVEL and not any(parent.name in _SECTIONING for parent in tag.parents):
        # A page-level header is the site's banner, unless the page's title is in it.
        return tag.name != "header" or tag.find("h1") is None
    attrs = tag.attrs
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
