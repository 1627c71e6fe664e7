"""What the XML layouts (``twfy_xml``, ``qna_xml``) share beyond ``ingest.parsers.common``:
safe loading of untrusted XML and namespace-free tag names. Text helpers (whitespace, dates,
departments, references) are common's, shared with every layout.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable

from lxml import etree


class MalformedXML(ValueError):
    """The bytes are not a well-formed XML document we are willing to read."""


# Byte-order marks a document may start with before its first "<".
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def starts_like_xml(data: bytes) -> bool:
    """True if the document's first visible character is ``<``.

    Sniffers search the first few KB for a root element; without this, a text file that
    merely mentions ``<publicwhip>`` (a README, say) would be taken for XML.
    """
    for bom in _BOMS:
        if data.startswith(bom):
            data = data[len(bom) :]
            break
    return data.lstrip(b" \t\r\n\x00")[:1] == b"<"


def load_xml(data: bytes) -> etree._Element:
    """Parse untrusted XML bytes and return the root element, or raise ``MalformedXML``.

    parlparse files declare entities such as ``&pound;`` in an internal DTD, so internal
    entities must be expanded; nothing else is fetched or expanded: external entities are
    left undefined (an error), there is no network access, and libxml2's amplification
    limit (kept on because ``huge_tree`` is off) stops "billion laughs" expansion.
    """
    # A parser per call: lxml parser objects are not meant to be shared between threads.
    parser = etree.XMLParser(
        resolve_entities="internal",
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    # LookupError/ValueError: an unknown or unusable encoding in the XML declaration.
    except (etree.LxmlError, LookupError, ValueError) as error:
        message = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise MalformedXML(message or type(error).__name__) from error
    if root is None:
        raise MalformedXML("no root element")
    return root


def local_name(element: etree._Element) -> str:
    """The tag without its namespace; "" for comments and processing instructions."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def excerpt(root: etree._Element, elements: Iterable[etree._Element | None]) -> str:
    """``elements`` (None skipped) as a small document of their own, one a line, under a copy
    of ``root`` without its children: a record's ``raw_text``, which ``ingest.reparse`` can
    parse again to give the record back."""
    document = etree.Element(root.tag, dict(root.attrib), nsmap=root.nsmap)
    document.text = "\n"
    for element in elements:
        if element is not None:
            document.append(copy.deepcopy(element))
            document[-1].tail = "\n"
    return etree.tostring(document, encoding="unicode")
